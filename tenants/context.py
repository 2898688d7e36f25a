"""The tenant scope: which agency acts, which agencies may be read.

A scope is always a transaction. Entering it opens ``transaction.atomic`` on the connection and sets,
*transaction-locally* (``set_config(..., true)``), the settings the RLS policies read:

- ``app.write_tenant``  the one agency whose rows may be inserted/updated/deleted;
- ``app.read_tenants``  the agencies whose rows may be read (one agency, or a jurisdiction for an
  auditor or provincial admin; see ``tenants.permissions.reach``);
- ``app.user_id``       the signed-in user (lets a user read their own memberships in every agency).

Session-level settings are never used: they would leak through persistent connections and pools.
On exit the previous values are put back, so nested scopes and test transactions stay honest.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections, transaction


@dataclass(frozen=True)
class TenantScope:
    write_tenant_id: int | None
    read_tenant_ids: tuple[int, ...]
    user_id: int | None = None

    @property
    def tenant_id(self) -> int | None:
        return self.write_tenant_id


_EMPTY = TenantScope(write_tenant_id=None, read_tenant_ids=(), user_id=None)
_current: contextvars.ContextVar[TenantScope | None] = contextvars.ContextVar("eoffice_tenant_scope", default=None)


class TenantScopeMissing(RuntimeError):
    """A tenant table was queried with no tenant scope open (tenant cursor guard)."""


def current_scope() -> TenantScope | None:
    return _current.get()


def require_own_scope(tenant_id: int, what: str) -> None:
    """Refuse to write for ``tenant_id`` unless that agency's own scope is open (``what`` names the caller)."""
    scope = _current.get()
    if scope is None or scope.write_tenant_id != tenant_id:
        raise RuntimeError(f"{what} needs the tenant's own scope open")


def current_tenant_id() -> int | None:
    scope = _current.get()
    return scope.write_tenant_id if scope else None


def _apply(using: str, scope: TenantScope) -> None:
    read = "{" + ",".join(str(int(t)) for t in scope.read_tenant_ids) + "}" if scope.read_tenant_ids else ""
    write = str(int(scope.write_tenant_id)) if scope.write_tenant_id is not None else ""
    user = str(int(scope.user_id)) if scope.user_id is not None else ""
    with connections[using].cursor() as cur:
        cur.execute(
            "SELECT set_config('app.read_tenants', %s, true), set_config('app.write_tenant', %s, true),"
            " set_config('app.user_id', %s, true)",
            [read, write, user],
        )


@contextmanager
def _scope(scope: TenantScope, using: str) -> Iterator[TenantScope]:
    conn = connections[using]
    previous = _current.get()
    token = _current.set(scope)
    try:
        with transaction.atomic(using=using):
            conn.scope_depth += 1
            try:
                _apply(using, scope)
                yield scope
            finally:
                conn.scope_depth -= 1
    finally:
        _current.reset(token)
        # Still inside an outer transaction (nested scope or a test's transaction): put the outer
        # values back. When the outer transaction already failed, PostgreSQL discards them anyway.
        if conn.in_atomic_block and not conn.needs_rollback:
            _apply(using, previous or _EMPTY)


def tenant_scope(
    tenant_id: int,
    *,
    readable: Iterable[int] | None = None,
    user_id: int | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> contextmanager:  # type: ignore[valid-type]
    """Act for one agency. ``readable`` widens reads (auditor/provincial admin reach); it always
    includes the acting agency."""
    read = {int(tenant_id)}
    if readable is not None:
        read |= {int(t) for t in readable}
    return _scope(TenantScope(int(tenant_id), tuple(sorted(read)), user_id), using)


def user_scope(user_id: int, *, using: str = DEFAULT_DB_ALIAS) -> contextmanager:  # type: ignore[valid-type]
    """No agency yet (agency chooser, login): the user may read only their own memberships."""
    return _scope(TenantScope(None, (), int(user_id)), using)


def dangerously_read_all_tenants(tenant_ids: Iterable[int], *, using: str = DEFAULT_DB_ALIAS):  # type: ignore[no-untyped-def]
    """Read-only scope over many agencies with no acting agency (writes fail by RLS).

    Allowed callers (each covered by a test): the job reconciler, ``audit_verify``, benchmarks.
    """
    return _scope(TenantScope(None, tuple(sorted({int(t) for t in tenant_ids})), None), using)
