"""Helpers for the renderer tests: sample layouts and the real reader tools (poppler, pikepdf)."""

from __future__ import annotations

import io
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import date

import pikepdf

from documents.drafting.render import LetterLayout

XHTML = "{http://www.w3.org/1999/xhtml}"
BODY = (
    "<div>ด้วยองค์การบริหารส่วนตำบลหนองระเวียงจะจัดงานวันเด็กแห่งชาติ ประจำปี 2570 "
    "จึงขอความอนุเคราะห์ใช้น้ำประปาและสถานที่ ณ ที่นั่น</div>"
    "<div>จึงเรียนมาเพื่อโปรดพิจารณาให้ความอนุเคราะห์ด้วย จะเป็นพระคุณ</div>"
)


def sample(form: str = "external", **changes) -> LetterLayout:  # type: ignore[no-untyped-def]
    layout = LetterLayout(
        form=form,
        agency_name="องค์การบริหารส่วนตำบลหนองระเวียง",
        agency_address="อำเภอเมืองนครราชสีมา\nจังหวัดนครราชสีมา 30000",
        issuing_unit="สำนักปลัด โทร. 0 4420 0000",
        number_text="นม 52301/123",
        letter_date=date(2026, 12, 4),
        subject="ขอความอนุเคราะห์ใช้สถานที่",
        salutation="เรียน",
        recipient="ผู้ว่าราชการจังหวัดนครราชสีมา",
        refers_to=["หนังสือจังหวัด ที่ นม 0023/456 ลงวันที่ 1 ธันวาคม 2569"],
        enclosures=["โครงการ จำนวน 1 ชุด"],
        body_html=BODY,
        closing="ขอแสดงความนับถือ",
        signer_name="นายสมชาย ใจดี",
        signer_position="นายกองค์การบริหารส่วนตำบลหนองระเวียง",
        signer_line="",
        owner_unit="สำนักปลัด",
        contact_lines=["โทร. 0 4420 0000", "อีเมล saraban@example.go.th"],
        copies_to=["นายอำเภอเมืองนครราชสีมา"],
        urgency="001",
        secrecy="001",
        authority="องค์การบริหารส่วนตำบลหนองระเวียง",
    )
    return replace(layout, **changes)


def text(pdf: bytes, *args: str) -> str:
    return subprocess.run(["pdftotext", "-q", *args, "-", "-"], input=pdf, capture_output=True, check=True,
                          timeout=60).stdout.decode()


def words(pdf: bytes, page: int) -> list[tuple[str, float, float, float, float]]:
    """(text, xMin, yMin, xMax, yMax) of each word on a page, in points from the top-left as displayed."""
    out = text(pdf, "-bbox", "-f", str(page), "-l", str(page))
    root = ET.fromstring(out)  # noqa: S314 - poppler output for our own PDF
    return [(w.text or "", float(w.get("xMin")), float(w.get("yMin")), float(w.get("xMax")), float(w.get("yMax")))
            for w in root.iter(f"{XHTML}word")]


def page_count(pdf: bytes) -> int:
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        return len(doc.pages)


def font_names(pdf: bytes) -> set[str]:
    out = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return {line.split()[0].split("+")[-1] for line in out.splitlines()[2:] if line.strip()}
