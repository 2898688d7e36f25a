"""Members of the agency: list (admins, heads, clerks), detail, create user + membership, revoke."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from eoffice.common.exceptions import ApplicationError, NotFoundInTenant
from eoffice.common.thaidate import thai_sort_key
from tenants import selectors
from tenants.models import Membership, OrgUnit
from tenants.roles import Action, Scope
from tenants.services import org
from tenants.web.forms import MemberCreateForm, RevokeForm
from tenants.web.views._common import render_page, require


def _unit_and_below(units: list[OrgUnit], root_id: int | None) -> set[int]:
    if root_id is None:
        return set()
    found = {root_id}
    changed = True
    while changed:
        changed = False
        for u in units:
            if u.parent_id in found and u.pk not in found:
                found.add(u.pk)
                changed = True
    return found


def _visible_unit_ids(request: HttpRequest, units: list[OrgUnit]) -> set[int] | None:
    """None: the whole agency. A set: a unit clerk sees the members of their unit (and units below)."""
    if request.actor.widest_scope(Action.MEMBERS_VIEW) == Scope.UNIT:
        return _unit_and_below(units, request.actor.unit_id)
    return None


def _visible(m: Membership, unit_ids: set[int] | None) -> bool:
    return unit_ids is None or m.unit_id in unit_ids


@require_http_methods(["GET", "HEAD", "POST"])
def members(request: HttpRequest, agency: str) -> HttpResponse:
    require(request, Action.MEMBERS_VIEW)
    tenant = request.tenant
    units = list(selectors.org_units_list(tenant_id=tenant.pk))
    unit_ids = _visible_unit_ids(request, units)
    can_manage = request.actor.can(Action.MEMBERS_MANAGE)
    form = MemberCreateForm(request.POST if request.method == "POST" else None)
    form.set_units(units)
    status = 200
    if request.method == "POST":
        require(request, Action.MEMBERS_MANAGE)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():  # the user, the membership and the role, or nothing
                    user = org.user_create(
                        username=data["username"], password=data["password"], title_th=data["title_th"],
                        first_name_th=data["first_name_th"], last_name_th=data["last_name_th"], email=data["email"],
                    )
                    m = org.membership_create(
                        tenant_id=tenant.pk, actor=request.actor, user=user, unit=form.unit_from(data["unit"])
                    )
                    org.role_grant(tenant_id=tenant.pk, actor=request.actor, role=data["role"], membership=m)
            except ApplicationError as exc:
                form.add_application_error(exc)
            else:
                messages.success(request, _("เพิ่มผู้ใช้ “%(name)s” เป็นสมาชิกของหน่วยงานแล้ว") % {"name": user.display_name_th})
                return redirect("member-detail", agency=tenant.slug, membership_id=m.pk)
        status = 400
    rows = [m for m in selectors.members_list(tenant_id=tenant.pk) if _visible(m, unit_ids)]
    rows.sort(key=lambda m: (not m.is_active, thai_sort_key(m.user.display_name_th)))
    ctx = {"members": rows, "form": form if can_manage else None}
    return render_page(request, "web/members.html", ctx, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def member_detail(request: HttpRequest, agency: str, membership_id: int) -> HttpResponse:
    """GET shows the member; POST revokes the membership (agency administrators; reason required)."""
    require(request, Action.MEMBERS_VIEW)
    tenant = request.tenant
    m = selectors.member_get(tenant_id=tenant.pk, membership_id=membership_id)
    units = list(selectors.org_units_list(tenant_id=tenant.pk))
    if not _visible(m, _visible_unit_ids(request, units)):
        raise NotFoundInTenant()
    can_manage = request.actor.can(Action.MEMBERS_MANAGE)
    form = RevokeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        require(request, Action.MEMBERS_MANAGE)
        if form.is_valid():
            try:
                if m.pk == request.membership.pk:
                    raise ApplicationError(
                        "ไม่สามารถเพิกถอนสมาชิกภาพของตนเองได้", "You cannot revoke your own membership.", field="reason"
                    )
                if not m.is_active:
                    raise ApplicationError("สมาชิกภาพนี้ถูกเพิกถอนแล้ว", "This membership is already revoked.")
                org.membership_revoke(tenant_id=tenant.pk, actor=request.actor, membership=m, reason=form.cleaned_data["reason"])
            except ApplicationError as exc:
                form.add_application_error(exc)
            else:
                messages.success(request, _("เพิกถอนสมาชิกภาพของ “%(name)s” แล้ว") % {"name": m.user.display_name_th})
                return redirect("member-detail", agency=tenant.slug, membership_id=m.pk)
        status = 400
    ctx = {
        "member": m,
        "roles": sorted(r.label for r in selectors.roles_of_membership(tenant_id=tenant.pk, membership=m)),
        "positions": list(selectors.positions_held_today(tenant_id=tenant.pk, membership_id=m.pk)),
        "revoke_form": form if can_manage and m.is_active and m.pk != request.membership.pk else None,
    }
    if request.method == "POST" and status == 400:
        ctx["revoke_form"] = form
    return render_page(request, "web/member_detail.html", ctx, status=status)
