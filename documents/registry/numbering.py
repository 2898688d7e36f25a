"""Gapless yearly registry numbers (architecture.md §4) — the legal core.

``allocate`` must run inside the tenant's scope transaction, which then holds the book's row lock
until it commits or rolls back:

1. lock the book row (``FOR NO KEY UPDATE``: entries may still reference the book meanwhile);
2. read the database clock once (``eoffice_now()``), *after* the lock, so numbers follow time;
3. derive the book's year (พ.ศ., Asia/Bangkok; fiscal books: from 1 October) from that reading;
4. bump the (book, year) counter with ``INSERT … ON CONFLICT DO UPDATE … RETURNING``;
5. the caller inserts the entry stamped with the same reading, in the same transaction.

A rollback anywhere undoes the counter with the entry: never skipped, never reused. No sequence is
involved (sequences are not transactional). The unique (tenant, book, year, number) constraint is the
backstop.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import connection

from documents.models import Book, BookCounter, RegistryEntry, YearBasis
from documents.registry.errors import Conflict, RegistryError
from documents.registry.references import format_reference, normalise
from eoffice.common.exceptions import NotFoundInTenant
from tenants.models import Agency

BANGKOK = ZoneInfo("Asia/Bangkok")


def registry_year(year_basis: str, at: dt.datetime) -> int:
    """The book year (พ.ศ.) a moment falls in: calendar years start on 1 January in Bangkok; fiscal
    years on 1 October (fiscal 2570 = 1 Oct 2569 – 30 Sep 2570)."""
    local = at.astimezone(BANGKOK)
    year = local.year + 543
    if year_basis == YearBasis.FISCAL and local.month >= 10:
        year += 1
    return year


@dataclass(frozen=True)
class Allocation:
    number: int
    year: int
    registered_at: dt.datetime
    reference: str
    reference_norm: str


def db_now() -> dt.datetime:
    with connection.cursor() as cur:
        cur.execute("SELECT eoffice_now()")
        return cur.fetchone()[0]


def reference_for(book: Book, agency: Agency, *, number: int, year: int) -> str:
    owner = (book.unit.unit_number if book.unit_id and book.unit.unit_number else "") or agency.letter_number
    return format_reference(
        book.reference_format, code=agency.letter_code, owner=owner, number=number, year=year,
        authority=book.authority_name, thai_digits=agency.use_thai_digits,
    )


def allocate(*, tenant_id: int, book: Book, agency: Agency) -> Allocation:
    """Take the next number of ``book``. Holds the book's lock until the caller's transaction ends."""
    if book.tenant_id != tenant_id:
        raise NotFoundInTenant()
    if not book.is_active:
        raise RegistryError("ทะเบียนนี้ปิดใช้งานแล้ว", "This book is closed.", code="book_closed")
    with connection.cursor() as cur:
        cur.execute(
            "SELECT id FROM documents_book WHERE id = %s AND tenant_id = %s FOR NO KEY UPDATE",
            [book.pk, tenant_id],
        )
        if cur.fetchone() is None:
            raise NotFoundInTenant()
        cur.execute("SELECT eoffice_now()")
        now = cur.fetchone()[0]
        year = registry_year(book.year_basis, now)
        cur.execute(
            "INSERT INTO documents_bookcounter (tenant_id, book_id, year, last_number) VALUES (%s, %s, %s, 1)"
            " ON CONFLICT (book_id, year) DO UPDATE SET last_number = documents_bookcounter.last_number + 1"
            " RETURNING last_number",
            [tenant_id, book.pk, year],
        )
        number = cur.fetchone()[0]
    reference = reference_for(book, agency, number=number, year=year)
    return Allocation(number, year, now, reference, normalise(reference))


def set_start_number(*, tenant_id: int, book: Book, year: int, start: int) -> BookCounter:
    """For an agency leaving its paper book mid-year: the next number issued in ``year`` will be
    ``start``. Only before any entry of that year exists in the book (numbers never move back)."""
    if start < 1:
        raise RegistryError("เลขเริ่มต้นต้องไม่น้อยกว่า 1", "The starting number must be at least 1.", field="start")
    with connection.cursor() as cur:
        cur.execute(
            "SELECT id FROM documents_book WHERE id = %s AND tenant_id = %s FOR NO KEY UPDATE", [book.pk, tenant_id]
        )
        if cur.fetchone() is None:
            raise NotFoundInTenant()
    if RegistryEntry.objects.filter(tenant_id=tenant_id, book=book, year=year).exists():
        raise Conflict(
            "ทะเบียนนี้ออกเลขของปีนี้ไปแล้ว จึงตั้งเลขเริ่มต้นไม่ได้",
            "Numbers have already been issued in this book for this year; the start can no longer change.",
            code="start_after_use", field="start",
        )
    counter, _ = BookCounter.objects.update_or_create(
        tenant_id=tenant_id, book=book, year=year, defaults={"last_number": start - 1}
    )
    return counter
