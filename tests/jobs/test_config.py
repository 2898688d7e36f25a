"""Guards on the Celery and job settings that the outbox's guarantees rest on (no worker needed)."""

from __future__ import annotations

import os

import pytest
from django.conf import settings

from eoffice.celery import app
from tenants import tasks
from tenants.context import tenant_scope
from tenants.models import JobStatus
from tenants.services.jobs import backoff_seconds, job_enqueue, job_run

MAX_BACKOFF = 300
MARGIN = 60


def test_visibility_timeout_outlasts_the_longest_task_and_countdown():  # type: ignore[no-untyped-def]
    # A Redis message not acked within the visibility timeout is delivered again: it must outlast the
    # hard time limit plus the longest retry countdown (an ETA message waits unacked on the worker).
    visibility = app.conf.broker_transport_options["visibility_timeout"]
    assert backoff_seconds(100) == MAX_BACKOFF
    assert visibility > app.conf.task_time_limit + MAX_BACKOFF + MARGIN
    assert app.conf.task_soft_time_limit < app.conf.task_time_limit


def test_acks_late_and_reject_on_worker_lost():  # type: ignore[no-untyped-def]
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert tasks.run_job.acks_late is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.task_always_eager is not True


@pytest.mark.skipif("EOFFICE_JOB_LEASE_SECONDS" in os.environ, reason="lease overridden in this environment")
def test_default_lease_outlasts_the_hard_time_limit():  # type: ignore[no-untyped-def]
    # A live worker is killed by the hard limit before its lease can run out: no double run.
    assert settings.EOFFICE_JOB_LEASE_SECONDS > settings.CELERY_TASK_TIME_LIMIT


def test_max_attempts_setting_caps_attempts(committed, settings, monkeypatch):  # type: ignore[no-untyped-def]
    import uuid

    from tenants.services.org import agency_create

    monkeypatch.setattr(tasks.run_job, "apply_async", lambda *a, **k: None)  # no broker in this test
    settings.EOFFICE_JOB_MAX_ATTEMPTS = 3
    ag = agency_create(
        actor=None, slug=f"jobs-cap-{uuid.uuid4().hex[:8]}", name_th="ทดสอบเพดานจำนวนครั้ง", kind="sao",
        province="นครราชสีมา", letter_code="นม", letter_number="52397",
    )
    with tenant_scope(ag.pk):
        default = job_enqueue(tenant_id=ag.pk, kind="diagnostics.noop")
        asked_more = job_enqueue(tenant_id=ag.pk, kind="diagnostics.noop", max_attempts=50)
        one = job_enqueue(tenant_id=ag.pk, kind="diagnostics.fail", max_attempts=1)
    assert default.max_attempts == asked_more.max_attempts == 3
    for job in (default, asked_more):  # leave nothing for a reconciler in a later test
        assert job_run(tenant_id=ag.pk, job_id=job.pk) == "done"
    # The database claim enforces the cap: once attempts reach it, the job never runs again.
    assert job_run(tenant_id=ag.pk, job_id=one.pk) == "failed"
    assert job_run(tenant_id=ag.pk, job_id=one.pk) == "skipped"
    with tenant_scope(ag.pk):
        one.refresh_from_db()
    assert (one.status, one.attempts) == (JobStatus.FAILED, 1)
