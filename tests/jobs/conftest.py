"""A real Celery worker (prefork, one process) on the test database and this session's Redis db.

Never eager mode: jobs go through the broker exactly as in production. The worker gets a short lease
(``EOFFICE_JOB_LEASE_SECONDS=3``) and stale-dispatch time (2 s) so lost-worker cases run in seconds;
the test process gets the same values through ``settings``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psutil
import pytest
import redis

from tests.conftest import ROOT

LEASE_SECONDS = 3
STALE_SECONDS = 2


class Worker:
    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.proc: subprocess.Popen | None = None  # type: ignore[type-arg]
        self.log_path: Path | None = None
        self.started = 0

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path and self.log_path.exists() else ""

    def start(self, timeout: float = 30) -> None:
        self.started += 1
        self.log_path = self.log_dir / f"worker-{self.started}.log"
        env = dict(
            os.environ,
            EOFFICE_JOB_LEASE_SECONDS=str(LEASE_SECONDS),
            EOFFICE_JOB_STALE_DISPATCH_SECONDS=str(STALE_SECONDS),
            EOFFICE_LOG_LEVEL="INFO",
        )
        cmd = [
            sys.executable, "-m", "celery", "-A", "eoffice", "worker", "--concurrency", "1", "--pool", "prefork",
            "-Q", "default", "-l", "info", "--without-gossip", "--without-mingle", "--without-heartbeat",
            "-n", f"test-{uuid.uuid4().hex[:8]}@%h",
        ]
        with open(self.log_path, "wb") as out:
            self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(f"worker exited early:\n{self.log()}")
            if " ready." in self.log():
                return
            time.sleep(0.1)
        raise RuntimeError(f"worker not ready after {timeout}s:\n{self.log()}")

    def kill(self) -> list[int]:
        """SIGKILL the main process and its pool children at once (a machine losing power)."""
        assert self.proc is not None
        main = psutil.Process(self.proc.pid)
        victims = [main, *main.children(recursive=True)]
        for p in victims:
            try:
                p.send_signal(signal.SIGKILL)
            except psutil.NoSuchProcess:
                pass
        psutil.wait_procs(victims, timeout=5)
        self.proc.wait(timeout=5)
        return [p.pid for p in victims]

    def stop(self) -> None:
        if not self.alive():
            return
        assert self.proc is not None
        children = psutil.Process(self.proc.pid).children(recursive=True)
        self.proc.send_signal(signal.SIGTERM)  # warm shutdown
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()
        psutil.wait_procs(children, timeout=5)


@pytest.fixture(scope="session")
def broker():  # type: ignore[no-untyped-def]
    from django.conf import settings

    r = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    r.flushdb()  # this session's own Redis db: stale messages from an earlier run must not run here
    yield r
    r.close()


def _abandon_leftover_jobs() -> None:
    """Jobs an interrupted earlier run left unfinished would reach this run's worker: close them."""
    from tenants.context import dangerously_read_all_tenants, tenant_scope
    from tenants.models import Agency, Job, JobStatus

    open_states = [JobStatus.PENDING, JobStatus.DISPATCHED, JobStatus.RUNNING]
    ids = list(Agency.objects.values_list("id", flat=True))
    with dangerously_read_all_tenants(ids):
        tenants = set(Job.objects.filter(status__in=open_states).values_list("tenant_id", flat=True))
    for tid in tenants:
        with tenant_scope(tid):
            Job.objects.filter(status__in=open_states).update(
                status=JobStatus.FAILED, last_error="abandoned by an interrupted test run"
            )


@pytest.fixture(scope="session")
def _worker(broker, tmp_path_factory, django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    from django.db import connections

    with django_db_blocker.unblock():
        _abandon_leftover_jobs()
        for conn in connections.all():
            conn.close()
    w = Worker(tmp_path_factory.mktemp("celery"))
    w.start()
    yield w
    w.stop()


@pytest.fixture
def worker(_worker, settings):  # type: ignore[no-untyped-def]
    """A live worker (restarted if a test killed it); the test process shares its job timings."""
    settings.EOFFICE_JOB_LEASE_SECONDS = LEASE_SECONDS
    settings.EOFFICE_JOB_STALE_DISPATCH_SECONDS = STALE_SECONDS
    if not _worker.alive():
        _worker.start()
    return _worker


@pytest.fixture
def agency(committed):  # type: ignore[no-untyped-def]
    from tenants.services.org import agency_create

    return agency_create(
        actor=None, slug=f"jobs-{uuid.uuid4().hex[:10]}", name_th="เทศบาลทดสอบงานเบื้องหลัง", kind="sao",
        province="นครราชสีมา", letter_code="นม", letter_number="52398",
    )
