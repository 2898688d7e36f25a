"""Circulation API (เวียนแจ้ง, issue 4 §3): circulate a letter, my outstanding circulations, a circulation
with its recipients, รับทราบ, close. Views parse, call documents.handling.circulation and answer."""

from __future__ import annotations

from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from documents.api.handling import HandlingOutputSerializer, handling_data
from documents.handling import circulation
from documents.handling.services import NOTE_MAX
from documents.models import AudienceKind
from tenants.api.views._common import MAX_ID, TenantApi, api_schema, check_id

TAGS = ["handling"]
ACTION_ERRORS = (400, 401, 403, 404, 409)


class RecipientOutputSerializer(serializers.Serializer):
    membership_id = serializers.IntegerField()
    name = serializers.CharField(help_text="ชื่อ (as typed when acknowledged, else the person's name now)")
    position = serializers.CharField(help_text="ตำแหน่ง (as printed when acknowledged, else when circulated)")
    authority_line = serializers.CharField(help_text="รักษาราชการแทน … when acknowledged as acting")
    opened_at = serializers.DateTimeField(allow_null=True)
    acknowledged_at = serializers.DateTimeField(allow_null=True)


class CirculationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    handling_id = serializers.IntegerField()
    entry_id = serializers.IntegerField()
    number = serializers.CharField(help_text="เลขรับ (number/BE year)")
    letter_reference = serializers.CharField(help_text="ที่ของผู้ส่ง")
    subject = serializers.CharField()
    audience = serializers.ChoiceField(choices=AudienceKind.choices)
    audience_label = serializers.CharField(help_text="the audience in words (units' or positions' names)")
    note = serializers.CharField()
    created_by = serializers.CharField()
    created_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    recipients_count = serializers.IntegerField()
    opened_count = serializers.IntegerField()
    acknowledged_count = serializers.IntegerField()
    mine = RecipientOutputSerializer(allow_null=True, help_text="my own line, if I am one of the audience")
    recipients = RecipientOutputSerializer(many=True, allow_null=True,
                                           help_text="everyone it reached: for its sender, the central desk and "
                                                     "agency-wide readers only (else null)")


class OutstandingRowSerializer(serializers.Serializer):
    circulation_id = serializers.IntegerField()
    handling_id = serializers.IntegerField()
    number = serializers.CharField()
    subject = serializers.CharField()
    urgency = serializers.CharField()
    note = serializers.CharField()
    created_by = serializers.CharField()
    created_at = serializers.DateTimeField()
    opened_at = serializers.DateTimeField(allow_null=True)


def _recipient(r) -> dict:  # type: ignore[no-untyped-def]
    return {"membership_id": r.membership_id, "name": r.signed_name or r.membership.user.display_name_th,
            "position": r.signed_position or r.position_th, "authority_line": r.authority_line,
            "opened_at": r.opened_at, "acknowledged_at": r.acknowledged_at}


def _detail(request: Request, circulation_id: int, code: int = status.HTTP_200_OK) -> Response:
    tid = request.tenant.pk
    circ, mine, may_status = circulation.circulation_get(request.actor, tenant_id=tid, circulation_id=circulation_id)
    people = circulation.recipients(tenant_id=tid, circulation=circ) if may_status else None
    letter, entry = circ.handling.letter, circ.handling.entry
    data = {
        "id": circ.pk, "handling_id": circ.handling_id, "entry_id": entry.pk, "number": entry.number_label,
        "letter_reference": letter.letter_reference, "subject": letter.subject, "audience": circ.audience_kind,
        "audience_label": circ.audience, "note": circ.note, "created_by": circ.created_by.display_name_th,
        "created_at": circ.created_at, "closed_at": circ.closed_at, "recipients_count": circ.n_recipients,
        "opened_count": circ.n_opened, "acknowledged_count": circ.n_acknowledged,
        "mine": _recipient(mine) if mine is not None else None,
        "recipients": [_recipient(r) for r in people] if people is not None else None,
    }
    return Response(CirculationOutputSerializer(data).data, status=code)


class OwnLetterHandlingApi(TenantApi):
    @api_schema(operation_id="handling_own_letter", tags=TAGS, responses={200: HandlingOutputSerializer},
                summary="เริ่มเวียนแจ้งหนังสือของหน่วยงานเอง (the handling record of an own circular, order or announcement)",
                errors=ACTION_ERRORS,
                description="The central desk only. Made once per entry (closed: nobody holds it), then circulate it "
                            "with letters/<handling_id>/circulate/. An entry that already has a handling returns it.")
    def post(self, request: Request, agency: str, entry_id: int) -> Response:
        handling = circulation.own_letter_handling(tenant_id=request.tenant.pk, actor=request.actor,
                                                   entry_id=check_id(entry_id))
        return Response(HandlingOutputSerializer(handling_data(request, handling)).data)


class CirculateApi(TenantApi):
    class InputSerializer(serializers.Serializer):
        audience = serializers.ChoiceField(choices=AudienceKind.choices)
        unit_ids = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_ID), max_length=200,
                                         required=False, default=list, help_text="audience=units")
        position_ids = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
                                             max_length=200, required=False, default=list,
                                             help_text="audience=positions")
        note = serializers.CharField(max_length=NOTE_MAX, required=False, allow_blank=True, default="")

    @api_schema(operation_id="handling_circulate", summary="เวียนแจ้งหนังสือ (circulate a letter)", tags=TAGS,
                request=InputSerializer, responses={201: CirculationOutputSerializer}, errors=ACTION_ERRORS,
                description="To everyone in the agency (the central desk only), to units (their members and the "
                            "units below) or to positions (whoever holds or acts for them today). The audience is "
                            "fixed now; the sender and anyone already reached by this letter are left out.")
    def post(self, request: Request, agency: str, handling_id: int) -> Response:
        s = self.InputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        circ = circulation.circulate(tenant_id=request.tenant.pk, actor=request.actor, handling_id=check_id(handling_id),
                                     **s.validated_data)
        return _detail(request, circ.pk, status.HTTP_201_CREATED)


class OutstandingApi(TenantApi):
    @api_schema(operation_id="handling_circulations_outstanding", summary="หนังสือเวียนรอรับทราบ (my outstanding)",
                tags=TAGS, responses={200: OutstandingRowSerializer(many=True)}, errors=(401, 403),
                description=f"Circulations to me not yet acknowledged (opened or not), newest first; at most "
                            f"{circulation.OUTSTANDING_LIMIT}.")
    def get(self, request: Request, agency: str) -> Response:
        rows = circulation.outstanding(request.actor, tenant_id=request.tenant.pk)
        return Response(OutstandingRowSerializer([{
            "circulation_id": r.circulation_id, "handling_id": r.circulation.handling_id,
            "number": r.circulation.handling.entry.number_label, "subject": r.circulation.handling.letter.subject,
            "urgency": r.circulation.handling.letter.urgency, "note": r.circulation.note,
            "created_by": r.circulation.created_by.display_name_th, "created_at": r.circulation.created_at,
            "opened_at": r.opened_at,
        } for r in rows], many=True).data)


class CirculationDetailApi(TenantApi):
    @api_schema(operation_id="handling_circulation_get", summary="การเวียนแจ้ง ผู้รับ การเปิดอ่าน และการรับทราบ",
                tags=TAGS, responses={200: CirculationOutputSerializer},
                description="Reading it as one of its audience records that you opened it — not that you "
                            "acknowledged it (POST acknowledge/ for that).")
    def get(self, request: Request, agency: str, circulation_id: int) -> Response:
        cid = check_id(circulation_id)
        circulation.mark_opened(tenant_id=request.tenant.pk, actor=request.actor, circulation_id=cid)
        return _detail(request, cid)


class CirculationAcknowledgeApi(TenantApi):
    @api_schema(operation_id="handling_circulation_acknowledge", summary="รับทราบ (acknowledge a circulation)",
                tags=TAGS, request=None, responses={200: CirculationOutputSerializer}, errors=ACTION_ERRORS,
                description="Once per person: a second time answers 409 already_acknowledged; a closed "
                            "circulation 409 circulation_closed.")
    def post(self, request: Request, agency: str, circulation_id: int) -> Response:
        cid = check_id(circulation_id)
        circulation.acknowledge(tenant_id=request.tenant.pk, actor=request.actor, circulation_id=cid)
        return _detail(request, cid)


class CirculationCloseApi(TenantApi):
    @api_schema(operation_id="handling_circulation_close", summary="ปิดการเวียนแจ้ง (close a circulation)", tags=TAGS,
                request=None, responses={200: CirculationOutputSerializer}, errors=ACTION_ERRORS,
                description="Its sender or the central desk; those outstanding can no longer acknowledge.")
    def post(self, request: Request, agency: str, circulation_id: int) -> Response:
        cid = check_id(circulation_id)
        circulation.close(tenant_id=request.tenant.pk, actor=request.actor, circulation_id=cid)
        return _detail(request, cid)
