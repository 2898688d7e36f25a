"""axe-core (WCAG 2.0/2.1 A + AA, no rule switched off) on every page each role can reach, in Thai and
English, in a real Chromium against the real server.

The page list comes from the URL conf (tests/browser/support.web_routes): every web route, global or
under /a/<agency>/, with detail pages filled with a seeded object of the role's agency, so a new page
is swept as soon as it is routed. A page that answers 404 or 5xx fails; a 403 (the role may not open
it) is fine and the 403 page itself is checked once per language. POST-only routes (405) and htmx
fragments (no <html>) are skipped with the reason.
"""

from __future__ import annotations

import warnings

import pytest

from tests.browser import support
from tests.browser.conftest import LANGS, ROLE_AGENCY, new_context, set_lang

pytestmark = pytest.mark.browser

ROUTES = support.web_routes()
_docs = support.api_docs_path()
DOCS_ROUTE = support.Route(_docs.lstrip("/"), "api-docs", None, ()) if _docs else None

CASES = [
    pytest.param(role, lang, route, id=f"{role}-{lang}-{route.label}")
    for role in ROLE_AGENCY for lang in LANGS for route in ROUTES
]
if DOCS_ROUTE:
    CASES += [pytest.param("a_officer", lang, DOCS_ROUTE, id=f"a_officer-{lang}-api-docs") for lang in LANGS]

# Markup already checked in this session, per language: (lang, fingerprint) → the test that ran axe.
_checked: dict[tuple, str] = {}
# One line per visited page, written to test-artifacts/axe-report.txt at the end of the module.
_report: list[str] = []


@pytest.fixture(scope="module", autouse=True)
def _write_report():  # type: ignore[no-untyped-def]
    yield
    if _report:
        support.ARTIFACTS.mkdir(exist_ok=True)
        (support.ARTIFACTS / "axe-report.txt").write_text(
            "role\tlang\tpath\tstatus\taxe\n" + "\n".join(_report) + "\n", encoding="utf-8")


def check_page(page, axe_source: str, *, what: str) -> None:  # type: ignore[no-untyped-def]
    violations = support.axe_violations(page, axe_source)
    assert not violations, (
        f"axe found {len(violations)} WCAG 2.1 A/AA violation(s) on {what} ({page.url}):\n"
        + support.format_violations(violations)
    )


_refusals: dict[int, list[str]] = {}


def watch_console(page) -> list[str]:  # type: ignore[no-untyped-def]
    """CSP refusals logged by the page from now on (one listener per page, also for shared pages)."""
    if id(page) not in _refusals:
        refused: list[str] = []
        page.on("console", lambda msg: refused.append(msg.text) if "Content Security Policy" in msg.text else None)
        _refusals[id(page)] = refused
    _refusals[id(page)].clear()
    return _refusals[id(page)]


def visit(page, path: str):  # type: ignore[no-untyped-def]
    response = page.goto(path)
    assert response is not None, f"no response for {path}"
    page.wait_for_load_state("load")
    return response


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    ("what", "path", "expected"),
    [
        ("login page", "/accounts/login/", 200),
        ("404 page of an unknown agency", "/a/no-such-agency/", 404),
        ("404 page of an unknown path", "/no-such-page/", 404),
    ],
    ids=["login", "404-unknown-agency", "404-unknown-path"],
)
def test_anonymous_pages(pw_browser, browser_server, open_page, axe_source, what, path, expected, lang):
    page = open_page(new_context(pw_browser, browser_server, lang), own_context=True)
    refused = watch_console(page)
    response = visit(page, path)
    assert response.status == expected, f"{path} answered {response.status}, expected {expected}"
    check_page(page, axe_source, what=f"{what} ({lang}, anonymous)")
    if refused:
        warnings.warn(f"CSP refused on {path}: {refused}", stacklevel=1)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    ("what", "path", "expected"),
    [
        ("403 page: not a member of tenant-b", "/a/tenant-b/", 403),
        ("404 page of an unknown agency", "/a/no-such-agency/", 404),
        ("404 page of an unknown path", "/no-such-page/", 404),
    ],
    ids=["403-not-member", "404-unknown-agency", "404-unknown-path"],
)
def test_error_pages_signed_in(role_session, browser_server, open_page, axe_source, what, path, expected, lang):
    rs = role_session("a_officer")
    set_lang(rs.context, browser_server, lang)
    page = open_page(page=rs.page)
    response = visit(page, path)
    assert response.status == expected, f"{path} answered {response.status}, expected {expected}"
    check_page(page, axe_source, what=f"{what} ({lang}, a_officer)")


@pytest.mark.parametrize(("role", "lang", "route"), CASES)
def test_page(role, lang, route, role_session, browser_server, open_page, axe_source, seeded_objects):
    agency = ROLE_AGENCY[role] if route.agency_kwarg else None
    path, why = support.build_path(route, agency, seeded_objects.get(role, {}))
    placeholder = path is None
    if placeholder:  # still learn whether it is a POST-only route (405) or closed to this role (403)
        path = support.placeholder_path(route, agency)
    rs = role_session(role)
    set_lang(rs.context, browser_server, lang)

    # The status and markup come over HTTP first (cookies shared with the browser context, redirects
    # followed): cheap, and a page whose markup was already checked in this language needs no new run.
    response = rs.context.request.get(path)
    status = response.status
    if status == 405:
        pytest.skip(f"{path} is not a GET page (405)")
    if placeholder and status != 403:
        pytest.skip(why)
    if status >= 400 and status != 403:
        page = open_page(page=rs.page)
        try:
            page.goto(path)  # for the failure screenshot
        except Exception:
            pass
        pytest.fail(f"{path} ({route.name}) answered {status} for {role}; see test-artifacts/browser-server.log")
    ctype = response.headers.get("content-type", "")
    body = response.text() if ctype.startswith("text/html") else ""
    if "<html" not in body[:2000].lower():
        pytest.skip(f"{path} is a fragment or download ({ctype}), not a page")
    if status < 400:
        m = support.HTML_LANG.search(body)
        html_lang = m.group(1) if m else ""
        assert html_lang.startswith(lang), f"{path}: <html lang={html_lang!r}> with the {lang} language chosen"
    key = (lang, support.fingerprint(body))
    final_path = response.url.removeprefix(browser_server.url)
    if key in _checked:  # the same markup (bar words and numbers) already passed axe in this language
        _report.append(f"{role}\t{lang}\t{final_path}\t{status}\tsame markup as {_checked[key]}")
        return
    _report.append(f"{role}\t{lang}\t{final_path}\t{status}\tFAILED")
    page = open_page(page=rs.page)
    refused = watch_console(page)
    final = visit(page, response.url)
    assert final.status == status, f"{response.url} answered {final.status} in the browser, {status} over HTTP"
    check_page(page, axe_source, what=f"{route.label} ({lang}, {role}, status {status})")
    _checked[key] = f"{role}/{lang}{final_path}"
    _report[-1] = _report[-1].removesuffix("FAILED") + "passed"
    if refused:
        warnings.warn(f"CSP refused on {path}: {refused}", stacklevel=1)
