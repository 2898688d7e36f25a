"""Registry writes: register incoming (central, unit, secret), issue outgoing numbers, reserve,
amend, annul, dispatch states, secret grants, starting numbers.

Every function runs inside the caller's tenant scope (one transaction: the request's, or a job's) and
takes ``tenant_id`` and the acting ``actor`` explicitly. Files are prepared (validated, encrypted,
stored) *before* the call; here they only get their rows, so the numbering transaction stays short.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from documents.files.preview import preview_enqueue_for_letter
from documents.files.services import PreparedFile, file_record, file_row
from documents.models import (
    Book,
    BookKind,
    Channel,
    EntryAmendment,
    EntryStatus,
    FileRole,
    Letter,
    LetterKind,
    LetterParty,
    PartyRole,
    RegistryEntry,
    Secrecy,
    SecretGrant,
    StoredFile,
)
from documents.registry import numbering
from documents.registry.errors import Conflict, NotAllowed, RegistryError
from documents.registry.inputs import IncomingInput, LetterInput, OutgoingInput, PartyInput
from documents.registry.references import normalise
from documents.registry.selectors import entry_for_key
from documents.registry.validation import validate_letter
from eoffice.common.exceptions import NotFoundInTenant
from tenants.models import Agency, OrgUnit, Position, TopSecretPolicy
from tenants.permissions import Actor
from tenants.roles import Action, Role, Scope
from tenants.services.audit import VALUE_SLOTS, audit_event_for_sql, audit_record
from tenants.services.jobs import job_dispatch_on_commit, job_row

STAMPABLE_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png", "image/tiff"})
_CHANNELS = frozenset(Channel.values)  # (an enum's .values is rebuilt on every access)
# Books an internal memo sent in-system is numbered from (its ที่), which units then register under.
MEMO_BOOK_KINDS = (BookKind.UNIT_OUTGOING, BookKind.CENTRAL_OUTGOING, BookKind.CIRCULAR)


# --- permissions ------------------------------------------------------------------------------------------
def can_issue(actor: Actor, book: Book) -> bool:
    """Who may take numbers from a book: the book's issuer role, else the matrix (a central clerk
    for central books; a unit clerk for their own unit's book; the registrar for the secret register)."""
    if book.tenant_id != actor.agency_id:
        return False
    if book.kind == BookKind.SECRET_REGISTER:
        return actor.can(Action.SECRET_REGISTER_MANAGE)
    if book.kind == BookKind.UNIT_INCOMING:
        scope = actor.widest_scope(Action.REGISTRY_UNIT_WRITE)
        if scope == Scope.UNIT:
            return actor.unit_id is not None and actor.unit_id == book.unit_id
        return scope is not None
    if actor.can(Action.REGISTRY_CENTRAL_WRITE):
        return True
    if book.unit_id is not None and Role(book.issuer_role) in (Role.UNIT_CLERK, Role.HEAD):
        # a unit's own outgoing/memo book: that unit's clerks and heads only, not every unit's
        return bool({Role.UNIT_CLERK, Role.HEAD} & set(actor.roles)) and actor.unit_id == book.unit_id
    return Role(book.issuer_role) in actor.roles


def _require_issue(actor: Actor, book: Book) -> None:
    if not can_issue(actor, book):
        raise NotAllowed(
            f"ท่านไม่มีสิทธิ์ออกเลขใน{book.name_th}", "You may not issue numbers in this book.", code="not_allowed"
        )


_BOOK_FIELDS = [f.attname for f in Book._meta.concrete_fields]  # in field order, as Book.from_db takes them
_REFERENCE_FIELDS = ["id", "letter_code", "letter_number", "use_thai_digits"]  # the agency's, for references
_BOOK_SQL = (
    "SELECT " + ", ".join(f"b.{f.column}" for f in Book._meta.concrete_fields)
    + ", " + ", ".join(f"a.{name}" for name in _REFERENCE_FIELDS)
    + " FROM documents_book b JOIN tenants_agency a ON a.id = b.tenant_id WHERE b.tenant_id = %s AND "
)


def _book(tenant_id: int, book_id: int | None, *, kind: str | None = None) -> Book:
    """One book of the tenant, by id or the first active one of a kind, with the agency fields its
    references are printed from (``book.tenant``; the other agency fields load if asked for). Plain
    SQL: this is on every registration's path, and building the ORM query cost more than running it.
    The unit is loaded only for a unit-numbered reference."""
    sql, params = ((_BOOK_SQL + "b.id = %s", [tenant_id, book_id]) if book_id is not None
                   else (_BOOK_SQL + "b.kind = %s AND b.is_active ORDER BY b.id LIMIT 1", [tenant_id, kind]))
    with connection.cursor() as cur:
        cur.execute(sql, params)
        row = cur.fetchone()
    if row is None:
        raise NotFoundInTenant()
    n = len(_BOOK_FIELDS)
    book = Book.from_db("default", _BOOK_FIELDS, row[:n])
    Book.tenant.field.set_cached_value(book, Agency.from_db("default", _REFERENCE_FIELDS, row[n:]))
    return book


def default_book_for(*, tenant_id: int, kind: str, sub_kind: str = "") -> Book:
    """The book that numbers a letter of this kind: the agency's first active book listing the kind (a
    unit's own books — its memo book — are chosen by the unit, never by default)."""
    for book in Book.objects.filter(tenant_id=tenant_id, is_active=True, unit__isnull=True).exclude(
        kind__in=[BookKind.CENTRAL_INCOMING, BookKind.UNIT_INCOMING, BookKind.SECRET_REGISTER]
    ).order_by("sort_order", "id"):
        if kind in (book.letter_kinds or []):
            return book
    raise RegistryError(
        "ยังไม่มีทะเบียนสำหรับหนังสือชนิดนี้ กรุณาให้ผู้ดูแลระบบตั้งค่า",
        "No book numbers this kind of letter yet; ask the agency admin to set one up.", code="no_book",
    )


# --- letters ---------------------------------------------------------------------------------------------
def _party_display(tenant_id: int, p: PartyInput) -> str:
    if p.name.strip():
        return p.name.strip()
    if p.agency_id:
        agency = Agency.objects.filter(pk=p.agency_id).only("name_th").first()
        if agency:
            return agency.name_th
    if p.position_id:
        pos = Position.objects.filter(tenant_id=tenant_id, pk=p.position_id).only("title_th").first()
        if pos:
            return pos.title_th
    if p.unit_id:
        unit = OrgUnit.objects.filter(tenant_id=tenant_id, pk=p.unit_id).only("name_th").first()
        if unit:
            return unit.name_th
    raise RegistryError("ไม่พบหน่วยงานหรือตำแหน่งที่ระบุ", "The named agency, unit or position was not found.")


def _parties(data: LetterInput) -> list[tuple[str, PartyInput]]:
    out: list[tuple[str, PartyInput]] = []
    if data.sender.name or data.sender.agency_id or data.sender.unit_id or data.sender.position_id:
        out.append((PartyRole.FROM, data.sender))
    out += [(PartyRole.TO, p) for p in data.recipients]
    out += [(PartyRole.COPY, p) for p in data.copies_to]
    return out


def _letter_rows(*, tenant_id: int, data: LetterInput, sealed: bool = False) -> tuple[dict, list[dict]]:
    """The letter's columns and its parties' rows (who is named, with the names as printed)."""
    parties = [(role, p, _party_display(tenant_id, p)) for role, p in _parties(data)]
    fields = {
        "kind": data.kind, "sub_kind": data.sub_kind, "subject": data.subject.strip(),
        "letter_reference": data.letter_reference.strip(), "letter_reference_norm": normalise(data.letter_reference),
        "letter_date": data.letter_date, "refers_to": data.refers_to, "enclosures": data.enclosures,
        "purpose": data.purpose, "urgency": data.urgency, "deliver_by": data.deliver_by, "secrecy": data.secrecy,
        "is_sealed": sealed, "extra": dict(data.extra),
        "sender_display": ", ".join(d for r, _, d in parties if r == PartyRole.FROM)[:500],
        "recipient_display": ", ".join(d for r, _, d in parties if r == PartyRole.TO)[:500],
    }
    rows = [
        {"role": role, "agency_id": p.agency_id, "unit_id": p.unit_id, "position_id": p.position_id, "name": display,
         "address": p.address, "email": p.email, "sort_order": i}
        for i, (role, p, display) in enumerate(parties)
    ]
    return fields, rows


def _letter_create(*, tenant_id: int, actor: Actor, data: LetterInput) -> Letter:
    """A letter outside a numbered insert (a reservation being used)."""
    fields, rows = _letter_rows(tenant_id=tenant_id, data=data)
    letter = Letter.objects.create(tenant_id=tenant_id, created_by_id=actor.user_id, **fields)
    LetterParty.objects.bulk_create([LetterParty(tenant_id=tenant_id, letter=letter, **r) for r in rows])
    return letter


def _attach_files(
    *, tenant_id: int, actor: Actor, letter: Letter, files: Sequence[PreparedFile]
) -> list[StoredFile]:
    """Rows for files prepared for a letter that already has its entry (a reservation being used)."""
    return [
        file_record(tenant_id=tenant_id, prepared=prepared, letter_id=letter.pk, actor_id=actor.user_id, sort_order=i,
                    role=FileRole.ORIGINAL if i == 0 else FileRole.ENCLOSURE)
        for i, prepared in enumerate(files)
    ]


def _lock_uploaded(tenant_id: int, stored_file_ids: Sequence[int]) -> list[StoredFile]:
    """Files uploaded ahead of the registration (not yet on a letter), locked, in the order given."""
    if not stored_file_ids:
        return []
    existing = list(
        StoredFile.objects.filter(tenant_id=tenant_id, pk__in=list(stored_file_ids), letter__isnull=True,
                                  key__destroyed_at__isnull=True)  # (an upload kept too long is destroyed)
        .select_for_update(of=("self",))
    )
    if len(existing) != len(set(stored_file_ids)):
        raise NotFoundInTenant()
    order = {fid: i for i, fid in enumerate(dict.fromkeys(stored_file_ids))}
    existing.sort(key=lambda f: order[f.pk])
    return existing


def _check_top_secret(tenant_id: int, data: LetterInput, has_files: bool) -> None:
    if data.secrecy != Secrecy.TOP_SECRET or not has_files:
        return
    policy = Agency.objects.filter(pk=tenant_id).values_list("top_secret_policy", flat=True).first()
    if policy != TopSecretPolicy.ELECTRONIC:
        raise RegistryError(
            "หนังสือลับที่สุด: หน่วยงานนี้เก็บเฉพาะทะเบียนในระบบ ตัวเอกสารเก็บเป็นกระดาษโดยนายทะเบียนฯ ห้ามแนบไฟล์",
            "Top secret: this agency keeps only the register entry electronically; the document stays on paper"
            " with the registrar. Do not attach files.", code="top_secret_register_only", field="files",
        )


# --- the numbered insert -----------------------------------------------------------------------------------
def _check_key(key: str | None) -> None:
    if key is not None and not (8 <= len(key) <= 64):
        raise RegistryError(
            "รหัสป้องกันการส่งซ้ำไม่ถูกต้อง (8–64 ตัวอักษร)", "The idempotency key must be 8-64 characters.",
            field="idempotency_key",
        )


def _loaded(obj):  # type: ignore[no-untyped-def]
    """A model instance built from what the database returned: saved, not new."""
    obj._state.adding = False
    obj._state.db = "default"
    return obj


@dataclasses.dataclass
class _Made:
    entry: RegistryEntry
    created: bool
    files: list[StoredFile]


def _numbered_entry(
    *, tenant_id: int, actor: Actor, book: Book, key: str | None, status: str, channel: str = "", note: str = "",
    received_at: dt.datetime | None = None, received_now: bool = False, parent_id: int | None = None,
    new_letter: tuple[dict, list[dict]] | None = None, letter: Letter | None = None,
    files: Sequence[PreparedFile] = (), uploaded: Sequence[StoredFile] = (), digest: str | None = None,
    stamp: bool | None = False, audit: tuple[str, dict[str, object]] | None = None,
) -> _Made:
    """Number and insert an entry in one database call (``numbering.allocate_and_insert``).

    - the letter: a new one (``new_letter``: columns and party rows), an existing one (``letter``) or
      none (a reservation);
    - files: new ``files`` (the first is the original unless ``uploaded`` files come first) and
      ``uploaded`` ones attached; the digest is the first file's unless given;
    - ``stamp``: True adds the stamp job; None adds it when the original among these files can carry
      a stamp;
    - ``audit``: (action, extra changes) of the event recorded in the same call.

    When the key already made an entry (a retry, or a concurrent twin that committed first) that entry
    comes back with ``created=False`` and nothing made here remains."""
    agency = book.tenant  # loaded with the book by _book
    rows = [
        file_row(p, role=FileRole.ORIGINAL if i == 0 and not uploaded else FileRole.ENCLOSURE, sort_order=i)
        for i, p in enumerate(files)
    ]
    first = digest if digest is not None else uploaded[0].sha256 if uploaded else files[0].sha256 if files else ""
    if stamp is None:
        stamp = _stampable(uploaded) or any(_can_stamp(r["role"], r["content_type"], r["state"]) for r in rows)
    fields, party_rows = new_letter if new_letter is not None else (None, None)
    event = None
    if audit is not None:  # the entry's id, year and number are put in by the database (VALUE_SLOTS)
        action, extra = audit
        entry_slot, year_slot, number_slot = VALUE_SLOTS
        event = audit_event_for_sql(
            tenant_id=tenant_id, actor_id=actor.user_id, action=action, object_type="registry_entry",
            object_id=entry_slot, acting_for=actor.acting_for,
            changes={"book": book.code, "year": year_slot, "number": number_slot, "status": status, **extra},
        )
    try:
        made = numbering.allocate_and_insert(
            tenant_id=tenant_id, book=book, agency=agency, user_id=actor.user_id, key=key,
            entry={"status": status, "channel": channel, "note": note, "digest": first, "parent_id": parent_id,
                   "received_at": received_at, "received_now": received_now},
            letter=fields, parties=party_rows, letter_id=letter.pk if letter is not None else None, files=rows,
            attach=[{"id": f.pk, "sort_order": len(rows) + i} for i, f in enumerate(uploaded)],
            job=job_row(kind="registry.stamp", args={}, idempotency_key="stamp:{entry}") if stamp else None,
            audit=event,
        )
    except numbering.KeyUsed as used:
        return _Made(RegistryEntry.objects.select_related("book", "letter").get(pk=used.entry_id), False, [])
    if fields is not None:
        letter = _loaded(Letter(id=made.letter_id, tenant_id=tenant_id, created_by_id=actor.user_id,
                                created_at=made.letter_created_at, **fields))
    entry = _loaded(RegistryEntry(
        id=made.entry_id, tenant_id=tenant_id, book=book, year=made.year, number=made.number,
        reference=made.reference, reference_norm=made.reference_norm, status=status,
        registered_at=made.registered_at, received_at=made.registered_at if received_now else received_at,
        channel=channel, digest=first, idempotency_key=key, note=note, annul_reason="", created_by_id=actor.user_id,
        letter=letter, parent_id=parent_id,
    ))
    for i, f in enumerate(uploaded):
        f.letter, f.sort_order = letter, len(rows) + i
    new = [
        _loaded(StoredFile(
            id=fid, tenant_id=tenant_id, letter=letter, key_id=kid, created_by_id=actor.user_id,
            created_at=made.registered_at, **{k: v for k, v in r.items() if k not in ("wrapped_key", "master_key_id")},
        ))
        for fid, kid, r in zip(made.file_ids, made.key_ids, rows, strict=True)
    ]
    if made.job_id is not None:
        job_dispatch_on_commit(tenant_id=tenant_id, job_id=made.job_id)
    return _Made(entry, True, [*uploaded, *new])


def _same_operation(entry: RegistryEntry, book: Book) -> RegistryEntry:
    if entry.book_id != book.pk:
        raise Conflict(
            "รหัสป้องกันการส่งซ้ำนี้ใช้กับรายการอื่นไปแล้ว", "This idempotency key was already used for another entry.",
            code="idempotency_conflict", field="idempotency_key",
        )
    return entry


def _audit_entry(tenant_id: int, actor: Actor, action: str, entry: RegistryEntry, **extra: object) -> None:
    audit_record(
        tenant_id=tenant_id, actor_id=actor.user_id, action=action, object_type="registry_entry",
        object_id=entry.pk, acting_for=actor.acting_for,
        changes={"book": entry.book.code, "year": entry.year, "number": entry.number, "status": entry.status, **extra},
    )


def _enqueue_previews(tenant_id: int, letter: Letter, files: list[StoredFile]) -> None:
    if any(f.content_type not in STAMPABLE_TYPES for f in files):
        preview_enqueue_for_letter(tenant_id=tenant_id, letter_id=letter.pk)


def _can_stamp(role: str, content_type: str, state: str) -> bool:
    return role == FileRole.ORIGINAL and content_type in STAMPABLE_TYPES and state == "ok"


def _stampable(files: Sequence[StoredFile]) -> bool:
    """Does the letter's original file take a receipt stamp (registry.stamp job)?"""
    return any(_can_stamp(f.role, f.content_type, f.state) for f in files)


# --- incoming ------------------------------------------------------------------------------------------------
def register_incoming(
    *,
    tenant_id: int,
    actor: Actor,
    data: IncomingInput,
    files: Sequence[PreparedFile] | None = None,
    stored_file_ids: Sequence[int] | None = None,
    idempotency_key: str | None,
) -> RegistryEntry:
    """Register a received letter in the central incoming book (or the book named in ``data``). A
    secret letter arriving at the central desk is registered sealed: sender, date and class only."""
    files, stored_file_ids = list(files or []), list(stored_file_ids or [])
    _check_key(idempotency_key)
    book = _book(tenant_id, data.book_id, kind=BookKind.CENTRAL_INCOMING)
    if not book.is_incoming and not book.is_secret:
        raise RegistryError("ทะเบียนนี้ไม่ใช่ทะเบียนหนังสือรับ", "This is not an incoming book.", field="book_id")
    _require_issue(actor, book)
    if stored_file_ids:  # a retry would find its uploaded files on the letter already: the key decides first
        existing = entry_for_key(tenant_id=tenant_id, key=idempotency_key)
        if existing is not None:
            return _same_operation(existing, book)
    # (else the numbering call checks the key itself: a retry gets the entry its first call made)
    if data.channel not in _CHANNELS:
        raise RegistryError("ช่องทางไม่ถูกต้อง", "Unknown channel.", field="channel")
    sealed = data.sealed or (data.secrecy != Secrecy.NORMAL and not book.is_secret)
    if sealed and data.subject.strip():
        raise RegistryError(
            "หนังสือลับต้องลงทะเบียนแบบปิดผนึก (ไม่บันทึกเรื่อง) แล้วส่งนายทะเบียนข้อมูลข่าวสารลับ",
            "A secret letter is registered sealed (no subject) and handed to the secret registrar.",
            code="secret_must_be_sealed", field="subject",
        )
    if sealed and (files or stored_file_ids):
        raise RegistryError(
            "หนังสือลับที่ปิดผนึกห้ามแนบไฟล์ที่ทะเบียนกลาง นายทะเบียนฯ เป็นผู้เปิดและบันทึก",
            "Attach nothing to a sealed secret item at the central desk; the registrar opens and records it.",
            code="sealed_no_files", field="files",
        )
    validate_letter(data, sealed=sealed)
    _check_top_secret(tenant_id, data, bool(files or stored_file_ids))
    received_at = data.received_at
    if received_at is not None and timezone.is_naive(received_at):
        raise RegistryError("วันเวลาที่รับต้องระบุเขตเวลา", "The time received needs a time zone.", field="received_at")
    uploaded = _lock_uploaded(tenant_id, stored_file_ids)
    made = _numbered_entry(
        tenant_id=tenant_id, actor=actor, book=book, key=idempotency_key,
        new_letter=_letter_rows(tenant_id=tenant_id, data=data, sealed=sealed),
        status=EntryStatus.REGISTERED, received_at=received_at, received_now=received_at is None,
        channel=data.channel, note=data.note[:500], files=files, uploaded=uploaded, stamp=None,
        audit=("registry.incoming", {"files": len(files) + len(uploaded), "sealed": sealed}),
    )
    if not made.created:  # a retry, or a concurrent twin with the same key that committed first
        return _same_operation(made.entry, book)
    entry, letter = made.entry, made.entry.letter
    if book.is_secret:
        _grant(tenant_id=tenant_id, letter=letter, user_id=actor.user_id, granted_by=actor.user_id)
    _enqueue_previews(tenant_id, letter, made.files)
    return entry


def register_in_unit(
    *, tenant_id: int, actor: Actor, central_entry_id: int, book_id: int, idempotency_key: str | None, note: str = ""
) -> RegistryEntry:
    """A unit clerk registers a letter that came through the central desk in the unit's book; the
    unit entry points to the central เลขรับ and the unit's stamp goes under the central one. An internal
    memo (บันทึกข้อความ) another unit sent in-system is registered the same way: ``central_entry_id`` is
    then the memo's own entry in the sending unit's book (its ที่), and the stamp is the unit's alone."""
    _check_key(idempotency_key)
    book = _book(tenant_id, book_id)
    if book.kind != BookKind.UNIT_INCOMING:
        raise RegistryError("ทะเบียนนี้ไม่ใช่ทะเบียนรับของหน่วยงานย่อย", "This is not a unit's incoming book.", field="book_id")
    _require_issue(actor, book)
    existing = entry_for_key(tenant_id=tenant_id, key=idempotency_key)
    if existing is not None:
        return _same_operation(existing, book)
    central = RegistryEntry.objects.filter(
        Q(book__kind=BookKind.CENTRAL_INCOMING) | Q(letter__kind=LetterKind.INTERNAL, book__kind__in=MEMO_BOOK_KINDS),
        tenant_id=tenant_id, pk=central_entry_id,
    ).select_related("letter").first()
    if central is None or central.letter is None:
        raise NotFoundInTenant()
    if central.status == EntryStatus.ANNULLED:
        raise Conflict("เลขรับนี้ถูกยกเลิกแล้ว", "That central entry was annulled.", code="annulled")
    if central.letter.is_secret:
        raise RegistryError(
            "หนังสือลับไม่ลงทะเบียนในหน่วยงานย่อย", "Secret letters are not registered in unit books.",
            code="secret_not_in_unit",
        )
    if RegistryEntry.objects.filter(tenant_id=tenant_id, book=book, parent=central).exclude(
        status=EntryStatus.ANNULLED
    ).exists():
        raise Conflict(
            "หนังสือนี้ลงทะเบียนในหน่วยงานนี้แล้ว", "This letter is already registered in this unit's book.",
            code="already_registered",
        )
    originals = list(StoredFile.objects.filter(tenant_id=tenant_id, letter=central.letter, role=FileRole.ORIGINAL))
    made = _numbered_entry(
        tenant_id=tenant_id, actor=actor, book=book, key=idempotency_key, letter=central.letter,
        status=EntryStatus.REGISTERED, received_now=True, parent_id=central.pk, channel=Channel.IN_SYSTEM,
        note=note[:500], digest=central.digest, stamp=_stampable(originals),
        audit=("registry.unit_incoming", {"central_entry": central.pk}),
    )
    if not made.created:
        return _same_operation(made.entry, book)
    return made.entry


def register_in_unit_by_number(
    *, tenant_id: int, actor: Actor, book_id: int, year: int, number: int, idempotency_key: str | None, note: str = ""
) -> RegistryEntry:
    """A unit clerk registers a letter handed over from the central desk by the เลขรับ stamped on it
    (year and number of the central incoming book) — the clerk need not read the central book."""
    book = _book(tenant_id, book_id)
    _require_issue(actor, book)
    central_id = (
        RegistryEntry.objects.filter(tenant_id=tenant_id, book__kind=BookKind.CENTRAL_INCOMING, year=year, number=number)
        .values_list("pk", flat=True).first()
    )
    if central_id is None:
        raise RegistryError(
            f"ไม่พบเลขรับ {number}/{year} ในทะเบียนหนังสือรับกลาง", f"No central incoming entry {number}/{year}.",
            code="central_not_found", field="number",
        )
    return register_in_unit(tenant_id=tenant_id, actor=actor, central_entry_id=central_id, book_id=book.pk,
                            idempotency_key=idempotency_key, note=note)


def secret_open(
    *,
    tenant_id: int,
    actor: Actor,
    central_entry_id: int,
    data: LetterInput,
    files: Sequence[PreparedFile] | None = None,
    idempotency_key: str | None,
) -> RegistryEntry:
    """The secret registrar opens a sealed item from the central desk: records its subject and files and
    registers it in the secret register (pointing to the central เลขรับ). The registrar gets a grant."""
    files = list(files or [])
    _check_key(idempotency_key)
    book = _book(tenant_id, None, kind=BookKind.SECRET_REGISTER)
    _require_issue(actor, book)
    existing = entry_for_key(tenant_id=tenant_id, key=idempotency_key)
    if existing is not None:
        return _same_operation(existing, book)
    central = RegistryEntry.objects.filter(
        tenant_id=tenant_id, pk=central_entry_id, book__kind=BookKind.CENTRAL_INCOMING, letter__is_sealed=True
    ).select_related("letter").first()
    if central is None:
        raise NotFoundInTenant()
    validate_letter(data)
    if data.secrecy == Secrecy.NORMAL:
        raise RegistryError("กรุณาระบุชั้นความลับ", "Please give the secrecy class.", field="secrecy")
    _check_top_secret(tenant_id, data, bool(files))
    def open_letter() -> Letter:
        letter = Letter.objects.select_for_update().get(pk=central.letter_id)
        letter.subject = data.subject.strip()
        letter.is_sealed = False
        letter.secrecy = data.secrecy
        letter.letter_reference = data.letter_reference.strip()
        letter.letter_reference_norm = normalise(data.letter_reference)
        letter.letter_date = data.letter_date or letter.letter_date
        letter.refers_to, letter.enclosures, letter.extra = data.refers_to, data.enclosures, dict(data.extra)
        letter.save()
        return letter

    made = _numbered_entry(
        tenant_id=tenant_id, actor=actor, book=book, key=idempotency_key, letter=open_letter(),
        status=EntryStatus.REGISTERED, received_at=central.received_at, parent_id=central.pk, channel=central.channel,
        files=files, audit=("registry.secret_open", {"central_entry": central.pk, "files": len(files)}),
    )
    if not made.created:
        return _same_operation(made.entry, book)
    entry, letter = made.entry, made.entry.letter
    _grant(tenant_id=tenant_id, letter=letter, user_id=actor.user_id, granted_by=actor.user_id)
    _enqueue_previews(tenant_id, letter, made.files)
    return entry


# --- outgoing ------------------------------------------------------------------------------------------------
def issue_outgoing(
    *,
    tenant_id: int,
    actor: Actor,
    data: OutgoingInput,
    files: Sequence[PreparedFile] | None = None,
    idempotency_key: str | None,
) -> RegistryEntry:
    """Issue a number for a letter prepared elsewhere (uploaded or on paper) and record its channel and
    recipients."""
    files = list(files or [])
    entry, made = _outgoing_entry(tenant_id=tenant_id, actor=actor, data=data, files=files, key=idempotency_key,
                                  status=EntryStatus.REGISTERED, audit=("registry.outgoing", {"files": len(files)}))
    if made is not None:
        _enqueue_previews(tenant_id, entry.letter, made.files)
    return entry


def _outgoing_entry(
    *, tenant_id: int, actor: Actor, data: OutgoingInput, files: list[PreparedFile], key: str | None, status: str,
    audit: tuple[str, dict[str, object]],
) -> tuple[RegistryEntry, _Made | None]:
    """The numbered entry of an outgoing letter (issued, or reserved for a drafted letter): its book, who may
    issue from it, the checks on the letter; ``None`` beside the entry when the key had already made it."""
    _check_key(key)
    book = (_book(tenant_id, data.book_id) if data.book_id is not None
            else default_book_for(tenant_id=tenant_id, kind=data.kind, sub_kind=data.sub_kind))
    if book.is_incoming or book.is_secret:
        raise RegistryError("ทะเบียนนี้ไม่ใช่ทะเบียนหนังสือส่ง", "This book does not issue outgoing numbers.", field="book_id")
    _require_issue(actor, book)
    existing = entry_for_key(tenant_id=tenant_id, key=key)
    if existing is not None:
        return _same_operation(existing, book), None
    if data.channel not in _CHANNELS:
        raise RegistryError("ช่องทางไม่ถูกต้อง", "Unknown channel.", field="channel")
    if data.secrecy != Secrecy.NORMAL:
        raise RegistryError(
            "หนังสือลับออกเลขโดยนายทะเบียนข้อมูลข่าวสารลับ", "Secret letters are numbered by the secret registrar.",
            code="secret_outgoing", field="secrecy",
        )
    data = _from_us(tenant_id, data)
    validate_letter(data)
    if not data.recipients:
        raise RegistryError("กรุณาระบุผู้รับ (ถึง/เรียน)", "Please name at least one recipient.", field="recipients")
    made = _numbered_entry(
        tenant_id=tenant_id, actor=actor, book=book, key=key, new_letter=_letter_rows(tenant_id=tenant_id, data=data),
        status=status, channel=data.channel, note=data.note[:500], files=files, audit=audit,
    )
    if not made.created:
        return _same_operation(made.entry, book), None
    return made.entry, made


def _from_us(tenant_id: int, data: OutgoingInput) -> OutgoingInput:
    """An outgoing letter with no sender named is from this agency (the book's จาก column)."""
    s = data.sender
    if s.name.strip() or s.agency_id or s.unit_id or s.position_id:
        return data
    return dataclasses.replace(data, sender=PartyInput(agency_id=tenant_id))


def reserve_number(
    *, tenant_id: int, actor: Actor, book_id: int, note: str, idempotency_key: str | None
) -> RegistryEntry:
    """จองเลข for a letter being signed on paper: the number exists from now on and is later used or
    annulled with a reason, never dropped."""
    _check_key(idempotency_key)
    book = _book(tenant_id, book_id)
    if book.is_incoming:
        raise RegistryError("จองเลขได้เฉพาะทะเบียนหนังสือส่ง", "Numbers can be reserved only in outgoing books.", field="book_id")
    _require_issue(actor, book)
    existing = entry_for_key(tenant_id=tenant_id, key=idempotency_key)
    if existing is not None:
        return _same_operation(existing, book)
    if not note.strip():
        raise RegistryError("กรุณาระบุว่าจองเลขสำหรับหนังสือใด", "Please say what the number is reserved for.", field="note")
    made = _numbered_entry(
        tenant_id=tenant_id, actor=actor, book=book, key=idempotency_key, status=EntryStatus.RESERVED,
        note=note.strip()[:500], audit=("registry.reserve", {"note": note.strip()[:500]}),
    )
    return _same_operation(made.entry, book)


def reserve_for_letter(
    *, tenant_id: int, actor: Actor, data: OutgoingInput, idempotency_key: str | None
) -> RegistryEntry:
    """"Ready to sign" (พร้อมลงนาม) of a letter drafted in the system: its number and date are printed on
    it, so they are fixed now, before anyone signs (architecture.md §6). The entry carries the letter and
    stays ``reserved`` until the letter is signed (``reservation_mark_signed``); if the signer refuses it
    is annulled with the reason (``entry_annul``), never dropped."""
    entry, _made = _outgoing_entry(tenant_id=tenant_id, actor=actor, data=data, files=[], key=idempotency_key,
                                   status=EntryStatus.RESERVED, audit=("registry.reserve_for_letter", {}))
    return entry


def reservation_mark_signed(*, tenant_id: int, actor: Actor, entry_id: int) -> RegistryEntry:
    """The letter a reserved number was fixed for is signed: the outgoing book shows it "signed, not yet
    sent" (``awaiting_dispatch``) until it is dispatched."""
    entry = _locked_entry(tenant_id, entry_id)
    _require_issue(actor, entry.book)
    if entry.status != EntryStatus.RESERVED or entry.letter_id is None:
        raise Conflict("เลขนี้ไม่ได้จองไว้สำหรับหนังสือที่รอลงนาม", "This number is not reserved for a letter awaiting signature.",
                       code="not_reserved")
    entry.status = EntryStatus.AWAITING_DISPATCH
    entry.save(update_fields=["status"])
    _audit_entry(tenant_id, actor, "registry.signed", entry)
    return entry


def _refuse_if_drafted(tenant_id: int, entry: RegistryEntry) -> None:
    """A number taken by a letter drafted in the system (ready to sign or signed) moves with its draft:
    refusal, cancel and dispatch are done on the draft's page, never here."""
    from documents.models import Draft

    if Draft.objects.filter(tenant_id=tenant_id, entry_id=entry.pk, state__in=["ready", "signed"]).exists():
        raise Conflict(
            "เลขนี้เป็นของหนังสือที่ร่างในระบบ ให้ดำเนินการที่หน้าร่างหนังสือ",
            "This number belongs to a letter drafted in the system; act on the draft's page.", code="drafted",
        )


def _locked_entry(tenant_id: int, entry_id: int) -> RegistryEntry:
    entry = (RegistryEntry.objects.select_for_update(of=("self",)).select_related("book", "letter")
             .filter(tenant_id=tenant_id, pk=entry_id).first())
    if entry is None:
        raise NotFoundInTenant()
    return entry


def reservation_use(
    *, tenant_id: int, actor: Actor, entry_id: int, data: OutgoingInput, files: Sequence[PreparedFile] | None = None
) -> RegistryEntry:
    entry = _locked_entry(tenant_id, entry_id)
    _require_issue(actor, entry.book)
    if entry.status != EntryStatus.RESERVED:
        raise Conflict("เลขนี้ไม่ได้อยู่ในสถานะจอง", "This number is not reserved.", code="not_reserved")
    if entry.letter_id is not None:
        _refuse_if_drafted(tenant_id, entry)
        raise Conflict("เลขนี้จองไว้สำหรับหนังสืออื่นแล้ว", "This number is reserved for another letter.",
                       code="reserved_for_letter")
    if data.secrecy != Secrecy.NORMAL:
        raise RegistryError("หนังสือลับออกเลขโดยนายทะเบียนฯ", "Secret letters are numbered by the registrar.", field="secrecy")
    data = _from_us(tenant_id, data)
    validate_letter(data)
    if not data.recipients:
        raise RegistryError("กรุณาระบุผู้รับ (ถึง/เรียน)", "Please name at least one recipient.", field="recipients")
    letter = _letter_create(tenant_id=tenant_id, actor=actor, data=data)
    stored = _attach_files(tenant_id=tenant_id, actor=actor, letter=letter, files=list(files or []))
    entry.letter = letter
    entry.status = EntryStatus.REGISTERED
    entry.channel = data.channel if data.channel in _CHANNELS else ""
    entry.digest = stored[0].sha256 if stored else ""
    entry.save(update_fields=["letter", "status", "channel", "digest"])
    _audit_entry(tenant_id, actor, "registry.reservation_used", entry)
    _enqueue_previews(tenant_id, letter, stored)
    return entry


# --- amend / annul / dispatch -------------------------------------------------------------------------------
AMENDABLE = ("subject", "letter_reference", "letter_date", "refers_to", "enclosures", "purpose", "urgency",
             "deliver_by", "sender_display", "recipient_display")


def entry_amend(
    *, tenant_id: int, actor: Actor, entry_id: int, changes: dict[str, object], reason: str
) -> RegistryEntry:
    """Amend the letter's fields (never number, date or digest). The original stays visible in the
    amendment record; the change is audited."""
    entry = _locked_entry(tenant_id, entry_id)
    _require_issue(actor, entry.book)
    if entry.status == EntryStatus.ANNULLED:
        raise Conflict("รายการนี้ถูกยกเลิกแล้ว แก้ไขไม่ได้", "An annulled entry cannot be amended.", code="annulled")
    if entry.letter is None:
        raise Conflict("เลขที่จองไว้ยังไม่มีหนังสือให้แก้ไข", "A reserved number has no letter to amend.", code="reserved")
    if not reason.strip():
        raise RegistryError("กรุณาระบุเหตุผลการแก้ไข", "Please give a reason for the amendment.", field="reason")
    bad = sorted(set(changes) - set(AMENDABLE))
    if bad:
        raise RegistryError(
            f"แก้ไขช่องนี้ไม่ได้: {', '.join(bad)} (เลขทะเบียน วันเวลาลงทะเบียน และค่าแฮชแก้ไขไม่ได้)",
            f"These fields cannot be amended: {', '.join(bad)} (number, registration time and digest never change).",
            code="not_amendable", field=bad[0],
        )
    letter = Letter.objects.select_for_update().get(pk=entry.letter_id)
    if letter.is_sealed:
        raise Conflict("หนังสือลับที่ปิดผนึกแก้ไขไม่ได้", "A sealed secret item cannot be amended.", code="sealed")
    candidate = LetterInput(
        kind=letter.kind, sub_kind=letter.sub_kind,
        subject=str(changes.get("subject", letter.subject)),
        sender=PartyInput(name=str(changes.get("sender_display", letter.sender_display)) or "-"),
        letter_reference=str(changes.get("letter_reference", letter.letter_reference)),
        letter_date=changes.get("letter_date", letter.letter_date),  # type: ignore[arg-type]
        purpose=str(changes.get("purpose", letter.purpose)), urgency=str(changes.get("urgency", letter.urgency)),
        deliver_by=changes.get("deliver_by", letter.deliver_by),  # type: ignore[arg-type]
        secrecy=letter.secrecy,
    )
    validate_letter(candidate)
    diff: dict[str, dict[str, object]] = {}
    for name, new in changes.items():
        old = getattr(letter, name)
        if old != new:
            diff[name] = {"before": _jsonable(old), "after": _jsonable(new)}
            setattr(letter, name, new)
    if not diff:
        return entry
    if "letter_reference" in diff:
        letter.letter_reference_norm = normalise(letter.letter_reference)
    letter.save()
    entry.letter = letter
    EntryAmendment.objects.create(
        tenant_id=tenant_id, entry=entry, changes=diff, reason=reason.strip()[:500], amended_by_id=actor.user_id
    )
    audit_changes = dict(diff) if not letter.is_secret else dict.fromkeys(diff, "(ลับ)")
    _audit_entry(tenant_id, actor, "registry.amend", entry, fields=audit_changes, reason=reason.strip()[:200])
    return entry


def _jsonable(value: object) -> object:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def entry_annul(*, tenant_id: int, actor: Actor, entry_id: int, reason: str) -> RegistryEntry:
    entry = _locked_entry(tenant_id, entry_id)
    _require_issue(actor, entry.book)
    if entry.status == EntryStatus.ANNULLED:
        raise Conflict("รายการนี้ถูกยกเลิกไปแล้ว", "This entry is already annulled.", code="annulled")
    if entry.status == EntryStatus.DISPATCHED:
        raise Conflict("หนังสือส่งออกไปแล้ว ยกเลิกเลขไม่ได้", "The letter was dispatched; its number cannot be annulled.",
                       code="dispatched")
    _refuse_if_drafted(tenant_id, entry)
    if not reason.strip():
        raise RegistryError("กรุณาระบุเหตุผลการยกเลิก", "Please give a reason for annulling.", field="reason")
    if entry.unit_entries.exclude(status=EntryStatus.ANNULLED).exists():
        raise Conflict(
            "หน่วยงานย่อยลงทะเบียนหนังสือนี้แล้ว ให้ยกเลิกที่หน่วยงานย่อยก่อน",
            "Units have registered this letter; annul their entries first.", code="has_unit_entries",
        )
    entry.status = EntryStatus.ANNULLED
    entry.annulled_at = timezone.now()
    entry.annulled_by_id = actor.user_id
    entry.annul_reason = reason.strip()[:500]
    entry.save(update_fields=["status", "annulled_at", "annulled_by", "annul_reason"])
    _audit_entry(tenant_id, actor, "registry.annul", entry, reason=entry.annul_reason[:200])
    return entry


def entry_mark_awaiting_dispatch(*, tenant_id: int, actor: Actor, entry_id: int) -> RegistryEntry:
    """Signed, not yet sent: the outgoing book shows it as such, so it never looks gapped."""
    entry = _locked_entry(tenant_id, entry_id)
    _require_issue(actor, entry.book)
    if entry.status != EntryStatus.REGISTERED or entry.book.is_incoming:
        raise Conflict("สถานะไม่ถูกต้องสำหรับการรอส่ง", "Only a registered outgoing entry can await dispatch.",
                       code="bad_state")
    entry.status = EntryStatus.AWAITING_DISPATCH
    entry.save(update_fields=["status"])
    _audit_entry(tenant_id, actor, "registry.awaiting_dispatch", entry)
    return entry


def entry_mark_dispatched(*, tenant_id: int, actor: Actor, entry_id: int, channel: str) -> RegistryEntry:
    entry = _locked_entry(tenant_id, entry_id)
    _require_issue(actor, entry.book)
    if entry.status not in (EntryStatus.REGISTERED, EntryStatus.AWAITING_DISPATCH) or entry.book.is_incoming:
        raise Conflict("สถานะไม่ถูกต้องสำหรับการส่ง", "Only a registered outgoing entry can be dispatched.",
                       code="bad_state")
    if channel not in _CHANNELS or not channel:
        raise RegistryError("กรุณาเลือกช่องทางการส่ง", "Please choose the dispatch channel.", field="channel")
    _refuse_if_drafted(tenant_id, entry)
    entry.status = EntryStatus.DISPATCHED
    entry.channel = channel
    entry.save(update_fields=["status", "channel"])
    _audit_entry(tenant_id, actor, "registry.dispatched", entry, channel=channel)
    return entry


# --- secrecy -------------------------------------------------------------------------------------------------
def _grant(*, tenant_id: int, letter: Letter, user_id: int, granted_by: int) -> SecretGrant:
    grant = SecretGrant.objects.filter(tenant_id=tenant_id, letter=letter, user_id=user_id, revoked_at__isnull=True).first()
    if grant is not None:
        return grant
    return SecretGrant.objects.create(tenant_id=tenant_id, letter=letter, user_id=user_id, granted_by_id=granted_by)


def secret_grant(*, tenant_id: int, actor: Actor, letter_id: int, user_id: int) -> SecretGrant:
    if not actor.can(Action.SECRET_REGISTER_MANAGE):
        raise NotFoundInTenant()
    letter = Letter.objects.filter(tenant_id=tenant_id, pk=letter_id).exclude(secrecy=Secrecy.NORMAL).first()
    if letter is None or not SecretGrant.objects.filter(
        tenant_id=tenant_id, letter=letter, user_id=actor.user_id, revoked_at__isnull=True
    ).exists():
        raise NotFoundInTenant()
    from tenants.models import Membership

    if not Membership.objects.filter(tenant_id=tenant_id, user_id=user_id, is_active=True).exists():
        raise RegistryError("ผู้ใช้นี้ไม่ได้เป็นสมาชิกของหน่วยงาน", "That user is not a member of this agency.", field="user_id")
    grant = _grant(tenant_id=tenant_id, letter=letter, user_id=user_id, granted_by=actor.user_id)
    audit_record(tenant_id=tenant_id, actor_id=actor.user_id, action="secret.grant", object_type="letter",
                 object_id=letter.pk, changes={"user_id": user_id})
    return grant


def secret_revoke(*, tenant_id: int, actor: Actor, letter_id: int, user_id: int) -> None:
    if not actor.can(Action.SECRET_REGISTER_MANAGE):
        raise NotFoundInTenant()
    n = SecretGrant.objects.filter(
        tenant_id=tenant_id, letter_id=letter_id, user_id=user_id, revoked_at__isnull=True
    ).exclude(user_id=actor.user_id).update(revoked_at=timezone.now())
    if n:
        audit_record(tenant_id=tenant_id, actor_id=actor.user_id, action="secret.revoke", object_type="letter",
                     object_id=letter_id, changes={"user_id": user_id})


# --- book administration -------------------------------------------------------------------------------------
def book_set_start_number(*, tenant_id: int, actor: Actor, book_id: int, year: int, start: int) -> None:
    if not actor.can(Action.ORG_MANAGE):
        raise NotAllowed("เฉพาะผู้ดูแลระบบของหน่วยงาน", "Agency admins only.")
    book = _book(tenant_id, book_id)
    counter = numbering.set_start_number(tenant_id=tenant_id, book=book, year=year, start=start)
    audit_record(tenant_id=tenant_id, actor_id=actor.user_id, action="registry.start_number", object_type="book",
                 object_id=book.pk, changes={"year": year, "start": start, "counter": counter.pk})
