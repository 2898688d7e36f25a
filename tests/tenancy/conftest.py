"""Shared helpers for the tenant-wall tests.

- ``raw_app`` / ``raw_owner``: plain psycopg connections (no Django, no cursor guard) so the
  database walls are tested alone.
- ``catalog_tenant_tables()``: every table in schema ``public`` with a ``tenant_id`` column, read
  from ``information_schema`` (third-party and many-to-many tables included), not from Django.
- ``rows_digest(tenant_id)``: a hash of every row of one tenant in every tenant table (plus its
  agency row), read by the app role inside that tenant's own read scope.
- ``world``: committed rows for the sweep and the other tests (tenant_world.World).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import psycopg
import pytest
from django.conf import settings
from psycopg import sql


def _dsn(alias: str) -> str:
    d = settings.DATABASES[alias]
    return psycopg.conninfo.make_conninfo(
        dbname=d["NAME"], user=d["USER"], password=d["PASSWORD"],
        host=d["HOST"] or d.get("OPTIONS", {}).get("host") or "127.0.0.1",  # embedded: unix socket dir
        port=str(d["PORT"] or 5432), application_name="eoffice-tenancy-tests",
    )


def app_connect(*, autocommit: bool = False) -> psycopg.Connection:
    return psycopg.connect(_dsn("default"), autocommit=autocommit)


def owner_connect(*, autocommit: bool = False) -> psycopg.Connection:
    return psycopg.connect(_dsn("owner"), autocommit=autocommit)


@pytest.fixture
def raw_app(django_db_setup) -> Iterator[psycopg.Connection]:  # type: ignore[no-untyped-def]
    conn = app_connect()
    try:
        yield conn
    finally:
        conn.close()


@pytest.fixture
def raw_owner(django_db_setup) -> Iterator[psycopg.Connection]:  # type: ignore[no-untyped-def]
    conn = owner_connect()
    try:
        yield conn
    finally:
        conn.close()


def catalog_tenant_tables(conn: psycopg.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT c.table_name FROM information_schema.columns c"
        " JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name"
        " WHERE c.table_schema = 'public' AND c.column_name = 'tenant_id' AND t.table_type = 'BASE TABLE'"
        " ORDER BY 1"
    ).fetchall()
    return [r[0] for r in rows]


def catalog_all_tables(conn: psycopg.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1"
    ).fetchall()
    return [r[0] for r in rows]


def set_scope(cur: psycopg.Cursor, *, read: list[int] | tuple[int, ...] = (), write: int | None = None,
              user: int | None = None) -> None:
    """Transaction-local settings, exactly as tenants.context sets them."""
    cur.execute(
        "SELECT set_config('app.read_tenants', %s, true), set_config('app.write_tenant', %s, true),"
        " set_config('app.user_id', %s, true)",
        ["{" + ",".join(str(int(t)) for t in read) + "}" if read else "", "" if write is None else str(write),
         "" if user is None else str(user)],
    )


def rows_digest(tenant_id: int) -> dict[str, str]:
    """{table: sha256 of the tenant's rows}, read by the app role in the tenant's own read scope
    (a fresh connection, so nothing of the caller's transaction leaks in)."""
    out: dict[str, str] = {}
    with app_connect() as conn, conn.transaction(), conn.cursor() as cur:
        set_scope(cur, read=[tenant_id])
        for table in catalog_tenant_tables(conn):
            cur.execute(
                sql.SQL("SELECT t::text FROM {} t WHERE tenant_id = %s ORDER BY t::text").format(sql.Identifier(table)),
                [tenant_id],
            )
            h = hashlib.sha256()
            n = 0
            for (row,) in cur:
                h.update(row.encode())
                h.update(b"\n")
                n += 1
            out[table] = f"{n}:{h.hexdigest()}"
        cur.execute("SELECT t::text FROM tenants_agency t WHERE id = %s", [tenant_id])
        out["tenants_agency"] = hashlib.sha256(str(cur.fetchall()).encode()).hexdigest()
    return out


@pytest.fixture(scope="session")
def world(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    from tests.tenancy.tenant_world import build_world

    with django_db_blocker.unblock():
        w = build_world()
    return w


_HANDLER = None


def make_client(user=None):  # type: ignore[no-untyped-def]
    """A test Client sharing one request handler: building the middleware chain again for every
    client (WhiteNoise scans the static tree each time) costs seconds."""
    from django.test import Client
    from django.test.client import ClientHandler

    global _HANDLER
    if _HANDLER is None:
        _HANDLER = ClientHandler(enforce_csrf_checks=False)
    c = Client()
    c.handler = _HANDLER
    if user is not None:
        c.force_login(user)
    return c
