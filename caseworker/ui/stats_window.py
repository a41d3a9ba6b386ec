"""Statistics and funder reports, for coordinators: choose a report, whole months and the
smallest count shown; read its tables and charts; export it as XLSX, PDF or CSV.

Only a protected `Report` reaches this window (caseworker.core.services.stats makes it, with
small counts already hidden), so nothing here can show a small group of people. Making a report
takes seconds over 100,000 cases and writing one a moment: both run off the GUI thread.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QCoreApplication, QDir, QSettings, QStandardPaths, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from caseworker import APP_NAME
from caseworker.core.i18n import N_, _, current_language, fill, is_right_to_left, month_name
from caseworker.core.services.accounts import SignedIn
from caseworker.core.services.stats import make_report
from caseworker.core.stats import periods
from caseworker.core.stats.model import DEFAULT_MIN_CELL, LOWEST_MIN_CELL, Period, Report, ReportKind
from caseworker.reports.stats_export import ExportFormat, format_for, write_report
from caseworker.reports.stats_text import report_words
from caseworker.ui.start import error_text
from caseworker.ui.stats_table import BreakdownSection
from caseworker.ui.tasks import Task
from caseworker.ui.widgets.forms import heading, in_ui_direction

MakeReport = Callable[..., Report]
Today = Callable[[], dt.date]

HIGHEST_MIN_CELL = 99
LAST_YEAR_OFFERED = 1  # years after this one in the year box (a report on a year not over yet)
FIRST_YEAR = 2000

REPORT_KINDS = (
    (ReportKind.SERVICES, N_("Service statistics")),
    (ReportKind.AMIF, N_("AMIF funder report")),
    (ReportKind.ESF, N_("ESF+ funder report")),
)
MONTH, QUARTER, YEAR = "month", "quarter", "year"
PERIOD_KINDS = ((MONTH, N_("Month")), (QUARTER, N_("Quarter")), (YEAR, N_("Year")))
FILTERS = (
    (ExportFormat.XLSX, N_("Excel workbook (*.xlsx)")),
    (ExportFormat.PDF, N_("PDF files (*.pdf)")),
    (ExportFormat.CSV, N_("CSV file, one row per count (*.csv)")),
)


@dataclass(frozen=True, slots=True)
class ReportRequest:
    """What the coordinator asked for, and the language its labels are made in."""

    kind: ReportKind
    period: Period
    min_cell: int
    language: str


def period_code(period: Period) -> str:
    """'2026-Q3', '2026-07', '2026' or '2026-07-2027-03': a file name's part, never a day."""
    start, end = period.start, period.end
    if start.year == end.year and (start.month, end.month) == (1, 12):
        return f"{start.year:04d}"
    if start.year == end.year and start.month % 3 == 1 and end.month == start.month + 2:
        return f"{start.year:04d}-Q{(start.month - 1) // 3 + 1}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.year:04d}-{start.month:02d}"
    return f"{start.year:04d}-{start.month:02d}-{end.year:04d}-{end.month:02d}"


def default_file_name(report: Report, fmt: ExportFormat) -> str:
    """'amif-2026-Q3.xlsx': the report and its period, nothing about any person."""
    return f"{report.kind.value}-{period_code(report.period)}.{fmt.value}"


class StatsWindow(QMainWindow):
    """The coordinator's statistics: a report made off the GUI thread, read on screen, exported.

    ``make`` makes the report (caseworker.core.services.stats.make_report; tests may pass another)
    and ``today`` says which quarter is the last complete one.
    """

    def __init__(
        self,
        signed_in: SignedIn,
        settings: QSettings,
        parent: QWidget | None = None,
        *,
        make: MakeReport = make_report,
        today: Today = dt.date.today,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("statsWindow")
        self._signed_in = signed_in
        self._settings = settings
        self._make = make
        self._today = today
        self._language = current_language()
        self.report: Report | None = None
        self.request: ReportRequest | None = None  # the shown report's
        self._running: ReportRequest | None = None
        self._waiting: ReportRequest | None = None  # asked for while another was being made
        self._task: Task | None = None
        self._export_task: Task | None = None
        self.sections: list[BreakdownSection] = []
        self._measure_keys: list[str] = []

        self._make_controls()
        self._make_body()
        self._make_actions()
        self.busy = QProgressBar(self)
        self.busy.setObjectName("statsBusy")
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setMaximumWidth(160)
        self.busy.hide()
        self.statusBar().addPermanentWidget(self.busy)

        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.addLayout(self.controls)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self._set_default_period()
        self.retranslate()
        geometry = settings.value("stats/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(1200, 800)
        splitter = settings.value("stats/splitter")
        if not (isinstance(splitter, QByteArray) and self.splitter.restoreState(splitter)):
            self.splitter.setSizes([260, 940])
        self._update_actions()

    # --- building ---------------------------------------------------------------------------

    def _make_controls(self) -> None:
        self.kind = QComboBox(self)
        self.kind.setObjectName("reportKind")
        self.kind_label = QLabel(self)
        self.kind_label.setBuddy(self.kind)
        self.period_kind = QComboBox(self)
        self.period_kind.setObjectName("periodKind")
        self.period_label = QLabel(self)
        self.period_label.setBuddy(self.period_kind)
        self.month = QComboBox(self)
        self.month.setObjectName("periodMonth")
        self.quarter = QComboBox(self)
        self.quarter.setObjectName("periodQuarter")
        self.year = QSpinBox(self)
        self.year.setObjectName("periodYear")
        self.year.setRange(FIRST_YEAR, self._today().year + LAST_YEAR_OFFERED)
        self.min_cell = QSpinBox(self)
        self.min_cell.setObjectName("minCell")
        self.min_cell.setRange(LOWEST_MIN_CELL, HIGHEST_MIN_CELL)
        chosen_k = self._settings.value("stats/minCell", DEFAULT_MIN_CELL)
        try:
            self.min_cell.setValue(int(chosen_k))  # type: ignore[call-overload]
        except (TypeError, ValueError):
            self.min_cell.setValue(DEFAULT_MIN_CELL)
        self.min_cell_label = QLabel(self)
        self.min_cell_label.setBuddy(self.min_cell)
        self.make_button = QPushButton(self)
        self.make_button.setObjectName("makeReport")
        self.make_button.setDefault(True)
        self.make_button.clicked.connect(lambda: self.make_report())
        self.export_button = QPushButton(self)
        self.export_button.setObjectName("exportReport")
        self.export_button.clicked.connect(lambda: self.export())
        self.period_kind.currentIndexChanged.connect(lambda _i: self._show_period_fields())

        # Two rows, so that the window fits a small laptop's screen in the longest language.
        choice = QHBoxLayout()
        for widget in (self.kind_label, self.kind):
            choice.addWidget(widget)
        choice.addSpacing(12)
        for widget in (self.period_label, self.period_kind, self.month, self.quarter, self.year):
            choice.addWidget(widget)
        choice.addStretch(1)
        action = QHBoxLayout()
        for widget in (self.min_cell_label, self.min_cell):
            action.addWidget(widget)
        action.addStretch(1)
        action.addWidget(self.make_button)
        action.addWidget(self.export_button)
        self.controls = QVBoxLayout()
        self.controls.addLayout(choice)
        self.controls.addLayout(action)

    def _make_body(self) -> None:
        self.empty = QLabel(self)
        self.empty.setObjectName("statsEmpty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # Lines a person can read across a wide window: about 70 characters.
        self.empty.setMaximumWidth(self.empty.fontMetrics().averageCharWidth() * 70)
        self.empty.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        empty_page = QWidget(self)
        empty_layout = QHBoxLayout(empty_page)
        empty_layout.addStretch(1)
        empty_layout.addWidget(self.empty)
        empty_layout.addStretch(1)
        self.empty_page = empty_page

        self.measures = QListWidget(self)
        self.measures.setObjectName("measures")
        self.measures.currentRowChanged.connect(lambda _row: self._show_measure())
        self.title = heading(self)
        self.title.setObjectName("reportTitle")
        self.summary = QLabel(self)
        self.summary.setObjectName("reportSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notes = QLabel(self)
        self.notes.setObjectName("reportNotes")
        self.notes.setWordWrap(True)
        self.notes.setTextFormat(Qt.TextFormat.RichText)
        self.notes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.measure_title = heading(self, 1.15)
        self.measure_title.setObjectName("measureTitle")
        self.tables = QWidget(self)
        self.tables_layout = QVBoxLayout(self.tables)
        self.tables_layout.setContentsMargins(0, 0, 0, 0)
        self.tables_layout.setSpacing(18)
        page = QWidget(self)
        page_layout = QVBoxLayout(page)
        for widget in (self.title, self.summary, self.notes):
            page_layout.addWidget(widget)
        line = QFrame(page)
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        page_layout.addWidget(line)
        page_layout.addWidget(self.measure_title)
        page_layout.addWidget(self.tables)
        page_layout.addStretch(1)
        self.scroll = QScrollArea(self)
        self.scroll.setObjectName("reportBody")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(page)

        self.splitter = QSplitter(self)
        self.splitter.setObjectName("statsSplitter")
        self.splitter.addWidget(self.measures)
        self.splitter.addWidget(self.scroll)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.empty_page)
        self.stack.addWidget(self.splitter)

    def _make_actions(self) -> None:
        self.make_action = QAction(self)
        self.make_action.setObjectName("makeReportAction")
        self.make_action.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
        self.make_action.triggered.connect(lambda: self.make_report())
        self.export_action = QAction(self)
        self.export_action.setObjectName("exportReportAction")
        self.export_action.setShortcut(QKeySequence("Ctrl+E"))
        self.export_action.triggered.connect(lambda: self.export())
        self.close_action = QAction(self)
        self.close_action.setShortcut(QKeySequence.StandardKey.Close)
        self.close_action.triggered.connect(self.close)
        self.report_menu = self.menuBar().addMenu("")
        self.report_menu.addActions([self.make_action, self.export_action])
        self.report_menu.addSeparator()
        self.report_menu.addAction(self.close_action)

    def _set_default_period(self) -> None:
        # What funders usually ask for: the latest quarter that has ended.
        last = periods.last_quarter(self._today())
        self.year.setValue(last.start.year)
        self._default_quarter = (last.start.month - 1) // 3
        self._default_month = last.end.month - 1
        kind = self._settings.value("stats/report", ReportKind.SERVICES.value)
        self._default_kind = next((i for i, (k, _t) in enumerate(REPORT_KINDS) if k.value == kind), 0)

    # --- language ---------------------------------------------------------------------------

    def retranslate(self) -> None:
        self._language = current_language()
        self.setWindowTitle(fill(_("Statistics and funder reports — {app}"), app=APP_NAME))
        self.kind_label.setText(_("Report &type"))
        self.period_label.setText(_("&Period"))
        self.min_cell_label.setText(_("Smallest count &shown"))
        hint = fill(
            _(
                "Counts below this number are not shown, and some others are hidden with them so that the hidden "
                "ones cannot be worked out: a small group could identify someone. Funders usually ask for {usual}; "
                "it is never less than {lowest}."
            ),
            usual=DEFAULT_MIN_CELL,
            lowest=LOWEST_MIN_CELL,
        )
        for widget in (self.min_cell_label, self.min_cell):
            widget.setToolTip(hint)
        self.min_cell.setAccessibleName(_("Smallest count shown"))
        self.year.setAccessibleName(_("Year"))
        self.month.setAccessibleName(_("Month"))
        self.quarter.setAccessibleName(_("Quarter"))
        self.make_button.setText(_("&Make report"))
        shortcut = self.make_action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        self.make_button.setToolTip(fill(_("Make the report ({shortcut})"), shortcut=shortcut))
        self.export_button.setText(_("&Export…"))
        self.report_menu.setTitle(_("&Report"))
        self.make_action.setText(_("&Make report"))
        self.export_action.setText(_("&Export…"))
        self.close_action.setText(_("&Close"))
        self.measures.setAccessibleName(_("What the report counts"))
        _refill(self.kind, [(_(title), kind.value) for kind, title in REPORT_KINDS], self._default_kind)
        _refill(self.period_kind, [(_(title), key) for key, title in PERIOD_KINDS], 1)
        _refill(self.month, [(month_name(number), number) for number in range(1, 13)], self._default_month)
        quarters = [
            (fill(_("Quarter {number}: {first} to {last}"), number=q, first=month_name(3 * q - 2),
                  last=month_name(3 * q)), q)
            for q in range(1, 5)
        ]
        _refill(self.quarter, quarters, self._default_quarter)
        self._show_period_fields()
        if self.report is not None and self.request is not None and self.request.language != self._language:
            # The report's own labels were made in the language before: make it again in this one.
            self._ask(ReportRequest(self.request.kind, self.request.period, self.request.min_cell, self._language))
        self._show_report()

    def _show_period_fields(self) -> None:
        kind = self.period_kind.currentData()
        self.month.setVisible(kind == MONTH)
        self.quarter.setVisible(kind == QUARTER)

    # --- making a report --------------------------------------------------------------------

    def chosen_period(self) -> Period:
        year, kind = self.year.value(), self.period_kind.currentData()
        if kind == MONTH:
            return periods.month(year, int(self.month.currentData()))
        if kind == YEAR:
            return periods.year(year)
        return periods.quarter(year, int(self.quarter.currentData()))

    def chosen_kind(self) -> ReportKind:
        return ReportKind(self.kind.currentData())

    def make_report(self) -> None:
        """Make the chosen report off the GUI thread. Asked again while one is being made, the
        newest request replaces the waiting one and is made as soon as the running one ends."""
        self._settings.setValue("stats/minCell", self.min_cell.value())
        self._settings.setValue("stats/report", self.chosen_kind().value)
        self._default_kind = self.kind.currentIndex()
        self._ask(ReportRequest(self.chosen_kind(), self.chosen_period(), self.min_cell.value(), current_language()))

    def _ask(self, request: ReportRequest) -> None:
        if self.making():
            self._waiting = request
            return
        self._start(request)

    def _start(self, request: ReportRequest) -> None:
        self._running, self._waiting = request, None
        signed_in, make, today = self._signed_in, self._make, self._today()

        def work() -> Report:
            return make(signed_in, request.kind, request.period, min_cell=request.min_cell, today=today)

        # Parented to the application, not the window: the window may go (a lock) while the
        # work runs, and a task deleted under its running work could not report back.
        self._task = Task(work, QCoreApplication.instance())
        self._task.done.connect(self._made)
        self._task.failed.connect(self._not_made)
        self._task.start()
        self._update_actions()

    def making(self) -> bool:
        return self._task is not None and self._task.running

    def _made(self, report: Report) -> None:
        request = self._finished_task()
        if self._next():
            return
        if request is not None and request.language != current_language():
            self._start(ReportRequest(request.kind, request.period, request.min_cell, current_language()))
            return
        self.report, self.request = report, request
        self._show_report()
        self._update_actions()

    def _not_made(self, error: BaseException) -> None:
        self._finished_task()
        if self._next():
            return
        self._update_actions()
        QMessageBox.warning(self, APP_NAME, error_text(error))

    def _finished_task(self) -> ReportRequest | None:
        if self._task is not None:
            self._task.deleteLater()
        self._task = None
        request, self._running = self._running, None
        return request

    def _next(self) -> bool:
        """Start the request that came while the last one was made; its result is not shown."""
        if self._waiting is None:
            return False
        self._start(self._waiting)
        return True

    # --- showing it -------------------------------------------------------------------------

    def _show_report(self) -> None:
        report = self.report
        if report is None:
            self.empty.setText(
                _(
                    "Choose a report, a period and the smallest count shown, then Make report.\n\n"
                    "The report holds counts only — no names, dates of birth, case numbers or free text. People who "
                    "did not consent to statistics are left out, and small counts are hidden so that nobody can be "
                    "recognised."
                )
            )
            self.stack.setCurrentWidget(self.empty_page)
            return
        words = report_words(report)
        self.title.setText(in_ui_direction(report.title))
        self.summary.setText("\n".join(in_ui_direction(line) for line in (words.period, *words.protection)))
        direction = "rtl" if is_right_to_left() else "ltr"
        notes = []
        for title, paragraphs in ((words.notes_heading, report.notes), (words.legal_heading, report.legal_basis)):
            if paragraphs:
                notes.append(f"<p dir='{direction}'><b>{html.escape(title)}</b></p>")
                notes += [f"<p dir='{direction}'>{html.escape(text)}</p>" for text in paragraphs]
        self.notes.setText("".join(notes))
        self.notes.setVisible(bool(notes))
        if all(table.total == 0 for table in report.tables):
            lines = (report.title, report.period.label, "", _("Nothing was recorded in this period."))
            self.empty.setText("\n".join(lines))
            self.stack.setCurrentWidget(self.empty_page)
            return
        chosen = self.measures.currentRow()
        current = self._measure_keys[chosen] if 0 <= chosen < len(self._measure_keys) else None
        self._measure_keys = list(report.measures)
        self.measures.blockSignals(True)
        self.measures.clear()
        for measure in self._measure_keys:
            self.measures.addItem(report.tables_of(measure)[0].measure_label)
        row = self._measure_keys.index(current) if current in self._measure_keys else 0
        self.measures.setCurrentRow(row)
        self.measures.blockSignals(False)
        self.stack.setCurrentWidget(self.splitter)
        self._show_measure()

    def _show_measure(self) -> None:
        report, row = self.report, self.measures.currentRow()
        for section in self.sections:
            self.tables_layout.removeWidget(section)
            section.hide()  # at once: it is only deleted once the event loop comes round
            section.deleteLater()
        self.sections = []
        if report is None or not 0 <= row < len(self._measure_keys):
            return
        words = report_words(report)
        tables = report.tables_of(self._measure_keys[row])
        self.measure_title.setText(in_ui_direction(tables[0].measure_label))
        for table in tables:
            section = BreakdownSection(table, report.min_cell, words.relation_note(table.relation), self.tables)
            self.tables_layout.addWidget(section)
            self.sections.append(section)
        self.scroll.verticalScrollBar().setValue(0)

    def exporting(self) -> bool:
        return self._export_task is not None and self._export_task.running

    def _update_actions(self) -> None:
        exporting = self.exporting()
        can_export = self.report is not None and not exporting
        self.export_action.setEnabled(can_export)
        self.export_button.setEnabled(can_export)
        busy = self.making() or exporting
        self.busy.setVisible(busy)
        if self.making():
            self.statusBar().showMessage(_("Making the report…"))
        elif not exporting:
            self.statusBar().clearMessage()

    # --- export -----------------------------------------------------------------------------

    def export(self, path: Path | None = None) -> Task | None:
        """Write the shown report; without ``path``, the coordinator chooses where and in what
        format. Written off the GUI thread; the outcome is said in the status bar or a message."""
        report = self.report
        if report is None or self.exporting():
            return None
        if path is None:
            path = self._choose_file(report)
            if path is None:
                return None
        fmt = format_for(path)
        if fmt is None:
            path, fmt = path.with_name(path.name + "." + ExportFormat.XLSX.value), ExportFormat.XLSX
        self._settings.setValue("stats/exportFolder", str(path.parent))
        if fmt is ExportFormat.PDF:
            from caseworker.reports.qt import document_application

            document_application()  # the bundled fonts, for Arabic and Ethiopic in the PDF
        language = self.request.language if self.request is not None else current_language()
        out = path
        def work() -> Path:
            write_report(report, out, fmt, language)
            return out

        self._export_task = Task(work, QCoreApplication.instance())
        self._export_task.done.connect(self._exported)
        self._export_task.failed.connect(self._not_exported)
        self._export_task.start()
        self.statusBar().showMessage(fill(_("Exporting to {file}…"), file=out.name))
        self._update_actions()
        return self._export_task

    def _choose_file(self, report: Report) -> Path | None:
        folder = self._settings.value("stats/exportFolder")
        if not (isinstance(folder, str) and QDir(folder).exists()):
            documents = QStandardPaths.StandardLocation.DocumentsLocation
            folder = QStandardPaths.writableLocation(documents) or QDir.homePath()
        filters = [_(text) for _fmt, text in FILTERS]
        suggested = Path(folder) / default_file_name(report, ExportFormat.XLSX)
        chosen, chosen_filter = QFileDialog.getSaveFileName(
            self, _("Export the report"), str(suggested), ";;".join(filters)
        )
        if not chosen:
            return None
        path = Path(chosen)
        if format_for(path) is None:
            # No known ending typed: the one of the chosen filter.
            offered = zip((fmt for fmt, _text in FILTERS), filters, strict=True)
            fmt = next((fmt for fmt, text in offered if text == chosen_filter), ExportFormat.XLSX)
            path = path.with_name(path.name + "." + fmt.value)
        return path

    def _exported(self, path: Path) -> None:
        self._export_finished()
        self.statusBar().showMessage(fill(_("Saved the report to {path}."), path=path), 15000)

    def _not_exported(self, error: BaseException) -> None:
        self._export_finished()
        self.statusBar().clearMessage()
        QMessageBox.warning(self, APP_NAME, error_text(error))

    def _export_finished(self) -> None:
        if self._export_task is not None:
            self._export_task.deleteLater()
        self._export_task = None
        self._update_actions()

    # --- window -----------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        self._settings.setValue("stats/geometry", self.saveGeometry())
        self._settings.setValue("stats/splitter", self.splitter.saveState())
        event.accept()


def _refill(combo: QComboBox, items: list[tuple[str, Any]], default: int) -> None:
    """New texts for a combo box, keeping what was chosen (or ``default`` the first time)."""
    chosen = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    for text, data in items:
        combo.addItem(text, data)
    index = combo.findData(chosen) if chosen is not None else -1
    combo.setCurrentIndex(index if index >= 0 else default)
    combo.blockSignals(False)
