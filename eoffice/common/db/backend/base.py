"""PostgreSQL backend with the tenant cursor guard.

Every connection whose settings say ``TENANT_GUARD: True`` runs each statement through
``guard_hook`` (installed by the tenancy kernel at start-up). The hook raises when a tenant table is
queried while no tenant scope is open on this connection: a silent empty page (RLS hides every row)
becomes a loud bug instead. ``scope_depth`` is maintained by ``tenants.context``; a scope always holds
a transaction open, so depth > 0 means the transaction-local tenant setting is in force.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.backends.postgresql import base

GuardHook = Callable[[Any, str], None]
guard_hook: GuardHook | None = None


def set_guard_hook(hook: GuardHook | None) -> None:
    global guard_hook
    guard_hook = hook


def _guard(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
    conn = context["connection"]
    hook = guard_hook
    if hook is not None and isinstance(sql, str):
        hook(conn, sql)
    return execute(sql, params, many, context)


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope_depth = 0
        if self.settings_dict.get("TENANT_GUARD"):
            self.execute_wrappers.append(_guard)
