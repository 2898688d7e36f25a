"""Wall 4 enumerated from the catalog (architecture §3.5): every table in schema ``public`` with a
``tenant_id`` column has RLS ENABLED and FORCED with exactly the two standard policies; every other
table is on the reviewed allow-list below. A new table fails here until it is covered.

Checked: running ``ALTER TABLE tenants_job NO FORCE ROW LEVEL SECURITY`` (as owner) makes
``test_every_tenant_table_has_forced_rls_and_both_policies`` fail; ``DROP POLICY tenant_write`` too;
adding a table without ``tenant_id`` fails ``test_every_other_table_is_reviewed``.
"""

from __future__ import annotations

import pytest

from tenants.db import tenant_tables
from tests.tenancy.conftest import catalog_all_tables, catalog_tenant_tables

# Tables with no tenant_id, each reviewed: why it holds no agency's data (or why it is global).
NON_TENANT_TABLES: dict[str, str] = {
    "tenants_agency": "the agency directory itself: slugs and names every user may see",
    "tenants_supervision": "supervision edges between agencies: public organisation chart data",
    "tenants_user": "people are global (one person serves several agencies); reach is via membership",
    "tenants_user_groups": "Django auth groups of users: not used for tenant data (roles are RoleGrant)",
    "tenants_user_user_permissions": "Django per-user model permissions: global, not tenant data",
    "tenants_systemauditevent": "system audit chain: events before any agency is chosen (append-only)",
    "tenants_systemchainhead": "head of the system audit chain",
    "tenants_nationalholiday": "national holidays: the same public calendar for every agency (system admins write)",
    "auth_group": "Django auth groups: global, unused for tenant access",
    "auth_group_permissions": "Django auth group permissions: global",
    "auth_permission": "Django model permission catalogue (read-only for the app role)",
    "django_content_type": "Django content type catalogue (read-only for the app role)",
    "django_session": "sessions: keyed by an unguessable id, hold only the user id; agency comes from the URL",
    "django_admin_log": "Django admin log: the admin is read-only on tenant data; system admins only",
    "django_migrations": "migration history (read-only for the app role)",
    "documents_clockoverride": "the injectable database clock (one row, owner-written, tests only)",
}


@pytest.fixture
def tables(raw_owner):  # type: ignore[no-untyped-def]
    return catalog_all_tables(raw_owner), catalog_tenant_tables(raw_owner)


def test_catalog_and_django_agree_on_tenant_tables(tables):
    """The cursor guard's list (from Django models) covers every catalog tenant table."""
    _, tenant = tables
    missing = sorted(set(tenant) - set(tenant_tables()))
    assert not missing, f"tables with tenant_id unknown to the cursor guard (tenants.db.tenant_tables): {missing}"


def test_every_tenant_table_has_forced_rls_and_both_policies(raw_owner, tables):
    _, tenant = tables
    assert "tenants_orgunit" in tenant and "tenants_membership" in tenant
    problems: list[str] = []
    for t in tenant:
        enabled, forced = raw_owner.execute(
            "SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = %s::regclass", [f'public."{t}"']
        ).fetchone()
        if not enabled:
            problems.append(f"{t}: ROW LEVEL SECURITY not enabled")
        if not forced:
            problems.append(f"{t}: ROW LEVEL SECURITY not FORCEd (the owner would bypass it)")
        policies = {
            r[0]: r[1:]
            for r in raw_owner.execute(
                "SELECT policyname, cmd, permissive, qual, with_check FROM pg_policies"
                " WHERE schemaname = 'public' AND tablename = %s",
                [t],
            ).fetchall()
        }
        extra = sorted(set(policies) - {"tenant_read", "tenant_write"})
        if extra:
            problems.append(f"{t}: unreviewed extra policies {extra} (a permissive policy widens access)")
        read = policies.get("tenant_read")
        if read is None:
            problems.append(f"{t}: no tenant_read policy")
        else:
            cmd, permissive, qual, check = read
            if cmd != "SELECT" or permissive != "PERMISSIVE" or not qual or "eoffice_read_tenants()" not in qual:
                problems.append(f"{t}: tenant_read is not 'FOR SELECT USING (... eoffice_read_tenants() ...)': {read}")
            if "tenant_id" not in (qual or ""):
                problems.append(f"{t}: tenant_read does not test tenant_id: {qual}")
        write = policies.get("tenant_write")
        if write is None:
            problems.append(f"{t}: no tenant_write policy")
        else:
            cmd, permissive, qual, check = write
            want = "(tenant_id = eoffice_write_tenant())"
            if cmd != "ALL" or permissive != "PERMISSIVE" or qual != want or check != want:
                problems.append(f"{t}: tenant_write is not 'FOR ALL USING {want} WITH CHECK {want}': {write}")
    assert not problems, "\n".join(problems)


def test_policies_read_only_the_transaction_local_settings(raw_owner):
    """The functions the policies call fail closed (empty/unset -> no tenant) and read the settings."""
    src = dict(
        raw_owner.execute(
            "SELECT proname, prosrc FROM pg_proc WHERE proname IN"
            " ('eoffice_read_tenants', 'eoffice_write_tenant', 'eoffice_current_user_id')"
        ).fetchall()
    )
    assert "current_setting('app.read_tenants', true)" in src["eoffice_read_tenants"]
    assert "NULLIF" in src["eoffice_read_tenants"] and "'{}'::bigint[]" in src["eoffice_read_tenants"]
    assert "current_setting('app.write_tenant', true)" in src["eoffice_write_tenant"]
    assert "current_setting('app.user_id', true)" in src["eoffice_current_user_id"]
    # Not SECURITY DEFINER: they must run as the caller.
    defs = raw_owner.execute(
        "SELECT proname FROM pg_proc WHERE prosecdef AND proname LIKE 'eoffice_%%'"
    ).fetchall()
    assert defs == []


def test_every_other_table_is_reviewed(tables):
    all_tables, tenant = tables
    unreviewed = sorted(set(all_tables) - set(tenant) - set(NON_TENANT_TABLES))
    assert not unreviewed, (
        f"tables with no tenant_id and not on the reviewed allow-list: {unreviewed}. Either add a tenant_id "
        "column + tenants.db.EnableTenantRLS in the migration, or add the table to NON_TENANT_TABLES in "
        "tests/tenancy/test_catalog.py with a one-line reason why it holds no agency's data."
    )
    stale = sorted(set(NON_TENANT_TABLES) & set(tenant))
    assert not stale, f"on the non-tenant allow-list but has tenant_id (remove from the list): {stale}"
