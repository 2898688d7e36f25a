"""Users, org units, positions, memberships and role grants."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tenants.managers import MembershipManager
from tenants.models.agency import TenantOwnedModel
from tenants.roles import Role


class User(AbstractUser):
    """A person. One person may serve several agencies (one membership each)."""

    title_th = models.CharField(max_length=50, blank=True, help_text="คำนำหน้า เช่น นาย นาง นางสาว")
    first_name_th = models.CharField(max_length=150, blank=True)
    last_name_th = models.CharField(max_length=150, blank=True)
    is_system_admin = models.BooleanField(default=False)

    class Meta:
        db_table = "tenants_user"

    @property
    def display_name_th(self) -> str:
        name = f"{self.title_th}{self.first_name_th} {self.last_name_th}".strip()
        return name or self.get_full_name() or self.username


class OrgUnitKind(models.TextChoices):
    OFFICE = "office", _("สำนัก")
    DIVISION = "division", _("กอง")
    SECTION = "section", _("ฝ่าย")
    WORK = "work", _("งาน")
    OTHER = "other", _("หน่วยงานอื่น")


class OrgUnit(TenantOwnedModel):
    """A unit inside an agency (สำนักปลัด, กองคลัง, กองช่าง; ฝ่าย), as a tree."""

    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    name_th = models.CharField(max_length=255)
    name_en = models.CharField(max_length=255, blank=True)
    kind = models.CharField(max_length=20, choices=OrgUnitKind.choices, default=OrgUnitKind.DIVISION)
    unit_number = models.CharField(max_length=20, blank=True, help_text="เลขประจำหน่วยงานย่อย เช่น 52301.1")
    phone = models.CharField(max_length=50, blank=True)
    sort_order = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["sort_order", "name_th"]
        indexes = [models.Index(fields=["tenant", "parent"], name="orgunit_tenant_parent")]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "parent", "name_th"], name="orgunit_unique_name", nulls_distinct=False
            )
        ]

    def __str__(self) -> str:
        return self.name_th


class Position(TenantOwnedModel):
    """A post people hold. ``title_th`` is what is printed on letters (ผู้อำนวยการกองช่าง), kept apart
    from the line position and level (นักบริหารงานช่าง ระดับต้น). Elected posts (นายก, รองนายก) have
    terms, recorded on their assignments."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="positions")
    title_th = models.CharField(max_length=255)
    title_en = models.CharField(max_length=255, blank=True)
    line_position = models.CharField(max_length=255, blank=True, help_text="ตำแหน่งในสายงาน")
    level = models.CharField(max_length=100, blank=True, help_text="ระดับ เช่น ระดับต้น")
    is_elected = models.BooleanField(default=False)
    is_executive = models.BooleanField(default=False, help_text="ผู้บริหาร: เกษียน/สั่งการ")
    sort_order = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["sort_order", "title_th"]
        indexes = [models.Index(fields=["tenant", "unit"], name="position_tenant_unit")]

    def __str__(self) -> str:
        return self.title_th


class Membership(TenantOwnedModel):
    """A user's standing in one agency. Revoking a membership ends every access to that agency."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="memberships")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="members")
    is_active = models.BooleanField(default=True)
    joined_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=255, blank=True)

    objects = MembershipManager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "user"], name="membership_unique_user")]
        indexes = [models.Index(fields=["user"], name="membership_user")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.tenant_id}"


class AssignmentKind(models.TextChoices):
    HOLDER = "holder", _("ดำรงตำแหน่ง")
    ACTING = "acting", _("รักษาราชการแทน")
    ELECTED_TERM = "elected_term", _("วาระดำรงตำแหน่ง (ตำแหน่งทางการเมือง)")


class PositionAssignment(TenantOwnedModel):
    """Who holds (or acts for) a position, and when. Work routed to a position reaches whoever holds
    it or acts for it today, so inboxes survive transfers."""

    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="assignments")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="assignments")
    kind = models.CharField(max_length=20, choices=AssignmentKind.choices, default=AssignmentKind.HOLDER)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    order_reference = models.CharField(max_length=255, blank=True, help_text="คำสั่งแต่งตั้ง เลขที่/วันที่")

    class Meta:
        indexes = [models.Index(fields=["tenant", "position"], name="assignment_tenant_position")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="assignment_dates_ordered",
            )
        ]


class RoleGrant(TenantOwnedModel):
    """A role granted to a membership directly, or to a position (whoever holds it has the role).
    ``unit`` narrows unit-scoped roles (a unit clerk keeps that unit's books)."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, null=True, blank=True, related_name="grants")
    position = models.ForeignKey(Position, on_delete=models.CASCADE, null=True, blank=True, related_name="grants")
    role = models.CharField(max_length=32, choices=Role.choices)
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["tenant", "membership"], name="rolegrant_tenant_membership"),
            models.Index(fields=["tenant", "position"], name="rolegrant_tenant_position"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(membership__isnull=False) & Q(position__isnull=True))
                | (Q(membership__isnull=True) & Q(position__isnull=False)),
                name="rolegrant_one_holder",
            )
        ]
