"""Test harness: PostgreSQL only, the app role for every test, committed two-tenant data seeded by
the owner.

The test command (scripts/test) points DATABASE_URL (app role) and MIGRATION_DATABASE_URL (owner) at
a fresh test database. Here, once per session: migrate as the owner, then seed the fixture tenants
as the owner in a subprocess (``EOFFICE_DB_AS_OWNER=1 manage.py seed_test_tenants``), committed.
Tests then run as the app role: ordinary tests inside a rolled-back transaction, ``committed``
tests (RLS, real workers, browser) against committed rows.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connections

from tenants.context import tenant_scope

ROOT = Path(__file__).resolve().parent.parent
TEST_PASSWORD = "test-password-123"


def pytest_collection_modifyitems(config, items):  # type: ignore[no-untyped-def]
    """The 1 M-entry EXPLAIN proof runs last: its rows (one agency) stay in the database, and no other
    test should run beside a million letters by accident."""
    items.sort(key=lambda item: "tests/registry/test_explain.py" in item.nodeid)


@pytest.fixture(scope="session")
def django_db_setup(django_db_blocker):  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock():
        call_command("migrate", database="owner", verbosity=0, interactive=False)
        env = dict(os.environ, EOFFICE_DB_AS_OWNER="1")
        subprocess.run([sys.executable, str(ROOT / "manage.py"), "seed_test_tenants"], check=True, env=env, cwd=ROOT)
        for conn in connections.all():
            conn.close()


@dataclass(frozen=True)
class Tenants:
    province: object
    district: object
    a: object
    b: object
    c: object


@pytest.fixture
def tenants(django_db_blocker):  # type: ignore[no-untyped-def]
    from tenants.models import Agency

    with django_db_blocker.unblock():
        by_slug = {a.slug: a for a in Agency.objects.filter(slug__in=["test-province", "test-district", "tenant-a", "tenant-b", "tenant-c"])}
    return Tenants(
        province=by_slug["test-province"], district=by_slug["test-district"], a=by_slug["tenant-a"],
        b=by_slug["tenant-b"], c=by_slug["tenant-c"],
    )


@pytest.fixture
def tenant_a(tenants):  # type: ignore[no-untyped-def]
    return tenants.a


@pytest.fixture
def tenant_b(tenants):  # type: ignore[no-untyped-def]
    return tenants.b


@pytest.fixture
def user_named(django_db_blocker):  # type: ignore[no-untyped-def]
    from tenants.models import User

    def get(username: str) -> User:
        with django_db_blocker.unblock():
            return User.objects.get(username=username)

    return get


@pytest.fixture
def login(client, user_named):  # type: ignore[no-untyped-def]
    """Log the test client in as a seeded user (real login view, so throttling and audit run)."""

    def do(username: str):  # type: ignore[no-untyped-def]
        client.force_login(user_named(username))
        return client

    return do


@pytest.fixture
def in_tenant():  # type: ignore[no-untyped-def]
    """``with in_tenant(agency): ...`` opens that agency's scope (in the test's transaction)."""
    return lambda agency, **kw: tenant_scope(agency.pk if hasattr(agency, "pk") else agency, **kw)


@pytest.fixture
def committed(django_db_blocker):  # type: ignore[no-untyped-def]
    """Database access with real commits (no wrapping transaction). Use for RLS, pool, worker and
    browser tests; create your own rows with unique names and never change the seeded fixture."""
    with django_db_blocker.unblock():
        yield
        for conn in connections.all():
            conn.close()
