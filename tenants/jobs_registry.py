"""Job kinds and their handlers. A handler runs inside its tenant's scope and transaction; its side
effects commit together with the job's ``done`` mark, so a re-run after a crash is safe."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

JobHandler = Callable[..., Any]
_HANDLERS: dict[str, JobHandler] = {}


def job_handler(kind: str) -> Callable[[JobHandler], JobHandler]:
    def register(fn: JobHandler) -> JobHandler:
        if kind in _HANDLERS and _HANDLERS[kind] is not fn:
            raise RuntimeError(f"job kind {kind!r} registered twice")
        _HANDLERS[kind] = fn
        return fn

    return register


def handler_for(kind: str) -> JobHandler:
    return _HANDLERS[kind]


def known_kinds() -> list[str]:
    return sorted(_HANDLERS)


# --- diagnostics: the pipeline check an agency admin can run from the jobs page ----------------------
@job_handler("diagnostics.noop")
def _noop(*, tenant_id: int, job_id: int, **_: Any) -> dict[str, Any]:
    return {"ok": True}


@job_handler("diagnostics.sleep")
def _sleep(*, tenant_id: int, job_id: int, seconds: float = 1.0, **_: Any) -> dict[str, Any]:
    time.sleep(min(float(seconds), 60.0))
    return {"slept": seconds}


class DiagnosticFailure(RuntimeError):
    pass


@job_handler("diagnostics.fail")
def _fail(*, tenant_id: int, job_id: int, **_: Any) -> None:
    raise DiagnosticFailure("diagnostics.fail always fails (used to show the failed state)")
