"""Handling reads: the inbox ("who holds this letter now, since when, passed on by whom with what
note") and a letter's timeline. Secret letters never enter the handling flow (services refuse them),
so nothing here can show a secret subject."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from documents.handling.access import Holder, any_of, holder_of
from documents.models import (
    Delegation,
    DueRule,
    EventKind,
    FileCategory,
    Handling,
    HandlingEvent,
    HolderKind,
    Holding,
    HoldingStatus,
    PresentationChain,
    PresentationStep,
    StoredFile,
)
from eoffice.common.exceptions import NotFoundInTenant
from tenants import selectors as tenant_selectors
from tenants.models import Membership, OrgUnit
from tenants.permissions import Actor
from tenants.roles import Action, Scope

INBOX_LIMIT = 100
SORTS = {
    "received": ("received_at", "id"),
    "-received": ("-received_at", "-id"),
    "urgency": ("-handling__letter__urgency", "received_at", "id"),
    "due": ("due_on", "received_at", "id"),
}


@dataclass(frozen=True)
class InboxFilters:
    purpose: str = ""  # the letter's purpose: inform / consider / act
    urgency: str = ""
    overdue: bool = False
    subject: str = ""
    sort: str = "urgency"


def _held_q(holder: Holder) -> Q | None:
    parts = []
    if holder.desk:
        parts.append(Q(holder_kind=HolderKind.DESK))
    posts = holder.position_q()
    if posts is not None:
        parts.append(posts)
    if holder.unit_id:
        parts.append(Q(holder_kind=HolderKind.UNIT, unit_id=holder.unit_id))
    if holder.membership_id:
        parts.append(Q(holder_kind=HolderKind.MEMBER, membership_id=holder.membership_id))
    return None if holder.read_only else any_of(parts)


def inbox(actor: Actor, *, tenant_id: int, filters: InboxFilters | None = None, with_holders: bool = False) -> list[Holding]:
    """Open holdings the actor holds today (desk, positions held or acted for, their unit, themselves),
    most urgent first by default; at most ``INBOX_LIMIT`` rows, in a constant number of queries.
    ``with_holders`` also loads each row's post, unit and person (the API names the holder)."""
    f = filters or InboxFilters()
    holder = holder_of(actor, tenant_id=tenant_id)
    q = _held_q(holder)
    if q is None:
        return []
    qs = (Holding.objects.filter(tenant_id=tenant_id, status=HoldingStatus.OPEN).filter(q)
          .select_related("handling", "handling__entry", "handling__letter", "passed_by"))
    if with_holders:
        qs = qs.select_related("position", "unit", "membership__user")
    if f.purpose:
        qs = qs.filter(handling__letter__purpose=f.purpose)
    if f.urgency:
        qs = qs.filter(handling__letter__urgency=f.urgency)
    if f.overdue:
        qs = qs.filter(due_on__lt=timezone.localdate())
    if f.subject:
        qs = qs.filter(handling__letter__subject__icontains=f.subject)
    rows = list(qs.order_by(*SORTS.get(f.sort, SORTS["urgency"]))[:INBOX_LIMIT])
    for h in rows:
        h.days_held = (timezone.now() - h.received_at).days
        h.days_left = (h.due_on - timezone.localdate()).days if h.due_on else None
        h.days_over = -h.days_left if h.days_left is not None and h.days_left < 0 else 0
    return rows


def inbox_count(actor: Actor, *, tenant_id: int) -> int:
    holder = holder_of(actor, tenant_id=tenant_id)
    q = _held_q(holder)
    if q is None:
        return 0
    return Holding.objects.filter(tenant_id=tenant_id, status=HoldingStatus.OPEN).filter(q).count()


def inbox_holding(actor: Actor, *, tenant_id: int, holding_id: int) -> list[Holding]:
    """The open holding ``holding_id`` if the actor holds it today ([] otherwise, like a missing one)."""
    q = _held_q(holder_of(actor, tenant_id=tenant_id))
    if q is None:
        return []
    return list(Holding.objects.filter(tenant_id=tenant_id, pk=holding_id, status=HoldingStatus.OPEN).filter(q)
                .select_related("handling", "handling__letter", "position", "unit"))


def _may_read_all(actor: Actor, tenant_id: int) -> bool:
    return actor.agency_id == tenant_id and actor.widest_scope(Action.REGISTRY_READ) in (
        Scope.AGENCY, Scope.JURISDICTION, Scope.SYSTEM)


def handling_get(actor: Actor, *, tenant_id: int, handling_id: int) -> Handling:
    """A letter's handling for someone who may see it: agency-wide registry readers (central clerks,
    heads, the registrar, auditors), or anyone who holds or held it (by post, unit or person)."""
    handling = (Handling.objects.filter(tenant_id=tenant_id, pk=handling_id)
                .select_related("entry", "entry__book", "letter", "chain", "file_category").first())
    if handling is None:
        raise NotFoundInTenant()
    if _may_read_all(actor, tenant_id):
        return handling
    holder = holder_of(actor, tenant_id=tenant_id)
    q = _held_q(holder)
    if q is None or not Holding.objects.filter(tenant_id=tenant_id, handling=handling).filter(q).exists():
        raise NotFoundInTenant()
    return handling


def handling_files(*, tenant_id: int, handling: Handling) -> list[StoredFile]:
    """The letter's files as its holders read them: the original, the working copy, enclosures, previews
    and the officers' action documents."""
    if handling.letter_id is None:
        return []
    return list(StoredFile.objects.filter(tenant_id=tenant_id, letter_id=handling.letter_id).order_by("sort_order", "id"))


def handling_file_get(actor: Actor, *, tenant_id: int, handling_id: int, file_id: int) -> StoredFile:
    """One file of a letter for someone who may see the letter's handling (its holders, past and present,
    and agency-wide readers); another letter's file is not found."""
    handling = handling_get(actor, tenant_id=tenant_id, handling_id=handling_id)
    f = StoredFile.objects.filter(tenant_id=tenant_id, pk=file_id, letter_id=handling.letter_id).first()
    if f is None or handling.letter_id is None:
        raise NotFoundInTenant()
    return f


def handling_for_entry(actor: Actor, *, tenant_id: int, entry_id: int) -> Handling | None:
    hid = Handling.objects.filter(tenant_id=tenant_id, entry_id=entry_id).values_list("pk", flat=True).first()
    if hid is None:
        return None
    try:
        return handling_get(actor, tenant_id=tenant_id, handling_id=hid)
    except NotFoundInTenant:
        return None


def timeline(*, tenant_id: int, handling: Handling) -> QuerySet[HandlingEvent]:
    return HandlingEvent.objects.filter(tenant_id=tenant_id, handling=handling).order_by("at", "id")


def open_holdings(*, tenant_id: int, handling: Handling) -> QuerySet[Holding]:
    """Who holds it now (the "at a glance" line)."""
    return (Holding.objects.filter(tenant_id=tenant_id, handling=handling, status=HoldingStatus.OPEN)
            .select_related("position", "unit", "membership__user", "passed_by").order_by("received_at", "id"))


def my_holdings(actor: Actor, *, tenant_id: int, handling: Handling) -> list[Holding]:
    """The open holdings of this letter the actor may act on now."""
    holder = holder_of(actor, tenant_id=tenant_id)
    q = _held_q(holder)
    if q is None:
        return []
    return list(open_holdings(tenant_id=tenant_id, handling=handling).filter(q))


def chains_list(*, tenant_id: int, active_only: bool = False) -> list[PresentationChain]:
    qs = PresentationChain.objects.filter(tenant_id=tenant_id).select_related("sender_agency")
    chains = list(qs.filter(is_active=True) if active_only else qs)
    steps: dict[int, list[PresentationStep]] = {}
    for s in PresentationStep.objects.filter(tenant_id=tenant_id).select_related("position").order_by("order"):
        steps.setdefault(s.chain_id, []).append(s)
    for c in chains:
        c.step_list = steps.get(c.pk, [])
    return chains


SHEET_KINDS = (EventKind.NOTED, EventKind.ENDORSED, EventKind.ASSIGNED, EventKind.RETURNED, EventKind.FORWARDED,
               EventKind.ACTED, EventKind.CLOSED)


def endorsement_sheet(*, tenant_id: int, handling: Handling) -> tuple[str, list[HandlingEvent]]:
    """ใบเกษียน: (the post the note is addressed to — the chain's first —, the lines that go on the sheet)."""
    first = (PresentationStep.objects.filter(tenant_id=tenant_id, chain_id=handling.chain_id).order_by("order")
             .values_list("position__title_th", flat=True).first()) if handling.chain_id else None
    return first or "", list(timeline(tenant_id=tenant_id, handling=handling).filter(kind__in=SHEET_KINDS))


def delegations_list(*, tenant_id: int) -> list[Delegation]:
    return list(Delegation.objects.filter(tenant_id=tenant_id).select_related("from_position", "to_position"))


def file_categories_list(*, tenant_id: int, active_only: bool = True) -> QuerySet[FileCategory]:
    qs = FileCategory.objects.filter(tenant_id=tenant_id)
    return qs.filter(is_active=True) if active_only else qs


def _sends_memos(holder: Holder) -> bool:
    return not holder.read_only and bool(holder.desk or holder.unit_id)


def may_send_memos(actor: Actor, *, tenant_id: int) -> bool:
    """Whether the inbox offers "ส่งบันทึกข้อความ" (the form itself lists the units: memo_sender_units)."""
    return _sends_memos(holder_of(actor, tenant_id=tenant_id))


def memo_sender_units(actor: Actor, *, tenant_id: int) -> list[OrgUnit]:
    """The units a reader may send a memo in the name of: any unit from the central desk, else their own
    unit as its clerk or head; none for a read-only reader."""
    holder = holder_of(actor, tenant_id=tenant_id)
    if not _sends_memos(holder):
        return []
    units = [u for u in tenant_selectors.org_units_list(tenant_id=tenant_id) if u.is_active]
    return units if holder.desk else [u for u in units if u.pk == holder.unit_id]


def due_rules_list(*, tenant_id: int) -> QuerySet[DueRule]:
    """The agency's due-date rules in the order they are tried (documents.handling.due)."""
    return DueRule.objects.filter(tenant_id=tenant_id).select_related("sender_agency").order_by("sort_order", "id")


def assignable_members(*, tenant_id: int, holding: Holding) -> QuerySet[Membership]:
    """Officers a unit can assign: active members of that unit and the units under it (for a position
    holding, of the post's unit), or of the whole agency when the post has no unit."""
    qs = Membership.objects.filter(tenant_id=tenant_id, is_active=True).select_related("user")
    unit_id = holding.unit_id or (holding.position.unit_id if holding.position_id else None)
    if unit_id:
        qs = qs.filter(unit_id__in=tenant_selectors.org_unit_and_below_ids(tenant_id=tenant_id, unit_id=unit_id))
    return qs.order_by("user__first_name_th", "user__username")


