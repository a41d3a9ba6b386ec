"""One breakdown of a statistics report on screen: its heading, its table (group, count, percent,
and the total) and beside it a bar chart of the counts shown.

A hidden count has no number anywhere here (the `Report` holds none): the table shows the word
for it in grey italics with a tooltip saying why, the chart its label and the word, no bar.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QLineF,
    QModelIndex,
    QPersistentModelIndex,
    QRectF,
    QSize,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QHelpEvent, QPainter, QPaintEvent, QTextOption
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableView,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from caseworker.core.i18n import N_, _, fill, format_number, is_right_to_left, isolate, pgettext
from caseworker.core.stats.model import DEFAULT_MIN_CELL, Cell, Table
from caseworker.reports.stats_text import percent_text
from caseworker.ui.widgets.forms import in_ui_direction

SORT_ROLE = Qt.ItemDataRole.UserRole
CELL_ROLE = Qt.ItemDataRole.UserRole + 1  # the Cell of a row; None on the total row

Index = QModelIndex | QPersistentModelIndex

HIDDEN_COLOUR = QColor("#767676")  # grey that still reads on white (4.5:1)
BAR = QColor("#3b6ea5")
PART_BAR = QColor("#93b5d9")  # a row that is part of another ("of whom …"), as in the PDF
AXIS = QColor("#555555")


class Column(IntEnum):
    GROUP = 0
    COUNT = 1
    PERCENT = 2


_HEADERS = {Column.COUNT: N_("Count"), Column.PERCENT: N_("Percentage")}


def hidden_marker() -> str:
    # TRANSLATORS: shown in a statistics table instead of a count that is hidden to protect people
    return pgettext("statistics", "suppressed")


def hidden_reason(min_cell: int) -> str:
    return fill(
        _(
            "Not shown, to protect people: a count from 1 to {largest}, or a count hidden so that such a count "
            "cannot be worked out from the others."
        ),
        largest=min_cell - 1,
    )


class BreakdownModel(QAbstractTableModel):
    """The rows of one table in the report's order, then its total. Sorting uses SORT_ROLE: the
    report's order for the group column, the count (a hidden one below zero) for the others."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._table: Table | None = None
        self._min_cell = DEFAULT_MIN_CELL

    def set_table(self, table: Table | None, min_cell: int = DEFAULT_MIN_CELL) -> None:
        self.beginResetModel()
        self._table = table
        self._min_cell = min_cell
        self.endResetModel()

    @property
    def table(self) -> Table | None:
        return self._table

    def is_total(self, row: int) -> bool:
        return self._table is not None and row == len(self._table.rows)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        if parent.isValid() or self._table is None:
            return 0
        return len(self._table.rows) + 1

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if not 0 <= section < len(Column):
            return None
        if section == Column.GROUP:
            # The breakdown's own name ("Gender", "Age"), already in the report's language.
            return self._table.breakdown_label if self._table is not None else ""
        return _(_HEADERS[Column(section)])

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self._table is None or not 0 <= index.row() < self.rowCount():
            return None
        if not 0 <= index.column() < len(Column):
            return None
        column = Column(index.column())
        total = self.is_total(index.row())
        cell = None if total else self._table.rows[index.row()]
        count = self._table.total if cell is None else cell.count
        hidden = count is None and column is Column.COUNT
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(cell, count, column)
        if role == SORT_ROLE:
            return self._raw(index.row(), cell, count, column)
        if role == CELL_ROLE:
            return cell
        if role == Qt.ItemDataRole.FontRole and (total or hidden):
            font = QFont()
            font.setBold(total)
            font.setItalic(hidden)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and hidden:
            return HIDDEN_COLOUR
        if role == Qt.ItemDataRole.ToolTipRole and hidden:
            return hidden_reason(self._min_cell)
        if role == Qt.ItemDataRole.TextAlignmentRole and column is not Column.GROUP:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _display(self, cell: Cell | None, count: int | None, column: Column) -> str:
        match column:
            case Column.GROUP:
                if cell is None:
                    return _("Total")
                # A label in another script than the interface's ("18 to 29" not yet translated)
                # keeps its own direction in a right-to-left table.
                return isolate(cell.label) if is_right_to_left() else cell.label
            case Column.COUNT:
                return hidden_marker() if count is None else format_number(count)
            case Column.PERCENT:
                # Percentages are given only over at least K people; the total is all of them.
                return "" if cell is None or cell.percent is None else percent_text(cell.percent)

    @staticmethod
    def _raw(row: int, cell: Cell | None, count: int | None, column: Column) -> Any:
        if column is Column.GROUP:
            return row
        if column is Column.PERCENT:
            return -1.0 if cell is None or cell.percent is None else cell.percent
        return -1 if count is None else count


class TotalLastProxy(QSortFilterProxyModel):
    """Sorts a breakdown by any column and keeps its total as the last row either way."""

    def __init__(self, source: BreakdownModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSourceModel(source)
        self.setSortRole(SORT_ROLE)
        self._source = source

    def lessThan(self, left: Index, right: Index) -> bool:  # noqa: N802 - Qt's name
        left_total, right_total = self._source.is_total(left.row()), self._source.is_total(right.row())
        if left_total or right_total:
            # Qt sorts descending by swapping the question; the answer is swapped with it.
            descending = self.sortOrder() == Qt.SortOrder.DescendingOrder
            return right_total != descending if left_total != right_total else False
        return bool(left.data(SORT_ROLE) < right.data(SORT_ROLE))

    def cells(self) -> list[Cell]:
        """The rows in the order shown, without the total."""
        shown = (self.index(row, 0).data(CELL_ROLE) for row in range(self.rowCount()))
        return [cell for cell in shown if cell is not None]


class FittedTableView(QTableView):
    """A table as tall as its rows, so that the window scrolls, not each table in it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setTabKeyNavigation(False)
        self.setWordWrap(True)
        self.setAlternatingRowColors(True)
        self.verticalHeader().hide()
        # Long group names ("of whom applied for recognition of …") wrap onto more lines.
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.verticalHeader().sectionResized.connect(lambda *_args: self.updateGeometry())
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)

    def setModel(self, model: Any) -> None:  # noqa: N802 - Qt's name
        super().setModel(model)
        self.horizontalHeader().setSectionResizeMode(Column.GROUP, QHeaderView.ResizeMode.Stretch)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        rows = sum(self.rowHeight(row) for row in range(self.model().rowCount())) if self.model() else 0
        height = self.horizontalHeader().sizeHint().height() + rows + 2 * self.frameWidth()
        return QSize(super().sizeHint().width(), height)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(super().minimumSizeHint().width(), self.sizeHint().height())


class BarChart(QWidget):
    """Horizontal bars of the counts shown, on one scale: a label, a bar, its number. A hidden
    count gets its label and the marker word, no bar. Mirrored in a right-to-left language:
    labels on the right, bars growing to the left."""

    LABEL_SHARE = 0.4

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("barChart")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._rows: list[Cell] = []
        self._largest = 0
        self._marker = ""

    def set_rows(self, rows: Sequence[Cell], marker: str) -> None:
        self._rows = list(rows)
        self._largest = max((cell.count for cell in self._rows if cell.count is not None), default=0)
        self._marker = marker
        self.updateGeometry()
        self.update()

    def rows(self) -> list[Cell]:
        return list(self._rows)

    def _row_height(self) -> float:
        return QFontMetricsF(self.font()).height() * 1.6

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(360, int(self._row_height() * len(self._rows)) + 2)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(200, self.sizeHint().height())

    # --- geometry, on screen: left is left whatever the language ------------------------------

    def _label_width(self) -> float:
        return self.width() * self.LABEL_SHARE

    def _gap(self) -> float:
        return QFontMetricsF(self.font()).horizontalAdvance("0")

    def _value_width(self) -> float:
        return QFontMetricsF(self.font()).horizontalAdvance("0" * 8)

    def _bar_room(self) -> float:
        return max(self.width() - self._label_width() - self._value_width() - 3 * self._gap(), 0.0)

    def _x(self, distance: float) -> float:
        """A point ``distance`` from the axis, into the bars' side (leftwards when mirrored)."""
        if self.isRightToLeft():
            return self.width() - self._label_width() - self._gap() - distance
        return self._label_width() + self._gap() + distance

    def _span(self, top: float, start: float, length: float) -> QRectF:
        a, b = self._x(start), self._x(start + length)
        return QRectF(min(a, b), top, abs(b - a), self._row_height())

    def bar_rect(self, index: int) -> QRectF | None:
        """Where the bar of row ``index`` is drawn; None for a hidden count."""
        cell = self._rows[index]
        if cell.count is None:
            return None
        length = self._bar_room() * cell.count / self._largest if self._largest else 0.0
        row_height = self._row_height()
        bar = self._span(index * row_height + row_height * 0.2, 0, length)
        bar.setHeight(row_height * 0.6)
        return bar

    def label_rect(self, index: int) -> QRectF:
        x = self.width() - self._label_width() if self.isRightToLeft() else 0.0
        return QRectF(x, index * self._row_height(), self._label_width(), self._row_height())

    def row_text(self, index: int) -> str:
        """A row in words, for the tooltip: its whole label and its count (or the marker)."""
        cell = self._rows[index]
        return fill(_("{group}: {count}"), group=cell.label,
                    count=self._marker if cell.count is None else format_number(cell.count))

    def event(self, event: QEvent) -> bool:
        # Long labels are cut short on the chart; the whole of one shows on hovering its row.
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            row = int(event.pos().y() // self._row_height())
            if 0 <= row < len(self._rows):
                QToolTip.showText(event.globalPos(), self.row_text(row), self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        mirrored = self.isRightToLeft()
        left, right = Qt.AlignmentFlag.AlignLeft, Qt.AlignmentFlag.AlignRight
        towards_axis, away = (left, right) if mirrored else (right, left)
        direction = Qt.LayoutDirection.RightToLeft if mirrored else Qt.LayoutDirection.LeftToRight
        metrics = QFontMetricsF(self.font())
        marker_font = QFont(self.font())
        marker_font.setItalic(True)
        text_colour = self.palette().windowText().color()
        row_height = self._row_height()
        for index, cell in enumerate(self._rows):
            top = index * row_height
            box = self.label_rect(index)
            label = metrics.elidedText(cell.label, Qt.TextElideMode.ElideRight, box.width())
            # A label is data: its own first letter says which way it reads.
            _draw_text(painter, box, label, self.font(), text_colour, towards_axis,
                       Qt.LayoutDirection.LayoutDirectionAuto)
            bar = self.bar_rect(index)
            if bar is None:
                _draw_text(painter, self._span(top, self._gap(), self._bar_room()), self._marker, marker_font,
                           HIDDEN_COLOUR, away, direction)
                continue
            painter.fillRect(bar, PART_BAR if cell.part_of is not None else BAR)
            value = self._span(top, bar.width() + self._gap(), self._value_width())
            _draw_text(painter, value, format_number(cell.count or 0), self.font(), text_colour, away, direction)
        if self._rows:
            painter.setPen(AXIS)
            painter.drawLine(QLineF(self._x(0), 0, self._x(0), len(self._rows) * row_height))
        painter.end()


def _draw_text(painter: QPainter, box: QRectF, text: str, font: QFont, colour: QColor, alignment: Qt.AlignmentFlag,
               direction: Qt.LayoutDirection) -> None:
    """One line in a box; ``alignment`` is on the screen (left is left), whatever the direction."""
    option = QTextOption(alignment | Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignAbsolute)
    option.setTextDirection(direction)
    option.setWrapMode(QTextOption.WrapMode.NoWrap)
    painter.setFont(font)
    painter.setPen(colour)
    painter.drawText(box, text, option)


class BreakdownSection(QWidget):
    """One table of the chosen measure: its heading, the table and, beside it, its chart."""

    def __init__(self, table: Table, min_cell: int, note: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"breakdown-{table.id}")
        # Labels are data that may be in another script: each line takes the interface's direction.
        self.heading = QLabel(in_ui_direction(table.breakdown_label), self)
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.model = BreakdownModel(self)
        self.model.set_table(table, min_cell)
        self.proxy = TotalLastProxy(self.model, self)
        self.view = FittedTableView(self)
        self.view.setObjectName("breakdownTable")
        self.view.setModel(self.proxy)
        # The report's own order first, with no column marked as sorted, until the person sorts.
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSortingEnabled(True)
        self.view.setAccessibleName(table.breakdown_label)
        self.chart = BarChart(self)
        self.chart.setAccessibleName(fill(_("Bar chart: {breakdown}"), breakdown=table.breakdown_label))
        self.note = QLabel(in_ui_direction(note) if note else "", self)
        self.note.setWordWrap(True)
        self.note.setVisible(bool(note))
        italic = self.note.font()
        italic.setItalic(True)
        self.note.setFont(italic)
        # The chart follows the order the table is sorted in.
        self.proxy.layoutChanged.connect(self._chart_follows)
        self._chart_follows()
        row = QHBoxLayout()
        row.addWidget(self.view, 3, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.chart, 2, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addLayout(row)
        layout.addWidget(self.note)

    def _chart_follows(self) -> None:
        self.chart.set_rows(self.proxy.cells(), hidden_marker())
