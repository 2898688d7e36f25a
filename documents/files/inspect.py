"""What a file really is, decided by its content (never its name), and what we do with it:

- refuse (``FileRejected``): empty, over the size limit, a type we don't take (programs included),
  polyglots, encrypted or password-protected files, malformed files, PDF / image / zip bombs;
- quarantine (stored as it came, ``state="quarantined"``, a Thai ``problem`` and ``flags``): PDFs
  with JavaScript, launch actions, automatic actions, embedded files or XFA forms; office files with
  macros, ActiveX controls, embedded OLE packages or an external template;
- accept, with ``flags`` such as ``{"pages": 3}``.

Everything is bounded: input size (the limit), the bytes handed to libmagic, PDF pages, objects and
the total inflated size of non-image streams (our own bounded zlib; qpdf's own Flate limit is set
process-wide below), image pixels, zip entries and declared sizes. A parser's exception becomes
``FileRejected("malformed")``: a hostile file never crashes a worker.
"""

from __future__ import annotations

import base64
import binascii
import email.parser
import email.policy
import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import Any

import magic
import olefile
import pikepdf
from django.conf import settings
from PIL import Image

from documents.files.errors import FileRejected
from documents.files.images import strict_image_decoding

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
TIFF = "image/tiff"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOCM = "application/vnd.ms-word.document.macroEnabled.12"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSM = "application/vnd.ms-excel.sheet.macroEnabled.12"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
PPTM = "application/vnd.ms-powerpoint.presentation.macroEnabled.12"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ODP = "application/vnd.oasis.opendocument.presentation"
DOC = "application/msword"
XLS = "application/vnd.ms-excel"
EML = "message/rfc822"

IMAGE_TYPES = frozenset({JPEG, PNG, TIFF})
OFFICE_TYPES = frozenset({DOCX, DOCM, XLSX, XLSM, PPTX, PPTM, ODT, ODS, ODP, DOC, XLS})
ACCEPTED_TYPES = frozenset({PDF, EML} | IMAGE_TYPES | OFFICE_TYPES)

OK = "ok"
QUARANTINED = "quarantined"

# --- limits (each may be overridden in settings; the defaults suit a 50 MB upload) -----------------------
DEFAULT_LIMITS: dict[str, int] = {
    "EOFFICE_FILE_PDF_MAX_PAGES": 2000,
    "EOFFICE_FILE_PDF_MAX_OBJECTS": 500_000,
    # total inflated bytes of all non-image streams in one PDF (content, fonts, object streams…)
    "EOFFICE_FILE_PDF_MAX_INFLATED_BYTES": 256 * 1024 * 1024,
    # nodes visited while looking for JavaScript and actions (objects, keys, array items)
    "EOFFICE_FILE_PDF_MAX_NODES": 5_000_000,
    "EOFFICE_FILE_IMAGE_MAX_FRAMES": 2000,
    "EOFFICE_FILE_ZIP_MAX_ENTRIES": 10_000,
    "EOFFICE_FILE_ZIP_MAX_UNCOMPRESSED_BYTES": 1024 * 1024 * 1024,
    "EOFFICE_FILE_ZIP_MAX_RATIO": 200,
}
MAGIC_SNIFF_BYTES = 1024 * 1024
# qpdf's own per-stream limits, for every pikepdf user in the process (the stamp job too): set once,
# only where nobody chose a value yet.
QPDF_FLATE_MAX_MEMORY = 256 * 1024 * 1024
QPDF_MAX_WARNINGS = 1000


def limit(name: str) -> int:
    return int(getattr(settings, name, DEFAULT_LIMITS[name]))


def max_image_pixels() -> int:
    configured = getattr(settings, "EOFFICE_FILE_MAX_IMAGE_PIXELS", None)
    return int(configured or Image.MAX_IMAGE_PIXELS or 89_478_485)


def _configure_qpdf() -> None:
    try:
        current = pikepdf.settings.get_qpdf_limits()
        wanted = {
            key: value
            for key, value in (
                ("flate_max_memory", QPDF_FLATE_MAX_MEMORY),
                ("run_length_max_memory", QPDF_FLATE_MAX_MEMORY),
                ("png_max_memory", QPDF_FLATE_MAX_MEMORY),
                ("tiff_max_memory", QPDF_FLATE_MAX_MEMORY),
                ("doc_max_warnings", QPDF_MAX_WARNINGS),
            )
            if not current.get(key)
        }
        if wanted:
            pikepdf.settings.set_qpdf_limits(**wanted)
    except (AttributeError, TypeError, ValueError):  # an older pikepdf: our own checks still bound us
        pass


_configure_qpdf()


@dataclass
class Inspection:
    content_type: str
    state: str = OK
    problems: list[str] = field(default_factory=list)
    flags: dict[str, Any] = field(default_factory=dict)

    def hazard(self, flag: str, problem_th: str) -> None:
        """A quarantine finding (recorded once)."""
        if self.flags.get(flag) is True:
            return
        self.flags[flag] = True
        self.problems.append(problem_th)
        self.state = QUARANTINED

    @property
    def problem(self) -> str:
        text = ", ".join(self.problems)
        return text if len(text) <= 500 else text[:497] + "..."


class _Refuse(Exception):
    """Raised inside the checks; turned into FileRejected with the file's name at the top."""

    def __init__(self, reason: str, why_th: str, why_en: str):
        super().__init__(why_en)
        self.reason = reason
        self.why_th = why_th
        self.why_en = why_en


ACCEPTED_TH = "PDF, JPEG, PNG, TIFF, เอกสารสำนักงาน (DOCX, XLSX, PPTX, ODT, ODS, ODP, DOC, XLS) และอีเมล (.eml)"
ACCEPTED_EN = "PDF, JPEG, PNG, TIFF, office documents (DOCX, XLSX, PPTX, ODT, ODS, ODP, DOC, XLS) and e-mail (.eml)"

EXECUTABLE_HINTS = ("executable", "dosexec", "sharedlib", "mach-binary", "x-elf", "msdownload", "x-msi",
                    "java-archive", "x-shellscript", "x-sh", "x-bat", "android.package", "x-object")


def _malformed(what_th: str, what_en: str) -> _Refuse:
    return _Refuse("malformed", f"{what_th} เสียหายหรือไม่สมบูรณ์ เปิดอ่านไม่ได้", f"the {what_en} is damaged or incomplete")


def _encrypted(what_th: str, what_en: str) -> _Refuse:
    return _Refuse(
        "encrypted",
        f"{what_th}ถูกเข้ารหัสหรือตั้งรหัสผ่านไว้ ตรวจเนื้อหาไม่ได้ กรุณาขอฉบับที่ไม่เข้ารหัส",
        f"the {what_en} is encrypted or password-protected and cannot be checked; ask for an unprotected copy",
    )


def _polyglot() -> _Refuse:
    return _Refuse(
        "polyglot",
        "ไฟล์มีข้อมูลหลายชนิดซ้อนกันอยู่ (polyglot) ซึ่งอาจเป็นอันตราย",
        "the file is several formats at once (a polyglot), which may be dangerous",
    )


def inspect_file(data: bytes, original_name: str) -> Inspection:
    """Decide what ``data`` is and whether we take it. Raises FileRejected. No database access."""
    try:
        return _inspect(data)
    except _Refuse as refuse:
        raise FileRejected(original_name, refuse.reason, refuse.why_th, refuse.why_en) from None
    except FileRejected:
        raise
    except Exception as exc:  # any parser failure on hostile input: refuse, never crash
        raise FileRejected(
            original_name, "malformed", "ไฟล์เสียหายหรือมีโครงสร้างผิดปกติ เปิดตรวจไม่ได้",
            f"the file is damaged or malformed and could not be checked ({type(exc).__name__})",
        ) from None


# --- sniffing ----------------------------------------------------------------------------------------------

ZIP_LOCAL = b"PK\x03\x04"
ZIP_EOCD = b"PK\x05\x06"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PDF_HEADER = b"%PDF-"


def sniff(data: bytes) -> str:
    """libmagic's MIME type of the first bytes (``application/octet-stream`` when unsure)."""
    try:
        return magic.from_buffer(data[:MAGIC_SNIFF_BYTES], mime=True) or "application/octet-stream"
    except Exception:  # libmagic refused the buffer: treat as unknown
        return "application/octet-stream"


def _inspect(data: bytes) -> Inspection:
    if not data:
        raise _Refuse("empty", "ไฟล์ว่างเปล่า", "the file is empty")
    mime = sniff(data)
    lead = data.lstrip(b" \t\r\n\x00\x0c")

    if mime == PDF or lead.startswith(PDF_HEADER):
        return _pdf(data)
    if PDF_HEADER in data[:1024]:  # a PDF reader would also open it: two formats in one file
        raise _polyglot()
    if data.startswith(ZIP_LOCAL):
        return _zip_office(data, mime)
    if data.startswith(OLE_SIGNATURE):
        return _ole_office(data)
    if mime in IMAGE_TYPES:
        return _image(data, mime)
    if mime == EML or (mime == "text/plain" and _looks_like_mail(data)):
        return _email(data)
    if any(hint in mime for hint in EXECUTABLE_HINTS) or data.startswith((b"MZ", b"\x7fELF", b"#!")):
        raise _Refuse(
            "executable", f"เป็นไฟล์โปรแกรม ({mime}) ระบบไม่รับ รับเฉพาะ {ACCEPTED_TH}",
            f"it is a program ({mime}); only {ACCEPTED_EN} are accepted",
        )
    raise _Refuse(
        "unknown_type", f"ไม่รองรับไฟล์ชนิดนี้ ({mime}) รับเฉพาะ {ACCEPTED_TH}",
        f"this type of file ({mime}) is not accepted; only {ACCEPTED_EN} are accepted",
    )


def _has_zip_directory(data: bytes) -> bool:
    """A ZIP end-of-central-directory record where zip readers look for it (the last 64 KiB + 22)."""
    return ZIP_EOCD in data[-(65535 + 22) :]


# --- PDF -----------------------------------------------------------------------------------------------------

# Action types that run something or send data out.
PDF_DANGEROUS_ACTIONS = {
    "/JavaScript": ("javascript", "PDF มี JavaScript"),
    "/Launch": ("launch", "PDF มีคำสั่งเปิดโปรแกรมหรือไฟล์ภายนอก (Launch)"),
    "/ImportData": ("auto_actions", "PDF มีคำสั่งทำงานอัตโนมัติ"),
    "/SubmitForm": ("submit_form", "PDF มีคำสั่งส่งข้อมูลออกไปภายนอก"),
    "/GoToE": ("embedded_files", "PDF มีไฟล์ฝังอยู่ภายใน"),
    "/RichMediaExecute": ("rich_media", "PDF มีสื่อที่ทำงานได้ (RichMedia)"),
    "/Rendition": ("rich_media", "PDF มีสื่อที่ทำงานได้ (RichMedia)"),
}
PDF_DANGEROUS_KEYS = {
    "/JS": ("javascript", "PDF มี JavaScript"),
    "/JavaScript": ("javascript", "PDF มี JavaScript"),
    "/AA": ("auto_actions", "PDF มีคำสั่งทำงานอัตโนมัติ"),
    "/EmbeddedFiles": ("embedded_files", "PDF มีไฟล์ฝังอยู่ภายใน"),
    "/EmbeddedFile": ("embedded_files", "PDF มีไฟล์ฝังอยู่ภายใน"),
    "/XFA": ("xfa", "PDF มีแบบฟอร์ม XFA ที่อาจมีสคริปต์"),
    "/RichMedia": ("rich_media", "PDF มีสื่อที่ทำงานได้ (RichMedia)"),
}
PDF_DANGEROUS_SUBTYPES = {
    "/FileAttachment": ("embedded_files", "PDF มีไฟล์ฝังอยู่ภายใน"),
    "/RichMedia": ("rich_media", "PDF มีสื่อที่ทำงานได้ (RichMedia)"),
    "/Movie": ("rich_media", "PDF มีสื่อที่ทำงานได้ (RichMedia)"),
    "/Sound": ("rich_media", "PDF มีสื่อที่ทำงานได้ (RichMedia)"),
}


def _pdf_bomb(detail_th: str, detail_en: str) -> _Refuse:
    return _Refuse(
        "pdf_bomb", f"PDF {detail_th} เกินขีดจำกัด (อาจเป็นไฟล์อันตราย)", f"the PDF has {detail_en} over the limit (possibly hostile)"
    )


def _pdf(data: bytes) -> Inspection:
    start = data.find(PDF_HEADER, 0, 1024)
    if start < 0:
        raise _polyglot() if PDF_HEADER in data else _malformed("PDF", "PDF")
    if data[:start].strip(b" \t\r\n\x00\x0c"):  # something else in front of the PDF
        raise _polyglot()
    if _has_zip_directory(data):  # PDF + ZIP
        raise _polyglot()
    if b"%%EOF" not in data[-4096:]:
        raise _Refuse("malformed", "PDF ไม่สมบูรณ์ (ไฟล์ขาดตอนท้าย) เปิดอ่านไม่ได้", "the PDF is truncated (no end marker)")
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        raise _encrypted("PDF ", "PDF") from None
    except Exception:
        raise _malformed("PDF", "PDF") from None
    with pdf:
        if pdf.is_encrypted:
            raise _encrypted("PDF ", "PDF")
        try:
            objects = len(pdf.get_xref_table())
        except Exception:
            objects = 0
        if objects > limit("EOFFICE_FILE_PDF_MAX_OBJECTS"):
            raise _pdf_bomb("มีจำนวนวัตถุ", "a number of objects")
        try:
            pages = len(pdf.pages)
        except Exception:
            raise _malformed("PDF", "PDF") from None
        if pages > limit("EOFFICE_FILE_PDF_MAX_PAGES"):
            raise _pdf_bomb(f"มี {pages} หน้า จำนวนหน้า", f"{pages} pages, a page count")
        if pages < 1:
            raise _malformed("PDF", "PDF")
        result = Inspection(PDF, flags={"pages": pages})
        _pdf_walk(pdf, result)
        if _safe_warnings(pdf):
            result.flags["repaired"] = True
    return result


def _safe_warnings(pdf: pikepdf.Pdf) -> bool:
    try:
        return bool(pdf.get_warnings())
    except Exception:
        return False


def _pdf_walk(pdf: pikepdf.Pdf, result: Inspection) -> None:
    """Every object once: look for actions and scripts, bound images and inflated sizes.
    Iterative (no recursion), counting visited nodes; indirect references are not followed
    (every indirect object is visited as a top-level object)."""
    node_budget = limit("EOFFICE_FILE_PDF_MAX_NODES")
    inflate_budget = limit("EOFFICE_FILE_PDF_MAX_INFLATED_BYTES")
    pixels_max = max_image_pixels()
    seen = 0
    stack: list[Any] = list(pdf.objects)
    while stack:
        obj = stack.pop()
        seen += 1
        if seen > node_budget:
            raise _pdf_bomb("มีโครงสร้างซับซ้อน", "a structure complexity")
        if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            keys = list(obj.keys())
            seen += len(keys)
            for key in keys:
                if key in PDF_DANGEROUS_KEYS:
                    result.hazard(*PDF_DANGEROUS_KEYS[key])
            action = obj.get("/S")
            if isinstance(action, pikepdf.Name) and str(action) in PDF_DANGEROUS_ACTIONS:
                result.hazard(*PDF_DANGEROUS_ACTIONS[str(action)])
            subtype = obj.get("/Subtype")
            if isinstance(subtype, pikepdf.Name) and str(subtype) in PDF_DANGEROUS_SUBTYPES:
                result.hazard(*PDF_DANGEROUS_SUBTYPES[str(subtype)])
            if "/OpenAction" in keys:
                opener = obj.get("/OpenAction")
                if isinstance(opener, pikepdf.Dictionary):
                    kind = opener.get("/S")
                    if isinstance(kind, pikepdf.Name) and str(kind) in PDF_DANGEROUS_ACTIONS:
                        result.hazard(*PDF_DANGEROUS_ACTIONS[str(kind)])
            if isinstance(obj, pikepdf.Stream):
                inflate_budget -= _pdf_stream_size(obj, subtype, pixels_max, inflate_budget)
                if inflate_budget < 0:
                    raise _pdf_bomb("ขยายข้อมูลแล้วมีขนาด", "an inflated size")
            for key in keys:
                child = obj.get(key)
                if isinstance(child, pikepdf.Dictionary | pikepdf.Array) and not child.is_indirect:
                    stack.append(child)
        elif isinstance(obj, pikepdf.Array):
            seen += len(obj)
            for child in obj:
                if isinstance(child, pikepdf.Dictionary | pikepdf.Array) and not child.is_indirect:
                    stack.append(child)


def _filters(stream: pikepdf.Stream) -> list[str]:
    value = stream.get("/Filter")
    if value is None:
        return []
    if isinstance(value, pikepdf.Name):
        return [str(value)]
    if isinstance(value, pikepdf.Array):
        return [str(v) for v in value if isinstance(v, pikepdf.Name)]
    return []


def _pdf_stream_size(stream: pikepdf.Stream, subtype: Any, pixels_max: int, budget: int) -> int:
    """Bytes this stream inflates to, counted without ever holding more than a chunk. Images are
    bounded by their declared dimensions instead (a viewer decodes at most that many pixels)."""
    if isinstance(subtype, pikepdf.Name) and str(subtype) == "/Image":
        width, height = stream.get("/Width"), stream.get("/Height")
        try:
            pixels = int(width) * int(height)
        except (TypeError, ValueError):
            pixels = 0
        if pixels > pixels_max or pixels < 0:
            raise _Refuse(
                "image_bomb", "ภาพใน PDF มีจำนวนพิกเซลเกินขีดจำกัด (อาจเป็นไฟล์อันตราย)",
                "an image in the PDF has more pixels than allowed (possibly hostile)",
            )
        return 0
    filters = _filters(stream)
    raw = stream.read_raw_bytes()
    if not filters:
        return len(raw)
    data = raw
    for name in filters:
        if name in ("/FlateDecode", "/Fl"):
            return _inflated_size(data, budget)
        if name in ("/ASCIIHexDecode", "/AHx"):
            try:
                data = binascii.unhexlify(re.sub(rb"[^0-9A-Fa-f]", b"", data.split(b">", 1)[0]).ljust(2, b"0"))
            except (binascii.Error, ValueError):
                return len(raw)
        elif name in ("/ASCII85Decode", "/A85"):
            try:
                body = data.strip()
                body = body[2:] if body.startswith(b"<~") else body
                data = base64.a85decode(body.split(b"~>", 1)[0], ignorechars=b" \t\r\n\x00\x0c")
            except (ValueError, binascii.Error):
                return len(raw)
        else:  # LZW, RunLength, CCITT, JBIG2, DCT, JPX: counted by their raw size
            return len(data)
    return len(data)


def _inflated_size(data: bytes, budget: int) -> int:
    """Inflate at most ``budget + 1`` bytes, 1 MiB at a time, keeping none of them."""
    inflater = zlib.decompressobj()
    total = 0
    chunk = 1024 * 1024
    pending = data
    try:
        while total <= budget and not inflater.eof:
            out = inflater.decompress(pending, chunk)
            pending = inflater.unconsumed_tail
            total += len(out)
            if not out:
                break
    except zlib.error:  # a damaged stream: what inflated so far counts
        pass
    return total


# --- images ----------------------------------------------------------------------------------------------------

IMAGE_SIGNATURES = {
    JPEG: (b"\xff\xd8\xff",),
    PNG: (b"\x89PNG\r\n\x1a\n",),
    TIFF: (b"II*\x00", b"MM\x00*"),
}
PILLOW_FORMATS = {JPEG: "JPEG", PNG: "PNG", TIFF: "TIFF"}
IMAGE_NAMES = {JPEG: ("ภาพ JPEG", "JPEG image"), PNG: ("ภาพ PNG", "PNG image"), TIFF: ("ภาพ TIFF", "TIFF image")}


def _image(data: bytes, mime: str) -> Inspection:
    name_th, name_en = IMAGE_NAMES[mime]
    if not data.startswith(IMAGE_SIGNATURES[mime]):
        raise _polyglot()
    if _has_zip_directory(data):
        raise _polyglot()
    pixels_max = max_image_pixels()
    try:
        img = Image.open(io.BytesIO(data), formats=[PILLOW_FORMATS[mime]])
    except Image.DecompressionBombError:
        raise _image_bomb() from None
    except Exception:
        raise _malformed(name_th, name_en) from None
    with img:
        width, height = img.size
        if width <= 0 or height <= 0:
            raise _malformed(name_th, name_en)
        if width * height > pixels_max:
            raise _image_bomb()
        frames = int(getattr(img, "n_frames", 1) or 1)
        if frames > limit("EOFFICE_FILE_IMAGE_MAX_FRAMES"):
            raise _image_bomb()
        for i in range(1, frames):  # multi-page TIFF from a scanner: every page bounded too
            img.seek(i)
            w, h = img.size
            if w * h > pixels_max:
                raise _image_bomb()
        try:
            img.seek(0)
        except EOFError:
            pass
    try:  # structure and checksums, without decoding the pixels
        with strict_image_decoding():  # (a process that imported WeasyPrint would accept cut-off images)
            with Image.open(io.BytesIO(data), formats=[PILLOW_FORMATS[mime]]) as again:
                again.verify()
            if mime == JPEG:  # verify() reads no JPEG scan data: decode it at 1/8 scale (DCT scaling) to find
                with Image.open(io.BytesIO(data), formats=["JPEG"]) as scan:  # a cut-off scan ("truncated")
                    scan.draft("L", (max(1, width // 8), max(1, height // 8)))
                    scan.load()
    except Exception:
        raise _malformed(name_th, name_en) from None
    flags: dict[str, Any] = {"width": width, "height": height}
    if frames > 1:
        flags["pages"] = frames
    return Inspection(mime, flags=flags)


def _image_bomb() -> _Refuse:
    return _Refuse(
        "image_bomb", "ภาพมีจำนวนพิกเซลเกินขีดจำกัด (อาจเป็นไฟล์อันตราย)", "the image has more pixels than allowed (possibly hostile)"
    )


# --- office: ZIP-based (OOXML, ODF) -------------------------------------------------------------------------

def _zip_bomb() -> _Refuse:
    return _Refuse(
        "zip_bomb", "เอกสารบีบอัดผิดปกติ เมื่อขยายแล้วมีขนาดเกินขีดจำกัด (อาจเป็นไฟล์อันตราย)",
        "the document expands to more than the limit (a zip bomb?)",
    )


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes:
    """Read at most ``cap`` bytes of one member."""
    with zf.open(info) as fh:
        return fh.read(cap)


OOXML_FAMILIES = (
    # (pattern in the main part's content type, plain type, macro-enabled type, names)
    (re.compile(rb"(wordprocessingml\.(document|template)|ms-word\.(document|template)[\w.]*)\.main\+xml", re.I),
     DOCX, DOCM),
    (re.compile(rb"(spreadsheetml\.(sheet|template)|ms-excel\.(sheet|template|addin)[\w.]*)\.main\+xml", re.I),
     XLSX, XLSM),
    (re.compile(rb"(presentationml\.(presentation|slideshow|template)|ms-powerpoint\.(presentation|slideshow|"
                rb"template|addin)[\w.]*)\.main\+xml", re.I), PPTX, PPTM),
)
ODF_TYPES = {
    b"application/vnd.oasis.opendocument.text": ODT,
    b"application/vnd.oasis.opendocument.text-template": ODT,
    b"application/vnd.oasis.opendocument.spreadsheet": ODS,
    b"application/vnd.oasis.opendocument.spreadsheet-template": ODS,
    b"application/vnd.oasis.opendocument.presentation": ODP,
    b"application/vnd.oasis.opendocument.presentation-template": ODP,
}
MACRO_TH = "มีแมโคร"


def _zip_office(data: bytes, mime: str) -> Inspection:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except Exception:
        raise _malformed("เอกสาร", "document") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > limit("EOFFICE_FILE_ZIP_MAX_ENTRIES"):
            raise _zip_bomb()
        total = sum(max(0, i.file_size) for i in infos)
        packed = sum(max(0, i.compress_size) for i in infos)
        ratio_max = limit("EOFFICE_FILE_ZIP_MAX_RATIO")
        if total > limit("EOFFICE_FILE_ZIP_MAX_UNCOMPRESSED_BYTES"):
            raise _zip_bomb()
        for info in infos:
            if info.file_size > 1024 * 1024 and info.file_size > ratio_max * max(info.compress_size, 1):
                raise _zip_bomb()
        if total > 16 * 1024 * 1024 and total > ratio_max * max(packed, 1):
            raise _zip_bomb()
        if any(i.flag_bits & 0x1 for i in infos):
            raise _encrypted("เอกสาร", "document")
        names = {i.filename: i for i in infos}
        lower = {n.lower(): i for n, i in names.items()}
        if "[content_types].xml" in lower:
            return _ooxml(zf, lower)
        if "mimetype" in lower:
            return _odf(zf, lower)
    raise _Refuse(
        "unknown_type", f"เป็นไฟล์บีบอัด ({mime}) ที่ไม่ใช่เอกสารสำนักงาน รับเฉพาะ {ACCEPTED_TH}",
        f"it is an archive ({mime}), not an office document; only {ACCEPTED_EN} are accepted",
    )


def _ooxml(zf: zipfile.ZipFile, lower: dict[str, zipfile.ZipInfo]) -> Inspection:
    types = _read_member(zf, lower["[content_types].xml"], 2 * 1024 * 1024)
    content_type = None
    for pattern, plain, macro in OOXML_FAMILIES:
        if pattern.search(types):
            content_type = (plain, macro)
            break
    if content_type is None:
        raise _Refuse(
            "unknown_type", f"ไม่ใช่เอกสาร Word, Excel หรือ PowerPoint ที่รองรับ รับเฉพาะ {ACCEPTED_TH}",
            f"it is not a supported Word, Excel or PowerPoint document; only {ACCEPTED_EN} are accepted",
        )
    if b"sheet.binary" in types.lower():
        raise _Refuse(
            "unknown_type", f"ไม่รองรับสมุดงาน Excel แบบไบนารี (XLSB) รับเฉพาะ {ACCEPTED_TH}",
            f"binary Excel workbooks (XLSB) are not accepted; only {ACCEPTED_EN} are accepted",
        )
    result = Inspection(content_type[0], flags={"preview": "unavailable"})
    has_macros = (
        any(n.rsplit("/", 1)[-1] == "vbaproject.bin" or n.startswith("xl/macrosheets/") for n in lower)
        or b"macroenabled" in types.lower()
        or b"vbaproject" in types.lower()
    )
    if has_macros:
        result.content_type = content_type[1]
        result.hazard("macros", MACRO_TH)
    if any("/activex/" in f"/{n}" for n in lower):
        result.hazard("activex", "มีตัวควบคุม ActiveX")
    if any(re.search(r"/embeddings/[^/]*\.bin$", f"/{n}") for n in lower):
        result.hazard("embedded_objects", "มีวัตถุ OLE ฝังอยู่ภายใน")
    settings_rels = lower.get("word/_rels/settings.xml.rels")
    if settings_rels is not None:
        rels = _read_member(zf, settings_rels, 1024 * 1024)
        if re.search(rb"attachedTemplate[^>]*TargetMode=\"External\"|TargetMode=\"External\"[^>]*attachedTemplate", rels):
            result.hazard("external_template", "อ้างแม่แบบเอกสารจากภายนอก (อาจโหลดแมโคร)")
    return result


def _odf(zf: zipfile.ZipFile, lower: dict[str, zipfile.ZipInfo]) -> Inspection:
    declared = _read_member(zf, lower["mimetype"], 200).strip()
    content_type = ODF_TYPES.get(declared)
    if content_type is None:
        raise _Refuse(
            "unknown_type", f"ไม่ใช่เอกสาร OpenDocument ที่รองรับ รับเฉพาะ {ACCEPTED_TH}",
            f"it is not a supported OpenDocument file; only {ACCEPTED_EN} are accepted",
        )
    manifest = lower.get("meta-inf/manifest.xml")
    if manifest is not None and b"encryption-data" in _read_member(zf, manifest, 4 * 1024 * 1024):
        raise _encrypted("เอกสาร", "document")
    result = Inspection(content_type, flags={"preview": "unavailable"})
    if any(n.startswith(("basic/", "scripts/")) for n in lower):
        result.hazard("macros", MACRO_TH)
    return result


# --- office: OLE (DOC, XLS) -------------------------------------------------------------------------------------

def _ole_office(data: bytes) -> Inspection:
    if _has_zip_directory(data):
        raise _polyglot()
    try:
        ole = olefile.OleFileIO(data)
    except Exception:
        raise _malformed("เอกสาร", "document") from None
    try:
        paths = ole.listdir(streams=True, storages=True)
        if len(paths) > limit("EOFFICE_FILE_ZIP_MAX_ENTRIES"):
            raise _zip_bomb()
        top = {p[0].lower() for p in paths if p}
        parts = {part.lower() for p in paths for part in p}
        if "encryptedpackage" in top or "encryptioninfo" in top:
            raise _encrypted("เอกสาร", "document")
        if "worddocument" in top:
            content_type = DOC
            fib = _read_ole(ole, "WordDocument", 64)
            if len(fib) >= 12 and struct.unpack_from("<H", fib, 0x0A)[0] & 0x0100:
                raise _encrypted("เอกสาร Word ", "Word document")
        elif "workbook" in top or "book" in top:
            content_type = XLS
            if _xls_has_filepass(_read_ole(ole, "Workbook" if "workbook" in top else "Book", 256 * 1024)):
                raise _encrypted("สมุดงาน Excel ", "Excel workbook")
        else:
            raise _Refuse(
                "unknown_type", f"เป็นไฟล์ OLE ที่ไม่ใช่เอกสาร Word หรือ Excel รับเฉพาะ {ACCEPTED_TH}",
                f"it is an OLE file that is not a Word or Excel document; only {ACCEPTED_EN} are accepted",
            )
        result = Inspection(content_type, flags={"preview": "unavailable"})
        if parts & {"macros", "_vba_project_cur", "_vba_project", "vba"}:
            result.hazard("macros", MACRO_TH)
        if "\x01ole10native" in parts:
            result.hazard("embedded_objects", "มีวัตถุ OLE ฝังอยู่ภายใน")
        return result
    finally:
        ole.close()


def _read_ole(ole: olefile.OleFileIO, name: str, cap: int) -> bytes:
    with ole.openstream(name) as fh:
        return fh.read(cap)


def _xls_has_filepass(stream: bytes) -> bool:
    """BIFF records before the first sheet: FILEPASS (0x002F) means the workbook is encrypted."""
    pos = 0
    for _ in range(4096):
        if pos + 4 > len(stream):
            return False
        rtype, length = struct.unpack_from("<HH", stream, pos)
        if rtype == 0x002F:
            return True
        if rtype in (0x0085, 0x000A) and pos > 0:  # BOUNDSHEET or EOF: past the header
            return False
        pos += 4 + length
    return False


# --- e-mail --------------------------------------------------------------------------------------------------

_HEADER_LINE = re.compile(rb"^[!-9;-~]+:")


def _looks_like_mail(data: bytes) -> bool:
    """An RFC 5322 header block (libmagic calls some raw mail text/plain): every line up to the first
    blank one is a header or a continuation, with From: and a Date/Message-ID/Received/Subject."""
    head = data[:64 * 1024].replace(b"\r\n", b"\n")
    block, sep, _ = head.partition(b"\n\n")
    if not sep:
        return False
    lines = block.split(b"\n")
    if not lines or not _HEADER_LINE.match(lines[0]):
        return False
    names: set[bytes] = set()
    for line in lines:
        if line[:1] in (b" ", b"\t"):
            continue
        if not _HEADER_LINE.match(line):
            return False
        names.add(line.split(b":", 1)[0].lower())
    return b"from" in names and bool(names & {b"date", b"message-id", b"received", b"subject"})


def _email(data: bytes) -> Inspection:
    if _has_zip_directory(data):
        raise _polyglot()
    try:
        message = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(data[: 256 * 1024])
    except Exception:
        raise _malformed("อีเมล", "e-mail message") from None
    if not message.keys():
        raise _malformed("อีเมล", "e-mail message")
    return Inspection(EML)
