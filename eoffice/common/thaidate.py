"""Buddhist-Era dates and Thai text helpers: the ONE set used everywhere (templates, forms, documents).

Dates are stored and sent (API) as ISO dates in the Christian Era (CE). People read and type them in
the Buddhist Era (BE = CE + 543), in Arabic or Thai digits:

- ``thai_date(d)``        → "25 พฤศจิกายน 2569"
- ``thai_date_short(d)``  → "25 พ.ย. 69"
- ``parse_thai_date(s)``  ← "25/11/2569", "25 พ.ย. 2569", "๒๕ พฤศจิกายน พ.ศ. ๒๕๖๙" → ``date(2026, 11, 25)``
- ``to_arabic_digits`` / ``to_thai_digits`` for display and comparisons
- ``thai_sort_key(text)`` Thai dictionary order (leading vowels เ แ โ ใ ไ sort by their consonant)
"""

from __future__ import annotations

import datetime as dt
import re

from eoffice.common.exceptions import ApplicationError

BE_OFFSET = 543
BE_MIN = 2400
BE_MAX = 2700

THAI_MONTHS = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)
THAI_MONTHS_SHORT = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)

_THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
_TO_ARABIC = str.maketrans(_THAI_DIGITS, "0123456789")
_TO_THAI = str.maketrans("0123456789", _THAI_DIGITS)


class ThaiDateError(ApplicationError, ValueError):
    """A typed date we cannot accept; Thai message first, English beside it."""

    code = "invalid_date"


# --- digits -------------------------------------------------------------------------------------------
def to_arabic_digits(text: str) -> str:
    """๐-๙ → 0-9 (everything else unchanged)."""
    return str(text).translate(_TO_ARABIC)


def to_thai_digits(text: str) -> str:
    """0-9 → ๐-๙ (everything else unchanged)."""
    return str(text).translate(_TO_THAI)


# --- formatting ---------------------------------------------------------------------------------------
def _as_date(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            from django.utils import timezone

            value = timezone.localtime(value)
        return value.date()
    return value


def be_year(value: dt.date | dt.datetime) -> int:
    return _as_date(value).year + BE_OFFSET


def thai_date(value: dt.date | dt.datetime, *, thai_digits: bool = False) -> str:
    """"25 พฤศจิกายน 2569" (full month name, Buddhist-Era year)."""
    d = _as_date(value)
    text = f"{d.day} {THAI_MONTHS[d.month - 1]} {d.year + BE_OFFSET}"
    return to_thai_digits(text) if thai_digits else text


def thai_date_short(value: dt.date | dt.datetime, *, thai_digits: bool = False) -> str:
    """"25 พ.ย. 69" (abbreviated month, two-digit Buddhist-Era year)."""
    d = _as_date(value)
    text = f"{d.day} {THAI_MONTHS_SHORT[d.month - 1]} {(d.year + BE_OFFSET) % 100:02d}"
    return to_thai_digits(text) if thai_digits else text


def thai_date_numeric(value: dt.date | dt.datetime, *, thai_digits: bool = False) -> str:
    """"25/11/2569": the form a clerk types; what ``BEDateField`` shows back."""
    d = _as_date(value)
    text = f"{d.day:02d}/{d.month:02d}/{d.year + BE_OFFSET}"
    return to_thai_digits(text) if thai_digits else text


def thai_datetime(value: dt.datetime, *, thai_digits: bool = False) -> str:
    """"25 พ.ย. 69 14:05 น." (local time)."""
    if value.tzinfo is not None:
        from django.utils import timezone

        value = timezone.localtime(value)
    text = f"{thai_date_short(value)} {value.hour:02d}:{value.minute:02d} น."
    return to_thai_digits(text) if thai_digits else text


# --- parsing ------------------------------------------------------------------------------------------
def _month_key(text: str) -> str:
    return re.sub(r"[\s.]", "", text)


_MONTH_LOOKUP: dict[str, int] = {}
for _i, (_full, _short) in enumerate(zip(THAI_MONTHS, THAI_MONTHS_SHORT, strict=True), start=1):
    _MONTH_LOOKUP[_full] = _i
    _MONTH_LOOKUP[_month_key(_short)] = _i

_NUMERIC = re.compile(r"^(\d{1,2})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{2}|\d{4})$")
_WORDS = re.compile(r"^(\d{1,2})\s*([\u0E00-\u0E7F.\s]+?)\s*(?:พ\.?\s*ศ\.?)?\s*(\d{2}|\d{4})$")

_MSG_FORMAT = (
    "รูปแบบวันที่ไม่ถูกต้อง กรุณากรอกเป็น วัน/เดือน/ปี พ.ศ. เช่น 25/11/2569 หรือ 25 พ.ย. 2569",
    "Unrecognised date. Type day/month/Buddhist-Era year, e.g. 25/11/2569 or 25 พ.ย. 2569.",
)
_MSG_CE = (
    "ดูเหมือนเป็นปี ค.ศ. กรุณากรอกปี พ.ศ. เช่น 2569",
    "This looks like a Christian-Era year; please type the Buddhist-Era year, e.g. 2569.",
)
_MSG_RANGE = (
    f"ปี พ.ศ. ต้องอยู่ระหว่าง {BE_MIN} ถึง {BE_MAX}",
    f"The Buddhist-Era year must be between {BE_MIN} and {BE_MAX}.",
)
_MSG_DAY = ("ไม่มีวันที่นี้ในปฏิทิน", "That day does not exist in the calendar.")


def _be_year_from(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        return 2500 + year  # "69" → 2569 (the short form used in Thai documents)
    if BE_MIN <= year <= BE_MAX:
        return year
    if BE_MIN <= year + BE_OFFSET <= BE_MAX:
        raise ThaiDateError(*_MSG_CE, field="date")
    raise ThaiDateError(*_MSG_RANGE, field="date")


def parse_thai_date(text: str) -> dt.date:
    """A typed Buddhist-Era date (Arabic or Thai digits) → ``datetime.date`` in the Christian Era.

    Raises ``ThaiDateError`` (a ``ValueError`` and an ``ApplicationError``) with Thai and English messages.
    """
    s = " ".join(to_arabic_digits(text or "").split())
    s = re.sub(r"^วันที่\s*", "", s)
    if not s:
        raise ThaiDateError(*_MSG_FORMAT, field="date")
    m = _NUMERIC.match(s)
    if m:
        day, month, year_text = int(m.group(1)), int(m.group(2)), m.group(3)
    else:
        m = _WORDS.match(s)
        if not m:
            raise ThaiDateError(*_MSG_FORMAT, field="date")
        month_name = m.group(2).strip()
        month_name = re.sub(r"\s*(?:พ\.?\s*ศ\.?)$", "", month_name)  # "25 พ.ย. พ.ศ. 2569"
        key = month_name if month_name in _MONTH_LOOKUP else _month_key(month_name)
        if key not in _MONTH_LOOKUP:
            raise ThaiDateError(*_MSG_FORMAT, field="date")
        day, month, year_text = int(m.group(1)), _MONTH_LOOKUP[key], m.group(3)
    be = _be_year_from(year_text)
    try:
        return dt.date(be - BE_OFFSET, month, day)
    except ValueError as exc:
        raise ThaiDateError(*_MSG_DAY, field="date") from exc


# --- collation ----------------------------------------------------------------------------------------
# Thai dictionary order (the rule pythainlp.util.collate uses): a leading vowel เ แ โ ใ ไ is written
# before its consonant but sorted after it, and tone marks/diacritics only break ties.
_TONES = re.compile("[\u0E47-\u0E4E]")
_LEAD_VOWEL = re.compile("([\u0E40-\u0E44])([\u0E01-\u0E2E])")


def thai_sort_key(text: str) -> tuple[str, str, str]:
    """Sort key for Thai text: ``sorted(names, key=thai_sort_key)``."""
    s = to_arabic_digits(text or "")
    base = _LEAD_VOWEL.sub(r"\2\1", _TONES.sub("", s))
    tones = "".join(_TONES.findall(s))
    return (base.casefold(), tones, s)
