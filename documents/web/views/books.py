"""A book's pages: one year at a time, filtered, newest first with a keyset "older" link; exports."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from documents.models import Book, BookKind, EntryStatus, RegistryEntry, Secrecy, Urgency
from documents.registry import exports, selectors, services
from documents.registry.selectors import BookFilters
from documents.web import reads
from documents.web.forms import BookFilterForm, UnitByNumberForm
from documents.web.views._common import fail_or_status, query_without, render_registry
from eoffice.common.exceptions import ApplicationError, PermissionDeniedInTenant
from eoffice.common.thaidate import be_year
from tenants.roles import Action

EXPORTS = {
    "pdf": (exports.export_book_pdf, "application/pdf", "pdf"),
    "xlsx": (exports.export_book_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "csv": (exports.export_book_csv, "text/csv; charset=utf-8", "csv"),
}
SEALED_LINE = "หนังสือลับ — ส่งนายทะเบียนฯ"


def _years(book: Book, tenant_id: int) -> list[int]:
    years = selectors.book_years(tenant_id=tenant_id, book=book)
    this_year = be_year(timezone.localdate())
    return years if years else [this_year]


def _filters(form: BookFilterForm, year: int) -> BookFilters:
    d = form.cleaned_data
    return BookFilters(
        year=year, date_from=d.get("date_from"), date_to=d.get("date_to"), urgency=d.get("urgency") or "",
        secrecy=d.get("secrecy") or "", status=d.get("status") or "", sender=(d.get("sender") or "").strip(),
        subject=(d.get("subject") or "").strip(), reference=(d.get("reference") or "").strip(),
        before=form.before_tuple(),
    )


def _bound(request: HttpRequest, book: Book) -> tuple[BookFilterForm, list[int]]:
    years = _years(book, request.tenant.pk)
    data = request.GET.copy()
    if not data.get("year"):
        data["year"] = str(years[0])
    form = BookFilterForm(data)
    form.set_years(years)
    return form, years


def _central_form(actor, book: Book, data=None) -> UnitByNumberForm | None:  # type: ignore[no-untyped-def]
    if book.kind != BookKind.UNIT_INCOMING or not services.can_issue(actor, book):
        return None
    form = UnitByNumberForm(data, prefix="central")
    if data is None:
        form.initial["year"] = be_year(timezone.localdate())
    return form


@require_POST
def book_register_central(request: HttpRequest, agency: str, book: str) -> HttpResponse:
    """A unit clerk registers a letter from the central desk by its central เลขรับ."""
    tenant, actor = request.tenant, request.actor
    b = selectors.book_get(actor, tenant_id=tenant.pk, code=book)
    form = _central_form(actor, b, request.POST)
    if form is None:
        raise PermissionDeniedInTenant()
    twin = selectors.entry_for_key(tenant_id=tenant.pk, key=request.POST.get("central-idempotency_key", ""))
    if twin is not None and twin.book_id == b.pk:
        return redirect("registry-entry", agency=tenant.slug, entry_id=twin.pk)
    status = 400
    if form.is_valid():
        d = form.cleaned_data
        try:
            with transaction.atomic():
                entry = services.register_in_unit_by_number(
                    tenant_id=tenant.pk, actor=actor, book_id=b.pk, year=d["year"], number=d["number"],
                    idempotency_key=d["idempotency_key"], note=d["note"],
                )
        except ApplicationError as exc:
            status = fail_or_status(exc)
            form.add_application_error(exc)
        else:
            messages.success(request, _("ลงทะเบียนรับในหน่วยงานย่อยแล้ว เลขรับ %(n)s") % {"n": entry.number_label})
            return redirect("registry-entry", agency=tenant.slug, entry_id=entry.pk)
    return _render_book(request, book, central_form=form, status=status)


@require_safe
def book_page(request: HttpRequest, agency: str, book: str) -> HttpResponse:
    return _render_book(request, book)


def _render_book(request: HttpRequest, book: str, *, central_form=None, status: int = 200) -> HttpResponse:  # type: ignore[no-untyped-def]
    tenant, actor = request.tenant, request.actor
    b = selectors.book_get(actor, tenant_id=tenant.pk, code=book)
    form, years = _bound(request, b)
    rows: list = []
    cursor = None
    if form.is_valid():
        rows, cursor = selectors.book_page(actor, tenant_id=tenant.pk, book=b,
                                           filters=_filters(form, form.cleaned_data["year"]))
    else:
        status = 400
    base_query = query_without(request, "before")
    ctx = {
        "book": b,
        "form": form,
        "rows": rows,
        "years": years,
        "year": form.cleaned_data.get("year") if form.is_valid() else years[0],
        "older_query": (base_query + "&" if base_query else "") + (f"before={cursor[0]}-{cursor[1]}" if cursor else ""),
        "has_older": cursor is not None,
        "is_paged": bool(request.GET.get("before")),
        "newest_query": base_query,
        "export_query": base_query,
        "exports": list(EXPORTS),
        "can_issue": services.can_issue(actor, b),
        "registrar": actor.can(Action.SECRET_REGISTER_MANAGE),
        "filtered": any(request.GET.get(name) for name in BookFilterForm.FILTERS),
        "central_form": central_form or _central_form(actor, b),
    }
    return render_registry(request, "documents/registry/book.html", ctx, status=status)


def _status_label(entry: RegistryEntry) -> str:
    if entry.status in (EntryStatus.REGISTERED,):
        return ""
    return str(entry.get_status_display())


def _row(entry: RegistryEntry, *, visible: bool, incoming: bool) -> exports.ExportRow:
    letter = entry.letter
    if letter is None:  # a reserved number: what it was reserved for
        return exports.ExportRow(
            number=str(entry.number), reference=entry.reference, letter_date=None, sender="", recipient="",
            subject=entry.note, action="", remarks=entry.annul_reason, registered_at=entry.registered_at,
            status_label=_status_label(entry),
        )
    secrecy = "" if letter.secrecy == Secrecy.NORMAL else str(letter.get_secrecy_display())
    remarks = "; ".join(x for x in (entry.note, entry.annul_reason) if x)
    if not visible:
        return exports.ExportRow(
            number=str(entry.number), reference="", letter_date=letter.letter_date, sender=letter.sender_display,
            recipient="", subject=SEALED_LINE, action="", remarks="", registered_at=entry.registered_at,
            secrecy_label=secrecy, status_label=_status_label(entry),
        )
    action = ""
    if incoming:
        action = ", ".join(
            (u.book.unit.name_th if u.book.unit else u.book.name_th) + f" ({u.number_label})"
            for u in entry.unit_entries.all()
        )
    return exports.ExportRow(
        number=str(entry.number), reference=letter.letter_reference if incoming else entry.reference,
        letter_date=letter.letter_date, sender=letter.sender_display, recipient=letter.recipient_display,
        subject=letter.subject, action=action, remarks=remarks, registered_at=entry.registered_at,
        urgency_label="" if letter.urgency == Urgency.NORMAL else str(letter.get_urgency_display()),
        secrecy_label=secrecy, status_label=_status_label(entry),
    )


@require_safe
def book_export(request: HttpRequest, agency: str, book: str, fmt: str) -> HttpResponse:
    """One year of the book (with the page's filters) as PDF (แบบที่ 13/14), XLSX or CSV."""
    tenant, actor = request.tenant, request.actor
    b = selectors.book_get(actor, tenant_id=tenant.pk, code=book)
    if fmt not in EXPORTS:
        raise ApplicationError("ไม่มีรูปแบบไฟล์นี้ (ใช้ pdf, xlsx หรือ csv)", "Unknown format (use pdf, xlsx or csv).")
    form, _years_list = _bound(request, b)
    if not form.is_valid():
        raise ApplicationError("ตัวกรองไม่ถูกต้อง กรุณากลับไปแก้ไขที่หน้าทะเบียน",
                               "Invalid filters; correct them on the book page.")
    year = form.cleaned_data["year"]
    filters = _filters(form, year)
    incoming = b.is_incoming or b.is_secret
    rows = [
        _row(e, visible=e.letter is None or e.letter.secrecy == Secrecy.NORMAL or bool(e.granted), incoming=incoming)
        for e in reads.export_entries(actor, tenant_id=tenant.pk, book=b, filters=filters).iterator(chunk_size=2000)
    ]
    meta = exports.ExportMeta(
        agency_name=tenant.name_th, book_name=b.name_th, year_be=year, incoming=incoming,
        thai_digits=tenant.use_thai_digits, generated_at=timezone.now(),
    )
    make, content_type, ext = EXPORTS[fmt]
    response = HttpResponse(make(meta, rows), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{b.code}-{year}.{ext}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
