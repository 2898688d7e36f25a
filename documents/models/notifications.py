"""Notifications (issue 4 §5): one row per recipient per event — a letter reached their holding
(presented to a post they hold or act for, distributed to their unit, assigned to them, a memo, a
return) — and the daily reminder of overdue work. In-app always (the bell); e-mail through the job
outbox when the recipient's preferences allow.

A notification carries the urgency, a count and a link; its ``text`` is composed when it is made and
never holds a secret letter's subject (documents.handling.notifications)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from documents.models.handling import Handling
from documents.models.letters import Urgency
from tenants.models import Membership, TenantOwnedModel


class NotificationKind(models.TextChoices):
    PRESENTED = "presented", _("เสนอหนังสือถึงท่าน")
    ORDERED = "ordered", _("สั่งการแล้ว รอแจกจ่าย")
    DISTRIBUTED = "distributed", _("หนังสือแจกจ่ายถึงท่าน")
    INFORMED = "informed", _("หนังสือเพื่อทราบ")
    ASSIGNED = "assigned", _("มอบหมายให้ปฏิบัติ")
    MEMO = "memo", _("บันทึกข้อความถึงท่าน")
    RETURNED = "returned", _("หนังสือถูกส่งคืน")
    FORWARDED = "forwarded", _("หนังสือส่งต่อถึงท่าน")
    OVERDUE = "overdue", _("หนังสือเกินกำหนด")
    CIRCULATED = "circulated", _("หนังสือเวียนรอรับทราบ")
    DRAFT_REVIEW = "draft_review", _("ร่างหนังสือรอท่านตรวจ")
    DRAFT_RETURN = "draft_return", _("ร่างหนังสือถูกส่งคืนแก้ไข")
    DRAFT_DESK = "draft_desk", _("ร่างหนังสือตรวจแล้ว รอออกเลข")


class Notification(TenantOwnedModel):
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+", db_index=False,
                                   help_text="the recipient")
    kind = models.CharField(max_length=12, choices=NotificationKind.choices)
    urgency = models.CharField(max_length=3, choices=Urgency.choices, default=Urgency.NORMAL)
    count = models.PositiveIntegerField(default=1)
    text = models.CharField(max_length=300, help_text="composed without a secret letter's subject")
    link = models.CharField(max_length=300, help_text="path inside the site, e.g. /a/<agency>/handling/letters/<id>/")
    handling = models.ForeignKey(Handling, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                                 db_index=False)
    # "overdue:<date>" for the daily reminder: one per recipient per day, however often the job runs
    dedupe_key = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["tenant", "membership", "-created_at"], name="notification_recipient_idx"),
            # the bell: unread per recipient
            models.Index(fields=["tenant", "membership"], condition=Q(read_at__isnull=True),
                         name="notification_unread_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "membership", "dedupe_key"], condition=~Q(dedupe_key=""),
                                    name="notification_dedupe_unique"),
        ]


class NotificationPreference(TenantOwnedModel):
    """A member's choices: in-app is always on; e-mail on or off, optionally only for urgent letters
    (ด่วน and above), and the daily overdue reminder by e-mail. No row: the defaults."""

    membership = models.OneToOneField(Membership, on_delete=models.CASCADE, related_name="+")
    email_enabled = models.BooleanField(default=True)
    email_urgent_only = models.BooleanField(default=False)
    email_overdue = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)
