"""Dates as people know them (caseworker/core/dates.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from caseworker.core.dates import PartialDate, Precision, parse_iso_date
from caseworker.core.errors import BadInput, InvalidDate


@pytest.mark.parametrize(
    "text, expected, precision",
    [
        ("1990-02-14", PartialDate(1990, 2, 14), Precision.DAY),
        ("1990-02", PartialDate(1990, 2), Precision.MONTH),
        ("1990", PartialDate(1990), Precision.YEAR),
        ("", PartialDate(), Precision.UNKNOWN),
        ("   ", PartialDate(), Precision.UNKNOWN),
        (None, PartialDate(), Precision.UNKNOWN),
        (" 1990-02-14 ", PartialDate(1990, 2, 14), Precision.DAY),
        ("2024-02-29", PartialDate(2024, 2, 29), Precision.DAY),
        ("2000-02-29", PartialDate(2000, 2, 29), Precision.DAY),
    ],
)
def test_parse(text: str | None, expected: PartialDate, precision: Precision) -> None:
    parsed = PartialDate.parse(text)

    assert parsed == expected
    assert parsed.precision is precision
    assert parsed.known is (precision is not Precision.UNKNOWN)


@pytest.mark.parametrize(
    "text",
    ["1990-02-30", "1990-13", "1990-00-10", "abc", "31/12/1990", "2023-02-29", "1900-02-29", "0000", "1990-02-", "90"],
)
def test_impossible_dates_are_refused_with_the_text_in_the_message(text: str) -> None:
    with pytest.raises(InvalidDate) as caught:
        PartialDate.parse(text)

    assert text in caught.value.message
    assert isinstance(caught.value, BadInput)
    assert caught.value.exit_code == 2


@pytest.mark.parametrize(
    "year, month, day",
    [(None, 2, None), (None, None, 14), (1990, None, 14), (1990, 0, None), (1990, 2, 30), (0, None, None), (10000, 1, 1)],
)
def test_impossible_combinations_are_refused(year: int | None, month: int | None, day: int | None) -> None:
    with pytest.raises(InvalidDate):
        PartialDate(year, month, day)


def test_iso_writes_what_is_known() -> None:
    assert PartialDate(1990, 2, 14).iso() == "1990-02-14"
    assert PartialDate(1990, 2).iso() == "1990-02"
    assert PartialDate(1990).iso() == "1990"
    assert PartialDate(812).iso() == "0812"
    assert PartialDate().iso() == ""


def test_earliest() -> None:
    assert PartialDate(1990, 2, 14).earliest() == dt.date(1990, 2, 14)
    assert PartialDate(1990, 2).earliest() == dt.date(1990, 2, 1)
    assert PartialDate(1990).earliest() == dt.date(1990, 1, 1)
    assert PartialDate().earliest() is None


@pytest.mark.parametrize(
    "birth, today, age",
    [
        (PartialDate(1990, 2, 14), dt.date(2024, 2, 13), 33),
        (PartialDate(1990, 2, 14), dt.date(2024, 2, 14), 34),
        (PartialDate(1990, 2, 14), dt.date(2024, 12, 31), 34),
        # Born on a leap day: a year older on 1 March in common years.
        (PartialDate(2000, 2, 29), dt.date(2023, 2, 28), 22),
        (PartialDate(2000, 2, 29), dt.date(2023, 3, 1), 23),
        (PartialDate(2000, 2, 29), dt.date(2024, 2, 29), 24),
        # With only a month or a year, the age the person has reached at the latest.
        (PartialDate(1990, 6), dt.date(2024, 5, 31), 33),
        (PartialDate(1990, 6), dt.date(2024, 6, 1), 34),
        (PartialDate(1990), dt.date(2024, 1, 1), 34),
        (PartialDate(1990), dt.date(2024, 12, 31), 34),
        # Never negative.
        (PartialDate(2030, 1, 1), dt.date(2024, 1, 1), 0),
    ],
)
def test_age_on(birth: PartialDate, today: dt.date, age: int) -> None:
    assert birth.age_on(today) == age


def test_age_of_an_unknown_birth_date_is_unknown() -> None:
    assert PartialDate().age_on(dt.date(2024, 1, 1)) is None


@pytest.mark.parametrize(
    "date, shown",
    [
        (PartialDate(1990, 2, 14), "Feb 14, 1990"),
        (PartialDate(1990, 2), "February 1990"),
        (PartialDate(1990), "1990"),
        (PartialDate(), "Not known"),
    ],
)
def test_display_in_english(date: PartialDate, shown: str) -> None:
    assert date.display() == shown


def test_of_a_date() -> None:
    assert PartialDate.of(dt.date(2024, 2, 29)) == PartialDate(2024, 2, 29)


def test_parse_iso_date() -> None:
    assert parse_iso_date(" 2024-02-29 ") == dt.date(2024, 2, 29)
    with pytest.raises(InvalidDate) as caught:
        parse_iso_date("2023-02-29")
    assert "2023-02-29" in caught.value.message


# --- properties ---------------------------------------------------------------------------------

partial_dates = st.one_of(
    st.builds(PartialDate.of, st.dates()),
    st.builds(PartialDate, st.integers(1, 9999), st.integers(1, 12)),
    st.builds(PartialDate, st.integers(1, 9999)),
    st.just(PartialDate()),
)


@given(partial_dates)
def test_any_valid_date_round_trips_through_iso(date: PartialDate) -> None:
    assert PartialDate.parse(date.iso()) == date


@given(st.text())
@example("1990-02-30")
@example("٢٠٢٤-٠٢-٢٩")  # Arabic-Indic digits
@example("9999-12-31\n")
@example("0000-00-00")
def test_parse_never_raises_anything_but_invalid_date(text: str) -> None:
    try:
        parsed = PartialDate.parse(text)
    except InvalidDate:
        return
    assert isinstance(parsed, PartialDate)
    # Whatever was accepted is a real date, or a real year and month, or a year.
    if parsed.precision is Precision.DAY:
        assert parsed.earliest() == dt.date(parsed.year, parsed.month, parsed.day)  # type: ignore[arg-type]


@given(st.from_regex(r"\A\d{4}(-\d{1,2}(-\d{1,2})?)?\Z"))
def test_text_shaped_like_a_date_parses_or_is_an_invalid_date(text: str) -> None:
    try:
        PartialDate.parse(text)
    except InvalidDate as exc:
        assert exc.message


def test_values_in_a_right_to_left_message_are_isolated() -> None:
    from caseworker.core.i18n import FSI, PDI, set_language

    set_language("ar")
    try:
        message = InvalidDate(text="1990-02-30").message
    finally:
        set_language("en")
    assert f"{FSI}1990-02-30{PDI}" in message
    assert InvalidDate(text="1990-02-30").message == "1990-02-30 is not a date that exists."
