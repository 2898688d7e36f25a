"""The official PDF of an outgoing letter (external, memo, stamped, order, announcement) and the same
layout as an HTML fragment for the page's live preview. Pure: plain data in, bytes / text out."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from documents.drafting.render.common import (
    digits,
    emblem_sources,
    full_thai_date,
    letter_css,
    marks,
    qr_svg,
)
from documents.drafting.render.engine import FONT_FAMILY, Assets, base_css, render_pdf
from documents.drafting.render.layout import LETTER_FORMS, LetterLayout
from documents.drafting.sanitize import sanitize_body
from documents.registry.errors import RegistryError


class RenderError(RegistryError):
    """A letter layout we cannot print (unknown form)."""

    code = "render_failed"


def _number(layout: LetterLayout) -> str:
    text = (layout.number_text or "").strip()
    if text.startswith("ที่ "):
        text = text[4:].strip()
    return digits(text, layout.thai_digits)


def letter_context(layout: LetterLayout, assets: Assets | None) -> dict:
    """Everything the template prints, already formatted (digits, dates, marks, sanitised body)."""
    if layout.form not in LETTER_FORMS:
        raise RenderError(
            f"ไม่รู้จักรูปแบบหนังสือ “{layout.form}”", f"Unknown letter form {layout.form!r}.", code="unknown_form"
        )
    urgency_mark, secrecy_mark = marks(layout.urgency, layout.secrecy)
    return {
        "form": layout.form,
        "title": layout.title or layout.subject or "หนังสือ",
        "thai_digits": layout.thai_digits,
        "watermark": layout.watermark,
        "urgency_mark": urgency_mark,
        "secrecy_mark": secrecy_mark,
        "emblem_src": emblem_sources(layout.emblem, layout.emblem_type, assets),
        "agency_name": layout.agency_name,
        "agency_address_lines": [line for line in (layout.agency_address or "").splitlines() if line.strip()],
        "issuing_unit": layout.issuing_unit,
        "number": _number(layout),
        "date": full_thai_date(layout.letter_date, layout.thai_digits),
        "date_be": full_thai_date(layout.letter_date, layout.thai_digits, with_be=True),
        "subject": layout.subject,
        "salutation": layout.salutation,
        "recipient": layout.recipient,
        "refers_to": list(layout.refers_to),
        "enclosures": list(layout.enclosures),
        "body": mark_safe(sanitize_body(layout.body_html)),  # noqa: S308 - allow-listed, attribute-free HTML
        "closing": layout.closing,
        "signer_name": layout.signer_name,
        "signer_position": layout.signer_position,
        "signer_line": layout.signer_line,
        "owner_unit": layout.owner_unit,
        "contact_lines": list(layout.contact_lines),
        "copies_to": list(layout.copies_to),
        "qr_svg": mark_safe(qr_svg(layout.qr_url)),  # noqa: S308 - SVG we generate; the URL is not markup
        "authority": layout.authority or layout.agency_name,
        "initials_note": layout.initials_note,
    }


def letter_document_html(layout: LetterLayout, assets: Assets | None = None) -> str:
    """The full HTML document the PDF is made from (also used by the benchmark)."""
    return render_to_string(
        "drafting/pdf/letter.html",
        {"L": letter_context(layout, assets), "font_css": base_css(), "font_family": FONT_FAMILY,
         "letter_css": letter_css()},
    )


def render_letter(layout: LetterLayout) -> bytes:
    """The letter as a PDF (A4, tagged PDF/A-3u, packaged Sarabun only, nothing fetched)."""
    assets = Assets()
    return render_pdf(letter_document_html(layout, assets), assets)


def render_letter_html(layout: LetterLayout) -> str:
    """The same layout as a self-contained HTML fragment for a live preview: no <style> (the page links
    static/css/drafting-letter.css), no external load (emblem as a data: image, QR as inline SVG)."""
    return render_to_string("drafting/pdf/_letter.html", {"L": letter_context(layout, None)})
