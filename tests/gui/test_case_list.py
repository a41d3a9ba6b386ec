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
