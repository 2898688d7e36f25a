"""Forms of the drafting pages (issue 5): validate the shape of the input only (lengths, choices,
numbers); the rules live in ``documents.drafting.services``, whose refusals the forms show in Thai and
English. A draft's recipients are rows (``r0-name``, ``r1-name`` …) parsed from the POST so the page
can add and remove rows by script and still work without it (a few blank rows)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from documents.drafting import fields as form_fields
from documents.drafting import services
from documents.models import DispatchChannel, DraftForm, RecipientRole, ReviewStage, Secrecy, Urgency
from documents.web.forms import new_idempotency_key
from tenants.web.forms import ThaiFirstForm

BLANK_ROWS = 3  # recipient rows shown empty (the no-script fallback; the script adds more)
MAX_ROWS = services.RECIPIENTS_MAX
ROUTE_STEP_ROWS = 5
_ROW = re.compile(r"^r(\d{1,3})-")
_SERVICE_ROW = re.compile(r"^recipients\[(\d+)\]\.(\w+)$")


class DraftEditForm(ThaiFirstForm):
    """Subject, classes, owner unit, the form's own fields (labels from ``fields.LABELS``) and the body
    (Trix's hidden input, or the plain textarea when scripts are off)."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, min_length=8, max_length=64, required=False)
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=1_000_000)
    subject = forms.CharField(label=_("เรื่อง"), max_length=services.SUBJECT_MAX)
    urgency = forms.ChoiceField(label=_("ชั้นความเร็ว"), choices=Urgency.choices, initial=Urgency.NORMAL)
    secrecy = forms.ChoiceField(label=_("ชั้นความลับ"), choices=Secrecy.choices, initial=Secrecy.NORMAL)
    owner_unit = forms.TypedChoiceField(label=_("ส่วนราชการเจ้าของเรื่อง"), coerce=int, required=False, empty_value=None,
                                        choices=[])
    body_html = forms.CharField(label=_("ข้อความ"), required=False, max_length=services.BODY_MAX * 2,
                                widget=forms.Textarea(attrs={"rows": 10}))
    note = forms.CharField(label=_("แก้ไขอะไร (หมายเหตุการแก้ไข)"), max_length=500, required=False)

    def __init__(self, *args: Any, form: str, units: list | None = None, creating: bool = True,  # type: ignore[type-arg]
                 with_body: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.form_kind = form
        if units:
            self.fields["owner_unit"].choices = [("", _("— หน่วยงานของฉัน —"))] + [(u.pk, u.name_th) for u in units]
        else:
            del self.fields["owner_unit"]
        if creating:
            del self.fields["expected_version"], self.fields["note"]
            if not self.is_bound:
                self.initial["idempotency_key"] = new_idempotency_key()
        else:
            del self.fields["idempotency_key"]
        if not with_body:
            del self.fields["body_html"]
        for name in form_fields.FORM_FIELDS.get(form, ()):
            multiline = name in form_fields.MULTILINE
            limit = form_fields.LIMITS.get(name, form_fields.DEFAULT_LIMIT)
            widget = forms.Textarea(attrs={"rows": 3}) if multiline else forms.TextInput
            help_text = _("หนึ่งรายการต่อหนึ่งบรรทัด") if multiline else ""
            if name == "salutation":
                help_text = _("เช่น เรียน กราบเรียน นมัสการ (คำลงท้ายตั้งให้ตามคำขึ้นต้น)")
            self.fields[f"f_{name}"] = forms.CharField(label=form_fields.LABELS[name], max_length=limit,
                                                       required=False, widget=widget, help_text=help_text)

    def letter_fields(self) -> dict[str, str]:
        d = self.cleaned_data
        return {name: d.get(f"f_{name}", "") for name in form_fields.FORM_FIELDS.get(self.form_kind, ())}

    def add_application_error(self, exc: Any) -> None:
        """Service field names (``subject``, a letter field ``signer_name``, ``owner_unit_id``) → this form's."""
        self.app_error = exc
        name = {"owner_unit_id": "owner_unit"}.get(exc.field or "", exc.field or "")
        for candidate in (name, f"f_{name}"):
            if candidate in self.fields:
                self.add_error(candidate, exc.message_th)
                return

    def letter_field_names(self) -> list[str]:
        return [f"f_{n}" for n in form_fields.FORM_FIELDS.get(self.form_kind, ())]


class RecipientRowForm(ThaiFirstForm):
    name = forms.CharField(label=_("ชื่อผู้รับ"), max_length=255, required=False)
    role = forms.ChoiceField(label=_("ถึง/สำเนา"), choices=RecipientRole.choices, initial=RecipientRole.TO)
    channel = forms.ChoiceField(label=_("ช่องทางการส่ง"), choices=DispatchChannel.choices, initial=DispatchChannel.POST)
    address = forms.CharField(label=_("ที่อยู่"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    email = forms.CharField(label=_("อีเมล"), max_length=254, required=False)
    agency = forms.TypedChoiceField(label=_("หน่วยงานในระบบ (ถ้ามี)"), coerce=int, required=False, empty_value=None,
                                    choices=[])

    def __init__(self, *args: Any, agencies: list | None = None, **kwargs: Any) -> None:  # type: ignore[type-arg]
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", _("— ไม่อยู่ในระบบ —"))] + [(a.pk, a.name_th) for a in agencies or []]

    def is_blank(self) -> bool:
        if not self.is_bound:
            return True
        p = self.add_prefix
        return not any((self.data.get(p(n)) or "").strip() for n in ("name", "address", "email", "agency"))

    def as_input(self) -> services.RecipientInput:
        d = self.cleaned_data
        return services.RecipientInput(name=d["name"], role=d["role"], channel=d["channel"], address=d["address"],
                                       email=d["email"], agency_id=d["agency"])


def recipient_rows(data: Any, *, agencies: list, initial: list[dict] | None = None) -> list[RecipientRowForm]:  # type: ignore[type-arg]
    """The rows posted (any indices the script made, in order, at most MAX_ROWS), or the initial rows
    plus blank ones for a new page."""
    if data is not None:
        indices = sorted({int(m.group(1)) for k in data if (m := _ROW.match(k))})[:MAX_ROWS]
        rows = [RecipientRowForm(data, prefix=f"r{i}", agencies=agencies) for i in indices]
        return [r for r in rows if not r.is_blank()] or [RecipientRowForm(prefix="r0", agencies=agencies)]
    rows = [RecipientRowForm(prefix=f"r{i}", agencies=agencies, initial=row) for i, row in enumerate(initial or [])]
    start = len(rows)
    rows += [RecipientRowForm(prefix=f"r{start + i}", agencies=agencies) for i in range(BLANK_ROWS)]
    return rows


def rows_error(rows: list[RecipientRowForm], exc: Any) -> bool:
    """Put a service refusal about ``recipients[i].field`` on that row's field; True when placed."""
    m = _SERVICE_ROW.match(exc.field or "")
    if m is None:
        return False
    i, name = int(m.group(1)), {"agency_id": "agency"}.get(m.group(2), m.group(2))
    if i < len(rows) and name in rows[i].fields:
        rows[i].add_error(name, exc.message_th)
        return True
    return False


class FileDraftForm(ThaiFirstForm):
    idempotency_key = forms.CharField(widget=forms.HiddenInput, min_length=8, max_length=64)
    form = forms.ChoiceField(label=_("แบบหนังสือ"), choices=DraftForm.choices, initial=DraftForm.EXTERNAL)
    subject = forms.CharField(label=_("เรื่อง"), max_length=services.SUBJECT_MAX)
    urgency = forms.ChoiceField(label=_("ชั้นความเร็ว"), choices=Urgency.choices, initial=Urgency.NORMAL)
    secrecy = forms.ChoiceField(label=_("ชั้นความลับ"), choices=Secrecy.choices, initial=Secrecy.NORMAL)
    source = forms.FileField(label=_("ไฟล์ร่าง (DOCX หรือ PDF)"), help_text=_("ไม่เกินขนาดที่ระบบรับ"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["idempotency_key"] = new_idempotency_key()


class NumberBoxForm(ThaiFirstForm):
    """Where number and date go on a PDF draft, in millimetres from the page's top-left corner."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=1_000_000)
    page = forms.IntegerField(label=_("หน้า"), min_value=1, max_value=999, initial=1)
    x_mm = forms.DecimalField(label=_("ระยะจากขอบซ้าย (มม.)"), min_value=0, max_value=2000, decimal_places=1, initial=120)
    y_mm = forms.DecimalField(label=_("ระยะจากขอบบน (มม.)"), min_value=0, max_value=2000, decimal_places=1, initial=40)
    w_mm = forms.DecimalField(label=_("ความกว้าง (มม.)"), min_value=5, max_value=2000, decimal_places=1, initial=70)
    h_mm = forms.DecimalField(label=_("ความสูง (มม.)"), min_value=5, max_value=2000, decimal_places=1, initial=16)

    def box(self) -> dict[str, float]:
        d = self.cleaned_data
        return {"page": d["page"], **{k: float(d[k]) for k in ("x_mm", "y_mm", "w_mm", "h_mm")}}


class CommentForm(ThaiFirstForm):
    text = forms.CharField(label=_("ความเห็นต่อร่าง"), max_length=services.COMMENT_MAX,
                           widget=forms.Textarea(attrs={"rows": 3}))


class SubmitForm(ThaiFirstForm):
    route = forms.TypedChoiceField(label=_("ลำดับการตรวจร่าง"), coerce=int, required=False, empty_value=None, choices=[])

    def set_routes(self, routes: list) -> None:  # type: ignore[type-arg]
        self.fields["route"].choices = [(r.pk, r.name_th) for r in routes] + [
            ("", _("ไม่ผ่านการตรวจ — ส่งสารบรรณกลาง"))]


class InitialForm(ThaiFirstForm):
    typed_name = forms.CharField(label=_("ชื่อที่ลงกำกับ (พิมพ์ชื่อของท่าน)"), max_length=255)
    comment = forms.CharField(label=_("ความเห็น (ถ้ามี)"), max_length=services.COMMENT_MAX, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_initial_%s")
        super().__init__(*args, **kwargs)


class ReturnForm(ThaiFirstForm):
    comment = forms.CharField(label=_("สิ่งที่ต้องแก้ไข"), max_length=services.COMMENT_MAX,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_return_%s")
        super().__init__(*args, **kwargs)


READY_CHOICES = [("recipients", _("ตรวจผู้รับแล้ว")), ("channels", _("ตรวจช่องทางการส่งแล้ว")),
                 ("enclosures", _("ตรวจสิ่งที่ส่งมาด้วยแล้ว"))]


class ReadyForm(ThaiFirstForm):
    confirmed = forms.MultipleChoiceField(label=_("ตรวจก่อนออกเลข"), choices=READY_CHOICES, required=False,
                                          widget=forms.CheckboxSelectMultiple(attrs={"class": "usa-checkbox__input"}))
    book = forms.TypedChoiceField(label=_("ออกเลขจากทะเบียน"), coerce=int, required=False, empty_value=None, choices=[])

    def set_books(self, books: list) -> None:  # type: ignore[type-arg]
        self.fields["book"].choices = [(b.pk, b.name_th) for b in books]


class ReasonForm(ThaiFirstForm):
    reason = forms.CharField(label=_("เหตุผล"), max_length=480)

    def __init__(self, *args: Any, prefix_id: str = "reason", **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_{prefix_id}_%s")
        super().__init__(*args, **kwargs)


class SignedForm(ThaiFirstForm):
    signer_name = forms.CharField(label=_("ชื่อผู้ลงนาม"), max_length=255)
    signed_scan = forms.FileField(label=_("ไฟล์สแกนฉบับลงนาม PDF (ถ้ามี)"), required=False)


class DispatchForm(ThaiFirstForm):
    recipients = forms.TypedMultipleChoiceField(label=_("ส่งถึง"), coerce=int, choices=[],
                                                widget=forms.CheckboxSelectMultiple(attrs={"class": "usa-checkbox__input"}))

    def set_recipients(self, rows: list) -> None:  # type: ignore[type-arg]
        self.fields["recipients"].choices = [(r.pk, r.name) for r in rows]

    def tracking(self) -> dict[int, str]:
        out = {}
        for rid in self.cleaned_data.get("recipients") or []:
            value = (self.data.get(f"tracking_{rid}") or "").strip()[:40]
            if value:
                out[rid] = value
        return out


class ReceivedForm(ThaiFirstForm):
    recipient = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**62)
    received_by_name = forms.CharField(label=_("ชื่อผู้ลงชื่อรับ"), max_length=255)


class EnvelopeForm(forms.Form):
    recipient = forms.IntegerField(required=False, min_value=1, max_value=2**62)
    size = forms.ChoiceField(label=_("ขนาดซอง"), choices=[("C4", "C4"), ("C5", "C5"), ("C6", "C6"), ("DL", "DL")],
                             initial="DL")


class RouteForm(ThaiFirstForm):
    """A review route: a name, the forms it applies to, steps as rows (ลำดับ, ตำแหน่ง, หน้าที่)."""

    name_th = forms.CharField(label=_("ชื่อลำดับการตรวจร่าง"), max_length=255, help_text=_("เช่น หัวหน้าฝ่าย → ผู้อำนวยการกอง"))
    forms_ = forms.MultipleChoiceField(label=_("ใช้กับแบบหนังสือ (ไม่เลือก = ทุกแบบ)"), choices=DraftForm.choices,
                                       required=False,
                                       widget=forms.CheckboxSelectMultiple(attrs={"class": "usa-checkbox__input"}))

    def __init__(self, *args: Any, positions: list | None = None, **kwargs: Any) -> None:  # type: ignore[type-arg]
        super().__init__(*args, **kwargs)
        self.fields["forms"] = self.fields.pop("forms_")
        choices = [("", _("— ไม่มี —"))] + [(p.pk, p.title_th) for p in positions or []]
        self.step_rows = []
        for i in range(1, ROUTE_STEP_ROWS + 1):
            self.fields[f"step{i}_order"] = forms.IntegerField(label=_("ลำดับ"), min_value=1, max_value=20, required=False,
                                                               initial=i)
            self.fields[f"step{i}_position"] = forms.TypedChoiceField(label=_("ตำแหน่งผู้ตรวจ"), coerce=int, required=False,
                                                                      empty_value=None, choices=choices)
            self.fields[f"step{i}_stage"] = forms.ChoiceField(label=_("หน้าที่"), choices=ReviewStage.choices,
                                                              initial=ReviewStage.CHECK, required=False)
            self.step_rows.append(i)

    def step_fields(self) -> list[tuple[int, list[Any]]]:
        return [(i, [self[f"step{i}_{n}"] for n in ("order", "position", "stage")]) for i in self.step_rows]

    def steps(self) -> list[services.RouteStepInput]:
        d = self.cleaned_data
        return [services.RouteStepInput(position_id=d[f"step{i}_position"], order=d[f"step{i}_order"] or i,
                                        stage=d[f"step{i}_stage"] or ReviewStage.CHECK)
                for i in self.step_rows if d.get(f"step{i}_position")]

    def add_application_error(self, exc: Any) -> None:
        self.app_error = exc
        m = re.match(r"^steps\[(\d+)\]\.(\w+)$", exc.field or "")
        if m:
            name = f"step{int(m.group(1)) + 1}_{m.group(2).replace('_id', '')}"
            if name in self.fields:
                self.add_error(name, exc.message_th)
        elif exc.field in self.fields:
            self.add_error(exc.field, exc.message_th)


class ActiveForm(ThaiFirstForm):
    active = forms.TypedChoiceField(label=_("สถานะ"), coerce=lambda v: v == "1",
                                    choices=[("1", _("ใช้งาน")), ("0", _("ปิดใช้งาน"))])
