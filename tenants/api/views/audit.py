"""The audit log (AUDIT_VIEW), newest first, paginated. Auditors and provincial administrators may
read an agency within their reach with ``?agency=<slug>``; outside the reach reads like a missing one."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from eoffice.common.exceptions import NotFoundInTenant
from tenants import selectors
from tenants.api.views._common import PAGE_PARAMS, TenantApi, api_schema, page_of, paginate, require
from tenants.roles import Action


class AuditEventsApi(TenantApi):
    class OutputSerializer(serializers.Serializer):
        seq = serializers.IntegerField(help_text="Position in the agency's hash chain.")
        agency = serializers.CharField(source="agency_slug")
        created_at = serializers.DateTimeField()
        actor_id = serializers.IntegerField(allow_null=True)
        actor_name = serializers.CharField(allow_null=True)
        acting_for = serializers.CharField()
        action = serializers.CharField()
        object_type = serializers.CharField()
        object_id = serializers.CharField()
        changes = serializers.JSONField(help_text="Ids and digests only, never letter content.")
        ip = serializers.IPAddressField(allow_null=True)
        prev_hash = serializers.CharField()
        hash = serializers.CharField()

    @api_schema(
        operation_id="audit_events_list", summary="บันทึกการตรวจสอบ (audit events)", tags=["audit"],
        responses={200: page_of("AuditEventsPage", OutputSerializer)},
        parameters=[
            OpenApiParameter("agency", str, OpenApiParameter.QUERY, description=(
                "Another agency's slug within the caller's reach (auditors, provincial administrators)."
            )),
            OpenApiParameter("action", str, OpenApiParameter.QUERY, description="Only events with this action."),
            *PAGE_PARAMS,
        ],
        description="Needs audit.view. Newest first.",
    )
    def get(self, request: Request, agency: str) -> Response:
        require(request, Action.AUDIT_VIEW)
        tenant, actor = request.tenant, request.actor
        target = tenant
        slug = request.query_params.get("agency", "").strip()
        if slug and slug != tenant.slug:
            found = selectors.agency_get_by_slug(slug=slug)
            if found is None or found.pk not in actor.reach or not actor.can(Action.AUDIT_VIEW, target_agency_id=found.pk):
                raise NotFoundInTenant()
            target = found
        events = selectors.audit_events_list(tenant_ids=[target.pk])
        action = request.query_params.get("action", "").strip()
        if action:
            events = events.filter(action=action)

        def prepare(page: list) -> None:  # type: ignore[type-arg]
            names = selectors.users_by_ids(ids={e.actor_id for e in page if e.actor_id})
            for e in page:
                e.agency_slug = target.slug
                user = names.get(e.actor_id)
                e.actor_name = user.display_name_th if user else None

        return paginate(request, self, events, self.OutputSerializer, prepare=prepare)
