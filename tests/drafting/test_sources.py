"""Drafting from a file (documents/drafting/sources.py): Word placeholders filled and converted, the
number and date placed in a box on a PDF, and hostile or broken files refused cleanly (issue 5 §7).

Pure functions, no database. Checked with the tools a reader uses: LibreOffice (the fenced converter
of the files layer) and poppler's pdftotext (text, and word boxes as displayed). Tests that need
LibreOffice or poppler skip when they are missing.
"""

from __future__ import annotations

import hashlib
import http.server
import io
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.request
import zipfile
from pathlib import Path

import pikepdf
import psutil
import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from lxml import etree

from documents.drafting import sources as S
from documents.drafting.sources import (
    PLACEHOLDERS,
    DraftSourceError,
    NumberBox,
    PdfInfo,
    docx_fill,
    docx_inspect,
    docx_to_pdf,
    pdf_inspect,
    pdf_place_text,
    validate_box,
)
from documents.files import preview as preview_module
from documents.files.inspect import DOCX, OK, PDF, QUARANTINED, inspect_file
from documents.registry.stamp import MM
from tests.drafting import docx_fixtures as D
from tests.registry import fixtures_files as F
from tests.registry.test_stamp import letter_pdf, words

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is missing")

NUMBER = "นม 52301/123"
DATE = "4 ธันวาคม 2569"
SUBJECT = "ขอเชิญประชุมคณะกรรมการ"
VALUES = {"ที่": NUMBER, "วันที่": DATE, "เรื่อง": SUBJECT}
LINES = [f"ที่ {NUMBER}", DATE]


def refused(code: str, call, *args, **kwargs) -> DraftSourceError:  # type: ignore[no-untyped-def]
    with pytest.raises(DraftSourceError) as info:
        call(*args, **kwargs)
    error = info.value
    assert error.code == code, (error.code, error.message_en)
    assert error.message_th and error.message_en and error.as_dict()["code"] == code
    return error


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def pdf_text(pdf: bytes, *args: str) -> str:
    return subprocess.run(["pdftotext", "-q", *args, "-", "-"], input=pdf, capture_output=True, check=True,
                          timeout=60).stdout.decode()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def preview_tmp(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """Conversions make their folders (and LibreOffice profiles) under this test's own folder."""
    root = tmp_path / "conversions"
    root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(root))
    return root


def processes_under(root: Path) -> list[psutil.Process]:
    """Processes of a conversion under ``root``: its folder is in their command line (the profile)
    or is their working directory."""
    found = []
    for proc in psutil.process_iter(["cmdline", "cwd"]):
        cmdline = " ".join(proc.info.get("cmdline") or [])
        if str(root) in cmdline or str(root) in (proc.info.get("cwd") or ""):
            found.append(proc)
    return found


class Watcher:
    """Polls ``processes_under(root)`` while a conversion runs, so the test knows the check sees
    LibreOffice at all (an assertion that nothing is left would otherwise prove nothing)."""

    def __init__(self, root: Path):
        self.root, self.seen, self._stop = root, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.seen = max(self.seen, len(processes_under(self.root)))
            time.sleep(0.02)

    def __enter__(self) -> Watcher:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)


# --- inspecting a Word file -------------------------------------------------------------------------------


def test_placeholders_are_found_everywhere_even_split_across_runs():
    info = docx_inspect(D.letter_docx())
    assert PLACEHOLDERS == ("ที่", "วันที่", "เรื่อง")
    assert info.placeholders == frozenset(PLACEHOLDERS)
    assert info.unknown_placeholders == frozenset({"ทิ่"})  # a typo; {unrelated} is not Thai: ignored
    assert info.external_targets == ()  # the hyperlink is kept and not reported
    assert info.pages_hint == 1

    # Each place on its own: split body run, text box, table, header, footer, footnote.
    only = {
        "split body": D.para(D.run("ที่ "), D.split_number()),
        "text box": D.para(D.text_box(D.para(D.run("{วันที่}")))),
        "table": D.table(D.para(D.run("x")), D.para(D.run("{เรื่อง}"))),
    }
    quiet_header = D.header_xml(D.para(D.run("หัวกระดาษ")))
    for where, body in only.items():
        document = D.document_xml(body)
        data = D.letter_docx(document=document, header=quiet_header)
        found = docx_inspect(data).placeholders
        assert found >= {"วันที่", "เรื่อง"}, where  # always in the footer and the footnote
        expected = {"split body": "ที่", "text box": "วันที่", "table": "เรื่อง"}[where]
        assert expected in found, where
    header_only = D.letter_docx(body=D.para(D.run("ไม่มี")), header=D.header_xml(D.para(D.run("{ที่}"))))
    assert "ที่" in docx_inspect(header_only).placeholders


def test_the_main_part_type_may_come_from_a_default():
    parts = members(D.letter_docx())
    types = parts["[Content_Types].xml"].decode()
    types = types.replace(f'<Override PartName="/word/document.xml" ContentType="{D.MAIN}"/>', "")
    types = types.replace('<Default Extension="xml" ContentType="application/xml"/>',
                          f'<Default Extension="xml" ContentType="{D.MAIN}"/>')
    parts["[Content_Types].xml"] = types.encode()
    assert docx_inspect(D.zip_of(list(parts.items()))).placeholders == frozenset(PLACEHOLDERS)
    parts["[Content_Types].xml"] = types.replace(D.MAIN, "application/xml").encode()
    refused("docx_invalid", docx_inspect, D.zip_of(list(parts.items())))


def test_names_are_read_the_way_the_clerk_meant_them():
    body = D.para(D.run("{ ที่ }")) + D.para(D.run("{วัน\u200bที่}")) + D.para(D.run("{ท\u0e48\u0e35}"))
    data = D.letter_docx(body=body)
    assert docx_inspect(data).placeholders == frozenset(PLACEHOLDERS)
    filled = docx_fill(data, VALUES)
    text = members(filled)["word/document.xml"].decode()
    assert text.count(NUMBER) == 2 and DATE in text and "{" not in text

    # A tab between the halves: not one placeholder.
    tabbed = D.para('<w:r><w:t>{ที่</w:t><w:tab/><w:t>}</w:t></w:r>')
    assert "ที่" not in docx_inspect(D.letter_docx(body=tabbed, header=D.header_xml(D.para(D.run("x"))))).placeholders


# --- filling ---------------------------------------------------------------------------------------------------


def test_fill_replaces_every_placeholder_keeps_formatting_and_leaves_the_rest_alone():
    original = D.letter_docx()
    filled = docx_fill(original, VALUES)
    assert filled != original
    info = docx_inspect(filled)
    assert info.placeholders == frozenset() and info.unknown_placeholders == frozenset({"ทิ่"})

    before, after = members(original), members(filled)
    assert list(before) == list(after)  # the same parts in the same order
    for name in ("word/styles.xml", "word/settings.xml", "docProps/app.xml", "[Content_Types].xml", "_rels/.rels",
                 "word/_rels/document.xml.rels"):
        assert after[name] == before[name], name  # nothing to change there: byte-for-byte
    assert after["word/document.xml"].startswith(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document')

    doc = after["word/document.xml"].decode()
    # The value sits in the run where "{" was: bold, TH SarabunPSK 16 pt, revision id kept.
    assert re.search(r'<w:r w:rsidR="00D4E5F6"><w:rPr><w:b/><w:bCs/><w:rFonts w:ascii="TH SarabunPSK"[^>]*/>'
                     r'<w:sz w:val="32"/><w:szCs w:val="32"/></w:rPr><w:t xml:space="preserve">นม 52301/123</w:t>', doc)
    # The date started in a plain run; the italic run that held 'ที่}' is now empty.
    assert re.search(r'w:rsidR="00AA0001">.*?<w:t xml:space="preserve">4 ธันวาคม 2569</w:t>', doc)
    assert re.search(r'w:rsidR="00AA0002"><w:rPr><w:i/>.*?<w:t xml:space="preserve"></w:t>', doc)
    assert doc.count(NUMBER) == 3  # body, DrawingML text box and its VML fallback
    # Text around the placeholders, the typo and other braces: unchanged.
    for kept in ("สำนักงานเทศบาลนครนครราชสีมา", "ด้วยเกิดเหตุน้ำท่วมในพื้นที่ {ทิ่} และ {unrelated} คงเดิม", "ตาราง "):
        assert kept in doc
    assert NUMBER in after["word/header1.xml"].decode() and DATE in after["word/footer1.xml"].decode()
    assert SUBJECT in after["word/footnotes.xml"].decode()

    # Filling is repeatable and deterministic; filling again finds nothing left to fill.
    assert docx_fill(original, VALUES) == filled
    assert docx_fill(filled, VALUES) == filled


_SEGMENTS = st.one_of(
    st.sampled_from(["ที่ ", "ลงวันที่ ", "น้ำท่วม", "สำนักงาน", " ", "ก", "x", "52301", "เรื่อง"]),
    st.sampled_from(["{ที่}", "{วันที่}", "{เรื่อง}", "{ทิ่}", "{abc}"]),
)


@hypothesis_settings(max_examples=60, deadline=None)
@given(segments=st.lists(_SEGMENTS, min_size=1, max_size=8), cuts=st.lists(st.integers(0, 200), max_size=12))
def test_fill_is_right_however_word_splits_the_runs(segments, cuts):
    """Any paragraph, cut into runs anywhere (as Word does): after filling, the paragraph reads as
    the text with each known placeholder replaced, every other character kept in order."""
    text = "".join(segments)
    points = sorted({c % (len(text) + 1) for c in cuts} | {0, len(text)})
    pieces = [text[a:b] for a, b in zip(points, points[1:], strict=False) if b > a]
    runs = [D.run(piece.replace("&", "&amp;"), rsid=f"00{i:06X}") for i, piece in enumerate(pieces)]
    filled = docx_fill(D.letter_docx(body=D.para(*runs)), VALUES)
    root = etree.fromstring(members(filled)["word/document.xml"])  # noqa: S320 - our own output
    ns = {"w": D.W}
    got = "".join(root.xpath("//w:body/w:p[1]//w:t/text()", namespaces=ns))
    expected = "".join(VALUES.get(seg[1:-1], seg) if seg.startswith("{") else seg for seg in segments)
    assert got == expected
    assert len(root.xpath("//w:body/w:p[1]/w:r", namespaces=ns)) == len(pieces)  # no run added or lost


def test_fill_only_what_is_given_and_refuses_unknown_names():
    original = D.letter_docx()
    partly = docx_fill(original, {"ที่": NUMBER})
    assert docx_inspect(partly).placeholders == frozenset({"วันที่", "เรื่อง"})
    assert docx_fill(original, {}) == original  # nothing to fill, nothing external: the very same bytes
    with pytest.raises(ValueError):
        docx_fill(original, {"ทิ่": "x"})
    # Markup in a value is text, not XML; control characters are dropped.
    tricky = docx_fill(original, {"ที่": 'นม <w:b/> & "1"\x00\x07', "วันที่": "a\nb"})
    doc = members(tricky)["word/document.xml"].decode()
    assert "นม &lt;w:b/&gt; &amp; \"1\"</w:t>" in doc and "a b</w:t>" in doc
    assert docx_inspect(tricky).placeholders == frozenset({"เรื่อง"})


def test_external_relationships_are_reported_and_removed_hyperlinks_kept():
    data = D.letter_docx(canary="http://127.0.0.1:9/")
    info = docx_inspect(data)
    assert set(info.external_targets) == {
        "http://127.0.0.1:9/pixel.png", "http://127.0.0.1:9/sheet.xlsx", "http://127.0.0.1:9/template.dotm",
        'INCLUDEPICTURE "http://127.0.0.1:9/field.png" \\d', 'INCLUDETEXT "http://127.0.0.1:9/include.docx"',
        "http://127.0.0.1:9/vml.png",
    }
    filled = docx_fill(data, VALUES)
    assert docx_inspect(filled).external_targets == ()
    parts = members(filled)
    assert all(b"127.0.0.1" not in body for body in parts.values())
    assert b"https://www.example.go.th/" in parts["word/_rels/document.xml.rels"]
    doc = parts["word/document.xml"].decode()
    assert "ภาพจากเขตข้อมูล" in doc and "ข้อความแทรก" in doc  # what the fields showed stays, as text
    assert "fldSimple" not in doc and "INCLUDEPICTURE" not in doc
    # The files layer quarantines the original (external template) and takes the filled copy as it is.
    assert inspect_file(data, "x.docx").state == QUARANTINED
    after = inspect_file(filled, "x.docx")
    assert (after.content_type, after.state) == (DOCX, OK)


# --- hostile and broken Word files -----------------------------------------------------------------------------


def test_not_a_word_file_is_refused_clearly():
    good = D.letter_docx()
    for data in (b"", b"hello, this is text", F.pdf_bytes(), good[: len(good) // 2], good[:-30],
                 D.zip_of([("readme.txt", b"x")]), F.xlsx_bytes()):
        error = refused("docx_invalid", docx_inspect, data)
        assert "DOCX" in error.message_th and "DOCX" in error.message_en
        refused("docx_invalid", docx_fill, data, VALUES)
    no_main = D.zip_of([("[Content_Types].xml", D.content_types()), ("_rels/.rels", D.rels())])
    refused("docx_invalid", docx_inspect, no_main)
    with pytest.warns(UserWarning, match="Duplicate name"):
        twice = D.letter_docx(extra_entries=[("word/document.xml", D.document_xml(D.para(D.run("อีกฉบับ"))))])
    refused("docx_invalid", docx_inspect, twice)  # two parts named word/document.xml: ambiguous


def test_zip_bombs_and_too_many_members(settings):
    started = time.monotonic()
    ratio_bomb = D.letter_docx(extra_entries=[("word/media/image1.png", b"\x00" * (64 * 1024 * 1024))])
    assert len(ratio_bomb) < 1024 * 1024
    refused("docx_too_large", docx_inspect, ratio_bomb)
    many = D.letter_docx(extra_entries=[(f"customXml/item{i}.xml", b"<a/>") for i in range(10_000)])
    refused("docx_too_large", docx_inspect, many)
    some = D.letter_docx(extra_entries=[(f"customXml/item{i}.xml", b"<a/>") for i in range(1_500)])
    refused("docx_too_large", docx_inspect, some)  # fewer than the files layer allows, more than a letter has
    assert time.monotonic() - started < 30

    noise = os.urandom(2 * 1024 * 1024)  # incompressible: no ratio alarm, just big
    big = D.letter_docx(extra_entries=[("word/media/image1.png", noise)])
    assert docx_inspect(big).placeholders
    settings.EOFFICE_DRAFT_DOCX_MAX_MEMBER = 1024 * 1024
    refused("docx_too_large", docx_inspect, big)
    settings.EOFFICE_DRAFT_DOCX_MAX_MEMBER = 100 * 1024 * 1024
    settings.EOFFICE_DRAFT_DOCX_MAX_UNCOMPRESSED = 1024 * 1024
    refused("docx_too_large", docx_inspect, big)
    settings.EOFFICE_DRAFT_DOCX_MAX_UNCOMPRESSED = 200 * 1024 * 1024
    settings.EOFFICE_DRAFT_DOCX_MAX_BYTES = 1024 * 1024
    refused("docx_too_large", docx_inspect, big)


BILLION_LAUGHS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE w:document [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    + f']>\n<w:document xmlns:w="{D.W}"><w:body><w:p><w:r><w:t>&lol9; {{ที่}}</w:t></w:r></w:p></w:body></w:document>'
)


def xxe(encoding: str = "UTF-8") -> str:
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        f'<w:document xmlns:w="{D.W}"><w:body><w:p><w:r><w:t>&xxe; {{ที่}}</w:t></w:r></w:p></w:body></w:document>'
    )


def test_billion_laughs_and_xxe_are_refused_without_expanding_anything():
    started = time.monotonic()
    refused("docx_invalid", docx_inspect, D.letter_docx(document=BILLION_LAUGHS))
    assert time.monotonic() - started < 5
    passwd = Path("/etc/passwd").read_text().splitlines()[0]
    rels_xxe = ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                f'<Relationships xmlns="{D.PKG_RELS}"><Relationship Id="rId1" Type="{D.R}/officeDocument" '
                'Target="word/document.xml&x;"/></Relationships>')
    entries = members(D.letter_docx())
    entries["_rels/.rels"] = rels_xxe.encode()
    cases = [
        D.letter_docx(document=xxe()),
        D.letter_docx(document=xxe("UTF-16").encode("utf-16")),  # no ASCII "<!DOCTYPE" to spot in the bytes
        D.letter_docx(header=xxe().replace("w:document", "w:hdr")),
        D.zip_of(list(entries.items())),
    ]
    for data in cases:
        for call in (docx_inspect, lambda d: docx_fill(d, VALUES)):
            with pytest.raises(DraftSourceError) as info:
                call(data)
            error = info.value
            assert error.code == "docx_invalid"
            shown = f"{error} {error.message_th} {error.message_en} {error.as_dict()} {error.__cause__!r}"
            assert passwd not in shown and "root:" not in shown


def test_macros_activex_embedded_objects_and_encryption_are_refused():
    docm = D.letter_docx(main=D.MACRO_MAIN, extra_entries=[("word/vbaProject.bin", b"\x00" * 64)])
    refused("docx_macro", docx_inspect, docm)
    hidden = D.letter_docx(extra_entries=[("word/vbaProject.bin", b"\x00" * 64)])  # plain type, macro inside
    refused("docx_macro", docx_inspect, hidden)
    refused("docx_macro", docx_inspect, F.docm_bytes())
    activex = D.letter_docx(extra_entries=[("word/activeX/activeX1.xml", b"<ax/>")])
    refused("docx_macro", docx_inspect, activex)
    embedded = D.letter_docx(extra_entries=[("word/embeddings/oleObject1.bin", F.ole_bytes([(("x",), b"1")]))])
    refused("docx_embedded", docx_inspect, embedded)
    # A whole document embedded as an "alternative format chunk": LibreOffice would open it unchecked.
    parts = members(D.letter_docx(body=D.para(D.run("ก่อน")) + '<w:altChunk r:id="rIdAlt"/>'))
    parts["word/_rels/document.xml.rels"] = parts["word/_rels/document.xml.rels"].replace(
        b"</Relationships>", f'<Relationship Id="rIdAlt" Type="{D.R}/aFChunk" Target="chunk.docx"/></Relationships>'.encode())
    parts["word/chunk.docx"] = D.plain_docx("ซ้อน")
    refused("docx_embedded", docx_inspect, D.zip_of(list(parts.items())))
    # Word's "Encrypt with Password" makes an OLE container, not a zip.
    encrypted = F.ole_bytes([(("EncryptionInfo",), b"\x04\x00\x04\x00\x40\x00\x00\x00"), (("EncryptedPackage",), b"x")])
    error = refused("docx_encrypted", docx_inspect, encrypted)
    assert "รหัสผ่าน" in error.message_th
    refused("docx_encrypted", docx_to_pdf, encrypted, timeout=5)
    # A zip with "encrypted" entries (the general-purpose flag's bit 0, local and central headers).
    flagged = bytearray(D.letter_docx())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = flagged.find(signature)
        while at >= 0:
            flagged[at + offset] |= 0x01
            at = flagged.find(signature, at + 4)
    refused("docx_encrypted", docx_inspect, bytes(flagged))
    refused("docx_invalid", docx_inspect, F.doc_bytes())  # an old .doc is not a DOCX


# --- converting --------------------------------------------------------------------------------------------------


@needs_soffice
@needs_pdftotext
def test_fill_then_convert_shows_the_number_and_date_where_the_placeholders_were(preview_tmp):
    pdf = docx_to_pdf(docx_fill(D.letter_docx(), VALUES), timeout=120)
    assert pdf_inspect(pdf).pages == 1
    text = pdf_text(pdf, "-layout")
    lines = [line.strip() for line in text.splitlines()]
    assert f"ที่ {NUMBER}" in lines  # the body line, as typed: "ที่ " then the number
    assert DATE in lines
    assert f"เรื่อง {SUBJECT}" in lines
    assert f"หัวกระดาษ เลขที่ {NUMBER}" in lines and f"ท้ายกระดาษ {DATE}" in lines
    assert f"กล่อง {NUMBER}" in text and f"ลงวันที่ {DATE}" in text and f"เชิงอรรถ {SUBJECT}" in text
    assert "ด้วยเกิดเหตุน้ำท่วมในพื้นที่ {ทิ่} และ {unrelated} คงเดิม" in text
    for name in PLACEHOLDERS:
        assert "{" + name + "}" not in text
    # TH SarabunPSK, asked for by every run, is drawn with the packaged Sarabun (Thai glyphs, not boxes).
    fonts = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "Sarabun" in fonts
    assert list(preview_tmp.iterdir()) == [] or all(p.name.startswith("eoffice-preview-fontcache-")
                                                    for p in preview_tmp.iterdir())


@needs_soffice
@pytest.mark.parametrize("network_namespace", [True, False], ids=["namespace", "profile-only"])
def test_external_template_and_linked_image_are_never_fetched(preview_tmp, monkeypatch, network_namespace):
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        do_OPTIONS = do_HEAD = do_PROPFIND = do_GET  # noqa: N815

        def log_message(self, *args) -> None:  # type: ignore[no-untyped-def]
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    if not network_namespace:  # only our removal of the links (and the profile) stands in the way
        monkeypatch.setattr(preview_module, "_network_sandbox", lambda: ())
    canary = f"http://127.0.0.1:{server.server_port}/"
    try:
        data = D.letter_docx(canary=canary)
        assert len(docx_inspect(data).external_targets) == 6
        filled = docx_fill(data, VALUES)
        assert docx_to_pdf(filled, timeout=120).startswith(b"%PDF-")
        assert docx_to_pdf(data, timeout=120).startswith(b"%PDF-")  # unfilled: the converter strips them too
        assert hits == []
        try:  # the canary itself works: it does record a request
            urllib.request.urlopen(f"{canary}alive", timeout=5)  # noqa: S310
        except OSError:
            pass
        assert hits == ["/alive"]
    finally:
        server.shutdown()
        server.server_close()


@needs_soffice
def test_conversion_timeout_kills_the_whole_process_group(preview_tmp):
    started = time.monotonic()
    with Watcher(preview_tmp) as watcher:
        error = refused("docx_timeout", docx_to_pdf, D.letter_docx(), timeout=0.5)
    assert time.monotonic() - started < 15
    assert error.reason == "timeout"  # type: ignore[attr-defined]
    assert watcher.seen >= 1  # LibreOffice was running and was seen ...
    assert processes_under(preview_tmp) == []  # ... and the whole process group is gone


@needs_soffice
def test_memory_limit_fails_cleanly(settings, preview_tmp):
    settings.EOFFICE_PREVIEW_MAX_MB = 200  # far too little for LibreOffice
    with Watcher(preview_tmp) as watcher, pytest.raises(DraftSourceError) as info:
        docx_to_pdf(D.letter_docx(), timeout=60)
    assert info.value.code in ("docx_convert_failed", "docx_timeout")
    assert watcher.seen >= 1
    assert processes_under(preview_tmp) == []


def test_a_document_libreoffice_cannot_convert(settings, preview_tmp, tmp_path):
    broken_soffice = tmp_path / "soffice"  # a converter that writes no PDF, as LibreOffice does on a bad file
    broken_soffice.write_text("#!/bin/sh\necho 'Error: source file could not be loaded' >&2\nexit 1\n")
    broken_soffice.chmod(0o755)
    settings.EOFFICE_SOFFICE = str(broken_soffice)
    error = refused("docx_convert_failed", docx_to_pdf, D.letter_docx(), timeout=30)
    assert "Word" in error.message_th and ".docx" in error.message_en
    settings.EOFFICE_SOFFICE = "/nonexistent/soffice"
    error = refused("docx_convert_unavailable", docx_to_pdf, D.letter_docx(), timeout=5)
    assert error.status_code == 503


# --- the PDF and its box -------------------------------------------------------------------------------------


def test_pdf_inspect_gives_sizes_as_the_reader_sees_them():
    assert pdf_inspect(letter_pdf(pages=2)) == PdfInfo(pages=2, page_sizes_mm=((210.0, 297.0), (210.0, 297.0)))
    assert pdf_inspect(letter_pdf(rotate=90)).page_sizes_mm == ((297.0, 210.0),)
    assert pdf_inspect(letter_pdf(rotate=270, inherit=True)).page_sizes_mm == ((297.0, 210.0),)
    (cropped,) = pdf_inspect(letter_pdf(cropbox=[40, 60, 500, 760])).page_sizes_mm
    assert cropped == (round(460 / MM, 2), round(700 / MM, 2))


def test_pdf_refusals():
    pdf = pikepdf.new()
    pdf.add_blank_page()
    encrypted = io.BytesIO()
    pdf.save(encrypted, encryption=pikepdf.Encryption(owner="o", user="secret"))
    box = NumberBox(1, 20, 20, 60, 16)
    for call in (pdf_inspect, lambda data: pdf_place_text(data, box, LINES)):
        refused("pdf_encrypted", call, encrypted.getvalue())
        refused("pdf_invalid", call, b"%PDF-1.7 nonsense")
        refused("pdf_invalid", call, letter_pdf()[:200])
        refused("pdf_invalid", call, D.letter_docx())
        refused("pdf_unsafe", call, F.pdf_with_javascript())


def test_number_box_json_is_validated():
    box = NumberBox.from_json({"page": 1, "x_mm": 120, "y_mm": 40.5, "w_mm": 70, "h_mm": 18})
    assert box == NumberBox(1, 120.0, 40.5, 70.0, 18.0)
    assert box.to_json() == {"page": 1, "x_mm": 120.0, "y_mm": 40.5, "w_mm": 70.0, "h_mm": 18.0}
    assert NumberBox.from_json(box.to_json()) == box
    good = box.to_json()
    for bad in (
        None, [], {}, {**good, "extra": 1}, {k: v for k, v in good.items() if k != "h_mm"},
        {**good, "page": 0}, {**good, "page": True}, {**good, "page": 1.0}, {**good, "page": "1"},
        {**good, "x_mm": -1}, {**good, "w_mm": 0}, {**good, "h_mm": float("nan")}, {**good, "y_mm": float("inf")},
        {**good, "x_mm": "10"}, {**good, "w_mm": False}, {**good, "w_mm": 1e9},
    ):
        error = refused("box_invalid", NumberBox.from_json, bad)
        assert error.field == "number_box"


def test_a_box_outside_the_page_is_refused():
    info = pdf_inspect(letter_pdf())
    validate_box(NumberBox(1, 0, 0, 210, 297), info)  # the whole page is fine
    for box in (NumberBox(1, 180, 20, 40, 10), NumberBox(1, 20, 290, 40, 10), NumberBox(2, 20, 20, 40, 10)):
        refused("box_outside", validate_box, box, info)
        refused("box_outside", pdf_place_text, letter_pdf(), box, LINES)
    # On the rotated page the reader sees landscape: 250 mm across fits, 250 mm down does not.
    rotated = letter_pdf(rotate=90)
    validate_box(NumberBox(1, 200, 20, 50, 10), pdf_inspect(rotated))
    refused("box_outside", validate_box, NumberBox(1, 20, 200, 50, 20), pdf_inspect(rotated))


def inside(word: tuple[str, float, float, float, float], box: NumberBox, slack: float = 1.5) -> bool:
    _text, x0, y0, x1, y1 = word
    return (box.x_mm * MM - slack <= x0 and x1 <= (box.x_mm + box.w_mm) * MM + slack
            and box.y_mm * MM - slack <= y0 and y1 <= (box.y_mm + box.h_mm) * MM + slack)


@needs_pdftotext
@pytest.mark.parametrize(("page", "box"), [
    ({}, NumberBox(1, 30, 50, 70, 18)),
    ({"rotate": 90}, NumberBox(1, 200, 30, 70, 18)),
    ({"rotate": 270, "inherit": True}, NumberBox(1, 20, 150, 70, 18)),
    ({"rotate": 180}, NumberBox(1, 120, 250, 70, 18)),
    ({"cropbox": [40, 60, 500, 760]}, NumberBox(1, 100, 10, 60, 16)),
    ({"size": (612, 1008)}, NumberBox(1, 130, 300, 70, 18)),  # US legal
])
def test_text_lands_inside_the_box_upright_and_reads_exactly(page, box):
    source = letter_pdf(**page)
    before = sha(source)
    placed = pdf_place_text(source, box, LINES)
    assert sha(source) == before and placed != source
    args = ("-cropbox",) if "cropbox" in page else ()
    text = pdf_text(placed, *args)
    assert f"ที่ {NUMBER}" in text.splitlines() and DATE in text.splitlines()
    if not page.get("inherit"):  # (that fixture's own text does not show even before placing)
        assert "ORIGINAL LETTER TEXT PAGE 1" in text  # the letter itself is still there
    found = [w for w in words(placed, *args) if not w[0].isupper() and w[0] != "1"]
    number, date = (next(w for w in found if key in w[0]) for key in ("52301/123", "2569"))
    for word in (number, date):
        assert inside(word, box), (word, box)
        assert word[3] - word[1] > word[4] - word[2], "the text must read upright"
    assert number[2] < date[2]  # the number line above the date line
    with pikepdf.open(io.BytesIO(placed)) as pdf:
        assert "/EofficeNumber0" in pdf.pages[0].Resources.XObject
    checked = inspect_file(placed, "x.pdf")  # stored like any file: a clean PDF
    assert (checked.content_type, checked.state) == (PDF, OK)
    fonts = subprocess.run(["pdffonts", "-"], input=placed, capture_output=True, check=True).stdout.decode()
    assert {line.split()[0].split("+")[-1] for line in fonts.splitlines()[2:] if line.strip()} <= {
        "EofficeSarabun", "Helvetica"}


@needs_pdftotext
def test_a_narrow_box_shrinks_the_text_a_tiny_one_is_refused():
    roomy = NumberBox(1, 20, 20, 120, 30)
    narrow = NumberBox(1, 20, 20, 32, 12)
    for box in (roomy, narrow):
        placed = pdf_place_text(letter_pdf(), box, LINES)
        assert f"ที่ {NUMBER}" in pdf_text(placed).splitlines()
        for word in words(placed):
            if "2569" in word[0] or "52301" in word[0]:
                assert inside(word, box, slack=1.0), (word, box)
    heights = {}
    for box in (roomy, narrow):
        number = next(w for w in words(pdf_place_text(letter_pdf(), box, LINES)) if "52301" in w[0])
        heights[box] = number[4] - number[2]
    assert heights[narrow] < heights[roomy] * 0.8  # smaller type in the narrow box
    refused("box_too_small", pdf_place_text, letter_pdf(), NumberBox(1, 20, 20, 8, 4), LINES)
    big = next(w for w in words(pdf_place_text(letter_pdf(), roomy, LINES, font_pt=10)) if "52301" in w[0])
    assert big[4] - big[2] < heights[roomy]  # a smaller starting size is honoured
    with pytest.raises(ValueError):
        pdf_place_text(letter_pdf(), roomy, LINES, font_pt=200)
    with pytest.raises(ValueError):
        pdf_place_text(letter_pdf(), roomy, [])


@needs_pdftotext
def test_a_box_on_page_two_and_centred_text():
    source = letter_pdf(pages=2)
    box = NumberBox(2, 60, 40, 90, 18)
    lines = [*LINES, "สำนักงาน น้ำท่วม ผู้ใหญ่"]  # SARA AM and stacked marks extract exactly (ActualText)
    placed = pdf_place_text(source, box, lines, align="center")
    assert NUMBER not in pdf_text(placed, "-f", "1", "-l", "1")
    page_two = pdf_text(placed, "-f", "2", "-l", "2").splitlines()
    assert all(line in page_two for line in lines), page_two
    assert S.pdf_inspect(placed).pages == 2
