"""The handling API end to end (issue 4): note -> present -> endorse (order) -> distribute -> unit
registers -> assign -> act -> close, with the inbox and the timeline; refusals answer in Thai and
English; XSS payloads in notes and endorsements come back as the same inert text."""

from __future__ import annotations

import json
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.api.conftest import DBS
from tests.registry.fixtures_files import pdf_bytes

pytestmark = pytest.mark.django_db(databases=DBS)

XSS = '<script>alert(1)</script><img src=x onerror=alert(2)> {{7*7}} <a href="javascript:alert(3)">x</a>'


def _register(api, slug: str, purpose: str = "consider") -> dict:  # type: ignore[no-untyped-def]
    r = api.post(slug, "registry/incoming/", {"idempotency_key": uuid.uuid4().hex, "subject": "ขอความอนุเคราะห์ข้อมูล",
                                             "sender": {"name": "อำเภอทดสอบ"}, "purpose": purpose})
    assert r.status == 201, r.data
    return r.data


def _ids(first_of, tenants):  # type: ignore[no-untyped-def]
    from tenants.models import Membership, OrgUnit, Position

    a = tenants.a
    return {
        "palad": first_of(Position, a, title_th__startswith="ปลัด").pk,
        "finance": first_of(OrgUnit, a, name_th="กองคลัง").pk,
        "officer": first_of(Membership, a, user__username="a_officer").pk,
    }


def test_the_whole_path_through_the_api(as_user, tenants, first_of):
    slug, ids = tenants.a.slug, _ids(first_of, tenants)
    admin = as_user("a_agency_admin")
    chain = admin.post(slug, "handling/chains/", {"name_th": "สายเสนอ API", "position_ids": [ids["palad"]]})
    assert chain.status == 201, chain.data
    cat = admin.post(slug, "handling/file-categories/", {"code": f"api-{uuid.uuid4().hex[:6]}", "name_th": "แฟ้มงานทั่วไป",
                                                          "retention_years": 10})
    assert cat.status == 201, cat.data

    clerk = as_user("a_central_clerk")
    entry = _register(clerk, slug)
    h = clerk.post(slug, f"handling/entries/{entry['id']}/start/", {"summary": XSS, "recommendation": "เห็นควรมอบกองคลัง"})
    assert h.status == 201, h.data
    assert h.data["state"] == "noted" and h.data["timeline"][0]["text"] == XSS  # stored and returned as typed
    hid = h.data["id"]
    again = clerk.post(slug, f"handling/entries/{entry['id']}/start/", {"summary": "อีกครั้ง"})
    assert again.status == 409 and again.data["error"]["message_th"] and again.data["error"]["message_en"]
    p = clerk.post(slug, f"handling/letters/{hid}/present/", {"chain_id": chain.data["id"]})
    assert p.status == 200 and p.data["state"] == "presenting", p.data
    (step,) = p.data["holders"]
    assert step["holder"].startswith("ปลัด") and step["passed_note"] == XSS

    head = as_user("a_head")
    inbox = head.get(slug, "handling/inbox/", {"sort": "received"})
    assert inbox.status == 200 and any(r["id"] == step["id"] for r in inbox.data)
    row = next(r for r in inbox.data if r["id"] == step["id"])
    assert row["number"] == f"{entry['number']}/{entry['year']}" and row["urgency"] == "001"
    e = head.post(slug, f"handling/holdings/{step['id']}/endorse/",
                  {"phrase": "มอบ", "text": XSS, "order_units": [ids["finance"]]})
    assert e.status == 200 and e.data["state"] == "ordered", e.data
    endorsed = [t for t in e.data["timeline"] if t["kind"] == "endorsed"][0]
    assert endorsed["text"] == XSS and endorsed["actor_position"].startswith("ปลัด")
    twice = head.post(slug, f"handling/holdings/{step['id']}/endorse/", {"phrase": "ทราบ"})
    assert twice.status == 409 and twice.data["error"]["code"] == "already_done"

    clerk = as_user("a_central_clerk")
    d = clerk.post(slug, f"handling/letters/{hid}/distribute/", {})
    assert d.status == 200 and d.data["state"] == "distributed", d.data
    (unit,) = d.data["holders"]

    unit_clerk = as_user("a_unit_clerk")
    u = unit_clerk.post(slug, f"handling/holdings/{unit['id']}/unit-register/", {"idempotency_key": uuid.uuid4().hex})
    assert u.status == 200, u.data
    a = unit_clerk.post(slug, f"handling/holdings/{unit['id']}/assign/",
                        {"membership_ids": [ids["officer"]], "due_on": "2099-01-31", "note": "ด่วน"})
    assert a.status == 200, a.data
    (task,) = a.data["holders"]
    assert task["due_on"] == "2099-01-31" and task["holder_kind"] == "member"

    officer = as_user("a_officer")
    assert officer.post(slug, f"handling/holdings/{task['id']}/act/", {"text": "ส่งข้อมูลแล้ว"}).status == 200
    # with a document of the action (multipart): stored with the letter, named on the event, downloadable
    r = officer.client.post(f"/api/v1/a/{slug}/handling/holdings/{task['id']}/act/",
                            {"text": "แนบรายงานผล", "files": [SimpleUploadedFile("รายงานผล.pdf", pdf_bytes())]},
                            headers={"X-Eoffice-Agency": slug})
    assert r.status_code == 200, r.content[:500]
    done = json.loads(r.content)
    (doc,) = [f for f in done["files"] if f["role"] == "action"]
    assert done["timeline"][-1]["details"]["files"] == [{"id": doc["id"], "name": "รายงานผล.pdf"}]
    got = officer.client.get(f"/api/v1/a/{slug}/handling/letters/{hid}/files/{doc['id']}/")
    assert got.status_code == 200 and got.content[:5] == b"%PDF-"
    assert officer.client.get(f"/api/v1/a/{slug}/handling/letters/{hid}/files/99999999/").status_code == 404
    c = officer.post(slug, f"handling/holdings/{task['id']}/close/", {"file_category_id": cat.data["id"]})
    assert c.status == 200 and c.data["state"] == "closed", c.data
    assert [t["kind"] for t in c.data["timeline"]] == [
        "noted", "presented", "endorsed", "distributed", "unit_registered", "assigned", "acted", "acted", "closed"]
    # the officer can read the letter they held; another officer of another unit cannot
    assert officer.get(slug, f"handling/letters/{hid}/").status == 200


def test_bad_input_is_a_clear_400(as_user, tenants):
    slug = tenants.a.slug
    clerk = as_user("a_central_clerk")
    entry = _register(clerk, slug)
    r = clerk.post(slug, f"handling/entries/{entry['id']}/start/", {"summary": ""})
    assert r.status == 400 and r.data["error"]["message_th"]
    r = clerk.post(slug, f"handling/entries/{entry['id']}/start/", {"summary": "x" * 5000})
    assert r.status == 400
    r = clerk.post(slug, "handling/holdings/endorse-bulk/", {"holding_ids": []})
    assert r.status == 400
    r = clerk.get(slug, "handling/inbox/", {"sort": "nonsense"})
    assert r.status == 400
    r = clerk.post(slug, "handling/letters/99999999999999999999/present/", {})
    assert r.status == 404


def test_roles(as_user, tenants):
    # (writes first: a refusal is audited on the second connection, whose test transaction then holds
    # the agency's audit-chain head until the test ends)
    slug = tenants.a.slug
    clerk_entry = _register(as_user("a_central_clerk"), slug)
    r = as_user("a_officer").post(slug, f"handling/entries/{clerk_entry['id']}/start/", {"summary": "ลองดู"})
    assert r.status == 403 and r.data["error"]["message_en"]
    assert as_user("a_officer").post(slug, "handling/chains/", {"name_th": "x", "position_ids": [1]}).status in (400, 403)
    assert as_user("d_auditor").get("test-district", "handling/inbox/").data == []


def test_delegations_through_the_api(as_user, tenants, first_of):
    from tenants.models import Position

    slug = tenants.a.slug
    palad = first_of(Position, tenants.a, title_th__startswith="ปลัด").pk
    mayor = first_of(Position, tenants.a, title_th__startswith="นายก").pk
    admin = as_user("a_agency_admin")
    r = admin.post(slug, "handling/delegations/", {"from_position_id": mayor, "to_position_id": palad,
                                                   "letter_kinds": ["external"], "order_reference": "คำสั่ง ที่ 15/2569",
                                                   "order_date": "2026-01-05", "starts_on": "2026-01-05"})
    assert r.status == 201 and r.data["letter_kinds"] == ["external"] and r.data["revoked_at"] is None, r.data
    did = r.data["id"]
    assert any(d["id"] == did for d in admin.get(slug, "handling/delegations/").data)
    bad = admin.post(slug, "handling/delegations/", {"from_position_id": mayor, "to_position_id": mayor,
                                                     "order_reference": "x", "order_date": "2026-01-05",
                                                     "starts_on": "2026-01-05"})
    assert bad.status == 400 and bad.data["error"]["message_th"]
    r = admin.post(slug, f"handling/delegations/{did}/revoke/", {"reason": "ย้ายตำแหน่ง"})
    assert r.status == 200 and r.data["revoked_reason"] == "ย้ายตำแหน่ง"
    again = admin.post(slug, f"handling/delegations/{did}/revoke/", {"reason": "ซ้ำ"})
    assert again.status == 409


def test_memos_due_rules_and_switches_through_the_api(as_user, tenants, first_of):
    from tenants.models import OrgUnit

    a, slug = tenants.a, tenants.a.slug
    office, finance = first_of(OrgUnit, a, name_th="สำนักปลัด").pk, first_of(OrgUnit, a, name_th="กองคลัง").pk
    admin = as_user("a_agency_admin")
    rule = admin.post(slug, "handling/due-rules/", {"name_th": "หนังสือด่วนตอบใน 2 วัน", "working_days": 2,
                                                    "urgencies": ["003"], "sender_agency_id": tenants.province.pk})
    assert rule.status == 201 and rule.data["is_active"] is True, rule.data
    bad = admin.post(slug, "handling/due-rules/", {"name_th": "x", "working_days": 400})
    assert bad.status == 400
    listed = admin.get(slug, "handling/due-rules/")
    assert [r["id"] for r in listed.data if r["id"] == rule.data["id"]]
    off = admin.post(slug, f"handling/due-rules/{rule.data['id']}/active/", {"active": False})
    assert off.status == 200 and off.data["is_active"] is False
    chain = admin.post(slug, "handling/chains/", {"name_th": "สายปิด", "position_ids": [first_of_position(first_of, a)],
                                                  "sender_agency_id": tenants.province.pk})
    assert chain.status == 201 and chain.data["sender_agency_id"] == tenants.province.pk
    assert admin.post(slug, f"handling/chains/{chain.data['id']}/active/", {"active": False}).data["is_active"] is False
    cat = admin.post(slug, "handling/file-categories/", {"code": f"o{uuid.uuid4().hex[:6]}", "name_th": "แฟ้ม", "retention_years": 1})
    sw = admin.post(slug, f"handling/file-categories/{cat.data['id']}/active/", {"active": "nope"})
    assert sw.status == 400
    assert admin.post(slug, f"handling/file-categories/{cat.data['id']}/active/", {"active": False}).data["is_active"] is False

    clerk = as_user("a_central_clerk")
    assert clerk.post(slug, f"handling/due-rules/{rule.data['id']}/active/", {"active": True}).status == 403
    key = uuid.uuid4().hex
    memo = {"idempotency_key": key, "from_unit_id": office, "subject": "ขอเชิญประชุม" + XSS, "body": "เชิญประชุมวันจันทร์",
            "unit_ids": [finance], "salutation": "เรียน ผู้อำนวยการกองคลัง"}
    sent = clerk.post(slug, "handling/memos/", memo)
    assert sent.status == 201 and sent.data["state"] == "distributed", sent.data
    assert sent.data["timeline"][0]["kind"] == "sent" and sent.data["timeline"][0]["text"] == "เชิญประชุมวันจันทร์"
    again = clerk.post(slug, "handling/memos/", memo)
    assert again.status == 201 and again.data["id"] == sent.data["id"]
    none = clerk.post(slug, "handling/memos/", {**memo, "idempotency_key": uuid.uuid4().hex, "unit_ids": [office]})
    assert none.status == 400 and none.data["error"]["message_th"]
    other = clerk.post(slug, "handling/memos/", {**memo, "idempotency_key": uuid.uuid4().hex,
                                                 "unit_ids": [first_of(OrgUnit, tenants.b).pk]})
    assert other.status in (400, 404)  # another agency's unit: not found here
    unit = as_user("a_unit_clerk")  # กองคลัง's clerk sends only in กองคลัง's name
    mine = unit.post(slug, "handling/memos/", {**memo, "idempotency_key": uuid.uuid4().hex})
    assert mine.status == 403 and mine.data["error"]["message_en"]


def first_of_position(first_of, tenant) -> int:  # type: ignore[no-untyped-def]
    from tenants.models import Position

    return first_of(Position, tenant, title_th__startswith="ปลัด").pk
