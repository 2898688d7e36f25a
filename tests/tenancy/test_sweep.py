"""The sweep (architecture §3.5): EVERY URL pattern × EVERY method it accepts, enumerated from
``get_resolver()`` (web, API, admin and global routes), each looked up in ``sweep_specs.SPECS``.

For each route × method, acting as the spec's user in tenant A on committed data:

(a) POSITIVE CONTROL: the request on A's own object succeeds (2xx/3xx, or ``spec.ok``); a route
    without a spec, or a refused-by-design route without ``refused``+``reason``, fails;
(b) for each id slot (path, query, form/JSON body, nested JSON keys): the same request with tenant
    B's id and with a never-used id must answer alike — same status, same JSON keys and error code
    (or same ``<h1>`` for HTML, same Location for redirects, ids masked) and the same audit actions
    appended to A's chain;
(c) tenant B's rows (every tenant table, hashed) are unchanged by all of the route's calls.

Walls: this proves walls 1-3 (explicit tenant in selectors/services, URL tenant + membership) from
the outside; RLS is proven alone in test_rls_alone.py. Checked by hand: changing
``selectors.org_unit_get`` to drop ``tenant_id=`` and use ``dangerously_unscoped()`` with a reader scope
of [A, B] made ``org-unit-detail GET`` fail (B's id answered 200, the random id 404); making the
middleware skip the ``_agency`` check made ``org-units POST``'s positive control succeed without the
field (see test_bad_input.py for the refusal itself).
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.tenancy.conftest import app_connect, make_client, rows_digest, set_scope
from tests.tenancy.sweep_specs import ANON, SPECS, SYSADMIN, Spec
from tests.tenancy.tenant_world import World

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
AGENCY_ROUTE = re.compile(r"^(api/v1/)?a/<slug:agency>/")


# --- enumeration ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Route:
    key: str  # "ns:name" or "pattern:<full pattern>"
    pattern: str
    callback: Any

    @property
    def is_api(self) -> bool:
        return self.pattern.startswith("api/")

    @property
    def is_agency(self) -> bool:
        return bool(AGENCY_ROUTE.match(self.pattern))

    @property
    def params(self) -> list[str]:
        names = re.findall(r"<(?:\w+:)?(\w+)>", self.pattern)
        return [n for n in names if n != "agency"]


def enumerate_routes() -> list[Route]:
    out: list[Route] = []

    def walk(resolver: URLResolver, prefix: str, ns: tuple[str, ...]) -> None:
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                walk(p, prefix + str(p.pattern), ns + ((p.namespace,) if p.namespace else ()))
            elif isinstance(p, URLPattern):
                full = prefix + str(p.pattern)
                key = ":".join(ns + (p.name,)) if p.name else f"pattern:{full}"
                out.append(Route(key, full, p.callback))

    walk(get_resolver(), "", ())
    return out


def view_methods(callback: Any) -> tuple[str, ...] | None:
    """The methods a view accepts, read from the view: DRF viewset actions, class-based views
    (DRF APIView or Django View: handlers defined on the class), or ``require_http_methods``."""
    actions = getattr(callback, "actions", None)
    if actions:
        return tuple(sorted(m.upper() for m in actions))
    cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if cls is not None:
        return tuple(m.upper() for m in cls.http_method_names if m not in ("options", "head") and hasattr(cls, m))
    f = callback
    while f is not None:
        code = getattr(f, "__code__", None)
        if code is not None and "request_method_list" in code.co_freevars:
            cell = f.__closure__[code.co_freevars.index("request_method_list")]
            return tuple(m.upper() for m in cell.cell_contents if m.upper() not in ("HEAD", "OPTIONS"))
        f = getattr(f, "__wrapped__", None)
    return None


def lookup(key: str, method: str | None) -> Spec | None:
    if method and f"{key} {method}" in SPECS:
        return SPECS[f"{key} {method}"]
    if key in SPECS:
        return SPECS[key]
    for k, spec in SPECS.items():
        if " " not in k and any(c in k for c in "*?[") and fnmatch.fnmatchcase(key, k):
            return spec
    return None


def _suggest(route: Route, methods: tuple[str, ...] | None) -> str:
    parts = []
    if route.params:
        kw = ", ".join(f'"{p}": w.id("a", "<model>")' for p in route.params)
        parts.append(f"kwargs=lambda w: {{{kw}}}")
        parts.append("ids={" + ", ".join(f'"path:{p}": "<model>"' for p in route.params) + "}")
    if methods is None:
        parts.append('methods=("GET",)  # the view does not declare its methods')
    if methods and UNSAFE & set(methods):
        parts.append("body=lambda w: {...}")
    return f'    "{route.key}": Spec({", ".join(parts)}),'


@dataclass(frozen=True)
class Case:
    route: Route
    method: str | None
    problem: str = ""


def _cases() -> Iterator[Case]:
    for route in enumerate_routes():
        detected = view_methods(route.callback)
        spec = lookup(route.key, None)
        methods = detected or (spec.methods if spec else ())
        if not methods:
            yield Case(route, None, "no-methods")
            continue
        for m in methods:
            yield Case(route, m)


CASES = list(_cases())


# --- requests ------------------------------------------------------------------------------------------
def _set_nested(d: dict[str, Any], dotted: str, value: Any) -> None:
    keys = dotted.split(".")
    cur: Any = d
    for k in keys[:-1]:
        cur = cur[int(k)] if isinstance(cur, list) else cur.setdefault(k, {})
    last = keys[-1]
    if isinstance(cur, list):
        cur[int(last)] = value
    else:
        cur[last] = value


def _fill(pattern: str, kwargs: dict[str, Any]) -> str:
    path = pattern
    # regex groups (?P<name>...) with balanced parentheses first, then <conv:name> converters
    while "(?P<" in path:
        start = path.index("(?P<")
        name = path[start + 4: path.index(">", start)]
        depth, i = 0, start
        while True:
            if path[i] == "(":
                depth += 1
            elif path[i] == ")":
                depth -= 1
                if depth == 0:
                    break
            i += 1
        path = path[:start] + str(kwargs.get(name, "sweep-nothing-here")) + path[i + 1:]
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m.group(1)]), path)
    return "/" + path.replace("^", "").replace("$", "")


def send(w: World, route: Route, method: str, spec: Spec, *, who: str | None = None,
         slot: tuple[str, Any] | None = None) -> Any:
    w.route = route.key
    who = who or spec.user
    kwargs: dict[str, Any] = {"agency": w.a.slug} if route.is_agency else {}
    kwargs.update(spec.kwargs(w) if spec.kwargs else {})
    query = dict(spec.query(w)) if spec.query else {}
    body = dict(spec.body(w)) if (spec.body and method in UNSAFE) else {}
    if slot is not None:
        where, _, name = slot[0].partition(":")
        target = {"path": kwargs, "query": query, "body": body}[where]
        _set_nested(target, name, slot[1])
    path = _fill(route.pattern, kwargs)
    if query:
        path += "?" + urlencode(query)
    client = make_client()
    headers: dict[str, str] = {}
    auth = spec.auth or ("token" if route.is_api and route.is_agency else "session")
    if who == ANON:
        pass
    elif auth == "token" and who != SYSADMIN:
        headers["Authorization"] = f"Token {w.token('a', who)}"
    else:
        client.force_login(w.sysadmin() if who == SYSADMIN else w.user("a", who))
    if route.is_api:
        if route.is_agency and auth != "token":
            headers["X-Eoffice-Agency"] = w.a.slug
        if spec.multipart and method == "POST":
            return client.post(path, body, headers=headers)
        data = json.dumps(body) if method in UNSAFE else None
        return client.generic(method, path, data or "", content_type="application/json", headers=headers)
    if method == "GET":
        return client.get(path, headers=headers)
    if route.is_agency and method in UNSAFE:
        body.setdefault("_agency", w.a.slug)
    if method == "POST":
        return client.post(path, body, headers=headers)
    return client.generic(method, path, urlencode(body, doseq=True), content_type="application/x-www-form-urlencoded",
                          headers=headers)


def shape(resp: Any, value: Any) -> tuple[Any, ...]:
    """What a caller can tell from the answer, with the probed id masked."""
    mask = re.compile(rf"(?<![\w-]){re.escape(str(value))}(?![\w-])")
    status = resp.status_code
    if 300 <= status < 400:
        return status, mask.sub("<ID>", resp.get("Location", ""))
    ctype = resp.get("Content-Type", "")
    content = b"".join(resp.streaming_content) if getattr(resp, "streaming", False) else resp.content
    text = content.decode("utf-8", "replace")
    if "json" in ctype:
        data = json.loads(text) if text else None

        def keys(x: Any) -> Any:
            if isinstance(x, dict):
                return {k: keys(v) for k, v in sorted(x.items())}
            if isinstance(x, list):
                return [keys(v) for v in x[:1]]
            return type(x).__name__

        code = data.get("error", {}).get("code") if isinstance(data, dict) and isinstance(data.get("error"), dict) else None
        return status, json.dumps(keys(data), sort_keys=True), code, mask.sub("<ID>", json.dumps(data.get("error") if isinstance(data, dict) else None, sort_keys=True, ensure_ascii=False))
    m = re.search(r"<h1[^>]*>(.*?)</h1>", text, re.S)
    h1 = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", m.group(1))).strip() if m else None
    return status, mask.sub("<ID>", h1 or "")


def audit_seq(tenant_id: int) -> int:
    with app_connect() as conn, conn.transaction(), conn.cursor() as cur:
        set_scope(cur, read=[tenant_id])
        cur.execute("SELECT coalesce(max(seq), 0) FROM tenants_auditevent WHERE tenant_id = %s", [tenant_id])
        return cur.fetchone()[0]


def audit_actions_since(tenant_id: int, seq: int) -> list[str]:
    with app_connect() as conn, conn.transaction(), conn.cursor() as cur:
        set_scope(cur, read=[tenant_id])
        cur.execute("SELECT action FROM tenants_auditevent WHERE tenant_id = %s AND seq > %s ORDER BY seq", [tenant_id, seq])
        return [r[0] for r in cur.fetchall()]


def _ok(spec: Spec, status: int) -> bool:
    return status in spec.ok if spec.ok else 200 <= status < 400


# --- the sweep -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("case", CASES, ids=[f"{c.route.key} {c.method or '?'}" for c in CASES])
def test_route(case: Case, world: World, committed) -> None:  # type: ignore[no-untyped-def]
    route, method = case.route, case.method
    spec = lookup(route.key, method)
    if spec is None:
        pytest.fail(
            f"route {route.key!r} ({route.pattern}) {method or ''} has no sweep spec. Add to SPECS in "
            f"tests/tenancy/sweep_specs.py:\n{_suggest(route, view_methods(route.callback))}"
        )
    if case.problem == "no-methods":
        pytest.fail(
            f"route {route.key!r}: the view does not declare its methods (no require_http_methods, not a "
            f"class-based view). Decorate the view, or declare them: Spec(methods=(\"GET\",), ...) for "
            f"\"{route.key}\" in tests/tenancy/sweep_specs.py"
        )
    assert method is not None
    if spec.exempt:
        assert not route.is_agency and not route.params and not spec.ids, (
            f"{route.key}: 'exempt' is only for global routes that take no object; give it a positive control")
        return

    before_b = rows_digest(world.b.id)

    # (a) positive control (or the documented refusal)
    resp = send(world, route, method, spec)
    if spec.refused is not None:
        assert spec.reason, f"{route.key}: 'refused' needs a reason"
        assert resp.status_code == spec.refused, f"{route.key} {method}: expected {spec.refused}, got {resp.status_code}"
    else:
        assert _ok(spec, resp.status_code), (
            f"POSITIVE CONTROL failed: {route.key} {method} as {spec.user!r} on tenant A's own object answered "
            f"{resp.status_code}: {resp.content[:300]!r}. Fix the spec's kwargs/body/user in sweep_specs.py."
        )
    if spec.outsider is not None:
        out = send(world, route, method, spec, who=spec.outsider)
        assert not 200 <= out.status_code < 300, f"{route.key} {method}: outsider {spec.outsider!r} got {out.status_code}"

    # (b) every id slot: B's id answers exactly like a never-used id
    for slot, model in spec.ids.items():
        foreign, random_value = world.id("b", model), world.random(model)
        seq = audit_seq(world.a.id)
        r_foreign = send(world, route, method, spec, slot=(slot, foreign))
        actions_foreign = audit_actions_since(world.a.id, seq)
        seq = audit_seq(world.a.id)
        r_random = send(world, route, method, spec, slot=(slot, random_value))
        actions_random = audit_actions_since(world.a.id, seq)
        s_foreign, s_random = shape(r_foreign, foreign), shape(r_random, random_value)
        assert s_foreign == s_random, (
            f"{route.key} {method} {slot}: tenant B's {model} answers differently from a random id "
            f"(an existence oracle or a leak):\n  B's id:    {s_foreign}\n  random id: {s_random}"
        )
        assert actions_foreign == actions_random, (
            f"{route.key} {method} {slot}: audit differs: B's id {actions_foreign} vs random {actions_random}")

    # (c) tenant B untouched
    after_b = rows_digest(world.b.id)
    changed = {t for t in before_b if before_b[t] != after_b.get(t)}
    assert not changed, f"{route.key} {method} changed tenant B's rows in {sorted(changed)}"


def test_every_spec_matches_a_route() -> None:
    """No stale entries: an exact key that names no route (renamed or removed) must be removed."""
    keys = {r.key for r in enumerate_routes()}
    stale = []
    for k in SPECS:
        base = k.split(" ")[0] if not k.startswith("pattern:") else k
        if any(c in base for c in "*?[") and not k.startswith("pattern:admin/(?P"):
            if not any(fnmatch.fnmatchcase(key, base) for key in keys):
                stale.append(k)
        elif base not in keys:
            stale.append(k)
    assert not stale, f"sweep specs for routes that no longer exist: {stale}"


def test_sweep_covers_web_api_and_admin() -> None:
    keys = [c.route.key for c in CASES]
    assert any(k.startswith("admin:") for k in keys)
    assert any(AGENCY_ROUTE.match(c.route.pattern) for c in CASES)
