"""An outgoing letter drafted from a FILE (issue 5 §1 "From a file"): a Word document with
placeholders, or a PDF with a box where the number and date go. Pure functions, bytes in, bytes out;
no database.

Word (DOCX):

- ``docx_inspect(data)`` checks the file is a plain Word document we can safely open: a real OOXML
  package (content types, main document part), bounded in size, member count and compression ratio
  (zip bombs), not encrypted (an encrypted DOCX is an OLE container), without macros, ActiveX or
  embedded OLE objects, every XML part parsed with no DTD and no entity expansion (billion laughs,
  XXE). It lists the placeholders found (``{ที่}``, ``{วันที่}``, ``{เรื่อง}``), the ones that look like
  typos (``{ทิ่}``) and every external relationship (remote template, linked image, OLE link).
- ``docx_fill(data, values)`` writes the values in place of the placeholders, even where Word split
  one across several runs (spell-check, revision ids, formatting), in the body, tables, text boxes,
  headers, footers, footnotes and endnotes; the value takes the formatting of the run where the
  placeholder starts. It removes every external relationship, so nothing can be fetched later.
- ``docx_to_pdf(data)`` converts with the fenced LibreOffice converter of the files layer.

PDF: ``pdf_inspect`` (pages and their sizes as the reader sees them), ``NumberBox`` (where the
clerk drew the box, in mm from the top-left corner of the page as seen) and ``pdf_place_text``
(the number and date laid out by WeasyPrint in the packaged Sarabun and placed in the box).

Every refusal is a ``DraftSourceError`` with a stable ``code`` and a Thai + English message.
"""

from __future__ import annotations

import io
import math
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

import pikepdf
from django.conf import settings
from lxml import etree

from documents.files.errors import FileRejected
from documents.files.inspect import DOCM, DOCX, PDF, QUARANTINED, inspect_file
from documents.files.preview import PreviewFailed, convert_to_pdf, preview_timeout
from documents.registry.stamp import (
    FONT_FAMILY,
    MM,
    PX,
    font_face_css,
    form_placement_matrix,
    place_form_on_page,
    render_document_sarabun_only,
    shown_size_pt,
)
from eoffice.common.exceptions import ApplicationError

__all__ = [
    "PLACEHOLDERS",
    "DocxInfo",
    "DraftSourceError",
    "NumberBox",
    "PdfInfo",
    "docx_fill",
    "docx_inspect",
    "docx_to_pdf",
    "pdf_inspect",
    "pdf_place_text",
    "validate_box",
]

# The number (เลขที่หนังสือ) and the date, written by the clerk in the Word file and filled at "ready to
# sign"; the subject optionally.
PLACEHOLDERS = ("ที่", "วันที่", "เรื่อง")

# --- limits (each may be overridden in settings) -------------------------------------------------------------
DEFAULT_LIMITS: dict[str, int] = {
    "EOFFICE_DRAFT_DOCX_MAX_BYTES": 50 * 1024 * 1024,  # the file as uploaded
    "EOFFICE_DRAFT_DOCX_MAX_MEMBERS": 1000,  # a letter has ~10-50 parts; images add one each
    "EOFFICE_DRAFT_DOCX_MAX_UNCOMPRESSED": 200 * 1024 * 1024,  # all parts together, inflated
    "EOFFICE_DRAFT_DOCX_MAX_MEMBER": 100 * 1024 * 1024,  # one part, inflated
    "EOFFICE_DRAFT_DOCX_MAX_XML_PART": 32 * 1024 * 1024,  # one XML part we parse
    "EOFFICE_DRAFT_DOCX_MAX_RATIO": 100,  # inflated / compressed, for parts over 1 MB
}
RATIO_FREE_BYTES = 1024 * 1024  # small parts may compress as well as they like (XML does)
FONT_MAX_PT, FONT_DEFAULT_PT, FONT_MIN_PT = 72.0, 16.0, 8.0  # 16 pt: the size official letters are typed in
LINE_HEIGHT = 1.25  # room for Thai marks stacked above and below the line
MAX_LINES, MAX_LINE_CHARS = 6, 200
BOX_MAX_MM = 5000.0  # far above any paper size (A0 is 1189 mm); guards against absurd numbers
BOX_TOLERANCE_MM = 0.05


def limit(name: str) -> int:
    return int(getattr(settings, name, DEFAULT_LIMITS[name]) or DEFAULT_LIMITS[name])


# --- errors ------------------------------------------------------------------------------------------------


class DraftSourceError(ApplicationError):
    """A draft's file we refuse or cannot process. ``code``: docx_invalid, docx_too_large, docx_macro,
    docx_embedded, docx_encrypted, docx_convert_failed, docx_convert_unavailable, docx_timeout,
    pdf_invalid, pdf_encrypted, pdf_unsafe, box_invalid, box_outside, box_too_small."""

    code = "draft_source_invalid"

    def __init__(self, message_th: str, message_en: str, *, code: str, field: str | None = "file"):
        super().__init__(message_th, message_en, code=code, field=field)


def _invalid_docx(why_th: str = "", why_en: str = "") -> DraftSourceError:
    return DraftSourceError(
        "ไฟล์นี้ไม่ใช่เอกสาร Word (DOCX) ที่ใช้ได้" + (f": {why_th}" if why_th else "")
        + " กรุณาบันทึกจาก Word เป็น .docx แล้วแนบใหม่",
        "This is not a usable Word document (DOCX)" + (f": {why_en}" if why_en else "")
        + ". Save it from Word as .docx and attach it again.",
        code="docx_invalid",
    )


def _too_large(why_th: str, why_en: str) -> DraftSourceError:
    return DraftSourceError(
        f"ไฟล์ Word มีขนาดเกินกำหนด ({why_th}) อาจเป็นไฟล์อันตราย", f"The Word file is too large ({why_en}); possibly hostile.",
        code="docx_too_large",
    )


def _macro() -> DraftSourceError:
    return DraftSourceError(
        "ไฟล์ Word มีแมโครหรือตัวควบคุม ActiveX ระบบไม่รับ กรุณาบันทึกเป็น .docx แบบไม่มีแมโคร",
        "The Word file has macros or ActiveX controls and is refused; save it as a .docx without macros.",
        code="docx_macro",
    )


def _encrypted_docx() -> DraftSourceError:
    return DraftSourceError(
        "ไฟล์ Word ตั้งรหัสผ่านหรือเข้ารหัสไว้ ระบบเปิดไม่ได้ กรุณายกเลิกรหัสผ่านแล้วแนบใหม่",
        "The Word file is password-protected or encrypted; remove the password and attach it again.",
        code="docx_encrypted",
    )


def _ms(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


# --- DOCX: the package ---------------------------------------------------------------------------------------

W_NAMESPACES = (
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",  # strict OOXML
)
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
MAIN_TYPES = re.compile(r"wordprocessingml\.(document|template)\.main\+xml$", re.I)
MACRO_TYPES = re.compile(r"ms-word\.(document|template)\.macroenabled", re.I)
# Parts of the main document whose text the reader sees (besides the body).
TEXT_PART_TYPES = ("/header", "/footer", "/footnotes", "/endnotes")
HYPERLINK_TYPE_END = "/hyperlink"  # a link the reader may click: never fetched while converting, kept


@dataclass(frozen=True)
class DocxInfo:
    placeholders: frozenset[str]  # known placeholders found (names without braces)
    unknown_placeholders: frozenset[str]  # {…} with Thai text that is not a known name: a typo?
    # what external relationships, linking fields (INCLUDEPICTURE, LINK, …) and VML image addresses
    # point at; docx_fill removes them all
    external_targets: tuple[str, ...]
    pages_hint: int | None  # the page count Word saved in docProps/app.xml, if any


@dataclass
class _Package:
    infos: list[zipfile.ZipInfo]
    parts: dict[str, bytes]  # XML parts we read (by exact member name)
    text_parts: list[str]  # main document first, then headers, footers, footnotes, endnotes
    rels_parts: list[str]


def _xml(data: bytes, name: str) -> etree._ElementTree:
    """Parse one XML part with no DTD, no entity expansion, no network, no huge trees. Word never
    writes a DOCTYPE: one is refused outright (billion laughs, XXE)."""
    head = data[:4096].lower()
    if b"<!doctype" in head or b"<!entity" in data.lower():
        raise _invalid_docx(f"ส่วน {name} มี DTD/entity ซึ่งเอกสาร Word ไม่มี", f"the part {name} has a DTD or entities")
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False, dtd_validation=False,
        remove_blank_text=False,
    )
    try:
        tree = etree.parse(io.BytesIO(data), parser)  # noqa: S320 - the parser above is locked down
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise _invalid_docx(f"ส่วน {name} เสียหาย", f"the part {name} is not well-formed XML") from exc
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise _invalid_docx(f"ส่วน {name} มี DTD ซึ่งเอกสาร Word ไม่มี", f"the part {name} has a DTD")
    if any(True for _ in tree.iter(etree.Entity)):
        raise _invalid_docx(f"ส่วน {name} มี entity", f"the part {name} has entity references")
    return tree


def _read(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes:
    try:
        with zf.open(info) as fh:
            data = fh.read(cap + 1)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError) as exc:
        raise _invalid_docx(f"อ่านส่วน {info.filename} ไม่ได้", f"the part {info.filename} cannot be read") from exc
    if len(data) > cap:
        raise _too_large(f"ส่วน {info.filename} ใหญ่เกิน", f"the part {info.filename} is over the limit")
    return data


def _refuse_from_files_layer(data: bytes) -> None:
    """The files layer's content check (the same as for any upload): type by content, encryption
    (an encrypted DOCX is an OLE container), macros, ActiveX, embedded OLE objects."""
    try:
        found = inspect_file(data, "draft.docx")
    except FileRejected as exc:
        if exc.reason == "encrypted":
            raise _encrypted_docx() from None
        if exc.reason == "zip_bomb":
            raise _too_large("เมื่อขยายแล้ว", "when expanded") from None
        raise _invalid_docx() from None
    if found.content_type == DOCM or found.flags.get("macros") or found.flags.get("activex"):
        raise _macro()
    if found.content_type != DOCX:
        raise _invalid_docx("เป็นไฟล์ชนิดอื่น", "it is another kind of file")
    if found.flags.get("embedded_objects"):
        raise _embedded()


def _embedded() -> DraftSourceError:
    """Embedded OLE objects (a workbook, a program) and whole documents embedded as "alternative
    format chunks" (altChunk): content we cannot check that the converter would open."""
    return DraftSourceError(
        "ไฟล์ Word มีวัตถุหรือเอกสารอื่นฝังอยู่ (เช่น ไฟล์ Excel โปรแกรม หรือเอกสารซ้อน) ระบบไม่รับ "
        "กรุณาวางเป็นภาพ ตาราง หรือข้อความแทน",
        "The Word file has embedded objects or documents (an embedded workbook, program or nested "
        "document); paste them as a picture, a table or text instead.",
        code="docx_embedded",
    )


def _open_package(data: bytes) -> _Package:
    if len(data) > limit("EOFFICE_DRAFT_DOCX_MAX_BYTES"):
        raise _too_large(f"ไฟล์ใหญ่กว่า {limit('EOFFICE_DRAFT_DOCX_MAX_BYTES') // (1024 * 1024)} MB",
                         f"over {limit('EOFFICE_DRAFT_DOCX_MAX_BYTES') // (1024 * 1024)} MB")
    if not data:
        raise _invalid_docx("ไฟล์ว่างเปล่า", "the file is empty")
    _refuse_from_files_layer(data)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise _invalid_docx() from exc
    with zf:
        _check_members(infos)
        by_name = {i.filename: i for i in infos}
        xml_cap = limit("EOFFICE_DRAFT_DOCX_MAX_XML_PART")
        parts: dict[str, bytes] = {}

        def part(name: str) -> bytes | None:
            if name not in parts:
                info = by_name.get(name)
                if info is None:
                    return None
                parts[name] = _read(zf, info, xml_cap)
            return parts[name]

        types = part("[Content_Types].xml")
        package_rels = part("_rels/.rels")
        if types is None or package_rels is None:
            raise _invalid_docx("ไม่มีส่วนประกอบหลักของเอกสาร", "the package has no content types or relationships")
        main = _main_part(_xml(package_rels, "_rels/.rels"))
        if main is None or part(main) is None:
            raise _invalid_docx("ไม่มีเนื้อหาเอกสาร (word/document.xml)", "there is no main document part")
        main_type = _override_type(_xml(types, "[Content_Types].xml"), main)
        if main_type and MACRO_TYPES.search(main_type):
            raise _macro()
        if not main_type or not MAIN_TYPES.search(main_type):
            raise _invalid_docx("ไม่ใช่เอกสาร Word", "the main part is not a Word document")
        if any(posixpath.basename(n).lower() == "vbaproject.bin" for n in by_name):
            raise _macro()
        text_parts = [main]
        main_rels = _rels_name(main)
        if part(main_rels) is not None:
            for rel in _relationships(_xml(parts[main_rels], main_rels)):
                kind, target, mode = rel.get("Type", ""), rel.get("Target", ""), rel.get("TargetMode", "")
                if mode.lower() != "external" and kind.endswith(TEXT_PART_TYPES):
                    name = _resolve(main, target)
                    if name in by_name and name not in text_parts:
                        text_parts.append(name)
        rels_parts = [n for n in by_name if n.lower().endswith(".rels")]
        for name in [*text_parts, *rels_parts]:
            part(name)
        for name in rels_parts:
            if any((rel.get("Type") or "").endswith("/aFChunk") for rel in _relationships(_xml(parts[name], name))):
                raise _embedded()
        app = part("docProps/app.xml")
        if app is not None:
            parts["docProps/app.xml"] = app
    return _Package(infos=infos, parts=parts, text_parts=text_parts, rels_parts=rels_parts)


def _check_members(infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > limit("EOFFICE_DRAFT_DOCX_MAX_MEMBERS"):
        raise _too_large(f"มีส่วนประกอบเกิน {limit('EOFFICE_DRAFT_DOCX_MAX_MEMBERS')} ส่วน",
                         f"more than {limit('EOFFICE_DRAFT_DOCX_MAX_MEMBERS')} parts")
    names = [i.filename for i in infos]
    if len(set(names)) != len(names):  # two parts of one name: which one a reader takes is anyone's guess
        raise _invalid_docx("มีส่วนประกอบชื่อซ้ำกัน", "two parts have the same name")
    total, ratio, member_cap = 0, limit("EOFFICE_DRAFT_DOCX_MAX_RATIO"), limit("EOFFICE_DRAFT_DOCX_MAX_MEMBER")
    for info in infos:
        if info.flag_bits & 0x1:
            raise _encrypted_docx()
        if info.file_size > member_cap:
            raise _too_large(f"ส่วน {info.filename} ใหญ่เกิน", f"the part {info.filename} is over the limit")
        if info.file_size > RATIO_FREE_BYTES and info.file_size > ratio * max(info.compress_size, 1):
            raise _too_large("อัตราการบีบอัดผิดปกติ", "an abnormal compression ratio (a zip bomb?)")
        total += info.file_size
    if total > limit("EOFFICE_DRAFT_DOCX_MAX_UNCOMPRESSED"):
        raise _too_large("เมื่อขยายแล้ว", "when expanded")


def _relationships(tree: etree._ElementTree) -> list[etree._Element]:
    return [el for el in tree.getroot() if isinstance(el.tag, str) and etree.QName(el).localname == "Relationship"]


def _main_part(package_rels: etree._ElementTree) -> str | None:
    for rel in _relationships(package_rels):
        if rel.get("Type", "").endswith("/officeDocument") and rel.get("TargetMode", "").lower() != "external":
            return _resolve("", rel.get("Target", ""))
    return None


def _override_type(types: etree._ElementTree, part_name: str) -> str | None:
    """The part's content type: its Override, else the Default for its extension (OPC §10.1.2.4)."""
    wanted = "/" + part_name.lower()
    extension = posixpath.splitext(part_name)[1].lstrip(".").lower()
    default = None
    for el in types.getroot():
        kind = etree.QName(el).localname if isinstance(el.tag, str) else ""
        if kind == "Override" and (el.get("PartName") or "").lower() == wanted:
            return el.get("ContentType")
        if kind == "Default" and (el.get("Extension") or "").lower() == extension:
            default = el.get("ContentType")
    return default


def _rels_name(part_name: str) -> str:
    folder, base = posixpath.split(part_name)
    return posixpath.join(folder, "_rels", base + ".rels")


def _resolve(source_part: str, target: str) -> str:
    """A relationship's target as a member name: relative to the source part's folder, or absolute."""
    target = target.split("#", 1)[0]
    if target.startswith("/"):
        return posixpath.normpath(target).lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source_part), target)).lstrip("/")


def _external(rel: etree._Element) -> bool:
    """An external relationship that a reader might fetch (template, image, OLE link, frame, …);
    plain hyperlinks are only followed when the reader clicks them and are kept."""
    return (rel.get("TargetMode") or "").lower() == "external" and not (rel.get("Type") or "").endswith(
        HYPERLINK_TYPE_END
    )


# --- DOCX: placeholders --------------------------------------------------------------------------------------

_BRACED = re.compile(r"\{([^{}\n]{1,40})\}")
_INVISIBLE = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")
_TONE_BEFORE_VOWEL = re.compile(r"([\u0e48-\u0e4b])([\u0e31\u0e34-\u0e37\u0e47])")  # ท่ี typed for ที่
_THAI = re.compile(r"[\u0e01-\u0e5b]")
_BREAKS = ("tab", "br", "cr", "ptab", "noBreakHyphen", "softHyphen", "sym")


def _name_of(inner: str) -> str:
    """The placeholder name as the clerk meant it: spaces and invisible characters removed, a tone
    mark typed before its upper vowel put after it (both look the same on screen)."""
    return _TONE_BEFORE_VOWEL.sub(r"\2\1", _INVISIBLE.sub("", inner))


def _paragraph_pieces(root: etree._Element) -> Iterable[list[tuple[etree._Element | None, str]]]:
    """For every paragraph (w:p) anywhere in the part (body, tables, text boxes, notes), its text in
    order as (w:t element, text) pieces; a tab or break is a (None, "\\n") piece so that no
    placeholder is seen across it. Text of a paragraph nested inside (a text box anchored in this
    paragraph) belongs to the nested paragraph only."""
    w_tags = {f"{{{ns}}}{name}" for ns in W_NAMESPACES for name in ("t", *_BREAKS)}
    p_tags = {f"{{{ns}}}p" for ns in W_NAMESPACES}
    for paragraph in root.iter(*p_tags):
        pieces: list[tuple[etree._Element | None, str]] = []
        for el in paragraph.iter(*w_tags):
            owner = el.getparent()
            while owner is not None and owner.tag not in p_tags:
                owner = owner.getparent()
            if owner is not paragraph:
                continue
            if etree.QName(el).localname == "t":
                pieces.append((el, el.text or ""))
            else:
                pieces.append((None, "\n"))
        if pieces:
            yield pieces


def _scan(tree: etree._ElementTree, found: set[str], unknown: set[str]) -> None:
    for pieces in _paragraph_pieces(tree.getroot()):
        for match in _BRACED.finditer("".join(text for _el, text in pieces)):
            name = _name_of(match.group(1))
            if name in PLACEHOLDERS:
                found.add(name)
            elif _THAI.search(name):
                unknown.add(name)


def _fill_paragraph(pieces: list[tuple[etree._Element | None, str]], values: Mapping[str, str]) -> bool:
    """Replace the placeholders of one paragraph. The value goes into the w:t where the opening brace
    is (so it takes that run's formatting); the rest of the placeholder is cut out of the following
    w:t elements, whatever else they hold stays as it was."""
    joined = "".join(text for _el, text in pieces)
    starts: dict[int, str] = {}
    covered: set[int] = set()
    for match in _BRACED.finditer(joined):
        name = _name_of(match.group(1))
        if name in values:
            starts[match.start()] = values[name]
            covered.update(range(match.start(), match.end()))
    if not starts:
        return False
    position = 0
    for el, text in pieces:
        span = range(position, position + len(text))
        position += len(text)
        if el is None or not any(i in covered for i in span):
            continue
        out = []
        for i, ch in zip(span, text, strict=True):
            if i in starts:
                out.append(starts[i])
            if i not in covered:
                out.append(ch)
        el.text = "".join(out)
        el.set(XML_SPACE, "preserve")  # a value or the text left may start or end with a space
    return True


def _pages_hint(app: bytes | None) -> int | None:
    if not app:
        return None
    try:
        tree = _xml(app, "docProps/app.xml")
    except DraftSourceError:
        return None
    for el in tree.getroot():
        if isinstance(el.tag, str) and etree.QName(el).localname == "Pages":
            try:
                pages = int((el.text or "").strip())
            except ValueError:
                return None
            return pages if 0 < pages < 100_000 else None
    return None


# Fields that pull content in from a path or address when the document is opened or updated; and
# VML pictures whose pixels are at an address rather than in the file.
_FIELD_LINK = re.compile(r"^\s*(INCLUDEPICTURE|INCLUDETEXT|LINK|DDE|DDEAUTO|IMPORT)\b", re.I)


def _linked_content(root: etree._Element) -> list[tuple[str, Callable[[], None]]]:
    """Content a reader could fetch that is not a relationship: INCLUDEPICTURE / INCLUDETEXT / LINK /
    DDE fields (simple and complex) and VML image addresses. Each as (what it points at, how to cut
    the link while keeping what the document shows: the field's last result, the picture's frame)."""
    found: list[tuple[str, Callable[[], None]]] = []
    tags = {f"{{{ns}}}{name}" for ns in W_NAMESPACES for name in ("fldSimple", "fldChar", "instrText")}
    stack: list[list[etree._Element]] = []
    for el in root.iter(*tags, "{urn:schemas-microsoft-com:vml}imagedata"):
        qname = etree.QName(el)
        if qname.localname == "fldSimple":
            instr = el.get(f"{{{qname.namespace}}}instr") or ""
            if _FIELD_LINK.match(instr):
                found.append((instr.strip()[:300], lambda el=el: _unwrap(el)))
        elif qname.localname == "fldChar":
            kind = el.get(f"{{{qname.namespace}}}fldCharType")
            if kind == "begin":
                stack.append([])
            elif kind == "end" and stack:
                parts = stack.pop()
                instr = "".join(part.text or "" for part in parts)
                if _FIELD_LINK.match(instr):
                    found.append((instr.strip()[:300], lambda parts=parts: _blank(parts)))
        elif qname.localname == "instrText":
            if stack:
                stack[-1].append(el)
        else:
            for attr in ("src", "{urn:schemas-microsoft-com:office:office}href"):
                value = el.get(attr)
                if value and value.strip():  # Word keeps pictures by r:id; an address here is a link
                    found.append((value.strip()[:300], lambda el=el, attr=attr: el.attrib.pop(attr, None)))
    return found


def _unwrap(el: etree._Element) -> None:
    """Replace a simple field by its result runs (the text it shows now)."""
    parent = el.getparent()
    if parent is None:
        return
    index = parent.index(el)
    for offset, child in enumerate(list(el)):
        parent.insert(index + offset, child)
    parent.remove(el)


def _blank(instructions: list[etree._Element]) -> None:
    """Empty a complex field's instruction: its result (the text it shows now) stays as plain text."""
    for el in instructions:
        el.text = ""


def docx_inspect(data: bytes) -> DocxInfo:
    """Check a Word file for drafting and say what is in it. Raises ``DraftSourceError``."""
    package = _open_package(bytes(data))
    found: set[str] = set()
    unknown: set[str] = set()
    targets: list[str] = []
    for name in package.text_parts:
        tree = _xml(package.parts[name], name)
        _scan(tree, found, unknown)
        targets.extend(target for target, _cut in _linked_content(tree.getroot()))
    for name in package.rels_parts:
        for rel in _relationships(_xml(package.parts[name], name)):
            if _external(rel):
                targets.append(rel.get("Target") or "")
    return DocxInfo(
        placeholders=frozenset(found), unknown_placeholders=frozenset(unknown),
        external_targets=tuple(targets), pages_hint=_pages_hint(package.parts.get("docProps/app.xml")),
    )


_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _clean_value(value: str) -> str:
    if not isinstance(value, str):
        raise TypeError("placeholder values must be strings")
    return _XML_ILLEGAL.sub("", re.sub(r"[\r\n\t]+", " ", value)).strip()


_DECLARATION = re.compile(rb'^<\?xml[^>]*\?>\s*')


def _serialise(tree: etree._ElementTree, original: bytes) -> bytes:
    """The changed part as UTF-8, with the part's own XML declaration when it had a UTF-8 one (Word
    writes ``<?xml version="1.0" encoding="UTF-8" standalone="yes"?>``), else an equivalent one."""
    body = etree.tostring(tree, encoding="UTF-8", xml_declaration=False)
    found = _DECLARATION.match(original)
    if found and re.search(rb'encoding\s*=\s*["\']utf-?8["\']', found.group(0), re.I):
        return found.group(0) + body
    standalone = ' standalone="yes"' if tree.docinfo.standalone else ""
    return f'<?xml version="1.0" encoding="UTF-8"{standalone}?>\r\n'.encode() + body


def docx_fill(data: bytes, values: dict[str, str]) -> bytes:
    """A new DOCX: ``data`` with every placeholder named in ``values`` replaced by its value, and no
    external relationship left. Placeholders not in ``values`` (and unknown ones) stay as they are.
    Parts with nothing to change are copied unchanged. Raises ``DraftSourceError``."""
    unknown_keys = set(values) - set(PLACEHOLDERS)
    if unknown_keys:
        raise ValueError(f"unknown placeholder names: {sorted(unknown_keys)}")
    clean = {name: _clean_value(value) for name, value in values.items()}
    source = bytes(data)
    package = _open_package(source)
    replaced: dict[str, bytes] = {}
    for name in package.text_parts:
        tree = _xml(package.parts[name], name)
        changed = False
        for pieces in _paragraph_pieces(tree.getroot()):
            changed = _fill_paragraph(pieces, clean) or changed
        for _target, cut in _linked_content(tree.getroot()):
            cut()
            changed = True
        if changed:
            replaced[name] = _serialise(tree, package.parts[name])
    for name in package.rels_parts:
        tree = _xml(package.parts[name], name)
        dropped = [rel for rel in _relationships(tree) if _external(rel)]
        for rel in dropped:
            tree.getroot().remove(rel)
        if dropped:
            replaced[name] = _serialise(tree, package.parts[name])
    if not replaced:
        return source
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in package.infos:
            body = replaced[info.filename] if info.filename in replaced else _read(
                zin, info, limit("EOFFICE_DRAFT_DOCX_MAX_MEMBER")
            )
            copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            copy.compress_type = zipfile.ZIP_DEFLATED if info.compress_type != zipfile.ZIP_STORED else zipfile.ZIP_STORED
            copy.external_attr = info.external_attr
            zout.writestr(copy, body)
    return out.getvalue()


def docx_to_pdf(data: bytes, *, timeout: float | None = None) -> bytes:
    """The Word file as a PDF, made by the files layer's fenced LibreOffice (own profile, no network,
    memory limit, killed after ``timeout`` seconds; default ``EOFFICE_PREVIEW_TIMEOUT``). The file is
    checked first and any external relationship still in it removed. Raises ``DraftSourceError``."""
    source = bytes(data)
    if docx_inspect(source).external_targets:
        source = docx_fill(source, {})
    try:
        return convert_to_pdf(source, "docx", timeout=preview_timeout() if timeout is None else timeout)
    except PreviewFailed as exc:
        raise _convert_failed(exc) from None


def _convert_failed(exc: PreviewFailed) -> DraftSourceError:
    if exc.reason == "timeout":
        error = DraftSourceError(
            "แปลงไฟล์ Word เป็น PDF ไม่ทันเวลาที่กำหนด จึงหยุดไว้ กรุณาตรวจว่าเอกสารไม่ใหญ่หรือซับซ้อนเกินไป",
            "Converting the Word file to PDF took too long and was stopped; check the document is not "
            "too large or complex.",
            code="docx_timeout",
        )
    elif exc.reason == "unavailable":
        error = DraftSourceError(
            "เครื่องแม่ข่ายแปลงไฟล์ Word เป็น PDF ไม่ได้ในขณะนี้ (ไม่พบ LibreOffice) กรุณาแจ้งผู้ดูแลระบบ",
            "The server cannot convert Word files to PDF right now (LibreOffice is missing); tell the administrator.",
            code="docx_convert_unavailable",
        )
        error.status_code = 503
    else:
        error = DraftSourceError(
            "แปลงไฟล์ Word เป็น PDF ไม่ได้ เอกสารอาจเสียหาย มีรูปแบบที่ไม่รองรับ หรือใหญ่เกินไป "
            "กรุณาเปิดใน Word แล้วบันทึกใหม่เป็น .docx",
            "The Word file could not be converted to PDF: it may be damaged, in an unsupported form or too "
            "large. Open it in Word and save it again as .docx.",
            code="docx_convert_failed",
        )
    error.reason = exc.reason  # type: ignore[attr-defined]
    return error


# --- PDF -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PdfInfo:
    pages: int
    page_sizes_mm: tuple[tuple[float, float], ...]  # (width, height) of each page as the reader sees it


def _invalid_pdf() -> DraftSourceError:
    return DraftSourceError(
        "ไฟล์ PDF เสียหายหรือไม่ใช่ PDF กรุณาบันทึกเป็น PDF ใหม่แล้วแนบอีกครั้ง",
        "The PDF is damaged or not a PDF; save it as PDF again and attach it.",
        code="pdf_invalid",
    )


def _open_pdf(data: bytes) -> pikepdf.Pdf:
    """Check ``data`` as the files layer checks any upload, then open it."""
    try:
        found = inspect_file(data, "draft.pdf")
    except FileRejected as exc:
        if exc.reason == "encrypted":
            raise DraftSourceError(
                "ไฟล์ PDF ตั้งรหัสผ่านหรือเข้ารหัสไว้ ระบบใส่เลขที่และวันที่ไม่ได้ กรุณาแนบฉบับที่ไม่เข้ารหัส",
                "The PDF is password-protected or encrypted, so the number and date cannot be added; attach an "
                "unprotected copy.",
                code="pdf_encrypted",
            ) from None
        raise _invalid_pdf() from None
    if found.content_type != PDF:
        raise _invalid_pdf()
    if found.state == QUARANTINED:
        raise DraftSourceError(
            f"ไฟล์ PDF มีเนื้อหาที่อาจไม่ปลอดภัย ({found.problem}) ใช้เป็นหนังสือส่งออกไม่ได้",
            "The PDF has possibly unsafe content (scripts, actions or attached files); it cannot be sent out "
            "as a letter.",
            code="pdf_unsafe",
        )
    try:
        return pikepdf.open(io.BytesIO(data))
    except (pikepdf.PdfError, ValueError, OSError, RuntimeError) as exc:
        raise _invalid_pdf() from exc


def pdf_inspect(data: bytes) -> PdfInfo:
    """Page count and page sizes (mm, as displayed: crop box, /Rotate and /UserUnit applied).
    Raises ``DraftSourceError`` (pdf_invalid, pdf_encrypted, pdf_unsafe)."""
    with _open_pdf(bytes(data)) as pdf:
        return _info(pdf)


def _info(pdf: pikepdf.Pdf) -> PdfInfo:
    try:
        sizes = []
        for page in pdf.pages:
            width_pt, height_pt = shown_size_pt(page)
            sizes.append((round(width_pt / MM, 2), round(height_pt / MM, 2)))
    except (pikepdf.PdfError, KeyError, TypeError, ValueError, RuntimeError) as exc:
        raise _invalid_pdf() from exc
    if not sizes:
        raise _invalid_pdf()
    return PdfInfo(pages=len(sizes), page_sizes_mm=tuple(sizes))


@dataclass(frozen=True)
class NumberBox:
    """Where the number and date go on a PDF draft: page (1-based) and a rectangle in millimetres
    from the TOP-LEFT corner of the page as the reader sees it (x to the right, y downwards)."""

    page: int
    x_mm: float
    y_mm: float
    w_mm: float
    h_mm: float

    def __post_init__(self) -> None:
        if isinstance(self.page, bool) or not isinstance(self.page, int) or self.page < 1:
            raise _box_invalid("เลขหน้าต้องเป็นจำนวนเต็มตั้งแต่ 1", "page must be an integer from 1")
        for name in ("x_mm", "y_mm", "w_mm", "h_mm"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise _box_invalid("ตำแหน่งและขนาดต้องเป็นตัวเลข", f"{name} must be a finite number")
            if not 0 <= value <= BOX_MAX_MM:
                raise _box_invalid("ตำแหน่งหรือขนาดอยู่นอกช่วงที่ใช้ได้", f"{name} is out of range")
            object.__setattr__(self, name, float(value))
        if self.w_mm <= 0 or self.h_mm <= 0:
            raise _box_invalid("กรอบต้องมีความกว้างและความสูง", "the box must have a width and a height")

    @classmethod
    def from_json(cls, value: Any) -> NumberBox:
        """From ``{"page": 1, "x_mm": …, "y_mm": …, "w_mm": …, "h_mm": …}`` (as stored on the draft)."""
        keys = ("page", "x_mm", "y_mm", "w_mm", "h_mm")
        if not isinstance(value, dict) or set(value) != set(keys):
            raise _box_invalid("ข้อมูลกรอบไม่ครบหรือมีค่าเกิน", f"the box needs exactly the keys {', '.join(keys)}")
        return cls(**{key: value[key] for key in keys})

    def to_json(self) -> dict[str, int | float]:
        return {"page": self.page, "x_mm": round(self.x_mm, 2), "y_mm": round(self.y_mm, 2),
                "w_mm": round(self.w_mm, 2), "h_mm": round(self.h_mm, 2)}


def _box_invalid(why_th: str, why_en: str) -> DraftSourceError:
    return DraftSourceError(
        f"กรอบสำหรับเลขที่และวันที่ไม่ถูกต้อง: {why_th}", f"The box for the number and date is invalid: {why_en}.",
        code="box_invalid", field="number_box",
    )


def validate_box(box: NumberBox, info: PdfInfo) -> None:
    """Raise ``box_outside`` unless the box lies on an existing page, wholly inside it."""
    if box.page > info.pages:
        raise DraftSourceError(
            f"กรอบอยู่หน้า {box.page} แต่ไฟล์ PDF มี {info.pages} หน้า",
            f"The box is on page {box.page} but the PDF has {info.pages} page(s).",
            code="box_outside", field="number_box",
        )
    width, height = info.page_sizes_mm[box.page - 1]
    if box.x_mm + box.w_mm > width + BOX_TOLERANCE_MM or box.y_mm + box.h_mm > height + BOX_TOLERANCE_MM:
        raise DraftSourceError(
            f"กรอบสำหรับเลขที่และวันที่ล้นออกนอกหน้า {box.page} (หน้ากว้าง {_ms(width)} × สูง {_ms(height)} มม.)",
            f"The box for the number and date goes outside page {box.page} "
            f"({_ms(width)} × {_ms(height)} mm).",
            code="box_outside", field="number_box",
        )


def _line_html(lines: Sequence[str], font_pt: float, align: str, page_mm: tuple[float, float]) -> str:
    rows = "".join(
        f'<div class="line"><span>{escape(line)}</span><a id="e{i}"></a></div>' for i, line in enumerate(lines)
    )
    return (
        '<!DOCTYPE html><html lang="th"><head><meta charset="utf-8"><style>'
        f"{font_face_css()}\n"
        f"@page {{ size: {page_mm[0]:.3f}mm {page_mm[1]:.3f}mm; margin: 0; }}\n"
        "html, body { margin: 0; padding: 0; }\n"
        f'body {{ font-family: "{FONT_FAMILY}"; font-size: {font_pt:.2f}pt; line-height: {LINE_HEIGHT}; '
        "color: #000; }\n"
        f".line {{ white-space: pre; text-align: {align}; }}\n"
        f"</style></head><body>{rows}<div id=\"end\"></div></body></html>"
    )


def _measure(lines: Sequence[str], font_pt: float, page_mm: tuple[float, float]) -> tuple[float, float, bool]:
    """Lay the lines out (left-aligned) on a page of ``page_mm``: (widest line in pt, height in pt,
    whether it all stayed on one page)."""
    document = render_document_sarabun_only(_line_html(lines, font_pt, "left", page_mm))
    anchors = document.pages[0].anchors
    one_page = len(document.pages) == 1 and "end" in anchors and all(f"e{i}" in anchors for i in range(len(lines)))
    if not one_page:
        return math.inf, math.inf, False
    widest = max(anchors[f"e{i}"][0] for i in range(len(lines))) * PX
    return widest, anchors["end"][1] * PX, True


def _fitting_size(lines: Sequence[str], box: NumberBox, start_pt: float) -> float:
    """The largest size, at most ``start_pt`` and at least FONT_MIN_PT, at which every line fits the box
    on one line. Text scales linearly with the font size: one measurement on a roomy page gives the
    size; a second render in the box itself confirms it (stepping down if rounding disagrees)."""
    roomy = (max(box.w_mm, 1000.0), max(box.h_mm, 1000.0))
    width, height, ok = _measure(lines, start_pt, roomy)
    box_w, box_h = box.w_mm * MM, box.h_mm * MM
    size = start_pt if not ok else min(start_pt, start_pt * box_w / max(width, 0.01), start_pt * box_h / max(height, 0.01))
    size = math.floor(size * 4) / 4  # quarter points
    while size >= FONT_MIN_PT:
        width, height, ok = _measure(lines, size, (box.w_mm, box.h_mm))
        if ok and width <= box_w + 0.01 and height <= box_h + 0.01:
            return size
        size -= 0.25
    raise DraftSourceError(
        f"กรอบเล็กเกินไป ข้อความ “{' / '.join(lines)}” ไม่พอดีแม้ใช้ตัวอักษรขนาด {FONT_MIN_PT:g} พอยต์ "
        f"(กรอบ {_ms(box.w_mm)} × {_ms(box.h_mm)} มม.)",
        f"The box is too small: the text does not fit even at {FONT_MIN_PT:g} pt "
        f"(box {_ms(box.w_mm)} × {_ms(box.h_mm)} mm).",
        code="box_too_small", field="number_box",
    )


def pdf_place_text(
    data: bytes, box: NumberBox, lines: list[str], *, font_pt: float | None = None, align: str = "left",
) -> bytes:
    """A new PDF: ``data`` with ``lines`` (e.g. ["ที่ นม 52301/123", "4 ธันวาคม 2569"]) written in the box,
    one per line, black, in the packaged Sarabun at ``font_pt`` (default 16 pt) or smaller so it fits
    (never under 8 pt: then ``box_too_small``). The text is laid out by WeasyPrint (Thai shaping) with
    /ActualText, so copying or extracting it gives the lines exactly, and placed upright as the page is
    displayed (rotation and crop box respected). The input bytes are not modified."""
    if align not in ("left", "center", "right"):
        raise ValueError("align must be left, center or right")
    cleaned = [_XML_ILLEGAL.sub("", re.sub(r"\s+", " ", line)).strip() for line in lines]
    if not cleaned or not any(cleaned) or len(cleaned) > MAX_LINES or any(len(line) > MAX_LINE_CHARS for line in cleaned):
        raise ValueError(f"between 1 and {MAX_LINES} lines of at most {MAX_LINE_CHARS} characters are placed")
    start = FONT_DEFAULT_PT if font_pt is None else float(font_pt)
    if not FONT_MIN_PT <= start <= FONT_MAX_PT:
        raise ValueError(f"font_pt must be between {FONT_MIN_PT:g} and {FONT_MAX_PT:g}")
    source = bytes(data)
    with _open_pdf(source) as pdf:
        validate_box(box, _info(pdf))
        size = _fitting_size(cleaned, box, start)
        block = render_document_sarabun_only(_line_html(cleaned, size, align, (box.w_mm, box.h_mm))).write_pdf()
        try:
            with pikepdf.open(io.BytesIO(block)) as block_pdf:
                page = pdf.pages[box.page - 1]
                shown_h = shown_size_pt(page)[1]
                x_pt, y_pt = box.x_mm * MM, shown_h - (box.y_mm + box.h_mm) * MM
                place_form_on_page(
                    pdf, page, block_pdf.pages[0],
                    lambda form: form_placement_matrix(page, form, 1.0, x_pt, y_pt), prefix="EofficeNumber",
                )
                out = io.BytesIO()
                pdf.save(out, deterministic_id=True)
        except (pikepdf.PdfError, KeyError, TypeError, ValueError, RuntimeError) as exc:
            raise DraftSourceError(
                "ใส่เลขที่และวันที่ลงในไฟล์ PDF นี้ไม่ได้ (โครงสร้างไฟล์ผิดปกติ)",
                "The number and date could not be placed on this PDF (unusual structure).",
                code="pdf_invalid",
            ) from exc
    return out.getvalue()
