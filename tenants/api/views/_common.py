"""Shared pieces of the API views: the base view, the role check, the agency path parameter, the
error envelope for the schema, pagination."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from eoffice.common.exceptions import NotFoundInTenant, PermissionDeniedInTenant
from tenants.roles import Action


class TenantApi(APIView):
    """Base of every agency route: ``request.tenant``/``actor``/``membership`` come from the middleware."""


def require(request: Request, action: Action, *, target_agency_id: int | None = None) -> None:
    """Refuse (403, audited by tenants.api.exceptions) unless the actor may do ``action``."""
    actor = getattr(request, "actor", None)
    if actor is None or not actor.can(action, target_agency_id=target_agency_id):
        raise PermissionDeniedInTenant()


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable machine code: invalid, not_authenticated, forbidden, not_found…")
    message_th = serializers.CharField(help_text="ข้อความภาษาไทย (Thai message)")
    message_en = serializers.CharField(help_text="English message")
    field = serializers.CharField(required=False, allow_null=True, help_text="The input field at fault, if one.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False,
        help_text="Validation errors by field (400 only), in the request's language.",
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorBodySerializer()


AGENCY_PARAM = OpenApiParameter(
    "agency", str, OpenApiParameter.PATH,
    description="The agency's URL name (slug), e.g. `tenant-a`. Tokens work only for their own agency.",
)

_ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="ข้อมูลไม่ถูกต้อง (validation error)"),
    401: OpenApiResponse(ErrorSerializer, description="ไม่ได้ยืนยันตัวตน หรือโทเค็นไม่ถูกต้อง/หมดอายุ"),
    403: OpenApiResponse(ErrorSerializer, description="ไม่มีสิทธิ์ (not a member, or the role may not do this)"),
    404: OpenApiResponse(ErrorSerializer, description="ไม่พบรายการ (missing, or belongs to another agency)"),
    409: OpenApiResponse(ErrorSerializer, description="ขัดแย้งกับสถานะปัจจุบัน (conflict with the current state)"),
}


def api_schema(
    *,
    operation_id: str,
    summary: str,
    tags: Sequence[str],
    responses: dict[int, Any],
    request: Any = None,
    parameters: Sequence[OpenApiParameter] = (),
    description: str = "",
    errors: Sequence[int] = (401, 403, 404),
) -> Any:
    """``extend_schema`` with the agency parameter and the error answers every agency route shares."""
    all_responses = dict(responses)
    for status in errors:
        all_responses.setdefault(status, _ERRORS[status])
    return extend_schema(
        operation_id=operation_id,
        summary=summary,
        description=description,
        tags=list(tags),
        request=request,
        responses=all_responses,
        parameters=[AGENCY_PARAM, *parameters],
    )


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


PAGE_PARAMS = [
    OpenApiParameter("page", int, OpenApiParameter.QUERY, description="Page number, from 1."),
    OpenApiParameter("page_size", int, OpenApiParameter.QUERY, description="Items per page (default 50, max 200)."),
]


def page_of(name: str, item: type[serializers.Serializer]) -> serializers.Serializer:
    """Schema of a paginated answer: {count, next, previous, results: [item]}."""
    return inline_serializer(
        name=name,
        fields={
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": item(many=True),
        },
    )


def paginate(
    request: Request, view: APIView, rows: Any, serializer: type[serializers.Serializer],
    *, prepare: Callable[[list[Any]], None] | None = None,
) -> Response:
    """One page of ``rows``; ``prepare`` may decorate the page's objects (names, labels) before output."""
    paginator = Pagination()
    page = list(paginator.paginate_queryset(rows, request, view=view) or [])
    if prepare is not None:
        prepare(page)
    return paginator.get_paginated_response(serializer(page, many=True).data)


MAX_ID = 2**63 - 1


def check_id(value: int) -> int:
    """Ids from the URL: beyond bigint is simply not found (never a database error)."""
    if not 1 <= value <= MAX_ID:
        raise NotFoundInTenant()
    return value
