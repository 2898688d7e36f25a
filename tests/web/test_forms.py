"""Forms: create and revoke through the services, audited; refusals keep what was typed (400)."""

from __future__ import annotations

import pytest

from tests.web.conftest import DBS, body

pytestmark = pytest.mark.django_db(databases=DBS)


def _audited(in_tenant, agency, action: str) -> int:  # type: ignore[no-untyped-def]
    from tenants.models import AuditEvent

    with in_tenant(agency):
        return AuditEvent.objects.filter(tenant_id=agency.pk, action=action).count()


def test_org_unit_create_and_duplicate(client, login, tenants, in_tenant):
    from tenants.models import OrgUnit

    login("a_agency_admin")
    before = _audited(in_tenant, tenants.a, "org_unit.create")
    r = client.post("/a/tenant-a/org/units/", {"_agency": "tenant-a", "name_th": "กองช่างทดสอบ", "kind": "division"})
    assert r.status_code == 302
    with in_tenant(tenants.a):
        assert OrgUnit.objects.filter(tenant_id=tenants.a.pk, name_th="กองช่างทดสอบ").exists()
    assert _audited(in_tenant, tenants.a, "org_unit.create") == before + 1
    assert "กองช่างทดสอบ" in body(client.get(r["Location"]))

    r = client.post("/a/tenant-a/org/units/", {"_agency": "tenant-a", "name_th": "กองช่างทดสอบ", "kind": "division",
                                               "phone": "044-000-111"})
    assert r.status_code == 400
    html = body(r)
    assert "มีหน่วยงานย่อยชื่อนี้แล้ว" in html
    assert "A unit with this name already exists here." in html
    assert 'value="044-000-111"' in html  # nothing the user typed is lost


def test_org_unit_create_refused_for_officer(client, login, tenants, in_tenant):
    from tenants.models import OrgUnit

    login("a_officer")
    r = client.post("/a/tenant-a/org/units/", {"_agency": "tenant-a", "name_th": "หน่วยลับ", "kind": "division"})
    assert r.status_code == 403
    with in_tenant(tenants.a):
        assert not OrgUnit.objects.filter(tenant_id=tenants.a.pk, name_th="หน่วยลับ").exists()


def test_post_without_agency_field_is_refused(client, login, tenants):
    login("a_agency_admin")
    r = client.post("/a/tenant-a/org/units/", {"name_th": "ไม่มีฟิลด์หน่วยงาน", "kind": "division"})
    assert r.status_code == 400


def test_position_create(client, login, tenants, in_tenant):
    from tenants.models import OrgUnit, Position

    with in_tenant(tenants.a):
        unit = OrgUnit.objects.get(tenant_id=tenants.a.pk, name_th="กองคลัง")
    login("a_agency_admin")
    r = client.post("/a/tenant-a/org/positions/", {
        "_agency": "tenant-a", "title_th": "นักวิชาการเงินและบัญชีทดสอบ", "unit": str(unit.pk), "level": "ปฏิบัติการ",
    })
    assert r.status_code == 302
    with in_tenant(tenants.a):
        pos = Position.objects.get(tenant_id=tenants.a.pk, title_th="นักวิชาการเงินและบัญชีทดสอบ")
    assert pos.unit_id == unit.pk
    assert _audited(in_tenant, tenants.a, "position.create") >= 1
    r = client.post("/a/tenant-a/org/positions/", {"_agency": "tenant-a", "title_th": "   ", "level": "ชำนาญการ"})
    assert r.status_code == 400
    assert 'value="ชำนาญการ"' in body(r)


def test_member_create_and_revoke(client, login, tenants, in_tenant):
    from tenants.models import Membership

    login("a_agency_admin")
    r = client.post("/a/tenant-a/members/", {
        "_agency": "tenant-a", "username": "web_new_clerk", "password": "a-long-enough-pass-9876",
        "title_th": "นางสาว", "first_name_th": "ใจดี", "last_name_th": "ทดสอบ", "role": "central_clerk",
    })
    assert r.status_code == 302, body(r)[:3000]
    with in_tenant(tenants.a):
        m = Membership.objects.select_related("user").get(tenant_id=tenants.a.pk, user__username="web_new_clerk")
    assert _audited(in_tenant, tenants.a, "membership.create") >= 1
    assert _audited(in_tenant, tenants.a, "role.grant") >= 1
    detail = body(client.get(f"/a/tenant-a/members/{m.pk}/"))
    assert "นางสาวใจดี ทดสอบ" in detail and "เจ้าหน้าที่สารบรรณกลาง" in detail

    # reason required
    r = client.post(f"/a/tenant-a/members/{m.pk}/", {"_agency": "tenant-a", "reason": ""})
    assert r.status_code == 400
    r = client.post(f"/a/tenant-a/members/{m.pk}/", {"_agency": "tenant-a", "reason": "ย้ายไปสังกัดอื่น"})
    assert r.status_code == 302
    with in_tenant(tenants.a):
        m.refresh_from_db()
    assert not m.is_active and m.revoked_reason == "ย้ายไปสังกัดอื่น"
    assert _audited(in_tenant, tenants.a, "membership.revoke") >= 1


def test_member_create_taken_username_keeps_input(client, login, tenants):
    login("a_agency_admin")
    r = client.post("/a/tenant-a/members/", {
        "_agency": "tenant-a", "username": "a_officer", "password": "a-long-enough-pass-9876",
        "first_name_th": "ซ้ำ", "last_name_th": "ชื่อผู้ใช้", "role": "officer",
    })
    assert r.status_code == 400
    html = body(r)
    assert "มีชื่อผู้ใช้นี้แล้ว" in html and "That username is taken." in html
    assert 'value="ชื่อผู้ใช้"' in html


def test_member_revoke_refused_for_head(client, login, tenants, in_tenant):
    from tenants.models import Membership

    with in_tenant(tenants.a):
        m = Membership.objects.get(tenant_id=tenants.a.pk, user__username="a_officer")
    login("a_head")
    assert client.get(f"/a/tenant-a/members/{m.pk}/").status_code == 200
    r = client.post(f"/a/tenant-a/members/{m.pk}/", {"_agency": "tenant-a", "reason": "ไม่มีสิทธิ์"})
    assert r.status_code == 403


def test_tokens_create_shows_secret_once_and_revoke(client, login, tenants, in_tenant):
    from tenants.models import ApiToken

    login("a_officer")
    r = client.post("/a/tenant-a/tokens/", {"_agency": "tenant-a", "name": "ระบบทดสอบ", "days": "30"})
    assert r.status_code == 200
    html = body(r)
    assert "eo_" in html and "ระบบจะไม่แสดงให้เห็นอีก" in html
    assert "no-store" in r["Cache-Control"]
    with in_tenant(tenants.a):
        tok = ApiToken.objects.get(tenant_id=tenants.a.pk, name="ระบบทดสอบ")
    secret_part = html.split('id="issued-secret"')[1].split('value="')[1].split('"')[0]
    assert tok.key_id in secret_part
    assert secret_part not in body(client.get("/a/tenant-a/tokens/"))  # shown once only
    assert _audited(in_tenant, tenants.a, "api_token.create") >= 1

    r = client.post(f"/a/tenant-a/tokens/{tok.pk}/revoke/", {"_agency": "tenant-a"})
    assert r.status_code == 302
    with in_tenant(tenants.a):
        tok.refresh_from_db()
    assert tok.revoked_at is not None
    assert _audited(in_tenant, tenants.a, "api_token.revoke") >= 1


def test_token_of_someone_else_is_not_found(client, login, tenants, in_tenant):
    from tenants.models import Membership
    from tenants.services.tokens import api_token_create

    with in_tenant(tenants.a):
        m = Membership.objects.get(tenant_id=tenants.a.pk, user__username="a_head")
        issued = api_token_create(tenant_id=tenants.a.pk, actor_id=m.user_id, membership=m, name="ของหัวหน้า")
    login("a_officer")
    r = client.post(f"/a/tenant-a/tokens/{issued.token.pk}/revoke/", {"_agency": "tenant-a"})
    assert r.status_code == 404


def test_jobs_diagnostics_enqueues_and_status_fragment(client, login, tenants, in_tenant):
    from tenants.models import Job

    login("a_agency_admin")
    r = client.post("/a/tenant-a/jobs/diagnostics/", {"_agency": "tenant-a"})
    assert r.status_code == 302
    with in_tenant(tenants.a):
        job = Job.objects.filter(tenant_id=tenants.a.pk, kind="diagnostics.noop").latest("pk")
    r = client.post("/a/tenant-a/jobs/diagnostics/", HTTP_HX_REQUEST="true", HTTP_X_EOFFICE_AGENCY="tenant-a")
    assert r.status_code == 200
    assert "hx-get" in body(r) and "รอส่งเข้าคิว" in body(r)
    r = client.get(f"/a/tenant-a/jobs/{job.pk}/status/")
    assert r.status_code == 200 and "รอส่งเข้าคิว" in body(r)
    jobs_page = body(client.get("/a/tenant-a/jobs/"))
    assert f"<th scope=\"row\">{job.pk}</th>" in jobs_page


def test_agency_create_by_provincial_admin(client, login, tenants):
    from tenants.models import Agency, Supervision

    login("p_provincial_admin")
    data = {
        "_agency": "test-province", "slug": "web-new-sao", "name_th": "องค์การบริหารส่วนตำบลทดสอบเว็บ", "kind": "sao",
        "province": "นครราชสีมา", "district": "เมือง", "letter_code": "นม", "letter_number": "80199",
    }
    r = client.post("/a/test-province/agencies/new/", data)
    assert r.status_code == 302, body(r)[:3000]
    new = Agency.objects.get(slug="web-new-sao")
    assert Supervision.objects.filter(supervisor=tenants.province, supervised=new).exists()
    r = client.post("/a/test-province/agencies/new/", {**data, "slug": "Bad Slug!"})
    assert r.status_code == 400
    assert "The URL name may use a-z" in body(r)
    assert "องค์การบริหารส่วนตำบลทดสอบเว็บ" in body(r)


def test_audit_log_filter_and_reach(client, login, tenants):
    login("d_auditor")
    assert client.get("/a/test-district/audit/").status_code == 200
    r = client.get("/a/test-district/audit/?agency=tenant-a")
    assert r.status_code == 200 and "องค์การบริหารส่วนตำบลเอ" in body(r)
    assert client.get("/a/test-district/audit/?agency=tenant-c").status_code == 404  # outside reach
    assert client.get("/a/test-district/audit/?agency=no-such-agency").status_code == 404
    client.logout()
    login("a_agency_admin")
    assert client.get("/a/tenant-a/audit/?agency=tenant-b").status_code == 404
    r = client.get("/a/tenant-a/audit/?action=org_unit.create")
    assert r.status_code == 200
