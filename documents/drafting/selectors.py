"""Drafting reads: the lists a drafter, a reviewer and the central desk work from, one draft with its
versions, comments, reviews and timeline, and what the file copy prints."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from documents.drafting.access import draft_visible_q
from documents.drafting.render.layout import FileCopyPerson
from documents.handling.access import Holder, holder_of
from documents.models import (
    Draft,
    DraftComment,
    DraftEvent,
    DraftEventKind,
    DraftRecipient,
    DraftReview,
    DraftState,
    DraftVersion,
    ReviewStage,
    ReviewStatus,
)
from eoffice.common.exceptions import NotFoundInTenant
from tenants.permissions import Actor

LIST_LIMIT = 200


def _holder(actor: Actor, tenant_id: int, holder: Holder | None) -> Holder:
    return holder if holder is not None else holder_of(actor, tenant_id=tenant_id)


def drafts_visible(actor: Actor, *, tenant_id: int, holder: Holder | None = None) -> QuerySet[Draft]:
    return (Draft.objects.filter(tenant_id=tenant_id).filter(draft_visible_q(actor, _holder(actor, tenant_id, holder)))
            .select_related("owner_unit", "entry"))


def draft_get(actor: Actor, *, tenant_id: int, draft_id: int, holder: Holder | None = None) -> Draft:
    """One draft the actor sees; another's (or another tenant's) is answered like a missing one."""
    draft = drafts_visible(actor, tenant_id=tenant_id, holder=holder).filter(pk=draft_id).first()
    if draft is None:
        raise NotFoundInTenant()
    return draft


@dataclass(frozen=True)
class DraftLists:
    mine: list[Draft]  # written by me, not closed
    to_review: list[DraftReview]  # steps open at my posts
    at_desk: list[Draft]  # reviewed, waiting for the number (only for those who may issue)
    awaiting_signature: list[Draft]
    awaiting_dispatch: list[Draft]


def draft_lists(actor: Actor, *, tenant_id: int, desk: bool) -> DraftLists:
    holder = holder_of(actor, tenant_id=tenant_id)
    visible = drafts_visible(actor, tenant_id=tenant_id, holder=holder)
    closed = (DraftState.CANCELLED, DraftState.DISPATCHED)
    mine = list(visible.filter(created_by_id=actor.user_id).exclude(state__in=closed)[:LIST_LIMIT])
    reviews: list[DraftReview] = []
    if holder.position_ids and not holder.read_only:
        reviews = list(DraftReview.objects.filter(tenant_id=tenant_id, status=ReviewStatus.OPEN,
                                                  position_id__in=sorted(holder.position_ids),
                                                  draft__state=DraftState.IN_REVIEW)
                       .select_related("draft", "draft__owner_unit", "position").order_by("draft__updated_at")[:LIST_LIMIT])
    at_desk = list(visible.filter(state=DraftState.REVIEWED).order_by("updated_at")[:LIST_LIMIT]) if desk else []
    waiting = list(visible.filter(state=DraftState.READY).order_by("updated_at")[:LIST_LIMIT]) if desk else []
    signed = list(visible.filter(state=DraftState.SIGNED).order_by("updated_at")[:LIST_LIMIT]) if desk else []
    return DraftLists(mine, reviews, at_desk, waiting, signed)


def draft_versions(*, tenant_id: int, draft: Draft) -> list[DraftVersion]:
    return list(DraftVersion.objects.filter(tenant_id=tenant_id, draft=draft).select_related("pdf", "source_file"))


def draft_version(*, tenant_id: int, draft: Draft, number: int | None = None) -> DraftVersion:
    version = (DraftVersion.objects.filter(tenant_id=tenant_id, draft=draft, number=number or draft.version)
               .select_related("pdf", "source_file").first())
    if version is None:
        raise NotFoundInTenant()
    return version


def draft_recipients(*, tenant_id: int, draft: Draft) -> list[DraftRecipient]:
    return list(DraftRecipient.objects.filter(tenant_id=tenant_id, draft=draft).select_related("agency"))


def draft_comments(*, tenant_id: int, draft: Draft) -> list[DraftComment]:
    return list(DraftComment.objects.filter(tenant_id=tenant_id, draft=draft))


def draft_reviews(*, tenant_id: int, draft: Draft, round: int | None = None) -> list[DraftReview]:
    qs = DraftReview.objects.filter(tenant_id=tenant_id, draft=draft).select_related("position")
    if round is not None:
        qs = qs.filter(round=round)
    return list(qs)


def draft_events(*, tenant_id: int, draft: Draft) -> list[DraftEvent]:
    return list(DraftEvent.objects.filter(tenant_id=tenant_id, draft=draft))


def open_review_for(holder: Holder, reviews: list[DraftReview]) -> DraftReview | None:
    """The review step of the current round the actor may act on now, if any."""
    if holder.read_only:
        return None
    for r in reviews:
        if r.status == ReviewStatus.OPEN and r.position_id in holder.position_ids:
            return r
    return None


_STAGE_LABEL = {ReviewStage.TYPE: "ผู้พิมพ์", ReviewStage.PROOFREAD: "ผู้ทาน", ReviewStage.CHECK: "ผู้ตรวจ"}


def file_copy_people(*, tenant_id: int, draft: Draft) -> list[FileCopyPerson]:
    """ผู้ร่าง / ผู้พิมพ์ / ผู้ทาน / ผู้ตรวจ with their initials' times (saraban-domain.md §4.3): the drafter
    from the draft's first event, the others from the last completed review round, in route order."""
    created = DraftEvent.objects.filter(tenant_id=tenant_id, draft=draft, kind=DraftEventKind.CREATED).first()
    people = [FileCopyPerson("ผู้ร่าง", created.actor_name if created else "", created.actor_position if created else "",
                             created.at if created else None)]
    for r in DraftReview.objects.filter(tenant_id=tenant_id, draft=draft, round=draft.review_round,
                                        status=ReviewStatus.INITIALLED).order_by("order", "id"):
        label = _STAGE_LABEL.get(r.stage, "ผู้ตรวจ")
        position = r.printed_position + (f" ({r.authority_line})" if r.authority_line else "")
        people.append(FileCopyPerson(label, r.typed_name, position, r.acted_at))
    return people


def draft_files(*, tenant_id: int, draft: Draft) -> list:  # type: ignore[type-arg]
    """The letter's files made at and after "ready to sign" (final version, file copy, signed scan)."""
    from documents.models import StoredFile

    if draft.letter_id is None:
        return []
    return list(StoredFile.objects.filter(tenant_id=tenant_id, letter_id=draft.letter_id).order_by("id"))


def draft_file_get(actor: Actor, *, tenant_id: int, draft_id: int, file_id: int):  # type: ignore[no-untyped-def]
    """A file of a draft the actor sees: one of its versions' PDFs or uploaded sources, or its letter's
    files (final, file copy, signed). Anything else is answered like a missing file."""
    from django.db.models import Q

    from documents.models import StoredFile

    draft = draft_get(actor, tenant_id=tenant_id, draft_id=draft_id)
    versions = DraftVersion.objects.filter(tenant_id=tenant_id, draft=draft)
    own = Q(pk__in=versions.values("pdf_id")) | Q(pk__in=versions.values("source_file_id"))
    if draft.letter_id is not None:
        own |= Q(letter_id=draft.letter_id)
    stored = StoredFile.objects.filter(tenant_id=tenant_id, pk=file_id).filter(own).first()
    if stored is None:
        raise NotFoundInTenant()
    return stored


def reply_letter_get(actor: Actor, *, tenant_id: int, letter_id: int, holder: Holder | None = None):  # type: ignore[no-untyped-def]
    """The incoming letter a reply answers: one the actor can read in a book they may open, or one they,
    their unit or their post holds or held. A secret letter needs the actor's grant. Else 404."""
    from django.db.models import Q

    from documents.models import Holding, Letter, RegistryEntry
    from documents.registry.selectors import books_visible

    holder = _holder(actor, tenant_id, holder)
    letter = Letter.objects.filter(tenant_id=tenant_id, pk=letter_id).first()
    if letter is None:
        raise NotFoundInTenant()
    books = [b.pk for b in books_visible(actor, tenant_id=tenant_id)]
    in_book = RegistryEntry.objects.filter(tenant_id=tenant_id, letter_id=letter.pk, book_id__in=books).exists()
    reach = Q(membership_id=actor.membership_id) if actor.membership_id else Q(pk__in=[])
    if holder.unit_id:
        reach |= Q(unit_id=holder.unit_id)
    if holder.position_ids:
        reach |= Q(position_id__in=sorted(holder.position_ids))
    held = Holding.objects.filter(tenant_id=tenant_id, handling__letter_id=letter.pk).filter(reach).exists()
    if not (in_book or held):
        raise NotFoundInTenant()
    if letter.is_secret and not letter.secret_grants.filter(user_id=actor.user_id, revoked_at__isnull=True).exists():
        raise NotFoundInTenant()
    return letter


@dataclass(frozen=True)
class ReplyPrefill:
    """What a reply starts with: the subject, อ้างถึง ("หนังสือ<ผู้ส่ง> ที่ <ที่> ลงวันที่ <วันที่>") and the
    sender of the incoming letter as the recipient (in-system when the sender is an agency in the system)."""

    letter_id: int
    subject: str
    refers_to: str
    recipient_name: str
    recipient_agency_id: int | None
    recipient_address: str
    recipient_email: str


def reply_prefill(actor: Actor, *, tenant_id: int, letter_id: int, thai_digits: bool = False) -> ReplyPrefill:
    from documents.models import LetterParty, PartyRole
    from eoffice.common.thaidate import thai_date

    letter = reply_letter_get(actor, tenant_id=tenant_id, letter_id=letter_id)
    sender = (LetterParty.objects.filter(tenant_id=tenant_id, letter=letter, role=PartyRole.FROM)
              .order_by("sort_order", "id").first())
    name = (sender.name if sender else "") or letter.sender_display
    ref = (letter.letter_reference or "").strip()
    ref = ref[4:].strip() if ref.startswith("ที่ ") else ref
    text = f"หนังสือ{name}" + (f" ที่ {ref}" if ref else "")
    if letter.letter_date:
        text += f" ลงวันที่ {thai_date(letter.letter_date, thai_digits=thai_digits)}"
    return ReplyPrefill(letter_id=letter.pk, subject=letter.subject, refers_to=text, recipient_name=name,
                        recipient_agency_id=sender.agency_id if sender else None,
                        recipient_address=sender.address if sender else "", recipient_email=sender.email if sender else "")


def draft_holding_entry(*, tenant_id: int, entry_id: int) -> Draft | None:
    """The draft (ready to sign or signed) whose number an outgoing entry is: the registry's pages send its
    refusal, signature and dispatch to the draft's page."""
    return (Draft.objects.filter(tenant_id=tenant_id, entry_id=entry_id, state__in=[DraftState.READY, DraftState.SIGNED])
            .first())


@dataclass(frozen=True)
class RenderStatus:
    """How a render job stands: ``none`` (nothing asked), ``queued`` (waiting or running), ``done`` or
    ``failed`` with its reason (Thai / English, from the job's result)."""

    status: str
    reason: str = ""


def _job_status(tenant_id: int, kind: str, key: str) -> RenderStatus:
    from tenants.models import Job

    job = Job.objects.filter(tenant_id=tenant_id, kind=kind, idempotency_key=key).only("status", "result", "last_error").first()
    if job is None:
        return RenderStatus("none")
    result = job.result if isinstance(job.result, dict) else {}
    if job.status == "failed" or "failed" in result:
        return RenderStatus("failed", str(result.get("failed") or job.last_error or "")[:500])
    return RenderStatus("done" if job.status == "done" else "queued")


def final_render_status(*, tenant_id: int, draft: Draft) -> RenderStatus:
    """The final version and file copy of a numbered draft (job ``drafting.render_final``)."""
    if draft.entry_id is None:
        return RenderStatus("none")
    return _job_status(tenant_id, "drafting.render_final", f"draft_final:{draft.entry_id}")


def preview_render_status(*, tenant_id: int, version: DraftVersion) -> RenderStatus:
    """The preview PDF of one version (job ``drafting.render_version``)."""
    if version.pdf_id is not None:
        return RenderStatus("done")
    return _job_status(tenant_id, "drafting.render_version", f"draft_version:{version.pk}")
