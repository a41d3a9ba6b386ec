"""Dates as people know them: a date of birth may be a full date, a year and month, a year, or
not known at all. Many people seeking protection have papers with only a year, or none."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import Enum

from caseworker.core.errors import InvalidDate
from caseworker.core.i18n import N_, _, format_date, format_year_month, in_digits


class Precision(str, Enum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"
    UNKNOWN = "unknown"


_ISO = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\s*$")


@dataclass(frozen=True, slots=True)
class PartialDate:
    year: int | None = None
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if self.year is None and (self.month is not None or self.day is not None):
            raise InvalidDate(text=self.iso())
        if self.month is None and self.day is not None:
            raise InvalidDate(text=self.iso())
        if self.year is not None and not 1 <= self.year <= 9999:
            raise InvalidDate(text=self.iso())
        if self.month is not None and not 1 <= self.month <= 12:
            raise InvalidDate(text=self.iso())
        if self.day is not None:
            try:
                dt.date(self.year, self.month, self.day)  # type: ignore[arg-type]
            except ValueError:
                raise InvalidDate(text=self.iso()) from None

    @classmethod
    def parse(cls, text: str | None) -> PartialDate:
        """'1990-02-14', '1990-02', '1990' or '' (unknown); anything else is an InvalidDate."""
        if text is None or not text.strip():
            return cls()
        match = _ISO.match(text)
        if not match:
            raise InvalidDate(text=text.strip())
        year, month, day = (int(g) if g else None for g in match.groups())
        return cls(year, month, day)

    @classmethod
    def of(cls, value: dt.date) -> PartialDate:
        return cls(value.year, value.month, value.day)

    @property
    def precision(self) -> Precision:
        if self.day is not None:
            return Precision.DAY
        if self.month is not None:
            return Precision.MONTH
        if self.year is not None:
            return Precision.YEAR
        return Precision.UNKNOWN

    @property
    def known(self) -> bool:
        return self.year is not None

    def iso(self) -> str:
        parts = [f"{self.year:04d}" if self.year is not None else "????"]
        if self.month is not None:
            parts.append(f"{self.month:02d}")
        if self.day is not None:
            parts.append(f"{self.day:02d}")
        return "-".join(parts) if self.year is not None or self.month is not None else ""

    def earliest(self) -> dt.date | None:
        if self.year is None:
            return None
        return dt.date(self.year, self.month or 1, self.day or 1)

    def age_on(self, today: dt.date) -> int | None:
        """Completed years on ``today``; with only a year or a month known, the age the person
        has reached at the latest, which is what age bands and statistics want."""
        start = self.earliest()
        if start is None:
            return None
        age = today.year - start.year - ((today.month, today.day) < (start.month, start.day))
        return max(age, 0)

    def display(self) -> str:
        if self.precision is Precision.DAY:
            return format_date(dt.date(self.year, self.month, self.day))  # type: ignore[arg-type]
        if self.precision is Precision.MONTH:
            return format_year_month(self.year, self.month)  # type: ignore[arg-type]
        if self.precision is Precision.YEAR:
            return in_digits(str(self.year))
        return _("Not known")


PRECISION_LABELS = {
    Precision.DAY: N_("Full date"),
    Precision.MONTH: N_("Year and month"),
    Precision.YEAR: N_("Year only"),
    Precision.UNKNOWN: N_("Not known"),
}


def parse_iso_date(text: str) -> dt.date:
    """A full date in ISO form, as the command line takes it; an impossible one is an InvalidDate."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidDate(text=text.strip()) from None
