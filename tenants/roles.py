"""Roles and their reach: one explicit matrix (role x action -> scope).

This module is a *contract*: plain enums and data, no queries. ``docs/security.md`` prints the same
matrix (``tests/tenancy/test_roles_matrix.py`` checks the doc matches this code), and
``tenants.permissions`` is the only place that evaluates it.

Scopes, narrowest first:
- ``own``          items routed to or created by the actor;
- ``unit``         the actor's org unit (and the units below it);
- ``agency``       the acting agency;
- ``jurisdiction`` the acting agency and the agencies on its supervision list;
- ``system``       every agency (system administrators only).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CENTRAL_CLERK = "central_clerk", _("เจ้าหน้าที่สารบรรณกลาง")
    UNIT_CLERK = "unit_clerk", _("เจ้าหน้าที่ธุรการ (หน่วยงานย่อย)")
    OFFICER = "officer", _("เจ้าหน้าที่ผู้ปฏิบัติ")
    HEAD = "head", _("หัวหน้าส่วนราชการ/ผู้บริหาร")
    SECRET_REGISTRAR = "secret_registrar", _("นายทะเบียนข้อมูลข่าวสารลับ")
    AGENCY_ADMIN = "agency_admin", _("ผู้ดูแลระบบของหน่วยงาน")
    AUDITOR = "auditor", _("ผู้ตรวจสอบ")
    PROVINCIAL_ADMIN = "provincial_admin", _("ผู้ดูแลระบบระดับจังหวัด")
    SYSTEM_ADMIN = "system_admin", _("ผู้ดูแลระบบส่วนกลาง")


class Scope(models.TextChoices):
    OWN = "own", _("เฉพาะรายการของตน")
    UNIT = "unit", _("หน่วยงานย่อยของตน")
    AGENCY = "agency", _("ทั้งหน่วยงาน")
    JURISDICTION = "jurisdiction", _("หน่วยงานในกำกับดูแล")
    SYSTEM = "system", _("ทุกหน่วยงาน")


SCOPE_ORDER = [Scope.OWN, Scope.UNIT, Scope.AGENCY, Scope.JURISDICTION, Scope.SYSTEM]


class Action(models.TextChoices):
    HOME_VIEW = "home.view", _("เปิดหน้าหลักของหน่วยงาน")
    ORG_VIEW = "org.view", _("ดูโครงสร้างหน่วยงานและตำแหน่ง")
    ORG_MANAGE = "org.manage", _("จัดการหน่วยงานย่อยและตำแหน่ง")
    MEMBERS_VIEW = "members.view", _("ดูรายชื่อผู้ใช้ของหน่วยงาน")
    MEMBERS_MANAGE = "members.manage", _("จัดการผู้ใช้ สมาชิกภาพ และบทบาท")
    CALENDAR_VIEW = "calendar.view", _("ดูปฏิทินวันทำการและวันหยุด")
    CALENDAR_MANAGE = "calendar.manage", _("จัดการวันหยุด (ของหน่วยงาน; วันหยุดราชการ: ผู้ดูแลระบบส่วนกลาง)")
    TOKENS_OWN = "tokens.own", _("จัดการโทเค็น API ของตน")
    REGISTRY_CENTRAL_WRITE = "registry.central.write", _("ลงทะเบียนในทะเบียนกลาง (รับ/ส่ง)")
    REGISTRY_UNIT_WRITE = "registry.unit.write", _("ลงทะเบียนในทะเบียนของหน่วยงานย่อย")
    REGISTRY_READ = "registry.read", _("ค้นและอ่านทะเบียนหนังสือ")
    SECRET_REGISTER_MANAGE = "secret.manage", _("จัดการทะเบียนข้อมูลข่าวสารลับ")
    SECRET_REGISTER_METADATA = "secret.metadata", _("ดูทะเบียนลับเฉพาะเลขที่ วันที่ และสถานะ")
    ENDORSE = "letter.endorse", _("เกษียน/สั่งการ")
    ACT = "letter.act", _("ปฏิบัติตามที่ได้รับมอบหมาย")
    DRAFT_WRITE = "draft.write", _("ร่างหนังสือส่ง")
    AUDIT_VIEW = "audit.view", _("ดูบันทึกการตรวจสอบ (audit log)")
    AUDIT_VERIFY = "audit.verify", _("ตรวจความครบถ้วนของสายโซ่บันทึกการตรวจสอบ")
    JOBS_VIEW = "jobs.view", _("ดูสถานะงานเบื้องหลัง")
    AGENCY_CREATE = "agency.create", _("สร้างหน่วยงานใหม่")
    AGENCY_SUPPORT = "agency.support", _("ดูแลช่วยเหลือหน่วยงานในกำกับ")


R, S, A = Role, Scope, Action

MATRIX: dict[Action, dict[Role, Scope]] = {
    A.HOME_VIEW: dict.fromkeys(Role, S.AGENCY),
    A.ORG_VIEW: dict.fromkeys(Role, S.AGENCY) | {R.AUDITOR: S.JURISDICTION, R.PROVINCIAL_ADMIN: S.JURISDICTION},
    A.ORG_MANAGE: {R.AGENCY_ADMIN: S.AGENCY, R.PROVINCIAL_ADMIN: S.JURISDICTION, R.SYSTEM_ADMIN: S.SYSTEM},
    A.MEMBERS_VIEW: {
        R.AGENCY_ADMIN: S.AGENCY,
        R.HEAD: S.AGENCY,
        R.CENTRAL_CLERK: S.AGENCY,
        R.UNIT_CLERK: S.UNIT,
        R.PROVINCIAL_ADMIN: S.JURISDICTION,
        R.SYSTEM_ADMIN: S.SYSTEM,
    },
    A.MEMBERS_MANAGE: {R.AGENCY_ADMIN: S.AGENCY, R.PROVINCIAL_ADMIN: S.JURISDICTION, R.SYSTEM_ADMIN: S.SYSTEM},
    # Everyone reads the calendar; agency admins keep their agency's days, system admins the national list.
    A.CALENDAR_VIEW: dict.fromkeys(Role, S.AGENCY),
    A.CALENDAR_MANAGE: {R.AGENCY_ADMIN: S.AGENCY, R.SYSTEM_ADMIN: S.SYSTEM},
    A.TOKENS_OWN: dict.fromkeys(Role, S.OWN),
    A.REGISTRY_CENTRAL_WRITE: {R.CENTRAL_CLERK: S.AGENCY},
    A.REGISTRY_UNIT_WRITE: {R.UNIT_CLERK: S.UNIT, R.CENTRAL_CLERK: S.AGENCY},
    A.REGISTRY_READ: {
        R.CENTRAL_CLERK: S.AGENCY,
        R.UNIT_CLERK: S.UNIT,
        R.OFFICER: S.OWN,
        R.HEAD: S.AGENCY,
        R.SECRET_REGISTRAR: S.AGENCY,
        R.AUDITOR: S.JURISDICTION,
    },
    A.SECRET_REGISTER_MANAGE: {R.SECRET_REGISTRAR: S.AGENCY},
    A.SECRET_REGISTER_METADATA: {R.SECRET_REGISTRAR: S.AGENCY, R.AUDITOR: S.JURISDICTION},
    A.ENDORSE: {R.HEAD: S.AGENCY},
    A.ACT: {R.OFFICER: S.OWN, R.UNIT_CLERK: S.UNIT, R.HEAD: S.AGENCY},
    # Drafting outgoing letters: an officer sees their own drafts, a unit clerk the unit's, the central
    # desk and heads the agency's. Reviewers reach a draft through its review steps at their posts.
    A.DRAFT_WRITE: {R.OFFICER: S.OWN, R.UNIT_CLERK: S.UNIT, R.HEAD: S.AGENCY, R.CENTRAL_CLERK: S.AGENCY},
    A.AUDIT_VIEW: {R.AGENCY_ADMIN: S.AGENCY, R.AUDITOR: S.JURISDICTION, R.SYSTEM_ADMIN: S.SYSTEM},
    A.AUDIT_VERIFY: {R.AUDITOR: S.JURISDICTION, R.SYSTEM_ADMIN: S.SYSTEM},
    A.JOBS_VIEW: {R.AGENCY_ADMIN: S.AGENCY, R.SYSTEM_ADMIN: S.SYSTEM},
    A.AGENCY_CREATE: {R.PROVINCIAL_ADMIN: S.JURISDICTION, R.SYSTEM_ADMIN: S.SYSTEM},
    A.AGENCY_SUPPORT: {R.PROVINCIAL_ADMIN: S.JURISDICTION, R.SYSTEM_ADMIN: S.SYSTEM},
}

# Roles whose read reach extends over the supervision list (they read, never write, there).
JURISDICTION_READERS = frozenset({Role.AUDITOR, Role.PROVINCIAL_ADMIN})
# Roles that never write tenant data of the domain (read-only roles).
READ_ONLY_ROLES = frozenset({Role.AUDITOR})


def scope_for(role: Role | str, action: Action | str) -> Scope | None:
    return MATRIX.get(Action(action), {}).get(Role(role))
