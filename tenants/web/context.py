from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def tenant_context(request: HttpRequest) -> dict[str, Any]:
    tenant = getattr(request, "tenant", None)
    return {"tenant": tenant, "actor": getattr(request, "actor", None), "agency_field_name": "_agency"}
