"""Agencies in the actor's reach (auditors, provincial and system administrators) and creating an
agency (AGENCY_CREATE; it joins this agency's supervision list)."""

from __future__ import annotations

from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from eoffice.common.exceptions import PermissionDeniedInTenant
from tenants import selectors
from tenants.api.views._common import TenantApi, api_schema, require
from tenants.api.views.me import AgencyApi
from tenants.models import AgencyKind
from tenants.roles import Action, Scope
from tenants.services import org


def _supervises(request: Request) -> bool:
    actor = request.actor
    return actor.can(Action.AGENCY_SUPPORT) or actor.widest_scope(Action.AUDIT_VIEW) in (Scope.JURISDICTION, Scope.SYSTEM)


class AgenciesSupervisedApi(TenantApi):
    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        slug = serializers.CharField()
        name_th = serializers.CharField()
        name_en = serializers.CharField()
        kind = serializers.CharField()
        kind_label = serializers.CharField(source="get_kind_display")
        province = serializers.CharField()
        district = serializers.CharField()
        is_active = serializers.BooleanField()

    @api_schema(
        operation_id="agencies_supervised", summary="หน่วยงานในกำกับดูแล (agencies supervised)", tags=["agencies"],
        responses={200: OutputSerializer(many=True)}, errors=(401, 403),
        description="For auditors and provincial/system administrators: the agencies on this agency's supervision list.",
    )
    def get(self, request: Request, agency: str) -> Response:
        if not _supervises(request):
            raise PermissionDeniedInTenant()
        rows = selectors.agencies_supervised(agency_id=request.tenant.pk)
        return Response(self.OutputSerializer(rows, many=True).data)


class AgencyCreateApi(TenantApi):
    class InputSerializer(serializers.Serializer):
        slug = serializers.RegexField(
            r"^[a-z0-9][a-z0-9-]{1,62}$", max_length=63,
            help_text="URL name: a-z, 0-9 and -, 2-63 characters.",
        )
        name_th = serializers.CharField(max_length=255)
        name_en = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
        kind = serializers.ChoiceField(choices=AgencyKind.choices)
        province = serializers.CharField(max_length=100)
        district = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
        letter_code = serializers.CharField(max_length=10, help_text="รหัสพยัญชนะ เช่น นม")
        letter_number = serializers.CharField(max_length=20, help_text="เลขประจำส่วนราชการ เช่น 52301")
        saraban_email = serializers.EmailField(required=False, allow_blank=True, default="")

    @api_schema(
        operation_id="agency_create", summary="สร้างหน่วยงานใหม่ (create an agency)", tags=["agencies"],
        request=InputSerializer, responses={201: AgencyApi.OutputSerializer}, errors=(400, 401, 403),
        description="Needs agency.create (provincial and system administrators). The new agency joins this "
        "agency's supervision list.",
    )
    def post(self, request: Request, agency: str) -> Response:
        require(request, Action.AGENCY_CREATE)
        s = self.InputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        created = org.agency_create(actor=request.actor, supervisor_id=request.tenant.pk, **s.validated_data)
        return Response(AgencyApi.OutputSerializer(created).data, status=status.HTTP_201_CREATED)
