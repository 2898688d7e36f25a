"""Sweep specs: one entry per route (architecture §3.5). ``tests/tenancy/test_sweep.py`` enumerates
every URL pattern × method and looks the route up here; a route with no entry fails with the exact
entry to add.

Keys, tried in order: ``"<route name> <METHOD>"``, ``"<route name>"``, then glob keys (``fnmatch``)
such as ``"admin:tenants_*_change"``. Unnamed patterns are keyed ``"pattern:<full pattern>"``.
Namespaced names are ``"ns:name"`` (``"api:..."``, ``"admin:..."``).

A ``Spec`` says (every builder receives the ``World`` of tests/tenancy/tenant_world.py; ``w.route``
is the route name being swept):

- ``user``     who acts, a member of tenant A: ``ALL`` (every agency role), a role value
               (``"provincial_admin"``), or ``SYSADMIN`` / ``ANON``;
- ``kwargs``   path kwargs for A's OWN object (``agency`` is filled in automatically);
- ``query`` / ``body``  query-string and body dicts (``_agency`` / ``X-Eoffice-Agency`` added);
- ``ids``      the id slots: ``{"path:unit_id": "orgunit", "query:agency": "agency.slug",
               "body:parent": "orgunit", "body:items.0.unit": "orgunit"}`` -> model keys of
               ``World.id`` (B's value) and ``World.random`` (a never-used value);
- ``methods``  required when the view's methods cannot be read from the view (no
               ``require_http_methods``, not a class-based/DRF view);
- ``auth``     ``"session"`` (web, default) or ``"token"`` (API default; a token of the user in A);
- ``ok``       statuses that count as success for the positive control (default: any 2xx/3xx);
- ``refused``  for a route that refuses everyone by design (read-only admin): the status expected
               instead of a positive control, with ``reason``;
- ``outsider`` a user who must NOT get a 2xx on the same request (e.g. admin for a non-system admin);
- ``exempt``   a reason; ONLY for global routes that take no object and no id (asserted).
- ``multipart`` API route taking an upload: the body is posted as multipart/form-data.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tests.tenancy.tenant_world import ALL, World

SYSADMIN = "sysadmin"
ANON = "anon"
Builder = Callable[[World], dict[str, Any]]


@dataclass(frozen=True)
class Spec:
    user: str = ALL
    kwargs: Builder | None = None
    query: Builder | None = None
    body: Builder | None = None
    ids: Mapping[str, str] = field(default_factory=dict)
    methods: tuple[str, ...] = ()
    auth: str = ""
    ok: tuple[int, ...] = ()
    refused: int | None = None
    reason: str = ""
    outsider: str | None = None
    exempt: str = ""
    multipart: bool = False  # API routes that take a file upload (multipart/form-data POST)


def _fresh(model: str, kwarg: str) -> Builder:
    """kwargs with a brand-new A object (for routes that consume it: revoke, delete)."""
    return lambda w: {kwarg: w.fresh("a", model).pk}


def _own(model: str, kwarg: str) -> Builder:
    return lambda w: {kwarg: w.id("a", model)}


# Django admin: read-only, system administrators only, reads every agency (dangerously_read_all_tenants
# in the middleware, on the escape-hatch allow-list). There is no "foreign" agency for a system admin,
# so admin routes get a positive control plus an outsider (tenant A's agency admin) who must be refused.
_ADMIN_MODELS = {
    "tenants_orgunit": "orgunit", "tenants_position": "position", "tenants_membership": "membership",
    "tenants_positionassignment": "assignment", "tenants_rolegrant": "rolegrant", "tenants_job": "job",
    "tenants_auditevent": "auditevent", "tenants_agency": "agency", "tenants_user": "user",
    "tenants_supervision": "supervision", "tenants_systemauditevent": "systemauditevent", "auth_group": "group",
}


def _admin_object(w: World) -> dict[str, Any]:
    # route is e.g. "admin:tenants_orgunit_change" or "pattern:admin/tenants/orgunit/<path:object_id>/"
    r = w.route
    if r.startswith("pattern:"):
        app, model = r.split("/")[1:3]
        key = f"{app}_{model}"
    else:
        key = r.split(":", 1)[1].rsplit("_", 1)[0]
    return {"object_id": w.admin_object_id(_ADMIN_MODELS[key])}


_ADMIN_READ = Spec(user=SYSADMIN, methods=("GET",), outsider=ALL)
_ADMIN_OBJ = Spec(user=SYSADMIN, methods=("GET",), kwargs=_admin_object, outsider=ALL)
_ADMIN_REFUSED = Spec(user=SYSADMIN, methods=("GET", "POST"), kwargs=_admin_object, refused=403,
                      reason="read-only admin: add/change/delete are refused for everyone", outsider=ALL)

SPECS: dict[str, Spec] = {
    # --- global routes (no agency in the URL) --------------------------------------------------------
    "home-root": Spec(),
    "login GET": Spec(user=ANON),
    "login POST": Spec(user=ANON, body=lambda w: {"username": w.login_user(), "password": w.login_password()}),
    "logout": Spec(),
    "agency-choose": Spec(),
    "health": Spec(user=ANON),
    "set_language": Spec(methods=("POST",), body=lambda w: {"language": "en", "next": "/"}),
    # --- one agency (web) ----------------------------------------------------------------------------
    "agency-home": Spec(),
    "org-units GET": Spec(),
    "org-units POST": Spec(
        body=lambda w: {"name_th": w.name("หน่วย"), "kind": "division", "parent": w.id("a", "orgunit")},
        ids={"body:parent": "orgunit"},
    ),
    "org-unit-detail": Spec(kwargs=_own("orgunit", "unit_id"), ids={"path:unit_id": "orgunit"}),
    "positions GET": Spec(),
    "positions POST": Spec(
        body=lambda w: {"title_th": w.name("ตำแหน่ง"), "unit": w.id("a", "orgunit")}, ids={"body:unit": "orgunit"},
    ),
    "position-detail": Spec(kwargs=_own("position", "position_id"), ids={"path:position_id": "position"}),
    "members GET": Spec(),
    "members POST": Spec(
        body=lambda w: {"username": w.name("u"), "password": "Sweep-pass-9912!", "first_name_th": "ก",
                        "last_name_th": "ข", "unit": w.id("a", "orgunit"), "role": "officer"},
        ids={"body:unit": "orgunit"},
    ),
    "member-detail GET": Spec(kwargs=_own("membership", "membership_id"), ids={"path:membership_id": "membership"}),
    "member-detail POST": Spec(
        kwargs=_fresh("membership", "membership_id"), body=lambda w: {"reason": "sweep"},
        ids={"path:membership_id": "membership"},
    ),
    "audit-log": Spec(query=lambda w: {"agency": w.a.slug}, ids={"query:agency": "agency.slug"}),
    "jobs": Spec(),
    "jobs-diagnostics": Spec(),
    "job-status": Spec(kwargs=_own("job", "job_id"), ids={"path:job_id": "job"}),
    "tokens GET": Spec(),
    "tokens POST": Spec(body=lambda w: {"name": w.name("t"), "days": "30"}),
    "token-revoke": Spec(kwargs=_fresh("apitoken", "token_id"), ids={"path:token_id": "apitoken"}),
    "agencies-supervised": Spec(user="provincial_admin"),
    "agency-create GET": Spec(user="provincial_admin"),
    "agency-create POST": Spec(
        user="provincial_admin",
        body=lambda w: {"slug": w.name("ag").lower(), "name_th": w.name("อบต"), "kind": "sao", "province": "นครราชสีมา",
                        "letter_code": "นม", "letter_number": "89999"},
    ),
    # --- API v1 (token of the user in A by default; one route uses the session + X-Eoffice-Agency) -----
    "api-schema": Spec(),
    "api-docs": Spec(),
    "api-me": Spec(),
    "api-agency": Spec(),
    "api-org-units GET": Spec(),
    "api-org-units POST": Spec(
        auth="session", body=lambda w: {"name_th": w.name("หน่วย"), "parent": w.id("a", "orgunit")},
        ids={"body:parent": "orgunit"},
    ),
    "api-org-unit-detail": Spec(kwargs=_own("orgunit", "unit_id"), ids={"path:unit_id": "orgunit"}),
    "api-positions GET": Spec(),
    "api-positions POST": Spec(body=lambda w: {"title_th": w.name("ตำแหน่ง"), "unit": w.id("a", "orgunit")},
                               ids={"body:unit": "orgunit"}),
    "api-position-detail": Spec(kwargs=_own("position", "position_id"), ids={"path:position_id": "position"}),
    "api-members": Spec(),
    "api-member-detail": Spec(kwargs=_own("membership", "membership_id"), ids={"path:membership_id": "membership"}),
    "api-member-revoke": Spec(kwargs=_fresh("membership", "membership_id"), body=lambda w: {"reason": "sweep"},
                              ids={"path:membership_id": "membership"}),
    "api-tokens GET": Spec(),
    "api-tokens POST": Spec(body=lambda w: {"name": w.name("t"), "days": 30}),
    "api-token-revoke": Spec(kwargs=_fresh("apitoken", "token_id"), ids={"path:token_id": "apitoken"}),
    "api-audit-events": Spec(query=lambda w: {"agency": w.a.slug}, ids={"query:agency": "agency.slug"}),
    "api-jobs": Spec(),
    "api-jobs-diagnostics": Spec(),
    "api-job-detail": Spec(kwargs=_own("job", "job_id"), ids={"path:job_id": "job"}),
    "api-agencies-supervised": Spec(user="provincial_admin"),
    "api-agency-create": Spec(
        user="provincial_admin",
        body=lambda w: {"slug": w.name("ag").lower(), "name_th": w.name("อบต"), "kind": "sao", "province": "นครราชสีมา",
                        "letter_code": "นม", "letter_number": "89998"},
    ),
    # --- Django admin (read-only) ----------------------------------------------------------------------
    "admin:index": _ADMIN_READ,
    "admin:app_list": Spec(user=SYSADMIN, methods=("GET",), kwargs=lambda w: {"app_label": "tenants"}, outsider=ALL),
    "admin:login": Spec(user=ANON, methods=("GET",)),
    "admin:logout": Spec(user=SYSADMIN, methods=("POST",)),
    "admin:password_change": Spec(user=SYSADMIN, methods=("GET",)),
    "admin:password_change_done": Spec(user=SYSADMIN, methods=("GET",)),
    "admin:jsi18n": Spec(user=SYSADMIN, methods=("GET",)),
    "admin:autocomplete": Spec(user=SYSADMIN, methods=("GET",), refused=403, outsider=ALL,
                               reason="no admin has search_fields: refused for every caller"),
    "admin:view_on_site": Spec(user=SYSADMIN, methods=("GET",), refused=404, outsider=ALL,
                               kwargs=lambda w: {"content_type_id": w.content_type_id("orgunit"),
                                                 "object_id": w.id("a", "orgunit")},
                               reason="no model defines get_absolute_url: 404 for every object"),
    "admin:auth_group_*": Spec(user=SYSADMIN, methods=("GET",), kwargs=_admin_object, refused=403, outsider=ALL,
                               reason="Django's GroupAdmin: nobody holds auth permissions (groups are unused)"),
    "admin:*_changelist": _ADMIN_READ,
    "admin:*_change": _ADMIN_OBJ,
    "admin:*_history": _ADMIN_OBJ,
    "admin:*_add": Spec(user=SYSADMIN, methods=("GET", "POST"), refused=403, outsider=ALL,
                        reason="read-only admin: add is refused for everyone"),
    "admin:*_delete": _ADMIN_REFUSED,
    "pattern:admin/*/<path:object_id>/": Spec(user=SYSADMIN, methods=("GET",), kwargs=_admin_object),
    "pattern:admin/(?P<url>.*)$": Spec(user=SYSADMIN, methods=("GET",), refused=404, outsider=ALL,
                                       kwargs=lambda w: {"url": "no-such-admin-page/"},
                                       reason="the admin's catch-all: 404 for every unknown admin URL"),
}

# --- registry (issue 3): API specs and web-page specs live beside this file --------------------------------
from tests.tenancy.sweep_specs_registry import REGISTRY_API_SPECS  # noqa: E402
from tests.tenancy.sweep_specs_registry_web import REGISTRY_WEB_SPECS  # noqa: E402

SPECS.update(REGISTRY_API_SPECS)
SPECS.update(REGISTRY_WEB_SPECS)

# --- handling (issue 4) -----------------------------------------------------------------------------------
from tests.tenancy.sweep_specs_handling import HANDLING_API_SPECS, HANDLING_WEB_SPECS  # noqa: E402

SPECS.update(HANDLING_API_SPECS)
SPECS.update(HANDLING_WEB_SPECS)

from tests.tenancy.sweep_specs_handling import NOTIFICATION_API_SPECS, NOTIFICATION_WEB_SPECS  # noqa: E402

SPECS.update(NOTIFICATION_API_SPECS)
SPECS.update(NOTIFICATION_WEB_SPECS)

# --- drafting (issue 5) -----------------------------------------------------------------------------------
from tests.tenancy.sweep_specs_drafting_api import DRAFTING_API_SPECS  # noqa: E402

SPECS.update(DRAFTING_API_SPECS)

from tests.tenancy.sweep_specs_drafting_web import DRAFTING_WEB_SPECS  # noqa: E402

SPECS.update(DRAFTING_WEB_SPECS)

# --- the working-day calendar (docs/calendar.md) -------------------------------------------------------------
from tests.tenancy.sweep_specs_calendar import CALENDAR_SPECS  # noqa: E402

SPECS.update(CALENDAR_SPECS)
