"""Cell suppression of statistics (caseworker/core/stats/suppression.py), proved two ways.

The reports are derived from hidden populations of people, so every count is one a real case list
could give. The property test checks what is shown; the attack test plays a reader who knows the
relations of the tables (the export's method notes state them) and works out, by linear
programming over everything published, the least and the most each hidden count could be.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from caseworker.core.stats.model import (
    Cell,
    Period,
    RawReport,
    RawRow,
    RawTable,
    Relation,
    Report,
    ReportKind,
    Table,
)
from caseworker.core.stats.suppression import check_min_cell, protect

QUARTER = Period(dt.date(2026, 7, 1), dt.date(2026, 9, 30), "2026 Q3")
CREATED_ON = dt.date(2026, 10, 2)

# A hidden count of a row is (table id, row key); a hidden total of a measure is (measure, None).
Unknown = tuple[str, str | None]


# --- reports derived from hidden populations ----------------------------------------------------


@dataclass(frozen=True)
class TableShape:
    """Rows 0..tops-1 make up the table; row tops+j is a part of row parents[j] (a top row or an
    earlier part, so parts can nest). `order` is the order the rows are listed in."""

    relation: Relation
    tops: int
    parents: tuple[int, ...]
    order: tuple[int, ...]

    @property
    def size(self) -> int:
        return self.tops + len(self.parents)

    def parent_of(self, row: int) -> int | None:
        return None if row < self.tops else self.parents[row - self.tops]


@st.composite
def table_shapes(draw: st.DrawFn) -> TableShape:
    relation = draw(st.sampled_from(Relation))
    tops = draw(st.integers(1, 6))
    parents: list[int] = []
    for part in range(draw(st.integers(0, 2))):
        parents.append(draw(st.integers(0, tops + part - 1)))
    order = draw(st.permutations(range(tops + len(parents))))
    return TableShape(relation, tops, tuple(parents), tuple(order))


@st.composite
def memberships(draw: st.DrawFn, shape: TableShape) -> frozenset[int]:
    """The rows of one table a person (or event) is counted in, as its relation allows."""
    if shape.relation is Relation.PARTITION:  # e.g. gender: exactly one
        rows = {draw(st.integers(0, shape.tops - 1))}
    elif shape.relation is Relation.COVERS:  # e.g. the months someone was served in: one or more
        rows = draw(st.sets(st.integers(0, shape.tops - 1), min_size=1))
    else:  # e.g. in a language course, in a civic orientation course: any, or none
        rows = draw(st.sets(st.integers(0, shape.tops - 1)))
    for part, parent in enumerate(shape.parents):
        # Only the people of the parent row can be in its part (long-term unemployed ⊆ unemployed).
        if parent in rows and draw(st.booleans()):
            rows.add(shape.tops + part)
    return frozenset(rows)


def people_like(shapes: list[TableShape]) -> st.SearchStrategy[tuple[frozenset[int], ...]]:
    """One person: where they are counted in each table of the measure."""
    return st.tuples(*(memberships(shape) for shape in shapes))


@st.composite
def measure_tables(draw: st.DrawFn, measure: str) -> list[RawTable]:
    shapes = draw(st.lists(table_shapes(), min_size=1, max_size=3))
    # The population as a few kinds of people, each several times: small and skewed populations,
    # where suppression bites, as often as larger ones.
    kinds = draw(st.lists(st.tuples(st.integers(1, 25), people_like(shapes)), min_size=1, max_size=8))
    if draw(st.integers(0, 19)) == 19:  # nobody at all, now and then
        kinds = []
    population = sum(times for times, _ in kinds)
    tables = []
    for number, shape in enumerate(shapes):
        counts = [0] * shape.size
        for times, person in kinds:
            for row in person[number]:
                counts[row] += times
        rows = tuple(
            RawRow(
                key=f"row{row}",
                label=f"Row {row}",
                count=counts[row],
                part_of=None if shape.parent_of(row) is None else f"row{shape.parent_of(row)}",
            )
            for row in shape.order
        )
        tables.append(
            RawTable(
                id=f"{measure}.table{number}",
                measure=measure,
                measure_label=f"Measure {measure}",
                breakdown=f"breakdown{number}",
                breakdown_label=f"Breakdown {number}",
                relation=shape.relation,
                total=population,
                rows=rows,
            )
        )
    return tables


@st.composite
def raw_reports(draw: st.DrawFn) -> RawReport:
    tables = []
    for number in range(draw(st.integers(1, 3))):
        tables.extend(draw(measure_tables(f"measure{number}")))
    return RawReport(kind=ReportKind.SERVICES, title="Services", period=QUARTER, tables=tuple(tables))


min_cells = st.integers(5, 15)


def true_counts(raw: RawReport) -> dict[Unknown, int]:
    counts: dict[Unknown, int] = {}
    for table in raw.tables:
        counts[(table.measure, None)] = table.total
        counts.update({(table.id, row.key): row.count for row in table.rows})
    return counts


# --- the attack ----------------------------------------------------------------------------------


def attack(report: Report) -> dict[Unknown, tuple[int, float]]:
    """The least and the most each hidden count can be (math.inf: no most), given only the report."""
    ranges: dict[Unknown, tuple[int, float]] = {}
    for measure in report.measures:  # measures share nothing, so each is a program of its own
        ranges.update(_attack_measure(measure, report.tables_of(measure)))
    return ranges


def _attack_measure(measure: str, tables: tuple[Table, ...]) -> dict[Unknown, tuple[int, float]]:
    shown_totals = {table.total for table in tables if table.total is not None}
    assert len(shown_totals) <= 1, "tables of one measure show different totals"
    # One total for all tables of the measure, which is how a reader links them.
    unknowns: list[Unknown] = [(measure, None)]
    bounds: list[tuple[int, int | None]] = [(total, total) for total in shown_totals] or [(0, None)]
    for table in tables:
        for cell in table.rows:
            unknowns.append((table.id, cell.key))
            # A hidden zero looks like any other hidden count, so a hidden count is only known to be ≥ 0.
            bounds.append((0, None) if cell.suppressed else (cell.count, cell.count))
    column = {unknown: number for number, unknown in enumerate(unknowns)}
    total = column[(measure, None)]
    equal: list[np.ndarray] = []  # each row r: r · x = 0
    at_most: list[np.ndarray] = []  # each row r: r · x ≤ 0

    def constraint(plus: list[int], minus: list[int]) -> np.ndarray:
        row = np.zeros(len(unknowns))
        row[plus] += 1
        row[minus] -= 1
        return row

    for table in tables:
        whole = [column[(table.id, cell.key)] for cell in table.rows if cell.part_of is None]
        if table.relation is Relation.PARTITION:
            equal.append(constraint(whole, [total]))
        elif table.relation is Relation.COVERS:
            at_most.append(constraint([total], whole))
        for cell in table.rows:
            this = column[(table.id, cell.key)]
            if table.relation is not Relation.PARTITION:
                at_most.append(constraint([this], [total]))
            if cell.part_of is not None:
                at_most.append(constraint([this], [column[(table.id, cell.part_of)]]))

    def least(objective: np.ndarray) -> float:
        """The least value of objective · x; -inf when there is none."""
        result = linprog(
            objective,
            A_ub=np.array(at_most) if at_most else None,
            b_ub=np.zeros(len(at_most)) if at_most else None,
            A_eq=np.array(equal) if equal else None,
            b_eq=np.zeros(len(equal)) if equal else None,
            bounds=bounds,
            method="highs",
        )
        if result.status == 3:  # unbounded
            return -math.inf
        assert result.status == 0, result.message  # infeasible: the model of the relations is wrong
        return float(result.fun)

    ranges: dict[Unknown, tuple[int, float]] = {}
    for unknown, number in column.items():
        if bounds[number][1] is not None:
            continue
        objective = np.zeros(len(unknowns))
        objective[number] = 1
        low = least(objective)
        high = -least(-objective)
        # Counts are whole numbers, so a reader rounds the bounds inwards.
        ranges[unknown] = (math.ceil(low - 1e-6), high if high == math.inf else math.floor(high + 1e-6))
    return ranges


def attack_on(report: Report, table_id: str, key: str) -> tuple[int, float]:
    return attack(report)[(table_id, key)]


# --- properties over random reports ----------------------------------------------------------------


@settings(max_examples=400, deadline=None)
@given(raw=raw_reports(), k=min_cells)
def test_no_count_from_1_to_k_minus_1_is_shown(raw: RawReport, k: int) -> None:
    report = protect(raw, k, created_on=CREATED_ON)

    assert report.min_cell == k
    assert [table.id for table in report.tables] == [table.id for table in raw.tables]
    hidden = 0
    for raw_table, table in zip(raw.tables, report.tables, strict=True):
        assert (table.measure, table.breakdown, table.relation) == (
            raw_table.measure,
            raw_table.breakdown,
            raw_table.relation,
        )
        assert [(cell.key, cell.label, cell.part_of) for cell in table.rows] == [
            (row.key, row.label, row.part_of) for row in raw_table.rows
        ]
        assert table.total in (None, raw_table.total)
        assert table.total is not None or 0 < raw_table.total < k  # a total of 0 or at least K is shown
        if table.total is None:
            assert all(cell.suppressed for cell in table.rows)
        top = [cell for cell in table.rows if cell.part_of is None]
        if any(cell.suppressed for cell in top):
            # Zeros go with hidden rows, which is why the attack may only take a hidden count as ≥ 0.
            assert all(cell.count != 0 for cell in top)
        for cell, row in zip(table.rows, raw_table.rows, strict=True):
            assert cell.count in (None, row.count)
            assert cell.suppressed or not 0 < row.count < k
            if cell.percent is not None:
                assert cell.count is not None and table.total is not None and table.total >= k
                assert cell.percent == round(100 * row.count / raw_table.total, 1)
        hidden += sum(cell.suppressed for cell in table.rows) + (table.total is None)
    assert report.suppressed_primary == sum(
        sum(0 < row.count < k for row in table.rows) + (0 < table.total < k) for table in raw.tables
    )
    assert report.suppressed_primary + report.suppressed_secondary == hidden


@settings(max_examples=300, deadline=None)
@given(raw=raw_reports(), k=min_cells)
def test_no_hidden_count_can_be_narrowed_to_fewer_than_k_values(raw: RawReport, k: int) -> None:
    report = protect(raw, k, created_on=CREATED_ON)
    truth = true_counts(raw)

    for unknown, (least, most) in attack(report).items():
        assert least <= truth[unknown] <= most, unknown  # else the program misstates the relations
        assert most - least >= k, unknown


# --- the rules, case by case -------------------------------------------------------------------------


def one_table(relation: Relation, total: int, *rows: RawRow, measure: str = "people") -> RawReport:
    table = RawTable("table", measure, "People", "breakdown", "Breakdown", relation, total, rows)
    return RawReport(kind=ReportKind.SERVICES, title="Services", period=QUARTER, tables=(table,))


def shown(report: Report) -> dict[str, int | None]:
    return {cell.key: cell.count for cell in report.tables[0].rows}


def test_a_small_gender_hides_the_zero_and_the_next_smallest_so_the_hidden_add_up_to_k() -> None:
    raw = one_table(
        Relation.PARTITION,
        40,
        RawRow("women", "Women", 25),
        RawRow("men", "Men", 3),
        RawRow("non_binary", "Non-binary", 0),
        RawRow("not_stated", "Not stated", 12),
    )

    report = protect(raw, 10, created_on=CREATED_ON)

    # Men (3) are below K. Shown, the zero would tell a reader the hidden rows are nonzero;
    # with women and the total shown, men alone would be 40 - 25 - 0 - 12; so "not stated"
    # goes too and the hidden rows add up to 15.
    assert shown(report) == {"women": 25, "men": None, "non_binary": None, "not_stated": None}
    assert report.tables[0].total == 40
    assert report.tables[0].cell("women").percent == 62.5
    assert (report.suppressed_primary, report.suppressed_secondary) == (1, 2)
    assert attack_on(report, "table", "men") == (0, 15)


def test_zeros_are_hidden_with_the_small_rows_even_when_these_add_up_to_k() -> None:
    raw = one_table(
        Relation.PARTITION,
        41,
        RawRow("women", "Women", 30),
        RawRow("men", "Men", 5),
        RawRow("non_binary", "Non-binary", 0),
        RawRow("not_stated", "Not stated", 6),
    )

    report = protect(raw, 10, created_on=CREATED_ON)

    # With non-binary shown as 0, every hidden row would be at least 1: men from 1 to 10.
    assert shown(report) == {"women": 30, "men": None, "non_binary": None, "not_stated": None}
    assert (report.suppressed_primary, report.suppressed_secondary) == (2, 1)


def test_of_whom_long_term_unemployed_is_hidden_when_it_leaves_one_person() -> None:
    raw = one_table(
        Relation.PARTITION,
        47,
        RawRow("unemployed", "Unemployed", 12),
        RawRow("long_term", "of whom long-term unemployed", 11, part_of="unemployed"),
        RawRow("inactive", "Inactive", 20),
        RawRow("employed", "Employed", 15),
    )

    report = protect(raw, 10, created_on=CREATED_ON)

    # 12 unemployed of whom 11 long-term would say one person is unemployed, not long-term.
    assert shown(report) == {"unemployed": 12, "long_term": None, "inactive": 20, "employed": 15}
    assert (report.suppressed_primary, report.suppressed_secondary) == (0, 1)
    assert attack_on(report, "table", "long_term") == (0, 12)


def test_one_small_month_hides_alone_when_the_months_shown_add_up_to_k() -> None:
    raw = one_table(
        Relation.COVERS,
        30,
        RawRow("2026-07", "July 2026", 20),
        RawRow("2026-08", "August 2026", 25),
        RawRow("2026-09", "September 2026", 4),
    )

    report = protect(raw, 10, created_on=CREATED_ON)

    # People come back month after month, so September is only known to be from 30 - 45 to 30.
    assert shown(report) == {"2026-07": 20, "2026-08": 25, "2026-09": None}
    assert attack_on(report, "table", "2026-09") == (0, 30)


def test_a_course_most_participants_attend_is_hidden_with_its_parts() -> None:
    raw = one_table(
        Relation.SUBSETS,
        20,
        RawRow("language", "In a language course", 19),
        RawRow("improved", "of whom improved by a CEFR level", 12, part_of="language"),
        RawRow("civic", "In a civic orientation course", 10),
    )

    report = protect(raw, 10, created_on=CREATED_ON)

    # 19 of 20 would single out the one participant who is not in a language course.
    assert shown(report) == {"language": None, "improved": None, "civic": 10}
    assert attack_on(report, "table", "improved") == (0, 20)


def test_a_total_below_k_hides_every_table_of_its_measure() -> None:
    gender_rows = (RawRow("women", "Women", 7), RawRow("men", "Men", 0))
    gender = RawTable("gender", "people", "People", "gender", "Gender", Relation.PARTITION, 7, gender_rows)
    months = RawTable(
        "month", "people", "People", "month", "Month", Relation.COVERS, 7, (RawRow("2026-07", "July 2026", 7),)
    )
    raw = RawReport(kind=ReportKind.SERVICES, title="Services", period=QUARTER, tables=(gender, months))

    report = protect(raw, 10, created_on=CREATED_ON)

    for table in report.tables:
        assert table.total is None
        assert all(cell.count is None and cell.percent is None for cell in table.rows)
    assert report.suppressed_primary == 4  # two totals of 7, women 7, July 7


def test_the_attack_sees_through_primary_suppression_alone() -> None:
    """The attack can fail: hiding only the small cell gives it away from the total."""
    cells = (Cell("women", "Women", 25, 62.5), Cell("men", "Men", None), Cell("not_stated", "Not stated", 12, 30.0))
    table = Table("table", "people", "People", "gender", "Gender", Relation.PARTITION, 40, cells)
    report = Report(ReportKind.SERVICES, "Services", QUARTER, 10, CREATED_ON, (table,))

    assert attack_on(report, "table", "men") == (3, 3)


@pytest.mark.parametrize("k", [4, 1, 0, -10])
def test_k_below_5_is_refused(k: int) -> None:
    raw = one_table(Relation.PARTITION, 0)

    with pytest.raises(ValueError):
        check_min_cell(k)
    with pytest.raises(ValueError):
        protect(raw, k)


def test_k_of_5_or_more_is_taken_as_given() -> None:
    assert check_min_cell(5) == 5
    assert protect(one_table(Relation.PARTITION, 0), 15, created_on=CREATED_ON).min_cell == 15
