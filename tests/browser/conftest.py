"""Real-browser fixtures: the app served by gunicorn in a subprocess (DEBUG off, collected static files),
one headless Debian Chromium for the whole session, one browser context per role (logged in once
through the real login form), screenshots of failures in test-artifacts/.

Order matters: every database read happens in session fixtures that run before Playwright starts
(Playwright's sync API leaves an event loop on the thread and Django's ORM then refuses to run), and
the browser, the role sessions and the server are package-scoped, so Playwright is stopped as soon as
the last browser test ran and the suites collected after this one use the ORM as usual.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.browser import support

# The seeded user → the agency whose pages the sweep opens for that user.
ROLE_AGENCY = {
    "a_central_clerk": "tenant-a",
    "a_unit_clerk": "tenant-a",
    "a_officer": "tenant-a",
    "a_head": "tenant-a",
    "a_secret_registrar": "tenant-a",
    "a_agency_admin": "tenant-a",
    "d_auditor": "test-district",
    "p_provincial_admin": "test-province",
    "s_system_admin": "test-province",
    "multi": "tenant-a",
}
LANGS = ("th", "en")


def pytest_collection_modifyitems(config, items):  # type: ignore[no-untyped-def]
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):  # type: ignore[no-untyped-def]
    outcome = yield
    rep = outcome.get_result()
    setattr(item, "rep_" + rep.when, rep)


# -- server and data ---------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def chromium_executable() -> str:
    path = support.chromium_path()
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        msg = (f"Chromium not found at {path}: apt-get install -y chromium (or set EOFFICE_CHROMIUM). "
               "Never `playwright install`.")
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)
    return path


@pytest.fixture(scope="session")
def axe_source() -> str:
    path = support.axe_js_path()
    if not path.is_file():
        pytest.fail(f"axe-core not found at {path}: run `npm ci` at the repository root")
    return path.read_text()


@pytest.fixture(scope="package")
def browser_server(django_db_setup, chromium_executable):  # type: ignore[no-untyped-def]
    for old in support.ARTIFACTS.glob("tests_browser_*.png"):  # screenshots of an earlier run
        old.unlink(missing_ok=True)
    static_root = Path(tempfile.mkdtemp(prefix="eoffice-browser-static-"))
    server = support.start_server(static_root)
    yield server
    server.stop()
    shutil.rmtree(static_root, ignore_errors=True)


@pytest.fixture(scope="session")
def seeded_objects(django_db_setup, django_db_blocker) -> dict[str, dict[str, object]]:  # type: ignore[no-untyped-def]
    """Per seeded user: one object id per model in that user's sweep agency, for detail pages, chosen
    so the user may see it (their own membership and unit). Read as the app role, in the agency's scope."""
    from django.apps import apps
    from django.db import connections

    from tenants.context import tenant_scope
    from tenants.models import Agency, Membership, Supervision

    models = {label for _, label in support.MODEL_HINTS} - {"tenants.User"}  # pages address members
    out: dict[str, dict[str, object]] = {}
    with django_db_blocker.unblock():
        agencies = {a.slug: a for a in Agency.objects.filter(slug__in=set(ROLE_AGENCY.values()))}
        per_agency: dict[str, dict[str, object]] = {}
        for slug, agency in agencies.items():
            objs: dict[str, object] = {}
            with tenant_scope(agency.pk):
                for label in sorted(models):
                    if label == "tenants.Agency":  # an agency this one supervises (supervised pages)
                        edge = Supervision.objects.filter(supervisor=agency).select_related("supervised")
                        edge = edge.order_by("supervised__slug").first()
                        if edge is not None:
                            objs[label], objs[label + ":slug"] = edge.supervised.pk, edge.supervised.slug
                        continue
                    first = apps.get_model(label).objects.order_by("pk").values_list("pk", flat=True).first()
                    if first is not None:
                        objs[label] = first
            per_agency[slug] = objs
        for username, slug in ROLE_AGENCY.items():
            objs = dict(per_agency.get(slug, {}))
            with tenant_scope(agencies[slug].pk):
                own = Membership.objects.filter(user__username=username).first()
            if own is not None:
                objs["tenants.Membership"] = own.pk
                if own.unit_id:
                    objs["tenants.OrgUnit"] = own.unit_id
            out[username] = objs
        for conn in connections.all():
            conn.close()
    return out


# -- the browser --------------------------------------------------------------------------------------------

@pytest.fixture(scope="package")
def pw_browser(browser_server, seeded_objects, chromium_executable):  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    # Plain launch (not launch_persistent_context): Playwright gives it a fresh temporary profile,
    # and one browser serves many isolated contexts (one per role).
    browser = pw.chromium.launch(executable_path=chromium_executable, headless=True, args=support.CHROMIUM_ARGS)
    yield browser
    browser.close()
    pw.stop()


PHONE = {"width": 390, "height": 844}  # a phone-sized viewport (executives endorse on the move)


def new_context(browser, server, lang: str = "th", *, viewport: dict | None = None):  # type: ignore[no-untyped-def]
    ctx = browser.new_context(locale="th-TH", viewport=viewport or {"width": 1280, "height": 900}, base_url=server.url)
    ctx.set_default_timeout(15_000)
    set_lang(ctx, server, lang)
    return ctx


def set_lang(ctx, server, lang: str) -> None:  # type: ignore[no-untyped-def]
    ctx.add_cookies([{"name": "eoffice_lang", "value": lang, "url": server.url}])


def form_login(page, username: str) -> None:  # type: ignore[no-untyped-def]
    response = page.goto("/accounts/login/")
    if response is None or response.status != 200:
        raise AssertionError(f"the login page answered {response.status if response else None}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", support.TEST_PASSWORD)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    if "/accounts/login/" in page.url:
        raise AssertionError(f"login as {username} failed; page says: {page.inner_text('main')[:300]}")


@dataclass
class RoleSession:
    context: object
    page: object  # one page per role, reused: a new page per visit costs ~1 s of the 3-minute budget


@pytest.fixture(scope="package")
def role_session(pw_browser, browser_server, axe_source):  # type: ignore[no-untyped-def]
    """``role_session("a_officer")`` → that user's logged-in context and page (created once per session;
    logged in through the real login form). axe-core is an init script in these contexts: Playwright
    adds it through the DevTools protocol, so the page's CSP (no inline script) does not block it."""
    sessions: dict[str, RoleSession] = {}
    failures: dict[str, AssertionError] = {}

    def get(username: str) -> RoleSession:
        if username in failures:  # fail fast: don't wait for the same broken login again
            raise failures[username]
        if username not in sessions:
            ctx = new_context(pw_browser, browser_server)
            ctx.add_init_script(script=axe_source)
            page = ctx.new_page()
            try:
                form_login(page, username)
            except Exception as exc:
                failures[username] = AssertionError(f"could not log in as {username}: {exc}")
                ctx.close()
                raise failures[username] from exc
            sessions[username] = RoleSession(ctx, page)
        return sessions[username]

    yield get
    for rs in sessions.values():
        rs.context.close()


@pytest.fixture
def open_page(request, browser_server):  # type: ignore[no-untyped-def]
    """``open_page(context)`` → a new page; ``open_page(page=shared)`` watches a shared page. At the end
    of the test the pages are screenshotted to test-artifacts/ if it failed; its own pages are closed
    (with the context when ``own_context=True``)."""
    pages: list = []
    own: list = []
    contexts: list = []

    def make(ctx=None, *, page=None, own_context: bool = False):  # type: ignore[no-untyped-def]
        if page is None:
            page = ctx.new_page()
            own.append(page)
        pages.append(page)
        if own_context:
            contexts.append(ctx)
        return page

    yield make
    rep = getattr(request.node, "rep_call", None)
    failed = rep is not None and rep.failed
    for i, page in enumerate(pages):
        if failed:
            support.ARTIFACTS.mkdir(exist_ok=True)
            shot = support.ARTIFACTS / f"{support.safe_name(request.node.nodeid)}-{i}.png"
            try:
                page.screenshot(path=str(shot), full_page=True)
            except Exception:
                pass
        if page in own:
            page.close()
    for ctx in contexts:
        ctx.close()
