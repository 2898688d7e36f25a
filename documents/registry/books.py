"""The books an agency keeps, created when the agency is provisioned; admins add more (a unit's book,
one orders book per issuing authority)."""

from __future__ import annotations

import re

from documents.models import Book, BookKind, LetterKind, YearBasis
from documents.models.registry import UNPRINTED_KINDS
from documents.registry.errors import Conflict, NotAllowed, RegistryError
from documents.registry.references import DEFAULT_FORMATS, FormatProblem, check_format
from tenants.models import Agency, OrgUnit
from tenants.permissions import Actor
from tenants.roles import Action, Role
from tenants.services.audit import audit_record

_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")


def _defaults(agency: Agency) -> list[dict]:
    return [
        {"kind": BookKind.CENTRAL_INCOMING, "code": "rcv", "name_th": "ทะเบียนหนังสือรับ",
         "issuer_role": Role.CENTRAL_CLERK, "letter_kinds": []},
        {"kind": BookKind.CENTRAL_OUTGOING, "code": "snd", "name_th": "ทะเบียนหนังสือส่ง",
         "issuer_role": Role.CENTRAL_CLERK, "letter_kinds": ["external", "internal", "stamped"]},
        {"kind": BookKind.CIRCULAR, "code": "circular", "name_th": "ทะเบียนหนังสือเวียน (ว)",
         "issuer_role": Role.CENTRAL_CLERK, "letter_kinds": []},
        {"kind": BookKind.ORDERS, "code": "orders", "name_th": f"ทะเบียนคำสั่ง{agency.name_th}",
         "authority_name": agency.name_th, "issuer_role": Role.CENTRAL_CLERK, "letter_kinds": ["directive"]},
        {"kind": BookKind.ANNOUNCEMENTS, "code": "announcements", "name_th": "ทะเบียนประกาศ",
         "authority_name": agency.name_th, "issuer_role": Role.CENTRAL_CLERK, "letter_kinds": ["public_relations"]},
        {"kind": BookKind.CERTIFICATES, "code": "certificates", "name_th": "ทะเบียนหนังสือรับรอง",
         "issuer_role": Role.CENTRAL_CLERK, "letter_kinds": ["evidence"]},
        {"kind": BookKind.SECRET_REGISTER, "code": "secret", "name_th": "ทะเบียนข้อมูลข่าวสารลับ",
         "issuer_role": Role.SECRET_REGISTRAR, "letter_kinds": []},
    ]


def books_provision(*, tenant_id: int, agency: Agency) -> list[Book]:
    """Create the agency's standard books and one incoming book per active unit (idempotent).
    Runs inside the agency's scope."""
    made = []
    existing = set(Book.objects.filter(tenant_id=tenant_id).values_list("code", flat=True))
    for i, spec in enumerate(_defaults(agency)):
        if spec["code"] in existing:
            continue
        made.append(Book.objects.create(
            tenant_id=tenant_id, reference_format=DEFAULT_FORMATS[spec["kind"]], sort_order=i * 10, **spec
        ))
    for unit in OrgUnit.objects.filter(tenant_id=tenant_id, is_active=True).order_by("sort_order", "id"):
        code = f"unit-{unit.pk}"
        if code not in existing:
            made.append(unit_book_create(tenant_id=tenant_id, unit=unit, code=code))
        if f"memo-{unit.pk}" not in existing:
            made.append(unit_memo_book_create(tenant_id=tenant_id, unit=unit))
    return made


def unit_memo_book_create(*, tenant_id: int, unit: OrgUnit) -> Book:
    """The unit's own book for the memos (บันทึกข้อความ) it sends inside the agency: its ที่ carries the
    unit's number; the unit's clerks and heads take its numbers."""
    return Book.objects.create(
        tenant_id=tenant_id, kind=BookKind.UNIT_OUTGOING, code=f"memo-{unit.pk}",
        name_th=f"ทะเบียนบันทึกข้อความ {unit.name_th}", unit=unit, issuer_role=Role.UNIT_CLERK,
        letter_kinds=[LetterKind.INTERNAL], reference_format=DEFAULT_FORMATS[BookKind.UNIT_OUTGOING],
        year_basis=YearBasis.CALENDAR, sort_order=2000 + unit.sort_order,
    )


def unit_book_create(*, tenant_id: int, unit: OrgUnit, code: str | None = None) -> Book:
    return Book.objects.create(
        tenant_id=tenant_id, kind=BookKind.UNIT_INCOMING, code=code or f"unit-{unit.pk}",
        name_th=f"ทะเบียนหนังสือรับ {unit.name_th}", unit=unit, issuer_role=Role.UNIT_CLERK,
        reference_format="", year_basis=YearBasis.CALENDAR, sort_order=1000 + unit.sort_order,
    )


def _check_format(reference_format: str) -> None:
    try:
        check_format(reference_format)
    except (FormatProblem, ValueError) as exc:
        raise RegistryError(
            f"รูปแบบเลขที่หนังสือไม่ถูกต้อง ({exc}): ใช้ได้เฉพาะ {{code}} {{owner}} {{number}} {{year}} {{authority}}"
            " และต้องมี {number}",
            f"Invalid reference format ({exc}): only {{code}} {{owner}} {{number}} {{year}} {{authority}},"
            " and {number} is required.",
            field="reference_format",
        ) from exc


# --- administration (agency admins) --------------------------------------------------------------------------
_DEFAULT_ISSUER = {BookKind.UNIT_INCOMING: Role.UNIT_CLERK, BookKind.UNIT_OUTGOING: Role.UNIT_CLERK,
                   BookKind.SECRET_REGISTER: Role.SECRET_REGISTRAR}
_SINGLE = (BookKind.CENTRAL_INCOMING, BookKind.SECRET_REGISTER)


def _require_admin(actor: Actor) -> None:
    if not actor.can(Action.ORG_MANAGE):
        raise NotAllowed("เฉพาะผู้ดูแลระบบของหน่วยงานจึงตั้งค่าทะเบียนได้", "Only agency admins may set up books.")


def _check_settings(kind: str, *, year_basis: str, reference_format: str, letter_kinds: list[str]) -> None:
    if year_basis not in YearBasis.values:
        raise RegistryError("รอบปีไม่ถูกต้อง", "Unknown year basis.", field="year_basis")
    if year_basis == YearBasis.FISCAL and kind not in UNPRINTED_KINDS:
        raise RegistryError(
            "ทะเบียนที่เลขพิมพ์ลงในหนังสือต้องนับปีปฏิทิน (เริ่ม 1 มกราคม) ตามระเบียบฯ ปีงบประมาณใช้ได้เฉพาะทะเบียนรับ",
            "Books whose numbers are printed on letters run on the calendar year; only incoming books may use the"
            " fiscal year.", field="year_basis",
        )
    if reference_format and kind in UNPRINTED_KINDS:
        raise RegistryError("ทะเบียนรับไม่มีเลขที่พิมพ์ในหนังสือ", "Incoming books print no reference.",
                            field="reference_format")
    if not reference_format and kind not in UNPRINTED_KINDS:
        raise RegistryError("กรุณากำหนดรูปแบบเลขที่หนังสือ", "Please give the reference format.", field="reference_format")
    bad = sorted(set(letter_kinds) - set(LetterKind.values))
    if bad:
        raise RegistryError(f"ชนิดหนังสือไม่ถูกต้อง: {', '.join(bad)}", f"Unknown letter kinds: {', '.join(bad)}",
                            field="letter_kinds")


def book_create(
    *, tenant_id: int, actor: Actor, kind: str, code: str, name_th: str, unit: OrgUnit | None = None,
    authority_name: str = "", reference_format: str | None = None, year_basis: str = YearBasis.CALENDAR,
    letter_kinds: list[str] | None = None,
) -> Book:
    """Open a new book: a unit's incoming book, one orders book per issuing authority, a memo book…"""
    _require_admin(actor)
    if kind not in BookKind.values:
        raise RegistryError("ชนิดทะเบียนไม่ถูกต้อง", "Unknown book kind.", field="kind")
    if not _CODE.match(code or ""):
        raise RegistryError("รหัสทะเบียนใช้ได้เฉพาะ a-z 0-9 และ - (2-40 ตัว)", "The code may use a-z, 0-9 and - (2-40).",
                            field="code")
    if not name_th.strip():
        raise RegistryError("กรุณากรอกชื่อทะเบียน", "Please name the book.", field="name_th")
    if kind in (BookKind.UNIT_INCOMING, BookKind.UNIT_OUTGOING) and unit is None:
        raise RegistryError("ทะเบียนของหน่วยงานย่อยต้องระบุหน่วยงาน", "A unit book needs its unit.", field="unit")
    if kind in _SINGLE and Book.objects.filter(tenant_id=tenant_id, kind=kind).exists():
        raise Conflict("หน่วยงานมีทะเบียนชนิดนี้แล้ว (มีได้เล่มเดียว)", "The agency already keeps this book (one only).",
                       code="book_exists", field="kind")
    fmt = DEFAULT_FORMATS[kind] if reference_format is None else reference_format
    kinds = list(letter_kinds or [])
    _check_settings(kind, year_basis=year_basis, reference_format=fmt, letter_kinds=kinds)
    _check_format(fmt)
    if Book.objects.filter(tenant_id=tenant_id, code=code).exists():
        raise Conflict("มีทะเบียนที่ใช้รหัสนี้แล้ว", "A book with this code exists.", code="book_exists", field="code")
    book = Book.objects.create(
        tenant_id=tenant_id, kind=kind, code=code, name_th=name_th.strip()[:255], unit=unit,
        authority_name=authority_name.strip()[:255], reference_format=fmt, year_basis=year_basis, letter_kinds=kinds,
        issuer_role=_DEFAULT_ISSUER.get(kind, Role.CENTRAL_CLERK), sort_order=500,
    )
    audit_record(tenant_id=tenant_id, actor_id=actor.user_id, action="registry.book_create", object_type="book",
                 object_id=book.pk, changes={"kind": kind, "code": code, "format": fmt, "year_basis": year_basis})
    return book


def book_update(*, tenant_id: int, actor: Actor, book: Book, **changes: object) -> Book:
    """Change a book's name, reference format (future numbers), letter kinds, authority or state. The
    year basis changes only before the book's first number (numbers never jump between bases)."""
    _require_admin(actor)
    allowed = {"name_th", "reference_format", "year_basis", "letter_kinds", "authority_name", "is_active"}
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise RegistryError(f"แก้ไขช่องนี้ไม่ได้: {', '.join(unknown)}", f"Cannot change: {', '.join(unknown)}",
                            field=unknown[0])
    new = {k: v for k, v in changes.items() if getattr(book, k) != v}
    if not new:
        return book
    if "year_basis" in new and book.entries.exists():
        raise Conflict("ทะเบียนนี้ออกเลขแล้ว จึงเปลี่ยนรอบปีไม่ได้", "This book has issued numbers; its year basis is fixed.",
                       code="year_basis_fixed", field="year_basis")
    if "name_th" in new and not str(new["name_th"]).strip():
        raise RegistryError("กรุณากรอกชื่อทะเบียน", "Please name the book.", field="name_th")
    _check_settings(
        book.kind, year_basis=str(new.get("year_basis", book.year_basis)),
        reference_format=str(new.get("reference_format", book.reference_format)),
        letter_kinds=list(new.get("letter_kinds", book.letter_kinds) or []),  # type: ignore[call-overload]
    )
    if "reference_format" in new:
        _check_format(str(new["reference_format"]))
    before = {k: getattr(book, k) for k in new}
    for k, v in new.items():
        setattr(book, k, v)
    book.save(update_fields=list(new))
    audit_record(tenant_id=tenant_id, actor_id=actor.user_id, action="registry.book_update", object_type="book",
                 object_id=book.pk, changes={k: {"before": before[k], "after": new[k]} for k in new})
    return book
