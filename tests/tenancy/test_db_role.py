"""Wall 4's premise: the app connects as a role RLS applies to.

If the test (and app) connection were a superuser, a BYPASSRLS role or the tables' owner, every RLS
test would pass vacuously (superuser/BYPASSRLS skip policies; the owner skips them without FORCE).
Checked by hand: pointing DATABASE_URL at eoffice_owner makes ``test_app_role_owns_no_table`` fail.
"""

from __future__ import annotations

import pytest
from django.db import connection

from tests.tenancy.conftest import catalog_tenant_tables


@pytest.mark.django_db
def test_app_role_is_not_superuser_nor_bypassrls():
    with connection.cursor() as cur:
        cur.execute("SELECT current_user, session_user")
        current, session = cur.fetchone()
        cur.execute("SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = %s", [current])
        superuser, bypass, createrole, createdb = cur.fetchone()
    assert current == session
    assert not superuser, f"{current} is a superuser: RLS would not apply"
    assert not bypass, f"{current} has BYPASSRLS: RLS would not apply"
    assert not createrole and not createdb


@pytest.mark.django_db
def test_app_role_owns_no_table(raw_owner):
    with connection.cursor() as cur:
        cur.execute("SELECT current_user")
        (current,) = cur.fetchone()
        cur.execute("SELECT tablename FROM pg_tables WHERE tableowner = %s", [current])
        owned = [r[0] for r in cur.fetchall()]
        # Membership in the owner role would give the owner's rights too.
        cur.execute(
            "SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid"
            " JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = %s", [current],
        )
        member_of = [r[0] for r in cur.fetchall()]
    tenant_tables = catalog_tenant_tables(raw_owner)
    assert tenant_tables, "no tenant tables found in the catalog"
    assert owned == [], f"the app role {current} owns {owned}"
    with raw_owner.cursor() as cur:
        cur.execute("SELECT DISTINCT tableowner FROM pg_tables WHERE tablename = ANY(%s)", [tenant_tables])
        owners = {r[0] for r in cur.fetchall()}
    assert current not in owners
    assert not member_of, f"the app role is a member of {member_of}"
