"""The letter body sanitiser: an allow-list of tags with no attributes; Thai text kept exactly."""

from __future__ import annotations

import re
import unicodedata

import pytest

from documents.drafting.sanitize import ALLOWED_TAGS, body_plain_text, sanitize_body

XSS = [
    '<script>alert(1)</script>ก',
    '<img src=x onerror="alert(1)">ก',
    '<a href="javascript:alert(1)">ก</a>',
    '<a href="jav&#x09;ascript:alert(1)">ก</a>',
    '<svg onload=alert(1)><use href="#x"/></svg>ก',
    '<p style="width: expression(alert(1))">ก</p>',
    '<div style="background:url(http://127.0.0.1/x)">ก</div>',
    '<iframe src="http://127.0.0.1/x"></iframe>ก',
    '<meta http-equiv="refresh" content="0;url=http://127.0.0.1/x">ก',
    '<object data="http://127.0.0.1/x.swf"></object><embed src="x">ก',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>ก',
    '<<script>script>alert(1)<</script>/script>ก',
    '<p onclick="alert(1)" class="x" id="y">ก</p>',
    '<form action="http://x"><input name=a><button formaction="http://x">b</button></form>ก',
    '<base href="http://127.0.0.1/">ก',
    '<!--<script>alert(1)</script>-->ก',
    '<template><script>alert(1)</script></template>ก',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">ก',
]
RENDERER_INJECTION = [
    '<img src="http://127.0.0.1:1/canary">ก',
    '<img src="file:///etc/passwd">ก',
    '<link rel="stylesheet" href="http://127.0.0.1:1/x.css">ก',
    '<link rel="attachment" href="file:///etc/passwd">ก',
    '<a rel="attachment" href="file:///etc/passwd">ก</a>',
    '<style>@import url(http://127.0.0.1:1/x.css); body{background:url(file:///etc/passwd)}</style>ก',
    '<style>@font-face{font-family:x;src:url(http://127.0.0.1:1/f.ttf)}</style>ก',
    '<object data="file:///etc/passwd"></object>ก',
    '<embed src="file:///etc/passwd">ก',
    '<video poster="http://127.0.0.1:1/p.png"><source src="x"></video>ก',
]


def _tags(html: str) -> set[str]:
    return set(re.findall(r"</?([a-zA-Z0-9]+)", html))


@pytest.mark.parametrize("payload", XSS + RENDERER_INJECTION)
def test_payloads_leave_only_allowed_attribute_free_tags_and_no_url(payload: str) -> None:
    clean = sanitize_body(payload)
    assert _tags(clean) <= ALLOWED_TAGS
    assert not re.search(r"<[a-z0-9]+\s", clean), clean  # no attribute on any tag
    lowered = clean.lower()
    for needle in ("javascript:", "http:", "file:", "url(", "@import", "expression(", "onerror", "<script",
                   "<style", "<img", "<svg", "<iframe", "<link", "<meta", "<object", "<a "):
        assert needle not in lowered, (needle, clean)
    assert "ก" in clean or payload.startswith("<math")  # inside <math> everything is dropped
    assert sanitize_body(clean) == clean  # idempotent


def test_text_that_looks_like_markup_stays_text() -> None:
    clean = sanitize_body("&lt;img src=x onerror=alert(1)&gt; &amp; ก")
    assert "<img" not in clean and "&lt;img" in clean
    assert body_plain_text(clean) == "<img src=x onerror=alert(1)> & ก"


def test_trix_output_is_mapped_and_kept_readable() -> None:
    trix = ("<div>ด้วย<strong>หนา</strong> <em>เอียง</em> <del>ขีดฆ่า</del><br>บรรทัดใหม่</div>"
            "<h1>หัวข้อ</h1><ul><li>หนึ่ง</li></ul><ol><li>สอง</li></ol><blockquote>อ้าง</blockquote>")
    clean = sanitize_body(trix)
    assert "<s>ขีดฆ่า</s>" in clean and "<del>" not in clean
    assert "<p><strong>หัวข้อ</strong></p>" in clean and "<h1>" not in clean
    assert "<ul><li>หนึ่ง</li></ul>" in clean and "<blockquote>อ้าง</blockquote>" in clean
    assert body_plain_text(trix) == "ด้วยหนา เอียง ขีดฆ่า\nบรรทัดใหม่\nหัวข้อ\nหนึ่ง\nสอง\nอ้าง"


THAI = "น้ำ ซ้ำ ป้ำ กี่ปี่ ที่นั่น ผู้ใหญ่ กุ้ง ฤๅษี ฦๅ เกื้อกูล ปั้น ญี่ปุ่น ๑๒๓"


def test_thai_text_is_kept_exactly() -> None:
    clean = sanitize_body(f"<p>{THAI}</p>")
    assert clean == f"<p>{THAI}</p>"
    assert body_plain_text(clean) == THAI
    assert unicodedata.is_normalized("NFC", clean)


def test_decomposed_input_is_normalised_to_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "é น้ำ")
    assert sanitize_body(decomposed) == "é น้ำ"


def test_empty_and_comments() -> None:
    assert sanitize_body("") == ""
    assert sanitize_body("<!-- x -->") == ""
    assert body_plain_text("") == ""
