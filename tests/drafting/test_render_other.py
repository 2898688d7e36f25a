"""No fetch from a letter (canary server), the file copy, envelopes, labels and the delivery book."""

from __future__ import annotations

import io
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pikepdf
import pytest

from documents.drafting.render import (
    ENVELOPE_SIZES,
    DeliveryRow,
    EnvelopeLayout,
    FileCopyPerson,
    render_delivery_book,
    render_envelope,
    render_file_copy,
    render_labels,
    render_letter,
)
from documents.registry.stamp import MM
from tests.drafting.support import font_names, page_count, sample, text, words


@pytest.fixture
def canary():  # type: ignore[no-untyped-def]
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        def log_message(self, *args) -> None:  # type: ignore[no-untyped-def]
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()


def test_nothing_is_fetched_from_any_field(canary) -> None:  # type: ignore[no-untyped-def]
    base, hits = canary
    evil = (f'<img src="{base}/img"><link rel="stylesheet" href="{base}/css"><link rel="attachment" '
            f'href="file:///etc/passwd"><a rel="attachment" href="file:///etc/passwd">a</a>'
            f'<style>@import url({base}/import); @font-face {{ font-family: x; src: url({base}/font) }} '
            f'body {{ background: url({base}/bg) }}</style><p style="background:url({base}/p)">ก</p>'
            f'<img src="file:///etc/passwd"><object data="{base}/obj"></object>')
    svg_emblem = (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
                  f'width="10" height="10"><image href="{base}/svg" width="10" height="10"/>'
                  f'<image xlink:href="file:///etc/passwd" width="10" height="10"/>'
                  f'<style>@import url({base}/svgcss);</style></svg>').encode()
    layout = sample("external", body_html=evil, subject=evil, recipient=evil, copies_to=[evil],
                    contact_lines=[evil], emblem=svg_emblem, emblem_type="image/svg+xml",
                    qr_url=f"{base}/qr")
    pdf = render_letter(layout)
    assert pdf.startswith(b"%PDF")
    assert hits == []
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        assert not doc.attachments
        assert all(not (isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/EmbeddedFile")
                   for o in doc.objects)
    assert "root:" not in text(pdf)


def test_envelope_fetches_nothing_either(canary) -> None:  # type: ignore[no-untyped-def]
    base, hits = canary
    evil = f'<img src="{base}/x"> file:///etc/passwd'
    env = _envelope(recipient_name=evil, recipient_address=evil,
                    emblem=f'<svg xmlns="http://www.w3.org/2000/svg"><image href="{base}/e"/></svg>'.encode())
    render_envelope(env, "DL")
    render_labels([env])
    assert hits == []


PEOPLE = [
    FileCopyPerson("ผู้ร่าง", "นางสาวสมหญิง รักงาน", "เจ้าพนักงานธุรการ", datetime(2026, 12, 4, 3, 5, tzinfo=UTC)),
    FileCopyPerson("ผู้พิมพ์", "นางสาวสมหญิง รักงาน", "เจ้าพนักงานธุรการ", None),
    FileCopyPerson("ผู้ทาน", "นายทาน ละเอียด", "หัวหน้าสำนักปลัด", datetime(2026, 12, 4, 4, 0, tzinfo=UTC)),
    FileCopyPerson("ผู้ตรวจ", "นายตรวจ ถี่ถ้วน", "ปลัด อบต.", datetime(2026, 12, 4, 5, 30, tzinfo=UTC)),
]


def test_file_copy_marks_every_page_and_adds_the_people_page() -> None:
    letter = render_letter(sample("external", body_html="<p>น้ำ ซ้ำ</p>" * 80))
    pages = page_count(letter)
    assert pages >= 2
    copy = render_file_copy(letter, title_lines=["หนังสือที่ นม 52301/123", "เรื่อง ขอความอนุเคราะห์"], people=PEOPLE)
    assert page_count(copy) == pages + 1
    for page in range(1, pages + 1):
        marks = [w for w in words(copy, page) if w[0] == "สำเนาคู่ฉบับ"]
        assert marks, page
        _t, x0, y0, x1, y1 = marks[0]
        assert x1 <= 595.28 - 20 and x0 > 595.28 / 2 and y1 < 25 * MM  # top right, in the margins
        body = [w for w in words(copy, page) if w[0] != "สำเนาคู่ฉบับ" and w[2] < y1 and w[3] > x0]
        assert not body, body  # covers no letter text
    last = " ".join(w[0] for w in words(copy, pages + 1))
    for item in ("ผู้ร่าง", "ผู้พิมพ์", "ผู้ทาน", "ผู้ตรวจ", "นายทาน ละเอียด", "หัวหน้าสำนักปลัด",
                 "4 ธันวาคม 2569 เวลา 11.00 น.", "4 ธันวาคม 2569 เวลา 10.05 น.", "หนังสือที่ นม 52301/123"):
        assert item in last, item
    assert text(letter, "-f", "1", "-l", "1") in text(copy, "-f", "1", "-l", "1").replace("สำเนาคู่ฉบับ\n", "")
    assert font_names(copy) <= {"EofficeSarabun", "EofficeSarabun-Bold"}


def _envelope(**changes) -> EnvelopeLayout:  # type: ignore[no-untyped-def]
    values: dict = {"agency_name": "องค์การบริหารส่วนตำบลหนองระเวียง",
                  "agency_address": "อำเภอเมืองนครราชสีมา\nจังหวัดนครราชสีมา 30000", "number_text": "นม 52301/123",
                  "urgency": "004", "secrecy": "001", "salutation_word": "นมัสการ", "recipient_name": "เจ้าอาวาสวัดหนองระเวียง",
                  "recipient_address": "ตำบลหนองระเวียง\nอำเภอเมืองนครราชสีมา 30000", "emblem": None, "emblem_type": "",
                  "registered": True, "tracking_number": "EF123456789TH"}
    values.update(changes)
    return EnvelopeLayout(**values)


@pytest.mark.parametrize("size", list(ENVELOPE_SIZES))
def test_envelope_page_size_and_content(size: str) -> None:
    pdf = render_envelope(_envelope(), size)
    width_mm, height_mm = ENVELOPE_SIZES[size]
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        assert len(doc.pages) == 1
        x0, y0, x1, y1 = (float(v) for v in doc.pages[0].mediabox)
    assert abs((x1 - x0) / MM - width_mm) < 0.05 and abs((y1 - y0) / MM - height_mm) < 0.05
    page = words(pdf, 1)
    flat = " ".join(w[0] for w in page)
    assert "นมัสการ เจ้าอาวาสวัดหนองระเวียง" in flat and "ลงทะเบียน" in flat and "EF123456789TH" in flat
    urgency = next(w for w in page if w[0] == "ด่วนที่สุด")
    assert (urgency[4] - urgency[2]) / 1.3 >= 31.9
    recipient = next(w for w in page if w[0].startswith("นมัสการ"))
    assert recipient[1] > (x1 - x0) * 0.4  # middle-right
    sender = next(w for w in page if w[0] == "องค์การบริหารส่วนตำบลหนองระเวียง")
    assert sender[1] < 100 and sender[2] < 60  # top-left, beside the 1.5 cm Garuda


def test_unknown_envelope_size() -> None:
    from documents.drafting.render import RenderError

    with pytest.raises(RenderError):
        render_envelope(_envelope(), "A4")


def test_labels_two_by_seven_per_a4_sheet() -> None:
    envs = [_envelope(recipient_name=f"ผู้รับคนที่ {n}", urgency="002" if n % 2 else "001") for n in range(15)]
    pdf = render_labels(envs)
    assert page_count(pdf) == 2
    first = [w for w in words(pdf, 1) if w[0].startswith("นมัสการ ผู้รับคนที่")]
    assert len(first) == 14
    assert len({round(w[1]) for w in first}) == 2  # two columns
    urgent = [w for w in words(pdf, 1) if w[0] == "ด่วน"]
    assert urgent and all((w[4] - w[2]) / 1.3 >= 31.9 for w in urgent)


def test_delivery_book_landscape_with_signature_boxes() -> None:
    rows = [DeliveryRow(f"นม 52301/{n}", "ผู้ว่าราชการจังหวัดนครราชสีมา", "ขอความอนุเคราะห์ใช้สถานที่",
                        received_by="นายรับ ไว้" if n == 1 else "",
                        received_at=datetime(2026, 12, 4, 7, 5, tzinfo=UTC) if n == 1 else None)
            for n in range(1, 40)]
    pdf = render_delivery_book(agency_name="องค์การบริหารส่วนตำบลหนองระเวียง", rows=rows, thai_digits=True)
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        x0, y0, x1, y1 = (float(v) for v in doc.pages[0].mediabox)
        assert x1 - x0 > y1 - y0  # landscape
        assert len(doc.pages) >= 2
    got = " ".join(text(pdf).split())
    for head in ("เลขทะเบียน/ที่", "ถึง", "เรื่อง", "หน่วยงานผู้รับ", "ลงชื่อผู้รับ", "หมายเหตุ"):
        assert head in got
    assert "นม ๕๒๓๐๑/๑" in got and "นายรับ ไว้" in got and "๔ ธันวาคม ๒๕๖๙ เวลา ๑๔.๐๕ น." in got
    assert "เลขทะเบียน/ที่" in text(pdf, "-f", "2", "-l", "2")  # header repeats
