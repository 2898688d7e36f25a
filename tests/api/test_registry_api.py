"""The registry API end to end: upload, register (idempotent), book pages, detail, download, amend,
annul, reserve, dispatch, unit and secret flows; bad input answers 400 in Thai and English."""

from __future__ import annotations

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.api.conftest import BASE, DBS
from tests.registry.conftest import make_pdf

pytestmark = pytest.mark.django_db(databases=DBS)


def key() -> str:
    return uuid.uuid4().hex


def upload(api, agency: str, data: bytes, name: str = "หนังสือ.pdf"):  # type: ignore[no-untyped-def]
    r = api.client.post(f"{BASE}/{agency}/registry/files/", {"file": SimpleUploadedFile(name, data)},
                        headers={"X-Eoffice-Agency": agency})
    return r


def test_register_incoming_with_a_file_then_read_it_back(as_user, tenants):
    api = as_user("a_central_clerk")
    slug = tenants.a.slug
    r = upload(api, slug, make_pdf())
    assert r.status_code == 201, r.content
    f = r.json()
    assert f["content_type"] == "application/pdf" and len(f["sha256"]) == 64 and f["state"] == "ok"
    body = {"idempotency_key": key(), "subject": "ขอเชิญประชุมเรื่องน้ำท่วม", "sender": {"name": "อำเภอทดสอบ"},
            "letter_reference": "ที่ นม ๐๑๑๗/๑๒๓", "letter_date": "2026-11-20", "urgency": "003", "files": [f["id"]]}
    a = api.post(slug, "registry/incoming/", body)
    assert a.status == 201, a.data
    entry = a.data
    assert entry["number"] >= 1 and entry["book"] == "rcv" and entry["digest"] == f["sha256"]
    assert entry["letter"]["urgency_label"] == "ด่วนมาก"
    again = api.post(slug, "registry/incoming/", body)  # a retried request: same entry, 200
    assert again.status == 200 and again.data["id"] == entry["id"] and again.data["number"] == entry["number"]
    page = api.get(slug, "registry/books/rcv/entries/", {"subject": "น้ำท่วม"})
    assert page.status == 200 and any(row["id"] == entry["id"] for row in page.data["results"])
    detail = api.get(slug, f"registry/entries/{entry['id']}/")
    assert detail.status == 200 and detail.data["files"][0]["id"] == f["id"]
    dl = api.client.get(f"{BASE}/{slug}/registry/entries/{entry['id']}/files/{f['id']}/")
    assert dl.status_code == 200 and b"".join(dl.streaming_content if dl.streaming else [dl.content]).startswith(b"%PDF")
    assert dl["X-Content-Type-Options"] == "nosniff" and "attachment" in dl["Content-Disposition"]


def test_bad_input_is_400_in_thai_and_english_and_takes_no_number(as_user, tenants):
    api = as_user("a_central_clerk")
    slug = tenants.a.slug
    before = api.get(slug, "registry/books/rcv/entries/").data["results"]
    top = before[0]["number"] if before else 0
    for body in (
        {"idempotency_key": key(), "subject": "", "sender": {"name": "x"}},
        {"idempotency_key": key(), "subject": "x", "sender": {"name": ""}},
        {"idempotency_key": "short", "subject": "x", "sender": {"name": "x"}},
        {"idempotency_key": key(), "subject": "x", "sender": {"name": "x"}, "urgency": "999"},
        {"idempotency_key": key(), "subject": "x", "sender": {"name": "x"}, "letter_date": "20/11/2569"},
        {"idempotency_key": key(), "subject": "x", "sender": {"name": "x"}, "files": [9_000_000_000]},
        {"idempotency_key": key(), "subject": "x" * 600, "sender": {"name": "x"}},
    ):
        r = api.post(slug, "registry/incoming/", body)
        assert r.status in (400, 404), (body, r.status, r.data)
        assert r.data["error"]["message_th"] and r.data["error"]["message_en"]
    after = api.get(slug, "registry/books/rcv/entries/").data["results"]
    assert (after[0]["number"] if after else 0) == top


def test_hostile_upload_is_refused_with_a_clear_message(as_user, tenants):
    api = as_user("a_central_clerk")
    r = upload(api, tenants.a.slug, b"MZ\x90\x00" + b"\x00" * 200, name="letter.pdf")
    assert r.status_code == 400
    err = r.json()["error"]
    assert err["code"] == "file_rejected" and err["message_th"] and err["message_en"]


def test_outgoing_reserve_annul_and_dispatch(as_user, tenants):
    api = as_user("a_central_clerk")
    slug = tenants.a.slug
    out = api.post(slug, "registry/outgoing/", {"idempotency_key": key(), "subject": "ขอส่งรายงาน",
                                                 "recipients": [{"name": "นายอำเภอทดสอบ"}], "channel": "post"})
    assert out.status == 201 and out.data["reference"].startswith("ที่ นม 80101/")
    r = api.post(slug, f"registry/entries/{out.data['id']}/dispatch/", {"state": "awaiting_dispatch"})
    assert r.status == 200 and r.data["status"] == "awaiting_dispatch"
    r = api.post(slug, f"registry/entries/{out.data['id']}/dispatch/", {"state": "dispatched", "channel": "post"})
    assert r.status == 200 and r.data["status"] == "dispatched"
    r = api.post(slug, f"registry/entries/{out.data['id']}/annul/", {"reason": "ผิด"})
    assert r.status == 409  # a dispatched letter's number can't be annulled
    res = api.post(slug, "registry/reservations/", {"idempotency_key": key(), "book": "snd", "note": "หนังสือถึงจังหวัด"})
    assert res.status == 201 and res.data["status"] == "reserved" and res.data["number"] == out.data["number"] + 1
    ann = api.post(slug, f"registry/entries/{res.data['id']}/annul/", {"reason": "ผู้บริหารไม่ลงนาม"})
    assert ann.status == 200 and ann.data["status"] == "annulled" and ann.data["annul_reason"] == "ผู้บริหารไม่ลงนาม"


def test_amend_shows_the_original(as_user, tenants):
    api = as_user("a_central_clerk")
    slug = tenants.a.slug
    e = api.post(slug, "registry/incoming/", {"idempotency_key": key(), "subject": "เรื่องเดิม", "sender": {"name": "x"}})
    r = api.post(slug, f"registry/entries/{e.data['id']}/amend/", {"reason": "พิมพ์ผิด", "subject": "เรื่องใหม่"})
    assert r.status == 200 and r.data["letter"]["subject"] == "เรื่องใหม่" and r.data["number"] == e.data["number"]
    d = api.get(slug, f"registry/entries/{e.data['id']}/")
    assert d.data["amendments"][0]["changes"]["subject"] == {"before": "เรื่องเดิม", "after": "เรื่องใหม่"}


def test_roles_and_secrecy_through_the_api(as_user, tenants, login):
    slug = tenants.a.slug
    clerk = as_user("a_central_clerk")
    sealed = clerk.post(slug, "registry/incoming/", {"idempotency_key": key(), "secrecy": "003", "sender": {"name": "กอ.รมน."}})
    assert sealed.status == 201 and sealed.data["letter"]["sealed"] is True
    officer = as_user("a_officer")
    assert officer.post(slug, "registry/incoming/", {"idempotency_key": key(), "subject": "x",
                                                      "sender": {"name": "x"}}).status == 403
    head = as_user("a_head")
    assert head.get(slug, f"registry/entries/{sealed.data['id']}/").status == 404
    assert all(b["kind"] != "secret_register" for b in head.get(slug, "registry/books/").data)
    registrar = as_user("a_secret_registrar")
    opened = registrar.post(slug, f"registry/entries/{sealed.data['id']}/secret-open/", {
        "idempotency_key": key(), "subject": "แผนลับ", "secrecy": "003", "sender": {"name": "กอ.รมน."}})
    assert opened.status == 201, opened.data
    assert registrar.get(slug, "registry/books/secret/entries/").data["results"][0]["letter"]["subject"] == "แผนลับ"
    head = as_user("a_head")
    assert head.get(slug, "registry/books/secret/entries/").status == 404
    # another agency's entry id reads like a missing one
    b_clerk = as_user("b_central_clerk")
    assert b_clerk.get(tenants.b.slug, f"registry/entries/{sealed.data['id']}/").status == 404


def _message(agency, subject: str):  # type: ignore[no-untyped-def]
    from documents.files.services import file_prepare, file_record
    from documents.models import Mailbox, MailboxAttachment, MailboxMessage
    from tenants.context import tenant_scope

    with tenant_scope(agency.pk):
        box = Mailbox.objects.filter(tenant_id=agency.pk, address="saraban@tenant-a.example.go.th").first()
        box = box or Mailbox.objects.create(tenant_id=agency.pk, kind="maildir", address="saraban@tenant-a.example.go.th")
        raw = file_record(tenant_id=agency.pk, prepared=file_prepare(
            f"From: amphoe@example.go.th\r\nSubject: {subject}\r\n\r\nbody\r\n".encode(), "m.eml"),
            letter_id=None, role="email", actor_id=None)
        msg = MailboxMessage.objects.create(
            tenant_id=agency.pk, mailbox=box, message_id=f"<{uuid.uuid4().hex}@example.go.th>", raw=raw,
            from_name="ที่ว่าการอำเภอทดสอบ", from_address="amphoe@example.go.th", subject=subject,
            body_text="ที่ นม 0117/ว 45 ลงวันที่ 20 พฤศจิกายน 2569",
        )
        pdf = file_record(tenant_id=agency.pk, prepared=file_prepare(make_pdf(), "letter.pdf"), letter_id=None,
                          role="original", actor_id=None)
        MailboxAttachment.objects.create(tenant_id=agency.pk, message=msg, file=pdf)
    return msg


def test_register_from_an_email_through_the_api(as_user, tenants):
    slug = tenants.a.slug
    msg = _message(tenants.a, "ขอเชิญประชุมผ่านอีเมล")
    api = as_user("a_central_clerk")
    queue = api.get(slug, "registry/mailbox/messages/")
    assert queue.status == 200 and any(m["id"] == msg.pk for m in queue.data)
    detail = api.get(slug, f"registry/mailbox/messages/{msg.pk}/")
    assert detail.status == 200 and detail.data["prefill"]["letter_reference"] == "ที่ นม 0117/ว 45"
    assert detail.data["attachments"][0]["content_type"] == "application/pdf"
    r = api.post(slug, f"registry/mailbox/messages/{msg.pk}/register/", {
        "idempotency_key": key(), "subject": detail.data["prefill"]["subject"],
        "sender": {"name": detail.data["from_name"], "email": detail.data["from_address"]}})
    assert r.status == 201, r.data
    entry = api.get(slug, f"registry/entries/{r.data['id']}/").data
    assert entry["channel"] == "email" and {f["role"] for f in entry["files"]} >= {"original", "email"}
    again = api.post(slug, f"registry/mailbox/messages/{msg.pk}/register/", {
        "idempotency_key": key(), "subject": "x", "sender": {"name": "x"}})
    assert again.status == 409  # one e-mail, one number
    assert as_user("a_officer").get(slug, "registry/mailbox/messages/").status == 403
