"""Thai display filters: ``{% load thai %}`` then ``{{ d|thaidate }}``, ``{{ d|thaidate_short }}``,
``{{ d|thaidatetime }}``, ``{{ n|thaidigits }}``. An argument that is truthy (e.g.
``tenant.use_thai_digits`` or ``"thai"``) writes the digits as ๐-๙."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template

from eoffice.common import thaidate as td

register = template.Library()


def _digits(arg: Any) -> bool:
    if isinstance(arg, str):
        return arg.strip().lower() in {"thai", "th", "1", "true", "yes"}
    return bool(arg)


@register.filter
def thaidate(value: Any, arg: Any = False) -> str:
    if not isinstance(value, dt.date):
        return "" if value in (None, "") else str(value)
    return td.thai_date(value, thai_digits=_digits(arg))


@register.filter
def thaidate_short(value: Any, arg: Any = False) -> str:
    if not isinstance(value, dt.date):
        return "" if value in (None, "") else str(value)
    return td.thai_date_short(value, thai_digits=_digits(arg))


@register.filter
def thaidatetime(value: Any, arg: Any = False) -> str:
    if isinstance(value, dt.datetime):
        return td.thai_datetime(value, thai_digits=_digits(arg))
    return thaidate_short(value, arg)


@register.filter
def thaidigits(value: Any, arg: Any = True) -> str:
    if value is None:
        return ""
    return td.to_thai_digits(str(value)) if _digits(arg) else str(value)
