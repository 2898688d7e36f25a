"""Org units and positions: everyone in the agency reads; ORG_MANAGE creates. Related ids in bodies
are looked up in the URL's agency only, so another agency's id reads exactly like a random one."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from eoffice.common.exceptions import NotFoundInTenant
from tenants import selectors
from tenants.api.views._common import MAX_ID, TenantApi, api_schema, check_id, require
from tenants.models import OrgUnit, OrgUnitKind
from tenants.roles import Action
from tenants.services import org


class UnitIdField(serializers.IntegerField):
    """An org unit id, resolved in the URL's agency (``context["tenant_id"]``) to an OrgUnit."""

    default_error_messages = {"not_found": _("ไม่พบหน่วยงานย่อยนี้ในหน่วยงาน")}

    def to_internal_value(self, data):  # type: ignore[no-untyped-def]
        unit_id = super().to_internal_value(data)
        if not 1 <= unit_id <= MAX_ID:
            self.fail("not_found")  # out of range reads like any unknown id
        try:
            return selectors.org_unit_get(tenant_id=self.context["tenant_id"], unit_id=unit_id)
        except NotFoundInTenant:
            self.fail("not_found")


class OrgUnitOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name_th = serializers.CharField()
    name_en = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    parent = serializers.IntegerField(source="parent_id", allow_null=True, help_text="Parent unit id, or null (top).")
    unit_number = serializers.CharField(help_text="เลขประจำหน่วยงานย่อย")
    phone = serializers.CharField()
    sort_order = serializers.IntegerField()
    is_active = serializers.BooleanField()


class PositionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title_th = serializers.CharField(help_text="ชื่อตำแหน่งที่พิมพ์ในหนังสือ")
    title_en = serializers.CharField()
    unit = serializers.IntegerField(source="unit_id", allow_null=True)
    line_position = serializers.CharField(help_text="ตำแหน่งในสายงาน")
    level = serializers.CharField(help_text="ระดับ")
    is_elected = serializers.BooleanField()
    is_executive = serializers.BooleanField()
    sort_order = serializers.IntegerField()
    is_active = serializers.BooleanField()


class OrgUnitsApi(TenantApi):
    class CreateInputSerializer(serializers.Serializer):
        name_th = serializers.CharField(max_length=255)
        name_en = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
        kind = serializers.ChoiceField(choices=OrgUnitKind.choices, default=OrgUnitKind.DIVISION)
        parent = UnitIdField(required=False, allow_null=True, default=None, help_text="Parent unit id in this agency.")
        unit_number = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
        phone = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
        sort_order = serializers.IntegerField(min_value=0, max_value=2**31 - 1, required=False, default=0)

    @api_schema(
        operation_id="org_units_list", summary="รายการหน่วยงานย่อย (list org units)", tags=["org"],
        responses={200: OrgUnitOutputSerializer(many=True)}, errors=(401, 403),
    )
    def get(self, request: Request, agency: str) -> Response:
        require(request, Action.ORG_VIEW)
        units = selectors.org_units_list(tenant_id=request.tenant.pk)
        return Response(OrgUnitOutputSerializer(units, many=True).data)

    @api_schema(
        operation_id="org_units_create", summary="สร้างหน่วยงานย่อย (create an org unit)", tags=["org"],
        request=CreateInputSerializer, responses={201: OrgUnitOutputSerializer}, errors=(400, 401, 403),
        description="Needs org.manage (agency administrators).",
    )
    def post(self, request: Request, agency: str) -> Response:
        require(request, Action.ORG_MANAGE)
        tenant = request.tenant
        s = self.CreateInputSerializer(data=request.data, context={"tenant_id": tenant.pk})
        s.is_valid(raise_exception=True)
        unit = org.org_unit_create(tenant_id=tenant.pk, actor=request.actor, **s.validated_data)
        return Response(OrgUnitOutputSerializer(unit).data, status=status.HTTP_201_CREATED)


class OrgUnitDetailApi(TenantApi):
    class OutputSerializer(OrgUnitOutputSerializer):
        children = OrgUnitOutputSerializer(source="children_list", many=True, help_text="Units directly below.")
        positions = PositionOutputSerializer(source="positions_list", many=True, help_text="Positions in this unit.")

    @api_schema(
        operation_id="org_unit_detail", summary="หน่วยงานย่อย (org unit detail)", tags=["org"],
        responses={200: OutputSerializer},
    )
    def get(self, request: Request, agency: str, unit_id: int) -> Response:
        require(request, Action.ORG_VIEW)
        tenant = request.tenant
        unit: OrgUnit = selectors.org_unit_get(tenant_id=tenant.pk, unit_id=check_id(unit_id))
        unit.children_list = list(selectors.org_unit_children(tenant_id=tenant.pk, unit_id=unit.pk))
        unit.positions_list = list(selectors.positions_in_unit(tenant_id=tenant.pk, unit_id=unit.pk))
        return Response(self.OutputSerializer(unit).data)


class PositionsApi(TenantApi):
    class CreateInputSerializer(serializers.Serializer):
        title_th = serializers.CharField(max_length=255)
        title_en = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
        unit = UnitIdField(required=False, allow_null=True, default=None, help_text="Unit id in this agency.")
        line_position = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
        level = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
        is_elected = serializers.BooleanField(required=False, default=False)
        is_executive = serializers.BooleanField(required=False, default=False)
        sort_order = serializers.IntegerField(min_value=0, max_value=2**31 - 1, required=False, default=0)

    @api_schema(
        operation_id="positions_list", summary="รายการตำแหน่ง (list positions)", tags=["org"],
        responses={200: PositionOutputSerializer(many=True)}, errors=(401, 403),
    )
    def get(self, request: Request, agency: str) -> Response:
        require(request, Action.ORG_VIEW)
        rows = selectors.positions_list(tenant_id=request.tenant.pk)
        return Response(PositionOutputSerializer(rows, many=True).data)

    @api_schema(
        operation_id="positions_create", summary="สร้างตำแหน่ง (create a position)", tags=["org"],
        request=CreateInputSerializer, responses={201: PositionOutputSerializer}, errors=(400, 401, 403),
        description="Needs org.manage (agency administrators).",
    )
    def post(self, request: Request, agency: str) -> Response:
        require(request, Action.ORG_MANAGE)
        tenant = request.tenant
        s = self.CreateInputSerializer(data=request.data, context={"tenant_id": tenant.pk})
        s.is_valid(raise_exception=True)
        pos = org.position_create(tenant_id=tenant.pk, actor=request.actor, **s.validated_data)
        return Response(PositionOutputSerializer(pos).data, status=status.HTTP_201_CREATED)


class PositionDetailApi(TenantApi):
    class OutputSerializer(PositionOutputSerializer):
        class HolderSerializer(serializers.Serializer):
            membership_id = serializers.IntegerField()
            display_name_th = serializers.CharField(source="membership.user.display_name_th")
            kind = serializers.CharField(help_text="holder, acting (รักษาราชการแทน) or elected_term")
            kind_label = serializers.CharField(source="get_kind_display")
            starts_on = serializers.DateField(help_text="ISO 8601 date, Christian Era.")
            ends_on = serializers.DateField(allow_null=True)
            order_reference = serializers.CharField(help_text="คำสั่งแต่งตั้ง เลขที่/วันที่")

        holders_today = HolderSerializer(many=True, help_text="Who holds or acts for the position today.")

    @api_schema(
        operation_id="position_detail", summary="ตำแหน่งและผู้ดำรงตำแหน่งวันนี้ (position detail, holders today)",
        tags=["org"], responses={200: OutputSerializer},
    )
    def get(self, request: Request, agency: str, position_id: int) -> Response:
        require(request, Action.ORG_VIEW)
        tenant = request.tenant
        pos = selectors.position_get(tenant_id=tenant.pk, position_id=check_id(position_id))
        pos.holders_today = list(selectors.position_holders_today(tenant_id=tenant.pk, position_id=pos.pk))
        return Response(self.OutputSerializer(pos).data)
