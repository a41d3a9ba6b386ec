"""The periods a report covers: whole months, quarters or years, never single days (an exact date
in a report can point at a person)."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from caseworker.core.errors import BadInput
from caseworker.core.i18n import N_, _, fill, format_year_month
from caseworker.core.stats.model import Period


class BadPeriod(BadInput):
    template = N_("{text} is not a period a report can cover. Give a month (2026-07), a quarter (2026-Q3), a year (2026), or whole months from the first day of one to the last day of another.")


class PeriodBackwards(BadInput):
    template = N_("The period ends before it starts.")


def last_day(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def month(year: int, month_number: int) -> Period:
    start = dt.date(year, month_number, 1)
    return Period(start, last_day(year, month_number), "")


def quarter(year: int, number: int) -> Period:
    first = 3 * (number - 1) + 1
    return Period(dt.date(year, first, 1), last_day(year, first + 2), "")


def year(number: int) -> Period:
    return Period(dt.date(number, 1, 1), dt.date(number, 12, 31), "")


def months(start: dt.date, end: dt.date) -> Period:
    """From the first day of ``start``'s month to the last day of ``end``'s."""
    if (end.year, end.month) < (start.year, start.month):
        raise PeriodBackwards()
    return Period(dt.date(start.year, start.month, 1), last_day(end.year, end.month), "")


def last_quarter(today: dt.date) -> Period:
    """The latest quarter that has ended: what a funder usually asks for."""
    current = (today.month - 1) // 3 + 1
    return quarter(today.year, current - 1) if current > 1 else quarter(today.year - 1, 4)


_PATTERNS = (
    (re.compile(r"(\d{4})-Q([1-4])", re.IGNORECASE), lambda m: quarter(int(m[1]), int(m[2]))),
    (re.compile(r"(\d{4})-(\d{2})"), lambda m: month(int(m[1]), int(m[2]))),
    (re.compile(r"(\d{4})"), lambda m: year(int(m[1]))),
)


def parse(text: str) -> Period:
    """'2026-Q3', '2026-07' or '2026'."""
    cleaned = text.strip()
    for pattern, make in _PATTERNS:
        found = pattern.fullmatch(cleaned)
        if found:
            try:
                return make(found)
            except ValueError:
                break
    raise BadPeriod(text=text)


def bound(text: str, *, end: bool) -> dt.date:
    """A --from or --to value: a month (2026-07), or a date on the first (--from) or last (--to) day of a month."""
    cleaned = text.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}", cleaned):
            year_, month_ = int(cleaned[:4]), int(cleaned[5:])
            return last_day(year_, month_) if end else dt.date(year_, month_, 1)
        day = dt.date.fromisoformat(cleaned) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", cleaned) else None
    except ValueError:
        day = None
    if day is None or (end and day != last_day(day.year, day.month)) or (not end and day.day != 1):
        raise BadPeriod(text=text)
    return day


def labelled(period: Period) -> Period:
    """The period with its name in the current language: 'July 2026', 'Q3 2026', '2026', or a range."""
    start, end = period.start, period.end
    if start.month == 1 and end.month == 12 and start.year == end.year:
        text = str(start.year)
    elif start.year == end.year and start.month % 3 == 1 and end.month == start.month + 2:
        text = fill(_("Quarter {number} of {year}"), number=(start.month - 1) // 3 + 1, year=start.year)
    elif (start.year, start.month) == (end.year, end.month):
        text = format_year_month(start.year, start.month)
    else:
        text = fill(
            _("{first} to {last}"),
            first=format_year_month(start.year, start.month),
            last=format_year_month(end.year, end.month),
        )
    return Period(start, end, text)
