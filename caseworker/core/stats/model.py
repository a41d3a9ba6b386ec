"""What a statistics export holds, before and after protection.

A report is a set of one-way tables. Each table counts one *measure* (people served, services
delivered, ESF+ participants…) broken down by one dimension (gender, age band, month…). Tables of
the same measure share its total. How a table's rows relate to that total is stated, because the
protection depends on it and an attacker would use it:

- PARTITION: every person or event is in exactly one row; the rows add up to the total.
- COVERS: everyone is in at least one row and may be in several (people served, by month).
- SUBSETS: each row is a part of the total; rows may overlap and need not cover it.

A row may also be a part of another row of its table ("of whom long-term unemployed" within
"unemployed"); such a row is not counted in a partition's sum.

`RawReport` carries the true counts and never leaves the core; `protect` turns it into a
`Report`, whose suppressed cells hold no number at all, so a writer cannot leak one by mistake.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class Relation(StrEnum):
    PARTITION = "partition"
    COVERS = "covers"
    SUBSETS = "subsets"


class ReportKind(StrEnum):
    SERVICES = "services"
    AMIF = "amif"
    ESF = "esf"


#: the smallest count shown by default, and the smallest an organisation may choose
DEFAULT_MIN_CELL = 10
LOWEST_MIN_CELL = 5


@dataclass(frozen=True, slots=True)
class RawRow:
    key: str
    label: str
    count: int
    part_of: str | None = None  # key of the row of the same table this row is a part of


@dataclass(frozen=True, slots=True)
class RawTable:
    id: str
    measure: str  # tables of one measure share its total
    measure_label: str
    breakdown: str  # the dimension: gender, age, region, legal_status, month, category, outcome, indicator…
    breakdown_label: str
    relation: Relation
    total: int
    rows: tuple[RawRow, ...]


@dataclass(frozen=True, slots=True)
class Period:
    """Whole months, from the first day of `start`'s month to the last day of `end`'s."""

    start: dt.date
    end: dt.date
    label: str  # '2026 Q3', 'July 2026', '2026', or 'July 2026 – March 2027'


@dataclass(frozen=True, slots=True)
class RawReport:
    kind: ReportKind
    title: str
    period: Period
    tables: tuple[RawTable, ...]
    notes: tuple[str, ...] = ()  # what the report counts and where its indicators come from
    legal_basis: tuple[str, ...] = ()  # article and annex of the regulation, for funder reports


@dataclass(frozen=True, slots=True)
class Cell:
    key: str
    label: str
    count: int | None  # None: suppressed
    percent: float | None = None  # of the table's total; only over at least K people
    part_of: str | None = None

    @property
    def suppressed(self) -> bool:
        return self.count is None


@dataclass(frozen=True, slots=True)
class Table:
    id: str
    measure: str
    measure_label: str
    breakdown: str
    breakdown_label: str
    relation: Relation
    total: int | None  # None: suppressed
    rows: tuple[Cell, ...]

    def cell(self, key: str) -> Cell:
        return next(row for row in self.rows if row.key == key)


@dataclass(frozen=True, slots=True)
class Report:
    kind: ReportKind
    title: str
    period: Period
    min_cell: int  # K: every count from 1 to K-1 is suppressed
    created_on: dt.date
    tables: tuple[Table, ...]
    notes: tuple[str, ...] = ()
    legal_basis: tuple[str, ...] = ()
    suppressed_primary: int = 0  # how many cells were below K
    suppressed_secondary: int = 0  # how many more were hidden so that the first cannot be worked out

    @property
    def measures(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(table.measure for table in self.tables))

    def tables_of(self, measure: str) -> tuple[Table, ...]:
        return tuple(table for table in self.tables if table.measure == measure)
