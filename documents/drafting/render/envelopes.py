"""Envelopes (ซองหนังสือ, แบบที่ 15) and A4 sheets of address labels for outgoing letters."""

from __future__ import annotations

from django.template.loader import render_to_string

from documents.drafting.render.common import digits, emblem_sources, marks
from documents.drafting.render.engine import FONT_FAMILY, Assets, base_css, render_pdf
from documents.drafting.render.layout import ENVELOPE_SIZES, EnvelopeLayout
from documents.drafting.render.letter import RenderError

LABEL_GRID = (2, 7)  # columns × rows on an A4 sheet
LABEL_W_MM, LABEL_H_MM, LABEL_GAP_MM = 99.0, 38.1, 2.0
LABEL_TOP_MM = (297 - 7 * LABEL_H_MM) / 2


def _items(envs: list[EnvelopeLayout], assets: Assets) -> list[dict]:
    items = []
    emblem_urls: dict[tuple[bytes | None, str], str] = {}
    for env in envs:
        key = (env.emblem, env.emblem_type)
        if key not in emblem_urls:  # one asset per distinct emblem, not one per label
            sub = Assets()
            url = emblem_sources(env.emblem, env.emblem_type, sub)
            name = f"emblem{len(emblem_urls)}"
            assets.items[name] = sub.items["emblem"]
            emblem_urls[key] = url.replace(":emblem", f":{name}")
        urgency_mark, secrecy_mark = marks(env.urgency, env.secrecy)
        items.append({
            "emblem_src": emblem_urls[key],
            "agency_name": env.agency_name,
            "address_lines": [line for line in (env.agency_address or "").splitlines() if line.strip()],
            "number": digits(env.number_text, env.thai_digits),
            "urgency_mark": urgency_mark,
            "secrecy_mark": secrecy_mark,
            "salutation_word": env.salutation_word,
            "recipient_name": env.recipient_name,
            "recipient_lines": [line for line in (env.recipient_address or "").splitlines() if line.strip()],
            "registered": env.registered,
            "tracking": env.tracking_number,
        })
    return items


def render_envelope(env: EnvelopeLayout, size: str) -> bytes:
    """One envelope, printed landscape at its exact size (``ENVELOPE_SIZES``: C4, C5, C6, DL)."""
    if size not in ENVELOPE_SIZES:
        raise RenderError(
            f"ไม่รู้จักขนาดซอง “{size}” (ใช้ได้: {', '.join(ENVELOPE_SIZES)})",
            f"Unknown envelope size {size!r} (one of {', '.join(ENVELOPE_SIZES)}).",
            code="unknown_envelope_size",
        )
    width_mm, height_mm = ENVELOPE_SIZES[size]
    assets = Assets()
    html = render_to_string("drafting/pdf/envelope.html", {
        "font_css": base_css(), "font_family": FONT_FAMILY, "envelopes": _items([env], assets),
        "width_mm": width_mm, "height_mm": height_mm, "text_pt": 12 if width_mm >= 200 else 10.6,
        "recipient_top_pct": 45 if height_mm >= 150 else 50, "registered_top_mm": 56 if marks(env.urgency, env.secrecy)[0] else 40,
    })
    return render_pdf(html, assets)


def render_labels(envs: list[EnvelopeLayout]) -> bytes:
    """Address labels on A4 sheets (2 × 7 per sheet, 99 × 38.1 mm), each with the Garuda and the marks."""
    if not envs:
        raise RenderError("ไม่มีรายการที่จะพิมพ์ป้าย", "No address to print a label for.", code="no_labels")
    assets = Assets()
    cols, _rows = LABEL_GRID
    html = render_to_string("drafting/pdf/labels.html", {
        "font_css": base_css(), "font_family": FONT_FAMILY, "envelopes": _items(envs, assets), "cols": cols,
        "label_w_mm": LABEL_W_MM, "label_h_mm": LABEL_H_MM, "gap_mm": LABEL_GAP_MM, "top_mm": LABEL_TOP_MM,
        "side_mm": (210 - cols * LABEL_W_MM - (cols - 1) * LABEL_GAP_MM) / 2,
    })
    return render_pdf(html, assets)
