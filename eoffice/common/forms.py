"""Form fields shared by every app's forms."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from eoffice.common.thaidate import ThaiDateError, parse_thai_date, thai_date_numeric


class BEDateField(forms.CharField):
    """A text field for a Buddhist-Era date ("25/11/2569", "25 พ.ย. 2569", Thai digits too).

    Cleans to ``datetime.date`` (Christian Era); shows an initial date back as "dd/mm/BBBB".
    """

    widget = forms.TextInput

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.setdefault("placeholder", "วว/ดด/ปปปป เช่น 25/11/2569")
        attrs.setdefault("autocomplete", "off")
        attrs.setdefault("maxlength", "40")
        attrs.setdefault("inputmode", "text")
        return attrs

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dt.date):
            return thai_date_numeric(value)
        return value

    def to_python(self, value: Any) -> dt.date | None:  # type: ignore[override]
        if isinstance(value, dt.date):
            return value
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        try:
            return parse_thai_date(text)
        except ThaiDateError as exc:
            raise forms.ValidationError(f"{exc.message_th} ({exc.message_en})", code="invalid_date") from exc
