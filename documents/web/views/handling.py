"""Handling pages (issue 4): the inbox (หนังสือถึงฉัน), a letter's handling page (who holds it now, the
timeline, and the actions the reader may take on their holdings), the clerk's note, one POST per action.
Views stay thin: a form validates, one service acts, the page is shown again with the refusal if any."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from documents.files.services import file_download_response
from documents.handling import circulation, delegations, selectors, services
from documents.handling.due import default_due_on
from documents.models import (
    FileRole,
    FileState,
    Handling,
    HandlingState,
    HolderKind,
    Holding,
    HoldingPurpose,
    LetterKind,
    Purpose,
    Urgency,
)
from documents.registry import selectors as registry_selectors
from documents.web import handling_forms as hf
from documents.web.views._common import PREVIEW_PDF, discard, fail_or_status, prepare_uploads, preview_file
from eoffice.common.exceptions import ApplicationError, NotFoundInTenant, PermissionDeniedInTenant
from eoffice.common.thaidate import thai_date_numeric
from tenants import selectors as tenant_selectors
from tenants.roles import Action
from tenants.web.views._common import render_page


def _tid(request: HttpRequest) -> int:
    return request.tenant.pk


def _attempt(form: Any, call: Callable[[dict[str, Any]], Any]) -> tuple[int | None, Any]:
    """Validate, then call one service in a savepoint: (None, its result) when it went through, else
    (the status to answer with, None), the refusal shown on the form in Thai and English."""
    if not form.is_valid():
        return 400, None
    try:
        with transaction.atomic():
            return None, call(form.cleaned_data)
    except ApplicationError as exc:
        form.add_application_error(exc)
        return fail_or_status(exc), None


# --- the inbox ---------------------------------------------------------------------------------------------
def _inbox_page(request: HttpRequest, *, status: int = 200, bulk_form: hf.BulkForm | None = None) -> HttpResponse:
    f = hf.InboxFilterForm(request.GET or None)
    filters = selectors.InboxFilters()
    if f.is_bound and f.is_valid():
        d = f.cleaned_data
        filters = selectors.InboxFilters(purpose=d["purpose"], urgency=d["urgency"], overdue=d["overdue"], sort=d["sort"])
    rows = selectors.inbox(request.actor, tenant_id=_tid(request), filters=filters)
    # labels looked up once per page (get_FOO_display rebuilds its choice dict on every call)
    purposes, urgencies, holding_purposes = dict(Purpose.choices), dict(Urgency.choices), dict(HoldingPurpose.choices)
    for h in rows:
        letter = h.handling.letter
        h.for_information = letter.purpose == Purpose.INFORM and h.purpose in (
            HoldingPurpose.PRESENT, HoldingPurpose.INFORM) and h.holder_kind in (HolderKind.POSITION, HolderKind.UNIT)
        h.letter_purpose_label, h.purpose_label = purposes.get(letter.purpose, ""), holding_purposes.get(h.purpose, "")
        h.urgency_label = urgencies.get(letter.urgency, "")
    return render_page(request, "documents/handling/inbox.html", {
        "rows": rows, "filter_form": f if f.is_bound else hf.InboxFilterForm(), "bulk_form": bulk_form,
        "has_bulk": any(h.for_information for h in rows), "limit": selectors.INBOX_LIMIT,
        "can_send_memo": selectors.may_send_memos(request.actor, tenant_id=_tid(request)),
    }, status=status)


@require_GET
def inbox(request: HttpRequest, agency: str) -> HttpResponse:
    return _inbox_page(request)


@require_POST
def endorse_bulk(request: HttpRequest, agency: str) -> HttpResponse:
    form = hf.BulkForm(request.POST)
    form.set_holdings([int(v) for v in request.POST.getlist("holdings") if v.isdigit() and len(v) < 19])
    status, done = _attempt(form, lambda d: services.endorse_bulk(tenant_id=_tid(request), actor=request.actor,
                                                                 holding_ids=d["holdings"]))
    if status is not None:
        return _inbox_page(request, status=status, bulk_form=form)
    messages.success(request, _("ทราบแล้ว %(n)d เรื่อง") % {"n": len(done)})
    return redirect("handling-inbox", agency=request.tenant.slug)


# --- the clerk's note --------------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def note_new(request: HttpRequest, agency: str, entry_id: int) -> HttpResponse:
    entry = registry_selectors.entry_detail(request.actor, tenant_id=_tid(request), entry_id=entry_id)
    existing = selectors.handling_for_entry(request.actor, tenant_id=_tid(request), entry_id=entry.pk)
    if existing is not None:
        return redirect("handling-letter", agency=request.tenant.slug, handling_id=existing.pk)
    if not request.actor.can(Action.REGISTRY_CENTRAL_WRITE):
        raise NotFoundInTenant()
    form = hf.NoteForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status, handling = _attempt(form, lambda d: services.handling_start(
            tenant_id=_tid(request), actor=request.actor, entry_id=entry.pk, note=services.NoteInput(**d)))
        if status is None:
            messages.success(request, _("บันทึกเกษียนแล้ว เสนอหนังสือได้จากหน้านี้"))
            return redirect("handling-letter", agency=request.tenant.slug, handling_id=handling.pk)
    return render_page(request, "documents/handling/note.html", {"entry": entry, "letter": entry.letter, "form": form},
                       status=status)


# --- a letter's handling page ---------------------------------------------------------------------------------
def _units(request: HttpRequest) -> list:  # type: ignore[type-arg]
    return [u for u in tenant_selectors.org_units_list(tenant_id=_tid(request)) if u.is_active]


def _positions(request: HttpRequest) -> list:  # type: ignore[type-arg]
    return [p for p in tenant_selectors.positions_list(tenant_id=_tid(request)) if p.is_active]


def _forms_for(request: HttpRequest, handling: Handling, holding: Holding, bound: dict[str, Any]) -> dict[str, Any]:
    """The action forms this holding offers its holder (a bound one, with errors, replaces its blank twin)."""
    tid, out = _tid(request), {}

    def pick(name: str, make: Callable[[], Any]) -> Any:
        return bound.get(name) if bound.get("holding") == holding.pk and name in bound else make()

    kind, purpose = holding.holder_kind, holding.purpose
    if kind == HolderKind.DESK and purpose == HoldingPurpose.PRESENT and handling.state == HandlingState.NOTED:
        form = pick("present", hf.PresentForm)
        form.set_chains(list(selectors.chains_list(tenant_id=tid, active_only=True)))
        out["present"] = form
        if handling.letter.purpose == Purpose.INFORM:
            form = pick("inform", hf.TargetsForm)
            form.set_targets(_units(request), _positions(request))
            out["inform"] = form
    elif kind == HolderKind.DESK and purpose == HoldingPurpose.DISTRIBUTE:
        form = pick("distribute", lambda: hf.TargetsForm(initial={
            "units": handling.ordered_units, "positions": handling.ordered_positions, "note": holding.passed_note}))
        form.set_targets(_units(request), _positions(request))
        out["distribute"] = form
    elif purpose == HoldingPurpose.PRESENT and kind == HolderKind.POSITION:
        form = pick("endorse", hf.EndorseForm)
        form.set_units(_units(request))
        out["endorse"] = form
        out["phrases"] = services.PHRASES
    elif purpose == HoldingPurpose.INFORM:
        out["acknowledge"] = True
    elif purpose == HoldingPurpose.DISTRIBUTE and kind in (HolderKind.UNIT, HolderKind.POSITION):
        if kind == HolderKind.UNIT and holding.unit_entry_id is None:
            out["unit_register"] = pick("unit_register", hf.UnitRegisterForm)
        else:
            form = pick("assign", lambda: hf.AssignForm(initial={"due_on": thai_date_numeric(
                default_due_on(tenant_id=tid, letter=handling.letter, reply_by=handling.reply_by))}))
            form.set_members(list(selectors.assignable_members(tenant_id=tid, holding=holding)))
            out["assign"] = form
        out["return"] = pick("return", hf.ReasonForm)
        form = pick("forward", hf.ForwardForm)
        form.set_units([u for u in _units(request) if u.pk != holding.unit_id])
        out["forward"] = form
    if purpose in (HoldingPurpose.ACT, HoldingPurpose.DISTRIBUTE) and kind in (HolderKind.MEMBER, HolderKind.POSITION):
        out["act"] = pick("act", hf.ActForm)
        form = pick("close", hf.CloseForm)
        form.set_categories(list(selectors.file_categories_list(tenant_id=tid)))
        out["close"] = form
    return out


def _letter_page(request: HttpRequest, handling: Handling, *, status: int = 200, **bound: Any) -> HttpResponse:
    tid = _tid(request)
    mine = selectors.my_holdings(request.actor, tenant_id=tid, handling=handling)
    actions = [{"holding": h, **_forms_for(request, handling, h, bound)} for h in mine]
    shown = {id(v) for a in actions for v in a.values()}
    # a refused form whose step no longer applies (the letter moved on) still shows its message, at the top
    unplaced = [f for k, f in bound.items() if k != "holding" and id(f) not in shown]
    files = selectors.handling_files(tenant_id=tid, handling=handling)
    preview = preview_file(files)
    return render_page(request, "documents/handling/letter.html", {
        "handling": handling, "entry": handling.entry, "letter": handling.letter,
        "holders": list(selectors.open_holdings(tenant_id=tid, handling=handling)),
        "timeline": list(selectors.timeline(tenant_id=tid, handling=handling)),
        "files": [f for f in files if f.role != FileRole.PREVIEW], "preview": preview,
        "preview_is_pdf": preview is not None and preview.content_type == PREVIEW_PDF,
        "working_copy": registry_selectors.working_copy_of([f for f in files if f.state == FileState.OK]),
        "actions": actions, "refused_form": unplaced[0] if unplaced else None,
        "may_circulate": circulation.may_circulate(request.actor, tenant_id=tid, handling=handling),
        "circulations": circulation.of_letter(request.actor, tenant_id=tid, handling=handling),
    }, status=status)


def _handling(request: HttpRequest, handling_id: int) -> Handling:
    return selectors.handling_get(request.actor, tenant_id=_tid(request), handling_id=handling_id)


@require_GET
def letter(request: HttpRequest, agency: str, handling_id: int) -> HttpResponse:
    return _letter_page(request, _handling(request, handling_id))


def _holding(request: HttpRequest, holding_id: int) -> Holding:
    """An open holding the actor holds (else 404, like a missing one)."""
    for h in selectors.inbox_holding(request.actor, tenant_id=_tid(request), holding_id=holding_id):
        return h
    raise NotFoundInTenant()


def _run(request: HttpRequest, handling: Handling, form: Any, name: str, holding_id: int | None,
         call: Callable[[dict[str, Any]], Any], done: str) -> HttpResponse:
    """Validate, call the service in a savepoint, then redirect to the letter (or the inbox when the
    reader no longer sees it); on a refusal show the page again with the form and its message."""
    status, _result = _attempt(form, call)
    if status is None:
        messages.success(request, done)
        try:
            selectors.handling_get(request.actor, tenant_id=_tid(request), handling_id=handling.pk)
        except NotFoundInTenant:
            return redirect("handling-inbox", agency=request.tenant.slug)
        return redirect("handling-letter", agency=request.tenant.slug, handling_id=handling.pk)
    return _letter_page(request, _handling(request, handling.pk), status=status, holding=holding_id, **{name: form})


# --- desk actions (per letter) ---------------------------------------------------------------------------------
@require_POST
def present(request: HttpRequest, agency: str, handling_id: int) -> HttpResponse:
    handling = _handling(request, handling_id)
    form = hf.PresentForm(request.POST)
    form.set_chains(list(selectors.chains_list(tenant_id=_tid(request), active_only=True)))
    desk = _desk(request, handling)
    return _run(request, handling, form, "present", desk, lambda d: services.present(
        tenant_id=_tid(request), actor=request.actor, handling_id=handling.pk, chain_id=d["chain"], note=d["note"]),
        _("เสนอหนังสือแล้ว"))


def _desk(request: HttpRequest, handling: Handling) -> int | None:
    desk = [h for h in selectors.my_holdings(request.actor, tenant_id=_tid(request), handling=handling)
            if h.holder_kind == HolderKind.DESK]
    return desk[0].pk if desk else None


def _targets(request: HttpRequest) -> hf.TargetsForm:
    form = hf.TargetsForm(request.POST)
    form.set_targets(_units(request), _positions(request))
    return form


@require_POST
def inform(request: HttpRequest, agency: str, handling_id: int) -> HttpResponse:
    handling = _handling(request, handling_id)
    return _run(request, handling, _targets(request), "inform", _desk(request, handling), lambda d: services.send_for_information(
        tenant_id=_tid(request), actor=request.actor, handling_id=handling.pk, unit_ids=d["units"],
        position_ids=d["positions"], note=d["note"]), _("ส่งหนังสือเพื่อทราบแล้ว"))


@require_POST
def distribute(request: HttpRequest, agency: str, handling_id: int) -> HttpResponse:
    handling = _handling(request, handling_id)
    return _run(request, handling, _targets(request), "distribute", _desk(request, handling), lambda d: services.distribute(
        tenant_id=_tid(request), actor=request.actor, handling_id=handling.pk, unit_ids=d["units"],
        position_ids=d["positions"], note=d["note"]), _("แจกจ่ายตามคำสั่งแล้ว"))


# --- holding actions -----------------------------------------------------------------------------------------------
def _holding_action(request: HttpRequest, holding_id: int, form: Any, name: str,
                    call: Callable[[Holding, dict[str, Any]], Any], done: str) -> HttpResponse:
    holding = _holding(request, holding_id)
    return _run(request, holding.handling, form, name, holding.pk, lambda d: call(holding, d), done)


@require_POST
def endorse(request: HttpRequest, agency: str, holding_id: int) -> HttpResponse:
    form = hf.EndorseForm(request.POST)
    form.set_units(_units(request))
    return _holding_action(request, holding_id, form, "endorse", lambda h, d: services.endorse(
        tenant_id=_tid(request), actor=request.actor, holding_id=h.pk, phrase=d["phrase"], text=d["text"],
        order_units=d["order_units"], final=d["final"]), _("บันทึกการเกษียน/สั่งการแล้ว"))


@require_POST
def acknowledge(request: HttpRequest, agency: str, holding_id: int) -> HttpResponse:
    return _holding_action(request, holding_id, hf.ThaiFirstForm(request.POST), "acknowledge", lambda h, d: services.acknowledge(
        tenant_id=_tid(request), actor=request.actor, holding_id=h.pk), _("ทราบแล้ว"))


@require_POST
def unit_register(request: HttpRequest, agency: str, holding_id: int) -> HttpResponse:
    return _holding_action(request, holding_id, hf.UnitRegisterForm(request.POST), "unit_register",
                           lambda h, d: services.unit_register(tenant_id=_tid(request), actor=request.actor, holding_id=h.pk,
                                                               idempotency_key=d["idempotency_key"], note=d["note"]),
                           _("ลงทะเบียนรับในหน่วยงานแล้ว"))


@require_POST
def assign(request: HttpRequest, agency: str, holding_id: int) -> HttpResponse:
    holding = _holding(request, holding_id)
    form = hf.AssignForm(request.POST)
    form.set_members(list(selectors.assignable_members(tenant_id=_tid(request), holding=holding)))
    return _run(request, holding.handling, form, "assign", holding.pk, lambda d: services.assign(
        tenant_id=_tid(request), actor=request.actor, holding_id=holding.pk, membership_ids=d["members"],
        due_on=d["due_on"], note=d["note"]), _("มอบหมายผู้ปฏิบัติแล้ว"))


@require_POST
def return_(request: HttpRequest, agency: str, holding_id: int) -> HttpResponse:
    return _holding_action(request, holding_id, hf.ReasonForm(request.POST), "return", lambda h, d: services.return_holding(
        tenant_id=_tid(request), actor=request.actor, holding_id=h.pk, reason=d["reason"]), _("ส่งคืนแล้ว"))


@require_POST
def forward(request: HttpRequest, agency: str, holding_id: int) -> HttpResponse:
    form = hf.ForwardForm(request.POST)
    form.set_units(_units(request))
    return _holding_action(request, holding_id, form, "forward", lambda h, d: services.forward(
        tenant_id=_tid(request), actor=request.actor, holding_id=h.pk, unit_id=d["unit"], reason=d["reason"]),
        _("ส่งต่อแล้ว"))


@require_POST
def act(request: HttpRequest, agency: str, holding_id: int) -> HttpResponse:
    """การปฏิบัติ, with its documents: each upload is checked and stored before the transaction; a refusal
    discards them (nothing half-written)."""
    form = hf.ActForm(request.POST, request.FILES)

    def call(h: Holding, d: dict[str, Any]) -> Any:  # runs in _attempt's savepoint
        got = prepare_uploads(form, d["files"])  # no database: checks, encrypts, stores the blobs
        if got is None:
            raise form.app_error  # type: ignore[misc]
        try:
            return services.act(tenant_id=_tid(request), actor=request.actor, holding_id=h.pk, text=d["text"], files=got)
        except ApplicationError:
            discard(got)
            raise

    return _holding_action(request, holding_id, form, "act", call, _("บันทึกการปฏิบัติแล้ว"))


@require_POST
def close(request: HttpRequest, agency: str, holding_id: int) -> HttpResponse:
    form = hf.CloseForm(request.POST)
    form.set_categories(list(selectors.file_categories_list(tenant_id=_tid(request))))
    return _holding_action(request, holding_id, form, "close", lambda h, d: services.close(
        tenant_id=_tid(request), actor=request.actor, holding_id=h.pk, file_category_id=d["category"], text=d["text"]),
        _("ปิดเรื่องแล้ว"))


# --- settings: presentation chains, due-date rules and file categories (agency admin) ---------------------------
def _applies_to(row: Any, kinds: dict[str, str], urgencies: dict[str, str]) -> str:
    """A chain's or a rule's conditions as a Thai line ("" = every letter)."""
    parts = [", ".join(str(kinds.get(k, k)) for k in row.letter_kinds or []),
             ", ".join(str(urgencies.get(u, u)) for u in row.urgencies or []),
             _("จาก %(agency)s") % {"agency": row.sender_agency.name_th} if row.sender_agency_id else ""]
    return " · ".join(p for p in parts if p)


def _settings_page(request: HttpRequest, *, status: int = 200, chain_form: hf.ChainForm | None = None,
                   category_form: hf.FileCategoryForm | None = None, delegation_form: hf.DelegationForm | None = None,
                   due_rule_form: hf.DueRuleForm | None = None,
                   revoke: tuple[int, hf.RevokeForm] | None = None) -> HttpResponse:
    if not request.actor.can(Action.ORG_MANAGE):
        raise PermissionDeniedInTenant()
    tid = _tid(request)
    items = selectors.delegations_list(tenant_id=tid)
    for d in items:
        d.revoke_form = revoke[1] if revoke and revoke[0] == d.pk else _revoke_form(d.pk)
    kinds, urgencies = dict(LetterKind.choices), dict(Urgency.choices)
    chains, rules = selectors.chains_list(tenant_id=tid), list(selectors.due_rules_list(tenant_id=tid))
    for row in [*chains, *rules]:
        row.applies_to = _applies_to(row, kinds, urgencies)
    return render_page(request, "documents/handling/settings.html", {
        "chains": chains,
        "due_rules": rules,
        "categories": list(selectors.file_categories_list(tenant_id=tid, active_only=False)),
        "delegations": items,
        "chain_form": chain_form or hf.ChainForm(positions=_positions(request)),
        "due_rule_form": due_rule_form or hf.DueRuleForm(),
        "category_form": category_form or hf.FileCategoryForm(),
        "delegation_form": delegation_form or hf.DelegationForm(positions=_positions(request)),
    }, status=status)


@require_GET
def settings_page(request: HttpRequest, agency: str) -> HttpResponse:
    return _settings_page(request)


def _save(request: HttpRequest, form: Any, call: Callable[[dict[str, Any]], Any], done: str, **page: Any) -> HttpResponse:
    """A settings form: back to the page when it went through, else the page with the form (``page``)."""
    status, _result = _attempt(form, call)
    if status is None:
        messages.success(request, done)
        return redirect("handling-settings", agency=request.tenant.slug)
    return _settings_page(request, status=status, **page)


@require_POST
def chain_create(request: HttpRequest, agency: str) -> HttpResponse:
    form = hf.ChainForm(request.POST, positions=_positions(request))
    return _save(request, form, lambda d: services.chain_create(
        tenant_id=_tid(request), actor=request.actor, name_th=d["name_th"], position_ids=form.position_ids(),
        **form.conditions()), _("เพิ่มสายการเสนอแล้ว"), chain_form=form)


@require_POST
def due_rule_create(request: HttpRequest, agency: str) -> HttpResponse:
    form = hf.DueRuleForm(request.POST)
    return _save(request, form, lambda d: services.due_rule_create(
        tenant_id=_tid(request), actor=request.actor, name_th=d["name_th"], working_days=d["working_days"],
        **form.conditions()), _("เพิ่มหลักเกณฑ์กำหนดเสร็จแล้ว"), due_rule_form=form)


@require_POST
def category_create(request: HttpRequest, agency: str) -> HttpResponse:
    form = hf.FileCategoryForm(request.POST)
    return _save(request, form, lambda d: services.file_category_create(
        tenant_id=_tid(request), actor=request.actor, **d), _("เพิ่มหมวด/แฟ้มแล้ว"), category_form=form)


def _set_active(request: HttpRequest, call: Callable[[bool], Any]) -> HttpResponse:
    """One toggle (ใช้งาน / ปิดใช้งาน) of a chain, a due rule or a file category."""
    form = hf.ActiveForm(request.POST)
    status, _row = _attempt(form, lambda d: call(d["active"]))
    if status is None:
        messages.success(request, _("เปิดใช้งานแล้ว") if form.cleaned_data["active"] else _("ปิดใช้งานแล้ว"))
        return redirect("handling-settings", agency=request.tenant.slug)
    messages.error(request, form.app_error.message_th if form.app_error else _("กรุณาเลือกใช้งานหรือปิดใช้งาน"))
    return _settings_page(request, status=status)


@require_POST
def chain_set_active(request: HttpRequest, agency: str, chain_id: int) -> HttpResponse:
    return _set_active(request, lambda active: services.chain_set_active(
        tenant_id=_tid(request), actor=request.actor, chain_id=chain_id, active=active))


@require_POST
def due_rule_set_active(request: HttpRequest, agency: str, rule_id: int) -> HttpResponse:
    return _set_active(request, lambda active: services.due_rule_set_active(
        tenant_id=_tid(request), actor=request.actor, rule_id=rule_id, active=active))


@require_POST
def category_set_active(request: HttpRequest, agency: str, category_id: int) -> HttpResponse:
    return _set_active(request, lambda active: services.file_category_set_active(
        tenant_id=_tid(request), actor=request.actor, category_id=category_id, active=active))


@require_POST
def delegation_create(request: HttpRequest, agency: str) -> HttpResponse:
    form = hf.DelegationForm(request.POST, positions=_positions(request))
    return _save(request, form, lambda d: delegations.delegation_create(
        tenant_id=_tid(request), actor=request.actor, from_position_id=d["from_position"],
        to_position_id=d["to_position"], letter_kinds=d["letter_kinds"], matters=d["matters"],
        order_reference=d["order_reference"], order_date=d["order_date"], starts_on=d["starts_on"],
        ends_on=d["ends_on"]), _("บันทึกการมอบอำนาจแล้ว"), delegation_form=form)


def _revoke_form(delegation_id: int, data: Any = None) -> hf.RevokeForm:
    """One revoke form per delegation on the page: the same field name, ids of its own."""
    return hf.RevokeForm(data, prefix="revoke", auto_id=f"id_revoke{delegation_id}_%s")


@require_POST
def delegation_revoke(request: HttpRequest, agency: str, delegation_id: int) -> HttpResponse:
    form = _revoke_form(delegation_id, request.POST)
    return _save(request, form, lambda d: delegations.delegation_revoke(
        tenant_id=_tid(request), actor=request.actor, delegation_id=delegation_id, reason=d["reason"]),
        _("ยกเลิกการมอบอำนาจแล้ว"), revoke=(delegation_id, form))


@require_GET
def letter_file(request: HttpRequest, agency: str, handling_id: int, file_id: int) -> HttpResponse:
    """A file of the letter for its holders (who may not open the central book): ``?inline=1`` shows a PDF
    or an image in the browser."""
    f = selectors.handling_file_get(request.actor, tenant_id=_tid(request), handling_id=handling_id, file_id=file_id)
    return file_download_response(f, inline=request.GET.get("inline") == "1")


@require_GET
def working_copy(request: HttpRequest, agency: str, handling_id: int) -> HttpResponse:
    """ฉบับทำงาน: the letter's latest working copy (receipt stamp, then the notes and endorsements
    appended to it) shown in the browser; back to the letter's page while there is none yet."""
    handling = _handling(request, handling_id)
    f = registry_selectors.working_copy(tenant_id=_tid(request), letter_id=handling.letter_id)
    if f is None or f.state != FileState.OK:
        messages.info(request, _("ยังไม่มีฉบับทำงาน (หนังสือไม่มีไฟล์ PDF/ภาพสแกน หรือระบบกำลังจัดทำ)"))
        return redirect("handling-letter", agency=request.tenant.slug, handling_id=handling.pk)
    return file_download_response(f, inline=True)


@require_GET
def endorsement_sheet(request: HttpRequest, agency: str, handling_id: int) -> HttpResponse:
    """ใบเกษียน: the letter's note and every endorsement and order, signed as recorded, laid out to print
    (the browser's print; A4, the menu and buttons hidden)."""
    handling = _handling(request, handling_id)
    addressee, events = selectors.endorsement_sheet(tenant_id=_tid(request), handling=handling)
    return render_page(request, "documents/handling/sheet.html", {
        "handling": handling, "entry": handling.entry, "letter": handling.letter, "events": events,
        "addressee": addressee,
    })
