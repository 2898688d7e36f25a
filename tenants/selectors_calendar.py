"""The working-day calendar, read (docs/calendar.md). Tenant explicit, like tenants/selectors.py.

``calendar_for``, ``due_date`` and ``working_days_between_for`` are what other apps call (due dates
from urgency and deadlines, days held, overdue lists); the arithmetic itself is tenants/calendar.py.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from django.db.models import QuerySet

from eoffice.common.exceptions import NotFoundInTenant
from tenants.calendar import add_working_days, working_days_between
from tenants.models import AgencyHoliday, AgencyHolidayKind, NationalHoliday


class CalendarSets(NamedTuple):
    """An agency's calendar over a range: ``non_working`` (national holidays and the agency's own days
    off) and ``extra_working`` (days the agency works although they are holidays or weekends)."""

    non_working: frozenset[dt.date]
    extra_working: frozenset[dt.date]


def calendar_for(*, tenant_id: int, start: dt.date, end: dt.date) -> CalendarSets:
    """The sets for ``start``..``end`` (inclusive): two queries."""
    if end < start:
        start, end = end, start
    national = set(NationalHoliday.objects.filter(date__range=(start, end)).values_list("date", flat=True))
    own = AgencyHoliday.objects.filter(tenant_id=tenant_id, date__range=(start, end)).values_list("date", "kind")
    extra: set[dt.date] = set()
    for d, kind in own:
        if kind == AgencyHolidayKind.WORKING:
            extra.add(d)
        else:
            national.add(d)
    return CalendarSets(frozenset(national - extra), frozenset(extra))


def due_date(*, tenant_id: int, start: dt.date, working_days: int) -> dt.date:
    """``working_days`` working days after ``start`` in this agency's calendar (``start`` not counted;
    0: ``start`` if it is a working day, else the next one). Loads a window of the calendar and widens
    it in the rare case the answer falls beyond it."""
    if working_days < 0:
        raise ValueError("working_days must be >= 0")
    span = working_days * 2 + 31
    while True:
        end = start + dt.timedelta(days=span)
        sets = calendar_for(tenant_id=tenant_id, start=start, end=end)
        result = add_working_days(start, working_days, sets.non_working, sets.extra_working)
        if result <= end:
            return result
        span *= 2


def working_days_between_for(*, tenant_id: int, a: dt.date, b: dt.date) -> int:
    """Signed working days from ``a`` to ``b`` in this agency's calendar (tenants.calendar)."""
    if a == b:
        return 0
    sets = calendar_for(tenant_id=tenant_id, start=min(a, b), end=max(a, b))
    return working_days_between(a, b, sets.non_working, sets.extra_working)


def national_holidays_in(*, start: dt.date, end: dt.date) -> QuerySet[NationalHoliday]:
    """National holidays in a range (global rows, readable by everyone)."""
    return NationalHoliday.objects.filter(date__range=(start, end)).order_by("date")


def national_holiday_get(*, holiday_id: int) -> NationalHoliday:
    h = NationalHoliday.objects.filter(pk=holiday_id).first()
    if h is None:
        raise NotFoundInTenant()
    return h


def agency_holidays_in(*, tenant_id: int, start: dt.date, end: dt.date) -> QuerySet[AgencyHoliday]:
    return AgencyHoliday.objects.filter(tenant_id=tenant_id, date__range=(start, end)).order_by("date")


def agency_holiday_get(*, tenant_id: int, holiday_id: int) -> AgencyHoliday:
    h = AgencyHoliday.objects.filter(tenant_id=tenant_id, pk=holiday_id).first()
    if h is None:
        raise NotFoundInTenant()
    return h


def agency_holiday_on(*, tenant_id: int, date: dt.date) -> AgencyHoliday | None:
    return AgencyHoliday.objects.filter(tenant_id=tenant_id, date=date).first()


def national_holiday_on(*, date: dt.date) -> NationalHoliday | None:
    return NationalHoliday.objects.filter(date=date).first()
