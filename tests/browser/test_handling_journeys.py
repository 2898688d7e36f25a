"""Handling in a real Chromium (issue 4 §7): axe-core clean on the inbox, the note form and a letter's
page in every state, in Thai and English; and the keyboard-only journey register -> note -> present ->
endorse with one tap (the executive at a phone-sized viewport) -> distribute -> the unit registers ->
assigns -> the officer acts -> closes; and a unit returning a letter to the desk.

The letters are made before the browser starts, in a subprocess (Playwright's sync API keeps an event
loop on this thread, and Django's ORM refuses to run under it)."""

from __future__ import annotations

import re

import pytest

from tests.browser import support
from tests.browser.conftest import LANGS, PHONE, new_context, set_lang
from tests.browser.test_axe_pages import check_page, watch_console
from tests.browser.test_keyboard import assert_skip_link_first, keyboard_login, press_and_wait, tab_to

pytestmark = pytest.mark.browser

A = "/a/tenant-a/"
TABS = 200  # the letter page lists every unit of the agency as a checkbox

_MAKE = support.TENANT_A_PRELUDE + r'''
from documents.handling import services as h
with tenant_scope(a.pk):
    clerk, admin, head = actor("a_central_clerk"), actor("a_agency_admin"), actor("a_head")
    head_member = Membership.objects.get(tenant_id=a.pk, user__username="a_head", is_active=True)
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
    from documents.files.services import file_prepare
    from tests.registry.fixtures_files import pdf_bytes
    filed = services.register_incoming(
        tenant_id=a.pk, actor=clerk, idempotency_key=uuid.uuid4().hex,
        files=[file_prepare(pdf_bytes(2), "หนังสือจังหวัด.pdf")],
        data=IncomingInput(subject=f"แจ้งแนวทางการจัดทำแผน {tag}", purpose="consider", sender=PartyInput(name="จังหวัดนครราชสีมา")))
    out["with_file"] = h.handling_start(tenant_id=a.pk, actor=clerk, entry_id=filed.pk,
                                        note=h.NoteInput(summary="แจ้งแนวทางการจัดทำแผน")).pk
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
    s = h.present(tenant_id=a.pk, actor=clerk, handling_id=noted("ส่งต่อได้").pk, chain_id=chain.pk)
    hd = h.endorse(tenant_id=a.pk, actor=head, holding_id=s.pk, phrase="มอบ", order_units=[finance.pk])
    h.distribute(tenant_id=a.pk, actor=clerk, handling_id=hd.pk)
    out["to_forward"] = hd.pk
    # a vacant post the head acts for today (รักษาราชการแทน), with its own chain
    from datetime import date
    from tenants.services import org
    post = org.position_create(tenant_id=a.pk, actor=None, title_th=f"ผู้อำนวยการกองช่าง {tag}", unit=finance,
                               is_executive=True)
    org.position_assign(tenant_id=a.pk, actor=None, position=post, membership=head_member, starts_on=date(2024, 1, 1),
                        kind="acting")
    acting_chain = h.chain_create(tenant_id=a.pk, actor=admin, name_th=f"สายรักษาราชการแทน {tag}", position_ids=[post.pk],
                                  sort_order=950)
    s = h.present(tenant_id=a.pk, actor=clerk, handling_id=noted("ขออนุมัติเดินทางไปราชการ").pk, chain_id=acting_chain.pk)
    out["acting"] = s.handling_id
    out["acting_post"] = post.title_th
    from documents.handling import memos
    office = OrgUnit.objects.get(tenant_id=a.pk, name_th="สำนักปลัด")
    out["memo"] = memos.memo_send(tenant_id=a.pk, actor=clerk, idempotency_key=uuid.uuid4().hex, memo=memos.MemoInput(
        from_unit_id=office.pk, subject=f"ขอรายชื่อผู้เข้าอบรม {tag}", body="ขอรายชื่อผู้เข้าอบรมภายในวันศุกร์",
        unit_ids=[finance.pk], salutation="เรียน ผู้อำนวยการกองคลัง")).pk
print(json.dumps(out))
'''


@pytest.fixture(scope="module")
def data(django_db_setup) -> dict:  # type: ignore[no-untyped-def]
    return support.make_data(_MAKE)


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
        ("a_agency_admin", A + "handling/settings/", "chains, due rules, delegations and file categories"),
        ("a_central_clerk", A + "handling/memos/new/", "the memo form"),
        ("a_central_clerk", _letter(d["with_file"]), "a letter with its file and the in-page preview"),
        ("a_unit_clerk", _letter(d["memo"]), "a memo received by the unit"),
        ("a_head", _letter(d["acting"]), "to endorse while acting for a post"),
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
    assert re.search("ส่งคืนแล้ว", unit.inner_text("main"))


def _choose(page, text: str) -> None:  # type: ignore[no-untyped-def]
    """On a focused <select>: ArrowDown until the option shown starts with ``text`` (keyboard only)."""
    for _ in range(60):
        if page.evaluate("() => document.activeElement.selectedOptions[0].text").startswith(text):
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"no option {text!r} in the focused list")


def test_keyboard_only_unit_forwards_a_letter(pw_browser, browser_server, open_page, data):
    unit = _login(pw_browser, browser_server, open_page, "a_unit_clerk")
    unit.goto(_letter(data["to_forward"]))
    assert_skip_link_first(unit)
    tab_to(unit, lambda i: i["tag"] == "summary" and "ส่งต่อ" in i["text"], "the forward section", limit=TABS)
    unit.keyboard.press("Enter")
    tab_to(unit, lambda i: i["name"] == "reason" and "forward" in i["html"], "the reason", limit=TABS)
    unit.keyboard.type("เป็นงานของสำนักปลัด")
    tab_to(unit, lambda i: i["name"] == "unit", "the unit to forward to")
    _choose(unit, "สำนักปลัด")
    tab_to(unit, _button("ส่งต่อ"), "the forward button")
    with unit.expect_navigation():
        unit.keyboard.press("Enter")
    main = unit.inner_text("main")
    assert "ส่งต่อแล้ว" in main and "สำนักปลัด" in unit.inner_text("ol.eo-timeline")


def test_acting_authority_shows_on_the_endorsement_at_a_phone_viewport(pw_browser, browser_server, open_page, data,
                                                                        axe_source):
    head = _login(pw_browser, browser_server, open_page, "a_head", viewport=PHONE)
    head.goto(_letter(data["acting"]))
    assert_skip_link_first(head)
    tab_to(head, _button("ทราบ"), "the one-tap ทราบ", limit=TABS)
    with head.expect_navigation():
        head.keyboard.press("Enter")
    timeline = head.inner_text("ol.eo-timeline")
    assert f"รักษาราชการแทน {data['acting_post']}" in timeline, timeline
    check_page(head, axe_source, what="an endorsement made while acting, phone-sized")


def test_keyboard_only_memo_from_the_desk_to_a_unit(pw_browser, browser_server, open_page, data, axe_source):
    subject = f"ขอเชิญประชุมประจำเดือน {data['tag']}"
    page = _login(pw_browser, browser_server, open_page, "a_central_clerk")
    page.goto(A + "handling/")
    assert_skip_link_first(page)
    tab_to(page, lambda i: i["href"].endswith("/handling/memos/new/"), "ส่งบันทึกข้อความ", limit=TABS)
    press_and_wait(page, "Enter", "/memos/new/")
    tab_to(page, lambda i: i["name"] == "from_unit", "the sending unit")
    _choose(page, "สำนักปลัด")
    tab_to(page, lambda i: i["name"] == "salutation", "the salutation")
    page.keyboard.press("End")
    page.keyboard.type(" ผู้อำนวยการกองคลัง")
    tab_to(page, lambda i: i["name"] == "subject", "the subject")
    page.keyboard.type(subject)
    tab_to(page, lambda i: i["name"] == "body", "the text")
    page.keyboard.type("ด้วยสำนักปลัดจะจัดประชุมประจำเดือน จึงขอเชิญเข้าร่วมประชุม")
    tab_to(page, lambda i: i["name"] == "units" and _label(page) == "กองคลัง", "the กองคลัง checkbox", limit=TABS)
    page.keyboard.press("Space")
    tab_to(page, _button("ส่งบันทึกข้อความ"), "the send button", limit=TABS)
    press_and_wait(page, "Enter", "/letters/")
    main = page.inner_text("main")
    assert "ส่งบันทึกข้อความแล้ว" in main and "ส่งบันทึกข้อความ" in page.inner_text("ol.eo-timeline")

    unit = _login(pw_browser, browser_server, open_page, "a_unit_clerk")
    _to_letter_from_inbox(unit, subject)
    check_page(unit, axe_source, what="the memo at the receiving unit")
    tab_to(unit, _button("ลงทะเบียนรับในหน่วยงาน"), "register in the unit", limit=TABS)
    with unit.expect_navigation():
        unit.keyboard.press("Enter")
    assert "หน่วยงานรับเรื่อง" in unit.inner_text("ol.eo-timeline")
