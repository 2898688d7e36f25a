"""Circulation pages (เวียนแจ้ง, issue 4 §3): the form on a letter's handling page, "หนังสือเวียนรอรับทราบ"
(the reader's outstanding ones, and the ones they sent), a circulation's page (opening it records that it
was opened, nothing more) with the รับทราบ button, the sender's status page (who opened, who acknowledged,
who is outstanding) and the printable sign-off sheet (ใบรับทราบ). Views stay thin: documents.handling.circulation
holds the rules."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from documents.handling import circulation, selectors
from documents.models import Circulation
from documents.web import handling_forms as hf
from documents.web.views._common import fail_or_status
from documents.web.views.handling import _attempt
from eoffice.common.exceptions import ApplicationError, NotFoundInTenant, PermissionDeniedInTenant
from tenants.web.views._common import render_page


def _tid(request: HttpRequest) -> int:
    return request.tenant.pk


def _form(request: HttpRequest, data: object = None) -> hf.CirculateForm:
    form = hf.CirculateForm(data)
    form.set_audience(*circulation.audience_choices(tenant_id=_tid(request), actor=request.actor))
    return form


@require_http_methods(["GET", "POST"])
def circulate(request: HttpRequest, agency: str, handling_id: int) -> HttpResponse:
    handling = selectors.handling_get(request.actor, tenant_id=_tid(request), handling_id=handling_id)
    if not circulation.may_circulate(request.actor, tenant_id=_tid(request), handling=handling):
        raise PermissionDeniedInTenant()
    form = _form(request, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status, circ = _attempt(form, lambda d: circulation.circulate(
            tenant_id=_tid(request), actor=request.actor, handling_id=handling.pk, audience=d["audience"],
            unit_ids=d["units"], position_ids=d["positions"], note=d["note"]))
        if status is None:
            messages.success(request, _("เวียนแจ้งแล้ว ถึง %(n)d คน") % {"n": circ.n_recipients})
            return redirect("handling-circulation-status", agency=request.tenant.slug, circulation_id=circ.pk)
    return render_page(request, "documents/handling/circulate.html", {
        "handling": handling, "entry": handling.entry, "letter": handling.letter, "form": form,
        "earlier": circulation.of_letter(request.actor, tenant_id=_tid(request), handling=handling),
    }, status=status)


@require_POST
def own_letter(request: HttpRequest, agency: str, entry_id: int) -> HttpResponse:
    """เวียนแจ้งภายใน from the entry page of the agency's own circular, order or announcement: its (closed)
    handling record is made once, then the ordinary circulate form."""
    try:
        with transaction.atomic():
            handling = circulation.own_letter_handling(tenant_id=_tid(request), actor=request.actor, entry_id=entry_id)
    except ApplicationError as exc:
        fail_or_status(exc)  # 403 / 404 go to the error page
        messages.error(request, exc.message_th)
        return redirect("registry-entry", agency=request.tenant.slug, entry_id=entry_id)
    return redirect("handling-circulate", agency=request.tenant.slug, handling_id=handling.pk)


@require_GET
def circulations(request: HttpRequest, agency: str) -> HttpResponse:
    return render_page(request, "documents/handling/circulations.html", {
        "rows": circulation.outstanding(request.actor, tenant_id=_tid(request)),
        "sent": circulation.sent_by(request.actor, tenant_id=_tid(request)),
        "limit": circulation.OUTSTANDING_LIMIT,
    })


def _page(request: HttpRequest, circulation_id: int, *, status: int = 200, form: hf.ThaiFirstForm | None = None) -> HttpResponse:
    circ, mine, may_status = circulation.circulation_get(request.actor, tenant_id=_tid(request), circulation_id=circulation_id)
    return render_page(request, "documents/handling/circulation.html", {
        "circ": circ, "mine": mine, "may_status": may_status, "handling": circ.handling, "entry": circ.handling.entry,
        "letter": circ.handling.letter, "form": form,
    }, status=status)


@require_GET
def circulation_page(request: HttpRequest, agency: str, circulation_id: int) -> HttpResponse:
    """Opening is not acknowledging: this records ``opened_at`` (once) for a recipient, nothing else."""
    circulation.mark_opened(tenant_id=_tid(request), actor=request.actor, circulation_id=circulation_id)
    return _page(request, circulation_id)


@require_POST
def acknowledge(request: HttpRequest, agency: str, circulation_id: int) -> HttpResponse:
    form = hf.ThaiFirstForm(request.POST)
    status, _row = _attempt(form, lambda d: circulation.acknowledge(
        tenant_id=_tid(request), actor=request.actor, circulation_id=circulation_id))
    if status is None:
        messages.success(request, _("รับทราบแล้ว"))
        return redirect("handling-circulations", agency=request.tenant.slug)
    return _page(request, circulation_id, status=status, form=form)


def _status_of(request: HttpRequest, circulation_id: int) -> Circulation:
    circ, _mine, may_status = circulation.circulation_get(request.actor, tenant_id=_tid(request),
                                                          circulation_id=circulation_id)
    if not may_status:
        raise NotFoundInTenant()
    return circ


def _status_page(request: HttpRequest, circ: Circulation, *, status: int = 200,
                 form: hf.ThaiFirstForm | None = None) -> HttpResponse:
    people = circulation.recipients(tenant_id=_tid(request), circulation=circ)
    return render_page(request, "documents/handling/circulation_status.html", {
        "circ": circ, "handling": circ.handling, "entry": circ.handling.entry, "letter": circ.handling.letter,
        "people": people, "outstanding": [r for r in people if r.acknowledged_at is None], "form": form,
    }, status=status)


@require_GET
def status_page(request: HttpRequest, agency: str, circulation_id: int) -> HttpResponse:
    return _status_page(request, _status_of(request, circulation_id))


@require_POST
def close(request: HttpRequest, agency: str, circulation_id: int) -> HttpResponse:
    circ = _status_of(request, circulation_id)
    form = hf.ThaiFirstForm(request.POST)
    status, _done = _attempt(form, lambda d: circulation.close(tenant_id=_tid(request), actor=request.actor,
                                                               circulation_id=circ.pk))
    if status is None:
        messages.success(request, _("ปิดการเวียนแจ้งแล้ว"))
        return redirect("handling-circulation-status", agency=request.tenant.slug, circulation_id=circ.pk)
    return _status_page(request, _status_of(request, circulation_id), status=status, form=form)


@require_GET
def sheet(request: HttpRequest, agency: str, circulation_id: int) -> HttpResponse:
    """ใบรับทราบ: one line per person — name, post, the time they acknowledged, blank for those outstanding —
    laid out for the browser's print (A4; the menu hidden), like the endorsement sheet."""
    circ = _status_of(request, circulation_id)
    return render_page(request, "documents/handling/circulation_sheet.html", {
        "circ": circ, "handling": circ.handling, "entry": circ.handling.entry, "letter": circ.handling.letter,
        "people": circulation.recipients(tenant_id=_tid(request), circulation=circ),
    })
