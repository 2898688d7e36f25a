"""The API's exception handler: the common JSON shape (eoffice.common.api), plus what the tenant
middleware does for web views: roll the request's transaction back on any refusal, and audit 403/404
answers inside an agency (the same record for a random id and another tenant's id)."""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django.utils.translation import get_language
from rest_framework.response import Response

from eoffice.common.api import exception_handler as common_exception_handler
from eoffice.common.exceptions import ApplicationError
from tenants.services.audit import audit_record_now


def _client_ip(request: Any) -> str:
    return request.META.get("REMOTE_ADDR", "") or ""


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    response = common_exception_handler(exc, context)
    if response is None:
        return None  # not ours: the middleware turns it into a 500 and rolls back
    if connection.in_atomic_block:
        transaction.set_rollback(True)
    if isinstance(exc, ApplicationError) and exc.field and response.status_code == 400:
        # The same shape as a serializer's validation error: {"fields": {name: [message]}}.
        message = exc.message_en if (get_language() or "th").startswith("en") else exc.message_th
        response.data["error"]["fields"] = {exc.field: [message]}
    request = context.get("request")
    django_request = getattr(request, "_request", request)
    tenant = getattr(django_request, "tenant", None)
    if response.status_code in (403, 404) and tenant is not None:
        user = getattr(django_request, "user", None)
        audit_record_now(
            tenant_id=tenant.pk,
            actor_id=user.pk if user is not None and user.is_authenticated else None,
            action="access.denied" if response.status_code == 403 else "access.not_found",
            ip=_client_ip(django_request),
            changes={"path": django_request.path_info[:200]},
        )
    return response
