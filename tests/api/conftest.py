from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.test.client import ClientHandler

# Refusals are audited on the second connection (audit_record_now), so every API test uses both.
DBS = ["default", "audit_side"]
BASE = "/api/v1/a"


@pytest.fixture(autouse=True)
def _clean_cache():  # type: ignore[no-untyped-def]
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _plain_static(settings):  # type: ignore[no-untyped-def]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@dataclass
class Answer:
    status: int
    data: Any
    raw: bytes


class Api:
    """A JSON client for /api/v1/a/<agency>/…, by token or by the logged-in session."""

    def __init__(self, client: Client):
        self.client = client

    def _answer(self, r) -> Answer:  # type: ignore[no-untyped-def]
        try:
            data = json.loads(r.content) if r.content else None
        except ValueError:
            data = None
        return Answer(r.status_code, data, r.content)

    def get(self, agency: str, path: str, params: dict[str, Any] | None = None, *, token: str | None = None) -> Answer:
        headers = {"Authorization": f"Token {token}"} if token else {}
        return self._answer(self.client.get(f"{BASE}/{agency}/{path}", params or {}, headers=headers))

    def post(
        self, agency: str, path: str, data: Any = None, *, token: str | None = None, agency_header: str | None = "same",
        headers: dict[str, str] | None = None,
    ) -> Answer:
        h = dict(headers or {})
        if token:
            h["Authorization"] = f"Token {token}"
        if agency_header == "same":
            h["X-Eoffice-Agency"] = agency
        elif agency_header:
            h["X-Eoffice-Agency"] = agency_header
        r = self.client.post(
            f"{BASE}/{agency}/{path}", json.dumps(data if data is not None else {}), content_type="application/json",
            headers=h,
        )
        return self._answer(r)


@pytest.fixture(scope="session")
def _handlers():  # type: ignore[no-untyped-def]
    """One request handler per CSRF mode for the whole session: building the middleware chain
    (WhiteNoise scans every static file) costs seconds, and every test would pay it again."""
    return {flag: ClientHandler(enforce_csrf_checks=flag) for flag in (False, True)}


def share_handler(client: Client, handlers: dict[bool, ClientHandler]) -> Client:
    client.handler = handlers[client.handler.enforce_csrf_checks]
    return client


@pytest.fixture
def api(client, _handlers) -> Api:  # type: ignore[no-untyped-def]
    return Api(share_handler(client, _handlers))


@pytest.fixture
def new_client(_handlers):  # type: ignore[no-untyped-def]
    return lambda **kw: share_handler(Client(**kw), _handlers)


@pytest.fixture
def as_user(login, api):  # type: ignore[no-untyped-def]
    """``as_user("a_agency_admin")`` → an Api whose session is that user's."""

    def do(username: str) -> Api:
        login(username)
        return api

    return do


@pytest.fixture
def token_for(user_named, in_tenant):  # type: ignore[no-untyped-def]
    """``token_for("a_officer", tenants.a)`` → the issued token (``.secret`` is the whole header value)."""
    from tenants import selectors
    from tenants.services.tokens import api_token_create

    def make(username: str, agency, *, days: int | None = None):  # type: ignore[no-untyped-def]
        user = user_named(username)
        with in_tenant(agency):
            m = selectors.membership_for(tenant_id=agency.pk, user_id=user.pk)
            assert m is not None, f"{username} is not a member of {agency.slug}"
            return api_token_create(tenant_id=agency.pk, actor_id=user.pk, membership=m, name="test", days=days)

    return make


@pytest.fixture
def first_of(in_tenant):  # type: ignore[no-untyped-def]
    """``first_of(OrgUnit, tenants.b)`` → some row of that agency (seeded data)."""

    def get(model, agency, **filters):  # type: ignore[no-untyped-def]
        with in_tenant(agency):
            obj = model.objects.filter(tenant_id=agency.pk, **filters).order_by("pk").first()
        assert obj is not None, f"no {model.__name__} in {agency.slug}"
        return obj

    return get


@pytest.fixture
def audited(in_tenant):  # type: ignore[no-untyped-def]
    """Actions audited for an agency on the second connection (where refusals are recorded)."""
    from tenants.models import AuditEvent

    def actions(agency) -> list[str]:  # type: ignore[no-untyped-def]
        with in_tenant(agency, using="audit_side"):
            return list(AuditEvent.objects.using("audit_side").filter(tenant_id=agency.pk).values_list("action", flat=True))

    return actions
