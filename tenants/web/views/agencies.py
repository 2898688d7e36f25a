"""Supervised agencies (auditors, provincial administrators) and creating an agency."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from eoffice.common.exceptions import ApplicationError, PermissionDeniedInTenant
from tenants import selectors
from tenants.roles import Action, Scope
from tenants.services import org
from tenants.web.forms import AgencyCreateForm
from tenants.web.views._common import render_page, require


def _supervises(request: HttpRequest) -> bool:
    actor = request.actor
    return actor.can(Action.AGENCY_SUPPORT) or actor.widest_scope(Action.AUDIT_VIEW) in (Scope.JURISDICTION, Scope.SYSTEM)


@require_safe
def agencies_supervised(request: HttpRequest, agency: str) -> HttpResponse:
    if not _supervises(request):
        raise PermissionDeniedInTenant()
    ctx = {
        "agencies": list(selectors.agencies_supervised(agency_id=request.tenant.pk)),
        "can_audit_others": request.actor.widest_scope(Action.AUDIT_VIEW) in (Scope.JURISDICTION, Scope.SYSTEM),
    }
    return render_page(request, "web/agencies_supervised.html", ctx)


@require_http_methods(["GET", "HEAD", "POST"])
def agency_create(request: HttpRequest, agency: str) -> HttpResponse:
    require(request, Action.AGENCY_CREATE)
    tenant = request.tenant
    form = AgencyCreateForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                created = org.agency_create(actor=request.actor, supervisor_id=tenant.pk, **data)
            except ApplicationError as exc:
                form.add_application_error(exc)
            else:
                messages.success(request, _("สร้างหน่วยงาน “%(name)s” แล้ว") % {"name": created.name_th})
                return redirect("agencies-supervised", agency=tenant.slug)
        status = 400
    return render_page(request, "web/agency_create.html", {"form": form}, status=status)
