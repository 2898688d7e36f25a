"""Notifications API (issue 4 §5): the member's own notifications (list, unread count, mark read, mark all
read), their e-mail preferences, and the overdue list (§4). Views parse, call one service or selector and
answer; the rules live in documents.handling.notifications."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from documents.api.handling import holder_label
from documents.handling import notifications
from documents.models import HolderKind, NotificationKind, Urgency
from tenants.api.views._common import TenantApi, api_schema, check_id

TAGS = ["notifications"]


class NotificationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=NotificationKind.choices)
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    count = serializers.IntegerField(help_text="how many letters this notification is about")
    text = serializers.CharField(help_text="never a secret letter's subject")
    link = serializers.CharField(help_text="path of the letter's page (or the overdue list)")
    handling_id = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)


class PreferenceSerializer(serializers.Serializer):
    email_enabled = serializers.BooleanField(help_text="e-mail me when a letter reaches me (in-app is always on)")
    email_urgent_only = serializers.BooleanField(help_text="only for ด่วน, ด่วนมาก and ด่วนที่สุด")
    email_overdue = serializers.BooleanField(help_text="the daily overdue reminder by e-mail")


class OverdueRowSerializer(serializers.Serializer):
    holding_id = serializers.IntegerField()
    handling_id = serializers.IntegerField()
    number = serializers.CharField(help_text="เลขรับ (number/BE year)")
    subject = serializers.CharField(help_text="empty for a secret letter")
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    holder_kind = serializers.ChoiceField(choices=HolderKind.choices)
    holder = serializers.CharField()
    due_on = serializers.DateField()
    days_over = serializers.IntegerField()
    passed_by = serializers.CharField()


def notification_data(n) -> dict:  # type: ignore[no-untyped-def]
    return {"id": n.pk, "kind": n.kind, "urgency": n.urgency, "count": n.count, "text": n.text, "link": n.link,
            "handling_id": n.handling_id, "created_at": n.created_at, "read_at": n.read_at}


def _preference_data(p) -> dict:  # type: ignore[no-untyped-def]
    return {"email_enabled": p.email_enabled, "email_urgent_only": p.email_urgent_only, "email_overdue": p.email_overdue}


class NotificationsApi(TenantApi):
    @api_schema(operation_id="notifications_list", summary="การแจ้งเตือนของฉัน (my notifications, newest first)",
                tags=TAGS, responses={200: NotificationOutputSerializer(many=True)}, errors=(400, 401, 403),
                parameters=[OpenApiParameter("unread", bool, description="only those not read yet")],
                description=f"At most {notifications.LIST_LIMIT} rows.")
    def get(self, request: Request, agency: str) -> Response:
        class Q(serializers.Serializer):
            unread = serializers.BooleanField(required=False, default=False)

        q = Q(data=request.query_params)
        q.is_valid(raise_exception=True)
        rows = notifications.notifications_list(tenant_id=request.tenant.pk, actor=request.actor,
                                                unread_only=q.validated_data["unread"])
        return Response(NotificationOutputSerializer([notification_data(n) for n in rows], many=True).data)


class UnreadCountApi(TenantApi):
    @api_schema(operation_id="notifications_unread_count", summary="จำนวนการแจ้งเตือนที่ยังไม่อ่าน (the bell)",
                tags=TAGS, errors=(401, 403),
                responses={200: inline_serializer("UnreadCountOutput", {"unread": serializers.IntegerField()})})
    def get(self, request: Request, agency: str) -> Response:
        return Response({"unread": notifications.unread_count(tenant_id=request.tenant.pk, actor=request.actor)})


class NotificationReadApi(TenantApi):
    @api_schema(operation_id="notifications_read", summary="ทำเครื่องหมายว่าอ่านแล้ว (mark one read)", tags=TAGS,
                request=None, responses={200: NotificationOutputSerializer},
                description="Marking a read notification again changes nothing. Another member's is answered 404.")
    def post(self, request: Request, agency: str, notification_id: int) -> Response:
        n = notifications.mark_read(tenant_id=request.tenant.pk, actor=request.actor,
                                    notification_id=check_id(notification_id))
        return Response(NotificationOutputSerializer(notification_data(n)).data)


class ReadAllApi(TenantApi):
    @api_schema(operation_id="notifications_read_all", summary="ทำเครื่องหมายว่าอ่านแล้วทั้งหมด (mark all read)",
                tags=TAGS, request=None, errors=(401, 403),
                responses={200: inline_serializer("ReadAllOutput", {
                    "marked": serializers.IntegerField(help_text="how many were unread")})})
    def post(self, request: Request, agency: str) -> Response:
        return Response({"marked": notifications.mark_all_read(tenant_id=request.tenant.pk, actor=request.actor)})


class PreferencesApi(TenantApi):
    @api_schema(operation_id="notifications_preferences_get", summary="การตั้งค่าการแจ้งเตือนของฉัน", tags=TAGS,
                responses={200: PreferenceSerializer}, errors=(401, 403))
    def get(self, request: Request, agency: str) -> Response:
        p = notifications.preference_get(tenant_id=request.tenant.pk, actor=request.actor)
        return Response(PreferenceSerializer(_preference_data(p)).data)

    @api_schema(operation_id="notifications_preferences_update", summary="แก้ไขการตั้งค่าการแจ้งเตือนของฉัน",
                tags=TAGS, request=PreferenceSerializer, responses={200: PreferenceSerializer}, errors=(400, 401, 403))
    def put(self, request: Request, agency: str) -> Response:
        s = PreferenceSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        p = notifications.preference_update(tenant_id=request.tenant.pk, actor=request.actor, **s.validated_data)
        return Response(PreferenceSerializer(_preference_data(p)).data)


class OverdueApi(TenantApi):
    @api_schema(operation_id="handling_overdue", summary="หนังสือเกินกำหนด (overdue holdings, most overdue first)",
                tags=["handling"], responses={200: OverdueRowSerializer(many=True)}, errors=(401, 403),
                description="Agency-wide readers (central clerks, heads, the registrar, auditors) get the agency's; "
                            f"anyone else those they hold or passed on. At most {notifications.OVERDUE_LIMIT} rows.")
    def get(self, request: Request, agency: str) -> Response:
        rows = notifications.overdue(request.actor, tenant_id=request.tenant.pk)
        data = [{
            "holding_id": h.pk, "handling_id": h.handling_id, "number": h.handling.entry.number_label,
            "subject": "" if h.handling.letter.is_secret else h.handling.letter.subject,
            "urgency": h.handling.letter.urgency, "holder_kind": h.holder_kind, "holder": holder_label(h),
            "due_on": h.due_on, "days_over": h.days_over, "passed_by": h.passed_by.display_name_th,
        } for h in rows]
        return Response(OverdueRowSerializer(data, many=True).data)
