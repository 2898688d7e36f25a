"""Every agency page renders for a role allowed to see it and refuses (403) a role that is not."""

from __future__ import annotations

import pytest

from tests.web.conftest import DBS, body, h1_of

pytestmark = pytest.mark.django_db(databases=DBS)


def _ids(in_tenant, agency):  # type: ignore[no-untyped-def]
    from tenants.models import Job, Membership, OrgUnit, Position

    with in_tenant(agency):
        unit = OrgUnit.objects.get(tenant_id=agency.pk, name_th="กองคลัง")
        pos = Position.objects.filter(tenant_id=agency.pk, title_th__startswith="ปลัด").first()
        prefix = agency.slug[-1]
        member = Membership.objects.get(tenant_id=agency.pk, user__username=f"{prefix}_officer")
        job = Job.objects.create(tenant_id=agency.pk, kind="diagnostics.noop")
    return {"unit": unit.pk, "pos": pos.pk, "member": member.pk, "job": job.pk}


PAGES = [
    # (path template, allowed user, expected text, refused user or None)
    ("", "a_officer", "งานของฉัน", None),
    ("org/units/", "a_officer", "กองคลัง", None),
    ("org/units/{unit}/", "a_unit_clerk", "กองคลัง", None),
    ("org/positions/", "a_head", "ผู้อำนวยการกองคลัง", None),
    ("org/positions/{pos}/", "a_central_clerk", "ผู้ดำรงตำแหน่งวันนี้", None),
    ("members/", "a_agency_admin", "สร้างผู้ใช้และเพิ่มเป็นสมาชิก", "a_officer"),
    ("members/", "a_head", "ผู้ใช้งาน", "a_secret_registrar"),
    ("members/{member}/", "a_agency_admin", "เพิกถอนสมาชิกภาพ", "a_officer"),
    ("audit/", "a_agency_admin", "บันทึกการตรวจสอบ", "a_head"),
    ("jobs/", "a_agency_admin", "ส่งงานตรวจระบบ", "a_central_clerk"),
    ("jobs/{job}/status/", "a_agency_admin", "สถานะ:", "a_officer"),
    ("tokens/", "a_officer", "สร้างโทเค็นใหม่", None),
    ("calendar/", "a_officer", "ปฏิทินวันทำการ", None),
    ("calendar/", "a_agency_admin", "เพิ่มวันของหน่วยงาน", None),
]


@pytest.mark.parametrize(("path", "allowed", "text", "refused"), PAGES)
def test_agency_page_allowed_and_refused(client, login, tenants, in_tenant, path, allowed, text, refused):
    url = "/a/tenant-a/" + path.format(**_ids(in_tenant, tenants.a))
    login(allowed)
    r = client.get(url)
    assert r.status_code == 200, body(r)[:2000]
    assert text in body(r)
    if "status/" not in path:
        assert body(r).count("<h1") == 1
    if refused:
        client.logout()
        login(refused)
        r = client.get(url)
        assert r.status_code == 403
        assert "คุณไม่มีสิทธิ์" in h1_of(r)
        assert 'lang="en"' in body(r)


@pytest.mark.parametrize(("username", "slug", "text", "absent"), [
    ("a_central_clerk", "tenant-a", "ทะเบียนหนังสือรับและหนังสือส่งของหน่วยงาน (สารบรรณกลาง)", "ดูแลระบบของหน่วยงาน"),
    ("a_unit_clerk", "tenant-a", "ทะเบียนหนังสือรับและหนังสือส่งของหน่วยงานย่อยของคุณ", "ดูแลระบบของหน่วยงาน"),
    ("a_head", "tenant-a", "ปลัดองค์การบริหารส่วนตำบลเอ", "ดูแลระบบของหน่วยงาน"),
    ("a_secret_registrar", "tenant-a", "ทะเบียนข้อมูลข่าวสารลับของหน่วยงาน", "หน่วยงานในกำกับ"),
    ("a_agency_admin", "tenant-a", "ดูแลระบบของหน่วยงาน", "งานของฉัน"),
    ("d_auditor", "test-district", "องค์การบริหารส่วนตำบลบี", "ดูแลระบบของหน่วยงาน"),
    ("p_provincial_admin", "test-province", "สร้างหน่วยงานใหม่", "หน่วยงานทั้งหมดในระบบ"),
    ("s_system_admin", "test-province", "หน่วยงานทั้งหมดในระบบ", "งานของฉัน"),
])
def test_home_per_role(client, login, tenants, username, slug, text, absent):
    login(username)
    r = client.get(f"/a/{slug}/")
    assert r.status_code == 200
    assert text in body(r)
    assert absent not in body(r)


def test_system_admin_home_lists_every_agency(client, login, tenants):
    login("s_system_admin")
    html = body(client.get("/a/test-province/"))
    for name in ("องค์การบริหารส่วนตำบลเอ", "องค์การบริหารส่วนตำบลซี", "ที่ว่าการอำเภอทดสอบ"):
        assert name in html


def test_supervised_agencies(client, login, tenants):
    login("d_auditor")
    r = client.get("/a/test-district/supervised/")
    assert r.status_code == 200
    assert "องค์การบริหารส่วนตำบลเอ" in body(r) and "องค์การบริหารส่วนตำบลบี" in body(r)
    assert "องค์การบริหารส่วนตำบลซี" not in body(r)
    client.logout()
    login("a_agency_admin")
    assert client.get("/a/tenant-a/supervised/").status_code == 403


def test_agency_create_page_refused_for_auditor(client, login, tenants):
    login("p_provincial_admin")
    assert client.get("/a/test-province/agencies/new/").status_code == 200
    client.logout()
    login("d_auditor")
    assert client.get("/a/test-district/agencies/new/").status_code == 403


def test_unit_clerk_sees_only_own_unit_members(client, login, tenants, in_tenant):
    from tenants.models import Membership

    login("a_unit_clerk")
    r = client.get("/a/tenant-a/members/")
    assert r.status_code == 200
    assert "A-officer" in body(r)  # กองคลัง, like the unit clerk
    assert "A-agency_admin" not in body(r)  # สำนักปลัด
    with in_tenant(tenants.a):
        admin = Membership.objects.get(tenant_id=tenants.a.pk, user__username="a_agency_admin")
    assert client.get(f"/a/tenant-a/members/{admin.pk}/").status_code == 404


def test_other_tenants_object_is_not_found(client, login, tenants, in_tenant):
    ids_b = _ids(in_tenant, tenants.b)
    login("a_agency_admin")
    for path in (f"org/units/{ids_b['unit']}/", f"org/positions/{ids_b['pos']}/", f"members/{ids_b['member']}/",
                 f"jobs/{ids_b['job']}/status/"):
        r = client.get("/a/tenant-a/" + path)
        assert r.status_code == 404, path
        assert "ไม่พบ" in h1_of(r)


def test_not_a_member_is_refused(client, login, tenants):
    login("a_officer")
    r = client.get("/a/tenant-b/")
    assert r.status_code == 403


def test_org_tree_is_indented(client, login, tenants, in_tenant):
    from tenants.models import OrgUnit
    from tenants.services import org

    with in_tenant(tenants.a):
        parent = OrgUnit.objects.get(tenant_id=tenants.a.pk, name_th="กองคลัง")
        org.org_unit_create(tenant_id=tenants.a.pk, actor=None, name_th="ฝ่ายพัสดุทดสอบ", kind="section", parent=parent)
    login("a_officer")
    html = body(client.get("/a/tenant-a/org/units/"))
    assert 'class="eo-depth-1"' in html
    assert html.index("กองคลัง") < html.index("ฝ่ายพัสดุทดสอบ")
    assert "เพิ่มหน่วยงานย่อย" not in html  # officers read; only admins create
