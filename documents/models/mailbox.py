"""The agency's central saraban@ mailbox (IMAP or a maildir) and the messages fetched from it."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from documents.models.files import StoredFile
from documents.models.registry import RegistryEntry
from tenants.models import TenantOwnedModel


class MailboxKind(models.TextChoices):
    IMAP = "imap", _("IMAP")
    MAILDIR = "maildir", _("Maildir")


class Mailbox(TenantOwnedModel):
    kind = models.CharField(max_length=10, choices=MailboxKind.choices)
    address = models.EmailField(help_text="saraban@… as senders see it; auto-replies come from it")
    host = models.CharField(max_length=255, blank=True)
    port = models.PositiveIntegerField(null=True, blank=True)
    use_tls = models.BooleanField(default=True)
    username = models.CharField(max_length=255, blank=True)
    # Name of an environment variable / settings key holding the password; never the password itself.
    password_ref = models.CharField(max_length=100, blank=True)
    folder = models.CharField(max_length=255, default="INBOX")
    path = models.CharField(max_length=500, blank=True, help_text="maildir path")
    auto_reply = models.BooleanField(default=True)
    is_active = models.BooleanField(default=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "address"], name="mailbox_address_unique")]

    def __str__(self) -> str:
        return self.address


class MailboxMessageState(models.TextChoices):
    NEW = "new", _("ยังไม่ลงทะเบียน")
    REGISTERED = "registered", _("ลงทะเบียนแล้ว")
    DISMISSED = "dismissed", _("ไม่ใช่หนังสือราชการ")


class MailboxMessage(TenantOwnedModel):
    mailbox = models.ForeignKey(Mailbox, on_delete=models.PROTECT, related_name="messages")
    message_id = models.CharField(max_length=500, help_text="Message-ID header (or a digest when missing)")
    from_name = models.CharField(max_length=255, blank=True)
    from_address = models.CharField(max_length=320, blank=True)
    subject = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    fetched_at = models.DateTimeField(auto_now_add=True)
    body_text = models.TextField(blank=True)
    raw = models.ForeignKey(StoredFile, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    attachments = models.ManyToManyField(StoredFile, blank=True, related_name="+", through="MailboxAttachment")
    state = models.CharField(max_length=12, choices=MailboxMessageState.choices, default=MailboxMessageState.NEW)
    entry = models.ForeignKey(RegistryEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    replied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-fetched_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["mailbox", "message_id"], name="mailboxmessage_unique"),
            models.CheckConstraint(
                condition=~Q(state="registered") | Q(entry__isnull=False), name="mailboxmessage_registered_entry"
            ),
        ]
        indexes = [models.Index(fields=["tenant", "state", "-fetched_at"], name="mailboxmessage_queue_idx")]


class MailboxAttachment(TenantOwnedModel):
    message = models.ForeignKey(MailboxMessage, on_delete=models.CASCADE, related_name="+")
    file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
