"""Working-day arithmetic (tenants/calendar.py): pure, no database. Hypothesis properties against a
day-by-day model, plus fixed cases around Songkran and the New Year (พ.ศ. 2569-2570)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tenants.calendar import add_working_days, is_working_day, working_days_between
from tenants.services.calendar import FIXED_HOLIDAYS

D = dt.date


def fixed(*years: int) -> frozenset[dt.date]:
    return frozenset(D(y, m, d) for y in years for m, d, _, _ in FIXED_HOLIDAYS)


NATIONAL = fixed(2026, 2027)

# --- the model: walk day by day -----------------------------------------------------------------------------
def brute_between(a: dt.date, b: dt.date, nw: frozenset, ew: frozenset) -> int:
    lo, hi, sign = (a, b, 1) if a <= b else (b, a, -1)
    n, d = 0, lo
    while d < hi:
        d += dt.timedelta(days=1)
        if d in ew or (d.weekday() < 5 and d not in nw):
            n += 1
    return sign * n


days = st.dates(min_value=D(2024, 1, 1), max_value=D(2028, 12, 31))
day_sets = st.frozensets(days, max_size=60)


@st.composite
def calendars(draw):  # type: ignore[no-untyped-def]
    nw = draw(day_sets) | (NATIONAL if draw(st.booleans()) else frozenset())
    ew = draw(st.frozensets(st.sampled_from(sorted(nw)) if nw else days, max_size=10)) | draw(
        st.frozensets(days, max_size=5))
    return nw, ew


@settings(max_examples=300, deadline=None)
@given(days, days, calendars())
def test_between_matches_the_day_by_day_model_and_is_antisymmetric(a, b, cal):
    nw, ew = cal
    n = working_days_between(a, b, nw, ew)
    assert n == brute_between(a, b, nw, ew)
    assert working_days_between(b, a, nw, ew) == -n
    assert (n == 0) == (a == b or brute_between(a, b, nw, ew) == 0)


@settings(max_examples=200, deadline=None)
@given(days, days, days, calendars())
def test_between_adds_up(a, b, c, cal):
    nw, ew = cal
    assert working_days_between(a, b, nw, ew) + working_days_between(b, c, nw, ew) == working_days_between(a, c, nw, ew)


@settings(max_examples=300, deadline=None)
@given(days, st.integers(min_value=0, max_value=120), calendars())
def test_add_lands_on_a_working_day_exactly_n_working_days_later(start, n, cal):
    nw, ew = cal
    due = add_working_days(start, n, nw, ew)
    assert is_working_day(due, nw, ew)
    assert due >= start
    if n == 0:
        assert due == start if is_working_day(start, nw, ew) else due > start
        assert working_days_between(start, due, nw, ew) == (0 if due == start else 1)
    else:
        assert due > start
        assert working_days_between(start, due, nw, ew) == n
        # the first day that reaches n: the day before it has one fewer
        assert working_days_between(start, due - dt.timedelta(days=1), nw, ew) == n - 1


@settings(max_examples=200, deadline=None)
@given(days, st.integers(min_value=0, max_value=60), st.integers(min_value=0, max_value=60), calendars())
def test_add_is_monotonic_and_composes_from_a_working_day(start, m, n, cal):
    nw, ew = cal
    s = add_working_days(start, 0, nw, ew)  # a working day
    assert add_working_days(s, m + n, nw, ew) == add_working_days(add_working_days(s, m, nw, ew), n, nw, ew)
    assert (add_working_days(s, m, nw, ew) <= add_working_days(s, n, nw, ew)) == (m <= n)


@settings(max_examples=200, deadline=None)
@given(days, st.integers(min_value=1, max_value=60), calendars())
def test_counting_back_undoes_counting_forward_from_a_working_day(start, n, cal):
    nw, ew = cal
    s = add_working_days(start, 0, nw, ew)
    assert add_working_days(add_working_days(s, n, nw, ew), -n, nw, ew) == s
    assert working_days_between(s, add_working_days(s, -n, nw, ew), nw, ew) == -n


@given(days)
def test_weekends_only(d):
    assert is_working_day(d) is (d.weekday() < 5)
    assert working_days_between(d, d + dt.timedelta(days=7)) == 5


def test_extra_working_wins_over_every_holiday():
    sat, songkran = D(2026, 4, 11), D(2026, 4, 13)
    assert not is_working_day(sat) and is_working_day(sat, extra_working={sat})
    assert not is_working_day(songkran, NATIONAL) and is_working_day(songkran, NATIONAL, {songkran})


# --- fixed cases: Songkran 2569 and the New Year 2570 -----------------------------------------------------------
@pytest.mark.parametrize(("start", "n", "nw", "ew", "due"), [
    # Fri 10 Apr 2569; Sat-Sun, then Songkran Mon 13 - Wed 15: the 1st working day is Thu 16
    (D(2026, 4, 10), 1, NATIONAL, frozenset(), D(2026, 4, 16)),
    (D(2026, 4, 10), 3, NATIONAL, frozenset(), D(2026, 4, 20)),
    (D(2026, 4, 9), 1, NATIONAL, frozenset(), D(2026, 4, 10)),
    # received during Songkran (not counted): n=0 and n=1 are both the next working day, Thu 16
    (D(2026, 4, 13), 0, NATIONAL, frozenset(), D(2026, 4, 16)),
    (D(2026, 4, 14), 1, NATIONAL, frozenset(), D(2026, 4, 16)),
    (D(2026, 4, 14), 2, NATIONAL, frozenset(), D(2026, 4, 17)),
    # Chakri day Mon 6 Apr: Fri 3 Apr + 1 = Tue 7 Apr
    (D(2026, 4, 3), 1, NATIONAL, frozenset(), D(2026, 4, 7)),
    # a working day is itself for n=0
    (D(2026, 4, 16), 0, NATIONAL, frozenset(), D(2026, 4, 16)),
    # Wed 30 Dec 2569: Thu 31 Dec (วันสิ้นปี), Fri 1 Jan (วันขึ้นปีใหม่), Sat, Sun → Mon 4 Jan 2570
    (D(2026, 12, 30), 1, NATIONAL, frozenset(), D(2027, 1, 4)),
    (D(2026, 12, 30), 2, NATIONAL, frozenset(), D(2027, 1, 5)),
    # the agency opens on 31 Dec; or closes on Tue 5 Jan (a local day)
    (D(2026, 12, 30), 1, NATIONAL, frozenset({D(2026, 12, 31)}), D(2026, 12, 31)),
    (D(2026, 12, 30), 2, NATIONAL | {D(2027, 1, 5)}, frozenset(), D(2027, 1, 6)),
    # without the national list only the weekend counts
    (D(2026, 12, 30), 1, frozenset(), frozenset(), D(2026, 12, 31)),
])
def test_due_dates_around_songkran_and_new_year(start, n, nw, ew, due):
    assert add_working_days(start, n, nw, ew) == due
    if n:
        assert working_days_between(start, due, nw, ew) == n


def test_days_held_and_overdue_across_the_holidays():
    assert working_days_between(D(2026, 4, 10), D(2026, 4, 20), NATIONAL) == 3
    assert working_days_between(D(2026, 4, 10), D(2026, 4, 16), NATIONAL) == 1  # overdue by one working day
    assert working_days_between(D(2026, 4, 16), D(2026, 4, 10), NATIONAL) == -1
    assert working_days_between(D(2026, 12, 30), D(2027, 1, 4), NATIONAL) == 1
    assert working_days_between(D(2026, 12, 31), D(2027, 1, 3), NATIONAL) == 0  # nothing but holidays


def test_a_whole_year():
    # 2569 (2026): 261 weekdays, 14 fixed-date holidays on weekdays (5 Dec is a Saturday)
    year = (D(2025, 12, 31), D(2026, 12, 31))
    assert working_days_between(*year) == 261
    assert working_days_between(*year, NATIONAL) == 247 == brute_between(*year, NATIONAL, frozenset())
