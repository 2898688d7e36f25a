"""The job outbox: enqueue in the caller's transaction, dispatch after commit, lease, reconcile."""

from __future__ import annotations

import datetime as dt
import json
import logging
import traceback
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from tenants import tasks
from tenants.context import dangerously_read_all_tenants, require_own_scope, tenant_scope
from tenants.jobs_registry import handler_for, known_kinds
from tenants.models import Agency, Job, JobStatus

log = logging.getLogger(__name__)


class UnknownJobKind(ValueError):
    pass


def job_enqueue(
    *,
    tenant_id: int,
    kind: str,
    args: dict[str, Any] | None = None,
    idempotency_key: str | None = None,
    max_attempts: int | None = None,
) -> Job:
    """Record a job in the caller's transaction (the tenant's scope must be open). It is handed to
    Celery only after that transaction commits; a rollback leaves no job and no message."""
    if kind not in known_kinds():
        raise UnknownJobKind(kind)
    require_own_scope(tenant_id, "job_enqueue")
    fields = {
        "tenant_id": tenant_id, "kind": kind, "args": args or {}, "idempotency_key": idempotency_key,
        "max_attempts": attempts_cap(max_attempts),
    }
    with transaction.atomic(savepoint=False):  # the scope's transaction is always the outer one
        if idempotency_key is None:
            job = Job.objects.create(**fields)
        else:
            existing = Job.objects.filter(tenant_id=tenant_id, kind=kind, idempotency_key=idempotency_key).first()
            if existing is not None:
                return existing
            try:
                with transaction.atomic():  # a concurrent enqueue with the same key may win
                    job = Job.objects.create(**fields)
            except IntegrityError:
                return Job.objects.get(tenant_id=tenant_id, kind=kind, idempotency_key=idempotency_key)
        job_id = job.pk
        transaction.on_commit(lambda: job_dispatch(tenant_id=tenant_id, job_id=job_id))
    return job


def job_row(*, kind: str, args: dict[str, Any] | None = None, idempotency_key: str | None = None,
             max_attempts: int | None = None) -> dict[str, Any]:
    """A job for a SQL function to insert in the caller's transaction (``eoffice_registry_register``
    writes the registration's stamp job in its one statement): the same checks as ``job_enqueue``.
    The row is written ``dispatched``: the caller must call ``job_dispatch_on_commit`` with its id,
    which sends the message once the transaction commits (and puts the row back to ``pending`` for the
    reconciler if the broker refuses it). Saves the separate transaction ``job_dispatch`` spends marking
    a ``job_enqueue`` row dispatched; should the process die between commit and send, the reconciler
    re-sends the row after ``EOFFICE_JOB_STALE_DISPATCH_SECONDS``."""
    if kind not in known_kinds():
        raise UnknownJobKind(kind)
    return {"kind": kind, "args": args or {}, "key": idempotency_key, "max_attempts": attempts_cap(max_attempts),
            "status": JobStatus.DISPATCHED}


def job_dispatch_on_commit(*, tenant_id: int, job_id: int) -> None:
    """Send a ``job_row`` job (written ``dispatched`` in the current transaction) once it commits."""
    require_own_scope(tenant_id, "job_dispatch_on_commit")
    transaction.on_commit(lambda: _send_written_dispatched(tenant_id, job_id))


def _send_written_dispatched(tenant_id: int, job_id: int) -> None:
    try:
        _publish(tenant_id, job_id, None)
    except Exception:  # broker unreachable: pending again, so the reconciler sends it soon
        log.warning("job %s: broker unavailable, left pending for the reconciler", job_id, exc_info=True)
        with tenant_scope(tenant_id):
            Job.objects.filter(pk=job_id, status=JobStatus.DISPATCHED).update(status=JobStatus.PENDING)


def attempts_cap(requested: int | None) -> int:
    """``EOFFICE_JOB_MAX_ATTEMPTS`` is the default and the ceiling: a caller may ask for fewer, never more."""
    cap = max(1, int(settings.EOFFICE_JOB_MAX_ATTEMPTS))
    return cap if requested is None else max(1, min(int(requested), cap))


# Publishing happens after a commit, often in a request: with the broker down, give up fast and leave
# the job pending for the reconciler rather than hold the response.
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}


def _publish(tenant_id: int, job_id: int, countdown: float | None) -> None:
    tasks.run_job.apply_async(
        kwargs={"tenant_id": tenant_id, "job_id": job_id}, countdown=countdown, retry=True,
        retry_policy=PUBLISH_RETRY_POLICY,
        # Celery would build these with saferepr, about half the cost of a publish; two ints need no care.
        argsrepr="()", kwargsrepr=f"{{'tenant_id': {int(tenant_id)}, 'job_id': {int(job_id)}}}",
    )


def job_dispatch(*, tenant_id: int, job_id: int, countdown: float | None = None) -> bool:
    """Hand a committed job to the broker. If the broker is down the job stays pending and the
    reconciler sends it later. Returns whether the message was sent."""
    try:
        _publish(tenant_id, job_id, countdown)
    except Exception:  # broker unreachable: the reconciler will retry
        log.warning("job %s: broker unavailable, left pending for the reconciler", job_id, exc_info=True)
        return False
    with tenant_scope(tenant_id):
        Job.objects.filter(pk=job_id, status=JobStatus.PENDING).update(
            status=JobStatus.DISPATCHED, dispatched_at=timezone.now()
        )
    return True


def _lease_sql_claim(tenant_id: int, job_id: int) -> tuple[str, dict[str, Any], int] | None:
    """Claim the job: one committed UPDATE counts the attempt and takes the lease."""
    from django.db import connection

    lease = settings.EOFFICE_JOB_LEASE_SECONDS
    with tenant_scope(tenant_id), connection.cursor() as cur:
        cur.execute(
            "UPDATE tenants_job SET status = 'running', attempts = attempts + 1,"
            " lease_expires_at = clock_timestamp() + make_interval(secs => %s), updated_at = clock_timestamp()"
            " WHERE id = %s AND tenant_id = %s AND attempts < max_attempts AND ("
            "   status IN ('pending', 'dispatched') OR (status = 'running' AND lease_expires_at < clock_timestamp()))"
            " RETURNING kind, args, attempts",
            [lease, job_id, tenant_id],
        )
        row = cur.fetchone()
        if row is None:
            # Out of attempts (a worker kept dying on it): make the failure visible.
            cur.execute(
                "UPDATE tenants_job SET status = 'failed', finished_at = clock_timestamp(), updated_at = clock_timestamp(),"
                " last_error = CASE WHEN last_error = '' THEN 'attempts exhausted (worker lost)' ELSE last_error END"
                " WHERE id = %s AND tenant_id = %s AND status IN ('pending', 'dispatched', 'running')"
                " AND attempts >= max_attempts AND (status <> 'running' OR lease_expires_at < clock_timestamp())",
                [job_id, tenant_id],
            )
            return None
        # A raw cursor gives jsonb as text (Django leaves decoding to JSONField).
        args = json.loads(row[1]) if isinstance(row[1], str | bytes) else row[1]
        return row[0], args or {}, row[2]


def backoff_seconds(attempts: int) -> float:
    return float(min(2 ** attempts, 300))


class _LeaseLost(Exception):
    """Another worker re-claimed the job after our lease ran out: our work must not commit."""


def job_run(*, tenant_id: int, job_id: int) -> str:
    """Run one job (called by the Celery task). Idempotent: a done, failed or leased job is skipped.
    The handler's writes commit together with the ``done`` mark, and only while this run still holds
    the claim (status running at the attempt it counted); otherwise they roll back.
    Returns the outcome: 'done', 'retry', 'failed', 'skipped' or 'lost'."""
    claimed = _lease_sql_claim(tenant_id, job_id)
    if claimed is None:
        return "skipped"
    kind, args, attempt = claimed
    mine = {"pk": job_id, "status": JobStatus.RUNNING, "attempts": attempt}
    try:
        with tenant_scope(tenant_id):
            result = handler_for(kind)(tenant_id=tenant_id, job_id=job_id, **(args or {}))
            n = Job.objects.filter(**mine).update(
                status=JobStatus.DONE, result=result, finished_at=timezone.now(), lease_expires_at=None, last_error=""
            )
            if n != 1:
                raise _LeaseLost()
        return "done"
    except _LeaseLost:
        log.warning("job %s: lease lost during attempt %s; its work was rolled back", job_id, attempt)
        return "lost"
    except Exception as exc:
        err = "".join(traceback.format_exception_only(type(exc), exc)).strip()[:2000]
        with tenant_scope(tenant_id):
            job = Job.objects.get(pk=job_id)
            if job.attempts >= job.max_attempts:
                n = Job.objects.filter(**mine).update(
                    status=JobStatus.FAILED, last_error=err, finished_at=timezone.now(), lease_expires_at=None
                )
                return "failed" if n else "lost"
            countdown = backoff_seconds(attempt)
            # dispatched_at is when the retry is due, so the reconciler doesn't send it early.
            n = Job.objects.filter(**mine).update(
                status=JobStatus.DISPATCHED, last_error=err, lease_expires_at=None,
                dispatched_at=timezone.now() + dt.timedelta(seconds=countdown),
            )
        if not n:
            return "lost"
        job_dispatch_retry(tenant_id=tenant_id, job_id=job_id, countdown=countdown)
        return "retry"


def job_dispatch_retry(*, tenant_id: int, job_id: int, countdown: float) -> None:
    try:
        _publish(tenant_id, job_id, countdown)
    except Exception:
        log.warning("job %s: retry not sent; the reconciler will", job_id, exc_info=True)


def jobs_reconcile() -> dict[str, int]:
    """Bring back jobs whose worker died or whose message was lost. Safe to run any time, anywhere:
    dispatching a job twice is harmless (the lease lets one run)."""
    stale = settings.EOFFICE_JOB_STALE_DISPATCH_SECONDS
    now = timezone.now()
    agency_ids = list(Agency.objects.values_list("id", flat=True))
    with dangerously_read_all_tenants(agency_ids):
        candidates = list(
            Job.objects.filter(status__in=[JobStatus.PENDING, JobStatus.DISPATCHED, JobStatus.RUNNING])
            .values_list("tenant_id", "id", "status", "lease_expires_at", "dispatched_at", "created_at", "attempts", "max_attempts")
        )
    counts = {"redispatched": 0, "failed": 0}
    for tenant_id, job_id, status, lease, dispatched_at, created_at, attempts, max_attempts in candidates:
        lease_expired = status == JobStatus.RUNNING and lease is not None and lease < now
        stale_pending = status == JobStatus.PENDING and (now - created_at).total_seconds() > min(stale, 5)
        stale_dispatch = (
            status == JobStatus.DISPATCHED and dispatched_at is not None and (now - dispatched_at).total_seconds() > stale
        )
        if not (lease_expired or stale_pending or stale_dispatch):
            continue
        if attempts >= max_attempts:
            with tenant_scope(tenant_id):
                n = Job.objects.filter(pk=job_id, status=status).update(
                    status=JobStatus.FAILED, finished_at=now, lease_expires_at=None,
                    last_error="attempts exhausted (worker lost)",
                )
            counts["failed"] += n
            continue
        if job_dispatch(tenant_id=tenant_id, job_id=job_id):
            counts["redispatched"] += 1
    return counts
