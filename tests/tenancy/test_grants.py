"""Grants are explicit: the app role's privileges on every table equal ``tenants.db.app_privileges_for``.

No TRUNCATE (it ignores RLS), REFERENCES or TRIGGER anywhere; the audit tables are SELECT + INSERT
only (append-only even if the trigger were dropped). Checked: after ``GRANT UPDATE, TRUNCATE ON
tenants_auditevent TO eoffice_app`` (as owner), calling the first two tests directly fails both (a pytest
session re-runs ``migrate --database owner``, whose post-migrate ``grant_app_role`` resets the grants).
"""

from __future__ import annotations

import pytest
from django.conf import settings

from tenants.db import app_privileges_for
from tests.tenancy.conftest import catalog_all_tables

ALL_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")


@pytest.fixture
def app_role() -> str:
    return settings.DATABASES["default"]["USER"]


def test_app_role_privileges_equal_declaration(raw_owner, app_role):
    problems = []
    for t in catalog_all_tables(raw_owner):
        have = {
            p for p in ALL_PRIVILEGES
            if raw_owner.execute("SELECT has_table_privilege(%s, %s, %s)", [app_role, f'public."{t}"', p]).fetchone()[0]
        }
        want = set(app_privileges_for(t))
        if have != want:
            problems.append(f"{t}: app role has {sorted(have)}, declared {sorted(want)}")
    assert not problems, "\n".join(problems) + "\n(declare in tenants.db.APP_PRIVILEGES, then re-run migrate --database owner)"


def test_no_dangerous_privilege_anywhere(raw_owner, app_role):
    rows = raw_owner.execute(
        "SELECT table_name, privilege_type FROM information_schema.role_table_grants"
        " WHERE table_schema = 'public' AND grantee IN (%s, 'PUBLIC')"
        " AND privilege_type IN ('TRUNCATE', 'REFERENCES', 'TRIGGER')",
        [app_role],
    ).fetchall()
    assert rows == []


def test_audit_tables_are_select_insert_only():
    for t in ("tenants_auditevent", "tenants_systemauditevent"):
        assert set(app_privileges_for(t)) == {"SELECT", "INSERT"}


def test_app_role_cannot_create_in_schema(raw_owner, app_role):
    assert raw_owner.execute("SELECT has_schema_privilege(%s, 'public', 'CREATE')", [app_role]).fetchone()[0] is False
