"""The printed reference (ที่) of an entry, formatted from agency, unit and book data.

Formats are per-book data with the placeholders ``{code}`` (รหัสพยัญชนะ, e.g. นม), ``{owner}``
(เลขประจำของเจ้าของเรื่อง: the book's unit number, else the agency's), ``{number}``, ``{year}`` (พ.ศ.)
and ``{authority}`` (orders: the issuing authority as printed). Digits follow the agency's setting
on the page; the normalised form (Arabic digits, single spaces) is what uniqueness and search use.
"""

from __future__ import annotations

import re
import string

from eoffice.common.thaidate import to_arabic_digits, to_thai_digits

PLACEHOLDERS = frozenset({"code", "owner", "number", "year", "authority"})

DEFAULT_FORMATS: dict[str, str] = {
    "central_incoming": "",
    "unit_incoming": "",
    "secret_register": "",
    "central_outgoing": "ที่ {code} {owner}/{number}",
    "unit_outgoing": "ที่ {code} {owner}/{number}",
    "circular": "ที่ {code} {owner}/ว {number}",
    "orders": "คำสั่ง{authority} ที่ {number}/{year}",
    "announcements": "ประกาศ{authority} ที่ {number}/{year}",
    "certificates": "หนังสือรับรอง ที่ {code} {owner}/ร {number}",
}


class FormatProblem(ValueError):
    pass


def check_format(fmt: str) -> None:
    """Refuse unknown placeholders and formats that don't print the number."""
    if not fmt:
        return
    names = {name for _, name, _, _ in string.Formatter().parse(fmt) if name is not None}
    unknown = names - PLACEHOLDERS
    if unknown:
        raise FormatProblem(", ".join(sorted(unknown)))
    if "number" not in names:
        raise FormatProblem("number")


def normalise(text: str) -> str:
    """Arabic digits, single spaces, no space around '/': what "ที่ นม ๕๒๓๐๑/๔๕" and
    "ที่ นม 52301 / 45" both become."""
    text = to_arabic_digits(text or "")
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"\s*/\s*", "/", text)


def format_reference(
    fmt: str, *, code: str, owner: str, number: int | str, year: int | str, authority: str = "",
    thai_digits: bool = False,
) -> str:
    if not fmt:
        return ""
    text = fmt.format(code=code, owner=owner, number=number, year=year, authority=authority)
    text = re.sub(r"\s+", " ", text).strip()
    return to_thai_digits(text) if thai_digits else to_arabic_digits(text)
