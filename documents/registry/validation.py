"""Checks on a letter before any number is taken; each failure names the field, Thai first."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from documents.models import Purpose, Secrecy, Urgency
from documents.models.letters import SUB_KINDS, LetterKind
from documents.registry.errors import RegistryError
from documents.registry.inputs import LetterInput, PartyInput
from documents.registry.letter_fields import MAX_VALUE_LENGTH, fields_for

MAX_SUBJECT = 500
EARLIEST = dt.date(1900, 1, 1)


def _party(p: PartyInput, field: str) -> None:
    if len(p.name) > 255:
        raise RegistryError("ชื่อยาวเกิน 255 ตัวอักษร", "The name is longer than 255 characters.", field=field)
    if p.email:
        try:
            validate_email(p.email)
        except ValidationError as exc:
            raise RegistryError(
                f"อีเมล {p.email!r} ไม่ถูกต้อง", f"The e-mail address {p.email!r} is not valid.", field=field
            ) from exc
    if not (p.name.strip() or p.agency_id or p.unit_id or p.position_id):
        raise RegistryError("กรุณาระบุชื่อหน่วยงานหรือบุคคล", "Please name the agency or person.", field=field)


def validate_letter(data: LetterInput, *, sealed: bool = False, today: dt.date | None = None) -> None:
    if data.kind not in LetterKind.values:
        raise RegistryError("ชนิดหนังสือไม่ถูกต้อง", "Unknown letter kind.", field="kind")
    if data.sub_kind not in SUB_KINDS[data.kind]:
        raise RegistryError(
            "ประเภทย่อยไม่ตรงกับชนิดหนังสือ", "The sub-kind does not belong to this letter kind.", field="sub_kind"
        )
    if data.urgency not in Urgency.values:
        raise RegistryError("ชั้นความเร็วไม่ถูกต้อง", "Unknown urgency.", field="urgency")
    if data.secrecy not in Secrecy.values:
        raise RegistryError("ชั้นความลับไม่ถูกต้อง", "Unknown secrecy class.", field="secrecy")
    if data.purpose not in Purpose.values:
        raise RegistryError("วัตถุประสงค์ไม่ถูกต้อง", "Unknown purpose.", field="purpose")
    subject = data.subject.strip()
    if sealed:
        if data.secrecy == Secrecy.NORMAL:
            raise RegistryError(
                "หนังสือปิดผนึกส่งนายทะเบียนฯ ต้องระบุชั้นความลับ",
                "A sealed item for the secret registrar needs a secrecy class.", field="secrecy",
            )
        if subject:
            raise RegistryError(
                "หนังสือลับที่ปิดผนึกไม่ต้องบันทึกเรื่อง (นายทะเบียนฯ เป็นผู้เปิด)",
                "A sealed secret item is registered without its subject (the registrar opens it).",
                field="subject",
            )
    elif not subject:
        raise RegistryError("กรุณากรอกเรื่อง", "Please enter the subject.", field="subject")
    if len(subject) > MAX_SUBJECT:
        raise RegistryError(
            f"เรื่องยาวเกิน {MAX_SUBJECT} ตัวอักษร", f"The subject is longer than {MAX_SUBJECT} characters.",
            field="subject",
        )
    if len(data.letter_reference) > 120:
        raise RegistryError("เลขที่หนังสือยาวเกินไป", "The letter reference is too long.", field="letter_reference")
    today = today or dt.date.today()  # noqa: DTZ011 -- a sanity bound only
    if data.letter_date is not None and not (EARLIEST <= data.letter_date <= today + dt.timedelta(days=366)):
        raise RegistryError(
            "วันที่ของหนังสืออยู่นอกช่วงที่เป็นไปได้", "The letter date is out of range.", field="letter_date"
        )
    if data.deliver_by is not None and data.urgency == Urgency.NORMAL:
        raise RegistryError(
            "ระบุ \"ด่วนภายใน\" ได้เฉพาะหนังสือที่มีชั้นความเร็ว",
            "A deliver-by deadline needs an urgency class.", field="deliver_by",
        )
    _party(data.sender, "sender")
    for i, p in enumerate(data.recipients):
        _party(p, f"recipients[{i}]")
    for i, p in enumerate(data.copies_to):
        _party(p, f"copies_to[{i}]")
    allowed = fields_for(data.kind)
    for key, value in data.extra.items():
        if key not in allowed:
            raise RegistryError(
                f"ช่อง {key!r} ไม่มีในหนังสือชนิดนี้", f"Field {key!r} does not belong to this letter kind.",
                field=f"extra.{key}",
            )
        if not isinstance(value, str) or len(value) > MAX_VALUE_LENGTH:
            raise RegistryError(
                f"ช่อง {key!r} ต้องเป็นข้อความไม่เกิน {MAX_VALUE_LENGTH} ตัวอักษร",
                f"Field {key!r} must be text of at most {MAX_VALUE_LENGTH} characters.", field=f"extra.{key}",
            )
