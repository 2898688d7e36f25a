"""Pieces shared by the letter, envelope, label and book renderers: emblem, QR code, marks, dates."""

from __future__ import annotations

import base64
from datetime import date, datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import segno

from documents.drafting.render.engine import Assets
from documents.drafting.render.layout import SECRECY_MARKS, URGENCY_MARKS
from eoffice.common.thaidate import BE_OFFSET, THAI_MONTHS, to_thai_digits

BANGKOK = ZoneInfo("Asia/Bangkok")
REPO_ROOT = Path(__file__).resolve().parents[3]
PLACEHOLDER_EMBLEM = REPO_ROOT / "static" / "img" / "garuda-placeholder.svg"
LETTER_CSS = REPO_ROOT / "static" / "css" / "drafting-letter.css"
MAX_EMBLEM_BYTES = 5 * 1024 * 1024
MARK_RED = "#c8102e"


@cache
def placeholder_emblem() -> bytes:
    return PLACEHOLDER_EMBLEM.read_bytes()


@cache
def letter_css() -> str:
    """The letter's layout rules, one file for the PDF and the page preview (static/css/drafting-letter.css)."""
    return LETTER_CSS.read_text(encoding="utf-8")


def sniff_emblem(data: bytes | None, declared: str = "") -> tuple[bytes, str]:
    """(bytes, content type) of the emblem to print: the agency's file if it really is a PNG, JPEG or SVG
    within the size limit (the declared type is only a hint), else the packaged placeholder."""
    if data:
        body = bytes(data)
        if len(body) <= MAX_EMBLEM_BYTES:
            if body.startswith(b"\x89PNG\r\n\x1a\n"):
                return body, "image/png"
            if body.startswith(b"\xff\xd8\xff"):
                return body, "image/jpeg"
            head = body[:2048].lstrip().lower()
            if (head.startswith(b"<?xml") or head.startswith(b"<svg") or b"<svg" in head) and (
                declared in ("", "image/svg+xml")
            ):
                return body, "image/svg+xml"
    return placeholder_emblem(), "image/svg+xml"


def emblem_sources(data: bytes | None, declared: str, assets: Assets | None) -> str:
    """The <img src> for the emblem: an in-memory asset URL for the PDF, a data: URI for the page preview
    (its CSP allows ``img-src data:``)."""
    body, content_type = sniff_emblem(data, declared)
    if assets is not None:
        return assets.add("emblem", body, content_type)
    return f"data:{content_type};base64,{base64.b64encode(body).decode('ascii')}"


def qr_svg(url: str | None) -> str:
    """The verification URL as an inline SVG QR code (drawn here; nothing is fetched to show it)."""
    if not url:
        return ""
    code = segno.make(url, error="m", micro=False)
    return code.svg_inline(scale=1, border=0, dark="#000", light=None, omitsize=True)


def marks(urgency: str, secrecy: str) -> tuple[str, str]:
    return URGENCY_MARKS.get(urgency or "001", ""), SECRECY_MARKS.get(secrecy or "001", "")


def digits(text: str, thai: bool) -> str:
    return to_thai_digits(text) if thai else text


def full_thai_date(value: date | None, thai: bool, *, with_be: bool = False) -> str:
    """"4 ธันวาคม 2569" (or "4 ธันวาคม พ.ศ. 2569" on orders / announcements); "" for None."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = _local(value).date()
    era = "พ.ศ. " if with_be else ""
    return digits(f"{value.day} {THAI_MONTHS[value.month - 1]} {era}{value.year + BE_OFFSET}", thai)


def thai_datetime(value: datetime | None, thai: bool) -> str:
    """"4 ธันวาคม 2569 เวลา 14.05 น." in Asia/Bangkok; "" for None."""
    if value is None:
        return ""
    local = _local(value)
    return full_thai_date(local.date(), thai) + digits(f" เวลา {local.hour:02d}.{local.minute:02d} น.", thai)


def _local(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        return value.replace(tzinfo=BANGKOK)
    return value.astimezone(BANGKOK)
