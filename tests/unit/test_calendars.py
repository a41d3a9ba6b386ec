"""Dates in the Solar Hijri calendar and digits in the language's own script, as preferences.

Qt carries its own copy of CLDR and its own Solar Hijri ("Jalali") arithmetic; it serves here
as an independent oracle for the dates and the month names the app writes without Qt.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import QCalendar, QDate, QLocale

from caseworker.core import i18n
from caseworker.core.dates import PartialDate
from caseworker.core.i18n import (
    NATIVE_DIGIT_LANGUAGES,
    UI_LANGUAGES,
    Preferences,
    fill,
    format_date,
    format_datetime,
    format_number,
    format_year_month,
    has_native_digits,
    set_language,
    set_preferences,
    speaking,
)

PERSIAN_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")


@pytest.fixture(autouse=True)
def _plain_preferences() -> Iterator[None]:
    set_preferences(Preferences())
    yield
    set_preferences(Preferences())


# Qt's arithmetic and the app's agree to 2057; after that the two rules for leap years part.
@given(st.dates(min_value=dt.date(1925, 1, 1), max_value=dt.date(2057, 12, 31)), st.sampled_from(["fa", "fa_AF"]))
def test_solar_hijri_dates_agree_with_qt(value: dt.date, code: str) -> None:
    set_language(code)
    set_preferences(Preferences(solar_hijri=True))
    year, month, day = (int(part) for part in format_date(value, "short").split("/"))
    parts = QCalendar(QCalendar.System.Jalali).partsFromDate(QDate(value.year, value.month, value.day))
    assert (year, month, day) == (parts.year, parts.month, parts.day)


@pytest.mark.parametrize("code", ["fa", "fa_AF"])
def test_solar_hijri_month_names_are_cldrs(code: str) -> None:
    set_language(code)
    set_preferences(Preferences(solar_hijri=True))
    calendar, locale = QCalendar(QCalendar.System.Jalali), QLocale(code)
    for month in range(1, 13):
        first = calendar.dateFromParts(1405, month, 1).toPython()
        assert format_date(first, "long") == f"1 {calendar.monthName(locale, month)} 1405"


def test_new_year_and_the_last_day_of_a_leap_year() -> None:
    set_preferences(Preferences(solar_hijri=True, native_digits=True))
    set_language("fa")
    assert format_date(dt.date(2025, 3, 21), "long") == "۱ فروردین ۱۴۰۴"
    assert format_date(dt.date(2025, 3, 20), "short") == "۱۴۰۳/۱۲/۳۰"  # 1403 was a leap year
    assert format_date(dt.date(2026, 11, 22), "full") == "یکشنبه ۱ آذر ۱۴۰۵"
    set_language("fa_AF")
    assert format_date(dt.date(2025, 3, 21), "long") == "۱ حمل ۱۴۰۴"


def test_a_date_and_time_keeps_the_time_and_the_languages_joining() -> None:
    set_language("fa")
    set_preferences(Preferences(solar_hijri=True))
    written = format_datetime(dt.datetime(2026, 11, 22, 14, 5), "short")
    assert written.startswith("1405/9/1") and written.endswith("14:05")
    set_preferences(Preferences())
    assert format_datetime(dt.datetime(2026, 11, 22, 14, 5), "short").startswith("2026/11/22")


def test_other_languages_and_months_of_a_year_stay_gregorian() -> None:
    set_preferences(Preferences(solar_hijri=True))
    set_language("ar")
    assert "2026" in format_date(dt.date(2026, 11, 22))
    set_language("de")
    assert format_date(dt.date(2026, 11, 22)) == "22.11.2026"
    set_language("fa")
    # A month known only as a Gregorian month spans two Solar Hijri months: it stays as it is.
    assert format_year_month(2026, 3) == "مارس 2026"
    assert PartialDate(1990).display() == "1990"


def test_a_handout_in_persian_follows_the_preference_whatever_the_screens_language() -> None:
    set_language("de")
    set_preferences(Preferences(solar_hijri=True, native_digits=True))
    with speaking("fa"):
        assert format_date(dt.date(2025, 3, 21), "long") == "۱ فروردین ۱۴۰۴"
    assert format_date(dt.date(2025, 3, 21), "long") == "21. März 2025"


def test_native_digits_in_dates_numbers_and_sentences() -> None:
    set_preferences(Preferences(native_digits=True))
    set_language("ar")
    assert format_date(dt.date(2026, 11, 22), "short") == "٢٢\u200f/١١\u200f/٢٠٢٦"
    assert format_number(1234.5) == "١٬٢٣٤٫٥"
    set_language("ps")
    assert format_number(1234) == "۱٬۲۳۴"
    assert PartialDate(1990).display() == "۱۹۹۰"
    # Counts put into a sentence change; a reference, which is text, is never rewritten.
    assert fill("{count} {reference}", count=12, reference="2026-00012") == "\u2068۱۲\u2069 \u20682026-00012\u2069"
    set_language("de")
    assert format_number(1234.5) == "1.234,5"
    assert format_date(dt.date(2026, 11, 22)) == "22.11.2026"


def test_without_the_preference_digits_are_0_to_9() -> None:
    for code in NATIVE_DIGIT_LANGUAGES:
        set_language(code)
        written = format_date(dt.date(2026, 11, 22)) + format_number(1234)
        assert any(c in written for c in "0123456789") and not any(c in written for c in "٠٢۰۲")


def test_the_languages_with_their_own_digits_are_cldrs() -> None:
    assert tuple(language.code for language in UI_LANGUAGES if has_native_digits(language.code)) == NATIVE_DIGIT_LANGUAGES


@given(st.dates(min_value=dt.date(1925, 1, 1), max_value=dt.date(2057, 12, 31)))
def test_persian_digits_read_back_as_the_same_date(value: dt.date) -> None:
    set_language("fa")
    set_preferences(Preferences(solar_hijri=True))
    plain = format_date(value, "short")
    set_preferences(Preferences(solar_hijri=True, native_digits=True))
    assert format_date(value, "short").translate(PERSIAN_DIGITS) == plain
    assert i18n.in_digits("0123456789") == "۰۱۲۳۴۵۶۷۸۹"
