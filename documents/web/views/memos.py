"""บันทึกข้อความ (internal memos): the compose page. A unit's clerk or head sends in the name of their unit;
the central desk in the name of any unit. Sent memos then live on the ordinary handling pages."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from documents.handling import memos, selectors
from documents.web import handling_forms as hf
from documents.web.views._common import discard, fail_or_status, prepare_uploads
from eoffice.common.exceptions import ApplicationError, PermissionDeniedInTenant
from tenants import selectors as tenant_selectors
from tenants.web.views._common import render_page


def _form(request: HttpRequest, data=None, files=None) -> hf.MemoForm:  # type: ignore[no-untyped-def]
    tid = request.tenant.pk
    senders = selectors.memo_sender_units(request.actor, tenant_id=tid)
    if not senders:
        raise PermissionDeniedInTenant()
    units = [u for u in tenant_selectors.org_units_list(tenant_id=tid) if u.is_active]
    positions = [p for p in tenant_selectors.positions_list(tenant_id=tid) if p.is_active]
    return hf.MemoForm(data, files, from_units=senders, units=units, positions=positions)


@require_http_methods(["GET", "POST"])
def memo_new(request: HttpRequest, agency: str) -> HttpResponse:
    form = _form(request, request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            prepared = prepare_uploads(form, d["files"])
            if prepared is not None:
                memo = memos.MemoInput(
                    from_unit_id=d["from_unit"], subject=d["subject"], body=d["body"], unit_ids=d["units"],
                    position_ids=d["positions"], salutation=d["salutation"], purpose=d["purpose"], urgency=d["urgency"],
                    enclosures=d["enclosures"], refers_to=d["refers_to"], files=prepared)
                try:
                    with transaction.atomic():
                        handling = memos.memo_send(tenant_id=request.tenant.pk, actor=request.actor, memo=memo,
                                                   idempotency_key=d["idempotency_key"])
                except ApplicationError as exc:
                    discard(prepared)
                    status = fail_or_status(exc)
                    form.add_application_error(exc)
                else:
                    messages.success(request, _("ส่งบันทึกข้อความแล้ว ที่ %(ref)s") % {
                        "ref": handling.entry.reference or handling.entry.number_label})
                    return redirect("handling-letter", agency=request.tenant.slug, handling_id=handling.pk)
    return render_page(request, "documents/handling/memo.html", {"form": form}, status=status)
