"""The parts of a list in a case file (languages, legal statuses, meetings…): one table model per
kind of record, a table that edits on Enter, a small dialog for one record, and the section that
puts them together with Add, Edit and Remove."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from caseworker.core.errors import CaseworkerError, Problem, ValidationFailed
from caseworker.core.i18n import N_, _, isolate
from caseworker.ui.widgets.forms import FormRows, heading

RAW_ROLE = Qt.ItemDataRole.UserRole  # the stored value of a cell: sorting uses it
RECORD_ROLE = Qt.ItemDataRole.UserRole + 1  # the whole record of the row

Index = QModelIndex | QPersistentModelIndex

PROBLEM_STYLE = "color: #b3261e;"


def yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def text_or_blank(value: object) -> str:
    return "" if value is None else str(value)


def one_line(text: str) -> str:
    """Notes keep their line breaks in the record; a table cell shows them on one line."""
    return " ".join(text.split())


@dataclass(frozen=True, slots=True)
class Column:
    title: str  # marked with N_, translated when shown
    value: Callable[[Any], object]  # the raw value, for sorting (and for tests)
    text: Callable[[Any], str]  # what the cell shows, in the current language


class RecordTableModel(QAbstractTableModel):
    """A table over a list of frozen records. Subclasses name their columns with constants and
    list them in COLUMNS; DisplayRole is formatted text, RAW_ROLE the stored value."""

    COLUMNS: tuple[Column, ...] = ()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._records: list[Any] = []
        self._problems: dict[int, list[Problem]] = {}

    # --- Qt's side --------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._records)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._records) or index.column() >= len(self.COLUMNS):
            return None
        record = self._records[index.row()]
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(record)
        if role == RAW_ROLE:
            return column.value(record)
        if role == RECORD_ROLE:
            return record
        problems = self._problems.get(index.row())
        if role == Qt.ItemDataRole.ToolTipRole:
            if problems:
                return "\n".join(p.message for p in problems)
            return column.text(record) or None
        if role == Qt.ItemDataRole.DecorationRole and problems and index.column() == 0:
            return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            if 0 <= section < len(self.COLUMNS):
                return _(self.COLUMNS[section].title)
            return None
        return str(section + 1)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    # --- the records ------------------------------------------------------------------------

    def records(self) -> tuple[Any, ...]:
        return tuple(self._records)

    def record(self, row: int) -> Any:
        return self._records[row]

    def set_records(self, records: Sequence[Any]) -> None:
        self.beginResetModel()
        self._records = list(records)
        self._problems = {}
        self.endResetModel()

    def append(self, record: Any) -> int:
        row = len(self._records)
        self.beginInsertRows(QModelIndex(), row, row)
        self._records.append(record)
        self.endInsertRows()
        return row

    def replace(self, row: int, record: Any) -> None:
        self._records[row] = record
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))

    def remove(self, row: int) -> Any:
        self.beginRemoveRows(QModelIndex(), row, row)
        record = self._records.pop(row)
        self.endRemoveRows()
        # Problems belong to rows by position; after a removal they no longer point right.
        self.set_problems({})
        return record

    def set_problems(self, problems: dict[int, list[Problem]]) -> None:
        changed = set(self._problems) | set(problems)
        self._problems = {row: list(p) for row, p in problems.items() if 0 <= row < len(self._records)}
        for row in changed:
            if 0 <= row < len(self._records):
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))

    def retranslate(self) -> None:
        if self.COLUMNS:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.COLUMNS) - 1)
        if self._records:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._records) - 1, len(self.COLUMNS) - 1))


class RecordTable(QTableView):
    """A read-only table of records: Enter edits the current row, Delete removes it, and Tab
    leaves the table instead of walking its cells."""

    editRequested = Signal()
    removeRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().lineSpacing() + 10)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # the order as recorded, until a header is clicked
        self.setSortingEnabled(True)
        self.doubleClicked.connect(self.editRequested)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.editRequested.emit()
            event.accept()
            return
        if event.key() == Qt.Key.Key_Delete and self.currentIndex().isValid():
            self.removeRequested.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class RecordDialog(QDialog):
    """A small form for one record. Subclasses lay out their fields in build_form(), fill them
    in fill() and turn them into a record in build(); the record's id is kept, so the service
    updates an edited record instead of adding it again."""

    ADD_TITLE: ClassVar[str] = N_("Add")
    EDIT_TITLE: ClassVar[str] = N_("Edit")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.rows = FormRows(self.form)
        self.problem_label = QLabel(self)
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet(PROBLEM_STYLE)
        self.problem_label.setVisible(False)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.problem_label)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self._record_id: int | None = None
        self._editing = False
        self._problems: list[Problem] = []
        self.result_record: Any = None
        self.build_form()
        self.setMinimumWidth(max(self.fontMetrics().averageCharWidth() * 60, 420))

    # --- what subclasses do -------------------------------------------------------------------

    def build_form(self) -> None:
        raise NotImplementedError

    def fill(self, record: Any) -> None:
        """Show ``record`` in the fields; None means a new record, with sensible defaults."""
        raise NotImplementedError

    def build(self, record_id: int | None) -> Any:
        """The record the fields describe; raises ValidationFailed naming the fields by key."""
        raise NotImplementedError

    # --- the dialog ---------------------------------------------------------------------------

    def set_record(self, record: Any) -> None:
        self._record_id = None if record is None else record.id
        self._editing = record is not None
        self.fill(record)
        self.retranslate()

    def record(self) -> Any:
        return self.build(self._record_id)

    def accept(self) -> None:
        try:
            record = self.record()
        except ValidationFailed as failed:
            self._show_problems(failed.problems)
            return
        except CaseworkerError as error:
            self._show_problems([Problem("", error.template, **error.values)])
            return
        self.result_record = record
        super().accept()

    def retranslate(self) -> None:
        self.setWindowTitle(_(self.EDIT_TITLE if self._editing else self.ADD_TITLE))
        self.rows.retranslate()
        self._show_problems(self._problems)

    def _show_problems(self, problems: list[Problem]) -> None:
        self._problems = list(problems)
        self.rows.clear_marks()
        by_field: dict[str, list[str]] = {}
        for problem in problems:
            by_field.setdefault(problem.where, []).append(problem.message)
        for key, messages in by_field.items():
            self.rows.mark(key, messages)
        self.problem_label.setText("\n".join(p.message for p in problems))
        self.problem_label.setVisible(bool(problems))
        if problems:
            field = self.rows.field(problems[0].where)
            if field is not None:
                field.setFocus(Qt.FocusReason.OtherFocusReason)


class ListSection(QWidget):
    """One list of a case file: a heading, the table (or a sentence saying what belongs here
    while it is empty) and Add / Edit / Remove. Edits open a RecordDialog, without a nested
    event loop; ``dialog`` is the one open, if any."""

    changed = Signal()

    TITLE: ClassVar[str] = ""
    EMPTY: ClassVar[str] = ""
    ADD: ClassVar[str] = N_("Add…")
    REMOVE_QUESTION: ClassVar[str] = N_("Remove {entry} from the case file?")
    model_class: ClassVar[type[RecordTableModel]] = RecordTableModel
    dialog_class: ClassVar[type[RecordDialog]] = RecordDialog

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = heading(self)
        self.model = self.model_class(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(RAW_ROLE)
        self.proxy.setSortLocaleAware(True)
        self.table = RecordTable(self)
        self.table.setModel(self.proxy)
        self.empty = QLabel(self)
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setMargin(24)
        muted = self.empty.palette()
        muted.setColor(QPalette.ColorRole.WindowText, muted.color(QPalette.ColorRole.PlaceholderText))
        self.empty.setPalette(muted)
        self.views = QStackedWidget(self)
        self.views.addWidget(self.table)
        self.views.addWidget(self.empty)
        self.add_button = QPushButton(self)
        self.edit_button = QPushButton(self)
        self.remove_button = QPushButton(self)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.views, 1)
        layout.addLayout(buttons)
        self.dialog: RecordDialog | None = None
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit)
        self.remove_button.clicked.connect(self.remove)
        self.table.editRequested.connect(self.edit)
        self.table.removeRequested.connect(self.remove)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        for signal in (self.model.rowsInserted, self.model.rowsRemoved, self.model.modelReset):
            signal.connect(self._on_rows_changed)
        self.model.dataChanged.connect(self._on_data_changed)
        self._on_rows_changed()

    # --- what subclasses say ------------------------------------------------------------------

    def describe(self, record: Any) -> str:
        """A few words that name a record in a question, such as "Arabic"."""
        raise NotImplementedError

    def new_dialog(self) -> RecordDialog:
        return self.dialog_class(self)

    # --- records ------------------------------------------------------------------------------

    def records(self) -> tuple[Any, ...]:
        return self.model.records()

    def set_records(self, records: Sequence[Any]) -> None:
        self.close_dialog()
        self.model.set_records(records)

    def selected_row(self) -> int:
        """The row in the model (not the sorted view) of the selected record, or -1."""
        index = self.table.selectionModel().currentIndex()
        if not index.isValid() or not self.table.selectionModel().isRowSelected(index.row(), QModelIndex()):
            return -1
        return self.proxy.mapToSource(index).row()

    def select_row(self, row: int) -> None:
        if not 0 <= row < self.model.rowCount():
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.scrollTo(index)

    # --- actions ------------------------------------------------------------------------------

    def add(self) -> None:
        self._open(None, -1)

    def edit(self) -> None:
        row = self.selected_row()
        if row >= 0:
            self._open(self.model.record(row), row)

    def remove(self) -> None:
        row = self.selected_row()
        if row < 0:
            return
        record = self.model.record(row)
        answer = QMessageBox.question(
            self,
            _("Remove entry"),
            _(self.REMOVE_QUESTION).format(entry=isolate(self.describe(record))),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.model.remove(row)
        if self.model.rowCount():
            self.select_row(min(row, self.model.rowCount() - 1))
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.add_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def close_dialog(self) -> None:
        if self.dialog is not None:
            self.dialog.reject()

    def _open(self, record: Any, row: int) -> None:
        self.close_dialog()
        dialog = self.new_dialog()
        dialog.set_record(record)
        dialog.accepted.connect(lambda: self._commit(dialog, row))
        dialog.finished.connect(lambda _result: self._forget(dialog))
        self.dialog = dialog
        dialog.open()

    def _commit(self, dialog: RecordDialog, row: int) -> None:
        record = dialog.result_record
        if row < 0:
            row = self.model.append(record)
        else:
            self.model.replace(row, record)
        self.select_row(row)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _forget(self, dialog: RecordDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    # --- problems and language ----------------------------------------------------------------

    def show_problems(self, problems: dict[int, list[Problem]]) -> None:
        self.model.set_problems(problems)

    def focus_problem(self, row: int) -> None:
        self.select_row(row)
        if self.views.currentWidget() is self.table:
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def retranslate(self) -> None:
        self.title.setText(_(self.TITLE))
        self.empty.setText(_(self.EMPTY))
        self.table.setAccessibleName(_(self.TITLE))
        self.add_button.setText(_(self.ADD))
        self.edit_button.setText(_("Edit…"))
        self.remove_button.setText(_("Remove"))
        self.add_button.setAccessibleName(_(self.ADD))
        self.edit_button.setAccessibleName(_("Edit the selected entry"))
        self.remove_button.setAccessibleName(_("Remove the selected entry"))
        self.model.retranslate()
        if self.dialog is not None:
            self.dialog.retranslate()

    def _on_rows_changed(self) -> None:
        self.views.setCurrentWidget(self.table if self.model.rowCount() else self.empty)
        self._update_buttons()
        self.changed.emit()

    def _on_data_changed(self) -> None:
        self.changed.emit()

    def _update_buttons(self) -> None:
        selected = self.selected_row() >= 0
        self.edit_button.setEnabled(selected)
        self.remove_button.setEnabled(selected)
