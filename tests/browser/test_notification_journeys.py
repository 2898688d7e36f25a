"""Notifications in a real Chromium (issue 4 §5): axe-core clean on the notifications list, the
preferences page and หนังสือเกินกำหนด, in Thai and English, with rows on them; and the keyboard-only journey:
the executive sees the bell's unread count in its accessible name → opens the notifications → follows
the newest one to the letter → it is marked read (the count drops by one).

The letters are made before the browser starts, in a subprocess (Playwright's sync API keeps an event
loop on this thread, and Django's ORM refuses to run under it)."""

from __future__ import annotations

import re

import pytest

from tests.browser import support
from tests.browser.conftest import LANGS, new_context, set_lang
from tests.browser.test_axe_pages import check_page, watch_console
from tests.browser.test_keyboard import assert_skip_link_first, keyboard_login, press_and_wait, tab_to

pytestmark = pytest.mark.browser

A = "/a/tenant-a/"

_MAKE = support.TENANT_A_PRELUDE + r'''
from django.utils import timezone
from documents.handling import notifications, services as h
from documents.models import Holding
with tenant_scope(a.pk):
    clerk, admin = actor("a_central_clerk"), actor("a_agency_admin")
    palad = Position.objects.get(tenant_id=a.pk, title_th__startswith="ปลัด")
    chain = h.chain_create(tenant_id=a.pk, actor=admin, name_th=f"สายแจ้งเตือน {tag}", position_ids=[palad.pk],
                           sort_order=800)
    def presented(subject, urgency):
        e = services.register_incoming(tenant_id=a.pk, actor=clerk, idempotency_key=uuid.uuid4().hex,
            data=IncomingInput(subject=f"{subject} {tag}", urgency=urgency, sender=PartyInput(name="จังหวัดนครราชสีมา")))
        hd = h.handling_start(tenant_id=a.pk, actor=clerk, entry_id=e.pk, note=h.NoteInput(summary="สรุป"))
        return h.present(tenant_id=a.pk, actor=clerk, handling_id=hd.pk, chain_id=chain.pk)
    late = presented("ขอรายงานผลการดำเนินงาน", "002")
    Holding.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - dt.timedelta(days=3))
    notifications.overdue_remind(tenant_id=a.pk)  # today's reminder (once a day: a second run adds nothing)
    out["journey"] = presented("ขอเชิญร่วมงานวันเด็กแห่งชาติ", "003").handling_id
print(json.dumps(out))
'''


@pytest.fixture(scope="module")
def data(django_db_setup) -> dict:  # type: ignore[no-untyped-def]
    return support.make_data(_MAKE)


PAGES = [
    ("a_head", A + "notifications/", "the notifications list"),
    ("a_head", A + "notifications/settings/", "the notification preferences"),
    ("a_head", A + "handling/overdue/", "หนังสือเกินกำหนด (agency-wide)"),
    ("a_officer", A + "handling/overdue/", "หนังสือเกินกำหนด (an officer's own)"),
]


@pytest.mark.parametrize("lang", LANGS)
def test_notification_pages_are_axe_clean(lang, data, role_session, browser_server, open_page, axe_source):
    for username, path, what in PAGES:
        rs = role_session(username)
        set_lang(rs.context, browser_server, lang)
        page = open_page(page=rs.page)
        refused = watch_console(page)
        response = page.goto(path)
        assert response is not None and response.status == 200, f"{path} answered {response and response.status}"
        page.wait_for_load_state("load")
        if path.endswith("/notifications/"):
            assert page.query_selector(".eo-notify--unread"), "the list should show unread rows"
        check_page(page, axe_source, what=f"{what} ({lang}, {username})")
        assert not refused, f"CSP refused something on {path}: {refused}"


def _bell(page) -> str:  # type: ignore[no-untyped-def]
    return " ".join((page.text_content("header a.eo-bell") or "").split())


def _unread(page) -> int:  # type: ignore[no-untyped-def]
    m = re.search(r"(\d+)", _bell(page))
    return int(m.group(1)) if m else 0


def test_keyboard_only_bell_to_letter_marks_it_read(pw_browser, browser_server, open_page, data):
    subject = f"ขอเชิญร่วมงานวันเด็กแห่งชาติ {data['tag']}"
    page = open_page(new_context(pw_browser, browser_server), own_context=True)
    keyboard_login(page, "a_head")
    refused = watch_console(page)
    page.goto(A)
    before = _unread(page)
    assert before >= 1, _bell(page)
    assert _bell(page) == f"การแจ้งเตือน ยังไม่อ่าน {before} รายการ"  # its accessible name
    assert_skip_link_first(page)
    bell = tab_to(page, lambda i: i["inHeader"] and i["href"].endswith("/notifications/"), "the bell", shift=True,
                  limit=80)
    assert bell["text"].startswith("การแจ้งเตือน")
    press_and_wait(page, "Enter", "/notifications/")
    tab_to(page, lambda i: i["tag"] == "button" and subject in i["text"], f"the notification about {subject!r}",
           limit=40)
    press_and_wait(page, "Enter", f"/letters/{data['journey']}/")
    assert subject in page.inner_text("main")
    assert _unread(page) == before - 1, "following the notification marks it read"
    page.goto(A + "notifications/?unread=1")
    assert subject not in page.inner_text("main")
    assert not refused, f"CSP refused something: {refused}"
