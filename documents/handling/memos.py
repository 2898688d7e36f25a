"""Internal memos (บันทึกข้อความ, แบบที่ 2) between units and positions inside the agency — the largest
volume of correspondence. A unit's clerk or head (or the central desk, for any unit) sends a memo
in-system: it takes its ที่ from the sending unit's own memo book (an outgoing book owned by the unit
that lists "internal"), else the agency's book for internal letters, and is recorded as dispatched
in-system. Each receiving unit holds it until its clerk registers it in the unit's incoming book (linked
to the memo's ที่), then assigns officers as for any distributed letter; a position named receives it
in whoever holds or acts for that post today. A receiving unit may return it ("not our matter"): it
goes back to the sending unit, which answers ทราบ.

The memo's text is the timeline's first event (``sent``, append-only), so what was sent can't change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils import timezone

from documents.files.services import PreparedFile
from documents.handling import notifications
from documents.handling.access import holder_of
from documents.handling.errors import HandlingError, NotAllowed
from documents.handling.services import (
    TEXT_MAX,
    _clean,
    _event,
    _holding,
    _ids_in_tenant,
    _names,
    _not_read_only,
)
from documents.models import (
    Book,
    Channel,
    EventKind,
    Handling,
    HandlingState,
    HolderKind,
    HoldingPurpose,
    LetterKind,
    NotificationKind,
    Purpose,
    Urgency,
)
from documents.registry import services as registry_services
from documents.registry.inputs import OutgoingInput, PartyInput
from eoffice.common.exceptions import NotFoundInTenant
from tenants.models import OrgUnit, Position
from tenants.permissions import Actor

SALUTATION_DEFAULT = "เรียน"


@dataclass(frozen=True)
class MemoInput:
    from_unit_id: int
    subject: str
    body: str
    unit_ids: Sequence[int] = ()
    position_ids: Sequence[int] = ()
    salutation: str = SALUTATION_DEFAULT  # "เรียน ผู้อำนวยการกองคลัง"
    purpose: str = Purpose.ACT
    urgency: str = Urgency.NORMAL
    enclosures: str = ""
    refers_to: str = ""
    files: Sequence[PreparedFile] = field(default_factory=tuple)


def memo_book_for(*, tenant_id: int, unit_id: int) -> Book:
    """The sending unit's own memo book if it has one, else the agency's book for internal letters."""
    for book in Book.objects.filter(tenant_id=tenant_id, unit_id=unit_id, is_active=True,
                                    kind__in=registry_services.MEMO_BOOK_KINDS).order_by("sort_order", "id"):
        if LetterKind.INTERNAL in (book.letter_kinds or []):
            return book
    return registry_services.default_book_for(tenant_id=tenant_id, kind=LetterKind.INTERNAL)


def may_send_from(actor: Actor, *, tenant_id: int, unit_id: int) -> bool:
    holder = holder_of(actor, tenant_id=tenant_id)
    return not holder.read_only and (holder.desk or holder.unit_id == unit_id)


def memo_send(*, tenant_id: int, actor: Actor, memo: MemoInput, idempotency_key: str | None) -> Handling:
    """Number and send an internal memo in-system; the receiving units and positions hold it at once.
    Sending twice with the same key returns the first memo (one number, one set of holdings)."""
    holder = holder_of(actor, tenant_id=tenant_id)
    _not_read_only(holder)
    unit = OrgUnit.objects.filter(tenant_id=tenant_id, pk=memo.from_unit_id).first()
    if unit is None:
        raise NotFoundInTenant()
    if not (holder.desk or holder.unit_id == unit.pk):
        raise NotAllowed("ส่งบันทึกข้อความได้ในนามหน่วยงานของท่านเท่านั้น",
                         "You may send memos only in the name of your own unit.")
    units = [u for u in _ids_in_tenant(OrgUnit, tenant_id, memo.unit_ids, field="unit_ids") if u != unit.pk]
    positions = _ids_in_tenant(Position, tenant_id, memo.position_ids, field="position_ids")
    if not units and not positions:
        raise HandlingError("กรุณาเลือกหน่วยงานหรือตำแหน่งที่จะส่งถึง (ไม่ใช่หน่วยงานผู้ส่ง)",
                            "Choose at least one unit (other than the sender) or position.", field="unit_ids")
    subject = _clean(memo.subject, 500, field="subject")
    body = _clean(memo.body, TEXT_MAX, field="body")
    salutation = _clean(memo.salutation, 255, field="salutation") or SALUTATION_DEFAULT
    if not subject:
        raise HandlingError("กรุณากรอกเรื่อง", "Please enter the subject.", field="subject")
    if not body:
        raise HandlingError("กรุณากรอกข้อความ", "Please write the memo's text.", field="body")
    if memo.purpose not in Purpose.values:
        raise HandlingError("วัตถุประสงค์ไม่ถูกต้อง", "Unknown purpose.", field="purpose")
    printed, line = holder.printed_position(None)
    book = memo_book_for(tenant_id=tenant_id, unit_id=unit.pk)
    data = OutgoingInput(
        kind=LetterKind.INTERNAL, subject=subject, sender=PartyInput(unit_id=unit.pk),
        recipients=tuple(PartyInput(unit_id=u) for u in units) + tuple(PartyInput(position_id=p) for p in positions),
        letter_date=timezone.localdate(), purpose=memo.purpose, urgency=memo.urgency,
        enclosures=_clean(memo.enclosures, 1000, field="enclosures"), refers_to=_clean(memo.refers_to, 1000, field="refers_to"),
        extra={"issuing_unit": unit.name_th, "salutation": salutation,
               "signer_name": actor.display_name or "", "signer_position": printed},
        channel=Channel.IN_SYSTEM, book_id=book.pk,
    )
    entry = registry_services.issue_outgoing(tenant_id=tenant_id, actor=actor, data=data, files=list(memo.files),
                                             idempotency_key=idempotency_key)
    existing = Handling.objects.filter(tenant_id=tenant_id, entry=entry).first()
    if existing is not None:  # the same request again
        return existing
    entry = registry_services.entry_mark_dispatched(tenant_id=tenant_id, actor=actor, entry_id=entry.pk,
                                                    channel=Channel.IN_SYSTEM)
    handling = Handling.objects.create(tenant_id=tenant_id, entry=entry, letter=entry.letter, created_by_id=actor.user_id,
                                       state=HandlingState.DISTRIBUTED)
    purpose = HoldingPurpose.INFORM if memo.purpose == Purpose.INFORM else HoldingPurpose.DISTRIBUTE
    note = f"{salutation}\n{subject}"[:1000]
    held = [_holding(tenant_id, actor, handling, HolderKind.UNIT, purpose, unit=u, note=note) for u in units]
    held += [_holding(tenant_id, actor, handling, HolderKind.POSITION, purpose, position=p, note=note) for p in positions]
    notifications.notify_holdings(tenant_id=tenant_id, actor=actor, holdings=held, kind=NotificationKind.MEMO)
    _event(tenant_id, actor, holder, handling, EventKind.SENT, phrase="", text=body,
           details={"from_unit": unit.name_th, "number": entry.number_label, "salutation": salutation,
                    "signer_position": printed, "authority_line": line, "units": units, "positions": positions,
                    "to": _names(OrgUnit, tenant_id, units) + _names(Position, tenant_id, positions)})
    return handling

