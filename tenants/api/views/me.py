"""Who am I here (user, agency, roles, reach, acting line) and the agency itself."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from tenants import selectors
from tenants.api.views._common import TenantApi, api_schema, require
from tenants.roles import Action, Role


class AgencyBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name_th = serializers.CharField()
    name_en = serializers.CharField()


class MeApi(TenantApi):
    class OutputSerializer(serializers.Serializer):
        class UserSerializer(serializers.Serializer):
            id = serializers.IntegerField()
            username = serializers.CharField()
            display_name_th = serializers.CharField()
            email = serializers.CharField()
            is_system_admin = serializers.BooleanField()

        class UnitSerializer(serializers.Serializer):
            id = serializers.IntegerField()
            name_th = serializers.CharField()

        class RoleSerializer(serializers.Serializer):
            code = serializers.CharField()
            label = serializers.CharField(help_text="Role name in the request's language.")

        user = UserSerializer()
        agency = AgencyBriefSerializer()
        membership_id = serializers.IntegerField()
        unit = UnitSerializer(allow_null=True)
        roles = RoleSerializer(many=True)
        reach = AgencyBriefSerializer(many=True, help_text="Agencies this actor may read (its own first).")
        acting_for = serializers.CharField(help_text="รักษาราชการแทน… line when acting for a position today, else empty.")
        via_token = serializers.BooleanField(help_text="True when this request was authenticated by an API token.")

    @api_schema(
        operation_id="me", summary="ผู้ใช้ปัจจุบันในหน่วยงานนี้ (who am I here)", tags=["me"],
        responses={200: OutputSerializer}, errors=(401, 403),
    )
    def get(self, request: Request, agency: str) -> Response:
        require(request, Action.HOME_VIEW)
        tenant, actor, membership = request.tenant, request.actor, request.membership
        user = request.user
        others = [a for a in selectors.agencies_supervised(agency_id=tenant.pk) if a.pk in actor.reach and a.pk != tenant.pk]
        data = {
            "user": {
                "id": user.pk, "username": user.username, "display_name_th": user.display_name_th,
                "email": user.email, "is_system_admin": user.is_system_admin,
            },
            "agency": tenant,
            "membership_id": membership.pk,
            "unit": membership.unit if membership.unit_id else None,
            "roles": [{"code": r.value, "label": str(r.label)} for r in sorted(actor.roles, key=list(Role).index)],
            "reach": [tenant, *others],
            "acting_for": actor.acting_for,
            "via_token": getattr(request._request, "api_token", None) is not None,
        }
        return Response(self.OutputSerializer(data).data)


class AgencyApi(TenantApi):
    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        slug = serializers.CharField()
        name_th = serializers.CharField()
        name_en = serializers.CharField()
        kind = serializers.CharField()
        kind_label = serializers.CharField(source="get_kind_display")
        province = serializers.CharField()
        district = serializers.CharField()
        letter_code = serializers.CharField(help_text="รหัสพยัญชนะ")
        letter_number = serializers.CharField(help_text="เลขประจำส่วนราชการ")
        letter_prefix = serializers.CharField(help_text='"นม 52301", printed before "/<number>".')
        saraban_email = serializers.CharField()
        use_thai_digits = serializers.BooleanField()
        signature_level = serializers.CharField()
        top_secret_policy = serializers.CharField()
        is_active = serializers.BooleanField()
        created_at = serializers.DateTimeField(help_text="ISO 8601, Christian Era.")

    @api_schema(
        operation_id="agency_detail", summary="ข้อมูลหน่วยงาน (agency detail)", tags=["agency"],
        responses={200: OutputSerializer}, errors=(401, 403),
    )
    def get(self, request: Request, agency: str) -> Response:
        require(request, Action.HOME_VIEW)
        return Response(self.OutputSerializer(request.tenant).data)
