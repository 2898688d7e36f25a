"""Registry reads. Secrecy is applied here, once: a secret letter exists only for holders of a live
grant (not in lists, searches or counts); a book's rows for secret items show only what the paper
book shows of a sealed envelope (number, date, sender, class — never the subject).

Book pages use keyset pagination on (year, number) with the (book, year, -number) index: constant
queries and constant time at any depth.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Exists, F, Lookup, OuterRef, Q, QuerySet
from django.db.models.fields.tuple_lookups import TupleLessThan

from documents.models import (
    Book,
    BookKind,
    EntryAmendment,
    FileRole,
    RegistryEntry,
    Secrecy,
    SecretGrant,
    StoredFile,
)
from documents.registry.numbering import BANGKOK
from documents.registry.references import normalise
from eoffice.common.exceptions import NotFoundInTenant
from tenants.permissions import Actor
from tenants.roles import Action, Scope
from tenants.services.audit import audit_record

PAGE_SIZE = 50


def entry_for_key(*, tenant_id: int, key: str | None) -> RegistryEntry | None:
    """The entry an idempotency key already made (a retry or double submit), or None. A lean check
    first: the answer is almost always "none"."""
    if not key:
        return None
    with connection.cursor() as cur:  # plain SQL: the ORM query cost more to build than to run
        cur.execute("SELECT id FROM documents_registryentry WHERE tenant_id = %s AND idempotency_key = %s",
                    [tenant_id, key])
        row = cur.fetchone()
    if row is None:
        return None
    return RegistryEntry.objects.select_related("book", "letter").get(pk=row[0])


def _granted(user_id: int) -> Exists:
    return Exists(SecretGrant.objects.filter(letter_id=OuterRef("letter_id"), user_id=user_id, revoked_at__isnull=True))


def books_visible(actor: Actor, *, tenant_id: int) -> list[Book]:
    """Books the actor may open: central books with agency-wide registry reach; a unit clerk's own unit
    book; the secret register for the registrar (and its metadata for auditors)."""
    scope = actor.widest_scope(Action.REGISTRY_READ)
    secret = actor.can(Action.SECRET_REGISTER_MANAGE) or actor.can(Action.SECRET_REGISTER_METADATA)
    out = []
    for book in Book.objects.filter(tenant_id=tenant_id).select_related("unit"):
        if book.kind == BookKind.SECRET_REGISTER:
            if secret:
                out.append(book)
        elif book.kind == BookKind.UNIT_INCOMING:
            if scope in (Scope.AGENCY, Scope.JURISDICTION, Scope.SYSTEM) or (
                scope == Scope.UNIT and actor.unit_id == book.unit_id
            ) or (actor.widest_scope(Action.REGISTRY_UNIT_WRITE) == Scope.UNIT and actor.unit_id == book.unit_id):
                out.append(book)
        elif scope in (Scope.AGENCY, Scope.JURISDICTION, Scope.SYSTEM):
            out.append(book)
    return out


def book_get(actor: Actor, *, tenant_id: int, code: str) -> Book:
    for book in books_visible(actor, tenant_id=tenant_id):
        if book.code == code:
            return book
    raise NotFoundInTenant()


@dataclass(frozen=True)
class BookFilters:
    year: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    urgency: str = ""
    secrecy: str = ""
    status: str = ""
    sender: str = ""
    subject: str = ""
    reference: str = ""
    before: tuple[int, int] | None = None  # keyset: (year, number) of the last row shown
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class BookRow:
    entry: RegistryEntry
    visible: bool  # False: a secret item the reader holds no grant for (show the sealed line only)


class ILikeContains(Lookup):
    """``col ILIKE '%value%'``: the form a trigram GIN index serves (Django's icontains is
    ``UPPER(col) LIKE UPPER(...)``, which it can't). Under RLS the index is usable only where the
    database setup marked ``texticlike`` LEAKPROOF (docs/registry.md §3)."""

    lookup_name = "ilike_contains"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):  # type: ignore[no-untyped-def]
        return "%s", ["%" + connection.ops.prep_for_like_query(value) + "%"]

    def as_sql(self, compiler, connection):  # type: ignore[no-untyped-def]
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} ILIKE {rhs}", [*lhs_params, *rhs_params]


def _day_bounds(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=BANGKOK)


def book_entries(actor: Actor, *, tenant_id: int, book: Book, filters: BookFilters) -> QuerySet[RegistryEntry]:
    qs = RegistryEntry.objects.filter(tenant_id=tenant_id, book=book).select_related("letter")
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.date_from:
        qs = qs.filter(registered_at__gte=_day_bounds(filters.date_from))
    if filters.date_to:
        qs = qs.filter(registered_at__lt=_day_bounds(filters.date_to + dt.timedelta(days=1)))
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.urgency:
        qs = qs.filter(letter__urgency=filters.urgency)
    granted = _granted(actor.user_id)
    if filters.secrecy:
        qs = qs.filter(letter__secrecy=filters.secrecy)
    # Searching by content only ever finds letters the reader may see.
    if filters.subject or filters.sender or filters.reference:
        qs = qs.filter(Q(letter__secrecy=Secrecy.NORMAL) | granted)
        if filters.subject:
            qs = qs.filter(ILikeContains(F("letter__subject"), filters.subject))
        if filters.sender:
            qs = qs.filter(ILikeContains(F("letter__sender_display"), filters.sender))
        if filters.reference:
            # A book that prints its numbers is searched by its own ที่; an incoming book (numbers not
            # printed) by the sender's ที่ on the letter. One column each, so the planner can take its
            # trigram index for a rare reference or walk the book in order for a common one.
            column = "reference_norm" if book.reference_format else "letter__letter_reference_norm"
            qs = qs.filter(ILikeContains(F(column), normalise(filters.reference)))
    if filters.before:
        # a row comparison (year, number) < (y, n) is an index condition: page 10,000 costs what page 1 does
        y, n = filters.before
        qs = qs.filter(TupleLessThan((F("year"), F("number")), (y, n)))
    qs = qs.annotate(granted=granted)
    if filters.date_from or filters.date_to:
        # numbers follow registration time in a book (numbering.py), so this is the same order, and it
        # lets the (tenant, registered_at) index serve a date range instead of walking the whole book
        return qs.order_by("-registered_at", "-number")
    return qs.order_by("-year", "-number")


def book_page(
    actor: Actor, *, tenant_id: int, book: Book, filters: BookFilters, size: int = PAGE_SIZE
) -> tuple[list[BookRow], tuple[int, int] | None]:
    rows = list(book_entries(actor, tenant_id=tenant_id, book=book, filters=filters)[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    out = [BookRow(e, e.letter is None or e.letter.secrecy == Secrecy.NORMAL or bool(e.granted)) for e in rows]
    shown_secret = [r.entry.pk for r in out if r.visible and r.entry.letter is not None and r.entry.letter.is_secret]
    if shown_secret:  # listing secret subjects is a read of those letters
        audit_record(tenant_id=tenant_id, actor_id=actor.user_id, action="secret.list", object_type="book",
                     object_id=book.pk, changes={"entries": shown_secret})
    cursor = (rows[-1].year, rows[-1].number) if more and rows else None
    return out, cursor


def book_years(*, tenant_id: int, book: Book) -> list[int]:
    return list(
        book.counters.filter(tenant_id=tenant_id).order_by("-year").values_list("year", flat=True)
    )


def entry_visible_q(actor: Actor) -> Q:
    return Q(letter__isnull=True) | Q(letter__secrecy=Secrecy.NORMAL) | Q(
        letter__secret_grants__user_id=actor.user_id, letter__secret_grants__revoked_at__isnull=True
    )


def entry_detail(actor: Actor, *, tenant_id: int, entry_id: int) -> RegistryEntry:
    """One entry with its letter, for a reader who may open its book. A secret letter without a grant
    does not exist (404, same as another agency's entry). Reading a secret letter is an audit event."""
    visible_books = {b.pk: b for b in books_visible(actor, tenant_id=tenant_id)}
    entry = (
        RegistryEntry.objects.filter(tenant_id=tenant_id, pk=entry_id, book_id__in=list(visible_books))
        .select_related("letter", "book", "parent", "parent__book", "created_by", "annulled_by")
        .first()
    )
    if entry is None:
        raise NotFoundInTenant()
    letter = entry.letter
    if letter is not None and letter.secrecy != Secrecy.NORMAL:
        if not SecretGrant.objects.filter(
            tenant_id=tenant_id, letter=letter, user_id=actor.user_id, revoked_at__isnull=True
        ).exists():
            raise NotFoundInTenant()
        audit_record(
            tenant_id=tenant_id, actor_id=actor.user_id, action="secret.read", object_type="registry_entry",
            object_id=entry.pk, changes={"secrecy": letter.secrecy},
        )
    return entry


def entry_files(*, tenant_id: int, entry: RegistryEntry) -> list[StoredFile]:
    if entry.letter_id is None:
        return []
    return list(StoredFile.objects.filter(tenant_id=tenant_id, letter_id=entry.letter_id).order_by("sort_order", "id"))


def working_copy_of(files: list[StoredFile]) -> StoredFile | None:
    """The letter's working copy as people read it, from its files: the newest receipt-stamped copy (a
    unit's copy, stamped after the central one, carries both stamps) or, when notes/endorsements have
    been appended to that copy (``documents/handling/jobs.py``), the newest endorsed version of it."""
    stamped = max((f for f in files if f.role == FileRole.STAMPED), key=lambda f: f.pk, default=None)
    if stamped is None:
        return None
    endorsed = [f for f in files if f.role == FileRole.ENDORSED and (f.flags or {}).get("stamped_id") == stamped.pk]
    return max(endorsed, key=lambda f: f.pk, default=stamped)


def working_copy(*, tenant_id: int, letter_id: int | None) -> StoredFile | None:
    if letter_id is None:
        return None
    return working_copy_of(list(StoredFile.objects.filter(
        tenant_id=tenant_id, letter_id=letter_id, role__in=(FileRole.STAMPED, FileRole.ENDORSED))))


def entry_amendments(*, tenant_id: int, entry: RegistryEntry) -> list[EntryAmendment]:
    return list(EntryAmendment.objects.filter(tenant_id=tenant_id, entry=entry).select_related("amended_by"))


def entry_related(*, tenant_id: int, entry: RegistryEntry) -> list[RegistryEntry]:
    """The same letter's other entries (central ↔ unit ↔ secret register)."""
    if entry.letter_id is None:
        return []
    return list(
        RegistryEntry.objects.filter(tenant_id=tenant_id, letter_id=entry.letter_id).exclude(pk=entry.pk)
        .select_related("book").order_by("registered_at")
    )


def file_for_download(actor: Actor, *, tenant_id: int, entry_id: int, file_id: int) -> StoredFile:
    entry = entry_detail(actor, tenant_id=tenant_id, entry_id=entry_id)
    f = StoredFile.objects.filter(tenant_id=tenant_id, pk=file_id, letter_id=entry.letter_id).first()
    if f is None or entry.letter_id is None:
        raise NotFoundInTenant()
    return f


def incoming_queue(actor: Actor, *, tenant_id: int, limit: int = 100) -> list[RegistryEntry]:
    """The central desk's working list: the latest incoming entries."""
    qs = (
        RegistryEntry.objects.filter(tenant_id=tenant_id, book__kind=BookKind.CENTRAL_INCOMING)
        .exclude(status="annulled")
        .select_related("letter", "book")
        .annotate(granted=_granted(actor.user_id))
        .order_by("-registered_at")
    )
    return list(qs[:limit])
