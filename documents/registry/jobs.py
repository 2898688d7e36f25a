"""Registry jobs (through the outbox: recorded in the registering transaction, run after commit)."""

from __future__ import annotations

import logging
from typing import Any

from django.utils import timezone

from documents.files.services import file_read, file_store_derived
from documents.models import BookKind, EntryStatus, FileRole, FileState, Handling, RegistryEntry, StoredFile
from documents.registry.stamp import StampText, image_to_pdf, stamp_pdf
from tenants.jobs_registry import job_handler
from tenants.models import Agency
from tenants.services.jobs import job_enqueue

log = logging.getLogger(__name__)


def _stamp_text(agency: Agency, entry: RegistryEntry) -> StampText:
    unit_name = entry.book.unit.name_th if entry.book.unit_id else ""
    return StampText(
        agency_name=agency.name_th, number_label=str(entry.number), received_at=entry.received_at or entry.registered_at,
        thai_digits=agency.use_thai_digits, unit_name=unit_name,
    )


@job_handler("registry.stamp")
def stamp_entry(*, tenant_id: int, job_id: int, entry_id: int, **_: Any) -> dict[str, Any]:
    """Make the stamped working copy (ตรารับ top right of page 1; a unit's stamp under the central one).
    The received original is never touched. Idempotent: one stamped copy per entry."""
    entry = (RegistryEntry.objects.filter(tenant_id=tenant_id, pk=entry_id)
             .select_related("book", "book__unit", "letter", "parent", "parent__book").first())
    if entry is None or entry.letter_id is None or entry.status == EntryStatus.ANNULLED:
        return {"skipped": "no such entry or annulled"}
    if StoredFile.objects.filter(tenant_id=tenant_id, letter_id=entry.letter_id, role=FileRole.STAMPED,
                                 flags__entry_id=entry.pk).exists():
        return {"skipped": "already stamped"}
    original = (StoredFile.objects.filter(tenant_id=tenant_id, letter_id=entry.letter_id, role=FileRole.ORIGINAL,
                                          state=FileState.OK).order_by("sort_order", "id").first())
    if original is None:
        return {"skipped": "no original file"}
    agency = Agency.objects.get(pk=tenant_id)
    # a unit's stamp goes under the central เลขรับ; a memo's parent is its own ที่, not a receipt
    received_under = entry.parent_id is not None and entry.parent.book.kind == BookKind.CENTRAL_INCOMING
    chain = [entry.parent, entry] if received_under else [entry]
    data = file_read(original)
    try:
        pdf = data if original.content_type == "application/pdf" else image_to_pdf(data, original.content_type)
        stamped = stamp_pdf(pdf, [_stamp_text(agency, e) for e in chain])
    except Exception as exc:  # a file the checks let through but the stamper can't handle: record, don't loop
        log.warning("stamp failed for entry %s: %s", entry.pk, exc)
        return {"failed": f"ประทับตรารับไม่ได้ / could not stamp: {type(exc).__name__}"}
    stem = original.original_name.rsplit(".", 1)[0] or "letter"
    copy = file_store_derived(
        tenant_id=tenant_id, source=original, data=stamped, original_name=f"{stem}-ตรารับ-{entry.number}.pdf",
        content_type="application/pdf", role=FileRole.STAMPED,
    )
    StoredFile.objects.filter(pk=copy.pk).update(flags={**copy.flags, "entry_id": entry.pk})
    RegistryEntry.objects.filter(pk=entry.pk).update(stamped_at=timezone.now())
    if Handling.objects.filter(tenant_id=tenant_id, letter_id=entry.letter_id).exists():
        # the notes and endorsements recorded so far go onto this newer copy too (documents/handling/jobs.py)
        job_enqueue(tenant_id=tenant_id, kind="handling.endorse_copy", args={"letter_id": entry.letter_id},
                    idempotency_key=f"endorse_copy:stamped:{copy.pk}")
    return {"stamped_file": copy.pk}
