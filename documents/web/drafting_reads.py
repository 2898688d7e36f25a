"""Small reads the drafting pages need beyond ``documents.drafting.selectors`` (candidates to move there).
Every function takes ``tenant_id`` explicitly and runs in the request's tenant scope."""

from __future__ import annotations

from documents.models import (
    DispatchChannel,
    Draft,
    DraftRecipient,
    DraftState,
    DraftVersion,
    FileRole,
    Letter,
    LetterParty,
    PartyRole,
    RegistryEntry,
    ReviewRoute,
    StoredFile,
)
from eoffice.common.exceptions import NotFoundInTenant
from tenants.models import Agency

LETTER_FILE_ROLES = (FileRole.FINAL, FileRole.FILE_COPY, FileRole.SIGNED)


def letter_files(*, tenant_id: int, draft: Draft) -> list[StoredFile]:
    """The final version, the file copy and the signed scan of a numbered draft's letter."""
    if draft.letter_id is None:
        return []
    return list(StoredFile.objects.filter(tenant_id=tenant_id, letter_id=draft.letter_id, role__in=LETTER_FILE_ROLES)
                .order_by("role", "-id"))


def draft_file(*, tenant_id: int, draft: Draft, file_id: int) -> StoredFile:
    """A file of this (already visible) draft: its letter's final / file copy / signed scan, or one of its
    versions' preview or source. Any other id answers like a missing one."""
    f = StoredFile.objects.filter(tenant_id=tenant_id, pk=file_id).first()
    if f is None:
        raise NotFoundInTenant()
    if draft.letter_id is not None and f.letter_id == draft.letter_id and f.role in LETTER_FILE_ROLES:
        return f
    if DraftVersion.objects.filter(tenant_id=tenant_id, draft=draft).filter(pdf_id=f.pk).exists() or \
            DraftVersion.objects.filter(tenant_id=tenant_id, draft=draft, source_file_id=f.pk).exists():
        return f
    raise NotFoundInTenant()


def agencies_for_recipients() -> list[Agency]:
    """Agencies in the system a letter can go to in-system (agencies are global rows)."""
    return list(Agency.objects.filter(is_active=True).order_by("name_th").only("pk", "name_th"))


def routes_all(*, tenant_id: int) -> list[ReviewRoute]:
    return list(ReviewRoute.objects.filter(tenant_id=tenant_id).prefetch_related("steps", "steps__position"))


def reply_source(*, tenant_id: int, letter_id: int) -> tuple[Letter, RegistryEntry | None, LetterParty | None]:
    """The incoming letter a reply answers and its receipt entry (for the pre-filled อ้างถึง). Access is
    checked by ``draft_create`` (``_reply_letter``); the page shows only what the user could open."""
    letter = Letter.objects.filter(tenant_id=tenant_id, pk=letter_id).first()
    if letter is None:
        raise NotFoundInTenant()
    entry = RegistryEntry.objects.filter(tenant_id=tenant_id, letter_id=letter.pk).order_by("id").first()
    sender = LetterParty.objects.filter(tenant_id=tenant_id, letter=letter, role=PartyRole.FROM).order_by("sort_order", "id").first()
    return letter, entry, sender


def undelivered_by_hand(*, tenant_id: int) -> list[DraftRecipient]:
    """By-hand recipients of signed or dispatched letters who have not signed the delivery book yet."""
    return list(DraftRecipient.objects.filter(
        tenant_id=tenant_id, channel=DispatchChannel.HAND, received_at__isnull=True,
        draft__state__in=[DraftState.SIGNED, DraftState.DISPATCHED]).select_related("draft", "draft__entry")
        .order_by("draft__entry__registered_at", "draft_id", "sort_order")[:500])
