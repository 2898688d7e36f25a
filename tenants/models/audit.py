"""Append-only audit events, hash-chained per tenant (and one system chain for events that belong
to no agency yet: failed logins, requests for unknown agencies).

Each event's ``hash`` = SHA-256 over the previous hash and the canonical JSON of the event
(``tenants.services.audit.canonical_payload``). A database trigger refuses UPDATE and DELETE, and the
app role holds only SELECT and INSERT. Events hold ids and digests, never letter content.
"""

from __future__ import annotations

from django.db import models

from tenants.models.agency import TenantOwnedModel


class AuditEvent(TenantOwnedModel):
    seq = models.BigIntegerField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    actor_id = models.BigIntegerField(null=True, blank=True)
    acting_for = models.CharField(max_length=255, blank=True)
    action = models.CharField(max_length=100)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=100, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "seq"], name="auditevent_tenant_seq")]
        indexes = [
            models.Index(fields=["tenant", "created_at"], name="auditevent_tenant_time"),
            models.Index(fields=["tenant", "object_type", "object_id"], name="auditevent_tenant_object"),
        ]


class AuditChainHead(TenantOwnedModel):
    """The last (seq, hash) of a tenant's chain; locked FOR UPDATE to append."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant"], name="auditchainhead_tenant")]


class SystemAuditEvent(models.Model):
    """The system chain: events not (yet) inside one agency. No tenant_id; on the reviewed allow-list."""

    seq = models.BigIntegerField(unique=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    actor_id = models.BigIntegerField(null=True, blank=True)
    action = models.CharField(max_length=100)
    agency_hint = models.CharField(max_length=100, blank=True, help_text="the agency slug asked for, as typed")
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=100, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["created_at"], name="systemaudit_time")]


class SystemChainHead(models.Model):
    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)
