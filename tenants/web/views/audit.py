"""The audit log: agency administrators read their agency; auditors pick an agency within reach."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from eoffice.common.exceptions import NotFoundInTenant
from eoffice.common.thaidate import thai_sort_key
from tenants import selectors
from tenants.roles import Action
from tenants.web.forms import AuditFilterForm
from tenants.web.views._common import render_page, require

PAGE_SIZE = 50


@require_safe
def audit_log(request: HttpRequest, agency: str) -> HttpResponse:
    require(request, Action.AUDIT_VIEW)
    tenant, actor = request.tenant, request.actor
    target = tenant
    slug = request.GET.get("agency", "").strip()
    if slug and slug != tenant.slug:
        found = selectors.agency_get_by_slug(slug=slug)
        # Outside the actor's reach looks exactly like a missing agency.
        if found is None or found.pk not in actor.reach or not actor.can(Action.AUDIT_VIEW, target_agency_id=found.pk):
            raise NotFoundInTenant()
        target = found
    base = selectors.audit_events_list(tenant_ids=[target.pk])
    actions = sorted(set(base.order_by().values_list("action", flat=True).distinct()))
    action = request.GET.get("action", "").strip()
    events = base.filter(action=action) if action else base
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    names = selectors.users_by_ids(ids={e.actor_id for e in rows if e.actor_id})

    reachable = [tenant]
    if len(actor.reach) > 1:
        others = [a for a in selectors.agencies_supervised(agency_id=tenant.pk) if a.pk in actor.reach]
        reachable += sorted(others, key=lambda a: thai_sort_key(a.name_th))
    form = AuditFilterForm(
        initial={"action": action, "agency": target.slug},
        actions=actions,
        agencies=[(a.slug, a.name_th) for a in reachable],
    )
    ctx = {
        "target": target,
        "page": page,
        "events": [(e, names.get(e.actor_id)) for e in rows],
        "form": form,
        "show_agency_filter": len(reachable) > 1,
        "action": action,
    }
    return render_page(request, "web/audit_log.html", ctx)
