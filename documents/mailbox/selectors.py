"""Mailbox reads for the views: the queue, one message, its files and the system's notes.

Who may look: the central registry clerks (``Action.REGISTRY_CENTRAL_WRITE``); the views check it.
A message registered as a secret letter shows no subject or text (cleared at registration) and its
files are for the secret registrar only (``message_files_visible``).
"""

from __future__ import annotations

from django.db.models import QuerySet

from documents.mailbox.services import NOTE_MARKER
from documents.models import (
    FileRole,
    Mailbox,
    MailboxAttachment,
    MailboxMessage,
    MailboxMessageState,
    Secrecy,
    StoredFile,
)
from eoffice.common.exceptions import NotFoundInTenant
from tenants.permissions import Actor
from tenants.roles import Action


def mailboxes_list(*, tenant_id: int) -> QuerySet[Mailbox]:
    return Mailbox.objects.filter(tenant_id=tenant_id).order_by("address")


def mailbox_messages(
    *, tenant_id: int, state: str | None = MailboxMessageState.NEW, mailbox_id: int | None = None
) -> QuerySet[MailboxMessage]:
    """The queue, newest first (uses ``mailboxmessage_queue_idx``). ``state=None``: every state."""
    qs = MailboxMessage.objects.filter(tenant_id=tenant_id).select_related("mailbox", "entry")
    if state is not None:
        qs = qs.filter(state=state)
    if mailbox_id is not None:
        qs = qs.filter(mailbox_id=mailbox_id)
    return qs.defer("body_text").order_by("-fetched_at", "-id")


def mailbox_message_get(*, tenant_id: int, message_id: int) -> MailboxMessage:
    message = (
        MailboxMessage.objects.filter(tenant_id=tenant_id, pk=message_id)
        .select_related("mailbox", "raw", "entry", "entry__letter").first()
    )
    if message is None:
        raise NotFoundInTenant()
    return message


def message_is_secret(message: MailboxMessage) -> bool:
    entry = message.entry
    return entry is not None and entry.letter is not None and entry.letter.secrecy != Secrecy.NORMAL


def message_files_visible(*, actor: Actor, message: MailboxMessage) -> bool:
    """A secret letter's e-mail and attachments: the secret registrar only."""
    return not message_is_secret(message) or actor.can(Action.SECRET_REGISTER_MANAGE)


def message_attachments(*, tenant_id: int, message: MailboxMessage) -> list[StoredFile]:
    """The attachments as stored (the original first), without the .eml."""
    ids = MailboxAttachment.objects.filter(tenant_id=tenant_id, message=message).values("file_id")
    files = list(StoredFile.objects.filter(tenant_id=tenant_id, pk__in=ids).order_by("sort_order", "id"))
    files.sort(key=lambda f: (f.role != FileRole.ORIGINAL, f.sort_order, f.pk))
    return files


def message_text_and_notes(message: MailboxMessage) -> tuple[str, list[str]]:
    """The body text and the system's notes (skipped attachments, size, broken structure)."""
    text = message.body_text or ""
    if NOTE_MARKER not in text:
        return text, []
    body, _, notes = text.rpartition(NOTE_MARKER)
    return body.rstrip(), [line[2:] for line in notes.strip().splitlines() if line.startswith("- ")]
