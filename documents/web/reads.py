"""Small reads the registry pages need beyond ``documents.registry.selectors`` (candidates to move there).
Every function takes ``tenant_id`` explicitly and runs in the request's tenant scope."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from documents.models import (
    Book,
    BookKind,
    EntryStatus,
    Mailbox,
    MailboxMessage,
    MailboxMessageState,
    RegistryEntry,
)
from documents.registry.selectors import BookFilters, book_entries
from eoffice.common.exceptions import NotFoundInTenant
from tenants.models import Agency
from tenants.permissions import Actor
from tenants.roles import Action


def sealed_entry_for_registrar(actor: Actor, *, tenant_id: int, entry_id: int) -> RegistryEntry:
    """A sealed item of the central incoming book, for the secret registrar who opens it: its envelope
    only (number, date, sender, class). Anyone else, or an opened/annulled item: 404."""
    if not actor.can(Action.SECRET_REGISTER_MANAGE):
        raise NotFoundInTenant()
    entry = (
        RegistryEntry.objects.filter(
            tenant_id=tenant_id, pk=entry_id, book__kind=BookKind.CENTRAL_INCOMING, letter__is_sealed=True,
        ).exclude(status=EntryStatus.ANNULLED).select_related("book", "letter").first()
    )
    if entry is None:
        raise NotFoundInTenant()
    return entry


def agencies_for_parties(*, tenant_id: int) -> QuerySet[Agency]:
    """Agencies in the system a letter can come from or go to (every active agency but our own)."""
    return Agency.objects.filter(is_active=True).exclude(pk=tenant_id).only("pk", "name_th").order_by("name_th")


def export_entries(actor: Actor, *, tenant_id: int, book: Book, filters: BookFilters) -> QuerySet[RegistryEntry]:
    """A year of a book for export, in the paper book's order (oldest first), with the units each
    incoming letter was passed to (for the "การปฏิบัติ" column)."""
    units = RegistryEntry.objects.filter(tenant_id=tenant_id).exclude(status=EntryStatus.ANNULLED).select_related(
        "book__unit"
    )
    return (
        book_entries(actor, tenant_id=tenant_id, book=book, filters=filters)
        .prefetch_related(Prefetch("unit_entries", queryset=units))
        .order_by("year", "number")
    )


def mailbox_new_count(*, tenant_id: int) -> int | None:
    """New messages waiting in the agency's mailboxes; None when the agency has no mailbox."""
    if not Mailbox.objects.filter(tenant_id=tenant_id).exists():
        return None
    return MailboxMessage.objects.filter(tenant_id=tenant_id, state=MailboxMessageState.NEW).count()
