"""Who holds what today: the positions an actor holds or acts for (รักษาราชการแทน), the posts whose powers
are delegated to one of them (ปฏิบัติราชการแทน, within the delegation's letter kinds), the central desk,
their unit. Routing to a position reaches whoever holds it, acts for it or holds its delegated powers on
the day, so this is read per request (two queries), never stored on the holding."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from documents.handling.errors import NotAllowed
from documents.models import Delegation, HolderKind, Holding
from tenants import selectors as tenant_selectors
from tenants.models import AssignmentKind
from tenants.permissions import Actor
from tenants.roles import READ_ONLY_ROLES, Action, Role, Scope


def require_manage(actor: Actor) -> None:
    """Handling settings (chains, file categories, delegation orders) are the agency admin's (org.manage)."""
    if not actor.can(Action.ORG_MANAGE):
        raise NotAllowed("เฉพาะผู้ดูแลระบบของหน่วยงาน", "Only the agency admin may do this.")


def any_of(parts: list[Q]) -> Q | None:
    """The OR of ``parts`` (None for none)."""
    if not parts:
        return None
    out = parts[0]
    for p in parts[1:]:
        out |= p
    return out


@dataclass(frozen=True)
class Delegated:
    """A post whose powers reach this actor by a delegation order."""

    from_title: str
    to_position_id: int
    letter_kinds: frozenset[str]  # empty: every matter

    def covers(self, kind: str) -> bool:
        return not self.letter_kinds or kind in self.letter_kinds


@dataclass(frozen=True)
class Holder:
    membership_id: int | None
    position_ids: frozenset[int]
    acting_position_ids: frozenset[int]
    titles: dict[int, str]  # position id -> printed title
    desk: bool  # a central clerk: holds what sits at the central desk
    unit_id: int | None  # a unit clerk or head of this unit: holds what is routed to the unit
    read_only: bool
    delegated: dict[int, Delegated] = field(default_factory=dict)  # from-position id -> the grant

    def holds(self, holding: Holding) -> bool:
        if self.read_only:
            return False
        kind = holding.holder_kind
        if kind == HolderKind.DESK:
            return self.desk
        if kind == HolderKind.POSITION:
            if holding.position_id in self.position_ids:
                return True
            grant = self.delegated.get(holding.position_id)
            return grant is not None and grant.covers(holding.handling.letter.kind)
        if kind == HolderKind.UNIT:
            return self.unit_id is not None and holding.unit_id == self.unit_id
        return self.membership_id is not None and holding.membership_id == self.membership_id

    def printed_position(self, position_id: int | None) -> tuple[str, str]:
        """(position as printed, authority line) for an action taken at ``position_id`` (or, for other
        holdings, the actor's own first post)."""
        if position_id is None:
            own = sorted(self.position_ids - self.acting_position_ids)
            return (self.titles.get(own[0], "") if own else ""), ""
        title = self.titles.get(position_id, "")
        if position_id in self.acting_position_ids:
            return title, f"รักษาราชการแทน {title}"
        grant = self.delegated.get(position_id)
        if grant is not None and position_id not in self.position_ids:  # the delegate signs as their own post
            return self.titles.get(grant.to_position_id, ""), f"ปฏิบัติราชการแทน {grant.from_title}"
        return title, ""

    def position_q(self) -> Q | None:
        """Holdings at the posts this actor holds, acts for, or holds delegated powers of (in scope)."""
        parts = [Q(holder_kind=HolderKind.POSITION, position_id__in=sorted(self.position_ids))] if self.position_ids else []
        for pos, grant in sorted(self.delegated.items()):
            q = Q(holder_kind=HolderKind.POSITION, position_id=pos)
            parts.append(q & Q(handling__letter__kind__in=sorted(grant.letter_kinds)) if grant.letter_kinds else q)
        return any_of(parts)


def holder_of(actor: Actor, *, tenant_id: int, today: dt.date | None = None) -> Holder:
    held = list(tenant_selectors.positions_held_today(tenant_id=tenant_id, membership_id=actor.membership_id,
                                                      today=today)) if actor.membership_id else []
    holder_ids = {a.position_id for a in held if a.kind != AssignmentKind.ACTING}
    acting_ids = {a.position_id for a in held if a.kind == AssignmentKind.ACTING}
    unit_scope = actor.widest_scope(Action.REGISTRY_UNIT_WRITE) == Scope.UNIT or Role.HEAD in actor.roles
    held_ids = holder_ids | acting_ids
    day = today or timezone.localdate()
    delegated = {}
    if held_ids:
        for d in (Delegation.objects.filter(tenant_id=tenant_id, to_position_id__in=sorted(held_ids), revoked_at__isnull=True,
                                            starts_on__lte=day)
                  .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day)).select_related("from_position")):
            if d.from_position_id in held_ids:
                continue
            kinds = frozenset(d.letter_kinds or ())
            before = delegated.get(d.from_position_id)
            if before is not None:  # two orders for the same post: their scopes add up (empty = every matter)
                kinds = frozenset() if not kinds or not before.letter_kinds else kinds | before.letter_kinds
            delegated[d.from_position_id] = Delegated(d.from_position.title_th, d.to_position_id, kinds)
    return Holder(
        delegated=delegated,
        membership_id=actor.membership_id,
        position_ids=frozenset(holder_ids | acting_ids),
        acting_position_ids=frozenset(acting_ids - holder_ids),
        titles={a.position_id: a.position.title_th for a in held},
        desk=actor.can(Action.REGISTRY_CENTRAL_WRITE),
        unit_id=actor.unit_id if unit_scope else None,
        # auditors only read; a member with no role may still act on what is assigned to them
        read_only=actor.agency_id != tenant_id or bool(actor.roles) and actor.roles <= READ_ONLY_ROLES,
    )
