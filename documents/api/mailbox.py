"""The central saraban@ mailbox through the API: the queue, one message (pre-filled registration),
register from it, dismiss / restore; mailbox settings and "fetch now" for agency admins."""

from __future__ import annotations

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from documents.api.serializers import (
    EntryOutputSerializer,
    FileOutputSerializer,
    IncomingInputSerializer,
    entry_data,
)
from documents.mailbox import selectors as mailbox_selectors
from documents.mailbox import services as mailbox_services
from documents.mailbox.prefill import mailbox_prefill
from documents.models import MailboxKind, MailboxMessageState
from documents.registry import selectors
from eoffice.common.exceptions import NotFoundInTenant
from tenants.api.views._common import TenantApi, api_schema, check_id, require
from tenants.roles import Action

TAGS = ["mailbox"]


def _require_queue(request: Request) -> None:
    require(request, Action.REGISTRY_CENTRAL_WRITE)


class MessageOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    mailbox = serializers.CharField(source="mailbox.address")
    from_name = serializers.CharField()
    from_address = serializers.CharField()
    subject = serializers.CharField()
    sent_at = serializers.DateTimeField(allow_null=True)
    fetched_at = serializers.DateTimeField()
    state = serializers.ChoiceField(choices=MailboxMessageState.choices)
    entry = serializers.IntegerField(source="entry_id", allow_null=True)


class MessagesApi(TenantApi):
    @api_schema(operation_id="mailbox_messages", summary="อีเมลเข้ากล่องสารบรรณกลาง (the mailbox queue)", tags=TAGS,
                responses={200: MessageOutputSerializer(many=True)}, errors=(400, 401, 403))
    def get(self, request: Request, agency: str) -> Response:
        _require_queue(request)
        state = request.query_params.get("state", MailboxMessageState.NEW)
        if state not in (*MailboxMessageState.values, "all"):
            state = MailboxMessageState.NEW
        rows = mailbox_selectors.mailbox_messages(tenant_id=request.tenant.pk, state=None if state == "all" else state)
        return Response(MessageOutputSerializer(rows[:200], many=True).data)


class MessageDetailApi(TenantApi):
    class OutputSerializer(MessageOutputSerializer):
        body_text = serializers.CharField()
        notes = serializers.ListField(child=serializers.CharField())
        attachments = FileOutputSerializer(source="attachment_files", many=True)
        prefill = serializers.DictField(help_text="Suggested registration fields guessed from the e-mail.")

    @api_schema(operation_id="mailbox_message", summary="อีเมลหนึ่งฉบับ พร้อมข้อมูลที่กรอกไว้ให้ (one message)",
                tags=TAGS, responses={200: OutputSerializer})
    def get(self, request: Request, agency: str, message_id: int) -> Response:
        _require_queue(request)
        t = request.tenant.pk
        message = mailbox_selectors.mailbox_message_get(tenant_id=t, message_id=check_id(message_id))
        text, notes = mailbox_selectors.message_text_and_notes(message)
        visible = mailbox_selectors.message_files_visible(actor=request.actor, message=message)
        message.body_text, message.notes = text, notes
        message.attachment_files = mailbox_selectors.message_attachments(tenant_id=t, message=message) if visible else []
        prefill = mailbox_prefill(message)
        message.prefill = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in prefill.items()}
        return Response(self.OutputSerializer(message).data)


class MessageRegisterApi(TenantApi):
    @api_schema(operation_id="mailbox_message_register", summary="ลงทะเบียนรับจากอีเมลนี้ (register from this e-mail)",
                tags=TAGS, request=IncomingInputSerializer, responses={201: EntryOutputSerializer},
                errors=(400, 401, 403, 404, 409),
                description="The e-mail's files become the letter's; an auto-reply gives the sender our เลขรับ.")
    def post(self, request: Request, agency: str, message_id: int) -> Response:
        _require_queue(request)
        s = IncomingInputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        book_code = s.validated_data["book"]
        book_id = selectors.book_get(request.actor, tenant_id=request.tenant.pk, code=book_code).pk if book_code else None
        entry = mailbox_services.mailbox_register(
            tenant_id=request.tenant.pk, actor=request.actor, message_id=check_id(message_id),
            data=s.to_input(book_id), idempotency_key=s.validated_data["idempotency_key"],
        )
        visible = entry.letter is None or not entry.letter.is_secret
        return Response(EntryOutputSerializer(entry_data(entry, visible=visible, book_code=entry.book.code)).data,
                        status=status.HTTP_201_CREATED)


class MessageDismissApi(TenantApi):
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
        restore = serializers.BooleanField(required=False, default=False, help_text="true: back to the queue")

    @api_schema(operation_id="mailbox_message_dismiss", summary="ไม่ใช่หนังสือราชการ / เรียกคืน (dismiss or restore)",
                tags=TAGS, request=InputSerializer, responses={200: MessageOutputSerializer},
                errors=(400, 401, 403, 404, 409))
    def post(self, request: Request, agency: str, message_id: int) -> Response:
        _require_queue(request)
        s = self.InputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        kw = {"tenant_id": request.tenant.pk, "actor": request.actor, "message_id": check_id(message_id)}
        if s.validated_data["restore"]:
            message = mailbox_services.mailbox_restore(**kw)
        else:
            message = mailbox_services.mailbox_dismiss(**kw, reason=s.validated_data["reason"])
        return Response(MessageOutputSerializer(message).data)


class MailboxOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=MailboxKind.choices)
    address = serializers.EmailField()
    host = serializers.CharField()
    port = serializers.IntegerField(allow_null=True)
    use_tls = serializers.BooleanField()
    username = serializers.CharField()
    password_ref = serializers.CharField(help_text="Name of the server's EOFFICE_MAILBOX_PASSWORD_* variable.")
    folder = serializers.CharField()
    path = serializers.CharField()
    auto_reply = serializers.BooleanField()
    is_active = serializers.BooleanField()
    last_fetched_at = serializers.DateTimeField(allow_null=True)
    last_error = serializers.CharField()


class MailboxInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=MailboxKind.choices)
    address = serializers.EmailField()
    host = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    port = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1, max_value=65535)
    use_tls = serializers.BooleanField(required=False, default=True)
    username = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    password_ref = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    folder = serializers.CharField(max_length=255, required=False, default="INBOX")
    path = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    auto_reply = serializers.BooleanField(required=False, default=True)
    is_active = serializers.BooleanField(required=False, default=True)


class MailboxesApi(TenantApi):
    @api_schema(operation_id="mailboxes", summary="กล่องอีเมลของหน่วยงาน (the agency's mailboxes)", tags=TAGS,
                responses={200: MailboxOutputSerializer(many=True)}, errors=(401, 403),
                description="Central clerks and agency admins.")
    def get(self, request: Request, agency: str) -> Response:
        if not request.actor.can(Action.REGISTRY_CENTRAL_WRITE):
            require(request, Action.ORG_MANAGE)
        return Response(MailboxOutputSerializer(mailbox_selectors.mailboxes_list(tenant_id=request.tenant.pk),
                                                many=True).data)

    @api_schema(operation_id="mailboxes_create", summary="ตั้งค่ากล่องอีเมลสารบรรณกลาง (add a mailbox)", tags=TAGS,
                request=MailboxInputSerializer, responses={201: MailboxOutputSerializer}, errors=(400, 401, 403, 409))
    def post(self, request: Request, agency: str) -> Response:
        require(request, Action.ORG_MANAGE)
        s = MailboxInputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        mb = mailbox_services.mailbox_configure(tenant_id=request.tenant.pk, actor=request.actor, **s.validated_data)
        return Response(MailboxOutputSerializer(mb).data, status=status.HTTP_201_CREATED)


class MailboxFetchApi(TenantApi):
    @api_schema(operation_id="mailbox_fetch", summary="ดึงอีเมลเดี๋ยวนี้ (fetch now, as a background job)",
                tags=TAGS, responses={202: inline_serializer(name="FetchQueued", fields={
                    "job": serializers.IntegerField(), "status": serializers.CharField()})}, errors=(401, 403, 404))
    def post(self, request: Request, agency: str, mailbox_id: int) -> Response:
        _require_queue(request)
        t = request.tenant.pk
        if not mailbox_selectors.mailboxes_list(tenant_id=t).filter(pk=check_id(mailbox_id)).exists():
            raise NotFoundInTenant()
        job = mailbox_services.mailbox_fetch_request(tenant_id=t, actor=request.actor, mailbox_id=mailbox_id)
        return Response({"job": job.pk, "status": job.status}, status=status.HTTP_202_ACCEPTED)
