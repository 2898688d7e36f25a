"""The official letter PDF: every form, field order, marks, dates and digits, page numbers, the text
layer, fonts, PDF/A + tags. Pure (no database); checked with poppler and pikepdf."""

from __future__ import annotations

import io
import re
import threading
import unicodedata
from dataclasses import replace

import pikepdf
import pytest

from documents.drafting.render import LETTER_FORMS, RenderError, render_letter, render_letter_html
from tests.drafting.support import font_names, page_count, sample, text, words

SARABUN_LINE = 1.3  # Sarabun (ascent + descent) / em: poppler's word box height is font size × this


def flat(pdf: bytes) -> str:
    return re.sub(r"\s+", " ", text(pdf))


@pytest.mark.parametrize("form", LETTER_FORMS)
def test_every_form_renders_one_a4_page(form: str) -> None:
    pdf = render_letter(sample(form))
    assert pdf.startswith(b"%PDF-")
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        assert len(doc.pages) == 1
        assert [round(float(v)) for v in doc.pages[0].mediabox] == [0, 0, 595, 842]
    got = flat(pdf)
    assert "ด้วยองค์การบริหารส่วนตำบลหนองระเวียง" in got
    assert ("ขอความอนุเคราะห์ใช้สถานที่" in got) == (form != "stamped")  # form 3 has no เรื่อง line


def test_external_letter_fields_in_order() -> None:
    got = flat(render_letter(sample("external")))
    expected = ["ที่ นม 52301/123", "องค์การบริหารส่วนตำบลหนองระเวียง", "4 ธันวาคม 2569", "เรื่อง",
                "ขอความอนุเคราะห์ใช้สถานที่", "เรียน", "ผู้ว่าราชการจังหวัดนครราชสีมา", "อ้างถึง", "สิ่งที่ส่งมาด้วย",
                "ด้วยองค์การบริหารส่วนตำบล", "จึงเรียนมาเพื่อโปรดพิจารณา", "ขอแสดงความนับถือ", "(นายสมชาย ใจดี)",
                "นายกองค์การบริหารส่วนตำบลหนองระเวียง", "สำนักปลัด", "โทร. 0 4420 0000", "สำเนาส่ง",
                "นายอำเภอเมืองนครราชสีมา"]
    position = 0
    for item in expected:
        found = got.find(item, position)
        assert found >= 0, (item, got[position:position + 200])
        position = found + len(item)


def test_memo_stamped_order_announcement_specific_lines() -> None:
    memo = flat(render_letter(sample("memo")))
    for item in ("บันทึกข้อความ", "ส่วนราชการ", "สำนักปลัด โทร. 0 4420 0000", "วันที่", "4 ธันวาคม 2569"):
        assert item in memo
    assert memo.index("บันทึกข้อความ") < memo.index("ส่วนราชการ") < memo.index("เรื่อง") < memo.index("เรียน")
    stamped = flat(render_letter(sample("stamped", initials_note="สช/ทาน")))
    assert "ถึง ผู้ว่าราชการจังหวัดนครราชสีมา" in stamped and "เรียน" not in stamped.split("ถึง")[0]
    assert "สช/ทาน" in stamped and "(นายสมชาย ใจดี)" not in stamped
    order = flat(render_letter(sample("order", number_text="15/2569")))
    assert "คำสั่งองค์การบริหารส่วนตำบลหนองระเวียง" in order and "ที่ 15/2569" in order
    assert "สั่ง ณ วันที่ 4 ธันวาคม พ.ศ. 2569" in order
    announcement = flat(render_letter(sample("announcement")))
    assert "ประกาศองค์การบริหารส่วนตำบลหนองระเวียง" in announcement
    assert "ประกาศ ณ วันที่ 4 ธันวาคม พ.ศ. 2569" in announcement


def test_draft_leaves_number_and_date_blank_and_shows_watermark() -> None:
    got = flat(render_letter(sample("external", number_text="", letter_date=None, watermark="ร่าง")))
    assert "ที่ องค์การบริหารส่วนตำบลหนองระเวียง" in got  # nothing after "ที่"
    assert "2569 " not in got.split("เรื่อง")[0]
    assert "ร่าง" in got


def test_thai_digits_and_be_date() -> None:
    got = flat(render_letter(sample("external", thai_digits=True)))
    assert "ที่ นม ๕๒๓๐๑/๑๒๓" in got and "๔ ธันวาคม ๒๕๖๙" in got
    assert "52301" not in got.split("เรื่อง")[0]


def _long(**changes):  # type: ignore[no-untyped-def]
    return sample("external", body_html="<p>" + "ประเทศไทยมีประชากรจำนวนมากและวัฒนธรรมหลากหลาย " * 40 + "</p>" * 1
                  + "".join(f"<p>ย่อหน้าที่ {n} น้ำ ซ้ำ ป้ำ</p>" for n in range(60)), **changes)


def test_page_numbers_from_page_two_top_centre() -> None:
    for thai, label in ((False, "- 2 -"), (True, "- ๒ -")):
        pdf = render_letter(_long(thai_digits=thai))
        assert page_count(pdf) >= 2
        first = " ".join(w[0] for w in words(pdf, 1) if w[2] < 72)
        assert "- 1 -" not in first and "- ๑ -" not in first
        top = [w for w in words(pdf, 2) if w[2] < 80]
        number = [w for w in top if w[0] == label or label in w[0]]
        assert number, top
        x_centre = (number[0][1] + number[0][3]) / 2
        assert abs(x_centre - 595.28 / 2) < 40  # centred on the page (margins 3 cm / 2 cm)


@pytest.mark.parametrize(("code", "mark"), [("002", "ลับ"), ("003", "ลับมาก"), ("004", "ลับที่สุด")])
def test_secrecy_mark_top_and_bottom_of_every_page_in_red(code: str, mark: str) -> None:
    pdf = render_letter(_long(secrecy=code))
    pages = page_count(pdf)
    assert pages >= 2
    for page in range(1, pages + 1):
        hits = [w for w in words(pdf, page) if w[0] == mark]
        assert any(w[2] < 60 for w in hits), (page, hits)
        assert any(w[4] > 842 - 60 for w in hits), (page, hits)
        for w in hits:
            assert abs((w[1] + w[3]) / 2 - 595.28 / 2) < 30
    assert b"0.784 0.063 0.18" in _content(pdf) or b"0.78" in _content(pdf)  # #c8102e fill


def _content(pdf: bytes) -> bytes:
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        return b"".join(pikepdf.unparse_content_stream(pikepdf.parse_content_stream(p)) for p in doc.pages)


@pytest.mark.parametrize(("code", "mark"), [("002", "ด่วน"), ("003", "ด่วนมาก"), ("004", "ด่วนที่สุด")])
@pytest.mark.parametrize("form", ["external", "memo", "stamped"])
def test_urgency_mark_red_32pt_top_left_above_the_garuda(form: str, code: str, mark: str) -> None:
    pdf = render_letter(sample(form, urgency=code))
    hit = [w for w in words(pdf, 1) if w[0] == mark]
    assert hit, words(pdf, 1)[:5]
    _word, x0, y0, _x1, y1 = hit[0]
    assert (y1 - y0) / SARABUN_LINE >= 31.9  # font size ≥ 32 pt
    assert x0 < 100 and y0 < 80  # top left of page 1 (left margin 3 cm = 85 pt)
    first_field = min(w[2] for w in words(pdf, 1) if w[0].startswith(("ที่", "บันทึกข้อความ")))
    assert y1 <= first_field + 1
    assert b"rg" in _content(pdf)


def test_normal_urgency_and_secrecy_print_nothing() -> None:
    got = flat(render_letter(sample("external")))
    assert "ด่วน" not in got and "ลับ" not in got


PINNED = "น้ำ ซ้ำ ป้ำ กี่ปี่ ที่นั่น ผู้ใหญ่ กุ้ง ปั้น ญี่ปุ่น เกื้อกูล ฤๅษี ทำ ค่ำ"


def test_text_layer_equals_the_thai_source() -> None:
    pdf = render_letter(sample("external", subject=PINNED, body_html=f"<p>{PINNED}</p>"))
    got = flat(pdf)
    assert f"เรื่อง {PINNED}" in got
    assert PINNED in got.split("เรียน", 1)[1]
    assert "นา ซา" not in got  # what the glyph-only ToUnicode map gives without /ActualText


def test_only_packaged_sarabun_fonts() -> None:
    for form in LETTER_FORMS:
        names = font_names(render_letter(sample(form, urgency="004", secrecy="004", qr_url="https://x.example/v/t")))
        assert names <= {"EofficeSarabun", "EofficeSarabun-Bold"}, names
        assert "EofficeSarabun" in names
    with pikepdf.open(io.BytesIO(render_letter(sample()))) as doc:
        for obj in doc.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
                assert "EofficeSarabun" in str(obj.FontName)
                assert "/FontFile2" in obj


def test_pdfa_and_tags() -> None:
    pdf = render_letter(sample())
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        assert "/StructTreeRoot" in doc.Root
        assert bool(doc.Root.MarkInfo.Marked)
        assert "/OutputIntents" in doc.Root
        assert str(doc.Root.get("/Lang")) == "th"
        meta = doc.open_metadata()
        assert meta.get("pdfaid:part") == "3" and meta.get("pdfaid:conformance") == "U"
        stream = doc.pages[0].Contents.read_bytes()
        assert b"/MCID" in stream and b"/ActualText" in stream


def test_qr_code_is_drawn_not_fetched_and_emblem_options() -> None:
    with_qr = render_letter(sample(qr_url="https://eoffice.example/v/3f9a1c0b7e2d"))
    without = render_letter(sample())
    assert len(_content(with_qr)) > len(_content(without)) + 500  # the modules are vector paths
    png = _png()
    with pikepdf.open(io.BytesIO(render_letter(sample(emblem=png, emblem_type="image/png")))) as doc:
        images = [o for o in doc.objects if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image"]
        assert any(int(i.Width) == 30 for i in images)
    assert render_letter(sample(emblem=b"not an image", emblem_type="image/png")).startswith(b"%PDF")


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (30, 36), (0, 0, 0)).save(out, "PNG")
    return out.getvalue()


def test_unknown_form_is_a_clear_error() -> None:
    with pytest.raises(RenderError) as caught:
        render_letter(sample("memo2"))
    assert "รูปแบบหนังสือ" in caught.value.message_th and caught.value.code == "unknown_form"


def test_preview_fragment_is_self_contained() -> None:
    html = render_letter_html(sample("external", urgency="004", secrecy="002", qr_url="https://x.example/v/t",
                                     body_html='<p>ก<img src="http://127.0.0.1:1/x"></p>'))
    assert html.lstrip().startswith('<div class="eo-letter eo-form-external"')
    assert "<style" not in html and "style=" not in html and "<script" not in html
    srcs = re.findall(r'src="([^"]*)"', html)
    assert srcs and all(s.startswith("data:image/") for s in srcs)
    assert "http://127.0.0.1" not in html
    assert "<svg" in html and "ด่วนที่สุด" in html and "ลับ" in html


def test_renders_concurrently_in_threads() -> None:
    layouts = [sample(form) for form in LETTER_FORMS] * 2
    results: dict[int, bytes] = {}
    errors: list[BaseException] = []

    def work(index: int) -> None:
        try:
            results[index] = render_letter(layouts[index])
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(layouts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors
    for index, layout in enumerate(layouts):
        assert flat(results[index]) == flat(render_letter(replace(layout)))


def test_thai_lines_break_between_words() -> None:
    """Pango (with libthai) breaks a Thai run with no spaces at word boundaries: the word before and the
    word after every line break are whole dictionary words, and no line starts with a combining mark."""
    from pythainlp.corpus import thai_words
    from pythainlp.tokenize import word_tokenize

    para = ("ประเทศไทยมีประชากรจำนวนมากและมีวัฒนธรรมที่หลากหลายซึ่งองค์การบริหารส่วนตำบลหนองระเวียงได้จัด"
            "กิจกรรมส่งเสริมการเรียนรู้ของเด็กและเยาวชนในพื้นที่อย่างต่อเนื่องทุกปี") * 3
    got = text(render_letter(sample(body_html=f"<p>{para}</p>")))
    lines: list[str] = []
    for line in got[got.index(para[:20]):].splitlines():
        if not line.strip():
            continue
        lines.append(line)
        if len("".join(lines)) >= len(para):
            break
    assert "".join(lines) == para and len(lines) >= 3
    dictionary = thai_words()
    for before, after in zip(lines, lines[1:], strict=False):
        assert word_tokenize(before, engine="newmm")[-1] in dictionary, before
        assert word_tokenize(after, engine="newmm")[0] in dictionary, after
        assert not unicodedata.category(after[0]).startswith("M") and after[0] not in "ะาำ", after


def test_with_a_fontconfig_that_sees_only_the_packaged_fonts(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """In a process whose fontconfig knows only the Sarabun package dir, even characters Sarabun lacks
    (✓, 中文) cannot pull in another font: the PDF still embeds only the packaged Sarabun."""
    import os
    import subprocess
    import sys

    from documents.registry.stamp import FONT_DIR

    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f"<dir>{FONT_DIR}</dir><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>"
    )
    out = tmp_path / "letter.pdf"
    script = (
        "import django; django.setup()\n"
        "from tests.drafting.support import sample\n"
        "from documents.drafting.render import render_letter\n"
        f"open({str(out)!r}, 'wb').write(render_letter(sample(body_html='<p>น้ำ ✓ 中文 abc</p>', urgency='004')))\n"
    )
    env = {**os.environ, "FONTCONFIG_FILE": str(config), "DJANGO_SETTINGS_MODULE": "eoffice.settings"}
    subprocess.run([sys.executable, "-c", script], env=env, check=True, timeout=120, cwd=os.getcwd())
    pdf = out.read_bytes()
    assert font_names(pdf) <= {"EofficeSarabun", "EofficeSarabun-Bold"}
    assert "น้ำ" in flat(pdf)
