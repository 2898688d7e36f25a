"""Mailbox job handlers (run by the job outbox inside the tenant's scope and transaction):

- ``mailbox.fetch``       fetch one mailbox's new messages (beat queues it; "fetch now" too)
- ``mailbox.auto_reply``  tell the sender our เลขรับ; sent once (``replied_at``), never for automatic
  mail (RFC 3834), and for a secret letter it says only "หนังสือลับ": no subject, no reference.

Importing this module also registers the beat task ``documents.mailbox_fetch_all_due``.
"""

from __future__ import annotations

import logging
from email.utils import formataddr
from typing import Any

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.utils import timezone

from documents.files.services import file_read
from documents.mailbox import tasks  # noqa: F401  (registers the beat task with Celery)
from documents.mailbox.errors import MailboxUnavailable
from documents.mailbox.parse import parse_headers_only
from documents.mailbox.services import mailbox_fetch
from documents.models import MailboxMessage, MailboxMessageState, RegistryEntry
from eoffice.common.exceptions import NotFoundInTenant
from eoffice.common.thaidate import thai_date
from tenants.jobs_registry import job_handler
from tenants.models import Agency
from tenants.services.audit import audit_record

log = logging.getLogger(__name__)


@job_handler("mailbox.fetch")
def fetch_job(*, tenant_id: int, job_id: int, mailbox_id: int, **_: Any) -> dict[str, Any]:
    try:
        stored = mailbox_fetch(tenant_id=tenant_id, mailbox_id=mailbox_id)
    except NotFoundInTenant:
        return {"stored": 0, "skipped": "mailbox not found"}
    except MailboxUnavailable as exc:
        # Recorded on the mailbox (last_error) and committed with the job; the next beat retries.
        return {"stored": 0, "error": exc.message_en}
    return {"stored": stored}


def _is_automatic(message: MailboxMessage) -> bool:
    if message.raw_id is None:
        return False
    try:
        raw = file_read(message.raw)
    except Exception:  # an unreadable original: decide by what we have
        log.warning("mailbox message %s: raw e-mail unreadable", message.pk, exc_info=True)
        return False
    return parse_headers_only(raw[:256 * 1024]).automatic


def auto_reply_email(*, message: MailboxMessage, entry: RegistryEntry, agency: Agency) -> EmailMessage:
    """The reply (built, not sent). Thai; Buddhist-Era date; threaded under the sender's message."""
    letter = entry.letter
    secret = letter is None or letter.is_secret or letter.is_sealed
    received = timezone.localtime(entry.received_at or entry.registered_at)
    when = f"{thai_date(received)} เวลา {received:%H:%M} น."
    label = entry.number_label
    if secret:
        subject = f"ตอบรับอัตโนมัติ: {agency.name_th} ได้รับหนังสือลับของท่านแล้ว (เลขรับ {label})"
        what = "หนังสือลับ"
    else:
        title = (letter.subject or message.subject or "").strip()
        subject = f"ตอบรับอัตโนมัติ: ได้รับหนังสือแล้ว เลขรับ {label}" + (f" เรื่อง {title}" if title else "")
        what = "หนังสือ"
        if letter.letter_reference:
            what += f" {letter.letter_reference}"
        if letter.letter_date:
            what += f" ลงวันที่ {thai_date(letter.letter_date)}"
        if title:
            what += f" เรื่อง {title}"
    greeting = message.from_name or message.from_address
    body = "\n".join([
        f"เรียน {greeting}",
        "",
        f"{agency.name_th} ได้รับ{what} ที่ส่งทางอีเมลสารบรรณกลาง และลงทะเบียนรับแล้ว",
        "",
        f"เลขทะเบียนรับ: {label}",
        f"วันที่รับ: {when}",
        "",
        "กรุณาอ้างอิงเลขทะเบียนรับนี้เมื่อติดต่อเรื่องนี้",
        "",
        "ข้อความนี้ส่งโดยอัตโนมัติจากระบบสารบรรณอิเล็กทรอนิกส์ ไม่ต้องตอบกลับ",
        f"{agency.name_th}",
    ])
    headers = {"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All", "Content-Language": "th"}
    if message.message_id.startswith("<"):
        headers["In-Reply-To"] = message.message_id
        headers["References"] = message.message_id
    return EmailMessage(
        subject=subject[:250], body=body, from_email=formataddr((agency.name_th, message.mailbox.address)),
        to=[message.from_address], headers=headers,
    )


@job_handler("mailbox.auto_reply")
def auto_reply_job(*, tenant_id: int, job_id: int, message_id: int, **_: Any) -> dict[str, Any]:
    message = (
        MailboxMessage.objects.select_for_update(of=("self",)).select_related("mailbox", "raw")
        .filter(tenant_id=tenant_id, pk=message_id).first()
    )
    if message is None:
        return {"skipped": "message not found"}
    if message.replied_at is not None:
        return {"skipped": "already replied"}
    if message.state != MailboxMessageState.REGISTERED or message.entry_id is None:
        return {"skipped": "not registered"}
    if not message.mailbox.auto_reply or not message.from_address:
        return {"skipped": "auto-reply off or no sender"}
    try:
        validate_email(message.from_address)
    except ValidationError:
        return {"skipped": "sender address not usable"}
    if message.from_address.lower() == message.mailbox.address.lower() or _is_automatic(message):
        return {"skipped": "automatic or own message (RFC 3834)"}
    entry = RegistryEntry.objects.select_related("letter").get(tenant_id=tenant_id, pk=message.entry_id)
    agency = Agency.objects.get(pk=tenant_id)
    email = auto_reply_email(message=message, entry=entry, agency=agency)
    message.replied_at = timezone.now()
    message.save(update_fields=["replied_at"])
    # Sent last: an SMTP failure raises, rolls back replied_at and the job retries.
    email.send(fail_silently=False)
    audit_record(
        tenant_id=tenant_id, actor_id=None, action="mailbox.auto_reply", object_type="mailbox_message",
        object_id=message.pk, changes={"entry_id": entry.pk, "number": entry.number_label, "to": message.from_address},
    )
    return {"sent_to": message.from_address, "number": entry.number_label}
