"""The OpenAPI document: committed, valid, true to the code; served at /api/v1/schema/; and the
accessible reference page at /api/docs/ lists every operation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver

from tests.api.conftest import DBS

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "docs" / "openapi.yaml"
REGENERATE = ".venv/bin/python manage.py spectacular --lang th --validate --file docs/openapi.yaml"


def _generate(tmp_path: Path) -> bytes:
    out = tmp_path / "openapi.yaml"
    call_command("spectacular", lang="th", validate=True, file=str(out))  # raises on a schema error
    return out.read_bytes()


def test_committed_schema_is_current_and_valid(tmp_path):
    fresh = _generate(tmp_path)
    assert COMMITTED.read_bytes() == fresh, f"docs/openapi.yaml is stale; regenerate it with:\n  {REGENERATE}"


def _api_routes() -> list[tuple[str, str]]:
    """(route, name) of every DRF route under /api/v1/a/<agency>/ in the URL conf."""
    out: list[tuple[str, str]] = []

    def walk(patterns, prefix: str) -> None:  # type: ignore[no-untyped-def]
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                if route.startswith("api/v1/a/"):
                    out.append((route, p.name or ""))

    walk(get_resolver().url_patterns, "")
    return out


def _as_openapi_path(route: str) -> str:
    import re

    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def test_every_agency_route_is_named_and_documented():
    doc = yaml.safe_load(COMMITTED.read_text(encoding="utf-8"))
    routes = _api_routes()
    assert len(routes) >= 17
    for route, name in routes:
        assert name.startswith("api-"), route
        assert _as_openapi_path(route) in doc["paths"], f"{route} is not in the OpenAPI document"
    for path, item in doc["paths"].items():
        for method, op in item.items():
            assert op.get("summary"), (method, path)
            assert op.get("operationId"), (method, path)


def test_url_kwargs_are_descriptive():
    allowed = {"agency", "unit_id", "position_id", "membership_id", "token_id", "job_id", "book", "entry_id", "file_id",
               "message_id", "mailbox_id", "holiday_id", "handling_id", "holding_id", "delegation_id", "chain_id",
               "category_id", "rule_id", "circulation_id", "notification_id", "draft_id", "review_id", "recipient_id", "letter_id",
               "route_id"}
    import re

    for route, _ in _api_routes():
        assert set(re.findall(r"<(?:\w+:)?(\w+)>", route)) <= allowed, route


@pytest.mark.django_db(databases=DBS)
def test_schema_is_served_without_login(client):
    r = client.get("/api/v1/schema/")
    assert r.status_code == 200
    assert yaml.safe_load(r.content)["openapi"].startswith("3.")
    r = client.get("/api/v1/schema/?format=json")
    assert r.status_code == 200
    assert "/api/v1/a/{agency}/me/" in json.loads(r.content)["paths"]


@pytest.mark.django_db(databases=DBS)
def test_docs_page_lists_every_operation_without_third_party_script(api, login):
    login("a_officer")
    r = api.client.get("/api/docs/")
    assert r.status_code == 200
    html = r.content.decode()
    doc = yaml.safe_load(COMMITTED.read_text(encoding="utf-8"))
    for path, item in doc["paths"].items():
        for method, op in item.items():
            assert f'id="op-{op["operationId"]}"' in html, op["operationId"]
            assert f"{method.upper()} {path}" in html
    import re

    for src in re.findall(r"<script[^>]*\bsrc=\"([^\"]+)\"", html):
        assert src.startswith("/static/"), f"third-party script on the docs page: {src}"
    assert "swagger" not in html.lower() and "redoc" not in html.lower()
    assert "เอกสารประกอบ API" in html
    assert "<caption>" in html and 'scope="col"' in html


@pytest.mark.django_db(databases=DBS)
def test_docs_page_is_public(api):
    assert api.client.get("/api/docs/").status_code == 200
