"""Helpers for the real-browser suite: the app server subprocess, Chromium launch options, axe-core and
focus checks, and the page list built from the URL conf (so new pages are covered automatically).

Nothing here touches the database from inside a Playwright session: Playwright's sync API keeps an
event loop registered on the thread, and Django's ORM refuses to run under it. Database reads happen in
session fixtures that run before the browser starts (tests/browser/conftest.py).
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
TEST_PASSWORD = "test-password-123"

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def chromium_path() -> str:
    return os.environ.get("EOFFICE_CHROMIUM", "/usr/bin/chromium")


def axe_js_path() -> Path:
    """axe-core from the npm lockfile (``node_modules/axe-core``); EOFFICE_AXE_JS overrides for trials."""
    return Path(os.environ.get("EOFFICE_AXE_JS") or ROOT / "node_modules" / "axe-core" / "axe.min.js")


# -- the app server ------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    proc: subprocess.Popen
    log_path: Path

    def log_tail(self, n: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)


def server_env(static_root: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="eoffice.settings",
        DJANGO_DEBUG="0",  # production-like: the real error pages, no debug pages
        EOFFICE_DEV="1",
        EOFFICE_HTTPS="0",
        EOFFICE_PLAIN_STATIC="1",
        EOFFICE_STATIC_ROOT=str(static_root),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        PYTHONUNBUFFERED="1",
    )
    env.pop("EOFFICE_DB_AS_OWNER", None)  # the server runs as the app role, always
    return env


def start_server(static_root: Path) -> Server:
    """collectstatic into a temp STATIC_ROOT, then gunicorn on a free loopback port (DEBUG off)."""
    env = server_env(static_root)
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v0"],
        check=True, env=env, cwd=ROOT,
    )
    ARTIFACTS.mkdir(exist_ok=True)
    log_path = ARTIFACTS / "browser-server.log"
    port = free_port()
    log = log_path.open("w")
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "eoffice.wsgi:application", "--bind", f"127.0.0.1:{port}",
            "--workers", "2", "--worker-class", "gthread", "--threads", "4", "--timeout", "60",
            "--access-logfile", "-", "--error-logfile", "-",
        ],
        env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )
    server = Server(url=f"http://127.0.0.1:{port}", proc=proc, log_path=log_path)
    deadline = time.monotonic() + 40
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"the app server exited ({proc.returncode}):\n{server.log_tail()}")
        try:
            urllib.request.urlopen(server.url + "/a/__probe__/", timeout=2)  # noqa: S310 (loopback)
            break
        except urllib.error.HTTPError:
            break  # any HTTP answer (the 404 page) means it is serving
        except (urllib.error.URLError, OSError):
            if time.monotonic() > deadline:
                server.stop()
                raise RuntimeError(f"the app server did not answer in 40 s:\n{server.log_tail()}") from None
            time.sleep(0.25)
    return server


# -- axe-core ---------------------------------------------------------------------------------------------

_AXE_RUN = """async (tags) => {
  const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return r.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 200),
                              summary: (n.failureSummary || '').slice(0, 400)})),
  }));
}"""


def axe_violations(page, axe_source: str) -> list[dict]:  # type: ignore[no-untyped-def]
    """Run axe (WCAG 2.0/2.1 A + AA, no rule switched off) on the page as it is.

    The CSP forbids inline scripts, and ``add_script_tag`` injects an inline <script>, so it would be
    blocked. ``page.evaluate`` runs through the DevTools protocol, which CSP does not govern.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source)
    return page.evaluate(_AXE_RUN, AXE_TAGS)


def format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} [{v['impact']}] {v['help']} ({v['helpUrl']})")
        for n in v["nodes"][:8]:
            lines.append(f"    at {n['target']}: {n['html']}")
            if n["summary"]:
                lines.append("      " + n["summary"].replace("\n", "\n      "))
        if len(v["nodes"]) > 8:
            lines.append(f"    … and {len(v['nodes']) - 8} more")
    return "\n".join(lines)


# -- focus --------------------------------------------------------------------------------------------------

FOCUS_INFO = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const cs = getComputedStyle(el);
  const main = document.querySelector('main');
  return {
    tag: el.tagName.toLowerCase(), id: el.id || '', name: el.getAttribute('name') || '',
    type: el.getAttribute('type') || '', href: el.getAttribute('href') || '',
    value: (el.value === undefined ? '' : String(el.value)),
    text: (el.innerText || el.getAttribute('aria-label') || '').trim().slice(0, 80),
    html: el.outerHTML.slice(0, 200),
    outlineStyle: cs.outlineStyle, outlineWidth: cs.outlineWidth, boxShadow: cs.boxShadow,
    inMain: !!(main && main.contains(el)), isMain: el === main,
    inHeader: !!el.closest('header, [role=banner]'),
    expanded: el.getAttribute('aria-expanded'),
  };
}"""


def focus_visible(info: dict) -> bool:
    outline = info["outlineStyle"] != "none" and info["outlineWidth"] not in ("0px", "")
    return outline or info["boxShadow"] not in ("none", "")


# -- the page list, from the URL conf ----------------------------------------------------------------------

PARAM = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>\w+)>")
AGENCY_ROUTE = re.compile(r"^a/<(?:[^>:]+:)?(?P<name>\w+)>/")
# Routes that must not be opened with GET by the sweep (they end the session or change state).
NEVER_VISIT = re.compile(r"logout|sign-?out|setlang|set-language|switch", re.IGNORECASE)


@dataclass(frozen=True)
class Route:
    route: str  # e.g. "a/<slug:agency>/units/<int:pk>/"
    name: str
    agency_kwarg: str | None  # None for global routes
    object_kwargs: tuple[str, ...]  # kwargs other than the agency

    @property
    def label(self) -> str:
        return self.name or self.route


def _walk(patterns, prefix: str):  # type: ignore[no-untyped-def]
    from django.urls import URLPattern, URLResolver

    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p.name or ""


def web_routes() -> list[Route]:
    """Every browser page route of ``tenants.web.urls`` (mounted at the site root), plus other apps'
    web routes under /a/<agency>/ once they are mounted there."""
    from django.urls import get_resolver

    routes: dict[str, Route] = {}
    for route, name in _walk(get_resolver().url_patterns, ""):
        if route.startswith(("api/", "admin/", "^")) or "(?P" in route or NEVER_VISIT.search(route + " " + name):
            continue
        params = [m.group("name") for m in PARAM.finditer(route)]
        m = AGENCY_ROUTE.match(route)
        agency = m.group("name") if m else None
        routes.setdefault(route, Route(route, name, agency, tuple(p for p in params if p != agency)))
    return sorted(routes.values(), key=lambda r: (r.agency_kwarg is not None, r.route))


def api_docs_path() -> str | None:
    from django.urls import Resolver404, resolve

    for path in ("/api/docs/", "/api/v1/docs/"):
        try:
            resolve(path)
            return path
        except Resolver404:
            continue
    return None


# Which seeded model an object kwarg points at: by kwarg name first, then by the route's name.
MODEL_HINTS = [
    (re.compile(r"org.?unit|unit"), "tenants.OrgUnit"),
    (re.compile(r"position"), "tenants.Position"),
    (re.compile(r"member"), "tenants.Membership"),
    (re.compile(r"token"), "tenants.ApiToken"),
    (re.compile(r"job"), "tenants.Job"),
    (re.compile(r"audit|event"), "tenants.AuditEvent"),
    (re.compile(r"grant"), "tenants.RoleGrant"),
    (re.compile(r"assign"), "tenants.PositionAssignment"),
    (re.compile(r"user"), "tenants.User"),
    (re.compile(r"supervis|agency"), "tenants.Agency"),
]


def model_for(kwarg: str, route: Route) -> str | None:
    """``<int:unit>`` names its model; for ``<int:pk>`` the path segment before it (``units/<pk>``) or
    the route's name does."""
    texts = [kwarg]
    if kwarg in ("pk", "id", "object_id"):
        before = route.route.split("<", 1)[0]
        m = re.search(r"([^/<>]+)/<(?:[^>:]+:)?" + kwarg + ">", route.route)
        texts = [m.group(1) if m else before, route.name]
    for text in texts:
        for rx, model in MODEL_HINTS:
            if rx.search(text.lower()):
                return model
    return None


def placeholder_path(route: Route, agency_slug: str | None) -> str:
    """The route with 0 for every object: enough to learn that a route is POST-only (405)."""
    return "/" + PARAM.sub(lambda m: agency_slug or "" if m.group("name") == route.agency_kwarg else "0", route.route)


def build_path(route: Route, agency_slug: str | None, objects: dict[str, object]) -> tuple[str | None, str]:
    """The URL path for this route in this agency, or (None, reason) when no seeded object fits.
    ``objects`` maps "app.Model" to a pk, and "app.Model:slug" to a slug where the model has one."""
    values: dict[str, str] = {}
    if route.agency_kwarg:
        values[route.agency_kwarg] = agency_slug or ""
    converters = {m.group("name"): m.group("conv") or "str" for m in PARAM.finditer(route.route)}
    for kw in route.object_kwargs:
        model = model_for(kw, route)
        key = f"{model}:slug" if converters.get(kw) in ("slug", "str") and f"{model}:slug" in objects else model
        if model is None:
            return None, (f"no model known for <{kw}> of {route.route}: add a hint to MODEL_HINTS in "
                          "tests/browser/support.py")
        if objects.get(key) is None:
            return None, f"{agency_slug} has no seeded {model} for <{kw}> of {route.route}"
        values[kw] = str(objects[key])
    return "/" + PARAM.sub(lambda m: values[m.group("name")], route.route), ""


_TOKEN_VALUE = re.compile(r'(name="(?:csrfmiddlewaretoken|next)"\s+value=")[^"]*')
_TEXT = re.compile(r">([^<]*)<")


def fingerprint(html: str) -> str:
    """The page's markup with its words and numbers blanked (text → "T", digits → 0, CSRF token and the
    return-to ``next`` value dropped):
    two pages with the same fingerprint have the same structure, attributes and styles, so axe's
    verdict on one holds for the other. Used to skip repeat axe runs (the suite must stay ~3 minutes)."""
    html = _TOKEN_VALUE.sub(r"\1", html)
    html = _TEXT.sub(lambda m: ">T<" if m.group(1).strip() else "><", html)
    return re.sub(r"\d+", "0", html)


HTML_LANG = re.compile(r"<html[^>]*\blang=\"([^\"]*)\"", re.IGNORECASE)


def safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text)[:150]


# --- data for a browser module, made before the browser starts ------------------------------------------------
# (Playwright's sync API keeps an event loop on the test thread, and Django's ORM refuses to run under it.)
TENANT_A_PRELUDE = r'''
import datetime as dt, json, uuid
import django
django.setup()
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
'''


def make_data(script: str, *args: str) -> dict:  # type: ignore[type-arg]
    """Run ``script`` (it prints a JSON object last) in a fresh Python as the app role; return that object."""
    env = {k: v for k, v in os.environ.items() if k != "EOFFICE_DB_AS_OWNER"}
    env["DJANGO_SETTINGS_MODULE"] = "eoffice.settings"
    done = subprocess.run([sys.executable, "-c", script, *args], env=env, cwd=ROOT, capture_output=True, text=True,
                          check=False, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])
