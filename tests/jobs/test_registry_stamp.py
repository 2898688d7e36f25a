"""The receipt stamp (ตรารับ) through the real outbox and a real Celery worker: a registration with a
PDF gets a stamped working copy; the original stays bit-exact beside it; a unit's registration gets a
copy with its stamp under the central one. Hostile input never kills the worker."""

from __future__ import annotations

import hashlib
import subprocess
import uuid

import pytest

from documents.files.services import file_prepare, file_read
from documents.models import Book, BookKind, FileRole, RegistryEntry, StoredFile
from documents.registry import services
from documents.registry.inputs import IncomingInput, PartyInput
from tenants.context import tenant_scope
from tenants.models import Job
from tests.jobs.test_outbox import wait_for, wait_status
from tests.registry.conftest import make_pdf

pytestmark = pytest.mark.worker


def _actor(agency, username: str):  # type: ignore[no-untyped-def]
    from tenants.models import Membership, User
    from tenants.selectors import actor_build

    user = User.objects.get(username=username)
    with tenant_scope(agency.pk):
        m = Membership.objects.get(tenant_id=agency.pk, user=user)
        return actor_build(agency=agency, membership=m, user=user)


def _stamp_job(agency, entry_id: int) -> Job:  # type: ignore[no-untyped-def]
    with tenant_scope(agency.pk):
        return Job.objects.get(tenant_id=agency.pk, kind="registry.stamp", idempotency_key=f"stamp:{entry_id}")


def _text(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-l", "1", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def test_central_and_unit_stamps(worker, tenants, committed):  # type: ignore[no-untyped-def]
    a = tenants.a
    original = make_pdf("ต้นฉบับ")
    prepared = file_prepare(original, "หนังสือรับ.pdf")
    with tenant_scope(a.pk):
        entry = services.register_incoming(
            tenant_id=a.pk, actor=_actor(a, "a_central_clerk"), files=[prepared], idempotency_key=uuid.uuid4().hex,
            data=IncomingInput(subject="ทดสอบตรารับ", sender=PartyInput(name="อำเภอทดสอบ")),
        )
    wait_status(a, _stamp_job(a, entry.pk).pk, "done", timeout=60, worker=worker)
    with tenant_scope(a.pk):
        files = {f.role: f for f in StoredFile.objects.filter(tenant_id=a.pk, letter_id=entry.letter_id)}
        assert file_read(files[FileRole.ORIGINAL]) == original  # the received original, bit-exact
        assert hashlib.sha256(original).hexdigest() == RegistryEntry.objects.get(pk=entry.pk).digest
        stamped = file_read(files[FileRole.STAMPED])
        assert RegistryEntry.objects.get(pk=entry.pk).stamped_at is not None
    text = _text(stamped)
    assert a.name_th in text and str(entry.number) in text

    unit_actor = _actor(a, "a_unit_clerk")
    with tenant_scope(a.pk):
        book = Book.objects.select_related("unit").get(tenant_id=a.pk, kind=BookKind.UNIT_INCOMING,
                                                       unit_id=unit_actor.unit_id)
        unit_name = book.unit.name_th
        unit_entry = services.register_in_unit(tenant_id=a.pk, actor=unit_actor, central_entry_id=entry.pk,
                                               book_id=book.pk, idempotency_key=uuid.uuid4().hex)
    wait_status(a, _stamp_job(a, unit_entry.pk).pk, "done", timeout=60, worker=worker)
    with tenant_scope(a.pk):
        copies = list(StoredFile.objects.filter(tenant_id=a.pk, letter_id=entry.letter_id, role=FileRole.STAMPED,
                                                flags__entry_id=unit_entry.pk))
        assert len(copies) == 1
        both = file_read(copies[0])
    text = _text(both)
    assert unit_name in text and text.count(a.name_th) >= 1


def _rotated_landscape_pdf() -> bytes:
    import io

    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(842, 595))
    pdf.pages[0].Rotate = 90
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_an_odd_pdf_ends_the_job_and_the_worker_lives_on(worker, tenants, committed):  # type: ignore[no-untyped-def]
    a = tenants.a
    prepared = file_prepare(_rotated_landscape_pdf(), "rotated.pdf")
    with tenant_scope(a.pk):
        entry = services.register_incoming(
            tenant_id=a.pk, actor=_actor(a, "a_central_clerk"), files=[prepared], idempotency_key=uuid.uuid4().hex,
            data=IncomingInput(subject="ทดสอบไฟล์แปลก", sender=PartyInput(name="อำเภอทดสอบ")),
        )
    job = wait_for(lambda: (j := _stamp_job(a, entry.pk)).status in ("done", "failed") and j, timeout=60,
                   what="stamp job finished", worker=worker)
    assert job.status in ("done", "failed")
    assert worker.alive()


def test_an_office_enclosure_gets_a_pdf_preview(worker, tenants, committed):  # type: ignore[no-untyped-def]
    from documents.files.preview import soffice_available
    from tests.registry.test_preview import docx, pdf_text

    if not soffice_available():
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install -y libreoffice-writer-nogui")
    a = tenants.a
    files = [file_prepare(make_pdf("จดหมาย"), "letter.pdf"), file_prepare(docx(), "รายละเอียด.docx")]
    with tenant_scope(a.pk):
        entry = services.register_incoming(
            tenant_id=a.pk, actor=_actor(a, "a_central_clerk"), files=files, idempotency_key=uuid.uuid4().hex,
            data=IncomingInput(subject="ทดสอบภาพตัวอย่าง", sender=PartyInput(name="อำเภอทดสอบ")),
        )
        enclosure = StoredFile.objects.get(tenant_id=a.pk, letter_id=entry.letter_id, role=FileRole.ENCLOSURE)
        job = Job.objects.get(tenant_id=a.pk, kind="files.preview", idempotency_key=f"preview:{enclosure.pk}")
    wait_status(a, job.pk, "done", timeout=120, worker=worker)
    with tenant_scope(a.pk):
        preview = StoredFile.objects.get(tenant_id=a.pk, derived_from=enclosure, role=FileRole.PREVIEW)
        assert "น้ำท่วม" in pdf_text(file_read(preview))


def test_broker_down_at_commit_leaves_the_stamp_pending_for_the_reconciler(worker, tenants, committed, monkeypatch):  # type: ignore[no-untyped-def]
    """The registration writes its stamp job ``dispatched`` in the numbering call and sends it after
    commit; with the broker down the row goes back to pending, and the reconciler sends it later."""
    import time

    from tenants import tasks
    from tenants.services.jobs import jobs_reconcile

    a = tenants.a

    def broker_down(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise ConnectionRefusedError("broker unreachable (test)")

    monkeypatch.setattr(tasks.run_job, "apply_async", broker_down)  # our producer only; all else is real
    prepared = file_prepare(make_pdf("ตรารับภายหลัง"), "หนังสือรับ.pdf")
    with tenant_scope(a.pk):
        entry = services.register_incoming(
            tenant_id=a.pk, actor=_actor(a, "a_central_clerk"), files=[prepared], idempotency_key=uuid.uuid4().hex,
            data=IncomingInput(subject="ทดสอบระบบคิวล่ม", sender=PartyInput(name="อำเภอทดสอบ")),
        )
    monkeypatch.undo()
    job = _stamp_job(a, entry.pk)
    assert job.status == "pending" and job.attempts == 0
    time.sleep(2.3)  # older than the stale-pending threshold of the test settings (2 s)
    assert jobs_reconcile()["redispatched"] >= 1
    wait_status(a, job.pk, "done", timeout=60, worker=worker)
    with tenant_scope(a.pk):
        assert RegistryEntry.objects.get(pk=entry.pk).stamped_at is not None
