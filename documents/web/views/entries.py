"""One registry entry: its detail page (fields, parties, files with an in-page preview, amendments,
related entries) and its actions as small forms (amend, annul, register in a unit's book, dispatch,
secret grants), the files, using a reserved number, and the registrar opening a sealed item."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from documents.drafting import selectors as drafting_selectors
from documents.files.services import file_download_response
from documents.handling import circulation
from documents.handling import selectors as handling_selectors
from documents.models import (
    BookKind,
    EntryStatus,
    Purpose,
    RegistryEntry,
    Urgency,
)
from documents.registry import selectors, services
from documents.registry.errors import Conflict
from documents.registry.letter_fields import FIELDS
from documents.web import reads
from documents.web.forms import (
    AmendForm,
    DispatchForm,
    OutgoingForm,
    ReasonForm,
    SecretGrantForm,
    SecretOpenForm,
    UnitRegisterForm,
)
from documents.web.views._common import (
    PREVIEW_PDF,
    discard,
    fail_or_status,
    issuable,
    prepare_uploads,
    preview_file,
    render_registry,
    visible_books,
)
from eoffice.common.exceptions import ApplicationError, PermissionDeniedInTenant
from eoffice.common.thaidate import thai_date, thai_datetime
from tenants import selectors as tenant_selectors
from tenants.roles import Action
from tenants.web.views._common import require

AMEND_LABELS = {
    "subject": "เรื่อง", "letter_reference": "ที่", "letter_date": "ลงวันที่", "refers_to": "อ้างถึง",
    "enclosures": "สิ่งที่ส่งมาด้วย", "purpose": "วัตถุประสงค์", "urgency": "ชั้นความเร็ว", "deliver_by": "ด่วนภายใน",
    "sender_display": "จาก", "recipient_display": "ถึง",
}


def _entry(request: HttpRequest, entry_id: int) -> RegistryEntry:
    return selectors.entry_detail(request.actor, tenant_id=request.tenant.pk, entry_id=entry_id)


def _redirect(request: HttpRequest, entry: RegistryEntry) -> HttpResponse:
    return redirect("registry-entry", agency=request.tenant.slug, entry_id=entry.pk)


# --- the page ---------------------------------------------------------------------------------------------
def _shown(field: str, value: Any) -> str:
    """An amendment's stored value (JSON) as the page shows it."""
    if value in (None, ""):
        return "–"
    if field == "letter_date":
        try:
            return thai_date(dt.date.fromisoformat(str(value)))
        except ValueError:
            return str(value)
    if field == "deliver_by":
        try:
            return thai_datetime(dt.datetime.fromisoformat(str(value)))
        except ValueError:
            return str(value)
    if field == "urgency":
        return str(dict(Urgency.choices).get(value, value))
    if field == "purpose":
        return str(dict(Purpose.choices).get(value, value))
    return str(value)


def _amendments(request: HttpRequest, entry: RegistryEntry) -> list[dict[str, Any]]:
    out = []
    for a in selectors.entry_amendments(tenant_id=request.tenant.pk, entry=entry):
        changes = [
            {"label": AMEND_LABELS.get(name, name), "before": _shown(name, c.get("before")),
             "after": _shown(name, c.get("after"))}
            for name, c in (a.changes or {}).items() if isinstance(c, dict)
        ]
        out.append({"amendment": a, "changes": changes})
    return out


def _unit_books(request: HttpRequest, entry: RegistryEntry, related: list[RegistryEntry]) -> list:
    if entry.book.kind != BookKind.CENTRAL_INCOMING or entry.status == EntryStatus.ANNULLED:
        return []
    if entry.letter is None or entry.letter.is_secret:
        return []
    done = {r.book_id for r in related if r.status != EntryStatus.ANNULLED}
    return [b for b in issuable(request, visible_books(request))
            if b.kind == BookKind.UNIT_INCOMING and b.pk not in done]


def _detail(request: HttpRequest, entry: RegistryEntry, *, status: int = 200, **forms: Any) -> HttpResponse:
    tenant, actor = request.tenant, request.actor
    letter = entry.letter
    files = selectors.entry_files(tenant_id=tenant.pk, entry=entry)
    related = selectors.entry_related(tenant_id=tenant.pk, entry=entry)
    visible_ids = {b.pk for b in visible_books(request)}
    can_issue = services.can_issue(actor, entry.book)
    outgoing = not (entry.book.is_incoming or entry.book.is_secret)
    open_ = entry.status != EntryStatus.ANNULLED

    drafted = drafting_selectors.draft_holding_entry(tenant_id=tenant.pk, entry_id=entry.pk) if outgoing else None

    amend_form = forms.get("amend_form")
    if amend_form is None and can_issue and open_ and letter is not None and not letter.is_sealed:
        amend_form = AmendForm(initial=AmendForm.initial_for(letter), prefix="amend")
    annul_form = forms.get("annul_form")
    if annul_form is None and can_issue and open_ and entry.status != EntryStatus.DISPATCHED and drafted is None:
        annul_form = ReasonForm(prefix="annul")
    unit_books = _unit_books(request, entry, related)
    unit_form = forms.get("unit_form")
    if unit_form is None and unit_books:
        unit_form = UnitRegisterForm(prefix="unit")
    if unit_form is not None:
        unit_form.set_books(unit_books)
    dispatch_form = forms.get("dispatch_form")
    if dispatch_form is None and can_issue and outgoing and drafted is None and entry.status in (
        EntryStatus.REGISTERED, EntryStatus.AWAITING_DISPATCH
    ):
        dispatch_form = DispatchForm(prefix="dispatch", initial={"state": EntryStatus.DISPATCHED if entry.status ==
                                              EntryStatus.AWAITING_DISPATCH else EntryStatus.AWAITING_DISPATCH,
                                              "channel": entry.channel})
    grant_form = forms.get("grant_form")
    if letter is not None and letter.is_secret and actor.can(Action.SECRET_REGISTER_MANAGE):
        grant_form = grant_form or SecretGrantForm(prefix="grant")
        grant_form.set_members(m for m in tenant_selectors.members_list(tenant_id=tenant.pk)
                               if m.is_active and m.user_id != actor.user_id)
    else:
        grant_form = None
    preview = preview_file(files)
    handling = handling_selectors.handling_for_entry(actor, tenant_id=tenant.pk, entry_id=entry.pk)
    can_note = (handling is None and entry.book.kind == BookKind.CENTRAL_INCOMING and open_ and letter is not None
                and not letter.is_secret and actor.can(Action.REGISTRY_CENTRAL_WRITE))
    ctx = {
        "handling": handling,
        "can_note": can_note,
        "can_circulate_own": handling is None and circulation.may_circulate_own(actor, entry=entry),
        "entry": entry,
        "letter": letter,
        "parties": list(letter.parties.all()) if letter is not None else [],
        "extras": [(FIELDS.get(letter.kind, {}).get(k, k), v) for k, v in (letter.extra or {}).items()]
        if letter is not None else [],
        "files": files,
        "preview": preview,
        "preview_is_pdf": preview is not None and preview.content_type == PREVIEW_PDF,
        "amendments": _amendments(request, entry),
        "related": [{"entry": r, "linked": r.book_id in visible_ids} for r in related],
        "parent_linked": entry.parent is not None and entry.parent.book_id in visible_ids,
        "can_issue": can_issue,
        "outgoing": outgoing,
        "amend_form": amend_form,
        "annul_form": annul_form,
        "unit_form": unit_form,
        "dispatch_form": dispatch_form,
        "grant_form": grant_form,
        "can_use_reservation": can_issue and entry.status == EntryStatus.RESERVED and letter is None,
        "drafted": drafted,
        "open_form": forms.get("open_form"),
    }
    return render_registry(request, "documents/registry/entry.html", ctx, status=status)


@never_cache
@require_safe
def entry_detail(request: HttpRequest, agency: str, entry_id: int) -> HttpResponse:
    return _detail(request, _entry(request, entry_id))


# --- actions ------------------------------------------------------------------------------------------------
@require_POST
def entry_amend(request: HttpRequest, agency: str, entry_id: int) -> HttpResponse:
    entry = _entry(request, entry_id)
    form = AmendForm(request.POST, prefix="amend")
    status = 400
    if form.is_valid():
        changes = form.changes(entry.letter) if entry.letter is not None else {}
        try:
            with transaction.atomic():
                if entry.letter is not None and not changes:
                    raise ApplicationError("ไม่มีข้อมูลที่เปลี่ยนแปลง จึงไม่บันทึกการแก้ไข",
                                           "Nothing changed, so no amendment was recorded.", code="no_change")
                services.entry_amend(tenant_id=request.tenant.pk, actor=request.actor, entry_id=entry.pk,
                                     changes=changes, reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            status = fail_or_status(exc)
            form.add_application_error(exc)
        else:
            messages.success(request, _("บันทึกการแก้ไขแล้ว ข้อมูลเดิมยังแสดงอยู่ในประวัติการแก้ไข"))
            return _redirect(request, entry)
    return _detail(request, _entry(request, entry_id), status=status, amend_form=form)


@require_POST
def entry_annul(request: HttpRequest, agency: str, entry_id: int) -> HttpResponse:
    entry = _entry(request, entry_id)
    form = ReasonForm(request.POST, prefix="annul")
    status = 400
    if form.is_valid():
        try:
            with transaction.atomic():
                services.entry_annul(tenant_id=request.tenant.pk, actor=request.actor, entry_id=entry.pk,
                                     reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            status = fail_or_status(exc)
            form.add_application_error(exc)
        else:
            messages.success(request, _("ยกเลิกเลข %(n)s แล้ว เลขนี้ยังอยู่ในทะเบียนและไม่นำกลับมาใช้")
                             % {"n": entry.number_label})
            return _redirect(request, entry)
    return _detail(request, entry, status=status, annul_form=form)


@require_POST
def entry_unit_register(request: HttpRequest, agency: str, entry_id: int) -> HttpResponse:
    entry = _entry(request, entry_id)
    form = UnitRegisterForm(request.POST, prefix="unit")
    related = selectors.entry_related(tenant_id=request.tenant.pk, entry=entry)
    form.set_books(_unit_books(request, entry, related))
    twin = selectors.entry_for_key(tenant_id=request.tenant.pk, key=request.POST.get("unit-idempotency_key", ""))
    if twin is not None and twin.parent_id == entry.pk:
        messages.info(request, _("แบบฟอร์มนี้ส่งไปแล้ว ระบบไม่ลงทะเบียนซ้ำ: เลขรับ %(n)s") % {"n": twin.number_label})
        return _redirect(request, twin)
    status = 400
    if form.is_valid():
        try:
            with transaction.atomic():
                unit_entry = services.register_in_unit(
                    tenant_id=request.tenant.pk, actor=request.actor, central_entry_id=entry.pk,
                    book_id=int(form.cleaned_data["book"]), idempotency_key=form.cleaned_data["idempotency_key"],
                    note=form.cleaned_data["note"],
                )
        except ApplicationError as exc:
            status = fail_or_status(exc)
            form.add_application_error(exc)
        else:
            messages.success(request, _("ลงทะเบียนรับในทะเบียนของหน่วยงานย่อยแล้ว เลขรับ %(n)s")
                             % {"n": unit_entry.number_label})
            return _redirect(request, unit_entry)
    return _detail(request, entry, status=status, unit_form=form)


@require_POST
def entry_dispatch(request: HttpRequest, agency: str, entry_id: int) -> HttpResponse:
    entry = _entry(request, entry_id)
    form = DispatchForm(request.POST, prefix="dispatch")
    status = 400
    if form.is_valid():
        kw = {"tenant_id": request.tenant.pk, "actor": request.actor, "entry_id": entry.pk}
        try:
            with transaction.atomic():
                if form.cleaned_data["state"] == EntryStatus.AWAITING_DISPATCH:
                    services.entry_mark_awaiting_dispatch(**kw)
                else:
                    services.entry_mark_dispatched(**kw, channel=form.cleaned_data["channel"])
        except ApplicationError as exc:
            status = fail_or_status(exc)
            form.add_application_error(exc)
        else:
            messages.success(request, _("บันทึกสถานะการส่งแล้ว"))
            return _redirect(request, entry)
    return _detail(request, entry, status=status, dispatch_form=form)


@require_POST
def entry_secret_grants(request: HttpRequest, agency: str, entry_id: int) -> HttpResponse:
    require(request, Action.SECRET_REGISTER_MANAGE)
    entry = _entry(request, entry_id)
    form = SecretGrantForm(request.POST, prefix="grant")
    members = [m for m in tenant_selectors.members_list(tenant_id=request.tenant.pk) if m.is_active]
    form.set_members(members)
    status = 400
    if form.is_valid():
        user_id = int(form.cleaned_data["user"])
        t = request.tenant.pk
        try:
            with transaction.atomic():
                if entry.letter_id is None:
                    raise Conflict("เลขที่จองไว้ยังไม่มีหนังสือ", "A reserved number has no letter.", code="reserved")
                if form.cleaned_data["revoke"]:
                    services.secret_revoke(tenant_id=t, actor=request.actor, letter_id=entry.letter_id, user_id=user_id)
                else:
                    services.secret_grant(tenant_id=t, actor=request.actor, letter_id=entry.letter_id, user_id=user_id)
        except ApplicationError as exc:
            status = fail_or_status(exc)
            form.add_application_error(exc)
        else:
            name = next((m.user.display_name_th for m in members if m.user_id == user_id), "")
            if form.cleaned_data["revoke"]:
                messages.success(request, _("ถอนสิทธิ์เห็นหนังสือลับของ %(name)s แล้ว") % {"name": name})
            else:
                messages.success(request, _("ให้สิทธิ์เห็นหนังสือลับแก่ %(name)s แล้ว") % {"name": name})
            return _redirect(request, entry)
    return _detail(request, entry, status=status, grant_form=form)


# --- files ------------------------------------------------------------------------------------------------------
@require_safe
def entry_file(request: HttpRequest, agency: str, entry_id: int, file_id: int) -> HttpResponse:
    """A file of the entry as a download; ``?inline=1`` shows a PDF or an image in the browser (the preview)."""
    f = selectors.file_for_download(request.actor, tenant_id=request.tenant.pk, entry_id=entry_id, file_id=file_id)
    return file_download_response(f, inline=request.GET.get("inline") == "1")


# --- a reserved number, a sealed item ------------------------------------------------------------------------------
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def reservation_use(request: HttpRequest, agency: str, entry_id: int) -> HttpResponse:
    tenant = request.tenant
    entry = _entry(request, entry_id)
    if entry.status != EntryStatus.RESERVED:
        if request.method == "POST" and entry.letter is not None:
            messages.info(request, _("เลขที่จองนี้ใช้ไปแล้ว: %(ref)s") % {"ref": entry.reference or entry.number_label})
            return _redirect(request, entry)
        raise Conflict("เลขนี้ไม่ได้อยู่ในสถานะจอง", "This number is not reserved.", code="not_reserved")
    if not services.can_issue(request.actor, entry.book):
        raise PermissionDeniedInTenant()
    posted = request.method == "POST"
    form = OutgoingForm(request.POST if posted else None, request.FILES if posted else None, with_book=False,
                        initial={"subject": entry.note})
    form.set_agencies(reads.agencies_for_parties(tenant_id=tenant.pk))
    status = 200
    if posted:
        status = 400
        if form.is_valid():
            prepared = prepare_uploads(form, form.cleaned_data["files"])
            if prepared is not None:
                try:
                    with transaction.atomic():
                        services.reservation_use(tenant_id=tenant.pk, actor=request.actor, entry_id=entry.pk,
                                                 data=form.to_input(sender_default=tenant.name_th), files=prepared)
                except ApplicationError as exc:
                    discard(prepared)
                    status = fail_or_status(exc)
                    form.add_application_error(exc)
                else:
                    messages.success(request, _("ใช้เลขที่จองแล้ว: %(ref)s") % {"ref": entry.reference or entry.number_label})
                    return _redirect(request, entry)
    return render_registry(request, "documents/registry/reservation_use.html", {"entry": entry, "form": form},
                       status=status)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def secret_open(request: HttpRequest, agency: str, entry_id: int) -> HttpResponse:
    """The secret registrar opens a sealed item from the central desk and registers it in the secret register."""
    require(request, Action.SECRET_REGISTER_MANAGE)
    tenant = request.tenant
    posted = request.method == "POST"
    if posted:
        twin = selectors.entry_for_key(tenant_id=tenant.pk, key=request.POST.get("idempotency_key", ""))
        if twin is not None and twin.parent_id == entry_id:
            messages.info(request, _("แบบฟอร์มนี้ส่งไปแล้ว ระบบไม่ลงทะเบียนซ้ำ: เลขทะเบียนลับ %(n)s")
                          % {"n": twin.number_label})
            return _redirect(request, twin)
    central = reads.sealed_entry_for_registrar(request.actor, tenant_id=tenant.pk, entry_id=entry_id)
    form = SecretOpenForm(request.POST if posted else None, request.FILES if posted else None,
                          initial={"secrecy": central.letter.secrecy})
    status = 200
    if posted:
        status = 400
        if form.is_valid():
            prepared = prepare_uploads(form, form.cleaned_data["files"])
            if prepared is not None:
                try:
                    with transaction.atomic():
                        secret_entry = services.secret_open(
                            tenant_id=tenant.pk, actor=request.actor, central_entry_id=central.pk,
                            data=form.to_input(sender_name=central.letter.sender_display), files=prepared,
                            idempotency_key=form.cleaned_data["idempotency_key"],
                        )
                except ApplicationError as exc:
                    discard(prepared)
                    status = fail_or_status(exc)
                    form.add_application_error(exc)
                else:
                    messages.success(request, _("เปิดซองและลงทะเบียนข้อมูลข่าวสารลับแล้ว เลขทะเบียน %(n)s")
                                     % {"n": secret_entry.number_label})
                    return _redirect(request, secret_entry)
    return render_registry(request, "documents/registry/secret_open.html", {"central": central, "form": form},
                       status=status)
