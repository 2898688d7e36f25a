"""What the renderer is given: plain, frozen data (no models). The drafting services build these."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

LETTER_FORMS = ("external", "memo", "stamped", "order", "announcement")

# DGA exchange codes (saraban-domain.md §2): "001" is the normal class and prints nothing.
URGENCY_MARKS = {"001": "", "002": "ด่วน", "003": "ด่วนมาก", "004": "ด่วนที่สุด"}
SECRECY_MARKS = {"001": "", "002": "ลับ", "003": "ลับมาก", "004": "ลับที่สุด"}

# Envelope sizes (saraban-domain.md §7.1), printed landscape: (width, height) in mm.
ENVELOPE_SIZES: dict[str, tuple[int, int]] = {
    "C4": (324, 229),
    "C5": (229, 162),
    "C6": (162, 114),
    "DL": (220, 110),
}


@dataclass(frozen=True)
class LetterLayout:
    """One outgoing letter as it is printed. Empty strings / None leave a field's space blank (a draft
    has no number or date yet). ``body_html`` should already be sanitised; it is cleaned again anyway."""

    form: str = "external"
    agency_name: str = ""
    agency_address: str = ""
    issuing_unit: str = ""  # memo: the ส่วนราชการ line
    number_text: str = ""  # "นม 52301/123"; order: "15/2569" (printed "ที่ 15/2569")
    letter_date: date | None = None
    thai_digits: bool = False
    subject: str = ""
    salutation: str = "เรียน"
    recipient: str = ""
    refers_to: tuple[str, ...] | list[str] = ()
    enclosures: tuple[str, ...] | list[str] = ()
    body_html: str = ""
    closing: str = "ขอแสดงความนับถือ"
    signer_name: str = ""
    signer_position: str = ""
    signer_line: str = ""  # "ปฏิบัติราชการแทน…" (acting / delegated), may be ""
    owner_unit: str = ""  # ส่วนราชการเจ้าของเรื่อง
    contact_lines: tuple[str, ...] | list[str] = ()
    copies_to: tuple[str, ...] | list[str] = ()
    urgency: str = "001"
    secrecy: str = "001"
    emblem: bytes | None = None  # the agency's Garuda (PNG / JPEG / SVG); None = packaged placeholder
    emblem_type: str = ""  # its content type, e.g. "image/png"
    qr_url: str | None = None  # verification URL drawn as a QR code (never fetched)
    authority: str = ""  # order / announcement: "องค์การบริหารส่วนตำบลหนองระเวียง" (default: agency_name)
    initials_note: str = ""  # stamped letter: the responsible official's initials beside the stamp
    watermark: str = ""  # e.g. "ร่าง" on drafts
    title: str = ""  # PDF document title (default: the subject)


@dataclass(frozen=True)
class FileCopyPerson:
    """One person on the file copy's closing page (ผู้ร่าง / ผู้พิมพ์ / ผู้ทาน / ผู้ตรวจ)."""

    role_label: str
    name: str
    position: str = ""
    at: datetime | None = None  # when they initialled (aware)


@dataclass(frozen=True)
class EnvelopeLayout:
    agency_name: str
    agency_address: str
    number_text: str = ""
    urgency: str = "001"
    secrecy: str = "001"
    salutation_word: str = "เรียน"  # "เรียน" / "กราบเรียน" / "นมัสการ"
    recipient_name: str = ""
    recipient_address: str = ""
    emblem: bytes | None = None
    emblem_type: str = ""
    registered: bool = False
    tracking_number: str = ""
    thai_digits: bool = False


@dataclass(frozen=True)
class DeliveryRow:
    """One line of the delivery book (สมุดส่งหนังสือ, แบบที่ 16)."""

    number_text: str
    to_name: str
    subject: str
    received_by: str = ""
    received_at: datetime | None = None
    note: str = ""
    unit_name: str = ""  # หน่วยงานผู้รับ (defaults to to_name when blank)


__all__ = ["ENVELOPE_SIZES", "LETTER_FORMS", "SECRECY_MARKS", "URGENCY_MARKS", "DeliveryRow",
           "EnvelopeLayout", "FileCopyPerson", "LetterLayout"]
