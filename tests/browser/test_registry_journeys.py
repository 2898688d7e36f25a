"""The registry's pages in a real Chromium against the real server (issue 3 §7): axe-core clean on every
registry page and state in Thai and English, no CSP refusal (pdf.js included), and a keyboard-only
journey — log in, register an incoming letter with a PDF, see its number, open the book, find it by
subject, open it and see the pdf.js preview.

The letters these pages show are made before the browser needs them, in a subprocess (Playwright's sync
API keeps an event loop on this thread, and Django's ORM refuses to run under it)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

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

A = "/a/tenant-a/registry/"

_MAKE = r'''
import io, json, sys, uuid
import django
django.setup()
import pikepdf
from documents.files.services import file_prepare, file_record
from documents.models import Book, Mailbox, MailboxAttachment, MailboxMessage
from documents.registry import services
from documents.registry.inputs import IncomingInput, PartyInput
from tenants.context import tenant_scope
from tenants.models import Agency, Membership
from tenants.selectors import actor_build

def pdf(pages=2):
    doc = pikepdf.new()
    font = doc.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))
    for n in range(pages):
        page = doc.add_blank_page(page_size=(595, 842))
        page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        text = f"BT /F1 28 Tf 72 760 Td (Test letter, page {n + 1}) Tj ET 0 0 1 rg 72 600 300 80 re f"
        page.obj.Contents = doc.make_stream(text.encode())
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()

a = Agency.objects.get(slug="tenant-a")
def actor(username):
    m = Membership.objects.select_related("user").get(tenant_id=a.pk, user__username=username, is_active=True)
    return actor_build(agency=a, membership=m, user=m.user)

tag = uuid.uuid4().hex[:6]
out = {}
with tenant_scope(a.pk):
    clerk = actor("a_central_clerk")
    e = services.register_incoming(
        tenant_id=a.pk, actor=clerk, idempotency_key=uuid.uuid4().hex, files=[file_prepare(pdf(), "letter.pdf")],
        data=IncomingInput(subject=f"ขอเชิญประชุม {tag}", urgency="004", sender=PartyInput(name="จังหวัดทดสอบ")))
    out["entry"] = e.pk
    sealed = services.register_incoming(
        tenant_id=a.pk, actor=clerk, idempotency_key=uuid.uuid4().hex,
        data=IncomingInput(subject="", secrecy="003", sender=PartyInput(name="หน่วยงานความมั่นคง")))
    out["sealed"] = sealed.pk
    snd = Book.objects.get(tenant_id=a.pk, kind="central_outgoing")
    out["reservation"] = services.reserve_number(tenant_id=a.pk, actor=clerk, book_id=snd.pk, note="หนังสือเชิญ",
                                                 idempotency_key=uuid.uuid4().hex).pk
    mb = Mailbox.objects.create(tenant_id=a.pk, kind="maildir", address=f"b{tag}@tenant-a.go.th", path="b",
                                auto_reply=False)
    msg = MailboxMessage.objects.create(
        tenant_id=a.pk, mailbox=mb, message_id=f"<{tag}@sender.go.th>", from_name="สำนักงานจังหวัด",
        from_address="saraban@sender.go.th", subject=f"ด่วน ขอข้อมูล {tag}",
        body_text="ที่ มท 0808.2/ว 1234 ลงวันที่ 20 พฤศจิกายน 2568")
    f = file_record(tenant_id=a.pk, prepared=file_prepare(pdf(1), "attachment.pdf"), letter_id=None,
                    role="original", actor_id=None)
    MailboxAttachment.objects.create(tenant_id=a.pk, message=msg, file=f)
    out["message"] = msg.pk
print(json.dumps(out))
'''


@pytest.fixture(scope="module")
def data(django_db_setup) -> dict[str, int]:  # type: ignore[no-untyped-def]
    env = {k: v for k, v in os.environ.items() if k != "EOFFICE_DB_AS_OWNER"}
    env["DJANGO_SETTINGS_MODULE"] = "eoffice.settings"
    done = subprocess.run([sys.executable, "-c", _MAKE], env=env, cwd=Path(support.ROOT), capture_output=True,
                          text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- axe on every registry page and state -------------------------------------------------------------------
def _pages(d: dict[str, int]) -> list[tuple[str, str, str]]:
    return [
        ("a_central_clerk", A, "home"),
        ("a_central_clerk", A + "incoming/new/", "incoming form"),
        ("a_central_clerk", A + "outgoing/new/", "outgoing form"),
        ("a_central_clerk", A + "reserve/", "reserve form"),
        ("a_central_clerk", A + "books/rcv/", "incoming book"),
        ("a_central_clerk", A + "books/snd/", "outgoing book"),
        ("a_central_clerk", f"{A}entries/{d['entry']}/", "entry with a PDF"),
        ("a_central_clerk", f"{A}entries/{d['reservation']}/", "reserved number"),
        ("a_central_clerk", f"{A}entries/{d['reservation']}/use/", "use a reservation"),
        ("a_central_clerk", A + "mailbox/", "mailbox queue"),
        ("a_central_clerk", f"{A}mailbox/{d['message']}/", "register from an e-mail"),
        ("a_secret_registrar", A, "registrar home"),
        ("a_secret_registrar", A + "books/secret/", "secret register"),
        ("a_secret_registrar", f"{A}entries/{d['sealed']}/secret-open/", "open a sealed item"),
        ("a_head", A + "books/rcv/?subject=x&urgency=004", "filtered book, no rows"),
    ]


_OPEN_ALL = "() => document.querySelectorAll('details').forEach(d => d.open = true)"


@pytest.mark.parametrize("lang", LANGS)
def test_registry_pages_are_axe_clean(lang, data, role_session, browser_server, open_page, axe_source):
    for username, path, what in _pages(data):
        rs = role_session(username)
        set_lang(rs.context, browser_server, lang)
        page = open_page(page=rs.page)
        refused = watch_console(page)
        response = page.goto(path)
        assert response is not None and response.status == 200, f"{path} answered {response and response.status}"
        page.wait_for_load_state("load")
        assert page.evaluate("() => document.documentElement.lang").startswith(lang)
        if "data-eo-pdf" in page.content():
            page.wait_for_selector("[data-eo-pdf-ready], [data-eo-pdf-failed]", timeout=15_000)
            assert page.query_selector("[data-eo-pdf-ready]"), f"pdf.js preview failed on {path}"
        page.evaluate(_OPEN_ALL)  # every action form, and the shortcut list, in view
        check_page(page, axe_source, what=f"{what} ({lang}, {username})")
        assert not refused, f"CSP refused something on {path}: {refused}"


@pytest.mark.parametrize("lang", LANGS)
def test_form_error_states_are_axe_clean(lang, data, role_session, browser_server, open_page, axe_source):
    rs = role_session("a_central_clerk")
    set_lang(rs.context, browser_server, lang)
    page = open_page(page=rs.page)
    for path in (A + "incoming/new/", A + "outgoing/new/", f"{A}entries/{data['entry']}/"):
        page.goto(path)
        page.wait_for_load_state("load")
        form = "form[data-eo-letter-form]" if "new/" in path else "form[action$='/annul/']"
        with page.expect_navigation():
            page.evaluate(f"() => document.querySelector({form!r}).requestSubmit()")
        page.wait_for_load_state("load")
        assert page.query_selector(".usa-alert--error"), f"no error summary after an empty submit on {path}"
        page.evaluate(_OPEN_ALL)
        check_page(page, axe_source, what=f"errors on {path} ({lang})")


# --- the keyboard-only journey -----------------------------------------------------------------------------------
def _name(name: str):  # type: ignore[no-untyped-def]
    return lambda i: i["name"] == name


def test_keyboard_only_register_find_and_preview(pw_browser, browser_server, open_page, data, tmp_path):
    page = open_page(new_context(pw_browser, browser_server), own_context=True)
    refused = watch_console(page)
    subject = f"ขอความอนุเคราะห์ข้อมูล {uuid.uuid4().hex[:6]}"
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(_pdf_bytes())

    keyboard_login(page, "a_central_clerk")
    assert page.url.endswith("/a/tenant-a/"), page.url
    # the main menu's registry link
    assert_skip_link_first(page)
    tab_to(page, lambda i: i["inHeader"] and i["href"].endswith(A), "the registry link in the menu", shift=True)
    press_and_wait(page, "Enter", A)

    # Alt+N: the register form
    press_and_wait(page, "Alt+n", "incoming/new/")
    assert_skip_link_first(page)
    tab_to(page, _name("urgency"), "the urgency field")
    page.keyboard.press("ArrowDown")  # ปกติ -> ด่วน
    tab_to(page, _name("subject"), "the subject field")
    page.keyboard.type(subject)
    tab_to(page, _name("sender_name"), "the sender's name")
    page.keyboard.type("สำนักงานส่งเสริมการปกครองท้องถิ่นจังหวัด")
    tab_to(page, _name("letter_reference"), "the letter's reference")
    page.keyboard.type("ที่ มท 0808.2/ว 999")
    tab_to(page, _name("letter_date"), "the letter's date")
    page.keyboard.type("20/11/2568")
    tab_to(page, _name("files"), "the file input")
    choose_file_with_keys(page, scan)
    page.wait_for_function("() => document.querySelectorAll('[data-eo-filelist] li').length === 1")
    tab_to(page, lambda i: i["tag"] == "button" and i["type"] == "submit" and i["inMain"], "the save button")
    with page.expect_navigation(url=re.compile(r"/entries/\d+/$")):
        page.keyboard.press("Enter")
    page.wait_for_load_state("load")
    heading = page.inner_text("h1")
    m = re.search(r"(\d+)/(\d{4})", heading)
    assert m, f"no incoming number in the heading: {heading!r}"
    assert f"เลขรับ {m.group(0)}" in page.inner_text("main"), "the success message names the number"
    assert "ด่วน" in page.inner_text("main")
    entry_path = page.url.removeprefix(browser_server.url)

    # Alt+B: back to the registry, open the incoming book, "/" to search by subject
    press_and_wait(page, "Alt+b", A)
    assert_skip_link_first(page)
    tab_to(page, lambda i: i["href"].endswith(A + "books/rcv/"), "the incoming book")
    press_and_wait(page, "Enter", "books/rcv/")
    page.keyboard.press("/")
    info = focused(page)
    assert info is not None and info["name"] == "subject", f"'/' did not focus the search: {info}"
    page.keyboard.type(subject)
    with page.expect_navigation(url=re.compile(r"subject=")):
        page.keyboard.press("Enter")
    page.wait_for_load_state("load")
    assert subject in page.inner_text("table")
    tab_to(page, lambda i: i["href"].endswith(entry_path), "the entry in the book")
    press_and_wait(page, "Enter", entry_path)

    # the preview: pdf.js draws the first page on a canvas
    page.wait_for_selector("canvas[data-eo-pdf-page='1']", timeout=15_000)
    assert page.get_attribute("canvas[data-eo-pdf-page='1']", "aria-label")
    drawn = page.evaluate("""() => { const c = document.querySelector("canvas[data-eo-pdf-page='1']");
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        for (let i = 0; i < d.length; i += 4) { if (d[i] < 250 || d[i + 1] < 250 || d[i + 2] < 250) return true; }
        return false; }""")
    assert drawn, "the preview canvas is blank"
    assert not refused, f"CSP refused something: {refused}"


def choose_file_with_keys(page, path: Path) -> None:  # type: ignore[no-untyped-def]
    """Space on the focused file input opens the file chooser (Enter as well, tried if Space's chooser
    does not show up in time)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for key in ("Space", "Enter"):
        try:
            with page.expect_file_chooser(timeout=5_000) as chooser:
                page.keyboard.press(key)
        except PlaywrightTimeout:
            continue
        chooser.value.set_files(str(path))
        return
    raise AssertionError(f"neither Space nor Enter opened the file chooser: {focused(page)}")


def _pdf_bytes() -> bytes:
    import io

    import pikepdf

    doc = pikepdf.new()
    font = doc.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))
    page = doc.add_blank_page(page_size=(595, 842))
    page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    page.obj.Contents = doc.make_stream(b"BT /F1 28 Tf 72 760 Td (Scanned letter) Tj ET 1 0 0 rg 72 600 300 80 re f")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()

