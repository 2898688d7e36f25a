"""The tenant (agency / local government), supervision lists, and the base of tenant-owned models."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tenants.managers import TenantScopedManager


class AgencyKind(models.TextChoices):
    CENTRAL = "central", _("ส่วนราชการส่วนกลาง")
    PROVINCIAL_OFFICE = "provincial_office", _("ส่วนราชการส่วนภูมิภาค (จังหวัด)")
    DISTRICT_OFFICE = "district_office", _("ที่ว่าการอำเภอ")
    PAO = "pao", _("องค์การบริหารส่วนจังหวัด (อบจ.)")
    CITY_MUNICIPALITY = "city_municipality", _("เทศบาลนคร")
    TOWN_MUNICIPALITY = "town_municipality", _("เทศบาลเมือง")
    SUBDISTRICT_MUNICIPALITY = "subdistrict_municipality", _("เทศบาลตำบล")
    SAO = "sao", _("องค์การบริหารส่วนตำบล (อบต.)")


class SignatureLevel(models.TextChoices):
    PAPER = "paper", _("ลงนามบนกระดาษแล้วสแกน")
    TYPED_ESEAL = "typed_eseal", _("พิมพ์ชื่อในระบบที่ยืนยันตัวตน และประทับตราอิเล็กทรอนิกส์ของหน่วยงาน")
    PERSONAL_PADES = "personal_pades", _("ลายมือชื่อดิจิทัลของผู้ลงนาม (PAdES)")


class TopSecretPolicy(models.TextChoices):
    REGISTER_ONLY = "register_only", _("เก็บเฉพาะทะเบียน เอกสารตัวจริงเก็บเป็นกระดาษโดยนายทะเบียนฯ")
    ELECTRONIC = "electronic", _("เก็บเอกสารลับที่สุดในระบบ (ตามนโยบายผู้บริหาร)")


class Agency(models.Model):
    """A tenant. Not itself tenant-owned: the directory of agencies is readable by every user."""

    slug = models.SlugField(max_length=64, unique=True, help_text="ASCII name used in URLs: /a/<slug>/")
    name_th = models.CharField(max_length=255)
    name_en = models.CharField(max_length=255, blank=True)
    kind = models.CharField(max_length=32, choices=AgencyKind.choices)
    province = models.CharField(max_length=100)
    district = models.CharField(max_length=100, blank=True)
    letter_code = models.CharField(max_length=10, help_text="รหัสพยัญชนะ เช่น นม")
    letter_number = models.CharField(max_length=20, help_text="เลขประจำส่วนราชการ เช่น 52301")
    saraban_email = models.EmailField(blank=True, help_text="อีเมลสารบรรณกลาง (ขึ้นต้นด้วย saraban)")
    emblem = models.FileField(upload_to="emblems/", blank=True)
    use_thai_digits = models.BooleanField(default=False)
    signature_level = models.CharField(max_length=20, choices=SignatureLevel.choices, default=SignatureLevel.TYPED_ESEAL)
    top_secret_policy = models.CharField(
        max_length=20, choices=TopSecretPolicy.choices, default=TopSecretPolicy.REGISTER_ONLY
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name_th"]
        constraints = [
            models.CheckConstraint(condition=~Q(slug=""), name="agency_slug_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name_th

    @property
    def letter_prefix(self) -> str:
        """"นม 52301" as printed before "/<number>" in a ที่ reference."""
        return f"{self.letter_code} {self.letter_number}".strip()


class Supervision(models.Model):
    """An explicit supervision edge (data, not geography): the อำเภอ supervises its อบต. and
    เทศบาลตำบล; the province its เทศบาลเมือง/นคร and อบจ. An auditor's or provincial admin's reach is
    the agencies their own agency supervises."""

    supervisor = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="supervises")
    supervised = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="supervised_by")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["supervisor", "supervised"], name="supervision_unique"),
            models.CheckConstraint(condition=~Q(supervisor=models.F("supervised")), name="supervision_not_self"),
        ]


class TenantOwnedModel(models.Model):
    """Base of every model holding tenant data: ``tenant_id`` column, fail-closed manager, RLS
    (each migration adds ``tenants.db.EnableTenantRLS``; the catalog test proves it)."""

    tenant = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", db_index=False)

    objects = TenantScopedManager()

    class Meta:
        abstract = True
