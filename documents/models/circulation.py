"""Internal circulation (เวียนแจ้ง, issue 4 §3): a registered letter or circular made known to all staff of
the agency, to units (their members) or to positions (whoever holds or acts for them on the day). The
audience is expanded to memberships when it is circulated (a snapshot: later transfers don't change who
was told), one ``CirculationRecipient`` per person. Opening is not acknowledging: reading the page
records ``opened_at`` only; the person's own "รับทราบ" records ``acknowledged_at`` with their name and
post as printed. The rules live in ``documents.handling.circulation``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from documents.models.handling import Handling
from tenants.models import Membership, TenantOwnedModel


class AudienceKind(models.TextChoices):
    ALL = "all", _("บุคลากรทุกคนในหน่วยงาน")
    UNITS = "units", _("หน่วยงานย่อย (บุคลากรในหน่วยงาน)")
    POSITIONS = "positions", _("ตำแหน่ง (ผู้ดำรงหรือรักษาราชการแทนในวันนั้น)")


class Circulation(TenantOwnedModel):
    handling = models.ForeignKey(Handling, on_delete=models.PROTECT, related_name="circulations", db_index=False)
    audience_kind = models.CharField(max_length=10, choices=AudienceKind.choices)
    audience = models.CharField(max_length=1000, help_text="the audience as chosen, in words (units' or posts' names)")
    unit_ids = models.JSONField(default=list, blank=True)
    position_ids = models.JSONField(default=list, blank=True)
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # closed by its sender, or when the last person acknowledged; no acknowledgement after that
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["tenant", "handling"], name="circulation_handling_idx"),
            models.Index(fields=["tenant", "created_by", "created_at"], name="circulation_sender_idx"),
        ]


class CirculationRecipient(TenantOwnedModel):
    circulation = models.ForeignKey(Circulation, on_delete=models.PROTECT, related_name="recipients", db_index=False)
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    position_th = models.CharField(max_length=255, blank=True, help_text="the person's post when it was circulated")
    opened_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    # as printed when they acknowledged (the sign-off sheet): typed name, post, acting line
    signed_name = models.CharField(max_length=255, blank=True)
    signed_position = models.CharField(max_length=255, blank=True)
    authority_line = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            # "หนังสือเวียนรอรับทราบ": a person's outstanding ones
            models.Index(fields=["tenant", "membership"], condition=Q(acknowledged_at__isnull=True),
                         name="circrecipient_outstanding_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "circulation", "membership"], name="circrecipient_unique"),
            models.CheckConstraint(condition=Q(acknowledged_at__isnull=True) | Q(opened_at__isnull=False),
                                   name="circrecipient_ack_after_open"),
        ]
