"""Dispatch of a signed letter, per recipient (saraban-domain.md §4.3): in-system (the exchange between
agencies delivers it; here it is recorded), e-mail to the recipient's central saraban@ address (a job
sends the signed PDF, once), post or registered post (envelope or label, the S10 tracking number) and by
hand (the delivery book, สมุดส่ง, where the receiver signs). Copies (สำเนาส่ง) are recipients marked
"copy". When every recipient is dispatched, the outgoing book shows the letter as sent."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone

from documents.drafting.errors import DraftingError, NotAllowed, WrongState
from documents.drafting.services import REGISTRY_CHANNEL, _event, _holder, _locked, _text
from documents.files.services import file_read
from documents.models import (
    DispatchChannel,
    Draft,
    DraftEventKind,
    DraftRecipient,
    DraftState,
    FileRole,
    RecipientRole,
    StoredFile,
)
from documents.registry import services as registry_services
from eoffice.common.exceptions import NotFoundInTenant
from tenants.jobs_registry import job_handler
from tenants.models import Agency
from tenants.permissions import Actor
from tenants.services.jobs import job_enqueue

EMAIL_DISPATCH_JOB = "drafting.email_dispatch"
_S10 = re.compile(r"^[A-Z]{2}(\d{8})(\d)[A-Z]{2}$")
_S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)


def s10_valid(number: str) -> bool:
    """A UPU S10 item number (registered post, EMS: "RB123456785TH"), its check digit included."""
    m = _S10.match(number or "")
    if m is None:
        return False
    total = sum(int(d) * w for d, w in zip(m.group(1), _S10_WEIGHTS, strict=True))
    check = 11 - total % 11
    check = 0 if check == 10 else 5 if check == 11 else check
    return check == int(m.group(2))


def letter_file_to_send(*, tenant_id: int, letter_id: int | None) -> StoredFile | None:
    """What goes out: the signed version if there is one, else the final version."""
    if letter_id is None:
        return None
    files = {f.role: f for f in StoredFile.objects.filter(tenant_id=tenant_id, letter_id=letter_id,
                                                          role__in=[FileRole.SIGNED, FileRole.FINAL]).order_by("id")}
    return files.get(FileRole.SIGNED) or files.get(FileRole.FINAL)


def _require_desk(actor: Actor, draft: Draft) -> None:
    if draft.book is None or not registry_services.can_issue(actor, draft.book):
        raise NotAllowed("เฉพาะเจ้าหน้าที่ผู้ออกเลขของทะเบียนนี้ส่งหนังสือได้", "Only the book's clerks dispatch its letters.")


def draft_dispatch(*, tenant_id: int, actor: Actor, draft_id: int, recipient_ids: Sequence[int],
                   tracking_numbers: Mapping[int, str] | None = None) -> Draft:
    """Record the dispatch of the signed letter to these recipients, each by its own channel. Registered
    post needs a valid tracking number; e-mail is sent by a job (once per recipient). When nobody is left
    the entry becomes "dispatched" in the outgoing book."""
    holder = _holder(actor, tenant_id)
    draft = _locked(tenant_id, draft_id)
    if draft.state != DraftState.SIGNED:
        raise WrongState("หนังสือนี้ยังไม่ได้ลงนาม หรือส่งครบแล้ว", "This letter is not signed yet, or already sent.")
    _require_desk(actor, draft)
    tracking = {int(k): (v or "").strip().upper().replace(" ", "") for k, v in (tracking_numbers or {}).items()}
    ids = list(dict.fromkeys(int(i) for i in recipient_ids))
    if not ids:
        raise DraftingError("กรุณาเลือกผู้รับที่จะส่ง", "Choose the recipients to dispatch to.", field="recipient_ids")
    rows = {r.pk: r for r in DraftRecipient.objects.select_for_update().filter(tenant_id=tenant_id, draft=draft, pk__in=ids)}
    if len(rows) != len(ids):
        raise NotFoundInTenant()
    now = timezone.now()
    sent = []
    for rid in ids:
        r = rows[rid]
        if r.dispatched_at is not None:
            raise WrongState(f"ส่งถึง {r.name} ไปแล้ว", f"Already dispatched to {r.name}.", code="already_dispatched")
        if r.channel == DispatchChannel.REGISTERED_POST:
            number = tracking.get(rid, "")
            if not s10_valid(number):
                raise DraftingError(
                    f"เลขไปรษณีย์ลงทะเบียนของ {r.name} ไม่ถูกต้อง (เช่น RB123456785TH)",
                    f"The registered-post number for {r.name} is not valid (e.g. RB123456785TH).",
                    code="tracking_invalid", field=f"tracking_numbers.{rid}",
                )
            r.tracking_number = number
        if r.channel == DispatchChannel.EMAIL:
            job_enqueue(tenant_id=tenant_id, kind=EMAIL_DISPATCH_JOB, args={"recipient_id": r.pk},
                        idempotency_key=f"draft_email:{r.pk}")
        else:
            r.dispatched_at, r.dispatched_by_id = now, actor.user_id
        r.save(update_fields=["tracking_number", "dispatched_at", "dispatched_by"])
        sent.append({"recipient": r.pk, "name": r.name, "channel": r.channel, "tracking": r.tracking_number})
    _event(tenant_id, actor, draft, DraftEventKind.DISPATCHED, printed=holder.printed_position(None)[0],
           details={"recipients": sent})
    _close_if_all_sent(tenant_id, actor, draft)
    return draft


def _close_if_all_sent(tenant_id: int, actor: Actor, draft: Draft) -> None:
    """Every recipient dispatched (an e-mail counts once its job is queued; the job sends it once): the
    outgoing book shows "ส่งแล้ว"."""
    recipients = list(DraftRecipient.objects.filter(tenant_id=tenant_id, draft=draft))
    for r in recipients:
        if r.dispatched_at is None and not (r.channel == DispatchChannel.EMAIL and _email_queued(tenant_id, r)):
            return
    main = next((r for r in recipients if r.role == RecipientRole.TO), recipients[0])
    draft.state = DraftState.DISPATCHED
    draft.save(update_fields=["state", "updated_at"])  # first: the registry refuses a draft's entry while signed
    registry_services.entry_mark_dispatched(tenant_id=tenant_id, actor=actor, entry_id=draft.entry_id,
                                            channel=REGISTRY_CHANNEL[main.channel])


def _email_queued(tenant_id: int, r: DraftRecipient) -> bool:
    from tenants.models import Job

    return Job.objects.filter(tenant_id=tenant_id, kind=EMAIL_DISPATCH_JOB, idempotency_key=f"draft_email:{r.pk}").exists()


def delivery_record(*, tenant_id: int, actor: Actor, recipient_id: int, received_by_name: str) -> DraftRecipient:
    """By hand: the receiver signed the delivery book (สมุดส่ง); the clerk records who received it and when."""
    holder = _holder(actor, tenant_id)
    r = DraftRecipient.objects.select_for_update().filter(tenant_id=tenant_id, pk=recipient_id).first()
    if r is None:
        raise NotFoundInTenant()
    draft = _locked(tenant_id, r.draft_id)
    _require_desk(actor, draft)
    if r.channel != DispatchChannel.HAND or r.dispatched_at is None:
        raise WrongState("บันทึกการรับได้เฉพาะหนังสือที่ส่งด้วยมือและส่งออกแล้ว",
                         "Only a letter sent by hand and dispatched has a delivery-book receipt.", code="not_hand")
    if r.received_at is not None:
        raise WrongState("บันทึกการรับไว้แล้ว", "The receipt is already recorded.", code="already_received")
    name = _text(received_by_name, 255, field="received_by_name", label_th="ชื่อผู้รับ")
    if not name:
        raise DraftingError("กรุณาระบุชื่อผู้ลงชื่อรับ", "Please give the name of the person who received it.",
                            field="received_by_name")
    r.received_by_name, r.received_at = name, timezone.now()
    r.save(update_fields=["received_by_name", "received_at"])
    _event(tenant_id, actor, draft, DraftEventKind.DELIVERED, printed=holder.printed_position(None)[0],
           details={"recipient": r.pk, "name": r.name, "received_by": name})
    return r


@job_handler(EMAIL_DISPATCH_JOB)
def email_dispatch(*, tenant_id: int, job_id: int, recipient_id: int, **_: Any) -> dict[str, Any]:
    """Send the signed letter to one recipient's saraban e-mail, once: ``dispatched_at`` is set in the same
    transaction and the SMTP call is last, so a failure rolls it back and the job retries; a re-run after
    success sends nothing."""
    r = (DraftRecipient.objects.select_for_update(of=("self",)).select_related("draft", "draft__entry")
         .filter(tenant_id=tenant_id, pk=recipient_id).first())
    if r is None:
        return {"skipped": "no such recipient"}
    if r.dispatched_at is not None:
        return {"skipped": "already sent"}
    draft = r.draft
    stored = letter_file_to_send(tenant_id=tenant_id, letter_id=draft.letter_id)
    if stored is None or not r.email:
        return {"failed": "ไม่มีไฟล์หนังสือหรืออีเมลผู้รับ / no letter file or no address"}
    agency = Agency.objects.get(pk=tenant_id)
    reference = draft.entry.reference if draft.entry else ""
    subject = f"{reference} เรื่อง {draft.subject}"[:250]
    body = "\n".join([
        f"เรียน {r.name}", "", f"{agency.name_th} ขอส่งหนังสือ {reference} เรื่อง {draft.subject} มาพร้อมนี้", "",
        "หนังสือนี้ส่งจากระบบสารบรรณอิเล็กทรอนิกส์ กรุณาตอบรับทางอีเมลนี้", agency.name_th,
        agency.saraban_email or "",
    ])
    message = EmailMessage(subject, body, agency.saraban_email or settings.DEFAULT_FROM_EMAIL, [r.email])
    message.attach(stored.original_name, file_read(stored), "application/pdf")
    r.dispatched_at = timezone.now()
    r.save(update_fields=["dispatched_at"])
    message.send(fail_silently=False)  # last
    return {"sent_to": r.email, "recipient": r.pk}
