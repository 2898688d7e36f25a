"""The agency's central saraban@ mailbox: fetch (IMAP or a maildir), pre-fill, register, auto-reply.

- ``parse``     bytes of one e-mail -> ``ParsedMessage`` (pure: no database, no network)
- ``fetch``     the two sources (IMAP, maildir), read-only on the server
- ``prefill``   guesses for the register form (subject, sender, ที่, ลงวันที่, urgency)
- ``services``  mailbox_fetch / mailbox_register / mailbox_dismiss / mailbox_configure (write)
- ``selectors`` the mailbox queue (read)
- ``jobs``      job handlers ``mailbox.fetch`` and ``mailbox.auto_reply``; the beat task
See docs/mailbox.md.
"""
