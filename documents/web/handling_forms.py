"""Forms of the handling pages (issue 4): validate input only; the views pass it to one service."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from documents.handling import services
from documents.handling.selectors import SORTS
from documents.models import AudienceKind, LetterKind, Purpose, Urgency
from documents.web.forms import MultipleFileField, new_idempotency_key
from eoffice.common.thaidate import ThaiDateError, parse_thai_date
from tenants import selectors as tenant_selectors
from tenants.web.forms import ThaiFirstForm


def _multi(label: Any, *, required: bool = False) -> forms.TypedMultipleChoiceField:
    return forms.TypedMultipleChoiceField(label=label, required=required, coerce=int, choices=[],
                                          widget=forms.CheckboxSelectMultiple(attrs={"class": "usa-checkbox__input"}))


def _thai_date(value: str | None):  # type: ignore[no-untyped-def]
    """An optional date typed in the Buddhist Era (15/12/2569), or None."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        return parse_thai_date(value)
    except ThaiDateError as exc:
        raise forms.ValidationError(exc.message_th) from exc


class NoteForm(ThaiFirstForm):
    """เกษียนหนังสือ: the clerk's three-part note."""

    summary = forms.CharField(label=_("สรุปสาระสำคัญ"), max_length=services.TEXT_MAX,
                              widget=forms.Textarea(attrs={"rows": 4}))
    facts = forms.CharField(label=_("ข้อเท็จจริงและระเบียบที่เกี่ยวข้อง"), max_length=services.TEXT_MAX, required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))
    recommendation = forms.CharField(label=_("ข้อเสนอ"), max_length=services.TEXT_MAX, required=False,
                                     widget=forms.Textarea(attrs={"rows": 2}), help_text=_("เช่น เห็นควรมอบกองคลังดำเนินการ"))
    reply_by = forms.CharField(label=_("ผู้ส่งขอให้ตอบภายในวันที่ (ถ้ามี)"), required=False, max_length=20,
                               help_text=_("วัน/เดือน/ปี พ.ศ. เช่น 15/12/2569 กำหนดเสร็จของผู้ปฏิบัติจะไม่เกินวันนี้"))

    def clean_reply_by(self):  # type: ignore[no-untyped-def]
        return _thai_date(self.cleaned_data.get("reply_by"))


class PresentForm(ThaiFirstForm):
    chain = forms.TypedChoiceField(label=_("สายการเสนอ"), coerce=int, required=False, empty_value=None, choices=[],
                                   help_text=_("ไม่เลือก: ใช้สายการเสนอที่ตรงกับหนังสือนี้"))
    note = forms.CharField(label=_("ข้อความถึงผู้รับเรื่อง"), max_length=services.NOTE_MAX, required=False)

    def set_chains(self, chains: list) -> None:  # type: ignore[type-arg]
        self.fields["chain"].choices = [("", _("— ตามหนังสือ —"))] + [(c.pk, c.name_th) for c in chains]


class TargetsForm(ThaiFirstForm):
    """Distribute / send for information: units and positions."""

    units = _multi(_("หน่วยงาน"))
    positions = _multi(_("ตำแหน่ง"))
    note = forms.CharField(label=_("ข้อความถึงผู้รับ"), max_length=services.NOTE_MAX, required=False)

    def set_targets(self, units: list, positions: list) -> None:  # type: ignore[type-arg]
        self.fields["units"].choices = [(u.pk, u.name_th) for u in units]
        self.fields["positions"].choices = [(p.pk, p.title_th) for p in positions]


class EndorseForm(ThaiFirstForm):
    """เกษียน/สั่งการ: a one-tap phrase (the submit button's value) and/or free text; "มอบ" names units."""

    phrase = forms.CharField(label=_("คำเกษียน"), max_length=100, required=False)
    text = forms.CharField(label=_("ข้อความเกษียน/สั่งการ"), max_length=services.TEXT_MAX, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))
    order_units = _multi(_("มอบหน่วยงาน"))
    final = forms.BooleanField(label=_("สั่งการเลย ไม่ต้องเสนอตำแหน่งถัดไป"), required=False)

    def set_units(self, units: list) -> None:  # type: ignore[type-arg]
        self.fields["order_units"].choices = [(u.pk, u.name_th) for u in units]


class UnitRegisterForm(ThaiFirstForm):
    idempotency_key = forms.CharField(widget=forms.HiddenInput, min_length=8, max_length=64)
    note = forms.CharField(label=_("หมายเหตุ"), max_length=500, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["idempotency_key"] = new_idempotency_key()


class AssignForm(ThaiFirstForm):
    members = _multi(_("ผู้ปฏิบัติ"), required=True)
    due_on = forms.CharField(label=_("กำหนดเสร็จ (วัน/เดือน/ปี พ.ศ.)"), required=False, max_length=20,
                             help_text=_("นับตามวันทำการจากชั้นความเร็วของหนังสือ แก้ได้ เช่น 15/12/2569"))
    note = forms.CharField(label=_("ข้อความถึงผู้ปฏิบัติ"), max_length=services.NOTE_MAX, required=False)

    def set_members(self, members: list) -> None:  # type: ignore[type-arg]
        self.fields["members"].choices = [(m.pk, m.user.display_name_th) for m in members]

    def clean_due_on(self):  # type: ignore[no-untyped-def]
        return _thai_date(self.cleaned_data["due_on"])


class ReasonForm(ThaiFirstForm):
    reason = forms.CharField(label=_("เหตุผล"), max_length=services.NOTE_MAX)


class ForwardForm(ReasonForm):
    unit = forms.TypedChoiceField(label=_("ส่งต่อถึงหน่วยงาน"), coerce=int, choices=[])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_forward_%s")  # the return form beside it has a reason field too
        super().__init__(*args, **kwargs)

    def set_units(self, units: list) -> None:  # type: ignore[type-arg]
        self.fields["unit"].choices = [(u.pk, u.name_th) for u in units]


class ActForm(ThaiFirstForm):
    text = forms.CharField(label=_("การปฏิบัติ"), max_length=services.TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(label=_("แนบเอกสารการปฏิบัติ (ถ้ามี)"),
                              help_text=_("เช่น ร่างหนังสือตอบ รายงานผล PDF ไฟล์สำนักงาน หรือภาพสแกน"))


class CloseForm(ThaiFirstForm):
    category = forms.TypedChoiceField(label=_("จัดเก็บเข้าหมวด/แฟ้ม"), coerce=int, choices=[])
    text = forms.CharField(label=_("สรุปผล"), max_length=services.TEXT_MAX, required=False)

    def set_categories(self, categories: list) -> None:  # type: ignore[type-arg]
        self.fields["category"].choices = [(c.pk, f"{c.code} {c.name_th}") for c in categories]


class InboxFilterForm(forms.Form):
    purpose = forms.ChoiceField(label=_("เพื่อ"), required=False, choices=[("", _("ทั้งหมด")), *Purpose.choices])
    urgency = forms.ChoiceField(label=_("ชั้นความเร็ว"), required=False, choices=[("", _("ทั้งหมด")), *Urgency.choices])
    overdue = forms.BooleanField(label=_("เฉพาะที่เกินกำหนด"), required=False)
    sort = forms.ChoiceField(label=_("เรียงตาม"), required=False, initial="urgency", choices=[
        ("urgency", _("ความเร่งด่วน")), ("received", _("ได้รับก่อน")), ("-received", _("ได้รับล่าสุด")),
        ("due", _("กำหนดเสร็จ"))])

    def clean_sort(self):  # type: ignore[no-untyped-def]
        value = self.cleaned_data.get("sort") or "urgency"
        return value if value in SORTS else "urgency"


class BulkForm(ThaiFirstForm):
    holdings = forms.TypedMultipleChoiceField(coerce=int, choices=[], label=_("หนังสือเพื่อทราบ"))

    def set_holdings(self, ids: list[int]) -> None:
        self.fields["holdings"].choices = [(i, str(i)) for i in ids]


CHAIN_STEPS = 5  # positions a chain may name on the page (the API takes up to 12)


def _choices_multi(label: Any, choices: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(label=label, required=False, choices=choices,
                                     widget=forms.CheckboxSelectMultiple(attrs={"class": "usa-checkbox__input"}))


class ConditionsForm(ThaiFirstForm):
    """Which letters a chain or a due rule applies to (none chosen: every letter), and its turn."""

    letter_kinds = _choices_multi(_("ชนิดหนังสือ (ไม่เลือก = ทุกชนิด)"), LetterKind.choices)
    urgencies = _choices_multi(_("ชั้นความเร็ว (ไม่เลือก = ทุกชั้น)"), Urgency.choices)
    sender_agency = forms.CharField(label=_("เฉพาะหนังสือจากหน่วยงาน (รหัสหน่วยงานในระบบ ถ้ามี)"), max_length=80,
                                    required=False, help_text=_("เช่น korat-province ไม่กรอก = จากทุกหน่วยงาน"))
    sort_order = forms.IntegerField(label=_("ลำดับการใช้ (น้อยก่อน)"), min_value=0, max_value=999, initial=0, required=False)

    def clean_sender_agency(self):  # type: ignore[no-untyped-def]
        slug = (self.cleaned_data.get("sender_agency") or "").strip()
        if not slug:
            return None
        agency = tenant_selectors.agency_get_by_slug(slug=slug)
        if agency is None:
            raise forms.ValidationError(_("ไม่พบหน่วยงานรหัสนี้ในระบบ"))
        return agency.pk

    CONDITION_FIELDS = ("letter_kinds", "urgencies", "sender_agency", "sort_order")

    def conditions(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {"letter_kinds": d["letter_kinds"], "urgencies": d["urgencies"], "sender_agency_id": d["sender_agency"],
                "sort_order": d["sort_order"] or 0}


class ChainForm(ConditionsForm):
    """A presentation chain: its name, up to five positions in order (ลำดับที่ 1 first), and the letters
    it applies to."""

    name_th = forms.CharField(label=_("ชื่อสายการเสนอ"), max_length=255, help_text=_("เช่น เสนอปลัดและนายก"))
    field_order = ["name_th"]

    def __init__(self, *args: Any, positions: list | None = None, **kwargs: Any) -> None:  # type: ignore[type-arg]
        super().__init__(*args, **kwargs)
        choices = [("", _("— ไม่มี —"))] + [(p.pk, p.title_th) for p in positions or []]
        for i in range(1, CHAIN_STEPS + 1):
            self.fields[f"step_{i}"] = forms.TypedChoiceField(
                label=_("ลำดับที่ %(n)d") % {"n": i}, coerce=int, empty_value=None, required=i == 1, choices=choices)

    def position_ids(self) -> list[int]:
        return [p for i in range(1, CHAIN_STEPS + 1) if (p := self.cleaned_data.get(f"step_{i}"))]


class FileCategoryForm(ThaiFirstForm):
    code = forms.CharField(label=_("เลขหมวด/แฟ้ม"), max_length=40, help_text=_("เช่น 01.02"))
    name_th = forms.CharField(label=_("ชื่อหมวด/แฟ้ม"), max_length=255)
    retention_years = forms.IntegerField(label=_("อายุการเก็บ (ปี)"), min_value=0, max_value=100, initial=10,
                                         help_text=_("0 = เก็บตลอดไป"))


class DelegationForm(ThaiFirstForm):
    """A delegation order (ปฏิบัติราชการแทน) as issued; dates typed in the Buddhist Era."""

    from_position = forms.TypedChoiceField(label=_("ผู้มอบอำนาจ (ตำแหน่ง)"), coerce=int, choices=[])
    to_position = forms.TypedChoiceField(label=_("ผู้รับมอบอำนาจ (ตำแหน่ง)"), coerce=int, choices=[])
    letter_kinds = forms.MultipleChoiceField(label=_("เรื่องที่มอบ (ชนิดหนังสือ; ไม่เลือก = ทุกเรื่อง)"), required=False,
                                             choices=LetterKind.choices,
                                             widget=forms.CheckboxSelectMultiple(attrs={"class": "usa-checkbox__input"}))
    matters = forms.CharField(label=_("รายละเอียดเรื่องที่มอบตามคำสั่ง"), max_length=500, required=False)
    order_reference = forms.CharField(label=_("คำสั่งมอบอำนาจ เลขที่"), max_length=255,
                                      help_text=_("เช่น คำสั่งองค์การบริหารส่วนตำบล ที่ 15/2569"))
    order_date = forms.CharField(label=_("ลงวันที่ (วัน/เดือน/ปี พ.ศ.)"), max_length=20)
    starts_on = forms.CharField(label=_("มีผลตั้งแต่ (วัน/เดือน/ปี พ.ศ.)"), max_length=20)
    ends_on = forms.CharField(label=_("ถึง (ไม่กรอก = จนกว่าจะยกเลิก)"), max_length=20, required=False)

    def __init__(self, *args: Any, positions: list | None = None, **kwargs: Any) -> None:  # type: ignore[type-arg]
        super().__init__(*args, **kwargs)
        choices = [(p.pk, p.title_th) for p in positions or []]
        self.fields["from_position"].choices = choices
        self.fields["to_position"].choices = choices

    def _date(self, name: str, *, required: bool = True):  # type: ignore[no-untyped-def]
        value = (self.cleaned_data.get(name) or "").strip()
        if not value and not required:
            return None
        try:
            return parse_thai_date(value)
        except ThaiDateError as exc:
            raise forms.ValidationError(exc.message_th) from exc

    def clean_order_date(self):  # type: ignore[no-untyped-def]
        return self._date("order_date")

    def clean_starts_on(self):  # type: ignore[no-untyped-def]
        return self._date("starts_on")

    def clean_ends_on(self):  # type: ignore[no-untyped-def]
        return self._date("ends_on", required=False)


class RevokeForm(ThaiFirstForm):
    reason = forms.CharField(label=_("เหตุผลที่ยกเลิก"), max_length=500)


class MemoForm(ThaiFirstForm):
    """บันทึกข้อความ (แบบที่ 2) sent in-system to units or positions of the agency."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, min_length=8, max_length=64)
    from_unit = forms.TypedChoiceField(label=_("ส่วนราชการ (หน่วยงานผู้ส่ง)"), coerce=int, choices=[])
    salutation = forms.CharField(label=_("คำขึ้นต้น"), max_length=255, initial="เรียน",
                                 help_text=_("เช่น เรียน ผู้อำนวยการกองคลัง"))
    subject = forms.CharField(label=_("เรื่อง"), max_length=500)
    body = forms.CharField(label=_("ข้อความ"), max_length=services.TEXT_MAX, widget=forms.Textarea(attrs={"rows": 8}))
    units = _multi(_("ถึงหน่วยงาน"))
    positions = _multi(_("ถึงตำแหน่ง"))
    purpose = forms.ChoiceField(label=_("เพื่อ"), choices=Purpose.choices, initial=Purpose.ACT)
    urgency = forms.ChoiceField(label=_("ชั้นความเร็ว"), choices=Urgency.choices, initial=Urgency.NORMAL)
    enclosures = forms.CharField(label=_("สิ่งที่ส่งมาด้วย (ถ้ามี)"), max_length=1000, required=False)
    refers_to = forms.CharField(label=_("อ้างถึง (ถ้ามี)"), max_length=1000, required=False)
    files = MultipleFileField(label=_("ไฟล์แนบ (ถ้ามี)"),
                              help_text=_("PDF, JPEG, PNG, TIFF หรือไฟล์สำนักงาน เลือกได้หลายไฟล์"))

    def __init__(self, *args: Any, from_units: list | None = None, units: list | None = None,  # type: ignore[type-arg]
                 positions: list | None = None, **kwargs: Any) -> None:  # type: ignore[type-arg]
        super().__init__(*args, **kwargs)
        self.fields["from_unit"].choices = [(u.pk, u.name_th) for u in from_units or []]
        self.fields["units"].choices = [(u.pk, u.name_th) for u in units or []]
        self.fields["positions"].choices = [(p.pk, p.title_th) for p in positions or []]
        if not self.is_bound:
            self.initial["idempotency_key"] = new_idempotency_key()


class DueRuleForm(ConditionsForm):
    """An agency's own due-date rule: which letters, how many working days."""

    name_th = forms.CharField(label=_("ชื่อหลักเกณฑ์"), max_length=255, help_text=_("เช่น หนังสือจากจังหวัด ตอบภายใน 5 วันทำการ"))
    working_days = forms.IntegerField(label=_("จำนวนวันทำการ"), min_value=1, max_value=365)
    field_order = ["name_th", "working_days"]


class ActiveForm(ThaiFirstForm):
    """Switch a chain, a file category or a due rule off (or on again)."""

    active = forms.TypedChoiceField(label=_("สถานะ"), coerce=lambda v: v == "1", choices=[("1", _("ใช้งาน")), ("0", _("ปิดใช้งาน"))])


class CirculateForm(ThaiFirstForm):
    """เวียนแจ้ง: everyone, units (their people) or posts (whoever holds or acts for them today), and a note."""

    audience = forms.ChoiceField(label=_("เวียนแจ้งถึง"), choices=[],
                                 widget=forms.RadioSelect(attrs={"class": "usa-radio__input"}))
    units = _multi(_("หน่วยงาน (บุคลากรในหน่วยงานและหน่วยงานในสังกัด)"))
    positions = _multi(_("ตำแหน่ง (ผู้ดำรงตำแหน่งหรือรักษาราชการแทนวันนี้)"))
    note = forms.CharField(label=_("ข้อความถึงผู้รับ"), max_length=services.NOTE_MAX, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}), help_text=_("เช่น โปรดทราบและถือปฏิบัติ"))

    def set_audience(self, everyone: bool, units: list, positions: list) -> None:  # type: ignore[type-arg]
        kinds = [(k, label) for k, label in AudienceKind.choices if everyone or k != AudienceKind.ALL]
        self.fields["audience"].choices = kinds
        self.fields["units"].choices = [(u.pk, u.name_th) for u in units]
        self.fields["positions"].choices = [(p.pk, p.title_th) for p in positions]
