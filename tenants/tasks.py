"""Celery entry points. Tasks take ids, bind the tenant from ``tenant_id`` (``TenantTask``), call one
service, and are idempotent."""

from __future__ import annotations

from typing import Any

from celery import Task

from eoffice.celery import app
from tenants.context import tenant_scope


class TenantTask(Task):
    """Base for every task that touches tenant data.

    ``tenant_id`` is a required keyword argument. By default the whole task body runs inside
    ``tenant_scope(tenant_id)`` (one transaction with the RLS settings). A task that must commit in
    several steps (the job runner: the claim must survive a crash) sets ``own_transactions = True``
    and opens ``tenant_scope`` itself; it still gets a validated ``tenant_id``.
    """

    abstract = True
    own_transactions = False

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        tenant_id = kwargs.get("tenant_id")
        if not isinstance(tenant_id, int) or isinstance(tenant_id, bool) or tenant_id <= 0:
            raise ValueError(f"{self.name}: tenant_id keyword argument (positive int) is required")
        if self.own_transactions:
            return super().__call__(*args, **kwargs)
        with tenant_scope(tenant_id):
            return super().__call__(*args, **kwargs)


@app.task(base=TenantTask, name="tenants.run_job", own_transactions=True, acks_late=True)
def run_job(*, tenant_id: int, job_id: int) -> str:
    from tenants.services.jobs import job_run

    return job_run(tenant_id=tenant_id, job_id=job_id)


@app.task(name="tenants.jobs_reconcile")
def jobs_reconcile() -> dict[str, int]:
    # Not a TenantTask: it spans tenants through the one allow-listed read-all scope, then acts on
    # each job inside that job's own tenant scope.
    from tenants.services.jobs import jobs_reconcile as reconcile

    return reconcile()
