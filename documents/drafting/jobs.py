"""Drafting jobs (through the outbox: recorded in the acting transaction, run after commit).

- ``drafting.render_version``: the PDF preview of one draft version (a form rendered with the watermark
  "ร่าง" and no number; a DOCX converted as it is; a PDF draft is its own preview). At most one file per
  version: the version row is locked and a version that has its PDF is skipped.
- ``drafting.render_final``: at "ready to sign", the final version — number and date burned in (a form
  rendered with them and the verification QR code; a DOCX with {ที่}/{วันที่}/{เรื่อง} filled then
  converted; a PDF with the text placed in the clerk's box) — and the file copy (สำเนาคู่ฉบับ: the letter
  plus drafter, typist, proof-reader and checker with their initials' times). Both are attached to the
  registry's letter (roles ``final`` and ``file_copy``). Idempotent on the entry: a letter that has its
  final version is skipped; a refused (annulled) number is skipped.

A file that can't be rendered (a DOCX LibreOffice refuses) is recorded as the job's failure with a Thai +
English reason and shown on the draft page; it is not retried in a loop.
"""

from __future__ import annotations

import logging
from typing import Any

from django.utils import timezone

from documents.files.services import file_prepare, file_read, file_record
from documents.models import (
    Draft,
    DraftEvent,
    DraftEventKind,
    DraftRecipient,
    DraftSource,
    DraftVersion,
    EntryStatus,
    FileRole,
    RegistryEntry,
    StoredFile,
)
from eoffice.common.exceptions import ApplicationError
from tenants.jobs_registry import job_handler
from tenants.models import Agency
from tenants.services.jobs import job_enqueue

log = logging.getLogger(__name__)

RENDER_VERSION_JOB = "drafting.render_version"
RENDER_FINAL_JOB = "drafting.render_final"


def render_version_enqueue(*, tenant_id: int, version: DraftVersion) -> None:
    if version.source_file_id is not None and version.draft.source == DraftSource.PDF:
        return  # a PDF draft is its own preview
    job_enqueue(tenant_id=tenant_id, kind=RENDER_VERSION_JOB, args={"version_id": version.pk},
                idempotency_key=f"draft_version:{version.pk}")


def render_final_enqueue(*, tenant_id: int, draft: Draft) -> None:
    job_enqueue(tenant_id=tenant_id, kind=RENDER_FINAL_JOB, args={"draft_id": draft.pk, "entry_id": draft.entry_id},
                idempotency_key=f"draft_final:{draft.entry_id}")


def _store(tenant_id: int, data: bytes, name: str, *, role: str, letter_id: int | None,
           actor_id: int | None) -> StoredFile:
    prepared = file_prepare(data, name)
    return file_record(tenant_id=tenant_id, prepared=prepared, letter_id=letter_id, role=role, actor_id=actor_id)


def _render(agency: Agency, draft: Draft, version: DraftVersion, recipients: list[DraftRecipient],
            entry: RegistryEntry | None) -> bytes:
    """The version as PDF: final (``entry`` given: number and date in it) or a draft preview."""
    from documents.drafting.layout import letter_layout, number_text, placeholder_values
    from documents.drafting.render import render_letter
    from eoffice.common.thaidate import thai_date, to_thai_digits

    final = entry is not None
    if draft.source == DraftSource.FORM:
        layout = letter_layout(agency=agency, draft=draft, version=version, recipients=recipients, entry=entry,
                               final=final)
        return render_letter(layout)
    from documents.drafting import sources  # lxml, LibreOffice: only for file drafts

    original = file_read(version.source_file)
    if draft.source == DraftSource.DOCX:
        if final:
            original = sources.docx_fill(original, placeholder_values(agency, entry, version.subject))
        return sources.docx_to_pdf(original)
    if not final:
        return original
    box = sources.NumberBox.from_json(version.number_box)
    number = number_text(entry)
    date = thai_date(timezone.localtime(entry.registered_at).date(), thai_digits=agency.use_thai_digits)
    if agency.use_thai_digits:
        number = to_thai_digits(number)
    return sources.pdf_place_text(original, box, [f"ที่ {number}", date])


@job_handler(RENDER_VERSION_JOB)
def render_version(*, tenant_id: int, job_id: int, version_id: int, **_: Any) -> dict[str, Any]:
    version = (DraftVersion.objects.select_for_update(of=("self",)).select_related("draft", "draft__owner_unit",
                                                                                   "source_file")
               .filter(tenant_id=tenant_id, pk=version_id).first())
    if version is None:
        return {"skipped": "no such version"}
    if version.pdf_id is not None:
        return {"skipped": "already rendered", "file": version.pdf_id}
    draft = version.draft
    agency = Agency.objects.get(pk=tenant_id)
    recipients = list(DraftRecipient.objects.filter(tenant_id=tenant_id, draft=draft))
    try:
        data = _render(agency, draft, version, recipients, None)
    except ApplicationError as exc:
        return {"failed": f"{exc.message_th} / {exc.message_en}", "code": exc.code}
    stored = _store(tenant_id, data, f"ร่าง-{draft.pk}-ฉบับที่-{version.number}.pdf", role=FileRole.DRAFT,
                    letter_id=None, actor_id=version.created_by_id)
    version.pdf = stored
    version.save(update_fields=["pdf"])
    return {"file": stored.pk}


@job_handler(RENDER_FINAL_JOB)
def render_final(*, tenant_id: int, job_id: int, draft_id: int, entry_id: int, **_: Any) -> dict[str, Any]:
    draft = (Draft.objects.select_for_update(of=("self",)).select_related("owner_unit")
             .filter(tenant_id=tenant_id, pk=draft_id).first())
    entry = RegistryEntry.objects.filter(tenant_id=tenant_id, pk=entry_id).select_related("book").first()
    if draft is None or entry is None:
        return {"skipped": "no such draft or entry"}
    if entry.status == EntryStatus.ANNULLED or draft.entry_id != entry.pk:
        return {"skipped": "the number was annulled"}
    existing = StoredFile.objects.filter(tenant_id=tenant_id, letter_id=entry.letter_id, role=FileRole.FINAL).first()
    if existing is not None:
        return {"skipped": "already rendered", "file": existing.pk}
    from documents.drafting.layout import number_text
    from documents.drafting.render import render_file_copy
    from documents.drafting.selectors import file_copy_people

    agency = Agency.objects.get(pk=tenant_id)
    version = DraftVersion.objects.select_related("source_file").get(tenant_id=tenant_id, draft=draft, number=draft.version)
    recipients = list(DraftRecipient.objects.filter(tenant_id=tenant_id, draft=draft))
    try:
        letter_pdf = _render(agency, draft, version, recipients, entry)
    except ApplicationError as exc:
        return {"failed": f"{exc.message_th} / {exc.message_en}", "code": exc.code}
    label = number_text(entry).replace("/", "-").replace(" ", "")
    final = _store(tenant_id, letter_pdf, f"ฉบับจริง-{label}.pdf", role=FileRole.FINAL, letter_id=entry.letter_id,
                   actor_id=None)
    people = file_copy_people(tenant_id=tenant_id, draft=draft)
    copy_pdf = render_file_copy(letter_pdf, title_lines=[f"สำเนาคู่ฉบับ {entry.reference}", draft.subject],
                                people=people, thai_digits=agency.use_thai_digits)
    copy = _store(tenant_id, copy_pdf, f"สำเนาคู่ฉบับ-{label}.pdf", role=FileRole.FILE_COPY,
                  letter_id=entry.letter_id, actor_id=None)
    entry.digest = final.sha256
    entry.save(update_fields=["digest"])
    DraftEvent.objects.create(tenant_id=tenant_id, draft=draft, kind=DraftEventKind.RENDERED, version=draft.version,
                              details={"final": final.pk, "file_copy": copy.pk, "sha256": final.sha256})
    return {"final": final.pk, "file_copy": copy.pk}
