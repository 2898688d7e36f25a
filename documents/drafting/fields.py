"""The fields each form carries besides subject, body and recipients (saraban-domain.md §1.3–1.7), their
limits, and the salutation → complimentary close pairs of Annex 2 (§7.5)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from documents.drafting.errors import DraftingError
from documents.models import DraftForm

# Annex 2 (revised 2541): คำขึ้นต้น -> คำลงท้าย
SALUTATIONS: dict[str, str] = {
    "เรียน": "ขอแสดงความนับถือ",
    "กราบเรียน": "ขอแสดงความนับถืออย่างยิ่ง",
    "นมัสการ": "ขอนมัสการด้วยความเคารพ",
}

_SIGNER = ("signer_name", "signer_position", "signer_line")
_CONTACT = ("contact_phone", "contact_fax", "contact_email")
FORM_FIELDS: dict[str, tuple[str, ...]] = {
    DraftForm.EXTERNAL: ("salutation", "recipient_line", "refers_to", "enclosures", "closing", *_SIGNER, *_CONTACT),
    DraftForm.MEMO: ("salutation", "recipient_line", *_SIGNER, "contact_phone"),
    DraftForm.STAMPED: ("recipient_line", "enclosures", "initials_note", *_CONTACT),
    DraftForm.ORDER: ("authority", *_SIGNER),
    DraftForm.ANNOUNCEMENT: ("authority", *_SIGNER),
}
# Fields written one item per line (อ้างถึง, สิ่งที่ส่งมาด้วย).
MULTILINE = frozenset({"refers_to", "enclosures"})
LIMITS = {"refers_to": 2000, "enclosures": 2000, "signer_line": 300}
DEFAULT_LIMIT = 255

# The fields' labels, translated on pages (the Thai text is the msgid; errors name it in Thai: _th).
LABELS = {
    "salutation": _("คำขึ้นต้น"), "recipient_line": _("ชื่อผู้รับที่พิมพ์ในหนังสือ"), "refers_to": _("อ้างถึง"),
    "enclosures": _("สิ่งที่ส่งมาด้วย"), "closing": _("คำลงท้าย"), "signer_name": _("ชื่อผู้ลงนาม"),
    "signer_position": _("ตำแหน่งผู้ลงนาม"), "signer_line": _("บรรทัดปฏิบัติราชการแทน/รักษาราชการแทน"),
    "contact_phone": _("โทร"), "contact_fax": _("โทรสาร"), "contact_email": _("อีเมล"), "initials_note": _("ผู้ลงชื่อกำกับตรา"),
    "authority": _("ผู้ออกคำสั่ง/ประกาศ"),
}


def _th(name: str) -> str:
    from django.utils import translation

    with translation.override("th"):
        return str(LABELS[name])


def clean_fields(form: str, fields: dict[str, object]) -> dict[str, str]:
    """The form's fields, stripped and within limits; unknown names are refused (they would be lost)."""
    allowed = FORM_FIELDS.get(form)
    if allowed is None:
        raise DraftingError("แบบหนังสือไม่ถูกต้อง", "Unknown letter form.", field="form")
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise DraftingError(
            f"แบบนี้ไม่มีช่อง: {', '.join(unknown)}", f"This form has no field: {', '.join(unknown)}", field=unknown[0],
        )
    out: dict[str, str] = {}
    for name in allowed:
        raw = fields.get(name, "")
        if raw is None:
            raw = ""
        if not isinstance(raw, str):
            raise DraftingError(f"ช่อง {_th(name)} ต้องเป็นข้อความ", f"Field {name} must be text.", field=name)
        value = "\n".join(line.strip() for line in raw.replace("\r\n", "\n").split("\n")).strip()
        if name not in MULTILINE:
            value = " ".join(value.split())
        limit = LIMITS.get(name, DEFAULT_LIMIT)
        if len(value) > limit:
            raise DraftingError(
                f"ช่อง {_th(name)} ยาวเกิน {limit} ตัวอักษร", f"Field {name} is longer than {limit} characters.",
                field=name,
            )
        if value:
            out[name] = value
    if "salutation" in allowed:
        out.setdefault("salutation", "เรียน")
    if form == DraftForm.EXTERNAL:
        out.setdefault("closing", SALUTATIONS.get(out["salutation"], "ขอแสดงความนับถือ"))
    return out


def lines(value: str) -> list[str]:
    return [line for line in (value or "").split("\n") if line.strip()]
