"""Working-day arithmetic (ปฏิทินวันทำการ): pure functions, no queries.

A day is a working day unless it is a Saturday or a Sunday or is in ``non_working`` (national
holidays, the agency's own days off); a day in ``extra_working`` is a working day whatever else it is
(an agency that opens on a holiday). The sets come from ``tenants.selectors_calendar.calendar_for``;
everything here works on whatever sets it is given, so due dates and "days held" can be computed and
tested without a database.

- ``is_working_day(d, non_working, extra_working)``
- ``add_working_days(start, n, ...)``: the n-th working day after ``start`` (``start`` itself is not
  counted); n = 0 gives ``start`` if it is a working day, else the next working day; n < 0 counts back.
- ``working_days_between(a, b, ...)``: signed count of working days in (a, b] (b after a), or minus
  the count in (b, a] (b before a); 0 when a == b. For a working day ``s``,
  ``working_days_between(s, add_working_days(s, n)) == n``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

SATURDAY, SUNDAY = 5, 6
ONE_DAY = dt.timedelta(days=1)
_EMPTY: frozenset[dt.date] = frozenset()


def is_weekend(d: dt.date) -> bool:
    return d.weekday() >= SATURDAY


def is_working_day(
    d: dt.date, non_working: Collection[dt.date] = _EMPTY, extra_working: Collection[dt.date] = _EMPTY
) -> bool:
    if d in extra_working:
        return True
    return not (is_weekend(d) or d in non_working)


def add_working_days(
    start: dt.date, n: int, non_working: Collection[dt.date] = _EMPTY, extra_working: Collection[dt.date] = _EMPTY
) -> dt.date:
    """The ``n``-th working day after ``start`` (before it when ``n`` < 0); ``start`` is not counted.
    ``n`` = 0: ``start`` when it is a working day, otherwise the next working day. The sets are finite
    and weekdays are working days unless listed, so the walk always ends."""
    d = start
    if n == 0:
        while not is_working_day(d, non_working, extra_working):
            d += ONE_DAY
        return d
    step = ONE_DAY if n > 0 else -ONE_DAY
    left = abs(n)
    while left:
        d += step
        if is_working_day(d, non_working, extra_working):
            left -= 1
    return d


def _weekdays_in(a: dt.date, b: dt.date) -> int:
    """Mondays-Fridays in the half-open range (a, b], a <= b (arithmetic, not a walk)."""
    days = (b - a).days
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    wd = a.weekday()
    for i in range(1, rest + 1):
        if (wd + i) % 7 < SATURDAY:
            count += 1
    return count


def working_days_between(
    a: dt.date, b: dt.date, non_working: Collection[dt.date] = _EMPTY, extra_working: Collection[dt.date] = _EMPTY
) -> int:
    """Working days in (a, b] when ``b`` is after ``a``, negated when ``b`` is before ``a``.

    "Held 3 working days" is ``working_days_between(received, today)``; "overdue by" is
    ``working_days_between(due, today)`` when it is positive."""
    if a == b:
        return 0
    if b < a:
        return -working_days_between(b, a, non_working, extra_working)
    count = _weekdays_in(a, b)
    extra = set(extra_working)
    for d in set(non_working):
        if a < d <= b and not is_weekend(d) and d not in extra:
            count -= 1
    for d in extra:
        if a < d <= b and is_weekend(d):
            count += 1
    return count
