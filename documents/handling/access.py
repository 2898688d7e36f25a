"""Who holds what today: the positions an actor holds or acts for, the central desk, their unit.
Routing to a position reaches whoever holds it or acts for it on the day, so this is read per request
(one query), never stored on the holding."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from documents.models import HolderKind, Holding
from tenants import selectors as tenant_selectors
from tenants.models import AssignmentKind
from tenants.permissions import Actor
from tenants.roles import Action, Role, Scope


@dataclass(frozen=True)
class Holder:
    membership_id: int | None
    position_ids: frozenset[int]
    acting_position_ids: frozenset[int]
    titles: dict[int, str]  # position id -> printed title
    desk: bool  # a central clerk: holds what sits at the central desk
    unit_id: int | None  # a unit clerk or head of this unit: holds what is routed to the unit
    read_only: bool

    def holds(self, holding: Holding) -> bool:
        if self.read_only:
            return False
        kind = holding.holder_kind
        if kind == HolderKind.DESK:
            return self.desk
        if kind == HolderKind.POSITION:
            return holding.position_id in self.position_ids
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
        return title, ""


def holder_of(actor: Actor, *, tenant_id: int, today: dt.date | None = None) -> Holder:
    held = list(tenant_selectors.positions_held_today(tenant_id=tenant_id, membership_id=actor.membership_id,
                                                      today=today)) if actor.membership_id else []
    holder_ids = {a.position_id for a in held if a.kind != AssignmentKind.ACTING}
    acting_ids = {a.position_id for a in held if a.kind == AssignmentKind.ACTING}
    unit_scope = actor.widest_scope(Action.REGISTRY_UNIT_WRITE) == Scope.UNIT or Role.HEAD in actor.roles
    return Holder(
        membership_id=actor.membership_id,
        position_ids=frozenset(holder_ids | acting_ids),
        acting_position_ids=frozenset(acting_ids - holder_ids),
        titles={a.position_id: a.position.title_th for a in held},
        desk=actor.can(Action.REGISTRY_CENTRAL_WRITE),
        unit_id=actor.unit_id if unit_scope else None,
        read_only=actor.agency_id != tenant_id or not (actor.roles - {Role.AUDITOR}),
    )
