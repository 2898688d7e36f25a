"""The calendar's selectors and services on the database (in the test's transaction): the sets an
agency's calendar is made of, due dates, who may write what, the rules and their Thai/English errors,
the audit events."""

from __future__ import annotations

import datetime as dt

import pytest

from eoffice.common.exceptions import ApplicationError, PermissionDeniedInTenant
from tenants import selectors_calendar as cal
from tenants.calendar import add_working_days
from tenants.models import AgencyHoliday, AuditEvent, Membership
from tenants.selectors import actor_build
from tenants.services import calendar as services

pytestmark = pytest.mark.django_db(databases=["default", "audit_side"])

D = dt.date


@pytest.fixture
def actor(user_named, in_tenant):  # type: ignore[no-untyped-def]
    def build(username: str, agency):  # type: ignore[no-untyped-def]
        user = user_named(username)
        with in_tenant(agency):
            m = Membership.objects.get(tenant_id=agency.pk, user=user, is_active=True)
            return actor_build(agency=agency, membership=m, user=user)

    return build


@pytest.fixture
def songkran(tenants, in_tenant, actor):  # type: ignore[no-untyped-def]
    """2569's fixed-date holidays filled by the system administrator (in the province's scope)."""
    with in_tenant(tenants.province):
        return services.national_holidays_fill_fixed(actor=actor("s_system_admin", tenants.province), be_year=2569)


def test_fill_adds_the_fixed_dates_once(songkran, tenants, in_tenant, actor):
    assert len(songkran.created) == 15 and songkran.skipped == []
    dates = {h.date for h in songkran.created}
    assert {D(2026, 4, 13), D(2026, 4, 14), D(2026, 4, 15), D(2026, 1, 1), D(2026, 12, 31), D(2026, 7, 28)} <= dates
    with in_tenant(tenants.province):
        again = services.national_holidays_fill_fixed(actor=actor("s_system_admin", tenants.province), be_year=2569)
        actions = list(AuditEvent.objects.filter(tenant_id=tenants.province.pk).values_list("action", flat=True))
    assert again.created == [] and len(again.skipped) == 15
    assert actions.count("calendar.national.fill") == 2


def test_calendar_for_joins_national_and_own_days_per_agency(songkran, tenants, in_tenant, actor,
                                                            django_assert_num_queries):
    a, b = tenants.a, tenants.b
    with in_tenant(a):
        services.agency_holiday_add(tenant_id=a.pk, actor=actor("a_agency_admin", a), date=D(2026, 4, 16),
                                    name_th="วันท้องถิ่นเอ")
    with in_tenant(b):
        services.agency_holiday_add(tenant_id=b.pk, actor=actor("b_agency_admin", b), date=D(2026, 4, 13),
                                    name_th="เปิดทำการวันสงกรานต์", kind="working")
    with in_tenant(a), django_assert_num_queries(2):
        sets_a = cal.calendar_for(tenant_id=a.pk, start=D(2026, 4, 1), end=D(2026, 4, 30))
    with in_tenant(b):
        sets_b = cal.calendar_for(tenant_id=b.pk, start=D(2026, 4, 1), end=D(2026, 4, 30))
    assert sets_a.non_working == {D(2026, 4, 6), D(2026, 4, 13), D(2026, 4, 14), D(2026, 4, 15), D(2026, 4, 16)}
    assert sets_a.extra_working == frozenset()
    assert sets_b.non_working == {D(2026, 4, 6), D(2026, 4, 14), D(2026, 4, 15)}
    assert sets_b.extra_working == {D(2026, 4, 13)}
    with in_tenant(a):
        assert cal.due_date(tenant_id=a.pk, start=D(2026, 4, 10), working_days=3) == D(2026, 4, 21)
        assert cal.working_days_between_for(tenant_id=a.pk, a=D(2026, 4, 10), b=D(2026, 4, 21)) == 3
        assert cal.working_days_between_for(tenant_id=a.pk, a=D(2026, 4, 21), b=D(2026, 4, 10)) == -3
    with in_tenant(b):
        assert cal.due_date(tenant_id=b.pk, start=D(2026, 4, 10), working_days=3) == D(2026, 4, 17)
        assert cal.due_date(tenant_id=b.pk, start=D(2026, 4, 14), working_days=0) == D(2026, 4, 16)


def test_due_date_far_ahead_widens_its_window(songkran, tenants, in_tenant):
    with in_tenant(tenants.a):
        far = cal.due_date(tenant_id=tenants.a.pk, start=D(2026, 1, 2), working_days=400)
        sets = cal.calendar_for(tenant_id=tenants.a.pk, start=D(2026, 1, 1), end=D(2028, 12, 31))
        assert far == add_working_days(D(2026, 1, 2), 400, sets.non_working, sets.extra_working)
        with pytest.raises(ValueError):
            cal.due_date(tenant_id=tenants.a.pk, start=D(2026, 1, 2), working_days=-1)


def test_who_may_write(tenants, in_tenant, actor):
    a = tenants.a
    with in_tenant(a):
        for username in ("a_officer", "a_central_clerk", "a_head"):
            with pytest.raises(PermissionDeniedInTenant):
                services.agency_holiday_add(tenant_id=a.pk, actor=actor(username, a), date=D(2026, 11, 13),
                                            name_th="x")
        with pytest.raises(PermissionDeniedInTenant):  # agency admins keep their own days, not the national list
            services.national_holiday_add(actor=actor("a_agency_admin", a), date=D(2026, 3, 3), name_th="วันมาฆบูชา")
        with pytest.raises(PermissionDeniedInTenant):
            services.national_holidays_fill_fixed(actor=actor("a_agency_admin", a), be_year=2570)
        h = services.agency_holiday_add(tenant_id=a.pk, actor=actor("a_agency_admin", a), date=D(2026, 11, 13),
                                        name_th="วันท้องถิ่น", note="ประกาศ ที่ 1/2569")
        with pytest.raises(PermissionDeniedInTenant):
            services.agency_holiday_remove(tenant_id=a.pk, actor=actor("a_officer", a), holiday=h)
        services.agency_holiday_remove(tenant_id=a.pk, actor=actor("a_agency_admin", a), holiday=h)
        assert not AgencyHoliday.objects.filter(tenant_id=a.pk, pk=h.pk).exists()
        actions = list(AuditEvent.objects.filter(tenant_id=a.pk).order_by("-seq").values_list("action", flat=True)[:2])
    assert actions == ["calendar.agency.remove", "calendar.agency.add"]
    with in_tenant(tenants.province):
        sys_admin = actor("s_system_admin", tenants.province)
        n = services.national_holiday_add(actor=sys_admin, date=D(2026, 3, 3), name_th="วันมาฆบูชา",
                                          name_en="Makha Bucha Day")
        services.national_holiday_remove(actor=sys_admin, holiday=n)
        actions = list(AuditEvent.objects.filter(tenant_id=tenants.province.pk).order_by("-seq")
                       .values_list("action", flat=True)[:2])
    assert actions == ["calendar.national.remove", "calendar.national.add"]


def _error(fn, **kw) -> ApplicationError:  # type: ignore[no-untyped-def]
    with pytest.raises(ApplicationError) as info:
        fn(**kw)
    assert info.value.message_th and info.value.message_en and info.value.status_code == 400
    return info.value


def test_bad_input_gets_clear_thai_and_english_errors(songkran, tenants, in_tenant, actor):
    a = tenants.a
    with in_tenant(a):
        admin = actor("a_agency_admin", a)
        add = lambda **kw: services.agency_holiday_add(tenant_id=a.pk, actor=admin, **kw)  # noqa: E731
        e = _error(add, date=D(2026, 4, 11), name_th="วันเสาร์")
        assert "วันเสาร์หรือวันอาทิตย์" in e.message_th and e.field == "date"
        e = _error(add, date=D(2026, 4, 13), name_th="สงกรานต์ซ้ำ")
        assert "วันหยุดราชการ (วันสงกรานต์)" in e.message_th and "national holiday" in e.message_en
        e = _error(add, date=D(2026, 4, 16), name_th="ทำงาน", kind="working")
        assert "เป็นวันทำการอยู่แล้ว" in e.message_th
        e = _error(add, date=D(2026, 4, 16), name_th="  ")
        assert e.field == "name_th"
        e = _error(add, date=D(2569, 4, 16), name_th="ปีผิด")  # a BE year sent as CE (API)
        assert "API ใช้ปี ค.ศ." in e.message_th and "2026-04-16" in e.message_en
        e = _error(add, date=D(1900, 4, 16), name_th="ปีผิด")
        assert "2500" in e.message_th
        e = _error(add, date=D(2026, 4, 16), name_th="x", kind="nonsense")
        assert e.field == "kind"
        add(date=D(2026, 4, 16), name_th="วันท้องถิ่น")
        e = _error(add, date=D(2026, 4, 16), name_th="ซ้ำ")
        assert e.code == "duplicate" and "16 เมษายน 2569" in e.message_th
        # a holiday the agency works is fine
        assert add(date=D(2026, 4, 13), name_th="เปิดทำการ", kind="working").kind == "working"
    with in_tenant(tenants.province):
        sys_admin = actor("s_system_admin", tenants.province)
        e = _error(services.national_holidays_fill_fixed, actor=sys_admin, be_year=2026)
        assert "ดูเหมือนเป็นปี ค.ศ." in e.message_th and "2569" in e.message_th and "Christian-Era" in e.message_en
        e = _error(services.national_holidays_fill_fixed, actor=sys_admin, be_year=3100)
        assert "ต้องอยู่ระหว่าง 2500 ถึง 2700" in e.message_th
        e = _error(services.national_holiday_add, actor=sys_admin, date=D(2026, 4, 13), name_th="ซ้ำ")
        assert e.code == "duplicate"
