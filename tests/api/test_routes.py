"""Every API route: a positive control for an allowed role, 403 for a disallowed one, foreign ids
answered exactly like random ids, validation errors in Thai and English."""

from __future__ import annotations

import pytest

from tenants.models import Membership, OrgUnit, Position
from tests.api.conftest import DBS

pytestmark = pytest.mark.django_db(databases=DBS)

RANDOM_ID = 987654321

# (method, path, allowed username, expected status, refused username or None)
READS = [
    ("me/", "a_officer", None),
    ("agency/", "a_officer", None),
    ("org/units/", "a_officer", None),
    ("org/positions/", "a_officer", None),
    ("members/", "a_agency_admin", "a_officer"),
    ("tokens/", "a_officer", None),
    ("audit/events/", "a_agency_admin", "a_central_clerk"),
    ("jobs/", "a_agency_admin", "a_head"),
    ("calendar/", "a_officer", None),
    ("calendar/holidays/", "a_secret_registrar", None),
    ("calendar/national/", "a_unit_clerk", None),
]


@pytest.mark.parametrize(("path", "allowed", "refused"), READS)
def test_read_routes(as_user, path, allowed, refused):
    api = as_user(allowed)
    r = api.get("tenant-a", path)
    assert r.status == 200, (path, r.data)
    if refused:
        r = as_user(refused).get("tenant-a", path)
        assert r.status == 403, (path, r.data)
        assert r.data["error"]["code"] == "forbidden"


def test_refusal_is_audited(as_user, tenants, audited):
    assert as_user("a_officer").get("tenant-a", "members/").status == 403
    assert "access.denied" in audited(tenants.a)


def test_not_found_is_audited(as_user, tenants, audited):
    assert as_user("a_officer").get("tenant-a", f"org/units/{RANDOM_ID}/").status == 404
    assert "access.not_found" in audited(tenants.a)


def test_me(as_user):
    r = as_user("a_head").get("tenant-a", "me/")
    assert r.status == 200
    assert {x["code"] for x in r.data["roles"]} == {"head"}
    assert [a["slug"] for a in r.data["reach"]] == ["tenant-a"]
    assert "acting_for" in r.data


def test_me_auditor_reach(tenants, as_user):
    r = as_user("d_auditor").get("test-district", "me/")
    assert r.status == 200
    assert {a["slug"] for a in r.data["reach"]} == {"test-district", "tenant-a", "tenant-b"}


def test_dates_are_iso_ce(as_user):
    r = as_user("a_agency_admin").get("tenant-a", "agency/")
    created = r.data["created_at"]
    assert created[:2] == "20" and "T" in created  # 20xx: Christian Era, ISO 8601
    assert r.data["letter_prefix"] == "นม 80101"


# --- detail routes: own id, another agency's id, a random id, a huge id --------------------------------------
DETAILS = [
    ("org/units/{}/", OrgUnit, "a_officer"),
    ("org/positions/{}/", Position, "a_officer"),
    ("members/{}/", Membership, "a_agency_admin"),
]


@pytest.mark.parametrize(("pattern", "model", "username"), DETAILS)
def test_detail_own_foreign_random(as_user, first_of, tenants, pattern, model, username):
    api = as_user(username)
    own = first_of(model, tenants.a)
    foreign = first_of(model, tenants.b)
    r = api.get("tenant-a", pattern.format(own.pk))
    assert r.status == 200, r.data
    assert r.data["id"] == own.pk
    r_foreign = api.get("tenant-a", pattern.format(foreign.pk))
    r_random = api.get("tenant-a", pattern.format(RANDOM_ID))
    r_huge = api.get("tenant-a", pattern.format(10**30))
    assert r_foreign.status == r_random.status == r_huge.status == 404
    assert r_foreign.raw == r_random.raw == r_huge.raw


def test_position_detail_lists_holders_today(as_user, first_of, tenants):
    palad = first_of(Position, tenants.a, title_th__startswith="ปลัด")
    r = as_user("a_officer").get("tenant-a", f"org/positions/{palad.pk}/")
    assert r.status == 200
    assert [h["display_name_th"] for h in r.data["holders_today"]] == ["นายA-head ทดสอบ"]
    assert r.data["holders_today"][0]["starts_on"] == "2020-01-01"


def test_unit_detail_lists_children_and_positions(as_user, first_of, tenants):
    office = first_of(OrgUnit, tenants.a, name_th="สำนักปลัด")
    r = as_user("a_officer").get("tenant-a", f"org/units/{office.pk}/")
    assert r.status == 200
    assert any(p["title_th"].startswith("ปลัด") for p in r.data["positions"])
    assert r.data["children"] == []


# --- org writes ------------------------------------------------------------------------------------------------
def test_org_unit_create(as_user, first_of, tenants):
    office = first_of(OrgUnit, tenants.a, name_th="สำนักปลัด")
    r = as_user("a_agency_admin").post(
        "tenant-a", "org/units/", {"name_th": "งานธุรการ", "kind": "work", "parent": office.pk}
    )
    assert r.status == 201, r.data
    assert r.data["parent"] == office.pk
    assert r.data["kind_label"]
    assert as_user("a_officer").post("tenant-a", "org/units/", {"name_th": "งานอื่น"}).status == 403


def test_org_unit_parent_from_another_agency_is_like_a_random_id(as_user, first_of, tenants):
    api = as_user("a_agency_admin")
    foreign = first_of(OrgUnit, tenants.b)
    r_foreign = api.post("tenant-a", "org/units/", {"name_th": "งานต่างถิ่น", "parent": foreign.pk})
    r_random = api.post("tenant-a", "org/units/", {"name_th": "งานต่างถิ่น", "parent": RANDOM_ID})
    assert r_foreign.status == r_random.status == 400
    assert r_foreign.raw == r_random.raw
    assert "parent" in r_foreign.data["error"]["fields"]


def test_position_create_and_foreign_unit(as_user, first_of, tenants):
    api = as_user("a_agency_admin")
    finance = first_of(OrgUnit, tenants.a, name_th="กองคลัง")
    r = api.post("tenant-a", "org/positions/", {"title_th": "นักวิชาการเงินและบัญชี", "unit": finance.pk})
    assert r.status == 201, r.data
    assert r.data["unit"] == finance.pk
    foreign = first_of(OrgUnit, tenants.b)
    r_foreign = api.post("tenant-a", "org/positions/", {"title_th": "x", "unit": foreign.pk})
    r_random = api.post("tenant-a", "org/positions/", {"title_th": "x", "unit": RANDOM_ID})
    assert r_foreign.status == 400 and r_foreign.raw == r_random.raw
    assert as_user("a_head").post("tenant-a", "org/positions/", {"title_th": "x"}).status == 403


def test_validation_errors_are_thai_and_english(as_user):
    api = as_user("a_agency_admin")
    r = api.post("tenant-a", "org/units/", {"kind": "nonsense", "parent": "abc"})
    assert r.status == 400
    err = r.data["error"]
    assert err["code"] == "invalid"
    assert err["message_th"] == "ข้อมูลไม่ถูกต้อง กรุณาตรวจสอบช่องที่ระบุ"
    assert err["message_en"] == "Invalid input; see the fields listed."
    assert set(err["fields"]) == {"name_th", "kind", "parent"}


def test_field_messages_follow_the_request_language(as_user):
    api = as_user("a_agency_admin")
    r = api.post("tenant-a", "org/units/", {}, headers={"Accept-Language": "en"})
    assert r.data["error"]["fields"]["name_th"] == ["This field is required."]


def test_service_refusal_names_its_field(as_user):
    api = as_user("a_agency_admin")
    assert api.post("tenant-a", "org/units/", {"name_th": "กองซ้ำ"}).status == 201
    r = api.post("tenant-a", "org/units/", {"name_th": "กองซ้ำ"})
    assert r.status == 400
    assert r.data["error"]["field"] == "name_th"
    assert r.data["error"]["message_th"] and r.data["error"]["message_en"]
    assert list(r.data["error"]["fields"]) == ["name_th"]


def test_malformed_json_is_400(as_user):
    r = as_user("a_agency_admin").client.post(
        "/api/v1/a/tenant-a/org/units/", "{not json", content_type="application/json",
        headers={"X-Eoffice-Agency": "tenant-a"},
    )
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "parse_error"


# --- members ---------------------------------------------------------------------------------------------------
def test_unit_clerk_sees_only_their_units_members(as_user, first_of, tenants, user_named):
    api = as_user("a_unit_clerk")
    r = api.get("tenant-a", "members/")
    assert r.status == 200
    names = {m["user"]["username"] for m in r.data}
    assert names == {"a_unit_clerk", "a_officer"}
    head = first_of(Membership, tenants.a, user=user_named("a_head"))
    r_hidden = api.get("tenant-a", f"members/{head.pk}/")
    assert r_hidden.status == 404
    assert r_hidden.raw == api.get("tenant-a", f"members/{RANDOM_ID}/").raw


def test_member_detail_roles_and_positions(as_user, first_of, tenants, user_named):
    head = first_of(Membership, tenants.a, user=user_named("a_head"))
    r = as_user("a_agency_admin").get("tenant-a", f"members/{head.pk}/")
    assert r.status == 200
    assert [x["code"] for x in r.data["roles"]] == ["head"]
    assert r.data["positions_today"][0]["title_th"].startswith("ปลัด")


def test_member_revoke(as_user, first_of, tenants, user_named):
    officer = first_of(Membership, tenants.a, user=user_named("a_officer"))
    api = as_user("a_agency_admin")
    r = api.post("tenant-a", f"members/{officer.pk}/revoke/", {})
    assert r.status == 400
    assert "reason" in r.data["error"]["fields"]
    r = api.post("tenant-a", f"members/{officer.pk}/revoke/", {"reason": "ย้ายไปหน่วยงานอื่น"})
    assert r.status == 200, r.data
    assert r.data["is_active"] is False and r.data["revoked_reason"] == "ย้ายไปหน่วยงานอื่น"
    r = api.post("tenant-a", f"members/{officer.pk}/revoke/", {"reason": "อีกครั้ง"})
    assert r.status == 409


def test_member_revoke_refusals(as_user, first_of, tenants, user_named):
    admin = first_of(Membership, tenants.a, user=user_named("a_agency_admin"))
    officer = first_of(Membership, tenants.a, user=user_named("a_officer"))
    r = as_user("a_head").post("tenant-a", f"members/{officer.pk}/revoke/", {"reason": "x"})
    assert r.status == 403
    api = as_user("a_agency_admin")
    assert api.post("tenant-a", f"members/{admin.pk}/revoke/", {"reason": "x"}).status == 400
    foreign = first_of(Membership, tenants.b)
    r_foreign = api.post("tenant-a", f"members/{foreign.pk}/revoke/", {"reason": "x"})
    r_random = api.post("tenant-a", f"members/{RANDOM_ID}/revoke/", {"reason": "x"})
    assert r_foreign.status == 404 and r_foreign.raw == r_random.raw


# --- tokens ----------------------------------------------------------------------------------------------------
def test_token_create_list_revoke(as_user):
    api = as_user("a_officer")
    r = api.post("tenant-a", "tokens/", {"name": "สคริปต์รายงาน", "days": 30})
    assert r.status == 201, r.data
    secret, token_id = r.data["secret"], r.data["id"]
    assert secret.startswith(f"eo_{r.data['key_id']}_")
    listed = api.get("tenant-a", "tokens/").data
    assert [t["id"] for t in listed] == [token_id]
    assert "secret" not in listed[0]
    assert api.get("tenant-a", "me/", token=secret).status == 200
    r = api.post("tenant-a", f"tokens/{token_id}/revoke/")
    assert r.status == 200 and r.data["is_usable"] is False
    assert api.get("tenant-a", "me/", token=secret).status == 401


def test_token_validation(as_user):
    api = as_user("a_officer")
    r = api.post("tenant-a", "tokens/", {"name": "", "days": 999})
    assert r.status == 400
    assert set(r.data["error"]["fields"]) == {"name", "days"}


def test_someone_elses_token_is_like_a_random_id(as_user, tenants, token_for):
    others = token_for("a_head", tenants.a)
    foreign = token_for("b_officer", tenants.b)
    api = as_user("a_officer")
    answers = [api.post("tenant-a", f"tokens/{tid}/revoke/") for tid in (others.token.pk, foreign.token.pk, RANDOM_ID)]
    assert {a.status for a in answers} == {404}
    assert len({a.raw for a in answers}) == 1
    assert api.get("tenant-a", "me/", token=others.secret).status == 200  # a_head's token is untouched


# --- audit -----------------------------------------------------------------------------------------------------
def test_audit_events_paginated(as_user):
    api = as_user("a_agency_admin")
    r = api.get("tenant-a", "audit/events/", {"page_size": 2})
    assert r.status == 200
    assert set(r.data) == {"count", "next", "previous", "results"}
    assert len(r.data["results"]) == 2 and r.data["next"]
    assert r.data["results"][0]["agency"] == "tenant-a"
    assert api.get("tenant-a", "audit/events/", {"page": 9999}).status == 404


def test_audit_events_filter_by_action(as_user):
    r = as_user("a_agency_admin").get("tenant-a", "audit/events/", {"action": "role.grant"})
    assert r.status == 200 and r.data["count"] >= 1
    assert {e["action"] for e in r.data["results"]} == {"role.grant"}


def test_auditor_reads_agencies_in_reach_only(as_user):
    api = as_user("d_auditor")
    r = api.get("test-district", "audit/events/", {"agency": "tenant-a"})
    assert r.status == 200, r.data
    assert {e["agency"] for e in r.data["results"]} == {"tenant-a"}
    out_of_reach = api.get("test-district", "audit/events/", {"agency": "tenant-c"})
    missing = api.get("test-district", "audit/events/", {"agency": "no-such-agency"})
    assert out_of_reach.status == missing.status == 404
    assert out_of_reach.raw == missing.raw


def test_agency_admin_cannot_read_another_agencys_audit(as_user):
    r = as_user("a_agency_admin").get("tenant-a", "audit/events/", {"agency": "tenant-b"})
    assert r.status == 404


# --- jobs ------------------------------------------------------------------------------------------------------
def test_jobs_diagnostics_and_detail(as_user, in_tenant, tenants):
    from tenants.services.jobs import job_enqueue

    api = as_user("a_agency_admin")
    r = api.post("tenant-a", "jobs/diagnostics/")
    assert r.status == 202, r.data
    assert r.data["kind"] == "diagnostics.noop"
    job_id = r.data["id"]
    r = api.get("tenant-a", f"jobs/{job_id}/")
    assert r.status == 200 and r.data["id"] == job_id
    assert api.get("tenant-a", "jobs/").data["count"] >= 1
    with in_tenant(tenants.b):
        foreign = job_enqueue(tenant_id=tenants.b.pk, kind="diagnostics.noop")
    r_foreign = api.get("tenant-a", f"jobs/{foreign.pk}/")
    r_random = api.get("tenant-a", f"jobs/{RANDOM_ID}/")
    assert r_foreign.status == 404 and r_foreign.raw == r_random.raw
    assert as_user("a_officer").post("tenant-a", "jobs/diagnostics/").status == 403
    assert as_user("a_officer").get("tenant-a", f"jobs/{job_id}/").status == 403


# --- supervision and creating agencies ----------------------------------------------------------------------------
def test_supervised(as_user):
    r = as_user("d_auditor").get("test-district", "supervised/")
    assert r.status == 200
    assert {a["slug"] for a in r.data} == {"tenant-a", "tenant-b"}
    assert as_user("a_agency_admin").get("tenant-a", "supervised/").status == 403


AGENCY = {
    "slug": "api-new-sao", "name_th": "องค์การบริหารส่วนตำบลใหม่", "kind": "sao", "province": "นครราชสีมา",
    "letter_code": "นม", "letter_number": "80199",
}


def test_agency_create(as_user):
    api = as_user("p_provincial_admin")
    r = api.post("test-province", "agencies/", AGENCY)
    assert r.status == 201, r.data
    assert r.data["slug"] == "api-new-sao"
    assert "api-new-sao" in {a["slug"] for a in api.get("test-province", "supervised/").data}
    again = api.post("test-province", "agencies/", AGENCY)
    assert again.status == 400 and again.data["error"]["field"] == "slug"


def test_agency_create_refusals(as_user):
    assert as_user("a_agency_admin").post("tenant-a", "agencies/", AGENCY).status == 403
    r = as_user("p_provincial_admin").post("test-province", "agencies/", {**AGENCY, "slug": "Bad Slug!", "kind": "x"})
    assert r.status == 400
    assert {"slug", "kind"} <= set(r.data["error"]["fields"])
