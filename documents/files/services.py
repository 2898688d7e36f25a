"""The file API used by registration, the mailbox and the jobs.

Order of work for an upload (architecture.md §4: files are stored before the numbering transaction):

1. ``file_prepare(data, name)``  no database: size limit, content check, encrypt with a fresh data
   key, write the ciphertext to storage. Returns a ``PreparedFile``.
2. ``file_record(tenant_id=, prepared=, ...)``  inside the caller's tenant scope (the registration
   transaction): the ``FileKey`` and ``StoredFile`` rows.

A prepared file whose transaction rolls back leaves ciphertext nobody holds a key for (unreadable);
``file_discard_prepared`` removes it when the caller knows it failed.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import logging
import typing
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone

from documents.files import crypto
from documents.files.errors import FileQuarantined, FileRejected, FileUnavailable
from documents.files.inspect import IMAGE_TYPES, PDF, inspect_file
from documents.files.names import clean_original_name, content_disposition, download_name
from documents.files.storage import (
    StoredBytesMissing,
    new_storage_name,
    storage_delete,
    storage_read,
    storage_write,
)
from documents.models import FileKey, FileRole, FileState, MailboxAttachment, MailboxMessage, StoredFile
from eoffice.common.exceptions import ApplicationError, NotFoundInTenant
from tenants.context import require_own_scope
from tenants.services.audit import audit_record

__all__ = [
    "FileQuarantined",
    "FileRejected",
    "FileUnavailable",
    "PreparedFile",
    "file_destroy_key",
    "file_discard_prepared",
    "file_download_response",
    "file_max_bytes",
    "file_prepare",
    "file_read",
    "file_record",
    "file_row",
    "file_store_derived",
    "files_sweep_unattached",
]

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
INLINE_TYPES = frozenset({PDF} | IMAGE_TYPES)
_FILE_ROLES, _FILE_STATES = frozenset(FileRole.values), frozenset(FileState.values)


@dataclass(frozen=True)
class PreparedFile:
    """Checked, encrypted and written to storage; no database row yet."""

    storage_name: str
    original_name: str
    content_type: str
    size: int
    sha256: str
    wrapped_key: bytes = field(repr=False)
    master_key_id: str
    state: str
    problem: str
    flags: dict


def file_max_bytes() -> int:
    return int(getattr(settings, "EOFFICE_FILE_MAX_BYTES", DEFAULT_MAX_BYTES) or DEFAULT_MAX_BYTES)


def _read_bounded(data: bytes | typing.BinaryIO, limit: int) -> bytes:
    """At most ``limit + 1`` bytes (one more than allowed shows the file is too large)."""
    if isinstance(data, bytes | bytearray | memoryview):
        return bytes(data[: limit + 1])
    seek = getattr(data, "seek", None)
    if seek is not None:
        try:
            seek(0)
        except (OSError, ValueError):
            pass
    chunks: list[bytes] = []
    remaining = limit + 1
    while remaining > 0:
        chunk = data.read(min(remaining, 1024 * 1024))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _size_text(n: int) -> tuple[str, str]:
    """A limit for people: (Thai, English)."""
    if n >= 1024 * 1024:
        value = f"{n / (1024 * 1024):.1f}".removesuffix(".0")
        return f"{value} MB", f"{value} MB"
    if n >= 1024:
        value = f"{n / 1024:.1f}".removesuffix(".0")
        return f"{value} KB", f"{value} KB"
    return f"{n} ไบต์", f"{n} bytes"


def file_prepare(data: bytes | typing.BinaryIO, original_name: str) -> PreparedFile:
    """Check, encrypt and store one uploaded file. No database access (runs before the registration
    transaction). Raises FileRejected with a message naming the file and the reason."""
    name = clean_original_name(original_name)
    limit = file_max_bytes()
    raw = _read_bounded(data, limit)
    if len(raw) > limit:
        limit_th, limit_en = _size_text(limit)
        raise FileRejected(name, "too_large", f"ไฟล์มีขนาดเกิน {limit_th}", f"the file is larger than {limit_en}")
    found = inspect_file(raw, name)
    data_key = crypto.new_data_key()
    wrapped, master_key_id = crypto.wrap_data_key(data_key)
    storage_name = new_storage_name()
    storage_write(storage_name, crypto.encrypt(data_key, raw, storage_name))
    return PreparedFile(
        storage_name=storage_name,
        original_name=name,
        content_type=found.content_type,
        size=len(raw),
        sha256=hashlib.sha256(raw).hexdigest(),
        wrapped_key=wrapped,
        master_key_id=master_key_id,
        state=found.state,
        problem=found.problem,
        flags=dict(found.flags),
    )


def file_discard_prepared(prepared: PreparedFile) -> None:
    """Remove the ciphertext of a prepared file that will never be recorded (best effort)."""
    try:
        storage_delete(prepared.storage_name)
    except Exception:  # an orphan is unreadable anyway: its key was never stored
        log.warning("could not delete orphaned file %s", prepared.storage_name, exc_info=True)


def _check_role(role: str) -> str:
    value = str(role.value if isinstance(role, FileRole) else role)
    if value not in _FILE_ROLES:
        raise ValueError(f"unknown file role {role!r}")
    return value


def _check_state(state: str) -> str:
    if state not in _FILE_STATES:
        raise ValueError(f"unknown file state {state!r}")
    return state


def file_row(prepared: PreparedFile, *, role: str, sort_order: int) -> dict[str, typing.Any]:
    """A prepared file as the registration function takes it (its FileKey and StoredFile rows are
    written inside ``eoffice_registry_register``, in the numbering statement; migration 0006)."""
    _check_state(prepared.state)
    return {
        "role": _check_role(role), "storage_name": prepared.storage_name, "original_name": prepared.original_name,
        "content_type": prepared.content_type, "size": prepared.size, "sha256": prepared.sha256,
        "wrapped_key": base64.b64encode(bytes(prepared.wrapped_key)).decode(), "master_key_id": prepared.master_key_id,
        "state": prepared.state, "problem": prepared.problem, "flags": dict(prepared.flags), "sort_order": sort_order,
    }


def file_record(
    *,
    tenant_id: int,
    prepared: PreparedFile,
    letter_id: int | None,
    role: str,
    actor_id: int | None,
    sort_order: int = 0,
) -> StoredFile:
    """Record a prepared file for the tenant, in the caller's tenant scope: its own FileKey and the
    StoredFile row."""
    require_own_scope(tenant_id, "file_record")
    _check_state(prepared.state)
    with transaction.atomic(savepoint=False):
        key = FileKey.objects.create(
            tenant_id=tenant_id, wrapped_key=prepared.wrapped_key, master_key_id=prepared.master_key_id
        )
        return StoredFile.objects.create(
            tenant_id=tenant_id,
            letter_id=letter_id,
            role=_check_role(role),
            storage_name=prepared.storage_name,
            original_name=prepared.original_name,
            content_type=prepared.content_type,
            size=prepared.size,
            sha256=prepared.sha256,
            key=key,
            state=prepared.state,
            problem=prepared.problem,
            flags=dict(prepared.flags),
            created_by_id=actor_id,
            sort_order=sort_order,
        )


def _data_key(stored: StoredFile, key: FileKey) -> bytes:
    if key.destroyed_at is not None or not key.wrapped_key:
        raise FileUnavailable(stored.original_name, "key_destroyed")
    try:
        return crypto.unwrap_data_key(bytes(key.wrapped_key), key.master_key_id)
    except crypto.UnknownMasterKey:
        log.error("file %s: master key %r is not configured (EOFFICE_FILE_MASTER_KEYS)", stored.pk, key.master_key_id)
        raise FileUnavailable(stored.original_name, "tampered") from None
    except crypto.DecryptionFailed:
        log.error("file %s: its data key does not unwrap", stored.pk)
        raise FileUnavailable(stored.original_name, "tampered") from None


def file_store_derived(
    *,
    tenant_id: int,
    source: StoredFile,
    data: bytes,
    original_name: str,
    content_type: str,
    role: str,
    actor_id: int | None = None,
) -> StoredFile:
    """A system-made copy of ``source`` (stamped working copy, preview PDF), in the caller's tenant
    scope: encrypted with the source's own key, so destroying that key destroys the copy too.

    A stamped copy keeps the source's quarantine findings (it carries the same content); a preview
    (a conversion) does not."""
    require_own_scope(tenant_id, "file_store_derived")
    if source.tenant_id != tenant_id:
        raise NotFoundInTenant()
    role_value = _check_role(role)
    key = FileKey.objects.get(pk=source.key_id, tenant_id=tenant_id)
    data_key = _data_key(source, key)
    data = bytes(data)
    storage_name = new_storage_name()
    storage_write(storage_name, crypto.encrypt(data_key, data, storage_name))
    inherit = role_value != FileRole.PREVIEW and source.state == FileState.QUARANTINED
    hazards = {k: v for k, v in (source.flags or {}).items() if v is True} if inherit else {}
    try:
        with transaction.atomic(savepoint=False):
            return StoredFile.objects.create(
                tenant_id=tenant_id,
                letter_id=source.letter_id,
                role=role_value,
                derived_from=source,
                storage_name=storage_name,
                original_name=clean_original_name(original_name),
                content_type=content_type,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                key=key,
                state=source.state if inherit else FileState.OK,
                problem=source.problem if inherit else "",
                flags=hazards,
                created_by_id=actor_id,
                sort_order=source.sort_order,
            )
    except Exception:
        storage_delete(storage_name)
        raise


def file_read(stored: StoredFile) -> bytes:
    """The plaintext, decrypted and checked against the recorded SHA-256. FileUnavailable when the
    key was destroyed or the stored bytes are missing or altered."""
    key = FileKey.objects.filter(pk=stored.key_id, tenant_id=stored.tenant_id).first()
    if key is None:  # another tenant's file (RLS hides its key): the same answer as a missing one
        raise NotFoundInTenant()
    data_key = _data_key(stored, key)
    try:
        blob = storage_read(stored.storage_name, max_bytes=stored.size + crypto.OVERHEAD)
    except StoredBytesMissing:
        log.error("file %s: ciphertext %s is missing", stored.pk, stored.storage_name)
        raise FileUnavailable(stored.original_name, "missing") from None
    try:
        plaintext = crypto.decrypt(data_key, blob, stored.storage_name)
    except crypto.DecryptionFailed:
        log.error("file %s: ciphertext %s fails authentication (altered?)", stored.pk, stored.storage_name)
        raise FileUnavailable(stored.original_name, "tampered") from None
    if len(plaintext) != stored.size or hashlib.sha256(plaintext).hexdigest() != stored.sha256:
        log.error("file %s: plaintext does not match the recorded size/SHA-256", stored.pk)
        raise FileUnavailable(stored.original_name, "tampered")
    return plaintext


def file_destroy_key(*, tenant_id: int, key_id: int, actor_id: int | None, reason: str) -> None:
    """Crypto-shred: erase the wrapped data key, so every copy of every file encrypted with it
    (derivatives and backups included) is unreadable for good. In the caller's tenant scope; audited
    as ``file.key_destroyed``. Destroying an already destroyed key does nothing. After commit the
    ciphertexts are deleted from storage too (best effort; they are unreadable either way)."""
    require_own_scope(tenant_id, "file_destroy_key")
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            "ต้องระบุเหตุผลในการทำลายไฟล์", "A reason is required to destroy a file.", code="reason_required",
            field="reason",
        )
    with transaction.atomic(savepoint=False):
        key = FileKey.objects.select_for_update().filter(pk=key_id, tenant_id=tenant_id).first()
        if key is None:
            raise NotFoundInTenant()
        if key.destroyed_at is not None:
            return
        files = list(StoredFile.objects.filter(tenant_id=tenant_id, key_id=key_id).values_list("pk", "storage_name"))
        key.wrapped_key = b""
        key.destroyed_at = timezone.now()
        key.destroyed_reason = reason[:500]
        key.save(update_fields=["wrapped_key", "destroyed_at", "destroyed_reason"])
        audit_record(
            tenant_id=tenant_id, actor_id=actor_id, action="file.key_destroyed", object_type="file_key",
            object_id=key_id, changes={"reason": reason[:500], "files": [pk for pk, _ in files]},
        )
        names = [name for _, name in files]

        def delete_ciphertexts() -> None:
            for name in names:
                try:
                    storage_delete(name)
                except Exception:
                    log.warning("could not delete ciphertext %s after key destruction", name, exc_info=True)

        transaction.on_commit(delete_ciphertexts)


UNATTACHED_REASON = "ไฟล์อัปโหลดไว้แต่ไม่ได้ลงทะเบียนภายในเวลาที่กำหนด (uploaded but never registered)"


def files_sweep_unattached(*, tenant_id: int, older_than: dt.datetime) -> int:
    """Destroy files uploaded ahead of a registration that never came (no letter, not made from
    another file, not held by the mailbox queue, uploaded before ``older_than``): each one's key is
    destroyed (``file_destroy_key``, audited) and its ciphertext deleted after commit; the row stays as
    the record. In the tenant's scope. Returns how many."""
    require_own_scope(tenant_id, "files_sweep_unattached")
    keys = list(
        StoredFile.objects.filter(tenant_id=tenant_id, letter__isnull=True, derived_from__isnull=True,
                                  created_at__lt=older_than, key__destroyed_at__isnull=True)
        .exclude(role__in=[FileRole.DRAFT_SOURCE, FileRole.DRAFT])  # a draft's versions are kept with the draft
        .exclude(pk__in=MailboxAttachment.objects.filter(tenant_id=tenant_id).values("file_id"))
        .exclude(pk__in=MailboxMessage.objects.filter(tenant_id=tenant_id, raw__isnull=False).values("raw_id"))
        .order_by("pk").values_list("key_id", flat=True)
    )
    for key_id in keys:
        file_destroy_key(tenant_id=tenant_id, key_id=key_id, actor_id=None, reason=UNATTACHED_REASON)
    return len(keys)


def file_download_response(
    stored: StoredFile, *, inline: bool = False, dangerously_allow_quarantined: bool = False
) -> HttpResponse:
    """The file as an HTTP download with safe headers. Call inside the tenant's scope (the request
    transaction). ``inline`` only for PDF and images. A quarantined file is refused (FileQuarantined)
    unless ``dangerously_allow_quarantined``."""
    if stored.state == FileState.QUARANTINED and not dangerously_allow_quarantined:
        raise FileQuarantined(stored.original_name, stored.problem)
    data = file_read(stored)
    content_type = stored.content_type or "application/octet-stream"
    show_inline = bool(inline) and content_type in INLINE_TYPES and stored.state == FileState.OK
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition(
        download_name(stored.original_name, content_type), inline=show_inline
    )
    response["Content-Length"] = str(len(data))
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Referrer-Policy"] = "no-referrer"
    return response
