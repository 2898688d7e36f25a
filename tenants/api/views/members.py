"""Members of the agency: list and detail (MEMBERS_VIEW; a unit clerk sees their unit and the units
below it), revoke (MEMBERS_MANAGE, reason required)."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from eoffice.common.exceptions import ApplicationError, ConflictError, NotFoundInTenant
from tenants import selectors
from tenants.api.views._common import TenantApi, api_schema, check_id, require
from tenants.models import Membership, OrgUnit
from tenants.roles import Action, Role, Scope
from tenants.services import org


def _unit_and_below(units: list[OrgUnit], root_id: int | None) -> set[int]:
    if root_id is None:
        return set()
    found = {root_id}
    changed = True
    while changed:
        changed = False
        for u in units:
            if u.parent_id in found and u.pk not in found:
                found.add(u.pk)
                changed = True
    return found


def _visible_unit_ids(request: Request) -> set[int] | None:
    """None: the whole agency. A set: a unit clerk sees the members of their unit (and units below)."""
    if request.actor.widest_scope(Action.MEMBERS_VIEW) == Scope.UNIT:
        units = list(selectors.org_units_list(tenant_id=request.tenant.pk))
        return _unit_and_below(units, request.actor.unit_id)
    return None


def _member_visible(request: Request, membership_id: int) -> Membership:
    m = selectors.member_get(tenant_id=request.tenant.pk, membership_id=check_id(membership_id))
    unit_ids = _visible_unit_ids(request)
    if unit_ids is not None and m.unit_id not in unit_ids:
        raise NotFoundInTenant()  # outside the clerk's units reads like a missing member
    return m


class MemberOutputSerializer(serializers.Serializer):
    class UserSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        username = serializers.CharField()
        display_name_th = serializers.CharField()
        email = serializers.CharField()

    class UnitSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        name_th = serializers.CharField()

    id = serializers.IntegerField(help_text="The membership id.")
    user = UserSerializer()
    unit = UnitSerializer(allow_null=True)
    is_active = serializers.BooleanField()
    joined_at = serializers.DateTimeField()
    revoked_at = serializers.DateTimeField(allow_null=True)
    revoked_reason = serializers.CharField()


class MembersApi(TenantApi):
    @api_schema(
        operation_id="members_list", summary="รายชื่อสมาชิกของหน่วยงาน (list members)", tags=["members"],
        responses={200: MemberOutputSerializer(many=True)}, errors=(401, 403),
        description="Needs members.view; a unit clerk sees the members of their unit and the units below it.",
    )
    def get(self, request: Request, agency: str) -> Response:
        require(request, Action.MEMBERS_VIEW)
        unit_ids = _visible_unit_ids(request)
        rows = [m for m in selectors.members_list(tenant_id=request.tenant.pk) if unit_ids is None or m.unit_id in unit_ids]
        return Response(MemberOutputSerializer(rows, many=True).data)


class MemberDetailApi(TenantApi):
    class OutputSerializer(MemberOutputSerializer):
        class RoleSerializer(serializers.Serializer):
            code = serializers.CharField()
            label = serializers.CharField()

        class HeldSerializer(serializers.Serializer):
            position_id = serializers.IntegerField()
            title_th = serializers.CharField(source="position.title_th")
            kind = serializers.CharField()
            starts_on = serializers.DateField()
            ends_on = serializers.DateField(allow_null=True)

        roles = RoleSerializer(many=True, help_text="Granted directly or through positions held today.")
        positions_today = HeldSerializer(many=True)

    @api_schema(
        operation_id="member_detail", summary="สมาชิก (member detail)", tags=["members"],
        responses={200: OutputSerializer},
    )
    def get(self, request: Request, agency: str, membership_id: int) -> Response:
        require(request, Action.MEMBERS_VIEW)
        tenant = request.tenant
        m = _member_visible(request, membership_id)
        roles = selectors.roles_of_membership(tenant_id=tenant.pk, membership=m)
        m.roles = [{"code": r.value, "label": str(r.label)} for r in sorted(roles, key=list(Role).index)]
        m.positions_today = list(selectors.positions_held_today(tenant_id=tenant.pk, membership_id=m.pk))
        return Response(self.OutputSerializer(m).data)


class MemberRevokeApi(TenantApi):
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=255, help_text="Why the membership ends (recorded).")

    @api_schema(
        operation_id="member_revoke", summary="เพิกถอนสมาชิกภาพ (revoke a membership)", tags=["members"],
        request=InputSerializer, responses={200: MemberOutputSerializer}, errors=(400, 401, 403, 404, 409),
        description="Needs members.manage. Ends every access of that person to this agency, tokens included.",
    )
    def post(self, request: Request, agency: str, membership_id: int) -> Response:
        require(request, Action.MEMBERS_MANAGE)
        tenant = request.tenant
        m = _member_visible(request, membership_id)
        s = self.InputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        if m.pk == request.membership.pk:
            raise ApplicationError("ไม่สามารถเพิกถอนสมาชิกภาพของตนเองได้", "You cannot revoke your own membership.")
        if not m.is_active:
            raise ConflictError("สมาชิกภาพนี้ถูกเพิกถอนแล้ว", "This membership is already revoked.")
        org.membership_revoke(tenant_id=tenant.pk, actor=request.actor, membership=m, reason=s.validated_data["reason"])
        return Response(MemberOutputSerializer(m).data)
