"""Preview of office files: LibreOffice converts them to PDF in a fenced, throw-away process
(documents/files/preview.py), the ``files.preview`` job stores the PDF beside the original
(documents/files/jobs.py). Every document is built here with zipfile (or by LibreOffice itself from
one built here); nothing is downloaded. Tests that need LibreOffice skip when ``soffice`` is missing."""

from __future__ import annotations

import http.server
import io
import os
import shutil
import subprocess
import tempfile
import threading
import time
import zipfile
from pathlib import Path

import pikepdf
import pytest

from documents.files import preview as preview_module
from documents.files.inspect import DOC, DOCX, ODP, ODS, ODT, PPTX, XLS, XLSX, inspect_file
from documents.files.jobs import preview_file
from documents.files.preview import PreviewFailed, convert_to_pdf, preview_enqueue_for_letter
from documents.files.services import file_prepare, file_read, file_record
from documents.models import FileRole, FileState, Letter, StoredFile
from tenants.models import Job
from tests.registry import fixtures_files as F

pytestmark = pytest.mark.django_db

needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None,
    reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-core-nogui "
           "libreoffice-writer-nogui libreoffice-calc-nogui libreoffice-impress-nogui",
)
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is missing")

FLOOD = "น้ำท่วม"

# --- documents built by hand ----------------------------------------------------------------------------------


def _zip(entries: list[tuple[str, bytes | str]], *, stored_first: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for i, (name, data) in enumerate(entries):
            kind = zipfile.ZIP_STORED if stored_first and i == 0 else zipfile.ZIP_DEFLATED
            zf.writestr(name, data, compress_type=kind)
    return out.getvalue()


W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"


def _types(overrides: list[tuple[str, str]]) -> str:
    parts = "".join(f'<Override PartName="{name}" ContentType="{ct}"/>' for name, ct in overrides)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        f'<Default Extension="xml" ContentType="application/xml"/>{parts}</Types>'
    )


def _rels(target: str) -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_RELS}">'
            f'<Relationship Id="rId1" Type="{OFFICE_DOC_REL}" Target="{target}"/></Relationships>')


def docx(text: str = f"เรื่อง {FLOOD} ในพื้นที่", *, document_xml: str | None = None) -> bytes:
    """A minimal Word document; the run asks for TH SarabunPSK like a Thai government letter."""
    body = document_xml or (
        f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:rPr>'
        '<w:rFonts w:ascii="TH SarabunPSK" w:hAnsi="TH SarabunPSK" w:cs="TH SarabunPSK"/></w:rPr>'
        f'<w:t>{text}</w:t></w:r></w:p></w:body></w:document>'
    )
    main = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    return _zip([
        ("[Content_Types].xml", _types([("/word/document.xml", main)])),
        ("_rels/.rels", _rels("word/document.xml")),
        ("word/document.xml", body),
    ])


def xlsx(text: str = f"{FLOOD} ตาราง") -> bytes:
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel_ns = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    return _zip([
        ("[Content_Types].xml", _types([
            ("/xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
            ("/xl/worksheets/sheet1.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"),
        ])),
        ("_rels/.rels", _rels("xl/workbook.xml")),
        ("xl/workbook.xml", f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{ns}" xmlns:r="{rel_ns}">'
                            '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        ("xl/_rels/workbook.xml.rels",
         f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_RELS}"><Relationship Id="rId1" '
         f'Type="{rel_ns}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
        ("xl/worksheets/sheet1.xml", f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{ns}"><sheetData>'
                                     f'<row r="1"><c r="A1" t="inlineStr"><is><t>{text}</t></is></c></row>'
                                     '</sheetData></worksheet>'),
    ])


ODF_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
    'xmlns:xlink="http://www.w3.org/1999/xlink" office:version="1.2"'
)


def _odf(mimetype: str, body: str, extra: list[tuple[str, bytes | str]] | None = None) -> bytes:
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{mimetype}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    content = f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODF_NS}><office:body>{body}</office:body></office:document-content>'
    return _zip([("mimetype", mimetype), ("content.xml", content), ("META-INF/manifest.xml", manifest)] + (extra or []),
                stored_first=True)


def odt(text: str = f"{FLOOD} ODT", extra: list[tuple[str, bytes | str]] | None = None) -> bytes:
    return _odf("application/vnd.oasis.opendocument.text", f"<office:text><text:p>{text}</text:p></office:text>", extra)


def odp(text: str = f"{FLOOD} ODP") -> bytes:
    return _odf(
        "application/vnd.oasis.opendocument.presentation",
        '<office:presentation><draw:page draw:name="p1"><draw:frame svg:x="2cm" svg:y="2cm" svg:width="20cm" '
        f'svg:height="3cm"><draw:text-box><text:p>{text}</text:p></draw:text-box></draw:frame></draw:page>'
        "</office:presentation>",
    )


def odt_with_linked_image(url: str) -> bytes:
    return _odf(
        "application/vnd.oasis.opendocument.text",
        '<office:text><text:p>linked<draw:frame draw:name="i" text:anchor-type="as-char" svg:width="2cm" '
        f'svg:height="2cm"><draw:image xlink:href="{url}" xlink:type="simple" xlink:show="embed" '
        'xlink:actuate="onLoad"/></draw:frame></text:p></office:text>',
    )


def soffice_made(data: bytes, source_ext: str, target: str, tmp_path: Path) -> bytes:
    """A document in another format, saved by LibreOffice itself from one built here (DOC, XLS, …)."""
    work = Path(tempfile.mkdtemp(dir=tmp_path))
    (work / f"source.{source_ext}").write_bytes(data)
    subprocess.run(
        ["soffice", "--headless", "--norestore", f"-env:UserInstallation={(work / 'profile').as_uri()}",
         "--convert-to", target, "--outdir", str(work / "out"), str(work / f"source.{source_ext}")],
        check=True, capture_output=True, timeout=120, stdin=subprocess.DEVNULL,
    )
    (made,) = (work / "out").iterdir()
    return made.read_bytes()


def pdf_text(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True, timeout=60).stdout.decode()


def pdf_fonts(pdf: bytes) -> set[str]:
    names: set[str] = set()
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            for font in (page.Resources.get("/Font") or {}).values():
                names.add(str(font.get("/BaseFont", "")))
    return names


# --- fixtures ---------------------------------------------------------------------------------------------------


@pytest.fixture
def file_root(settings, tmp_path):  # type: ignore[no-untyped-def]
    root = tmp_path / "files"
    settings.STORAGES = {
        **settings.STORAGES,
        "registry_files": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(root)}},
    }
    return root


@pytest.fixture
def preview_tmp(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """Conversions make their folders under this test's own temporary folder."""
    root = tmp_path / "conversions"
    root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(root))
    return root


def record(tenant, data: bytes, name: str, *, letter_id: int | None = None, role: str = FileRole.ENCLOSURE) -> StoredFile:  # type: ignore[no-untyped-def]
    prepared = file_prepare(data, name)
    return file_record(tenant_id=tenant.pk, prepared=prepared, letter_id=letter_id, role=role, actor_id=None)


def run_job(tenant, stored: StoredFile) -> dict:  # type: ignore[no-untyped-def]
    """The handler exactly as the job runner calls it (inside the tenant's scope)."""
    return preview_file(tenant_id=tenant.pk, job_id=0, file_id=stored.pk)


def previews_of(tenant, stored: StoredFile) -> list[StoredFile]:  # type: ignore[no-untyped-def]
    return list(StoredFile.objects.filter(tenant_id=tenant.pk, derived_from_id=stored.pk, role=FileRole.PREVIEW))


def conversion_folders(root: Path) -> list[Path]:
    """Conversion folders left behind (the shared font cache stays, by design)."""
    return [p for p in root.iterdir() if not p.name.startswith("eoffice-preview-fontcache-")]


def processes_mentioning(fragment: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\x00", b" ").decode(errors="replace")
        except OSError:
            continue
        if fragment in cmdline:
            found.append(int(entry.name))
    return found


# --- the job ----------------------------------------------------------------------------------------------------


@needs_soffice
@needs_pdftotext
def test_docx_preview_is_a_pdf_with_the_thai_text(tenant_a, in_tenant, file_root, preview_tmp):
    with in_tenant(tenant_a):
        original = docx()
        source = record(tenant_a, original, "รายงาน น้ำท่วม.docx")
        assert source.content_type == DOCX and source.flags["preview"] == "unavailable"
        result = run_job(tenant_a, source)

        (made,) = previews_of(tenant_a, source)
        assert result == {"preview_file": made.pk, "pages": 1}
        assert made.role == FileRole.PREVIEW and made.content_type == "application/pdf"
        assert made.state == FileState.OK and made.flags == {"pages": 1}
        assert made.key_id == source.key_id and made.letter_id == source.letter_id
        assert made.original_name == "รายงาน น้ำท่วม.pdf"
        source.refresh_from_db()
        assert source.flags["preview"] == "ready" and source.flags["preview_file_id"] == made.pk
        pdf = file_read(made)
        assert FLOOD in pdf_text(pdf)
        # TH SarabunPSK (asked for by the document) is drawn with Sarabun: Thai glyphs, not empty boxes.
        assert any("Sarabun" in name for name in pdf_fonts(pdf))
        # The original is untouched.
        assert file_read(source) == original

        # Idempotent: a second run (a retried job) makes nothing new.
        again = run_job(tenant_a, source)
        assert again == {"skipped": "preview exists", "preview_file": made.pk}
        assert len(previews_of(tenant_a, source)) == 1
    assert conversion_folders(preview_tmp) == []  # every conversion folder removed


@needs_soffice
@needs_pdftotext
@pytest.mark.parametrize(("make", "name", "content_type"), [
    (odt, "บันทึก.odt", ODT),
    (xlsx, "ตาราง.xlsx", XLSX),
    (odp, "สไลด์.odp", ODP),
])
def test_odt_xlsx_odp_previews(tenant_a, in_tenant, file_root, preview_tmp, make, name, content_type):
    with in_tenant(tenant_a):
        source = record(tenant_a, make(), name)
        assert source.content_type == content_type
        run_job(tenant_a, source)
        (made,) = previews_of(tenant_a, source)
        assert FLOOD in pdf_text(file_read(made))


@needs_soffice
@needs_pdftotext
def test_doc_xls_ods_pptx_previews(tmp_path, preview_tmp):
    """The binary and other formats, made by LibreOffice from documents built here, then checked by
    the files layer like any upload and converted."""
    cases = [
        (soffice_made(odt(f"{FLOOD} DOC"), "odt", "doc:MS Word 97", tmp_path), DOC, "doc"),
        (soffice_made(xlsx(f"{FLOOD} XLS"), "xlsx", "xls:MS Excel 97", tmp_path), XLS, "xls"),
        (soffice_made(xlsx(f"{FLOOD} ODS"), "xlsx", "ods", tmp_path), ODS, "ods"),
        (soffice_made(odp(f"{FLOOD} PPTX"), "odp", "pptx:Impress MS PowerPoint 2007 XML", tmp_path), PPTX, "pptx"),
    ]
    for data, content_type, suffix in cases:
        assert inspect_file(data, f"x.{suffix}").content_type == content_type
        assert preview_module.preview_suffix(content_type) == suffix
        text = pdf_text(convert_to_pdf(data, suffix, timeout=120))
        assert f"{FLOOD} {suffix.upper()}" in text, (suffix, text)


@needs_soffice
def test_a_broken_docx_fails_cleanly_with_a_clear_message(tenant_a, in_tenant, file_root, preview_tmp):
    broken = docx(document_xml=f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>ไม่จบ')
    assert inspect_file(broken, "x.docx").content_type == DOCX  # the files layer takes it (a valid package)

    with pytest.raises(PreviewFailed) as info:
        convert_to_pdf(broken, "docx", timeout=120)
    err = info.value
    assert err.reason == "failed" and err.code == "preview_failed"
    assert err.message_th.startswith("สร้างภาพตัวอย่าง (PDF) ไม่ได้: เอกสารอาจเสียหาย")
    assert err.message_en.startswith("The preview (PDF) could not be made: the document may be damaged")

    with in_tenant(tenant_a):
        source = record(tenant_a, broken, "เสีย.docx")
        result = run_job(tenant_a, source)
        assert result["failed"] == "failed" and result["message_th"] == err.message_th
        source.refresh_from_db()
        assert source.flags["preview"] == "failed: failed"
        assert previews_of(tenant_a, source) == []
    assert conversion_folders(preview_tmp) == []


@needs_soffice
def test_a_conversion_over_the_time_limit_is_killed_and_reported(tenant_a, in_tenant, file_root, preview_tmp, settings):
    settings.EOFFICE_PREVIEW_TIMEOUT = 0.5  # LibreOffice needs seconds just to start
    with in_tenant(tenant_a):
        source = record(tenant_a, docx(), "ช้า.docx")
        started = time.monotonic()
        result = run_job(tenant_a, source)
        elapsed = time.monotonic() - started
        assert result["failed"] == "timeout"
        assert "0.5 วินาที" in result["message_th"] and "0.5 s" in result["message_en"]
        source.refresh_from_db()
        assert source.flags["preview"] == "failed: timeout"
        assert previews_of(tenant_a, source) == []
    assert elapsed < 15  # killed, not waited for
    assert processes_mentioning(str(preview_tmp)) == []  # the whole process group is gone
    assert conversion_folders(preview_tmp) == []


@pytest.mark.parametrize(("make", "name", "flag"), [
    (F.docm_bytes, "แมโคร.docm", "macros"),
    (lambda: odt(extra=[("Basic/Standard/Module1.xml", "<script:module/>")]), "แมโคร.odt", "macros"),
    (lambda: F.doc_bytes(macros=True), "แมโคร.doc", "macros"),
])
def test_a_file_with_macros_is_not_converted(tenant_a, in_tenant, file_root, preview_tmp, settings, make, name, flag):
    """Quarantined by the files layer, so never opened by LibreOffice: the job records why. (With
    ``EOFFICE_SOFFICE`` pointing nowhere, any attempt to convert would fail as "unavailable".)"""
    settings.EOFFICE_SOFFICE = "/nonexistent/soffice"
    with in_tenant(tenant_a):
        source = record(tenant_a, make(), name)
        assert source.state == FileState.QUARANTINED and source.flags[flag] is True
        result = run_job(tenant_a, source)
        assert result == {"skipped": "quarantined", "problem": source.problem}
        source.refresh_from_db()
        assert source.flags["preview"] == "skipped: quarantined" and source.flags[flag] is True
        assert previews_of(tenant_a, source) == []
    assert conversion_folders(preview_tmp) == []  # no conversion was even started


@needs_soffice
@pytest.mark.parametrize("network_namespace", [True, False], ids=["namespace", "profile-only"])
def test_linked_content_is_never_fetched(preview_tmp, monkeypatch, network_namespace):
    """A document linking an image on a web server: stock LibreOffice fetches it while converting (a
    tracking pixel, or a request into the internal network); ours does not, by its profile alone and
    inside its empty network namespace."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        do_OPTIONS = do_HEAD = do_GET  # noqa: N815

        def log_message(self, *args) -> None:  # type: ignore[no-untyped-def]
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    if not network_namespace:
        monkeypatch.setattr(preview_module, "_network_sandbox", lambda: ())
    try:
        pdf = convert_to_pdf(odt_with_linked_image(f"http://127.0.0.1:{server.server_port}/pixel.png"), "odt", timeout=120)
    finally:
        server.shutdown()
        server.server_close()
    assert pdf.startswith(b"%PDF-")
    assert hits == []


@needs_soffice
def test_parallel_conversions_do_not_collide(preview_tmp):
    results: dict[int, bytes | Exception] = {}

    def convert(i: int) -> None:
        try:
            results[i] = convert_to_pdf(docx(f"{FLOOD} {i}"), "docx", timeout=120)
        except Exception as exc:  # reported below
            results[i] = exc

    threads = [threading.Thread(target=convert, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert all(isinstance(results.get(i), bytes) for i in range(3)), results
    if shutil.which("pdftotext"):
        for i in range(3):
            assert f"{FLOOD} {i}" in pdf_text(results[i])  # type: ignore[arg-type]
    assert conversion_folders(preview_tmp) == []


@needs_soffice
def test_output_size_limit(settings, preview_tmp):
    settings.EOFFICE_PREVIEW_MAX_OUTPUT_BYTES = 1000  # the PDF of any document is larger
    with pytest.raises(PreviewFailed) as info:
        convert_to_pdf(docx(), "docx", timeout=120)
    assert info.value.reason == "too_large"
    assert "1000 bytes" in info.value.message_en


@needs_soffice
def test_memory_limit_fails_cleanly(settings, preview_tmp):
    settings.EOFFICE_PREVIEW_MAX_MB = 200  # far too little for LibreOffice
    with pytest.raises(PreviewFailed) as info:
        convert_to_pdf(docx(), "docx", timeout=120)
    assert info.value.reason in ("failed", "timeout")
    assert processes_mentioning(str(preview_tmp)) == []


def test_without_libreoffice_the_failure_is_clear(settings, preview_tmp):
    settings.EOFFICE_SOFFICE = "/nonexistent/soffice"
    with pytest.raises(PreviewFailed) as info:
        convert_to_pdf(docx(), "docx", timeout=5)
    assert info.value.reason == "unavailable"
    assert "LibreOffice" in info.value.message_th and "not installed" in info.value.message_en


def test_only_known_office_types_are_converted(preview_tmp):
    for suffix in ("pdf", "docm", "exe", ""):
        with pytest.raises(PreviewFailed) as info:
            convert_to_pdf(b"x", suffix, timeout=5)
        assert info.value.reason == "unsupported"
    assert preview_module.preview_suffix("application/pdf") is None
    assert preview_module.preview_suffix("application/vnd.ms-word.document.macroEnabled.12") is None


def test_a_file_that_is_not_an_office_document_is_left_alone(tenant_a, in_tenant, file_root):
    with in_tenant(tenant_a):
        source = record(tenant_a, F.pdf_bytes(), "หนังสือ.pdf", role=FileRole.ORIGINAL)
        result = run_job(tenant_a, source)
        assert result["skipped"].startswith("not a convertible office file")
        source.refresh_from_db()
        assert "preview" not in source.flags


# --- enqueueing -------------------------------------------------------------------------------------------------


def test_enqueue_one_idempotent_job_per_office_file_of_the_letter(tenant_a, in_tenant, file_root, user_named):
    clerk = user_named("a_central_clerk")
    with in_tenant(tenant_a):
        letter = Letter.objects.create(tenant_id=tenant_a.pk, kind="external", subject="แจ้งเหตุน้ำท่วม", created_by=clerk)
        record(tenant_a, F.pdf_bytes(), "หนังสือ.pdf", letter_id=letter.pk, role=FileRole.ORIGINAL)
        word = record(tenant_a, docx(), "รายงาน.docx", letter_id=letter.pk)
        sheet = record(tenant_a, xlsx(), "ตาราง.xlsx", letter_id=letter.pk)
        macro = record(tenant_a, F.docm_bytes(), "แมโคร.docm", letter_id=letter.pk)
        record(tenant_a, docx(), "อื่น.docx")  # another letter's (none): not included
        jobs_before = Job.objects.filter(tenant_id=tenant_a.pk, kind="files.preview").count()

        assert preview_enqueue_for_letter(tenant_id=tenant_a.pk, letter_id=letter.pk) == 3
        jobs = Job.objects.filter(tenant_id=tenant_a.pk, kind="files.preview").order_by("id")
        assert jobs.count() == jobs_before + 3
        new = list(jobs)[-3:]
        assert {j.idempotency_key for j in new} == {f"preview:{f.pk}" for f in (word, sheet, macro)}
        assert {j.args["file_id"] for j in new} == {word.pk, sheet.pk, macro.pk}

        # Again (a retried registration): the same jobs, no new ones.
        assert preview_enqueue_for_letter(tenant_id=tenant_a.pk, letter_id=letter.pk) == 3
        assert Job.objects.filter(tenant_id=tenant_a.pk, kind="files.preview").count() == jobs_before + 3


def test_enqueue_needs_the_tenants_scope(tenant_a, file_root):
    with pytest.raises(RuntimeError):
        preview_enqueue_for_letter(tenant_id=tenant_a.pk, letter_id=1)


def test_no_conversion_left_running(preview_tmp):
    """Belt and braces for the whole module: nothing under this test's conversion folder runs."""
    assert processes_mentioning(str(preview_tmp)) == []
    assert os.environ.get("FONTCONFIG_FILE") is None  # conversions never change this process's environment
