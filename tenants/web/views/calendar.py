"""The working-day calendar (docs/calendar.md): every member reads the agency's year; agency
administrators add and remove the agency's own days; system administrators keep the national
holidays (and fill the fixed-date ones for a year). Works without JavaScript: plain forms, redirects."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from eoffice.common.exceptions import ApplicationError, PermissionDeniedInTenant
from eoffice.common.thaidate import BE_OFFSET, be_year, thai_date, to_arabic_digits
from tenants import selectors_calendar as cal
from tenants.models import AgencyHoliday, AgencyHolidayKind, NationalHoliday
from tenants.roles import Action, Scope
from tenants.services import calendar as services
from tenants.web.forms_calendar import AgencyHolidayForm, FillYearForm, NationalHolidayForm
from tenants.web.views._common import render_page, require

WEEKDAYS = [gettext_lazy("วันจันทร์"), gettext_lazy("วันอังคาร"), gettext_lazy("วันพุธ"), gettext_lazy("วันพฤหัสบดี"),
            gettext_lazy("วันศุกร์"), gettext_lazy("วันเสาร์"), gettext_lazy("วันอาทิตย์")]


@dataclass
class DayRow:
    date: dt.date
    weekday: str
    name: str
    kind_label: str
    source: str  # "national" or "agency"
    working: bool
    obj: AgencyHoliday | NationalHoliday


def _year(request: HttpRequest) -> int:
    """The Buddhist-Era year asked for (?year=2569, Thai digits too), or this year."""
    raw = to_arabic_digits(request.GET.get("year", "")).strip()
    if not raw:
        return be_year(timezone.localdate())
    if not raw.isdigit() or len(raw) > 6:
        raise ApplicationError("กรุณาระบุปี พ.ศ. เป็นตัวเลข เช่น 2569", "Give the Buddhist-Era year as a number, e.g. 2569.",
                               field="year")
    return services.check_be_year(int(raw))


def _bounds(year_be: int) -> tuple[dt.date, dt.date]:
    ce = year_be - BE_OFFSET
    return dt.date(ce, 1, 1), dt.date(ce, 12, 31)


def _url(name: str, tenant_slug: str, year_be: int) -> str:
    return reverse(name, kwargs={"agency": tenant_slug}) + f"?year={year_be}"


def _require_national(request: HttpRequest) -> None:
    actor = getattr(request, "actor", None)
    if actor is None or actor.widest_scope(Action.CALENDAR_MANAGE) != Scope.SYSTEM:
        raise PermissionDeniedInTenant()


@require_http_methods(["GET", "HEAD", "POST"])
def calendar(request: HttpRequest, agency: str) -> HttpResponse:
    require(request, Action.CALENDAR_VIEW)
    tenant = request.tenant
    status = 200
    form = AgencyHolidayForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        require(request, Action.CALENDAR_MANAGE)
        if form.is_valid():
            data = form.cleaned_data
            try:
                h = services.agency_holiday_add(
                    tenant_id=tenant.pk, actor=request.actor, date=data["date"], name_th=data["name_th"],
                    kind=data["kind"], note=data["note"],
                )
            except ApplicationError as exc:
                form.add_application_error(exc)
            else:
                messages.success(request, _("บันทึก “%(name)s” วันที่ %(date)s แล้ว") % {
                    "name": h.name_th, "date": thai_date(h.date)})
                return redirect(_url("calendar", tenant.slug, be_year(h.date)))
        status = 400
        year_be = be_year(form.cleaned_data["date"]) if form.cleaned_data.get("date") else be_year(timezone.localdate())
    else:
        year_be = _year(request)
    start, end = _bounds(year_be)
    national = list(cal.national_holidays_in(start=start, end=end))
    own = list(cal.agency_holidays_in(tenant_id=tenant.pk, start=start, end=end))
    rows = [DayRow(h.date, str(WEEKDAYS[h.date.weekday()]), h.name_th, h.get_kind_display(), "national", False, h)
            for h in national]
    rows += [DayRow(h.date, str(WEEKDAYS[h.date.weekday()]), h.name_th, h.get_kind_display(), "agency",
                    h.kind == AgencyHolidayKind.WORKING, h) for h in own]
    rows.sort(key=lambda r: (r.date, r.source != "national"))
    ctx: dict[str, Any] = {
        "year_be": year_be,
        "prev_year": year_be - 1 if year_be > services.CALENDAR_BE_MIN else None,
        "next_year": year_be + 1 if year_be < services.CALENDAR_BE_MAX else None,
        "rows": rows,
        "national_count": len(national),
        "working_days": cal.working_days_between_for(tenant_id=tenant.pk, a=start - dt.timedelta(days=1), b=end),
        "form": form,
        "can_national": request.actor.widest_scope(Action.CALENDAR_MANAGE) == Scope.SYSTEM,
    }
    return render_page(request, "web/calendar.html", ctx, status=status)


@require_POST
def calendar_holiday_remove(request: HttpRequest, agency: str, holiday_id: int) -> HttpResponse:
    require(request, Action.CALENDAR_MANAGE)
    tenant = request.tenant
    h = cal.agency_holiday_get(tenant_id=tenant.pk, holiday_id=holiday_id)
    services.agency_holiday_remove(tenant_id=tenant.pk, actor=request.actor, holiday=h)
    messages.success(request, _("ลบ “%(name)s” วันที่ %(date)s แล้ว") % {"name": h.name_th, "date": thai_date(h.date)})
    return redirect(_url("calendar", tenant.slug, be_year(h.date)))


def _national_page(request: HttpRequest, *, year_be: int, form: NationalHolidayForm, fill_form: FillYearForm,
                   status: int = 200) -> HttpResponse:
    start, end = _bounds(year_be)
    ctx = {
        "year_be": year_be,
        "prev_year": year_be - 1 if year_be > services.CALENDAR_BE_MIN else None,
        "next_year": year_be + 1 if year_be < services.CALENDAR_BE_MAX else None,
        "holidays": [(h, WEEKDAYS[h.date.weekday()]) for h in cal.national_holidays_in(start=start, end=end)],
        "form": form,
        "fill_form": fill_form,
    }
    return render_page(request, "web/calendar_national.html", ctx, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def calendar_national(request: HttpRequest, agency: str) -> HttpResponse:
    _require_national(request)
    tenant = request.tenant
    form = NationalHolidayForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                h = services.national_holiday_add(actor=request.actor, date=data["date"], name_th=data["name_th"],
                                                  name_en=data["name_en"], kind=data["kind"])
            except ApplicationError as exc:
                form.add_application_error(exc)
            else:
                messages.success(request, _("บันทึกวันหยุดราชการ “%(name)s” วันที่ %(date)s แล้ว") % {
                    "name": h.name_th, "date": thai_date(h.date)})
                return redirect(_url("calendar-national", tenant.slug, be_year(h.date)))
        year_be = be_year(form.cleaned_data["date"]) if form.cleaned_data.get("date") else be_year(timezone.localdate())
        return _national_page(request, year_be=year_be, form=form, fill_form=FillYearForm(prefix="fill"), status=400)
    year_be = _year(request)
    return _national_page(request, year_be=year_be, form=form,
                          fill_form=FillYearForm(prefix="fill", initial={"be_year": str(year_be)}))


@require_POST
def calendar_national_fill(request: HttpRequest, agency: str) -> HttpResponse:
    _require_national(request)
    tenant = request.tenant
    fill_form = FillYearForm(request.POST, prefix="fill")
    if fill_form.is_valid():
        try:
            result = services.national_holidays_fill_fixed(actor=request.actor, be_year=fill_form.cleaned_data["be_year"])
        except ApplicationError as exc:
            fill_form.add_application_error(exc)
        else:
            year_be = fill_form.cleaned_data["be_year"]
            messages.success(request, _("เพิ่มวันหยุดราชการวันที่แน่นอนของปี %(year)s แล้ว %(created)s วัน (มีอยู่แล้ว %(skipped)s วัน)") % {
                "year": year_be, "created": len(result.created), "skipped": len(result.skipped)})
            return redirect(_url("calendar-national", tenant.slug, year_be))
    return _national_page(request, year_be=be_year(timezone.localdate()), form=NationalHolidayForm(),
                          fill_form=fill_form, status=400)


@require_POST
def calendar_national_remove(request: HttpRequest, agency: str, holiday_id: int) -> HttpResponse:
    _require_national(request)
    tenant = request.tenant
    h = cal.national_holiday_get(holiday_id=holiday_id)
    services.national_holiday_remove(actor=request.actor, holiday=h)
    messages.success(request, _("ลบวันหยุดราชการ “%(name)s” วันที่ %(date)s แล้ว") % {
        "name": h.name_th, "date": thai_date(h.date)})
    return redirect(_url("calendar-national", tenant.slug, be_year(h.date)))
