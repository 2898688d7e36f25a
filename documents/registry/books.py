"""The books an agency keeps, created when the agency is provisioned; admins add more (a unit's book,
one orders book per issuing authority)."""

from __future__ import annotations

from documents.models import Book, BookKind, YearBasis
from documents.registry.errors import RegistryError
from documents.registry.references import DEFAULT_FORMATS, FormatProblem, check_format
from tenants.models import Agency, OrgUnit
from tenants.roles import Role


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
    return made


def unit_book_create(*, tenant_id: int, unit: OrgUnit, code: str | None = None) -> Book:
    return Book.objects.create(
        tenant_id=tenant_id, kind=BookKind.UNIT_INCOMING, code=code or f"unit-{unit.pk}",
        name_th=f"ทะเบียนหนังสือรับ {unit.name_th}", unit=unit, issuer_role=Role.UNIT_CLERK,
        reference_format="", year_basis=YearBasis.CALENDAR, sort_order=1000 + unit.sort_order,
    )


def book_set_format(*, tenant_id: int, book: Book, reference_format: str) -> Book:
    try:
        check_format(reference_format)
    except FormatProblem as exc:
        raise RegistryError(
            f"รูปแบบเลขที่หนังสือไม่ถูกต้อง ({exc}): ใช้ได้เฉพาะ {{code}} {{owner}} {{number}} {{year}} {{authority}}"
            " และต้องมี {number}",
            f"Invalid reference format ({exc}): only {{code}} {{owner}} {{number}} {{year}} {{authority}},"
            " and {number} is required.",
            field="reference_format",
        ) from exc
    book.reference_format = reference_format
    book.save(update_fields=["reference_format"])
    return book
