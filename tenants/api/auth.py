"""DRF authentication on top of TenantMiddleware, which has already done the real work.

The middleware resolves ``/api/v1/a/<agency>/``, validates a token (``Authorization: Token
eo_<keyid>_<secret>``) inside that agency's scope or falls back to the session, checks the
membership, and sets ``request.user``, ``request.tenant``, ``request.actor``, ``request.membership``
(and ``request.api_token`` for a token) on the Django request. These classes only tell DRF what the
middleware decided; they never look a token up themselves.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.request import Request


class MembershipTokenAuthentication(BaseAuthentication):
    """A token bound to one membership of the agency in the URL (validated by the middleware)."""

    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        django_request = request._request
        token = getattr(django_request, "api_token", None)
        if token is None or getattr(django_request, "actor", None) is None:
            return None
        return (django_request.user, token)

    def authenticate_header(self, request: Request) -> str:
        # Makes DRF answer 401 (with WWW-Authenticate) rather than 403 when nobody is signed in.
        return self.keyword


class TenantSessionAuthentication(SessionAuthentication):
    """The browser session, only on agency routes the middleware accepted; CSRF enforced."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        django_request = request._request
        user = getattr(django_request, "user", None)
        if user is None or not user.is_active or getattr(django_request, "actor", None) is None:
            return None
        self.enforce_csrf(request)
        return (user, None)


class MembershipTokenScheme(OpenApiAuthenticationExtension):
    target_class = "tenants.api.auth.MembershipTokenAuthentication"
    name = "membershipToken"

    def get_security_definition(self, auto_schema):  # type: ignore[no-untyped-def]
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "`Token eo_<keyid>_<secret>`. A token belongs to one membership of one agency and works "
                "only under /api/v1/a/<that agency>/; expired or revoked tokens answer 401."
            ),
        }


class TenantSessionScheme(OpenApiAuthenticationExtension):
    target_class = "tenants.api.auth.TenantSessionAuthentication"
    name = "sessionCookie"

    def get_security_definition(self, auto_schema):  # type: ignore[no-untyped-def]
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": "sessionid",
            "description": (
                "The web session. Unsafe methods also need the CSRF token (X-CSRFToken) and the "
                "header X-Eoffice-Agency: <agency slug>."
            ),
        }
