"""Web forms: validate input only. Views pass the cleaned data to one service."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from eoffice.common.exceptions import ApplicationError
from tenants.models import AgencyKind, OrgUnit, OrgUnitKind
from tenants.roles import Role

# Roles an agency administrator may hand out inside the agency (jurisdiction roles are set up by
# the provincial/system administrators on their own agencies).
GRANTABLE_ROLES = [
    Role.CENTRAL_CLERK, Role.UNIT_CLERK, Role.OFFICER, Role.HEAD, Role.SECRET_REGISTRAR, Role.AGENCY_ADMIN,
    Role.AUDITOR, Role.PROVINCIAL_ADMIN,
]


class ThaiFirstForm(forms.Form):
    """Shows a service's ``ApplicationError`` on the form (Thai and English), keeping what was typed."""

    app_error: ApplicationError | None = None

    def add_application_error(self, exc: ApplicationError) -> None:
        """The alert above the form shows both messages (English marked ``lang="en"``); the field
        itself carries the Thai message so a screen reader hears it at the input."""
        self.app_error = exc
        if exc.field in self.fields:
            self.add_error(exc.field, exc.message_th)


def _unit_choices(units: list[OrgUnit]) -> list[tuple[str, str]]:
    return [("", _("— ไม่ระบุ —"))] + [(str(u.pk), u.name_th) for u in units]


class _UnitChoiceMixin:
    unit_field = "unit"

    def set_units(self, units: list[OrgUnit]) -> None:
        self._units = {str(u.pk): u for u in units}
        self.fields[self.unit_field].choices = _unit_choices(units)  # type: ignore[attr-defined]

    def unit_from(self, value: str) -> OrgUnit | None:
        return self._units.get(value or "")


class LoginForm(ThaiFirstForm):
    username = forms.CharField(label=_("ชื่อผู้ใช้"), max_length=150, widget=forms.TextInput(attrs={
        "autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}))
    password = forms.CharField(label=_("รหัสผ่าน"), max_length=256, strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class OrgUnitForm(_UnitChoiceMixin, ThaiFirstForm):
    unit_field = "parent"
    name_th = forms.CharField(label=_("ชื่อหน่วยงานย่อย (ภาษาไทย)"), max_length=255)
    kind = forms.ChoiceField(label=_("ประเภท"), choices=OrgUnitKind.choices, initial=OrgUnitKind.DIVISION)
    parent = forms.ChoiceField(label=_("สังกัด (หน่วยงานแม่)"), required=False)
    unit_number = forms.CharField(label=_("เลขประจำหน่วยงานย่อย"), max_length=20, required=False,
                                  help_text=_("เช่น 52301.1"))
    name_en = forms.CharField(label=_("ชื่อภาษาอังกฤษ"), max_length=255, required=False)
    phone = forms.CharField(label=_("โทรศัพท์"), max_length=50, required=False)


class PositionForm(_UnitChoiceMixin, ThaiFirstForm):
    title_th = forms.CharField(label=_("ชื่อตำแหน่ง (ภาษาไทย)"), max_length=255)
    unit = forms.ChoiceField(label=_("หน่วยงานย่อย"), required=False)
    line_position = forms.CharField(label=_("ตำแหน่งในสายงาน"), max_length=255, required=False)
    level = forms.CharField(label=_("ระดับ"), max_length=100, required=False, help_text=_("เช่น ระดับต้น"))
    is_executive = forms.BooleanField(label=_("เป็นผู้บริหาร (เกษียน/สั่งการได้)"), required=False)
    is_elected = forms.BooleanField(label=_("เป็นตำแหน่งทางการเมือง (มาจากการเลือกตั้ง)"), required=False)
    title_en = forms.CharField(label=_("ชื่อตำแหน่งภาษาอังกฤษ"), max_length=255, required=False)


class MemberCreateForm(_UnitChoiceMixin, ThaiFirstForm):
    username = forms.CharField(label=_("ชื่อผู้ใช้"), max_length=150, widget=forms.TextInput(attrs={
        "autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}))
    password = forms.CharField(label=_("รหัสผ่านเริ่มต้น"), strip=False, max_length=256,
                               help_text=_("อย่างน้อย 10 ตัวอักษร"),
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=True))
    title_th = forms.CharField(label=_("คำนำหน้า"), max_length=50, required=False, help_text=_("เช่น นาย นาง นางสาว"))
    first_name_th = forms.CharField(label=_("ชื่อ (ภาษาไทย)"), max_length=150)
    last_name_th = forms.CharField(label=_("นามสกุล (ภาษาไทย)"), max_length=150)
    email = forms.EmailField(label=_("อีเมล"), required=False)
    unit = forms.ChoiceField(label=_("หน่วยงานย่อย"), required=False)
    role = forms.ChoiceField(label=_("บทบาท"), choices=[(r.value, r.label) for r in GRANTABLE_ROLES])


class RevokeForm(ThaiFirstForm):
    reason = forms.CharField(label=_("เหตุผลที่เพิกถอน"), max_length=255, widget=forms.TextInput)


class TokenCreateForm(ThaiFirstForm):
    name = forms.CharField(label=_("ชื่อโทเค็น"), max_length=100, help_text=_("เช่น ระบบรับหนังสืออัตโนมัติ"))
    days = forms.IntegerField(label=_("อายุ (วัน)"), min_value=1, max_value=365, initial=90)


class AgencyCreateForm(ThaiFirstForm):
    slug = forms.CharField(label=_("ชื่อย่อในลิงก์ (ภาษาอังกฤษ)"), max_length=63,
                           help_text=_("ใช้ได้เฉพาะ a-z 0-9 และ - เช่น sao-nongbua"))
    name_th = forms.CharField(label=_("ชื่อหน่วยงาน (ภาษาไทย)"), max_length=255)
    name_en = forms.CharField(label=_("ชื่อหน่วยงาน (ภาษาอังกฤษ)"), max_length=255, required=False)
    kind = forms.ChoiceField(label=_("ประเภทหน่วยงาน"), choices=AgencyKind.choices)
    province = forms.CharField(label=_("จังหวัด"), max_length=100)
    district = forms.CharField(label=_("อำเภอ"), max_length=100, required=False)
    letter_code = forms.CharField(label=_("รหัสพยัญชนะ"), max_length=10, help_text=_("เช่น นม"))
    letter_number = forms.CharField(label=_("เลขประจำส่วนราชการ"), max_length=20, help_text=_("เช่น 52301"))
    saraban_email = forms.EmailField(label=_("อีเมลสารบรรณกลาง"), required=False)


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("การกระทำ"), required=False)
    agency = forms.ChoiceField(label=_("หน่วยงาน"), required=False)

    def __init__(self, *args: Any, actions: list[str], agencies: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("ทั้งหมด"))] + [(a, a) for a in actions]
        self.fields["agency"].choices = agencies
