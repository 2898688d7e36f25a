"""Org units and positions: everyone in the agency reads; agency administrators create."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from eoffice.common.exceptions import ApplicationError
from tenants import selectors
from tenants.models import OrgUnit
from tenants.roles import Action
from tenants.services import org
from tenants.web.forms import OrgUnitForm, PositionForm
from tenants.web.views._common import render_page, require

MAX_DEPTH = 8


def _tree(units: list[OrgUnit]) -> list[tuple[OrgUnit, int]]:
    """Depth-first order with depth, for an indented list (parents before their children)."""
    children: dict[int | None, list[OrgUnit]] = {}
    ids = {u.pk for u in units}
    for u in units:
        parent = u.parent_id if u.parent_id in ids else None
        children.setdefault(parent, []).append(u)
    out: list[tuple[OrgUnit, int]] = []
    seen: set[int] = set()

    def walk(parent: int | None, depth: int) -> None:
        for u in children.get(parent, []):
            if u.pk in seen:
                continue
            seen.add(u.pk)
            out.append((u, min(depth, MAX_DEPTH)))
            walk(u.pk, depth + 1)

    walk(None, 0)
    return out


@require_http_methods(["GET", "HEAD", "POST"])
def org_units(request: HttpRequest, agency: str) -> HttpResponse:
    require(request, Action.ORG_VIEW)
    tenant = request.tenant
    units = list(selectors.org_units_list(tenant_id=tenant.pk))
    form = OrgUnitForm(request.POST if request.method == "POST" else None)
    form.set_units(units)
    status = 200
    if request.method == "POST":
        require(request, Action.ORG_MANAGE)
        if form.is_valid():
            data = form.cleaned_data
            try:
                unit = org.org_unit_create(
                    tenant_id=tenant.pk, actor=request.actor, name_th=data["name_th"], kind=data["kind"],
                    parent=form.unit_from(data["parent"]), unit_number=data["unit_number"],
                    name_en=data["name_en"], phone=data["phone"],
                )
            except ApplicationError as exc:
                form.add_application_error(exc)
            else:
                messages.success(request, _("สร้างหน่วยงานย่อย “%(name)s” แล้ว") % {"name": unit.name_th})
                return redirect("org-units", agency=tenant.slug)
        status = 400
    return render_page(request, "web/org_units.html", {"tree": _tree(units), "form": form}, status=status)


@require_safe
def org_unit_detail(request: HttpRequest, agency: str, unit_id: int) -> HttpResponse:
    require(request, Action.ORG_VIEW)
    tenant = request.tenant
    unit = selectors.org_unit_get(tenant_id=tenant.pk, unit_id=unit_id)
    ctx = {
        "unit": unit,
        "children": list(selectors.org_unit_children(tenant_id=tenant.pk, unit_id=unit.pk)),
        "positions": list(selectors.positions_in_unit(tenant_id=tenant.pk, unit_id=unit.pk)),
    }
    return render_page(request, "web/org_unit_detail.html", ctx)


@require_http_methods(["GET", "HEAD", "POST"])
def positions(request: HttpRequest, agency: str) -> HttpResponse:
    require(request, Action.ORG_VIEW)
    tenant = request.tenant
    units = list(selectors.org_units_list(tenant_id=tenant.pk))
    form = PositionForm(request.POST if request.method == "POST" else None)
    form.set_units(units)
    status = 200
    if request.method == "POST":
        require(request, Action.ORG_MANAGE)
        if form.is_valid():
            data = form.cleaned_data
            try:
                pos = org.position_create(
                    tenant_id=tenant.pk, actor=request.actor, title_th=data["title_th"], unit=form.unit_from(data["unit"]),
                    line_position=data["line_position"], level=data["level"], is_elected=data["is_elected"],
                    is_executive=data["is_executive"], title_en=data["title_en"],
                )
            except ApplicationError as exc:
                form.add_application_error(exc)
            else:
                messages.success(request, _("สร้างตำแหน่ง “%(name)s” แล้ว") % {"name": pos.title_th})
                return redirect("positions", agency=tenant.slug)
        status = 400
    ctx = {"positions": list(selectors.positions_list(tenant_id=tenant.pk)), "form": form}
    return render_page(request, "web/positions.html", ctx, status=status)


@require_safe
def position_detail(request: HttpRequest, agency: str, position_id: int) -> HttpResponse:
    require(request, Action.ORG_VIEW)
    tenant = request.tenant
    pos = selectors.position_get(tenant_id=tenant.pk, position_id=position_id)
    holders = list(selectors.position_holders_today(tenant_id=tenant.pk, position_id=pos.pk))
    return render_page(request, "web/position_detail.html", {"position": pos, "holders": holders})
