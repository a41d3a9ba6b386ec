"""A coordinator's review of closed cases: those closed longer than the organisation keeps them
(24 months unless chosen otherwise), longest closed first, to open or to erase."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from caseworker.core.i18n import N_, _, fill, format_date
from caseworker.core.services import cases
from caseworker.core.services.accounts import SignedIn
from caseworker.core.services.records import CaseSummary
from caseworker.ui.start import error_text

_HEADERS = (N_("Reference"), N_("Name"), N_("Closed on"), N_("Caseworker"))
CASE_ID_ROLE = Qt.ItemDataRole.UserRole
SORT_ROLE = Qt.ItemDataRole.UserRole + 1


class _Item(QTableWidgetItem):
    """Sorts by its SORT_ROLE value where it has one (a date, not the date as written)."""

    def __lt__(self, other: QTableWidgetItem) -> bool:
        mine, theirs = self.data(SORT_ROLE), other.data(SORT_ROLE)
        if mine is not None and theirs is not None:
            return mine < theirs
        return self.text().casefold() < other.text().casefold()


class RetentionDialog(QDialog):
    caseChosen = Signal(int)

    def __init__(
        self,
        signed_in: SignedIn,
        parent: QWidget | None = None,
        *,
        erase: Callable[[int, str], bool],
        today: Callable[[], dt.date] = dt.date.today,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("retentionDialog")
        self._signed_in = signed_in
        self._erase = erase
        self._today = today
        self._due: list[tuple[CaseSummary, dt.date]] = []

        self.months = QSpinBox(self)
        self.months.setObjectName("retentionMonths")
        self.months.setRange(1, 240)
        self.months.setValue(cases.RETENTION_MONTHS)
        self.months_label = QLabel(self)
        self.months_label.setBuddy(self.months)
        self.explanation = QLabel(self)
        self.explanation.setWordWrap(True)
        self.table = QTableWidget(0, len(_HEADERS), self)
        self.table.setObjectName("retentionTable")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSortIndicator(2, Qt.SortOrder.AscendingOrder)  # longest closed first
        self.table.itemActivated.connect(lambda _item: self.open_chosen())
        self.empty = QLabel(self)
        self.empty.setObjectName("retentionEmpty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)
        self.open_button = QPushButton(self)
        self.open_button.clicked.connect(self.open_chosen)
        self.erase_button = QPushButton(self)
        self.erase_button.setObjectName("retentionErase")
        self.erase_button.clicked.connect(self.erase_chosen)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.erase_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        self.buttons.rejected.connect(self.reject)

        row = QHBoxLayout()
        row.addWidget(self.months_label)
        row.addWidget(self.months)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation)
        layout.addLayout(row)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.buttons)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.months.valueChanged.connect(self.reload)
        self.retranslate()
        self.resize(760, 480)
        self.reload()

    def reload(self) -> None:
        try:
            self._due = cases.due_for_review(self._signed_in.store, self._signed_in.user,
                                             months=self.months.value(), today=self._today())
        except Exception as error:  # noqa: BLE001 - said in the window, in the person's words
            self._due = []
            self.empty.setText(error_text(error))
            self.stack.setCurrentWidget(self.empty)
            self._fill()
            return
        self._fill()
        if self._due:
            self.stack.setCurrentWidget(self.table)
        else:
            self.empty.setText(fill(_("No case has been closed for {months} months or more."), months=self.months.value()))
            self.stack.setCurrentWidget(self.empty)

    def _fill(self) -> None:
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(self._due))
        for position, (summary, closed_on) in enumerate(self._due):
            values = (summary.reference, summary.name_latin or summary.name_native, format_date(closed_on, "short"),
                      summary.caseworker_name or _("Unassigned"))
            for column, value in enumerate(values):
                item = _Item(value)
                item.setData(CASE_ID_ROLE, summary.case_id)
                if column == 2:
                    item.setData(SORT_ROLE, closed_on.isoformat())
                self.table.setItem(position, column, item)
        self.table.setSortingEnabled(True)
        self._update_buttons()

    def chosen(self) -> CaseSummary | None:
        items = self.table.selectedItems()
        if not items:
            return None
        case_id = items[0].data(CASE_ID_ROLE)
        return next((s for s, _closed in self._due if s.case_id == case_id), None)

    def open_chosen(self) -> None:
        summary = self.chosen()
        if summary is not None:
            self.caseChosen.emit(summary.case_id)

    def erase_chosen(self) -> None:
        summary = self.chosen()
        if summary is not None and self._erase(summary.case_id, summary.reference):
            self.reload()

    def _update_buttons(self) -> None:
        chosen = self.chosen() is not None
        self.open_button.setEnabled(chosen)
        self.erase_button.setEnabled(chosen)

    def retranslate(self) -> None:
        self.setWindowTitle(_("Closed cases to review"))
        self.explanation.setText(_("Cases are kept no longer than they are needed. These were closed long ago: open one to check it, then erase it if the organisation need not keep it."))
        self.months_label.setText(_("Closed at least this many &months ago:"))
        self.table.setHorizontalHeaderLabels([_(text) for text in _HEADERS])
        self.open_button.setText(_("&Open case"))
        self.erase_button.setText(_("&Erase…"))
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
