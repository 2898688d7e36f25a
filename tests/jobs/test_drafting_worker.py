"""Drafting jobs through the real outbox and a real Celery worker: a version's preview, then "ready to
sign" → the final version (number and date in it) and the file copy, each made once."""

from __future__ import annotations

import subprocess

import pytest

from documents.drafting import services
from documents.drafting.jobs import RENDER_FINAL_JOB, RENDER_VERSION_JOB
from documents.drafting.layout import number_text
from documents.files.services import file_read
from documents.models import DraftVersion, FileRole, StoredFile
from tenants.context import tenant_scope
from tenants.models import Job
from tests.drafting.test_drafting_services import _input
from tests.jobs.test_outbox import wait_status
from tests.jobs.test_registry_stamp import _actor

pytestmark = pytest.mark.worker


def _job(agency, kind: str, key: str) -> Job:  # type: ignore[no-untyped-def]
    with tenant_scope(agency.pk):
        return Job.objects.get(tenant_id=agency.pk, kind=kind, idempotency_key=key)


def test_preview_and_final_are_rendered_by_the_worker(worker, tenants, committed):  # type: ignore[no-untyped-def]
    a = tenants.a
    officer, clerk = _actor(a, "a_officer"), _actor(a, "a_central_clerk")
    with tenant_scope(a.pk):
        draft = services.draft_create(tenant_id=a.pk, actor=officer, data=_input())
        version = DraftVersion.objects.get(draft=draft, number=1)
    wait_status(a, _job(a, RENDER_VERSION_JOB, f"draft_version:{version.pk}").pk, "done", timeout=90, worker=worker)
    with tenant_scope(a.pk):
        services.draft_submit(tenant_id=a.pk, actor=officer, draft_id=draft.pk, route_id=None)
        services.draft_ready(tenant_id=a.pk, actor=clerk, draft_id=draft.pk, confirmed=services.READY_CHECKS)
        draft.refresh_from_db()
        entry = draft.entry
    wait_status(a, _job(a, RENDER_FINAL_JOB, f"draft_final:{entry.pk}").pk, "done", timeout=90, worker=worker)
    with tenant_scope(a.pk):
        version.refresh_from_db()
        assert version.pdf_id is not None
        (final,) = StoredFile.objects.filter(tenant_id=a.pk, letter_id=draft.letter_id, role=FileRole.FINAL)
        assert StoredFile.objects.filter(tenant_id=a.pk, letter_id=draft.letter_id, role=FileRole.FILE_COPY).count() == 1
        data = file_read(final)
    text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    assert number_text(entry) in text and "ขอเชิญประชุมแก้ไขปัญหาน้ำท่วม" in text
