"""The header's bell: the reader's unread notifications, counted (one query) only when a page shows it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import DatabaseError, transaction
from django.http import HttpRequest

from documents.handling import notifications
from tenants.context import TenantScopeMissing

log = logging.getLogger(__name__)


def notifications_context(request: HttpRequest) -> dict[str, Any]:
    tenant, actor = getattr(request, "tenant", None), getattr(request, "actor", None)
    if tenant is None or actor is None or getattr(actor, "membership_id", None) is None:
        return {}
    seen: list[int | None] = []

    def unread() -> int | None:
        """Called by the template (once); an error page after a failed transaction shows the bell uncounted."""
        if not seen:
            try:
                with transaction.atomic():
                    seen.append(notifications.unread_count(tenant_id=tenant.pk, actor=actor))
            except (DatabaseError, TenantScopeMissing):
                log.debug("bell: unread count unavailable on this response", exc_info=True)
                seen.append(None)
        return seen[0]

    bell: Callable[[], int | None] = unread
    return {"notifications_unread": bell}
