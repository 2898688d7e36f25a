"""Celery beat entry point for the daily overdue reminder: queue a ``notifications.overdue`` job per agency
(see ``documents.handling.notifications.overdue_remind_all``). Not a TenantTask: it visits each agency in
that agency's own scope and only queues jobs; the jobs make the reminders."""

from __future__ import annotations

from eoffice.celery import app


@app.task(name="documents.overdue_remind_all")
def overdue_remind_all() -> int:
    from documents.handling.notifications import overdue_remind_all as queue_all

    return queue_all()
