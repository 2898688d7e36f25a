"""Handling writes: the state machine of an incoming letter inside the agency.

    register (central) -> note (เกษียน) -> present up the chain -> endorse at each step -> the last
    step orders (สั่งการ) -> the central desk distributes as ordered -> a unit registers it in its book
    -> assigns officers -> they record what they did and close; units may return or forward.
    Letters for information can go from the desk straight to units (``send_for_information``).

Every function takes ``tenant_id`` and the ``actor`` explicitly and runs in the caller's tenant scope
(one transaction). The holding row is locked (``FOR UPDATE``) before its status is checked, so two
clicks or two people can't both move the same holding: the second gets a clear "already done".
Each step is one timeline event and one audit event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from documents.files.services import PreparedFile, file_record
from documents.handling import notifications
from documents.handling.access import Holder, holder_of, require_manage
from documents.handling.due import default_due_on
from documents.handling.errors import HandlingError, NotAllowed, WrongState
from documents.handling.jobs import endorse_copy_enqueue
from documents.models import (
    Book,
    BookKind,
    DueRule,
    EntryStatus,
    EventKind,
    FileCategory,
    FileRole,
    Handling,
    HandlingEvent,
    HandlingState,
    HolderKind,
    Holding,
    HoldingPurpose,
    HoldingStatus,
    LetterKind,
    NotificationKind,
    PresentationChain,
    PresentationStep,
    Purpose,
    RegistryEntry,
    Secrecy,
    Urgency,
)
from documents.registry import services as registry_services
from eoffice.common.exceptions import NotFoundInTenant
from tenants.models import Agency, Membership, OrgUnit, Position
from tenants.permissions import Actor
from tenants.services.audit import audit_record

# One-tap phrases (the words executives write on paper); free text is always allowed beside them.
PHRASES = ("ทราบ", "ดำเนินการ", "เห็นชอบ", "อนุมัติ", "ไม่อนุมัติ", "มอบ", "แจ้งเวียน", "เพื่อโปรดพิจารณา")
TEXT_MAX = 4000
NOTE_MAX = 1000
ACTION_FILES_MAX = 10


@dataclass(frozen=True)
class NoteInput:
    summary: str
    facts: str = ""
    recommendation: str = ""
    reply_by: dt.date | None = None  # the sender's deadline for a reply, if the letter sets one


def _clean(text: str, limit: int, *, field: str) -> str:
    """Plain text kept as typed (pages escape it); control characters other than newlines/tabs are
    refused, since no person types them."""
    text = (text or "").strip()
    if any(ord(c) < 32 and c not in "\n\t\r" for c in text):
        raise HandlingError("ข้อความมีอักขระควบคุมที่ใช้ไม่ได้", "The text contains control characters.", field=field)
    if len(text) > limit:
        raise HandlingError(f"ข้อความยาวเกิน {limit:,} ตัวอักษร", f"The text is longer than {limit:,} characters.",
                            field=field)
    return text


def _not_read_only(holder: Holder) -> None:
    if holder.read_only:
        raise NotAllowed("ท่านมีสิทธิ์อ่านอย่างเดียว", "You have read-only access.")


def _locked_holding(tenant_id: int, holding_id: int, holder: Holder) -> Holding:
    """The holding, locked, if the actor holds it today; another's holding is answered like a missing one."""
    holding = (Holding.objects.select_for_update(of=("self",)).select_related("handling", "handling__letter")
               .filter(tenant_id=tenant_id, pk=holding_id).first())
    if holding is None or not holder.holds(holding):
        raise NotFoundInTenant()
    if holding.status != HoldingStatus.OPEN:
        raise WrongState("รายการนี้ดำเนินการไปแล้ว", "This has already been acted on.", code="already_done")
    return holding


def _locked_handling(tenant_id: int, handling_id: int) -> Handling:
    handling = (Handling.objects.select_for_update(of=("self",)).select_related("letter", "entry")
                .filter(tenant_id=tenant_id, pk=handling_id).first())
    if handling is None:
        raise NotFoundInTenant()
    return handling


def _event(tenant_id: int, actor: Actor, holder: Holder, handling: Handling, kind: str, *, holding: Holding | None = None,
           position_id: int | None = None, phrase: str = "", text: str = "", details: dict | None = None) -> HandlingEvent:
    printed, line = holder.printed_position(position_id)
    event = HandlingEvent.objects.create(
        tenant_id=tenant_id, handling=handling, holding=holding, kind=kind, actor_id=actor.user_id,
        actor_name=actor.display_name or str(actor.user_id), actor_position=printed, authority_line=line,
        phrase=phrase, text=text, details=details or {},
    )
    audit_record(
        tenant_id=tenant_id, actor_id=actor.user_id, action=f"handling.{kind}", object_type="handling",
        object_id=handling.pk, acting_for=line or actor.acting_for,
        changes={"entry": handling.entry_id, "holding": holding.pk if holding else None, "event": event.pk,
                 "phrase": phrase, **{k: v for k, v in (details or {}).items() if k != "parts"}},
    )
    endorse_copy_enqueue(tenant_id=tenant_id, event=event, letter_id=handling.letter_id)  # notes, endorsements
    return event


def _holding(tenant_id: int, actor: Actor, handling: Handling, kind: str, purpose: str, *, note: str = "",
             parent: Holding | None = None, step: int | None = None, position: int | None = None,
             unit: int | None = None, membership: int | None = None, due_on: dt.date | None = None) -> Holding:
    return Holding.objects.create(
        tenant_id=tenant_id, handling=handling, holder_kind=kind, purpose=purpose, step=step, position_id=position,
        unit_id=unit, membership_id=membership, passed_by_id=actor.user_id, passed_note=note[:NOTE_MAX],
        parent=parent, due_on=due_on,
    )


def _finish(holding: Holding, status: str = HoldingStatus.DONE) -> None:
    holding.status = status
    holding.finished_at = timezone.now()
    holding.save(update_fields=["status", "finished_at"])


def _maybe_close(handling: Handling) -> None:
    """A distributed letter is closed when no holding of it is open any more."""
    if handling.state != HandlingState.DISTRIBUTED:
        return
    if not Holding.objects.filter(tenant_id=handling.tenant_id, handling=handling, status=HoldingStatus.OPEN).exists():
        handling.state = HandlingState.CLOSED
        handling.closed_at = timezone.now()
        handling.save(update_fields=["state", "closed_at"])


def _ids_in_tenant(model: type, tenant_id: int, ids: Sequence[int], *, field: str) -> list[int]:
    ids = list(dict.fromkeys(int(i) for i in ids))
    found = set(model.objects.filter(tenant_id=tenant_id, pk__in=ids, is_active=True).values_list("pk", flat=True))
    if found != set(ids):
        raise HandlingError("ไม่พบหน่วยงานหรือตำแหน่งที่เลือก", "A chosen unit or position was not found.", field=field)
    return ids


def _names(model: type, tenant_id: int, ids: Sequence[int]) -> list[str]:
    attr = "title_th" if model is Position else "name_th"
    by_id = dict(model.objects.filter(tenant_id=tenant_id, pk__in=ids).values_list("pk", attr))
    return [by_id[i] for i in ids if i in by_id]


# --- the central desk: note, present, send for information ----------------------------------------------------
def handling_start(*, tenant_id: int, actor: Actor, entry_id: int, note: NoteInput) -> Handling:
    """The central clerk's note (เกษียนหนังสือ: summary, relevant facts and rules, recommendation) on a
    registered central incoming entry; the letter then waits at the desk to be presented."""
    holder = holder_of(actor, tenant_id=tenant_id)
    _not_read_only(holder)
    if not holder.desk:
        raise NotAllowed("เฉพาะเจ้าหน้าที่สารบรรณกลางเกษียนหนังสือรับ", "Only the central desk writes the note.")
    entry = (RegistryEntry.objects.select_for_update(of=("self",)).select_related("letter", "book")
             .filter(tenant_id=tenant_id, pk=entry_id, book__kind=BookKind.CENTRAL_INCOMING).first())
    if entry is None or entry.letter is None:
        raise NotFoundInTenant()
    if entry.letter.secrecy != Secrecy.NORMAL:
        raise HandlingError("หนังสือลับดำเนินการผ่านนายทะเบียนข้อมูลข่าวสารลับ ไม่เสนอตามสายงานปกติ",
                            "Secret letters go through the secret-information registrar, not the normal chain.",
                            code="secret_not_handled")
    if entry.status == EntryStatus.ANNULLED:
        raise WrongState("เลขรับนี้ถูกยกเลิกแล้ว", "This entry was annulled.", code="annulled")
    if Handling.objects.filter(tenant_id=tenant_id, entry=entry).exists():
        raise WrongState("หนังสือนี้เกษียนแล้ว", "This letter already has a note.", code="already_noted")
    parts = {"summary": _clean(note.summary, TEXT_MAX, field="summary"),
             "facts": _clean(note.facts, TEXT_MAX, field="facts"),
             "recommendation": _clean(note.recommendation, TEXT_MAX, field="recommendation")}
    if not parts["summary"]:
        raise HandlingError("กรุณาสรุปสาระสำคัญของหนังสือ", "Please summarise the letter.", field="summary")
    if note.reply_by is not None and note.reply_by < timezone.localdate():
        raise HandlingError("วันที่ต้องตอบต้องไม่ก่อนวันนี้", "The reply deadline can't be in the past.", field="reply_by")
    handling = Handling.objects.create(tenant_id=tenant_id, entry=entry, letter=entry.letter, created_by_id=actor.user_id,
                                       reply_by=note.reply_by)
    desk = _holding(tenant_id, actor, handling, HolderKind.DESK, HoldingPurpose.PRESENT, note=parts["summary"])
    _event(tenant_id, actor, holder, handling, EventKind.NOTED, holding=desk, text=parts["summary"],
           details={"parts": parts, **({"reply_by": note.reply_by.isoformat()} if note.reply_by else {})})
    return handling


def chain_for(*, tenant_id: int, handling: Handling) -> PresentationChain | None:
    """The first active chain whose conditions match the letter (kind, urgency, sender agency)."""
    letter = handling.letter
    sender_agency = letter.parties.filter(role="from").values_list("agency_id", flat=True).first()
    for chain in PresentationChain.objects.filter(tenant_id=tenant_id, is_active=True):
        if chain.letter_kinds and letter.kind not in chain.letter_kinds:
            continue
        if chain.urgencies and letter.urgency not in chain.urgencies:
            continue
        if chain.sender_agency_id and chain.sender_agency_id != sender_agency:
            continue
        return chain
    return None


def present(*, tenant_id: int, actor: Actor, handling_id: int, chain_id: int | None = None, note: str = "") -> Holding:
    """Present the noted letter to the first position of its chain (chosen by the letter, or the one named)."""
    holder = holder_of(actor, tenant_id=tenant_id)
    _not_read_only(holder)
    handling = _locked_handling(tenant_id, handling_id)
    desk = _desk_holding(tenant_id, handling, holder, purpose=HoldingPurpose.PRESENT)
    if handling.state != HandlingState.NOTED:
        raise WrongState("เสนอได้เฉพาะหนังสือที่เกษียนแล้วและยังไม่ได้เสนอ", "Only a noted letter not yet presented can be presented.")
    if chain_id is not None:
        chain = PresentationChain.objects.filter(tenant_id=tenant_id, pk=chain_id, is_active=True).first()
        if chain is None:
            raise HandlingError("ไม่พบสายการเสนอที่เลือก", "The chosen presentation chain was not found.", field="chain_id")
    else:
        chain = chain_for(tenant_id=tenant_id, handling=handling)
        if chain is None:
            raise HandlingError("ยังไม่ได้กำหนดสายการเสนอสำหรับหนังสือนี้ ให้ผู้ดูแลระบบกำหนดสายการเสนอ",
                                "No presentation chain matches this letter; ask the agency admin to set one up.",
                                code="no_chain", field="chain_id")
    first = PresentationStep.objects.filter(tenant_id=tenant_id, chain=chain).order_by("order").first()
    if first is None:
        raise HandlingError("สายการเสนอนี้ยังไม่มีตำแหน่ง", "This chain has no steps.", field="chain_id")
    note = _clean(note, NOTE_MAX, field="note")
    _finish(desk)
    handling.state = HandlingState.PRESENTING
    handling.chain = chain
    handling.save(update_fields=["state", "chain"])
    nxt = _holding(tenant_id, actor, handling, HolderKind.POSITION, HoldingPurpose.PRESENT, parent=desk,
                   step=first.order, position=first.position_id, note=note or desk.passed_note)
    notifications.notify_holdings(tenant_id=tenant_id, actor=actor, holdings=[nxt], kind=NotificationKind.PRESENTED)
    _event(tenant_id, actor, holder, handling, EventKind.PRESENTED, holding=nxt, text=note,
           details={"chain": chain.name_th, "to": _names(Position, tenant_id, [first.position_id])})
    return nxt


def _desk_holding(tenant_id: int, handling: Handling, holder: Holder, *, purpose: str) -> Holding:
    if not holder.desk:
        raise NotAllowed("เฉพาะเจ้าหน้าที่สารบรรณกลาง", "Only the central desk may do this.")
    desk = (Holding.objects.select_for_update(of=("self",))
            .filter(tenant_id=tenant_id, handling=handling, holder_kind=HolderKind.DESK, status=HoldingStatus.OPEN)
            .first())
    if desk is None or desk.purpose != purpose:
        raise WrongState("หนังสือไม่ได้อยู่ที่งานสารบรรณกลางในขั้นตอนนี้", "The letter is not at the central desk for this step.")
    return desk


def send_for_information(*, tenant_id: int, actor: Actor, handling_id: int, unit_ids: Sequence[int] = (),
                         position_ids: Sequence[int] = (), note: str = "") -> list[Holding]:
    """Letters for information go from the desk straight to units or positions (no presentation)."""
    holder = holder_of(actor, tenant_id=tenant_id)
    _not_read_only(holder)
    handling = _locked_handling(tenant_id, handling_id)
    desk = _desk_holding(tenant_id, handling, holder, purpose=HoldingPurpose.PRESENT)
    if handling.letter.purpose != Purpose.INFORM:
        raise WrongState("ส่งตรงได้เฉพาะหนังสือเพื่อทราบ หนังสืออื่นต้องเสนอตามสายงาน",
                         "Only letters for information go straight to units; others are presented.",
                         code="not_for_information")
    return _spread(tenant_id, actor, holder, handling, desk, unit_ids, position_ids, note,
                   purpose=HoldingPurpose.INFORM, kind=EventKind.INFORMED)


def _spread(tenant_id: int, actor: Actor, holder: Holder, handling: Handling, desk: Holding, unit_ids: Sequence[int],
            position_ids: Sequence[int], note: str, *, purpose: str, kind: str) -> list[Holding]:
    units = _ids_in_tenant(OrgUnit, tenant_id, unit_ids, field="unit_ids")
    positions = _ids_in_tenant(Position, tenant_id, position_ids, field="position_ids")
    if not units and not positions:
        raise HandlingError("กรุณาเลือกหน่วยงานหรือตำแหน่งที่จะส่งถึง", "Choose at least one unit or position.",
                            field="unit_ids")
    note = _clean(note, NOTE_MAX, field="note")
    holding_now = Holding.objects.filter(tenant_id=tenant_id, handling=handling, status=HoldingStatus.OPEN).filter(
        Q(unit_id__in=units) | Q(position_id__in=positions))
    if holding_now.exists():
        raise WrongState("หน่วยงานหรือตำแหน่งที่เลือกถือเรื่องนี้อยู่แล้ว", "A chosen unit or position already holds this letter.",
                         code="already_holds")
    _finish(desk)
    handling.state = HandlingState.DISTRIBUTED
    handling.save(update_fields=["state"])
    made = [_holding(tenant_id, actor, handling, HolderKind.UNIT, purpose, parent=desk, unit=u, note=note) for u in units]
    made += [_holding(tenant_id, actor, handling, HolderKind.POSITION, purpose, parent=desk, position=p, note=note)
             for p in positions]
    notifications.notify_holdings(tenant_id=tenant_id, actor=actor, holdings=made, kind=(
        NotificationKind.INFORMED if kind == EventKind.INFORMED else NotificationKind.DISTRIBUTED))
    _event(tenant_id, actor, holder, handling, kind, holding=desk, text=note,
           details={"to": _names(OrgUnit, tenant_id, units) + _names(Position, tenant_id, positions),
                    "units": units, "positions": positions})
    return made


# --- endorse and order -----------------------------------------------------------------------------------------
def endorse(*, tenant_id: int, actor: Actor, holding_id: int, phrase: str = "", text: str = "",
            order_units: Sequence[int] = (), order_positions: Sequence[int] = (), final: bool = False) -> Handling:
    """The holder of a presentation step endorses (เกษียน) or orders (สั่งการ): typed name, position as
    printed and time, in this authenticated session. The letter moves to the chain's next position; at
    the last step (or when ``final``), or when units/positions are named ("มอบ กองช่าง"), the words are
    the order and the letter goes back to the central desk to be distributed as ordered. A letter for
    information that the executive marks ทราบ at the last step is closed."""
    holder = holder_of(actor, tenant_id=tenant_id)
    _not_read_only(holder)
    holding = _locked_holding(tenant_id, holding_id, holder)
    if holding.purpose == HoldingPurpose.INFORM:
        return _acknowledge_held(tenant_id, actor, holder, holding)
    return _endorse_held(tenant_id, actor, holder, holding, phrase=phrase, text=text, order_units=order_units,
                         order_positions=order_positions, final=final)


def _endorse_held(tenant_id: int, actor: Actor, holder: Holder, holding: Holding, *, phrase: str, text: str,
                  order_units: Sequence[int] = (), order_positions: Sequence[int] = (), final: bool = False) -> Handling:
    """``endorse`` on a holding already locked and checked to be the actor's."""
    handling = holding.handling
    if holding.purpose != HoldingPurpose.PRESENT or holding.holder_kind != HolderKind.POSITION:
        raise WrongState("รายการนี้ไม่ได้เสนอเพื่อเกษียน/สั่งการ", "This is not a step for endorsement.")
    phrase = _clean(phrase, 100, field="phrase")
    text = _clean(text, TEXT_MAX, field="text")
    if not phrase and not text:
        raise HandlingError("กรุณาเลือกคำเกษียนหรือพิมพ์ข้อความ", "Choose a phrase or type the endorsement.", field="text")
    units = _ids_in_tenant(OrgUnit, tenant_id, order_units, field="order_units")
    positions = _ids_in_tenant(Position, tenant_id, order_positions, field="order_positions")
    nxt_step = (PresentationStep.objects.filter(tenant_id=tenant_id, chain_id=handling.chain_id, order__gt=holding.step or 0)
                .order_by("order").first()) if handling.chain_id else None
    ordering = final or nxt_step is None or bool(units or positions)
    _finish(holding)
    details: dict = {"step": holding.step}
    if ordering:
        details.update(order=True, units=units, positions=positions,
                       to=_names(OrgUnit, tenant_id, units) + _names(Position, tenant_id, positions))
    event = _event(tenant_id, actor, holder, handling, EventKind.ENDORSED, holding=holding, position_id=holding.position_id,
                   phrase=phrase, text=text, details=details)
    words = " ".join(w for w in (phrase, text) if w)
    if not ordering:
        nxt = _holding(tenant_id, actor, handling, HolderKind.POSITION, HoldingPurpose.PRESENT, parent=holding,
                       step=nxt_step.order, position=nxt_step.position_id, note=words)
        notifications.notify_holdings(tenant_id=tenant_id, actor=actor, holdings=[nxt], kind=NotificationKind.PRESENTED)
        return handling
    handling.ordered_units, handling.ordered_positions = units, positions
    if not units and not positions and handling.letter.purpose == Purpose.INFORM:
        handling.state = HandlingState.CLOSED  # "ทราบ" on a letter for information ends it
        handling.closed_at = timezone.now()
        handling.save(update_fields=["state", "ordered_units", "ordered_positions", "closed_at"])
        _event(tenant_id, actor, holder, handling, EventKind.CLOSED, text="", details={"by_endorsement": event.pk})
        return handling
    handling.state = HandlingState.ORDERED
    handling.save(update_fields=["state", "ordered_units", "ordered_positions"])
    desk = _holding(tenant_id, actor, handling, HolderKind.DESK, HoldingPurpose.DISTRIBUTE, parent=holding, note=words)
    notifications.notify_holdings(tenant_id=tenant_id, actor=actor, holdings=[desk], kind=NotificationKind.ORDERED)
    return handling


def endorse_bulk(*, tenant_id: int, actor: Actor, holding_ids: Sequence[int], phrase: str = "ทราบ") -> list[int]:
    """Bulk "ทราบ" for letters sent for information: each is its own endorsement and audit event.
    Only letters whose purpose is เพื่อทราบ qualify; anything else is refused whole (nothing is done)."""
    holder = holder_of(actor, tenant_id=tenant_id)
    _not_read_only(holder)
    ids = list(dict.fromkeys(int(i) for i in holding_ids))
    if not ids:
        raise HandlingError("กรุณาเลือกหนังสือ", "Choose at least one letter.", field="holding_ids")
    if len(ids) > 200:
        raise HandlingError("เลือกได้ครั้งละไม่เกิน 200 เรื่อง", "At most 200 letters at a time.", field="holding_ids")
    # Lock and check every one first (in a fixed order: two bulk requests never deadlock), then act.
    holdings = [_locked_holding(tenant_id, hid, holder) for hid in sorted(ids)]
    for holding in holdings:
        if holding.handling.letter.purpose != Purpose.INFORM:
            raise WrongState("ทราบรวมได้เฉพาะหนังสือเพื่อทราบ", "Bulk ทราบ is only for letters for information.",
                             code="not_for_information")
    for holding in holdings:
        if holding.purpose == HoldingPurpose.INFORM:
            _acknowledge_held(tenant_id, actor, holder, holding)
        else:
            _endorse_held(tenant_id, actor, holder, holding, phrase=phrase, text="", final=True)
    return [h.pk for h in holdings]


def acknowledge(*, tenant_id: int, actor: Actor, holding_id: int) -> Handling:
    """ทราบ on a letter sent for information to a unit or position."""
    holder = holder_of(actor, tenant_id=tenant_id)
    _not_read_only(holder)
    return _acknowledge_held(tenant_id, actor, holder, _locked_holding(tenant_id, holding_id, holder))


def _acknowledge_held(tenant_id: int, actor: Actor, holder: Holder, holding: Holding) -> Handling:
    if holding.purpose != HoldingPurpose.INFORM:
        raise WrongState("รายการนี้ไม่ได้ส่งมาเพื่อทราบ", "This was not sent for information.")
    _finish(holding, HoldingStatus.CLOSED)
    handling = holding.handling
    _event(tenant_id, actor, holder, handling, EventKind.ENDORSED, holding=holding, position_id=holding.position_id,
           phrase="ทราบ")
    _maybe_close(handling)
    return handling


# --- distribute, unit, officers ----------------------------------------------------------------------------------
def distribute(*, tenant_id: int, actor: Actor, handling_id: int, unit_ids: Sequence[int] | None = None,
               position_ids: Sequence[int] | None = None, note: str = "") -> list[Holding]:
    """The central desk distributes as ordered (the order's units and positions unless others are named)."""
    holder = holder_of(actor, tenant_id=tenant_id)
    _not_read_only(holder)
    handling = _locked_handling(tenant_id, handling_id)
    # ORDERED: as the order says; DISTRIBUTED: a unit returned it while others still hold it
    if handling.state not in (HandlingState.ORDERED, HandlingState.DISTRIBUTED):
        raise WrongState("แจกจ่ายได้เมื่อผู้บริหารสั่งการแล้ว", "A letter is distributed once it has been ordered.")
    desk = _desk_holding(tenant_id, handling, holder, purpose=HoldingPurpose.DISTRIBUTE)
    units = handling.ordered_units if unit_ids is None else unit_ids
    positions = handling.ordered_positions if position_ids is None else position_ids
    return _spread(tenant_id, actor, holder, handling, desk, units, positions, note or desk.passed_note,
                   purpose=HoldingPurpose.DISTRIBUTE, kind=EventKind.DISTRIBUTED)


def unit_register(*, tenant_id: int, actor: Actor, holding_id: int, idempotency_key: str | None = None,
                  note: str = "") -> Holding:
    """The unit clerk receives a distributed letter and registers it in the unit's book (linked to the
    central เลขรับ); the unit then holds it to assign officers."""
    holder = holder_of(actor, tenant_id=tenant_id)
    _not_read_only(holder)
    holding = _locked_holding(tenant_id, holding_id, holder)
    if holding.holder_kind != HolderKind.UNIT or holding.purpose not in (HoldingPurpose.DISTRIBUTE, HoldingPurpose.INFORM):
        raise WrongState("รายการนี้ไม่ใช่หนังสือที่แจกจ่ายถึงหน่วยงาน", "This is not a letter distributed to a unit.")
    if holding.unit_entry_id is not None:
        raise WrongState("หน่วยงานลงทะเบียนรับหนังสือนี้แล้ว", "The unit has already registered this letter.",
                         code="already_registered")
    book = Book.objects.filter(tenant_id=tenant_id, kind=BookKind.UNIT_INCOMING, unit_id=holding.unit_id,
                               is_active=True).first()
    if book is None:
        raise HandlingError("หน่วยงานนี้ยังไม่มีทะเบียนรับ ให้ผู้ดูแลระบบเปิดทะเบียนก่อน",
                            "This unit has no incoming book yet; ask the agency admin to open one.", code="no_unit_book")
    entry = registry_services.register_in_unit(
        tenant_id=tenant_id, actor=actor, central_entry_id=holding.handling.entry_id, book_id=book.pk,
        idempotency_key=idempotency_key, note=_clean(note, 500, field="note"),
    )
    holding.unit_entry = entry
    holding.save(update_fields=["unit_entry"])
    _event(tenant_id, actor, holder, holding.handling, EventKind.UNIT_REGISTERED, holding=holding,
           details={"unit_entry": entry.pk, "number": entry.number_label, "to": _names(OrgUnit, tenant_id, [holding.unit_id])})
    return holding


def assign(*, tenant_id: int, actor: Actor, holding_id: int, membership_ids: Sequence[int], due_on: dt.date | None = None,
           note: str = "") -> list[Holding]:
    """The unit assigns officers with a due date (by default: documents.handling.due); each officer then
    holds the letter."""
    holder = holder_of(actor, tenant_id=tenant_id)
    _not_read_only(holder)
    holding = _locked_holding(tenant_id, holding_id, holder)
    if holding.holder_kind not in (HolderKind.UNIT, HolderKind.POSITION) or holding.purpose != HoldingPurpose.DISTRIBUTE:
        raise WrongState("มอบหมายได้เฉพาะหนังสือที่แจกจ่ายถึงหน่วยงานหรือตำแหน่ง", "Only a distributed letter can be assigned.")
    if holding.holder_kind == HolderKind.UNIT and holding.unit_entry_id is None:
        raise WrongState("ลงทะเบียนรับในทะเบียนของหน่วยงานก่อนมอบหมาย", "Register it in the unit's book first.",
                         code="not_registered")
    ids = list(dict.fromkeys(int(i) for i in membership_ids))
    members = set(Membership.objects.filter(tenant_id=tenant_id, pk__in=ids, is_active=True).values_list("pk", flat=True))
    if not ids or members != set(ids):
        raise HandlingError("กรุณาเลือกผู้ปฏิบัติจากผู้ใช้ของหน่วยงาน", "Choose officers from the agency's members.",
                            field="membership_ids")
    if due_on is not None and due_on < timezone.localdate():
        raise HandlingError("วันกำหนดเสร็จต้องไม่ก่อนวันนี้", "The due date can't be in the past.", field="due_on")
    if due_on is None:  # by urgency on the working-day calendar, or the ด่วนภายใน deadline if sooner
        due_on = default_due_on(tenant_id=tenant_id, letter=holding.handling.letter, reply_by=holding.handling.reply_by)
    note = _clean(note, NOTE_MAX, field="note")
    _finish(holding)
    made = [_holding(tenant_id, actor, holding.handling, HolderKind.MEMBER, HoldingPurpose.ACT, parent=holding,
                     membership=m, note=note, due_on=due_on) for m in ids]
    notifications.notify_holdings(tenant_id=tenant_id, actor=actor, holdings=made, kind=NotificationKind.ASSIGNED)
    names = list(Membership.objects.filter(tenant_id=tenant_id, pk__in=ids).select_related("user"))
    _event(tenant_id, actor, holder, holding.handling, EventKind.ASSIGNED, holding=holding,
           position_id=holding.position_id, text=note,
           details={"to": [m.user.display_name_th for m in names], "due_on": due_on.isoformat() if due_on else None})
    return made


def is_memo(handling: Handling) -> bool:
    """An internal memo's handling hangs on the memo's own entry (its ที่), not on a central เลขรับ."""
    return handling.entry.book.kind != BookKind.CENTRAL_INCOMING


def _memo_sender_unit(handling: Handling) -> int | None:
    return (handling.letter.parties.filter(role="from", unit__isnull=False).values_list("unit_id", flat=True).first())


def return_holding(*, tenant_id: int, actor: Actor, holding_id: int, reason: str) -> Holding:
    """A unit sends the letter back ("not our matter") with a reason: it returns to the central desk, or
    — an internal memo — to the unit that sent it, which answers ทราบ."""
    holder = holder_of(actor, tenant_id=tenant_id)
    _not_read_only(holder)
    holding = _locked_holding(tenant_id, holding_id, holder)
    if holding.purpose != HoldingPurpose.DISTRIBUTE or holding.holder_kind not in (HolderKind.UNIT, HolderKind.POSITION):
        raise WrongState("ส่งคืนได้เฉพาะหนังสือที่แจกจ่ายมาถึง", "Only a distributed letter can be returned.")
    reason = _clean(reason, NOTE_MAX, field="reason")
    if not reason:
        raise HandlingError("กรุณาระบุเหตุผลที่ส่งคืน", "Please give the reason for returning it.", field="reason")
    _finish(holding, HoldingStatus.RETURNED)
    handling = holding.handling
    sender_unit = _memo_sender_unit(handling) if is_memo(handling) else None
    if sender_unit is not None:
        back = _holding(tenant_id, actor, handling, HolderKind.UNIT, HoldingPurpose.INFORM, parent=holding,
                        unit=sender_unit, note=reason)
        notifications.notify_holdings(tenant_id=tenant_id, actor=actor, holdings=[back], kind=NotificationKind.RETURNED)
        _event(tenant_id, actor, holder, handling, EventKind.RETURNED, holding=holding, position_id=holding.position_id,
               text=reason, details={"to": _names(OrgUnit, tenant_id, [sender_unit])})
        return back
    desk = _holding(tenant_id, actor, handling, HolderKind.DESK, HoldingPurpose.DISTRIBUTE, parent=holding, note=reason)
    notifications.notify_holdings(tenant_id=tenant_id, actor=actor, holdings=[desk], kind=NotificationKind.RETURNED)
    if handling.state == HandlingState.DISTRIBUTED and not Holding.objects.filter(
            tenant_id=tenant_id, handling=handling, status=HoldingStatus.OPEN).exclude(pk=desk.pk).exists():
        handling.state = HandlingState.ORDERED  # back at the desk to be distributed again
        handling.ordered_units, handling.ordered_positions = [], []
        handling.save(update_fields=["state", "ordered_units", "ordered_positions"])
    _event(tenant_id, actor, holder, handling, EventKind.RETURNED, holding=holding, position_id=holding.position_id,
           text=reason)
    return desk


def forward(*, tenant_id: int, actor: Actor, holding_id: int, unit_id: int, reason: str) -> Holding:
    """A unit forwards the letter to another unit (with a reason)."""
    holder = holder_of(actor, tenant_id=tenant_id)
    _not_read_only(holder)
    holding = _locked_holding(tenant_id, holding_id, holder)
    if holding.purpose != HoldingPurpose.DISTRIBUTE or holding.holder_kind not in (HolderKind.UNIT, HolderKind.POSITION):
        raise WrongState("ส่งต่อได้เฉพาะหนังสือที่แจกจ่ายมาถึง", "Only a distributed letter can be forwarded.")
    (target,) = _ids_in_tenant(OrgUnit, tenant_id, [unit_id], field="unit_id")
    if holding.holder_kind == HolderKind.UNIT and target == holding.unit_id:
        raise HandlingError("ส่งต่อถึงหน่วยงานเดิมไม่ได้", "Choose another unit.", field="unit_id")
    if Holding.objects.filter(tenant_id=tenant_id, handling=holding.handling, unit_id=target, status=HoldingStatus.OPEN).exists():
        raise WrongState("หน่วยงานนั้นถือเรื่องนี้อยู่แล้ว", "That unit already holds this letter.", code="already_holds")
    reason = _clean(reason, NOTE_MAX, field="reason")
    if not reason:
        raise HandlingError("กรุณาระบุเหตุผลที่ส่งต่อ", "Please give the reason for forwarding it.", field="reason")
    _finish(holding, HoldingStatus.FORWARDED)
    nxt = _holding(tenant_id, actor, holding.handling, HolderKind.UNIT, HoldingPurpose.DISTRIBUTE, parent=holding,
                   unit=target, note=reason)
    notifications.notify_holdings(tenant_id=tenant_id, actor=actor, holdings=[nxt], kind=NotificationKind.FORWARDED)
    _event(tenant_id, actor, holder, holding.handling, EventKind.FORWARDED, holding=holding, text=reason,
           position_id=holding.position_id, details={"to": _names(OrgUnit, tenant_id, [target])})
    return nxt


def act(*, tenant_id: int, actor: Actor, holding_id: int, text: str,
        files: Sequence[PreparedFile] = ()) -> HandlingEvent:
    """An officer records what was done (การปฏิบัติ), with the documents of it if any (a reply, a report:
    stored with the letter as ``action`` files, named on the event); the letter stays with them until
    closed."""
    holder = holder_of(actor, tenant_id=tenant_id)
    _not_read_only(holder)
    holding = _locked_holding(tenant_id, holding_id, holder)
    if holding.purpose not in (HoldingPurpose.ACT, HoldingPurpose.DISTRIBUTE) or holding.holder_kind == HolderKind.UNIT:
        raise WrongState("บันทึกการปฏิบัติได้เฉพาะผู้ได้รับมอบหมาย", "Only the assigned officer records the action.")
    text = _clean(text, TEXT_MAX, field="text")
    if not text:
        raise HandlingError("กรุณาบันทึกสิ่งที่ได้ดำเนินการ", "Please describe what was done.", field="text")
    if len(files) > ACTION_FILES_MAX:
        raise HandlingError(f"แนบไฟล์ได้ไม่เกิน {ACTION_FILES_MAX} ไฟล์ต่อครั้ง",
                            f"Attach at most {ACTION_FILES_MAX} files at a time.", field="files")
    base = holding.handling.letter_id
    stored = [file_record(tenant_id=tenant_id, prepared=p, letter_id=base, role=FileRole.ACTION, actor_id=actor.user_id,
                          sort_order=1000 + i) for i, p in enumerate(files)]
    return _event(tenant_id, actor, holder, holding.handling, EventKind.ACTED, holding=holding,
                  position_id=holding.position_id, text=text,
                  details={"files": [{"id": f.pk, "name": f.original_name} for f in stored]} if stored else None)


def close(*, tenant_id: int, actor: Actor, holding_id: int, file_category_id: int, text: str = "") -> Handling:
    """The officer closes their part and files the letter to a หมวด/แฟ้ม (its retention class); the
    letter is closed when nobody holds it any more."""
    holder = holder_of(actor, tenant_id=tenant_id)
    _not_read_only(holder)
    holding = _locked_holding(tenant_id, holding_id, holder)
    if holding.purpose not in (HoldingPurpose.ACT, HoldingPurpose.DISTRIBUTE) or holding.holder_kind == HolderKind.UNIT:
        raise WrongState("ปิดเรื่องได้เฉพาะผู้ได้รับมอบหมาย", "Only the assigned officer closes the matter.")
    category = FileCategory.objects.filter(tenant_id=tenant_id, pk=file_category_id, is_active=True).first()
    if category is None:
        raise HandlingError("กรุณาเลือกหมวด/แฟ้มที่จัดเก็บ", "Choose the file category to file it to.",
                            field="file_category_id")
    text = _clean(text, TEXT_MAX, field="text")
    _finish(holding, HoldingStatus.CLOSED)
    handling = holding.handling
    handling.file_category = category
    handling.save(update_fields=["file_category"])
    _event(tenant_id, actor, holder, handling, EventKind.CLOSED, holding=holding, position_id=holding.position_id,
           text=text, details={"file_category": str(category), "retention_years": category.retention_years})
    _maybe_close(handling)
    return handling


# --- configuration (agency admin) ------------------------------------------------------------------------------
def chain_create(*, tenant_id: int, actor: Actor, name_th: str, position_ids: Sequence[int],
                 letter_kinds: Sequence[str] = (), urgencies: Sequence[str] = (), sender_agency_id: int | None = None,
                 sort_order: int = 0) -> PresentationChain:
    require_manage(actor)
    name_th = _clean(name_th, 255, field="name_th")
    if not name_th:
        raise HandlingError("กรุณาตั้งชื่อสายการเสนอ", "Please name the chain.", field="name_th")
    positions = [int(p) for p in position_ids]
    if not positions:
        raise HandlingError("กรุณาเลือกตำแหน่งอย่างน้อยหนึ่งตำแหน่ง", "Choose at least one position.", field="position_ids")
    if len(set(positions)) != len(positions):
        raise HandlingError("ตำแหน่งในสายการเสนอซ้ำกัน", "A position appears twice in the chain.", field="position_ids")
    _ids_in_tenant(Position, tenant_id, positions, field="position_ids")
    chain = PresentationChain.objects.create(
        tenant_id=tenant_id, name_th=name_th, letter_kinds=list(letter_kinds), urgencies=list(urgencies),
        sender_agency_id=sender_agency_id, sort_order=sort_order,
    )
    PresentationStep.objects.bulk_create([PresentationStep(tenant_id=tenant_id, chain=chain, position_id=p, order=i + 1)
                                          for i, p in enumerate(positions)])
    audit_record(tenant_id=tenant_id, actor_id=actor.user_id, action="handling.chain_create",
                 object_type="presentation_chain", object_id=chain.pk, changes={"positions": positions})
    return chain


def file_category_create(*, tenant_id: int, actor: Actor, code: str, name_th: str, retention_years: int) -> FileCategory:
    require_manage(actor)
    code, name_th = _clean(code, 40, field="code"), _clean(name_th, 255, field="name_th")
    if not code or not name_th:
        raise HandlingError("กรุณากรอกเลขและชื่อหมวด/แฟ้ม", "Enter the category's code and name.", field="code")
    if not 0 <= int(retention_years) <= 100:
        raise HandlingError("อายุการเก็บต้องอยู่ระหว่าง 0-100 ปี (0 = เก็บตลอดไป)", "Retention must be 0-100 years.",
                            field="retention_years")
    if FileCategory.objects.filter(tenant_id=tenant_id, code=code).exists():
        raise WrongState("เลขหมวด/แฟ้มนี้มีอยู่แล้ว", "This category code already exists.", code="duplicate")
    category = FileCategory.objects.create(tenant_id=tenant_id, code=code, name_th=name_th,
                                           retention_years=int(retention_years))
    audit_record(tenant_id=tenant_id, actor_id=actor.user_id, action="handling.file_category_create",
                 object_type="file_category", object_id=category.pk, changes={"code": code})
    return category


def _set_active(model: type, tenant_id: int, actor: Actor, pk: int, active: bool, action: str) -> object:
    """Deactivate or reactivate a configuration row (never deleted: letters still point at it)."""
    require_manage(actor)
    row = model.objects.select_for_update().filter(tenant_id=tenant_id, pk=pk).first()
    if row is None:
        raise NotFoundInTenant()
    if row.is_active != active:
        row.is_active = active
        row.save(update_fields=["is_active"])
        audit_record(tenant_id=tenant_id, actor_id=actor.user_id, action=action, object_type=model._meta.model_name,
                     object_id=row.pk, changes={"is_active": active})
    return row


def chain_set_active(*, tenant_id: int, actor: Actor, chain_id: int, active: bool) -> PresentationChain:
    """A chain no longer used is switched off (letters already presented along it keep their steps)."""
    return _set_active(PresentationChain, tenant_id, actor, chain_id, active, "handling.chain_set_active")


def file_category_set_active(*, tenant_id: int, actor: Actor, category_id: int, active: bool) -> FileCategory:
    return _set_active(FileCategory, tenant_id, actor, category_id, active, "handling.file_category_set_active")


def due_rule_create(*, tenant_id: int, actor: Actor, name_th: str, working_days: int, letter_kinds: Sequence[str] = (),
                    urgencies: Sequence[str] = (), sender_agency_id: int | None = None, sort_order: int = 0) -> DueRule:
    """An agency's own due-date rule (documents.handling.due): letters matching it get ``working_days``."""
    require_manage(actor)
    name_th = _clean(name_th, 255, field="name_th")
    if not name_th:
        raise HandlingError("กรุณาตั้งชื่อหลักเกณฑ์", "Please name the rule.", field="name_th")
    if not 1 <= int(working_days) <= 365:
        raise HandlingError("จำนวนวันทำการต้องอยู่ระหว่าง 1-365", "Working days must be 1-365.", field="working_days")
    if set(letter_kinds) - set(LetterKind.values):
        raise HandlingError("ชนิดหนังสือไม่ถูกต้อง", "Unknown letter kind.", field="letter_kinds")
    if set(urgencies) - set(Urgency.values):
        raise HandlingError("ชั้นความเร็วไม่ถูกต้อง", "Unknown urgency.", field="urgencies")
    if sender_agency_id is not None and not Agency.objects.filter(pk=sender_agency_id, is_active=True).exists():
        raise HandlingError("ไม่พบหน่วยงานผู้ส่ง", "The sender agency was not found.", field="sender_agency_id")
    rule = DueRule.objects.create(
        tenant_id=tenant_id, name_th=name_th, working_days=int(working_days), letter_kinds=sorted(set(letter_kinds)),
        urgencies=sorted(set(urgencies)), sender_agency_id=sender_agency_id, sort_order=int(sort_order),
    )
    audit_record(tenant_id=tenant_id, actor_id=actor.user_id, action="handling.due_rule_create", object_type="due_rule",
                 object_id=rule.pk, changes={"working_days": rule.working_days})
    return rule


def due_rule_set_active(*, tenant_id: int, actor: Actor, rule_id: int, active: bool) -> DueRule:
    return _set_active(DueRule, tenant_id, actor, rule_id, active, "handling.due_rule_set_active")
