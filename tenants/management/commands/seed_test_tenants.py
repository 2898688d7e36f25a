"""Seed the committed two-tenant fixture the test suite runs on (run as the owner role by
tests/conftest.py). Idempotent: does nothing when the fixture is already there.

Agencies: test-province (provincial office) supervises test-district; test-district (ที่ว่าการอำเภอ)
supervises tenant-a and tenant-b; tenant-c is outside test-district's reach. tenant-a and tenant-b
each have one user per agency role; ``multi`` is central clerk in both A and B.
Every password is ``TEST_PASSWORD``.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand
from django.db import transaction

from tenants.context import tenant_scope
from tenants.models import Agency
from tenants.roles import Role
from tenants.services import org

TEST_PASSWORD = "test-password-123"
AGENCY_ROLES = [
    Role.CENTRAL_CLERK, Role.UNIT_CLERK, Role.OFFICER, Role.HEAD, Role.SECRET_REGISTRAR, Role.AGENCY_ADMIN,
]


def _user(username: str, first: str, **kw):  # type: ignore[no-untyped-def]
    return org.user_create(
        username=username, password=TEST_PASSWORD, title_th="นาย", first_name_th=first, last_name_th="ทดสอบ",
        first_name=username, last_name="Test", skip_password_validation=True, **kw,
    )


def _sao(slug: str, name: str, number: str, prefix: str, supervisor: Agency) -> Agency:
    agency = org.agency_create(
        actor=None, slug=slug, name_th=name, name_en=slug, kind="sao", province="นครราชสีมา", district="ทดสอบ",
        letter_code="นม", letter_number=number, saraban_email=f"saraban@{slug}.go.th", supervisor_id=supervisor.pk,
    )
    with tenant_scope(agency.pk):
        office = org.org_unit_create(tenant_id=agency.pk, actor=None, name_th="สำนักปลัด", kind="office", unit_number="1")
        finance = org.org_unit_create(tenant_id=agency.pk, actor=None, name_th="กองคลัง", kind="division", unit_number="2")
        palad = org.position_create(tenant_id=agency.pk, actor=None, title_th=f"ปลัด{name}", unit=office, is_executive=True,
                                    line_position="นักบริหารงานท้องถิ่น", level="ระดับกลาง")
        org.position_create(tenant_id=agency.pk, actor=None, title_th=f"นายก{name}", is_elected=True, is_executive=True)
        org.position_create(tenant_id=agency.pk, actor=None, title_th="ผู้อำนวยการกองคลัง", unit=finance,
                            line_position="นักบริหารงานการคลัง", level="ระดับต้น")
        org.role_grant(tenant_id=agency.pk, actor=None, role=Role.HEAD, position=palad)
        for role in AGENCY_ROLES:
            user = _user(f"{prefix}_{role.value}", f"{prefix.upper()}-{role.value}")
            unit = finance if role in (Role.UNIT_CLERK, Role.OFFICER) else office
            m = org.membership_create(tenant_id=agency.pk, actor=None, user=user, unit=unit)
            if role == Role.HEAD:
                org.position_assign(tenant_id=agency.pk, actor=None, position=palad, membership=m, starts_on=dt.date(2020, 1, 1))
            else:
                org.role_grant(tenant_id=agency.pk, actor=None, membership=m, role=role,
                               unit=unit if role == Role.UNIT_CLERK else None)
    org.agency_provision(agency=agency)
    return agency


class Command(BaseCommand):
    help = "Seed the committed test tenants (idempotent)."

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        if Agency.objects.filter(slug="tenant-a").exists():
            self.stdout.write("test tenants already seeded")
            return
        with transaction.atomic():
            province = org.agency_create(
                actor=None, slug="test-province", name_th="สำนักงานจังหวัดทดสอบ", kind="provincial_office",
                province="นครราชสีมา", letter_code="นม", letter_number="0017",
            )
            district = org.agency_create(
                actor=None, slug="test-district", name_th="ที่ว่าการอำเภอทดสอบ", kind="district_office",
                province="นครราชสีมา", district="ทดสอบ", letter_code="นม", letter_number="0117", supervisor_id=province.pk,
            )
            a = _sao("tenant-a", "องค์การบริหารส่วนตำบลเอ", "80101", "a", district)
            b = _sao("tenant-b", "องค์การบริหารส่วนตำบลบี", "80102", "b", district)
            c = _sao("tenant-c", "องค์การบริหารส่วนตำบลซี", "80103", "c", province)
            with tenant_scope(district.pk):
                u = _user("d_auditor", "ผู้ตรวจสอบ")
                m = org.membership_create(tenant_id=district.pk, actor=None, user=u)
                org.role_grant(tenant_id=district.pk, actor=None, membership=m, role=Role.AUDITOR)
            with tenant_scope(province.pk):
                u = _user("p_provincial_admin", "ผู้ดูแลจังหวัด")
                m = org.membership_create(tenant_id=province.pk, actor=None, user=u)
                org.role_grant(tenant_id=province.pk, actor=None, membership=m, role=Role.PROVINCIAL_ADMIN)
                u = _user("s_system_admin", "ผู้ดูแลระบบ", is_system_admin=True)
                m = org.membership_create(tenant_id=province.pk, actor=None, user=u)
            multi = _user("multi", "หลายหน่วยงาน")
            for agency in (a, b):
                with tenant_scope(agency.pk):
                    m = org.membership_create(tenant_id=agency.pk, actor=None, user=multi)
                    org.role_grant(tenant_id=agency.pk, actor=None, membership=m, role=Role.CENTRAL_CLERK)
            del c
        self.stdout.write("seeded test tenants")
