"""Celery beat entry point for the upload sweep: queue a ``files.sweep_uploads`` job per agency (see
``documents.files.jobs.files_sweep_all``). Not a TenantTask: it visits each agency in that agency's own
scope and only queues jobs; the jobs do the work."""

from __future__ import annotations

from eoffice.celery import app


@app.task(name="documents.files_sweep_all")
def files_sweep_all() -> int:
    from documents.files.jobs import files_sweep_all as queue_all

    return queue_all()
