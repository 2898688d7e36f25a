"""Mailbox writes: fetch new messages, register one as an incoming letter, dismiss/restore, configure.

``mailbox_fetch`` talks to the mail server *outside* any transaction where it can: it snapshots the
mailbox row in a short scope, lists candidates (sizes and header blocks), asks the database which
Message-IDs are new, downloads only those, prepares (validates, encrypts) their files, and stores each
message in its own short scope under the mailbox row's lock — so two fetches running at once store a
message once. A message is identified by its Message-ID (a digest of its header block when it has
none); the server is never written to.

The other functions run inside the caller's tenant scope (the request's transaction, or a job's).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import time
from collections.abc import Sequence

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from documents.files.errors import FileRejected
from documents.files.services import PreparedFile, file_discard_prepared, file_prepare, file_record
from documents.mailbox.errors import MailboxConflict, MailboxError, MailboxNotAllowed, MailboxUnavailable
from documents.mailbox.fetch import PASSWORD_REF, Candidate, SourceConfig, check_maildir_path, open_source
from documents.mailbox.parse import ParsedMessage, candidate_key, parse_headers_only, parse_message
from documents.mailbox.prefill import mailbox_prefill
from documents.models import (
    Book,
    BookKind,
    FileRole,
    FileState,
    Mailbox,
    MailboxAttachment,
    MailboxKind,
    MailboxMessage,
    MailboxMessageState,
    RegistryEntry,
    Secrecy,
    StoredFile,
)
from documents.registry.inputs import IncomingInput
from documents.registry.services import register_incoming
from eoffice.common.exceptions import NotFoundInTenant
from tenants.context import tenant_scope
from tenants.models import Agency, Job
from tenants.permissions import Actor
from tenants.roles import Action
from tenants.services.audit import audit_record
from tenants.services.jobs import job_enqueue

log = logging.getLogger(__name__)

# Main files a receipt stamp can go on: the first of these among the attachments is the "original".
ORIGINAL_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png", "image/tiff"})
# Body text ends with this line, then the system's notes (skipped attachments, broken structure).
NOTE_MARKER = "——— หมายเหตุจากระบบ ———"

__all__ = [
    "NOTE_MARKER", "mailbox_configure", "mailbox_dismiss", "mailbox_fetch", "mailbox_fetch_all_due",
    "mailbox_fetch_request", "mailbox_prefill", "mailbox_register", "mailbox_restore",
]


def _max_bytes() -> int:
    return int(settings.EOFFICE_MAILBOX_MAX_MESSAGE_MB) * 1024 * 1024


# --- fetch -----------------------------------------------------------------------------------------------
def _snapshot(tenant_id: int, mailbox_id: int) -> SourceConfig | None:
    with tenant_scope(tenant_id):
        mb = Mailbox.objects.filter(tenant_id=tenant_id, pk=mailbox_id).first()
        if mb is None:
            raise NotFoundInTenant()
        if not mb.is_active:
            return None
        since = None
        if mb.kind == MailboxKind.IMAP:
            # The look-back window before the last fetch; a mailbox fetched for the first time brings
            # in its recent mail only, not years of history.
            back = dt.timedelta(days=int(settings.EOFFICE_MAILBOX_LOOKBACK_DAYS))
            since = timezone.localtime((mb.last_fetched_at or timezone.now()) - back).date()
        return SourceConfig(
            mailbox_id=mb.pk, kind=mb.kind, host=mb.host, port=mb.port, use_tls=mb.use_tls, username=mb.username,
            password_ref=mb.password_ref, folder=mb.folder or "INBOX", path=mb.path, since=since,
        )


def _record_status(tenant_id: int, mailbox_id: int, *, fetched_at: dt.datetime | None, error: str) -> None:
    with tenant_scope(tenant_id):
        fields: dict[str, object] = {"last_error": error[:500]}
        if fetched_at is not None:
            fields["last_fetched_at"] = fetched_at
        Mailbox.objects.filter(tenant_id=tenant_id, pk=mailbox_id).update(**fields)


def _known_keys(tenant_id: int, mailbox_id: int, keys: Sequence[str]) -> set[str]:
    known: set[str] = set()
    with tenant_scope(tenant_id):
        for start in range(0, len(keys), 500):
            chunk = list(keys[start : start + 500])
            known |= set(
                MailboxMessage.objects.filter(tenant_id=tenant_id, mailbox_id=mailbox_id, message_id__in=chunk)
                .values_list("message_id", flat=True)
            )
    return known


def mailbox_fetch(*, tenant_id: int, mailbox_id: int) -> int:
    """Store the mailbox's new messages; returns how many were stored. Idempotent: a message already
    stored (same Message-ID) is skipped, so running it twice stores nothing the second time.

    A server that can't be reached raises ``MailboxUnavailable`` after recording the reason on the
    mailbox (``last_error``). A message that can't be read or stored is skipped and named in
    ``last_error``; it never stops the others."""
    config = _snapshot(tenant_id, mailbox_id)
    if config is None:
        return 0
    started = timezone.now()
    limit = int(settings.EOFFICE_MAILBOX_FETCH_LIMIT)
    # Stop starting new downloads well before the task's soft time limit; the rest come next time.
    deadline = time.monotonic() + float(settings.CELERY_TASK_SOFT_TIME_LIMIT) * 0.5
    stored = 0
    problems: list[str] = []
    try:
        with open_source(config) as source:
            candidates = [(candidate_key(c.header), c) for c in source.candidates()]
            known = _known_keys(tenant_id, mailbox_id, [k for k, _ in candidates])
            for key, cand in candidates:
                if key in known:
                    continue
                if stored >= limit or time.monotonic() > deadline:
                    log.info("mailbox %s: %s stored, the rest next time", mailbox_id, stored)
                    break
                known.add(key)  # the same message delivered twice in one folder: keep one
                try:
                    if _fetch_one(tenant_id, mailbox_id, key, cand, source):
                        stored += 1
                except (MailboxUnavailable, SoftTimeLimitExceeded):
                    raise
                except Exception as exc:  # one bad message must never stop the rest
                    log.exception("mailbox %s: message %s not stored", mailbox_id, key)
                    problems.append(f"ข้อความ {key[:80]} จัดเก็บไม่ได้ ({type(exc).__name__})")
    except MailboxUnavailable as exc:
        _record_status(tenant_id, mailbox_id, fetched_at=None, error=exc.message_th)
        raise
    _record_status(tenant_id, mailbox_id, fetched_at=started, error="; ".join(problems))
    return stored


def _fetch_one(tenant_id: int, mailbox_id: int, key: str, cand: Candidate, source: object) -> bool:
    limit = _max_bytes()
    if cand.size is not None and cand.size > limit:
        return _store_oversized(tenant_id, mailbox_id, key, cand.header, cand.size)
    raw = source.fetch(cand.ref)  # type: ignore[attr-defined]
    if len(raw) > limit:
        return _store_oversized(tenant_id, mailbox_id, key, cand.header, len(raw))
    parsed = parse_message(raw)
    parsed.message_id = key  # the key we checked for (identical unless the server changed the headers)
    return _store_message(tenant_id, mailbox_id, raw, parsed)


def _store_oversized(tenant_id: int, mailbox_id: int, key: str, header: bytes, size: int) -> bool:
    parsed = parse_headers_only(header)
    parsed.message_id = key
    mb = size / (1024 * 1024)
    parsed.problems.append(
        f"ข้อความมีขนาด {mb:.1f} MB เกินกำหนด {settings.EOFFICE_MAILBOX_MAX_MESSAGE_MB} MB จึงไม่ได้ดาวน์โหลด"
        " กรุณาเปิดจากกล่องอีเมลโดยตรง"
    )
    return _save(tenant_id, mailbox_id, parsed, raw_prepared=None, attachments=[])


def _prepare(data: bytes, name: str, problems: list[str]) -> PreparedFile | None:
    try:
        return file_prepare(data, name)
    except FileRejected as exc:
        problems.append(f"ไฟล์แนบไม่ได้จัดเก็บ: {exc.message_th}")
    except SoftTimeLimitExceeded:
        raise
    except Exception as exc:  # a hostile file must not crash the fetch
        log.warning("file_prepare failed on %r", name, exc_info=True)
        problems.append(f"ไฟล์แนบไม่ได้จัดเก็บ: “{name}” ตรวจไฟล์ไม่สำเร็จ ({type(exc).__name__})")
    return None


def _store_message(tenant_id: int, mailbox_id: int, raw: bytes, parsed: ParsedMessage) -> bool:
    stamp = (parsed.sent_at or timezone.now()).strftime("%Y%m%d-%H%M%S")
    raw_prepared = _prepare(raw, f"email-{stamp}.eml", parsed.problems)
    attachments = []
    for att in parsed.attachments:
        prepared = _prepare(att.data, att.filename, parsed.problems)
        if prepared is not None:
            attachments.append((prepared, att.content_type))
    return _save(tenant_id, mailbox_id, parsed, raw_prepared=raw_prepared, attachments=attachments)


def _body_with_notes(parsed: ParsedMessage) -> str:
    if not parsed.problems:
        return parsed.body_text
    notes = "\n".join(f"- {p}" for p in parsed.problems)
    return f"{parsed.body_text}\n\n{NOTE_MARKER}\n{notes}".strip()


def _save(
    tenant_id: int, mailbox_id: int, parsed: ParsedMessage, *, raw_prepared: PreparedFile | None,
    attachments: list[tuple[PreparedFile, str]],
) -> bool:
    prepared = [p for p, _ in attachments] + ([raw_prepared] if raw_prepared is not None else [])
    try:
        stored = _save_rows(tenant_id, mailbox_id, parsed, raw_prepared=raw_prepared, attachments=attachments)
    except BaseException:
        _discard(prepared)
        raise
    if not stored:  # a concurrent fetch stored it first: our ciphertexts are orphans
        _discard(prepared)
    return stored


def _discard(prepared: list[PreparedFile]) -> None:
    for p in prepared:
        file_discard_prepared(p)


def _save_rows(
    tenant_id: int, mailbox_id: int, parsed: ParsedMessage, *, raw_prepared: PreparedFile | None,
    attachments: list[tuple[PreparedFile, str]],
) -> bool:
    with tenant_scope(tenant_id):
        # The mailbox row's lock serialises concurrent fetches of one mailbox: the loser sees the row.
        Mailbox.objects.select_for_update().filter(tenant_id=tenant_id, pk=mailbox_id).first()
        if MailboxMessage.objects.filter(tenant_id=tenant_id, mailbox_id=mailbox_id, message_id=parsed.message_id).exists():
            return False
        raw_file = None
        if raw_prepared is not None:
            raw_file = file_record(
                tenant_id=tenant_id, prepared=raw_prepared, letter_id=None, role=FileRole.EMAIL, actor_id=None,
                sort_order=len(attachments),
            )
        files: list[StoredFile] = []
        has_original = False
        for i, (prepared, declared) in enumerate(attachments):
            ctype = prepared.content_type or declared
            role = FileRole.ENCLOSURE
            if not has_original and ctype in ORIGINAL_TYPES and prepared.state == FileState.OK:
                role, has_original = FileRole.ORIGINAL, True
            files.append(file_record(
                tenant_id=tenant_id, prepared=prepared, letter_id=None, role=role, actor_id=None, sort_order=i,
            ))
        message = MailboxMessage.objects.create(
            tenant_id=tenant_id, mailbox_id=mailbox_id, message_id=parsed.message_id[:500],
            from_name=parsed.from_name[:255], from_address=parsed.from_address[:320], subject=parsed.subject[:500],
            sent_at=parsed.sent_at, body_text=_body_with_notes(parsed), raw=raw_file,
        )
        MailboxAttachment.objects.bulk_create(
            [MailboxAttachment(tenant_id=tenant_id, message=message, file=f) for f in files]
        )
    return True


# --- registration -------------------------------------------------------------------------------------------
def _require_clerk(actor: Actor, tenant_id: int) -> None:
    if actor.agency_id != tenant_id or not actor.can(Action.REGISTRY_CENTRAL_WRITE):
        raise MailboxNotAllowed(
            "เฉพาะเจ้าหน้าที่สารบรรณกลางจัดการกล่องอีเมลสารบรรณกลางได้",
            "Only central registry clerks handle the central mailbox.",
        )


def _locked_message(tenant_id: int, message_id: int) -> MailboxMessage:
    message = (
        MailboxMessage.objects.select_for_update(of=("self",)).select_related("mailbox")
        .filter(tenant_id=tenant_id, pk=message_id).first()
    )
    if message is None:
        raise NotFoundInTenant()
    return message


def message_file_ids(*, tenant_id: int, message: MailboxMessage) -> list[int]:
    """The message's stored files in the order the letter gets them: the original (first PDF/image)
    first — its digest becomes the entry's — then the other attachments, then the e-mail itself."""
    files = list(
        StoredFile.objects.filter(tenant_id=tenant_id, pk__in=MailboxAttachment.objects.filter(
            tenant_id=tenant_id, message=message).values("file_id")).order_by("sort_order", "id")
    )
    files.sort(key=lambda f: (f.role != FileRole.ORIGINAL, f.sort_order, f.pk))
    ids = [f.pk for f in files]
    if message.raw_id:
        ids.append(message.raw_id)
    return ids


def _book_is_secret(tenant_id: int, book_id: int | None) -> bool:
    if book_id is None:
        return False
    return Book.objects.filter(tenant_id=tenant_id, pk=book_id, kind=BookKind.SECRET_REGISTER).exists()


def mailbox_register(
    *, tenant_id: int, actor: Actor, message_id: int, data: IncomingInput, idempotency_key: str
) -> RegistryEntry:
    """"Register from this e-mail": an incoming entry with the message's files (the received original
    bit-exact, the other attachments, the .eml) and channel e-mail; the message is marked registered
    and, when the mailbox says so, an auto-reply with our เลขรับ is queued.

    A secret letter (secrecy other than 001) registered at the central desk is a sealed item: no
    subject and no files go on it (``register_incoming`` refuses them), the files stay with the
    message for the secret registrar, and the message's subject and text are cleared from the queue.
    Idempotent: the same key returns the same entry."""
    _require_clerk(actor, tenant_id)
    message = _locked_message(tenant_id, message_id)
    if message.state == MailboxMessageState.REGISTERED:
        entry = RegistryEntry.objects.select_related("book", "letter").get(tenant_id=tenant_id, pk=message.entry_id)
        if entry.idempotency_key == idempotency_key:
            return entry
        raise MailboxConflict(
            f"อีเมลนี้ลงทะเบียนรับไปแล้ว (เลขรับ {entry.number_label})",
            f"This e-mail was already registered (number {entry.number_label}).", code="mailbox_already_registered",
        )
    if message.state == MailboxMessageState.DISMISSED:
        raise MailboxConflict(
            "อีเมลนี้ถูกระบุว่าไม่ใช่หนังสือราชการ กรุณาเรียกคืนก่อนลงทะเบียน",
            "This e-mail was dismissed; restore it before registering.", code="mailbox_dismissed",
        )
    secret = data.secrecy != Secrecy.NORMAL
    sealed = secret and not _book_is_secret(tenant_id, data.book_id)
    received_at = data.received_at or message.fetched_at
    data = dataclasses.replace(
        data, channel="email", received_at=received_at, subject="" if sealed else data.subject,
    )
    file_ids = [] if sealed else message_file_ids(tenant_id=tenant_id, message=message)
    entry = register_incoming(
        tenant_id=tenant_id, actor=actor, data=data, stored_file_ids=file_ids, idempotency_key=idempotency_key,
    )
    message.state = MailboxMessageState.REGISTERED
    message.entry = entry
    fields = ["state", "entry"]
    if secret:  # the queue is seen by every central clerk: nothing of a secret letter stays on it
        message.subject, message.body_text = "", ""
        fields += ["subject", "body_text"]
    message.save(update_fields=fields)
    audit_record(
        tenant_id=tenant_id, actor_id=actor.user_id, action="mailbox.register", object_type="mailbox_message",
        object_id=message.pk, acting_for=actor.acting_for,
        changes={"entry_id": entry.pk, "number": entry.number_label, "files": len(file_ids), "sealed": sealed},
    )
    if message.mailbox.auto_reply and message.from_address:
        job_enqueue(
            tenant_id=tenant_id, kind="mailbox.auto_reply", args={"message_id": message.pk},
            idempotency_key=f"mailbox-reply:{message.pk}",
        )
    return entry


def mailbox_dismiss(*, tenant_id: int, actor: Actor, message_id: int, reason: str = "") -> MailboxMessage:
    """Not an official letter (spam, a personal note, a duplicate): off the queue, kept, audited."""
    _require_clerk(actor, tenant_id)
    message = _locked_message(tenant_id, message_id)
    if message.state == MailboxMessageState.DISMISSED:
        return message
    if message.state == MailboxMessageState.REGISTERED:
        raise MailboxConflict(
            "อีเมลนี้ลงทะเบียนรับแล้ว ถ้าลงผิดให้ยกเลิกรายการในทะเบียน",
            "This e-mail is registered; annul the registry entry if it was a mistake.", code="mailbox_registered",
        )
    message.state = MailboxMessageState.DISMISSED
    message.save(update_fields=["state"])
    audit_record(
        tenant_id=tenant_id, actor_id=actor.user_id, action="mailbox.dismiss", object_type="mailbox_message",
        object_id=message.pk, acting_for=actor.acting_for, changes={"reason": reason.strip()[:200]},
    )
    return message


def mailbox_restore(*, tenant_id: int, actor: Actor, message_id: int) -> MailboxMessage:
    """Undo a dismissal: the message is back on the queue."""
    _require_clerk(actor, tenant_id)
    message = _locked_message(tenant_id, message_id)
    if message.state != MailboxMessageState.DISMISSED:
        return message
    message.state = MailboxMessageState.NEW
    message.save(update_fields=["state"])
    audit_record(
        tenant_id=tenant_id, actor_id=actor.user_id, action="mailbox.restore", object_type="mailbox_message",
        object_id=message.pk, acting_for=actor.acting_for,
    )
    return message


# --- configuration -----------------------------------------------------------------------------------------
CONFIG_FIELDS = ("kind", "address", "host", "port", "use_tls", "username", "password_ref", "folder", "path",
                 "auto_reply", "is_active")


def mailbox_configure(*, tenant_id: int, actor: Actor, mailbox_id: int | None = None, **fields: object) -> Mailbox:
    """Create (``mailbox_id`` None) or change an agency's mailbox. Agency admins only. The password is
    never stored: ``password_ref`` names an environment variable ``EOFFICE_MAILBOX_PASSWORD_*`` on the
    server."""
    if actor.agency_id != tenant_id or not actor.can(Action.ORG_MANAGE):
        raise MailboxNotAllowed("เฉพาะผู้ดูแลระบบของหน่วยงาน", "Agency admins only.")
    unknown = sorted(set(fields) - set(CONFIG_FIELDS))
    if unknown:
        raise MailboxError(f"ไม่รู้จักช่อง {', '.join(unknown)}", f"Unknown fields: {', '.join(unknown)}", field=unknown[0])
    if mailbox_id is None:
        mb = Mailbox(tenant_id=tenant_id)
    else:
        found = Mailbox.objects.select_for_update().filter(tenant_id=tenant_id, pk=mailbox_id).first()
        if found is None:
            raise NotFoundInTenant()
        mb = found
    before = {name: getattr(mb, name) for name in CONFIG_FIELDS}
    for name, value in fields.items():
        setattr(mb, name, value)
    mb.address = str(mb.address or "").strip().lower()
    _validate_config(mb)
    try:
        with transaction.atomic():
            mb.save()
    except IntegrityError as exc:
        raise MailboxConflict(
            "หน่วยงานนี้มีกล่องอีเมลที่อยู่นี้แล้ว", "This agency already has a mailbox with that address.",
            code="mailbox_address_taken", field="address",
        ) from exc
    changes = {n: getattr(mb, n) for n in CONFIG_FIELDS if getattr(mb, n) != before[n] or mailbox_id is None}
    audit_record(
        tenant_id=tenant_id, actor_id=actor.user_id, action="mailbox.configure", object_type="mailbox",
        object_id=mb.pk, acting_for=actor.acting_for, changes=changes,
    )
    return mb


def _validate_config(mb: Mailbox) -> None:
    if mb.kind not in MailboxKind.values:
        raise MailboxError("ชนิดกล่องอีเมลไม่ถูกต้อง", "Unknown mailbox kind.", field="kind")
    try:
        validate_email(mb.address)
    except ValidationError as exc:
        raise MailboxError("ที่อยู่อีเมลไม่ถูกต้อง", "Invalid e-mail address.", field="address") from exc
    if mb.password_ref and not PASSWORD_REF.match(mb.password_ref):
        raise MailboxError(
            "ชื่อตัวแปรรหัสผ่านต้องเป็น EOFFICE_MAILBOX_PASSWORD_ ตามด้วยตัวอักษรภาษาอังกฤษพิมพ์ใหญ่ ตัวเลข หรือ _",
            "The password reference must be EOFFICE_MAILBOX_PASSWORD_ followed by A-Z, 0-9 or _.",
            field="password_ref",
        )
    if mb.kind == MailboxKind.IMAP:
        if not mb.host.strip():
            raise MailboxError("กรุณาระบุเครื่องแม่ข่าย IMAP", "Please give the IMAP host.", field="host")
        if mb.port is not None and not (1 <= int(mb.port) <= 65535):
            raise MailboxError("หมายเลขพอร์ตไม่ถูกต้อง", "Invalid port.", field="port")
    else:
        check_maildir_path(mb.path)


# --- scheduling ----------------------------------------------------------------------------------------------
def _slot(now: dt.datetime, seconds: int) -> int:
    return int(now.timestamp() // max(seconds, 1))


def mailbox_fetch_request(*, tenant_id: int, actor: Actor, mailbox_id: int) -> Job:
    """"Fetch now" from the mailbox queue: queue a ``mailbox.fetch`` job (one a minute at most)."""
    _require_clerk(actor, tenant_id)
    if not Mailbox.objects.filter(tenant_id=tenant_id, pk=mailbox_id).exists():
        raise NotFoundInTenant()
    return job_enqueue(
        tenant_id=tenant_id, kind="mailbox.fetch", args={"mailbox_id": mailbox_id},
        idempotency_key=f"mailbox-fetch:{mailbox_id}:now:{_slot(timezone.now(), 60)}",
    )


def mailbox_fetch_all_due() -> int:
    """Queue a ``mailbox.fetch`` job for every active mailbox not fetched in the last
    ``EOFFICE_MAILBOX_FETCH_SECONDS`` (Celery beat calls this). Each agency is visited in its own scope;
    the job key is per mailbox and time slot, so overlapping beats queue one job. Returns jobs queued."""
    interval = int(settings.EOFFICE_MAILBOX_FETCH_SECONDS)
    now = timezone.now()
    due_before = now - dt.timedelta(seconds=interval * 0.8)
    slot = _slot(now, interval)
    queued = 0
    started = time.monotonic()
    for agency_id in Agency.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True):
        with tenant_scope(agency_id):
            due = Mailbox.objects.filter(tenant_id=agency_id, is_active=True).exclude(last_fetched_at__gte=due_before)
            for mailbox_id in due.values_list("pk", flat=True):
                job_enqueue(
                    tenant_id=agency_id, kind="mailbox.fetch", args={"mailbox_id": mailbox_id},
                    idempotency_key=f"mailbox-fetch:{mailbox_id}:{slot}",
                )
                queued += 1
    log.info("mailbox_fetch_all_due: %s jobs queued in %.2fs", queued, time.monotonic() - started)
    return queued
