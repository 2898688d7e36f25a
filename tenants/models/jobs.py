"""The job outbox. A service records a job in its own transaction; after commit a dispatcher hands
it to Celery; the worker leases it in the database; a reconciler re-dispatches jobs whose worker died
(lease expired) without waiting for the broker's visibility timeout. Attempts are counted here, not
in the broker, and a job that keeps failing ends in the visible ``failed`` state."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tenants.models.agency import TenantOwnedModel


class JobStatus(models.TextChoices):
    PENDING = "pending", _("รอส่งเข้าคิว")
    DISPATCHED = "dispatched", _("อยู่ในคิว")
    RUNNING = "running", _("กำลังทำงาน")
    DONE = "done", _("เสร็จแล้ว")
    FAILED = "failed", _("ล้มเหลว")


class Job(TenantOwnedModel):
    kind = models.CharField(max_length=100)
    args = models.JSONField(default=dict, blank=True)
    idempotency_key = models.CharField(max_length=200, null=True, blank=True)
    status = models.CharField(max_length=20, choices=JobStatus.choices, default=JobStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    max_attempts = models.PositiveIntegerField(default=5)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    result = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "kind", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="job_tenant_kind_key",
            )
        ]
        indexes = [
            models.Index(fields=["tenant", "status", "created_at"], name="job_tenant_status"),
            # Reconciler scan across tenants: only unfinished jobs.
            models.Index(
                fields=["status", "lease_expires_at"],
                name="job_unfinished",
                condition=Q(status__in=["pending", "dispatched", "running"]),
            ),
        ]
