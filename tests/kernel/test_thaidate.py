"""Buddhist-Era dates: one set of helpers, round-trips, clear refusals, Thai collation."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.template import Context, Template
from hypothesis import given
from hypothesis import strategies as st

from eoffice.common.forms import BEDateField
from eoffice.common.thaidate import (
    THAI_MONTHS,
    THAI_MONTHS_SHORT,
    ThaiDateError,
    parse_thai_date,
    thai_date,
    thai_date_numeric,
    thai_date_short,
    thai_sort_key,
    to_arabic_digits,
    to_thai_digits,
)

# Dates whose BE year lies in the accepted window (2400–2700 BE = 1857–2157 CE).
plausible = st.dates(min_value=dt.date(1857, 1, 1), max_value=dt.date(2157, 12, 31))
# Two-digit years mean 25xx BE.
short_window = st.dates(min_value=dt.date(1957, 1, 1), max_value=dt.date(2056, 12, 31))


def test_formats():
    d = dt.date(2026, 11, 25)
    assert thai_date(d) == "25 พฤศจิกายน 2569"
    assert thai_date_short(d) == "25 พ.ย. 69"
    assert thai_date(d, thai_digits=True) == "๒๕ พฤศจิกายน ๒๕๖๙"
    assert thai_date_short(d, thai_digits=True) == "๒๕ พ.ย. ๖๙"
    assert thai_date_numeric(dt.date(2026, 1, 5)) == "05/01/2569"


def test_datetime_uses_local_date():
    # 2026-11-24 20:00 UTC is already 25 November in Bangkok.
    value = dt.datetime(2026, 11, 24, 20, 0, tzinfo=dt.UTC)
    assert thai_date(value) == "25 พฤศจิกายน 2569"


@pytest.mark.parametrize(
    "typed",
    [
        "25/11/2569", "25-11-2569", "25.11.2569", " 25 / 11 / 2569 ", "๒๕/๑๑/๒๕๖๙", "25 พ.ย. 2569", "25 พย 2569",
        "25 พฤศจิกายน 2569", "25 พฤศจิกายน พ.ศ. 2569", "๒๕ พ.ย. ๒๕๖๙", "วันที่ 25 พฤศจิกายน 2569", "25 พ.ย. 69",
    ],
)
def test_parse_accepts_typed_forms(typed):
    assert parse_thai_date(typed) == dt.date(2026, 11, 25)


def test_ce_year_refused_with_thai_and_english():
    with pytest.raises(ThaiDateError) as exc:
        parse_thai_date("25/11/2026")
    assert exc.value.message_th == "ดูเหมือนเป็นปี ค.ศ. กรุณากรอกปี พ.ศ. เช่น 2569"
    assert "Buddhist-Era" in exc.value.message_en


@pytest.mark.parametrize("typed", ["1/1/2399", "1/1/2701", "1/1/3000", "1/1/1200"])
def test_implausible_years_refused(typed):
    with pytest.raises(ThaiDateError) as exc:
        parse_thai_date(typed)
    assert "2400" in exc.value.message_th and "2700" in exc.value.message_en


@pytest.mark.parametrize("typed", ["", "พรุ่งนี้", "31/02/2569", "25 ธันวา 2569x", "25/13/2569"])
def test_garbage_refused(typed):
    with pytest.raises(ValueError):
        parse_thai_date(typed)


@given(plausible)
def test_round_trip_full(d):
    assert parse_thai_date(thai_date(d)) == d
    assert parse_thai_date(thai_date(d, thai_digits=True)) == d


@given(plausible)
def test_round_trip_numeric(d):
    assert parse_thai_date(thai_date_numeric(d)) == d
    assert parse_thai_date(to_thai_digits(thai_date_numeric(d))) == d


@given(short_window)
def test_round_trip_short(d):
    assert parse_thai_date(thai_date_short(d)) == d


@given(st.text())
def test_digit_normalisation_round_trips(text):
    assert to_arabic_digits(to_thai_digits(text)) == to_arabic_digits(text)
    assert to_thai_digits(to_arabic_digits(text)) == to_thai_digits(text)


def test_month_tables():
    assert len(THAI_MONTHS) == len(THAI_MONTHS_SHORT) == 12


def test_thai_sort_key_orders_leading_vowels_by_consonant():
    assert sorted(["ไก่", "เกม", "กา"], key=thai_sort_key) == ["กา", "เกม", "ไก่"]
    words = ["ไก่", "เกิด", "กาล", "เป็ด", "หมู", "วัว", "วันที่"]
    assert sorted(words, key=thai_sort_key) == ["กาล", "เกิด", "ไก่", "เป็ด", "วันที่", "วัว", "หมู"]


def test_thai_sort_key_treats_digits_alike():
    assert thai_sort_key("ที่ ๑๒")[0] == thai_sort_key("ที่ 12")[0]


class _Form(forms.Form):
    received_on = BEDateField(label="วันที่รับ")


def test_be_date_field():
    f = _Form(data={"received_on": "๒๕ พ.ย. ๒๕๖๙"})
    assert f.is_valid()
    assert f.cleaned_data["received_on"] == dt.date(2026, 11, 25)
    f = _Form(data={"received_on": "25/11/2026"})
    assert not f.is_valid()
    assert "ดูเหมือนเป็นปี ค.ศ." in f.errors["received_on"][0]
    assert "Buddhist-Era" in f.errors["received_on"][0]
    html = str(_Form(initial={"received_on": dt.date(2026, 11, 25)})["received_on"])
    assert 'value="25/11/2569"' in html


def test_template_filters():
    t = Template("{% load thai %}{{ d|thaidate }}|{{ d|thaidate_short }}|{{ d|thaidate:'thai' }}|{{ n|thaidigits }}")
    out = t.render(Context({"d": dt.date(2026, 11, 25), "n": 2569}))
    assert out == "25 พฤศจิกายน 2569|25 พ.ย. 69|๒๕ พฤศจิกายน ๒๕๖๙|๒๕๖๙"
