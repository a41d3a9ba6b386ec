"""A statistics report as a PDF for people: a first page on what the report is and how it was
protected, then each measure's tables, each with a bar chart of the counts shown.

Text goes through Qt's rich text (which shapes Arabic and lays out right-to-left text), charts
are painted. The pages are planned before anything is drawn, so that a table and its chart are
kept together on one page where they fit, and every page can say how many there are.
"""

from __future__ import annotations

import dataclasses
import errno
import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QLineF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPdfWriter, QTextDocument, QTextOption

from caseworker.core.i18n import _, fill, format_number, is_right_to_left, speaking
from caseworker.core.stats.model import Cell, Report, Table
from caseworker.reports.output import a4_pdf_writer, written_whole
from caseworker.reports.stats_text import ReportWords, percent_text, report_words

MARGIN_MM = 16
BODY_PT = 10
CHART_PT = 8.5
FOOTER_PT = 8
BAR = QColor("#3b6ea5")
PART_BAR = QColor("#93b5d9")  # a row that is part of another ("of whom …")
AXIS = QColor("#555555")
MARKER = QColor("#808080")
TEXT = QColor("#000000")
HEADER_BACKGROUND = "#e8eef5"
TOTAL_BACKGROUND = "#f2f2f2"


@dataclass(frozen=True, slots=True)
class Block:
    """A piece of the page that is never cut: its height (with the space after it), how to draw
    it with its top at a given height, whether it belongs on a page with the next one (a heading
    with its table, a table with its chart), and whether a new page starts after it."""

    height: float
    paint: Callable[[QPainter, float], None]
    keep_with_next: bool = False
    page_break_after: bool = False


def plan_pages(blocks: Sequence[Block], page_height: float) -> list[list[tuple[Block, float]]]:
    """Each page's blocks with their tops. Blocks kept together move to a new page together when
    they do not fit on this one; if they do not fit on any page, they are split between blocks."""
    pages: list[list[tuple[Block, float]]] = [[]]
    top = 0.0

    def new_page() -> None:
        nonlocal top
        if pages[-1]:
            pages.append([])
        top = 0.0

    for unit in _kept_together(blocks):
        needed = sum(block.height for block in unit)
        # Too long for any page, it starts here only if at least its first two blocks fit: a
        # heading is not left alone at the foot of a page.
        if needed > page_height:
            needed = sum(block.height for block in unit[:2])
        if top + needed > page_height:
            new_page()
        for block in unit:
            if top + block.height > page_height:
                new_page()
            pages[-1].append((block, top))
            top += block.height
        if unit[-1].page_break_after:
            new_page()
    return [page for page in pages if page]


def _kept_together(blocks: Sequence[Block]) -> list[list[Block]]:
    units: list[list[Block]] = [[]]
    for block in blocks:
        units[-1].append(block)
        if not block.keep_with_next or block.page_break_after:
            units.append([])
    return [unit for unit in units if unit]


def write_pdf(report: Report, out: Path, language: str) -> None:
    """An A4 PDF, written whole or not at all. Needs a QGuiApplication (reports.qt), not a window."""
    with speaking(language):
        words = report_words(report)
        with written_whole(out) as partial:
            writer = a4_pdf_writer(partial, MARGIN_MM)
            writer.setTitle(report.title)
            _draw(report, words, _Layout.on(writer, is_right_to_left(language)))
            del writer  # the PDF is finished when the writer goes


@dataclass(frozen=True, slots=True)
class _Layout:
    """Where the blocks go: the device (for its resolution), the width and height a page's
    content may take (the footer aside), and the reading direction."""

    device: QPdfWriter
    width: float
    height: float
    right_to_left: bool
    space: float  # between blocks

    @classmethod
    def on(cls, writer: QPdfWriter, right_to_left: bool) -> _Layout:
        footer = QFontMetricsF(_font(FOOTER_PT), writer).height() * 2
        space = QFontMetricsF(_font(BODY_PT), writer).height()
        return cls(writer, float(writer.width()), writer.height() - footer, right_to_left, space)

    @property
    def direction(self) -> str:
        return "rtl" if self.right_to_left else "ltr"

    @property
    def text_direction(self) -> Qt.LayoutDirection:
        return Qt.LayoutDirection.RightToLeft if self.right_to_left else Qt.LayoutDirection.LeftToRight


def _font(points: float, *, bold: bool = False, italic: bool = False) -> QFont:
    font = QFont()
    font.setPointSizeF(points)
    font.setBold(bold)
    font.setItalic(italic)
    return font


def _draw(report: Report, words: ReportWords, layout: _Layout) -> None:
    blocks = _title_blocks(report, words, layout)
    for measure in report.measures:
        tables = report.tables_of(measure)
        blocks.append(_text_block(layout, f"<h2>{html.escape(tables[0].measure_label)}</h2>", keep_with_next=True))
        for table in tables:
            blocks += _table_blocks(table, words, layout)
    pages = plan_pages(blocks, layout.height)
    painter = QPainter(layout.device)
    if not painter.isActive():
        raise OSError(errno.EIO, "the PDF could not be started")
    try:
        for number, page in enumerate(pages, start=1):
            if number > 1:
                layout.device.newPage()
            for block, top in page:
                block.paint(painter, top)
            footer = fill(_("Page {n} of {total}"), n=format_number(number), total=format_number(len(pages)))
            box = QRectF(0, layout.height, layout.width, layout.device.height() - layout.height)
            _draw_text(
                painter, box, footer, _font(FOOTER_PT), MARKER, Qt.AlignmentFlag.AlignHCenter, layout.text_direction
            )
    finally:
        painter.end()


def _document(layout: _Layout, body: str) -> QTextDocument:
    document = QTextDocument()
    # Lay the text out for the PDF's resolution, not the screen's, so point sizes are points.
    document.documentLayout().setPaintDevice(layout.device)
    document.setDefaultFont(_font(BODY_PT))
    document.setDocumentMargin(0)
    option = document.defaultTextOption()
    option.setTextDirection(layout.text_direction)
    document.setDefaultTextOption(option)
    document.setTextWidth(layout.width)
    document.setHtml(f"<html><body><div dir='{layout.direction}'>{body}</div></body></html>")
    return document


def _text_block(layout: _Layout, body: str, *, keep_with_next: bool = False, page_break_after: bool = False) -> Block:
    document = _document(layout, body)

    def paint(painter: QPainter, top: float) -> None:
        painter.save()
        painter.translate(0, top)
        document.drawContents(painter)
        painter.restore()

    return Block(document.size().height() + layout.space, paint, keep_with_next, page_break_after)


def _title_blocks(report: Report, words: ReportWords, layout: _Layout) -> list[Block]:
    e = html.escape
    head = (
        f"<h1>{e(report.title)}</h1><p>{e(words.period)}<br>{e(words.created)}</p>"
        f"<p>{'<br>'.join(e(line) for line in words.protection)}</p>"
    )
    sections = [head]
    for heading, lines in ((words.notes_heading, report.notes), (words.legal_heading, report.legal_basis)):
        if lines:
            sections.append(f"<h3>{e(heading)}</h3><ul>{''.join(f'<li>{e(line)}</li>' for line in lines)}</ul>")
    sections.append(f"<h3>{e(words.method_heading)}</h3>{''.join(f'<p>{e(line)}</p>' for line in words.method)}")
    last = len(sections) - 1
    return [_text_block(layout, section, page_break_after=index == last) for index, section in enumerate(sections)]


def _table_blocks(table: Table, words: ReportWords, layout: _Layout) -> list[Block]:
    """The table, then its chart, kept together; a table too long for a page goes on in parts,
    each with the column headings."""
    rows = list(table.rows)
    parts = _fitting(
        rows, lambda part: _document(layout, _table_html(table, part, words, layout)).size().height() <= layout.height
    )
    blocks = [
        _text_block(layout, _table_html(table, part, words, layout, last=part is parts[-1]), keep_with_next=True)
        for part in parts
    ]
    chart = _Chart(layout, max((cell.count or 0 for cell in rows), default=0), words.marker)
    per_page = max(1, int((layout.height - layout.space) // chart.row_height))
    for start in range(0, len(rows), per_page):
        blocks.append(chart.block(rows[start : start + per_page], keep_with_next=True))
    blocks[-1] = dataclasses.replace(blocks[-1], keep_with_next=False)
    return blocks


def _fitting(rows: list[Cell], fits: Callable[[list[Cell]], bool]) -> list[list[Cell]]:
    if len(rows) <= 1 or fits(rows):
        return [rows]
    half = len(rows) // 2
    return _fitting(rows[:half], fits) + _fitting(rows[half:], fits)


def _table_html(table: Table, rows: list[Cell], words: ReportWords, layout: _Layout, *, last: bool = True) -> str:
    e = html.escape
    text_align, number_align = ("right", "left") if layout.right_to_left else ("left", "right")
    hidden = f"<span style='color:{MARKER.name()}'><i>{e(words.marker)}</i></span>"

    def row(label: str, count: str, percent: str, background: str = "") -> str:
        cells = [
            f"<td width='60%' align='{text_align}'>{label}</td>",
            f"<td width='20%' align='{number_align}'>{count}</td>",
            f"<td width='20%' align='{number_align}'>{percent}</td>",
        ]
        # Qt's rich text does not mirror a table's columns: put them in reading order here.
        if layout.right_to_left:
            cells.reverse()
        colour = f" bgcolor='{background}'" if background else ""
        return f"<tr{colour}>{''.join(cells)}</tr>"

    lines = [
        row(
            f"<b>{e(table.breakdown_label)}</b>",
            f"<b>{e(words.count)}</b>",
            f"<b>{e(words.percentage)}</b>",
            HEADER_BACKGROUND,
        )
    ]
    for cell in rows:
        label = ("&nbsp;" * 4 if cell.part_of is not None else "") + e(cell.label)
        count = hidden if cell.count is None else e(format_number(cell.count))
        percent = "" if cell.percent is None else e(percent_text(cell.percent))
        lines.append(row(label, count, percent))
    after = ""
    if last:
        total = hidden if table.total is None else f"<b>{e(format_number(table.total))}</b>"
        lines.append(row(f"<b>{e(words.total)}</b>", total, "", TOTAL_BACKGROUND))
        note = words.relation_note(table.relation)
        after = f"<p><small><i>{e(note)}</i></small></p>" if note else ""
    return f"<table width='100%' cellspacing='0' cellpadding='3' border='0' dir='{layout.direction}'>{''.join(lines)}</table>{after}"


class _Chart:
    """Horizontal bars of the counts shown, on one scale for the whole table; a hidden count has
    its label and the marker word, and no bar. Mirrored for a right-to-left language: labels on
    the right, bars growing to the left."""

    def __init__(self, layout: _Layout, largest: int, marker: str) -> None:
        self.layout = layout
        self.largest = largest
        self.marker = marker
        self.font = _font(CHART_PT)
        self.marker_font = _font(CHART_PT, italic=True)
        self.metrics = QFontMetricsF(self.font, layout.device)
        self.row_height = self.metrics.height() * 1.6
        self.label_width = layout.width * 0.38
        self.gap = self.metrics.horizontalAdvance("0")
        self.value_width = self.metrics.horizontalAdvance("0" * 9)
        self.bar_room = layout.width - self.label_width - self.value_width - 3 * self.gap

    def block(self, rows: Sequence[Cell], *, keep_with_next: bool) -> Block:
        def paint(painter: QPainter, top: float) -> None:
            self._paint(painter, top, rows)

        return Block(self.row_height * len(rows) + self.layout.space, paint, keep_with_next)

    def _x(self, distance: float) -> float:
        """A point ``distance`` from the axis, into the bars' side (leftwards when mirrored)."""
        axis = (
            self.layout.width - self.label_width - self.gap
            if self.layout.right_to_left
            else self.label_width + self.gap
        )
        return axis - distance if self.layout.right_to_left else axis + distance

    def _span(self, top: float, start: float, length: float) -> QRectF:
        """A box from ``start`` for ``length`` away from the axis, on one row."""
        a, b = self._x(start), self._x(start + length)
        return QRectF(min(a, b), top, abs(b - a), self.row_height)

    def _paint(self, painter: QPainter, top: float, rows: Sequence[Cell]) -> None:
        layout = self.layout
        start, end = (Qt.AlignmentFlag.AlignLeft, Qt.AlignmentFlag.AlignRight)
        towards_axis, away = (start, end) if layout.right_to_left else (end, start)
        label_x = layout.width - self.label_width if layout.right_to_left else 0.0
        for index, cell in enumerate(rows):
            y = top + index * self.row_height
            label = self.metrics.elidedText(cell.label, Qt.TextElideMode.ElideRight, self.label_width)
            # In the page's direction, as in the table above: "18–29" reads the same in both.
            box = QRectF(label_x, y, self.label_width, self.row_height)
            _draw_text(painter, box, label, self.font, TEXT, towards_axis, layout.text_direction)
            if cell.count is None:
                _draw_text(
                    painter,
                    self._span(y, self.gap, self.bar_room),
                    self.marker,
                    self.marker_font,
                    MARKER,
                    away,
                    layout.text_direction,
                )
                continue
            length = self.bar_room * cell.count / self.largest if self.largest else 0.0
            bar = self._span(y + self.row_height * 0.2, 0, length)
            bar.setHeight(self.row_height * 0.6)
            painter.fillRect(bar, PART_BAR if cell.part_of is not None else BAR)
            _draw_text(
                painter,
                self._span(y, length + self.gap, self.value_width),
                format_number(cell.count),
                self.font,
                TEXT,
                away,
                layout.text_direction,
            )
        painter.setPen(AXIS)
        painter.drawLine(QLineF(self._x(0), top, self._x(0), top + len(rows) * self.row_height))


def _draw_text(
    painter: QPainter,
    box: QRectF,
    text: str,
    font: QFont,
    colour: QColor,
    alignment: Qt.AlignmentFlag,
    direction: Qt.LayoutDirection,
) -> None:
    """One line in a box; ``alignment`` is on the page (left is left), whatever the direction."""
    option = QTextOption(alignment | Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignAbsolute)
    option.setTextDirection(direction)
    option.setWrapMode(QTextOption.WrapMode.NoWrap)
    painter.setFont(font)
    painter.setPen(colour)
    painter.drawText(box, text, option)
