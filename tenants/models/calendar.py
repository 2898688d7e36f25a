"""The working-day calendar (ปฏิทินวันทำการ): national holidays (global, kept by the system
administrators) and each agency's own days (tenant-owned). docs/calendar.md."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.models.agency import TenantOwnedModel


class NationalHolidayKind(models.TextChoices):
    PUBLIC = "public", _("วันหยุดราชการประจำปี")
    CABINET = "cabinet", _("วันหยุดพิเศษตามมติคณะรัฐมนตรี")


class NationalHoliday(models.Model):
    """A day off for every agency. Not tenant-owned (like Agency and User): every user reads it; the
    services let only system administrators write it."""

    date = models.DateField(unique=True)
    name_th = models.CharField(max_length=255)
    name_en = models.CharField(max_length=255, blank=True)
    kind = models.CharField(max_length=20, choices=NationalHolidayKind.choices, default=NationalHolidayKind.PUBLIC)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name_th}"


class AgencyHolidayKind(models.TextChoices):
    HOLIDAY = "holiday", _("วันหยุดของหน่วยงาน")
    WORKING = "working", _("เปิดทำการในวันหยุด")


class AgencyHoliday(TenantOwnedModel):
    """One agency's own day: an extra day off (a local day), or ``working``: a day the agency works
    although it is a national holiday or a weekend (provincial offices sometimes do)."""

    date = models.DateField()
    kind = models.CharField(max_length=20, choices=AgencyHolidayKind.choices, default=AgencyHolidayKind.HOLIDAY)
    name_th = models.CharField(max_length=255)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["tenant", "date"], name="agencyholiday_unique_date")]

    def __str__(self) -> str:
        return f"{self.date} {self.name_th}"
