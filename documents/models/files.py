"""Stored files: each encrypted with its own data key (AES-256-GCM), wrapped by the installation's
master key. Destroying a ``FileKey`` (crypto-shredding) makes every copy of the ciphertext —
backups included — unreadable. The bytes themselves live in Django storage under a server-chosen
name; see ``documents.files``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from documents.models.letters import Letter
from tenants.models import TenantOwnedModel


class FileKey(TenantOwnedModel):
    wrapped_key = models.BinaryField(help_text="the file's data key, AES-KW wrapped by the master key")
    master_key_id = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)
    destroyed_at = models.DateTimeField(null=True, blank=True)
    destroyed_reason = models.CharField(max_length=500, blank=True)


class FileRole(models.TextChoices):
    ORIGINAL = "original", _("ต้นฉบับที่ได้รับ")
    STAMPED = "stamped", _("สำเนาทำงาน (ประทับตรารับ)")
    ENDORSED = "endorsed", _("สำเนาทำงาน (เกษียนแล้ว)")  # the stamped copy + notes/endorsements, appended
    ENCLOSURE = "enclosure", _("สิ่งที่ส่งมาด้วย")
    PREVIEW = "preview", _("ภาพตัวอย่าง (แปลงเป็น PDF)")
    EMAIL = "email", _("อีเมลต้นฉบับ")
    ACTION = "action", _("เอกสารการปฏิบัติ")  # attached by the officer with what was done (a reply, a report)
    # outgoing letters (issue 5)
    DRAFT_SOURCE = "draft_source", _("ไฟล์ร่างที่อัปโหลด (DOCX/PDF)")
    DRAFT = "draft", _("ร่างหนังสือ (PDF)")
    FINAL = "final", _("ฉบับจริง (มีเลขที่และวันที่ รอลงนาม)")
    FILE_COPY = "file_copy", _("สำเนาคู่ฉบับ")
    SIGNED = "signed", _("ฉบับลงนามแล้ว")


class FileState(models.TextChoices):
    OK = "ok", _("ใช้งานได้")
    QUARANTINED = "quarantined", _("กักกัน (ไฟล์อาจไม่ปลอดภัย)")


class StoredFile(TenantOwnedModel):
    letter = models.ForeignKey(Letter, on_delete=models.PROTECT, null=True, blank=True, related_name="files",
                               db_index=False)  # file_letter_role_idx leads with it
    role = models.CharField(max_length=12, choices=FileRole.choices, default=FileRole.ORIGINAL)
    derived_from = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="derivatives",
        help_text="stamped copy / preview: the file it was made from",
    )
    storage_name = models.CharField(max_length=200, unique=True)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    key = models.ForeignKey(FileKey, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=12, choices=FileState.choices, default=FileState.OK)
    problem = models.CharField(max_length=500, blank=True, help_text="why quarantined / what was flagged")
    flags = models.JSONField(default=dict, blank=True, help_text='e.g. {"macros": true, "pages": 3}')
    created_by = models.ForeignKey(  # no index: nothing lists files by uploader; users are never deleted
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        indexes = [models.Index(fields=["letter", "role"], name="file_letter_role_idx")]
        constraints = [models.CheckConstraint(condition=Q(size__gte=0), name="file_size_nonneg")]

    def __str__(self) -> str:
        return self.original_name
