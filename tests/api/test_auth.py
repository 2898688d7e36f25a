"""Token and session authentication on /api/v1/a/<agency>/…"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tenants.models import ApiToken
from tests.api.conftest import DBS, Api

pytestmark = pytest.mark.django_db(databases=DBS)


def test_token_works_for_its_own_agency(api, tenants, token_for):
    issued = token_for("a_officer", tenants.a)
    r = api.get("tenant-a", "me/", token=issued.secret)
    assert r.status == 200, r.data
    assert r.data["user"]["username"] == "a_officer"
    assert r.data["agency"]["slug"] == "tenant-a"
    assert r.data["via_token"] is True


def test_token_of_agency_a_is_refused_on_agency_b(api, tenants, token_for):
    issued = token_for("a_officer", tenants.a)
    r = api.get("tenant-b", "me/", token=issued.secret)
    assert r.status == 401
    assert r.data["error"]["code"] == "not_authenticated"
    assert r.data["error"]["message_th"] and r.data["error"]["message_en"]


def test_token_is_bound_to_the_membership_not_the_person(api, tenants, token_for):
    """``multi`` is a member of A and B; the token made in A still does not open B."""
    issued = token_for("multi", tenants.a)
    assert api.get("tenant-a", "me/", token=issued.secret).status == 200
    assert api.get("tenant-b", "me/", token=issued.secret).status == 401


def test_expired_token_is_refused(api, tenants, token_for, in_tenant):
    issued = token_for("a_officer", tenants.a)
    with in_tenant(tenants.a):
        ApiToken.objects.filter(tenant_id=tenants.a.pk, pk=issued.token.pk).update(
            expires_at=timezone.now() - dt.timedelta(seconds=1)
        )
    assert api.get("tenant-a", "me/", token=issued.secret).status == 401


def test_revoked_token_is_refused(api, tenants, token_for):
    issued = token_for("a_officer", tenants.a)
    r = api.post("tenant-a", f"tokens/{issued.token.pk}/revoke/", token=issued.secret, agency_header=None)
    assert r.status == 200, r.data
    assert r.data["revoked_at"] is not None
    assert api.get("tenant-a", "me/", token=issued.secret).status == 401


@pytest.mark.parametrize("raw", ["garbage", "eo_nope_nope", "eo__", ""])
def test_malformed_or_unknown_token_is_refused(api, raw):
    r = api.client.get("/api/v1/a/tenant-a/me/", headers={"Authorization": f"Token {raw}"})
    assert r.status_code == 401


def test_wrong_secret_is_refused(api, tenants, token_for):
    issued = token_for("a_officer", tenants.a)
    assert api.get("tenant-a", "me/", token=issued.secret[:-2] + "xx").status == 401


def test_anonymous_is_401(api):
    r = api.get("tenant-a", "me/")
    assert r.status == 401
    assert r.data["error"]["code"] == "not_authenticated"


def test_revoked_membership_ends_its_tokens(api, tenants, token_for, in_tenant):
    from tenants.models import Membership

    issued = token_for("a_officer", tenants.a)
    with in_tenant(tenants.a):
        Membership.objects.filter(tenant_id=tenants.a.pk, pk=issued.token.membership_id).update(is_active=False)
    assert api.get("tenant-a", "me/", token=issued.secret).status == 401


def test_session_get_works_without_agency_header(as_user):
    r = as_user("a_officer").get("tenant-a", "me/")
    assert r.status == 200
    assert r.data["via_token"] is False


def test_session_post_without_agency_header_is_400(as_user):
    a = as_user("a_agency_admin")
    r = a.post("tenant-a", "org/units/", {"name_th": "กองทดสอบ"}, agency_header=None)
    assert r.status == 400
    assert r.data["error"]["message_th"] and r.data["error"]["message_en"]


def test_session_post_with_another_agencys_header_is_400(as_user):
    a = as_user("multi")
    r = a.post("tenant-a", "tokens/", {"name": "x"}, agency_header="tenant-b")
    assert r.status == 400


def test_session_post_with_agency_header_works(as_user):
    r = as_user("a_agency_admin").post("tenant-a", "org/units/", {"name_th": "กองทดสอบ API"})
    assert r.status == 201, r.data


def test_session_post_needs_csrf(user_named, new_client):
    client = new_client(enforce_csrf_checks=True)
    client.force_login(user_named("a_agency_admin"))
    r = Api(client).post("tenant-a", "org/units/", {"name_th": "กองไม่มี CSRF"})
    assert r.status == 403
    assert "error" in r.data


def test_token_post_needs_neither_csrf_nor_agency_header(tenants, token_for, new_client):
    issued = token_for("a_agency_admin", tenants.a)
    r = Api(new_client(enforce_csrf_checks=True)).post(
        "tenant-a", "org/units/", {"name_th": "กองจากโทเค็น"}, token=issued.secret, agency_header=None
    )
    assert r.status == 201, r.data


def test_non_member_session_is_403(as_user):
    assert as_user("b_officer").get("tenant-a", "me/").status == 403


def test_unknown_agency_is_404(as_user):
    r = as_user("a_officer").get("no-such-agency", "me/")
    assert r.status == 404
    assert r.data["error"]["code"] == "not_found"
