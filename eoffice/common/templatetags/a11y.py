"""Accessible form widgets: ``{% load a11y %}`` then ``{{ field|a11y }}`` renders the widget with the
design system's class, ``aria-describedby`` pointing at its hint and error, and ``aria-invalid``."""

from __future__ import annotations

from django import forms, template
from django.forms.boundfield import BoundField

register = template.Library()


def _css_class(widget: forms.Widget) -> str:
    if isinstance(widget, forms.CheckboxInput):
        return "usa-checkbox__input"
    if isinstance(widget, forms.Select):
        return "usa-select"
    if isinstance(widget, forms.Textarea):
        return "usa-textarea"
    return "usa-input"


@register.filter
def is_checkbox(field: BoundField) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.filter
def a11y(field: BoundField) -> str:
    widget = field.field.widget
    attrs: dict[str, str] = {}
    classes = [_css_class(widget), widget.attrs.get("class", "")]
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if field.errors:
        described.append(f"{field.auto_id}-error")
        attrs["aria-invalid"] = "true"
        classes.append("usa-input--error")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    attrs["class"] = " ".join(c for c in classes if c)
    return field.as_widget(attrs=attrs)
