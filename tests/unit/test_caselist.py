"""The case list's filtering and sorting, without Qt."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace as dataclass_replace

from hypothesis import given
from hypothesis import strategies as st

from caseworker.core.models.enums import CaseStatus
from caseworker.core.services.caselist import CaseFilter, CaseListView, Column, _sort_keys, row_of_summary
from caseworker.core.services.records import CaseSummary
from caseworker.core.text import fold


def summary(case_id: int, latin: str, native: str = "", status: CaseStatus = CaseStatus.OPEN,
            caseworker: int | None = None, opened: dt.date = dt.date(2026, 1, 1),
            contact: dt.date | None = None) -> CaseSummary:
    return CaseSummary(case_id, f"2026-{case_id:05d}", latin, native, status, caseworker,
                       f"Worker {caseworker}" if caseworker else "", opened, contact, fold(f"{latin} {native}"))


SUMMARIES = [
    summary(1, "Ahmad Karimi", "احمد کریمی", caseworker=7, contact=dt.date(2026, 3, 1)),
    summary(2, "Şükrü Yılmaz", status=CaseStatus.CLOSED, contact=dt.date(2026, 5, 1)),
    summary(3, "Selam Tesfaye", "ሰላም ተስፋዬ", status=CaseStatus.ON_HOLD, caseworker=8),
    summary(4, "Olena Kovalenko", "Олена Коваленко", caseworker=7, contact=dt.date(2026, 4, 1)),
]
ROWS = [row_of_summary(s) for s in SUMMARIES]


def names(view: CaseListView) -> list[str]:
    return [view[i].name_latin for i in range(len(view))]


def test_default_order_is_latest_contact_first_with_never_contacted_last() -> None:
    view = CaseListView(ROWS)
    assert names(view) == ["Şükrü Yılmaz", "Olena Kovalenko", "Ahmad Karimi", "Selam Tesfaye"]


def test_filter_matches_either_script_without_accents_or_case() -> None:
    view = CaseListView(ROWS)
    view.set_filter(CaseFilter(text="sukru"))
    assert names(view) == ["Şükrü Yılmaz"]
    view.set_filter(CaseFilter(text="أحمد"))  # typed with a hamza, stored without
    assert names(view) == ["Ahmad Karimi"]
    view.set_filter(CaseFilter(text="ОЛЕНА"))
    assert names(view) == ["Olena Kovalenko"]
    view.set_filter(CaseFilter(text="ሰላም"))
    assert names(view) == ["Selam Tesfaye"]


def test_filter_by_reference_status_and_caseworker() -> None:
    view = CaseListView(ROWS)
    view.set_filter(CaseFilter(text="2026-00003"))
    assert names(view) == ["Selam Tesfaye"]
    view.set_filter(CaseFilter(status=CaseStatus.CLOSED))
    assert names(view) == ["Şükrü Yılmaz"]
    view.set_filter(CaseFilter(caseworker_id=7))
    assert sorted(names(view)) == ["Ahmad Karimi", "Olena Kovalenko"]
    view.set_filter(CaseFilter(unassigned=True))
    assert names(view) == ["Şükrü Yılmaz"]
    view.set_filter(CaseFilter(text="a", caseworker_id=7, status=CaseStatus.OPEN))
    assert sorted(names(view)) == ["Ahmad Karimi", "Olena Kovalenko"]


def test_sort_by_each_column_both_ways() -> None:
    view = CaseListView(ROWS)
    view.sort(Column.NAME_LATIN)
    assert names(view) == ["Ahmad Karimi", "Olena Kovalenko", "Selam Tesfaye", "Şükrü Yılmaz"]
    view.sort(Column.NAME_LATIN, descending=True)
    assert names(view) == ["Şükrü Yılmaz", "Selam Tesfaye", "Olena Kovalenko", "Ahmad Karimi"]
    view.sort(Column.STATUS)
    assert [view[i].status for i in range(4)] == [CaseStatus.OPEN, CaseStatus.OPEN, CaseStatus.ON_HOLD, CaseStatus.CLOSED]
    for column in Column:
        view.sort(column)
        assert len(view) == 4


def test_sorting_keeps_the_filter_and_replace_keeps_both() -> None:
    view = CaseListView(ROWS)
    view.set_filter(CaseFilter(caseworker_id=7))
    view.sort(Column.NAME_LATIN)
    assert names(view) == ["Ahmad Karimi", "Olena Kovalenko"]
    view.replace(summary(1, "Zahra Karimi", caseworker=7))
    assert names(view) == ["Olena Kovalenko", "Zahra Karimi"]
    view.replace(summary(9, "Amal Haddad", caseworker=7))
    assert names(view) == ["Amal Haddad", "Olena Kovalenko", "Zahra Karimi"]
    assert view.total == 5
    assert view.position_of(9) == 0
    assert view.position_of(2) is None  # filtered out


# --- the view against a plain recomputation ---------------------------------------------------

_WORKERS = st.sampled_from([None, 7, 8])
_NAMES = st.text(alphabet="abcAB Şşа\x00ሰ-1", min_size=0, max_size=8)  # NUL: see _in_sequence
_SUMMARIES = st.builds(
    summary,
    case_id=st.integers(1, 12),
    latin=_NAMES,
    native=_NAMES,
    status=st.sampled_from(list(CaseStatus)),
    caseworker=_WORKERS,
    contact=st.one_of(st.none(), st.dates(dt.date(2026, 1, 1), dt.date(2026, 1, 9))),
)
_FILTERS = st.builds(
    CaseFilter,
    text=st.text(alphabet="abŞа\x00ሰ-1 ", max_size=3),
    status=st.one_of(st.none(), st.sampled_from(list(CaseStatus))),
    caseworker_id=st.one_of(st.none(), st.sampled_from([7, 8])),
    unassigned=st.booleans(),
)
_STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("filter"), _FILTERS),
        st.tuples(st.just("sort"), st.tuples(st.sampled_from(list(Column)), st.booleans())),
        st.tuples(st.just("replace"), _SUMMARIES),
        st.tuples(st.just("remove"), st.integers(1, 12)),
    ),
    max_size=12,
)


def _expected(rows: dict[int, CaseSummary], case_filter: CaseFilter) -> set[int]:
    needle = fold(case_filter.text.strip())
    return {
        case_id
        for case_id, s in rows.items()
        if needle in f"{s.folded_name}\n{s.reference}"
        and (case_filter.status is None or s.status is case_filter.status)
        and (
            s.caseworker_id is None
            if case_filter.unassigned
            else case_filter.caseworker_id is None or s.caseworker_id == case_filter.caseworker_id
        )
    }


@given(initial=st.lists(_SUMMARIES, max_size=10, unique_by=lambda s: s.case_id), steps=_STEPS)
def test_any_sequence_of_filters_sorts_saves_and_erasures_shows_what_a_plain_recomputation_shows(
    initial: list[CaseSummary], steps: list[tuple[str, object]]
) -> None:
    """Narrowing reuses the rows shown before and the filter's strings move with their rows
    when the list is sorted or a case saved: whatever the order of steps, the rows shown are the
    rows a plain scan would show, in the order chosen."""
    view = CaseListView([row_of_summary(s) for s in initial])
    rows = {s.case_id: s for s in initial}
    case_filter = CaseFilter()
    for kind, argument in steps:
        if kind == "filter":
            case_filter = argument  # type: ignore[assignment]
            view.set_filter(case_filter)
        elif kind == "sort":
            column, descending = argument  # type: ignore[misc]
            view.sort(column, descending)
        elif kind == "remove":
            view.remove(argument)  # type: ignore[arg-type]
            rows.pop(argument, None)  # type: ignore[call-overload]
        else:
            view.replace(argument)  # type: ignore[arg-type]
            rows[argument.case_id] = argument  # type: ignore[attr-defined]
        shown = [view[i] for i in range(len(view))]
        assert {s.case_id for s in shown} == _expected(rows, case_filter)
        assert view.total == len(rows)
        keys = _sort_keys([view.row(i) for i in range(len(view))], view.sort_column)
        assert keys == sorted(keys, reverse=view.descending)


class CountedCollation:
    """Ranks names backwards (a collation no code-point order gives), counting its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, strings):  # type: ignore[no-untyped-def]
        self.calls += 1
        order = sorted(set(strings), reverse=True)
        return [order.index(text) for text in strings]


def test_names_sort_by_the_collation_given_and_other_columns_do_not() -> None:
    view = CaseListView(ROWS)
    collation = CountedCollation()
    view.set_collation(collation)
    view.sort(Column.NAME_LATIN)
    assert names(view) == ["Şükrü Yılmaz", "Selam Tesfaye", "Olena Kovalenko", "Ahmad Karimi"]
    view.sort(Column.CASEWORKER)
    assert [view[i].caseworker_name for i in range(4)] == ["Worker 8", "Worker 7", "Worker 7", ""]
    view.sort(Column.OPENED)
    assert collation.calls == 2  # the dates are not collated
    view.set_collation(None)
    view.sort(Column.NAME_LATIN)
    assert names(view) == ["Ahmad Karimi", "Olena Kovalenko", "Selam Tesfaye", "Şükrü Yılmaz"]


def test_a_new_collation_sorts_a_list_sorted_by_name_again() -> None:
    view = CaseListView(ROWS)
    view.sort(Column.NAME_LATIN)
    view.set_collation(CountedCollation())
    assert names(view) == ["Şükrü Yılmaz", "Selam Tesfaye", "Olena Kovalenko", "Ahmad Karimi"]


def test_saving_a_case_ranks_the_names_again_only_when_its_name_changed() -> None:
    view = CaseListView(ROWS)
    collation = CountedCollation()
    view.set_collation(collation)
    view.sort(Column.NAME_LATIN)
    assert collation.calls == 1
    view.replace(dataclass_replace(SUMMARIES[0], last_contact_on=dt.date(2026, 6, 1)))
    assert collation.calls == 1
    assert names(view) == ["Şükrü Yılmaz", "Selam Tesfaye", "Olena Kovalenko", "Ahmad Karimi"]
    view.sort(Column.LAST_CONTACT, descending=True)
    assert names(view)[0] == "Ahmad Karimi"  # its new date was taken into the dates' keys
    view.sort(Column.NAME_LATIN)
    view.replace(dataclass_replace(SUMMARIES[0], name_latin="Zahra Karimi", folded_name=fold("Zahra Karimi")))
    assert collation.calls == 2
    assert names(view) == ["Şükrü Yılmaz", "Zahra Karimi", "Selam Tesfaye", "Olena Kovalenko"]
    view.replace(summary(5, "Bashir Noori"))
    assert collation.calls == 3
    assert names(view)[-2:] == ["Olena Kovalenko", "Bashir Noori"]


def test_erasing_a_case_keeps_every_column_in_order_without_ranking_again() -> None:
    view = CaseListView(ROWS)
    collation = CountedCollation()
    view.set_collation(collation)
    view.sort(Column.NAME_LATIN)
    view.sort(Column.OPENED)
    view.remove(2)
    view.sort(Column.NAME_LATIN)
    assert collation.calls == 1
    assert names(view) == ["Selam Tesfaye", "Olena Kovalenko", "Ahmad Karimi"]
    view.sort(Column.LAST_CONTACT, descending=True)
    assert names(view) == ["Olena Kovalenko", "Ahmad Karimi", "Selam Tesfaye"]
