"""Small helpers shared by the web views (no queries here)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from eoffice.common.exceptions import PermissionDeniedInTenant
from tenants.roles import Action


def require(request: HttpRequest, action: Action, *, target_agency_id: int | None = None) -> None:
    """Refuse (403, audited by the middleware) unless the actor may do ``action``."""
    actor = getattr(request, "actor", None)
    if actor is None or not actor.can(action, target_agency_id=target_agency_id):
        raise PermissionDeniedInTenant()


def render_page(request: HttpRequest, template: str, context: dict[str, Any], *, status: int = 200) -> HttpResponse:
    return render(request, template, context, status=status)


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"
