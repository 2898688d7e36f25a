"""The drafting API end to end (issue 5): draft → review with a return → revise → initial → ready to sign
(number and date) → signed → dispatch per recipient; comments, versions and the timeline; refusals in Thai
and English; bad JSON in a multipart field, a stale version, another agency's ids."""

from __future__ import annotations

import uuid

import pytest

from tests.api.conftest import DBS

pytestmark = pytest.mark.django_db(databases=DBS)

XSS = '<div>ด้วย<script>alert(1)</script><img src=x onerror=alert(2)><a href="javascript:alert(3)">ลิงก์</a></div>'


def _body(finance_id: int, **kw) -> dict:  # type: ignore[no-untyped-def]
    data = {"form": "external", "subject": "ขอเชิญประชุมเรื่องน้ำท่วม", "owner_unit_id": finance_id,
            "fields": {"salutation": "เรียน", "signer_name": "นายเอ ทดสอบ", "signer_position": "นายกองค์การบริหารส่วนตำบลเอ"},
            "body_html": XSS,
            "recipients": [{"name": "นายอำเภอทดสอบ", "channel": "registered", "address": "ที่ว่าการอำเภอทดสอบ"},
                           {"name": "กำนันตำบลเอ", "channel": "hand", "role": "copy"}]}
    data.update(kw)
    return data


def test_a_letter_from_draft_to_dispatch_through_the_api(as_user, tenants, first_of):
    from tenants.models import OrgUnit, Position

    slug, a = tenants.a.slug, tenants.a
    finance = first_of(OrgUnit, a, name_th="กองคลัง").pk
    palad = first_of(Position, a, title_th__startswith="ปลัด").pk
    admin = as_user("a_agency_admin")
    route = admin.post(slug, "drafting/review-routes/", {"name_th": "ผ่านปลัด", "steps": [{"order": 1, "position_id": palad}]})
    assert route.status == 201, route.data

    officer = as_user("a_officer")
    key = uuid.uuid4().hex
    made = officer.post(slug, "drafting/drafts/", {**_body(finance), "idempotency_key": key})
    assert made.status == 201, made.data
    d = made.data
    assert d["state"] == "drafting" and d["version"] == 1
    assert "<script" not in d["versions"][0]["body_html"] and "javascript" not in d["versions"][0]["body_html"]
    assert officer.post(slug, "drafting/drafts/", {**_body(finance), "idempotency_key": key}).data["id"] == d["id"]
    did = d["id"]
    sub = officer.post(slug, f"drafting/drafts/{did}/submit/", {"route_id": route.data["id"]})
    assert sub.status == 200 and sub.data["state"] == "in_review", sub.data
    review = sub.data["reviews"][0]

    head = as_user("a_head")
    listed = head.get(slug, "drafting/drafts/", {"list": "review"})
    assert [r["id"] for r in listed.data] == [did]
    back = head.post(slug, f"drafting/reviews/{review['id']}/return/", {"comment": "แก้วันที่ประชุม"})
    assert back.status == 200 and back.data["state"] == "returned"
    assert back.data["comments"][-1]["text"] == "แก้วันที่ประชุม"

    officer = as_user("a_officer")
    stale = officer.post(slug, f"drafting/drafts/{did}/revise/", {**_body(finance), "expected_version": 5})
    assert stale.status == 409 and stale.data["error"]["code"] == "version_conflict"
    rev = officer.post(slug, f"drafting/drafts/{did}/revise/", {**_body(finance), "expected_version": 1,
                                                               "note": "แก้วันที่"})
    assert rev.status == 200 and rev.data["version"] == 2 and len(rev.data["versions"]) == 2
    again = officer.post(slug, f"drafting/drafts/{did}/submit/", {"route_id": route.data["id"]})
    review = [r for r in again.data["reviews"] if r["round"] == 2][0]

    head = as_user("a_head")
    ok = head.post(slug, f"drafting/reviews/{review['id']}/initial/", {"typed_name": "ปลัด ทดสอบ"})
    assert ok.status == 200 and ok.data["state"] == "reviewed", ok.data
    initialled = [r for r in ok.data["reviews"] if r["round"] == 2][0]
    assert initialled["status"] == "initialled" and initialled["typed_name"] == "ปลัด ทดสอบ" and initialled["acted_at"]
    assert head.post(slug, f"drafting/drafts/{did}/ready/", {"confirmed": ["recipients", "channels", "enclosures"]}
                     ).status == 403  # the head doesn't take numbers from the central book

    clerk = as_user("a_central_clerk")
    missing = clerk.post(slug, f"drafting/drafts/{did}/ready/", {"confirmed": ["recipients"]})
    assert missing.status == 400 and missing.data["error"]["code"] == "unchecked"
    ready = clerk.post(slug, f"drafting/drafts/{did}/ready/", {"confirmed": ["recipients", "channels", "enclosures"]})
    assert ready.status == 200 and ready.data["state"] == "ready", ready.data
    assert ready.data["reference"].startswith("ที่ นม 80101/")
    signed = clerk.post(slug, f"drafting/drafts/{did}/signed/", {"signer_name": "นายเอ ทดสอบ"})
    assert signed.status == 200 and signed.data["state"] == "signed"
    reg, hand = signed.data["recipients"]
    bad = clerk.post(slug, f"drafting/drafts/{did}/dispatch/", {"recipient_ids": [reg["id"]],
                                                                "tracking_numbers": {str(reg["id"]): "RB000000000XX"}})
    assert bad.status == 400 and bad.data["error"]["code"] == "tracking_invalid" and bad.data["error"]["message_th"]
    sent = clerk.post(slug, f"drafting/drafts/{did}/dispatch/", {"recipient_ids": [reg["id"], hand["id"]],
                                                                 "tracking_numbers": {str(reg["id"]): "RB123456785TH"}})
    assert sent.status == 200 and sent.data["state"] == "dispatched", sent.data
    got = clerk.post(slug, f"drafting/recipients/{hand['id']}/delivered/", {"received_by_name": "นายกำนัน"})
    assert got.status == 200 and got.data["recipients"][1]["received_by_name"] == "นายกำนัน"
    kinds = [e["kind"] for e in got.data["events"]]
    assert kinds[:2] == ["created", "submitted"] and kinds[-3:] == ["signed", "dispatched", "delivered"]
    assert "initialled" in kinds and "returned" in kinds and "ready" in kinds


def test_bad_input_answers_in_thai_and_english(as_user, tenants, first_of):
    from tenants.models import OrgUnit

    slug = tenants.a.slug
    finance = first_of(OrgUnit, tenants.a, name_th="กองคลัง").pk
    officer = as_user("a_officer")
    for body, field in (({**_body(finance), "fields": {"bogus": "1"}}, "bogus"),
                        ({**_body(finance), "recipients": [{"name": "x", "channel": "pigeon"}]}, None),
                        ({**_body(finance), "subject": ""}, None)):
        r = officer.post(slug, "drafting/drafts/", body)
        assert r.status == 400, r.data
        assert r.data["error"]["message_th"] and r.data["error"]["message_en"]
        if field:
            assert r.data["error"]["field"] == field
    assert officer.get(slug, "drafting/drafts/", {"list": "everything"}).status == 400
    assert officer.get(slug, "drafting/drafts/999999999/").status == 404


def test_multipart_json_fields_are_parsed_and_bad_json_refused(client, login, tenants, first_of):
    from tenants.models import OrgUnit

    slug = tenants.a.slug
    finance = first_of(OrgUnit, tenants.a, name_th="กองคลัง").pk
    login("a_officer")
    url = f"/api/v1/a/{slug}/drafting/drafts/"
    good = client.post(url, {"form": "memo", "subject": "บันทึกทดสอบ", "owner_unit_id": finance,
                             "fields": '{"salutation": "เรียน"}', "recipients": '[{"name": "กองช่าง", "channel": "hand"}]'},
                       headers={"X-Eoffice-Agency": slug})
    assert good.status_code == 201, good.content
    bad = client.post(url, {"form": "memo", "subject": "บันทึกทดสอบ", "fields": "{not json"},
                      headers={"X-Eoffice-Agency": slug})
    assert bad.status_code == 400 and "JSON" in bad.content.decode()


def test_another_agency_sees_nothing(as_user, tenants, first_of):
    from tenants.models import OrgUnit

    a, b = tenants.a, tenants.b
    finance = first_of(OrgUnit, a, name_th="กองคลัง").pk
    made = as_user("a_officer").post(a.slug, "drafting/drafts/", _body(finance))
    assert made.status == 201
    other = as_user("b_central_clerk")
    assert other.get(b.slug, f"drafting/drafts/{made.data['id']}/").status == 404
    assert other.post(b.slug, f"drafting/drafts/{made.data['id']}/comments/", {"text": "x"}).status == 404
    assert other.get(b.slug, "drafting/drafts/", {"list": "mine"}).data == []


def test_a_reply_starts_from_the_incoming_letter(as_user, tenants):
    slug = tenants.a.slug
    clerk = as_user("a_central_clerk")
    incoming = clerk.post(slug, "registry/incoming/", {
        "idempotency_key": uuid.uuid4().hex, "subject": "ขอข้อมูลผู้ประสบอุทกภัย", "sender": {"name": "อำเภอทดสอบ"},
        "letter_reference": "ที่ นม 0117/55", "letter_date": "2026-11-30"})
    assert incoming.status == 201, incoming.data
    from documents.models import RegistryEntry
    from tenants.context import tenant_scope

    with tenant_scope(tenants.a.pk):
        letter_id = RegistryEntry.objects.get(pk=incoming.data["id"]).letter_id
    p = clerk.get(slug, f"drafting/replies/{letter_id}/")
    assert p.status == 200, p.data
    assert p.data["refers_to"] == "หนังสืออำเภอทดสอบ ที่ นม 0117/55 ลงวันที่ 30 พฤศจิกายน 2569"
    assert p.data["recipient_name"] == "อำเภอทดสอบ" and p.data["subject"] == "ขอข้อมูลผู้ประสบอุทกภัย"
    assert as_user("a_officer").get(slug, f"drafting/replies/{letter_id}/").status == 404
