"""Refusals of the mailbox services, each with a stable code and a Thai + English message."""

from __future__ import annotations

from eoffice.common.exceptions import ApplicationError


class MailboxError(ApplicationError):
    code = "mailbox_invalid"


class MailboxUnavailable(MailboxError):
    """The mail server or maildir could not be read (recorded on the mailbox as ``last_error``)."""

    status_code = 502
    code = "mailbox_unavailable"


class MailboxNotAllowed(MailboxError):
    status_code = 403
    code = "not_allowed"


class MailboxConflict(MailboxError):
    status_code = 409
    code = "conflict"
