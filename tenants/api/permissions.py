"""The one DRF permission: the middleware must have built an actor for the agency in the URL.

What the actor may do is decided in each view by ``request.actor.can(Action.X)`` (the role matrix in
tenants.roles), never by DRF permission classes.
"""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request


class IsTenantMember(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return getattr(request._request, "actor", None) is not None
