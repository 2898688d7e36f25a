"""The calendar pages (docs/calendar.md): every member reads the year; the agency administrator adds
and removes the agency's own days with plain forms (no JavaScript needed); the system administrator
keeps the national holidays. Refusals are 403; bad input is a 400 that keeps what was typed and says
why in Thai and English."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings

from tests.web.conftest import DBS, body, h1_of

pytestmark = pytest.mark.django_db(databases=DBS)

CAL = "/a/tenant-a/calendar/"
NATIONAL = "/a/test-province/calendar/national/"


def _days(in_tenant, agency):  # type: ignore[no-untyped-def]
    from tenants.models import AgencyHoliday

    with in_tenant(agency):
        return list(AgencyHoliday.objects.filter(tenant_id=agency.pk, date__year=2026).values_list("date", "kind", "name_th"))


def _audited(in_tenant, agency, action: str) -> int:  # type: ignore[no-untyped-def]
    from tenants.models import AuditEvent

    with in_tenant(agency):
        return AuditEvent.objects.filter(tenant_id=agency.pk, action=action).count()


@pytest.mark.parametrize("username", ["a_officer", "a_central_clerk", "a_unit_clerk", "a_head", "a_secret_registrar",
                                      "multi"])
def test_every_member_reads_the_calendar_but_only_admins_get_the_form(client, login, tenants, username):
    login(username)
    r = client.get(CAL + "?year=2569")
    assert r.status_code == 200
    assert h1_of(r) == "ปฏิทินวันทำการ พ.ศ. 2569"
    assert "เพิ่มวันของหน่วยงาน" not in body(r)
    assert "วันหยุดทางจันทรคติ" in body(r)  # who enters the lunar days is said on the page
    r = client.post(CAL, {"_agency": "tenant-a", "date": "13/11/2569", "kind": "holiday", "name_th": "x"})
    assert r.status_code == 403


def test_admin_adds_and_removes_an_agency_day(client, login, tenants, in_tenant):
    login("a_agency_admin")
    home = body(client.get("/a/tenant-a/"))
    assert f'href="{CAL}"' in home  # linked from the admin's home and navigation
    before = _audited(in_tenant, tenants.a, "calendar.agency.add")
    r = client.post(CAL, {"_agency": "tenant-a", "date": "๑๓/๑๑/๒๕๖๙", "kind": "holiday", "name_th": "วันท้องถิ่นทดสอบ",
                          "note": "ประกาศ ที่ 9/2569"})
    assert r.status_code == 302 and r["Location"] == CAL + "?year=2569"
    assert _days(in_tenant, tenants.a) == [(dt.date(2026, 11, 13), "holiday", "วันท้องถิ่นทดสอบ")]
    assert _audited(in_tenant, tenants.a, "calendar.agency.add") == before + 1
    page = body(client.get(r["Location"]))
    assert "วันท้องถิ่นทดสอบ" in page and "13 พฤศจิกายน 2569" in page and "ประกาศ ที่ 9/2569" in page
    assert "บันทึก “วันท้องถิ่นทดสอบ” วันที่ 13 พฤศจิกายน 2569 แล้ว" in page

    # the same date again: 400, both languages, nothing typed is lost
    r = client.post(CAL, {"_agency": "tenant-a", "date": "13/11/2569", "kind": "holiday", "name_th": "ซ้ำกัน"})
    assert r.status_code == 400
    html = body(r)
    assert "หน่วยงานมีรายการของวันที่ 13 พฤศจิกายน 2569 อยู่แล้ว" in html
    assert "This agency already has an entry for 13 November 2026" in html
    assert 'value="ซ้ำกัน"' in html

    from tenants.models import AgencyHoliday

    with in_tenant(tenants.a):
        h = AgencyHoliday.objects.get(tenant_id=tenants.a.pk, date__year=2026)
    r = client.post(f"{CAL}holidays/{h.pk}/remove/", {"_agency": "tenant-a"})
    assert r.status_code == 302 and r["Location"] == CAL + "?year=2569"
    assert _days(in_tenant, tenants.a) == []
    assert client.get(f"{CAL}holidays/{h.pk}/remove/").status_code == 405


@pytest.mark.parametrize(("typed", "message"), [
    ("13/11/2026", "ดูเหมือนเป็นปี ค.ศ."),
    ("31/2/2569", "ไม่มีวันที่นี้ในปฏิทิน"),
    ("พรุ่งนี้", "รูปแบบวันที่ไม่ถูกต้อง"),
    ("14/11/2569", "วันเสาร์หรือวันอาทิตย์"),  # a Saturday
    ("16/11/2569", "เป็นวันทำการอยู่แล้ว"),  # a Monday can't be "opened"
])
def test_bad_dates_are_explained(client, login, tenants, typed, message):
    login("a_agency_admin")
    kind = "working" if typed == "16/11/2569" else "holiday"
    r = client.post(CAL, {"_agency": "tenant-a", "date": typed, "kind": kind, "name_th": "ทดสอบ"})
    assert r.status_code == 400
    assert message in body(r)
    assert f'value="{typed}"' in body(r)


@pytest.mark.parametrize(("query", "message"), [("abc", "กรุณาระบุปี พ.ศ. เป็นตัวเลข"), ("2026", "ดูเหมือนเป็นปี ค.ศ."),
                                                ("9999", "ต้องอยู่ระหว่าง 2500 ถึง 2700")])
def test_bad_year_is_a_clear_400(client, login, tenants, query, message):
    login("a_officer")
    r = client.get(CAL + f"?year={query}")
    assert r.status_code == 400
    assert message in body(r) and 'lang="en"' in body(r)


def test_other_agencys_day_is_not_found(client, login, tenants, in_tenant):
    from tenants.services.calendar import agency_holiday_add

    with in_tenant(tenants.b):
        h = agency_holiday_add(tenant_id=tenants.b.pk, actor=None, date=dt.date(2026, 11, 13), name_th="วันของบี")
    login("a_agency_admin")
    r = client.post(f"{CAL}holidays/{h.pk}/remove/", {"_agency": "tenant-a"})
    assert r.status_code == 404
    assert "วันของบี" not in body(client.get(CAL + "?year=2569"))
    assert _days(in_tenant, tenants.b) == [(dt.date(2026, 11, 13), "holiday", "วันของบี")]


def test_national_page_is_for_system_admins_only(client, login, tenants):
    for username, path in (("a_agency_admin", "/a/tenant-a/calendar/national/"),
                           ("p_provincial_admin", NATIONAL)):
        client.logout()
        login(username)
        assert client.get(path).status_code == 403
        assert client.post(path + "fill/", {"_agency": path.split("/")[2], "fill-be_year": "2570"}).status_code == 403
    client.logout()
    login("s_system_admin")
    r = client.get(NATIONAL + "?year=2570")
    assert r.status_code == 200 and h1_of(r) == "วันหยุดราชการ พ.ศ. 2570"
    assert "วันหยุดทางจันทรคติ" in body(r)
    assert f'href="{NATIONAL}"' in body(client.get("/a/test-province/"))


def test_system_admin_fills_adds_and_removes_national_holidays(client, login, tenants, in_tenant):
    from tenants.models import NationalHoliday

    login("s_system_admin")
    r = client.post(NATIONAL + "fill/", {"_agency": "test-province", "fill-be_year": "๒๕๗๐"})
    assert r.status_code == 302 and r["Location"] == NATIONAL + "?year=2570"
    page = body(client.get(r["Location"]))
    assert "แล้ว 15 วัน (มีอยู่แล้ว 0 วัน)" in page and "วันสงกรานต์" in page and "Songkran Festival" in page
    assert _audited(in_tenant, tenants.province, "calendar.national.fill") == 1

    r = client.post(NATIONAL + "fill/", {"_agency": "test-province", "fill-be_year": "2027"})
    assert r.status_code == 400 and "ดูเหมือนเป็นปี ค.ศ." in body(r) and 'value="2027"' in body(r)

    r = client.post(NATIONAL, {"_agency": "test-province", "date": "22/2/2570", "kind": "public",
                               "name_th": "วันมาฆบูชา", "name_en": "Makha Bucha Day"})
    assert r.status_code == 302
    assert NationalHoliday.objects.filter(date=dt.date(2027, 2, 22), name_th="วันมาฆบูชา").exists()
    r = client.post(NATIONAL, {"_agency": "test-province", "date": "13/4/2570", "kind": "public", "name_th": "ซ้ำ"})
    assert r.status_code == 400 and "มีวันหยุดราชการวันที่ 13 เมษายน 2570 อยู่แล้ว" in body(r)

    # every agency's calendar now counts it; the agency page shows it as national
    client.logout()
    login("a_officer")
    page = body(client.get(CAL + "?year=2570"))
    assert "วันมาฆบูชา" in page and "วันหยุดราชการ (ทุกหน่วยงาน)" in page
    client.logout()
    login("s_system_admin")
    h = NationalHoliday.objects.get(date=dt.date(2027, 2, 22))
    r = client.post(f"{NATIONAL}{h.pk}/remove/", {"_agency": "test-province"})
    assert r.status_code == 302 and not NationalHoliday.objects.filter(pk=h.pk).exists()
    assert client.post(f"{NATIONAL}{h.pk}/remove/", {"_agency": "test-province"}).status_code == 404


def test_english(client, login, tenants):
    login("a_agency_admin")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    r = client.get(CAL + "?year=2569")
    assert r.status_code == 200
    assert h1_of(r) == "Working-day calendar 2569 BE"
    assert "Add a day of this agency" in body(r)
