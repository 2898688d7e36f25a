"""One e-mail's bytes -> what we keep of it. Pure: no database, no network, never raises on bad input.

Headers are decoded with ``email.policy.default`` (RFC 2047 encoded words, RFC 2231 parameters), so
Thai subjects and file names come out as text. Bodies prefer text/plain; an HTML-only body is turned
into plain text by a parser that keeps only text nodes (no markup, no scripts, nothing fetched).
Thai legacy charsets (TIS-620, windows-874) are understood. Everything a broken message makes us skip
is listed in ``problems`` (Thai, for the clerk) instead of raising.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.header import decode_header, make_header
from email.message import EmailMessage, Message
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from html.parser import HTMLParser

MAX_BODY_CHARS = 100_000
MAX_ATTACHMENTS = 50
MAX_DEPTH = 8
MAX_HEADER_CHARS = 2_000

# Charset names mail clients use that Python's codecs don't know.
_CHARSET_ALIASES = {
    "windows-874": "cp874",
    "x-windows-874": "cp874",
    "ms874": "cp874",
    "tis620": "tis-620",
    "x-tis-620": "tis-620",
    "unicode-1-1-utf-7": "utf-7",
}
# Control characters PostgreSQL text can't hold (NUL) or headers must not carry (CR, LF and friends).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_BREAKS = re.compile(r"[\r\n\t]+")
_MESSAGE_ID = re.compile(r"<([^<>\s]{1,480})>")


@dataclass(frozen=True)
class ParsedAttachment:
    filename: str
    content_type: str
    data: bytes


@dataclass
class ParsedMessage:
    message_id: str  # "<id@host>" as sent, or "sha256:<digest of the header block>" when missing
    has_real_message_id: bool
    from_name: str
    from_address: str
    subject: str
    sent_at: dt.datetime | None
    body_text: str
    attachments: list[ParsedAttachment] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    automatic: bool = False  # RFC 3834: auto-submitted, bulk or list mail (never auto-replied)


# --- text helpers ----------------------------------------------------------------------------------
def clean_text(value: str, *, limit: int | None = None) -> str:
    """Drop NUL and other control characters (keep newlines and tabs)."""
    text = _CONTROL.sub("", value or "")
    return text[:limit] if limit is not None else text


def clean_line(value: str, *, limit: int = MAX_HEADER_CHARS) -> str:
    """A one-line header value: no line breaks, no control characters, single spaces."""
    text = _LINE_BREAKS.sub(" ", clean_text(value))
    return " ".join(text.split())[:limit]


def decode_bytes(data: bytes, charset: str | None) -> str:
    name = (charset or "").strip().strip('"').lower()
    name = _CHARSET_ALIASES.get(name, name)
    if name:
        try:
            return data.decode(name, errors="replace")
        except LookupError:
            pass
    for guess in ("utf-8", "cp874"):  # unlabelled Thai mail is usually one of these
        try:
            return data.decode(guess)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def header_block(raw: bytes) -> bytes:
    """The header part of a message (up to the first empty line)."""
    m = re.search(rb"\r?\n\r?\n", raw)
    return raw[: m.start()] if m else raw


def header_digest(raw_or_headers: bytes) -> str:
    """A stable key for a message without a Message-ID: SHA-256 of its header block with line endings
    normalised (the same for the IMAP header fetch and the full message)."""
    block = header_block(raw_or_headers).replace(b"\r\n", b"\n").rstrip()
    return "sha256:" + hashlib.sha256(block).hexdigest()


# --- HTML -> text ----------------------------------------------------------------------------------
class _TextExtractor(HTMLParser):
    SKIP = frozenset({"script", "style", "head", "title", "noscript", "template", "svg", "object"})
    BREAK = frozenset({"br", "p", "div", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote", "hr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.size = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BREAK:
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BREAK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BREAK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.skipping or self.size > MAX_BODY_CHARS:
            return
        self.parts.append(data)
        self.size += len(data)


def html_to_text(html: str) -> str:
    parser = _TextExtractor()
    try:
        parser.feed(html[: MAX_BODY_CHARS * 5])
        parser.close()
    except Exception:  # HTMLParser is lenient; this is a last resort
        return ""
    return tidy_text("".join(parser.parts))


def tidy_text(text: str) -> str:
    lines = [" ".join(line.split()) for line in clean_text(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()[:MAX_BODY_CHARS]


# --- headers ---------------------------------------------------------------------------------------
def _header(msg: Message, name: str, fallback: Message | None) -> str:
    try:
        value = msg.get(name)
        return "" if value is None else clean_line(str(value))
    except Exception:  # a header the modern parser can't decode: fall back to the raw value
        value = None
    if fallback is not None:  # the compat32 parse keeps the raw value; decode what we can
        raw = fallback.get(name)
        if raw is None:
            return ""
        try:
            return clean_line(str(make_header(decode_header(str(raw)))))
        except Exception:
            return clean_line(str(raw))
    return ""


def _decode_words(text: str) -> str:
    """RFC 2047 words -> text; whitespace between adjacent encoded words is dropped (RFC 2047 §6.2).
    (The modern parser keeps it inside address display names, splitting Thai words.)"""
    try:
        return str(make_header(decode_header(text)))
    except Exception:
        return text


def _from(msg: Message, fallback: Message | None) -> tuple[str, str]:
    # The raw (still encoded) header first: encoded words hold no commas or brackets, so the address
    # split is safe before the name is decoded.
    raw = None
    if fallback is not None:
        with contextlib.suppress(Exception):
            raw = fallback.get("from")
    if raw is not None:
        with contextlib.suppress(Exception):
            for name, address in getaddresses([_LINE_BREAKS.sub(" ", str(raw))]):
                if "@" in address:
                    return clean_line(_decode_words(name), limit=255), clean_line(address, limit=320).lower()
    try:
        header = msg.get("from")
        addresses = getattr(header, "addresses", None)
        if addresses and "@" in addresses[0].addr_spec.strip("@<>"):
            addr = addresses[0]
            return clean_line(addr.display_name, limit=255), clean_line(addr.addr_spec, limit=320).lower()
    except Exception:  # an unparsable From: fall back to the text
        addresses = None
    text = _header(msg, "from", fallback)
    pairs = getaddresses([text]) if text else []
    name, address = pairs[0] if pairs else parseaddr(text)
    address = address if "@" in address.strip("@<>") else ""
    return clean_line(name, limit=255), clean_line(address, limit=320).lower()


def _sent_at(value: str) -> dt.datetime | None:
    if not value:
        return None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None or not (1970 <= when.year <= 2200):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when


def message_key(msg: Message | None, raw: bytes) -> tuple[str, bool]:
    """The Message-ID ("<…>") or, when it is missing or unusable, a digest of the header block."""
    value = ""
    if msg is not None:
        try:
            value = str(msg.get("message-id") or "")
        except Exception:
            value = ""
    if not value:
        m = re.search(rb"(?im)^message-id:[ \t]*(.*(?:\r?\n[ \t].*)*)", header_block(raw))
        value = m.group(1).decode("ascii", errors="replace") if m else ""
    m = _MESSAGE_ID.search(value)
    if m:
        return "<" + clean_line(m.group(1), limit=480) + ">", True
    return header_digest(raw), False


def candidate_key(header_bytes: bytes) -> str:
    """The key of a message known only by its header block (the same one ``parse_message`` gives)."""
    block = header_block(header_bytes) + b"\r\n\r\n"
    try:
        msg: Message | None = message_from_bytes(block, policy=policy.default)
    except Exception:
        msg = None
    return message_key(msg, block)[0]


def parse_headers_only(header_bytes: bytes) -> ParsedMessage:
    """What the header block alone tells (for a message we will not download: too large)."""
    return parse_message(header_block(header_bytes) + b"\r\n\r\n", headers_only=True)


# --- the whole message ----------------------------------------------------------------------------
def parse_message(raw: bytes, *, headers_only: bool = False) -> ParsedMessage:
    problems: list[str] = []
    try:
        msg: Message | None = message_from_bytes(raw, policy=policy.default)
    except Exception:
        msg = None
    try:
        fallback: Message | None = message_from_bytes(raw, policy=policy.compat32)
    except Exception:
        fallback = None
    if msg is None and fallback is None:
        key, real = message_key(None, raw)
        return ParsedMessage(key, real, "", "", "", None, "", problems=["อ่านโครงสร้างอีเมลไม่ได้ (จัดเก็บต้นฉบับไว้)"])
    top = msg if msg is not None else fallback
    assert top is not None
    key, real = message_key(top, raw)
    from_name, from_address = _from(top, fallback)
    subject = _header(top, "subject", fallback)[:500]
    sent_at = _sent_at(_header(top, "date", fallback))
    automatic = _is_automatic(top, fallback, from_address)
    parsed = ParsedMessage(
        message_id=key, has_real_message_id=real, from_name=from_name, from_address=from_address,
        subject=subject, sent_at=sent_at, body_text="", problems=problems, automatic=automatic,
    )
    if headers_only:
        return parsed
    if getattr(top, "defects", None):
        kinds = sorted({type(d).__name__ for d in top.defects})[:5]
        problems.append("โครงสร้างอีเมลไม่สมบูรณ์: " + ", ".join(kinds))
    try:
        body_part = _body_part(top)
        if body_part is not None:
            text = _part_text(body_part)
            parsed.body_text = html_to_text(text) if body_part.get_content_type() == "text/html" else tidy_text(text)
        html = _html_text_for_cids(top)
        _collect_attachments(top, body_part, html, parsed, depth=0)
    except RecursionError:
        problems.append("อีเมลซ้อนกันลึกเกินไป อ่านได้เพียงบางส่วน")
    except Exception as exc:  # a broken MIME tree must not stop the fetch
        problems.append(f"อ่านเนื้อหาอีเมลได้ไม่ครบ ({type(exc).__name__})")
    return parsed


_AUTO_LOCALPARTS = ("mailer-daemon", "postmaster", "noreply", "no-reply", "donotreply", "do-not-reply")


def _is_automatic(msg: Message, fallback: Message | None, from_address: str) -> bool:
    auto = _header(msg, "auto-submitted", fallback).lower()
    if auto and auto != "no":
        return True
    if _header(msg, "precedence", fallback).lower() in ("bulk", "list", "junk"):
        return True
    if _header(msg, "list-id", fallback) or _header(msg, "x-autoreply", fallback):
        return True
    local = from_address.split("@", 1)[0]
    return not from_address or local in _AUTO_LOCALPARTS


def _body_part(msg: Message) -> Message | None:
    if isinstance(msg, EmailMessage):
        with contextlib.suppress(Exception):
            return msg.get_body(preferencelist=("plain", "html"))
    if not msg.is_multipart() and msg.get_content_maintype() == "text":
        return msg
    return None


def _part_text(part: Message) -> str:
    try:
        payload = part.get_payload(decode=True)
    except Exception:
        payload = None
    if not isinstance(payload, bytes):
        raw = part.get_payload()
        return raw if isinstance(raw, str) else ""
    return decode_bytes(payload, part.get_content_charset())


def _html_text_for_cids(msg: Message) -> str:
    """The raw HTML of the message (to tell inline images it shows from attachments)."""
    if not isinstance(msg, EmailMessage):
        return ""
    try:
        part = msg.get_body(preferencelist=("html",))
    except Exception:
        return ""
    return _part_text(part)[: MAX_BODY_CHARS * 5] if part is not None else ""


def _filename(part: Message) -> str:
    try:
        name = part.get_filename() or ""
    except Exception:
        name = ""
    name = clean_line(str(name), limit=200).replace("/", "_").replace("\\", "_")
    return name


def _collect_attachments(part: Message, body_part: Message | None, html: str, parsed: ParsedMessage, *, depth: int) -> None:
    if depth > MAX_DEPTH:
        parsed.problems.append("อีเมลซ้อนกันลึกเกินไป ไฟล์แนบบางส่วนไม่ได้อ่าน")
        return
    if part.is_multipart() and part.get_content_maintype() == "multipart":
        for child in part.get_payload() or []:
            if isinstance(child, Message):
                _collect_attachments(child, body_part, html, parsed, depth=depth + 1)
        return
    if part is body_part:
        return
    ctype = part.get_content_type()
    name = _filename(part)
    if ctype == "message/rfc822":
        data = _embedded_message_bytes(part)
        if data is not None:
            _add(parsed, name or "ข้อความที่แนบมา.eml", ctype, data)
        return
    try:
        disposition = part.get_content_disposition()
    except Exception:
        disposition = None
    if not name and disposition != "attachment":
        return  # an alternative body (text/html beside text/plain) or an unnamed inline part
    if disposition != "attachment" and part.get("content-id"):
        cid = str(part.get("content-id")).strip().strip("<>")
        if cid and f"cid:{cid}" in html:
            return  # an image the HTML body shows (a signature logo), not an enclosure
    try:
        data = part.get_payload(decode=True)
    except Exception:
        data = None
    if not isinstance(data, bytes):
        parsed.problems.append(f"ไฟล์แนบ {name or '(ไม่มีชื่อ)'}: ถอดรหัสเนื้อไฟล์ไม่ได้")
        return
    _add(parsed, name or f"ไฟล์แนบ-{len(parsed.attachments) + 1}", ctype, data)


def _embedded_message_bytes(part: Message) -> bytes | None:
    try:
        inner = part.get_payload()
        if isinstance(inner, list) and inner:
            inner = inner[0]
        if isinstance(inner, Message):
            return inner.as_bytes(policy=policy.compat32)
    except Exception:  # an attached message we can't serialise: skipped
        return None
    return None


def _add(parsed: ParsedMessage, name: str, ctype: str, data: bytes) -> None:
    if len(parsed.attachments) >= MAX_ATTACHMENTS:
        if not any(p.startswith("ไฟล์แนบเกิน") for p in parsed.problems):
            parsed.problems.append(f"ไฟล์แนบเกิน {MAX_ATTACHMENTS} ไฟล์ ส่วนที่เกินไม่ได้จัดเก็บ")
        return
    parsed.attachments.append(ParsedAttachment(filename=name, content_type=ctype, data=data))
