"""The file copy (สำเนาคู่ฉบับ) kept by the sending agency: the letter's own pages, each marked
"สำเนาคู่ฉบับ" in the top-right margin, then a closing page naming who drafted, typed, proofread and
checked it (ผู้ร่าง / ผู้พิมพ์ / ผู้ทาน / ผู้ตรวจ) and when each initialled."""

from __future__ import annotations

import io

import pikepdf
from django.template.loader import render_to_string

from documents.drafting.render.common import thai_datetime
from documents.drafting.render.engine import FONT_FAMILY, base_css, render_pdf
from documents.drafting.render.layout import FileCopyPerson
from documents.drafting.render.letter import RenderError
from documents.registry.stamp import MM, visible_box

MARK_MARGIN_MM = 8  # from the top and right edges: inside the 2 cm right and 2.5 cm top margins


MARK_W_MM, MARK_H_MM = 32, 9


def _mark_form_pdf() -> tuple[bytes, float, float]:
    """The "สำเนาคู่ฉบับ" box alone, as a one-page PDF exactly its size."""
    html = render_to_string("drafting/pdf/file_copy.html", {
        "font_css": base_css(), "font_family": FONT_FAMILY, "mark_only": True, "mark_w_mm": MARK_W_MM,
        "mark_h_mm": MARK_H_MM,
    })
    return render_pdf(html), MARK_W_MM * MM, MARK_H_MM * MM


def render_file_copy(letter_pdf: bytes, *, title_lines: list[str], people: list[FileCopyPerson],
                     thai_digits: bool = False) -> bytes:
    """``letter_pdf`` with every page marked and the closing page added (the input is not modified)."""
    closing = render_pdf(render_to_string("drafting/pdf/file_copy.html", {
        "font_css": base_css(), "font_family": FONT_FAMILY, "mark_only": False, "title_lines": title_lines,
        "people": [{"role_label": p.role_label, "name": p.name, "position": p.position,
                    "at": thai_datetime(p.at, thai_digits)} for p in people],
    }))
    mark_pdf, mark_w, mark_h = _mark_form_pdf()
    try:
        source = pikepdf.open(io.BytesIO(bytes(letter_pdf)))
    except (pikepdf.PdfError, ValueError, OSError) as exc:
        raise RenderError("เปิดไฟล์หนังสือเพื่อทำสำเนาคู่ฉบับไม่ได้", "The letter PDF could not be opened.",
                          code="file_copy_unreadable") from exc
    with source, pikepdf.open(io.BytesIO(mark_pdf)) as mark_src, pikepdf.open(io.BytesIO(closing)) as closing_src:
        form = source.copy_foreign(mark_src.pages[0].as_form_xobject())
        for page in source.pages:
            x0, y0, x1, y1 = visible_box(page)
            x = x1 - MARK_MARGIN_MM * MM - mark_w
            y = y1 - MARK_MARGIN_MM * MM - mark_h
            name = page.add_resource(form, pikepdf.Name.XObject, prefix="EofficeCopy")
            page.contents_add(b"q\n", prepend=True)
            bx0, by0 = float(form.BBox[0]), float(form.BBox[1])
            page.contents_add(f"Q\nq 1 0 0 1 {x - bx0:.3f} {y - by0:.3f} cm {name} Do Q\n".encode())
        source.pages.extend(closing_src.pages)
        out = io.BytesIO()
        source.save(out, deterministic_id=True)
    return out.getvalue()
