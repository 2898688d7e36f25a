"""Transaction-local settings do not leak through a reused physical connection (wall 4 mechanics).

Tenant A's scope reads rows and commits; the next transaction on the SAME backend (same
``pg_backend_pid``) with no tenant sees 0 rows and ``app.read_tenants`` is empty. Checked by hand:
changing ``set_config(..., true)`` to ``false`` (session-level) in tenants.context._apply makes the
Django test fail (the second transaction still sees A's rows); the raw test pins the PostgreSQL
behaviour the design relies on.
"""

from __future__ import annotations

import pytest
from django.db import connection

from tenants.context import tenant_scope
from tests.tenancy.conftest import app_connect, set_scope


def _raw(sql: str):  # type: ignore[no-untyped-def]
    """Run on Django's physical connection, below the cursor guard (the guard would raise first)."""
    with connection.connection.cursor() as cur:
        cur.execute(sql)
        return cur.fetchall()


def test_django_persistent_connection_does_not_carry_the_tenant(world, committed, settings):
    assert connection.settings_dict["CONN_MAX_AGE"] > 0
    connection.ensure_connection()
    with tenant_scope(world.a.id):
        pid_a = _raw("SELECT pg_backend_pid()")[0][0]
        n_a = _raw("SELECT count(*) FROM tenants_orgunit")[0][0]
        assert n_a > 0
        assert _raw("SELECT current_setting('app.read_tenants', true)")[0][0] == f"{{{world.a.id}}}"
    assert connection.get_autocommit()  # the scope committed
    # Next transaction, same physical connection, no tenant.
    with connection.connection.transaction():
        assert _raw("SELECT pg_backend_pid()")[0][0] == pid_a
        assert _raw("SELECT count(*) FROM tenants_orgunit")[0][0] == 0
        assert _raw("SELECT current_setting('app.read_tenants', true)")[0][0] in ("", None)
        assert _raw("SELECT current_setting('app.write_tenant', true)")[0][0] in ("", None)
    # Autocommit statement too.
    assert _raw("SELECT count(*) FROM tenants_orgunit")[0][0] == 0


def test_raw_psycopg_connection_does_not_carry_the_tenant(world):
    with app_connect() as conn:
        pid = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
        conn.rollback()
        with conn.transaction(), conn.cursor() as cur:
            set_scope(cur, read=[world.a.id], write=world.a.id)
            cur.execute("SELECT count(*) FROM tenants_orgunit")
            assert cur.fetchone()[0] > 0
        # committed; same connection, new transaction without set_config
        with conn.transaction(), conn.cursor() as cur:
            cur.execute("SELECT pg_backend_pid(), count(*), current_setting('app.read_tenants', true) FROM tenants_orgunit")
            same_pid, n, setting = cur.fetchone()
        assert same_pid == pid
        assert n == 0
        assert setting in ("", None)


@pytest.mark.parametrize("outcome", ["commit", "rollback"])
def test_nested_scope_restores_outer_values(world, committed, outcome):
    """Inside A's scope a nested B scope ends and A's settings are back (for nested scopes)."""
    with tenant_scope(world.a.id):
        try:
            with tenant_scope(world.b.id):
                assert _raw("SELECT current_setting('app.write_tenant', true)")[0][0] == str(world.b.id)
                if outcome == "rollback":
                    raise RuntimeError("boom")
        except RuntimeError:
            pass
        assert _raw("SELECT current_setting('app.write_tenant', true)")[0][0] == str(world.a.id)
        assert _raw("SELECT current_setting('app.read_tenants', true)")[0][0] == f"{{{world.a.id}}}"
