"""The calendar pages in a real Chromium against the real server (docs/calendar.md): axe-core clean with
rows, remove buttons and form errors, in Thai and English, for the agency administrator, a member who
only reads, and the system administrator's national page; and a keyboard-only journey: the agency
administrator adds an agency day (after a refused empty submit) and removes it again.

(test_axe_pages.py sweeps these pages too, as routed; here they carry data.) The rows are made before
the browser needs them, in a subprocess (Playwright's sync API keeps an event loop on this thread, and
Django's ORM refuses to run under it). They sit in a far year (พ.ศ. 2698) that no other test counts."""

from __future__ import annotations

import datetime as dt
import random
import uuid

import pytest

from tests.browser import support
from tests.browser.conftest import LANGS, new_context, set_lang
from tests.browser.test_axe_pages import check_page, watch_console
from tests.browser.test_keyboard import (
    assert_skip_link_first,
    focused,
    keyboard_login,
    press_and_wait,
    tab_to,
)

pytestmark = pytest.mark.browser

DATA_BE_YEAR = 2698
CAL = "/a/tenant-a/calendar/"
NATIONAL = "/a/test-province/calendar/national/"

_MAKE = r'''
import datetime as dt, json
import django
django.setup()
from tenants.context import tenant_scope
from tenants.models import Agency, AgencyHoliday, NationalHoliday
from tenants.services import calendar

be = int(__import__("sys").argv[1])
province = Agency.objects.get(slug="test-province")
a = Agency.objects.get(slug="tenant-a")
with tenant_scope(province.pk):
    calendar.national_holidays_fill_fixed(actor=None, be_year=be)
with tenant_scope(a.pk):
    d = dt.date(be - 543, 11, 1)
    while d.weekday() >= 5 or NationalHoliday.objects.filter(date=d).exists():
        d += dt.timedelta(days=1)
    if not AgencyHoliday.objects.filter(tenant_id=a.pk, date=d).exists():
        calendar.agency_holiday_add(tenant_id=a.pk, actor=None, date=d, name_th="วันท้องถิ่น (ทดสอบเบราว์เซอร์)",
                                    note="ประกาศ ที่ 1/2698")
print(json.dumps({"day": d.isoformat()}))
'''


@pytest.fixture(scope="module")
def data(django_db_setup) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return support.make_data(_MAKE, str(DATA_BE_YEAR))


PAGES = [
    ("a_agency_admin", f"{CAL}?year={DATA_BE_YEAR}", "agency calendar with rows and remove buttons"),
    ("a_officer", f"{CAL}?year={DATA_BE_YEAR}", "agency calendar, read only"),
    ("a_officer", f"{CAL}?year=2569", "agency calendar of a year without national holidays"),
    ("s_system_admin", f"{NATIONAL}?year={DATA_BE_YEAR}", "national holidays with rows"),
]


@pytest.mark.parametrize("lang", LANGS)
def test_calendar_pages_are_axe_clean(lang, data, role_session, browser_server, open_page, axe_source):
    for username, path, what in PAGES:
        rs = role_session(username)
        set_lang(rs.context, browser_server, lang)
        page = open_page(page=rs.page)
        refused = watch_console(page)
        response = page.goto(path)
        assert response is not None and response.status == 200, f"{path} answered {response and response.status}"
        page.wait_for_load_state("load")
        assert page.evaluate("() => document.documentElement.lang").startswith(lang)
        check_page(page, axe_source, what=f"{what} ({lang}, {username})")
        assert not refused, f"CSP refused on {path}: {refused}"


def test_form_error_state_is_axe_clean(data, role_session, browser_server, open_page, axe_source):
    """The fill form with a Christian-Era year: the 400 page with its alert and field error."""
    rs = role_session("s_system_admin")
    set_lang(rs.context, browser_server, "th")
    page = open_page(page=rs.page)
    page.goto(f"{NATIONAL}?year={DATA_BE_YEAR}")
    page.fill("#id_fill-be_year", "2155")
    with page.expect_navigation():
        page.press("#id_fill-be_year", "Enter")
    assert "ดูเหมือนเป็นปี ค.ศ." in page.inner_text("main")
    check_page(page, axe_source, what="national fill form with an error (th, s_system_admin)")


def _free_weekday() -> dt.date:
    """A weekday in พ.ศ. 2575 (no national holidays are entered that far ahead by any test)."""
    while True:
        d = dt.date(2032, 1, 1) + dt.timedelta(days=random.randrange(366))  # noqa: S311 (not a secret)
        if d.weekday() < 5:
            return d


def test_keyboard_only_add_and_remove_an_agency_day(pw_browser, browser_server, open_page, axe_source):
    page = open_page(new_context(pw_browser, browser_server), own_context=True)
    keyboard_login(page, "a_agency_admin")
    day = _free_weekday()
    typed = f"{day.day}/{day.month}/{day.year + 543}"
    name = f"วันท้องถิ่น {uuid.uuid4().hex[:6]}"
    page.goto(f"{CAL}?year={day.year + 543}")
    assert_skip_link_first(page)

    # an empty submit is refused with the errors on the page (and keeps focus reachable)
    tab_to(page, lambda i: i["tag"] == "button" and i["type"] == "submit" and "บันทึกวัน" in i["text"],
           "the save button")
    press_and_wait(page, "Enter", "/calendar/")
    assert "ยังไม่ได้บันทึก" in page.inner_text("main")
    check_page(page, axe_source, what="agency day form with errors (th, a_agency_admin)")

    # fill it with keys only: date, (kind stays "day off"), name, note, Enter
    tab_to(page, lambda i: i["name"] == "date", "the date field")
    page.keyboard.type(typed)
    tab_to(page, lambda i: i["name"] == "name_th", "the name field")
    page.keyboard.type(name)
    page.keyboard.press("Tab")
    info = focused(page)
    assert info is not None and info["name"] == "note", f"Tab from the name went to {info and info['html']}"
    page.keyboard.type("ประกาศ ที่ 5/2575")
    press_and_wait(page, "Enter", f"year={day.year + 543}")
    main = page.inner_text("main")
    assert name in main and "ประกาศ ที่ 5/2575" in main, main[:1500]
    assert "บันทึก" in main and "แล้ว" in main

    # remove it: Tab to its own remove button (its accessible name carries the day's name)
    assert_skip_link_first(page)
    tab_to(page, lambda i: i["tag"] == "button" and name in i["text"], f"the remove button of {name}")
    press_and_wait(page, "Enter", f"year={day.year + 543}")
    main = page.inner_text("main")
    assert f"ลบ “{name}”" in main
    assert page.locator("tbody", has_text=name).count() == 0
