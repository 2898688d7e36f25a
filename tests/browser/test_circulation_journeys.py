"""Circulation (เวียนแจ้ง) in a real Chromium: axe-core clean on the form, the outstanding list, a
circulation's page, the sender's status page and the sign-off sheet, in Thai and English; and the
keyboard-only journey: the central clerk circulates a letter to กองคลัง -> the officer sees it outstanding,
opens it (still outstanding), presses รับทราบ -> the clerk's status page and sign-off sheet show the
acknowledgement.

The letters are made before the browser starts, in a subprocess (as in test_handling_journeys)."""

from __future__ import annotations

import pytest

from tests.browser import support
from tests.browser.conftest import LANGS, set_lang
from tests.browser.test_axe_pages import check_page, watch_console
from tests.browser.test_handling_journeys import TABS, _button, _label, _login
from tests.browser.test_keyboard import assert_skip_link_first, press_and_wait, tab_to

pytestmark = pytest.mark.browser

A = "/a/tenant-a/"

_MAKE = support.TENANT_A_PRELUDE + r'''
from documents.handling import circulation as c, services as h
with tenant_scope(a.pk):
    clerk = actor("a_central_clerk")
    finance = OrgUnit.objects.get(tenant_id=a.pk, name_th="กองคลัง")

    def noted(subject):
        entry = services.register_incoming(
            tenant_id=a.pk, actor=clerk, idempotency_key=uuid.uuid4().hex,
            data=IncomingInput(subject=f"{subject} {tag}", purpose="inform", urgency="002",
                               letter_reference="ที่ นม 0023.3/ว 88", sender=PartyInput(name="จังหวัดนครราชสีมา")))
        return h.handling_start(tenant_id=a.pk, actor=clerk, entry_id=entry.pk, note=h.NoteInput(summary=subject))

    out["journey"] = noted("หนังสือเวียนแนวทางการจัดซื้อจัดจ้าง").pk
    informed = noted("หนังสือเวียนแจ้งวันหยุด")  # sent to กองคลัง for information: its clerk may circulate it too
    h.send_for_information(tenant_id=a.pk, actor=clerk, handling_id=informed.pk, unit_ids=[finance.pk])
    shown = c.circulate(tenant_id=a.pk, actor=clerk, handling_id=informed.pk, audience="units", unit_ids=[finance.pk],
                        note="<b>โปรดทราบ</b>")
    out["shown"], out["shown_handling"] = shown.pk, shown.handling_id
    out["officer_name"] = Membership.objects.get(tenant_id=a.pk, user__username="a_officer").user.display_name_th
print(json.dumps(out))
'''


@pytest.fixture(scope="module")
def data(django_db_setup) -> dict:  # type: ignore[no-untyped-def]
    return support.make_data(_MAKE)


def _pages(d: dict) -> list[tuple[str, str, str]]:
    c = f"{A}handling/circulations/{d['shown']}/"
    return [
        ("a_central_clerk", f"{A}handling/letters/{d['shown_handling']}/circulate/", "the circulate form"),
        ("a_central_clerk", c + "status/", "the sender's status page"),
        ("a_central_clerk", c + "sheet/", "the printable sign-off sheet"),
        ("a_central_clerk", f"{A}handling/letters/{d['shown_handling']}/", "a circulated letter's page"),
        ("a_unit_clerk", f"{A}handling/letters/{d['shown_handling']}/circulate/", "a unit clerk's circulate form"),
        ("a_officer", f"{A}handling/circulations/", "the officer's outstanding list"),
        ("a_officer", c, "a circulation to acknowledge"),
    ]


@pytest.mark.parametrize("lang", LANGS)
def test_circulation_pages_are_axe_clean(lang, data, role_session, browser_server, open_page, axe_source):
    for username, path, what in _pages(data):
        rs = role_session(username)
        set_lang(rs.context, browser_server, lang)
        page = open_page(page=rs.page)
        refused = watch_console(page)
        response = page.goto(path)
        assert response is not None and response.status == 200, f"{path} answered {response and response.status}"
        page.wait_for_load_state("load")
        check_page(page, axe_source, what=f"{what} ({lang}, {username})")
        assert not refused, f"CSP refused something on {path}: {refused}"


def test_keyboard_only_circulate_open_acknowledge(pw_browser, browser_server, open_page, data, axe_source):
    subject = f"หนังสือเวียนแนวทางการจัดซื้อจัดจ้าง {data['tag']}"
    # the central clerk: the letter's page -> เวียนแจ้ง -> units: กองคลัง -> a note -> send
    clerk = _login(pw_browser, browser_server, open_page, "a_central_clerk")
    refused = watch_console(clerk)
    clerk.goto(f"{A}handling/letters/{data['journey']}/")
    assert_skip_link_first(clerk)
    tab_to(clerk, lambda i: i["inMain"] and i["href"].endswith("/circulate/"), "the เวียนแจ้ง link", limit=TABS)
    press_and_wait(clerk, "Enter", "/circulate/")
    tab_to(clerk, lambda i: i["name"] == "audience", "the audience radios", limit=TABS)
    clerk.keyboard.press("ArrowDown")  # everyone -> units
    assert clerk.evaluate("() => document.querySelector('input[name=audience]:checked').value") == "units"
    tab_to(clerk, lambda i: i["name"] == "units" and _label(clerk) == "กองคลัง", "the กองคลัง checkbox", limit=TABS)
    clerk.keyboard.press("Space")
    tab_to(clerk, lambda i: i["name"] == "note", "the note", limit=TABS)
    clerk.keyboard.type("โปรดทราบและถือปฏิบัติ")
    tab_to(clerk, _button("เวียนแจ้ง"), "the circulate button")
    press_and_wait(clerk, "Enter", "/status/")
    status_url = clerk.url
    main = clerk.inner_text("main")
    assert "เวียนแจ้งแล้ว" in main and data["officer_name"] in main and "ยังไม่รับทราบ" in main

    # the officer: the menu -> หนังสือเวียน -> the letter (opened, still outstanding) -> รับทราบ
    officer = _login(pw_browser, browser_server, open_page, "a_officer")
    assert_skip_link_first(officer)
    tab_to(officer, lambda i: i["inHeader"] and i["href"].endswith(A + "handling/circulations/"), "หนังสือเวียน",
           shift=True, limit=TABS)
    press_and_wait(officer, "Enter", "/handling/circulations/")
    tab_to(officer, lambda i: subject in i["text"], f"the circulation {subject!r}", limit=TABS)
    press_and_wait(officer, "Enter", "/circulations/")
    assert "ท่านเปิดอ่านแล้ว แต่ยังไม่ได้รับทราบ" in officer.inner_text("main")
    check_page(officer, axe_source, what="a circulation opened, not yet acknowledged")
    tab_to(officer, lambda i: i["inMain"] and i["href"].endswith("/handling/circulations/"), "back to the list",
           limit=TABS)
    press_and_wait(officer, "Enter", "/handling/circulations/")
    row = officer.locator("tr", has_text=subject)
    assert row.count() == 1 and "ยังไม่เปิด" not in row.inner_text(), "opened, and still outstanding"
    tab_to(officer, lambda i: subject in i["text"], f"the circulation {subject!r}", limit=TABS)
    press_and_wait(officer, "Enter", "/circulations/")
    tab_to(officer, _button("รับทราบ"), "the รับทราบ button", limit=TABS)
    with officer.expect_navigation():
        officer.keyboard.press("Enter")
    main = officer.inner_text("main")
    assert "รับทราบแล้ว" in main and subject not in main, "acknowledged: no longer outstanding"

    # the clerk: the status page and the sign-off sheet show the acknowledgement
    clerk.goto(status_url)
    row = clerk.locator("tbody tr", has_text=data["officer_name"])
    assert "ยังไม่รับทราบ" not in row.inner_text() and row.locator("td").last.inner_text().strip()
    assert_skip_link_first(clerk)
    tab_to(clerk, lambda i: i["href"].endswith("/sheet/"), "the sign-off sheet", limit=TABS)
    press_and_wait(clerk, "Enter", "/sheet/")
    line = clerk.locator("table.eo-signoff-table tbody tr", has_text=data["officer_name"])
    assert line.locator("time").count() == 1, f"the sheet shows no acknowledgement time: {line.inner_text()!r}"
    check_page(clerk, axe_source, what="the sign-off sheet after an acknowledgement")
    assert not refused, f"CSP refused something: {refused}"
