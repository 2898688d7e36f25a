"""Drafts from files (issue 5 §1, §4): a DOCX with {ที่} {วันที่} gets the number and date where the
clerk put them in the final version; a PDF gets them in the clerk's box; without placeholders or a box
"ready to sign" refuses; a broken file is refused with its reason and leaves no draft."""

from __future__ import annotations

import subprocess

import pytest

from documents.drafting import services
from documents.drafting.errors import DraftingError
from documents.drafting.layout import number_text
from documents.files.services import file_read
from documents.models import Draft, DraftSource, FileRole, StoredFile
from eoffice.common.exceptions import ApplicationError
from tenants.context import tenant_scope
from tenants.jobs_registry import handler_for
from tests.drafting import docx_fixtures
from tests.drafting.test_drafting_services import _input
from tests.registry.conftest import make_pdf

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def _ready(a, officer, clerk, upload, **kw):  # type: ignore[no-untyped-def]
    draft = services.draft_create(tenant_id=a.pk, actor=officer, data=_input(source=upload, body_html="", **kw))
    services.draft_submit(tenant_id=a.pk, actor=officer, draft_id=draft.pk, route_id=None)
    return draft


def test_a_docx_gets_its_number_and_date_where_the_placeholders_were(tenants, actor_of):
    a = tenants.a
    officer, clerk = actor_of("a_officer", a), actor_of("a_central_clerk", a)
    docx = docx_fixtures.letter_docx()
    with tenant_scope(a.pk):
        draft = _ready(a, officer, clerk, services.SourceUpload(docx, "หนังสือขอความอนุเคราะห์.docx"))
        assert draft.source == DraftSource.DOCX
        services.draft_ready(tenant_id=a.pk, actor=clerk, draft_id=draft.pk, confirmed=services.READY_CHECKS)
        draft.refresh_from_db()
        out = handler_for("drafting.render_final")(tenant_id=a.pk, job_id=0, draft_id=draft.pk, entry_id=draft.entry_id)
        assert "final" in out, out
        text = _text(file_read(StoredFile.objects.get(pk=out["final"])))
        assert number_text(draft.entry) in text and "{ที่}" not in text and "{วันที่}" not in text
        assert StoredFile.objects.filter(letter_id=draft.letter_id, role=FileRole.FILE_COPY).exists()


def test_a_docx_without_placeholders_cannot_be_made_ready(tenants, actor_of):
    a = tenants.a
    officer, clerk = actor_of("a_officer", a), actor_of("a_central_clerk", a)
    plain = docx_fixtures.letter_docx(body=docx_fixtures.para(docx_fixtures.run("ไม่มีตำแหน่งเลขที่")),
                                      header=docx_fixtures.header_xml(docx_fixtures.para(docx_fixtures.run("หัวกระดาษ"))))
    with tenant_scope(a.pk):
        draft = _ready(a, officer, clerk, services.SourceUpload(plain, "ไม่มีเลข.docx"))
        with pytest.raises(DraftingError) as err:
            services.draft_ready(tenant_id=a.pk, actor=clerk, draft_id=draft.pk, confirmed=services.READY_CHECKS)
        assert err.value.code == "no_placeholders" and "{ที่}" in err.value.message_th


def test_a_pdf_gets_the_text_in_its_box(tenants, actor_of):
    a = tenants.a
    officer, clerk = actor_of("a_officer", a), actor_of("a_central_clerk", a)
    pdf = make_pdf("ร่างจากไฟล์ PDF")
    box = {"page": 1, "x_mm": 30, "y_mm": 40, "w_mm": 80, "h_mm": 20}
    with tenant_scope(a.pk):
        no_box = _ready(a, officer, clerk, services.SourceUpload(pdf, "ร่าง.pdf"))
        with pytest.raises(DraftingError) as err:
            services.draft_ready(tenant_id=a.pk, actor=clerk, draft_id=no_box.pk, confirmed=services.READY_CHECKS)
        assert err.value.code == "no_number_box"
        with pytest.raises(ApplicationError) as outside:
            services.draft_create(tenant_id=a.pk, actor=officer, data=_input(
                source=services.SourceUpload(pdf, "ร่าง.pdf"), number_box={**box, "x_mm": 500}))
        assert outside.value.code == "box_outside"
        draft = _ready(a, officer, clerk, services.SourceUpload(pdf, "ร่าง.pdf"), number_box=box)
        services.draft_ready(tenant_id=a.pk, actor=clerk, draft_id=draft.pk, confirmed=services.READY_CHECKS)
        draft.refresh_from_db()
        out = handler_for("drafting.render_final")(tenant_id=a.pk, job_id=0, draft_id=draft.pk, entry_id=draft.entry_id)
        text = _text(file_read(StoredFile.objects.get(pk=out["final"])))
        assert f"ที่ {number_text(draft.entry)}" in text


def test_a_broken_file_is_refused_and_leaves_no_draft(tenants, actor_of):
    a = tenants.a
    officer = actor_of("a_officer", a)
    with tenant_scope(a.pk):
        before = Draft.objects.filter(tenant_id=a.pk).count()
        for data, name in ((b"PK\x03\x04broken", "เสีย.docx"), (b"hello", "ข้อความ.txt")):
            with pytest.raises(ApplicationError) as err:
                services.draft_create(tenant_id=a.pk, actor=officer,
                                      data=_input(source=services.SourceUpload(data, name)))
            assert err.value.message_th and err.value.message_en
        assert Draft.objects.filter(tenant_id=a.pk).count() == before


def test_a_word_file_tied_only_to_a_shared_template_is_accepted(tenants, actor_of):
    a = tenants.a
    officer = actor_of("a_officer", a)
    # the files layer's only finding here is the external template (the linked parts are cut, not flagged)
    docx = docx_fixtures.letter_docx(canary="http://127.0.0.1:9/")
    with tenant_scope(a.pk):
        draft = services.draft_create(tenant_id=a.pk, actor=officer,
                                      data=_input(source=services.SourceUpload(docx, "แม่แบบกลาง.docx"), body_html=""))
        version = draft.versions.get()
        assert version.source_file.state == "quarantined"  # kept as it came, never offered for download
