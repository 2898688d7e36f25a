"""Drafting API (issue 5): outgoing drafts from forms or files, versions, comments, review with initials,
ready to sign, refusal, signed, cancel, dispatch, printed envelopes and the delivery book, review routes.
Views parse, call one service or selector and answer; the rules live in documents.drafting."""

from __future__ import annotations

import json

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema_field
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from documents.api.serializers import FileOutputSerializer
from documents.drafting import dispatch, printing, selectors, services
from documents.drafting.errors import DraftingError
from documents.drafting.fields import FORM_FIELDS
from documents.files.services import file_download_response
from documents.models import (
    DispatchChannel,
    DraftEventKind,
    DraftForm,
    DraftSource,
    DraftState,
    RecipientRole,
    ReviewStage,
    ReviewStatus,
    Secrecy,
    Urgency,
)
from tenants.api.views._common import MAX_ID, TenantApi, api_schema, check_id

TAGS = ["drafting"]
ACTION_ERRORS = (400, 401, 403, 404, 409)
PDF_RESPONSE = {(200, "application/pdf"): OpenApiTypes.BINARY}
LISTS = ("mine", "review", "desk", "awaiting_signature", "awaiting_dispatch")


def _id(**kw) -> serializers.IntegerField:  # type: ignore[no-untyped-def]
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kw)


def _valid(serializer_class, request: Request) -> dict:  # type: ignore[no-untyped-def]
    s = serializer_class(data=request.data)
    s.is_valid(raise_exception=True)
    return s.validated_data


def _pdf(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- output ------------------------------------------------------------------------------------------------
class RecipientSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    role = serializers.ChoiceField(choices=RecipientRole.choices, default=RecipientRole.TO)
    name = serializers.CharField(max_length=255, allow_blank=True, default="",
                                 help_text="ชื่อผู้รับตามที่พิมพ์ (blank: the chosen agency/unit/post's name)")
    channel = serializers.ChoiceField(choices=DispatchChannel.choices, default=DispatchChannel.POST)
    address = serializers.CharField(max_length=1000, allow_blank=True, default="")
    email = serializers.CharField(max_length=254, allow_blank=True, default="")
    agency_id = _id(required=False, allow_null=True, default=None)
    unit_id = _id(required=False, allow_null=True, default=None)
    position_id = _id(required=False, allow_null=True, default=None)
    tracking_number = serializers.CharField(read_only=True)
    dispatched_at = serializers.DateTimeField(read_only=True, allow_null=True)
    received_by_name = serializers.CharField(read_only=True)
    received_at = serializers.DateTimeField(read_only=True, allow_null=True)


class VersionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    subject = serializers.CharField()
    fields = serializers.DictField(child=serializers.CharField())
    body_html = serializers.CharField(help_text="sanitised on the server (allow-list)")
    source_file_id = serializers.IntegerField(allow_null=True)
    number_box = serializers.DictField()
    pdf_file_id = serializers.IntegerField(source="pdf_id", allow_null=True, help_text="the rendered preview (a job)")
    note = serializers.CharField()
    created_at = serializers.DateTimeField()


class ReviewSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    round = serializers.IntegerField()
    order = serializers.IntegerField()
    position_id = serializers.IntegerField()
    position = serializers.CharField(source="position.title_th")
    stage = serializers.ChoiceField(choices=ReviewStage.choices)
    status = serializers.ChoiceField(choices=ReviewStatus.choices)
    version = serializers.IntegerField(allow_null=True)
    typed_name = serializers.CharField()
    printed_position = serializers.CharField()
    authority_line = serializers.CharField()
    acted_at = serializers.DateTimeField(allow_null=True)
    comment = serializers.CharField()


class CommentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    version = serializers.IntegerField()
    author_name = serializers.CharField()
    text = serializers.CharField()
    created_at = serializers.DateTimeField()


class EventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=DraftEventKind.choices)
    at = serializers.DateTimeField()
    actor_name = serializers.CharField()
    actor_position = serializers.CharField()
    authority_line = serializers.CharField()
    version = serializers.IntegerField(allow_null=True)
    text = serializers.CharField()
    details = serializers.DictField()


class DraftRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    form = serializers.ChoiceField(choices=DraftForm.choices)
    source = serializers.ChoiceField(choices=DraftSource.choices)
    state = serializers.ChoiceField(choices=DraftState.choices)
    subject = serializers.CharField()
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    secrecy = serializers.ChoiceField(choices=Secrecy.choices)
    owner_unit_id = serializers.IntegerField()
    version = serializers.IntegerField()
    review_round = serializers.IntegerField()
    entry_id = serializers.IntegerField(allow_null=True)
    reference = serializers.SerializerMethodField(help_text="ที่ (once ready to sign)")
    letter_id = serializers.IntegerField(allow_null=True)
    reply_to_letter_id = serializers.IntegerField(source="reply_to_id", allow_null=True)
    updated_at = serializers.DateTimeField()

    def get_reference(self, draft) -> str:  # type: ignore[no-untyped-def]
        return draft.entry.reference if draft.entry_id else ""


class RenderStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["none", "queued", "done", "failed"])
    reason = serializers.CharField(help_text="why it failed (Thai / English)")


class DraftDetailSerializer(DraftRowSerializer):
    final_render = RenderStatusSerializer(help_text="the final version and file copy (job drafting.render_final)")
    recipients = RecipientSerializer(many=True)
    versions = VersionSerializer(many=True)
    reviews = ReviewSerializer(many=True)
    comments = CommentSerializer(many=True)
    events = EventSerializer(many=True)
    files = FileOutputSerializer(many=True, help_text="final version, file copy, signed scan")


def _detail(request: Request, draft_id: int, code: int = status.HTTP_200_OK) -> Response:
    t = request.tenant.pk
    draft = selectors.draft_get(request.actor, tenant_id=t, draft_id=draft_id)
    data = DraftRowSerializer(draft).data | {
        "recipients": RecipientSerializer(selectors.draft_recipients(tenant_id=t, draft=draft), many=True).data,
        "versions": VersionSerializer(selectors.draft_versions(tenant_id=t, draft=draft), many=True).data,
        "reviews": ReviewSerializer(selectors.draft_reviews(tenant_id=t, draft=draft), many=True).data,
        "comments": CommentSerializer(selectors.draft_comments(tenant_id=t, draft=draft), many=True).data,
        "events": EventSerializer(selectors.draft_events(tenant_id=t, draft=draft), many=True).data,
        "files": FileOutputSerializer(selectors.draft_files(tenant_id=t, draft=draft), many=True).data,
        "final_render": RenderStatusSerializer(selectors.final_render_status(tenant_id=t, draft=draft)).data,
    }
    return Response(data, status=code)


# --- input -------------------------------------------------------------------------------------------------
class _JsonField(serializers.Field):
    """A JSON value; in multipart requests it arrives as a JSON string."""

    kind: type = dict

    def to_internal_value(self, data):  # type: ignore[no-untyped-def]
        if isinstance(data, str):
            try:
                data = json.loads(data) if data.strip() else self.kind()
            except ValueError as exc:
                raise serializers.ValidationError("JSON ไม่ถูกต้อง / not valid JSON") from exc
        if not isinstance(data, self.kind):
            raise serializers.ValidationError(f"ต้องเป็น {self.kind.__name__} / must be a {self.kind.__name__}")
        return data

    def to_representation(self, value):  # type: ignore[no-untyped-def]
        return value


@extend_schema_field(OpenApiTypes.OBJECT)
class JsonObjectField(_JsonField):
    kind = dict


@extend_schema_field({"type": "array", "items": {"type": "object"}})
class JsonListField(_JsonField):
    kind = list


class DraftInputSerializer(serializers.Serializer):
    form = serializers.ChoiceField(choices=DraftForm.choices)
    subject = serializers.CharField(max_length=services.SUBJECT_MAX)
    owner_unit_id = _id(required=False, allow_null=True, default=None)
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    secrecy = serializers.ChoiceField(choices=Secrecy.choices, default=Secrecy.NORMAL)
    fields = JsonObjectField(required=False, default=dict,
                        help_text="the form's fields: " + "; ".join(f"{k}: {', '.join(v)}" for k, v in FORM_FIELDS.items()))
    body_html = serializers.CharField(allow_blank=True, default="", max_length=services.BODY_MAX * 2,
                                      help_text="rich text; sanitised on the server (allow-list)")
    recipients = JsonListField(required=False, default=list, help_text="list of recipient objects")
    source = serializers.FileField(required=False, allow_null=True, default=None,
                                   help_text="multipart only: a DOCX with {ที่} {วันที่} {เรื่อง}, or a PDF")
    number_box = JsonObjectField(required=False, allow_null=True, default=None,
                            help_text='PDF draft: {"page": 1, "x_mm": 120, "y_mm": 40, "w_mm": 70, "h_mm": 18}')
    note = serializers.CharField(max_length=500, allow_blank=True, default="")

    def validate_recipients(self, value):  # type: ignore[no-untyped-def]
        if len(value) > services.RECIPIENTS_MAX:
            raise serializers.ValidationError(f"ผู้รับได้ไม่เกิน {services.RECIPIENTS_MAX} ราย")
        out = []
        for item in value:
            s = RecipientSerializer(data=item)
            s.is_valid(raise_exception=True)
            out.append(services.RecipientInput(**s.validated_data))
        return out


def _draft_input(d: dict) -> services.DraftInput:
    upload = d.pop("source", None)
    source = services.SourceUpload(data=upload.read(), name=upload.name) if upload is not None else None
    return services.DraftInput(source=source, **d)


_MULTI = {"application/json": DraftInputSerializer, "multipart/form-data": DraftInputSerializer}


# --- drafts ------------------------------------------------------------------------------------------------
class DraftsApi(TenantApi):
    parser_classes = [JSONParser, MultiPartParser]

    class CreateSerializer(DraftInputSerializer):
        reply_to_letter_id = _id(required=False, allow_null=True, default=None,
                                 help_text="the incoming letter this answers")
        idempotency_key = serializers.CharField(min_length=8, max_length=64, required=False, allow_null=True,
                                                default=None)

    @api_schema(operation_id="drafting_list", summary="รายการร่างหนังสือส่ง (my drafts, to review, at the desk …)",
                tags=TAGS, responses={200: DraftRowSerializer(many=True)}, errors=(400, 401, 403),
                parameters=[OpenApiParameter("list", str, enum=list(LISTS), description="which list (default mine)")])
    def get(self, request: Request, agency: str) -> Response:
        which = request.query_params.get("list", "mine")
        if which not in LISTS:
            raise DraftingError("ไม่รู้จักรายการนี้", "Unknown list.", field="list")
        t = request.tenant.pk
        lists = selectors.draft_lists(request.actor, tenant_id=t, desk=True)
        rows = {"mine": lists.mine, "review": [r.draft for r in lists.to_review],
                "desk": [d for d in lists.at_desk if services.may_ready(request.actor, tenant_id=t, draft=d)],
                "awaiting_signature": [d for d in lists.awaiting_signature
                                       if services.may_ready(request.actor, tenant_id=t, draft=d)],
                "awaiting_dispatch": [d for d in lists.awaiting_dispatch
                                      if services.may_ready(request.actor, tenant_id=t, draft=d)]}[which]
        return Response(DraftRowSerializer(rows, many=True).data)

    @api_schema(operation_id="drafting_create", summary="สร้างร่างหนังสือ (from a form, a DOCX or a PDF)", tags=TAGS,
                request={"application/json": CreateSerializer, "multipart/form-data": CreateSerializer},
                responses={201: DraftDetailSerializer}, errors=ACTION_ERRORS)
    def post(self, request: Request, agency: str) -> Response:
        d = dict(_valid(self.CreateSerializer, request))
        reply_to, key = d.pop("reply_to_letter_id"), d.pop("idempotency_key")
        draft = services.draft_create(tenant_id=request.tenant.pk, actor=request.actor, data=_draft_input(d),
                                      reply_to_letter_id=reply_to, idempotency_key=key)
        return _detail(request, draft.pk, status.HTTP_201_CREATED)


class DraftDetailApi(TenantApi):
    @api_schema(operation_id="drafting_get", summary="ร่างหนังสือ: ฉบับต่าง ๆ ความเห็น การตรวจ และลำดับเหตุการณ์", tags=TAGS,
                responses={200: DraftDetailSerializer})
    def get(self, request: Request, agency: str, draft_id: int) -> Response:
        return _detail(request, check_id(draft_id))


class DraftReviseApi(TenantApi):
    parser_classes = [JSONParser, MultiPartParser]

    class InputSerializer(DraftInputSerializer):
        expected_version = serializers.IntegerField(min_value=1, help_text="the version the edit started from")

    @api_schema(operation_id="drafting_revise", summary="แก้ไขร่าง (a new version; 409 if someone saved in between)",
                tags=TAGS, request={"application/json": InputSerializer, "multipart/form-data": InputSerializer},
                responses={200: DraftDetailSerializer}, errors=ACTION_ERRORS)
    def post(self, request: Request, agency: str, draft_id: int) -> Response:
        d = dict(_valid(self.InputSerializer, request))
        expected = d.pop("expected_version")
        services.draft_revise(tenant_id=request.tenant.pk, actor=request.actor, draft_id=check_id(draft_id),
                              data=_draft_input(d), expected_version=expected)
        return _detail(request, draft_id)


class _DraftAction(TenantApi):
    class InputSerializer(serializers.Serializer):
        pass

    def act(self, request: Request, draft_id: int, d: dict) -> None:
        raise NotImplementedError

    def post(self, request: Request, agency: str, draft_id: int) -> Response:
        self.act(request, check_id(draft_id), _valid(self.InputSerializer, request))
        return _detail(request, draft_id)


class DraftCommentApi(_DraftAction):
    class InputSerializer(serializers.Serializer):
        text = serializers.CharField(max_length=services.COMMENT_MAX)

    def act(self, request: Request, draft_id: int, d: dict) -> None:
        services.draft_comment(tenant_id=request.tenant.pk, actor=request.actor, draft_id=draft_id, **d)

    @api_schema(operation_id="drafting_comment", summary="ความเห็นต่อร่าง", tags=TAGS, request=InputSerializer,
                responses={200: DraftDetailSerializer}, errors=ACTION_ERRORS)
    def post(self, request: Request, agency: str, draft_id: int) -> Response:
        return super().post(request, agency, draft_id)


class DraftSubmitApi(_DraftAction):
    class InputSerializer(serializers.Serializer):
        route_id = _id(required=False, allow_null=True, default=None,
                       help_text="the review route; null: straight to the central desk")

    def act(self, request: Request, draft_id: int, d: dict) -> None:
        services.draft_submit(tenant_id=request.tenant.pk, actor=request.actor, draft_id=draft_id, **d)

    @api_schema(operation_id="drafting_submit", summary="เสนอตรวจร่าง (send for review)", tags=TAGS,
                request=InputSerializer, responses={200: DraftDetailSerializer}, errors=ACTION_ERRORS)
    def post(self, request: Request, agency: str, draft_id: int) -> Response:
        return super().post(request, agency, draft_id)


class DraftReadyApi(_DraftAction):
    class InputSerializer(serializers.Serializer):
        confirmed = serializers.ListField(child=serializers.ChoiceField(choices=list(services.READY_CHECKS)),
                                          max_length=3, help_text="the checks done: recipients, channels, enclosures")
        book_id = _id(required=False, allow_null=True, default=None, help_text="null: the kind's default book")

    def act(self, request: Request, draft_id: int, d: dict) -> None:
        services.draft_ready(tenant_id=request.tenant.pk, actor=request.actor, draft_id=draft_id, **d)

    @api_schema(operation_id="drafting_ready", summary="พร้อมลงนาม: ออกเลขและวันที่ (number and date fixed)", tags=TAGS,
                request=InputSerializer, responses={200: DraftDetailSerializer}, errors=ACTION_ERRORS)
    def post(self, request: Request, agency: str, draft_id: int) -> Response:
        return super().post(request, agency, draft_id)


class _ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=480)


class DraftRefuseApi(_DraftAction):
    InputSerializer = _ReasonSerializer

    def act(self, request: Request, draft_id: int, d: dict) -> None:
        services.draft_refuse(tenant_id=request.tenant.pk, actor=request.actor, draft_id=draft_id, **d)

    @api_schema(operation_id="drafting_refuse", summary="ผู้ลงนามไม่ลงนาม (the number is annulled with the reason)",
                tags=TAGS, request=_ReasonSerializer, responses={200: DraftDetailSerializer}, errors=ACTION_ERRORS)
    def post(self, request: Request, agency: str, draft_id: int) -> Response:
        return super().post(request, agency, draft_id)


class DraftCancelApi(_DraftAction):
    InputSerializer = _ReasonSerializer

    def act(self, request: Request, draft_id: int, d: dict) -> None:
        services.draft_cancel(tenant_id=request.tenant.pk, actor=request.actor, draft_id=draft_id, **d)

    @api_schema(operation_id="drafting_cancel", summary="ยกเลิกร่าง", tags=TAGS, request=_ReasonSerializer,
                responses={200: DraftDetailSerializer}, errors=ACTION_ERRORS)
    def post(self, request: Request, agency: str, draft_id: int) -> Response:
        return super().post(request, agency, draft_id)


class DraftSignedApi(TenantApi):
    parser_classes = [JSONParser, MultiPartParser]

    class InputSerializer(serializers.Serializer):
        signer_name = serializers.CharField(max_length=255)
        signed_scan = serializers.FileField(required=False, allow_null=True, default=None,
                                            help_text="multipart only: the scan of the signed paper (PDF)")

    @api_schema(operation_id="drafting_signed", summary="บันทึกว่าลงนามแล้ว (signed by hand on paper)", tags=TAGS,
                request={"application/json": InputSerializer, "multipart/form-data": InputSerializer},
                responses={200: DraftDetailSerializer}, errors=ACTION_ERRORS)
    def post(self, request: Request, agency: str, draft_id: int) -> Response:
        d = _valid(self.InputSerializer, request)
        scan = d["signed_scan"]
        services.draft_mark_signed(
            tenant_id=request.tenant.pk, actor=request.actor, draft_id=check_id(draft_id), signer_name=d["signer_name"],
            signed_scan=services.SourceUpload(scan.read(), scan.name) if scan is not None else None,
        )
        return _detail(request, draft_id)


class DraftDispatchApi(_DraftAction):
    class InputSerializer(serializers.Serializer):
        recipient_ids = serializers.ListField(child=_id(), max_length=services.RECIPIENTS_MAX)
        tracking_numbers = serializers.DictField(child=serializers.CharField(max_length=20, allow_blank=True),
                                                 required=False, default=dict,
                                                 help_text="recipient id → registered-post number (S10)")

    def act(self, request: Request, draft_id: int, d: dict) -> None:
        try:
            tracking = {int(k): v for k, v in d["tracking_numbers"].items()}
        except ValueError as exc:
            raise DraftingError("รหัสผู้รับไม่ถูกต้อง", "Recipient ids must be numbers.", field="tracking_numbers") from exc
        dispatch.draft_dispatch(tenant_id=request.tenant.pk, actor=request.actor, draft_id=draft_id,
                                recipient_ids=d["recipient_ids"], tracking_numbers=tracking)

    @api_schema(operation_id="drafting_dispatch", summary="ส่งหนังสือ (per recipient and channel)", tags=TAGS,
                request=InputSerializer, responses={200: DraftDetailSerializer}, errors=ACTION_ERRORS)
    def post(self, request: Request, agency: str, draft_id: int) -> Response:
        return super().post(request, agency, draft_id)


# --- reviews and recipients ----------------------------------------------------------------------------------
class ReviewInitialApi(TenantApi):
    class InputSerializer(serializers.Serializer):
        typed_name = serializers.CharField(max_length=255, help_text="ชื่อที่ลงกำกับ (typed name)")
        comment = serializers.CharField(max_length=services.COMMENT_MAX, allow_blank=True, default="")

    @api_schema(operation_id="drafting_review_initial", summary="ลงชื่อกำกับ (initial the current version)", tags=TAGS,
                request=InputSerializer, responses={200: DraftDetailSerializer}, errors=ACTION_ERRORS)
    def post(self, request: Request, agency: str, review_id: int) -> Response:
        d = _valid(self.InputSerializer, request)
        review = services.review_initial(tenant_id=request.tenant.pk, actor=request.actor, review_id=check_id(review_id),
                                         **d)
        return _detail(request, review.draft_id)


class ReviewReturnApi(TenantApi):
    class InputSerializer(serializers.Serializer):
        comment = serializers.CharField(max_length=services.COMMENT_MAX, help_text="สิ่งที่ต้องแก้ไข")

    @api_schema(operation_id="drafting_review_return", summary="ส่งคืนแก้ไขพร้อมความเห็น", tags=TAGS,
                request=InputSerializer, responses={200: DraftDetailSerializer}, errors=ACTION_ERRORS)
    def post(self, request: Request, agency: str, review_id: int) -> Response:
        d = _valid(self.InputSerializer, request)
        review = services.review_return(tenant_id=request.tenant.pk, actor=request.actor, review_id=check_id(review_id),
                                        **d)
        return _detail(request, review.draft_id)


class RecipientDeliveredApi(TenantApi):
    class InputSerializer(serializers.Serializer):
        received_by_name = serializers.CharField(max_length=255, help_text="ผู้ลงชื่อรับในสมุดส่ง")

    @api_schema(operation_id="drafting_delivered", summary="บันทึกการรับหนังสือส่งด้วยมือ (delivery book)", tags=TAGS,
                request=InputSerializer, responses={200: DraftDetailSerializer}, errors=ACTION_ERRORS)
    def post(self, request: Request, agency: str, recipient_id: int) -> Response:
        d = _valid(self.InputSerializer, request)
        r = dispatch.delivery_record(tenant_id=request.tenant.pk, actor=request.actor,
                                     recipient_id=check_id(recipient_id), **d)
        return _detail(request, r.draft_id)


# --- files and printed matter --------------------------------------------------------------------------------
class DraftFileApi(TenantApi):
    @api_schema(operation_id="drafting_file", summary="ไฟล์ของร่าง (version PDFs, final, file copy, signed)", tags=TAGS,
                responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
                parameters=[OpenApiParameter("inline", bool, description="show a PDF in the browser")])
    def get(self, request: Request, agency: str, draft_id: int, file_id: int) -> HttpResponse:
        stored = selectors.draft_file_get(request.actor, tenant_id=request.tenant.pk, draft_id=check_id(draft_id),
                                          file_id=check_id(file_id))
        return file_download_response(stored, inline=request.query_params.get("inline") in ("1", "true"))


class DraftEnvelopeApi(TenantApi):
    @api_schema(operation_id="drafting_envelope", summary="พิมพ์ซอง (แบบที่ 15: C4 C5 C6 DL)", tags=TAGS,
                responses=PDF_RESPONSE, errors=(400, 401, 403, 404),
                parameters=[OpenApiParameter("size", str, enum=["C4", "C5", "C6", "DL"], description="default DL"),
                            OpenApiParameter("recipient", int, description="recipient id (default: the first by post)")])
    def get(self, request: Request, agency: str, draft_id: int) -> HttpResponse:
        t = request.tenant.pk
        draft = selectors.draft_get(request.actor, tenant_id=t, draft_id=check_id(draft_id))
        raw = request.query_params.get("recipient")
        recipient = check_id(raw) if raw and raw.isdigit() else None
        if raw and recipient is None:
            raise DraftingError("รหัสผู้รับไม่ถูกต้อง", "The recipient id must be a number.", field="recipient")
        data = printing.envelope_pdf(tenant_id=t, draft=draft, recipient_id=recipient,
                                     size=request.query_params.get("size", "DL"))
        return _pdf(data, f"envelope-{draft.pk}.pdf")


class DraftLabelsApi(TenantApi):
    @api_schema(operation_id="drafting_labels", summary="พิมพ์ป้ายชื่อที่อยู่ผู้รับทางไปรษณีย์", tags=TAGS,
                responses=PDF_RESPONSE, errors=(400, 401, 403, 404))
    def get(self, request: Request, agency: str, draft_id: int) -> HttpResponse:
        t = request.tenant.pk
        draft = selectors.draft_get(request.actor, tenant_id=t, draft_id=check_id(draft_id))
        return _pdf(printing.labels_pdf(tenant_id=t, draft=draft), f"labels-{draft.pk}.pdf")


class DeliveryBookApi(TenantApi):
    @api_schema(operation_id="drafting_delivery_book", summary="สมุดส่งหนังสือ (by hand, not yet received)", tags=TAGS,
                responses=PDF_RESPONSE, errors=(401, 403))
    def get(self, request: Request, agency: str) -> HttpResponse:
        t = request.tenant.pk
        rows = printing.delivery_book_rows(tenant_id=t, drafts_q=selectors.drafts_visible(request.actor, tenant_id=t))
        return _pdf(printing.delivery_book_pdf(tenant_id=t, rows=rows), "delivery-book.pdf")


class ReplyPrefillSerializer(serializers.Serializer):
    letter_id = serializers.IntegerField()
    subject = serializers.CharField()
    refers_to = serializers.CharField(help_text="อ้างถึง: หนังสือ<ผู้ส่ง> ที่ <ที่> ลงวันที่ <วันที่>")
    recipient_name = serializers.CharField()
    recipient_agency_id = serializers.IntegerField(allow_null=True, help_text="the sender, when it is in the system")
    recipient_address = serializers.CharField()
    recipient_email = serializers.CharField()


class ReplyPrefillApi(TenantApi):
    @api_schema(operation_id="drafting_reply_prefill", summary="ข้อมูลตั้งต้นของหนังสือตอบ (from an incoming letter)",
                tags=TAGS, responses={200: ReplyPrefillSerializer},
                description="Create the reply with drafting_create and reply_to_letter_id.")
    def get(self, request: Request, agency: str, letter_id: int) -> Response:
        p = selectors.reply_prefill(request.actor, tenant_id=request.tenant.pk, letter_id=check_id(letter_id),
                                    thai_digits=request.tenant.use_thai_digits)
        return Response(ReplyPrefillSerializer(p).data)


# --- review routes (settings) --------------------------------------------------------------------------------
class RouteStepSerializer(serializers.Serializer):
    order = serializers.IntegerField(min_value=1, max_value=20)
    position_id = _id()
    stage = serializers.ChoiceField(choices=ReviewStage.choices, default=ReviewStage.CHECK)


class RouteSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name_th = serializers.CharField(max_length=255)
    forms = serializers.ListField(child=serializers.ChoiceField(choices=DraftForm.choices), max_length=5, default=list)
    steps = RouteStepSerializer(many=True)
    is_active = serializers.BooleanField(read_only=True)


def _route_out(route) -> dict:  # type: ignore[no-untyped-def]
    return RouteSerializer({"id": route.pk, "name_th": route.name_th, "forms": route.forms, "is_active": route.is_active,
                            "steps": list(route.steps.all())}).data


class RoutesApi(TenantApi):
    @api_schema(operation_id="drafting_routes", summary="ลำดับการตรวจร่าง (review routes)", tags=TAGS,
                responses={200: RouteSerializer(many=True)})
    def get(self, request: Request, agency: str) -> Response:
        from documents.models import ReviewRoute

        routes = ReviewRoute.objects.filter(tenant_id=request.tenant.pk).prefetch_related("steps")
        return Response([_route_out(r) for r in routes])

    @api_schema(operation_id="drafting_route_create", summary="เพิ่มลำดับการตรวจร่าง (agency admin)", tags=TAGS,
                request=RouteSerializer, responses={201: RouteSerializer}, errors=ACTION_ERRORS)
    def post(self, request: Request, agency: str) -> Response:
        d = _valid(RouteSerializer, request)
        route = services.route_create(tenant_id=request.tenant.pk, actor=request.actor, name_th=d["name_th"],
                                      forms=d["forms"], steps=[services.RouteStepInput(**s) for s in d["steps"]])
        return Response(_route_out(route), status=status.HTTP_201_CREATED)


class RouteActiveApi(TenantApi):
    class InputSerializer(serializers.Serializer):
        active = serializers.BooleanField()

    @api_schema(operation_id="drafting_route_active", summary="เปิด/ปิดใช้ลำดับการตรวจร่าง", tags=TAGS,
                request=InputSerializer, responses={200: RouteSerializer}, errors=ACTION_ERRORS)
    def post(self, request: Request, agency: str, route_id: int) -> Response:
        d = _valid(self.InputSerializer, request)
        route = services.route_set_active(tenant_id=request.tenant.pk, actor=request.actor, route_id=check_id(route_id),
                                          active=d["active"])
        return Response(_route_out(route))
