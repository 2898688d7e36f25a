"""Selectors read. Tenant explicit; the fail-closed manager and RLS are the second and third walls."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from eoffice.common.exceptions import NotFoundInTenant
from tenants.models import (
    Agency,
    ApiToken,
    AuditEvent,
    Job,
    Membership,
    OrgUnit,
    Position,
    PositionAssignment,
    RoleGrant,
    Supervision,
    User,
)
from tenants.permissions import Actor, reach_for
from tenants.roles import JURISDICTION_READERS, Role


def agency_get_by_slug(*, slug: str) -> Agency | None:
    return Agency.objects.filter(slug=slug).first()


def agency_ids_all() -> list[int]:
    return list(Agency.objects.values_list("id", flat=True))


def agencies_supervised_ids(*, agency_id: int) -> list[int]:
    return list(Supervision.objects.filter(supervisor_id=agency_id).values_list("supervised_id", flat=True))


def agencies_supervised(*, agency_id: int) -> QuerySet[Agency]:
    return Agency.objects.filter(supervised_by__supervisor_id=agency_id).order_by("kind", "name_th")


def memberships_of_user(*, user: User) -> QuerySet[Membership]:
    """All active memberships of a user, across agencies (user scope: RLS's own-membership policy)."""
    return Membership.objects.filter(user_id=user.pk, is_active=True).select_related("tenant", "unit")


def membership_for(*, tenant_id: int, user_id: int) -> Membership | None:
    return (
        Membership.objects.filter(tenant_id=tenant_id, user_id=user_id, is_active=True).select_related("unit").first()
    )


def positions_held_today(*, tenant_id: int, membership_id: int, today: dt.date | None = None) -> QuerySet[PositionAssignment]:
    today = today or timezone.localdate()
    return (
        PositionAssignment.objects.filter(tenant_id=tenant_id, membership_id=membership_id, starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .select_related("position")
    )


def roles_of_membership(
    *, tenant_id: int, membership: Membership, held_position_ids: list[int] | None = None, today: dt.date | None = None
) -> frozenset[Role]:
    """Roles granted to the membership directly, plus roles granted to positions it holds (or acts
    for) today."""
    if held_position_ids is None:
        held_position_ids = list(
            positions_held_today(tenant_id=tenant_id, membership_id=membership.pk, today=today).values_list("position_id", flat=True)
        )
    roles = RoleGrant.objects.filter(tenant_id=tenant_id).filter(
        Q(membership_id=membership.pk) | Q(position_id__in=held_position_ids)
    ).values_list("role", flat=True)
    result = {Role(r) for r in roles}
    if membership.user.is_system_admin:
        result.add(Role.SYSTEM_ADMIN)
    return frozenset(result)


def actor_build(*, agency: Agency, membership: Membership, user: User) -> Actor:
    held = list(positions_held_today(tenant_id=agency.pk, membership_id=membership.pk))
    roles = roles_of_membership(tenant_id=agency.pk, membership=membership, held_position_ids=[a.position_id for a in held])
    acting = [a for a in held if a.kind == "acting"]
    acting_for = f"รักษาราชการแทน {acting[0].position.title_th}" if acting else ""
    supervised = agencies_supervised_ids(agency_id=agency.pk) if roles & JURISDICTION_READERS else []
    return Actor(
        user_id=user.pk,
        agency_id=agency.pk,
        membership_id=membership.pk,
        unit_id=membership.unit_id,
        roles=roles,
        reach=reach_for(agency_id=agency.pk, roles=roles, supervised_ids=supervised),
        acting_for=acting_for,
        display_name=user.display_name_th,
    )


def org_units_list(*, tenant_id: int) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(tenant_id=tenant_id).select_related("parent").order_by("sort_order", "name_th")


def org_unit_get(*, tenant_id: int, unit_id: int) -> OrgUnit:
    unit = OrgUnit.objects.filter(tenant_id=tenant_id, pk=unit_id).first()
    if unit is None:
        raise NotFoundInTenant()
    return unit


def org_unit_and_below_ids(*, tenant_id: int, unit_id: int) -> list[int]:
    """The unit and every unit under it (one query; the tree is small)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent in OrgUnit.objects.filter(tenant_id=tenant_id).values_list("pk", "parent_id"):
        children.setdefault(parent, []).append(pk)
    out, todo = [], [unit_id]
    while todo:
        u = todo.pop()
        if u in out:
            continue
        out.append(u)
        todo.extend(children.get(u, []))
    return out


def org_unit_children(*, tenant_id: int, unit_id: int) -> QuerySet[OrgUnit]:
    return org_units_list(tenant_id=tenant_id).filter(parent_id=unit_id)


def positions_in_unit(*, tenant_id: int, unit_id: int) -> QuerySet[Position]:
    return positions_list(tenant_id=tenant_id).filter(unit_id=unit_id)


def positions_list(*, tenant_id: int) -> QuerySet[Position]:
    return Position.objects.filter(tenant_id=tenant_id).select_related("unit").order_by("sort_order", "title_th")


def position_get(*, tenant_id: int, position_id: int) -> Position:
    pos = Position.objects.filter(tenant_id=tenant_id, pk=position_id).select_related("unit").first()
    if pos is None:
        raise NotFoundInTenant()
    return pos


def position_holders_today(*, tenant_id: int, position_id: int, today: dt.date | None = None) -> QuerySet[PositionAssignment]:
    """Who holds or acts for a position today: where work routed to the position lands."""
    today = today or timezone.localdate()
    return (
        PositionAssignment.objects.filter(tenant_id=tenant_id, position_id=position_id, starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .select_related("membership__user")
    )


def members_list(*, tenant_id: int) -> QuerySet[Membership]:
    return Membership.objects.filter(tenant_id=tenant_id).select_related("user", "unit").order_by("user__first_name_th")


def member_get(*, tenant_id: int, membership_id: int) -> Membership:
    m = Membership.objects.filter(tenant_id=tenant_id, pk=membership_id).select_related("user", "unit").first()
    if m is None:
        raise NotFoundInTenant()
    return m


def audit_events_list(*, tenant_ids: list[int] | tuple[int, ...]) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(tenant_id__in=list(tenant_ids)).order_by("-created_at", "-seq")


def jobs_list(*, tenant_id: int) -> QuerySet[Job]:
    return Job.objects.filter(tenant_id=tenant_id).order_by("-created_at")


def job_get(*, tenant_id: int, job_id: int) -> Job:
    job = Job.objects.filter(tenant_id=tenant_id, pk=job_id).first()
    if job is None:
        raise NotFoundInTenant()
    return job


def api_tokens_of_membership(*, tenant_id: int, membership_id: int) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(tenant_id=tenant_id, membership_id=membership_id).order_by("-created_at")


def api_token_get(*, tenant_id: int, membership_id: int, token_id: int) -> ApiToken:
    tok = ApiToken.objects.filter(tenant_id=tenant_id, membership_id=membership_id, pk=token_id).first()
    if tok is None:
        raise NotFoundInTenant()
    return tok


def agencies_all() -> QuerySet[Agency]:
    """The directory of every agency (system administrators' home; agencies are global rows)."""
    return Agency.objects.order_by("kind", "name_th")


def users_by_ids(*, ids: list[int] | set[int]) -> dict[int, User]:
    """Users by id (global rows), e.g. to name the actors of audit events."""
    return {u.pk: u for u in User.objects.filter(pk__in=[i for i in ids if i is not None])}
