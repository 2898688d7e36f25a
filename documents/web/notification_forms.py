"""Forms of the notification pages: validate input only; the views pass it to one service."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tenants.web.forms import ThaiFirstForm


class PreferenceForm(ThaiFirstForm):
    """In-app notifications are always on; e-mail is the member's choice."""

    email_enabled = forms.BooleanField(label=_("ส่งอีเมลแจ้งเตือนเมื่อมีหนังสือถึงท่าน"), required=False)
    email_urgent_only = forms.BooleanField(label=_("ส่งอีเมลเฉพาะหนังสือด่วน ด่วนมาก และด่วนที่สุด"), required=False)
    email_overdue = forms.BooleanField(label=_("ส่งอีเมลเตือนหนังสือเกินกำหนดทุกวัน"), required=False)
