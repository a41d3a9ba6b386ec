"""The coordinator's audit trail window: entries newest first, filters, an empty state, and
whether the trail is whole."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt

from caseworker.core.i18n import set_language
from caseworker.core.models.enums import AuditAction
from caseworker.core.services import accounts, cases
from caseworker.core.services.records import CaseFile, PersonDetails
from caseworker.ui.audit_window import AuditWindow, Column
from caseworker.ui.main_window import MainWindow
from tests.conftest import a_caseworker_of


@pytest.fixture
def traced(signed_in: accounts.SignedIn) -> accounts.SignedIn:
    me = signed_in.user
    first = cases.create_case(signed_in.store, CaseFile(person=PersonDetails(name_latin="Amina Yusuf")), user=me)
    second = cases.create_case(signed_in.store, CaseFile(person=PersonDetails(name_latin="Olena Kovalenko")), user=me)
    viewed = cases.view_case(signed_in.store, first.id, user=me)  # type: ignore[arg-type]
    cases.save_case(signed_in.store, viewed, user=me)
    cases.view_case(signed_in.store, second.id, user=me)  # type: ignore[arg-type]
    return signed_in


@pytest.fixture
def window(qtbot, traced: accounts.SignedIn) -> Iterator[AuditWindow]:  # type: ignore[no-untyped-def]
    shown = AuditWindow(traced)
    qtbot.addWidget(shown)
    shown.period.setCurrentIndex(shown.period.count() - 1)  # the whole trail
    yield shown


def _column(window: AuditWindow, column: Column) -> list[str]:
    proxy = window.proxy
    return [proxy.index(row, column).data() for row in range(proxy.rowCount())]


def test_entries_show_newest_first_with_who_what_and_case(window: AuditWindow, traced: accounts.SignedIn) -> None:
    assert _column(window, Column.WHAT) == [
        "Opened a case", "Changed a case", "Opened a case", "Created a case", "Created a case",
    ]
    assert set(_column(window, Column.WHO)) == {"coordinator"}
    references = _column(window, Column.CASE)
    assert references[0] == "2026-00002" or references[0].endswith("-00002")
    assert window.count.text() == "5 entries"


def test_filters_narrow_the_entries(qtbot, window: AuditWindow) -> None:  # type: ignore[no-untyped-def]
    window.what.setCurrentIndex(window.what.findData(AuditAction.CASE_VIEWED.value))
    assert _column(window, Column.WHAT) == ["Opened a case", "Opened a case"]
    window.what.setCurrentIndex(0)
    reference = _column(window, Column.CASE)[-1]  # the first case
    qtbot.keyClicks(window.case, reference)
    qtbot.waitUntil(lambda: window.proxy.rowCount() == 3)
    assert set(_column(window, Column.CASE)) == {reference}
    window.case.clear()
    qtbot.keyClicks(window.case, "1999-00001")
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.empty)
    assert "No entries match" in window.empty.text()
    assert window.count.text() == "0 entries"


def test_the_period_counts_back_from_now(qtbot, traced: accounts.SignedIn) -> None:  # type: ignore[no-untyped-def]
    later = AuditWindow(traced, now=lambda: dt.datetime.now(dt.UTC) + dt.timedelta(days=40))
    qtbot.addWidget(later)
    later.period.setCurrentIndex(1)  # the last 30 days, seen 40 days on
    assert later.proxy.rowCount() == 0
    later.period.setCurrentIndex(2)  # the last 12 months
    assert later.proxy.rowCount() == 5


def test_a_whole_trail_says_so_and_a_changed_one_names_the_entry(qtbot, window: AuditWindow, traced: accounts.SignedIn) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: "whole" in window.chain.text())
    assert window.chain.text() == "The trail is whole: 5 entries, none changed or removed."
    with traced.store.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE audit_entry SET actor = 'nobody' WHERE id = 2")
    window.check_chain()
    qtbot.waitUntil(lambda: "changed after" in window.chain.text())
    assert window.chain.text() == "Audit trail entry 2 was changed after it was written."


def test_columns_sort(window: AuditWindow) -> None:
    window.table.sortByColumn(Column.WHEN, Qt.SortOrder.AscendingOrder)
    assert _column(window, Column.WHAT)[0] == "Created a case"
    window.table.sortByColumn(Column.WHAT, Qt.SortOrder.AscendingOrder)
    assert _column(window, Column.WHAT) == sorted(_column(window, Column.WHAT))


def test_only_coordinators_find_it_in_the_menu(qtbot, traced: accounts.SignedIn, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    main = MainWindow(traced, QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(main)
    assert main.audit_action.isVisible()
    main.audit_action.trigger()
    assert main.audit_window is not None and main.audit_window.isVisible()
    main.audit_window.close()

    with a_caseworker_of(traced) as karim:
        theirs = MainWindow(karim, QSettings(str(tmp_path / "k.ini"), QSettings.Format.IniFormat))
        qtbot.addWidget(theirs)
        assert not theirs.audit_action.isVisible()


def test_in_arabic_the_window_reads_right_to_left_in_arabic(qtbot, window: AuditWindow) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    set_language("ar")
    try:
        QApplication.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
        window.retranslate()
        assert window.windowTitle() != "Audit trail"
        assert "Opened a case" not in _column(window, Column.WHAT)
        assert window.isRightToLeft()
    finally:
        set_language("en")
        QApplication.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        window.retranslate()
