"""Drafting writes: create and revise a draft (each edit a new immutable version), comment, send for
review, initial or return, ready to sign (number and date fixed), the signer's refusal, signed, cancel.

Every function runs in the caller's tenant scope and takes ``tenant_id`` and the acting ``actor``
explicitly. A draft row is locked for each transition, so two reviewers acting at once never skip a
step or open one twice. Dispatch lives in ``documents.drafting.dispatch``.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from documents.drafting import fields as form_fields
from documents.drafting import notifications
from documents.drafting.access import may_review, require_edit, write_scope
from documents.drafting.errors import DraftingError, NotAllowed, WrongState
from documents.drafting.jobs import render_final_enqueue, render_version_enqueue
from documents.drafting.sanitize import sanitize_body
from documents.drafting.selectors import reply_letter_get
from documents.files.errors import FileRejected
from documents.files.inspect import DOCX, PDF
from documents.files.services import file_discard_prepared, file_prepare, file_record
from documents.handling.access import Holder, holder_of
from documents.models import (
    FORM_LETTER_KIND,
    Channel,
    DispatchChannel,
    Draft,
    DraftComment,
    DraftEvent,
    DraftEventKind,
    DraftForm,
    DraftRecipient,
    DraftReview,
    DraftSource,
    DraftState,
    DraftVersion,
    FileRole,
    RecipientRole,
    ReviewRoute,
    ReviewRouteStep,
    ReviewStatus,
    Secrecy,
    Urgency,
)
from documents.registry import services as registry_services
from documents.registry.inputs import OutgoingInput, PartyInput
from eoffice.common.exceptions import ApplicationError, NotFoundInTenant
from tenants.models import Agency, OrgUnit, Position
from tenants.permissions import Actor
from tenants.roles import Scope
from tenants.services.audit import audit_record

SUBJECT_MAX = 500
BODY_MAX = 100_000  # characters of sanitised HTML
COMMENT_MAX = 4000
RECIPIENTS_MAX = 200
# A dispatch channel -> the registry's channel column (the outgoing book's "ส่งโดย").
REGISTRY_CHANNEL = {
    DispatchChannel.IN_SYSTEM: Channel.IN_SYSTEM, DispatchChannel.EMAIL: Channel.EMAIL,
    DispatchChannel.POST: Channel.POST, DispatchChannel.REGISTERED_POST: Channel.POST,
    DispatchChannel.HAND: Channel.HAND,
}
READY_CHECKS = ("recipients", "channels", "enclosures")


# --- inputs ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RecipientInput:
    name: str = ""
    role: str = RecipientRole.TO
    channel: str = DispatchChannel.POST
    address: str = ""
    email: str = ""
    agency_id: int | None = None
    unit_id: int | None = None
    position_id: int | None = None


@dataclass(frozen=True)
class SourceUpload:
    """A Word or PDF file the clerk drafted outside the system."""

    data: bytes
    name: str


@dataclass(frozen=True)
class DraftInput:
    form: str
    subject: str
    owner_unit_id: int | None = None  # None: the drafter's own unit
    urgency: str = Urgency.NORMAL
    secrecy: str = Secrecy.NORMAL
    fields: dict[str, object] = field(default_factory=dict)
    body_html: str = ""
    recipients: Sequence[RecipientInput] = ()
    source: SourceUpload | None = None  # a new DOCX/PDF (None on a revision keeps the last one)
    number_box: dict | None = None  # PDF source: where number and date go (None keeps the last one)
    note: str = ""  # a revision: what changed


# --- helpers -----------------------------------------------------------------------------------------------
def _text(value: str, limit: int, *, field: str, label_th: str) -> str:
    value = (value or "").strip()
    if any(ord(c) < 32 and c not in "\n\t\r" for c in value):
        raise DraftingError(f"{label_th}มีอักขระควบคุมที่ใช้ไม่ได้", "The text contains control characters.", field=field)
    if len(value) > limit:
        raise DraftingError(f"{label_th}ยาวเกิน {limit:,} ตัวอักษร", f"The text is longer than {limit:,} characters.",
                            field=field)
    return value


def _holder(actor: Actor, tenant_id: int) -> Holder:
    holder = holder_of(actor, tenant_id=tenant_id)
    if holder.read_only:
        raise NotAllowed("ท่านมีสิทธิ์อ่านอย่างเดียว", "You have read-only access.")
    return holder


def _locked(tenant_id: int, draft_id: int) -> Draft:
    draft = Draft.objects.select_for_update(of=("self",)).filter(tenant_id=tenant_id, pk=draft_id).first()
    if draft is None:
        raise NotFoundInTenant()
    return draft


def _require_state(draft: Draft, *states: str, th: str, en: str) -> None:
    if draft.state not in states:
        raise WrongState(th, en, code="wrong_state")


def _event(tenant_id: int, actor: Actor | None, draft: Draft, kind: str, *, printed: str = "", line: str = "",
           text: str = "", details: dict | None = None, name: str | None = None) -> DraftEvent:
    event = DraftEvent.objects.create(
        tenant_id=tenant_id, draft=draft, kind=kind, actor_id=actor.user_id if actor else None,
        actor_name=name if name is not None else (actor.display_name if actor else "") or "",
        actor_position=printed, authority_line=line, version=draft.version, text=text, details=details or {},
    )
    audit_record(
        tenant_id=tenant_id, actor_id=actor.user_id if actor else None, action=f"drafting.{kind}",
        object_type="draft", object_id=draft.pk, acting_for=line or (actor.acting_for if actor else ""),
        changes={"version": draft.version, "state": draft.state, "event": event.pk,
                 **{k: v for k, v in (details or {}).items() if k not in ("text",)}},
    )
    return event


def _own_position(holder: Holder) -> str:
    return holder.printed_position(None)[0]


def _owner_unit(actor: Actor, tenant_id: int, unit_id: int | None) -> OrgUnit:
    scope = write_scope(actor)
    if scope is None:
        raise NotAllowed("ท่านไม่มีสิทธิ์ร่างหนังสือส่ง", "You may not draft outgoing letters.")
    if unit_id is None:
        unit_id = actor.unit_id
    if unit_id is None:
        raise DraftingError("กรุณาเลือกส่วนราชการเจ้าของเรื่อง", "Please choose the owner unit.", field="owner_unit_id")
    unit = OrgUnit.objects.filter(tenant_id=tenant_id, pk=unit_id, is_active=True).first()
    if unit is None:
        raise DraftingError("ไม่พบส่วนราชการเจ้าของเรื่องที่เลือก", "The chosen owner unit was not found.",
                            field="owner_unit_id")
    if scope in (Scope.OWN, Scope.UNIT) and unit.pk != actor.unit_id:
        raise NotAllowed("ร่างหนังสือได้ในนามหน่วยงานของท่านเท่านั้น", "You may draft only for your own unit.")
    return unit


def _clean_recipients(tenant_id: int, recipients: Sequence[RecipientInput]) -> list[DraftRecipient]:
    if len(recipients) > RECIPIENTS_MAX:
        raise DraftingError(f"ผู้รับได้ไม่เกิน {RECIPIENTS_MAX} ราย", f"At most {RECIPIENTS_MAX} recipients.",
                            field="recipients")
    rows = []
    for i, r in enumerate(recipients):
        where = f"recipients[{i}]"
        if r.role not in RecipientRole.values:
            raise DraftingError("ประเภทผู้รับไม่ถูกต้อง", "Unknown recipient role.", field=f"{where}.role")
        if r.channel not in DispatchChannel.values:
            raise DraftingError("ช่องทางการส่งไม่ถูกต้อง", "Unknown dispatch channel.", field=f"{where}.channel")
        name = _text(r.name, 255, field=f"{where}.name", label_th="ชื่อผู้รับ")
        agency = unit = position = None
        if r.agency_id is not None:
            agency = Agency.objects.filter(pk=r.agency_id, is_active=True).first()
            if agency is None:
                raise DraftingError("ไม่พบหน่วยงานผู้รับ", "Recipient agency not found.", field=f"{where}.agency_id")
        if r.unit_id is not None:
            unit = OrgUnit.objects.filter(tenant_id=tenant_id, pk=r.unit_id, is_active=True).first()
            if unit is None:
                raise DraftingError("ไม่พบหน่วยงานย่อยผู้รับ", "Recipient unit not found.", field=f"{where}.unit_id")
        if r.position_id is not None:
            position = Position.objects.filter(tenant_id=tenant_id, pk=r.position_id, is_active=True).first()
            if position is None:
                raise DraftingError("ไม่พบตำแหน่งผู้รับ", "Recipient position not found.", field=f"{where}.position_id")
        name = name or (position.title_th if position else unit.name_th if unit else agency.name_th if agency else "")
        if not name:
            raise DraftingError("กรุณาระบุชื่อผู้รับ", "Please name the recipient.", field=f"{where}.name")
        email = _text(r.email, 254, field=f"{where}.email", label_th="อีเมลผู้รับ")
        if email and ("@" not in email or " " in email):
            raise DraftingError("อีเมลผู้รับไม่ถูกต้อง", "The recipient's e-mail address is not valid.", field=f"{where}.email")
        rows.append(DraftRecipient(
            tenant_id=tenant_id, role=r.role, channel=r.channel, name=name, email=email,
            address=_text(r.address, 1000, field=f"{where}.address", label_th="ที่อยู่ผู้รับ"),
            agency=agency, unit=unit, position=position, sort_order=i,
        ))
    return rows


def _source_kind(prepared, data: bytes, sources) -> str:  # type: ignore[no-untyped-def]
    hazards = {k for k, v in prepared.flags.items() if v is True}
    # A Word letter made from the office's shared template is tied to it: that link is the only finding,
    # and the drafting path cuts it before any conversion (sources.docx_fill / docx_to_pdf).
    template_only = prepared.content_type == DOCX and hazards == {"external_template"}
    if prepared.state != "ok" and not template_only:
        raise FileRejected(prepared.original_name, "quarantined",
                           f"ไฟล์นี้อาจไม่ปลอดภัย ({prepared.problem}) จึงใช้เป็นร่างไม่ได้",
                           "this file may be unsafe and cannot be used as a draft")
    if prepared.content_type == DOCX:
        sources.docx_inspect(data)
        return DraftSource.DOCX
    if prepared.content_type == PDF:
        sources.pdf_inspect(data)
        return DraftSource.PDF
    raise DraftingError("ร่างจากไฟล์รับเฉพาะ DOCX หรือ PDF", "A file draft must be a DOCX or a PDF.", code="source_type",
                        field="source")


def _source_file(tenant_id: int, actor: Actor, form: str, upload: SourceUpload) -> tuple[str, object]:
    """(source kind, StoredFile) of an uploaded DOCX or PDF draft, checked before it is stored."""
    from documents.drafting import sources  # pure, heavy imports (lxml, pikepdf): load on use

    prepared = file_prepare(upload.data, upload.name)
    try:
        kind = _source_kind(prepared, upload.data, sources)
    except Exception:
        file_discard_prepared(prepared)  # checked before any row: nothing of it stays
        raise
    stored = file_record(tenant_id=tenant_id, prepared=prepared, letter_id=None, role=FileRole.DRAFT_SOURCE,
                         actor_id=actor.user_id)
    return kind, stored


def _number_box(upload_data: bytes | None, source_file, box: dict | None) -> dict:  # type: ignore[no-untyped-def]
    from documents.drafting import sources
    from documents.files.services import file_read

    if box is None:
        return {}
    parsed = sources.NumberBox.from_json(box)
    data = upload_data if upload_data is not None else file_read(source_file)
    sources.validate_box(parsed, sources.pdf_inspect(data))
    return parsed.to_json()


def _new_version(tenant_id: int, actor: Actor, draft: Draft, data: DraftInput, *, clean: dict[str, str], body: str,
                 source_file, number_box: dict) -> DraftVersion:  # type: ignore[no-untyped-def]
    version = DraftVersion.objects.create(
        tenant_id=tenant_id, draft=draft, number=draft.version, subject=draft.subject, fields=clean, body_html=body,
        source_file=source_file, number_box=number_box, created_by_id=actor.user_id,
        note=_text(data.note, 500, field="note", label_th="หมายเหตุการแก้ไข"),
    )
    render_version_enqueue(tenant_id=tenant_id, version=version)
    return version


def _validate(data: DraftInput) -> tuple[str, dict[str, str], str]:
    if data.form not in DraftForm.values:
        raise DraftingError("แบบหนังสือไม่ถูกต้อง", "Unknown letter form.", field="form")
    subject = _text(data.subject, SUBJECT_MAX, field="subject", label_th="เรื่อง")
    if not subject:
        raise DraftingError("กรุณากรอกเรื่อง", "Please enter the subject.", field="subject")
    if data.urgency not in Urgency.values:
        raise DraftingError("ชั้นความเร็วไม่ถูกต้อง", "Unknown urgency.", field="urgency")
    if data.secrecy not in Secrecy.values:
        raise DraftingError("ชั้นความลับไม่ถูกต้อง", "Unknown secrecy class.", field="secrecy")
    clean = form_fields.clean_fields(data.form, dict(data.fields))
    if len(data.body_html or "") > BODY_MAX * 2:
        raise DraftingError("ข้อความยาวเกินไป", "The body is too long.", field="body_html")
    body = sanitize_body(data.body_html or "")
    if len(body) > BODY_MAX:
        raise DraftingError(f"ข้อความยาวเกิน {BODY_MAX:,} ตัวอักษร", f"The body is longer than {BODY_MAX:,} characters.",
                            field="body_html")
    return subject, clean, body


# --- create, revise, comment -------------------------------------------------------------------------------
def draft_create(*, tenant_id: int, actor: Actor, data: DraftInput, reply_to_letter_id: int | None = None,
                 idempotency_key: str | None = None) -> Draft:
    """A new draft (version 1). From a form: the fields and the body (sanitised here). From a file: a DOCX
    with {ที่}/{วันที่} placeholders, or a PDF with the box where number and date go. Sending the same
    idempotency key again returns the first draft."""
    holder = _holder(actor, tenant_id)
    if idempotency_key is not None:
        if not (8 <= len(idempotency_key) <= 64):
            raise DraftingError("รหัสป้องกันการส่งซ้ำไม่ถูกต้อง (8–64 ตัวอักษร)", "The idempotency key must be 8-64 characters.",
                                field="idempotency_key")
        existing = Draft.objects.filter(tenant_id=tenant_id, idempotency_key=idempotency_key).first()
        if existing is not None:
            if existing.created_by_id != actor.user_id:
                raise NotFoundInTenant()
            return existing
    unit = _owner_unit(actor, tenant_id, data.owner_unit_id)
    subject, clean, body = _validate(data)
    reply_to = reply_letter_get(actor, tenant_id=tenant_id, letter_id=reply_to_letter_id, holder=holder) \
        if reply_to_letter_id else None
    recipients = _clean_recipients(tenant_id, data.recipients)
    source_kind, source_file, box = DraftSource.FORM, None, {}
    if data.source is not None:
        source_kind, source_file = _source_file(tenant_id, actor, data.form, data.source)
        if source_kind == DraftSource.PDF:
            box = _number_box(data.source.data, source_file, data.number_box)
    try:
        with transaction.atomic():  # a concurrent twin with the same key may commit first
            draft = Draft.objects.create(
                tenant_id=tenant_id, form=data.form, source=source_kind, owner_unit=unit, subject=subject,
                urgency=data.urgency, secrecy=data.secrecy, reply_to=reply_to, created_by_id=actor.user_id,
                idempotency_key=idempotency_key,
            )
    except IntegrityError:
        twin = Draft.objects.filter(tenant_id=tenant_id, idempotency_key=idempotency_key,
                                    created_by_id=actor.user_id).first()
        if twin is None:
            raise
        return twin
    for r in recipients:
        r.draft = draft
    DraftRecipient.objects.bulk_create(recipients)
    _new_version(tenant_id, actor, draft, data, clean=clean, body=body, source_file=source_file, number_box=box)
    _event(tenant_id, actor, draft, DraftEventKind.CREATED, printed=_own_position(holder),
           details={"form": draft.form, "source": draft.source, "reply_to": reply_to.pk if reply_to else None})
    return draft


def draft_revise(*, tenant_id: int, actor: Actor, draft_id: int, data: DraftInput, expected_version: int) -> Draft:
    """A new version of an editable draft (drafting, or returned for changes). ``expected_version`` is
    the version the editor started from: if someone saved in between, nothing is overwritten (409)."""
    holder = _holder(actor, tenant_id)
    draft = _locked(tenant_id, draft_id)
    require_edit(actor, holder, draft)
    _require_state(draft, DraftState.DRAFTING, DraftState.RETURNED,
                   th="แก้ไขร่างได้เมื่อกำลังร่างหรือถูกส่งคืนแก้ไขเท่านั้น", en="Only a draft being written or returned can be edited.")
    if expected_version != draft.version:
        raise WrongState("มีผู้บันทึกร่างฉบับใหม่กว่าแล้ว กรุณาเปิดร่างล่าสุดก่อนแก้ไข",
                         "Someone saved a newer version; open the latest version first.", code="version_conflict")
    if data.form != draft.form:
        raise DraftingError("เปลี่ยนแบบหนังสือของร่างไม่ได้ (สร้างร่างใหม่แทน)", "A draft's form cannot change.", field="form")
    subject, clean, body = _validate(data)
    last = DraftVersion.objects.get(tenant_id=tenant_id, draft=draft, number=draft.version)
    source_file, box = last.source_file, dict(last.number_box)
    if data.source is not None:
        kind, source_file = _source_file(tenant_id, actor, data.form, data.source)
        if draft.source == DraftSource.FORM or kind != draft.source:
            raise DraftingError("ไฟล์ใหม่ต้องเป็นชนิดเดียวกับร่างเดิม", "The new file must be of the draft's kind.",
                                field="source")
    if draft.source == DraftSource.PDF and (data.number_box is not None or data.source is not None):
        box = _number_box(data.source.data if data.source else None, source_file,
                          data.number_box if data.number_box is not None else box or None)
    recipients = _clean_recipients(tenant_id, data.recipients)
    changed = {k for k, before, after in (
        ("subject", draft.subject, subject), ("urgency", draft.urgency, data.urgency),
        ("secrecy", draft.secrecy, data.secrecy), ("fields", last.fields, clean), ("body", last.body_html, body),
    ) if before != after}
    draft.subject, draft.urgency, draft.secrecy = subject, data.urgency, data.secrecy
    draft.version += 1
    draft.save(update_fields=["subject", "urgency", "secrecy", "version", "updated_at"])
    DraftRecipient.objects.filter(tenant_id=tenant_id, draft=draft).delete()
    for r in recipients:
        r.draft = draft
    DraftRecipient.objects.bulk_create(recipients)
    _new_version(tenant_id, actor, draft, data, clean=clean, body=body, source_file=source_file, number_box=box)
    _event(tenant_id, actor, draft, DraftEventKind.REVISED, printed=_own_position(holder), text=data.note.strip()[:500],
           details={"changed": sorted(changed), "new_file": data.source is not None})
    return draft


def draft_comment(*, tenant_id: int, actor: Actor, draft_id: int, text: str) -> DraftComment:
    """A comment on the current version, by anyone who sees the draft (drafter, unit, reviewers)."""
    from documents.drafting.selectors import draft_get

    holder = _holder(actor, tenant_id)
    draft = draft_get(actor, tenant_id=tenant_id, draft_id=draft_id, holder=holder)
    body = _text(text, COMMENT_MAX, field="text", label_th="ความเห็น")
    if not body:
        raise DraftingError("กรุณาพิมพ์ความเห็น", "Please write the comment.", field="text")
    if draft.state in (DraftState.CANCELLED, DraftState.DISPATCHED):
        raise WrongState("ร่างนี้ปิดแล้ว", "This draft is closed.")
    comment = DraftComment.objects.create(tenant_id=tenant_id, draft=draft, version=draft.version, author_id=actor.user_id,
                                          author_name=actor.display_name or "", text=body)
    _event(tenant_id, actor, draft, DraftEventKind.COMMENTED, printed=_own_position(holder), text=body,
           details={"comment": comment.pk})
    return comment


# --- review ------------------------------------------------------------------------------------------------
def routes_for(*, tenant_id: int, form: str) -> list[ReviewRoute]:
    """Active routes that apply to the form (the first is offered first)."""
    return [r for r in ReviewRoute.objects.filter(tenant_id=tenant_id, is_active=True)
            if not r.forms or form in r.forms]


def draft_submit(*, tenant_id: int, actor: Actor, draft_id: int, route_id: int | None) -> Draft:
    """Send the current version for review along ``route_id`` (its first step opens: one post, or several
    in parallel). With no route the draft goes straight to the central desk ("reviewed")."""
    holder = _holder(actor, tenant_id)
    draft = _locked(tenant_id, draft_id)
    require_edit(actor, holder, draft)
    _require_state(draft, DraftState.DRAFTING, DraftState.RETURNED,
                   th="ร่างนี้เสนอตรวจไปแล้ว", en="This draft has already been sent for review.")
    steps: list[ReviewRouteStep] = []
    route = None
    if route_id is not None:
        route = ReviewRoute.objects.filter(tenant_id=tenant_id, pk=route_id, is_active=True).first()
        if route is None or (route.forms and draft.form not in route.forms):
            raise DraftingError("ไม่พบลำดับการตรวจร่างที่เลือก", "The chosen review route was not found.", field="route_id")
        steps = list(route.steps.filter(tenant_id=tenant_id).order_by("order", "id"))
        if not steps:
            raise DraftingError("ลำดับการตรวจร่างนี้ยังไม่มีผู้ตรวจ", "This review route has no steps.", field="route_id")
    draft.route = route
    draft.review_round += 1
    first = steps[0].order if steps else None
    DraftReview.objects.bulk_create([
        DraftReview(tenant_id=tenant_id, draft=draft, round=draft.review_round, order=s.order, position_id=s.position_id,
                    stage=s.stage, status=ReviewStatus.OPEN if s.order == first else ReviewStatus.WAITING)
        for s in steps
    ])
    draft.state = DraftState.IN_REVIEW if steps else DraftState.REVIEWED
    draft.save(update_fields=["route", "review_round", "state", "updated_at"])
    _event(tenant_id, actor, draft, DraftEventKind.SUBMITTED, printed=_own_position(holder),
           details={"route": route.pk if route else None, "round": draft.review_round,
                    "route_name": route.name_th if route else ""})
    if not steps:
        _event(tenant_id, actor, draft, DraftEventKind.REVIEWED, printed=_own_position(holder),
               details={"round": draft.review_round, "without_route": True})
        notifications.notify_desk(tenant_id=tenant_id, actor=actor, draft=draft)
    else:
        notifications.notify_reviewers(tenant_id=tenant_id, actor=actor, draft=draft,
                                       position_ids=[s.position_id for s in steps if s.order == first])
    return draft


def _locked_review(tenant_id: int, review_id: int, holder: Holder) -> tuple[DraftReview, Draft]:
    review = DraftReview.objects.filter(tenant_id=tenant_id, pk=review_id).first()
    if review is None or review.position_id not in holder.position_ids:
        raise NotFoundInTenant()
    draft = _locked(tenant_id, review.draft_id)  # the draft first: every transition locks in this order
    review = DraftReview.objects.select_for_update().get(tenant_id=tenant_id, pk=review.pk)
    if not may_review(holder, review) or draft.state != DraftState.IN_REVIEW or review.round != draft.review_round:
        raise WrongState("ขั้นตอนตรวจร่างนี้ดำเนินการไปแล้วหรือยังไม่ถึง", "This review step is not open.", code="not_open")
    return review, draft


def review_initial(*, tenant_id: int, actor: Actor, review_id: int, typed_name: str, comment: str = "") -> DraftReview:
    """The reviewer initials (ลงชื่อกำกับ) the current version: typed name, printed position, time — a
    workflow event printed on the file copy, not a signature on the letter. When the last step of a group
    is initialled the next group opens; after the last group the draft goes to the central desk."""
    holder = _holder(actor, tenant_id)
    review, draft = _locked_review(tenant_id, review_id, holder)
    name = _text(typed_name, 255, field="typed_name", label_th="ชื่อที่ลงกำกับ")
    if not name:
        raise DraftingError("กรุณาพิมพ์ชื่อเพื่อลงชื่อกำกับ", "Please type your name to initial.", field="typed_name")
    note = _text(comment, COMMENT_MAX, field="comment", label_th="ความเห็น")
    printed, line = holder.printed_position(review.position_id)
    review.status, review.version, review.acted_by_id = ReviewStatus.INITIALLED, draft.version, actor.user_id
    review.typed_name, review.printed_position, review.authority_line = name, printed, line
    review.acted_at, review.comment = timezone.now(), note
    review.save()
    if note:
        DraftComment.objects.create(tenant_id=tenant_id, draft=draft, version=draft.version, author_id=actor.user_id,
                                    author_name=name, text=note)
    _event(tenant_id, actor, draft, DraftEventKind.INITIALLED, printed=printed, line=line, text=note, name=name,
           details={"review": review.pk, "stage": review.stage, "order": review.order, "round": review.round})
    group = DraftReview.objects.filter(tenant_id=tenant_id, draft=draft, round=review.round, order=review.order)
    if group.exclude(status=ReviewStatus.INITIALLED).exists():
        return review
    later = DraftReview.objects.filter(tenant_id=tenant_id, draft=draft, round=review.round, order__gt=review.order)
    following = later.order_by("order").values_list("order", flat=True).first()
    if following is not None:
        later.filter(order=following).update(status=ReviewStatus.OPEN)
        notifications.notify_reviewers(tenant_id=tenant_id, actor=actor, draft=draft,
                                       position_ids=later.filter(order=following).values_list("position_id", flat=True))
    else:
        draft.state = DraftState.REVIEWED
        draft.save(update_fields=["state", "updated_at"])
        _event(tenant_id, actor, draft, DraftEventKind.REVIEWED, printed=printed, line=line,
               details={"round": review.round})
        notifications.notify_desk(tenant_id=tenant_id, actor=actor, draft=draft)
    return review


def review_return(*, tenant_id: int, actor: Actor, review_id: int, comment: str) -> DraftReview:
    """The reviewer sends the draft back with comments; this round ends (the next submission starts again
    from the first step, on the revised version)."""
    holder = _holder(actor, tenant_id)
    review, draft = _locked_review(tenant_id, review_id, holder)
    note = _text(comment, COMMENT_MAX, field="comment", label_th="ความเห็น")
    if not note:
        raise DraftingError("กรุณาระบุสิ่งที่ต้องแก้ไข", "Please say what needs changing.", field="comment")
    printed, line = holder.printed_position(review.position_id)
    review.status, review.version, review.acted_by_id = ReviewStatus.RETURNED, draft.version, actor.user_id
    review.typed_name, review.printed_position, review.authority_line = actor.display_name or "", printed, line
    review.acted_at, review.comment = timezone.now(), note
    review.save()
    DraftReview.objects.filter(tenant_id=tenant_id, draft=draft, round=review.round,
                               status__in=[ReviewStatus.OPEN, ReviewStatus.WAITING]).update(status=ReviewStatus.SKIPPED)
    DraftComment.objects.create(tenant_id=tenant_id, draft=draft, version=draft.version, author_id=actor.user_id,
                                author_name=actor.display_name or "", text=note)
    draft.state = DraftState.RETURNED
    draft.save(update_fields=["state", "updated_at"])
    _event(tenant_id, actor, draft, DraftEventKind.RETURNED, printed=printed, line=line, text=note,
           details={"review": review.pk, "stage": review.stage, "round": review.round})
    notifications.notify_drafter(tenant_id=tenant_id, actor=actor, draft=draft)
    return review


# --- ready to sign, refusal, signed, cancel ------------------------------------------------------------------
def book_for_draft(tenant_id: int, draft: Draft, book_id: int | None):  # type: ignore[no-untyped-def]
    kind, sub_kind = FORM_LETTER_KIND[draft.form]
    if book_id is not None:
        return registry_services._book(tenant_id, book_id)
    return registry_services.default_book_for(tenant_id=tenant_id, kind=kind, sub_kind=sub_kind)


def may_ready(actor: Actor, *, tenant_id: int, draft: Draft) -> bool:
    try:
        return registry_services.can_issue(actor, book_for_draft(tenant_id, draft, draft.book_id))
    except ApplicationError:  # no book for the kind yet: nobody may
        return False


def _party(r: DraftRecipient) -> PartyInput:
    return PartyInput(name=r.name, address=r.address, email=r.email, agency_id=r.agency_id, unit_id=r.unit_id,
                      position_id=r.position_id)


def _check_recipients(recipients: list[DraftRecipient]) -> None:
    if not any(r.role == RecipientRole.TO for r in recipients):
        raise DraftingError("กรุณาระบุผู้รับ (ถึง/เรียน) อย่างน้อยหนึ่งราย", "Name at least one recipient.",
                            code="no_recipients", field="recipients")
    for i, r in enumerate(recipients):
        where = f"recipients[{i}]"
        if r.channel == DispatchChannel.EMAIL and not r.email:
            raise DraftingError(f"ผู้รับ {r.name}: ส่งทางอีเมลต้องมีอีเมลสารบรรณกลางของผู้รับ",
                                f"Recipient {r.name}: e-mail dispatch needs the recipient's saraban e-mail.",
                                code="recipient_email", field=f"{where}.email")
        if r.channel in (DispatchChannel.POST, DispatchChannel.REGISTERED_POST) and not r.address:
            raise DraftingError(f"ผู้รับ {r.name}: ส่งทางไปรษณีย์ต้องมีที่อยู่", f"Recipient {r.name}: post needs an address.",
                                code="recipient_address", field=f"{where}.address")
        if r.channel == DispatchChannel.IN_SYSTEM and not (r.agency_id or r.unit_id or r.position_id):
            raise DraftingError(f"ผู้รับ {r.name}: ส่งในระบบต้องเลือกหน่วยงานที่อยู่ในระบบ",
                                f"Recipient {r.name}: in-system dispatch needs an agency in the system.",
                                code="recipient_in_system", field=f"{where}.agency_id")


def _check_number_place(draft: Draft, version: DraftVersion) -> None:
    """A file draft must say where the number and date go, or the signed letter would lack them."""
    if draft.source == DraftSource.PDF and not version.number_box:
        raise DraftingError("กรุณากำหนดตำแหน่งเลขที่และวันที่บนร่าง PDF ก่อน", "Place the box for number and date first.",
                            code="no_number_box", field="number_box")
    if draft.source == DraftSource.DOCX:
        from documents.drafting import sources
        from documents.files.services import file_read

        found = sources.docx_inspect(file_read(version.source_file)).placeholders
        missing = [p for p in ("ที่", "วันที่") if p not in found]
        if missing:
            names = " ".join("{" + p + "}" for p in missing)
            raise DraftingError(f"ไฟล์ Word ยังไม่มีตำแหน่ง {names} สำหรับเลขที่และวันที่",
                                f"The Word file lacks the placeholders {names} for number and date.",
                                code="no_placeholders", field="source")


def _letter_extra(draft: Draft, f: dict[str, str]) -> dict[str, str]:
    """The registry letter's kind-specific fields (documents.registry.letter_fields) from the draft's."""
    agency = Agency.objects.get(pk=draft.tenant_id).name_th
    unit = draft.owner_unit.name_th
    phone = " ".join(f[k] for k in ("contact_phone", "contact_fax", "contact_email") if f.get(k))
    signer = {k: f[k] for k in ("signer_name", "signer_position") if f.get(k)}
    by_form: dict[str, dict[str, str]] = {
        DraftForm.EXTERNAL: {"issuing_agency": agency, "salutation": f.get("salutation", ""),
                             "closing": f.get("closing", ""), "owner_unit": unit, "phone": phone, **signer},
        DraftForm.MEMO: {"issuing_unit": unit, "salutation": f.get("salutation", ""), **signer},
        DraftForm.STAMPED: {"issuing_agency": agency, "initials_by": f.get("initials_note", ""), "owner_unit": unit,
                            "phone": phone},
        DraftForm.ORDER: {"issuer": f.get("authority") or agency, **signer},
        DraftForm.ANNOUNCEMENT: {"issuer": f.get("authority") or agency, **signer},
    }
    return {k: v[:500] for k, v in by_form[draft.form].items() if v}


def draft_ready(*, tenant_id: int, actor: Actor, draft_id: int, confirmed: Sequence[str], book_id: int | None = None) -> Draft:
    """The central clerk (or the unit's clerk, for a unit's memo book) has checked recipients, channels and
    enclosures (``confirmed`` names each check). Number and date are fixed now — they are printed on the
    letter — from the outgoing / circular / orders / announcements book, and the final version and the
    file copy are rendered once by a job, so signing never waits for them."""
    holder = _holder(actor, tenant_id)
    draft = _locked(tenant_id, draft_id)
    _require_state(draft, DraftState.REVIEWED, th="ร่างนี้ยังตรวจไม่ครบหรือออกเลขไปแล้ว",
                   en="This draft is not reviewed yet, or already has its number.")
    book = book_for_draft(tenant_id, draft, book_id)
    if not registry_services.can_issue(actor, book):
        raise NotAllowed("ท่านไม่มีสิทธิ์ออกเลขจากทะเบียนนี้", "You may not take numbers from this book.")
    missing = [c for c in READY_CHECKS if c not in set(confirmed)]
    if missing:
        labels = {"recipients": "ผู้รับ", "channels": "ช่องทางการส่ง", "enclosures": "สิ่งที่ส่งมาด้วย"}
        raise DraftingError("กรุณาตรวจและยืนยัน: " + ", ".join(labels[m] for m in missing),
                            "Please check and confirm: " + ", ".join(missing), code="unchecked", field="confirmed")
    recipients = list(DraftRecipient.objects.filter(tenant_id=tenant_id, draft=draft).select_related("agency"))
    _check_recipients(recipients)
    version = DraftVersion.objects.select_related("source_file").get(tenant_id=tenant_id, draft=draft, number=draft.version)
    _check_number_place(draft, version)
    kind, sub_kind = FORM_LETTER_KIND[draft.form]
    clean = version.fields
    main = next(r for r in recipients if r.role == RecipientRole.TO)
    sender = PartyInput(unit_id=draft.owner_unit_id) if draft.form == DraftForm.MEMO else PartyInput(agency_id=tenant_id)
    data = OutgoingInput(
        kind=kind, sub_kind=sub_kind, subject=draft.subject, sender=sender,
        recipients=tuple(_party(r) for r in recipients if r.role == RecipientRole.TO),
        copies_to=tuple(_party(r) for r in recipients if r.role == RecipientRole.COPY),
        letter_date=timezone.localdate(), refers_to=clean.get("refers_to", ""), enclosures=clean.get("enclosures", ""),
        urgency=draft.urgency, secrecy=draft.secrecy,
        extra=_letter_extra(draft, clean),
        channel=REGISTRY_CHANNEL[main.channel], note=f"ร่างหนังสือ #{draft.pk} ฉบับที่ {draft.version}"[:500],
        book_id=book.pk,
    )
    entry = registry_services.reserve_for_letter(
        tenant_id=tenant_id, actor=actor, data=data, idempotency_key=f"draft-{draft.pk}-round-{draft.review_round}",
    )
    draft.book, draft.entry, draft.letter = book, entry, entry.letter
    draft.verify_token = secrets.token_urlsafe(32)
    draft.state = DraftState.READY
    draft.save(update_fields=["book", "entry", "letter", "verify_token", "state", "updated_at"])
    _event(tenant_id, actor, draft, DraftEventKind.READY, printed=_own_position(holder),
           details={"entry": entry.pk, "book": book.code, "number": entry.number_label, "reference": entry.reference,
                    "date": timezone.localtime(entry.registered_at).date().isoformat()})
    render_final_enqueue(tenant_id=tenant_id, draft=draft)
    return draft


def draft_refuse(*, tenant_id: int, actor: Actor, draft_id: int, reason: str) -> Draft:
    """The signer will not sign: the reserved number is annulled with the reason (it stays in the book, never
    reused) and the draft goes back for changes; its next "ready to sign" takes a new number."""
    _holder(actor, tenant_id)
    draft = _locked(tenant_id, draft_id)
    _require_state(draft, DraftState.READY, th="ร่างนี้ไม่ได้อยู่ในสถานะพร้อมลงนาม", en="This draft is not awaiting signature.")
    if not registry_services.can_issue(actor, draft.book):  # the desk records what the signer decided
        raise NotAllowed("ท่านไม่มีสิทธิ์บันทึกการไม่ลงนาม", "You may not record a refusal.")
    why = _text(reason, 480, field="reason", label_th="เหตุผล")
    if not why:
        raise DraftingError("กรุณาระบุเหตุผลที่ไม่ลงนาม", "Please give the reason for not signing.", field="reason")
    entry = draft.entry
    draft.entry, draft.letter, draft.verify_token, draft.state = None, None, None, DraftState.RETURNED
    draft.save(update_fields=["entry", "letter", "verify_token", "state", "updated_at"])  # the number is the draft's no more
    registry_services.entry_annul(tenant_id=tenant_id, actor=actor, entry_id=entry.pk,
                                  reason=f"ผู้ลงนามไม่ลงนาม: {why}")
    DraftComment.objects.create(tenant_id=tenant_id, draft=draft, version=draft.version, author_id=actor.user_id,
                                author_name=actor.display_name or "", text=why)
    _event(tenant_id, actor, draft, DraftEventKind.REFUSED, text=why,
           details={"entry": entry.pk, "number": entry.number_label, "reference": entry.reference})
    return draft


def draft_mark_signed(*, tenant_id: int, actor: Actor, draft_id: int, signer_name: str,
                      signed_scan: SourceUpload | None = None) -> Draft:
    """Signed by hand on the printed final version (signature level (a)); the scan of the signed paper
    may be attached. Digital signing levels come with the signatures issue and end in the same state.
    The outgoing book then shows the letter as signed, not yet sent."""
    holder = _holder(actor, tenant_id)
    draft = _locked(tenant_id, draft_id)
    _require_state(draft, DraftState.READY, th="ร่างนี้ไม่ได้อยู่ในสถานะพร้อมลงนาม", en="This draft is not awaiting signature.")
    if not registry_services.can_issue(actor, draft.book):
        raise NotAllowed("ท่านไม่มีสิทธิ์บันทึกการลงนาม", "You may not record the signature.")
    name = _text(signer_name, 255, field="signer_name", label_th="ชื่อผู้ลงนาม")
    if not name:
        raise DraftingError("กรุณาระบุชื่อผู้ลงนาม", "Please give the signer's name.", field="signer_name")
    scan_id = None
    if signed_scan is not None:
        prepared = file_prepare(signed_scan.data, signed_scan.name)
        if prepared.content_type != PDF or prepared.state != "ok":
            raise DraftingError("ไฟล์ฉบับลงนามต้องเป็น PDF ที่ปลอดภัย", "The signed scan must be a safe PDF.",
                                code="signed_scan", field="signed_scan")
        scan_id = file_record(tenant_id=tenant_id, prepared=prepared, letter_id=draft.letter_id, role=FileRole.SIGNED,
                              actor_id=actor.user_id, sort_order=0).pk
    registry_services.reservation_mark_signed(tenant_id=tenant_id, actor=actor, entry_id=draft.entry_id)
    draft.state = DraftState.SIGNED
    draft.save(update_fields=["state", "updated_at"])
    _event(tenant_id, actor, draft, DraftEventKind.SIGNED, printed=_own_position(holder),
           details={"level": "paper", "signer_name": name, "scan": scan_id, "entry": draft.entry_id})
    return draft


def draft_cancel(*, tenant_id: int, actor: Actor, draft_id: int, reason: str) -> Draft:
    """Give up a draft before it is signed; a reserved number is annulled with the reason."""
    holder = _holder(actor, tenant_id)
    draft = _locked(tenant_id, draft_id)
    require_edit(actor, holder, draft)
    _require_state(draft, DraftState.DRAFTING, DraftState.RETURNED, DraftState.IN_REVIEW, DraftState.REVIEWED,
                   DraftState.READY, th="ร่างนี้ลงนามหรือยกเลิกไปแล้ว", en="This draft is already signed or cancelled.")
    why = _text(reason, 480, field="reason", label_th="เหตุผล")
    if not why:
        raise DraftingError("กรุณาระบุเหตุผลที่ยกเลิก", "Please give the reason for cancelling.", field="reason")
    details: dict[str, object] = {}
    if draft.entry_id is not None:
        if not registry_services.can_issue(actor, draft.book):
            raise NotAllowed("ร่างนี้ออกเลขแล้ว ให้สารบรรณกลางเป็นผู้ยกเลิก", "The number is issued; the desk must cancel it.")
        details = {"entry": draft.entry_id}
        draft.state = DraftState.CANCELLED
        draft.save(update_fields=["state", "updated_at"])  # first: the number is the draft's no more
        registry_services.entry_annul(tenant_id=tenant_id, actor=actor, entry_id=details["entry"], reason=f"ยกเลิกร่าง: {why}")
    DraftReview.objects.filter(tenant_id=tenant_id, draft=draft, status__in=[ReviewStatus.OPEN, ReviewStatus.WAITING]
                               ).update(status=ReviewStatus.SKIPPED)
    draft.state = DraftState.CANCELLED
    draft.save(update_fields=["state", "updated_at"])
    _event(tenant_id, actor, draft, DraftEventKind.CANCELLED, printed=_own_position(holder), text=why, details=details)
    return draft



# --- settings: review routes (the agency admin) ---------------------------------------------------------------
@dataclass(frozen=True)
class RouteStepInput:
    position_id: int
    order: int
    stage: str = "check"


def route_create(*, tenant_id: int, actor: Actor, name_th: str, forms: Sequence[str],
                 steps: Sequence[RouteStepInput]) -> ReviewRoute:
    """A review route: posts in order; steps sharing an ``order`` review in parallel."""
    from documents.handling.access import require_manage
    from documents.models import ReviewStage

    require_manage(actor)
    name = _text(name_th, 255, field="name_th", label_th="ชื่อลำดับการตรวจร่าง")
    if not name:
        raise DraftingError("กรุณาตั้งชื่อลำดับการตรวจร่าง", "Please name the review route.", field="name_th")
    bad = sorted(set(forms) - set(DraftForm.values))
    if bad:
        raise DraftingError("แบบหนังสือไม่ถูกต้อง", f"Unknown forms: {', '.join(bad)}", field="forms")
    if not steps:
        raise DraftingError("กรุณาเพิ่มผู้ตรวจอย่างน้อยหนึ่งขั้น", "Add at least one review step.", field="steps")
    if len(steps) > 20:
        raise DraftingError("ผู้ตรวจได้ไม่เกิน 20 ขั้น", "At most 20 steps.", field="steps")
    seen = set()
    for i, s in enumerate(steps):
        if s.stage not in ReviewStage.values:
            raise DraftingError("หน้าที่ผู้ตรวจไม่ถูกต้อง", "Unknown stage.", field=f"steps[{i}].stage")
        if not (1 <= s.order <= 20):
            raise DraftingError("ลำดับต้องอยู่ระหว่าง 1–20", "Order must be 1-20.", field=f"steps[{i}].order")
        if (s.order, s.position_id) in seen:
            raise DraftingError("ตำแหน่งเดียวกันซ้ำในลำดับเดียวกัน", "The same post twice in one step.",
                                field=f"steps[{i}].position_id")
        seen.add((s.order, s.position_id))
    ids = {s.position_id for s in steps}
    if Position.objects.filter(tenant_id=tenant_id, pk__in=ids, is_active=True).count() != len(ids):
        raise DraftingError("ไม่พบตำแหน่งที่เลือก", "A chosen position was not found.", field="steps")
    route = ReviewRoute.objects.create(tenant_id=tenant_id, name_th=name, forms=sorted(set(forms)),
                                       sort_order=ReviewRoute.objects.filter(tenant_id=tenant_id).count())
    ReviewRouteStep.objects.bulk_create([
        ReviewRouteStep(tenant_id=tenant_id, route=route, order=s.order, position_id=s.position_id, stage=s.stage)
        for s in steps
    ])
    audit_record(tenant_id=tenant_id, actor_id=actor.user_id, action="drafting.route_create", object_type="review_route",
                 object_id=route.pk, acting_for=actor.acting_for,
                 changes={"name": name, "forms": route.forms, "steps": [[s.order, s.position_id, s.stage] for s in steps]})
    return route


def route_set_active(*, tenant_id: int, actor: Actor, route_id: int, active: bool) -> ReviewRoute:
    from documents.handling.access import require_manage

    require_manage(actor)
    route = ReviewRoute.objects.filter(tenant_id=tenant_id, pk=route_id).first()
    if route is None:
        raise NotFoundInTenant()
    if route.is_active != active:
        route.is_active = active
        route.save(update_fields=["is_active"])
        audit_record(tenant_id=tenant_id, actor_id=actor.user_id, action="drafting.route_active", object_type="review_route",
                     object_id=route.pk, acting_for=actor.acting_for, changes={"active": active})
    return route
