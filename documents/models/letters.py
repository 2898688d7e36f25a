"""A letter (หนังสือราชการ): its kind, parties, dates, urgency and secrecy. A letter enters books as
registry entries (``documents.models.registry``); the same letter may sit in the central incoming
book and in a unit's book."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tenants.models import Agency, OrgUnit, Position, TenantOwnedModel


class LetterKind(models.TextChoices):
    """The six kinds of ข้อ 10."""

    EXTERNAL = "external", _("หนังสือภายนอก")
    INTERNAL = "internal", _("หนังสือภายใน (บันทึกข้อความ)")
    STAMPED = "stamped", _("หนังสือประทับตรา")
    DIRECTIVE = "directive", _("หนังสือสั่งการ")
    PUBLIC_RELATIONS = "public_relations", _("หนังสือประชาสัมพันธ์")
    EVIDENCE = "evidence", _("หนังสือที่เจ้าหน้าที่ทำขึ้นหรือรับไว้เป็นหลักฐานในราชการ")


class LetterSubKind(models.TextChoices):
    NONE = "", _("—")
    ORDER = "order", _("คำสั่ง")
    REGULATION = "regulation", _("ระเบียบ")
    RULE = "rule", _("ข้อบังคับ")
    ANNOUNCEMENT = "announcement", _("ประกาศ")
    STATEMENT = "statement", _("แถลงการณ์")
    NEWS = "news", _("ข่าว")
    CERTIFICATE = "certificate", _("หนังสือรับรอง")
    MINUTES = "minutes", _("รายงานการประชุม")
    NOTE = "note", _("บันทึก")
    OTHER = "other", _("หนังสืออื่น")


SUB_KINDS: dict[str, tuple[str, ...]] = {
    LetterKind.EXTERNAL: ("",),
    LetterKind.INTERNAL: ("",),
    LetterKind.STAMPED: ("",),
    LetterKind.DIRECTIVE: ("order", "regulation", "rule"),
    LetterKind.PUBLIC_RELATIONS: ("announcement", "statement", "news"),
    LetterKind.EVIDENCE: ("certificate", "minutes", "note", "other"),
}


class Purpose(models.TextChoices):
    INFORM = "inform", _("เพื่อทราบ")
    CONSIDER = "consider", _("เพื่อพิจารณา")
    ACT = "act", _("เพื่อดำเนินการ")


class Urgency(models.TextChoices):
    """ชั้นความเร็ว; the value is the DGA SpeedCode."""

    NORMAL = "001", _("ปกติ")
    URGENT = "002", _("ด่วน")
    VERY_URGENT = "003", _("ด่วนมาก")
    MOST_URGENT = "004", _("ด่วนที่สุด")


class Secrecy(models.TextChoices):
    """ชั้นความลับ; the value is the DGA SecretCode."""

    NORMAL = "001", _("ปกติ")
    CONFIDENTIAL = "002", _("ลับ")
    SECRET = "003", _("ลับมาก")
    TOP_SECRET = "004", _("ลับที่สุด")


class Letter(TenantOwnedModel):
    kind = models.CharField(max_length=20, choices=LetterKind.choices)
    sub_kind = models.CharField(max_length=20, choices=LetterSubKind.choices, blank=True, default="")
    subject = models.CharField(max_length=500, blank=True)
    # The letter's own ที่ as printed by whoever issued it (for an incoming letter: the sender's).
    letter_reference = models.CharField(max_length=120, blank=True)
    letter_reference_norm = models.CharField(max_length=120, blank=True, db_index=False)
    letter_date = models.DateField(null=True, blank=True)
    refers_to = models.TextField(blank=True, help_text="อ้างถึง")
    enclosures = models.TextField(blank=True, help_text="สิ่งที่ส่งมาด้วย")
    purpose = models.CharField(max_length=10, choices=Purpose.choices, default=Purpose.CONSIDER)
    urgency = models.CharField(max_length=3, choices=Urgency.choices, default=Urgency.NORMAL)
    deliver_by = models.DateTimeField(null=True, blank=True, help_text="ด่วนภายใน: ต้องถึงผู้รับภายใน")
    secrecy = models.CharField(max_length=3, choices=Secrecy.choices, default=Secrecy.NORMAL)
    # A secret item registered unopened at the central desk (ส่งนายทะเบียนฯ): no subject is recorded.
    is_sealed = models.BooleanField(default=False)
    # Denormalised for book columns and search (kept equal to the FROM / TO parties by the services).
    sender_display = models.CharField(max_length=500, blank=True)
    recipient_display = models.CharField(max_length=500, blank=True)
    # Kind-specific fields (salutation, owner unit, phone, order's "สั่ง ณ วันที่", "ว่าด้วย", ฉบับที่ ...),
    # validated by documents.registry.letter_fields for the letter's kind.
    extra = models.JSONField(default=dict, blank=True)
    # No index of its own (users are deactivated, never deleted; nothing lists letters by creator):
    # every index is paid for on each registration.
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   db_index=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["tenant", "letter_reference_norm"], name="letter_ref_norm_idx"),
            GinIndex(fields=["subject"], opclasses=["gin_trgm_ops"], name="letter_subject_trgm"),
            GinIndex(fields=["sender_display"], opclasses=["gin_trgm_ops"], name="letter_sender_trgm"),
            GinIndex(fields=["letter_reference_norm"], opclasses=["gin_trgm_ops"], name="letter_reference_trgm"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(is_sealed=True) | (~Q(secrecy="001") & Q(subject="")),
                name="letter_sealed_is_secret_without_subject",
            ),
        ]

    def __str__(self) -> str:
        return self.subject or str(_("(หนังสือลับ)"))

    @property
    def is_secret(self) -> bool:
        return self.secrecy != Secrecy.NORMAL


class PartyRole(models.TextChoices):
    FROM = "from", _("จาก")
    TO = "to", _("ถึง/เรียน")
    COPY = "copy", _("สำเนาส่ง")


class LetterParty(TenantOwnedModel):
    """A sender or recipient: an agency in the system, one of our units or positions, or an external
    party by name, address and e-mail."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="parties",
                               db_index=False)  # party_letter_role_idx leads with it
    role = models.CharField(max_length=4, choices=PartyRole.choices)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    position = models.ForeignKey(Position, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    name = models.CharField(max_length=255, help_text="ชื่อที่แสดง (หน่วยงาน ตำแหน่ง หรือบุคคล)")
    address = models.TextField(blank=True)
    email = models.EmailField(blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        indexes = [models.Index(fields=["letter", "role"], name="party_letter_role_idx")]
        constraints = [models.CheckConstraint(condition=~Q(name=""), name="party_name_not_empty")]

    def __str__(self) -> str:
        return self.name


class SecretGrant(TenantOwnedModel):
    """Who may see a secret letter. Without a live grant the letter does not exist for a user:
    not in lists, searches or counts."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="secret_grants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["letter", "user"], condition=Q(revoked_at__isnull=True), name="secretgrant_live_unique"
            ),
        ]
        indexes = [models.Index(fields=["tenant", "user"], name="secretgrant_user_idx")]
