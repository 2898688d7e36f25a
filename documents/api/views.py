"""Registry API views: parse, call one service or selector, answer. Permission checks live in the
services (book issuer) and selectors (book visibility, secrecy)."""

from __future__ import annotations

import datetime as dt

from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from documents.api.serializers import (
    AmendInputSerializer,
    BookOutputSerializer,
    EntryOutputSerializer,
    FileOutputSerializer,
    IncomingInputSerializer,
    OutgoingInputSerializer,
    ReasonInputSerializer,
    ReservationInputSerializer,
    entry_data,
)
from documents.files.services import file_download_response, file_prepare, file_record
from documents.models import BookKind, Channel, EntryStatus, LetterKind, Secrecy, Urgency, YearBasis
from documents.registry import books, selectors, services
from documents.registry.errors import RegistryError
from documents.registry.selectors import BookFilters
from eoffice.common.exceptions import NotFoundInTenant
from tenants import selectors as tenant_selectors
from tenants.api.views._common import TenantApi, api_schema, check_id, require
from tenants.roles import Action

TAGS = ["registry"]


def _book_id(request: Request, code: str) -> int | None:
    if not code:
        return None
    return selectors.book_get(request.actor, tenant_id=request.tenant.pk, code=code).pk


def _entry_out(request: Request, entry) -> dict:  # type: ignore[no-untyped-def]
    visible = entry.letter is None or entry.letter.secrecy == Secrecy.NORMAL or bool(getattr(entry, "granted", True))
    return EntryOutputSerializer(entry_data(entry, visible=visible, book_code=entry.book.code)).data


def _book_out(request: Request, book) -> dict:  # type: ignore[no-untyped-def]
    book.can_issue = services.can_issue(request.actor, book)
    return BookOutputSerializer(book).data


class BookSettingsSerializer(serializers.Serializer):
    name_th = serializers.CharField(max_length=255, required=False)
    reference_format = serializers.CharField(max_length=120, required=False, allow_blank=True, help_text=(
        "Placeholders {code} {owner} {number} {year} {authority}; empty for incoming books."))
    year_basis = serializers.ChoiceField(choices=YearBasis.choices, required=False)
    letter_kinds = serializers.ListField(child=serializers.ChoiceField(choices=LetterKind.choices), required=False)
    authority_name = serializers.CharField(max_length=255, required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)


class BooksApi(TenantApi):
    class CreateInputSerializer(BookSettingsSerializer):
        kind = serializers.ChoiceField(choices=BookKind.choices)
        code = serializers.SlugField(max_length=40)
        name_th = serializers.CharField(max_length=255)
        unit = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1,
                                        max_value=2**63 - 1, help_text="unit books: the unit's id")

    @api_schema(operation_id="registry_books", summary="ทะเบียนที่เปิดดูได้ (books I may open)", tags=TAGS,
                responses={200: BookOutputSerializer(many=True)}, errors=(401, 403))
    def get(self, request: Request, agency: str) -> Response:
        books = selectors.books_visible(request.actor, tenant_id=request.tenant.pk)
        return Response([_book_out(request, b) for b in books])

    @api_schema(operation_id="registry_books_create", summary="เปิดทะเบียนใหม่ (open a new book)", tags=TAGS,
                request=CreateInputSerializer, responses={201: BookOutputSerializer}, errors=(400, 401, 403, 404, 409),
                description="Agency admins (org.manage): a unit's incoming book, an orders book per authority…")
    def post(self, request: Request, agency: str) -> Response:
        s = self.CreateInputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        v = dict(s.validated_data)
        t = request.tenant.pk
        unit = None
        if v.pop("unit", None) is not None:
            unit = tenant_selectors.org_unit_get(tenant_id=t, unit_id=s.validated_data["unit"])
        v.pop("is_active", None)
        book = books.book_create(tenant_id=t, actor=request.actor, unit=unit, **v)
        return Response(_book_out(request, book), status=status.HTTP_201_CREATED)


class BookDetailApi(TenantApi):
    @api_schema(operation_id="registry_book_update", summary="ตั้งค่าทะเบียน (change a book's settings)", tags=TAGS,
                request=BookSettingsSerializer, responses={200: BookOutputSerializer}, errors=(400, 401, 403, 404, 409))
    def patch(self, request: Request, agency: str, book: str) -> Response:
        s = BookSettingsSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        b = selectors.book_get(request.actor, tenant_id=request.tenant.pk, code=book)
        b = books.book_update(tenant_id=request.tenant.pk, actor=request.actor, book=b, **s.validated_data)
        return Response(_book_out(request, b))


class BookStartNumberApi(TenantApi):
    class InputSerializer(serializers.Serializer):
        year = serializers.IntegerField(min_value=2500, max_value=2700, help_text="พ.ศ.")
        start = serializers.IntegerField(min_value=1, max_value=10_000_000, help_text="the next number to issue")

    @api_schema(operation_id="registry_book_start_number",
                summary="ตั้งเลขเริ่มต้น (starting number for an agency leaving its paper book)", tags=TAGS,
                request=InputSerializer, responses={204: None}, errors=(400, 401, 403, 404, 409))
    def post(self, request: Request, agency: str, book: str) -> Response:
        s = self.InputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        b = selectors.book_get(request.actor, tenant_id=request.tenant.pk, code=book)
        services.book_set_start_number(tenant_id=request.tenant.pk, actor=request.actor, book_id=b.pk,
                                       **s.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


BOOK_QUERY = [
    OpenApiParameter("year", int, description="พ.ศ. (default: all years, newest first)"),
    OpenApiParameter("date_from", dt.date, description="registered on or after (ISO date)"),
    OpenApiParameter("date_to", dt.date, description="registered on or before (ISO date)"),
    OpenApiParameter("urgency", str, enum=Urgency.values),
    OpenApiParameter("secrecy", str, enum=Secrecy.values),
    OpenApiParameter("status", str, enum=EntryStatus.values),
    OpenApiParameter("sender", str), OpenApiParameter("subject", str), OpenApiParameter("reference", str),
    OpenApiParameter("before", str, description="keyset cursor from `next_before` (\"<year>-<number>\")"),
]


class BookQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=2400, max_value=2700)
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    secrecy = serializers.ChoiceField(choices=Secrecy.choices, required=False)
    status = serializers.ChoiceField(choices=EntryStatus.choices, required=False)
    sender = serializers.CharField(max_length=200, required=False)
    subject = serializers.CharField(max_length=200, required=False)
    reference = serializers.CharField(max_length=120, required=False)
    before = serializers.RegexField(r"^\d{4}-\d{1,9}$", required=False)

    def filters(self) -> BookFilters:
        v = dict(self.validated_data)
        before = v.pop("before", None)
        if before:
            y, n = before.split("-")
            v["before"] = (int(y), int(n))
        return BookFilters(**v)


class BookEntriesApi(TenantApi):
    @api_schema(
        operation_id="registry_book_entries", summary="รายการในทะเบียน (entries of a book)", tags=TAGS,
        parameters=BOOK_QUERY, errors=(400, 401, 403, 404),
        responses={200: inline_serializer(name="BookPage", fields={
            "book": serializers.CharField(), "results": EntryOutputSerializer(many=True),
            "next_before": serializers.CharField(allow_null=True, help_text="cursor of the next (older) page")})},
        description="Newest first, 50 a page; `next_before` is the cursor of the next page (null at the end).",
    )
    def get(self, request: Request, agency: str, book: str) -> Response:
        b = selectors.book_get(request.actor, tenant_id=request.tenant.pk, code=book)
        q = BookQuerySerializer(data=request.query_params)
        q.is_valid(raise_exception=True)
        rows, cursor = selectors.book_page(request.actor, tenant_id=request.tenant.pk, book=b, filters=q.filters())
        return Response({
            "book": b.code,
            "results": [EntryOutputSerializer(entry_data(r.entry, visible=r.visible, book_code=b.code)).data
                        for r in rows],
            "next_before": f"{cursor[0]}-{cursor[1]}" if cursor else None,
        })


class FilesUploadApi(TenantApi):
    parser_classes = [MultiPartParser]

    class InputSerializer(serializers.Serializer):
        file = serializers.FileField(help_text="PDF, JPEG, PNG, TIFF or an office file; type decided by content.")

    @api_schema(operation_id="registry_files_upload", summary="อัปโหลดไฟล์ (upload a file before registering)",
                tags=TAGS, request=InputSerializer, responses={201: FileOutputSerializer}, errors=(400, 401, 403))
    def post(self, request: Request, agency: str) -> Response:
        actor = request.actor
        if not (actor.can(Action.REGISTRY_CENTRAL_WRITE) or actor.can(Action.REGISTRY_UNIT_WRITE)
                or actor.can(Action.SECRET_REGISTER_MANAGE)):
            require(request, Action.REGISTRY_CENTRAL_WRITE)
        s = self.InputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        upload = s.validated_data["file"]
        prepared = file_prepare(upload, upload.name)
        stored = file_record(tenant_id=request.tenant.pk, prepared=prepared, letter_id=None, role="original",
                             actor_id=actor.user_id)
        return Response(FileOutputSerializer(stored).data, status=status.HTTP_201_CREATED)


class IncomingApi(TenantApi):
    @api_schema(operation_id="registry_incoming_create", summary="ลงทะเบียนรับ (register a received letter)",
                tags=TAGS, request=IncomingInputSerializer, responses={201: EntryOutputSerializer, 200: EntryOutputSerializer},
                errors=(400, 401, 403, 404, 409),
                description="201 with a new number; 200 with the same entry when the idempotency key was used before.")
    def post(self, request: Request, agency: str) -> Response:
        s = IncomingInputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        key = s.validated_data["idempotency_key"]
        before = _seen(request, key)
        entry = services.register_incoming(
            tenant_id=request.tenant.pk, actor=request.actor, data=s.to_input(_book_id(request, s.validated_data["book"])),
            stored_file_ids=s.validated_data["files"], idempotency_key=key,
        )
        return Response(_entry_out(request, entry), status=status.HTTP_200_OK if before else status.HTTP_201_CREATED)


def _seen(request: Request, key: str) -> bool:
    from documents.models import RegistryEntry

    return RegistryEntry.objects.filter(tenant_id=request.tenant.pk, idempotency_key=key).exists()


class OutgoingApi(TenantApi):
    @api_schema(operation_id="registry_outgoing_create", summary="ออกเลขหนังสือส่ง (issue an outgoing number)",
                tags=TAGS, request=OutgoingInputSerializer, responses={201: EntryOutputSerializer, 200: EntryOutputSerializer},
                errors=(400, 401, 403, 404, 409))
    def post(self, request: Request, agency: str) -> Response:
        s = OutgoingInputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        key = s.validated_data["idempotency_key"]
        before = _seen(request, key)
        files = s.validated_data["files"]
        if files:
            raise RegistryError(
                "แนบไฟล์หนังสือส่งด้วยการอัปโหลดในหน้าออกเลข หรือแนบภายหลังผ่านรายการ",
                "Attach outgoing files with the web form; the API issues the number.", field="files",
            )
        entry = services.issue_outgoing(
            tenant_id=request.tenant.pk, actor=request.actor, data=s.to_input(_book_id(request, s.validated_data["book"])),
            idempotency_key=key,
        )
        return Response(_entry_out(request, entry), status=status.HTTP_200_OK if before else status.HTTP_201_CREATED)


class ReservationsApi(TenantApi):
    @api_schema(operation_id="registry_reserve", summary="จองเลข (reserve a number)", tags=TAGS,
                request=ReservationInputSerializer, responses={201: EntryOutputSerializer}, errors=(400, 401, 403, 404, 409))
    def post(self, request: Request, agency: str) -> Response:
        s = ReservationInputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        v = s.validated_data
        entry = services.reserve_number(
            tenant_id=request.tenant.pk, actor=request.actor, book_id=_book_id(request, v["book"]), note=v["note"],
            idempotency_key=v["idempotency_key"],
        )
        return Response(_entry_out(request, entry), status=status.HTTP_201_CREATED)


class EntryDetailApi(TenantApi):
    class OutputSerializer(EntryOutputSerializer):
        files = FileOutputSerializer(many=True)
        amendments = serializers.ListField(child=serializers.DictField())
        related = serializers.ListField(child=serializers.DictField())

    @api_schema(operation_id="registry_entry_detail", summary="รายการทะเบียน (an entry and its letter)", tags=TAGS,
                responses={200: OutputSerializer})
    def get(self, request: Request, agency: str, entry_id: int) -> Response:
        t = request.tenant.pk
        entry = selectors.entry_detail(request.actor, tenant_id=t, entry_id=check_id(entry_id))
        data = dict(entry_data(entry, visible=True, book_code=entry.book.code))
        data["files"] = selectors.entry_files(tenant_id=t, entry=entry)
        data["amendments"] = [
            {"changes": a.changes, "reason": a.reason, "amended_by": a.amended_by.get_full_name(),
             "amended_at": a.amended_at.isoformat()}
            for a in selectors.entry_amendments(tenant_id=t, entry=entry)
        ]
        data["related"] = [
            {"id": r.pk, "book": r.book.code, "year": r.year, "number": r.number, "status": r.status}
            for r in selectors.entry_related(tenant_id=t, entry=entry)
        ]
        return Response(self.OutputSerializer(data).data)


class EntryAmendApi(TenantApi):
    @api_schema(operation_id="registry_entry_amend", summary="แก้ไขรายการ (amend; the original stays visible)",
                tags=TAGS, request=AmendInputSerializer, responses={200: EntryOutputSerializer},
                errors=(400, 401, 403, 404, 409))
    def post(self, request: Request, agency: str, entry_id: int) -> Response:
        s = AmendInputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        changes = dict(s.validated_data)
        reason = changes.pop("reason")
        entry = services.entry_amend(tenant_id=request.tenant.pk, actor=request.actor, entry_id=check_id(entry_id),
                                     changes=changes, reason=reason)
        return Response(_entry_out(request, entry))


class EntryAnnulApi(TenantApi):
    @api_schema(operation_id="registry_entry_annul", summary="ยกเลิกเลข (annul with a reason)", tags=TAGS,
                request=ReasonInputSerializer, responses={200: EntryOutputSerializer}, errors=(400, 401, 403, 404, 409))
    def post(self, request: Request, agency: str, entry_id: int) -> Response:
        s = ReasonInputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        entry = services.entry_annul(tenant_id=request.tenant.pk, actor=request.actor, entry_id=check_id(entry_id),
                                     reason=s.validated_data["reason"])
        return Response(_entry_out(request, entry))


class EntryDispatchApi(TenantApi):
    class InputSerializer(serializers.Serializer):
        state = serializers.ChoiceField(choices=[("awaiting_dispatch", "awaiting_dispatch"), ("dispatched", "dispatched")])
        channel = serializers.ChoiceField(choices=Channel.choices, required=False, allow_blank=True, default="")

    @api_schema(operation_id="registry_entry_dispatch", summary="ลงนามแล้วรอส่ง / ส่งแล้ว (dispatch state)", tags=TAGS,
                request=InputSerializer, responses={200: EntryOutputSerializer}, errors=(400, 401, 403, 404, 409))
    def post(self, request: Request, agency: str, entry_id: int) -> Response:
        s = self.InputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        kw = {"tenant_id": request.tenant.pk, "actor": request.actor, "entry_id": check_id(entry_id)}
        if s.validated_data["state"] == "awaiting_dispatch":
            entry = services.entry_mark_awaiting_dispatch(**kw)
        else:
            entry = services.entry_mark_dispatched(**kw, channel=s.validated_data["channel"])
        return Response(_entry_out(request, entry))


class EntryUnitRegisterApi(TenantApi):
    class InputSerializer(serializers.Serializer):
        idempotency_key = serializers.CharField(min_length=8, max_length=64)
        book = serializers.SlugField(help_text="The unit's incoming book code.")
        note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")

    @api_schema(operation_id="registry_entry_unit_register",
                summary="ลงทะเบียนรับของหน่วยงานย่อย (register a central entry in a unit's book)", tags=TAGS,
                request=InputSerializer, responses={201: EntryOutputSerializer}, errors=(400, 401, 403, 404, 409))
    def post(self, request: Request, agency: str, entry_id: int) -> Response:
        s = self.InputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        v = s.validated_data
        entry = services.register_in_unit(
            tenant_id=request.tenant.pk, actor=request.actor, central_entry_id=check_id(entry_id),
            book_id=_book_id(request, v["book"]), idempotency_key=v["idempotency_key"], note=v["note"],
        )
        return Response(_entry_out(request, entry), status=status.HTTP_201_CREATED)


class BookRegisterCentralApi(TenantApi):
    class InputSerializer(serializers.Serializer):
        idempotency_key = serializers.CharField(min_length=8, max_length=64)
        year = serializers.IntegerField(min_value=2400, max_value=2700, help_text="พ.ศ. of the central เลขรับ")
        number = serializers.IntegerField(min_value=1, max_value=2**31 - 1, help_text="the central เลขรับ")
        note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")

    @api_schema(operation_id="registry_book_register_central",
                summary="ลงทะเบียนรับในหน่วยงานย่อยจากเลขรับกลาง (register by the central number)", tags=TAGS,
                request=InputSerializer, responses={201: EntryOutputSerializer}, errors=(400, 401, 403, 404, 409),
                description="For a unit's incoming book: the letter handed over carries the central เลขรับ.")
    def post(self, request: Request, agency: str, book: str) -> Response:
        s = self.InputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        v = s.validated_data
        entry = services.register_in_unit_by_number(
            tenant_id=request.tenant.pk, actor=request.actor, book_id=_book_id(request, book), year=v["year"],
            number=v["number"], idempotency_key=v["idempotency_key"], note=v["note"],
        )
        return Response(_entry_out(request, entry), status=status.HTTP_201_CREATED)


class EntrySecretOpenApi(TenantApi):
    @api_schema(operation_id="registry_entry_secret_open",
                summary="นายทะเบียนฯ เปิดหนังสือลับและลงทะเบียนลับ (registrar opens a sealed item)", tags=TAGS,
                request=IncomingInputSerializer, responses={201: EntryOutputSerializer}, errors=(400, 401, 403, 404, 409))
    def post(self, request: Request, agency: str, entry_id: int) -> Response:
        s = IncomingInputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        if s.validated_data["files"]:
            raise RegistryError("แนบไฟล์หนังสือลับผ่านหน้าจอของนายทะเบียนฯ", "Attach secret files in the registrar's form.",
                                field="files")
        entry = services.secret_open(
            tenant_id=request.tenant.pk, actor=request.actor, central_entry_id=check_id(entry_id),
            data=s.to_input(None), idempotency_key=s.validated_data["idempotency_key"],
        )
        return Response(_entry_out(request, entry), status=status.HTTP_201_CREATED)


class EntryFileApi(TenantApi):
    @api_schema(operation_id="registry_entry_file", summary="ดาวน์โหลดไฟล์ (download a file of an entry)", tags=TAGS,
                responses={(200, "application/octet-stream"): bytes})
    def get(self, request: Request, agency: str, entry_id: int, file_id: int):  # type: ignore[no-untyped-def]
        f = selectors.file_for_download(request.actor, tenant_id=request.tenant.pk, entry_id=check_id(entry_id),
                                        file_id=check_id(file_id))
        return file_download_response(f)


class SecretGrantsApi(TenantApi):
    class InputSerializer(serializers.Serializer):
        user = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
        revoke = serializers.BooleanField(required=False, default=False)

    @api_schema(operation_id="registry_secret_grant", summary="ให้/ถอนสิทธิ์เห็นหนังสือลับ (grant or revoke)", tags=TAGS,
                request=InputSerializer, responses={204: None}, errors=(400, 401, 403, 404))
    def post(self, request: Request, agency: str, entry_id: int) -> Response:
        s = self.InputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        t = request.tenant.pk
        entry = selectors.entry_detail(request.actor, tenant_id=t, entry_id=check_id(entry_id))
        if entry.letter_id is None:
            raise NotFoundInTenant()
        if s.validated_data["revoke"]:
            services.secret_revoke(tenant_id=t, actor=request.actor, letter_id=entry.letter_id,
                                   user_id=s.validated_data["user"])
        else:
            services.secret_grant(tenant_id=t, actor=request.actor, letter_id=entry.letter_id,
                                  user_id=s.validated_data["user"])
        return Response(status=status.HTTP_204_NO_CONTENT)
