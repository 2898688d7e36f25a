"""Notes and endorsements onto the working copy through the real outbox and a real Celery worker: the
note and a unit's ทราบ each make one new version of the stamped copy, each an incremental update of the
one before (its bytes a prefix), the received original untouched."""

from __future__ import annotations

import subprocess
import uuid

import pytest

from documents.files.services import file_prepare, file_read
from documents.handling import services as handling_services
from documents.handling.jobs import ENDORSE_COPY_JOB
from documents.models import EventKind, FileRole, HandlingEvent, StoredFile
from documents.registry import services
from documents.registry.inputs import IncomingInput, PartyInput
from tenants.context import tenant_scope
from tenants.models import Job
from tests.jobs.test_outbox import wait_status
from tests.jobs.test_registry_stamp import _actor, _stamp_job
from tests.registry.conftest import make_pdf

pytestmark = pytest.mark.worker


def _endorse_job(agency, event_id: int) -> Job:  # type: ignore[no-untyped-def]
    with tenant_scope(agency.pk):
        return Job.objects.get(tenant_id=agency.pk, kind=ENDORSE_COPY_JOB, idempotency_key=f"endorse_copy:{event_id}")


def test_note_and_acknowledgement_are_appended_by_the_worker(worker, tenants, committed):  # type: ignore[no-untyped-def]
    a = tenants.a
    clerk, unit_clerk = _actor(a, "a_central_clerk"), _actor(a, "a_unit_clerk")
    original = make_pdf("ต้นฉบับ")
    with tenant_scope(a.pk):
        entry = services.register_incoming(
            tenant_id=a.pk, actor=clerk, files=[file_prepare(original, "หนังสือ.pdf")], idempotency_key=uuid.uuid4().hex,
            data=IncomingInput(subject="แจ้งเพื่อทราบ", purpose="inform", sender=PartyInput(name="อำเภอทดสอบ")),
        )
    wait_status(a, _stamp_job(a, entry.pk).pk, "done", timeout=60, worker=worker)
    with tenant_scope(a.pk):
        handling = handling_services.handling_start(
            tenant_id=a.pk, actor=clerk, entry_id=entry.pk,
            note=handling_services.NoteInput(summary="แจ้งกำหนดการตรวจน้ำประปา"))
        noted = HandlingEvent.objects.get(handling=handling, kind=EventKind.NOTED)
    wait_status(a, _endorse_job(a, noted.pk).pk, "done", timeout=60, worker=worker)
    with tenant_scope(a.pk):
        (holding,) = handling_services.send_for_information(tenant_id=a.pk, actor=clerk, handling_id=handling.pk,
                                                            unit_ids=[unit_clerk.unit_id])
        handling_services.acknowledge(tenant_id=a.pk, actor=unit_clerk, holding_id=holding.pk)
        ack = HandlingEvent.objects.get(handling=handling, kind=EventKind.ENDORSED)
    wait_status(a, _endorse_job(a, ack.pk).pk, "done", timeout=60, worker=worker)
    with tenant_scope(a.pk):
        files = list(StoredFile.objects.filter(tenant_id=a.pk, letter_id=entry.letter_id).order_by("pk"))
        by_role = {}
        for f in files:
            by_role.setdefault(f.role, []).append(f)
        assert file_read(by_role[FileRole.ORIGINAL][0]) == original
        stamped = file_read(by_role[FileRole.STAMPED][0])
        v1, v2 = (file_read(f) for f in by_role[FileRole.ENDORSED])
    assert v1.startswith(stamped) and v2.startswith(v1)
    text = subprocess.run(["pdftotext", "-", "-"], input=v2, capture_output=True, check=True).stdout.decode()
    assert "แจ้งกำหนดการตรวจน้ำประปา" in text and "ทราบ" in text and unit_clerk.display_name in text
