"""Guesses for the register form from an e-mail: the clerk checks and corrects them.

- subject: the e-mail subject without "Re:", "Fwd:", "FW:" and a leading urgency/secrecy word
- sender: the display name and address; an agency in the system whose saraban@ address it is
- ที่ (the sender's reference): "ที่ มท 0808.2/ว 1234", "ที่ นม ๕๒๓๐๑/๑๒๓๔" in the subject or text
- ลงวันที่ (the letter's date): the Thai date after "ลงวันที่" or "วันที่", else the first one found
- urgency / secrecy: the words ด่วนที่สุด, ด่วนมาก, ด่วน, ลับที่สุด, ลับมาก, ลับ standing alone at
  the start of the subject or in brackets (a guess towards caution: the clerk can lower it)
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from eoffice.common.thaidate import THAI_MONTHS, THAI_MONTHS_SHORT, ThaiDateError, parse_thai_date

_D = "[0-9๐-๙]"
# ที่ <1-3 Thai consonants, optional dots> <unit number, dotted/dashed parts>/<optional ว/ร> <number>
REFERENCE = re.compile(
    rf"ที่\s*(?P<code>[ก-ฮ](?:\.?[ก-ฮ]){{0,3}}\.?)\s*(?P<owner>{_D}{{2,}}(?:[.\-]{_D}+)*)\s*/\s*"
    rf"(?P<prefix>(?:ว|ร|ว\.|ร\.)\s*)?(?P<number>{_D}{{1,6}})(?![0-9๐-๙/])"
)
_MONTH_NAMES = sorted(
    [*THAI_MONTHS, *THAI_MONTHS_SHORT, *(m.replace(".", "") for m in THAI_MONTHS_SHORT)],
    key=len, reverse=True,
)
_MONTH_RE = "|".join(re.escape(m).replace(r"\.", r"\.?\s*") for m in _MONTH_NAMES)
DATE_WORDS = re.compile(rf"({_D}{{1,2}})\s*({_MONTH_RE})\s*(?:พ\.?\s*ศ\.?\s*)?({_D}{{4}}|{_D}{{2}})(?![0-9๐-๙])")
DATE_NUMERIC = re.compile(rf"(?<![0-9๐-๙/])({_D}{{1,2}}\s*/\s*{_D}{{1,2}}\s*/\s*{_D}{{4}})(?![0-9๐-๙/])")
DATED = re.compile(r"(?:ลงวันที่|ลว\.|วันที่)\s*")

_REPLY_PREFIX = re.compile(r"^\s*(?:(?:re|fw|fwd|aw|tr|ตอบกลับ|ส่งต่อ)\s*(?:\[\d+\])?\s*[:：]\s*)+", re.IGNORECASE)
_URGENCY = (("ด่วนที่สุด", "004"), ("ด่วนมาก", "003"), ("ด่วน", "002"))
_SECRECY = (("ลับที่สุด", "004"), ("ลับมาก", "003"), ("ลับ", "002"))


def _standalone(word: str, text: str) -> bool:
    """The word at the start (alone, before a space/bracket/colon) or in brackets: "ด่วน เรื่อง…",
    "[ลับ] …", "(ด่วนที่สุด)". Not inside other words (สลับ, ลับแล)."""
    head = rf"^\s*[\[(【]?\s*{word}\s*(?:[\])】:：\-–]|\s|$)"
    bracket = rf"[\[(【]\s*{word}\s*[\])】]"
    return bool(re.search(head, text) or re.search(bracket, text))


def guess_level(subject: str, table: tuple[tuple[str, str], ...]) -> str:
    for word, code in table:
        if _standalone(word, subject):
            return code
    return "001"


def clean_subject(subject: str) -> str:
    text = _REPLY_PREFIX.sub("", subject or "")
    return " ".join(text.split())[:500]


def find_reference(text: str) -> str:
    m = REFERENCE.search(text or "")
    if not m:
        return ""
    code = re.sub(r"\s+", "", m.group("code"))
    prefix = (m.group("prefix") or "").strip().rstrip(".")
    number = m.group("number")
    tail = f"{prefix} {number}" if prefix else number
    return f"ที่ {code} {m.group('owner')}/{tail}"


def _parse(candidate: str) -> dt.date | None:
    try:
        return parse_thai_date(candidate)
    except (ThaiDateError, ValueError):
        return None


def _dates_in(text: str) -> list[tuple[int, dt.date]]:
    found: list[tuple[int, dt.date]] = []
    for m in DATE_WORDS.finditer(text):
        month = re.sub(r"\s+", "", m.group(2))
        d = _parse(f"{m.group(1)} {month} {m.group(3)}")
        if d is not None:
            found.append((m.start(), d))
    for m in DATE_NUMERIC.finditer(text):
        d = _parse(re.sub(r"\s+", "", m.group(1)))
        if d is not None:
            found.append((m.start(), d))
    return sorted(found, key=lambda x: x[0])


def find_letter_date(text: str) -> dt.date | None:
    """The date after "ลงวันที่"/"ลว."/"วันที่" wins; else the first Thai date in the text."""
    text = text or ""
    dates = _dates_in(text)
    if not dates:
        return None
    for m in DATED.finditer(text):
        for pos, d in dates:
            if 0 <= pos - m.end() <= 3:
                return d
    return dates[0][1]


def mailbox_prefill(message: Any) -> dict[str, Any]:
    """Form defaults for "register from this e-mail" (a ``MailboxMessage``; reads only its fields and,
    for the sender's agency, the public agency list). Dates are ``datetime.date`` (CE); the form
    shows them in the Buddhist Era."""
    from tenants.models import Agency

    subject = message.subject or ""
    body = (message.body_text or "")[:20_000]
    text = f"{subject}\n{body}"
    agency_id = None
    if message.from_address:
        agency_id = (
            Agency.objects.filter(saraban_email__iexact=message.from_address, is_active=True)
            .exclude(pk=message.tenant_id).values_list("pk", flat=True).first()
        )
    return {
        "kind": "external",
        "subject": clean_subject(subject),
        "sender_name": message.from_name or message.from_address,
        "sender_email": message.from_address,
        "sender_agency_id": agency_id,
        "letter_reference": find_reference(text),
        "letter_date": find_letter_date(text),
        "urgency": guess_level(clean_subject(subject), _URGENCY),
        "secrecy": guess_level(clean_subject(subject), _SECRECY),
        "received_at": message.fetched_at,
        "channel": "email",
    }
