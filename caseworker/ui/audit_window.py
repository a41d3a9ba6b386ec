"""A coordinator's view of the audit trail: who viewed, changed, printed or exported what, and
when, newest first, filtered by person, kind of action, case and period; and whether the trail
is whole (caseworker.core.services.audit.verify, run off the GUI thread)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from caseworker.core.i18n import N_, _, fill, format_datetime, format_number, is_right_to_left, isolate, ngettext
from caseworker.core.labels import label
from caseworker.core.models.enums import AuditAction, Role
from caseworker.core.services import audit
from caseworker.core.services.accounts import SignedIn
from caseworker.ui.start import error_text
from caseworker.ui.tasks import Task

SORT_ROLE = Qt.ItemDataRole.UserRole
Index = QModelIndex | QPersistentModelIndex
_PROBLEM_STYLE = "color: #b3261e;"
_WHOLE_STYLE = "color: #1b6e2c;"


class Column(IntEnum):
    WHEN = 0
    WHO = 1
    WHAT = 2
    CASE = 3
    DETAIL = 4


_HEADERS = {
    Column.WHEN: N_("When"),
    Column.WHO: N_("Who"),
    Column.WHAT: N_("What"),
    Column.CASE: N_("Case"),
    Column.DETAIL: N_("Details"),
}

# What a case's save changed, named as the case editor names its sections (the same messages).
_SECTIONS = {
    "case": N_("Case"),
    "participation": N_("Case"),
    "person": N_("Person"),
    "languages": N_("Languages"),
    "legal_status": N_("Legal status and work authorisation"),
    "education": N_("Education"),
    "qualifications": N_("Qualifications and recognition"),
    "experience": N_("Work experience"),
    "goals": N_("Goals"),
    "meetings": N_("Meetings"),
    "consent": N_("Consent"),
    "sensitive": N_("Sensitive details"),
}

# The periods offered, in days back from now (None: the whole trail).
_PERIODS: tuple[tuple[str, int | None], ...] = (
    (N_("Last 7 days"), 7),
    (N_("Last 30 days"), 30),
    (N_("Last 12 months"), 365),
    (N_("Whole trail"), None),
)


def _own(value: str) -> str:
    """A name, reference or file name keeps its own direction inside right-to-left text."""
    return isolate(value) if value and is_right_to_left() else value


def detail_text(row: audit.AuditRow) -> str:
    """An entry's details in the reader's language where they name sections; otherwise the
    fixed words the entry was written with (a template's id, a status, a file's name)."""
    if row.action in (AuditAction.CASE_CHANGED, AuditAction.CASE_CLOSED, AuditAction.CASE_REOPENED):
        names = dict.fromkeys(_(_SECTIONS[part]) for part in row.detail.split(",") if part in _SECTIONS)
        return ", ".join(names)
    detail = row.detail.replace(":", " · ")
    if row.action in (AuditAction.USER_ADDED, AuditAction.ROLE_CHANGED) and row.detail in Role._value2member_map_:
        detail = label(Role(row.detail))
    parts = [_own(part) for part in (row.subject, detail) if part]
    return " — ".join(parts)


class AuditModel(QAbstractTableModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[audit.AuditRow] = []

    def set_rows(self, rows: list[audit.AuditRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(Column):
            return _(_HEADERS[Column(section)])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row, column = self.rows[index.row()], Column(index.column())
        if role == SORT_ROLE:
            return row.id if column is Column.WHEN else self.data(index, Qt.ItemDataRole.DisplayRole)
        if role == Qt.ItemDataRole.ToolTipRole and column is Column.WHEN:
            return fill(_("Entry {number}"), number=format_number(row.id))
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        match column:
            case Column.WHEN:
                return format_datetime(row.at.astimezone(), "short")
            case Column.WHO:
                return _own(row.actor)
            case Column.WHAT:
                return label(row.action)
            case Column.CASE:
                return _own(row.case_reference)
            case Column.DETAIL:
                return detail_text(row)

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(Column) - 1)
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, len(Column) - 1))


class AuditWindow(QDialog):
    """Read only: nothing here changes the trail, and opening it is not itself recorded."""

    def __init__(
        self,
        signed_in: SignedIn,
        parent: QWidget | None = None,
        *,
        now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        super().__init__(parent)
        self.setObjectName("auditWindow")
        self._signed_in = signed_in
        self._now = now
        self._verify_task: Task | None = None

        self.who = QComboBox(self)
        self.who.setObjectName("auditWho")
        self.what = QComboBox(self)
        self.what.setObjectName("auditWhat")
        self.case = QLineEdit(self)
        self.case.setObjectName("auditCase")
        self.case.setClearButtonEnabled(True)
        self.period = QComboBox(self)
        self.period.setObjectName("auditPeriod")
        self.who_label, self.what_label, self.case_label, self.period_label = (QLabel(self) for _i in range(4))
        for text_label, field in ((self.who_label, self.who), (self.what_label, self.what),
                                  (self.case_label, self.case), (self.period_label, self.period)):
            text_label.setBuddy(field)

        self.model = AuditModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView(self)
        self.table.setObjectName("auditTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Column.WHEN, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.empty = QLabel(self)
        self.empty.setObjectName("auditEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)

        self.count = QLabel(self)
        self.chain = QLabel(self)
        self.chain.setObjectName("auditChain")
        self.chain.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.rejected.connect(self.reject)

        filters = QHBoxLayout()
        for text_label, field in ((self.who_label, self.who), (self.what_label, self.what),
                                  (self.case_label, self.case), (self.period_label, self.period)):
            filters.addWidget(text_label)
            filters.addWidget(field, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.count)
        layout.addWidget(self.chain)
        layout.addWidget(self.buttons)

        # Typing a reference filters once the typing pauses, not at every letter.
        self._case_typed = QTimer(self)
        self._case_typed.setSingleShot(True)
        self._case_typed.setInterval(300)
        self._case_typed.timeout.connect(self.reload)
        self.case.textChanged.connect(self._case_typed.start)
        self.retranslate()
        self.period.setCurrentIndex(1)
        for combo in (self.who, self.what, self.period):
            combo.currentIndexChanged.connect(self.reload)
        self.resize(900, 600)
        self.reload()
        self.check_chain()

    # --- filters ----------------------------------------------------------------------------

    def current_filter(self) -> audit.AuditFilter:
        days = self.period.currentData()
        return audit.AuditFilter(
            actor=self.who.currentData() or None,
            action=AuditAction(self.what.currentData()) if self.what.currentData() else None,
            case_reference=self.case.text().strip() or None,
            since=self._now() - dt.timedelta(days=days) if days else None,
        )

    def reload(self) -> None:
        try:
            rows = audit.entries(self._signed_in.store, self.current_filter())
        except Exception as error:  # noqa: BLE001 - said in the window, in the person's words
            rows = []
            self.empty.setText(error_text(error))
            self.stack.setCurrentWidget(self.empty)
            self.model.set_rows(rows)
            return
        self.model.set_rows(rows)
        self._update_state()

    def _update_state(self) -> None:
        shown = len(self.model.rows)
        self.count.setText(ngettext("{count} entry", "{count} entries", shown).format(count=format_number(shown)))
        if shown:
            self.stack.setCurrentWidget(self.table)
        else:
            self.empty.setText(_("No entries match these filters. Choose a longer period or fewer filters."))
            self.stack.setCurrentWidget(self.empty)

    def _fill_combos(self) -> None:
        for combo in (self.who, self.what, self.period):
            combo.blockSignals(True)
        chosen = (self.who.currentData(), self.what.currentData(), self.period.currentIndex())
        self.who.clear()
        self.who.addItem(_("Everyone"), "")
        for name in audit.actors(self._signed_in.store):
            self.who.addItem(name, name)
        self.what.clear()
        self.what.addItem(_("Every action"), "")
        for action in AuditAction:
            self.what.addItem(label(action), action.value)
        self.period.clear()
        for text, days in _PERIODS:
            self.period.addItem(_(text), days)
        self.who.setCurrentIndex(max(self.who.findData(chosen[0]), 0))
        self.what.setCurrentIndex(max(self.what.findData(chosen[1]), 0))
        self.period.setCurrentIndex(max(chosen[2], 0))
        for combo in (self.who, self.what, self.period):
            combo.blockSignals(False)

    # --- the chain --------------------------------------------------------------------------

    def check_chain(self) -> None:
        self.chain.setStyleSheet("")
        self.chain.setText(_("Checking that no entry was changed or removed…"))
        store = self._signed_in.store
        self._verify_task = Task(lambda: (audit.verify(store), audit.count(store)), self)
        self._verify_task.done.connect(self._chain_checked)
        self._verify_task.failed.connect(lambda error: self._show_chain(None, 0, error))
        self._verify_task.start()

    def _chain_checked(self, result: tuple[list[audit.ChainProblem], int]) -> None:
        self._show_chain(*result)

    def _show_chain(self, problems: list[audit.ChainProblem] | None, total: int, error: object = None) -> None:
        self._chain_result = (problems, total, error)
        if error is not None:
            self.chain.setStyleSheet(_PROBLEM_STYLE)
            self.chain.setText(error_text(error))  # type: ignore[arg-type]
        elif problems:
            self.chain.setStyleSheet(_PROBLEM_STYLE)
            self.chain.setText("\n".join(problem.message for problem in problems))
        else:
            self.chain.setStyleSheet(_WHOLE_STYLE)
            self.chain.setText(
                ngettext(
                    "The trail is whole: {count} entry, none changed or removed.",
                    "The trail is whole: {count} entries, none changed or removed.",
                    total,
                ).format(count=format_number(total))
            )

    # --- language ---------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.setWindowTitle(_("Audit trail"))
        self.who_label.setText(_("&Who"))
        self.what_label.setText(_("W&hat"))
        self.case_label.setText(_("Case &reference"))
        self.period_label.setText(_("&Period"))
        self.case.setPlaceholderText(_("Case reference, e.g. 2026-00012"))
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        self._fill_combos()
        self.model.retranslate()
        self._update_state()
        if getattr(self, "_chain_result", None) is not None:
            self._show_chain(*self._chain_result)
