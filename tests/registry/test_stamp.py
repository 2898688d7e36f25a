"""The receipt stamp (ตรารับ) burnt into a working copy, and scans → PDF. Pure functions: no database.

Checked with the real tools a reader uses: poppler's pdftotext (text and word boxes as displayed,
page rotation applied), pdffonts (only the packaged Sarabun embedded), pikepdf (structure).
"""

from __future__ import annotations

import hashlib
import io
import subprocess
import time
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta, timezone

import pikepdf
import pytest
from PIL import Image

from documents.registry import stamp as stamp_module
from documents.registry.stamp import (
    FONT_DIR,
    StampError,
    StampText,
    image_to_pdf,
    render_pdf_sarabun_only,
    sarabun_font_path_for_url,
    stamp_date_label,
    stamp_pdf,
    stamp_time_label,
)

AGENCY = "สำนักงานเทศบาลนครนครราชสีมา"
RECEIVED = datetime(2026, 11, 25, 7, 5, tzinfo=UTC)  # 14.05 น. on 25 พ.ย. 2569 in Bangkok
XHTML = "{http://www.w3.org/1999/xhtml}"


# --- helpers --------------------------------------------------------------------------------------------
def letter_pdf(
    *, size: tuple[float, float] = (595.28, 841.89), rotate: int = 0, cropbox: list[float] | None = None,
    pages: int = 1, text: str = "ORIGINAL LETTER TEXT", inherit: bool = False,
) -> bytes:
    """A received letter: Helvetica text near the top right (where the stamp lands), a content stream
    that leaves a scaling matrix in force (no q/Q), optional rotation / crop box / inherited attributes."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
    )
    resources = pdf.make_indirect(pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)))
    for number in range(pages):
        page = pdf.add_blank_page(page_size=size)
        content = (
            f"BT /F1 12 Tf 40 {size[1] - 60} Td ({text} PAGE {number + 1}) Tj ET "
            f"BT /F1 12 Tf {size[0] - 200} {size[1] - 90} Td (TOP RIGHT WORDS) Tj ET 2 0 0 2 0 0 cm"
        )
        page.obj.Contents = pdf.make_stream(content.encode())
        if inherit:
            del page.obj["/MediaBox"]
        else:
            page.obj.Resources = resources
            if rotate:
                page.obj.Rotate = rotate
            if cropbox:
                page.obj.CropBox = cropbox
    if inherit:  # everything on the /Pages node, nothing on the page (legal; some scanners write this)
        root = pdf.Root.Pages
        root.Resources = resources
        root.MediaBox = [0, 0, size[0], size[1]]
        if rotate:
            root.Rotate = rotate
    out = io.BytesIO()
    pdf.save(out, preserve_pdfa=False)
    return out.getvalue()


def pdftotext(pdf: bytes, *args: str) -> str:
    result = subprocess.run(
        ["pdftotext", "-q", "-f", "1", "-l", "1", *args, "-", "-"], input=pdf, capture_output=True, check=True,
        timeout=60,
    )
    return result.stdout.decode("utf-8")


def words(pdf: bytes, *args: str) -> list[tuple[str, float, float, float, float]]:
    """(text, xMin, yMin, xMax, yMax) of page 1, in displayed coordinates (y grows downwards)."""
    root = ET.fromstring(pdftotext(pdf, "-bbox", *args))  # noqa: S314 - our own poppler output
    return [
        (w.text or "", float(w.get("xMin")), float(w.get("yMin")), float(w.get("xMax")), float(w.get("yMax")))
        for w in root.iter(f"{XHTML}word")
    ]


def find(found: list, needle: str) -> tuple[str, float, float, float, float]:
    for word in found:
        if needle in word[0]:
            return word
    raise AssertionError(f"{needle!r} not on page 1: {[w[0] for w in found]}")


def central(**kw) -> StampText:  # type: ignore[no-untyped-def]
    return StampText(agency_name=AGENCY, number_label=kw.pop("number_label", "1234/2569"), received_at=RECEIVED, **kw)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- labels ---------------------------------------------------------------------------------------------
def test_date_and_time_labels_are_buddhist_era_in_bangkok():
    late = datetime(2026, 12, 31, 17, 30, tzinfo=UTC)  # already 1 January in Bangkok
    assert stamp_date_label(late) == "1 ม.ค. 2570"
    assert stamp_time_label(late) == "00.30 น."
    assert stamp_date_label(RECEIVED, thai_digits=True) == "๒๕ พ.ย. ๒๕๖๙"
    other_zone = RECEIVED.astimezone(timezone(timedelta(hours=-5)))
    assert stamp_time_label(other_zone) == "14.05 น."
    with pytest.raises(ValueError):
        stamp_date_label(datetime(2026, 11, 25, 14, 5))  # noqa: DTZ001 - naive on purpose


# --- the stamp ------------------------------------------------------------------------------------------
def test_stamp_shows_agency_number_date_and_time_on_page_one_and_leaves_input_alone():
    original = letter_pdf(pages=2)
    before = sha(original)
    started = time.perf_counter()
    stamped = stamp_pdf(original, [central()])
    print(f"\none stamp on a 2-page letter (first in process): {(time.perf_counter() - started) * 1000:.0f} ms")
    started = time.perf_counter()
    stamp_pdf(original, [central(number_label="1235/2569")])
    print(f"one stamp on a 2-page letter (warm): {(time.perf_counter() - started) * 1000:.0f} ms")

    assert sha(original) == before
    assert stamped != original and stamped.startswith(b"%PDF-")
    text = pdftotext(stamped)
    for expected in (AGENCY, "เลขรับ", "1234/2569", "วันที่", "25 พ.ย. 2569", "เวลา", "14.05 น.",
                     "ORIGINAL LETTER TEXT PAGE 1", "TOP RIGHT WORDS"):
        assert expected in text, expected
    with pikepdf.open(io.BytesIO(stamped)) as out, pikepdf.open(io.BytesIO(original)) as src:
        assert len(out.pages) == 2
        # page 2 is not touched: same drawing instructions
        assert out.pages[1].obj.Contents.read_bytes() == src.pages[1].obj.Contents.read_bytes()
    page2 = subprocess.run(["pdftotext", "-f", "2", "-l", "2", "-", "-"], input=stamped, capture_output=True,
                           check=True).stdout.decode()
    assert AGENCY not in page2


def test_stamp_is_top_right_upright_and_in_ink_frame_size():
    stamped = stamp_pdf(letter_pdf(), [central()])
    found = words(stamped)
    label = find(found, "เลขรับ")
    number = find(found, "1234/2569")
    width = 595.28
    assert label[1] > width / 2 and number[3] < width - 25  # right half, inside the 10 mm margin
    assert label[2] < 120  # near the top
    assert number[3] - number[1] > number[4] - number[2]  # upright: wider than tall
    mm = 72 / 25.4
    with pikepdf.open(io.BytesIO(stamped)) as pdf:
        page = pdf.pages[0]
        form = next(iter(page.obj.Resources.XObject.values()))
        x0, y0, x1, y1 = (float(v) for v in form.BBox)
        assert abs((x1 - x0) - 50 * mm) < 0.5  # 5 cm wide
        assert (y1 - y0) >= 25 * mm - 0.5  # at least 2.5 cm tall
        # the original drawing is wrapped in q … Q so its leftover "2 0 0 2 cm" cannot scale the stamp
        content = page.obj.Contents.read_bytes() if isinstance(page.obj.Contents, pikepdf.Stream) else b"".join(
            c.read_bytes() for c in page.obj.Contents
        )
        assert content.lstrip().startswith(b"q")


def test_unit_stamp_goes_under_the_central_one():
    unit = StampText(
        agency_name=AGENCY, number_label="56", received_at=RECEIVED + timedelta(hours=2), unit_name="กองช่าง",
        ink="red",
    )
    stamped = stamp_pdf(letter_pdf(), [central(), unit])
    text = pdftotext(stamped)
    assert "กองช่าง" in text and "56" in text and "16.05 น." in text
    found = words(stamped)
    central_number = find(found, "1234/2569")
    central_time = find(found, "14.05 น.")
    unit_name = find(found, "กองช่าง")
    unit_time = find(found, "16.05 น.")
    assert unit_name[2] > central_time[4]  # the unit's stamp starts below the end of the central one
    assert unit_time[2] > central_number[4]
    assert abs(unit_time[1] - central_time[1]) < 1  # same column, stacked


@pytest.mark.parametrize(
    ("size", "rotate", "cropbox", "inherit"),
    [
        ((595.28, 841.89), 90, None, False),
        ((595.28, 841.89), 180, None, False),
        ((595.28, 841.89), 270, None, False),
        ((595.28, 841.89), -90, None, False),
        ((841.89, 595.28), 0, None, False),  # landscape
        ((612, 1008), 0, None, False),  # US legal
        ((297.64, 419.53), 0, None, False),  # A6: smaller than the margins would like
        ((120, 90), 0, None, False),  # a tiny page: the stamp shrinks to fit
        ((595.28, 841.89), 0, [40, 60, 500, 760], False),  # crop box inside the media box
        ((595.28, 841.89), 90, None, True),  # rotation and media box inherited from /Pages
    ],
)
def test_stamp_top_right_as_displayed_on_odd_pages(size, rotate, cropbox, inherit):
    stamped = stamp_pdf(letter_pdf(size=size, rotate=rotate, cropbox=cropbox, inherit=inherit), [central()])
    args = ("-cropbox",) if cropbox else ()
    root = ET.fromstring(pdftotext(stamped, "-bbox", *args))  # noqa: S314 - our own poppler output
    found = words(stamped, *args)
    if cropbox:
        shown_w, shown_h = cropbox[2] - cropbox[0], cropbox[3] - cropbox[1]
    else:
        page = next(root.iter(f"{XHTML}page"))
        w, h = float(page.get("width")), float(page.get("height"))
        shown_w, shown_h = (h, w) if rotate % 180 else (w, h)
    label = find(found, "เลขรับ")
    number = find(found, "1234")
    if shown_w > 200:  # on a tiny page the (shrunk) block spans nearly the whole width
        assert label[1] > shown_w * 0.45, (label, shown_w)  # the block's left edge is right of centre
    stamp_words = [w for w in found if not w[0].isupper()]  # the letter's own words are upper-case Latin
    assert all(w[1] >= -0.5 and w[3] <= shown_w + 0.5 and w[2] >= -0.5 and w[4] <= shown_h + 0.5
               for w in stamp_words), stamp_words
    assert shown_w * 0.6 < number[3] <= shown_w + 0.5
    assert label[4] < shown_h / 2, (label, shown_h)
    assert label[2] >= -0.5
    assert number[3] - number[1] > number[4] - number[2], "stamp text must read upright"


def test_blank_page_and_split_content_streams():
    blank = pikepdf.new()
    blank.add_blank_page()  # no /Contents at all
    split = pikepdf.new()
    page = split.add_blank_page()
    page.obj.Contents = pikepdf.Array([split.make_stream(b"0 0 m 10 10"), split.make_stream(b" l S")])
    for pdf in (blank, split):
        out = io.BytesIO()
        pdf.save(out)
        assert "1234/2569" in pdftotext(stamp_pdf(out.getvalue(), [central()]))


def test_stamping_twice_gives_identical_bytes():
    original = letter_pdf()
    assert stamp_pdf(original, [central()]) == stamp_pdf(original, [central()])


def test_thai_digits_and_only_the_packaged_font_embedded():
    stamped = stamp_pdf(letter_pdf(), [central(thai_digits=True, number_label="1234")])
    text = pdftotext(stamped)
    assert "๑๒๓๔" in text and "๒๕ พ.ย. ๒๕๖๙" in text and "๑๔.๐๕ น." in text
    fonts = subprocess.run(["pdffonts", "-"], input=stamped, capture_output=True, check=True).stdout.decode()
    stamp_fonts = [line.split()[0] for line in fonts.splitlines()[2:] if line.strip()]
    assert {name.split("+")[-1] for name in stamp_fonts} <= {"EofficeSarabun", "EofficeSarabun-Bold", "Helvetica"}
    assert any("EofficeSarabun" in name for name in stamp_fonts)


def test_a_stamp_with_a_very_long_agency_name_still_fits_one_block():
    long_name = "องค์การบริหารส่วนตำบลหนองบัวศาลาอำเภอเมืองนครราชสีมาจังหวัดนครราชสีมา" * 2
    stamped = stamp_pdf(letter_pdf(), [StampText(long_name, "7", RECEIVED)])
    assert "เลขรับ" in pdftotext(stamped)


def test_refusals():
    with pytest.raises(StampError) as error:
        stamp_pdf(b"not a pdf at all", [central()])
    assert error.value.code == "pdf_unreadable"

    pdf = pikepdf.new()
    pdf.add_blank_page()
    encrypted = io.BytesIO()
    pdf.save(encrypted, encryption=pikepdf.Encryption(owner="o", user="secret"))
    with pytest.raises(StampError) as error:
        stamp_pdf(encrypted.getvalue(), [central()])
    assert error.value.code == "pdf_encrypted"
    assert error.value.message_th  # Thai first

    with pytest.raises(StampError) as error:
        stamp_pdf(letter_pdf(), [central()] * 20)
    assert error.value.code == "too_many_stamps"

    original = letter_pdf()
    assert stamp_pdf(original, []) == original


def test_renderer_loads_the_sarabun_files_and_nothing_else():
    regular = FONT_DIR / "Sarabun-Regular.ttf"
    assert sarabun_font_path_for_url(regular.as_uri()) == regular
    for url in (
        "file:///etc/passwd",
        "http://127.0.0.1/Sarabun-Regular.ttf",
        "https://fonts.example/Sarabun-Regular.ttf",
        (FONT_DIR / ".." / ".." / "fontpkg" / "__init__.py").as_uri(),
        (FONT_DIR / ".." / "files" / ".." / "LICENSE").as_uri(),
        "data:font/ttf;base64,AAAA",
        "file://evil-host" + str(regular),
    ):
        assert sarabun_font_path_for_url(url) is None, url
    fetcher = stamp_module._sarabun_only_fetcher()
    with pytest.raises(ValueError):
        fetcher.fetch("file:///etc/passwd")
    assert fetcher.fetch(regular.as_uri()).read()[:4] == b"\x00\x01\x00\x00"

    # A hostile document cannot pull anything in: the image and stylesheet are simply not loaded.
    pdf = render_pdf_sarabun_only(
        '<link rel="stylesheet" href="file:///etc/passwd"><img src="file:///etc/hostname" alt="">'
        '<img src="http://127.0.0.1:9/x.png" alt=""><p>ทดสอบ น้ำท่วม</p>'
    )
    with pikepdf.open(io.BytesIO(pdf)) as out:
        assert not list(out.pages[0].get_images())
    assert "น้ำท่วม" in pdftotext(pdf)  # SARA AM + tone mark extract exactly (ActualText)


# --- scans → PDF ----------------------------------------------------------------------------------------
def image_bytes(fmt: str, size=(800, 1100), mode="RGB", **save) -> bytes:  # type: ignore[no-untyped-def]
    image = Image.new(mode, size, "white" if mode != "1" else 1)
    if mode in ("RGB", "RGBA"):
        image.paste((200, 30, 30) if mode == "RGB" else (200, 30, 30, 128), (50, 50, 300, 300))
    out = io.BytesIO()
    image.save(out, fmt, **save)
    return out.getvalue()


def pages_of(pdf: bytes) -> list[tuple[float, float]]:
    with pikepdf.open(io.BytesIO(pdf)) as out:
        return [(round(float(p.mediabox[2])), round(float(p.mediabox[3]))) for p in out.pages]


def test_jpeg_goes_in_unchanged_on_an_a4_page():
    jpeg = image_bytes("JPEG", quality=80)
    pdf = image_to_pdf(jpeg, "image/jpeg")
    assert pages_of(pdf) == [(595, 842)]
    with pikepdf.open(io.BytesIO(pdf)) as out:
        image = next(iter(out.pages[0].get_images().values()))
        assert image.Filter == pikepdf.Name.DCTDecode
        assert image.read_raw_bytes() == jpeg  # not re-compressed


def test_png_with_alpha_landscape_and_true_size_with_dpi():
    pdf = image_to_pdf(image_bytes("PNG", size=(1200, 800), mode="RGBA"), "image/png")
    assert pages_of(pdf) == [(842, 595)]  # landscape image, landscape A4

    # an A5 scan at 300 dpi keeps its real size (148 × 210 mm) on the A4 page: not blown up
    a5 = image_to_pdf(image_bytes("PNG", size=(1748, 2480), dpi=(300, 300)), "image/png")
    with pikepdf.open(io.BytesIO(a5)) as out:
        content = out.pages[0].obj.Contents.read_bytes().split()
        width_pt = float(content[1])
        assert abs(width_pt - 1748 / 300 * 72) < 1


def test_two_page_tiff_and_bilevel_fax_tiff():
    first = Image.new("RGB", (850, 1100), "white")
    second = Image.new("L", (1100, 850), 255)
    out = io.BytesIO()
    first.save(out, "TIFF", save_all=True, append_images=[second], compression="tiff_lzw")
    started = time.perf_counter()
    pdf = image_to_pdf(out.getvalue(), "image/tiff")
    print(f"\n2-page TIFF → PDF: {(time.perf_counter() - started) * 1000:.0f} ms")
    assert pages_of(pdf) == [(595, 842), (842, 595)]

    fax = image_to_pdf(image_bytes("TIFF", size=(1728, 2200), mode="1", compression="group4"), "image/tiff")
    assert pages_of(fax) == [(595, 842)]
    with pikepdf.open(io.BytesIO(fax)) as doc:
        image = next(iter(doc.pages[0].get_images().values()))
        assert int(image.BitsPerComponent) == 1

    # and a converted scan can be stamped like any PDF
    stamped = stamp_pdf(pdf, [central()])
    assert "1234/2569" in pdftotext(stamped)


def test_exif_rotated_photo_is_turned_upright():
    image = Image.new("RGB", (1200, 800), "white")
    exif = image.getexif()
    exif[0x0112] = 6  # camera held upright: rotate 90° to view
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    assert pages_of(image_to_pdf(out.getvalue(), "image/jpeg")) == [(595, 842)]


def test_image_refusals():
    png = image_bytes("PNG")
    for data, content_type, code in (
        (png, "image/jpeg", "image_type_mismatch"),
        (png, "application/pdf", "image_type_unsupported"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "image/png", "image_unreadable"),
        (png[:200], "image/png", "image_unreadable"),
        (b"", "image/tiff", "image_unreadable"),
    ):
        with pytest.raises(StampError) as error:
            image_to_pdf(data, content_type)
        assert error.value.code == code, (content_type, error.value.code)
