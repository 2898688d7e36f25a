"""Drafting pages (issue 5): the hub (my drafts, drafts to review, the desk's queues), a draft from the
system's forms (rich-text body, live preview) or from a DOCX/PDF file (with the number box on a PDF),
the draft's page (versions, comments, the review round, timeline and the actions its state and the
reader allow), printing envelopes, labels and the delivery book, and the review-route settings.

Views stay thin: a form validates, one service acts (in a savepoint), then POST-redirect-GET; a refusal
shows the page again with what was typed and the message in Thai and English. The renderer
(``documents.drafting.render``, WeasyPrint) and the file-draft helpers (``documents.drafting.sources``)
are imported inside the views that need them, so other pages never load them."""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from documents.drafting import access, printing, selectors, services
from documents.drafting import dispatch as dispatch_services
from documents.drafting.fields import FORM_FIELDS
from documents.files.services import file_download_response
from documents.handling.access import holder_of
from documents.models import (
    DispatchChannel,
    Draft,
    DraftForm,
    DraftRecipient,
    DraftSource,
    DraftState,
    DraftVersion,
    FileRole,
    FileState,
    RecipientRole,
    ReviewStatus,
)
from documents.registry import services as registry_services
from documents.web import drafting_forms as df
from documents.web import drafting_reads as reads
from documents.web.views._common import fail_or_status, outgoing_books
from eoffice.common.exceptions import ApplicationError, NotFoundInTenant, PermissionDeniedInTenant
from tenants import selectors as tenant_selectors
from tenants.roles import Action, Scope
from tenants.web.views._common import render_page

log = logging.getLogger(__name__)
FORM_NUMBERS = {DraftForm.EXTERNAL: 1, DraftForm.MEMO: 2, DraftForm.STAMPED: 3, DraftForm.ORDER: 4,
                DraftForm.ANNOUNCEMENT: 7}


def _tid(request: HttpRequest) -> int:
    return request.tenant.pk


def _attempt(form: Any, call: Callable[[dict[str, Any]], Any], *, valid: bool = True) -> tuple[int | None, Any]:
    """Validate, then call one service in a savepoint: (None, result) when done, else (status, None)."""
    if not (form.is_valid() and valid):
        return 400, None
    try:
        with transaction.atomic():
            return None, call(form.cleaned_data)
    except ApplicationError as exc:
        form.add_application_error(exc)
        return fail_or_status(exc), None


def _may_draft(request: HttpRequest) -> bool:
    return access.write_scope(request.actor) is not None


def _require_draft_writer(request: HttpRequest) -> None:
    if not _may_draft(request):
        raise PermissionDeniedInTenant()


def _draft(request: HttpRequest, draft_id: int) -> Draft:
    return selectors.draft_get(request.actor, tenant_id=_tid(request), draft_id=draft_id)


def _is_desk(request: HttpRequest) -> bool:
    return request.actor.can(Action.REGISTRY_CENTRAL_WRITE) or request.actor.can(Action.REGISTRY_UNIT_WRITE)


def _may_print(request: HttpRequest, draft: Draft) -> bool:
    return draft.book is not None and registry_services.can_issue(request.actor, draft.book)


def _agency_units(request: HttpRequest) -> list:  # type: ignore[type-arg]
    """Owner units the actor may choose (agency-wide drafters); [] = their own unit, no choice shown."""
    if access.write_scope(request.actor) not in (Scope.AGENCY, Scope.JURISDICTION, Scope.SYSTEM):
        return []
    return [u for u in tenant_selectors.org_units_list(tenant_id=_tid(request)) if u.is_active]


def _body(raw: str) -> str:
    """The body as HTML: Trix sends HTML; the plain textarea (no script) sends text, one paragraph a line."""
    raw = raw or ""
    if "<" in raw or not raw.strip():
        return raw
    paras = [p for p in raw.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return "".join("<div>" + "<br>".join(html.escape(line) for line in p.split("\n")) + "</div>" for p in paras)


def _id_param(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 19 else None


# --- the hub -------------------------------------------------------------------------------------------------
@require_GET
def home(request: HttpRequest, agency: str) -> HttpResponse:
    tid, actor = _tid(request), request.actor
    holder = holder_of(actor, tenant_id=tid)
    if not _may_draft(request) and not holder.position_ids:
        raise PermissionDeniedInTenant()
    lists = selectors.draft_lists(actor, tenant_id=tid, desk=_is_desk(request))
    fits: dict[tuple[str, int | None], bool] = {}

    def mine(d: Draft) -> bool:
        key = (d.form, d.book_id)
        if key not in fits:
            fits[key] = services.may_ready(actor, tenant_id=tid, draft=d)
        return fits[key]

    return render_page(request, "documents/drafting/home.html", {
        "lists": lists, "at_desk": [d for d in lists.at_desk if mine(d)],
        "awaiting_signature": [d for d in lists.awaiting_signature if mine(d)],
        "awaiting_dispatch": [d for d in lists.awaiting_dispatch if mine(d)],
        "may_draft": _may_draft(request), "desk": _is_desk(request),
        "forms": [(value, label, FORM_NUMBERS[value]) for value, label in DraftForm.choices],
        "may_manage": actor.can(Action.ORG_MANAGE),
    })


# --- new / edit from a form -------------------------------------------------------------------------------------
def _reply_initial(request: HttpRequest, letter_id: int, kind: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """อ้างถึง, the subject and the recipient of a reply, from the incoming letter (a letter the actor
    cannot open answers 404)."""
    p = selectors.reply_prefill(request.actor, tenant_id=_tid(request), letter_id=letter_id,
                                thai_digits=request.tenant.use_thai_digits)
    initial: dict[str, Any] = {"subject": p.subject}
    if "refers_to" in FORM_FIELDS.get(kind, ()):
        initial["f_refers_to"] = p.refers_to
    if "recipient_line" in FORM_FIELDS.get(kind, ()) and p.recipient_name:
        initial["f_recipient_line"] = p.recipient_name
    rows = []
    if p.recipient_name:
        rows.append({"name": p.recipient_name, "role": RecipientRole.TO, "agency": p.recipient_agency_id,
                     "channel": DispatchChannel.IN_SYSTEM if p.recipient_agency_id else DispatchChannel.POST,
                     "address": p.recipient_address, "email": p.recipient_email})
    return initial, rows


def _editor_page(request: HttpRequest, *, kind: str, form: df.DraftEditForm, rows: list, draft: Draft | None,  # type: ignore[type-arg]
                 reply_to: int | None, status: int = 200) -> HttpResponse:
    agencies = reads.agencies_for_recipients()
    blank_start = max([int(r.prefix[1:]) for r in rows] + [-1]) + 1
    shown = rows + [df.RecipientRowForm(prefix=f"r{blank_start + i}", agencies=agencies)
                    for i in range(df.BLANK_ROWS if request.method == "GET" and draft is None else 1)]
    if draft is None:
        action = reverse("drafting-new", kwargs={"agency": request.tenant.slug}) + f"?form={kind}"
        if reply_to:
            action += f"&reply_to={reply_to}"
    else:
        action = reverse("drafting-edit", kwargs={"agency": request.tenant.slug, "draft_id": draft.pk})
    return render_page(request, "documents/drafting/edit.html", {
        "form": form, "rows": shown, "kind": kind, "kind_label": DraftForm(kind).label, "draft": draft,
        "action": action, "letter_fields": [form[n] for n in form.letter_field_names() if n in form.fields],
        "template_row": df.RecipientRowForm(prefix="r__N__", agencies=agencies),
        "with_body": "body_html" in form.fields, "reply_to": reply_to,
    }, status=status)


def _save_draft(request: HttpRequest, form: df.DraftEditForm, rows: list, call: Callable[[services.DraftInput], Draft],  # type: ignore[type-arg]
                kind: str) -> tuple[int | None, Draft | None]:
    checked = [r.is_valid() for r in rows]  # every row, so each shows its own errors
    valid = form.is_valid() & all(checked)
    if not valid:
        return 400, None
    d = form.cleaned_data
    data = services.DraftInput(
        form=kind, subject=d["subject"], owner_unit_id=d.get("owner_unit"), urgency=d["urgency"], secrecy=d["secrecy"],
        fields=form.letter_fields(), body_html=_body(d.get("body_html", "")),
        recipients=[r.as_input() for r in rows], note=d.get("note", "") or "",
    )
    try:
        with transaction.atomic():
            return None, call(data)
    except ApplicationError as exc:
        if df.rows_error(rows, exc):
            form.app_error = exc
        else:
            form.add_application_error(exc)
        return fail_or_status(exc), None


@require_http_methods(["GET", "POST"])
def draft_new(request: HttpRequest, agency: str) -> HttpResponse:
    _require_draft_writer(request)
    kind = request.GET.get("form") or DraftForm.EXTERNAL
    if kind not in DraftForm.values:
        raise NotFoundInTenant()
    reply_to = _id_param(request.GET.get("reply_to"))
    agencies = reads.agencies_for_recipients()
    units = _agency_units(request)
    if request.method == "GET":
        initial, rows_initial = _reply_initial(request, reply_to, kind) if reply_to else ({}, [])
        signer = {"f_salutation": "เรียน"} if "salutation" in FORM_FIELDS[kind] else {}
        form = df.DraftEditForm(initial={**signer, **initial}, form=kind, units=units)
        rows = [df.RecipientRowForm(prefix=f"r{i}", agencies=agencies, initial=row) for i, row in enumerate(rows_initial)]
        return _editor_page(request, kind=kind, form=form, rows=rows, draft=None, reply_to=reply_to)
    form = df.DraftEditForm(request.POST, form=kind, units=units)
    rows = df.recipient_rows(request.POST, agencies=agencies)
    rows = [r for r in rows if r.is_bound]
    status, draft = _save_draft(request, form, rows, lambda data: services.draft_create(
        tenant_id=_tid(request), actor=request.actor, data=data, reply_to_letter_id=reply_to,
        idempotency_key=form.cleaned_data.get("idempotency_key") or None), kind)
    if status is None:
        messages.success(request, _("บันทึกร่างแล้ว"))
        return redirect("drafting-detail", agency=request.tenant.slug, draft_id=draft.pk)
    return _editor_page(request, kind=kind, form=form, rows=rows, draft=None, reply_to=reply_to, status=status)


def _editable(request: HttpRequest, draft: Draft) -> None:
    holder = holder_of(request.actor, tenant_id=_tid(request))
    if not access.may_edit(request.actor, holder, draft):
        raise PermissionDeniedInTenant()


def _rows_of(draft_recipients: list[DraftRecipient]) -> list[dict[str, Any]]:
    return [{"name": r.name, "role": r.role, "channel": r.channel, "address": r.address, "email": r.email,
             "agency": r.agency_id} for r in draft_recipients]


@require_http_methods(["GET", "POST"])
def draft_edit(request: HttpRequest, agency: str, draft_id: int) -> HttpResponse:
    draft = _draft(request, draft_id)
    _editable(request, draft)
    if not draft.is_editable:
        messages.info(request, _("ร่างนี้แก้ไขไม่ได้ในสถานะนี้ (แก้ได้เมื่อกำลังร่างหรือถูกส่งคืนแก้ไข)"))
        return redirect("drafting-detail", agency=request.tenant.slug, draft_id=draft.pk)
    tid = _tid(request)
    agencies = reads.agencies_for_recipients()
    units = _agency_units(request)
    with_body = draft.source == DraftSource.FORM
    if request.method == "GET":
        version = selectors.draft_version(tenant_id=tid, draft=draft)
        initial = {"subject": draft.subject, "urgency": draft.urgency, "secrecy": draft.secrecy,
                   "owner_unit": draft.owner_unit_id, "body_html": version.body_html, "expected_version": draft.version,
                   **{f"f_{k}": v for k, v in version.fields.items()}}
        form = df.DraftEditForm(initial=initial, form=draft.form, units=units, creating=False, with_body=with_body)
        rows = [df.RecipientRowForm(prefix=f"r{i}", agencies=agencies, initial=row)
                for i, row in enumerate(_rows_of(selectors.draft_recipients(tenant_id=tid, draft=draft)))]
        return _editor_page(request, kind=draft.form, form=form, rows=rows, draft=draft, reply_to=None)
    form = df.DraftEditForm(request.POST, form=draft.form, units=units, creating=False, with_body=with_body)
    rows = [r for r in df.recipient_rows(request.POST, agencies=agencies) if r.is_bound]
    version = selectors.draft_version(tenant_id=tid, draft=draft)

    def call(data: services.DraftInput) -> Draft:
        if not with_body:  # a file draft keeps its (uploaded) body and box
            data = services.DraftInput(**{**data.__dict__, "body_html": version.body_html})
        return services.draft_revise(tenant_id=tid, actor=request.actor, draft_id=draft.pk, data=data,
                                     expected_version=form.cleaned_data.get("expected_version") or 0)

    status, saved = _save_draft(request, form, rows, call, draft.form)
    if status is None:
        messages.success(request, _("บันทึกร่างฉบับใหม่แล้ว"))
        return redirect("drafting-detail", agency=request.tenant.slug, draft_id=saved.pk)
    return _editor_page(request, kind=draft.form, form=form, rows=rows, draft=draft, reply_to=None, status=status)


@require_POST
def preview(request: HttpRequest, agency: str) -> HttpResponse:
    """The live preview (htmx): the letter as typed, never saved — an unsaved Draft/DraftVersion in memory,
    the body sanitised, rendered by ``render_letter_html`` (which escapes every field)."""
    _require_draft_writer(request)
    kind = request.POST.get("form_kind") or ""
    if kind not in DraftForm.values:
        return _preview_message(_("แบบหนังสือไม่ถูกต้อง"), "Unknown letter form.")
    from documents.drafting import fields as form_fields
    from documents.drafting.layout import letter_layout
    from documents.drafting.sanitize import sanitize_body

    form = df.DraftEditForm(request.POST, form=kind, units=_agency_units(request))
    form.fields["subject"].required = False
    if "idempotency_key" in form.fields:
        form.fields["idempotency_key"].required = False
    if not form.is_valid():
        first = next(iter(form.errors.values()))[0]
        return _preview_message(str(first), "Please check the form.")
    d = form.cleaned_data
    tid = _tid(request)
    unit_id = d.get("owner_unit") or request.actor.unit_id
    unit = next((u for u in tenant_selectors.org_units_list(tenant_id=tid) if u.pk == unit_id), None)
    try:
        clean = form_fields.clean_fields(kind, form.letter_fields())
    except ApplicationError as exc:
        return _preview_message(exc.message_th, exc.message_en)
    subject = d["subject"] or _("(ยังไม่มีเรื่อง)")
    draft = Draft(tenant_id=tid, form=kind, subject=subject, urgency=d["urgency"], secrecy=d["secrecy"], owner_unit=unit)
    version = DraftVersion(tenant_id=tid, draft=draft, number=1, subject=subject, fields=clean,
                           body_html=sanitize_body(_body(d.get("body_html", ""))))
    recipients = []
    for r in df.recipient_rows(request.POST, agencies=[]):
        if r.is_bound:
            r.fields["agency"].choices = [("", "")]
            r.data = r.data.copy()
            r.data[r.add_prefix("agency")] = ""
            if r.is_valid() and r.cleaned_data["name"]:
                recipients.append(DraftRecipient(tenant_id=tid, role=r.cleaned_data["role"], name=r.cleaned_data["name"],
                                                 channel=r.cleaned_data["channel"]))
    from documents.drafting.render import render_letter_html

    try:
        fragment = render_letter_html(letter_layout(agency=request.tenant, draft=draft, version=version,
                                                    recipients=recipients, entry=None, final=False))
    except ApplicationError as exc:
        return _preview_message(exc.message_th, exc.message_en)
    return HttpResponse(fragment, content_type="text/html; charset=utf-8")


def _preview_message(th: str, en: str) -> HttpResponse:
    return HttpResponse(f'<p class="eo-muted">{html.escape(th)} <span lang="en">({html.escape(en)})</span></p>',
                        content_type="text/html; charset=utf-8")


# --- new from a file, the number box --------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def draft_new_file(request: HttpRequest, agency: str) -> HttpResponse:
    _require_draft_writer(request)
    form = df.FileDraftForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("source")
        too_big = upload is not None and upload.size > settings.EOFFICE_FILE_MAX_BYTES

        def call(d: dict[str, Any]) -> Draft:
            data = services.DraftInput(form=d["form"], subject=d["subject"], urgency=d["urgency"], secrecy=d["secrecy"],
                                       source=services.SourceUpload(data=d["source"].read(), name=d["source"].name))
            return services.draft_create(tenant_id=_tid(request), actor=request.actor, data=data,
                                         idempotency_key=d["idempotency_key"])

        if too_big:
            form.is_valid()
            form.add_error("source", _("ไฟล์ใหญ่เกินขนาดที่ระบบรับ"))
        status, draft = _attempt(form, call, valid=not too_big)
        if status is None:
            messages.success(request, _("บันทึกร่างจากไฟล์แล้ว"))
            if draft.source == DraftSource.PDF:
                return redirect("drafting-box", agency=request.tenant.slug, draft_id=draft.pk)
            return redirect("drafting-detail", agency=request.tenant.slug, draft_id=draft.pk)
    return render_page(request, "documents/drafting/new_file.html", {"form": form}, status=status)


A4 = (210.0, 297.0)


def _page_sizes(version: DraftVersion) -> list[tuple[float, float]]:
    try:
        from documents.drafting.sources import pdf_inspect
        from documents.files.services import file_read

        sizes = [tuple(s) for s in pdf_inspect(file_read(version.source_file)).page_sizes_mm]
        return sizes or [A4]
    except Exception:  # not installed, or an unreadable file: the inputs still work, A4 assumed
        log.info("number box: page sizes unavailable for version %s", version.pk, exc_info=True)
        return [A4]


@require_http_methods(["GET", "POST"])
def number_box(request: HttpRequest, agency: str, draft_id: int) -> HttpResponse:
    draft = _draft(request, draft_id)
    _editable(request, draft)
    if draft.source != DraftSource.PDF or not draft.is_editable:
        messages.info(request, _("กำหนดตำแหน่งเลขที่และวันที่ได้เฉพาะร่าง PDF ที่ยังแก้ไขได้"))
        return redirect("drafting-detail", agency=request.tenant.slug, draft_id=draft.pk)
    tid = _tid(request)
    version = selectors.draft_version(tenant_id=tid, draft=draft)
    box = version.number_box or {}
    form = df.NumberBoxForm(request.POST or None, initial={"expected_version": draft.version, **box})
    status = 200
    if request.method == "POST":
        def call(d: dict[str, Any]) -> Draft:
            rows = selectors.draft_recipients(tenant_id=tid, draft=draft)
            data = services.DraftInput(
                form=draft.form, subject=draft.subject, owner_unit_id=draft.owner_unit_id, urgency=draft.urgency,
                secrecy=draft.secrecy, fields=dict(version.fields), body_html=version.body_html,
                recipients=[services.RecipientInput(name=r.name, role=r.role, channel=r.channel, address=r.address,
                                                    email=r.email, agency_id=r.agency_id, unit_id=r.unit_id,
                                                    position_id=r.position_id) for r in rows],
                number_box=form.box(), note="กำหนดตำแหน่งเลขที่และวันที่")
            return services.draft_revise(tenant_id=tid, actor=request.actor, draft_id=draft.pk, data=data,
                                         expected_version=d["expected_version"])

        status, _saved = _attempt(form, call)
        if status is None:
            messages.success(request, _("บันทึกตำแหน่งเลขที่และวันที่แล้ว"))
            return redirect("drafting-detail", agency=request.tenant.slug, draft_id=draft.pk)
    sizes = _page_sizes(version)
    source_url = (reverse("drafting-file", kwargs={"agency": request.tenant.slug, "draft_id": draft.pk,
                                                   "file_id": version.source_file_id}) if version.source_file_id else "")
    return render_page(request, "documents/drafting/box.html", {
        "draft": draft, "form": form, "source_url": source_url, "page_w": sizes[0][0], "page_h": sizes[0][1],
        "pages": len(sizes),
    }, status=status)


# --- the draft's page ----------------------------------------------------------------------------------------------
def _detail_page(request: HttpRequest, draft: Draft, *, status: int = 200, **bound: Any) -> HttpResponse:
    tid, actor = _tid(request), request.actor
    holder = holder_of(actor, tenant_id=tid)
    versions = selectors.draft_versions(tenant_id=tid, draft=draft)
    current = next((v for v in versions if v.number == draft.version), None)
    reviews = selectors.draft_reviews(tenant_id=tid, draft=draft, round=draft.review_round) if draft.review_round else []
    step = selectors.open_review_for(holder, reviews) if draft.state == DraftState.IN_REVIEW else None
    recipients = selectors.draft_recipients(tenant_id=tid, draft=draft)
    editable = draft.is_editable and access.may_edit(actor, holder, draft)
    desk = services.may_ready(actor, tenant_id=tid, draft=draft)
    ctx: dict[str, Any] = {
        "draft": draft, "current": current, "versions": versions, "reviews": reviews, "step": step,
        "comments": selectors.draft_comments(tenant_id=tid, draft=draft),
        "events": selectors.draft_events(tenant_id=tid, draft=draft), "recipients": recipients,
        "editable": editable, "desk": desk, "letter_files": [f for f in selectors.draft_files(tenant_id=tid, draft=draft)
                         if f.role in (FileRole.FINAL, FileRole.FILE_COPY, FileRole.SIGNED)],
        "may_cancel": access.may_edit(actor, holder, draft) and draft.state not in (
            DraftState.SIGNED, DraftState.DISPATCHED, DraftState.CANCELLED),
        "refused_form": None,
        "final_render": selectors.final_render_status(tenant_id=tid, draft=draft),
        "preview_render": selectors.preview_render_status(tenant_id=tid, version=current) if current else None,
    }
    if current is not None and current.pdf_id and current.pdf.state == FileState.OK:
        ctx["preview"] = current.pdf
        ctx["preview_is_pdf"] = True
        ctx["preview_url"] = reverse("drafting-version-pdf", kwargs={"agency": request.tenant.slug, "draft_id": draft.pk,
                                                                     "number": current.number})
    elif current is not None and draft.source == DraftSource.PDF and current.source_file_id:
        ctx["preview"] = current.source_file  # a PDF draft is its own preview
        ctx["preview_is_pdf"] = True
        ctx["preview_url"] = reverse("drafting-file", kwargs={"agency": request.tenant.slug, "draft_id": draft.pk,
                                                              "file_id": current.source_file_id})
    if draft.state not in (DraftState.CANCELLED, DraftState.DISPATCHED):
        ctx["comment_form"] = bound.pop("comment", None) or df.CommentForm()
    if editable:
        form = bound.pop("submit", None) or df.SubmitForm()
        routes = services.routes_for(tenant_id=tid, form=draft.form)
        form.set_routes(routes)
        ctx["submit_form"] = form
    if step is not None:
        ctx["initial_form"] = bound.pop("initial", None) or df.InitialForm(initial={"typed_name": actor.display_name or ""})
        ctx["return_form"] = bound.pop("return", None) or df.ReturnForm()
    if desk and draft.state == DraftState.REVIEWED:
        form = bound.pop("ready", None) or df.ReadyForm()
        books = outgoing_books(request)
        form.set_books(books)
        if not form.is_bound:
            try:
                kind_book = services.book_for_draft(tid, draft, None)
                form.initial["book"] = kind_book.pk
            except ApplicationError:
                pass
        ctx["ready_form"] = form
    if desk and draft.state == DraftState.READY:
        ctx["refuse_form"] = bound.pop("refuse", None) or df.ReasonForm(prefix_id="refuse")
        ctx["signed_form"] = bound.pop("signed", None) or df.SignedForm(initial={
            "signer_name": (current.fields.get("signer_name", "") if current else "")})
    if ctx["may_cancel"]:
        ctx["cancel_form"] = bound.pop("cancel", None) or df.ReasonForm(prefix_id="cancel")
    if desk and draft.state == DraftState.SIGNED:
        form = bound.pop("dispatch", None) or df.DispatchForm()
        form.set_recipients([r for r in recipients if r.dispatched_at is None])
        ctx["dispatch_form"] = form
        ctx["pending"] = [r for r in recipients if r.dispatched_at is None]
        for r in ctx["pending"]:  # what was typed survives a refusal
            r.typed_tracking = (form.data.get(f"tracking_{r.pk}") or "")[:40] if form.is_bound else ""
    if desk and draft.state in (DraftState.SIGNED, DraftState.DISPATCHED):
        ctx["received_form"] = bound.pop("received", None)
        ctx["by_hand"] = [r for r in recipients if r.channel == DispatchChannel.HAND and r.dispatched_at is not None]
        ctx["envelope_form"] = df.EnvelopeForm()
        ctx["post_recipients"] = [r for r in recipients if r.channel in (DispatchChannel.POST,
                                                                         DispatchChannel.REGISTERED_POST)]
    leftover = [f for f in bound.values() if f is not None]
    if leftover:
        ctx["refused_form"] = leftover[0]
    ctx["stage_labels"] = {"type": _("ผู้พิมพ์"), "proofread": _("ผู้ทาน"), "check": _("ผู้ตรวจ")}
    ctx["review_open"] = ReviewStatus.OPEN
    return render_page(request, "documents/drafting/detail.html", ctx, status=status)


@require_GET
def detail(request: HttpRequest, agency: str, draft_id: int) -> HttpResponse:
    return _detail_page(request, _draft(request, draft_id))


def _act(request: HttpRequest, draft_id: int, form: Any, name: str, call: Callable[[Draft, dict[str, Any]], Any],
         done: str) -> HttpResponse:
    """One action on the draft's page: the service in a savepoint, then back to the page (or the hub when
    the reader no longer sees the draft); a refusal shows the page with the form and its message."""
    draft = _draft(request, draft_id)
    status, _result = _attempt(form, lambda d: call(draft, d))
    if status is None:
        messages.success(request, done)
        try:
            _draft(request, draft.pk)
        except NotFoundInTenant:
            return redirect("drafting-home", agency=request.tenant.slug)
        return redirect("drafting-detail", agency=request.tenant.slug, draft_id=draft.pk)
    return _detail_page(request, _draft(request, draft.pk), status=status, **{name: form})


@require_POST
def comment(request: HttpRequest, agency: str, draft_id: int) -> HttpResponse:
    return _act(request, draft_id, df.CommentForm(request.POST), "comment", lambda draft, d: services.draft_comment(
        tenant_id=_tid(request), actor=request.actor, draft_id=draft.pk, text=d["text"]), _("บันทึกความเห็นแล้ว"))


@require_POST
def submit(request: HttpRequest, agency: str, draft_id: int) -> HttpResponse:
    form = df.SubmitForm(request.POST)
    form.set_routes(services.routes_for(tenant_id=_tid(request), form=_draft(request, draft_id).form))
    return _act(request, draft_id, form, "submit", lambda draft, d: services.draft_submit(
        tenant_id=_tid(request), actor=request.actor, draft_id=draft.pk, route_id=d["route"]),
        _("เสนอตรวจร่างแล้ว"))


def _open_step(request: HttpRequest, draft: Draft) -> int:
    holder = holder_of(request.actor, tenant_id=_tid(request))
    reviews = selectors.draft_reviews(tenant_id=_tid(request), draft=draft, round=draft.review_round)
    step = selectors.open_review_for(holder, reviews) if draft.state == DraftState.IN_REVIEW else None
    if step is None:
        from documents.drafting.errors import WrongState

        raise WrongState("ไม่มีขั้นตอนตรวจร่างที่รอท่านในร่างนี้", "No review step of this draft is waiting for you.",
                         code="not_open")
    return step.pk


@require_POST
def initial(request: HttpRequest, agency: str, draft_id: int) -> HttpResponse:
    return _act(request, draft_id, df.InitialForm(request.POST), "initial", lambda draft, d: services.review_initial(
        tenant_id=_tid(request), actor=request.actor, review_id=_open_step(request, draft), typed_name=d["typed_name"],
        comment=d["comment"]), _("ลงชื่อกำกับแล้ว"))


@require_POST
def return_(request: HttpRequest, agency: str, draft_id: int) -> HttpResponse:
    return _act(request, draft_id, df.ReturnForm(request.POST), "return", lambda draft, d: services.review_return(
        tenant_id=_tid(request), actor=request.actor, review_id=_open_step(request, draft), comment=d["comment"]),
        _("ส่งคืนแก้ไขแล้ว"))


@require_POST
def ready(request: HttpRequest, agency: str, draft_id: int) -> HttpResponse:
    form = df.ReadyForm(request.POST)
    form.set_books(outgoing_books(request))
    return _act(request, draft_id, form, "ready", lambda draft, d: services.draft_ready(
        tenant_id=_tid(request), actor=request.actor, draft_id=draft.pk, confirmed=d["confirmed"], book_id=d["book"]),
        _("ออกเลขและวันที่แล้ว ระบบกำลังจัดทำฉบับจริงเพื่อเสนอลงนาม"))


@require_POST
def refuse(request: HttpRequest, agency: str, draft_id: int) -> HttpResponse:
    return _act(request, draft_id, df.ReasonForm(request.POST, prefix_id="refuse"), "refuse",
                lambda draft, d: services.draft_refuse(tenant_id=_tid(request), actor=request.actor, draft_id=draft.pk,
                                                       reason=d["reason"]),
                _("บันทึกการไม่ลงนามแล้ว เลขที่ถูกยกเลิก ร่างกลับไปแก้ไข"))


@require_POST
def signed(request: HttpRequest, agency: str, draft_id: int) -> HttpResponse:
    form = df.SignedForm(request.POST, request.FILES)

    def call(draft: Draft, d: dict[str, Any]) -> Draft:
        scan = d.get("signed_scan")
        if scan is not None and scan.size > settings.EOFFICE_FILE_MAX_BYTES:
            from documents.drafting.errors import DraftingError

            raise DraftingError("ไฟล์ใหญ่เกินขนาดที่ระบบรับ", "The file is too large.", field="signed_scan")
        upload = services.SourceUpload(data=scan.read(), name=scan.name) if scan is not None else None
        return services.draft_mark_signed(tenant_id=_tid(request), actor=request.actor, draft_id=draft.pk,
                                          signer_name=d["signer_name"], signed_scan=upload)

    return _act(request, draft_id, form, "signed", call, _("บันทึกการลงนามแล้ว"))


@require_POST
def cancel(request: HttpRequest, agency: str, draft_id: int) -> HttpResponse:
    return _act(request, draft_id, df.ReasonForm(request.POST, prefix_id="cancel"), "cancel",
                lambda draft, d: services.draft_cancel(tenant_id=_tid(request), actor=request.actor, draft_id=draft.pk,
                                                       reason=d["reason"]), _("ยกเลิกร่างแล้ว"))


@require_POST
def dispatch(request: HttpRequest, agency: str, draft_id: int) -> HttpResponse:
    draft = _draft(request, draft_id)
    form = df.DispatchForm(request.POST)
    form.set_recipients(selectors.draft_recipients(tenant_id=_tid(request), draft=draft))
    return _act(request, draft_id, form, "dispatch", lambda draft, d: dispatch_services.draft_dispatch(
        tenant_id=_tid(request), actor=request.actor, draft_id=draft.pk, recipient_ids=d["recipients"],
        tracking_numbers=form.tracking()), _("บันทึกการส่งหนังสือแล้ว"))


@require_POST
def received(request: HttpRequest, agency: str, draft_id: int) -> HttpResponse:
    form = df.ReceivedForm(request.POST)

    def call(draft: Draft, d: dict[str, Any]) -> Any:
        ids = {r.pk for r in selectors.draft_recipients(tenant_id=_tid(request), draft=draft)}
        if d["recipient"] not in ids:
            raise NotFoundInTenant()
        return dispatch_services.delivery_record(tenant_id=_tid(request), actor=request.actor,
                                                 recipient_id=d["recipient"], received_by_name=d["received_by_name"])

    return _act(request, draft_id, form, "received", call, _("บันทึกการลงชื่อรับแล้ว"))


# --- files and printing -----------------------------------------------------------------------------------------
@require_GET
def version_pdf(request: HttpRequest, agency: str, draft_id: int, number: int) -> HttpResponse:
    draft = _draft(request, draft_id)
    if number > 1_000_000:
        raise NotFoundInTenant()
    version = selectors.draft_version(tenant_id=_tid(request), draft=draft, number=number)
    if version.pdf_id is None or version.pdf.state != FileState.OK:
        messages.info(request, _("กำลังจัดทำภาพตัวอย่างของร่างฉบับนี้ กรุณาลองใหม่อีกครู่"))
        return redirect("drafting-detail", agency=request.tenant.slug, draft_id=draft.pk)
    return file_download_response(version.pdf, inline=request.GET.get("inline") == "1")


@require_GET
def draft_file(request: HttpRequest, agency: str, draft_id: int, file_id: int) -> HttpResponse:
    """A version's PDF or uploaded source, or the letter's final version, file copy or signed scan."""
    f = selectors.draft_file_get(request.actor, tenant_id=_tid(request), draft_id=draft_id, file_id=file_id)
    return file_download_response(f, inline=request.GET.get("inline") == "1")


def _pdf(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _printable(request: HttpRequest, draft_id: int) -> Draft:
    """Envelopes and labels are the desk's: whoever may take numbers from the draft's book."""
    draft = _draft(request, draft_id)
    if not _may_print(request, draft):
        raise PermissionDeniedInTenant()
    return draft


def _print_refused(request: HttpRequest, draft: Draft, exc: ApplicationError) -> HttpResponse:
    """Nothing to print (no number yet, nobody by post, a bad size): back to the draft with the reason."""
    if exc.status_code in (403, 404):
        raise exc
    messages.error(request, f"{exc.message_th} ({exc.message_en})")
    return redirect("drafting-detail", agency=request.tenant.slug, draft_id=draft.pk)


@require_GET
def envelope(request: HttpRequest, agency: str, draft_id: int) -> HttpResponse:
    draft = _printable(request, draft_id)
    form = df.EnvelopeForm(request.GET)
    size, rid = ("DL", None)
    if form.is_valid():
        size, rid = form.cleaned_data["size"], form.cleaned_data["recipient"]
    elif "recipient" in form.errors:
        raise NotFoundInTenant()
    try:
        data = printing.envelope_pdf(tenant_id=_tid(request), draft=draft, recipient_id=rid, size=size)
    except ApplicationError as exc:
        return _print_refused(request, draft, exc)
    return _pdf(data, f"envelope-{draft.pk}-{size}.pdf")


@require_GET
def labels(request: HttpRequest, agency: str, draft_id: int) -> HttpResponse:
    draft = _printable(request, draft_id)
    try:
        data = printing.labels_pdf(tenant_id=_tid(request), draft=draft)
    except ApplicationError as exc:
        return _print_refused(request, draft, exc)
    return _pdf(data, f"labels-{draft.pk}.pdf")


@require_GET
def delivery_book(request: HttpRequest, agency: str) -> HttpResponse:
    """สมุดส่ง: by-hand recipients of signed or dispatched letters who have not signed for them yet."""
    if not _is_desk(request):
        raise PermissionDeniedInTenant()
    tid = _tid(request)
    rows = printing.delivery_book_rows(tenant_id=tid, drafts_q=selectors.drafts_visible(request.actor, tenant_id=tid))
    return _pdf(printing.delivery_book_pdf(tenant_id=tid, rows=rows), "delivery-book.pdf")


# --- settings: review routes ---------------------------------------------------------------------------------
def _require_manage(request: HttpRequest) -> None:
    if not request.actor.can(Action.ORG_MANAGE):
        raise PermissionDeniedInTenant()


def _positions(request: HttpRequest) -> list:  # type: ignore[type-arg]
    return [p for p in tenant_selectors.positions_list(tenant_id=_tid(request)) if p.is_active]


def _routes_page(request: HttpRequest, *, form: df.RouteForm | None = None, status: int = 200) -> HttpResponse:
    routes = reads.routes_all(tenant_id=_tid(request))
    labels = dict(DraftForm.choices)
    for r in routes:
        r.forms_label = ", ".join(str(labels.get(f, f)) for f in r.forms or []) or _("ทุกแบบ")
    return render_page(request, "documents/drafting/routes.html", {
        "routes": routes, "form": form or df.RouteForm(positions=_positions(request)),
        "stage_labels": {"type": _("ผู้พิมพ์"), "proofread": _("ผู้ทาน"), "check": _("ผู้ตรวจ")},
    }, status=status)


@require_http_methods(["GET", "POST"])
def routes(request: HttpRequest, agency: str) -> HttpResponse:
    _require_manage(request)
    if request.method == "GET":
        return _routes_page(request)
    form = df.RouteForm(request.POST, positions=_positions(request))
    status, _route = _attempt(form, lambda d: services.route_create(
        tenant_id=_tid(request), actor=request.actor, name_th=d["name_th"], forms=d["forms"], steps=form.steps()))
    if status is None:
        messages.success(request, _("เพิ่มลำดับการตรวจร่างแล้ว"))
        return redirect("drafting-routes", agency=request.tenant.slug)
    return _routes_page(request, form=form, status=status)


@require_POST
def route_active(request: HttpRequest, agency: str, route_id: int) -> HttpResponse:
    _require_manage(request)
    form = df.ActiveForm(request.POST)
    status, _route = _attempt(form, lambda d: services.route_set_active(
        tenant_id=_tid(request), actor=request.actor, route_id=route_id, active=d["active"]))
    if status is None:
        messages.success(request, _("เปิดใช้งานแล้ว") if form.cleaned_data["active"] else _("ปิดใช้งานแล้ว"))
        return redirect("drafting-routes", agency=request.tenant.slug)
    return _routes_page(request, status=status)
