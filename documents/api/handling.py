"""Handling API (issue 4): the inbox, a letter's handling and timeline, and one route per action.
Views parse, call one service or selector and answer; the rules live in documents.handling."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from documents.api.serializers import FileOutputSerializer
from documents.files.services import PreparedFile, file_discard_prepared, file_download_response, file_prepare
from documents.handling import delegations, memos, selectors, services
from documents.models import (
    EventKind,
    FileState,
    HandlingState,
    HolderKind,
    HoldingPurpose,
    HoldingStatus,
    LetterKind,
    Purpose,
    Urgency,
)
from documents.registry import selectors as registry_selectors
from eoffice.common.exceptions import ApplicationError, NotFoundInTenant
from tenants.api.views._common import MAX_ID, TenantApi, api_schema, check_id

TAGS = ["handling"]
ACTION_ERRORS = (400, 401, 403, 404, 409)


def _id() -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID)


def _ids(**kw) -> serializers.ListField:  # type: ignore[no-untyped-def]
    return serializers.ListField(child=_id(), **{"max_length": 200, **kw})


# --- output ------------------------------------------------------------------------------------------------
class HoldingOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    handling_id = serializers.IntegerField()
    holder_kind = serializers.ChoiceField(choices=HolderKind.choices)
    holder = serializers.CharField(help_text="ผู้ถือเรื่อง: ตำแหน่ง หน่วยงาน หรือชื่อผู้ปฏิบัติ")
    position_id = serializers.IntegerField(allow_null=True)
    unit_id = serializers.IntegerField(allow_null=True)
    membership_id = serializers.IntegerField(allow_null=True)
    purpose = serializers.ChoiceField(choices=HoldingPurpose.choices)
    status = serializers.ChoiceField(choices=HoldingStatus.choices)
    step = serializers.IntegerField(allow_null=True)
    received_at = serializers.DateTimeField()
    due_on = serializers.DateField(allow_null=True)
    passed_by = serializers.CharField()
    passed_note = serializers.CharField()
    unit_entry_id = serializers.IntegerField(allow_null=True)


class InboxRowSerializer(HoldingOutputSerializer):
    entry_id = serializers.IntegerField()
    number = serializers.CharField(help_text="เลขรับ (number/BE year)")
    letter_reference = serializers.CharField(help_text="ที่ของผู้ส่ง")
    letter_date = serializers.DateField(allow_null=True)
    sender = serializers.CharField()
    subject = serializers.CharField()
    letter_purpose = serializers.ChoiceField(choices=Purpose.choices)
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    deliver_by = serializers.DateTimeField(allow_null=True)
    days_held = serializers.IntegerField()
    days_left = serializers.IntegerField(allow_null=True)


class EventOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=EventKind.choices)
    at = serializers.DateTimeField()
    actor_name = serializers.CharField()
    actor_position = serializers.CharField()
    authority_line = serializers.CharField()
    phrase = serializers.CharField()
    text = serializers.CharField()
    details = serializers.DictField()
    holding_id = serializers.IntegerField(allow_null=True)


class HandlingOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    entry_id = serializers.IntegerField()
    number = serializers.CharField()
    subject = serializers.CharField()
    state = serializers.ChoiceField(choices=HandlingState.choices)
    chain = serializers.CharField(allow_null=True)
    ordered_units = serializers.ListField(child=serializers.IntegerField())
    ordered_positions = serializers.ListField(child=serializers.IntegerField())
    file_category = serializers.CharField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    holders = HoldingOutputSerializer(many=True, help_text="who holds it now")
    mine = serializers.ListField(child=serializers.IntegerField(), help_text="open holdings I may act on")
    timeline = EventOutputSerializer(many=True)
    files = FileOutputSerializer(many=True, help_text="the letter's files: GET letters/<id>/files/<file_id>/")


def holder_label(h) -> str:  # type: ignore[no-untyped-def]
    if h.holder_kind == HolderKind.DESK:
        return str(HolderKind.DESK.label)
    if h.holder_kind == HolderKind.POSITION:
        return h.position.title_th
    if h.holder_kind == HolderKind.UNIT:
        return h.unit.name_th
    return h.membership.user.display_name_th


def holding_data(h) -> dict:  # type: ignore[no-untyped-def]
    return {
        "id": h.pk, "handling_id": h.handling_id, "holder_kind": h.holder_kind, "holder": holder_label(h),
        "position_id": h.position_id, "unit_id": h.unit_id, "membership_id": h.membership_id, "purpose": h.purpose,
        "status": h.status, "step": h.step, "received_at": h.received_at, "due_on": h.due_on,
        "passed_by": h.passed_by.display_name_th, "passed_note": h.passed_note, "unit_entry_id": h.unit_entry_id,
    }


def inbox_data(h) -> dict:  # type: ignore[no-untyped-def]
    letter, entry = h.handling.letter, h.handling.entry
    return {
        **holding_data(h), "entry_id": entry.pk, "number": entry.number_label, "letter_reference": letter.letter_reference,
        "letter_date": letter.letter_date, "sender": letter.sender_display, "subject": letter.subject,
        "letter_purpose": letter.purpose, "urgency": letter.urgency, "deliver_by": letter.deliver_by,
        "days_held": h.days_held, "days_left": h.days_left,
    }


def handling_data(request: Request, handling) -> dict:  # type: ignore[no-untyped-def]
    tid = request.tenant.pk
    holders = list(selectors.open_holdings(tenant_id=tid, handling=handling))
    mine = [h.pk for h in selectors.my_holdings(request.actor, tenant_id=tid, handling=handling)]
    return {
        "id": handling.pk, "entry_id": handling.entry_id, "number": handling.entry.number_label,
        "subject": handling.letter.subject, "state": handling.state,
        "chain": handling.chain.name_th if handling.chain_id else None, "ordered_units": handling.ordered_units,
        "ordered_positions": handling.ordered_positions,
        "file_category": str(handling.file_category) if handling.file_category_id else None,
        "closed_at": handling.closed_at, "holders": [holding_data(h) for h in holders], "mine": mine,
        "timeline": [
            {"id": e.pk, "kind": e.kind, "at": e.at, "actor_name": e.actor_name, "actor_position": e.actor_position,
             "authority_line": e.authority_line, "phrase": e.phrase, "text": e.text, "details": e.details,
             "holding_id": e.holding_id}
            for e in selectors.timeline(tenant_id=tid, handling=handling)
        ],
        "files": selectors.handling_files(tenant_id=tid, handling=handling),
    }


def _handling_response(request: Request, handling_id: int, code: int = status.HTTP_200_OK) -> Response:
    handling = selectors.handling_get(request.actor, tenant_id=request.tenant.pk, handling_id=handling_id)
    return Response(HandlingOutputSerializer(handling_data(request, handling)).data, status=code)


def _valid(serializer_class, request: Request) -> dict:  # type: ignore[no-untyped-def]
    s = serializer_class(data=request.data)
    s.is_valid(raise_exception=True)
    return s.validated_data


# --- reads -------------------------------------------------------------------------------------------------
class InboxApi(TenantApi):
    @api_schema(operation_id="handling_inbox", summary="หนังสือที่ท่านถืออยู่ (my inbox)", tags=TAGS,
                responses={200: InboxRowSerializer(many=True)}, errors=(400, 401, 403),
                parameters=[
                    OpenApiParameter("purpose", str, enum=Purpose.values, description="the letter's purpose"),
                    OpenApiParameter("urgency", str, enum=Urgency.values),
                    OpenApiParameter("overdue", bool, description="only those past their due date"),
                    OpenApiParameter("subject", str, description="words in the subject"),
                    OpenApiParameter("sort", str, enum=list(selectors.SORTS), description="default: urgency"),
                ],
                description=f"Open holdings routed to me, my posts (held or acted for today), my unit or the "
                            f"central desk; at most {selectors.INBOX_LIMIT} rows.")
    def get(self, request: Request, agency: str) -> Response:
        class Q(serializers.Serializer):
            purpose = serializers.ChoiceField(choices=Purpose.choices, required=False, allow_blank=True, default="")
            urgency = serializers.ChoiceField(choices=Urgency.choices, required=False, allow_blank=True, default="")
            overdue = serializers.BooleanField(required=False, default=False)
            subject = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
            sort = serializers.ChoiceField(choices=list(selectors.SORTS), required=False, default="urgency")

        q = Q(data=request.query_params)
        q.is_valid(raise_exception=True)
        rows = selectors.inbox(request.actor, tenant_id=request.tenant.pk, filters=selectors.InboxFilters(**q.validated_data),
                               with_holders=True)
        return Response(InboxRowSerializer([inbox_data(h) for h in rows], many=True).data)


class HandlingDetailApi(TenantApi):
    @api_schema(operation_id="handling_get", summary="การดำเนินการกับหนังสือ ผู้ถือเรื่อง และลำดับเหตุการณ์",
                tags=TAGS, responses={200: HandlingOutputSerializer})
    def get(self, request: Request, agency: str, handling_id: int) -> Response:
        return _handling_response(request, check_id(handling_id))


class WorkingCopyApi(TenantApi):
    @api_schema(operation_id="handling_working_copy", summary="ฉบับทำงาน (the latest working copy, PDF)", tags=TAGS,
                responses={(200, "application/pdf"): bytes},
                description="The letter's receipt-stamped copy with every note and endorsement appended as PDF "
                            "incremental updates (docs/handling.md). 404 while there is none (no PDF or scan, "
                            "or not made yet).")
    def get(self, request: Request, agency: str, handling_id: int):  # type: ignore[no-untyped-def]
        handling = selectors.handling_get(request.actor, tenant_id=request.tenant.pk, handling_id=check_id(handling_id))
        f = registry_selectors.working_copy(tenant_id=request.tenant.pk, letter_id=handling.letter_id)
        if f is None or f.state != FileState.OK:
            raise NotFoundInTenant()
        return file_download_response(f)


# --- the central desk ------------------------------------------------------------------------------------------
class StartApi(TenantApi):
    class InputSerializer(serializers.Serializer):
        summary = serializers.CharField(max_length=services.TEXT_MAX, help_text="สรุปสาระสำคัญ")
        facts = serializers.CharField(max_length=services.TEXT_MAX, required=False, allow_blank=True, default="",
                                      help_text="ข้อเท็จจริง/ระเบียบที่เกี่ยวข้อง")
        recommendation = serializers.CharField(max_length=services.TEXT_MAX, required=False, allow_blank=True,
                                               default="", help_text="ข้อเสนอ")

    @api_schema(operation_id="handling_start", summary="เกษียนหนังสือรับ (the central clerk's note)", tags=TAGS,
                request=InputSerializer, responses={201: HandlingOutputSerializer}, errors=ACTION_ERRORS)
    def post(self, request: Request, agency: str, entry_id: int) -> Response:
        d = _valid(self.InputSerializer, request)
        handling = services.handling_start(tenant_id=request.tenant.pk, actor=request.actor, entry_id=check_id(entry_id),
                                           note=services.NoteInput(**d))
        return _handling_response(request, handling.pk, status.HTTP_201_CREATED)


class PresentApi(TenantApi):
    class InputSerializer(serializers.Serializer):
        chain_id = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True, default=None)
        note = serializers.CharField(max_length=services.NOTE_MAX, required=False, allow_blank=True, default="")

    @api_schema(operation_id="handling_present", summary="เสนอตามสายการเสนอ (present up the chain)", tags=TAGS,
                request=InputSerializer, responses={200: HandlingOutputSerializer}, errors=ACTION_ERRORS,
                description="Without chain_id the agency's first matching chain (kind, urgency, sender) is used.")
    def post(self, request: Request, agency: str, handling_id: int) -> Response:
        d = _valid(self.InputSerializer, request)
        services.present(tenant_id=request.tenant.pk, actor=request.actor, handling_id=check_id(handling_id), **d)
        return _handling_response(request, handling_id)


class TargetsSerializer(serializers.Serializer):
    unit_ids = _ids(required=False, default=list)
    position_ids = _ids(required=False, default=list)
    note = serializers.CharField(max_length=services.NOTE_MAX, required=False, allow_blank=True, default="")


class InformApi(TenantApi):
    @api_schema(operation_id="handling_inform", summary="ส่งหนังสือเพื่อทราบถึงหน่วยงาน/ตำแหน่งโดยตรง", tags=TAGS,
                request=TargetsSerializer, responses={200: HandlingOutputSerializer}, errors=ACTION_ERRORS)
    def post(self, request: Request, agency: str, handling_id: int) -> Response:
        d = _valid(TargetsSerializer, request)
        services.send_for_information(tenant_id=request.tenant.pk, actor=request.actor,
                                      handling_id=check_id(handling_id), **d)
        return _handling_response(request, handling_id)


class DistributeApi(TenantApi):
    class InputSerializer(serializers.Serializer):
        unit_ids = _ids(required=False, allow_null=True, default=None, help_text="default: as ordered")
        position_ids = _ids(required=False, allow_null=True, default=None, help_text="default: as ordered")
        note = serializers.CharField(max_length=services.NOTE_MAX, required=False, allow_blank=True, default="")

    @api_schema(operation_id="handling_distribute", summary="แจกจ่ายตามคำสั่ง (distribute as ordered)", tags=TAGS,
                request=InputSerializer, responses={200: HandlingOutputSerializer}, errors=ACTION_ERRORS)
    def post(self, request: Request, agency: str, handling_id: int) -> Response:
        d = _valid(self.InputSerializer, request)
        services.distribute(tenant_id=request.tenant.pk, actor=request.actor, handling_id=check_id(handling_id), **d)
        return _handling_response(request, handling_id)


# --- holdings ----------------------------------------------------------------------------------------------------
class _HoldingAction(TenantApi):
    """Actions on one holding answer with the letter's handling as it now stands: whoever just held a
    letter may still read it (handling_get lets past holders in)."""

    def answer(self, request: Request, handling_id: int) -> Response:
        return _handling_response(request, handling_id)


class EndorseApi(_HoldingAction):
    class InputSerializer(serializers.Serializer):
        phrase = serializers.CharField(max_length=100, required=False, allow_blank=True, default="",
                                       help_text="one of: " + ", ".join(services.PHRASES) + " — or any words")
        text = serializers.CharField(max_length=services.TEXT_MAX, required=False, allow_blank=True, default="")
        order_units = _ids(required=False, default=list, help_text="มอบ: units the order names")
        order_positions = _ids(required=False, default=list)
        final = serializers.BooleanField(required=False, default=False, help_text="order now, skip the rest of the chain")

    @api_schema(operation_id="handling_endorse", summary="เกษียน/สั่งการ (endorse or order)", tags=TAGS,
                request=InputSerializer, responses={200: HandlingOutputSerializer}, errors=ACTION_ERRORS)
    def post(self, request: Request, agency: str, holding_id: int) -> Response:
        d = _valid(self.InputSerializer, request)
        handling = services.endorse(tenant_id=request.tenant.pk, actor=request.actor, holding_id=check_id(holding_id), **d)
        return self.answer(request, handling.pk)


class EndorseBulkApi(TenantApi):
    class InputSerializer(serializers.Serializer):
        holding_ids = _ids(min_length=1)

    @api_schema(operation_id="handling_endorse_bulk", summary="ทราบ หลายเรื่องพร้อมกัน (bulk ทราบ for letters for information)",
                tags=TAGS, request=InputSerializer, errors=ACTION_ERRORS,
                responses={200: inline_serializer("EndorseBulkOutput", {
                    "done": serializers.ListField(child=serializers.IntegerField(), help_text="holding ids")})},
                description="Each letter gets its own endorsement and audit event; if any is not for information, none is done.")
    def post(self, request: Request, agency: str) -> Response:
        d = _valid(self.InputSerializer, request)
        return Response({"done": services.endorse_bulk(tenant_id=request.tenant.pk, actor=request.actor, **d)})


class AcknowledgeApi(_HoldingAction):
    @api_schema(operation_id="handling_acknowledge", summary="ทราบ (a letter sent for information)", tags=TAGS,
                request=None, responses={200: HandlingOutputSerializer}, errors=ACTION_ERRORS)
    def post(self, request: Request, agency: str, holding_id: int) -> Response:
        handling = services.acknowledge(tenant_id=request.tenant.pk, actor=request.actor, holding_id=check_id(holding_id))
        return self.answer(request, handling.pk)


class UnitRegisterApi(_HoldingAction):
    class InputSerializer(serializers.Serializer):
        idempotency_key = serializers.CharField(max_length=64, required=False, allow_null=True, default=None)
        note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")

    @api_schema(operation_id="handling_unit_register", summary="หน่วยงานรับเรื่องและลงทะเบียนรับของหน่วยงาน",
                tags=TAGS, request=InputSerializer, responses={200: HandlingOutputSerializer}, errors=ACTION_ERRORS)
    def post(self, request: Request, agency: str, holding_id: int) -> Response:
        d = _valid(self.InputSerializer, request)
        holding = services.unit_register(tenant_id=request.tenant.pk, actor=request.actor,
                                         holding_id=check_id(holding_id), **d)
        return self.answer(request, holding.handling_id)


class AssignApi(_HoldingAction):
    class InputSerializer(serializers.Serializer):
        membership_ids = _ids(min_length=1)
        due_on = serializers.DateField(required=False, allow_null=True, default=None, help_text="ISO CE date")
        note = serializers.CharField(max_length=services.NOTE_MAX, required=False, allow_blank=True, default="")

    @api_schema(operation_id="handling_assign", summary="มอบหมายผู้ปฏิบัติ (assign officers with a due date)", tags=TAGS,
                request=InputSerializer, responses={200: HandlingOutputSerializer}, errors=ACTION_ERRORS)
    def post(self, request: Request, agency: str, holding_id: int) -> Response:
        d = _valid(self.InputSerializer, request)
        (first, *_) = services.assign(tenant_id=request.tenant.pk, actor=request.actor, holding_id=check_id(holding_id), **d)
        return self.answer(request, first.handling_id)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=services.NOTE_MAX)


class ReturnApi(_HoldingAction):
    @api_schema(operation_id="handling_return", summary="ส่งคืนงานสารบรรณกลาง (not our matter, with a reason)",
                tags=TAGS, request=ReasonSerializer, responses={200: HandlingOutputSerializer}, errors=ACTION_ERRORS)
    def post(self, request: Request, agency: str, holding_id: int) -> Response:
        d = _valid(ReasonSerializer, request)
        desk = services.return_holding(tenant_id=request.tenant.pk, actor=request.actor, holding_id=check_id(holding_id), **d)
        return self.answer(request, desk.handling_id)


class ForwardApi(_HoldingAction):
    class InputSerializer(ReasonSerializer):
        unit_id = _id()

    @api_schema(operation_id="handling_forward", summary="ส่งต่อหน่วยงานอื่น (forward to another unit)", tags=TAGS,
                request=InputSerializer, responses={200: HandlingOutputSerializer}, errors=ACTION_ERRORS)
    def post(self, request: Request, agency: str, holding_id: int) -> Response:
        d = _valid(self.InputSerializer, request)
        nxt = services.forward(tenant_id=request.tenant.pk, actor=request.actor, holding_id=check_id(holding_id), **d)
        return self.answer(request, nxt.handling_id)


class ActApi(_HoldingAction):
    parser_classes = [JSONParser, MultiPartParser]

    class InputSerializer(serializers.Serializer):
        text = serializers.CharField(max_length=services.TEXT_MAX, help_text="การปฏิบัติ")
        files = serializers.ListField(child=serializers.FileField(), required=False, default=list,
                                      max_length=services.ACTION_FILES_MAX,
                                      help_text="multipart only: documents of the action (a reply, a report)")

    @api_schema(operation_id="handling_act", summary="บันทึกการปฏิบัติ (record what was done, with its documents)",
                tags=TAGS, request={"application/json": InputSerializer, "multipart/form-data": InputSerializer},
                responses={200: HandlingOutputSerializer}, errors=ACTION_ERRORS)
    def post(self, request: Request, agency: str, holding_id: int) -> Response:
        d = _valid(self.InputSerializer, request)
        prepared: list[PreparedFile] = []
        try:
            for upload in d["files"]:
                prepared.append(file_prepare(upload, upload.name))
            event = services.act(tenant_id=request.tenant.pk, actor=request.actor, holding_id=check_id(holding_id),
                                 text=d["text"], files=prepared)
        except ApplicationError:
            for p in prepared:
                file_discard_prepared(p)
            raise
        return self.answer(request, event.handling_id)


class LetterFileApi(TenantApi):
    @api_schema(operation_id="handling_file", summary="ไฟล์ของหนังสือ (download; for its holders, past and present)",
                tags=TAGS, responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
                parameters=[OpenApiParameter("inline", bool, description="show a PDF or an image in the browser")])
    def get(self, request: Request, agency: str, handling_id: int, file_id: int) -> HttpResponse:
        f = selectors.handling_file_get(request.actor, tenant_id=request.tenant.pk, handling_id=check_id(handling_id),
                                        file_id=check_id(file_id))
        return file_download_response(f, inline=request.query_params.get("inline") in ("1", "true"))


class CloseApi(_HoldingAction):
    class InputSerializer(serializers.Serializer):
        file_category_id = _id()
        text = serializers.CharField(max_length=services.TEXT_MAX, required=False, allow_blank=True, default="")

    @api_schema(operation_id="handling_close", summary="ปิดเรื่องและจัดเก็บเข้าหมวด/แฟ้ม (close and file)", tags=TAGS,
                request=InputSerializer, responses={200: HandlingOutputSerializer}, errors=ACTION_ERRORS)
    def post(self, request: Request, agency: str, holding_id: int) -> Response:
        d = _valid(self.InputSerializer, request)
        handling = services.close(tenant_id=request.tenant.pk, actor=request.actor, holding_id=check_id(holding_id), **d)
        return self.answer(request, handling.pk)


# --- configuration ---------------------------------------------------------------------------------------------
class ChainOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name_th = serializers.CharField()
    letter_kinds = serializers.ListField(child=serializers.CharField())
    urgencies = serializers.ListField(child=serializers.CharField())
    sender_agency_id = serializers.IntegerField(allow_null=True)
    sort_order = serializers.IntegerField()
    is_active = serializers.BooleanField()
    position_ids = serializers.ListField(child=serializers.IntegerField(), help_text="in presentation order")


def _chain_data(c) -> dict:  # type: ignore[no-untyped-def]
    return {"id": c.pk, "name_th": c.name_th, "letter_kinds": c.letter_kinds, "urgencies": c.urgencies,
            "sender_agency_id": c.sender_agency_id, "sort_order": c.sort_order, "is_active": c.is_active,
            "position_ids": [s.position_id for s in getattr(c, "step_list", [])]}


class ChainsApi(TenantApi):
    class InputSerializer(serializers.Serializer):
        name_th = serializers.CharField(max_length=255)
        position_ids = _ids(min_length=1, max_length=12)
        letter_kinds = serializers.ListField(child=serializers.ChoiceField(choices=LetterKind.choices), required=False,
                                             default=list)
        urgencies = serializers.ListField(child=serializers.ChoiceField(choices=Urgency.choices), required=False,
                                          default=list)
        sender_agency_id = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True,
                                                    default=None, help_text="letters from this agency only")
        sort_order = serializers.IntegerField(min_value=0, max_value=1000, required=False, default=0)

    @api_schema(operation_id="handling_chains", summary="สายการเสนอ (presentation chains)", tags=TAGS,
                responses={200: ChainOutputSerializer(many=True)}, errors=(401, 403))
    def get(self, request: Request, agency: str) -> Response:
        return Response([_chain_data(c) for c in selectors.chains_list(tenant_id=request.tenant.pk)])

    @api_schema(operation_id="handling_chains_create", summary="กำหนดสายการเสนอ (agency admin)", tags=TAGS,
                request=InputSerializer, responses={201: ChainOutputSerializer}, errors=ACTION_ERRORS)
    def post(self, request: Request, agency: str) -> Response:
        d = _valid(self.InputSerializer, request)
        chain = services.chain_create(tenant_id=request.tenant.pk, actor=request.actor, **d)
        (out,) = [c for c in selectors.chains_list(tenant_id=request.tenant.pk) if c.pk == chain.pk]
        return Response(_chain_data(out), status=status.HTTP_201_CREATED)


class FileCategorySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(max_length=40)
    name_th = serializers.CharField(max_length=255)
    retention_years = serializers.IntegerField(min_value=0, max_value=100, help_text="0 = เก็บตลอดไป")
    is_active = serializers.BooleanField(read_only=True)


class FileCategoriesApi(TenantApi):
    @api_schema(operation_id="handling_file_categories", summary="หมวด/แฟ้มจัดเก็บ (file categories)", tags=TAGS,
                responses={200: FileCategorySerializer(many=True)}, errors=(401, 403))
    def get(self, request: Request, agency: str) -> Response:
        return Response(FileCategorySerializer(selectors.file_categories_list(tenant_id=request.tenant.pk), many=True).data)

    @api_schema(operation_id="handling_file_categories_create", summary="เพิ่มหมวด/แฟ้ม (agency admin)", tags=TAGS,
                request=FileCategorySerializer, responses={201: FileCategorySerializer}, errors=ACTION_ERRORS)
    def post(self, request: Request, agency: str) -> Response:
        d = _valid(FileCategorySerializer, request)
        category = services.file_category_create(tenant_id=request.tenant.pk, actor=request.actor, **d)
        return Response(FileCategorySerializer(category).data, status=status.HTTP_201_CREATED)


class DelegationSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    from_position_id = _id()
    to_position_id = _id()
    letter_kinds = serializers.ListField(child=serializers.ChoiceField(choices=LetterKind.choices), required=False,
                                         default=list, help_text="[] = every matter")
    matters = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    order_reference = serializers.CharField(max_length=255, help_text="คำสั่งมอบอำนาจ เลขที่")
    order_date = serializers.DateField(help_text="ISO CE date")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)
    revoked_at = serializers.DateTimeField(read_only=True)
    revoked_reason = serializers.CharField(read_only=True)


class DelegationsApi(TenantApi):
    @api_schema(operation_id="handling_delegations", summary="การมอบอำนาจ (ปฏิบัติราชการแทน)", tags=TAGS,
                responses={200: DelegationSerializer(many=True)}, errors=(401, 403))
    def get(self, request: Request, agency: str) -> Response:
        return Response(DelegationSerializer(selectors.delegations_list(tenant_id=request.tenant.pk), many=True).data)

    @api_schema(operation_id="handling_delegations_create", summary="บันทึกคำสั่งมอบอำนาจ (agency admin)", tags=TAGS,
                request=DelegationSerializer, responses={201: DelegationSerializer}, errors=ACTION_ERRORS)
    def post(self, request: Request, agency: str) -> Response:
        d = _valid(DelegationSerializer, request)
        made = delegations.delegation_create(tenant_id=request.tenant.pk, actor=request.actor, **d)
        return Response(DelegationSerializer(made).data, status=status.HTTP_201_CREATED)


class DelegationRevokeApi(TenantApi):
    @api_schema(operation_id="handling_delegation_revoke", summary="ยกเลิกการมอบอำนาจ (with a reason)", tags=TAGS,
                request=ReasonSerializer, responses={200: DelegationSerializer}, errors=ACTION_ERRORS)
    def post(self, request: Request, agency: str, delegation_id: int) -> Response:
        d = _valid(ReasonSerializer, request)
        made = delegations.delegation_revoke(tenant_id=request.tenant.pk, actor=request.actor,
                                             delegation_id=check_id(delegation_id), reason=d["reason"])
        return Response(DelegationSerializer(made).data)


# --- switching configuration off and on ----------------------------------------------------------------------
class ActiveSerializer(serializers.Serializer):
    active = serializers.BooleanField(help_text="false = ปิดใช้งาน (kept: letters still point at it)")


class ChainActiveApi(TenantApi):
    @api_schema(operation_id="handling_chain_set_active", summary="เปิด/ปิดใช้งานสายการเสนอ (agency admin)", tags=TAGS,
                request=ActiveSerializer, responses={200: ChainOutputSerializer}, errors=ACTION_ERRORS)
    def post(self, request: Request, agency: str, chain_id: int) -> Response:
        d = _valid(ActiveSerializer, request)
        chain = services.chain_set_active(tenant_id=request.tenant.pk, actor=request.actor, chain_id=check_id(chain_id),
                                          active=d["active"])
        (out,) = [c for c in selectors.chains_list(tenant_id=request.tenant.pk) if c.pk == chain.pk]
        return Response(_chain_data(out))


class FileCategoryActiveApi(TenantApi):
    @api_schema(operation_id="handling_file_category_set_active", summary="เปิด/ปิดใช้งานหมวด/แฟ้ม (agency admin)",
                tags=TAGS, request=ActiveSerializer, responses={200: FileCategorySerializer}, errors=ACTION_ERRORS)
    def post(self, request: Request, agency: str, category_id: int) -> Response:
        d = _valid(ActiveSerializer, request)
        category = services.file_category_set_active(tenant_id=request.tenant.pk, actor=request.actor,
                                                     category_id=check_id(category_id), active=d["active"])
        return Response(FileCategorySerializer(category).data)


# --- due-date rules ---------------------------------------------------------------------------------------------
class DueRuleSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name_th = serializers.CharField(max_length=255)
    working_days = serializers.IntegerField(min_value=1, max_value=365, help_text="วันทำการนับจากวันมอบหมาย")
    letter_kinds = serializers.ListField(child=serializers.ChoiceField(choices=LetterKind.choices), required=False,
                                         default=list, help_text="[] = every kind")
    urgencies = serializers.ListField(child=serializers.ChoiceField(choices=Urgency.choices), required=False,
                                      default=list, help_text="[] = every urgency")
    sender_agency_id = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True,
                                                default=None, help_text="letters from this agency only")
    sort_order = serializers.IntegerField(min_value=0, max_value=999, required=False, default=0)
    is_active = serializers.BooleanField(read_only=True)


class DueRulesApi(TenantApi):
    @api_schema(operation_id="handling_due_rules", summary="หลักเกณฑ์กำหนดเสร็จของหน่วยงาน (due-date rules)", tags=TAGS,
                responses={200: DueRuleSerializer(many=True)}, errors=(401, 403))
    def get(self, request: Request, agency: str) -> Response:
        return Response(DueRuleSerializer(selectors.due_rules_list(tenant_id=request.tenant.pk), many=True).data)

    @api_schema(operation_id="handling_due_rules_create", summary="เพิ่มหลักเกณฑ์กำหนดเสร็จ (agency admin)", tags=TAGS,
                request=DueRuleSerializer, responses={201: DueRuleSerializer}, errors=ACTION_ERRORS)
    def post(self, request: Request, agency: str) -> Response:
        d = _valid(DueRuleSerializer, request)
        rule = services.due_rule_create(tenant_id=request.tenant.pk, actor=request.actor, **d)
        return Response(DueRuleSerializer(rule).data, status=status.HTTP_201_CREATED)


class DueRuleActiveApi(TenantApi):
    @api_schema(operation_id="handling_due_rule_set_active", summary="เปิด/ปิดใช้งานหลักเกณฑ์กำหนดเสร็จ (agency admin)",
                tags=TAGS, request=ActiveSerializer, responses={200: DueRuleSerializer}, errors=ACTION_ERRORS)
    def post(self, request: Request, agency: str, rule_id: int) -> Response:
        d = _valid(ActiveSerializer, request)
        rule = services.due_rule_set_active(tenant_id=request.tenant.pk, actor=request.actor, rule_id=check_id(rule_id),
                                            active=d["active"])
        return Response(DueRuleSerializer(rule).data)


# --- internal memos ----------------------------------------------------------------------------------------------
class MemoSendApi(TenantApi):
    class InputSerializer(serializers.Serializer):
        idempotency_key = serializers.CharField(min_length=8, max_length=64,
                                                help_text="the same key again returns the first memo (one number)")
        from_unit_id = _id()
        salutation = serializers.CharField(max_length=255, required=False, default=memos.SALUTATION_DEFAULT,
                                           help_text="คำขึ้นต้น เช่น เรียน ผู้อำนวยการกองคลัง")
        subject = serializers.CharField(max_length=500)
        body = serializers.CharField(max_length=services.TEXT_MAX)
        unit_ids = _ids(required=False, default=list)
        position_ids = _ids(required=False, default=list)
        purpose = serializers.ChoiceField(choices=Purpose.choices, required=False, default=Purpose.ACT)
        urgency = serializers.ChoiceField(choices=Urgency.choices, required=False, default=Urgency.NORMAL)
        enclosures = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
        refers_to = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")

    @api_schema(operation_id="handling_memo_send", tags=TAGS, request=InputSerializer,
                summary="ส่งบันทึกข้อความภายในหน่วยงาน (numbered from the sending unit's memo book; attach files "
                        "with the web form)",
                responses={201: HandlingOutputSerializer}, errors=ACTION_ERRORS)
    def post(self, request: Request, agency: str) -> Response:
        d = dict(_valid(self.InputSerializer, request))
        key = d.pop("idempotency_key")
        handling = memos.memo_send(tenant_id=request.tenant.pk, actor=request.actor, memo=memos.MemoInput(**d),
                                   idempotency_key=key)
        return _handling_response(request, handling.pk, status.HTTP_201_CREATED)
