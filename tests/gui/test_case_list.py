"""The case list model and panel."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from caseworker.core.models.enums import CaseStatus, Role
from caseworker.core.services.caselist import CaseListView, Column
from caseworker.core.services.records import UserInfo
from caseworker.ui.case_list import CASE_ID_ROLE, SORT_ROLE, CaseListModel, CaseListPanel
from tests.unit.test_caselist import ROWS


def test_model_passes_qt_model_checks(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = CaseListModel()
    model.set_rows(list(ROWS))
    qtmodeltester.check(model)
    model.sort(Column.NAME_NATIVE, Qt.SortOrder.AscendingOrder)
    qtmodeltester.check(model)


def test_sort_role_gives_raw_values_and_display_gives_text() -> None:
    model = CaseListModel()
    model.set_rows(list(ROWS))
    model.sort(Column.OPENED, Qt.SortOrder.AscendingOrder)
    index = model.index(0, Column.OPENED)
    assert index.data(SORT_ROLE) == dt.date(2026, 1, 1)
    assert index.data(Qt.ItemDataRole.DisplayRole) == "1/1/26"
    status = model.index(0, Column.STATUS)
    assert status.data(SORT_ROLE) in {s.value for s in CaseStatus}
    assert isinstance(model.index(0, 0).data(CASE_ID_ROLE), int)


def test_panel_filters_as_you_type_and_counts(qtbot) -> None:  # type: ignore[no-untyped-def]
    panel = CaseListPanel()
    qtbot.addWidget(panel)
    panel.set_cases(CaseListView(ROWS), [UserInfo(7, "w7", "Worker 7", Role.CASEWORKER)])
    assert panel.count_label.text() == "4 cases"
    qtbot.keyClicks(panel.search, "kov")
    assert panel.model.rowCount() == 1
    assert panel.count_label.text() == "1 of 4 cases"
    panel.search.clear()
    panel.caseworker_filter.setCurrentIndex(panel.caseworker_filter.findData(7))
    assert panel.model.rowCount() == 2
    panel.search.setText("nobody by this name")
    assert panel.stack.currentWidget() is panel.empty
    assert "No case matches" in panel.empty.text()


def test_empty_list_tells_a_new_user_what_to_do(qtbot) -> None:  # type: ignore[no-untyped-def]
    panel = CaseListPanel()
    qtbot.addWidget(panel)
    assert "Opening" in panel.empty.text()
    panel.set_cases(CaseListView([]), [])
    assert "Ctrl+N" in panel.empty.text()
    assert panel.count_label.text() == "0 cases"


def test_activating_a_row_reports_its_case(qtbot) -> None:  # type: ignore[no-untyped-def]
    panel = CaseListPanel()
    qtbot.addWidget(panel)
    panel.set_cases(CaseListView(ROWS), [])
    panel.show()
    panel.select_case(3)
    with qtbot.waitSignal(panel.caseActivated) as signal:
        qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    assert signal.args == [3]


def test_names_sort_in_the_order_of_the_interface_language_and_the_selection_follows(qtbot) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from caseworker.core.i18n import set_language
    from caseworker.core.services.caselist import row_of_summary
    from tests.unit.test_caselist import SUMMARIES

    rows = [row_of_summary(replace(s, name_latin=name)) for s, name in zip(SUMMARIES, ["Chalupa", "Hruška", "Cihla", "Čapek"], strict=True)]
    panel = CaseListPanel()
    qtbot.addWidget(panel)
    panel.set_cases(CaseListView(rows), [])
    panel.show()
    panel.model.sort(Column.NAME_LATIN, Qt.SortOrder.AscendingOrder)

    def shown() -> list[str]:
        return [panel.model.index(r, Column.NAME_LATIN).data() for r in range(panel.model.rowCount())]

    assert shown() == ["Čapek", "Chalupa", "Cihla", "Hruška"]  # English: Č is a C, Ch is C and h
    panel.select_case(2)  # Hruška
    set_language("cs")
    panel.retranslate()
    assert shown() == ["Cihla", "Čapek", "Hruška", "Chalupa"]  # Czech: C, Č, H, then Ch
    assert panel.current_case_id() == 2
    set_language("en")
    panel.retranslate()
    assert shown() == ["Čapek", "Chalupa", "Cihla", "Hruška"]
    assert panel.current_case_id() == 2
    panel.table.sortByColumn(Column.NAME_LATIN, Qt.SortOrder.DescendingOrder)  # a header click
    assert shown() == ["Hruška", "Cihla", "Chalupa", "Čapek"]
    assert panel.current_case_id() == 2


def test_ranks_follow_the_language_and_numbers_count_as_numbers() -> None:
    from caseworker.ui.widgets.collation import ranks, sorted_by_name

    names = ["Zahir", "Aalto", "Øberg", "Olsen", "Flat 10", "Flat 2"]
    assert sorted_by_name(names, str, "en") == ["Aalto", "Flat 2", "Flat 10", "Øberg", "Olsen", "Zahir"]
    assert sorted_by_name(names, str, "da") == ["Flat 2", "Flat 10", "Olsen", "Zahir", "Øberg", "Aalto"]
    assert ranks(["b", "a", "b"], "en") == [1, 0, 1]
