"""Gapless yearly registry numbers (architecture.md §4) — the legal core.

A numbered insert runs inside the tenant's scope transaction, which then holds the book's row lock
until it commits or rolls back. The database does it in one call, ``eoffice_registry_register``
(SQL in ``documents/migrations/0006_registry_register_function.py``; SECURITY INVOKER, so RLS applies):

1. lock the book row (``FOR NO KEY UPDATE``: entries may still reference the book meanwhile);
2. read the database clock once (``eoffice_now()``), *after* the lock, so numbers follow time;
3. derive the book's year (พ.ศ., Asia/Bangkok; fiscal books: from 1 October) from that reading —
   the same rule as ``registry_year`` here;
4. bump the (book, year) counter with ``INSERT … ON CONFLICT DO UPDATE … RETURNING``;
5. insert the entry stamped with the same reading (and, in the same call, the letter before the lock,
   the files and the stamp job after it).

A rollback anywhere undoes the counter with the entry: never skipped, never reused. No sequence is
involved (sequences are not transactional). The unique (tenant, book, year, number) constraint is the
backstop.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db import DatabaseError, connection

from documents.models import Book, BookCounter, RegistryEntry, YearBasis
from documents.registry.errors import Conflict, RegistryError
from documents.registry.references import format_reference, normalise
from eoffice.common.exceptions import NotFoundInTenant
from tenants.models import Agency

BANGKOK = ZoneInfo("Asia/Bangkok")
# Where the number and year go in a reference template: private-use code points, never in real text.
NUMBER_SLOT, YEAR_SLOT = "\ue000", "\ue001"


def registry_year(year_basis: str, at: dt.datetime) -> int:
    """The book year (พ.ศ.) a moment falls in: calendar years start on 1 January in Bangkok; fiscal
    years on 1 October (fiscal 2570 = 1 Oct 2569 – 30 Sep 2570)."""
    local = at.astimezone(BANGKOK)
    year = local.year + 543
    if year_basis == YearBasis.FISCAL and local.month >= 10:
        year += 1
    return year


def db_now() -> dt.datetime:
    with connection.cursor() as cur:
        cur.execute("SELECT eoffice_now()")
        return cur.fetchone()[0]


def reference_template(book: Book, agency: Agency) -> str:
    """The book's printed reference with everything but the number and year filled in."""
    owner = (book.unit.unit_number if book.unit_id and book.unit.unit_number else "") or agency.letter_number
    return format_reference(
        book.reference_format, code=agency.letter_code, owner=owner, number=NUMBER_SLOT, year=YEAR_SLOT,
        authority=book.authority_name, thai_digits=agency.use_thai_digits,
    )


@dataclass(frozen=True)
class Numbered:
    """What ``eoffice_registry_register`` made: the entry (and its letter, files and job rows)."""

    entry_id: int
    letter_id: int | None
    number: int
    year: int
    registered_at: dt.datetime
    reference: str
    reference_norm: str
    file_ids: tuple[int, ...]
    key_ids: tuple[int, ...]
    job_id: int | None
    letter_created_at: dt.datetime | None


class KeyUsed(Exception):
    """The idempotency key already made an entry (a retry, or a concurrent twin that committed first)."""

    def __init__(self, entry_id: int) -> None:
        super().__init__(entry_id)
        self.entry_id = entry_id


def _json_value(value: object) -> str:
    if isinstance(value, dt.date | dt.datetime):  # datetimes are aware (validated), so the offset travels
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value).__name__}")


def allocate_and_insert(
    *, tenant_id: int, book: Book, agency: Agency, user_id: int, key: str | None, entry: dict[str, Any],
    letter: dict[str, Any] | None = None, parties: list[dict[str, Any]] | None = None, letter_id: int | None = None,
    files: list[dict[str, Any]] | None = None, attach: list[dict[str, Any]] | None = None,
    job: dict[str, Any] | None = None, audit: dict[str, Any] | None = None,
) -> Numbered:
    """Take the next number of ``book`` and insert the entry with it, in one database call. ``entry``:
    status, channel, note, digest, parent_id, received_at or received_now. ``letter`` + ``parties``
    make a new letter (columns as in ``documents_letter``); else ``letter_id`` (or none: a reservation).
    ``files``: rows from ``documents.files.services.file_row``; ``attach``: uploaded files ({id,
    sort_order}) the caller locked; ``job``: from ``tenants.services.jobs.job_row``, its args get the
    entry id; ``audit``: from ``tenants.services.audit.audit_event_for_sql`` (entry id, year and number
    in its value slots). Raises ``KeyUsed`` when the key already made an entry (nothing written)."""
    if book.tenant_id != tenant_id:
        raise NotFoundInTenant()
    if not book.is_active:
        raise RegistryError("ทะเบียนนี้ปิดใช้งานแล้ว", "This book is closed.", code="book_closed")
    template = reference_template(book, agency)
    payload = {
        "tenant": tenant_id, "book": book.pk, "user": user_id, "key": key, "fiscal": book.year_basis == YearBasis.FISCAL,
        "ref_tmpl": template, "ref_norm_tmpl": normalise(template), "thai_digits": agency.use_thai_digits,
        "letter": letter, "parties": parties or [], "letter_id": letter_id, "entry": entry, "files": files or [],
        "attach": attach or [], "job": job, "audit": audit,
    }
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT eoffice_registry_register(%s::jsonb)", [json.dumps(payload, ensure_ascii=False, default=_json_value)])
            out = cur.fetchone()[0]
    except DatabaseError as exc:
        if getattr(getattr(exc.__cause__, "diag", None), "sqlstate", None) == "P0002":  # no_data_found: book gone
            raise NotFoundInTenant() from exc
        raise
    out = json.loads(out) if isinstance(out, str | bytes) else out
    if "existing" in out:
        raise KeyUsed(int(out["existing"]))
    if "reference_taken" in out:
        raise Conflict(
            f"เลขที่หนังสือ \"{out['reference_taken']}\" ซ้ำกับที่ออกไปแล้วในปีนี้ กรุณาให้ผู้ดูแลระบบตรวจรูปแบบเลขที่ของ{book.name_th}",
            f"The reference \"{out['reference_taken']}\" was already issued this year; ask the admin to check this"
            " book's reference format.", code="reference_taken",
        )
    return Numbered(
        entry_id=int(out["entry"]), letter_id=out["letter"], number=int(out["number"]), year=int(out["year"]),
        registered_at=dt.datetime.fromisoformat(out["registered_at"]), reference=out["reference"],
        reference_norm=out["reference_norm"], file_ids=tuple(out["files"]), key_ids=tuple(out["keys"]),
        job_id=out["job"],
        letter_created_at=dt.datetime.fromisoformat(out["letter_created_at"]) if out["letter_created_at"] else None,
    )


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
