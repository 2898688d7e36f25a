"""The delivery book (สมุดส่งหนังสือ, แบบที่ 16): one line per letter handed over, with an empty box for
the receiver's signature and time (filled in when the receipt is already recorded)."""

from __future__ import annotations

from django.template.loader import render_to_string

from documents.drafting.render.common import digits, thai_datetime
from documents.drafting.render.engine import FONT_FAMILY, base_css, render_pdf
from documents.drafting.render.layout import DeliveryRow


def render_delivery_book(*, agency_name: str, rows: list[DeliveryRow], thai_digits: bool) -> bytes:
    """Landscape A4 pages; the header row repeats on every page."""
    items = [{
        "number": digits(row.number_text, thai_digits), "to_name": row.to_name, "subject": row.subject,
        "unit": row.unit_name or row.to_name, "received_by": row.received_by,
        "received_at": thai_datetime(row.received_at, thai_digits), "note": row.note,
    } for row in rows]
    html = render_to_string("drafting/pdf/delivery_book.html", {
        "font_css": base_css(), "font_family": FONT_FAMILY, "agency_name": agency_name, "rows": items,
        "thai_digits": thai_digits,
    })
    return render_pdf(html)
