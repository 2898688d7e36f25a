"""The receipt stamp (ตรารับหนังสือ) burnt into a working copy of a received letter, and scans → PDF.

Pure functions, no database:

- ``stamp_pdf(pdf, stamps)`` returns a NEW PDF: the given bytes with ``stamps[0]`` in the top-right
  corner of page 1 (as the reader sees it: page rotation and crop box respected) and ``stamps[1:]``
  stacked under it (a unit's stamp goes under the central one). The input bytes are never touched; the
  received original is kept bit-exact by the caller beside the stamped copy. Always stamp the
  ORIGINAL with the complete list (central first, then units in order), never a stamped copy.
- ``image_to_pdf(data, content_type)`` turns a JPEG / PNG / TIFF (multi-page too) scan into a PDF with
  one A4 page per image, so it can be stamped and previewed like any other letter.

Each stamp is laid out by WeasyPrint (Thai shaping by HarfBuzz) in the packaged Sarabun font only
(``fontpkg-sarabun``; no system font, no network), then placed on the page with pikepdf as a form
XObject. ``render_pdf_sarabun_only`` is the shared HTML → PDF entry point (book exports use it too).
"""

from __future__ import annotations

import io
import threading
import unicodedata
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

import fontpkg_sarabun
import pikepdf
from django.template.loader import render_to_string
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from documents.files.images import strict_image_decoding
from documents.registry.errors import RegistryError
from eoffice.common.thaidate import BE_OFFSET, THAI_MONTHS_SHORT, to_thai_digits

BANGKOK = ZoneInfo("Asia/Bangkok")
MM = 72 / 25.4  # PDF points per millimetre
PX = 0.75  # PDF points per CSS pixel

STAMP_WIDTH_MM = 50  # ~2.5 × 5 cm (saraban-domain.md §3.1); the height grows with a long agency name
STAMP_MIN_HEIGHT_MM = 25
STAMP_MARGIN_MM = 10  # from the top and right edges of the page as seen
STAMP_GAP_MM = 2  # between stacked stamps
STAMP_INKS = {"blue": "#1f3c99", "red": "#c0172d"}
MAX_STAMPS = 12

A4_PT = (595.2756, 841.8898)
MAX_IMAGE_PIXELS = 100_000_000  # one frame; an A4 page at 600 dpi is ~35 M
MAX_IMAGE_FRAMES = 500
_PHYSICAL_DPI = (50, 2400)  # a DPI outside this range is taken as "unknown"

FONT_DIR = (Path(fontpkg_sarabun.ROOT) / "files").resolve()
FONT_FAMILY = "EofficeSarabun"  # our own family name, so no installed font can stand in for it
_FONT_FILES = {400: "Sarabun-Regular.ttf", 700: "Sarabun-Bold.ttf"}


class StampError(RegistryError):
    """A file we cannot stamp or convert (unreadable, encrypted, not what it claims to be)."""

    code = "stamp_failed"


# --- data -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class StampText:
    """What one receipt stamp says. ``received_at`` (aware) is the DATE RECEIVED, not the entry time."""

    agency_name: str
    number_label: str  # "1234" or "1234/2569"
    received_at: datetime
    thai_digits: bool = False
    unit_name: str = ""  # set for a unit's stamp (ตรารับของหน่วยงาน): the stamp then names the unit
    ink: str = "blue"  # "blue" or "red", like the rubber stamp the office uses


def stamp_date_label(received_at: datetime, *, thai_digits: bool = False) -> str:
    """"25 พ.ย. 2569": the day received in Asia/Bangkok, abbreviated Thai month, Buddhist-Era year."""
    local = _local(received_at)
    text = f"{local.day} {THAI_MONTHS_SHORT[local.month - 1]} {local.year + BE_OFFSET}"
    return to_thai_digits(text) if thai_digits else text


def stamp_time_label(received_at: datetime, *, thai_digits: bool = False) -> str:
    """"14.05 น." (Asia/Bangkok), the way the time is written on a paper stamp."""
    local = _local(received_at)
    text = f"{local.hour:02d}.{local.minute:02d} น."
    return to_thai_digits(text) if thai_digits else text


def _local(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("received_at must be an aware datetime")
    return value.astimezone(BANGKOK)


# --- WeasyPrint, Sarabun only ---------------------------------------------------------------------------
def font_face_css() -> str:
    """@font-face rules for the packaged Sarabun (regular + bold), as file:// URLs into its package dir."""
    rules = []
    for weight, name in _FONT_FILES.items():
        url = (FONT_DIR / name).as_uri()
        rules.append(
            f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{url}"); font-weight: {weight}; '
            "font-style: normal; }"
        )
    return "\n".join(rules)


_fetcher_class = None


def _sarabun_only_fetcher():  # type: ignore[no-untyped-def]
    """A WeasyPrint URL fetcher that serves the packaged Sarabun .ttf files and refuses everything else
    (http, data:, other files, ../ tricks): a letter's text can never make the renderer fetch anything."""
    global _fetcher_class
    if _fetcher_class is None:
        from weasyprint.urls import URLFetcher, URLFetcherResponse

        class SarabunOnlyFetcher(URLFetcher):
            def fetch(self, url, headers=None):  # type: ignore[no-untyped-def]
                path = sarabun_font_path_for_url(url)
                if path is None:
                    raise ValueError(f"URL refused (only the packaged Sarabun font may be loaded): {url[:80]}")
                return URLFetcherResponse(path.as_uri(), body=path.read_bytes(), headers={"Content-Type": "font/ttf"})

        _fetcher_class = SarabunOnlyFetcher
    return _fetcher_class(allowed_protocols=("file",), allow_redirects=False)


def sarabun_font_path_for_url(url: str) -> Path | None:
    """The font file a URL names if it is one of the packaged Sarabun .ttf files, else None."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost") or parts.query:
        return None
    try:
        path = Path(unquote(parts.path)).resolve()
    except (OSError, ValueError, RuntimeError):
        return None
    if path.parent != FONT_DIR or path.suffix.lower() != ".ttf" or not path.is_file():
        return None
    return path


_local_state = threading.local()
_patch_lock = threading.Lock()
_actual_text_installed = False


# Every FontConfiguration ever made stays referenced until the process ends. Each writes its @font-face
# files into its own temp folder and deletes the folder when it is collected, but fontconfig's cache is
# process-wide and may hand one configuration's font file to another thread's: a thread that rendered and
# exited would otherwise take the files from under everyone else (FileNotFoundError in later PDFs).
_all_font_configs: list = []  # type: ignore[type-arg]


def _font_config():  # type: ignore[no-untyped-def]
    """One WeasyPrint FontConfiguration per thread: the Sarabun faces are loaded once, not per PDF."""
    config = getattr(_local_state, "font_config", None)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration

        config = _local_state.font_config = FontConfiguration()
        with _patch_lock:
            _all_font_configs.append(config)
    return config


def thread_font_config():  # type: ignore[no-untyped-def]
    """This thread's WeasyPrint FontConfiguration (shared with the letter renderer in documents.drafting)."""
    return _font_config()


def install_weasyprint_actualtext_patch_process_wide() -> None:
    """Make WeasyPrint wrap every drawn line of text in ``/Span <</ActualText (...)>> BDC … EMC``.

    Why: HarfBuzz decomposes SARA AM (ำ) into NIKHAHIT + SARA AA and ligates NIKHAHIT with a tone
    mark; WeasyPrint's ToUnicode map has one entry per glyph, so "น้ำ" comes out of pdftotext or a
    search index as "นา". With ActualText, text extraction (poppler, Acrobat) reads the exact string.
    Process-wide and idempotent; it only adds marked content, drawing is unchanged.
    """
    global _actual_text_installed
    with _patch_lock:
        if _actual_text_installed:
            return
        import pydyf
        import weasyprint.draw as weasy_draw

        original = weasy_draw.draw_text

        def draw_text_with_actual_text(stream, textbox, *args, **kwargs):  # type: ignore[no-untyped-def]
            text = getattr(textbox, "text", "")
            if not text.strip() or textbox.style["visibility"] != "visible":
                return original(stream, textbox, *args, **kwargs)
            stream.begin_marked_content("Span", pydyf.Dictionary({"ActualText": pydyf.String(text)}))
            try:
                return original(stream, textbox, *args, **kwargs)
            finally:
                stream.end_marked_content()

        draw_text_with_actual_text.__wrapped__ = original  # type: ignore[attr-defined]
        weasy_draw.draw_text = draw_text_with_actual_text
        _actual_text_installed = True


def render_document_sarabun_only(html: str):  # type: ignore[no-untyped-def]
    """HTML → laid-out WeasyPrint Document, fonts from the packaged Sarabun only, no other URL loaded."""
    from weasyprint import HTML

    install_weasyprint_actualtext_patch_process_wide()
    return HTML(string=html, url_fetcher=_sarabun_only_fetcher(), base_url=None).render(font_config=_font_config())


def render_pdf_sarabun_only(html: str) -> bytes:
    """HTML → PDF bytes (see ``render_document_sarabun_only``)."""
    return render_document_sarabun_only(html).write_pdf()


# --- the stamp ------------------------------------------------------------------------------------------
_NAME_LINE_PT = (STAMP_WIDTH_MM - 5) * MM  # the text width inside the frame
_NAME_MAX_PT, _NAME_MIN_PT = 9.5, 6.5


def _name_font_pt(name: str) -> float:
    """Font size that fits a name on one line of the stamp (as a rubber stamp maker would cut it); a
    name too long even at the smallest size wraps. Marks above/below the line take no width."""
    spacing = sum(1 for ch in name if unicodedata.category(ch) not in ("Mn", "Me"))
    if spacing == 0:
        return _NAME_MAX_PT
    fitting = _NAME_LINE_PT / (spacing * 0.6)  # Sarabun bold: ~0.6 em per Thai letter
    return round(max(_NAME_MIN_PT, min(_NAME_MAX_PT, fitting)), 1)


def render_stamps_pdf(stamps: Sequence[StampText]) -> tuple[bytes, float, float]:
    """The stamp block alone as a one-page PDF cropped to the block: (pdf, width_pt, height_pt)."""
    if not stamps:
        raise ValueError("no stamp to render")
    if len(stamps) > MAX_STAMPS:
        raise StampError(
            f"ประทับตรารับได้ไม่เกิน {MAX_STAMPS} ตราในหน้าเดียว",
            f"At most {MAX_STAMPS} receipt stamps fit on one page.",
            code="too_many_stamps",
        )
    items = []
    for stamp in stamps:
        digits = to_thai_digits if stamp.thai_digits else str
        items.append(
            {
                "agency_name": stamp.agency_name,
                "unit_name": stamp.unit_name,
                "name_pt": _name_font_pt(stamp.unit_name or stamp.agency_name),
                "agency_small_pt": min(7.5, _name_font_pt(stamp.agency_name)),
                "number": digits(stamp.number_label),
                "date": stamp_date_label(stamp.received_at, thai_digits=stamp.thai_digits),
                "time": stamp_time_label(stamp.received_at, thai_digits=stamp.thai_digits),
                "ink": STAMP_INKS.get(stamp.ink, STAMP_INKS["blue"]),
            }
        )
    page_height_mm = len(stamps) * 60 + 10  # generous; the block is measured and the page cropped to it
    html = render_to_string(
        "documents/stamp/receipt_stamp.html",
        {
            "font_css": font_face_css(),
            "font_family": FONT_FAMILY,
            "stamps": items,
            "width_mm": STAMP_WIDTH_MM,
            "min_height_mm": STAMP_MIN_HEIGHT_MM,
            "gap_mm": STAMP_GAP_MM,
            "page_height_mm": page_height_mm,
        },
    )
    document = render_document_sarabun_only(html)
    page = document.pages[0]
    end = page.anchors.get("stamp-end")
    if end is None or len(document.pages) != 1:
        raise StampError("ตรารับยาวเกินไป", "The receipt stamp text is too long.", code="stamp_too_long")
    width_pt = STAMP_WIDTH_MM * MM
    height_pt = max(end[1] * PX, STAMP_MIN_HEIGHT_MM * MM)
    raw = document.write_pdf()
    with pikepdf.open(io.BytesIO(raw)) as pdf:
        stamp_page = pdf.pages[0]
        _llx, _lly, _urx, ury = (float(v) for v in stamp_page.mediabox)
        for key in ("/CropBox", "/TrimBox", "/BleedBox", "/ArtBox"):
            if key in stamp_page.obj:
                del stamp_page.obj[key]
        stamp_page.mediabox = [0, ury - height_pt, width_pt, ury]
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
    return out.getvalue(), width_pt, height_pt


def stamp_pdf(pdf: bytes, stamps: list[StampText]) -> bytes:
    """A new PDF: ``pdf`` with the stamps at the top right of page 1 (as displayed), stacked downwards.

    The input is not modified. Rotated pages (/Rotate, inherited too), crop boxes, UserUnit,
    landscape and non-A4 pages are handled; on a page too small for the block it is scaled down.
    Raises ``StampError`` for a PDF that cannot be opened, is encrypted or has no page.
    """
    if not stamps:
        return bytes(pdf)
    stamp_bytes, block_w, block_h = render_stamps_pdf(stamps)
    try:
        source = pikepdf.open(io.BytesIO(bytes(pdf)))
    except pikepdf.PasswordError as exc:
        raise _encrypted() from exc
    except (pikepdf.PdfError, ValueError, OSError, RuntimeError) as exc:
        raise StampError(
            "เปิดไฟล์ PDF เพื่อประทับตรารับไม่ได้ (ไฟล์เสียหรือไม่ใช่ PDF)",
            "The PDF could not be opened to stamp it (damaged or not a PDF).",
            code="pdf_unreadable",
        ) from exc
    with source, pikepdf.open(io.BytesIO(stamp_bytes)) as stamp_source:
        if source.is_encrypted:
            raise _encrypted()
        if len(source.pages) == 0:
            raise StampError("ไฟล์ PDF ไม่มีหน้าให้ประทับตรารับ", "The PDF has no page to stamp.", code="pdf_no_pages")
        try:
            page = source.pages[0]
            place_form_on_page(
                source, page, stamp_source.pages[0],
                lambda form: _placement_matrix(page, form, block_w, block_h),
            )
            out = io.BytesIO()
            source.save(out, deterministic_id=True)
        except (pikepdf.PdfError, KeyError, TypeError, ValueError, RuntimeError) as exc:
            raise StampError(
                "ประทับตรารับลงไฟล์ PDF นี้ไม่ได้ (โครงสร้างไฟล์ผิดปกติ)",
                "The receipt stamp could not be placed on this PDF (unusual structure).",
                code="pdf_unstampable",
            ) from exc
    return out.getvalue()


def _encrypted() -> StampError:
    return StampError(
        "ไฟล์ PDF มีรหัสผ่าน/เข้ารหัส จึงประทับตรารับไม่ได้", "The PDF is encrypted; it cannot be stamped.",
        code="pdf_encrypted",
    )


def _num(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _free_xobject_name(page: pikepdf.Page, prefix: str = "EofficeStamp") -> pikepdf.Name:
    resources = page.get_resources()
    used = set()
    if isinstance(resources, pikepdf.Dictionary):
        for sub in resources.values():
            if isinstance(sub, pikepdf.Dictionary):
                used.update(str(k) for k in sub)
    index = 0
    while f"/{prefix}{index}" in used:
        index += 1
    return pikepdf.Name(f"/{prefix}{index}")


def _own_resources(page: pikepdf.Page) -> pikepdf.Dictionary:
    """Give the page its own /Resources (and /XObject) dictionary, copied from what it uses now (maybe
    inherited or shared with other pages), so adding the stamp changes nothing else."""
    current = page.get_resources()
    resources = pikepdf.Dictionary()
    if isinstance(current, pikepdf.Dictionary):
        for key, value in current.items():
            resources[key] = value
    xobjects = pikepdf.Dictionary()
    existing = resources.get(pikepdf.Name.XObject)
    if isinstance(existing, pikepdf.Dictionary):
        for key, value in existing.items():
            xobjects[key] = value
    resources[pikepdf.Name.XObject] = xobjects
    page.obj[pikepdf.Name.Resources] = resources
    return resources


def place_form_on_page(
    target: pikepdf.Pdf, page: pikepdf.Page, block_page: pikepdf.Page,
    matrix_for: Callable[[pikepdf.Object], Matrix6], *, prefix: str = "EofficeStamp",
) -> None:
    """Draw ``block_page`` (a page of another PDF, e.g. a WeasyPrint-made block) on ``page`` of
    ``target`` as a form XObject, with ``matrix_for(form)`` as its form → user space matrix.

    The page's own content is wrapped in q … Q first, so whatever graphics state it leaves behind
    (an unbalanced ``cm``) cannot move or scale the block. Shared by the receipt stamp and by the
    number-and-date box of a drafted letter (documents/drafting/sources.py)."""
    form = target.copy_foreign(block_page.as_form_xobject())
    name = _free_xobject_name(page, prefix)
    _own_resources(page)[pikepdf.Name.XObject][name] = form
    matrix = matrix_for(form)
    page.contents_add(b"q\n", prepend=True)
    page.contents_add(
        b"Q\nq " + " ".join(_num(v) for v in matrix).encode() + b" cm " + str(name).encode() + b" Do Q\n"
    )


Matrix6 = tuple[float, float, float, float, float, float]


def _mul(m1: Matrix6, m2: Matrix6) -> Matrix6:
    """m1 then m2 (PDF row-vector convention)."""
    a1, b1, c1, d1, e1, f1 = m1
    a2, b2, c2, d2, e2, f2 = m2
    return (
        a1 * a2 + b1 * c2, a1 * b2 + b1 * d2,
        c1 * a2 + d1 * c2, c1 * b2 + d1 * d2,
        e1 * a2 + f1 * c2 + e2, e1 * b2 + f1 * d2 + f2,
    )


def _box(value: object) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = (float(v) for v in value)  # type: ignore[union-attr]
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def visible_box(page: pikepdf.Page) -> tuple[float, float, float, float]:
    """The crop box clipped to the media box (PDF 32000 §14.11.2), normalised (x0 < x1, y0 < y1)."""
    mx0, my0, mx1, my1 = _box(page.mediabox)
    cx0, cy0, cx1, cy1 = _box(page.cropbox)
    x0, y0, x1, y1 = max(mx0, cx0), max(my0, cy0), min(mx1, cx1), min(my1, cy1)
    if x1 - x0 < 1 or y1 - y0 < 1:
        return mx0, my0, mx1, my1
    return x0, y0, x1, y1


def _rotation(page: pikepdf.Page) -> int:
    return (round(page.rotation / 90) * 90) % 360


def _user_unit(page: pikepdf.Page) -> float:
    user_unit = float(page.obj.get(pikepdf.Name.UserUnit, 1) or 1)
    return user_unit if user_unit > 0 else 1.0


def shown_size_pt(page: pikepdf.Page) -> tuple[float, float]:
    """(width, height) in points of the page as the reader sees it: the visible crop box, turned by
    /Rotate (inherited too) and scaled by /UserUnit."""
    x0, y0, x1, y1 = visible_box(page)
    width, height = x1 - x0, y1 - y0
    shown_w, shown_h = (height, width) if _rotation(page) in (90, 270) else (width, height)
    user_unit = _user_unit(page)
    return shown_w * user_unit, shown_h * user_unit


def display_to_user_matrix(page: pikepdf.Page) -> Matrix6:
    """Displayed space → page user space. Displayed space is in points with its origin at the
    bottom-left corner of the page as the reader sees it (crop box, rotation, UserUnit applied), x to
    the right and y upwards."""
    x0, y0, x1, y1 = visible_box(page)
    user_unit = _user_unit(page)
    to_user = {
        0: (1.0, 0.0, 0.0, 1.0, x0, y0),
        90: (0.0, 1.0, -1.0, 0.0, x1, y0),
        180: (-1.0, 0.0, 0.0, -1.0, x1, y1),
        270: (0.0, -1.0, 1.0, 0.0, x0, y1),
    }[_rotation(page)]
    return _mul((1 / user_unit, 0.0, 0.0, 1 / user_unit, 0.0, 0.0), to_user)


def form_placement_matrix(
    page: pikepdf.Page, form: pikepdf.Object, scale: float, x_pt: float, y_pt: float,
) -> Matrix6:
    """Form space → page user space: the form's bounding box scaled by ``scale``, its lower-left
    corner at (``x_pt``, ``y_pt``) in displayed space (see ``display_to_user_matrix``), upright."""
    bx0, by0, _bx1, _by1 = _box(form.get(pikepdf.Name.BBox, [0, 0, 0, 0]))
    matrix: Matrix6 = (1.0, 0.0, 0.0, 1.0, -bx0, -by0)
    matrix = _mul(matrix, (scale, 0.0, 0.0, scale, x_pt, y_pt))
    return _mul(matrix, display_to_user_matrix(page))


def _placement_matrix(page: pikepdf.Page, form: pikepdf.Object, block_w: float, block_h: float) -> Matrix6:
    """Form space → page user space, so that the block sits upright in the displayed top-right corner."""
    shown_w_pt, shown_h_pt = shown_size_pt(page)
    margin = min(STAMP_MARGIN_MM * MM, 0.05 * min(shown_w_pt, shown_h_pt))
    scale = min(1.0, (shown_w_pt - 2 * margin) / block_w, (shown_h_pt - 2 * margin) / block_h)
    scale = max(scale, 0.05)
    place_x = shown_w_pt - margin - scale * block_w
    place_y = shown_h_pt - margin - scale * block_h
    return form_placement_matrix(page, form, scale, place_x, place_y)


# --- scans → PDF ----------------------------------------------------------------------------------------
_IMAGE_TYPES = {
    "image/jpeg": "JPEG", "image/jpg": "JPEG", "image/pjpeg": "JPEG",
    "image/png": "PNG", "image/x-png": "PNG",
    "image/tiff": "TIFF", "image/tif": "TIFF", "image/x-tiff": "TIFF",
}


def _unreadable_image() -> StampError:
    return StampError(
        "อ่านไฟล์ภาพไม่ได้ (ไฟล์เสีย ใหญ่เกินไป หรือไม่ใช่ JPEG/PNG/TIFF)",
        "The image could not be read (damaged, too large, or not JPEG/PNG/TIFF).",
        code="image_unreadable",
    )


def image_to_pdf(data: bytes, content_type: str) -> bytes:
    """JPEG / PNG / TIFF (every page of a multi-page TIFF) → PDF, one A4 page per image.

    Each page is portrait or landscape like its image; the image keeps its true size when its DPI is
    known and it fits, else is scaled down to fit the page (never up), centred across and at the top.
    A plain JPEG goes in as it came (no re-compression); other pixels are stored losslessly (Flate).
    EXIF orientation is applied. Raises ``StampError`` for anything else.
    """
    expected = _IMAGE_TYPES.get((content_type or "").split(";")[0].strip().lower())
    if expected is None:
        raise StampError(
            "แปลงเป็น PDF ได้เฉพาะไฟล์ภาพ JPEG, PNG หรือ TIFF",
            "Only JPEG, PNG or TIFF images can be converted to PDF.",
            code="image_type_unsupported",
        )
    with strict_image_decoding():
        return _image_to_pdf(bytes(data), expected)


def _image_to_pdf(data: bytes, expected: str) -> bytes:
    try:
        with Image.open(io.BytesIO(data)) as image:
            multi_picture_jpeg = expected == "JPEG" and image.format == "MPO"  # phone photos: 1st picture
            if image.format != expected and not multi_picture_jpeg:
                raise StampError(
                    "เนื้อไฟล์ภาพไม่ตรงกับชนิดที่ระบุ",
                    f"The image content is {image.format}, not {expected}.",
                    code="image_type_mismatch",
                )
            frames = 1 if multi_picture_jpeg else getattr(image, "n_frames", 1)
            if frames > MAX_IMAGE_FRAMES:
                raise StampError(
                    f"ไฟล์ภาพมีเกิน {MAX_IMAGE_FRAMES} หน้า",
                    f"The image has more than {MAX_IMAGE_FRAMES} pages.",
                    code="image_too_many_pages",
                )
            out = pikepdf.new()
            if multi_picture_jpeg:
                _add_image_page(out, image, None, exif_source=True)
            else:
                for frame in ImageSequence.Iterator(image):
                    _add_image_page(out, frame, data if expected == "JPEG" else None, exif_source=expected == "JPEG")
            buffer = io.BytesIO()
            out.save(buffer, deterministic_id=True)
            return buffer.getvalue()
    except StampError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError, SyntaxError,
            EOFError, MemoryError, pikepdf.PdfError) as exc:
        raise _unreadable_image() from exc


def _add_image_page(pdf: pikepdf.Pdf, frame: Image.Image, jpeg_bytes: bytes | None, *, exif_source: bool) -> None:
    width_px, height_px = frame.size
    if width_px < 1 or height_px < 1 or width_px * height_px > MAX_IMAGE_PIXELS:
        raise _unreadable_image()
    dpi = _dpi(frame)
    orientation = frame.getexif().get(0x0112, 1) if exif_source else 1
    if jpeg_bytes is not None and frame.mode in ("L", "RGB") and orientation in (1, None):
        frame.load()  # decodes once: a truncated or hostile JPEG fails here, not in a PDF viewer
        stream = pikepdf.Stream(pdf, b"")
        stream.write(bytes(jpeg_bytes), filter=pikepdf.Name.DCTDecode)
        colour, bits = ("/DeviceGray" if frame.mode == "L" else "/DeviceRGB"), 8
    else:
        if exif_source:
            frame = ImageOps.exif_transpose(frame)
        pixels, colour, bits = _pixels(frame)
        stream = pikepdf.Stream(pdf, b"")
        stream.write(zlib.compress(pixels.tobytes(), 6), filter=pikepdf.Name.FlateDecode)
        width_px, height_px = pixels.size
        if orientation in (5, 6, 7, 8) and dpi:
            dpi = (dpi[1], dpi[0])
    stream.Type = pikepdf.Name.XObject
    stream.Subtype = pikepdf.Name.Image
    stream.Width, stream.Height = width_px, height_px
    stream.ColorSpace = pikepdf.Name(colour)
    stream.BitsPerComponent = bits

    page_w, page_h = A4_PT if height_px >= width_px else (A4_PT[1], A4_PT[0])
    if dpi:
        natural_w, natural_h = width_px / dpi[0] * 72, height_px / dpi[1] * 72
        scale = min(1.0, page_w / natural_w, page_h / natural_h)
    else:
        natural_w, natural_h = float(width_px), float(height_px)
        scale = min(page_w / natural_w, page_h / natural_h)
    draw_w, draw_h = natural_w * scale, natural_h * scale
    x, y = (page_w - draw_w) / 2, page_h - draw_h
    page = pdf.add_blank_page(page_size=(page_w, page_h))
    page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=stream))
    content = f"q {_num(draw_w)} 0 0 {_num(draw_h)} {_num(x)} {_num(y)} cm /Im0 Do Q\n".encode()
    page.obj.Contents = pikepdf.Stream(pdf, content)


def _dpi(frame: Image.Image) -> tuple[float, float] | None:
    value = frame.info.get("dpi")
    try:
        dpi_x, dpi_y = float(value[0]), float(value[1])  # type: ignore[index]
    except (TypeError, ValueError, IndexError):
        return None
    low, high = _PHYSICAL_DPI
    if low <= dpi_x <= high and low <= dpi_y <= high:
        return dpi_x, dpi_y
    return None


def _pixels(frame: Image.Image) -> tuple[Image.Image, str, int]:
    """The frame as PDF-ready pixels: (image, colour space, bits per component); alpha over white."""
    mode = frame.mode
    if mode == "1":
        return frame, "/DeviceGray", 1
    if mode == "L":
        return frame, "/DeviceGray", 8
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        return frame.convert("I").point(lambda value: value * (1 / 256)).convert("L"), "/DeviceGray", 8
    if mode == "P" and "transparency" in frame.info:
        frame = frame.convert("RGBA")
        mode = "RGBA"
    if mode in ("LA", "La", "PA", "RGBA", "RGBa"):
        rgba = frame.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background, "/DeviceRGB", 8
    if mode == "RGB":
        return frame, "/DeviceRGB", 8
    return frame.convert("RGB"), "/DeviceRGB", 8
