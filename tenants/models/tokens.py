from __future__ import annotations

from django.db import models

from tenants.models.agency import TenantOwnedModel
from tenants.models.people import Membership


class ApiToken(TenantOwnedModel):
    """An API token bound to one membership (so to one agency). Only a SHA-256 of the secret is kept."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    key_id = models.CharField(max_length=24, unique=True)
    key_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["tenant", "membership"], name="apitoken_tenant_membership")]
