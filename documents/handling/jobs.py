"""Handling jobs (through the outbox: recorded in the acting transaction, run after commit).

``handling.endorse_copy``: the clerk's note and every endorsement/order are appended to the letter's
stamped working copy as a PDF incremental update (``documents/handling/endorse_pdf.py``). Each run
makes at most one new version (role ``endorsed``, ``derived_from`` the version before it, the same
file key); the received original is never read or written here.
"""

from __future__ import annotations

import logging
from typing import Any

from django.utils import timezone

from documents.files.services import file_read, file_store_derived
from documents.handling.endorse_pdf import EndorseCursor, EndorsementBlock, endorse_pdf
from documents.models import (
    EventKind,
    FileRole,
    Handling,
    HandlingEvent,
    Letter,
    PresentationStep,
)
from documents.registry.selectors import working_copy
from tenants.jobs_registry import job_handler
from tenants.models import Agency, Job
from tenants.services.jobs import job_dispatch_on_commit, job_row

log = logging.getLogger(__name__)

ENDORSE_COPY_JOB = "handling.endorse_copy"
APPLIED_KINDS = (EventKind.NOTED, EventKind.ENDORSED)  # what goes on the working copy
_TITLES = {EventKind.NOTED: "เกษียนหนังสือ", EventKind.ENDORSED: "เกษียน/สั่งการ"}


def endorse_copy_enqueue(*, tenant_id: int, event: HandlingEvent, letter_id: int) -> None:
    """In the caller's transaction: append this note/endorsement to the working copy after commit.

    On the endorsement's hot path (p95 < 100 ms at 20/s), so the row is written ``dispatched`` and sent
    after commit (``job_row`` + ``job_dispatch_on_commit``, like the registration's stamp job): no
    look-up of the key — the event is new in this transaction — and no second transaction to mark it."""
    if event.kind not in APPLIED_KINDS:
        return
    row = job_row(kind=ENDORSE_COPY_JOB, args={"letter_id": letter_id, "event_id": event.pk},
                  idempotency_key=f"endorse_copy:{event.pk}")
    job = Job.objects.create(tenant_id=tenant_id, kind=row["kind"], args=row["args"], idempotency_key=row["key"],
                             max_attempts=row["max_attempts"], status=row["status"], dispatched_at=timezone.now())
    job_dispatch_on_commit(tenant_id=tenant_id, job_id=job.pk)


def _addressee(tenant_id: int, handling: Handling) -> str:
    """The post a note is addressed to: the chain's first (the chain that fits the letter, when the note
    is appended before it is presented)."""
    chain_id = handling.chain_id
    if chain_id is None:
        from documents.handling.services import chain_for  # services enqueue this job: import at run time

        chain = chain_for(tenant_id=tenant_id, handling=handling)
        chain_id = chain.pk if chain is not None else None
    if chain_id is None:
        return ""
    return (PresentationStep.objects.filter(tenant_id=tenant_id, chain_id=chain_id).order_by("order")
            .values_list("position__title_th", flat=True).first()) or ""


def _block(tenant_id: int, event: HandlingEvent, thai_digits: bool) -> EndorsementBlock:
    details = event.details or {}
    common = {"title": _TITLES.get(event.kind, ""), "at": event.at, "name": event.actor_name,
              "position": event.actor_position, "authority_line": event.authority_line, "thai_digits": thai_digits}
    if event.kind == EventKind.NOTED:
        parts = details.get("parts") or {}
        paragraphs = tuple(str(parts.get(k) or "") for k in ("summary", "facts", "recommendation")) if parts \
            else (event.text,)
        return EndorsementBlock(addressee=_addressee(tenant_id, event.handling) or "ผู้บริหาร",
                                paragraphs=paragraphs, **common)
    to = details.get("to") or []
    return EndorsementBlock(phrase=event.phrase, paragraphs=(event.text,),
                            to=", ".join(str(t) for t in to) if isinstance(to, list) else "", **common)


@job_handler(ENDORSE_COPY_JOB)
def endorse_copy(*, tenant_id: int, job_id: int, letter_id: int, event_id: int | None = None,
                 **_: Any) -> dict[str, Any]:
    """Bring the letter's working copy up to date with its notes and endorsements (those up to
    ``event_id``, or all). Idempotent and serialised per letter: the letter row is locked, the events
    already on the copy are listed in its flags, and only the missing ones are appended, in event order.
    A new receipt-stamped copy (a unit's stamp) starts a fresh chain: everything is appended to it."""
    letter = Letter.objects.select_for_update().filter(tenant_id=tenant_id, pk=letter_id).first()
    if letter is None:
        return {"skipped": "no such letter"}
    base = working_copy(tenant_id=tenant_id, letter_id=letter.pk)
    if base is None or base.content_type != "application/pdf":
        return {"skipped": "no working copy (no original PDF or scan, or not stamped yet)"}
    flags = base.flags or {}
    on_copy = [int(i) for i in flags.get("endorsements", [])] if base.role == FileRole.ENDORSED else []
    if event_id is not None and int(event_id) in on_copy:
        return {"skipped": "already on the working copy", "file": base.pk}
    events = (HandlingEvent.objects.filter(tenant_id=tenant_id, handling__letter_id=letter.pk, kind__in=APPLIED_KINDS)
              .exclude(pk__in=on_copy).select_related("handling", "handling__entry", "handling__entry__book").order_by("pk"))
    if event_id is not None:
        events = events.filter(pk__lte=int(event_id))
    pending = list(events)
    if not pending:
        return {"skipped": "nothing to add", "file": base.pk}
    agency = Agency.objects.get(pk=tenant_id)
    entry = pending[0].handling.entry
    try:
        data, cursor = endorse_pdf(
            file_read(base), [_block(tenant_id, e, agency.use_thai_digits) for e in pending],
            EndorseCursor.from_flags(flags.get("endorse_cursor")) if base.role == FileRole.ENDORSED else EndorseCursor(),
            agency_name=agency.name_th, number_label=entry.number_label, thai_digits=agency.use_thai_digits,
            number_word="เลขรับ" if entry.book.is_incoming else "ที่",  # a memo: its own number in the unit's book
        )
    except Exception as exc:  # a copy the stamper made but pyHanko can't extend: record, don't loop
        log.warning("endorse_copy failed for letter %s: %s", letter.pk, exc)
        return {"failed": f"เขียนเกษียนลงฉบับทำงานไม่ได้ / could not add the endorsement: {type(exc).__name__}"}
    applied = on_copy + [e.pk for e in pending]
    copy = file_store_derived(
        tenant_id=tenant_id, source=base, data=data, content_type="application/pdf", role=FileRole.ENDORSED,
        original_name=f"ฉบับทำงาน-เลขรับ-{entry.number}-เกษียน-{len(applied)}.pdf",
    )
    copy.flags = {**copy.flags, "stamped_id": flags.get("stamped_id", base.pk) if base.role == FileRole.ENDORSED
                  else base.pk, "endorsements": applied, "endorse_cursor": cursor.as_flags()}
    copy.save(update_fields=["flags"])
    return {"endorsed_file": copy.pk, "events": [e.pk for e in pending]}

