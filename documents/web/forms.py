"""Registry web forms: validate input only and turn it into the registry's input dataclasses. Views
pass the result to one service."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from documents.models import Book, Channel, EntryStatus, LetterKind, LetterSubKind, Purpose, Secrecy, Urgency
from documents.models.letters import SUB_KINDS
from documents.registry.inputs import IncomingInput, LetterInput, OutgoingInput, PartyInput
from documents.registry.letter_fields import FIELDS, MAX_VALUE_LENGTH
from eoffice.common.forms import BEDateField
from tenants.web.forms import ThaiFirstForm

MAX_FILES = 20
DELIVER_BY_DEFAULT_TIME = dt.time(16, 30)
SEALED_SUBJECT_TH = "หนังสือลับที่ปิดผนึกไม่บันทึกเรื่อง (นายทะเบียนข้อมูลข่าวสารลับเป็นผู้เปิด) กรุณาเว้นช่องเรื่องว่างไว้"
SEALED_FILES_TH = "หนังสือลับที่ปิดผนึกห้ามแนบไฟล์ที่ทะเบียนกลาง นายทะเบียนฯ เป็นผู้เปิดและบันทึก"
_EMAIL_IN_LINE = re.compile(r"^(?P<name>.*?)\s*<(?P<email>[^<>\s]+@[^<>\s]+)>\s*$")


TIME_FORMATS = ["%H:%M", "%H.%M", "%H%M"]
_TIME_WIDGET = forms.TimeInput(format="%H:%M", attrs={
    "inputmode": "numeric", "autocomplete": "off", "maxlength": "5", "placeholder": "ชช:นน เช่น 14:30"})


def new_idempotency_key() -> str:
    """One per form render: a double submit of the same page yields one entry and one number."""
    return secrets.token_urlsafe(18)


def _choices(choices: Iterable[tuple[str, Any]], *, blank: str | None = None) -> list[tuple[str, Any]]:
    out = [(v, label) for v, label in choices if v != ""]
    return ([("", blank)] if blank is not None else []) + out


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """``<input type=file multiple>``: cleans to a list of uploaded files (possibly empty)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list:  # type: ignore[override]
        items = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(items) > MAX_FILES:
            raise ValidationError(
                _("แนบได้ครั้งละไม่เกิน %(n)s ไฟล์") % {"n": MAX_FILES}, code="too_many_files"
            )
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


def parse_party_lines(text: str) -> list[PartyInput]:
    """One party a line: "ชื่อ" or "ชื่อ <อีเมล>"."""
    out = []
    for raw in (text or "").splitlines():
        line = " ".join(raw.split())
        if not line:
            continue
        m = _EMAIL_IN_LINE.match(line)
        if m:
            out.append(PartyInput(name=m.group("name").strip() or m.group("email"), email=m.group("email")))
        else:
            out.append(PartyInput(name=line))
    return out


def _check_party_lines(text: str) -> str:
    for party in parse_party_lines(text):
        if len(party.name) > 255:
            raise ValidationError(_("ชื่อแต่ละบรรทัดต้องไม่เกิน 255 ตัวอักษร"), code="too_long")
        if party.email:
            try:
                validate_email(party.email)
            except ValidationError as exc:
                raise ValidationError(
                    _("อีเมล %(email)s ไม่ถูกต้อง") % {"email": party.email}, code="bad_email"
                ) from exc
    return text


def extra_field_name(kind: str, key: str) -> str:
    return f"x_{kind}_{key}"


def _aware(day: dt.date | None, time: dt.time | None, *, default_time: dt.time | None) -> dt.datetime | None:
    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day, time or default_time or dt.time.min),
                               timezone.get_default_timezone())


class LetterForm(ThaiFirstForm):
    """The fields every letter has, plus each kind's own fields (``x_<kind>_<key>``; the template shows
    the chosen kind's group, the server reads only that group)."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, min_length=8, max_length=64)
    kind = forms.ChoiceField(label=_("ชนิดหนังสือ"), choices=LetterKind.choices, initial=LetterKind.EXTERNAL)
    sub_kind = forms.ChoiceField(
        label=_("ประเภทย่อย"), required=False, choices=_choices(LetterSubKind.choices, blank=_("— ไม่มี —")),
        help_text=_("สำหรับหนังสือสั่งการ หนังสือประชาสัมพันธ์ และหนังสือที่ทำขึ้นเป็นหลักฐาน"),
    )
    subject = forms.CharField(label=_("เรื่อง"), max_length=500, required=False)
    letter_reference = forms.CharField(
        label=_("ที่ (เลขที่หนังสือของผู้ส่ง)"), max_length=120, required=False, help_text=_("เช่น ที่ มท 0808.2/ว 1234")
    )
    letter_date = BEDateField(label=_("ลงวันที่"), required=False)
    refers_to = forms.CharField(label=_("อ้างถึง"), required=False, max_length=2000,
                                widget=forms.Textarea(attrs={"rows": 2}))
    enclosures = forms.CharField(label=_("สิ่งที่ส่งมาด้วย"), required=False, max_length=2000,
                                 widget=forms.Textarea(attrs={"rows": 2}))
    purpose = forms.ChoiceField(label=_("วัตถุประสงค์"), choices=Purpose.choices, initial=Purpose.CONSIDER)
    urgency = forms.ChoiceField(label=_("ชั้นความเร็ว"), choices=Urgency.choices, initial=Urgency.NORMAL)
    deliver_by_date = BEDateField(label=_("ด่วนภายใน: วันที่"), required=False,
                                  help_text=_("เฉพาะหนังสือที่มีชั้นความเร็ว ต้องถึงผู้รับภายในวันเวลานี้"))
    deliver_by_time = forms.TimeField(label=_("ด่วนภายใน: เวลา"), required=False,
                                      widget=_TIME_WIDGET, input_formats=TIME_FORMATS,
                                      help_text=_("ไม่ระบุ = 16:30 น."))
    files = MultipleFileField(
        label=_("ไฟล์หนังสือ"),
        help_text=_("PDF, JPEG, PNG, TIFF หรือไฟล์สำนักงาน เลือกได้หลายไฟล์ ไฟล์แรกคือตัวหนังสือ ไฟล์ถัดไปเป็นสิ่งที่ส่งมาด้วย"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, fields in FIELDS.items():
            for key, label in fields.items():
                self.fields[extra_field_name(kind, key)] = forms.CharField(
                    label=label, required=False, max_length=MAX_VALUE_LENGTH
                )
        if not self.is_bound and not self.initial.get("idempotency_key"):
            self.initial["idempotency_key"] = new_idempotency_key()

    # -- template helpers ------------------------------------------------------------------------------
    def extra_groups(self) -> list[dict[str, Any]]:
        labels = dict(LetterKind.choices)
        return [
            {"kind": kind, "label": labels[kind], "fields": [self[extra_field_name(kind, k)] for k in fields]}
            for kind, fields in FIELDS.items() if fields
        ]

    @staticmethod
    def sub_kind_map() -> str:
        """For the script that narrows the sub-kind list: "kind:sub,sub;kind:…"."""
        return ";".join(f"{k}:{','.join(v)}" for k, v in SUB_KINDS.items())

    # -- cleaning --------------------------------------------------------------------------------------
    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind, sub = data.get("kind"), data.get("sub_kind") or ""
        if kind and sub not in SUB_KINDS.get(kind, ("",)):
            self.add_error("sub_kind", _("ประเภทย่อยไม่ตรงกับชนิดหนังสือ"))
        if data.get("deliver_by_time") and not data.get("deliver_by_date"):
            self.add_error("deliver_by_date", _("กรุณาระบุวันที่ของ \"ด่วนภายใน\""))
        if data.get("deliver_by_date") and data.get("urgency") == Urgency.NORMAL:
            self.add_error("deliver_by_date", _("ระบุ \"ด่วนภายใน\" ได้เฉพาะหนังสือที่มีชั้นความเร็ว"))
        return data

    def extra(self) -> dict[str, str]:
        kind = self.cleaned_data["kind"]
        out = {}
        for key in FIELDS.get(kind, {}):
            value = (self.cleaned_data.get(extra_field_name(kind, key)) or "").strip()
            if value:
                out[key] = value
        return out

    def deliver_by(self) -> dt.datetime | None:
        d = self.cleaned_data
        return _aware(d.get("deliver_by_date"), d.get("deliver_by_time"), default_time=DELIVER_BY_DEFAULT_TIME)

    def common(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "kind": d["kind"], "sub_kind": d.get("sub_kind") or "", "subject": d.get("subject", ""),
            "letter_reference": d.get("letter_reference", ""), "letter_date": d.get("letter_date"),
            "refers_to": d.get("refers_to", ""), "enclosures": d.get("enclosures", ""), "purpose": d["purpose"],
            "urgency": d["urgency"], "deliver_by": self.deliver_by(), "extra": self.extra(),
        }


class _PartiesMixin:
    """Sender / recipients / copies. ``set_agencies`` fills the pick-lists of agencies in the system."""

    def set_agencies(self, agencies: Iterable[Any]) -> None:
        choices = [(str(a.pk), a.name_th) for a in agencies]
        fields = self.fields  # type: ignore[attr-defined]
        if "sender_agency" in fields:
            fields["sender_agency"].choices = [("", _("— หน่วยงานภายนอกระบบ (กรอกชื่อด้านล่าง) —"))] + choices
        if "recipient_agencies" in fields:
            fields["recipient_agencies"].choices = choices

    def _agency_id(self, value: str) -> int | None:
        return int(value) if value else None

    def sender(self) -> PartyInput:
        d = self.cleaned_data  # type: ignore[attr-defined]
        return PartyInput(
            name=(d.get("sender_name") or "").strip(), address=(d.get("sender_address") or "").strip(),
            email=(d.get("sender_email") or "").strip(), agency_id=self._agency_id(d.get("sender_agency") or ""),
        )

    def recipients(self) -> tuple[PartyInput, ...]:
        d = self.cleaned_data  # type: ignore[attr-defined]
        agencies = tuple(PartyInput(agency_id=int(a)) for a in d.get("recipient_agencies") or [])
        return agencies + tuple(parse_party_lines(d.get("recipients") or ""))

    def copies_to(self) -> tuple[PartyInput, ...]:
        return tuple(parse_party_lines(self.cleaned_data.get("copies_to") or ""))  # type: ignore[attr-defined]


_LINES_HELP = _("หนึ่งรายการต่อบรรทัด ใส่อีเมลในวงเล็บแหลมได้ เช่น นายอำเภอเมือง <saraban@example.go.th>")


class IncomingForm(_PartiesMixin, LetterForm):
    book = forms.ChoiceField(label=_("ทะเบียน"))
    sender_agency = forms.ChoiceField(label=_("ผู้ส่ง: หน่วยงานในระบบ"), required=False)
    sender_name = forms.CharField(label=_("ผู้ส่ง: ชื่อหน่วยงานหรือบุคคล"), max_length=255, required=False,
                                  help_text=_("กรอกเมื่อผู้ส่งไม่ได้อยู่ในระบบ"))
    sender_address = forms.CharField(label=_("ผู้ส่ง: ที่อยู่"), max_length=1000, required=False,
                                     widget=forms.Textarea(attrs={"rows": 2}))
    sender_email = forms.EmailField(label=_("ผู้ส่ง: อีเมล"), required=False)
    recipients = forms.CharField(label=_("ถึง/เรียน"), required=False, max_length=5000, help_text=_LINES_HELP,
                                 widget=forms.Textarea(attrs={"rows": 2}), validators=[_check_party_lines])
    copies_to = forms.CharField(label=_("สำเนาส่ง"), required=False, max_length=5000, help_text=_LINES_HELP,
                                widget=forms.Textarea(attrs={"rows": 2}), validators=[_check_party_lines])
    received_date = BEDateField(label=_("วันที่รับ"), required=False,
                                help_text=_("วันที่หนังสือมาถึง (ไม่ระบุ = เวลาที่ลงทะเบียน)"))
    received_time = forms.TimeField(label=_("เวลาที่รับ"), required=False,
                                    widget=_TIME_WIDGET, input_formats=TIME_FORMATS)
    secrecy = forms.ChoiceField(
        label=_("ชั้นความลับ"), choices=Secrecy.choices, initial=Secrecy.NORMAL,
        help_text=_("หนังสือลับที่มาถึงทะเบียนกลางลงทะเบียนแบบปิดผนึก: บันทึกเฉพาะผู้ส่ง วันที่ และชั้นความลับ"
                    " ไม่บันทึกเรื่องและไม่แนบไฟล์ แล้วส่งนายทะเบียนข้อมูลข่าวสารลับโดยไม่เปิดซอง"),
    )
    channel = forms.ChoiceField(label=_("ช่องทางที่รับ"), choices=_choices(Channel.choices), initial=Channel.SCAN)
    note = forms.CharField(label=_("หมายเหตุ"), max_length=500, required=False)

    field_order = [
        "book", "kind", "sub_kind", "urgency", "deliver_by_date", "deliver_by_time", "secrecy", "subject",
        "sender_agency", "sender_name", "sender_address", "sender_email", "recipients", "copies_to",
        "letter_reference", "letter_date", "received_date", "received_time", "refers_to", "enclosures",
        "purpose", "channel", "note", "files",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subject"].help_text = _("จำเป็น ยกเว้นหนังสือลับที่ลงทะเบียนแบบปิดผนึก")

    def set_books(self, books: list[Book]) -> None:
        self._books = {str(b.pk): b for b in books}
        self.fields["book"].choices = [(str(b.pk), b.name_th) for b in books]
        self.secret_book_ids = ",".join(str(b.pk) for b in books if b.is_secret)

    def book_obj(self) -> Book:
        return self._books[self.cleaned_data["book"]]

    @property
    def sealed(self) -> bool:
        d = getattr(self, "cleaned_data", {})
        book = self._books.get(d.get("book") or "")
        return bool(d.get("secrecy") and d["secrecy"] != Secrecy.NORMAL and book is not None and not book.is_secret)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.sealed:
            if (data.get("subject") or "").strip():
                self.add_error("subject", SEALED_SUBJECT_TH)
            if data.get("files"):
                self.add_error("files", SEALED_FILES_TH)
        elif "subject" in data and not (data.get("subject") or "").strip():
            self.add_error("subject", _("กรุณากรอกเรื่อง"))
        if not (data.get("sender_agency") or (data.get("sender_name") or "").strip()):
            self.add_error("sender_name", _("กรุณาระบุผู้ส่ง: เลือกหน่วยงานในระบบ หรือกรอกชื่อ"))
        if data.get("received_time") and not data.get("received_date"):
            self.add_error("received_date", _("กรุณาระบุวันที่รับ"))
        received = self.received_at() if not self.errors else None
        if received is not None and received > timezone.now() + dt.timedelta(minutes=5):
            self.add_error("received_date", _("วันเวลาที่รับต้องไม่อยู่ในอนาคต"))
        return data

    def received_at(self) -> dt.datetime | None:
        d = self.cleaned_data
        return _aware(d.get("received_date"), d.get("received_time"), default_time=dt.time.min)

    def to_input(self, *, channel: str | None = None) -> IncomingInput:
        d = self.cleaned_data
        return IncomingInput(
            **self.common(), secrecy=d["secrecy"], sender=self.sender(), recipients=self.recipients(),
            copies_to=self.copies_to(), received_at=self.received_at(), channel=channel or d["channel"],
            note=d.get("note", ""), book_id=self.book_obj().pk, sealed=self.sealed,
        )


class MailboxRegisterForm(IncomingForm):
    """"Register from this e-mail": the message's own files go with it; the channel is e-mail."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["files"]
        del self.fields["channel"]
        self.fields["secrecy"].help_text = _(
            "หนังสือลับลงทะเบียนแบบปิดผนึก: ไม่บันทึกเรื่อง ไฟล์ในอีเมลไม่แนบกับรายการ แต่เก็บไว้ให้นายทะเบียนฯ"
            " และเรื่องกับเนื้อความของอีเมลจะถูกลบออกจากรายการอีเมล"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.sealed and "subject" in self.errors:
            # The pre-filled subject of a sealed item is dropped by the service, not typed by the clerk.
            del self.errors["subject"]
            data["subject"] = ""
        return data


class OutgoingForm(_PartiesMixin, LetterForm):
    book = forms.ChoiceField(label=_("ทะเบียนที่ออกเลข"), required=False,
                             help_text=_("ไม่เลือก = ทะเบียนตามชนิดหนังสือ (หนังสือภายนอก/ภายใน/ประทับตรา ใช้ทะเบียนหนังสือส่ง)"))
    sender_name = forms.CharField(label=_("จาก (ส่วนราชการเจ้าของเรื่อง)"), max_length=255, required=False,
                                  help_text=_("ไม่ระบุ = หน่วยงานของเรา"))
    recipient_agencies = forms.MultipleChoiceField(
        label=_("ถึง: หน่วยงานในระบบ"), required=False, widget=forms.SelectMultiple(attrs={"size": 5}),
        help_text=_("กด Ctrl หรือ Shift ค้างไว้เพื่อเลือกหลายหน่วยงาน"),
    )
    recipients = forms.CharField(label=_("ถึง: หน่วยงานหรือบุคคลภายนอก"), required=False, max_length=5000,
                                 help_text=_LINES_HELP, widget=forms.Textarea(attrs={"rows": 3}),
                                 validators=[_check_party_lines])
    copies_to = forms.CharField(label=_("สำเนาส่ง"), required=False, max_length=5000, help_text=_LINES_HELP,
                                widget=forms.Textarea(attrs={"rows": 2}), validators=[_check_party_lines])
    channel = forms.ChoiceField(label=_("ช่องทางการส่ง"), required=False,
                                choices=_choices(Channel.choices, blank=_("— ยังไม่กำหนด —")))
    note = forms.CharField(label=_("หมายเหตุ"), max_length=500, required=False)

    field_order = [
        "book", "kind", "sub_kind", "urgency", "deliver_by_date", "deliver_by_time", "subject", "sender_name",
        "recipient_agencies", "recipients", "copies_to", "letter_reference", "letter_date", "refers_to",
        "enclosures", "purpose", "channel", "note", "files",
    ]

    def __init__(self, *args: Any, with_book: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["letter_reference"]  # the number we issue is the reference
        self.fields["letter_date"].help_text = _("ไม่ระบุ = วันนี้")
        if not with_book:
            del self.fields["book"]

    def set_books(self, books: list[Book]) -> None:
        self._books = {str(b.pk): b for b in books}
        self.fields["book"].choices = [("", _("— ตามชนิดหนังสือ —"))] + [(str(b.pk), b.name_th) for b in books]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if "subject" in data and not (data.get("subject") or "").strip():
            self.add_error("subject", _("กรุณากรอกเรื่อง"))
        if "recipients" in data and not (data.get("recipient_agencies") or parse_party_lines(data.get("recipients", ""))):
            self.add_error("recipients", _("กรุณาระบุผู้รับ (ถึง/เรียน) อย่างน้อยหนึ่งราย"))
        return data

    def to_input(self, *, sender_default: str) -> OutgoingInput:
        d = self.cleaned_data
        book = self._books.get(d.get("book") or "") if "book" in self.fields else None
        common = self.common()
        common["letter_date"] = common["letter_date"] or timezone.localdate()
        return OutgoingInput(
            **common, sender=PartyInput(name=(d.get("sender_name") or "").strip() or sender_default),
            recipients=self.recipients(), copies_to=self.copies_to(), channel=d.get("channel") or "",
            note=d.get("note", ""), book_id=book.pk if book else None,
        )


class ReserveForm(ThaiFirstForm):
    idempotency_key = forms.CharField(widget=forms.HiddenInput, min_length=8, max_length=64)
    book = forms.ChoiceField(label=_("ทะเบียน"))
    note = forms.CharField(label=_("จองเลขสำหรับหนังสือ"), max_length=500,
                           help_text=_("เช่น หนังสือเชิญประชุมคณะกรรมการ ที่ลงนามในกระดาษ"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound and not self.initial.get("idempotency_key"):
            self.initial["idempotency_key"] = new_idempotency_key()

    def set_books(self, books: list[Book]) -> None:
        self.fields["book"].choices = [(str(b.pk), b.name_th) for b in books]


class SecretOpenForm(LetterForm):
    """The secret registrar opens a sealed item: subject, class, the letter's own data and its files."""

    secrecy = forms.ChoiceField(label=_("ชั้นความลับ"), choices=[c for c in Secrecy.choices if c[0] != Secrecy.NORMAL])

    field_order = ["secrecy", "kind", "sub_kind", "subject", "letter_reference", "letter_date", "refers_to",
                   "enclosures", "urgency", "purpose", "files"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("deliver_by_date", "deliver_by_time"):
            del self.fields[name]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if "subject" in data and not (data.get("subject") or "").strip():
            self.add_error("subject", _("กรุณากรอกเรื่อง"))
        return data

    def deliver_by(self) -> dt.datetime | None:
        return None

    def to_input(self, *, sender_name: str) -> LetterInput:
        # The sender was recorded when the sealed item arrived; it is passed for validation only.
        return LetterInput(**self.common(), secrecy=self.cleaned_data["secrecy"],
                           sender=PartyInput(name=sender_name or "-"))


# --- actions on an entry ------------------------------------------------------------------------------------
AMEND_FIELDS = ("subject", "letter_reference", "letter_date", "refers_to", "enclosures", "purpose", "urgency",
                "deliver_by", "sender_display", "recipient_display")


class AmendForm(ThaiFirstForm):
    subject = forms.CharField(label=_("เรื่อง"), max_length=500)
    letter_reference = forms.CharField(label=_("ที่ (เลขที่หนังสือ)"), max_length=120, required=False)
    letter_date = BEDateField(label=_("ลงวันที่"), required=False)
    sender_display = forms.CharField(label=_("จาก"), max_length=500)
    recipient_display = forms.CharField(label=_("ถึง"), max_length=500, required=False)
    refers_to = forms.CharField(label=_("อ้างถึง"), required=False, max_length=2000,
                                widget=forms.Textarea(attrs={"rows": 2}))
    enclosures = forms.CharField(label=_("สิ่งที่ส่งมาด้วย"), required=False, max_length=2000,
                                 widget=forms.Textarea(attrs={"rows": 2}))
    purpose = forms.ChoiceField(label=_("วัตถุประสงค์"), choices=Purpose.choices)
    urgency = forms.ChoiceField(label=_("ชั้นความเร็ว"), choices=Urgency.choices)
    deliver_by_date = BEDateField(label=_("ด่วนภายใน: วันที่"), required=False)
    deliver_by_time = forms.TimeField(label=_("ด่วนภายใน: เวลา"), required=False,
                                      widget=_TIME_WIDGET, input_formats=TIME_FORMATS)
    reason = forms.CharField(label=_("เหตุผลการแก้ไข"), max_length=500,
                             help_text=_("ข้อมูลเดิมยังแสดงอยู่ (ขีดฆ่า) และการแก้ไขถูกบันทึกไว้ตรวจสอบ"))

    @staticmethod
    def initial_for(letter: Any) -> dict[str, Any]:
        local = timezone.localtime(letter.deliver_by) if letter.deliver_by else None
        return {
            "subject": letter.subject, "letter_reference": letter.letter_reference, "letter_date": letter.letter_date,
            "sender_display": letter.sender_display, "recipient_display": letter.recipient_display,
            "refers_to": letter.refers_to, "enclosures": letter.enclosures, "purpose": letter.purpose,
            "urgency": letter.urgency, "deliver_by_date": local.date() if local else None,
            "deliver_by_time": local.time().replace(second=0, microsecond=0) if local else None,
        }

    def changes(self, letter: Any) -> dict[str, Any]:
        d = self.cleaned_data
        new = {name: d.get(name) for name in AMEND_FIELDS if name != "deliver_by"}
        new["deliver_by"] = _aware(d.get("deliver_by_date"), d.get("deliver_by_time"),
                                   default_time=DELIVER_BY_DEFAULT_TIME)
        for name in ("letter_reference", "refers_to", "enclosures", "recipient_display"):
            new[name] = new[name] or ""
        return {name: value for name, value in new.items() if getattr(letter, name) != value}


class ReasonForm(ThaiFirstForm):
    reason = forms.CharField(label=_("เหตุผลการยกเลิก"), max_length=500,
                             help_text=_("เลขที่ยกเลิกยังอยู่ในทะเบียน ไม่นำกลับมาใช้ใหม่"))


class UnitRegisterForm(ThaiFirstForm):
    idempotency_key = forms.CharField(widget=forms.HiddenInput, min_length=8, max_length=64)
    book = forms.ChoiceField(label=_("ทะเบียนรับของหน่วยงานย่อย"))
    note = forms.CharField(label=_("หมายเหตุ"), max_length=500, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound and not self.initial.get("idempotency_key"):
            self.initial["idempotency_key"] = new_idempotency_key()

    def set_books(self, books: list[Book]) -> None:
        self.fields["book"].choices = [(str(b.pk), b.name_th) for b in books]


class UnitByNumberForm(ThaiFirstForm):
    """A letter handed over from the central desk, found by the เลขรับ stamped on it."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, min_length=8, max_length=64)
    number = forms.IntegerField(label=_("เลขรับกลาง"), min_value=1, max_value=2**31 - 1,
                                help_text=_("เลขรับที่ประทับในตรารับของทะเบียนกลาง"))
    year = forms.IntegerField(label=_("ปี พ.ศ. ของเลขรับ"), min_value=2400, max_value=2700)
    note = forms.CharField(label=_("หมายเหตุ"), max_length=500, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound and not self.initial.get("idempotency_key"):
            self.initial["idempotency_key"] = new_idempotency_key()


class DispatchForm(ThaiFirstForm):
    state = forms.ChoiceField(label=_("สถานะ"), choices=[
        (EntryStatus.AWAITING_DISPATCH, _("ลงนามแล้ว รอส่ง")), (EntryStatus.DISPATCHED, _("ส่งแล้ว")),
    ], widget=forms.RadioSelect(attrs={"class": "usa-radio__input"}))
    channel = forms.ChoiceField(label=_("ช่องทางการส่ง"), required=False,
                                choices=_choices(Channel.choices, blank=_("— เลือกเมื่อส่งแล้ว —")))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("state") == EntryStatus.DISPATCHED and not data.get("channel"):
            self.add_error("channel", _("กรุณาเลือกช่องทางการส่ง"))
        return data


class SecretGrantForm(ThaiFirstForm):
    user = forms.ChoiceField(label=_("ผู้ใช้"))
    revoke = forms.BooleanField(label=_("ถอนสิทธิ์ (แทนการให้สิทธิ์)"), required=False)

    def set_members(self, members: Iterable[Any]) -> None:
        self.fields["user"].choices = [("", _("— เลือกผู้ใช้ —"))] + [
            (str(m.user_id), m.user.display_name_th) for m in members
        ]


class MailboxDismissForm(ThaiFirstForm):
    reason = forms.CharField(label=_("เหตุผล (ไม่บังคับ)"), max_length=200, required=False,
                             help_text=_("เช่น อีเมลโฆษณา หรือส่งซ้ำ"))


# --- the book's filters (GET) -------------------------------------------------------------------------------
class BookFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("ปี พ.ศ."), coerce=int, required=False)
    date_from = BEDateField(label=_("ลงทะเบียนตั้งแต่วันที่"), required=False)
    date_to = BEDateField(label=_("ถึงวันที่"), required=False)
    subject = forms.CharField(label=_("เรื่อง"), max_length=200, required=False,
                              widget=forms.TextInput(attrs={"type": "search", "data-eo-search": "1"}))
    sender = forms.CharField(label=_("จาก"), max_length=200, required=False)
    reference = forms.CharField(label=_("ที่ (เลขที่หนังสือ)"), max_length=120, required=False)
    urgency = forms.ChoiceField(label=_("ชั้นความเร็ว"), required=False,
                                choices=_choices(Urgency.choices, blank=_("ทั้งหมด")))
    secrecy = forms.ChoiceField(label=_("ชั้นความลับ"), required=False,
                                choices=_choices(Secrecy.choices, blank=_("ทั้งหมด")))
    status = forms.ChoiceField(label=_("สถานะ"), required=False,
                               choices=_choices(EntryStatus.choices, blank=_("ทั้งหมด")))
    before = forms.RegexField(regex=r"^\d{4}-\d{1,9}$", required=False, widget=forms.HiddenInput)

    FILTERS = ("date_from", "date_to", "subject", "sender", "reference", "urgency", "secrecy", "status")

    def set_years(self, years: list[int]) -> None:
        self.fields["year"].choices = [(y, str(y)) for y in years]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("วันที่สิ้นสุดต้องไม่ก่อนวันที่เริ่มต้น"))
        return data

    def before_tuple(self) -> tuple[int, int] | None:
        value = self.cleaned_data.get("before")
        if not value:
            return None
        y, n = value.split("-")
        return int(y), int(n)
