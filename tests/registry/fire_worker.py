"""One worker process of the numbering-under-fire proof (tests/registry/test_numbering_fire.py).

    python -m tests.registry.fire_worker CONFIG.json

Its own Django set-up and its own database connection (the app role, RLS forced), tagged with
``application_name = eoffice-fire-<n>`` so the test's killer and lock sampler can find it. Two phases,
both on a schedule the test sends once every worker is ready (absolute wall-clock times, so all
workers start together):

1. registry: register incoming / issue outgoing through the real services in the agency's
   ``tenant_scope``; most operations go to one hot book. After the number is taken the transaction
   holds the book lock a few milliseconds (the killer's window) and some transactions raise on
   purpose (rollback after allocation).
2. control: the same loop on a throwaway table whose numbers come from a PostgreSQL sequence.

A connection killed by ``pg_terminate_backend`` surfaces as OperationalError/InterfaceError: the
worker drops the connection, counts it and carries on with a new one. Everything it saw goes to
the result file named in the config; the test checks the database, not these notes.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
import traceback
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class InjectedRollback(Exception):
    pass


def _setup(worker: int) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eoffice.settings")
    import django
    from django.conf import settings

    settings.DATABASES["default"].setdefault("OPTIONS", {})["application_name"] = f"eoffice-fire-{worker}"
    django.setup()


def _sleep_until(t: float) -> None:
    while (left := t - time.time()) > 0:
        time.sleep(min(left, 0.05))


def _await_schedule(cfg: dict) -> None:
    """Say we're ready (Django loaded, connected), then wait for the test's schedule: all workers start
    together however long eight start-ups took on a busy machine."""
    Path(cfg["ready"]).write_text("ready")
    go = Path(cfg["go"])
    deadline = time.time() + 180
    while not go.exists():
        if time.time() > deadline:
            raise SystemExit("no schedule from the test")
        time.sleep(0.02)
    time.sleep(0.05)  # the file is written whole by a rename, but be patient anyway
    cfg.update(json.loads(go.read_text()))


def main(cfg_path: str) -> int:
    cfg = json.loads(Path(cfg_path).read_text())
    worker = int(cfg["worker"])
    _setup(worker)

    from django.db import InterfaceError, OperationalError, connection, transaction

    from documents.registry import numbering, services
    from documents.registry.inputs import IncomingInput, OutgoingInput, PartyInput
    from tenants.context import tenant_scope
    from tenants.permissions import Actor
    from tenants.roles import Role

    rnd = random.Random(cfg["seed"])
    out: dict = {
        "worker": worker, "committed": [], "rolled_back": [], "killed": {"registry": 0, "control": 0},
        "ambiguous": [], "kill_messages": [], "errors": [], "alloc_ms": [],
        "control_committed": [], "control_rolled_back": [],
    }

    original_allocate = numbering.allocate_and_insert

    def timed_allocate(**kw):  # type: ignore[no-untyped-def]
        t0 = time.perf_counter()
        try:
            return original_allocate(**kw)
        finally:
            out["alloc_ms"].append(round((time.perf_counter() - t0) * 1000, 3))

    numbering.allocate_and_insert = timed_allocate  # instrumentation only: services call numbering.allocate_and_insert(...)

    def lost_connection(exc: BaseException, phase: str, seen: object) -> None:
        out["killed"][phase] += 1
        if len(out["kill_messages"]) < 5:
            out["kill_messages"].append(f"{type(exc).__name__}: {str(exc)[:160]}")
        if seen is not None:
            out["ambiguous"].append(seen)  # numbered, then the connection died: committed or not, the DB decides
        connection.close()

    hold_max = float(cfg["hold_ms"]) / 1000
    targets, hot = cfg["targets"], cfg["hot"]

    def registry_op(i: int) -> None:
        tid, book_id, kind, user_id, membership_id = hot if rnd.random() < cfg["p_hot"] else rnd.choice(targets)
        actor = Actor(user_id=user_id, agency_id=tid, membership_id=membership_id, unit_id=None,
                      roles=frozenset({Role.CENTRAL_CLERK}))
        rollback = rnd.random() < cfg["p_rollback"]
        hold = rnd.uniform(0, hold_max)
        seen = None
        try:
            with tenant_scope(tid):
                subject = f"ทดสอบภายใต้แรงกดดัน w{worker} #{i}"
                if kind == "in":
                    entry = services.register_incoming(
                        tenant_id=tid, actor=actor, idempotency_key=uuid.uuid4().hex,
                        data=IncomingInput(subject=subject, sender=PartyInput(name="ผู้ส่งทดสอบ"), book_id=book_id),
                    )
                else:
                    entry = services.issue_outgoing(
                        tenant_id=tid, actor=actor, idempotency_key=uuid.uuid4().hex,
                        data=OutgoingInput(subject=subject, recipients=(PartyInput(name="ผู้รับทดสอบ"),),
                                           book_id=book_id),
                    )
                seen = [book_id, entry.year, entry.number, entry.pk]
                time.sleep(hold)  # still holding the book lock: the killer's window, and contention
                if rollback:
                    raise InjectedRollback()
            out["committed"].append(seen)
        except InjectedRollback:
            out["rolled_back"].append(seen)
        except (OperationalError, InterfaceError) as exc:
            lost_connection(exc, "registry", seen)
        except Exception:
            out["errors"].append(traceback.format_exc()[-2000:])
            connection.close()

    table = cfg["control_table"]

    def control_op(i: int) -> None:
        rollback = rnd.random() < cfg["p_rollback"]
        hold = rnd.uniform(0, hold_max)
        n = None
        try:
            with transaction.atomic(), connection.cursor() as cur:
                cur.execute(f"INSERT INTO {table} (worker) VALUES (%s) RETURNING n", [worker])  # noqa: S608
                n = cur.fetchone()[0]
                time.sleep(hold)
                if rollback:
                    raise InjectedRollback()
            out["control_committed"].append(n)
        except InjectedRollback:
            out["control_rolled_back"].append(n)
        except (OperationalError, InterfaceError) as exc:
            lost_connection(exc, "control", None)
        except Exception:
            out["errors"].append(traceback.format_exc()[-2000:])
            connection.close()

    connection.ensure_connection()
    _await_schedule(cfg)
    _sleep_until(cfg["start_at"])
    i = 0
    while time.time() < cfg["registry_until"]:
        registry_op(i)
        i += 1
    _sleep_until(cfg["control_at"])
    while time.time() < cfg["control_until"]:
        control_op(i)
        i += 1
    connection.close()
    Path(cfg["out"]).write_text(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
