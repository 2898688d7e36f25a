"""The calendar API (docs/calendar.md): read by every member (ISO CE dates), agency days written by
the agency administrator, national holidays by system administrators only; another agency's day is
answered exactly like a random id; bad years and dates are explained in Thai and English."""

from __future__ import annotations

import datetime as dt

import pytest

from tenants.models import AgencyHoliday
from tests.api.conftest import DBS

pytestmark = pytest.mark.django_db(databases=DBS)

RANDOM_ID = 987654321


def _delete(api, agency: str, path: str):  # type: ignore[no-untyped-def]
    r = api.client.delete(f"/api/v1/a/{agency}/{path}", headers={"X-Eoffice-Agency": agency})
    return r


@pytest.fixture
def filled(as_user):  # type: ignore[no-untyped-def]
    r = as_user("s_system_admin").post("test-province", "calendar/national/fill/", {"year": 2026})
    assert r.status == 200, r.data
    return r


def test_fill_then_every_member_reads_the_year(filled, as_user, api):
    assert len(filled.data["created"]) == 15 and filled.data["skipped"] == []
    api.client.logout()
    for username in ("a_officer", "a_head", "a_agency_admin", "multi"):
        api.client.logout()
        r = as_user(username).get("tenant-a", "calendar/", {"year": 2026})
        assert r.status == 200, r.data
    assert r.data["year"] == 2026 and r.data["be_year"] == 2569
    assert r.data["start"] == "2026-01-01" and r.data["end"] == "2026-12-31"
    assert {"2026-04-13", "2026-04-14", "2026-04-15"} <= set(r.data["non_working"])
    assert r.data["working_days"] == 247
    assert r.data["national"][0] == {"id": r.data["national"][0]["id"], "date": "2026-01-01", "name_th": "วันขึ้นปีใหม่",
                                     "name_en": "New Year's Day", "kind": "public",
                                     "kind_label": "วันหยุดราชการประจำปี"}
    r = as_user("a_officer").get("tenant-a", "calendar/national/", {"year": 2026})
    assert r.status == 200 and len(r.data) == 15


def test_agency_day_create_read_delete(filled, as_user, api, first_of, tenants):
    admin = as_user("a_agency_admin")
    r = admin.post("tenant-a", "calendar/holidays/", {"date": "2026-11-13", "name_th": "วันท้องถิ่น", "note": "ประกาศ"})
    assert r.status == 201, r.data
    day = r.data
    assert day["date"] == "2026-11-13" and day["kind"] == "holiday" and day["kind_label"] == "วันหยุดของหน่วยงาน"
    r = admin.post("tenant-a", "calendar/holidays/", {"date": "2026-04-13", "name_th": "เปิดสงกรานต์", "kind": "working"})
    assert r.status == 201
    r = admin.get("tenant-a", "calendar/", {"year": 2026})
    assert "2026-11-13" in r.data["non_working"] and r.data["extra_working"] == ["2026-04-13"]
    assert r.data["working_days"] == 247
    assert admin.get("tenant-a", f"calendar/holidays/{day['id']}/").data == day
    assert [d["date"] for d in admin.get("tenant-a", "calendar/holidays/", {"year": 2026}).data] == ["2026-04-13",
                                                                                                     "2026-11-13"]
    r = _delete(admin, "tenant-a", f"calendar/holidays/{day['id']}/")
    assert r.status_code == 204
    assert admin.get("tenant-a", f"calendar/holidays/{day['id']}/").status == 404


def test_refused_roles(as_user, api):
    officer = as_user("a_officer")
    r = officer.post("tenant-a", "calendar/holidays/", {"date": "2026-11-13", "name_th": "x"})
    assert r.status == 403 and r.data["error"]["code"] == "forbidden"
    for username, agency in (("a_agency_admin", "tenant-a"), ("p_provincial_admin", "test-province")):
        api.client.logout()
        u = as_user(username)
        assert u.post(agency, "calendar/national/", {"date": "2026-03-03", "name_th": "x"}).status == 403
        assert u.post(agency, "calendar/national/fill/", {"year": 2026}).status == 403
        assert _delete(u, agency, f"calendar/national/{RANDOM_ID}/").status_code == 403


def test_another_agencys_day_reads_like_a_random_id(as_user, in_tenant, tenants):
    from tenants.services.calendar import agency_holiday_add

    with in_tenant(tenants.b):
        h = agency_holiday_add(tenant_id=tenants.b.pk, actor=None, date=dt.date(2026, 11, 13), name_th="วันของบี")
    admin = as_user("a_agency_admin")
    foreign, random_ = (admin.get("tenant-a", f"calendar/holidays/{i}/") for i in (h.pk, RANDOM_ID))
    assert foreign.status == random_.status == 404 and foreign.raw == random_.raw
    d_foreign = _delete(admin, "tenant-a", f"calendar/holidays/{h.pk}/")
    d_random = _delete(admin, "tenant-a", f"calendar/holidays/{RANDOM_ID}/")
    assert d_foreign.status_code == d_random.status_code == 404 and d_foreign.content == d_random.content
    with in_tenant(tenants.b):
        assert AgencyHoliday.objects.filter(pk=h.pk).exists()
    r = admin.get("tenant-a", "calendar/", {"year": 2026})
    assert "2026-11-13" not in r.data["non_working"]


@pytest.mark.parametrize(("query", "message"), [
    ("2569", "ดูเหมือนเป็นปี พ.ศ."), ("abc", "ปีต้องเป็นตัวเลข"), ("1200", "ปี ค.ศ. ต้องอยู่ระหว่าง 1957 ถึง 2157")])
def test_bad_year(as_user, query, message):
    r = as_user("a_officer").get("tenant-a", "calendar/", {"year": query})
    assert r.status == 400
    assert message in r.data["error"]["message_th"] and r.data["error"]["message_en"]
    assert r.data["error"]["field"] == "year"


def test_bad_dates(as_user):
    admin = as_user("a_agency_admin")
    r = admin.post("tenant-a", "calendar/holidays/", {"date": "2569-11-13", "name_th": "ปี พ.ศ."})
    assert r.status == 400 and "API ใช้ปี ค.ศ." in r.data["error"]["message_th"]
    assert r.data["error"]["fields"] == {"date": [r.data["error"]["message_th"]]}
    r = admin.post("tenant-a", "calendar/holidays/", {"date": "13/11/2569", "name_th": "x"})
    assert r.status == 400 and "date" in r.data["error"]["fields"]
    r = admin.post("tenant-a", "calendar/holidays/", {"date": "2026-11-14", "name_th": "วันเสาร์"})
    assert r.status == 400 and "Saturday or Sunday" in r.data["error"]["message_en"]
    assert admin.post("tenant-a", "calendar/holidays/", {"date": "2026-11-13", "name_th": "a"}).status == 201
    r = admin.post("tenant-a", "calendar/holidays/", {"date": "2026-11-13", "name_th": "b"})
    assert r.status == 400 and r.data["error"]["code"] == "duplicate"


def test_system_admin_national_add_fill_delete(filled, as_user):
    sys_admin = as_user("s_system_admin")
    r = sys_admin.post("test-province", "calendar/national/fill/", {"year": 2026})
    assert r.status == 200 and r.data["created"] == [] and len(r.data["skipped"]) == 15
    r = sys_admin.post("test-province", "calendar/national/fill/", {"year": 2569})
    assert r.status == 400 and "ดูเหมือนเป็นปี พ.ศ." in r.data["error"]["message_th"]
    r = sys_admin.post("test-province", "calendar/national/", {"date": "2026-03-03", "name_th": "วันมาฆบูชา",
                                                               "name_en": "Makha Bucha Day"})
    assert r.status == 201 and r.data["kind"] == "public"
    r2 = sys_admin.post("test-province", "calendar/national/", {"date": "2026-03-03", "name_th": "ซ้ำ"})
    assert r2.status == 400 and r2.data["error"]["code"] == "duplicate"
    assert _delete(sys_admin, "test-province", f"calendar/national/{r.data['id']}/").status_code == 204
    assert _delete(sys_admin, "test-province", f"calendar/national/{r.data['id']}/").status_code == 404
