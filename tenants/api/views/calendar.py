"""The working-day calendar (docs/calendar.md). Every member reads (calendar.view); agency
administrators add and remove the agency's own days (calendar.manage); the national holidays are read
by everyone and written by system administrators only (calendar.manage at system scope). Dates are ISO
8601 in the Christian Era, as everywhere in the API; a Buddhist-Era year sent by mistake is explained."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from eoffice.common.exceptions import ApplicationError, PermissionDeniedInTenant
from eoffice.common.thaidate import BE_OFFSET
from tenants import selectors_calendar as cal
from tenants.api.views._common import TenantApi, api_schema, check_id, require
from tenants.models import AgencyHolidayKind, NationalHolidayKind
from tenants.roles import Action, Scope
from tenants.services import calendar as services

YEAR_PARAM = OpenApiParameter(
    "year", int, OpenApiParameter.QUERY,
    description="Christian-Era year, e.g. 2026 (พ.ศ. 2569). Default: this year.",
)


def _year(request: Request) -> int:
    raw = request.query_params.get("year", "").strip()
    if not raw:
        return timezone.localdate().year
    if not raw.isdigit() or len(raw) > 6:
        raise ApplicationError("ปีต้องเป็นตัวเลข ค.ศ. เช่น 2026", "The year must be a Christian-Era number, e.g. 2026.",
                               field="year")
    return _ce_year(int(raw))


def _ce_year(year: int) -> int:
    """A Christian-Era year the calendar accepts; a Buddhist-Era year sent by mistake is explained."""
    lo, hi = services.CALENDAR_BE_MIN - BE_OFFSET, services.CALENDAR_BE_MAX - BE_OFFSET
    if lo <= year <= hi:
        return year
    if services.CALENDAR_BE_MIN <= year <= services.CALENDAR_BE_MAX:
        raise ApplicationError(
            f"ปี {year} ดูเหมือนเป็นปี พ.ศ. แต่ API ใช้ปี ค.ศ. เช่น {year - BE_OFFSET}",
            f"{year} looks like a Buddhist-Era year; the API takes the Christian-Era year, e.g. {year - BE_OFFSET}.",
            field="year",
        )
    raise ApplicationError(f"ปี ค.ศ. ต้องอยู่ระหว่าง {lo} ถึง {hi}", f"The year must be between {lo} and {hi}.",
                           field="year")


def _require_national(request: Request) -> None:
    actor = getattr(request, "actor", None)
    if actor is None or actor.widest_scope(Action.CALENDAR_MANAGE) != Scope.SYSTEM:
        raise PermissionDeniedInTenant()


class NationalHolidayOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    date = serializers.DateField(help_text="ISO 8601 date, Christian Era.")
    name_th = serializers.CharField()
    name_en = serializers.CharField()
    kind = serializers.CharField(help_text="public (วันหยุดราชการประจำปี) or cabinet (วันหยุดพิเศษตามมติคณะรัฐมนตรี)")
    kind_label = serializers.CharField(source="get_kind_display")


class AgencyHolidayOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    date = serializers.DateField(help_text="ISO 8601 date, Christian Era.")
    kind = serializers.CharField(help_text="holiday (an extra day off) or working (a holiday/weekend the agency works)")
    kind_label = serializers.CharField(source="get_kind_display")
    name_th = serializers.CharField()
    note = serializers.CharField()


class CalendarApi(TenantApi):
    class OutputSerializer(serializers.Serializer):
        year = serializers.IntegerField(help_text="Christian-Era year.")
        be_year = serializers.IntegerField(help_text="The same year in the Buddhist Era (พ.ศ.).")
        start = serializers.DateField()
        end = serializers.DateField()
        working_days = serializers.IntegerField(help_text="Working days of this agency in the year.")
        non_working = serializers.ListField(
            child=serializers.DateField(), help_text="Days off besides Saturdays and Sundays (national + agency)."
        )
        extra_working = serializers.ListField(
            child=serializers.DateField(), help_text="Days the agency works although they are holidays or weekends."
        )
        national = NationalHolidayOutputSerializer(many=True)
        agency = AgencyHolidayOutputSerializer(many=True, help_text="This agency's own days.")

    @api_schema(
        operation_id="calendar_year", summary="ปฏิทินวันทำการของหน่วยงานหนึ่งปี (the agency's working-day calendar)",
        tags=["calendar"], responses={200: OutputSerializer}, parameters=[YEAR_PARAM], errors=(400, 401, 403),
        description="Saturdays and Sundays are never working days unless listed in extra_working.",
    )
    def get(self, request: Request, agency: str) -> Response:
        require(request, Action.CALENDAR_VIEW)
        tenant = request.tenant
        year = _year(request)
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        sets = cal.calendar_for(tenant_id=tenant.pk, start=start, end=end)
        data = {
            "year": year, "be_year": year + BE_OFFSET, "start": start, "end": end,
            "working_days": cal.working_days_between_for(tenant_id=tenant.pk, a=start - dt.timedelta(days=1), b=end),
            "non_working": sorted(sets.non_working), "extra_working": sorted(sets.extra_working),
            "national": list(cal.national_holidays_in(start=start, end=end)),
            "agency": list(cal.agency_holidays_in(tenant_id=tenant.pk, start=start, end=end)),
        }
        return Response(self.OutputSerializer(data).data)


class AgencyHolidaysApi(TenantApi):
    class CreateInputSerializer(serializers.Serializer):
        date = serializers.DateField(help_text="ISO 8601 date, Christian Era (2026-11-13 = 13 พ.ย. 2569).")
        kind = serializers.ChoiceField(choices=AgencyHolidayKind.choices, default=AgencyHolidayKind.HOLIDAY)
        name_th = serializers.CharField(max_length=255)
        note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")

    @api_schema(
        operation_id="calendar_agency_holidays_list", summary="วันของหน่วยงาน (the agency's own days in a year)",
        tags=["calendar"], responses={200: AgencyHolidayOutputSerializer(many=True)}, parameters=[YEAR_PARAM],
        errors=(400, 401, 403),
    )
    def get(self, request: Request, agency: str) -> Response:
        require(request, Action.CALENDAR_VIEW)
        year = _year(request)
        rows = cal.agency_holidays_in(tenant_id=request.tenant.pk, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31))
        return Response(AgencyHolidayOutputSerializer(rows, many=True).data)

    @api_schema(
        operation_id="calendar_agency_holidays_create",
        summary="เพิ่มวันหยุดหรือวันเปิดทำการของหน่วยงาน (add an agency day)", tags=["calendar"],
        request=CreateInputSerializer, responses={201: AgencyHolidayOutputSerializer}, errors=(400, 401, 403),
        description="Needs calendar.manage (agency administrators). One entry per date; kind=working only on a "
                    "national holiday or a weekend, kind=holiday only on a working day.",
    )
    def post(self, request: Request, agency: str) -> Response:
        require(request, Action.CALENDAR_MANAGE)
        tenant = request.tenant
        s = self.CreateInputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        h = services.agency_holiday_add(tenant_id=tenant.pk, actor=request.actor, **s.validated_data)
        return Response(AgencyHolidayOutputSerializer(h).data, status=status.HTTP_201_CREATED)


class AgencyHolidayDetailApi(TenantApi):
    @api_schema(
        operation_id="calendar_agency_holiday_detail", summary="วันของหน่วยงาน (one agency day)", tags=["calendar"],
        responses={200: AgencyHolidayOutputSerializer},
    )
    def get(self, request: Request, agency: str, holiday_id: int) -> Response:
        require(request, Action.CALENDAR_VIEW)
        h = cal.agency_holiday_get(tenant_id=request.tenant.pk, holiday_id=check_id(holiday_id))
        return Response(AgencyHolidayOutputSerializer(h).data)

    @api_schema(
        operation_id="calendar_agency_holiday_delete", summary="ลบวันของหน่วยงาน (remove an agency day)",
        tags=["calendar"], responses={204: None}, description="Needs calendar.manage (agency administrators).",
    )
    def delete(self, request: Request, agency: str, holiday_id: int) -> Response:
        require(request, Action.CALENDAR_MANAGE)
        tenant = request.tenant
        h = cal.agency_holiday_get(tenant_id=tenant.pk, holiday_id=check_id(holiday_id))
        services.agency_holiday_remove(tenant_id=tenant.pk, actor=request.actor, holiday=h)
        return Response(status=status.HTTP_204_NO_CONTENT)


class NationalHolidaysApi(TenantApi):
    class CreateInputSerializer(serializers.Serializer):
        date = serializers.DateField(help_text="ISO 8601 date, Christian Era.")
        kind = serializers.ChoiceField(choices=NationalHolidayKind.choices, default=NationalHolidayKind.PUBLIC)
        name_th = serializers.CharField(max_length=255)
        name_en = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")

    @api_schema(
        operation_id="calendar_national_list", summary="วันหยุดราชการในหนึ่งปี (national holidays of a year)",
        tags=["calendar"], responses={200: NationalHolidayOutputSerializer(many=True)}, parameters=[YEAR_PARAM],
        errors=(400, 401, 403), description="Every member reads the national list.",
    )
    def get(self, request: Request, agency: str) -> Response:
        require(request, Action.CALENDAR_VIEW)
        year = _year(request)
        rows = cal.national_holidays_in(start=dt.date(year, 1, 1), end=dt.date(year, 12, 31))
        return Response(NationalHolidayOutputSerializer(rows, many=True).data)

    @api_schema(
        operation_id="calendar_national_create", summary="เพิ่มวันหยุดราชการ (add a national holiday)",
        tags=["calendar"], request=CreateInputSerializer, responses={201: NationalHolidayOutputSerializer},
        errors=(400, 401, 403),
        description="System administrators only. Lunar days (มาฆบูชา, วิสาขบูชา, อาสาฬหบูชา, เข้าพรรษา), "
                    "substitution days and Cabinet-declared days are entered this way each year.",
    )
    def post(self, request: Request, agency: str) -> Response:
        _require_national(request)
        s = self.CreateInputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        h = services.national_holiday_add(actor=request.actor, **s.validated_data)
        return Response(NationalHolidayOutputSerializer(h).data, status=status.HTTP_201_CREATED)


class NationalHolidayDetailApi(TenantApi):
    @api_schema(
        operation_id="calendar_national_delete", summary="ลบวันหยุดราชการ (remove a national holiday)",
        tags=["calendar"], responses={204: None}, description="System administrators only.",
    )
    def delete(self, request: Request, agency: str, holiday_id: int) -> Response:
        _require_national(request)
        h = cal.national_holiday_get(holiday_id=check_id(holiday_id))
        services.national_holiday_remove(actor=request.actor, holiday=h)
        return Response(status=status.HTTP_204_NO_CONTENT)


class NationalFillApi(TenantApi):
    class InputSerializer(serializers.Serializer):
        year = serializers.IntegerField(min_value=1, max_value=99999, help_text="Christian-Era year, e.g. 2027.")

    class OutputSerializer(serializers.Serializer):
        created = NationalHolidayOutputSerializer(many=True)
        skipped = serializers.ListField(child=serializers.DateField(), help_text="Dates already listed (kept).")

    @api_schema(
        operation_id="calendar_national_fill",
        summary="เติมวันหยุดราชการที่วันที่แน่นอนของปี (fill the fixed-date public holidays of a year)",
        tags=["calendar"], request=InputSerializer, responses={200: OutputSerializer}, errors=(400, 401, 403),
        description="System administrators only. Adds 1 Jan, 6 Apr, 13-15 Apr, 1 May, 4 May, 3 Jun, 28 Jul, "
                    "12 Aug, 13 Oct, 23 Oct, 5 Dec, 10 Dec and 31 Dec; dates already listed are kept.",
    )
    def post(self, request: Request, agency: str) -> Response:
        _require_national(request)
        s = self.InputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        year = _ce_year(s.validated_data["year"])
        result = services.national_holidays_fill_fixed(actor=request.actor, be_year=year + BE_OFFSET)
        return Response(self.OutputSerializer({"created": result.created, "skipped": result.skipped}).data)
