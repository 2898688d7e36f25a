"""Services write. Keyword-only, typed, tenant explicit; each owns its transaction, audit events and
outbox rows."""
