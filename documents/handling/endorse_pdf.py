"""Notes and endorsements (เกษียน/สั่งการ) written onto the stamped working copy of a letter.

Pure functions, no database. ``endorse_pdf(pdf, blocks, cursor)`` returns a NEW PDF whose first
``len(pdf)`` bytes ARE ``pdf``: the blocks are added as a PDF **incremental update** (pyHanko's
``IncrementalPdfFileWriter``: new and changed objects, a new cross-reference section and trailer are
appended; nothing before is rewritten). Every earlier version — the receipt-stamped copy, each earlier
endorsement — stays inside the new file byte for byte, as the audit trail of revisions; the received
ORIGINAL is never an input here (the caller keeps it bit-exact, as the stamp does).

Where: on pages of their own at the end of the letter, headed "บันทึกการเกษียน" (the electronic back
of the paper). Page 1 carries the letter itself and the receipt stamp in its top-right corner; its
free space differs on every letter, so nothing is drawn over it. A block goes under the previous one
on the last endorsement page while it fits, else on a new A4 page; a block longer than a page
continues on the next. ``EndorseCursor`` (kept by the caller in the file's flags) says which page that
is and how much of it is used.

Each block is laid out by WeasyPrint in the packaged Sarabun font only, through the same locked URL
fetcher and ActualText text-layer fix as the receipt stamp (``render_document_sarabun_only``), so the
Thai text is shaped, extractable (pdftotext) and a typed ``<img src=file:///…>`` is just text.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.template.loader import render_to_string

from documents.registry.stamp import (
    BANGKOK,
    FONT_FAMILY,
    MM,
    PX,
    StampError,
    font_face_css,
    render_document_sarabun_only,
)
from eoffice.common.thaidate import BE_OFFSET, THAI_MONTHS, to_thai_digits

PAGE_W, PAGE_H = 595.2756, 841.8898  # A4, points
MARGIN = 20 * MM
BLOCK_W = PAGE_W - 2 * MARGIN
USABLE_H = PAGE_H - 2 * MARGIN
GAP = 4 * MM


class EndorseError(StampError):
    code = "endorse_failed"


@dataclass(frozen=True)
class EndorsementBlock:
    """What one note or endorsement says, as recorded (name, post and authority line as printed then)."""

    title: str  # "เกษียนหนังสือ" / "เกษียน/สั่งการ"
    at: datetime
    name: str
    position: str = ""
    authority_line: str = ""  # "รักษาราชการแทน …" / "ปฏิบัติราชการแทน …"
    addressee: str = ""  # a note: "เรียน <the chain's first post>"
    phrase: str = ""
    paragraphs: tuple[str, ...] = ()
    to: str = ""  # an order's units/positions
    thai_digits: bool = False


@dataclass
class EndorseCursor:
    """The endorsement page being filled: its index in the PDF and the points used from its top margin
    (``page is None``: no endorsement page yet)."""

    page: int | None = None
    used: float = 0.0

    def as_flags(self) -> dict:
        return {"page": self.page, "used": round(self.used, 2)}

    @classmethod
    def from_flags(cls, value: object) -> EndorseCursor:
        if isinstance(value, dict) and isinstance(value.get("page"), int):
            return cls(page=value["page"], used=float(value.get("used") or 0))
        return cls()


def datetime_label(at: datetime, *, thai_digits: bool = False) -> str:
    """"4 ธันวาคม 2569 เวลา 14.05 น." (Asia/Bangkok, Buddhist Era)."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("at must be an aware datetime")
    local = at.astimezone(BANGKOK)
    text = (f"{local.day} {THAI_MONTHS[local.month - 1]} {local.year + BE_OFFSET} "
            f"เวลา {local.hour:02d}.{local.minute:02d} น.")
    return to_thai_digits(text) if thai_digits else text


def _render(template: str, context: dict, *, page_h: float = USABLE_H) -> list[tuple[bytes, int, float]]:
    """HTML → [(pdf, page index, used height)] pages of BLOCK_W × page_h (a long block has several)."""
    html = render_to_string(template, {"font_css": font_face_css(), "font_family": FONT_FAMILY,
                                       "width_mm": BLOCK_W / MM, "height_mm": page_h / MM, **context})
    document = render_document_sarabun_only(html)
    end_page = next((i for i, p in enumerate(document.pages) if "block-end" in p.anchors), None)
    if end_page is None:
        raise EndorseError("จัดวางข้อความเกษียนไม่ได้", "The endorsement could not be laid out.")
    raw = document.write_pdf()
    out = []
    for i in range(end_page + 1):
        height = document.pages[i].anchors["block-end"][1] * PX if i == end_page else page_h
        out.append((raw, i, min(page_h, max(height, 1.0))))
    return out


def render_block(block: EndorsementBlock, *, page_h: float = USABLE_H) -> list[tuple[bytes, int, float]]:
    """The block in pieces of at most ``page_h`` points (one unless it is longer than a page)."""
    return _render("documents/handling/endorse_block.html", {
        "b": block, "when": datetime_label(block.at, thai_digits=block.thai_digits),
        "paragraphs": [p for p in block.paragraphs if p],
    }, page_h=page_h)


def render_heading(agency_name: str, number_label: str, *, thai_digits: bool = False, continued: bool = False,
                   number_word: str = "เลขรับ") -> list[tuple[bytes, int, float]]:
    return _render("documents/handling/endorse_heading.html", {
        "agency_name": agency_name, "continued": continued, "number_word": number_word,
        "number": to_thai_digits(number_label) if thai_digits else number_label,
    })


def endorse_pdf(pdf: bytes, blocks: Sequence[EndorsementBlock], cursor: EndorseCursor, *, agency_name: str,
                number_label: str, thai_digits: bool = False, number_word: str = "เลขรับ") -> tuple[bytes, EndorseCursor]:
    """``pdf`` + the blocks as one incremental update: (new pdf — ``pdf`` is its prefix —, new cursor).
    The endorsement pages are headed with the agency and "<number_word> <number_label>" (เลขรับ, or a
    memo's ที่)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader

    pdf = bytes(pdf)
    if not blocks:
        return pdf, cursor
    heading = render_heading(agency_name, number_label, thai_digits=thai_digits, number_word=number_word)[0]
    continued = render_heading(agency_name, number_label, thai_digits=thai_digits, continued=True,
                               number_word=number_word)[0]
    room = USABLE_H - max(heading[2], continued[2]) - GAP  # a piece always fits under a page's heading
    pieces = [piece for block in blocks for piece in render_block(block, page_h=room)]
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        if writer.security_handler is not None:
            raise EndorseError("ไฟล์ PDF เข้ารหัส จึงเขียนเกษียนลงไม่ได้", "The PDF is encrypted.", code="pdf_encrypted")
        page_count = int(writer.root["/Pages"]["/Count"])
        cursor = EndorseCursor(cursor.page, cursor.used)
        if cursor.page is not None and not 0 <= cursor.page < page_count:
            cursor = EndorseCursor()
        readers: dict[int, PdfFileReader] = {}
        forms: dict[int, list[tuple[generic.IndirectObject, float, float]]] = {}  # page -> (form, y top, h)
        fresh: dict[int, generic.IndirectObject] = {}  # pages this update adds -> their page object

        def reader_for(data: bytes) -> PdfFileReader:
            key = id(data)
            if key not in readers:
                readers[key] = PdfFileReader(io.BytesIO(data), strict=False)
            return readers[key]

        def place(piece: tuple[bytes, int, float]) -> None:
            data, index, height = piece
            form = writer.import_page_as_xobject(reader_for(data), page_ix=index)
            form_obj = form.get_object()
            top = float(form_obj["/BBox"][3])
            form_obj["/BBox"] = generic.ArrayObject([generic.FloatObject(0), generic.FloatObject(top - height),
                                                     generic.FloatObject(BLOCK_W), generic.FloatObject(top)])
            forms.setdefault(cursor.page, []).append((form, PAGE_H - MARGIN - cursor.used - top, height))
            cursor.used += height + GAP

        def new_page() -> None:
            nonlocal page_count
            first = cursor.page is None
            page = generic.DictionaryObject({
                generic.pdf_name("/Type"): generic.pdf_name("/Page"),
                generic.pdf_name("/MediaBox"): generic.ArrayObject(
                    [generic.FloatObject(0), generic.FloatObject(0), generic.FloatObject(PAGE_W),
                     generic.FloatObject(PAGE_H)]),
                generic.pdf_name("/Resources"): generic.DictionaryObject(),
            })
            ref = writer.insert_page(page)
            cursor.page, cursor.used = page_count, 0.0
            page_count += 1
            fresh[cursor.page] = ref
            place(heading if first else continued)

        for piece in pieces:
            if cursor.page is None or cursor.used + piece[2] > USABLE_H + 0.5:
                new_page()
            place(piece)

        for page_ix, placed in forms.items():
            names = generic.DictionaryObject()
            ops = []
            for n, (form, y, _h) in enumerate(placed):
                name = f"/EofficeEndorse{page_count}x{len(pdf)}x{n}"  # unique for this revision
                names[generic.pdf_name(name)] = form
                ops.append(f"q 1 0 0 1 {MARGIN:.3f} {y:.3f} cm {name} Do Q")
            stream = generic.StreamObject(stream_data=("q\n" + "\n".join(ops) + "\nQ\n").encode())
            stream.compress()
            ref = writer.add_object(stream)
            resources = generic.DictionaryObject({generic.pdf_name("/XObject"): names})
            if page_ix in fresh:
                page_obj = fresh[page_ix].get_object()
                page_obj[generic.pdf_name("/Contents")] = ref
                page_obj[generic.pdf_name("/Resources")] = resources
                writer.update_container(page_obj)
            else:
                writer.add_stream_to_page(page_ix, ref, resources=resources)
        out = io.BytesIO()
        writer.write(out)
    except EndorseError:
        raise
    except Exception as exc:  # pyHanko raises many kinds on unusual files: one clear refusal
        raise EndorseError(
            "เขียนเกษียนลงฉบับทำงานไม่ได้ (โครงสร้างไฟล์ PDF ผิดปกติ)",
            "The endorsement could not be added to this PDF (unusual structure).",
            code="pdf_unendorsable",
        ) from exc
    result = out.getvalue()
    if not result.startswith(pdf):  # the whole point: never rewrite what was there
        raise EndorseError("การเขียนเกษียนต้องต่อท้ายไฟล์เดิม", "The update did not append to the file.")
    return result, cursor
