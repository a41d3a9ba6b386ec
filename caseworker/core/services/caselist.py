"""The case list as the caseworker sees it: filtered as they type, sorted by any column.

It keeps every summary in memory once (a 100,000-case list is a few tens of MB) and answers each
keystroke by scanning folded names, which is faster than a round trip to the encrypted store; the
table model shows only the rows on screen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from caseworker.core.models.enums import CaseStatus
from caseworker.core.services.records import CaseSummary
from caseworker.core.text import fold


class Column(IntEnum):
    REFERENCE = 0
    NAME_LATIN = 1
    NAME_NATIVE = 2
    STATUS = 3
    CASEWORKER = 4
    OPENED = 5
    LAST_CONTACT = 6


_STATUS_ORDER = {CaseStatus.OPEN: 0, CaseStatus.ON_HOLD: 1, CaseStatus.CLOSED: 2}
_NEVER = dt.date.min

_SORT_KEYS: dict[Column, Callable[[CaseSummary], Any]] = {
    Column.REFERENCE: lambda r: r.reference,
    Column.NAME_LATIN: lambda r: (fold(r.name_latin), r.reference),
    Column.NAME_NATIVE: lambda r: (fold(r.name_native), r.reference),
    Column.STATUS: lambda r: (_STATUS_ORDER[r.status], r.reference),
    Column.CASEWORKER: lambda r: (fold(r.caseworker_name), r.reference),
    Column.OPENED: lambda r: (r.opened_on, r.reference),
    Column.LAST_CONTACT: lambda r: (r.last_contact_on or _NEVER, r.reference),
}


@dataclass(frozen=True, slots=True)
class CaseFilter:
    text: str = ""
    status: CaseStatus | None = None
    caseworker_id: int | None = None
    unassigned: bool = False

    def accepts(self, row: CaseSummary, needle: str) -> bool:
        if self.status is not None and row.status is not self.status:
            return False
        if self.unassigned and row.caseworker_id is not None:
            return False
        if self.caseworker_id is not None and row.caseworker_id != self.caseworker_id:
            return False
        return not needle or needle in row.folded_name or needle in row.reference


class CaseListView:
    """Summaries in the order and selection the person asked for."""

    def __init__(self, rows: Sequence[CaseSummary]) -> None:
        self._rows = list(rows)
        self._sort_column = Column.LAST_CONTACT
        self._descending = True
        self._filter = CaseFilter()
        self._sorted: list[int] = []
        self._visible: list[int] = []
        self._keys: dict[Column, list[Any]] = {}  # sort keys per column, computed once
        self._resort()

    def __len__(self) -> int:
        return len(self._visible)

    def __getitem__(self, position: int) -> CaseSummary:
        return self._rows[self._visible[position]]

    @property
    def total(self) -> int:
        return len(self._rows)

    @property
    def sort_column(self) -> Column:
        return self._sort_column

    @property
    def descending(self) -> bool:
        return self._descending

    def sort(self, column: Column, descending: bool = False) -> None:
        self._sort_column, self._descending = column, descending
        self._resort()

    def set_filter(self, case_filter: CaseFilter) -> None:
        self._filter = case_filter
        self._refilter()

    def position_of(self, case_id: int) -> int | None:
        for position, index in enumerate(self._visible):
            if self._rows[index].case_id == case_id:
                return position
        return None

    def replace(self, row: CaseSummary) -> None:
        """Put a saved case's new summary in place (or add a new one) and keep order and filter."""
        for index, existing in enumerate(self._rows):
            if existing.case_id == row.case_id:
                self._rows[index] = row
                break
        else:
            self._rows.append(row)
        self._keys.clear()
        self._resort()

    def _resort(self) -> None:
        keys = self._keys.get(self._sort_column)
        if keys is None:
            key = _SORT_KEYS[self._sort_column]
            keys = self._keys[self._sort_column] = [key(row) for row in self._rows]
        self._sorted = sorted(range(len(keys)), key=keys.__getitem__, reverse=self._descending)
        self._refilter()

    def _refilter(self) -> None:
        f = self._filter
        needle = fold(f.text.strip())
        if not needle and f.status is None and f.caseworker_id is None and not f.unassigned:
            self._visible = self._sorted
            return
        rows = self._rows
        self._visible = [i for i in self._sorted if f.accepts(rows[i], needle)]
