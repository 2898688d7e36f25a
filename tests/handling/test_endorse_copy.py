"""Notes and endorsements appended to the stamped working copy (issue 4 §1, last bullet): a PDF
incremental update per job (the previous version is a byte prefix of the next), the received original
untouched, qpdf-valid, the Thai text extractable (name, post, the acting line, the words), injection
payloads inert, idempotent, in event order, skipped cleanly for a letter with no file, and carried onto
a unit's newer stamped copy. The jobs are the real outbox rows, run by their registered handlers."""

from __future__ import annotations

import hashlib
import subprocess
import tempfile
import uuid

import pytest
from django.utils import timezone

from documents.files.services import file_prepare, file_read
from documents.handling import services
from documents.handling.jobs import ENDORSE_COPY_JOB
from documents.models import EventKind, FileRole, HandlingEvent, StoredFile
from documents.registry import services as registry_services
from documents.registry.inputs import IncomingInput, PartyInput
from documents.registry.selectors import working_copy
from tenants.context import tenant_scope
from tenants.jobs_registry import handler_for
from tenants.models import Agency, Job, JobStatus, Membership
from tenants.services import org
from tests.handling.conftest import finance, mayor, note, palad, unit_book
from tests.registry.conftest import make_pdf

pytestmark = pytest.mark.django_db

XSS = '<img src=file:///etc/passwd> <link href="http://127.0.0.1:9/x.css"> <script>alert(1)</script>'


def _text(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def _qpdf_ok(pdf: bytes) -> None:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        r = subprocess.run(["qpdf", "--check", f.name], capture_output=True)
    if r.returncode not in (0, 3):  # 3 = warnings only
        raise AssertionError(r.stdout.decode() + r.stderr.decode())
    assert b"No syntax or stream encoding errors" in r.stdout


def _register(a, clerk, *, with_file: bool = True):  # type: ignore[no-untyped-def]
    files = [file_prepare(make_pdf("ต้นฉบับ"), "หนังสือ.pdf")] if with_file else []
    return registry_services.register_incoming(
        tenant_id=a.pk, actor=clerk, idempotency_key=uuid.uuid4().hex, files=files,
        data=IncomingInput(subject="ขอความร่วมมือสำรวจน้ำประปา", sender=PartyInput(name="อำเภอทดสอบ")),
    )


def _run(a, kind: str, *, key: str | None = None) -> list[dict]:  # type: ignore[no-untyped-def]
    """Run the not-yet-run outbox jobs of a kind (oldest first) with their own arguments."""
    jobs = Job.objects.filter(tenant_id=a.pk, kind=kind).exclude(status=JobStatus.DONE).order_by("pk")
    if key is not None:
        jobs = jobs.filter(idempotency_key=key)
    out = []
    for job in jobs:
        out.append(handler_for(kind)(tenant_id=a.pk, job_id=job.pk, **job.args))
        Job.objects.filter(pk=job.pk).update(status=JobStatus.DONE)
    return out


def _endorsed(a, letter_id: int) -> list[StoredFile]:  # type: ignore[no-untyped-def]
    return list(StoredFile.objects.filter(tenant_id=a.pk, letter_id=letter_id, role=FileRole.ENDORSED).order_by("pk"))


def test_each_endorsement_is_an_incremental_update_of_the_working_copy(tenants, actor_of, setup_a):
    a = tenants.a
    clerk, head, officer = actor_of("a_central_clerk", a), actor_of("a_head", a), actor_of("a_officer", a)
    with tenant_scope(a.pk):
        org.position_assign(tenant_id=a.pk, actor=None, position=mayor(a),
                            membership=Membership.objects.get(tenant_id=a.pk, user__username="a_officer"),
                            starts_on=timezone.localdate(), kind="acting")
        chain, _ = setup_a(positions=[palad(a), mayor(a)])
        entry = _register(a, clerk)
        original = StoredFile.objects.get(tenant_id=a.pk, letter_id=entry.letter_id, role=FileRole.ORIGINAL)
        original_bytes, original_sha = file_read(original), original.sha256
        _run(a, "registry.stamp")
        stamped = StoredFile.objects.get(tenant_id=a.pk, letter_id=entry.letter_id, role=FileRole.STAMPED)
        stamped_bytes = file_read(stamped)

        handling = services.handling_start(tenant_id=a.pk, actor=clerk, entry_id=entry.pk,
                                           note=note(summary="ขอเชิญประชุมเรื่องน้ำท่วม " + XSS))
        noted = HandlingEvent.objects.get(handling=handling, kind=EventKind.NOTED)
        job = Job.objects.get(tenant_id=a.pk, kind=ENDORSE_COPY_JOB, idempotency_key=f"endorse_copy:{noted.pk}")
        assert job.args == {"letter_id": entry.letter_id, "event_id": noted.pk}  # enqueued with the note
        (result,) = _run(a, ENDORSE_COPY_JOB)
        (v1,) = _endorsed(a, entry.letter_id)
        assert result == {"endorsed_file": v1.pk, "events": [noted.pk]}
        v1_bytes = file_read(v1)
        assert v1_bytes.startswith(stamped_bytes) and len(v1_bytes) > len(stamped_bytes)  # appended, not rewritten
        assert v1.derived_from_id == stamped.pk and v1.key_id == stamped.key_id

        first = services.present(tenant_id=a.pk, actor=clerk, handling_id=handling.pk, chain_id=chain.pk)
        services.endorse(tenant_id=a.pk, actor=head, holding_id=first.pk, phrase="เพื่อโปรดพิจารณา",
                         text="เห็นควรอนุมัติ")
        (second,) = list(handling.holdings.filter(status="open"))
        services.endorse(tenant_id=a.pk, actor=officer, holding_id=second.pk, phrase="อนุมัติ",
                         text="มอบกองคลังดำเนินการ", order_units=[finance(a).pk])
        _run(a, ENDORSE_COPY_JOB)
        versions = _endorsed(a, entry.letter_id)
        assert len(versions) == 3
        v3 = versions[-1]
        v2_bytes, v3_bytes = file_read(versions[1]), file_read(v3)
        assert v2_bytes.startswith(v1_bytes) and v3_bytes.startswith(v2_bytes)
        assert working_copy(tenant_id=a.pk, letter_id=entry.letter_id) == v3
        events = list(HandlingEvent.objects.filter(handling=handling, kind__in=(EventKind.NOTED, EventKind.ENDORSED))
                      .order_by("pk").values_list("pk", flat=True))
        assert v3.flags["endorsements"] == events and v3.flags["stamped_id"] == stamped.pk

        # the received original is bit-exact
        original.refresh_from_db()
        assert file_read(original) == original_bytes and original.sha256 == original_sha
        assert hashlib.sha256(original_bytes).hexdigest() == original_sha
        acting = HandlingEvent.objects.get(handling=handling, kind=EventKind.ENDORSED, actor_id=officer.user_id)
        mayor_title, palad_title = mayor(a).title_th, palad(a).title_th
    assert acting.authority_line == f"รักษาราชการแทน {mayor_title}"
    _qpdf_ok(v3_bytes)
    text = _text(v3_bytes)
    for words in ("บันทึกการเกษียน", "ขอเชิญประชุมเรื่องน้ำท่วม", "เห็นควรมอบกองคลัง", "เรียน ",
                  clerk.display_name, head.display_name, palad_title, "เพื่อโปรดพิจารณา", "เห็นควรอนุมัติ",
                  officer.display_name, acting.actor_position, acting.authority_line, "อนุมัติ",
                  "มอบกองคลังดำเนินการ", "ถึง กองคลัง"):
        assert words in text, words
    # typed markup is text: drawn as written, nothing fetched or embedded
    assert "<img src=file:///etc/passwd>" in text and "<script>alert(1)</script>" in text
    assert b"/Subtype /Image" not in v3_bytes and b"/Subtype/Image" not in v3_bytes
    assert text.index("ขอเชิญประชุมเรื่องน้ำท่วม") < text.index("เห็นควรอนุมัติ") < text.index("มอบกองคลังดำเนินการ")


def test_a_rerun_makes_no_second_version_and_racing_jobs_apply_each_once_in_order(tenants, actor_of, setup_a):
    a = tenants.a
    clerk, head = actor_of("a_central_clerk", a), actor_of("a_head", a)
    with tenant_scope(a.pk):
        chain, _ = setup_a()
        entry = _register(a, clerk)
        _run(a, "registry.stamp")
        handling = services.handling_start(tenant_id=a.pk, actor=clerk, entry_id=entry.pk, note=note(summary="บันทึกแรก"))
        step = services.present(tenant_id=a.pk, actor=clerk, handling_id=handling.pk, chain_id=chain.pk)
        services.endorse(tenant_id=a.pk, actor=head, holding_id=step.pk, phrase="ทราบ", text="สั่งการที่สอง")
        noted, endorsed = HandlingEvent.objects.filter(
            handling=handling, kind__in=(EventKind.NOTED, EventKind.ENDORSED)).order_by("pk")
        # the later event's job runs first: it brings in the earlier one too, in event order
        later = _run(a, ENDORSE_COPY_JOB, key=f"endorse_copy:{endorsed.pk}")
        assert later[0]["events"] == [noted.pk, endorsed.pk]
        assert _run(a, ENDORSE_COPY_JOB, key=f"endorse_copy:{noted.pk}")[0]["skipped"]
        (only,) = _endorsed(a, entry.letter_id)
        # a crash after the work but before the job was marked done: the re-run finds it done
        again = handler_for(ENDORSE_COPY_JOB)(tenant_id=a.pk, job_id=0, letter_id=entry.letter_id, event_id=endorsed.pk)
        assert again == {"skipped": "already on the working copy", "file": only.pk}
        assert handler_for(ENDORSE_COPY_JOB)(tenant_id=a.pk, job_id=0, letter_id=entry.letter_id)["skipped"]
        assert _endorsed(a, entry.letter_id) == [only]
        text = _text(file_read(only))
    assert text.count("บันทึกแรก") == 1 and text.count("สั่งการที่สอง") == 1
    assert text.index("บันทึกแรก") < text.index("สั่งการที่สอง")


def test_a_letter_with_no_file_is_skipped_cleanly(tenants, actor_of, setup_a):
    a = tenants.a
    clerk = actor_of("a_central_clerk", a)
    with tenant_scope(a.pk):
        setup_a()
        entry = _register(a, clerk, with_file=False)
        _run(a, "registry.stamp")
        services.handling_start(tenant_id=a.pk, actor=clerk, entry_id=entry.pk, note=note())
        (result,) = _run(a, ENDORSE_COPY_JOB)
        assert "skipped" in result
        assert not StoredFile.objects.filter(tenant_id=a.pk, letter_id=entry.letter_id).exists()


def test_thai_digits_and_a_units_newer_stamped_copy(tenants, actor_of, setup_a):
    a = tenants.a
    clerk, head, unit_clerk = actor_of("a_central_clerk", a), actor_of("a_head", a), actor_of("a_unit_clerk", a)
    with tenant_scope(a.pk):
        Agency.objects.filter(pk=a.pk).update(use_thai_digits=True)
        chain, _ = setup_a()
        entry = _register(a, clerk)
        _run(a, "registry.stamp")
        handling = services.handling_start(tenant_id=a.pk, actor=clerk, entry_id=entry.pk, note=note())
        step = services.present(tenant_id=a.pk, actor=clerk, handling_id=handling.pk, chain_id=chain.pk)
        services.endorse(tenant_id=a.pk, actor=head, holding_id=step.pk, phrase="มอบ", order_units=[finance(a).pk])
        _run(a, ENDORSE_COPY_JOB)
        (unit_holding,) = services.distribute(tenant_id=a.pk, actor=clerk, handling_id=handling.pk)
        services.unit_register(tenant_id=a.pk, actor=unit_clerk, holding_id=unit_holding.pk, idempotency_key=None)
        _run(a, "registry.stamp")  # the unit's copy: both stamps, from the original
        unit_copy = StoredFile.objects.filter(tenant_id=a.pk, letter_id=entry.letter_id,
                                              role=FileRole.STAMPED).order_by("pk").last()
        assert working_copy(tenant_id=a.pk, letter_id=entry.letter_id) == unit_copy  # until the job runs
        (result,) = _run(a, ENDORSE_COPY_JOB)  # enqueued by the stamp job: everything so far goes onto it
        latest = working_copy(tenant_id=a.pk, letter_id=entry.letter_id)
        assert result["endorsed_file"] == latest.pk and latest.flags["stamped_id"] == unit_copy.pk
        latest_bytes = file_read(latest)
        assert latest_bytes.startswith(file_read(unit_copy))
        unit_name = unit_book(a, finance(a)).unit.name_th
        now_be = str(timezone.localdate().year + 543)
    text = _text(latest_bytes)
    assert unit_name in text and "บันทึกการเกษียน" in text and "มอบ" in text and head.display_name in text
    thai_year = now_be.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
    assert thai_year in text.split("บันทึกการเกษียน", 1)[1]  # the endorsement's date in Thai digits


@pytest.mark.parametrize("object_streams", [False, True])
def test_a_long_note_continues_on_new_pages_and_the_next_block_follows_it(object_streams):
    """The PDF function alone: an input with cross-reference and object streams (as WeasyPrint and
    many scanners write them) too; a block longer than a page continues under "(ต่อ)" headings."""
    import datetime as dt
    import io

    import pikepdf

    from documents.handling.endorse_pdf import USABLE_H, EndorseCursor, EndorsementBlock, endorse_pdf

    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    buf = io.BytesIO()
    pdf.save(buf, object_stream_mode=pikepdf.ObjectStreamMode.generate if object_streams
             else pikepdf.ObjectStreamMode.disable)
    base = buf.getvalue()
    at = dt.datetime(2026, 12, 4, 7, 5, tzinfo=dt.UTC)
    long = EndorsementBlock(title="เกษียนหนังสือ", at=at, name="นางสาวทดสอบ ยาวมาก", paragraphs=("น้ำท่วมขัง " * 1500,))
    one, cursor = endorse_pdf(base, [long], EndorseCursor(), agency_name="อบต.ทดสอบ", number_label="7/2569")
    assert one.startswith(base) and cursor.page is not None and cursor.page >= 3 and 0 < cursor.used <= USABLE_H
    two, after = endorse_pdf(one, [EndorsementBlock(title="เกษียน/สั่งการ", at=at, name="นายผู้สั่ง", phrase="ทราบ")],
                             cursor, agency_name="อบต.ทดสอบ", number_label="7/2569")
    assert two.startswith(one) and after.page == cursor.page and after.used > cursor.used  # under it, same page
    _qpdf_ok(two)
    with pikepdf.open(io.BytesIO(two)) as done:
        assert len(done.pages) == cursor.page + 1
    text = _text(two)
    assert "บันทึกการเกษียน (ต่อ)" in text and "4 ธันวาคม 2569 เวลา 14.05 น." in text
    assert text.index("นางสาวทดสอบ ยาวมาก") < text.index("นายผู้สั่ง")
