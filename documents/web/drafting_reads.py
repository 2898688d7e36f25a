"""Small reads the drafting pages need beyond ``documents.drafting.selectors`` (candidates to move there).
Every function takes ``tenant_id`` explicitly and runs in the request's tenant scope."""

from __future__ import annotations

from documents.models import (
    ReviewRoute,
)
from tenants.models import Agency


def agencies_for_recipients() -> list[Agency]:
    """Agencies in the system a letter can go to in-system (agencies are global rows)."""
    return list(Agency.objects.filter(is_active=True).order_by("name_th").only("pk", "name_th"))


def routes_all(*, tenant_id: int) -> list[ReviewRoute]:
    return list(ReviewRoute.objects.filter(tenant_id=tenant_id).prefetch_related("steps", "steps__position"))
