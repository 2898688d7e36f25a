"""File names: what we keep of the uploaded name (display only, never a path), and the name and
headers a download goes out with."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

# The extensions a download may carry for each content type (first = the one we add if missing).
EXTENSIONS: dict[str, tuple[str, ...]] = {
    "application/pdf": (".pdf",),
    "image/jpeg": (".jpg", ".jpeg", ".jpe"),
    "image/png": (".png",),
    "image/tiff": (".tif", ".tiff"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx", ".dotx"),
    "application/vnd.ms-word.document.macroEnabled.12": (".docm", ".dotm"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (".xlsx", ".xltx"),
    "application/vnd.ms-excel.sheet.macroEnabled.12": (".xlsm", ".xltm"),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (".pptx", ".ppsx", ".potx"),
    "application/vnd.ms-powerpoint.presentation.macroEnabled.12": (".pptm", ".ppsm", ".potm"),
    "application/vnd.oasis.opendocument.text": (".odt", ".ott"),
    "application/vnd.oasis.opendocument.spreadsheet": (".ods", ".ots"),
    "application/vnd.oasis.opendocument.presentation": (".odp", ".otp"),
    "application/msword": (".doc", ".dot"),
    "application/vnd.ms-excel": (".xls", ".xlt"),
    "message/rfc822": (".eml",),
}

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_ASCII_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def clean_original_name(name: str | None, *, max_length: int = 255) -> str:
    """The uploaded name as kept for display: last path component, NFC, no control or bidi
    characters, no leading dots, at most ``max_length`` characters (extension kept)."""
    text = unicodedata.normalize("NFC", str(name or ""))
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = _CONTROL.sub("", text).strip().lstrip(".").strip()
    if not text:
        return "file"
    if len(text) > max_length:
        stem, dot, ext = text.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            text = stem[: max_length - len(ext) - 1] + "." + ext
        else:
            text = text[:max_length]
    return text


def download_name(original_name: str, content_type: str) -> str:
    """The name a download goes out with: the kept name, with an extension that matches what the
    file really is (a PDF uploaded as ``x.docx`` leaves as ``x.docx.pdf``)."""
    name = clean_original_name(original_name, max_length=150)
    allowed = EXTENSIONS.get(content_type)
    if allowed and not name.lower().endswith(allowed):
        name = name + allowed[0]
    return name


def ascii_fallback(name: str) -> str:
    """An ASCII-only rendering for old clients (``filename=``); Thai letters drop out."""
    decomposed = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    stem, dot, ext = decomposed.rpartition(".")
    if not dot:
        stem, ext = decomposed, ""
    stem = _ASCII_UNSAFE.sub("_", stem).strip("._-")
    ext = _ASCII_UNSAFE.sub("", ext)[:10]
    # Keep the extension of the full name even when the stem was all Thai.
    if not stem:
        stem = "file"
    return f"{stem}.{ext}" if ext else stem


def content_disposition(name: str, *, inline: bool) -> str:
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_fallback(name)}\"; filename*=UTF-8''{quote(name, safe='')}"
