"""Agencies, org units, positions, people: provisioning writes (agency admins, provincial admins,
system admins, and the demo/test seeders go through these)."""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from eoffice.common.exceptions import ApplicationError, PermissionDeniedInTenant
from tenants.context import tenant_scope
from tenants.models import (
    Agency,
    AgencyKind,
    AssignmentKind,
    Membership,
    OrgUnit,
    Position,
    PositionAssignment,
    RoleGrant,
    Supervision,
    User,
)
from tenants.permissions import Actor
from tenants.roles import Action, Role
from tenants.services.audit import audit_record

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")


def agency_create(
    *,
    actor: Actor | None,
    slug: str,
    name_th: str,
    kind: str,
    province: str,
    letter_code: str,
    letter_number: str,
    name_en: str = "",
    district: str = "",
    saraban_email: str = "",
    supervisor_id: int | None = None,
) -> Agency:
    """Create an agency. ``actor`` None is the bootstrap path (demo/test seeders run from the shell).

    A provincial admin creates agencies under its own supervision (the new agency joins its
    supervision list); the act is audited in the creator's chain and opens the new agency's chain.
    """
    if actor is not None and not actor.can(Action.AGENCY_CREATE):
        raise PermissionDeniedInTenant()
    if not _SLUG.match(slug or ""):
        raise ApplicationError(
            "ชื่อย่อในลิงก์ใช้ได้เฉพาะ a-z 0-9 และ - (2-63 ตัว)", "The URL name may use a-z, 0-9 and - (2-63 characters).", field="slug"
        )
    if kind not in AgencyKind.values:
        raise ApplicationError("ประเภทหน่วยงานไม่ถูกต้อง", "Unknown agency kind.", field="kind")
    if not name_th.strip() or not letter_code.strip() or not letter_number.strip():
        raise ApplicationError("กรุณากรอกชื่อหน่วยงาน รหัสพยัญชนะ และเลขประจำส่วนราชการ", "Name, letter code and number are required.")
    if actor is not None and Role.SYSTEM_ADMIN not in actor.roles:
        supervisor_id = actor.agency_id  # a provincial admin creates only within its own supervision
    with transaction.atomic():
        try:
            with transaction.atomic():
                agency = Agency.objects.create(
                    slug=slug, name_th=name_th.strip(), name_en=name_en.strip(), kind=kind, province=province.strip(),
                    district=district.strip(), letter_code=letter_code.strip(), letter_number=letter_number.strip(),
                    saraban_email=saraban_email.strip(),
                )
        except IntegrityError as exc:
            raise ApplicationError("มีหน่วยงานที่ใช้ชื่อย่อนี้แล้ว", "An agency with this URL name already exists.", field="slug") from exc
        if supervisor_id is not None:
            Supervision.objects.create(supervisor_id=supervisor_id, supervised=agency)
        if actor is not None:
            audit_record(
                tenant_id=actor.agency_id, actor_id=actor.user_id, action="agency.create", object_type="agency",
                object_id=agency.pk, changes={"slug": slug},
            )
        with tenant_scope(agency.pk):
            audit_record(
                tenant_id=agency.pk, actor_id=actor.user_id if actor else None, action="agency.created",
                object_type="agency", object_id=agency.pk,
                changes={"by_agency": actor.agency_id if actor else None},
            )
        agency_provision(agency=agency)
    return agency


def agency_provision(*, agency: Agency) -> None:
    """Run the configured provisioners (``settings.EOFFICE_AGENCY_PROVISIONERS``, e.g. the registry's
    standard books) for an agency, in its scope. Each is idempotent: seeders call this again after
    adding units, so a unit's incoming book exists too."""
    with tenant_scope(agency.pk):
        for path in settings.EOFFICE_AGENCY_PROVISIONERS:
            import_string(path)(tenant_id=agency.pk, agency=agency)


def supervision_add(*, supervisor: Agency, supervised: Agency) -> Supervision:
    obj, _ = Supervision.objects.get_or_create(supervisor=supervisor, supervised=supervised)
    return obj


def _require(actor: Actor | None, action: Action) -> None:
    if actor is not None and not actor.can(action):
        raise PermissionDeniedInTenant()


def org_unit_create(
    *, tenant_id: int, actor: Actor | None, name_th: str, kind: str = "division", parent: OrgUnit | None = None,
    unit_number: str = "", name_en: str = "", phone: str = "", sort_order: int = 0,
) -> OrgUnit:
    _require(actor, Action.ORG_MANAGE)
    if not name_th.strip():
        raise ApplicationError("กรุณากรอกชื่อหน่วยงานย่อย", "The unit needs a name.", field="name_th")
    if parent is not None and parent.tenant_id != tenant_id:
        raise ApplicationError("ไม่พบหน่วยงานแม่", "Parent unit not found.", field="parent")
    with transaction.atomic():
        try:
            with transaction.atomic():
                unit = OrgUnit.objects.create(
                    tenant_id=tenant_id, parent=parent, name_th=name_th.strip(), kind=kind, unit_number=unit_number,
                    name_en=name_en, phone=phone, sort_order=sort_order,
                )
        except IntegrityError as exc:
            raise ApplicationError("มีหน่วยงานย่อยชื่อนี้แล้ว", "A unit with this name already exists here.", field="name_th") from exc
        audit_record(
            tenant_id=tenant_id, actor_id=actor.user_id if actor else None, action="org_unit.create",
            object_type="org_unit", object_id=unit.pk,
        )
    return unit


def position_create(
    *, tenant_id: int, actor: Actor | None, title_th: str, unit: OrgUnit | None = None, line_position: str = "",
    level: str = "", is_elected: bool = False, is_executive: bool = False, title_en: str = "", sort_order: int = 0,
) -> Position:
    _require(actor, Action.ORG_MANAGE)
    if not title_th.strip():
        raise ApplicationError("กรุณากรอกชื่อตำแหน่ง", "The position needs a title.", field="title_th")
    if unit is not None and unit.tenant_id != tenant_id:
        raise ApplicationError("ไม่พบหน่วยงานย่อย", "Unit not found.", field="unit")
    with transaction.atomic():
        pos = Position.objects.create(
            tenant_id=tenant_id, unit=unit, title_th=title_th.strip(), title_en=title_en, line_position=line_position,
            level=level, is_elected=is_elected, is_executive=is_executive, sort_order=sort_order,
        )
        audit_record(
            tenant_id=tenant_id, actor_id=actor.user_id if actor else None, action="position.create",
            object_type="position", object_id=pos.pk,
        )
    return pos


def user_create(
    *, username: str, password: str | None, title_th: str = "", first_name_th: str = "", last_name_th: str = "",
    first_name: str = "", last_name: str = "", email: str = "", is_system_admin: bool = False,
    skip_password_validation: bool = False,
) -> User:
    username = (username or "").strip()
    if not username:
        raise ApplicationError("กรุณากรอกชื่อผู้ใช้", "Username is required.", field="username")
    if User.objects.filter(username__iexact=username).exists():
        raise ApplicationError("มีชื่อผู้ใช้นี้แล้ว", "That username is taken.", field="username")
    user = User(
        username=username, title_th=title_th, first_name_th=first_name_th, last_name_th=last_name_th,
        first_name=first_name, last_name=last_name, email=email, is_system_admin=is_system_admin,
    )
    if password:
        if not skip_password_validation:
            try:
                validate_password(password, user)
            except ValidationError as exc:
                raise ApplicationError("รหัสผ่านไม่ปลอดภัยพอ: " + " ".join(exc.messages), "Password too weak: " + " ".join(exc.messages), field="password") from exc
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    return user


def membership_create(
    *, tenant_id: int, actor: Actor | None, user: User, unit: OrgUnit | None = None, roles: list[str] | None = None
) -> Membership:
    _require(actor, Action.MEMBERS_MANAGE)
    if unit is not None and unit.tenant_id != tenant_id:
        raise ApplicationError("ไม่พบหน่วยงานย่อย", "Unit not found.", field="unit")
    with transaction.atomic():
        try:
            with transaction.atomic():
                m = Membership.objects.create(tenant_id=tenant_id, user=user, unit=unit)
        except IntegrityError as exc:
            raise ApplicationError("ผู้ใช้นี้เป็นสมาชิกของหน่วยงานอยู่แล้ว", "This user is already a member.") from exc
        for role in roles or []:
            role_grant(tenant_id=tenant_id, actor=actor, membership=m, role=role)
        audit_record(
            tenant_id=tenant_id, actor_id=actor.user_id if actor else None, action="membership.create",
            object_type="membership", object_id=m.pk, changes={"user_id": user.pk},
        )
    return m


def membership_revoke(*, tenant_id: int, actor: Actor | None, membership: Membership, reason: str) -> Membership:
    _require(actor, Action.MEMBERS_MANAGE)
    if not reason.strip():
        raise ApplicationError("กรุณาระบุเหตุผล", "Give a reason.", field="reason")
    with transaction.atomic():
        membership.is_active = False
        membership.revoked_at = timezone.now()
        membership.revoked_reason = reason.strip()[:255]
        membership.save(update_fields=["is_active", "revoked_at", "revoked_reason"])
        audit_record(
            tenant_id=tenant_id, actor_id=actor.user_id if actor else None, action="membership.revoke",
            object_type="membership", object_id=membership.pk,
        )
    return membership


def role_grant(
    *, tenant_id: int, actor: Actor | None, role: str, membership: Membership | None = None,
    position: Position | None = None, unit: OrgUnit | None = None,
) -> RoleGrant:
    _require(actor, Action.MEMBERS_MANAGE)
    if role not in Role.values:
        raise ApplicationError("บทบาทไม่ถูกต้อง", "Unknown role.", field="role")
    if role in (Role.SYSTEM_ADMIN,):
        raise ApplicationError("บทบาทนี้กำหนดได้เฉพาะผู้ดูแลระบบส่วนกลาง", "This role is set by system administrators only.", field="role")
    for obj in (membership, position, unit):
        if obj is not None and obj.tenant_id != tenant_id:
            raise ApplicationError("ไม่พบรายการที่อ้างถึง", "Referenced item not found.")
    with transaction.atomic():
        grant = RoleGrant.objects.create(tenant_id=tenant_id, membership=membership, position=position, role=role, unit=unit)
        audit_record(
            tenant_id=tenant_id, actor_id=actor.user_id if actor else None, action="role.grant", object_type="role_grant",
            object_id=grant.pk, changes={"role": role},
        )
    return grant


def position_assign(
    *, tenant_id: int, actor: Actor | None, position: Position, membership: Membership, starts_on: dt.date,
    ends_on: dt.date | None = None, kind: str = AssignmentKind.HOLDER, order_reference: str = "",
) -> PositionAssignment:
    _require(actor, Action.MEMBERS_MANAGE)
    if position.tenant_id != tenant_id or membership.tenant_id != tenant_id:
        raise ApplicationError("ไม่พบรายการที่อ้างถึง", "Referenced item not found.")
    if ends_on is not None and ends_on < starts_on:
        raise ApplicationError("วันสิ้นสุดต้องไม่ก่อนวันเริ่ม", "The end date is before the start date.", field="ends_on")
    with transaction.atomic():
        a = PositionAssignment.objects.create(
            tenant_id=tenant_id, position=position, membership=membership, kind=kind, starts_on=starts_on,
            ends_on=ends_on, order_reference=order_reference,
        )
        audit_record(
            tenant_id=tenant_id, actor_id=actor.user_id if actor else None, action="position.assign",
            object_type="position_assignment", object_id=a.pk, changes={"position_id": position.pk, "kind": kind},
        )
    return a

