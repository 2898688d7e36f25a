"""Outgoing letters being written (issue 5): a draft (ร่าง) from the system's forms or from a Word/PDF
file, its versions and comments, review (พิมพ์ → ทาน → ตรวจ) with each reviewer's initials as a
workflow event, "ready to sign" where the number and date are fixed, the file copy (สำเนาคู่ฉบับ) and
dispatch per recipient.

- A ``Draft`` is one outgoing letter's life before and after its number: ``drafting`` → ``in_review``
  (``returned`` sends it back) → ``reviewed`` → ``ready`` (number reserved, final version rendered) →
  ``signed`` → ``dispatched``; ``cancelled`` at any point before signing. The rules live in
  ``documents.drafting.services``.
- A ``DraftVersion`` is immutable: what the letter said at that moment (fields, sanitised body, the
  uploaded file). Editing makes a new version; the review always names the version it saw.
- A ``ReviewRoute`` is the agency's configured order of reviewers (positions); steps that share an
  ``order`` run in parallel. A draft copies the route's steps into ``DraftReview`` rows per round, so
  changing the route never rewrites a review in progress.
- A ``DraftEvent`` is the timeline, append-only. Initials (ลงชื่อกำกับ) are events: typed name,
  printed position and time in an authenticated session — never a signature on the letter itself.
- A ``DraftRecipient`` is one addressee (ถึง/เรียน or สำเนาส่ง) with its dispatch channel; post and
  by-hand dispatch details (tracking number, delivery-book signature) are recorded on it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from documents.models.files import StoredFile
from documents.models.letters import Letter, LetterKind, Secrecy, Urgency
from documents.models.registry import Book, RegistryEntry
from tenants.models import Agency, OrgUnit, Position, TenantOwnedModel


class DraftForm(models.TextChoices):
    """The system's forms (saraban-domain.md §1); the value names the form, not the letter kind."""

    EXTERNAL = "external", _("หนังสือภายนอก (แบบที่ 1)")
    MEMO = "memo", _("บันทึกข้อความ (แบบที่ 2)")
    STAMPED = "stamped", _("หนังสือประทับตรา (แบบที่ 3)")
    ORDER = "order", _("คำสั่ง (แบบที่ 4)")
    ANNOUNCEMENT = "announcement", _("ประกาศ (แบบที่ 7)")


# form -> (Letter.kind, Letter.sub_kind)
FORM_LETTER_KIND: dict[str, tuple[str, str]] = {
    DraftForm.EXTERNAL: (LetterKind.EXTERNAL, ""),
    DraftForm.MEMO: (LetterKind.INTERNAL, ""),
    DraftForm.STAMPED: (LetterKind.STAMPED, ""),
    DraftForm.ORDER: (LetterKind.DIRECTIVE, "order"),
    DraftForm.ANNOUNCEMENT: (LetterKind.PUBLIC_RELATIONS, "announcement"),
}


class DraftSource(models.TextChoices):
    FORM = "form", _("พิมพ์ในแบบฟอร์มของระบบ")
    DOCX = "docx", _("ไฟล์ Word (DOCX)")
    PDF = "pdf", _("ไฟล์ PDF")


class DraftState(models.TextChoices):
    DRAFTING = "drafting", _("กำลังร่าง")
    IN_REVIEW = "in_review", _("อยู่ระหว่างตรวจร่าง")
    RETURNED = "returned", _("ส่งคืนแก้ไข")
    REVIEWED = "reviewed", _("ตรวจร่างแล้ว รอสารบรรณกลาง")
    READY = "ready", _("พร้อมลงนาม")
    SIGNED = "signed", _("ลงนามแล้ว รอส่ง")
    DISPATCHED = "dispatched", _("ส่งแล้ว")
    CANCELLED = "cancelled", _("ยกเลิก")


EDITABLE_STATES = frozenset({DraftState.DRAFTING, DraftState.RETURNED})


class ReviewStage(models.TextChoices):
    """What a reviewer does to the draft (saraban-domain.md §4.3); printed on the file copy."""

    TYPE = "type", _("ผู้พิมพ์")
    PROOFREAD = "proofread", _("ผู้ทาน")
    CHECK = "check", _("ผู้ตรวจ")


class ReviewRoute(TenantOwnedModel):
    """The agency's order of reviewers, e.g. หัวหน้าฝ่าย → ผู้อำนวยการกอง → ปลัด. The drafter picks one
    when sending the draft for review; the first active route that lists the draft's form is offered
    first."""

    name_th = models.CharField(max_length=255)
    forms = models.JSONField(default=list, blank=True, help_text="forms it applies to; [] = any")
    sort_order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["sort_order", "id"]
        indexes = [models.Index(fields=["tenant", "sort_order"], name="reviewroute_tenant_order_idx")]

    def __str__(self) -> str:
        return self.name_th


class ReviewRouteStep(TenantOwnedModel):
    route = models.ForeignKey(ReviewRoute, on_delete=models.CASCADE, related_name="steps", db_index=False)
    order = models.PositiveSmallIntegerField(help_text="steps with the same order review in parallel")
    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(max_length=10, choices=ReviewStage.choices, default=ReviewStage.CHECK)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["route", "order", "position"], name="reviewstep_unique"),
        ]


class Draft(TenantOwnedModel):
    form = models.CharField(max_length=16, choices=DraftForm.choices)
    source = models.CharField(max_length=8, choices=DraftSource.choices, default=DraftSource.FORM)
    state = models.CharField(max_length=12, choices=DraftState.choices, default=DraftState.DRAFTING)
    owner_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+",
                                   help_text="ส่วนราชการเจ้าของเรื่อง")
    subject = models.CharField(max_length=500)
    urgency = models.CharField(max_length=3, choices=Urgency.choices, default=Urgency.NORMAL)
    secrecy = models.CharField(max_length=3, choices=Secrecy.choices, default=Secrecy.NORMAL)
    # The current version's number; versions are never rewritten.
    version = models.PositiveIntegerField(default=1)
    reply_to = models.ForeignKey(Letter, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 help_text="the incoming letter this draft answers (อ้างถึง)")
    route = models.ForeignKey(ReviewRoute, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    review_round = models.PositiveSmallIntegerField(default=0)
    book = models.ForeignKey(Book, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # Set at "ready to sign": the reserved number and the registry's letter; cleared when the signer
    # refuses (the entry is annulled with the reason and kept).
    entry = models.ForeignKey(RegistryEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    letter = models.ForeignKey(Letter, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # The QR code's unguessable token (verification page: a later issue); made at "ready to sign".
    verify_token = models.CharField(max_length=64, null=True, blank=True, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    idempotency_key = models.CharField(max_length=64, null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["tenant", "state", "-updated_at"], name="draft_state_idx"),
            models.Index(fields=["tenant", "created_by", "-updated_at"], name="draft_creator_idx"),
            models.Index(fields=["tenant", "owner_unit", "-updated_at"], name="draft_unit_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "idempotency_key"], condition=Q(idempotency_key__isnull=False),
                                    name="draft_idempotency_unique"),
            models.CheckConstraint(condition=~Q(subject=""), name="draft_subject_not_empty"),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES


class DraftVersion(TenantOwnedModel):
    """One immutable version of a draft. ``fields`` holds the form's fields (salutation, refers_to,
    enclosures, closing, signer_name, signer_position, signer_line, contact ...) as validated by
    ``documents.drafting.fields``; ``body_html`` is already sanitised."""

    draft = models.ForeignKey(Draft, on_delete=models.PROTECT, related_name="versions", db_index=False)
    number = models.PositiveIntegerField()
    subject = models.CharField(max_length=500)
    fields = models.JSONField(default=dict, blank=True)
    body_html = models.TextField(blank=True)
    # A DOCX or PDF draft: the uploaded file (role draft_source).
    source_file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # PDF source: where the number and date go {"page": 1, "x_mm": …, "y_mm": …, "w_mm": …, "h_mm": …}.
    number_box = models.JSONField(default=dict, blank=True)
    # The rendered preview of this version (role draft), made by a job.
    pdf = models.ForeignKey(StoredFile, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.CharField(max_length=500, blank=True, help_text="what changed")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["draft", "number"], name="draftversion_unique")]


class DraftComment(TenantOwnedModel):
    draft = models.ForeignKey(Draft, on_delete=models.PROTECT, related_name="comments", db_index=False)
    version = models.PositiveIntegerField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_name = models.CharField(max_length=255)
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["draft", "created_at"], name="draftcomment_draft_idx")]


class ReviewStatus(models.TextChoices):
    WAITING = "waiting", _("รอขั้นก่อนหน้า")
    OPEN = "open", _("รอตรวจ")
    INITIALLED = "initialled", _("ลงชื่อกำกับแล้ว")
    RETURNED = "returned", _("ส่งคืนแก้ไข")
    SKIPPED = "skipped", _("ไม่ต้องตรวจ (รอบนี้ส่งคืนแล้ว)")


class DraftReview(TenantOwnedModel):
    """One reviewer's step in one review round (a copy of a route step)."""

    draft = models.ForeignKey(Draft, on_delete=models.PROTECT, related_name="reviews", db_index=False)
    round = models.PositiveSmallIntegerField()
    order = models.PositiveSmallIntegerField()
    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(max_length=10, choices=ReviewStage.choices)
    status = models.CharField(max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.WAITING)
    version = models.PositiveIntegerField(null=True, blank=True, help_text="the version initialled or returned")
    acted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+")
    typed_name = models.CharField(max_length=255, blank=True)
    printed_position = models.CharField(max_length=255, blank=True)
    authority_line = models.CharField(max_length=300, blank=True)
    acted_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["round", "order", "id"]
        indexes = [
            models.Index(fields=["draft", "round", "order"], name="draftreview_draft_idx"),
            models.Index(fields=["tenant", "position", "status"], name="draftreview_inbox_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["draft", "round", "order", "position"], name="draftreview_unique"),
        ]


class DraftEventKind(models.TextChoices):
    CREATED = "created", _("สร้างร่าง")
    REVISED = "revised", _("แก้ไขร่าง")
    COMMENTED = "commented", _("ความเห็นต่อร่าง")
    SUBMITTED = "submitted", _("เสนอตรวจร่าง")
    INITIALLED = "initialled", _("ลงชื่อกำกับ")
    RETURNED = "returned", _("ส่งคืนแก้ไข")
    REVIEWED = "reviewed", _("ตรวจร่างครบแล้ว")
    READY = "ready", _("ออกเลขและวันที่ พร้อมลงนาม")
    RENDERED = "rendered", _("จัดทำฉบับจริงแล้ว")
    REFUSED = "refused", _("ผู้ลงนามไม่ลงนาม (ยกเลิกเลข)")
    SIGNED = "signed", _("ลงนามแล้ว")
    DISPATCHED = "dispatched", _("ส่งหนังสือ")
    DELIVERED = "delivered", _("ผู้รับลงชื่อรับ")
    CANCELLED = "cancelled", _("ยกเลิกร่าง")


class DraftEvent(TenantOwnedModel):
    draft = models.ForeignKey(Draft, on_delete=models.PROTECT, related_name="events", db_index=False)
    kind = models.CharField(max_length=12, choices=DraftEventKind.choices)
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    actor_name = models.CharField(max_length=255, blank=True)
    actor_position = models.CharField(max_length=255, blank=True)
    authority_line = models.CharField(max_length=300, blank=True)
    version = models.PositiveIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["draft", "at"], name="draftevent_draft_idx")]


class RecipientRole(models.TextChoices):
    TO = "to", _("ถึง/เรียน")
    COPY = "copy", _("สำเนาส่ง")


class DispatchChannel(models.TextChoices):
    IN_SYSTEM = "in_system", _("ระบบสารบรรณอิเล็กทรอนิกส์")
    EMAIL = "email", _("อีเมลสารบรรณกลาง")
    POST = "post", _("ไปรษณีย์")
    REGISTERED_POST = "registered", _("ไปรษณีย์ลงทะเบียน")
    HAND = "hand", _("ส่งด้วยมือ (สมุดส่ง)")


class DraftRecipient(TenantOwnedModel):
    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="recipients", db_index=False)
    role = models.CharField(max_length=4, choices=RecipientRole.choices, default=RecipientRole.TO)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    position = models.ForeignKey(Position, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    name = models.CharField(max_length=255, help_text="ชื่อผู้รับตามที่พิมพ์ในหนังสือ")
    address = models.TextField(blank=True)
    email = models.EmailField(blank=True)
    channel = models.CharField(max_length=10, choices=DispatchChannel.choices, default=DispatchChannel.POST)
    sort_order = models.PositiveSmallIntegerField(default=0)
    # dispatch
    tracking_number = models.CharField(max_length=13, blank=True, help_text="เลขไปรษณีย์ลงทะเบียน (S10)")
    dispatched_at = models.DateTimeField(null=True, blank=True)
    dispatched_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+")
    # by hand: the delivery book (สมุดส่ง): who received it, when
    received_by_name = models.CharField(max_length=255, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["sort_order", "id"]
        indexes = [
            models.Index(fields=["draft", "sort_order"], name="draftrecipient_draft_idx"),
            models.Index(fields=["tenant", "channel", "dispatched_at"], name="draftrecipient_channel_idx"),
        ]
        constraints = [models.CheckConstraint(condition=~Q(name=""), name="draftrecipient_name_not_empty")]

    def __str__(self) -> str:
        return self.name
