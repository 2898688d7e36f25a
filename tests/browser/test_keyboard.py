"""Keyboard-only journeys in a real Chromium: key presses alone (``page.keyboard.press`` / ``.type``;
never ``.click()`` or ``.fill()``). Opening a URL (``page.goto``) stands for typing it in the address
bar. Every element that takes focus on the way must show it (a computed outline or box-shadow).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.browser import support
from tests.browser.conftest import new_context

pytestmark = pytest.mark.browser

MAX_TABS = 60


def focused(page) -> dict | None:  # type: ignore[no-untyped-def]
    return page.evaluate(support.FOCUS_INFO)


def assert_focus_visible(info: dict | None, where: str) -> None:
    assert info is not None, f"{where}: focus went to the document body"
    assert support.focus_visible(info), (
        f"{where}: the focused element shows no focus indicator (outline {info['outlineStyle']} "
        f"{info['outlineWidth']}, box-shadow {info['boxShadow']}): {info['html']}"
    )


def tab_to(page, want: Callable[[dict], bool], what: str, *, shift: bool = False,  # type: ignore[no-untyped-def]
           limit: int = MAX_TABS) -> dict:
    """Press Tab until ``want(focused element)``; every stop on the way must show focus."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if shift else "Tab")
        info = focused(page)
        if info is None:
            continue  # wrapped around to the browser chrome/body; keep going
        assert_focus_visible(info, f"tabbing to {what} on {page.url}")
        if want(info):
            return info
        seen.append(info["html"][:80])
    raise AssertionError(f"{what} not reached with {limit} Tab presses on {page.url}; stops:\n" + "\n".join(seen))


def press_and_wait(page, key: str, url_part: str) -> None:  # type: ignore[no-untyped-def]
    with page.expect_navigation(url=lambda u: url_part in u):
        page.keyboard.press(key)
    page.wait_for_load_state("load")


def assert_skip_link_first(page) -> None:  # type: ignore[no-untyped-def]
    """On a freshly loaded page the first Tab stop is the skip link, and Enter moves focus to <main>."""
    page.keyboard.press("Tab")
    info = focused(page)
    assert info is not None and info["tag"] == "a" and info["href"].startswith("#"), (
        f"first Tab stop on {page.url} is not the skip link: {info and info['html']}"
    )
    assert_focus_visible(info, f"skip link on {page.url}")
    page.keyboard.press("Enter")
    page.wait_for_function("() => { const m = document.querySelector('main');"
                           " return m && (document.activeElement === m || m.contains(document.activeElement)); }",
                           timeout=3000)
    after = focused(page)
    assert after is not None and (after["isMain"] or after["inMain"]), (
        f"the skip link did not move focus into <main> on {page.url}: {after and after['html']}"
    )


def keyboard_login(page, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/accounts/login/")
    assert_skip_link_first(page)
    tab_to(page, lambda i: i["name"] == "username", "the username field")
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    info = focused(page)
    assert info is not None and info["name"] == "password", (
        f"Tab from the username field went to {info and info['html']}, not the password field"
    )
    assert_focus_visible(info, "password field")
    page.keyboard.type(support.TEST_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("load")
    assert "/accounts/login/" not in page.url, f"keyboard login as {username} failed: {page.inner_text('main')[:300]}"


def test_login_choose_agency_and_switch_with_keys(pw_browser, browser_server, open_page):
    page = open_page(new_context(pw_browser, browser_server), own_context=True)

    # (1) log in with keys: multi has two agencies, so the chooser comes next
    keyboard_login(page, "multi")
    assert page.url.rstrip("/").endswith("/agencies"), f"after login: {page.url}, expected the agency chooser"

    # (2) choose tenant-a with Tab + Enter
    assert_skip_link_first(page)
    tab_to(page, lambda i: "/a/tenant-a/" in i["href"], "the tenant-a choice")
    press_and_wait(page, "Enter", "/a/tenant-a/")
    assert page.url.endswith("/a/tenant-a/"), page.url

    # (3) the home page: skip link first, then the header's agency switcher → tenant-b
    assert_skip_link_first(page)
    switcher = tab_to(
        page,
        lambda i: i["inHeader"] and ("/a/tenant-b/" in i["href"] or i["href"].rstrip("/").endswith("/agencies")
                                     or i["expanded"] is not None),
        "the header's agency switcher",
    )
    if switcher["expanded"] is not None:  # a disclosure menu: open it, then Tab into it
        page.keyboard.press("Enter")
        tab_to(page, lambda i: "/a/tenant-b/" in i["href"], "tenant-b in the agency menu")
        press_and_wait(page, "Enter", "/a/tenant-b/")
    elif "/a/tenant-b/" in switcher["href"]:
        press_and_wait(page, "Enter", "/a/tenant-b/")
    else:  # a link to the chooser
        press_and_wait(page, "Enter", "/agencies/")
        assert_skip_link_first(page)
        tab_to(page, lambda i: "/a/tenant-b/" in i["href"], "the tenant-b choice")
        press_and_wait(page, "Enter", "/a/tenant-b/")
    assert page.url.endswith("/a/tenant-b/"), page.url
    assert_skip_link_first(page)


# The htmx journey: a control that swaps part of the page must leave focus in the swapped region.
_HX_CONTROLS = """() => Array.from(document.querySelectorAll('[hx-get],[hx-post],[data-hx-get],[data-hx-post]'))
  .map(el => el.getAttribute('hx-post') || el.getAttribute('hx-get') || '')"""

_FOCUS_IN_TARGET = """(sel) => {
  const region = document.querySelector(sel);
  if (!region) return false;
  const el = document.activeElement;
  return region === el || region.contains(el);
}"""


def run_diagnostics_with_keys(page) -> str:  # type: ignore[no-untyped-def]
    """As the agency admin, Tab to the jobs page's "run diagnostics" button (hx-post) and press Enter;
    returns the control's hx-target selector once the POST has answered."""
    keyboard_login(page, "a_agency_admin")
    page.goto("/a/tenant-a/jobs/")
    page.wait_for_load_state("load")
    controls = [c for c in page.evaluate(_HX_CONTROLS) if "diagnostics" in c]
    if not controls:
        pytest.skip("no htmx control on the jobs page yet (expected the 'run diagnostics' button with hx-post)")

    def is_diagnostics(i: dict) -> bool:
        return i["tag"] == "button" and page.evaluate(
            "() => { const el = document.activeElement; const f = el.closest('[hx-post],[data-hx-post]');"
            " return !!f && (f.getAttribute('hx-post') || f.getAttribute('data-hx-post') || '').includes('diagnostics'); }"
        )

    tab_to(page, is_diagnostics, "the run-diagnostics button")
    target = page.evaluate(
        "() => { const el = document.activeElement.closest('[hx-target]');"
        " return el ? el.getAttribute('hx-target') : null; }"
    )
    assert target and target != "this" and not target.startswith(("closest", "find", "next", "previous")), (
        f"the diagnostics control's hx-target is {target!r}; the journey needs a plain selector"
    )
    with page.expect_response(lambda r: "diagnostics" in r.url and r.request.method == "POST"):
        page.keyboard.press("Enter")
    return target


def test_htmx_swap_moves_focus_into_the_swapped_region(pw_browser, browser_server, open_page):
    page = open_page(new_context(pw_browser, browser_server), own_context=True)
    target = run_diagnostics_with_keys(page)
    focus_stays_in(page, target, "after the htmx swap")


def test_htmx_poll_keeps_focus_in_the_region(pw_browser, browser_server, open_page):
    """A region that polls (hx-trigger="every …") swaps again: focus must survive that too, not fall
    back to <body> (which sends keyboard and screen-reader users to the top of the page)."""
    page = open_page(new_context(pw_browser, browser_server), own_context=True)
    target = run_diagnostics_with_keys(page)
    focus_stays_in(page, target, "after the htmx swap")
    if not page.evaluate(f"() => !!document.querySelector({target!r} + ' [hx-trigger*=\\'every\\']')"):
        pytest.skip("the swapped region does not poll")
    with page.expect_response(lambda r: "/status/" in r.url, timeout=10_000):
        pass
    page.wait_for_timeout(500)  # let htmx settle the swap
    focus_stays_in(page, target, "after the status region polled and swapped again", wait=False)


def focus_stays_in(page, target: str, when: str, *, wait: bool = True) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    if wait:
        try:
            page.wait_for_function(_FOCUS_IN_TARGET, arg=target, timeout=10_000)
        except PlaywrightTimeout:
            pass
    info = focused(page)
    assert page.evaluate(_FOCUS_IN_TARGET, target), (
        f"{when}: focus is on {info['html'] if info else '<body>'}, not inside {target}"
    )
    assert_focus_visible(info, f"focus {when}")
