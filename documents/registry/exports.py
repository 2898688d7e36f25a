"""Book exports: a registry book as PDF laid out like the paper forms, and as XLSX / CSV.

Pure functions over plain rows (the selector supplies them, already filtered for what the reader may
see, in book order):

- ``export_book_pdf``  — A4 landscape, the columns of แบบที่ 13 (ทะเบียนหนังสือรับ) or แบบที่ 14
  (ทะเบียนหนังสือส่ง), rows grouped by registration date, each page headed with the date as on the
  paper form, Buddhist-Era dates, page numbers; packaged Sarabun font only (see ``stamp``).
- ``export_book_xlsx`` / ``export_book_csv`` — the same columns plus urgency, secrecy, status, the
  registration date and time as BE text and ISO columns; every text cell that a spreadsheet could take
  for a formula (starts with = + - @ tab CR LF) is neutralised with a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby

from django.template.loader import render_to_string

from documents.registry.stamp import BANGKOK, FONT_FAMILY, font_face_css, render_pdf_sarabun_only
from eoffice.common.thaidate import BE_OFFSET, THAI_MONTHS, THAI_MONTHS_SHORT, to_thai_digits


@dataclass(frozen=True)
class ExportRow:
    number: str  # เลขทะเบียนรับ/ส่ง as printed, e.g. "1234"
    reference: str  # ที่ (the letter's own reference)
    letter_date: date | None  # ลงวันที่
    sender: str  # จาก
    recipient: str  # ถึง
    subject: str  # เรื่อง
    action: str  # การปฏิบัติ (incoming only)
    remarks: str  # หมายเหตุ
    registered_at: datetime  # aware; its Asia/Bangkok date is the register's page date
    urgency_label: str = ""  # "" for ปกติ
    secrecy_label: str = ""  # "" for ปกติ
    status_label: str = ""  # e.g. "ยกเลิก", "จองเลข", "รอส่ง"


@dataclass(frozen=True)
class ExportMeta:
    agency_name: str
    book_name: str
    year_be: int
    incoming: bool  # True: แบบที่ 13 (รับ); False: แบบที่ 14 (ส่ง)
    thai_digits: bool
    generated_at: datetime  # aware


# --- shared ---------------------------------------------------------------------------------------------
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
_ILLEGAL_XML_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def neutralise_formula(text: str) -> str:
    """Text a spreadsheet would run as a formula gets a leading apostrophe (OWASP CSV injection).

    Triggers: the first character is one of = + - @ tab CR LF, or the first non-space one is one of
    = + - @. Everything else is returned unchanged.
    """
    if not text:
        return text
    first = text[0]
    stripped = text.lstrip(" ")
    if first in FORMULA_TRIGGERS or (stripped and stripped[0] in FORMULA_TRIGGERS[:4]):
        return "'" + text
    return text


def _clean(value: object) -> str:
    """A cell's text: control characters (invalid in XLSX XML, pointless in CSV) removed."""
    return _ILLEGAL_XML_CHARS.sub("", "" if value is None else str(value))


def _local(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("datetimes in an export must be aware")
    return value.astimezone(BANGKOK)


def _be_short(value: date | None, thai_digits: bool) -> str:
    """"25 พ.ย. 2569"."""
    if value is None:
        return ""
    text = f"{value.day} {THAI_MONTHS_SHORT[value.month - 1]} {value.year + BE_OFFSET}"
    return to_thai_digits(text) if thai_digits else text


def _time_label(value: datetime, thai_digits: bool) -> str:
    local = _local(value)
    text = f"{local.hour:02d}.{local.minute:02d} น."
    return to_thai_digits(text) if thai_digits else text


def register_title(incoming: bool) -> str:
    return "ทะเบียนหนังสือรับ" if incoming else "ทะเบียนหนังสือส่ง"


def form_columns(incoming: bool) -> list[str]:
    """The paper form's columns: แบบที่ 13 (incoming) or แบบที่ 14 (outgoing)."""
    if incoming:
        return ["เลขทะเบียนรับ", "ที่", "ลงวันที่", "จาก", "ถึง", "เรื่อง", "การปฏิบัติ", "หมายเหตุ"]
    return ["เลขทะเบียนส่ง", "ที่", "ลงวันที่", "จาก", "ถึง", "เรื่อง", "หมายเหตุ"]


# --- PDF ------------------------------------------------------------------------------------------------
_CSS_PLAIN = re.compile(r"[0-9A-Za-z\u0e00-\u0e7f .,()/:]")


def css_string(text: str) -> str:
    """A quoted CSS string for ``content:`` holding ``text`` literally: every character outside a safe
    set (letters, digits, Thai, space and . , ( ) / :) is written as a CSS hex escape, so quotes,
    backslashes, "</style>" or newlines in an agency or book name cannot break out of the string."""
    text = _clean(text).replace("\n", " ")
    return '"' + "".join(ch if _CSS_PLAIN.fullmatch(ch) else f"\\{ord(ch):x} " for ch in text) + '"'


def page_date_label(value: date, thai_digits: bool) -> str:
    """The paper form's page header: "วันที่ 25 เดือน พฤศจิกายน พ.ศ. 2569"."""
    text = f"วันที่ {value.day} เดือน {THAI_MONTHS[value.month - 1]} พ.ศ. {value.year + BE_OFFSET}"
    return to_thai_digits(text) if thai_digits else text


def _pdf_groups(meta: ExportMeta, rows: Iterable[ExportRow]) -> Iterator[dict[str, object]]:
    digits = to_thai_digits if meta.thai_digits else str
    for day, day_rows in groupby(rows, key=lambda row: _local(row.registered_at).date()):
        items = []
        for row in day_rows:
            items.append(
                {
                    "number": digits(row.number),
                    "reference": digits(row.reference),
                    "letter_date": _be_short(row.letter_date, meta.thai_digits),
                    "sender": row.sender,
                    "recipient": row.recipient,
                    "subject": row.subject,
                    "action": row.action,
                    "remarks": row.remarks,
                    "urgency": row.urgency_label,
                    "secrecy": row.secrecy_label,
                    "status": row.status_label,
                    "time": _time_label(row.registered_at, meta.thai_digits),
                }
            )
        yield {"label": page_date_label(day, meta.thai_digits), "rows": items}


def export_book_pdf(meta: ExportMeta, rows: Iterable[ExportRow]) -> bytes:
    """The book as a PDF laid out like แบบที่ 13 / 14 (A4 landscape). Rows stay in the order given;
    consecutive rows of one registration date form that date's section."""
    digits = to_thai_digits if meta.thai_digits else str
    groups = list(_pdf_groups(meta, rows))
    generated = _local(meta.generated_at)
    html = render_to_string(
        "documents/exports/book_register.html",
        {
            "font_css": font_face_css(),
            "font_family": FONT_FAMILY,
            "title": register_title(meta.incoming),
            "title_css": css_string(register_title(meta.incoming)),
            "form_label_css": css_string(digits("แบบที่ 13" if meta.incoming else "แบบที่ 14")),
            "year_css": css_string(digits(f"พ.ศ. {meta.year_be}")),
            "agency_css": css_string(meta.agency_name),
            "book_css": css_string(meta.book_name),
            "generated_css": css_string(
                digits(f"พิมพ์เมื่อ {_be_short(generated.date(), False)} {generated.hour:02d}.{generated.minute:02d} น.")
            ),
            "incoming": meta.incoming,
            "columns": form_columns(meta.incoming),
            "agency_name": meta.agency_name,
            "book_name": meta.book_name,
            "year_label": digits(f"พ.ศ. {meta.year_be}"),
            "counter_style": "thai" if meta.thai_digits else "decimal",
            "groups": groups,
            "empty": not groups,
        },
    )
    return render_pdf_sarabun_only(html)


# --- XLSX / CSV -----------------------------------------------------------------------------------------
def table_headers(incoming: bool) -> list[str]:
    return [
        *form_columns(incoming),
        "ชั้นความเร็ว",
        "ชั้นความลับ",
        "สถานะ",
        "วันที่ลงทะเบียน",
        "เวลาลงทะเบียน",
        "ลงวันที่ (ISO)",
        "ลงทะเบียนเมื่อ (ISO)",
    ]


def _table_row(meta: ExportMeta, row: ExportRow) -> tuple[list[str], date | None, datetime]:
    """The text cells (neutralised) and the two values for the ISO columns."""
    local = _local(row.registered_at)
    texts = [row.number, row.reference, _be_short(row.letter_date, meta.thai_digits), row.sender,
             row.recipient, row.subject]
    if meta.incoming:
        texts.append(row.action)
    texts += [row.remarks, row.urgency_label, row.secrecy_label, row.status_label,
              _be_short(local.date(), meta.thai_digits), _time_label(local, meta.thai_digits)]
    return [neutralise_formula(_clean(t)) for t in texts], row.letter_date, local


def _iso_datetime(local: datetime) -> str:
    return local.replace(microsecond=0).isoformat()


def export_book_csv(meta: ExportMeta, rows: Iterable[ExportRow]) -> bytes:
    """UTF-8 with a BOM (so Excel reads Thai), CRLF, a header row, one line per entry."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table_headers(meta.incoming))
    for row in rows:
        texts, letter_date, local = _table_row(meta, row)
        writer.writerow([*texts, letter_date.isoformat() if letter_date else "", _iso_datetime(local)])
    return out.getvalue().encode("utf-8")


_XLSX_WIDTHS = {
    "เลขทะเบียนรับ": 12, "เลขทะเบียนส่ง": 12, "ที่": 22, "ลงวันที่": 13, "จาก": 28, "ถึง": 24, "เรื่อง": 50,
    "การปฏิบัติ": 24, "หมายเหตุ": 20, "ชั้นความเร็ว": 11, "ชั้นความลับ": 11, "สถานะ": 11,
    "วันที่ลงทะเบียน": 14, "เวลาลงทะเบียน": 12, "ลงวันที่ (ISO)": 13, "ลงทะเบียนเมื่อ (ISO)": 18,
}


def export_book_xlsx(meta: ExportMeta, rows: Iterable[ExportRow]) -> bytes:
    """One sheet, a bold frozen header row with a filter; every text cell is a string cell (never a
    formula); the ISO columns are real date / date-time cells (Asia/Bangkok) formatted as ISO."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=f"{'ทะเบียนรับ' if meta.incoming else 'ทะเบียนส่ง'} {meta.year_be}")
    headers = table_headers(meta.incoming)
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _XLSX_WIDTHS.get(header, 14)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)

    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    count = 0
    for row in rows:
        texts, letter_date, local = _table_row(meta, row)
        cells: list[object] = []
        for text in texts:
            cell = WriteOnlyCell(sheet, value=text)
            cell.data_type = "s"  # belt and braces: a string cell is never evaluated
            cells.append(cell)
        date_cell = WriteOnlyCell(sheet, value=letter_date)
        if letter_date is not None:
            date_cell.number_format = "yyyy-mm-dd"
        stamp_cell = WriteOnlyCell(sheet, value=local.replace(tzinfo=None, microsecond=0))
        stamp_cell.number_format = "yyyy-mm-dd hh:mm:ss"
        cells += [date_cell, stamp_cell]
        sheet.append(cells)
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{count + 1}"
    workbook.properties.title = f"{register_title(meta.incoming)} {meta.book_name} พ.ศ. {meta.year_be}"
    workbook.properties.creator = _clean(meta.agency_name)[:255]
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
