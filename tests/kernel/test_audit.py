"""The audit hash chain: tamper as the owner and see each kind of damage found at the right seq; the
walls (grants, trigger); the canonical payload round-trip; events that survive a rollback."""

from __future__ import annotations

import io
import json
import os
import time
import uuid
from contextlib import contextmanager

import psycopg
import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tenants.context import tenant_scope
from tenants.models import AuditEvent, SystemAuditEvent
from tenants.services import audit
from tenants.services.audit import (
    ALTERED,
    DELETED,
    FORGED,
    REORDERED,
    TRUNCATED,
    audit_record,
    audit_record_now,
    audit_verify_all,
    canonical_payload,
    chain_hash,
    normalize_changes,
)
from tenants.services.org import agency_create


def fresh_agency():  # type: ignore[no-untyped-def]
    slug = f"audit-{uuid.uuid4().hex[:10]}"
    return agency_create(
        actor=None, slug=slug, name_th="องค์การบริหารส่วนตำบลทดสอบบันทึก", kind="sao", province="นครราชสีมา",
        letter_code="นม", letter_number="52399",
    )


def append(agency, n: int) -> None:  # type: ignore[no-untyped-def]
    for i in range(n):
        with tenant_scope(agency.pk):
            audit_record(
                tenant_id=agency.pk, actor_id=None, action="test.event", object_type="doc", object_id=i,
                changes={"note": f"บันทึกที่ {i}", "n": i}, ip="192.0.2.1",
            )


def report(agency):  # type: ignore[no-untyped-def]
    (r,) = audit_verify_all(tenant_ids=[agency.pk], include_system=False)
    return r


@contextmanager
def as_owner(tenant_id: int, *, disable_trigger: bool = True):  # type: ignore[no-untyped-def]
    """A psycopg connection as the table owner, inside the tenant's RLS settings (FORCE RLS applies to
    the owner too). Commits on a clean exit."""
    with psycopg.connect(os.environ["MIGRATION_DATABASE_URL"], autocommit=False) as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT set_config('app.read_tenants', %s, true), set_config('app.write_tenant', %s, true)",
            [f"{{{tenant_id}}}", str(tenant_id)],
        )
        if disable_trigger:
            cur.execute("ALTER TABLE tenants_auditevent DISABLE TRIGGER tenants_auditevent_append_only")
        yield cur
        if disable_trigger:
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # run deferred FK checks before the ALTER
            cur.execute("ALTER TABLE tenants_auditevent ENABLE TRIGGER tenants_auditevent_append_only")


def first_problem(agency):  # type: ignore[no-untyped-def]
    r = report(agency)
    assert r.problems, "tampering went unnoticed"
    return r.problems[0]


# --- sound chains ------------------------------------------------------------------------------------
def test_fresh_chain_verifies_and_command_prints_ok(committed):  # type: ignore[no-untyped-def]
    ag = fresh_agency()
    append(ag, 4)
    r = report(ag)
    assert r.ok and r.events == 5 and r.head_seq == 5  # agency.created + 4
    out = io.StringIO()
    call_command("audit_verify", agency=ag.slug, stdout=out)
    assert f"OK tenant:{ag.pk} ({ag.slug}): 5 events" in out.getvalue()


def test_command_covers_every_chain_and_the_system_chain(committed):  # type: ignore[no-untyped-def]
    ag = fresh_agency()
    audit.audit_system_now(actor_id=None, action="login.failed", agency_hint="nowhere", ip="203.0.113.9")
    out = io.StringIO()
    try:
        call_command("audit_verify", stdout=out)
    except SystemExit:  # other tests in this database leave tampered chains behind on purpose
        pass
    text = out.getvalue()
    assert f"OK tenant:{ag.pk} ({ag.slug}): 1 events" in text
    assert "OK system: " in text


# --- tampering as the owner -----------------------------------------------------------------------------
def test_edited_payload_is_altered_at_its_seq(committed):  # type: ignore[no-untyped-def]
    ag = fresh_agency()
    append(ag, 4)
    with as_owner(ag.pk) as cur:
        cur.execute(
            "UPDATE tenants_auditevent SET changes = jsonb_set(changes, '{note}', '\"แก้ไขแล้ว\"')"
            " WHERE tenant_id = %s AND seq = 3",
            [ag.pk],
        )
    p = first_problem(ag)
    assert (p.seq, p.kind) == (3, ALTERED)
    out = io.StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("audit_verify", agency=ag.slug, stdout=out)
    assert exc.value.code == 1
    assert f"tenant:{ag.pk} seq 3: altered" in out.getvalue()


def test_deleted_middle_row(committed):  # type: ignore[no-untyped-def]
    ag = fresh_agency()
    append(ag, 4)
    with as_owner(ag.pk) as cur:
        cur.execute("DELETE FROM tenants_auditevent WHERE tenant_id = %s AND seq = 3", [ag.pk])
    r = report(ag)
    assert [(p.seq, p.kind) for p in r.problems] == [(3, DELETED)]


def test_swapped_rows_are_reordered(committed):  # type: ignore[no-untyped-def]
    ag = fresh_agency()
    append(ag, 4)
    with as_owner(ag.pk) as cur:
        for a, b in ((2, -1), (3, 2), (-1, 3)):
            cur.execute("UPDATE tenants_auditevent SET seq = %s WHERE tenant_id = %s AND seq = %s", [b, ag.pk, a])
    r = report(ag)
    assert [(p.seq, p.kind) for p in r.problems] == [(2, REORDERED), (3, REORDERED)]


def test_truncated_tail(committed):  # type: ignore[no-untyped-def]
    ag = fresh_agency()
    append(ag, 4)
    with as_owner(ag.pk) as cur:
        cur.execute("DELETE FROM tenants_auditevent WHERE tenant_id = %s AND seq = 5", [ag.pk])
    r = report(ag)
    assert [(p.seq, p.kind) for p in r.problems] == [(5, TRUNCATED)]


def test_forged_row_after_head(committed):  # type: ignore[no-untyped-def]
    ag = fresh_agency()
    append(ag, 4)
    with as_owner(ag.pk, disable_trigger=False) as cur:  # an INSERT needs no trigger disabled
        cur.execute("SELECT hash FROM tenants_auditevent WHERE tenant_id = %s AND seq = 5", [ag.pk])
        (prev,) = cur.fetchone()
        cur.execute("SELECT now()")
        (created,) = cur.fetchone()
        changes = {"note": "ปลอม"}
        payload = canonical_payload(
            chain=f"tenant:{ag.pk}", seq=6, actor_id=None, action="test.event", object_type="doc", object_id="x",
            changes=changes, ip=None, created_at=created,
        )
        cur.execute(
            "INSERT INTO tenants_auditevent (tenant_id, seq, prev_hash, hash, actor_id, acting_for, action,"
            " object_type, object_id, changes, ip, created_at)"
            " VALUES (%s, 6, %s, %s, NULL, '', 'test.event', 'doc', 'x', %s::jsonb, NULL, %s)",
            [ag.pk, prev, chain_hash(prev, payload), json.dumps(changes, ensure_ascii=False), created],
        )
    r = report(ag)
    assert [(p.seq, p.kind) for p in r.problems] == [(6, FORGED)]


# --- the walls -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("sql", [
    "UPDATE tenants_auditevent SET action = 'x' WHERE tenant_id = %s",
    "DELETE FROM tenants_auditevent WHERE tenant_id = %s",
])
def test_app_role_cannot_change_audit_rows(committed, sql):  # type: ignore[no-untyped-def]
    ag = fresh_agency()
    with pytest.raises(DatabaseError, match="permission denied"), tenant_scope(ag.pk), connection.cursor() as cur:
        cur.execute(sql, [ag.pk])
    assert report(ag).ok


@pytest.mark.parametrize("sql", [
    "UPDATE tenants_auditevent SET action = 'x' WHERE tenant_id = %s",
    "DELETE FROM tenants_auditevent WHERE tenant_id = %s",
    "TRUNCATE tenants_auditevent",
])
def test_owner_is_refused_by_the_trigger(committed, sql):  # type: ignore[no-untyped-def]
    ag = fresh_agency()
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"), \
            as_owner(ag.pk, disable_trigger=False) as cur:
        cur.execute(sql, [ag.pk] if "%s" in sql else None)
    assert report(ag).ok


# --- the canonical payload round-trips -------------------------------------------------------------
_thai = st.text(alphabet=st.characters(min_codepoint=0x0E01, max_codepoint=0x0E5B), max_size=12)
_text = st.one_of(_thai, st.text(max_size=12))
_values = st.one_of(_text, st.integers(), st.booleans(), st.none())
_ips = st.one_of(st.none(), st.ip_addresses(v=4).map(str), st.ip_addresses(v=6).map(str))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=st.dictionaries(_text, _values, max_size=6), ip=_ips)
def test_canonical_payload_round_trips(committed, changes, ip):  # type: ignore[no-untyped-def]
    ag = _shared_agency()
    with tenant_scope(ag.pk):
        seq = audit_record(tenant_id=ag.pk, actor_id=7, action="test.random", changes=changes, ip=ip)
    with tenant_scope(ag.pk):
        stored = AuditEvent.objects.get(tenant_id=ag.pk, seq=seq)
    assert stored.changes == normalize_changes(changes)
    assert report(ag).ok


_SHARED: dict[str, object] = {}


def _shared_agency():  # type: ignore[no-untyped-def]
    if "ag" not in _SHARED:
        _SHARED["ag"] = fresh_agency()
    return _SHARED["ag"]


def test_normalize_changes_matches_jsonb():  # type: ignore[no-untyped-def]
    assert normalize_changes({1: "a\x00b", "f": 1e16, "n": float("nan"), "t": (1, 2)}) == {
        "1": "a\ufffdb", "f": 10**16, "n": "nan", "t": [1, 2],
    }


# --- events that must survive the request's rollback --------------------------------------------------
class _Rollback(Exception):
    pass


def _actions(ag) -> list[str]:  # type: ignore[no-untyped-def]
    with tenant_scope(ag.pk):
        return list(AuditEvent.objects.filter(tenant_id=ag.pk).order_by("seq").values_list("action", flat=True))


def test_record_now_survives_a_rolled_back_request(committed):  # type: ignore[no-untyped-def]
    ag = fresh_agency()
    with pytest.raises(_Rollback), transaction.atomic(), tenant_scope(ag.pk):
        audit_record_now(tenant_id=ag.pk, actor_id=None, action="login.failed", ip="198.51.100.7")
        audit_record_now(tenant_id=ag.pk, actor_id=3, action="access.denied", changes={"path": "/a/x/"})
        audit_record(tenant_id=ag.pk, actor_id=3, action="document.update")
        raise _Rollback
    assert _actions(ag) == ["agency.created", "login.failed", "access.denied"]
    assert report(ag).ok


@pytest.mark.parametrize("marked_for_rollback", [False, True])
def test_record_now_after_an_in_transaction_append_does_not_hang(committed, marked_for_rollback):  # type: ignore[no-untyped-def]
    """The request already holds its chain head: the refusal goes to the system chain, at once (also
    when the middleware has already marked the transaction for rollback)."""
    ag = fresh_agency()
    started = time.monotonic()
    with pytest.raises(_Rollback), transaction.atomic(), tenant_scope(ag.pk):
        audit_record(tenant_id=ag.pk, actor_id=3, action="document.update")
        if marked_for_rollback:
            transaction.set_rollback(True)
        seq = audit_record_now(tenant_id=ag.pk, actor_id=3, action="access.denied")
        raise _Rollback
    assert time.monotonic() - started < 3
    assert _actions(ag) == ["agency.created"]
    event = SystemAuditEvent.objects.get(seq=seq)
    assert event.action == "access.denied" and event.changes["tenant_id"] == ag.pk
    assert report(ag).ok
    assert not audit.audit_verify_system()
