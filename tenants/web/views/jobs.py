"""Background jobs: the agency administrator's view, and the pipeline check (diagnostics.noop)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from tenants import selectors
from tenants.roles import Action
from tenants.services.jobs import job_enqueue
from tenants.web.views._common import is_htmx, render_page, require

FINISHED = {"done", "failed"}


@require_safe
def jobs(request: HttpRequest, agency: str) -> HttpResponse:
    require(request, Action.JOBS_VIEW)
    rows = list(selectors.jobs_list(tenant_id=request.tenant.pk)[:100])
    return render_page(request, "web/jobs.html", {"jobs": rows, "finished": FINISHED})


@require_POST
def jobs_diagnostics(request: HttpRequest, agency: str) -> HttpResponse:
    require(request, Action.JOBS_VIEW)
    job = job_enqueue(tenant_id=request.tenant.pk, kind="diagnostics.noop")
    if is_htmx(request):
        return render_page(request, "web/_job_status.html", {"job": job, "finished": FINISHED, "fresh": True})
    messages.success(request, _("ส่งงานตรวจระบบเข้าคิวแล้ว (งานที่ %(id)s)") % {"id": job.pk})
    return redirect("jobs", agency=request.tenant.slug)


@require_safe
def job_status(request: HttpRequest, agency: str, job_id: int) -> HttpResponse:
    require(request, Action.JOBS_VIEW)
    job = selectors.job_get(tenant_id=request.tenant.pk, job_id=job_id)
    response = render_page(request, "web/_job_status.html", {"job": job, "finished": FINISHED})
    if job.status in FINISHED and is_htmx(request):
        response["HX-Trigger"] = "eoJobFinished"
    return response
