"""The coordinator's statistics window (caseworker/ui/stats_window.py): a report made off the GUI
thread from real cases or a known protected report, read in tables and charts, exported."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QAbstractButton, QApplication, QComboBox, QFileDialog, QLabel, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from caseworker.core.errors import DiskFull
from caseworker.core.i18n import PSEUDO, current_language
from caseworker.core.models.enums import ConsentMethod, ConsentScope, Gender, Role
from caseworker.core.services import accounts, cases
from caseworker.core.services.records import CaseFile, ConsentEntry, MeetingRecord, PersonDetails
from caseworker.core.stats import periods
from caseworker.core.stats.model import RawReport, RawRow, RawTable, Relation, Report, ReportKind
from caseworker.core.stats.suppression import protect
from caseworker.ui import stats_window
from caseworker.ui.language import LanguageSwitcher
from caseworker.ui.main_window import MainWindow
from caseworker.ui.stats_table import CELL_ROLE, HIDDEN_COLOUR, BreakdownModel, Column, TotalLastProxy
from caseworker.ui.stats_window import StatsWindow, default_file_name
from caseworker.ui.widgets.forms import LRM, RLM
from tests.conftest import CHEAP_KDF, PASSWORD
from tests.gui.test_languages import english_only

TODAY = dt.date(2026, 10, 15)  # the last complete quarter: July to September 2026
QUARTER = periods.quarter(2026, 3)
DISPLAY = Qt.ItemDataRole.DisplayRole


# --- a known report -------------------------------------------------------------------------------


def _rows(*pairs: tuple[str, int]) -> tuple[RawRow, ...]:
    return tuple(RawRow(key, key.replace("_", " ").capitalize(), count) for key, count in pairs)


def sample_report(kind: ReportKind = ReportKind.AMIF, min_cell: int = 10, *, nothing: bool = False) -> Report:
    """Gender: 25 women shown, 3 non-binary hidden (below 10), and with them the zero beside it
    and the 12 men (the hidden ones must add up to 10 or more). The total, 40, is shown."""
    n = 0 if nothing else 1
    tables = (
        RawTable("people_served.gender", "people_served", "People served", "gender", "Gender", Relation.PARTITION,
                 40 * n, _rows(("woman", 25 * n), ("man", 12 * n), ("non_binary", 3 * n), ("not_stated", 0))),
        RawTable("people_served.age", "people_served", "People served", "age", "Age", Relation.PARTITION, 40 * n,
                 _rows(("under_18", 0), ("18_29", 14 * n), ("30_54", 20 * n), ("55_over", 6 * n))),
        RawTable("referrals.outcome", "referrals", "Referrals made", "outcome", "Outcome", Relation.PARTITION, 30 * n,
                 _rows(("accepted", 30 * n), ("pending", 0))),
    )
    raw = RawReport(kind, f"{kind.value} report", periods.labelled(QUARTER), tables, notes=("What is counted.",),
                    legal_basis=("Regulation, Article 1.",))
    return protect(raw, min_cell, created_on=TODAY)


class FakeMaker:
    """Stands for make_report: records each request (and the language it was made in)."""

    def __init__(self, *, nothing: bool = False) -> None:
        self.calls: list[tuple[ReportKind, dt.date, int, str]] = []
        self.nothing = nothing
        self.hold: threading.Event | None = None  # set: the next call waits until released

    def __call__(self, _signed_in: Any, kind: ReportKind, period: Any, *, min_cell: int, today: dt.date) -> Report:
        self.calls.append((kind, period.start, min_cell, current_language()))
        hold, self.hold = self.hold, None
        if hold is not None:
            assert hold.wait(30)
        return sample_report(kind, min_cell, nothing=self.nothing)


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def maker() -> FakeMaker:
    return FakeMaker()


@pytest.fixture
def window(qtbot: QtBot, signed_in: accounts.SignedIn, settings: QSettings, maker: FakeMaker) -> Iterator[StatsWindow]:
    shown = StatsWindow(signed_in, settings, make=maker, today=lambda: TODAY)
    qtbot.addWidget(shown)
    shown.show()
    yield shown
    qtbot.waitUntil(lambda: not shown.making() and not shown.exporting())


def made(qtbot: QtBot, window: StatsWindow) -> Report:
    window.make_button.click()
    qtbot.waitUntil(lambda: window.report is not None and not window.making())
    assert window.report is not None
    return window.report


def table_rows(window: StatsWindow, section: int = 0) -> list[tuple[str, str, str]]:
    """A breakdown table as a person reads it, in the order shown (direction marks aside)."""
    proxy = window.sections[section].proxy
    return [
        tuple(str(proxy.index(row, column).data(DISPLAY)).strip("\u2068\u2069") for column in Column)  # type: ignore[misc]
        for row in range(proxy.rowCount())
    ]


# --- the table model ------------------------------------------------------------------------------


def test_the_model_passes_qt_model_checks(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    report = sample_report()
    model = BreakdownModel()
    model.set_table(report.tables[0], report.min_cell)
    qtmodeltester.check(model, force_py=True)
    # The tester stays connected and checks each change as it happens.
    model.set_table(report.tables[2], report.min_cell)
    model.set_table(None)


def test_the_sorted_table_passes_qt_model_checks(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    report = sample_report()
    model = BreakdownModel()
    model.set_table(report.tables[0], report.min_cell)
    proxy = TotalLastProxy(model)
    proxy.sort(Column.COUNT, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(proxy, force_py=True)
    model.set_table(report.tables[1], report.min_cell)


def test_a_hidden_count_shows_the_marker_in_grey_italics_and_says_why() -> None:
    report = sample_report()
    gender = report.tables[0]
    assert gender.cell("non_binary").count is None and gender.cell("woman").count == 25
    model = BreakdownModel()
    model.set_table(gender, report.min_cell)
    non_binary = model.index(2, Column.COUNT)
    assert non_binary.data(DISPLAY) == "suppressed"
    font = non_binary.data(Qt.ItemDataRole.FontRole)
    assert isinstance(font, QFont) and font.italic()
    assert QColor(non_binary.data(Qt.ItemDataRole.ForegroundRole)) == HIDDEN_COLOUR
    assert "1 to 9" in non_binary.data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(0, Column.COUNT).data(DISPLAY) == "25"
    assert model.index(0, Column.PERCENT).data(DISPLAY) == "62.5%"
    assert model.index(0, Column.COUNT).data(Qt.ItemDataRole.ToolTipRole) is None
    total = model.rowCount() - 1
    assert [model.index(total, c).data(DISPLAY) for c in Column] == ["Total", "40", ""]
    assert model.index(total, Column.GROUP).data(Qt.ItemDataRole.FontRole).bold()
    assert model.index(total, Column.GROUP).data(CELL_ROLE) is None
    assert model.headerData(Column.GROUP, Qt.Orientation.Horizontal) == "Gender"
    assert model.headerData(Column.COUNT, Qt.Orientation.Horizontal) == "Count"


def test_sorting_by_count_keeps_the_total_last() -> None:
    report = sample_report()
    model = BreakdownModel()
    model.set_table(report.tables[0], report.min_cell)
    proxy = TotalLastProxy(model)

    def groups() -> list[str]:
        return [proxy.index(row, Column.GROUP).data(DISPLAY) for row in range(proxy.rowCount())]

    proxy.sort(Column.COUNT, Qt.SortOrder.DescendingOrder)
    assert groups()[0] == "Woman" and groups()[-1] == "Total"
    proxy.sort(Column.COUNT, Qt.SortOrder.AscendingOrder)
    assert groups()[-2:] == ["Woman", "Total"]  # hidden counts sort below every number shown
    proxy.sort(Column.GROUP, Qt.SortOrder.AscendingOrder)
    assert groups() == ["Woman", "Man", "Non binary", "Not stated", "Total"]  # the report's own order
    assert [cell.key for cell in proxy.cells()] == ["woman", "man", "non_binary", "not_stated"]


# --- the window -----------------------------------------------------------------------------------


def test_before_a_report_the_window_explains_itself_and_offers_the_last_quarter(window: StatsWindow) -> None:
    assert window.chosen_period() == QUARTER
    assert window.chosen_kind() is ReportKind.SERVICES
    assert window.min_cell.value() == 10
    assert (window.min_cell.minimum(), window.min_cell.maximum()) == (5, 99)
    assert "1 to" not in window.min_cell.toolTip() and "never less than 5" in window.min_cell.toolTip()
    assert window.stack.currentWidget() is window.empty_page
    assert "no names" in window.empty.text()
    assert not window.export_action.isEnabled() and not window.export_button.isEnabled()
    assert window.export(Path("nowhere.xlsx")) is None

    window.period_kind.setCurrentIndex(window.period_kind.findData(stats_window.MONTH))
    assert window.month.isVisibleTo(window) and not window.quarter.isVisibleTo(window)
    assert window.chosen_period() == periods.month(2026, 9)
    window.period_kind.setCurrentIndex(window.period_kind.findData(stats_window.YEAR))
    assert not window.month.isVisibleTo(window) and not window.quarter.isVisibleTo(window)
    assert window.chosen_period() == periods.year(2026)


def test_a_report_from_real_cases_shows_the_right_numbers_and_markers(
    qtbot: QtBot,
    signed_in: accounts.SignedIn,
    settings: QSettings,
) -> None:
    met = dt.date(2026, 8, 4)

    def client(gender: Gender, *, consent: bool = True) -> None:
        cases.create_case(
            signed_in.store,
            CaseFile(
                person=PersonDetails(name_latin="Client", gender=gender),
                meetings=(MeetingRecord(met),),
                consents=(ConsentEntry(ConsentScope.STATISTICS, consent, dt.date(2026, 7, 1), ConsentMethod.WRITTEN),),
            ),
        )

    for gender, many in ((Gender.WOMAN, 12), (Gender.MAN, 7), (Gender.NON_BINARY, 2)):
        for _i in range(many):
            client(gender)
    client(Gender.WOMAN, consent=False)  # left out of every count
    window = StatsWindow(signed_in, settings, today=lambda: TODAY)
    qtbot.addWidget(window)
    window.show()
    window.min_cell.setValue(5)
    report = made(qtbot, window)

    assert report.min_cell == 5 and report.period.start == QUARTER.start
    assert window.stack.currentWidget() is window.splitter
    assert window.measures.item(0).text() == "People served" and window.measures.currentRow() == 0
    gender = report.tables_of("people_served")[0]
    assert window.sections[0].model.table == gender
    rows = table_rows(window)
    assert rows[0][:2] == ("Woman", "12")
    assert rows[2][1] == "suppressed"  # two non-binary people: fewer than 5
    assert rows[-1][:2] == ("Total", "21")
    for (_group, count, _percent), cell in zip(rows, gender.rows, strict=False):
        assert (count == "suppressed") == (cell.count is None)
    hidden = report.suppressed_primary + report.suppressed_secondary
    assert hidden >= 3 and f"{hidden} counts in this report are hidden." in window.summary.text()
    assert "Counts from 1 to 4 are not shown" in window.summary.text()
    assert window.export_action.isEnabled()


def test_each_measure_shows_its_tables_with_charts_and_the_notes(qtbot: QtBot, window: StatsWindow) -> None:
    report = made(qtbot, window)
    measures = [window.measures.item(i).text() for i in range(window.measures.count())]
    assert measures == ["People served", "Referrals made"]
    assert [section.model.table.id for section in window.sections] == ["people_served.gender", "people_served.age"]  # type: ignore[union-attr]
    chart = window.sections[0].chart
    assert [cell.key for cell in chart.rows()] == ["woman", "man", "non_binary", "not_stated"]
    assert chart.bar_rect(0) is not None and chart.bar_rect(1) is None  # no bar for a hidden count
    assert "Man: suppressed" in chart.row_text(1)
    # Sorting the table sorts its chart.
    window.sections[0].view.sortByColumn(Column.COUNT, Qt.SortOrder.DescendingOrder)
    assert chart.rows()[0].key == "woman"
    assert "What is counted." in window.notes.text() and "Regulation, Article 1." in window.notes.text()
    assert "Period: Quarter 3 of 2026" in window.summary.text()
    window.measures.setCurrentRow(1)
    assert [section.model.table.id for section in window.sections] == ["referrals.outcome"]  # type: ignore[union-attr]
    assert window.measure_title.text().strip(LRM + RLM) == "Referrals made"
    assert report.kind is ReportKind.SERVICES


def test_a_second_request_while_one_is_made_replaces_it(qtbot: QtBot, window: StatsWindow, maker: FakeMaker) -> None:
    release = threading.Event()
    maker.hold = release
    window.kind.setCurrentIndex(window.kind.findData(ReportKind.AMIF.value))
    window.make_report()
    qtbot.waitUntil(lambda: len(maker.calls) == 1)
    assert window.making() and window.busy.isVisible()
    window.kind.setCurrentIndex(window.kind.findData(ReportKind.SERVICES.value))
    window.make_report()
    window.kind.setCurrentIndex(window.kind.findData(ReportKind.ESF.value))
    window.make_report()
    assert len(maker.calls) == 1  # one at a time: the newest request waits, the one before it is dropped
    release.set()
    qtbot.waitUntil(lambda: window.report is not None and not window.making())
    assert [call[0] for call in maker.calls] == [ReportKind.AMIF, ReportKind.ESF]
    assert window.report is not None and window.report.kind is ReportKind.ESF
    assert not window.busy.isVisible()


def test_ctrl_return_makes_the_report(qtbot: QtBot, window: StatsWindow, maker: FakeMaker) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.min_cell.setFocus()
    qtbot.keyClick(window.min_cell, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.report is not None and not window.making())
    assert len(maker.calls) == 1


def test_a_report_with_nothing_recorded_says_so(qtbot: QtBot, window: StatsWindow, maker: FakeMaker) -> None:
    maker.nothing = True
    made(qtbot, window)
    assert window.stack.currentWidget() is window.empty_page
    assert "Nothing was recorded in this period" in window.empty.text()
    assert window.export_action.isEnabled()  # a funder may need to hear that nothing happened


def test_a_failure_to_make_the_report_is_shown(
    qtbot: QtBot,
    window: StatsWindow,
    maker: FakeMaker,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: warned.append(text))

    def refuse(*_args: object, **_kwargs: object) -> Report:
        raise accounts.CoordinatorsOnly("Only a coordinator can make statistics and funder reports.")

    window._make = refuse
    window.make_report()
    qtbot.waitUntil(lambda: not window.making())
    assert warned == ["Only a coordinator can make statistics and funder reports."]
    assert window.report is None and not window.busy.isVisible()


# --- export ---------------------------------------------------------------------------------------


def test_export_writes_an_xlsx_that_openpyxl_opens(qtbot: QtBot, window: StatsWindow, tmp_path: Path) -> None:
    window.kind.setCurrentIndex(window.kind.findData(ReportKind.AMIF.value))
    report = made(qtbot, window)
    name = default_file_name(report, stats_window.ExportFormat.XLSX)
    assert name == "amif-2026-Q3.xlsx"
    assert window.export(tmp_path / name) is not None
    assert not window.export_action.isEnabled()  # one export at a time
    qtbot.waitUntil(lambda: not window.exporting())
    workbook = openpyxl.load_workbook(tmp_path / name)
    values = [cell.value for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    assert "suppressed" in values and 25 in values and 40 in values
    assert 3 not in values and 12 not in values  # the hidden counts are nowhere in the file
    assert str(tmp_path / name) in window.statusBar().currentMessage()
    assert window.export_action.isEnabled()
    assert not list(tmp_path.glob("*.partial"))


def test_the_export_dialog_offers_the_formats_with_a_name_without_people(
    qtbot: QtBot,
    window: StatsWindow,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made(qtbot, window)
    asked: list[tuple[str, str]] = []

    def choose(_parent: QWidget, _title: str, suggested: str, filters: str) -> tuple[str, str]:
        asked.append((suggested, filters))
        pdf_filter = next(f for f in filters.split(";;") if "*.pdf" in f)
        return str(tmp_path / "for the funder"), pdf_filter

    monkeypatch.setattr(QFileDialog, "getSaveFileName", choose)
    window.export_action.trigger()
    qtbot.waitUntil(lambda: not window.exporting())
    suggested, filters = asked[0]
    assert Path(suggested).name == "services-2026-Q3.xlsx"
    assert all(f"*.{ext}" in filters for ext in ("xlsx", "pdf", "csv"))
    written = tmp_path / "for the funder.pdf"  # the chosen filter's ending, when none was typed
    assert written.read_bytes().startswith(b"%PDF-")


def test_an_export_into_a_read_only_folder_shows_why(
    qtbot: QtBot,
    window: StatsWindow,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from caseworker.reports import output

    made(qtbot, window)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    # As root every folder is writable, so the operating system's answer is given here.
    monkeypatch.setattr(output.os, "access", lambda path, mode: Path(path) != locked)
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: warned.append(text))
    try:
        window.export(locked / "report.xlsx")
        qtbot.waitUntil(lambda: not window.exporting())
    finally:
        locked.chmod(0o755)
    assert len(warned) == 1 and str(locked) in warned[0] and "cannot write" in warned[0]
    assert list(locked.iterdir()) == []
    assert "report.xlsx" not in window.statusBar().currentMessage()
    assert window.export_action.isEnabled()


def test_a_full_disk_is_said_in_words(
    qtbot: QtBot,
    window: StatsWindow,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made(qtbot, window)

    def full(*_args: object) -> None:
        raise DiskFull()

    monkeypatch.setattr(stats_window, "write_report", full)
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: warned.append(text))
    window.export(tmp_path / "report.csv")
    qtbot.waitUntil(lambda: not window.exporting())
    assert warned == ["The disk is full. Nothing was saved; free some space and try again."]


# --- who sees it ----------------------------------------------------------------------------------


def test_only_a_coordinator_has_statistics_in_the_menu(
    qtbot: QtBot,
    signed_in: accounts.SignedIn,
    tmp_path: Path,
) -> None:
    accounts.add_user(signed_in, username="karim", display_name="Karim Nasser", role=Role.CASEWORKER,
                      password=PASSWORD, kdf=CHEAP_KDF)
    caseworker = accounts.sign_in(signed_in.data_dir, "karim", PASSWORD, CHEAP_KDF)
    windows = []
    try:
        for who in (signed_in, caseworker):
            main = MainWindow(who, QSettings(str(tmp_path / f"{who.user.username}.ini"), QSettings.Format.IniFormat))
            qtbot.addWidget(main)
            qtbot.waitUntil(lambda main=main: not main.loading())  # type: ignore[misc]
            windows.append(main)
        coordinator_window, caseworker_window = windows
        assert coordinator_window.statistics_action in coordinator_window.view_menu.actions()
        assert coordinator_window.statistics_action.isVisible()
        assert coordinator_window.statistics_action.shortcut().toString() == "Ctrl+Shift+S"
        assert not caseworker_window.statistics_action.isVisible()
        caseworker_window.show_statistics()
        assert caseworker_window.stats_window is None
        coordinator_window.statistics_action.trigger()
        opened = coordinator_window.stats_window
        assert isinstance(opened, StatsWindow) and opened.isVisible()
        coordinator_window.show_statistics()
        assert coordinator_window.stats_window is opened  # the same window, brought to the front
        coordinator_window.close()
        assert not opened.isVisible()
    finally:
        caseworker.close()


# --- languages ------------------------------------------------------------------------------------


@pytest.fixture
def switcher(qapp: QApplication) -> Iterator[LanguageSwitcher]:
    languages = LanguageSwitcher(qapp)
    yield languages
    languages.apply("en")


def own_texts(window: StatsWindow) -> list[str]:
    """What the window itself says (not the report's data: its labels and notes) where a person
    sees it: labels, buttons, choices, menus, column headers, the marker and the summary."""
    texts = [window.windowTitle(), *window.summary.text().split("\n")]
    data = {window.title, window.summary, window.notes, window.measure_title}
    for section in window.sections:
        data |= {section.heading}
    for widget in window.findChildren(QWidget):
        if widget in data or not widget.isVisibleTo(window):
            continue
        if isinstance(widget, QLabel | QAbstractButton):
            texts.append(widget.text())
        elif isinstance(widget, QComboBox) and widget is not window.month:  # month names come from CLDR
            texts += [widget.itemText(i) for i in range(widget.count())]
    texts.append(window.report_menu.title())
    texts += [action.text() for action in window.report_menu.actions()]
    for section in window.sections:
        model = section.model
        texts += [model.headerData(c, Qt.Orientation.Horizontal) for c in (Column.COUNT, Column.PERCENT)]
        texts += [model.index(row, Column.COUNT).data(DISPLAY) for row in range(model.rowCount())]  # the marker
        texts.append(model.index(model.rowCount() - 1, Column.GROUP).data(DISPLAY))  # "Total"
    return [t.strip(LRM + RLM).replace("&", "") for t in texts if t and any(ch.isalpha() for ch in t)]


def test_arabic_mirrors_the_window_and_remakes_the_report_in_arabic(
    qtbot: QtBot,
    window: StatsWindow,
    maker: FakeMaker,
    switcher: LanguageSwitcher,
) -> None:
    made(qtbot, window)
    chart = window.sections[0].chart
    assert chart.bar_rect(0).left() >= chart.label_rect(0).right()  # type: ignore[union-attr]
    english_texts = own_texts(window)

    switcher.apply("ar")
    window.retranslate()
    qtbot.waitUntil(lambda: len(maker.calls) == 2 and not window.making())
    assert maker.calls[-1][3] == "ar" and window.request is not None and window.request.language == "ar"
    assert window.layoutDirection() == Qt.LayoutDirection.RightToLeft
    chart = window.sections[0].chart
    assert chart.isRightToLeft()
    assert chart.bar_rect(0).right() <= chart.label_rect(0).left()  # type: ignore[union-attr]
    shown = set(own_texts(window))
    assert shown & english_only("ar") == set()
    assert shown != set(english_texts)


def test_every_text_of_the_window_goes_through_translation(
    qtbot: QtBot,
    window: StatsWindow,
    maker: FakeMaker,
    switcher: LanguageSwitcher,
) -> None:
    """Under the pseudo-language each of the window's own texts comes out in ⟦brackets⟧."""
    made(qtbot, window)
    switcher.apply(PSEUDO)
    window.retranslate()
    qtbot.waitUntil(lambda: len(maker.calls) == 2 and not window.making())
    plain = {text for text in own_texts(window) if "⟦" not in text}
    assert plain == set()


def test_the_window_remembers_its_size(
    qtbot: QtBot,
    signed_in: accounts.SignedIn,
    settings: QSettings,
    maker: FakeMaker,
) -> None:
    first = StatsWindow(signed_in, settings, make=maker, today=lambda: TODAY)
    qtbot.addWidget(first)
    first.show()
    first.resize(700, 500)  # the offscreen screen is 800 by 600
    assert first.size().width() == 700
    first.close()
    again = StatsWindow(signed_in, settings, make=maker, today=lambda: TODAY)
    qtbot.addWidget(again)
    assert (again.size().width(), again.size().height()) == (700, 500)
