"""Celery beat entry point for the mailbox: queue a fetch job per due mailbox (see
``documents.mailbox.services.mailbox_fetch_all_due``). Not a TenantTask: it visits each agency in
that agency's own scope and only queues jobs; the jobs do the fetching."""

from __future__ import annotations

from eoffice.celery import app


@app.task(name="documents.mailbox_fetch_all_due")
def mailbox_fetch_all_due() -> int:
    from documents.mailbox.services import mailbox_fetch_all_due as queue_due

    return queue_due()
