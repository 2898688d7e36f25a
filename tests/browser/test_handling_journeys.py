"""Handling in a real Chromium (issue 4 §7): axe-core clean on the inbox, the note form and a letter's
page in every state, in Thai and English; and the keyboard-only journey register -> note -> present ->
endorse with one tap (the executive at a phone-sized viewport) -> distribute -> the unit registers ->
assigns -> the officer acts -> closes; and a unit returning a letter to the desk.

The letters are made before the browser starts, in a subprocess (Playwright's sync API keeps an event
loop on this thread, and Django's ORM refuses to run under it)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser import support
from tests.browser.conftest import LANGS, PHONE, new_context, set_lang
from tests.browser.test_axe_pages import check_page, watch_console
from tests.browser.test_keyboard import assert_skip_link_first, keyboard_login, press_and_wait, tab_to

pytestmark = pytest.mark.browser

A = "/a/tenant-a/"
TABS = 200  # the letter page lists every unit of the agency as a checkbox

_MAKE = r'''
import json, uuid
import django
django.setup()
from documents.handling import services as h
from documents.registry import services
from documents.registry.inputs import IncomingInput, PartyInput
from tenants.context import tenant_scope
from tenants.models import Agency, Membership, OrgUnit, Position
from tenants.selectors import actor_build

a = Agency.objects.get(slug="tenant-a")
def actor(username):
    m = Membership.objects.select_related("user").get(tenant_id=a.pk, user__username=username, is_active=True)
    return actor_build(agency=a, membership=m, user=m.user)

tag = uuid.uuid4().hex[:6]
out = {"tag": tag}
with tenant_scope(a.pk):
    clerk, admin, head = actor("a_central_clerk"), actor("a_agency_admin"), actor("a_head")
    palad = Position.objects.get(tenant_id=a.pk, title_th__startswith="ปลัด")
    finance = OrgUnit.objects.get(tenant_id=a.pk, name_th="กองคลัง")
    # sort order 0: the "as the letter says" choice finds a ปลัด chain first (the sweep's chains sort last)
    chain = h.chain_create(tenant_id=a.pk, actor=admin, name_th=f"สายเสนอ {tag}", position_ids=[palad.pk],
                           sort_order=0)
    h.file_category_create(tenant_id=a.pk, actor=admin, code=f"00.{tag}", name_th=f"แฟ้มงานทั่วไป {tag}",
                           retention_years=10)

    def letter(subject, purpose="consider", urgency="003"):
        return services.register_incoming(
            tenant_id=a.pk, actor=clerk, idempotency_key=uuid.uuid4().hex,
            data=IncomingInput(subject=f"{subject} {tag}", purpose=purpose, urgency=urgency,
                               letter_reference="ที่ นม 0017/ว 45", sender=PartyInput(name="จังหวัดนครราชสีมา")))

    def noted(subject, purpose="consider"):
        return h.handling_start(tenant_id=a.pk, actor=clerk, entry_id=letter(subject, purpose).pk,
                                note=h.NoteInput(summary=f"สรุป {subject}", facts="ระเบียบฯ ข้อ 5",
                                                 recommendation="เห็นควรมอบกองคลัง"))

    out["journey_entry"] = letter("ขอความร่วมมือสำรวจข้อมูลผู้สูงอายุ").pk
    out["note_entry"] = letter("ขอเชิญประชุมสัมมนา").pk
    out["noted"] = noted("แจ้งกำหนดการตรวจราชการ").pk
    out["noted_inform"] = noted("แจ้งวันหยุดราชการ", "inform").pk
    s = h.present(tenant_id=a.pk, actor=clerk, handling_id=noted("ขออนุมัติจัดซื้อ").pk, chain_id=chain.pk)
    out["presenting"] = s.handling_id
    s = h.present(tenant_id=a.pk, actor=clerk, handling_id=noted("ขอรายงานผล").pk, chain_id=chain.pk)
    h.endorse(tenant_id=a.pk, actor=head, holding_id=s.pk, phrase="ดำเนินการ", order_units=[finance.pk])
    out["ordered"] = s.handling_id
    s = h.present(tenant_id=a.pk, actor=clerk, handling_id=noted("ขอส่งเอกสาร").pk, chain_id=chain.pk)
    hd = h.endorse(tenant_id=a.pk, actor=head, holding_id=s.pk, phrase="มอบ", order_units=[finance.pk])
    (u,) = h.distribute(tenant_id=a.pk, actor=clerk, handling_id=hd.pk)
    out["distributed"] = hd.pk
    s = h.present(tenant_id=a.pk, actor=clerk, handling_id=noted("ขอข้อมูลงบประมาณ").pk, chain_id=chain.pk)
    hd = h.endorse(tenant_id=a.pk, actor=head, holding_id=s.pk, phrase="มอบ", order_units=[finance.pk])
    (u,) = h.distribute(tenant_id=a.pk, actor=clerk, handling_id=hd.pk)
    h.unit_register(tenant_id=a.pk, actor=actor("a_unit_clerk"), holding_id=u.pk)
    out["registered"] = hd.pk
    s = h.present(tenant_id=a.pk, actor=clerk, handling_id=noted("ส่งคืนได้").pk, chain_id=chain.pk)
    hd = h.endorse(tenant_id=a.pk, actor=head, holding_id=s.pk, phrase="มอบ", order_units=[finance.pk])
    h.distribute(tenant_id=a.pk, actor=clerk, handling_id=hd.pk)
    out["to_return"] = hd.pk
print(json.dumps(out))
'''


@pytest.fixture(scope="module")
def data(django_db_setup) -> dict:  # type: ignore[no-untyped-def]
    env = {k: v for k, v in os.environ.items() if k != "EOFFICE_DB_AS_OWNER"}
    env["DJANGO_SETTINGS_MODULE"] = "eoffice.settings"
    done = subprocess.run([sys.executable, "-c", _MAKE], env=env, cwd=Path(support.ROOT), capture_output=True,
                          text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _letter(hid: int) -> str:
    return f"{A}handling/letters/{hid}/"


def _pages(d: dict) -> list[tuple[str, str, str]]:
    return [
        ("a_central_clerk", A + "handling/", "the desk's inbox"),
        ("a_central_clerk", f"{A}registry/entries/{d['note_entry']}/note/", "the note form"),
        ("a_central_clerk", _letter(d["noted"]), "noted, ready to present"),
        ("a_central_clerk", _letter(d["noted_inform"]), "for information: present or send"),
        ("a_central_clerk", _letter(d["ordered"]), "ordered, to distribute"),
        ("a_head", A + "handling/", "the executive's inbox"),
        ("a_head", _letter(d["presenting"]), "to endorse"),
        ("a_head", _letter(d["ordered"]) + "sheet/", "the printable endorsement sheet"),
        ("a_unit_clerk", _letter(d["distributed"]), "distributed to the unit"),
        ("a_unit_clerk", _letter(d["registered"]), "registered in the unit, to assign"),
        ("a_officer", A + "handling/?overdue=on", "an officer's inbox, filtered"),
        ("a_agency_admin", A + "handling/settings/", "chains and file categories"),
    ]


_OPEN_ALL = "() => document.querySelectorAll('details').forEach(d => d.open = true)"


@pytest.mark.parametrize("lang", LANGS)
def test_handling_pages_are_axe_clean(lang, data, role_session, browser_server, open_page, axe_source):
    for username, path, what in _pages(data):
        rs = role_session(username)
        set_lang(rs.context, browser_server, lang)
        page = open_page(page=rs.page)
        refused = watch_console(page)
        response = page.goto(path)
        assert response is not None and response.status == 200, f"{path} answered {response and response.status}"
        page.wait_for_load_state("load")
        page.evaluate(_OPEN_ALL)
        check_page(page, axe_source, what=f"{what} ({lang}, {username})")
        assert not refused, f"CSP refused something on {path}: {refused}"


def test_a_refused_action_is_axe_clean(data, role_session, browser_server, open_page, axe_source):
    rs = role_session("a_central_clerk")
    set_lang(rs.context, browser_server, "th")
    page = open_page(page=rs.page)
    page.goto(f"{A}registry/entries/{data['note_entry']}/note/")
    with page.expect_navigation():
        page.evaluate("() => document.querySelector('form[action$=\"/note/\"]').requestSubmit()")
    assert page.query_selector(".usa-alert--error"), "no error summary after an empty note"
    check_page(page, axe_source, what="the note form with errors")


def _label(page) -> str:  # type: ignore[no-untyped-def]
    return page.evaluate("() => (document.activeElement.labels[0] || {innerText: ''}).innerText").strip().lower()


def _button(text: str):  # type: ignore[no-untyped-def]
    return lambda i: i["tag"] == "button" and i["inMain"] and i["text"] == text


def _login(pw_browser, browser_server, open_page, username: str, *, viewport: dict | None = None):  # type: ignore[no-untyped-def]
    page = open_page(new_context(pw_browser, browser_server, viewport=viewport), own_context=True)
    keyboard_login(page, username)
    return page


def _to_letter_from_inbox(page, subject: str) -> None:  # type: ignore[no-untyped-def]
    assert_skip_link_first(page)
    tab_to(page, lambda i: i["inHeader"] and i["href"].endswith(A + "handling/"), "the inbox in the menu",
           shift=True, limit=TABS)
    press_and_wait(page, "Enter", "/handling/")
    tab_to(page, lambda i: subject in i["text"] and "/letters/" in i["href"], f"the letter {subject!r}", limit=TABS)
    press_and_wait(page, "Enter", "/letters/")


def test_keyboard_only_note_present_endorse_distribute_assign_act_close(pw_browser, browser_server, open_page, data,
                                                                         axe_source):
    subject = f"ขอความร่วมมือสำรวจข้อมูลผู้สูงอายุ {data['tag']}"
    # the central clerk: the entry page -> the note -> present
    page = _login(pw_browser, browser_server, open_page, "a_central_clerk")
    refused = watch_console(page)
    page.goto(f"{A}registry/entries/{data['journey_entry']}/")
    assert_skip_link_first(page)
    tab_to(page, lambda i: i["href"].endswith("/note/"), "เกษียนและเสนอ", limit=TABS)
    press_and_wait(page, "Enter", "/note/")
    tab_to(page, lambda i: i["name"] == "summary", "the summary")
    page.keyboard.type("ขอความร่วมมือสำรวจข้อมูลผู้สูงอายุในพื้นที่ ภายใน 15 วัน")
    tab_to(page, lambda i: i["name"] == "recommendation", "the recommendation")
    page.keyboard.type("เห็นควรมอบกองคลังดำเนินการ")
    tab_to(page, _button("บันทึกเกษียน"), "the save button")
    press_and_wait(page, "Enter", "/letters/")
    letter_url = page.url
    tab_to(page, _button("เสนอ"), "the present button", limit=TABS)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "เสนอหนังสือแล้ว" in page.inner_text("main")

    # the executive, on a phone: inbox -> the letter -> tick กองคลัง -> one tap "มอบ"
    head = _login(pw_browser, browser_server, open_page, "a_head", viewport=PHONE)
    _to_letter_from_inbox(head, subject)
    check_page(head, axe_source, what="the letter to endorse, phone-sized")
    tab_to(head, lambda i: i["name"] == "order_units" and _label(head) == "กองคลัง", "the กองคลัง checkbox", limit=TABS)
    head.keyboard.press("Space")
    tab_to(head, _button("มอบ"), "the one-tap มอบ", limit=TABS)
    with head.expect_navigation():
        head.keyboard.press("Enter")
    main = head.inner_text("main")
    assert "บันทึกการเกษียน/สั่งการแล้ว" in main and "สั่งการแล้ว รอแจกจ่าย" in main
    assert "ปลัดองค์การบริหารส่วนตำบลเอ" in main, "the endorsement shows the position as printed"

    # the desk distributes as ordered (กองคลัง already ticked)
    page.goto(letter_url)
    tab_to(page, _button("แจกจ่าย"), "the distribute button", limit=TABS)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "แจกจ่ายตามคำสั่งแล้ว" in page.inner_text("main")

    # the unit clerk registers it in the unit's book and assigns the officer
    unit = _login(pw_browser, browser_server, open_page, "a_unit_clerk")
    _to_letter_from_inbox(unit, subject)
    tab_to(unit, _button("ลงทะเบียนรับในหน่วยงาน"), "register in the unit", limit=TABS)
    with unit.expect_navigation():
        unit.keyboard.press("Enter")
    tab_to(unit, lambda i: i["name"] == "members" and "officer" in _label(unit), "the officer", limit=TABS)
    unit.keyboard.press("Space")
    tab_to(unit, lambda i: i["name"] == "due_on", "the due date")
    unit.keyboard.type("31/12/2570")
    tab_to(unit, _button("มอบหมาย"), "the assign button")
    with unit.expect_navigation():
        unit.keyboard.press("Enter")
    assert "มอบหมายผู้ปฏิบัติแล้ว" in unit.inner_text("main"), unit.inner_text("main")[:500]

    # the officer records the action and closes, filing it
    officer = _login(pw_browser, browser_server, open_page, "a_officer")
    _to_letter_from_inbox(officer, subject)
    tab_to(officer, lambda i: i["name"] == "text" and i["tag"] == "textarea", "the action text", limit=TABS)
    officer.keyboard.type("ส่งข้อมูลผู้สูงอายุให้จังหวัดแล้ว")
    tab_to(officer, _button("บันทึกการปฏิบัติ"), "record the action")
    with officer.expect_navigation():
        officer.keyboard.press("Enter")
    tab_to(officer, lambda i: i["name"] == "category", "the file category", limit=TABS)
    officer.keyboard.type(f"00.{data['tag']}")
    tab_to(officer, _button("ปิดเรื่อง"), "the close button")
    with officer.expect_navigation():
        officer.keyboard.press("Enter")
    main = officer.inner_text("main")
    assert "ปิดเรื่องแล้ว" in main and f"แฟ้มงานทั่วไป {data['tag']}" in main
    timeline = officer.inner_text("ol.eo-timeline")
    for step in ("เกษียนหนังสือ", "เสนอ", "เกษียน/สั่งการ", "แจกจ่าย", "หน่วยงานรับเรื่อง", "มอบหมายผู้ปฏิบัติ",
                 "บันทึกการปฏิบัติ", "ปิดเรื่อง"):
        assert step in timeline, f"{step} missing from the timeline"
    assert not refused, f"CSP refused something: {refused}"


def test_keyboard_only_unit_returns_a_letter(pw_browser, browser_server, open_page, data):
    unit = _login(pw_browser, browser_server, open_page, "a_unit_clerk")
    unit.goto(_letter(data["to_return"]))
    assert_skip_link_first(unit)
    tab_to(unit, lambda i: i["tag"] == "summary" and "ส่งคืน" in i["text"], "the return section", limit=TABS)
    unit.keyboard.press("Enter")
    tab_to(unit, lambda i: i["name"] == "reason", "the reason")
    unit.keyboard.type("ไม่ใช่งานของกองคลัง เป็นงานของสำนักปลัด")
    tab_to(unit, _button("ส่งคืน"), "the return button")
    with unit.expect_navigation():
        unit.keyboard.press("Enter")
    assert re.search("ส่งคืนงานสารบรรณกลางแล้ว", unit.inner_text("main"))
