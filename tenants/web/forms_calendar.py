"""Forms of the calendar pages: validate input only; the services check the rules (docs/calendar.md)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from eoffice.common.forms import BEDateField
from eoffice.common.thaidate import to_arabic_digits
from tenants.models import AgencyHolidayKind, NationalHolidayKind
from tenants.web.forms import ThaiFirstForm


class AgencyHolidayForm(ThaiFirstForm):
    date = BEDateField(label=_("วันที่ (ปี พ.ศ.)"), help_text=_("เช่น 13/11/2569"))
    kind = forms.ChoiceField(label=_("ประเภท"), choices=AgencyHolidayKind.choices, initial=AgencyHolidayKind.HOLIDAY,
                             help_text=_("“เปิดทำการในวันหยุด” ใช้กับวันหยุดราชการหรือวันเสาร์-อาทิตย์ที่หน่วยงานเปิดทำการ"))
    name_th = forms.CharField(label=_("ชื่อวัน"), max_length=255, help_text=_("เช่น วันท้องถิ่น"))
    note = forms.CharField(label=_("หมายเหตุ"), max_length=500, required=False,
                           help_text=_("เช่น เลขที่คำสั่งหรือประกาศ"))


class NationalHolidayForm(ThaiFirstForm):
    date = BEDateField(label=_("วันที่ (ปี พ.ศ.)"), help_text=_("เช่น 12/2/2569"))
    kind = forms.ChoiceField(label=_("ประเภท"), choices=NationalHolidayKind.choices, initial=NationalHolidayKind.PUBLIC)
    name_th = forms.CharField(label=_("ชื่อวันหยุด (ภาษาไทย)"), max_length=255, help_text=_("เช่น วันมาฆบูชา"))
    name_en = forms.CharField(label=_("ชื่อวันหยุด (ภาษาอังกฤษ)"), max_length=255, required=False)


class FillYearForm(ThaiFirstForm):
    be_year = forms.CharField(label=_("ปี พ.ศ."), max_length=8, help_text=_("เช่น 2570"),
                              widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))

    def clean_be_year(self) -> int:
        text = to_arabic_digits(self.cleaned_data["be_year"]).strip()
        if not text.isdigit():
            raise forms.ValidationError(_("กรุณากรอกปี พ.ศ. เป็นตัวเลข เช่น 2570"), code="invalid")
        return int(text)
