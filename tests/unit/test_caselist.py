"""The case list's filtering and sorting, without Qt."""

from __future__ import annotations

import datetime as dt

from caseworker.core.models.enums import CaseStatus
from caseworker.core.services.caselist import CaseFilter, CaseListView, Column, row_of_summary
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
