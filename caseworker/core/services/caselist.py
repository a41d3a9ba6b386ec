"""The case list as the caseworker sees it: filtered as they type, sorted by any column.

A 100,000-case list must open within a second of signing in and answer every keystroke at
once, so the list keeps the rows as the database gives them (plain tuples, dates as ISO text)
and builds a CaseSummary only for a row that is shown. Each keystroke scans one list of folded
names; typing more letters of the same word scans only the rows that matched before.
"""

from __future__ import annotations

import datetime as dt
import itertools
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from caseworker.core.models.enums import CaseStatus
from caseworker.core.services.records import CaseSummary
from caseworker.core.text import fold

# One row as the list keeps it:
# (case_id, reference, name_latin, name_native, status, caseworker_id, caseworker_name,
#  opened_on ISO, last_contact_on ISO or None, folded names)
ListRow = tuple[int, str, str, str, str, "int | None", str, str, "str | None", str]

ID, REFERENCE, LATIN, NATIVE, STATUS, CASEWORKER_ID, CASEWORKER_NAME, OPENED, LAST_CONTACT, FOLDED = range(10)


class Column(IntEnum):
    REFERENCE = 0
    NAME_LATIN = 1
    NAME_NATIVE = 2
    STATUS = 3
    CASEWORKER = 4
    OPENED = 5
    LAST_CONTACT = 6


_STATUS_ORDER = {CaseStatus.OPEN.value: 0, CaseStatus.ON_HOLD.value: 1, CaseStatus.CLOSED.value: 2}


def _reference_key(reference: str) -> tuple[int, ...]:
    # "2026-100000" comes after "2026-99999": compare the numbers, not the text.
    return tuple(int(part) if part.isdigit() else 0 for part in reference.split("-"))


# The ranks of names in the order of the language the list is read in: Czech puts "Chalupa"
# after "Hruška", Danish puts "Aalto" after "Zahir". Sorting needs the language's collation,
# which core does not have (ICU comes with Qt); the window passes one in. Without it, names sort
# by their case-folded letters.
Collation = Callable[[Sequence[str]], Sequence[int]]

# The columns of names, and the field each sorts by.
_COLLATED = {Column.NAME_LATIN: LATIN, Column.NAME_NATIVE: NATIVE, Column.CASEWORKER: CASEWORKER_NAME}


def _sort_keys(rows: Sequence[ListRow], column: Column, collation: Collation | None = None) -> list[Any]:
    if collation is not None and column in _COLLATED:
        field = _COLLATED[column]
        return list(collation([r[field] for r in rows]))
    match column:
        case Column.REFERENCE:
            return [_reference_key(r[REFERENCE]) for r in rows]
        case Column.NAME_LATIN:
            # The folded names begin with the Latin name: case and accents do not count.
            return [r[FOLDED] for r in rows]
        case Column.NAME_NATIVE:
            return [r[NATIVE].casefold() for r in rows]
        case Column.STATUS:
            return [_STATUS_ORDER[r[STATUS]] for r in rows]
        case Column.CASEWORKER:
            return [r[CASEWORKER_NAME].casefold() for r in rows]
        case Column.OPENED:
            return [r[OPENED] for r in rows]
        case Column.LAST_CONTACT:
            return [r[LAST_CONTACT] or "" for r in rows]


def summary_of_row(row: ListRow) -> CaseSummary:
    return CaseSummary(
        case_id=row[ID],
        reference=row[REFERENCE],
        name_latin=row[LATIN],
        name_native=row[NATIVE],
        status=CaseStatus(row[STATUS]),
        caseworker_id=row[CASEWORKER_ID],
        caseworker_name=row[CASEWORKER_NAME],
        opened_on=dt.date.fromisoformat(row[OPENED]),
        last_contact_on=dt.date.fromisoformat(row[LAST_CONTACT]) if row[LAST_CONTACT] else None,
        folded_name=row[FOLDED],
    )


def row_of_summary(summary: CaseSummary) -> ListRow:
    return (
        summary.case_id,
        summary.reference,
        summary.name_latin,
        summary.name_native,
        summary.status.value,
        summary.caseworker_id,
        summary.caseworker_name,
        summary.opened_on.isoformat(),
        summary.last_contact_on.isoformat() if summary.last_contact_on else None,
        summary.folded_name,
    )


@dataclass(frozen=True, slots=True)
class CaseFilter:
    text: str = ""
    status: CaseStatus | None = None
    caseworker_id: int | None = None
    unassigned: bool = False

    def narrows(self, previous: CaseFilter) -> bool:
        """True if every row this filter accepts was accepted by ``previous`` too."""
        return (
            (self.status, self.caseworker_id, self.unassigned)
            == (previous.status, previous.caseworker_id, previous.unassigned)
            and fold(previous.text.strip()) in fold(self.text.strip())
        )


_SEPARATOR = "\x00"


def _in_sequence(strings: list[str]) -> list[str]:
    """Copies of the strings, made one after another so that they lie in memory in this order.

    A keystroke's scan then reads memory in sequence. Over the original strings, made in the
    database's order and visited in the list's, it ran twice as long at 100,000 rows: most of
    the time went on waiting for memory, not on comparing letters.
    """
    copies = _SEPARATOR.join(strings).split(_SEPARATOR)
    return copies if len(copies) == len(strings) else strings  # a separator inside a string: keep them


class CaseListView:
    """Rows in the order and selection the person asked for."""

    def __init__(self, rows: Sequence[ListRow]) -> None:
        self._rows = list(rows)
        self._sort_column = Column.LAST_CONTACT
        self._descending = True
        self._filter = CaseFilter()
        self._collation: Collation | None = None
        self._keys: dict[Column, list[Any]] = {}  # sort keys per column, computed once
        # Row indices in the list's order, and in that order too the string the filter looks in
        # for each (the haystack), so a keystroke runs in C (map and compress over two lists)
        # instead of a Python loop. The shown rows keep the same pair: typing on narrows them.
        # The haystack is kept once, in this order only: at 100,000 rows a second copy in the
        # database's order would cost 14 MB.
        self._sorted = self._order()
        self._sorted_haystack = [self._searchable(self._rows[i]) for i in self._sorted]
        self._visible, self._visible_haystack = self._sorted, self._sorted_haystack

    def __len__(self) -> int:
        return len(self._visible)

    def __getitem__(self, position: int) -> CaseSummary:
        return summary_of_row(self._rows[self._visible[position]])

    def row(self, position: int) -> ListRow:
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

    @property
    def sorted_by_name(self) -> bool:
        """Whether the order depends on the collation (a column of names is the sort column)."""
        return self._sort_column in _COLLATED

    def set_collation(self, collation: Collation | None) -> None:
        """Sort names in a language's order from now on (after the language changes, say)."""
        self._collation = collation
        for column in _COLLATED:
            self._keys.pop(column, None)
        if self.sorted_by_name:
            self._resort()

    def set_filter(self, case_filter: CaseFilter) -> None:
        narrowing = case_filter.narrows(self._filter)
        self._filter = case_filter
        self._refilter(narrowing)

    def position_of(self, case_id: int) -> int | None:
        rows = self._rows
        for position, index in enumerate(self._visible):
            if rows[index][ID] == case_id:
                return position
        return None

    @staticmethod
    def _searchable(row: ListRow) -> str:
        # One string per row for the filter to look in; the line break keeps a match from
        # running across the name and the reference.
        return f"{row[FOLDED]}\n{row[REFERENCE]}"

    def replace(self, summary: CaseSummary) -> None:
        """Put a saved case's new summary in place (or add a new one); order and filter stay."""
        row = row_of_summary(summary)
        index = next((i for i, existing in enumerate(self._rows) if existing[ID] == row[ID]), None)
        self._update_keys(index, row)
        if index is not None:
            self._rows[index] = row
            self._sorted_haystack[self._sorted.index(index)] = self._searchable(row)
        else:
            self._sorted.append(len(self._rows))
            self._rows.append(row)
            self._sorted_haystack.append(self._searchable(row))
        self._resort()

    def _update_keys(self, index: int | None, row: ListRow) -> None:
        """Each column's sort keys with one row changed (``index``) or added (None).

        A key of its own is computed for the row. A name's collation key is a rank among all
        the names, so a changed or new name means ranking them all again (0.6 s at 100,000 rows);
        a saved case whose name did not change keeps its rank.
        """
        for column, keys in list(self._keys.items()):
            if self._collation is not None and column in _COLLATED:
                field = _COLLATED[column]
                if index is None or self._rows[index][field] != row[field]:
                    del self._keys[column]
                continue
            key = _sort_keys([row], column)[0]
            if index is None:
                keys.append(key)
            else:
                keys[index] = key

    def remove(self, case_id: int) -> None:
        """Take an erased case out of the list; order and filter stay."""
        index = next((i for i, row in enumerate(self._rows) if row[ID] == case_id), None)
        if index is None:
            return
        del self._sorted_haystack[self._sorted.index(index)]
        del self._rows[index]
        self._sorted = [i - (i > index) for i in self._sorted if i != index]
        for keys in self._keys.values():  # the others' keys, ranks too, keep their order
            del keys[index]
        self._refilter(narrowing=False)

    def _order(self) -> list[int]:
        keys = self._keys.get(self._sort_column)
        if keys is None:
            keys = self._keys[self._sort_column] = _sort_keys(self._rows, self._sort_column, self._collation)
        return sorted(range(len(keys)), key=keys.__getitem__, reverse=self._descending)

    def _resort(self) -> None:
        order = self._order()
        # Each row's haystack moves with it: where each row stood, then the strings taken in the
        # new order, copied so that they lie in memory in it.
        where = [0] * len(order)
        for position, index in enumerate(self._sorted):
            where[index] = position
        self._sorted_haystack = _in_sequence(
            list(map(self._sorted_haystack.__getitem__, map(where.__getitem__, order)))
        )
        self._sorted = order
        self._refilter(narrowing=False)

    def _refilter(self, narrowing: bool) -> None:
        f = self._filter
        needle = fold(f.text.strip())
        if narrowing:
            candidates, hay = self._visible, self._visible_haystack
        else:
            candidates, hay = self._sorted, self._sorted_haystack
        if needle:
            found = list(map(operator.contains, hay, itertools.repeat(needle)))
            candidates, hay = list(itertools.compress(candidates, found)), list(itertools.compress(hay, found))
        rows = self._rows
        keep: list[bool] | None = None
        if f.status is not None:
            status = f.status.value
            keep = [rows[i][STATUS] == status for i in candidates]
        if f.unassigned or f.caseworker_id is not None:
            who = None if f.unassigned else f.caseworker_id
            theirs = [rows[i][CASEWORKER_ID] == who for i in candidates]
            keep = theirs if keep is None else list(map(operator.and_, keep, theirs))
        if keep is not None:
            candidates, hay = list(itertools.compress(candidates, keep)), list(itertools.compress(hay, keep))
        self._visible, self._visible_haystack = candidates, hay
