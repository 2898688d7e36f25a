"""The central saraban@ mailbox: the queue of fetched messages, one message with "register from this
e-mail" (fields pre-filled from it), dismiss / restore, fetch now, and the message's files.
Central registry clerks only (``Action.REGISTRY_CENTRAL_WRITE``)."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from documents.files.services import file_download_response
from documents.mailbox import selectors as mb_selectors
from documents.mailbox import services as mb_services
from documents.models import FileState, MailboxMessage, MailboxMessageState
from documents.registry import selectors
from documents.web import reads
from documents.web.forms import MailboxDismissForm, MailboxRegisterForm
from documents.web.views._common import (
    PREVIEW_IMAGES,
    PREVIEW_PDF,
    fail_or_status,
    incoming_books,
    render_registry,
)
from eoffice.common.exceptions import ApplicationError, NotFoundInTenant
from tenants.roles import Action
from tenants.web.views._common import require

QUEUE_SIZE = 100
STATES = {"new": MailboxMessageState.NEW, "registered": MailboxMessageState.REGISTERED,
          "dismissed": MailboxMessageState.DISMISSED, "all": None}


@require_safe
def mailbox_queue(request: HttpRequest, agency: str) -> HttpResponse:
    require(request, Action.REGISTRY_CENTRAL_WRITE)
    t = request.tenant.pk
    state_key = request.GET.get("state", "new")
    if state_key not in STATES:
        state_key = "new"
    msgs = list(mb_selectors.mailbox_messages(tenant_id=t, state=STATES[state_key])[:QUEUE_SIZE])
    ctx = {
        "mailboxes": list(mb_selectors.mailboxes_list(tenant_id=t)),
        "messages_list": [{"m": m, "secret": mb_selectors.message_is_secret(m)} for m in msgs],
        "state": state_key,
        "states": [("new", _("ยังไม่ลงทะเบียน")), ("registered", _("ลงทะเบียนแล้ว")),
                   ("dismissed", _("ไม่ใช่หนังสือราชการ")), ("all", _("ทั้งหมด"))],
    }
    return render_registry(request, "documents/registry/mailbox.html", ctx)


@require_POST
def mailbox_fetch_now(request: HttpRequest, agency: str, mailbox_id: int) -> HttpResponse:
    require(request, Action.REGISTRY_CENTRAL_WRITE)
    with transaction.atomic():
        mb_services.mailbox_fetch_request(tenant_id=request.tenant.pk, actor=request.actor, mailbox_id=mailbox_id)
    messages.success(request, _("ส่งคำขอดึงอีเมลแล้ว ระบบจะดึงอีเมลใหม่ภายในไม่กี่นาที แล้วแสดงในรายการนี้"))
    return redirect("registry-mailbox", agency=request.tenant.slug)


def _prefill(message: MailboxMessage) -> dict:
    p = mb_services.mailbox_prefill(message)
    initial = {k: p.get(k) for k in ("kind", "subject", "sender_name", "sender_email", "letter_reference",
                                     "letter_date", "urgency", "secrecy")}
    if p.get("sender_agency_id"):
        initial["sender_agency"] = str(p["sender_agency_id"])
    received = p.get("received_at")
    if received is not None:
        local = timezone.localtime(received)
        initial["received_date"] = local.date()
        initial["received_time"] = local.time().replace(second=0, microsecond=0)
    return {k: v for k, v in initial.items() if v not in (None, "")}


def _message_page(request: HttpRequest, message: MailboxMessage, *, status: int = 200,
                  form: MailboxRegisterForm | None = None, dismiss_form: MailboxDismissForm | None = None) -> HttpResponse:
    t = request.tenant.pk
    files_visible = mb_selectors.message_files_visible(actor=request.actor, message=message)
    attachments = mb_selectors.message_attachments(tenant_id=t, message=message) if files_visible else []
    text, notes = mb_selectors.message_text_and_notes(message)
    is_new = message.state == MailboxMessageState.NEW
    if is_new and form is None:
        books = incoming_books(request)
        form = MailboxRegisterForm(initial=_prefill(message))
        form.set_books(books)
        form.set_agencies(reads.agencies_for_parties(tenant_id=t))
    preview = next((f for f in attachments if f.state == FileState.OK and (f.content_type == PREVIEW_PDF
                                                                   or f.content_type in PREVIEW_IMAGES)), None)
    ctx = {
        "message": message,
        "secret": mb_selectors.message_is_secret(message),
        "files_visible": files_visible,
        "attachments": attachments,
        "raw": message.raw if files_visible else None,
        "text": text,
        "notes": notes,
        "form": form if is_new else None,
        "dismiss_form": (dismiss_form or MailboxDismissForm(prefix="dismiss")) if is_new else None,
        "preview": preview,
        "preview_is_pdf": preview is not None and preview.content_type == PREVIEW_PDF,
        "secret_book_ids": form.secret_book_ids if form is not None else "",
    }
    return render_registry(request, "documents/registry/mailbox_message.html", ctx, status=status)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def mailbox_message(request: HttpRequest, agency: str, message_id: int) -> HttpResponse:
    require(request, Action.REGISTRY_CENTRAL_WRITE)
    t = request.tenant.pk
    message = mb_selectors.mailbox_message_get(tenant_id=t, message_id=message_id)
    if request.method != "POST":
        return _message_page(request, message)
    twin = selectors.entry_for_key(tenant_id=t, key=request.POST.get("idempotency_key", ""))
    if twin is not None and message.entry_id == twin.pk:
        messages.info(request, _("แบบฟอร์มนี้ส่งไปแล้ว ระบบไม่ลงทะเบียนซ้ำ: เลขรับ %(n)s") % {"n": twin.number_label})
        return redirect("registry-mailbox", agency=request.tenant.slug)
    form = MailboxRegisterForm(request.POST)
    form.set_books(incoming_books(request))
    form.set_agencies(reads.agencies_for_parties(tenant_id=t))
    status = 400
    if form.is_valid():
        try:
            with transaction.atomic():
                entry = mb_services.mailbox_register(
                    tenant_id=t, actor=request.actor, message_id=message.pk, data=form.to_input(channel="email"),
                    idempotency_key=form.cleaned_data["idempotency_key"],
                )
        except ApplicationError as exc:
            status = fail_or_status(exc)
            form.add_application_error(exc)
        else:
            if entry.letter is not None and entry.letter.is_sealed:
                messages.success(request, _(
                    "ลงทะเบียนรับหนังสือลับแบบปิดผนึกแล้ว เลขรับ %(n)s ไฟล์ในอีเมลเก็บไว้ให้นายทะเบียนข้อมูลข่าวสารลับ"
                ) % {"n": entry.number_label})
                return redirect("registry-mailbox", agency=request.tenant.slug)
            messages.success(request, _("ลงทะเบียนรับจากอีเมลแล้ว เลขรับ %(n)s") % {"n": entry.number_label})
            return redirect("registry-entry", agency=request.tenant.slug, entry_id=entry.pk)
        message = mb_selectors.mailbox_message_get(tenant_id=t, message_id=message_id)
    return _message_page(request, message, status=status, form=form)


@require_POST
def mailbox_dismiss(request: HttpRequest, agency: str, message_id: int) -> HttpResponse:
    require(request, Action.REGISTRY_CENTRAL_WRITE)
    t = request.tenant.pk
    message = mb_selectors.mailbox_message_get(tenant_id=t, message_id=message_id)
    form = MailboxDismissForm(request.POST, prefix="dismiss")
    status = 400
    if form.is_valid():
        try:
            with transaction.atomic():
                mb_services.mailbox_dismiss(tenant_id=t, actor=request.actor, message_id=message.pk,
                                            reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            status = fail_or_status(exc)
            form.add_application_error(exc)
        else:
            messages.success(request, _("ย้ายอีเมลออกจากรายการรอลงทะเบียนแล้ว (เรียกคืนได้)"))
            return redirect("registry-mailbox", agency=request.tenant.slug)
    return _message_page(request, message, status=status, dismiss_form=form)


@require_POST
def mailbox_restore(request: HttpRequest, agency: str, message_id: int) -> HttpResponse:
    require(request, Action.REGISTRY_CENTRAL_WRITE)
    t = request.tenant.pk
    message = mb_selectors.mailbox_message_get(tenant_id=t, message_id=message_id)
    with transaction.atomic():
        mb_services.mailbox_restore(tenant_id=t, actor=request.actor, message_id=message.pk)
    messages.success(request, _("เรียกคืนอีเมลกลับเข้ารายการรอลงทะเบียนแล้ว"))
    return redirect("registry-mailbox-message", agency=request.tenant.slug, message_id=message.pk)


@require_safe
def mailbox_file(request: HttpRequest, agency: str, message_id: int, file_id: int) -> HttpResponse:
    """An attachment (or the .eml) of a message; ``?inline=1`` for the preview of a PDF or an image."""
    require(request, Action.REGISTRY_CENTRAL_WRITE)
    t = request.tenant.pk
    message = mb_selectors.mailbox_message_get(tenant_id=t, message_id=message_id)
    if not mb_selectors.message_files_visible(actor=request.actor, message=message):
        raise NotFoundInTenant()
    files = mb_selectors.message_attachments(tenant_id=t, message=message)
    if message.raw is not None:
        files.append(message.raw)
    f = next((x for x in files if x.pk == file_id), None)
    if f is None:
        raise NotFoundInTenant()
    return file_download_response(f, inline=request.GET.get("inline") == "1")
