"""The agency home: one panel per role the actor holds (no invented data: only what exists)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from tenants import selectors
from tenants.roles import Action, Role
from tenants.web.views._common import render_page, require

# Work roles and what they will work on once the registry arrives (text only; no counts yet).
WORK_ROLES = [Role.CENTRAL_CLERK, Role.UNIT_CLERK, Role.OFFICER, Role.HEAD, Role.SECRET_REGISTRAR]


@require_safe
def agency_home(request: HttpRequest, agency: str) -> HttpResponse:
    require(request, Action.HOME_VIEW)
    actor, tenant = request.actor, request.tenant
    roles = actor.roles
    ctx: dict = {
        "work_roles": [r for r in WORK_ROLES if r in roles],
        "is_admin": Role.AGENCY_ADMIN in roles,
        "is_auditor": Role.AUDITOR in roles,
        "is_provincial": Role.PROVINCIAL_ADMIN in roles,
        "is_system": Role.SYSTEM_ADMIN in roles,
        "role_labels": sorted(r.label for r in roles),
        "unit": request.membership.unit,
        "today": timezone.localdate(),
        "positions": list(selectors.positions_held_today(tenant_id=tenant.pk, membership_id=request.membership.pk)),
    }
    if ctx["is_admin"]:
        ctx["counts"] = {
            "units": selectors.org_units_list(tenant_id=tenant.pk).count(),
            "positions": selectors.positions_list(tenant_id=tenant.pk).count(),
            "members": selectors.members_list(tenant_id=tenant.pk).filter(is_active=True).count(),
        }
    if ctx["is_auditor"] or ctx["is_provincial"] or ctx["is_system"]:
        ctx["supervised"] = list(selectors.agencies_supervised(agency_id=tenant.pk))
    if ctx["is_system"]:
        ctx["all_agencies"] = list(selectors.agencies_all())
    return render_page(request, "web/home.html", ctx)
