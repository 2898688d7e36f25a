"""Handling an incoming letter inside the agency (issue 4): the clerk's note (เกษียน), presentation up
a chain of positions, endorsements and orders (สั่งการ), distribution to units, assignment to officers,
action and closing, with returns and forwards.

- A ``Handling`` is one central incoming entry's life inside the agency.
- A ``Holding`` answers "who holds this letter now, since when, passed on by whom with what note":
  one open row per current holder (the central desk, a position, a unit, or one officer). Work routed
  to a position reaches whoever holds or acts for it today, so inboxes survive transfers.
- A ``HandlingEvent`` is the timeline, append-only: each endorsement is a typed name, the position as
  printed and the time in an authenticated session (legal since amendment No. 4), with the line
  "รักษาราชการแทน …" when the actor acted for a post.

The rules (who may do what, valid transitions) live in ``documents.handling.services``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from documents.models.letters import Letter
from documents.models.registry import RegistryEntry
from tenants.models import Agency, Membership, OrgUnit, Position, TenantOwnedModel


class PresentationChain(TenantOwnedModel):
    """The positions a letter is presented to, in order (e.g. หัวหน้าสำนักปลัด → ปลัด → นายก). The
    first active chain whose conditions match the letter is used; empty conditions match any letter."""

    name_th = models.CharField(max_length=255)
    letter_kinds = models.JSONField(default=list, blank=True, help_text="letter kinds it applies to; [] = any")
    urgencies = models.JSONField(default=list, blank=True, help_text="urgency codes it applies to; [] = any")
    sender_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                      help_text="letters from this agency only")
    sort_order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["sort_order", "id"]
        indexes = [models.Index(fields=["tenant", "sort_order"], name="chain_tenant_order_idx")]

    def __str__(self) -> str:
        return self.name_th


class PresentationStep(TenantOwnedModel):
    chain = models.ForeignKey(PresentationChain, on_delete=models.CASCADE, related_name="steps", db_index=False)
    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["chain", "order"], name="chainstep_order_unique")]


class FileCategory(TenantOwnedModel):
    """หมวด/แฟ้ม a closed letter is filed to; carries the retention class (ข้อ 57)."""

    code = models.CharField(max_length=40, help_text="เลขหมวด/แฟ้ม เช่น 01.02")
    name_th = models.CharField(max_length=255)
    retention_years = models.PositiveSmallIntegerField(default=10, help_text="อายุการเก็บ (ปี); 0 = เก็บตลอดไป")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["tenant", "code"], name="filecategory_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.name_th}"


class HandlingState(models.TextChoices):
    NOTED = "noted", _("เกษียนแล้ว รอเสนอ")
    PRESENTING = "presenting", _("อยู่ระหว่างเสนอ")
    ORDERED = "ordered", _("สั่งการแล้ว รอแจกจ่าย")
    DISTRIBUTED = "distributed", _("แจกจ่ายแล้ว อยู่ระหว่างดำเนินการ")
    CLOSED = "closed", _("ปิดเรื่องแล้ว")


class Handling(TenantOwnedModel):
    """One letter's life inside the agency: a central incoming entry (noted and presented), or an internal
    memo (บันทึกข้อความ) a unit sent to other units or positions (its entry is the memo's number in the
    sending unit's book; it starts distributed)."""

    entry = models.OneToOneField(RegistryEntry, on_delete=models.PROTECT, related_name="handling")
    letter = models.ForeignKey(Letter, on_delete=models.PROTECT, related_name="+", db_index=False)
    state = models.CharField(max_length=12, choices=HandlingState.choices, default=HandlingState.NOTED)
    chain = models.ForeignKey(PresentationChain, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # The executive's order: where it is to be distributed (unit / position ids), copied from the event.
    ordered_units = models.JSONField(default=list, blank=True)
    ordered_positions = models.JSONField(default=list, blank=True)
    file_category = models.ForeignKey(FileCategory, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # The sender's own deadline ("ขอให้ตอบภายใน …"), typed by the clerk: due dates never fall after it.
    reply_by = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["tenant", "state"], name="handling_tenant_state_idx")]


class HolderKind(models.TextChoices):
    DESK = "desk", _("งานสารบรรณกลาง")
    POSITION = "position", _("ตำแหน่ง")
    UNIT = "unit", _("หน่วยงานย่อย")
    MEMBER = "member", _("ผู้ปฏิบัติ")


class HoldingPurpose(models.TextChoices):
    PRESENT = "present", _("เสนอเพื่อพิจารณา/สั่งการ")
    DISTRIBUTE = "distribute", _("แจกจ่ายตามคำสั่ง")
    INFORM = "inform", _("เพื่อทราบ")
    ACT = "act", _("ปฏิบัติตามที่ได้รับมอบหมาย")


class HoldingStatus(models.TextChoices):
    OPEN = "open", _("อยู่ระหว่างถือเรื่อง")
    DONE = "done", _("ส่งต่อ/ดำเนินการแล้ว")
    RETURNED = "returned", _("ส่งคืน")
    FORWARDED = "forwarded", _("ส่งต่อหน่วยงานอื่น")
    CLOSED = "closed", _("ปิดเรื่อง")


class Holding(TenantOwnedModel):
    handling = models.ForeignKey(Handling, on_delete=models.PROTECT, related_name="holdings", db_index=False)
    holder_kind = models.CharField(max_length=10, choices=HolderKind.choices)
    position = models.ForeignKey(Position, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    purpose = models.CharField(max_length=12, choices=HoldingPurpose.choices)
    status = models.CharField(max_length=10, choices=HoldingStatus.choices, default=HoldingStatus.OPEN)
    step = models.PositiveSmallIntegerField(null=True, blank=True, help_text="presentation: the chain step")
    received_at = models.DateTimeField(auto_now_add=True)
    due_on = models.DateField(null=True, blank=True)
    passed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    passed_note = models.CharField(max_length=1000, blank=True)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               db_index=False)
    unit_entry = models.ForeignKey(RegistryEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   help_text="the unit book entry made when the unit clerk registered it")
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["received_at", "id"]
        indexes = [
            models.Index(fields=["handling", "status"], name="holding_handling_idx"),
            # the inbox: open holdings per holder
            models.Index(fields=["tenant", "position"], condition=Q(status="open"), name="holding_open_position_idx"),
            models.Index(fields=["tenant", "unit"], condition=Q(status="open"), name="holding_open_unit_idx"),
            models.Index(fields=["tenant", "membership"], condition=Q(status="open"), name="holding_open_member_idx"),
            models.Index(fields=["tenant", "received_at"], condition=Q(status="open", holder_kind="desk"),
                         name="holding_open_desk_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(holder_kind="desk") & Q(position__isnull=True, unit__isnull=True, membership__isnull=True))
                | (Q(holder_kind="position") & Q(position__isnull=False, unit__isnull=True, membership__isnull=True))
                | (Q(holder_kind="unit") & Q(position__isnull=True, unit__isnull=False, membership__isnull=True))
                | (Q(holder_kind="member") & Q(position__isnull=True, unit__isnull=True, membership__isnull=False)),
                name="holding_one_holder",
            ),
        ]


class EventKind(models.TextChoices):
    NOTED = "noted", _("เกษียนหนังสือ")
    PRESENTED = "presented", _("เสนอ")
    ENDORSED = "endorsed", _("เกษียน/สั่งการ")
    DISTRIBUTED = "distributed", _("แจกจ่าย")
    INFORMED = "informed", _("ส่งเพื่อทราบ")
    UNIT_REGISTERED = "unit_registered", _("หน่วยงานรับเรื่อง")
    ASSIGNED = "assigned", _("มอบหมายผู้ปฏิบัติ")
    ACTED = "acted", _("บันทึกการปฏิบัติ")
    RETURNED = "returned", _("ส่งคืน")
    FORWARDED = "forwarded", _("ส่งต่อ")
    CLOSED = "closed", _("ปิดเรื่อง")
    SENT = "sent", _("ส่งบันทึกข้อความ")
    CIRCULATED = "circulated", _("เวียนแจ้ง")
    ACKNOWLEDGED = "acknowledged", _("รับทราบหนังสือเวียน")


class HandlingEvent(TenantOwnedModel):
    """One line of the letter's timeline; append-only (a trigger refuses UPDATE and DELETE). Texts are
    plain text: pages escape them, nothing renders them as HTML."""

    handling = models.ForeignKey(Handling, on_delete=models.PROTECT, related_name="events", db_index=False)
    holding = models.ForeignKey(Holding, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                db_index=False)
    kind = models.CharField(max_length=16, choices=EventKind.choices)
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # As typed/printed at the time (later renames or transfers don't change the record):
    actor_name = models.CharField(max_length=255)
    actor_position = models.CharField(max_length=255, blank=True)
    authority_line = models.CharField(max_length=300, blank=True, help_text="รักษาราชการแทน / ปฏิบัติราชการแทน …")
    phrase = models.CharField(max_length=100, blank=True, help_text="ทราบ, ดำเนินการ, เห็นชอบ, อนุมัติ …")
    text = models.TextField(blank=True)
    # The note's three parts ({"summary", "facts", "recommendation"}), targets' names, due date …
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["handling", "at"], name="handlingevent_handling_idx")]


class Delegation(TenantOwnedModel):
    """ปฏิบัติราชการแทน: a standing grant of named powers by a delegation order. The holder of ``to_position``
    acts for ``from_position`` on the matters in scope (letter kinds; [] = every matter) from ``starts_on``
    until ``ends_on`` or revocation. Different from รักษาราชการแทน (acting for a vacant or absent post, a
    PositionAssignment of kind "acting"); both are printed on endorsements as such."""

    from_position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="+",
                                      help_text="ผู้มอบอำนาจ (ตำแหน่ง)")
    to_position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="+",
                                    help_text="ผู้รับมอบอำนาจ (ตำแหน่ง)")
    letter_kinds = models.JSONField(default=list, blank=True, help_text="letter kinds in scope; [] = every matter")
    matters = models.CharField(max_length=500, blank=True, help_text="เรื่องที่มอบ ตามคำสั่ง")
    order_reference = models.CharField(max_length=255, help_text="คำสั่งมอบอำนาจ เลขที่")
    order_date = models.DateField()
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["tenant", "to_position"], name="delegation_to_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(from_position=models.F("to_position")), name="delegation_not_to_self"),
            models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                                   name="delegation_dates_ordered"),
        ]


class DueRule(TenantOwnedModel):
    """An agency's own rule for how many working days assigned work gets (e.g. letters from the province:
    5 working days). The first active rule matching the letter's kind, urgency and sender wins over the
    installation's urgency table (``EOFFICE_DUE_WORKING_DAYS``); a ด่วนภายใน deadline or the sender's reply
    deadline still brings the date forward."""

    name_th = models.CharField(max_length=255)
    letter_kinds = models.JSONField(default=list, blank=True, help_text="letter kinds it applies to; [] = any")
    urgencies = models.JSONField(default=list, blank=True, help_text="urgency codes it applies to; [] = any")
    sender_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                      help_text="letters from this agency only")
    working_days = models.PositiveSmallIntegerField(help_text="วันทำการนับจากวันมอบหมาย")
    sort_order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["sort_order", "id"]
        indexes = [models.Index(fields=["tenant", "sort_order"], name="duerule_tenant_order_idx")]
        constraints = [models.CheckConstraint(condition=Q(working_days__gte=1) & Q(working_days__lte=365),
                                              name="duerule_days_range")]

    def __str__(self) -> str:
        return self.name_th
