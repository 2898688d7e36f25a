"""Printed matter of dispatch: envelopes (แบบที่ 15 sizes), address labels and the delivery book
(สมุดส่ง). Rendered on request (small, quick), never stored: the record is the dispatch itself."""

from __future__ import annotations

from documents.drafting.errors import DraftingError
from documents.drafting.layout import _emblem, number_text
from documents.models import DispatchChannel, Draft, DraftRecipient, DraftState
from eoffice.common.exceptions import NotFoundInTenant
from tenants.models import Agency

POST_CHANNELS = (DispatchChannel.POST, DispatchChannel.REGISTERED_POST)


def _salutation_word(draft: Draft) -> str:
    from documents.models import DraftVersion

    version = DraftVersion.objects.filter(tenant_id=draft.tenant_id, draft=draft, number=draft.version).values_list("fields", flat=True).first()
    return (version or {}).get("salutation", "เรียน")


def _envelope(agency: Agency, draft: Draft, r: DraftRecipient):  # type: ignore[no-untyped-def]
    from documents.drafting.render import EnvelopeLayout

    emblem, emblem_type = _emblem(agency)
    return EnvelopeLayout(
        agency_name=agency.name_th, agency_address=" ".join(p for p in (agency.district, agency.province) if p),
        number_text=number_text(draft.entry), urgency=draft.urgency, secrecy=draft.secrecy,
        salutation_word=_salutation_word(draft), recipient_name=r.name, recipient_address=r.address,
        emblem=emblem, emblem_type=emblem_type, registered=r.channel == DispatchChannel.REGISTERED_POST,
        tracking_number=r.tracking_number,
    )


def _numbered(draft: Draft) -> None:
    if draft.entry_id is None or draft.state not in (DraftState.READY, DraftState.SIGNED, DraftState.DISPATCHED):
        raise DraftingError("พิมพ์ซองได้เมื่อหนังสือออกเลขแล้ว", "Envelopes are printed once the letter has its number.",
                            code="not_numbered")


def envelope_pdf(*, tenant_id: int, draft: Draft, recipient_id: int | None, size: str) -> bytes:
    from documents.drafting.render import ENVELOPE_SIZES, render_envelope

    _numbered(draft)
    if size not in ENVELOPE_SIZES:
        raise DraftingError("ขนาดซองไม่ถูกต้อง (C4 C5 C6 DL)", "Unknown envelope size (C4, C5, C6, DL).", field="size")
    recipients = DraftRecipient.objects.filter(tenant_id=tenant_id, draft=draft)
    r = recipients.filter(pk=recipient_id).first() if recipient_id else recipients.filter(channel__in=POST_CHANNELS).first()
    if r is None:
        raise NotFoundInTenant()
    return render_envelope(_envelope(Agency.objects.get(pk=tenant_id), draft, r), size)


def labels_pdf(*, tenant_id: int, draft: Draft) -> bytes:
    from documents.drafting.render import render_labels

    _numbered(draft)
    agency = Agency.objects.get(pk=tenant_id)
    rows = list(DraftRecipient.objects.filter(tenant_id=tenant_id, draft=draft, channel__in=POST_CHANNELS))
    if not rows:
        raise DraftingError("หนังสือนี้ไม่มีผู้รับทางไปรษณีย์", "This letter has no recipients by post.", code="no_post")
    return render_labels([_envelope(agency, draft, r) for r in rows])


def delivery_book_rows(*, tenant_id: int, drafts_q) -> list[DraftRecipient]:  # type: ignore[no-untyped-def]
    """By-hand recipients of numbered letters the actor sees, not yet received, oldest first."""
    return list(DraftRecipient.objects.filter(
        tenant_id=tenant_id, channel=DispatchChannel.HAND, received_at__isnull=True,
        draft__in=drafts_q.filter(state__in=[DraftState.SIGNED, DraftState.DISPATCHED]),
    ).select_related("draft", "draft__entry").order_by("draft__entry__registered_at", "id")[:500])


def delivery_book_pdf(*, tenant_id: int, rows: list[DraftRecipient]) -> bytes:
    from documents.drafting.render import DeliveryRow, render_delivery_book

    agency = Agency.objects.get(pk=tenant_id)
    return render_delivery_book(agency_name=agency.name_th, thai_digits=agency.use_thai_digits, rows=[
        DeliveryRow(number_text=number_text(r.draft.entry), to_name=r.name, subject=r.draft.subject,
                    received_by=r.received_by_name, received_at=r.received_at)
        for r in rows
    ])
