"""Bad input at the tenant boundary (wall 3, the middleware): every refusal is clear (Thai first,
English beside it) and audited, and a foreign tenant's id is indistinguishable from a random id.

Checked by hand: removing the ``claimed != agency.slug`` refusal in tenants/middleware.py makes
``test_form_posted_with_another_agency_is_refused`` fail (the unit is created); removing the
``membership.is_active`` check makes ``test_revoked_membership_is_403`` fail.
"""

from __future__ import annotations

import re
import secrets

import pytest
from django.conf import settings

from tenants.context import tenant_scope
from tenants.models import Agency, AuditEvent, OrgUnit, SystemAuditEvent
from tenants.services import org
from tests.tenancy.conftest import make_client

pytestmark = pytest.mark.usefixtures("committed")


def _h1(resp) -> str:  # type: ignore[no-untyped-def]
    m = re.search(r"<h1[^>]*>(.*?)</h1>", resp.content.decode(), re.S)
    return m.group(1).strip() if m else ""


def _system_events(action: str, **filters) -> int:  # type: ignore[no-untyped-def]
    return SystemAuditEvent.objects.filter(action=action, **filters).count()


def _tenant_events(tenant_id: int, action: str, since: int = 0) -> list[AuditEvent]:
    with tenant_scope(tenant_id):
        return list(AuditEvent.objects.filter(tenant_id=tenant_id, action=action, seq__gt=since).order_by("seq"))


def _last_seq(tenant_id: int) -> int:
    with tenant_scope(tenant_id):
        e = AuditEvent.objects.filter(tenant_id=tenant_id).order_by("-seq").first()
        return e.seq if e else 0


def _client(user=None):  # type: ignore[no-untyped-def]
    return make_client(user)


def _thai_and_english(resp) -> None:  # type: ignore[no-untyped-def]
    text = resp.content.decode()
    assert re.search(r"[\u0E00-\u0E7F]", _h1(resp)), "the heading is not Thai"
    assert 'lang="en"' in text


def test_unknown_agency_is_404_and_audited(world):
    slug = f"no-such-{secrets.token_hex(4)}"
    resp = _client(world.user("a")).get(f"/a/{slug}/")
    assert resp.status_code == 404
    _thai_and_english(resp)
    assert _system_events("access.unknown_agency", agency_hint=slug) == 1


def test_unknown_agency_api_is_json_404(world):
    slug = f"no-such-{secrets.token_hex(4)}"
    resp = make_client().get(f"/api/v1/a/{slug}/anything/", headers={"Authorization": f"Token {world.token('a')}"})
    assert resp.status_code == 404
    body = resp.json()
    assert body["error"]["code"] == "not_found" and body["error"]["message_th"] and body["error"]["message_en"]
    assert _system_events("access.unknown_agency", agency_hint=slug) == 1


def test_inactive_agency_is_404_and_audited(world):
    agency = org.agency_create(actor=None, slug=world.name("inactive").lower(), name_th="อบต.ปิดแล้ว", kind="sao",
                               province="นครราชสีมา", letter_code="นม", letter_number="80999")
    Agency.objects.filter(pk=agency.pk).update(is_active=False)
    resp = _client(world.user("a")).get(f"/a/{agency.slug}/")
    assert resp.status_code == 404
    _thai_and_english(resp)
    assert _system_events("access.inactive_agency", agency_hint=agency.slug) == 1
    # Unknown and inactive look the same to the caller.
    unknown = _client(world.user("a")).get(f"/a/no-such-{secrets.token_hex(4)}/")
    assert _h1(unknown) == _h1(resp)


def test_revoked_membership_is_403_and_audited(world):
    m = world.fresh("a", "membership")
    with tenant_scope(world.a.id):
        org.membership_revoke(tenant_id=world.a.id, actor=None, membership=m, reason="ทดสอบเพิกถอน")
    since = _last_seq(world.a.id)
    resp = _client(m.user).get(f"/a/{world.a.slug}/")
    assert resp.status_code == 403
    _thai_and_english(resp)
    events = _tenant_events(world.a.id, "access.not_member", since)
    assert [e.actor_id for e in events] == [m.user_id]


def test_member_of_a_is_403_in_b(world):
    since = _last_seq(world.b.id)
    resp = _client(world.user("a")).get(f"/a/{world.b.slug}/")
    assert resp.status_code == 403
    assert [e.actor_id for e in _tenant_events(world.b.id, "access.not_member", since)] == [world.user("a").pk]


@pytest.mark.parametrize("kind", ["garbage", "altered"])
def test_tampered_session_cookie_is_signed_out_and_audited(world, kind):
    c = _client(world.user("a"))
    real = c.cookies[settings.SESSION_COOKIE_NAME].value
    signed_in = c.get("/agencies/")
    assert "/accounts/login/" not in signed_in.get("Location", "")
    forged = "x" * 32 if kind == "garbage" else real[:-1] + ("a" if real[-1] != "a" else "b")
    c.cookies[settings.SESSION_COOKIE_NAME] = forged
    before = _system_events("session.invalid")
    resp = c.get("/agencies/")
    assert resp.status_code == 302 and "/accounts/login/" in resp["Location"]
    assert _system_events("session.invalid") == before + 1
    resp = c.get(f"/a/{world.a.slug}/")  # and no agency either
    assert resp.status_code == 302 and "/accounts/login/" in resp["Location"]


def test_form_posted_with_another_agency_is_refused(world):
    name = world.name("mismatch")
    since = _last_seq(world.a.id)
    before_b = _last_seq(world.b.id)
    resp = _client(world.user("a")).post(
        f"/a/{world.a.slug}/org/units/", {"name_th": name, "kind": "division", "_agency": world.b.slug}
    )
    assert resp.status_code == 400
    _thai_and_english(resp)
    events = _tenant_events(world.a.id, "access.agency_mismatch", since)
    assert len(events) == 1 and events[0].changes == {"claimed": world.b.slug}
    for t in (world.a.id, world.b.id):
        with tenant_scope(t):
            assert not OrgUnit.objects.filter(name_th=name).exists()
    assert _last_seq(world.b.id) == before_b


def test_form_posted_without_agency_is_refused(world):
    name = world.name("noagency")
    resp = _client(world.user("a")).post(f"/a/{world.a.slug}/org/units/", {"name_th": name, "kind": "division"})
    assert resp.status_code == 400
    with tenant_scope(world.a.id):
        assert not OrgUnit.objects.filter(name_th=name).exists()


def test_foreign_id_is_exactly_a_random_id_and_both_audited(world):
    c = _client(world.user("a"))
    since = _last_seq(world.a.id)
    foreign = c.get(f"/a/{world.a.slug}/org/units/{world.id('b', 'orgunit')}/")
    random_ = c.get(f"/a/{world.a.slug}/org/units/{world.random('orgunit')}/")
    assert foreign.status_code == random_.status_code == 404
    assert _h1(foreign) == _h1(random_)
    assert len(foreign.content) == len(random_.content) or abs(len(foreign.content) - len(random_.content)) < 16
    events = _tenant_events(world.a.id, "access.not_found", since)
    assert len(events) == 2
    assert [e.changes["path"].rsplit("/", 2)[0] for e in events] == [f"/a/{world.a.slug}/org/units"] * 2
