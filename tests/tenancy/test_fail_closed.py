"""Fail-closed on committed data (walls 2 and 4).

As the app role on a raw connection (no Django, no guard), with no tenant set: every tenant table
returns 0 rows and an INSERT of a valid tenant_id is refused by RLS. Then the Django side: the cursor
guard and ``Model.objects`` raise ``TenantScopeMissing``. WITH CHECK refuses a write to another tenant
inside a scope; an auditor's read list reads A and B but cannot write them; a user scope sees only the
user's own memberships.

Checked by hand: replacing ``eoffice_read_tenants()``'s NULLIF/COALESCE with a fallback to all
tenants makes ``test_no_tenant_set_reads_nothing`` fail; dropping the WITH CHECK of tenant_write makes
``test_with_check_refuses_writing_into_another_tenant`` fail; removing the ``scope is None`` raise in
TenantScopedManager makes ``test_manager_raises_without_scope`` fail.
"""

from __future__ import annotations

import psycopg
import pytest
from django.db import connection
from psycopg import errors, sql

from tenants.context import TenantScopeMissing, dangerously_read_all_tenants, tenant_scope, user_scope
from tenants.models import Job, Membership, OrgUnit
from tests.tenancy.conftest import app_connect, catalog_tenant_tables, set_scope

APPEND_ONLY = {"tenants_auditevent", "documents_entryamendment", "documents_handlingevent"}


def _count(cur: psycopg.Cursor, table: str) -> int:
    cur.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
    return cur.fetchone()[0]


def _insert_tenant_only(cur: psycopg.Cursor, table: str, tenant_id: int) -> None:
    # RLS WITH CHECK runs before NOT NULL/FK constraints, so a bare row is refused by the policy.
    cur.execute(sql.SQL("INSERT INTO {} (tenant_id) VALUES (%s)").format(sql.Identifier(table)), [tenant_id])


@pytest.fixture
def tables(raw_app):  # type: ignore[no-untyped-def]
    t = catalog_tenant_tables(raw_app)
    assert len(t) >= 9
    return t


def test_the_owner_sees_rows_so_the_zeroes_below_mean_something(raw_owner, world, tables):
    with raw_owner.transaction(), raw_owner.cursor() as cur:
        set_scope(cur, read=[world.a.id, world.b.id])
        empty = [t for t in tables if _count(cur, t) == 0]
    assert empty == [], f"the world should put rows in every tenant table: {empty}"


@pytest.mark.parametrize("autocommit", [True, False], ids=["autocommit", "transaction"])
def test_no_tenant_set_reads_nothing_and_writes_nothing(world, tables, autocommit):
    with app_connect(autocommit=autocommit) as conn:
        for t in tables:
            with conn.cursor() as cur:
                assert _count(cur, t) == 0, f"{t}: rows visible with no tenant set"
            if not autocommit:
                conn.rollback()
        for t in tables:
            with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):  # noqa: SIM117 (order: the error escapes the transaction)
                with conn.transaction() if autocommit else _noop(), conn.cursor() as cur:
                    _insert_tenant_only(cur, t, world.a.id)
            if not autocommit:
                conn.rollback()


class _noop:
    def __enter__(self):  # type: ignore[no-untyped-def]
        return self

    def __exit__(self, *a):  # type: ignore[no-untyped-def]
        return False


@pytest.mark.parametrize("read", ["", "{}"], ids=["empty-string", "empty-array"])
def test_empty_read_setting_reads_nothing(world, tables, read):
    with app_connect() as conn, conn.transaction(), conn.cursor() as cur:
        cur.execute("SELECT set_config('app.read_tenants', %s, true), set_config('app.write_tenant', '', true)", [read])
        for t in tables:
            assert _count(cur, t) == 0, f"{t}: rows visible with app.read_tenants={read!r}"


def test_a_scope_sees_exactly_its_tenant(world, tables):
    with app_connect() as conn, conn.transaction(), conn.cursor() as cur:
        set_scope(cur, read=[world.a.id], write=world.a.id)
        for t in tables:
            cur.execute(sql.SQL("SELECT DISTINCT tenant_id FROM {}").format(sql.Identifier(t)))
            assert {r[0] for r in cur.fetchall()} == {world.a.id}, t


def test_with_check_refuses_writing_into_another_tenant(world, tables):
    for t in tables:
        with app_connect() as conn:
            with pytest.raises(errors.InsufficientPrivilege):  # noqa: SIM117 (order: the error escapes the transaction)
                with conn.transaction(), conn.cursor() as cur:
                    set_scope(cur, read=[world.a.id], write=world.a.id)
                    _insert_tenant_only(cur, t, world.b.id)
            if t in APPEND_ONLY:
                continue
            with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):  # noqa: SIM117 (order: the error escapes the transaction)
                with conn.transaction(), conn.cursor() as cur:
                    set_scope(cur, read=[world.a.id], write=world.a.id)
                    cur.execute(
                        sql.SQL("UPDATE {} SET tenant_id = %s WHERE tenant_id = %s").format(sql.Identifier(t)),
                        [world.b.id, world.a.id],
                    )


def test_with_check_through_django(world, committed):
    unit_a = world.obj("a", "orgunit")
    with tenant_scope(world.a.id):
        with pytest.raises(Exception, match="row-level security"):  # noqa: SIM117 (order: the error escapes the transaction)
            with tenant_scope(world.a.id):  # savepoint, so the outer scope survives
                OrgUnit.objects.filter(pk=unit_a.pk).update(tenant_id=world.b.id)
        with pytest.raises(Exception, match="row-level security"), tenant_scope(world.a.id):
            OrgUnit.objects.create(tenant_id=world.b.id, name_th=world.name("x"))
    with tenant_scope(world.a.id):
        assert OrgUnit.objects.get(pk=unit_a.pk).tenant_id == world.a.id


def test_auditor_reach_reads_both_writes_neither(world, committed):
    district, a, b = world.district.pk, world.a.id, world.b.id
    unit_a, unit_b = world.obj("a", "orgunit"), world.obj("b", "orgunit")
    with tenant_scope(district, readable=[district, a, b]):
        seen = set(OrgUnit.objects.filter(pk__in=[unit_a.pk, unit_b.pk]).values_list("pk", flat=True))
        assert seen == {unit_a.pk, unit_b.pk}
        assert OrgUnit.objects.filter(pk__in=[unit_a.pk, unit_b.pk]).update(name_th="hijacked") == 0
        with connection.cursor() as cur:
            cur.execute("DELETE FROM tenants_orgunit WHERE id = %s", [unit_b.pk])
            assert cur.rowcount == 0
        with pytest.raises(Exception, match="row-level security"):  # noqa: SIM117 (order: the error escapes the transaction)
            with tenant_scope(district, readable=[district, a, b]):
                Job.objects.create(tenant_id=a, kind="diagnostics.noop")
    with dangerously_read_all_tenants([a, b]):
        names = dict(OrgUnit.objects.filter(pk__in=[unit_a.pk, unit_b.pk]).values_list("pk", "name_th"))
    assert names == {unit_a.pk: unit_a.name_th, unit_b.pk: unit_b.name_th}


def test_membership_self_policy_in_user_scope(world, committed, user_named):
    multi = user_named("multi")
    with user_scope(multi.pk):
        mine = list(Membership.objects.all().values_list("user_id", "tenant_id"))
        with connection.cursor() as cur:  # RLS alone, no manager filter
            cur.execute("SELECT DISTINCT user_id FROM tenants_membership")
            raw_users = {r[0] for r in cur.fetchall()}
    assert {u for u, _ in mine} == {multi.pk}
    assert {t for _, t in mine} == {world.a.id, world.b.id}
    assert raw_users == {multi.pk}
    # And nothing else of those agencies is visible in a user scope.
    with user_scope(multi.pk), connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM tenants_orgunit")
        assert cur.fetchone()[0] == 0


def test_cursor_guard_raises_without_scope(world, committed):
    with pytest.raises(TenantScopeMissing), connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM tenants_orgunit")
    with pytest.raises(TenantScopeMissing):
        OrgUnit.objects.dangerously_unscoped().count()  # the manager is bypassed; the guard is not


def test_manager_raises_without_scope(world, committed):
    # Raised by the manager itself, before any SQL (so not the cursor guard).
    with pytest.raises(TenantScopeMissing):
        OrgUnit.objects.all()
    with pytest.raises(TenantScopeMissing):
        Membership.objects.filter(user_id=1)
    with pytest.raises(TenantScopeMissing):
        OrgUnit.objects.count()
    with pytest.raises(TenantScopeMissing):
        list(Job.objects.all())


def test_manager_narrows_to_the_scope_reads(world, committed):
    with tenant_scope(world.a.id):
        sql_text = str(OrgUnit.objects.all().query)
    assert "tenant_id" in sql_text and str(world.a.id) in sql_text
