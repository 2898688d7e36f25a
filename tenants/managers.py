"""Fail-closed managers for tenant-owned models.

``Model.objects`` raises ``TenantScopeMissing`` when no tenant scope is open, and otherwise narrows
every query to the agencies the scope may read. The escape hatch is loud: ``dangerously_unscoped()``
(RLS still applies underneath); it is allowed only where ``tests/tenancy/test_escape_hatches.py``
lists it.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from tenants.context import TenantScopeMissing, current_scope


class TenantQuerySet(models.QuerySet):
    def for_tenant(self, tenant: Any) -> TenantQuerySet:
        tenant_id = tenant if isinstance(tenant, int) else tenant.pk
        return self.filter(tenant_id=tenant_id)


class TenantScopedManager(models.Manager.from_queryset(TenantQuerySet)):  # type: ignore[misc]
    def get_queryset(self) -> TenantQuerySet:
        scope = current_scope()
        if scope is None:
            raise TenantScopeMissing(
                f"{self.model.__name__}.objects used with no tenant scope; open tenants.context.tenant_scope()"
            )
        return super().get_queryset().filter(tenant_id__in=scope.read_tenant_ids)

    def dangerously_unscoped(self) -> TenantQuerySet:
        return super().get_queryset()


class MembershipManager(TenantScopedManager):
    """Memberships may also be read by their own user before an agency is chosen (user scope)."""

    def get_queryset(self) -> TenantQuerySet:
        scope = current_scope()
        if scope is not None and scope.write_tenant_id is None and scope.user_id is not None:
            return models.QuerySet(self.model, using=self._db).filter(user_id=scope.user_id)  # type: ignore[return-value]
        return super().get_queryset()
