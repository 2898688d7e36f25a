"""File jobs (through the outbox). ``files.preview``: the PDF preview of an office file;
``files.sweep_uploads``: destroy files uploaded ahead of a registration that never came (the beat task
``documents.files_sweep_all`` queues one per agency per day)."""

from __future__ import annotations

import datetime as dt
import io
import logging
from typing import Any

import pikepdf
from django.conf import settings
from django.utils import timezone

from documents.files import tasks  # noqa: F401  (registers the beat task with Celery)
from documents.files.errors import FileUnavailable
from documents.files.inspect import PDF
from documents.files.preview import (
    PREVIEW_JOB_KIND,
    PreviewFailed,
    convert_to_pdf,
    preview_suffix,
    preview_timeout,
)
from documents.files.services import file_read, file_store_derived, files_sweep_unattached
from documents.models import FileRole, FileState, StoredFile
from tenants.context import tenant_scope
from tenants.jobs_registry import job_handler
from tenants.models import Agency
from tenants.services.jobs import job_enqueue

log = logging.getLogger(__name__)

SWEEP_JOB_KIND = "files.sweep_uploads"

READY = "ready"


def _set_preview_flag(source: StoredFile, value: str, **extra: Any) -> None:
    """Record the outcome on the source file: ``flags["preview"]`` is "ready", "skipped: …" or
    "failed: <reason>" (the other flags, the hazards included, are kept)."""
    flags = {**(source.flags or {}), "preview": value, **extra}
    StoredFile.objects.filter(pk=source.pk, tenant_id=source.tenant_id).update(flags=flags)
    source.flags = flags


def _pages(pdf: bytes) -> int | None:
    try:
        with pikepdf.open(io.BytesIO(pdf)) as doc:
            return len(doc.pages)
    except Exception:  # already checked by convert_to_pdf; the count is only informative
        return None


@job_handler(PREVIEW_JOB_KIND)
def preview_file(*, tenant_id: int, job_id: int, file_id: int, **_: Any) -> dict[str, Any]:
    """Convert one stored office file to a PDF preview (``role="preview"``, derived from it, encrypted
    with its key). A quarantined file (macros, ActiveX, embedded objects, external template) is NOT
    converted: opening it in LibreOffice is exactly what the quarantine avoids; the reason is recorded.
    A conversion that fails or times out is recorded as ``failed: <reason>`` and not retried (the same
    file fails the same way). Idempotent: one preview per file."""
    source = StoredFile.objects.select_for_update().filter(tenant_id=tenant_id, pk=file_id).first()
    if source is None:
        return {"skipped": "no such file"}
    existing = (StoredFile.objects.filter(tenant_id=tenant_id, derived_from_id=source.pk, role=FileRole.PREVIEW)
                .values_list("pk", flat=True).first())
    if existing is not None:
        if (source.flags or {}).get("preview") != READY:
            _set_preview_flag(source, READY, preview_file_id=existing)
        return {"skipped": "preview exists", "preview_file": existing}
    if source.state == FileState.QUARANTINED:
        _set_preview_flag(source, "skipped: quarantined")
        log.info("preview: file %s is quarantined (%s); not converted", source.pk, source.problem)
        return {"skipped": "quarantined", "problem": source.problem}
    suffix = preview_suffix(source.content_type)
    if suffix is None:
        return {"skipped": f"not a convertible office file ({source.content_type})"}
    try:
        data = file_read(source)
    except FileUnavailable as exc:
        _set_preview_flag(source, "failed: unavailable")
        return {"failed": "unavailable", "message_th": exc.message_th, "message_en": exc.message_en}
    try:
        pdf = convert_to_pdf(data, suffix, timeout=preview_timeout())
    except PreviewFailed as exc:
        log.warning("preview of file %s failed: %s", source.pk, exc.reason)
        _set_preview_flag(source, f"failed: {exc.reason}")
        return {"failed": exc.reason, "message_th": exc.message_th, "message_en": exc.message_en}
    stem = source.original_name.rsplit(".", 1)[0] or "document"
    preview = file_store_derived(
        tenant_id=tenant_id, source=source, data=pdf, original_name=f"{stem}.pdf", content_type=PDF,
        role=FileRole.PREVIEW,
    )
    pages = _pages(pdf)
    if pages is not None:
        StoredFile.objects.filter(pk=preview.pk, tenant_id=tenant_id).update(flags={**preview.flags, "pages": pages})
    _set_preview_flag(source, READY, preview_file_id=preview.pk)
    return {"preview_file": preview.pk, "pages": pages}


@job_handler(SWEEP_JOB_KIND)
def sweep_uploads(*, tenant_id: int, job_id: int, **_: Any) -> dict[str, Any]:
    """Files uploaded more than ``EOFFICE_UPLOAD_KEEP_HOURS`` ago and never registered: destroyed."""
    cutoff = timezone.now() - dt.timedelta(hours=int(settings.EOFFICE_UPLOAD_KEEP_HOURS))
    return {"destroyed": files_sweep_unattached(tenant_id=tenant_id, older_than=cutoff)}


def files_sweep_all() -> int:
    """Queue one ``files.sweep_uploads`` job per active agency, keyed by the day (overlapping beats
    queue one). Each agency is visited in its own scope. Returns the jobs queued."""
    day = timezone.localdate().isoformat()
    queued = 0
    for agency_id in Agency.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True):
        with tenant_scope(agency_id):
            job_enqueue(tenant_id=agency_id, kind=SWEEP_JOB_KIND, idempotency_key=f"uploads-sweep:{day}")
        queued += 1
    return queued
