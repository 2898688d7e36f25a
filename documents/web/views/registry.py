"""The registry's front desk: the home page (incoming queue, books, actions), register a received
letter, issue an outgoing number, reserve a number."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from documents.models import BookKind, EntryStatus, RegistryEntry, Secrecy, Urgency
from documents.registry import selectors, services
from documents.web import reads
from documents.web.forms import IncomingForm, OutgoingForm, ReserveForm
from documents.web.views._common import (
    discard,
    fail_or_status,
    incoming_books,
    issuable,
    outgoing_books,
    prepare_uploads,
    remember,
    remembered,
    render_registry,
    visible_books,
)
from eoffice.common.exceptions import ApplicationError, PermissionDeniedInTenant
from tenants.roles import Action
from tenants.web.views._common import require

QUEUE_SIZE = 50


@dataclass(frozen=True)
class QueueRow:
    entry: RegistryEntry
    visible: bool

    @property
    def urgent(self) -> bool:
        return self.visible and self.entry.letter is not None and self.entry.letter.urgency != Urgency.NORMAL


def _queue(request: HttpRequest) -> list[QueueRow]:
    rows = [
        QueueRow(e, e.letter is None or e.letter.secrecy == Secrecy.NORMAL or bool(getattr(e, "granted", False)))
        for e in selectors.incoming_queue(request.actor, tenant_id=request.tenant.pk, limit=QUEUE_SIZE)
    ]
    # Urgent letters first (most urgent on top), otherwise newest first, as the selector returned them.
    return sorted(rows, key=lambda r: -int(r.entry.letter.urgency) if r.urgent else 0)


@require_safe
def registry_home(request: HttpRequest, agency: str) -> HttpResponse:
    require(request, Action.REGISTRY_READ)
    actor = request.actor
    books = visible_books(request)
    mine = issuable(request, books)
    central = any(b.kind == BookKind.CENTRAL_INCOMING for b in books)
    queue = _queue(request) if central else []
    registrar = actor.can(Action.SECRET_REGISTER_MANAGE)
    ctx = {
        "books": books,
        "can_incoming": any(b.is_incoming or b.is_secret for b in mine),
        "can_outgoing": any(not (b.is_incoming or b.is_secret) for b in mine),
        "has_central": central,
        "queue": queue,
        "registrar": registrar,
        "sealed_waiting": [r.entry for r in queue if r.entry.letter is not None and r.entry.letter.is_sealed
                           and r.entry.status == EntryStatus.REGISTERED] if registrar else [],
        "mailbox_new": reads.mailbox_new_count(tenant_id=request.tenant.pk)
        if actor.can(Action.REGISTRY_CENTRAL_WRITE) else None,
    }
    return render_registry(request, "documents/registry/home.html", ctx)


def _after_incoming(request: HttpRequest, entry: RegistryEntry, *, again: bool) -> HttpResponse:
    slug = request.tenant.slug
    sealed = entry.letter is not None and entry.letter.is_sealed
    if again:
        messages.info(request, _("แบบฟอร์มนี้ส่งไปแล้ว ระบบไม่ลงทะเบียนซ้ำ: เลขรับ %(n)s") % {"n": entry.number_label})
    elif sealed:
        messages.success(request, _(
            "ลงทะเบียนรับหนังสือลับแบบปิดผนึกแล้ว เลขรับ %(n)s กรุณาส่งซองให้นายทะเบียนข้อมูลข่าวสารลับโดยไม่เปิด"
        ) % {"n": entry.number_label})
    else:
        messages.success(request, _("ลงทะเบียนรับแล้ว เลขรับ %(n)s") % {"n": entry.number_label})
    if entry.letter is not None and entry.letter.is_secret and not entry.book.is_secret:
        return redirect("registry-home", agency=slug)  # the clerk holds no grant: the entry is not theirs to open
    return redirect("registry-entry", agency=slug, entry_id=entry.pk)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def incoming_new(request: HttpRequest, agency: str) -> HttpResponse:
    books = incoming_books(request)
    if not books:
        raise PermissionDeniedInTenant()
    tenant = request.tenant
    defaults = remembered(request, "incoming")
    posted = request.method == "POST"
    form = IncomingForm(request.POST if posted else None, request.FILES if posted else None, initial=defaults)
    form.set_books(books)
    form.set_agencies(reads.agencies_for_parties(tenant_id=tenant.pk))
    status = 200
    if posted:
        key = request.POST.get("idempotency_key", "")
        twin = selectors.entry_for_key(tenant_id=tenant.pk, key=key)
        if twin is not None:
            return _after_incoming(request, twin, again=True)
        status = 400
        if form.is_valid():
            prepared = prepare_uploads(form, form.cleaned_data["files"])
            if prepared is not None:
                try:
                    with transaction.atomic():
                        entry = services.register_incoming(
                            tenant_id=tenant.pk, actor=request.actor, data=form.to_input(), files=prepared,
                            idempotency_key=form.cleaned_data["idempotency_key"],
                        )
                except ApplicationError as exc:
                    discard(prepared)
                    status = fail_or_status(exc)
                    form.add_application_error(exc)
                else:
                    d = form.cleaned_data
                    remember(request, "incoming", {"kind": d["kind"], "channel": d["channel"], "book": d["book"]})
                    return _after_incoming(request, entry, again=False)
    ctx = {"form": form, "secret_book_ids": form.secret_book_ids}
    return render_registry(request, "documents/registry/incoming_form.html", ctx, status=status)


def _after_outgoing(request: HttpRequest, entry: RegistryEntry, *, again: bool) -> HttpResponse:
    label = entry.reference or entry.number_label
    if again:
        messages.info(request, _("แบบฟอร์มนี้ส่งไปแล้ว ระบบไม่ออกเลขซ้ำ: %(ref)s") % {"ref": label})
    elif entry.status == EntryStatus.RESERVED:
        messages.success(request, _("จองเลขแล้ว: %(ref)s (เลข %(n)s)") % {"ref": label, "n": entry.number_label})
    else:
        messages.success(request, _("ออกเลขหนังสือส่งแล้ว: %(ref)s (เลข %(n)s)") % {"ref": label, "n": entry.number_label})
    return redirect("registry-entry", agency=request.tenant.slug, entry_id=entry.pk)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def outgoing_new(request: HttpRequest, agency: str) -> HttpResponse:
    books = outgoing_books(request)
    if not books:
        raise PermissionDeniedInTenant()
    tenant = request.tenant
    defaults = remembered(request, "outgoing")
    posted = request.method == "POST"
    form = OutgoingForm(request.POST if posted else None, request.FILES if posted else None, initial=defaults)
    form.set_books(books)
    form.set_agencies(reads.agencies_for_parties(tenant_id=tenant.pk))
    status = 200
    if posted:
        key = request.POST.get("idempotency_key", "")
        twin = selectors.entry_for_key(tenant_id=tenant.pk, key=key)
        if twin is not None:
            return _after_outgoing(request, twin, again=True)
        status = 400
        if form.is_valid():
            prepared = prepare_uploads(form, form.cleaned_data["files"])
            if prepared is not None:
                try:
                    with transaction.atomic():
                        entry = services.issue_outgoing(
                            tenant_id=tenant.pk, actor=request.actor, data=form.to_input(sender_default=tenant.name_th),
                            files=prepared, idempotency_key=form.cleaned_data["idempotency_key"],
                        )
                except ApplicationError as exc:
                    discard(prepared)
                    status = fail_or_status(exc)
                    form.add_application_error(exc)
                else:
                    d = form.cleaned_data
                    remember(request, "outgoing", {"kind": d["kind"], "channel": d.get("channel", ""),
                                                   "book": d.get("book", "")})
                    return _after_outgoing(request, entry, again=False)
    return render_registry(request, "documents/registry/outgoing_form.html", {"form": form}, status=status)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def reserve_new(request: HttpRequest, agency: str) -> HttpResponse:
    books = outgoing_books(request)
    if not books:
        raise PermissionDeniedInTenant()
    tenant = request.tenant
    posted = request.method == "POST"
    form = ReserveForm(request.POST if posted else None, initial=remembered(request, "reserve"))
    form.set_books(books)
    status = 200
    if posted:
        twin = selectors.entry_for_key(tenant_id=tenant.pk, key=request.POST.get("idempotency_key", ""))
        if twin is not None:
            return _after_outgoing(request, twin, again=True)
        status = 400
        if form.is_valid():
            try:
                with transaction.atomic():
                    entry = services.reserve_number(
                        tenant_id=tenant.pk, actor=request.actor, book_id=int(form.cleaned_data["book"]),
                        note=form.cleaned_data["note"], idempotency_key=form.cleaned_data["idempotency_key"],
                    )
            except ApplicationError as exc:
                status = fail_or_status(exc)
                form.add_application_error(exc)
            else:
                remember(request, "reserve", {"book": form.cleaned_data["book"]})
                return _after_outgoing(request, entry, again=False)
    return render_registry(request, "documents/registry/reserve_form.html", {"form": form}, status=status)
