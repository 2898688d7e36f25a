from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from tenants.roles import Action


def tenant_context(request: HttpRequest) -> dict[str, Any]:
    tenant = getattr(request, "tenant", None)
    actor = getattr(request, "actor", None)
    # ``can.ORG_MANAGE`` etc. in templates: what the navigation may offer (views check again).
    can = {a.name: actor.can(a) for a in Action} if actor is not None else {}
    return {
        "tenant": tenant,
        "actor": actor,
        "agency_field_name": "_agency",
        "can": can,
        "csrf_cookie_name": settings.CSRF_COOKIE_NAME,
    }
