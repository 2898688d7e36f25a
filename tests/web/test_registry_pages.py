"""The registry's web pages (documents/web) through the Django test client, as the app role under RLS:
each page for the right role and refused for the others, registration from the form (files, double
submit, bad input, remembered defaults), secrecy in books and searches, actions on an entry, exports,
the mailbox, and another agency's ids."""

from __future__ import annotations

import csv
import io
import mailbox as stdlib_mailbox
import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from documents.models import (
    Book,
    BookKind,
    EntryAmendment,
    EntryStatus,
    Mailbox,
    MailboxMessage,
    MailboxMessageState,
    RegistryEntry,
    SecretGrant,
    StoredFile,
)
from documents.registry import services
from documents.registry.inputs import IncomingInput, OutgoingInput, PartyInput
from tenants.context import tenant_scope
from tenants.models import AuditEvent, Membership
from tests.web.conftest import DBS, body, h1_of

pytestmark = pytest.mark.django_db(databases=DBS)

A = "/a/tenant-a/registry/"


# --- helpers ------------------------------------------------------------------------------------------------
def make_pdf(title: str = "หนังสือทดสอบ", pages: int = 1) -> bytes:
    import pikepdf

    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(595, 842))
    pdf.docinfo["/Title"] = title
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def actor(username: str, agency):  # type: ignore[no-untyped-def]
    from tenants.selectors import actor_build

    with tenant_scope(agency.pk):
        m = Membership.objects.select_related("user").get(tenant_id=agency.pk, user__username=username, is_active=True)
        return actor_build(agency=agency, membership=m, user=m.user)


def uniq(text: str) -> str:
    return f"{text} {uuid.uuid4().hex[:8]}"


def incoming(agency, *, subject: str | None = None, secrecy: str = "001", urgency: str = "001",  # type: ignore[no-untyped-def]
             username: str = "a_central_clerk", sender: str = "สำนักงานจังหวัดทดสอบ") -> RegistryEntry:
    with tenant_scope(agency.pk):
        return services.register_incoming(
            tenant_id=agency.pk, actor=actor(username, agency), idempotency_key=uuid.uuid4().hex,
            data=IncomingInput(subject="" if secrecy != "001" else (subject or uniq("เรื่องทดสอบ")), secrecy=secrecy,
                               urgency=urgency, sender=PartyInput(name=sender)),
        )


def outgoing(agency, *, subject: str | None = None) -> RegistryEntry:  # type: ignore[no-untyped-def]
    with tenant_scope(agency.pk):
        return services.issue_outgoing(
            tenant_id=agency.pk, actor=actor("a_central_clerk", agency), idempotency_key=uuid.uuid4().hex,
            data=OutgoingInput(subject=subject or uniq("เรื่องส่ง"), recipients=(PartyInput(name="อำเภอทดสอบ"),)),
        )


def book_of(agency, kind: str) -> Book:  # type: ignore[no-untyped-def]
    with tenant_scope(agency.pk):
        return Book.objects.get(tenant_id=agency.pk, kind=kind)


def count_entries(agency) -> int:  # type: ignore[no-untyped-def]
    with tenant_scope(agency.pk):
        return RegistryEntry.objects.filter(tenant_id=agency.pk).count()


def form_key(html: str) -> str:
    m = re.search(r'name="idempotency_key" value="([^"]+)"', html)
    assert m, "no idempotency key in the form"
    return m.group(1)


def incoming_post(client, key: str, **over) -> dict:  # type: ignore[no-untyped-def]
    from tenants.models import Agency

    central = book_of(Agency.objects.get(slug="tenant-a"), BookKind.CENTRAL_INCOMING)
    data = {
        "_agency": "tenant-a", "idempotency_key": key, "book": str(central.pk), "kind": "external", "sub_kind": "",
        "subject": uniq("ขอเชิญประชุม"), "sender_name": "สำนักงานส่งเสริมการปกครองท้องถิ่นจังหวัด",
        "letter_reference": "ที่ มท 0808.2/ว 1234", "letter_date": "20/11/2568", "purpose": "consider",
        "urgency": "001", "secrecy": "001", "channel": "post", "x_external_salutation": "เรียน นายก",
    }
    data.update(over)
    return data


# --- pages and who may open them ------------------------------------------------------------------------------
PAGES = [
    # (path, allowed, text, refused, refused status)
    ("", "a_central_clerk", "หนังสือรับล่าสุด", "a_agency_admin", 403),
    ("", "a_head", "ทะเบียนที่เปิดดูได้", None, None),
    ("incoming/new/", "a_central_clerk", "ลงทะเบียนรับหนังสือ", "a_officer", 403),
    ("incoming/new/", "a_unit_clerk", "ลงทะเบียนรับหนังสือ", "a_head", 403),
    ("outgoing/new/", "a_central_clerk", "ออกเลขหนังสือส่ง", "a_unit_clerk", 403),
    ("reserve/", "a_central_clerk", "จองเลข", "a_secret_registrar", 403),
    ("books/rcv/", "a_central_clerk", "ทะเบียนหนังสือรับ", "a_unit_clerk", 404),
    ("books/snd/", "a_head", "ทะเบียนหนังสือส่ง", "a_officer", 404),
    ("books/secret/", "a_secret_registrar", "ทะเบียนข้อมูลข่าวสารลับ", "a_central_clerk", 404),
    ("mailbox/", "a_central_clerk", "อีเมลสารบรรณกลาง", "a_head", 403),
]


@pytest.mark.parametrize(("path", "allowed", "text", "refused", "refused_status"), PAGES)
def test_page_allowed_and_refused(client, login, path, allowed, text, refused, refused_status):
    login(allowed)
    r = client.get(A + path)
    assert r.status_code == 200, body(r)[:1500]
    assert text in body(r)
    assert body(r).count("<h1") == 1
    assert "<script>" not in body(r) and " style=" not in body(r)  # CSP: no inline script or style
    if refused:
        client.logout()
        login(refused)
        r = client.get(A + path)
        assert r.status_code == refused_status


def test_navigation_links_to_the_registry_for_book_readers(client, login):
    login("a_central_clerk")
    assert f'href="{A}"' in body(client.get("/a/tenant-a/"))
    client.logout()
    login("a_officer")
    assert f'href="{A}"' not in body(client.get("/a/tenant-a/"))


def test_entry_detail_for_readers_only(client, login, tenants):
    entry = incoming(tenants.a)
    login("a_central_clerk")
    r = client.get(f"{A}entries/{entry.pk}/")
    assert r.status_code == 200 and entry.letter.subject in body(r)
    for username in ("a_officer", "a_unit_clerk"):  # no central book for them: it does not exist
        client.logout()
        login(username)
        assert client.get(f"{A}entries/{entry.pk}/").status_code == 404


# --- registering from the form ---------------------------------------------------------------------------------
def test_register_incoming_with_pdf_shows_the_number_and_preview(client, login, tenants):
    login("a_central_clerk")
    form = client.get(A + "incoming/new/")
    assert 'enctype="multipart/form-data"' in body(form) and 'multiple' in body(form)
    key = form_key(body(form))
    data = incoming_post(client, key, urgency="003")
    data["files"] = [SimpleUploadedFile("หนังสือเชิญ.pdf", make_pdf(), content_type="application/pdf")]
    r = client.post(A + "incoming/new/", data)
    assert r.status_code == 302, re.findall(r"usa-(?:alert__text|error-message)[^>]*>([^<]*)<", body(r))
    with tenant_scope(tenants.a.pk):
        entry = RegistryEntry.objects.select_related("letter").get(tenant_id=tenants.a.pk, idempotency_key=key)
        files = list(StoredFile.objects.filter(tenant_id=tenants.a.pk, letter=entry.letter))
    assert r["Location"] == f"{A}entries/{entry.pk}/"
    assert entry.letter.extra == {"salutation": "เรียน นายก"}
    assert entry.channel == "post" and entry.letter.letter_reference == "ที่ มท 0808.2/ว 1234"
    assert len(files) == 1 and entry.digest == files[0].sha256
    page = client.get(r["Location"])
    html = body(page)
    assert f"ลงทะเบียนรับแล้ว เลขรับ {entry.number_label}" in html
    assert "ด่วนมาก" in html and 'class="eo-urgency"' in html
    assert "data-eo-pdf=" in html and "vendor/pdfjs/build/pdf.min.mjs" in html and "registry-preview.mjs" in html
    download = client.get(f"{A}entries/{entry.pk}/files/{files[0].pk}/")
    assert download.status_code == 200 and download.content.startswith(b"%PDF")
    assert download["Content-Disposition"].startswith("attachment")
    inline = client.get(f"{A}entries/{entry.pk}/files/{files[0].pk}/?inline=1")
    assert inline["Content-Disposition"].startswith("inline")


def test_double_submit_of_one_form_makes_one_entry(client, login, tenants):
    login("a_central_clerk")
    key = form_key(body(client.get(A + "incoming/new/")))
    data = incoming_post(client, key)
    before = count_entries(tenants.a)
    first = client.post(A + "incoming/new/", data)
    second = client.post(A + "incoming/new/", data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert count_entries(tenants.a) == before + 1
    assert "ระบบไม่ลงทะเบียนซ้ำ" in body(client.get(second["Location"]))


def test_each_render_has_its_own_key(client, login):
    login("a_central_clerk")
    assert form_key(body(client.get(A + "incoming/new/"))) != form_key(body(client.get(A + "incoming/new/")))


def test_bad_input_is_400_in_thai_keeps_the_fields_and_creates_nothing(client, login, tenants):
    login("a_central_clerk")
    key = form_key(body(client.get(A + "incoming/new/")))
    before = count_entries(tenants.a)
    data = incoming_post(client, key, subject="", sender_name="", letter_date="31/02/2568",
                         letter_reference="ที่ ทดสอบ 123/ว 9", urgency="zzz")
    r = client.post(A + "incoming/new/", data)
    html = body(r)
    assert r.status_code == 400
    assert "ยังไม่ได้บันทึก กรุณาตรวจสอบข้อมูล" in html
    assert "กรุณากรอกเรื่อง" in html and "กรุณาระบุผู้ส่ง" in html and "ไม่มีวันที่นี้ในปฏิทิน" in html
    assert 'value="ที่ ทดสอบ 123/ว 9"' in html  # what was typed is kept
    assert f'value="{key}"' in html  # the same render's key: a corrected resubmit is still one entry
    assert 'aria-invalid="true"' in html
    assert count_entries(tenants.a) == before


def test_a_refused_file_is_named_and_nothing_is_registered(client, login, tenants):
    login("a_central_clerk")
    key = form_key(body(client.get(A + "incoming/new/")))
    before = count_entries(tenants.a)
    data = incoming_post(client, key)
    data["files"] = [SimpleUploadedFile("โปรแกรม.pdf", b"MZ\x90\x00" + b"\x00" * 200, content_type="application/pdf")]
    r = client.post(A + "incoming/new/", data)
    assert r.status_code == 400
    assert "ไม่รับไฟล์ “โปรแกรม.pdf”" in body(r)
    assert "กรุณาเลือกไฟล์อีกครั้ง" in body(r)
    assert count_entries(tenants.a) == before


def test_remembered_defaults_channel_and_kind(client, login):
    login("a_central_clerk")
    key = form_key(body(client.get(A + "incoming/new/")))
    assert client.post(A + "incoming/new/", incoming_post(client, key, channel="hand", kind="internal",
                                                          x_external_salutation="")).status_code == 302
    html = body(client.get(A + "incoming/new/"))
    assert re.search(r'<option value="hand" selected>', html)
    assert re.search(r'<option value="internal" selected>', html)


def test_unit_clerk_registers_in_own_unit_book_only(client, login, tenants):
    login("a_unit_clerk")
    page = body(client.get(A + "incoming/new/"))
    html = re.search(r'<select name="book".*?</select>', page, re.S).group(0)  # (other selects have numeric values too)
    with tenant_scope(tenants.a.pk):
        unit_books = list(Book.objects.filter(tenant_id=tenants.a.pk, kind=BookKind.UNIT_INCOMING))
        clerk_unit = Membership.objects.get(tenant_id=tenants.a.pk, user__username="a_unit_clerk").unit_id
    own = [b for b in unit_books if b.unit_id == clerk_unit]
    assert own and f'<option value="{own[0].pk}"' in html
    assert all(f'<option value="{b.pk}"' not in html for b in unit_books if b.unit_id != clerk_unit)
    assert f'value="{book_of(tenants.a, BookKind.CENTRAL_INCOMING).pk}"' not in html


# --- secrecy -----------------------------------------------------------------------------------------------------
def test_sealed_secret_item_from_the_form(client, login, tenants):
    login("a_central_clerk")
    key = form_key(body(client.get(A + "incoming/new/")))
    refused = client.post(A + "incoming/new/", incoming_post(client, key, secrecy="003", subject="เรื่องลับมาก"))
    assert refused.status_code == 400 and "ไม่บันทึกเรื่อง" in body(refused)
    r = client.post(A + "incoming/new/", incoming_post(client, key, secrecy="003", subject=""))
    assert r.status_code == 302 and r["Location"] == A  # the clerk holds no grant: back to the desk
    with tenant_scope(tenants.a.pk):
        entry = RegistryEntry.objects.select_related("letter").get(tenant_id=tenants.a.pk, idempotency_key=key)
    assert entry.letter.is_sealed and entry.letter.subject == ""
    home = body(client.get(A))
    assert "ลงทะเบียนรับหนังสือลับแบบปิดผนึกแล้ว" in home and "หนังสือลับ — ส่งนายทะเบียนฯ" in home
    assert client.get(f"{A}entries/{entry.pk}/").status_code == 404


def test_secret_letters_are_invisible_in_book_search_and_detail(client, login, tenants):
    a = tenants.a
    sealed = incoming(a, secrecy="003", sender="กองบัญชาการลับ")
    secret_subject = uniq("แผนรักษาความปลอดภัย")
    registrar = actor("a_secret_registrar", a)
    with tenant_scope(a.pk):
        opened = services.secret_open(
            tenant_id=a.pk, actor=registrar, central_entry_id=sealed.pk, idempotency_key=uuid.uuid4().hex,
            data=IncomingInput(subject=secret_subject, secrecy="003", sender=PartyInput(name="x")),
        )
    normal = incoming(a, subject=uniq("แผนรักษาความสะอาด"))
    login("a_central_clerk")
    book = body(client.get(A + "books/rcv/"))
    assert secret_subject not in book and "หนังสือลับ — ส่งนายทะเบียนฯ" in book and normal.letter.subject in book
    found = body(client.get(A + "books/rcv/", {"subject": secret_subject})).split('class="eo-exports"')[1]
    assert secret_subject not in found and "ไม่พบรายการที่ตรงกับตัวกรอง" in found
    by_sender = body(client.get(A + "books/rcv/", {"sender": "กองบัญชาการลับ"})).split('class="eo-exports"')[1]
    assert "หนังสือลับ — ส่งนายทะเบียนฯ" not in by_sender and "<tbody>" not in by_sender  # nothing, not a count
    assert client.get(f"{A}entries/{sealed.pk}/").status_code == 404
    assert client.get(f"{A}entries/{opened.pk}/").status_code == 404
    assert client.get(A + "books/secret/").status_code == 404
    csv_text = client.get(A + "books/rcv/export/csv/").content.decode("utf-8-sig")
    assert secret_subject not in csv_text and "หนังสือลับ — ส่งนายทะเบียนฯ" in csv_text
    # The registrar holds the grant: the secret register shows it, the read is audited.
    client.logout()
    login("a_secret_registrar")
    with tenant_scope(a.pk):
        seq = AuditEvent.objects.filter(tenant_id=a.pk).order_by("-seq").values_list("seq", flat=True).first()
    assert secret_subject in body(client.get(A + "books/secret/"))
    assert secret_subject in body(client.get(f"{A}entries/{opened.pk}/"))
    with tenant_scope(a.pk):
        assert AuditEvent.objects.filter(tenant_id=a.pk, seq__gt=seq, action="secret.read").exists()


def test_registrar_opens_a_sealed_item_and_grants_access(client, login, tenants):
    a = tenants.a
    sealed = incoming(a, secrecy="002", sender="หน่วยงานความมั่นคง")
    login("a_secret_registrar")
    home = body(client.get(A))
    assert f"{A}entries/{sealed.pk}/secret-open/" in home
    page = client.get(f"{A}entries/{sealed.pk}/secret-open/")
    assert page.status_code == 200 and "หน่วยงานความมั่นคง" in body(page)
    key = form_key(body(page))
    subject = uniq("รายงานลับ")
    data = {"_agency": "tenant-a", "idempotency_key": key, "secrecy": "002", "kind": "external", "sub_kind": "",
            "subject": subject, "urgency": "001", "purpose": "inform"}
    r = client.post(f"{A}entries/{sealed.pk}/secret-open/", data)
    assert r.status_code == 302, re.findall(r"usa-(?:alert__text|error-message)[^>]*>([^<]*)<", body(r))
    again = client.post(f"{A}entries/{sealed.pk}/secret-open/", data)
    assert again.status_code == 302 and again["Location"] == r["Location"]
    detail = body(client.get(r["Location"]))
    assert subject in detail and "สิทธิ์เห็นหนังสือลับ" in detail
    secret_entry_id = int(r["Location"].rstrip("/").split("/")[-1])
    with tenant_scope(a.pk):
        head_user = Membership.objects.get(tenant_id=a.pk, user__username="a_head").user_id
    g = client.post(f"{A}entries/{secret_entry_id}/secret-grants/",
                    {"_agency": "tenant-a", "grant-user": str(head_user)})
    assert g.status_code == 302
    with tenant_scope(a.pk):
        assert SecretGrant.objects.filter(tenant_id=a.pk, user_id=head_user, revoked_at__isnull=True).exists()
    client.logout()
    login("a_central_clerk")
    assert client.get(f"{A}entries/{sealed.pk}/secret-open/").status_code == 403


# --- actions on an entry -------------------------------------------------------------------------------------------
def test_amend_shows_the_original_struck_through(client, login, tenants):
    entry = incoming(tenants.a, subject="เรื่องเดิมที่พิมพ์ผิด")
    login("a_central_clerk")
    url = f"{A}entries/{entry.pk}/amend/"
    letter = entry.letter
    data = {"_agency": "tenant-a", "amend-subject": "เรื่องที่ถูกต้อง", "amend-sender_display": letter.sender_display,
            "amend-purpose": letter.purpose, "amend-urgency": letter.urgency, "amend-reason": ""}
    r = client.post(url, data)
    assert r.status_code == 400 and "This field is required" not in body(r) and "จำเป็น" in body(r)
    data["amend-reason"] = "พิมพ์เรื่องผิด"
    r = client.post(url, data)
    assert r.status_code == 302
    html = body(client.get(r["Location"]))
    assert "<del><span class=\"usa-sr-only\">เดิม </span>เรื่องเดิมที่พิมพ์ผิด</del>" in html
    assert "เรื่องที่ถูกต้อง</ins>" in html and "พิมพ์เรื่องผิด" in html
    with tenant_scope(tenants.a.pk):
        assert EntryAmendment.objects.filter(tenant_id=tenants.a.pk, entry=entry).count() == 1


def test_annul_needs_a_reason_and_keeps_the_number(client, login, tenants):
    entry = incoming(tenants.a)
    login("a_central_clerk")
    url = f"{A}entries/{entry.pk}/annul/"
    assert client.post(url, {"_agency": "tenant-a", "annul-reason": " "}).status_code == 400
    r = client.post(url, {"_agency": "tenant-a", "annul-reason": "ลงทะเบียนซ้ำ"})
    assert r.status_code == 302
    html = body(client.get(r["Location"]))
    assert "ยกเลิกแล้ว เหตุผล: ลงทะเบียนซ้ำ" in html
    again = client.post(url, {"_agency": "tenant-a", "annul-reason": "อีกครั้ง"})
    assert again.status_code == 409 and "ถูกยกเลิกไปแล้ว" in body(again)


def test_register_in_a_unit_book_from_the_central_entry(client, login, tenants):
    entry = incoming(tenants.a)
    login("a_central_clerk")
    html = body(client.get(f"{A}entries/{entry.pk}/"))
    m = re.search(r'name="unit-book"[^>]*>\s*<option value="(\d+)"', html)
    assert m, "the unit-register form lists the unit books"
    key = re.search(r'name="unit-idempotency_key" value="([^"]+)"', html).group(1)
    data = {"_agency": "tenant-a", "unit-book": m.group(1), "unit-idempotency_key": key, "unit-note": ""}
    r = client.post(f"{A}entries/{entry.pk}/unit-register/", data)
    assert r.status_code == 302
    again = client.post(f"{A}entries/{entry.pk}/unit-register/", data)
    assert again["Location"] == r["Location"]
    unit_page = body(client.get(r["Location"]))
    assert "มาจากเลขรับกลาง" in unit_page and entry.number_label in unit_page


def test_outgoing_number_dispatch_and_reservation(client, login, tenants):
    login("a_central_clerk")
    key = form_key(body(client.get(A + "outgoing/new/")))
    base = {"_agency": "tenant-a", "idempotency_key": key, "kind": "external", "sub_kind": "", "urgency": "001",
            "purpose": "inform", "subject": uniq("แจ้งผลการประชุม"), "recipients": ""}
    r = client.post(A + "outgoing/new/", base)
    assert r.status_code == 400 and "กรุณาระบุผู้รับ" in body(r)
    r = client.post(A + "outgoing/new/", {**base, "recipients": "นายอำเภอเมือง <saraban@amphoe.go.th>"})
    assert r.status_code == 302, body(r)[:2000]
    with tenant_scope(tenants.a.pk):
        entry = RegistryEntry.objects.get(tenant_id=tenants.a.pk, idempotency_key=key)
    assert entry.reference and entry.reference in body(client.get(r["Location"]))
    d = client.post(f"{A}entries/{entry.pk}/dispatch/", {"_agency": "tenant-a", "dispatch-state": "dispatched",
                                                         "dispatch-channel": ""})
    assert d.status_code == 400 and "กรุณาเลือกช่องทางการส่ง" in body(d)
    d = client.post(f"{A}entries/{entry.pk}/dispatch/", {"_agency": "tenant-a", "dispatch-state": "dispatched",
                                                         "dispatch-channel": "post"})
    assert d.status_code == 302
    # Reserve, then use the reservation.
    key = form_key(body(client.get(A + "reserve/")))
    snd = book_of(tenants.a, BookKind.CENTRAL_OUTGOING)
    r = client.post(A + "reserve/", {"_agency": "tenant-a", "idempotency_key": key, "book": str(snd.pk),
                                     "note": "หนังสือเชิญประชุมที่ลงนามในกระดาษ"})
    assert r.status_code == 302
    with tenant_scope(tenants.a.pk):
        reserved = RegistryEntry.objects.get(tenant_id=tenants.a.pk, idempotency_key=key)
    assert reserved.status == EntryStatus.RESERVED
    detail = body(client.get(r["Location"]))
    assert "ใช้เลขที่จองนี้" in detail and "จองเลขแล้ว" in detail
    use = client.get(f"{A}entries/{reserved.pk}/use/")
    assert use.status_code == 200
    u = client.post(f"{A}entries/{reserved.pk}/use/", {
        "_agency": "tenant-a", "idempotency_key": form_key(body(use)), "kind": "external", "sub_kind": "",
        "urgency": "001", "purpose": "inform", "subject": "เชิญประชุม", "recipients": "กำนันตำบลทดสอบ"})
    assert u.status_code == 302
    with tenant_scope(tenants.a.pk):
        reserved.refresh_from_db()
    assert reserved.status == EntryStatus.REGISTERED and reserved.letter_id
    assert client.get(f"{A}entries/{reserved.pk}/use/").status_code == 409


# --- the book -----------------------------------------------------------------------------------------------------
def test_book_filters_and_the_older_link(client, login, tenants):
    a = tenants.a
    tag = uuid.uuid4().hex[:6]
    for i in range(52):
        incoming(a, subject=f"ชุดทดสอบ {tag} ฉบับ {i}", urgency="004" if i == 0 else "001")
    login("a_central_clerk")
    page = client.get(A + "books/rcv/", {"subject": f"ชุดทดสอบ {tag}"})
    html = body(page)
    assert page.status_code == 200
    assert f"ชุดทดสอบ {tag} ฉบับ 51" in html and f"ชุดทดสอบ {tag} ฉบับ 1<" not in html
    m = re.search(r'href="\?([^"]*before=\d{4}-\d+)" rel="next"', html)
    assert m, "an older link with a cursor"
    older = body(client.get(A + "books/rcv/?" + m.group(1).replace("&amp;", "&")))
    assert f"ชุดทดสอบ {tag} ฉบับ 1<" in older and f"ชุดทดสอบ {tag} ฉบับ 51" not in older
    urgent = body(client.get(A + "books/rcv/", {"subject": f"ชุดทดสอบ {tag}", "urgency": "004"}))
    assert f"ชุดทดสอบ {tag} ฉบับ 0" in urgent and f"ชุดทดสอบ {tag} ฉบับ 2<" not in urgent
    assert "ด่วนที่สุด" in urgent
    bad = client.get(A + "books/rcv/", {"date_from": "32/13/2568", "before": "x"})
    assert bad.status_code == 400 and "ไม่มีวันที่นี้ในปฏิทิน" in body(bad) and "ลิงก์หน้าก่อนหน้าไม่ถูกต้อง" in body(bad)


def test_exports(client, login, tenants):
    subject = uniq("=HYPERLINK(\"http://evil\")")
    incoming(tenants.a, subject=subject)
    login("a_central_clerk")
    c = client.get(A + "books/rcv/export/csv/")
    assert c.status_code == 200 and c["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(c.content.decode("utf-8-sig"))))
    assert rows[0][0] == "เลขทะเบียนรับ"
    assert any(cell == "'" + subject for row in rows for cell in row)  # formula neutralised
    x = client.get(A + "books/rcv/export/xlsx/")
    assert x.status_code == 200 and x.content[:2] == b"PK"
    p = client.get(A + "books/rcv/export/pdf/")
    assert p.status_code == 200 and p.content.startswith(b"%PDF")
    assert client.get(A + "books/rcv/export/doc/").status_code == 400
    client.logout()
    login("a_unit_clerk")
    assert client.get(A + "books/rcv/export/csv/").status_code == 404


# --- the mailbox ------------------------------------------------------------------------------------------------------
def test_mailbox_queue_register_and_dismiss(client, login, tenants, tmp_path, settings):
    from documents.mailbox import services as mb_services
    from tests.registry.mailserver import make_email

    a = tenants.a
    settings.EOFFICE_MAILBOX_MAILDIR_ROOT = str(tmp_path)
    box = stdlib_mailbox.Maildir(str(tmp_path / "saraban"), create=True)
    subject = uniq("ขอเชิญประชุมคณะกรรมการ")
    box.add(make_email(subject=f"ด่วน {subject}").as_bytes())
    box.add(make_email(subject="โปรโมชั่นพิเศษ", attachments=[]).as_bytes())
    with tenant_scope(a.pk):
        mb = Mailbox.objects.create(tenant_id=a.pk, kind="maildir", address=f"s{uuid.uuid4().hex[:6]}@t.go.th",
                                    path="saraban", auto_reply=False)
    assert mb_services.mailbox_fetch(tenant_id=a.pk, mailbox_id=mb.pk) == 2
    with tenant_scope(a.pk):
        msgs = {m.subject: m for m in MailboxMessage.objects.filter(tenant_id=a.pk, mailbox=mb)}
    letter_msg, spam = msgs[f"ด่วน {subject}"], msgs["โปรโมชั่นพิเศษ"]
    login("a_central_clerk")
    queue = body(client.get(A + "mailbox/"))
    assert subject in queue and "โปรโมชั่นพิเศษ" in queue
    page = client.get(f"{A}mailbox/{letter_msg.pk}/")
    html = body(page)
    assert page.status_code == 200
    assert re.search(r'name="subject" value="[^"]*' + re.escape(subject), html)  # pre-filled from the e-mail
    assert 'value="ที่ มท 0808.2/ว 1234"' in html and "data-eo-pdf=" in html
    key = form_key(html)
    books = re.search(r'name="book"[^>]*>\s*<option value="(\d+)"', html).group(1)
    data = {"_agency": "tenant-a", "idempotency_key": key, "book": books, "kind": "external", "sub_kind": "",
            "subject": subject, "sender_name": "สำนักงานส่งเสริมการปกครองท้องถิ่นจังหวัด", "urgency": "002",
            "secrecy": "001", "purpose": "consider", "letter_reference": "ที่ มท 0808.2/ว 1234"}
    r = client.post(f"{A}mailbox/{letter_msg.pk}/", data)
    assert r.status_code == 302, re.findall(r"usa-(?:alert__text|error-message)[^>]*>([^<]*)<", body(r))
    with tenant_scope(a.pk):
        letter_msg.refresh_from_db()
        entry = RegistryEntry.objects.get(pk=letter_msg.entry_id)
        n_files = StoredFile.objects.filter(tenant_id=a.pk, letter_id=entry.letter_id).count()
    assert letter_msg.state == MailboxMessageState.REGISTERED and entry.channel == "email" and n_files == 2
    assert r["Location"] == f"{A}entries/{entry.pk}/"
    d = client.post(f"{A}mailbox/{spam.pk}/dismiss/", {"_agency": "tenant-a", "dismiss-reason": "โฆษณา"})
    assert d.status_code == 302
    assert "โปรโมชั่นพิเศษ" not in body(client.get(A + "mailbox/"))
    assert "โปรโมชั่นพิเศษ" in body(client.get(A + "mailbox/?state=dismissed"))
    client.logout()
    login("a_head")
    assert client.get(f"{A}mailbox/{letter_msg.pk}/").status_code == 403


# --- another agency's ids ---------------------------------------------------------------------------------------------
def test_another_agencys_entry_and_file_are_404(client, login, tenants):
    b_entry = incoming(tenants.b, username="b_central_clerk")
    login("a_central_clerk")
    for path in (f"entries/{b_entry.pk}/", f"entries/{b_entry.pk}/use/", f"entries/{b_entry.pk}/files/1/"):
        r = client.get(A + path)
        assert r.status_code == 404, path
        assert "ไม่พบรายการที่ขอ" in h1_of(r) or "ไม่พบ" in body(r)
    r = client.post(f"{A}entries/{b_entry.pk}/annul/", {"_agency": "tenant-a", "annul-reason": "x"})
    assert r.status_code == 404
    with tenant_scope(tenants.b.pk):
        assert RegistryEntry.objects.get(pk=b_entry.pk).status == EntryStatus.REGISTERED


def test_english_labels(client, login):
    from django.conf import settings

    login("a_central_clerk")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = body(client.get(A + "incoming/new/"))
    assert 'lang="en"' in html and "Register a received letter" in html and "Subject" in html


def test_unit_clerk_registers_by_the_central_number(client, login, tenants):
    central = incoming(tenants.a, subject=uniq("ส่งต่อให้กองคลัง"))
    login("a_unit_clerk")
    with tenant_scope(tenants.a.pk):
        clerk_unit = Membership.objects.get(tenant_id=tenants.a.pk, user__username="a_unit_clerk").unit_id
        book = Book.objects.get(tenant_id=tenants.a.pk, kind=BookKind.UNIT_INCOMING, unit_id=clerk_unit)
    page = body(client.get(A + f"books/{book.code}/"))
    m = re.search(r'name="central-idempotency_key" value="([^"]+)"', page)
    assert m, "the unit book page offers registration by the central number"
    url = A + f"books/{book.code}/register-central/"
    data = {"_agency": "tenant-a", "central-idempotency_key": m.group(1), "central-year": central.year,
            "central-number": central.number}
    r = client.post(url, data)
    assert r.status_code == 302
    again = client.post(url, data)  # a double submit: the same entry
    assert again.status_code == 302 and again["Location"] == r["Location"]
    with tenant_scope(tenants.a.pk):
        unit_entries = list(RegistryEntry.objects.filter(tenant_id=tenants.a.pk, book=book, parent=central))
    assert len(unit_entries) == 1
    bad = client.post(url, {**data, "central-idempotency_key": uuid.uuid4().hex, "central-number": 10_000_000})
    assert bad.status_code == 400 and "ไม่พบเลขรับ" in body(bad)
