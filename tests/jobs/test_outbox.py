"""The job outbox with a real Celery worker and Redis broker (never eager mode): a job runs only if
its transaction committed, survives a killed worker, fails visibly, survives a broker outage at commit,
and is created once per idempotency key."""

from __future__ import annotations

import io
import time
from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.db import transaction

from tenants import tasks
from tenants.context import tenant_scope
from tenants.models import Job, JobStatus
from tenants.services.jobs import job_enqueue, jobs_reconcile

pytestmark = pytest.mark.worker


def enqueue(agency, kind: str, **kw) -> Job:  # type: ignore[no-untyped-def]
    with tenant_scope(agency.pk):
        return job_enqueue(tenant_id=agency.pk, kind=kind, **kw)


def fetch(agency, job_id: int) -> Job | None:  # type: ignore[no-untyped-def]
    with tenant_scope(agency.pk):
        return Job.objects.filter(pk=job_id).first()


def wait_for(check: Callable[[], object], *, timeout: float, what: str, worker=None) -> object:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    log = worker.log()[-3000:] if worker is not None else ""
    raise AssertionError(f"timed out after {timeout}s waiting for {what}\n{log}")


def wait_status(agency, job_id: int, status: str, *, timeout: float, worker=None) -> Job:  # type: ignore[no-untyped-def]
    def check() -> Job | None:
        job = fetch(agency, job_id)
        return job if job is not None and job.status == status else None

    return wait_for(check, timeout=timeout, what=f"job {job_id} {status}", worker=worker)  # type: ignore[return-value]


class _Rollback(Exception):
    pass


# (a) ------------------------------------------------------------------------------------------------
def test_committed_job_runs_once(worker, agency):  # type: ignore[no-untyped-def]
    job = enqueue(agency, "diagnostics.noop")
    done = wait_status(agency, job.pk, JobStatus.DONE, timeout=10, worker=worker)
    assert done.attempts == 1 and done.result == {"ok": True} and done.last_error == ""


# (b) ------------------------------------------------------------------------------------------------
def test_rolled_back_enqueue_leaves_no_job_and_no_message(worker, agency, broker):  # type: ignore[no-untyped-def]
    seen = worker.log().count(" received")
    with pytest.raises(_Rollback), transaction.atomic(), tenant_scope(agency.pk):
        ghost = job_enqueue(tenant_id=agency.pk, kind="diagnostics.noop")
        raise _Rollback
    assert fetch(agency, ghost.pk) is None
    assert broker.llen("default") == 0
    time.sleep(1.5)
    assert worker.log().count(" received") == seen  # nothing reached the worker
    # The worker is alive and taking messages: a committed job sent now is the only one it receives.
    job = enqueue(agency, "diagnostics.noop")
    wait_status(agency, job.pk, JobStatus.DONE, timeout=10, worker=worker)
    assert worker.log().count(" received") == seen + 1
    assert fetch(agency, ghost.pk) is None
    with tenant_scope(agency.pk):
        assert not Job.objects.filter(pk=ghost.pk, status=JobStatus.DONE).exists()


# (c) ------------------------------------------------------------------------------------------------
def test_killed_worker_job_is_reclaimed_after_the_lease(worker, agency):  # type: ignore[no-untyped-def]
    job = enqueue(agency, "diagnostics.sleep", args={"seconds": 4})
    running = wait_status(agency, job.pk, JobStatus.RUNNING, timeout=10, worker=worker)
    assert running.attempts == 1
    killed = worker.kill()
    assert len(killed) >= 2, "expected the main process and its pool child"
    worker.start()
    # Nothing comes back by itself: the message stays unacked on the dead worker until Redis's
    # visibility timeout (an hour). The database lease is what brings the job back.
    assert running.lease_expires_at is not None
    wait_for(lambda: fetch(agency, job.pk).lease_expires_at < _now(), timeout=10, what="lease expiry")
    counts = jobs_reconcile()
    assert counts["redispatched"] >= 1
    done = wait_status(agency, job.pk, JobStatus.DONE, timeout=15, worker=worker)
    assert done.attempts == 2
    with tenant_scope(agency.pk):
        assert Job.objects.filter(pk=job.pk, status=JobStatus.DONE).count() == 1
    assert worker.log().count("succeeded") == 1  # the new worker ran it once


def _now():  # type: ignore[no-untyped-def]
    from django.utils import timezone

    return timezone.now()


# (d) ------------------------------------------------------------------------------------------------
def test_failing_job_ends_failed_with_its_error(worker, agency):  # type: ignore[no-untyped-def]
    job = enqueue(agency, "diagnostics.fail", max_attempts=2)
    failed = wait_status(agency, job.pk, JobStatus.FAILED, timeout=15, worker=worker)
    assert failed.attempts == 2
    assert "diagnostics.fail always fails" in failed.last_error
    assert failed.finished_at is not None


# (e) ------------------------------------------------------------------------------------------------
def test_broker_down_at_commit_then_reconciled(worker, agency, monkeypatch):  # type: ignore[no-untyped-def]
    def broker_down(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise ConnectionRefusedError("broker unreachable (test)")

    # Our producer only, in this process: the worker, broker and database are real.
    monkeypatch.setattr(tasks.run_job, "apply_async", broker_down)
    job = enqueue(agency, "diagnostics.noop")
    monkeypatch.undo()
    pending = fetch(agency, job.pk)
    assert pending.status == JobStatus.PENDING and pending.attempts == 0
    time.sleep(2.3)  # older than the stale-pending threshold (2 s here)
    assert jobs_reconcile()["redispatched"] >= 1
    done = wait_status(agency, job.pk, JobStatus.DONE, timeout=10, worker=worker)
    assert done.attempts == 1


# (f) ------------------------------------------------------------------------------------------------
def test_idempotency_key_gives_one_job(worker, agency):  # type: ignore[no-untyped-def]
    first = enqueue(agency, "diagnostics.noop", idempotency_key="report-2568-01")
    second = enqueue(agency, "diagnostics.noop", idempotency_key="report-2568-01")
    with tenant_scope(agency.pk):
        third = job_enqueue(tenant_id=agency.pk, kind="diagnostics.noop", idempotency_key="report-2568-01")
        again = job_enqueue(tenant_id=agency.pk, kind="diagnostics.noop", idempotency_key="report-2568-01")
    assert first.pk == second.pk == third.pk == again.pk
    with tenant_scope(agency.pk):
        assert Job.objects.filter(tenant_id=agency.pk, idempotency_key="report-2568-01").count() == 1
    done = wait_status(agency, first.pk, JobStatus.DONE, timeout=10, worker=worker)
    assert done.attempts == 1


# --- command ----------------------------------------------------------------------------------------
def test_jobs_reconcile_command_prints_counts(worker, agency):  # type: ignore[no-untyped-def]
    out = io.StringIO()
    call_command("jobs_reconcile", stdout=out)
    assert "redispatched=" in out.getvalue() and "failed=" in out.getvalue()
