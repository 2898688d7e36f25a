"""The central saraban@ mailbox (issue 3 §3, §6): fetch from a real Dovecot IMAP server and from a
maildir, pre-fill, register from an e-mail, the auto-reply through a real SMTP server (aiosmtpd),
secrecy of the reply, broken mail, and the tenant wall. Everything as the app role under RLS."""

from __future__ import annotations

import datetime as dt
import mailbox as stdlib_mailbox
import os
import uuid
from email.utils import make_msgid

import pytest
from django.db import connection

from documents.files.services import file_read
from documents.mailbox import selectors, services
from documents.mailbox.errors import MailboxConflict, MailboxError, MailboxNotAllowed, MailboxUnavailable
from documents.mailbox.fetch import imap_utf7
from documents.mailbox.parse import parse_message
from documents.mailbox.prefill import find_letter_date, find_reference
from documents.models import (
    FileRole,
    Mailbox,
    MailboxAttachment,
    MailboxMessage,
    MailboxMessageState,
    StoredFile,
)
from documents.registry.inputs import IncomingInput, PartyInput
from eoffice.common.exceptions import NotFoundInTenant
from tenants.context import tenant_scope
from tenants.models import AuditEvent, Job
from tenants.services.jobs import job_run
from tests.registry import mailserver
from tests.registry.conftest import new_key
from tests.registry.mailserver import make_email, make_pdf

# The real servers (fixtures): Dovecot IMAP and an aiosmtpd SMTP sink.
dovecot, imap_account = mailserver.dovecot, mailserver.imap_account
_smtp_server, smtp_sink = mailserver._smtp_server, mailserver.smtp_sink

pytestmark = pytest.mark.django_db


# --- helpers -----------------------------------------------------------------------------------------------
def _imap_mailbox(tenant_id: int, account, monkeypatch, *, auto_reply: bool = True) -> Mailbox:  # type: ignore[no-untyped-def]
    ref = f"EOFFICE_MAILBOX_PASSWORD_T{uuid.uuid4().hex[:8].upper()}"
    monkeypatch.setenv(ref, account.password)
    with tenant_scope(tenant_id):
        return Mailbox.objects.create(
            tenant_id=tenant_id, kind="imap", address=f"{account.username}-{uuid.uuid4().hex[:4]}@tenant-test.go.th", host=account.host,
            port=account.port, use_tls=False, username=account.username, password_ref=ref, auto_reply=auto_reply,
        )


def _messages(tenant_id: int, mailbox: Mailbox) -> list[MailboxMessage]:
    with tenant_scope(tenant_id):
        return list(MailboxMessage.objects.filter(tenant_id=tenant_id, mailbox=mailbox).order_by("id"))


def _from_prefill(message: MailboxMessage, **overrides) -> IncomingInput:  # type: ignore[no-untyped-def]
    p = services.mailbox_prefill(message)
    data = {
        "subject": p["subject"], "sender": PartyInput(name=p["sender_name"], email=p["sender_email"]),
        "letter_reference": p["letter_reference"], "letter_date": p["letter_date"], "urgency": p["urgency"],
        "secrecy": p["secrecy"], "received_at": p["received_at"],
    }
    data.update(overrides)
    return IncomingInput(**data)


def _run_jobs(tenant_id: int, kind: str, **args) -> list[str]:  # type: ignore[no-untyped-def]
    with tenant_scope(tenant_id):
        ids = [j.pk for j in Job.objects.filter(tenant_id=tenant_id, kind=kind) if all(
            j.args.get(k) == v for k, v in args.items())]
    return [job_run(tenant_id=tenant_id, job_id=i) for i in ids]


# --- fetch: IMAP --------------------------------------------------------------------------------------------
def test_imap_fetch_twice_stores_each_message_once(tenants, imap_account, monkeypatch):
    a = tenants.a
    mb = _imap_mailbox(a.pk, imap_account, monkeypatch)
    pdf = make_pdf("หนังสือเชิญประชุม")
    imap_account.deliver(make_email(subject="ขอเชิญประชุมคณะกรรมการป้องกันน้ำท่วม",
                                    attachments=[("หนังสือเชิญประชุม.pdf", pdf, "application/pdf")]))
    imap_account.deliver(make_email(subject="ขอส่งรายงานผลการดำเนินงาน ประจำปี ๒๕๖๙", attachments=[]))

    assert services.mailbox_fetch(tenant_id=a.pk, mailbox_id=mb.pk) == 2
    assert services.mailbox_fetch(tenant_id=a.pk, mailbox_id=mb.pk) == 0  # idempotent
    msgs = _messages(a.pk, mb)
    assert [m.subject for m in msgs] == ["ขอเชิญประชุมคณะกรรมการป้องกันน้ำท่วม", "ขอส่งรายงานผลการดำเนินงาน ประจำปี ๒๕๖๙"]
    first = msgs[0]
    assert first.from_address == "saraban@dla-test.go.th"
    assert first.from_name == "สำนักงานส่งเสริมการปกครองท้องถิ่นจังหวัด"
    assert first.message_id.startswith("<") and first.sent_at is not None
    assert first.state == MailboxMessageState.NEW and "มท 0808.2/ว 1234" in first.body_text
    with tenant_scope(a.pk):
        files = selectors.message_attachments(tenant_id=a.pk, message=first)
        assert [(f.original_name, f.role, f.content_type) for f in files] == [
            ("หนังสือเชิญประชุม.pdf", FileRole.ORIGINAL, "application/pdf")]
        assert file_read(files[0]) == pdf  # stored encrypted, read back bit-exact
        raw = StoredFile.objects.get(pk=first.raw_id)
        assert raw.role == FileRole.EMAIL and raw.letter_id is None
        assert b"Message-ID: " + first.message_id.encode() in file_read(raw)
        mb.refresh_from_db()
        assert mb.last_fetched_at is not None and mb.last_error == ""
    # read-only on the server: nothing deleted, nothing marked \Seen
    flags = imap_account.flags()
    assert len(flags) == 2 and not any("\\Seen" in f for f in flags.values())

    # a message arriving later is the only one stored next time
    imap_account.deliver(make_email(subject="แจ้งกำหนดการตรวจเยี่ยม", attachments=[]))
    assert services.mailbox_fetch(tenant_id=a.pk, mailbox_id=mb.pk) == 1
    assert len(_messages(a.pk, mb)) == 3


def test_thai_folder_name_is_sent_in_modified_utf7(tenants, imap_account, monkeypatch):
    assert imap_utf7("台北") == "&U,BTFw-" and imap_utf7("A&B") == "A&-B"  # RFC 3501 §5.1.3 examples
    a = tenants.a
    folder = "หนังสือราชการ"
    sub = stdlib_mailbox.Maildir(str(imap_account.maildir / f".{imap_utf7(folder)}"), create=True)
    sub.add(make_email(subject="อยู่ในโฟลเดอร์ภาษาไทย", attachments=[]).as_bytes())
    imap_account.deliver(make_email(subject="อยู่ใน INBOX", attachments=[]))  # also fixes ownership
    mb = _imap_mailbox(a.pk, imap_account, monkeypatch)
    with tenant_scope(a.pk):
        Mailbox.objects.filter(pk=mb.pk).update(folder=folder)
    assert services.mailbox_fetch(tenant_id=a.pk, mailbox_id=mb.pk) == 1
    assert [m.subject for m in _messages(a.pk, mb)] == ["อยู่ในโฟลเดอร์ภาษาไทย"]


def test_same_message_delivered_twice_is_stored_once(tenants, imap_account, monkeypatch):
    a = tenants.a
    mb = _imap_mailbox(a.pk, imap_account, monkeypatch)
    msg = make_email(attachments=[])
    imap_account.deliver(msg)
    imap_account.deliver(msg)  # the same Message-ID twice in the folder
    assert services.mailbox_fetch(tenant_id=a.pk, mailbox_id=mb.pk) == 1


def test_wrong_password_is_recorded_on_the_mailbox(tenants, imap_account, monkeypatch):
    a = tenants.a
    mb = _imap_mailbox(a.pk, imap_account, monkeypatch)
    monkeypatch.setenv(mb.password_ref, "not-the-password")
    with pytest.raises(MailboxUnavailable) as exc:
        services.mailbox_fetch(tenant_id=a.pk, mailbox_id=mb.pk)
    assert exc.value.code == "mailbox_login"
    with tenant_scope(a.pk):
        mb.refresh_from_db()
        assert "เข้าสู่ระบบกล่องอีเมลไม่สำเร็จ" in mb.last_error and mb.last_fetched_at is None


def test_password_reference_must_name_a_mailbox_password_variable(tenants, imap_account, monkeypatch, actor_of):
    a = tenants.a
    mb = _imap_mailbox(a.pk, imap_account, monkeypatch)
    with tenant_scope(a.pk):
        Mailbox.objects.filter(pk=mb.pk).update(password_ref="DJANGO_SECRET_KEY")
    with pytest.raises(MailboxUnavailable) as exc:
        services.mailbox_fetch(tenant_id=a.pk, mailbox_id=mb.pk)
    assert exc.value.code == "mailbox_password_ref"
    admin = actor_of("a_agency_admin", a)
    with tenant_scope(a.pk), pytest.raises(MailboxError) as exc2:
        services.mailbox_configure(tenant_id=a.pk, actor=admin, mailbox_id=mb.pk, password_ref="DATABASE_URL")
    assert exc2.value.field == "password_ref"


def test_fetch_job_and_beat_queue(tenants, imap_account, monkeypatch):
    a = tenants.a
    mb = _imap_mailbox(a.pk, imap_account, monkeypatch)
    imap_account.deliver(make_email(attachments=[]))
    queued = services.mailbox_fetch_all_due()
    assert queued >= 1
    assert services.mailbox_fetch_all_due() >= 1  # same slot: the same jobs, not new ones
    with tenant_scope(a.pk):
        jobs = [j for j in Job.objects.filter(tenant_id=a.pk, kind="mailbox.fetch") if j.args == {"mailbox_id": mb.pk}]
        assert len(jobs) == 1
    assert _run_jobs(a.pk, "mailbox.fetch", mailbox_id=mb.pk) == ["done"]
    with tenant_scope(a.pk):
        job = Job.objects.get(pk=jobs[0].pk)
        assert job.result == {"stored": 1}
        mb.refresh_from_db()
        assert mb.last_fetched_at is not None
        # fetched just now: not due, even in a new time slot
        Job.objects.filter(pk=jobs[0].pk).update(idempotency_key="moved-aside")
    services.mailbox_fetch_all_due()
    with tenant_scope(a.pk):
        assert [j.pk for j in Job.objects.filter(tenant_id=a.pk, kind="mailbox.fetch")
                if j.args == {"mailbox_id": mb.pk}] == [jobs[0].pk]


def test_fetch_job_records_an_unreachable_server_without_failing(tenants, monkeypatch):
    a = tenants.a
    from tests.registry.mailserver import free_port

    with tenant_scope(a.pk):
        mb = Mailbox.objects.create(tenant_id=a.pk, kind="imap", address=f"x{uuid.uuid4().hex[:6]}@t.go.th",
                                    host="127.0.0.1", port=free_port(), use_tls=False, username="u")
        from tenants.services.jobs import job_enqueue

        job = job_enqueue(tenant_id=a.pk, kind="mailbox.fetch", args={"mailbox_id": mb.pk})
    assert job_run(tenant_id=a.pk, job_id=job.pk) == "done"
    with tenant_scope(a.pk):
        job.refresh_from_db()
        mb.refresh_from_db()
        assert job.result["stored"] == 0 and "Could not reach" in job.result["error"]
        assert mb.last_error.startswith("ติดต่อกล่องอีเมลไม่ได้")


# --- fetch: maildir -------------------------------------------------------------------------------------------
def test_maildir_fetch_is_read_only_and_idempotent(tenants, tmp_path, settings):
    a = tenants.a
    settings.EOFFICE_MAILBOX_MAILDIR_ROOT = str(tmp_path)
    box = stdlib_mailbox.Maildir(str(tmp_path / "saraban"), create=True)
    box.add(make_email(subject="ประกาศรับสมัครงาน").as_bytes())
    box.add(make_email(subject="ขอความอนุเคราะห์ข้อมูล", attachments=[]).as_bytes())
    before = sorted((p.relative_to(tmp_path), p.read_bytes()) for p in tmp_path.rglob("*") if p.is_file())
    with tenant_scope(a.pk):
        mb = Mailbox.objects.create(tenant_id=a.pk, kind="maildir", address=f"md{uuid.uuid4().hex[:6]}@t.go.th",
                                    path="saraban")
    assert services.mailbox_fetch(tenant_id=a.pk, mailbox_id=mb.pk) == 2
    assert services.mailbox_fetch(tenant_id=a.pk, mailbox_id=mb.pk) == 0
    assert sorted(m.subject for m in _messages(a.pk, mb)) == ["ขอความอนุเคราะห์ข้อมูล", "ประกาศรับสมัครงาน"]
    after = sorted((p.relative_to(tmp_path), p.read_bytes()) for p in tmp_path.rglob("*") if p.is_file())
    assert after == before  # nothing moved, flagged or written


def test_maildir_outside_the_configured_root_is_refused(tenants, tmp_path, settings, actor_of):
    a = tenants.a
    settings.EOFFICE_MAILBOX_MAILDIR_ROOT = str(tmp_path / "root")
    (tmp_path / "root").mkdir()
    admin = actor_of("a_agency_admin", a)
    with tenant_scope(a.pk), pytest.raises(MailboxUnavailable) as exc:
        services.mailbox_configure(tenant_id=a.pk, actor=admin, kind="maildir",
                                   address=f"md{uuid.uuid4().hex[:6]}@t.go.th", path="../../etc")
    assert exc.value.code == "maildir_outside_root"
    settings.EOFFICE_MAILBOX_MAILDIR_ROOT = ""
    with tenant_scope(a.pk), pytest.raises(MailboxUnavailable) as exc:
        services.mailbox_configure(tenant_id=a.pk, actor=admin, kind="maildir",
                                   address=f"md{uuid.uuid4().hex[:6]}@t.go.th", path="x")
    assert exc.value.code == "maildir_disabled"


# --- parsing and pre-fill ---------------------------------------------------------------------------------------
def test_prefill_finds_reference_date_sender_and_urgency(tenants, tmp_path, settings):
    a = tenants.a
    settings.EOFFICE_MAILBOX_MAILDIR_ROOT = str(tmp_path)
    box = stdlib_mailbox.Maildir(str(tmp_path / "in"), create=True)
    box.add(make_email(
        subject="Fwd: ด่วนที่สุด ขอเชิญประชุมชี้แจงแนวทางการจัดทำงบประมาณ",
        body="ที่ มท ๐๘๐๘.๒/ว ๑๒๓๔\nลงวันที่ ๒๐ พฤศจิกายน ๒๕๖๙\nเรียน นายกองค์การบริหารส่วนตำบล",
    ).as_bytes())
    with tenant_scope(a.pk):
        mb = Mailbox.objects.create(tenant_id=a.pk, kind="maildir", address=f"p{uuid.uuid4().hex[:6]}@t.go.th", path="in")
    services.mailbox_fetch(tenant_id=a.pk, mailbox_id=mb.pk)
    (message,) = _messages(a.pk, mb)
    with tenant_scope(a.pk):
        p = services.mailbox_prefill(message)
    assert p["subject"] == "ด่วนที่สุด ขอเชิญประชุมชี้แจงแนวทางการจัดทำงบประมาณ"
    assert p["letter_reference"] == "ที่ มท ๐๘๐๘.๒/ว ๑๒๓๔"
    assert p["letter_date"] == dt.date(2026, 11, 20)
    assert p["urgency"] == "004" and p["secrecy"] == "001"
    assert p["sender_email"] == "saraban@dla-test.go.th" and p["sender_name"].startswith("สำนักงาน")
    assert p["channel"] == "email" and p["received_at"] == message.fetched_at


@pytest.mark.parametrize(("text", "reference", "date"), [
    ("ที่ มท 0808.2/ว 1234 ลงวันที่ 12 พฤศจิกายน 2568", "ที่ มท 0808.2/ว 1234", dt.date(2025, 11, 12)),
    ("หนังสือที่ นม ๕๒๓๐๑/๑๒๓๔ ลว. ๑๒ พ.ย. ๖๘", "ที่ นม ๕๒๓๐๑/๑๒๓๔", dt.date(2025, 11, 12)),
    ("ที่ อว 0603.01/ว123 วันที่ 3/10/2568", "ที่ อว 0603.01/ว 123", dt.date(2025, 10, 3)),
    ("เรียน นายก\nไม่มีเลขที่หนังสือ", "", None),
])
def test_reference_and_date_patterns(text, reference, date):
    assert find_reference(text) == reference
    assert find_letter_date(text) == date


def test_thai_headers_legacy_charsets_and_html_only_bodies():
    raw = (
        b"From: =?TIS-620?B?wdKhx7TJtA==?= <saraban@x.go.th>\r\n"
        b"Subject: =?utf-8?b?4LiX4LiU4Liq4Lit4Lia?=\r\nMessage-ID: <m1@x>\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n"
        b"Content-Type: text/html; charset=windows-874\r\n\r\n"
        b"<p>\xb7\xb4\xca\xcd\xba</p><script>alert(1)</script><style>p{}</style>\r\n--B\r\n"
        b"Content-Type: application/pdf\r\nContent-Disposition: attachment; filename*=utf-8''%E0%B8%97%E0%B8%94.pdf\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n--B--\r\n"
    )
    p = parse_message(raw)
    assert p.subject == "ทดสอบ" and p.message_id == "<m1@x>"
    assert p.body_text == "ทดสอบ"  # text only: no script, no style, no markup
    assert [a.filename for a in p.attachments] == ["ทด.pdf"]


# --- broken and hostile mail ---------------------------------------------------------------------------------------
def test_malformed_messages_do_not_crash_the_fetch(tenants, imap_account, monkeypatch):
    a = tenants.a
    mb = _imap_mailbox(a.pk, imap_account, monkeypatch)
    imap_account.deliver(b"\x00\xff\xfe this is not an e-mail at all \x00\r\n\r\n\x00\x01")
    imap_account.deliver(
        b"From: broken <@@>\r\nSubject: =?bogus-charset?q?=E0=B8?= \x00 nul\r\nMessage-ID: <broken-1@x>\r\n"
        b"Date: not a date\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=ZZ\r\n\r\n"
        b"--ZZ\r\nContent-Type: text/plain; charset=no-such-charset\r\n\r\nhello \x00 world\r\n"
        b"--ZZ\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"bad.pdf\"\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n!!!not base64!!!\r\n"
        # no closing boundary
    )
    exe = b"MZ" + os.urandom(2000)
    imap_account.deliver(make_email(subject="มีไฟล์โปรแกรมแนบมา", attachments=[
        ("setup.exe", exe, "application/octet-stream"), ("ตัวจริง.pdf", make_pdf(), "application/pdf")]))
    assert services.mailbox_fetch(tenant_id=a.pk, mailbox_id=mb.pk) == 3
    msgs = {m.subject: m for m in _messages(a.pk, mb)}
    assert len(msgs) == 3
    with_exe = msgs["มีไฟล์โปรแกรมแนบมา"]
    body, notes = selectors.message_text_and_notes(with_exe)
    assert "มท 0808.2" in body
    assert any("setup.exe" in n and "ไม่ได้จัดเก็บ" in n for n in notes)
    with tenant_scope(a.pk):
        files = selectors.message_attachments(tenant_id=a.pk, message=with_exe)
        assert [(f.original_name, f.role) for f in files] == [("ตัวจริง.pdf", FileRole.ORIGINAL)]
    for m in msgs.values():
        assert "\x00" not in m.subject + m.body_text
    with tenant_scope(a.pk):
        mb.refresh_from_db()
        assert mb.last_error == ""  # broken messages are stored with notes, not errors


def test_oversized_message_is_listed_not_downloaded(tenants, imap_account, monkeypatch, settings):
    a = tenants.a
    settings.EOFFICE_MAILBOX_MAX_MESSAGE_MB = 1
    mb = _imap_mailbox(a.pk, imap_account, monkeypatch)
    imap_account.deliver(make_email(subject="ไฟล์ใหญ่มาก", attachments=[("big.pdf", os.urandom(1_200_000), "application/pdf")]))
    assert services.mailbox_fetch(tenant_id=a.pk, mailbox_id=mb.pk) == 1
    (m,) = _messages(a.pk, mb)
    assert m.subject == "ไฟล์ใหญ่มาก" and m.raw_id is None
    _, notes = selectors.message_text_and_notes(m)
    assert any("เกินกำหนด 1 MB" in n for n in notes)
    with tenant_scope(a.pk):
        assert not MailboxAttachment.objects.filter(message=m).exists()
    assert services.mailbox_fetch(tenant_id=a.pk, mailbox_id=mb.pk) == 0


# --- register from an e-mail, auto-reply ----------------------------------------------------------------------------
def test_register_from_email_and_auto_reply_gives_our_number(tenants, imap_account, monkeypatch, actor_of, smtp_sink):
    a = tenants.a
    clerk = actor_of("a_central_clerk", a)
    mb = _imap_mailbox(a.pk, imap_account, monkeypatch)
    pdf = make_pdf("ต้นฉบับ")
    original_id = make_msgid(domain="dla-test.go.th")
    imap_account.deliver(make_email(subject="ขอเชิญประชุมคณะกรรมการป้องกันน้ำท่วม", message_id=original_id,
                                    attachments=[("หนังสือ.pdf", pdf, "application/pdf")]))
    services.mailbox_fetch(tenant_id=a.pk, mailbox_id=mb.pk)
    (message,) = _messages(a.pk, mb)
    k = new_key()
    with tenant_scope(a.pk):
        audit_before = AuditEvent.objects.filter(tenant_id=a.pk, action="mailbox.register").count()
        entry = services.mailbox_register(tenant_id=a.pk, actor=clerk, message_id=message.pk,
                                          data=_from_prefill(message), idempotency_key=k)
        # a double click: the same entry, no second number
        again = services.mailbox_register(tenant_id=a.pk, actor=clerk, message_id=message.pk,
                                          data=_from_prefill(message), idempotency_key=k)
        assert again.pk == entry.pk
        with pytest.raises(MailboxConflict):
            services.mailbox_register(tenant_id=a.pk, actor=clerk, message_id=message.pk,
                                      data=_from_prefill(message), idempotency_key=new_key())
        message.refresh_from_db()
        assert message.state == MailboxMessageState.REGISTERED and message.entry_id == entry.pk
        letter = entry.letter
        assert letter.subject == "ขอเชิญประชุมคณะกรรมการป้องกันน้ำท่วม"
        assert letter.letter_reference == "ที่ มท 0808.2/ว 1234" and letter.letter_date == dt.date(2026, 11, 20)
        assert entry.channel == "email" and entry.received_at == message.fetched_at
        files = list(StoredFile.objects.filter(letter=letter).order_by("sort_order", "id"))
        assert [f.role for f in files] == [FileRole.ORIGINAL, FileRole.EMAIL]
        assert file_read(files[0]) == pdf and entry.digest == files[0].sha256
        assert AuditEvent.objects.filter(tenant_id=a.pk, action="mailbox.register").count() == audit_before + 1
        assert Job.objects.filter(tenant_id=a.pk, kind="mailbox.auto_reply", idempotency_key=f"mailbox-reply:{message.pk}").count() == 1

    assert _run_jobs(a.pk, "mailbox.auto_reply", message_id=message.pk) == ["done"]
    (reply,) = smtp_sink.wait_for(1)
    text = reply.get_body(("plain",)).get_content()
    assert f"เลขทะเบียนรับ: {entry.number_label}" in text
    assert "ขอเชิญประชุมคณะกรรมการป้องกันน้ำท่วม" in text  # not secret: the subject may be named
    assert reply["In-Reply-To"] == original_id and reply["References"] == original_id
    assert reply["Auto-Submitted"] == "auto-replied"
    assert smtp_sink.received[0][1] == ["saraban@dla-test.go.th"]
    assert mb.address in reply["From"]
    with tenant_scope(a.pk):
        message.refresh_from_db()
        assert message.replied_at is not None

    # the job again (a retry after a crash): replied once only
    with tenant_scope(a.pk):
        from tenants.services.jobs import job_enqueue

        job = job_enqueue(tenant_id=a.pk, kind="mailbox.auto_reply", args={"message_id": message.pk})
    assert job_run(tenant_id=a.pk, job_id=job.pk) == "done"
    assert len(smtp_sink.received) == 1


def test_secret_letter_reply_never_carries_the_subject(tenants, imap_account, monkeypatch, actor_of, smtp_sink):
    a = tenants.a
    clerk = actor_of("a_central_clerk", a)
    mb = _imap_mailbox(a.pk, imap_account, monkeypatch)
    subject = "[ลับ] แผนการตรวจสอบพิเศษโครงการก่อสร้างถนน"
    imap_account.deliver(make_email(subject=subject, body="ที่ มท 0808.2/ว 15\nรายละเอียดลับ"))
    services.mailbox_fetch(tenant_id=a.pk, mailbox_id=mb.pk)
    (message,) = _messages(a.pk, mb)
    with tenant_scope(a.pk):
        data = _from_prefill(message)
        assert data.secrecy == "002"  # the pre-fill leans to caution
        entry = services.mailbox_register(tenant_id=a.pk, actor=clerk, message_id=message.pk, data=data,
                                          idempotency_key=new_key())
        assert entry.letter.is_secret and entry.letter.subject == ""
        message.refresh_from_db()
        assert message.subject == "" and message.body_text == ""  # gone from the shared queue
        assert not StoredFile.objects.filter(letter=entry.letter).exists()  # sealed: files stay for the registrar
        assert message.raw_id is not None
        assert not selectors.message_files_visible(actor=clerk, message=selectors.mailbox_message_get(
            tenant_id=a.pk, message_id=message.pk))
    assert _run_jobs(a.pk, "mailbox.auto_reply", message_id=message.pk) == ["done"]
    (reply,) = smtp_sink.wait_for(1)
    raw = smtp_sink.received[0][2].decode("ascii", errors="replace")
    text = reply.get_body(("plain",)).get_content()
    for secret_bit in ("แผนการตรวจสอบ", "ก่อสร้างถนน", "0808.2"):
        assert secret_bit not in text and secret_bit not in str(reply["Subject"])
    assert "แผนการ" not in raw
    assert "หนังสือลับ" in text and f"เลขทะเบียนรับ: {entry.number_label}" in text


def test_no_auto_reply_to_automatic_mail_or_when_switched_off(tenants, imap_account, monkeypatch, actor_of, smtp_sink):
    a = tenants.a
    clerk = actor_of("a_central_clerk", a)
    mb = _imap_mailbox(a.pk, imap_account, monkeypatch)
    imap_account.deliver(make_email(subject="แจ้งเตือนจากระบบ", attachments=[], headers={"Auto-Submitted": "auto-generated"}))
    services.mailbox_fetch(tenant_id=a.pk, mailbox_id=mb.pk)
    (message,) = _messages(a.pk, mb)
    with tenant_scope(a.pk):
        services.mailbox_register(tenant_id=a.pk, actor=clerk, message_id=message.pk, data=_from_prefill(message),
                                  idempotency_key=new_key())
    assert _run_jobs(a.pk, "mailbox.auto_reply", message_id=message.pk) == ["done"]
    assert smtp_sink.received == []
    with tenant_scope(a.pk):
        message.refresh_from_db()
        assert message.replied_at is None

    mb2 = _imap_mailbox(a.pk, imap_account, monkeypatch, auto_reply=False)
    imap_account.deliver(make_email(subject="ไม่ต้องตอบ", attachments=[]))
    services.mailbox_fetch(tenant_id=a.pk, mailbox_id=mb2.pk)
    m2 = next(m for m in _messages(a.pk, mb2) if m.subject == "ไม่ต้องตอบ")
    with tenant_scope(a.pk):
        services.mailbox_register(tenant_id=a.pk, actor=clerk, message_id=m2.pk, data=_from_prefill(m2),
                                  idempotency_key=new_key())
        assert not Job.objects.filter(tenant_id=a.pk, kind="mailbox.auto_reply", args__message_id=m2.pk).exists()


def test_dismiss_and_restore_are_audited_and_only_for_clerks(tenants, tmp_path, settings, actor_of):
    a = tenants.a
    settings.EOFFICE_MAILBOX_MAILDIR_ROOT = str(tmp_path)
    stdlib_mailbox.Maildir(str(tmp_path / "d"), create=True).add(make_email(subject="โฆษณาขายสินค้า", attachments=[]).as_bytes())
    with tenant_scope(a.pk):
        mb = Mailbox.objects.create(tenant_id=a.pk, kind="maildir", address=f"d{uuid.uuid4().hex[:6]}@t.go.th", path="d")
    services.mailbox_fetch(tenant_id=a.pk, mailbox_id=mb.pk)
    (message,) = _messages(a.pk, mb)
    clerk = actor_of("a_central_clerk", a)
    officer = actor_of("a_officer", a)
    with tenant_scope(a.pk):
        with pytest.raises(MailboxNotAllowed):
            services.mailbox_dismiss(tenant_id=a.pk, actor=officer, message_id=message.pk)
        before = AuditEvent.objects.filter(tenant_id=a.pk, action__in=["mailbox.dismiss", "mailbox.restore"]).count()
        services.mailbox_dismiss(tenant_id=a.pk, actor=clerk, message_id=message.pk, reason="โฆษณา")
        assert not selectors.mailbox_messages(tenant_id=a.pk, mailbox_id=mb.pk).exists()
        with pytest.raises(MailboxConflict):
            services.mailbox_register(tenant_id=a.pk, actor=clerk, message_id=message.pk,
                                      data=_from_prefill(message), idempotency_key=new_key())
        services.mailbox_restore(tenant_id=a.pk, actor=clerk, message_id=message.pk)
        assert selectors.mailbox_messages(tenant_id=a.pk, mailbox_id=mb.pk).count() == 1
        assert AuditEvent.objects.filter(
            tenant_id=a.pk, action__in=["mailbox.dismiss", "mailbox.restore"]).count() == before + 2


# --- the tenant wall ------------------------------------------------------------------------------------------------
def test_another_tenant_cannot_see_or_touch_the_messages(tenants, tmp_path, settings, actor_of):
    a, b = tenants.a, tenants.b
    settings.EOFFICE_MAILBOX_MAILDIR_ROOT = str(tmp_path)
    stdlib_mailbox.Maildir(str(tmp_path / "a"), create=True).add(make_email(subject="ของหน่วยงาน ก").as_bytes())
    with tenant_scope(a.pk):
        mb = Mailbox.objects.create(tenant_id=a.pk, kind="maildir", address=f"w{uuid.uuid4().hex[:6]}@t.go.th", path="a")
    services.mailbox_fetch(tenant_id=a.pk, mailbox_id=mb.pk)
    (message,) = _messages(a.pk, mb)
    b_clerk = actor_of("b_central_clerk", b)
    with tenant_scope(b.pk):
        assert not MailboxMessage.objects.filter(pk=message.pk).exists()
        assert not Mailbox.objects.filter(pk=mb.pk).exists()
        with connection.cursor() as cur:  # RLS itself, not only the manager's filter
            cur.execute("SELECT count(*) FROM documents_mailboxmessage WHERE id = %s", [message.pk])
            assert cur.fetchone()[0] == 0
            cur.execute("SELECT count(*) FROM documents_storedfile WHERE id = %s", [message.raw_id])
            assert cur.fetchone()[0] == 0
        with pytest.raises(NotFoundInTenant):
            selectors.mailbox_message_get(tenant_id=b.pk, message_id=message.pk)
        with pytest.raises(NotFoundInTenant):
            services.mailbox_register(tenant_id=b.pk, actor=b_clerk, message_id=message.pk,
                                      data=_from_prefill(message), idempotency_key=new_key())
        with pytest.raises(NotFoundInTenant):
            services.mailbox_dismiss(tenant_id=b.pk, actor=b_clerk, message_id=message.pk)
    with pytest.raises(NotFoundInTenant):
        services.mailbox_fetch(tenant_id=b.pk, mailbox_id=mb.pk)
    with tenant_scope(a.pk):
        message.refresh_from_db()
        assert message.state == MailboxMessageState.NEW
