"""Primary and secondary cell suppression.

Primary: every count from 1 to K-1 is hidden, totals included (a total below K hides its whole
table). Secondary, so that no hidden count can be worked out from what is shown, with the
relations of `model.Relation` known to the reader:

- Once a row of a table is hidden, its zero rows are hidden too: a reader cannot tell a hidden
  zero from a hidden one, so every hidden count may be anything from 0 up.
- PARTITION: more rows are hidden, smallest first, until the hidden rows add up to at least K.
  Each hidden row can then be anything from 0 to that sum.
- COVERS: a hidden row is at least the total less the rows shown, and at most the total. Every
  row shown is then 0 or at least K (zeros go with the first rule), so a lone hidden row still
  ranges over at least K: nothing more to hide.
- SUBSETS and rows that are part of another row: a row is hidden if what it leaves of its whole
  (the total, or the row it is part of) is from 1 to K-1 — "12 unemployed, of whom 11 long-term"
  would show one person; and a part of a hidden row is hidden.

Every hidden row's range is then at least K wide, which tests/unit/test_stats_suppression.py checks
by linear programming over everything an export shows. Totals are never hidden for the sake of
another cell (a total of at least K is always shown), so tables of one measure never need to be
protected together: one-way tables that share a total constrain each other only through it.
"""

from __future__ import annotations

import datetime as dt

from caseworker.core.stats.model import (
    DEFAULT_MIN_CELL,
    LOWEST_MIN_CELL,
    Cell,
    RawReport,
    RawTable,
    Relation,
    Report,
    Table,
)


def check_min_cell(min_cell: int) -> int:
    """K as given, refused below the floor (the caller turns ValueError into a message)."""
    if min_cell < LOWEST_MIN_CELL:
        raise ValueError(min_cell)
    return min_cell


def protect(raw: RawReport, min_cell: int = DEFAULT_MIN_CELL, *, created_on: dt.date | None = None) -> Report:
    k = check_min_cell(min_cell)
    tables: list[Table] = []
    primary = secondary = 0
    for table in raw.tables:
        hidden, first = _hidden_rows(table, k)
        primary += first
        secondary += len(hidden) - first
        tables.append(_published(table, hidden, k))
        if 0 < table.total < k:
            primary += 1
    return Report(
        kind=raw.kind,
        title=raw.title,
        period=raw.period,
        min_cell=k,
        created_on=created_on or dt.date.today(),
        tables=tuple(tables),
        notes=raw.notes,
        legal_basis=raw.legal_basis,
        suppressed_primary=primary,
        suppressed_secondary=secondary,
    )


def _small(count: int, k: int) -> bool:
    return 0 < count < k


def _hidden_rows(table: RawTable, k: int) -> tuple[set[str], int]:
    """The keys of the rows to hide, and how many of them are below K themselves."""
    rows = {row.key: row for row in table.rows}
    if _small(table.total, k):
        return set(rows), sum(1 for row in table.rows if _small(row.count, k))
    hidden = {row.key for row in table.rows if _small(row.count, k)}
    primary = len(hidden)
    # Rows that make up the whole (PARTITION, COVERS) as opposed to parts of a row or of the total.
    whole = [row for row in table.rows if row.part_of is None and table.relation is not Relation.SUBSETS]
    changed = True
    while changed:
        changed = False
        for row in table.rows:
            if row.key in hidden:
                continue
            if row.part_of is not None:
                parent = rows[row.part_of]
                if parent.key in hidden or _small(parent.count - row.count, k):
                    hidden.add(row.key)
                    changed = True
            elif table.relation is Relation.SUBSETS and _small(table.total - row.count, k):
                hidden.add(row.key)
                changed = True
        top = [row for row in table.rows if row.part_of is None]
        if not any(row.key in hidden for row in top):
            continue
        # A reader must not tell a hidden zero from a hidden one.
        for row in top:
            if row.count == 0 and row.key not in hidden:
                hidden.add(row.key)
                changed = True
        if table.relation is Relation.PARTITION:
            shown = sorted((row for row in whole if row.key not in hidden), key=lambda row: (row.count, row.key))
            hidden_sum = sum(row.count for row in whole if row.key in hidden)
            while hidden_sum < k and shown:
                row = shown.pop(0)
                hidden.add(row.key)
                hidden_sum += row.count
                changed = True
    return hidden, primary


def _published(table: RawTable, hidden: set[str], k: int) -> Table:
    total = None if _small(table.total, k) else table.total
    cells = []
    for row in table.rows:
        count = None if row.key in hidden else row.count
        percent = None
        if count is not None and total is not None and total >= k:
            percent = round(100 * count / total, 1)
        cells.append(Cell(row.key, row.label, count, percent, row.part_of))
    return Table(
        id=table.id,
        measure=table.measure,
        measure_label=table.measure_label,
        breakdown=table.breakdown,
        breakdown_label=table.breakdown_label,
        relation=table.relation,
        total=total,
        rows=tuple(cells),
    )
