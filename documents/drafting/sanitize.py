"""The rich-text letter body, cleaned on the server before it is stored, previewed or printed.

The browser editor (Trix) sends HTML; nothing it sends is trusted. ``sanitize_body`` keeps only a
short list of structural tags with NO attributes at all: no links, images, styles, classes or URLs can
survive, so the body can neither run script in a page nor make the PDF renderer fetch anything.
Trix's ``del`` becomes ``s`` and its ``h1`` a bold paragraph (an official letter has no headings).
Text is kept exactly, in Unicode NFC (which leaves Thai SARA AM and tone marks as typed).
"""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser

import nh3

ALLOWED_TAGS = frozenset({"p", "br", "strong", "b", "em", "i", "u", "s", "ol", "ul", "li", "blockquote", "div"})
# Accepted on the way in and rewritten on the way out (see _REWRITES).
_INPUT_ONLY_TAGS = frozenset({"del", "strike", "h1", "h2", "h3", "h4", "h5", "h6"})
# Dropped together with everything inside them (never shown as text).
_DROP_WITH_CONTENT = frozenset({
    "script", "style", "template", "noscript", "iframe", "object", "embed", "svg", "math", "title",
    "textarea", "select", "xmp", "noembed", "noframes", "head",
})
_REWRITES = [
    (re.compile(r"<(/?)(?:del|strike)>"), r"<\1s>"),
    (re.compile(r"<h[1-6]>"), "<p><strong>"),
    (re.compile(r"</h[1-6]>"), "</strong></p>"),
]
MAX_BODY_CHARS = 1_000_000


def sanitize_body(html: str) -> str:
    """Allow-listed, attribute-free HTML for a letter body (idempotent: cleaning twice changes nothing)."""
    if not html:
        return ""
    text = unicodedata.normalize("NFC", str(html)[:MAX_BODY_CHARS]).replace("\x00", "")
    cleaned = nh3.clean(
        text,
        tags=set(ALLOWED_TAGS | _INPUT_ONLY_TAGS),
        clean_content_tags=set(_DROP_WITH_CONTENT),
        attributes={},
        url_schemes=set(),
        strip_comments=True,
        link_rel=None,
    )
    for pattern, replacement in _REWRITES:
        cleaned = pattern.sub(replacement, cleaned)
    return unicodedata.normalize("NFC", cleaned).strip()


_BLOCKS = {"p", "div", "li", "blockquote", "ol", "ul"}


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br" or tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def body_plain_text(html: str) -> str:
    """The body as plain text (for search and previews): one line per paragraph / line break / list item,
    blank runs collapsed, spaces inside a line kept."""
    collector = _TextCollector()
    collector.feed(sanitize_body(html))
    collector.close()
    lines = [re.sub(r"[ \t\r\f\v\u00a0]+", " ", line).strip() for line in "".join(collector.parts).split("\n")]
    return unicodedata.normalize("NFC", "\n".join(line for line in lines if line))
