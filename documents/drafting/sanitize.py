"""Placeholder until the renderer branch lands (it brings the full allow-list sanitiser)."""

from __future__ import annotations

import nh3

_TAGS = {"p", "br", "strong", "b", "em", "i", "u", "s", "ol", "ul", "li", "blockquote", "div"}


def sanitize_body(html: str) -> str:
    return nh3.clean(html or "", tags=_TAGS, attributes={}, url_schemes=set(), strip_comments=True)


def body_plain_text(html: str) -> str:
    return nh3.clean(html or "", tags=set()).strip()
