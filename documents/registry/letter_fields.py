"""Kind-specific fields of a letter (saraban-domain.md §1.3–1.8), kept in ``Letter.extra``.

Common fields (subject, parties, date, ที่, อ้างถึง, สิ่งที่ส่งมาด้วย, urgency, secrecy) are columns;
what differs by kind lives here, so each kind's form shows its own fields and the API validates them.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# key -> label; order is the form's order (the paper form's order, top to bottom)
_COMMON_SIGNER = {"signer_name": _("ลงชื่อ (ชื่อเต็ม)"), "signer_position": _("ตำแหน่งผู้ลงนาม")}

FIELDS: dict[str, dict[str, object]] = {
    "external": {  # แบบที่ 1, the 14 fields (the rest are columns or parties)
        "issuing_agency": _("ส่วนราชการเจ้าของหนังสือ (และที่ตั้ง)"),
        "salutation": _("คำขึ้นต้น"),
        "closing": _("คำลงท้าย"),
        **_COMMON_SIGNER,
        "owner_unit": _("ส่วนราชการเจ้าของเรื่อง"),
        "phone": _("โทร/โทรสาร/อีเมล"),
    },
    "internal": {  # บันทึกข้อความ, แบบที่ 2
        "issuing_unit": _("ส่วนราชการ (และโทร)"),
        "salutation": _("คำขึ้นต้น"),
        **_COMMON_SIGNER,
    },
    "stamped": {  # แบบที่ 3
        "issuing_agency": _("ชื่อส่วนราชการที่ส่งหนังสือ"),
        "initials_by": _("ผู้ลงชื่อย่อกำกับตรา"),
        "owner_unit": _("ส่วนราชการเจ้าของเรื่อง"),
        "phone": _("โทร"),
    },
    "directive": {  # คำสั่ง แบบที่ 4 / ระเบียบ / ข้อบังคับ
        "issuer": _("ผู้ออกคำสั่ง/ระเบียบ (ส่วนราชการหรือตำแหน่ง)"),
        "about": _("ว่าด้วย"),
        "edition": _("ฉบับที่"),
        "legal_basis": _("อาศัยอำนาจตาม"),
        "effective_on": _("มีผลตั้งแต่"),
        "issued_on": _("สั่ง/ประกาศ ณ วันที่"),
        **_COMMON_SIGNER,
    },
    "public_relations": {  # ประกาศ แบบที่ 7 / แถลงการณ์ / ข่าว
        "issuer": _("ผู้ประกาศ/แถลง (ส่วนราชการ)"),
        "edition": _("ฉบับที่"),
        "issued_on": _("ประกาศ ณ วันที่"),
        **_COMMON_SIGNER,
    },
    "evidence": {  # หนังสือรับรอง / รายงานการประชุม / บันทึก / อื่น
        "issuer": _("ผู้ออกหนังสือ/ผู้บันทึก"),
        "meeting": _("การประชุม (ครั้งที่ วันที่ สถานที่)"),
        "addressed_to": _("บันทึกถึง"),
        **_COMMON_SIGNER,
    },
}

MAX_VALUE_LENGTH = 500


def fields_for(kind: str) -> dict[str, object]:
    return FIELDS.get(kind, {})
