"""Small reads the drafting pages need beyond ``documents.drafting.selectors`` (candidates to move there).
Every function takes ``tenant_id`` explicitly and runs in the request's tenant scope."""

from __future__ import annotations

from documents.models import (
    Letter,
    LetterParty,
    PartyRole,
    RegistryEntry,
    ReviewRoute,
)
from eoffice.common.exceptions import NotFoundInTenant
from tenants.models import Agency


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
