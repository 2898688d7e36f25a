"""The actor and the one place the role matrix is evaluated. Pure predicates; no queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from tenants.roles import JURISDICTION_READERS, SCOPE_ORDER, Action, Role, Scope, scope_for


@dataclass(frozen=True)
class Actor:
    user_id: int
    agency_id: int
    membership_id: int | None
    unit_id: int | None
    roles: frozenset[Role]
    # Agencies this actor may read: its own, plus its supervision list when it holds a
    # jurisdiction-reading role (auditor, provincial admin).
    reach: tuple[int, ...] = field(default=())
    acting_for: str = ""
    display_name: str = ""

    def widest_scope(self, action: Action | str) -> Scope | None:
        scopes = [s for r in self.roles if (s := scope_for(r, action)) is not None]
        if not scopes:
            return None
        return max(scopes, key=SCOPE_ORDER.index)

    def can(self, action: Action | str, *, target_agency_id: int | None = None) -> bool:
        scope = self.widest_scope(action)
        if scope is None:
            return False
        target = self.agency_id if target_agency_id is None else target_agency_id
        if target == self.agency_id:
            return True
        if scope == Scope.SYSTEM:
            return True
        if scope == Scope.JURISDICTION:
            return target in self.reach
        return False

    def has_role(self, role: Role) -> bool:
        return role in self.roles


def reach_for(*, agency_id: int, roles: frozenset[Role], supervised_ids: list[int]) -> tuple[int, ...]:
    ids = {agency_id}
    if roles & JURISDICTION_READERS:
        ids |= set(supervised_ids)
    return tuple(sorted(ids))
