"""The case list: a filter bar over a sortable table of every case the user may see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from caseworker.core.i18n import N_, _, fill, format_date, format_number, isolate, ngettext
from caseworker.core.labels import label
from caseworker.core.models.enums import CaseStatus
from caseworker.core.services.caselist import (
    CASEWORKER_NAME,
    ID,
    LAST_CONTACT,
    LATIN,
    NATIVE,
    OPENED,
    REFERENCE,
    STATUS,
    CaseFilter,
    CaseListView,
    Column,
    ListRow,
)
from caseworker.core.services.records import CaseSummary, UserInfo
from caseworker.ui.widgets.collation import ranks

SORT_ROLE = Qt.ItemDataRole.UserRole
CASE_ID_ROLE = Qt.ItemDataRole.UserRole + 1

_HEADERS = {
    Column.REFERENCE: N_("Reference"),
    Column.NAME_LATIN: N_("Name"),
    Column.NAME_NATIVE: N_("Name in own script"),
    Column.STATUS: N_("Status"),
    Column.CASEWORKER: N_("Caseworker"),
    Column.OPENED: N_("Opened"),
    Column.LAST_CONTACT: N_("Last contact"),
}

Index = QModelIndex | QPersistentModelIndex


class CaseListModel(QAbstractTableModel):
    """Wraps a CaseListView; formats only the cells Qt asks for, so 100,000 rows cost nothing
    until they are scrolled into view."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._view = CaseListView([])

    @property
    def view(self) -> CaseListView:
        return self._view

    def set_rows(self, rows: list[ListRow]) -> None:
        self.set_view(CaseListView(rows))

    def set_view(self, view: CaseListView) -> None:
        """Show a list read (and sorted) elsewhere, keeping the order the person chose."""
        self.beginResetModel()
        view.set_collation(ranks)
        if (view.sort_column, view.descending) != (self._view.sort_column, self._view.descending):
            view.sort(self._view.sort_column, self._view.descending)
        self._view = view
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._view)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(Column):
            return _(_HEADERS[Column(section)])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._view):
            return None
        row = self._view.row(index.row())
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == SORT_ROLE:
            return self._raw(row, column)
        if role == CASE_ID_ROLE:
            return row[ID]
        if role == Qt.ItemDataRole.ToolTipRole and column in (Column.NAME_LATIN, Column.NAME_NATIVE):
            return " · ".join(isolate(n) for n in (row[LATIN], row[NATIVE]) if n)
        return None

    @staticmethod
    def _display(row: ListRow, column: Column) -> str:
        value = CaseListModel._raw(row, column)
        match column:
            case Column.STATUS:
                return label(CaseStatus(value))
            case Column.CASEWORKER:
                return value or _("Unassigned")
            case Column.OPENED:
                return format_date(value, "short")
            case Column.LAST_CONTACT:
                return format_date(value, "short") if value else _("None yet")
            case _:
                return value

    @staticmethod
    def _raw(row: ListRow, column: Column) -> Any:
        match column:
            case Column.REFERENCE:
                return row[REFERENCE]
            case Column.NAME_LATIN:
                return row[LATIN]
            case Column.NAME_NATIVE:
                return row[NATIVE]
            case Column.STATUS:
                return row[STATUS]
            case Column.CASEWORKER:
                return row[CASEWORKER_NAME]
            case Column.OPENED:
                return dt.date.fromisoformat(row[OPENED])
            case Column.LAST_CONTACT:
                return dt.date.fromisoformat(row[LAST_CONTACT]) if row[LAST_CONTACT] else None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(Column):
            return
        self._reorder(lambda: self._view.sort(Column(column), descending=order == Qt.SortOrder.DescendingOrder))

    def _reorder(self, change: Callable[[], None]) -> None:
        """Put the rows in a new order; the selected case stays selected, wherever it moves."""
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        cases = [self._view.row(index.row())[ID] for index in before]
        change()
        if before:
            position = {case: self._view.position_of(case) for case in set(cases)}  # one selected, mostly
            after = [
                QModelIndex() if position[case] is None else self.index(position[case], index.column())
                for case, index in zip(cases, before, strict=True)
            ]
            self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()

    def set_filter(self, case_filter: CaseFilter) -> None:
        self.beginResetModel()
        self._view.set_filter(case_filter)
        self.endResetModel()

    def replace(self, row: CaseSummary) -> None:
        self.beginResetModel()
        self._view.replace(row)
        self.endResetModel()

    def remove(self, case_id: int) -> None:
        self.beginResetModel()
        self._view.remove(case_id)
        self.endResetModel()

    def retranslate(self) -> None:
        # Names sort in the new language's order; a list sorted by another column keeps its order.
        if self._view.sorted_by_name:
            self._reorder(lambda: self._view.set_collation(ranks))
        else:
            self._view.set_collation(ranks)
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(Column) - 1)
        if len(self._view):
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._view) - 1, len(Column) - 1))


class CaseListPanel(QWidget):
    """Filter as you type (by name in either script or by reference), by status and caseworker."""

    caseActivated = Signal(int)
    newCaseRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = CaseListModel(self)
        self._caseworkers: list[UserInfo] = []
        self._loading = True

        self.search = QLineEdit(self)
        self.search.setClearButtonEnabled(True)
        self.search.setObjectName("caseSearch")
        self.status_filter = QComboBox(self)
        self.caseworker_filter = QComboBox(self)
        self.count_label = QLabel(self)

        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        # Fixed row heights let Qt skip measuring 100,000 rows.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSortIndicator(Column.LAST_CONTACT, Qt.SortOrder.DescendingOrder)
        self.table.setObjectName("caseTable")
        self.table.activated.connect(self._activated)

        self.empty = QLabel(self)
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setObjectName("caseListEmpty")
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)

        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        filters.addWidget(self.status_filter, 1)
        filters.addWidget(self.caseworker_filter, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(filters)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.count_label)

        self.search.textChanged.connect(self._apply_filter)
        self.status_filter.currentIndexChanged.connect(self._apply_filter)
        self.caseworker_filter.currentIndexChanged.connect(self._apply_filter)
        self.retranslate()

    def set_default_column_widths(self) -> None:
        # Measured from text, not from the rows: sizing to contents would read every row.
        metrics = self.table.fontMetrics()
        widths = {
            Column.REFERENCE: metrics.horizontalAdvance("2026-00000") + 24,
            Column.NAME_LATIN: metrics.averageCharWidth() * 24,
            Column.NAME_NATIVE: metrics.averageCharWidth() * 22,
            Column.STATUS: metrics.averageCharWidth() * 11,
            Column.CASEWORKER: metrics.averageCharWidth() * 18,
            Column.OPENED: metrics.horizontalAdvance("00/00/0000") + 24,
        }
        for column, width in widths.items():
            self.table.setColumnWidth(column, width)
        self.table.verticalHeader().setDefaultSectionSize(metrics.height() + 10)

    # --- data ---------------------------------------------------------------------------------

    def set_loading(self) -> None:
        self._loading = True
        self._update_state()

    def set_cases(self, cases: CaseListView, caseworkers: list[UserInfo]) -> None:
        self._loading = False
        self._caseworkers = caseworkers
        self._fill_caseworker_filter()
        self.model.set_view(cases)
        self._apply_filter()

    def show_saved(self, row: CaseSummary) -> None:
        self.model.replace(row)
        self.select_case(row.case_id)
        self._update_state()

    def remove_case(self, case_id: int) -> None:
        self.model.remove(case_id)
        self._update_state()

    def select_case(self, case_id: int) -> None:
        position = self.model.view.position_of(case_id)
        if position is not None:
            index = self.model.index(position, Column.NAME_LATIN)
            self.table.setCurrentIndex(index)
            self.table.scrollTo(index)

    def current_case_id(self) -> int | None:
        index = self.table.currentIndex()
        return index.data(CASE_ID_ROLE) if index.isValid() else None

    # --- filtering ------------------------------------------------------------------------------

    def _apply_filter(self) -> None:
        status = self.status_filter.currentData()
        who = self.caseworker_filter.currentData()
        self.model.set_filter(
            CaseFilter(
                text=self.search.text(),
                status=CaseStatus(status) if status else None,
                caseworker_id=who if isinstance(who, int) and who > 0 else None,
                unassigned=who == -1,
            )
        )
        self._update_state()

    def _activated(self, index: QModelIndex) -> None:
        self.caseActivated.emit(index.data(CASE_ID_ROLE))

    def _fill_caseworker_filter(self) -> None:
        current = self.caseworker_filter.currentData()
        self.caseworker_filter.blockSignals(True)
        self.caseworker_filter.clear()
        self.caseworker_filter.addItem(_("All caseworkers"), 0)
        self.caseworker_filter.addItem(_("Unassigned"), -1)
        for user in self._caseworkers:
            self.caseworker_filter.addItem(user.display_name, user.id)
        found = self.caseworker_filter.findData(current)
        self.caseworker_filter.setCurrentIndex(max(found, 0))
        self.caseworker_filter.blockSignals(False)

    def _update_state(self) -> None:
        shown, total = len(self.model.view), self.model.view.total
        if self._loading:
            self.empty.setText(_("Opening the case files…"))
            self.stack.setCurrentWidget(self.empty)
        elif total == 0:
            self.empty.setText(
                _("No cases yet.\n\nChoose “New case” (Ctrl+N) to open a case file for the first person you work with.")
            )
            self.stack.setCurrentWidget(self.empty)
        elif shown == 0:
            self.empty.setText(_("No case matches this filter. Clear the search box or choose another status or caseworker."))
            self.stack.setCurrentWidget(self.empty)
        else:
            self.stack.setCurrentWidget(self.table)
        if shown == total:
            self.count_label.setText(fill(ngettext("{n} case", "{n} cases", total), n=format_number(total)))
        else:
            self.count_label.setText(
                fill(ngettext("{shown} of {n} case", "{shown} of {n} cases", total), shown=format_number(shown), n=format_number(total))
            )

    def retranslate(self) -> None:
        self.search.setPlaceholderText(_("Filter by name, in any script, or by reference"))
        self.search.setAccessibleName(_("Filter cases"))
        self.status_filter.setAccessibleName(_("Status"))
        self.caseworker_filter.setAccessibleName(_("Caseworker"))
        current = self.status_filter.currentData()
        self.status_filter.blockSignals(True)
        self.status_filter.clear()
        self.status_filter.addItem(_("All statuses"), "")
        for status in CaseStatus:
            self.status_filter.addItem(label(status), status.value)
        self.status_filter.setCurrentIndex(max(self.status_filter.findData(current), 0))
        self.status_filter.blockSignals(False)
        self._fill_caseworker_filter()
        self.table.setAccessibleName(_("Cases"))
        self.model.retranslate()
        self._update_state()
