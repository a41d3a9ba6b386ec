"""The main window over real, encrypted case files in a temporary data dir."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMessageBox

from caseworker.core.dates import PartialDate
from caseworker.core.errors import DiskFull
from caseworker.core.models.enums import CaseStatus, ClosureReason
from caseworker.core.services import accounts, cases
from caseworker.core.services.records import CaseFile, PersonDetails
from caseworker.ui.main_window import CloseCaseDialog, MainWindow


@pytest.fixture
def window(qtbot, signed_in: accounts.SignedIn, tmp_path: Path) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    for latin, native in (("Amina Yusuf", "أمينة يوسف"), ("Olena Kovalenko", "Олена Коваленко"), ("Selam Tesfaye", "ሰላም ተስፋዬ")):
        cases.create_case(signed_in.store, CaseFile(person=PersonDetails(name_latin=latin, name_native=native)))
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    main = MainWindow(signed_in, settings)
    # Not qtbot.addWidget: pytest-qt would close it before this fixture could discard a test's
    # unsaved edit, and closing would then wait on the "unsaved changes" question.
    main.show()
    qtbot.waitUntil(lambda: not main.loading())
    yield main
    main.discard()
    assert main.close()
    main.deleteLater()


def _row_of(window: MainWindow, latin: str) -> int:
    view = window.case_list.model.view
    return next(i for i in range(len(view)) if view[i].name_latin == latin)


def test_the_list_shows_every_case_once_loaded(window: MainWindow) -> None:
    assert window.case_list.model.rowCount() == 3
    assert window.case_list.count_label.text() == "3 cases"
    assert window.right.currentWidget() is window.nothing_open


def test_new_case_typed_and_saved_appears_in_the_list(qtbot, window: MainWindow, signed_in: accounts.SignedIn) -> None:  # type: ignore[no-untyped-def]
    window.new_action.trigger()
    assert window.right.currentWidget() is not window.nothing_open
    qtbot.keyClicks(window.editor.person.name_latin, "Yonas Berhane")
    assert window.save_action.isEnabled()
    assert window.save() is True
    assert window.case_list.model.rowCount() == 4
    stored = cases.case_summaries(signed_in.store, signed_in.user)
    assert "Yonas Berhane" in {s.name_latin for s in stored}
    assert not window.save_action.isEnabled()
    # The saved case is selected in the list.
    assert window.case_list.current_case_id() == next(s.case_id for s in stored if s.name_latin == "Yonas Berhane")


def test_opening_a_case_from_the_list_with_the_keyboard(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    table = window.case_list.table
    table.setFocus()
    table.setCurrentIndex(window.case_list.model.index(_row_of(window, "Olena Kovalenko"), 1))
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert window.editor.person.name_latin.text() == "Olena Kovalenko"
    assert window.editor.person.name_native.text() == "Олена Коваленко"


def test_unsaved_changes_are_never_lost_silently(qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    amina = window.case_list.model.view[_row_of(window, "Amina Yusuf")].case_id
    olena = window.case_list.model.view[_row_of(window, "Olena Kovalenko")].case_id
    window.open_case(amina)
    window.editor.person.name_latin.setText("Amina Yusuf Ali")
    assert window.editor.is_dirty()
    # "Keep editing": the other case does not open and the edit stays.
    monkeypatch.setattr(QMessageBox, "exec", lambda box: _click(box, QMessageBox.ButtonRole.RejectRole))
    window.open_case(olena)
    assert window.editor.person.name_latin.text() == "Amina Yusuf Ali"
    # "Save": the edit is stored, then the other case opens.
    monkeypatch.setattr(QMessageBox, "exec", lambda box: _click(box, QMessageBox.ButtonRole.AcceptRole))
    window.open_case(olena)
    assert window.editor.person.name_latin.text() == "Olena Kovalenko"
    assert "Amina Yusuf Ali" in {window.case_list.model.view[i].name_latin for i in range(3)}


def test_closing_the_window_with_unsaved_changes_asks_first(qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    window.new_action.trigger()
    window.editor.person.name_latin.setText("Half typed")
    monkeypatch.setattr(QMessageBox, "exec", lambda box: _click(box, QMessageBox.ButtonRole.RejectRole))
    assert window.close() is False
    assert window.isVisible()
    monkeypatch.setattr(QMessageBox, "exec", lambda box: _click(box, QMessageBox.ButtonRole.DestructiveRole))
    assert window.close() is True


def test_a_failed_save_keeps_the_edit_in_the_form(qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: shown.append(text))
    window.new_action.trigger()
    window.editor.person.name_latin.setText("Fatima Zahra")

    def full_disk(*_args: object, **_kwargs: object) -> CaseFile:
        raise DiskFull()

    monkeypatch.setattr(cases, "create_case", full_disk)
    assert window.save() is False
    assert shown == [DiskFull().message]
    assert window.editor.person.name_latin.text() == "Fatima Zahra"
    assert window.editor.is_dirty()


def test_an_invalid_case_shows_its_problems_and_is_not_saved(qtbot, window: MainWindow, signed_in: accounts.SignedIn) -> None:  # type: ignore[no-untyped-def]
    window.new_action.trigger()
    window.editor.person.name_latin.setText("Future Child")
    window.editor.load(
        CaseFile(person=PersonDetails(name_latin="Future Child", birth=PartialDate(dt.date.today().year + 1, 1, 1)))
    )
    window.editor.person.name_native.setText("x")  # make it dirty
    assert window.save() is False
    assert window.editor.problem_box.isVisible()
    assert len(cases.case_summaries(signed_in.store, signed_in.user)) == 3


def test_close_and_reopen_a_case(qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch, signed_in: accounts.SignedIn) -> None:  # type: ignore[no-untyped-def]
    selam = window.case_list.model.view[_row_of(window, "Selam Tesfaye")].case_id
    window.open_case(selam)
    assert window.close_case_action.isEnabled() and not window.reopen_action.isEnabled()

    def choose(dialog: CloseCaseDialog) -> int:
        dialog.reason.setCurrentIndex(dialog.reason.findData(ClosureReason.EMPLOYED.value))
        return 1

    monkeypatch.setattr(CloseCaseDialog, "exec", choose)
    window.close_case_action.trigger()
    stored = cases.get_case(signed_in.store, selam)
    assert stored.status is CaseStatus.CLOSED and stored.closure_reason is ClosureReason.EMPLOYED
    assert window.reopen_action.isEnabled()
    window.reopen_action.trigger()
    assert cases.get_case(signed_in.store, selam).status is CaseStatus.OPEN


def test_layout_is_remembered(qtbot, signed_in: accounts.SignedIn, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings = QSettings(str(tmp_path / "layout.ini"), QSettings.Format.IniFormat)
    first = MainWindow(signed_in, settings)
    qtbot.addWidget(first)
    first.show()
    qtbot.waitUntil(lambda: not first.loading())
    first.case_list.table.setColumnWidth(1, 333)
    first.case_list.table.sortByColumn(2, Qt.SortOrder.AscendingOrder)
    first.close()
    assert settings.value("main/splitter") is not None and settings.value("main/geometry") is not None
    second = MainWindow(signed_in, settings)
    qtbot.addWidget(second)
    second.show()
    qtbot.waitUntil(lambda: not second.loading())
    # (Window and splitter sizes are clamped to the offscreen platform's small screen, so only
    # the table's own layout can be compared exactly here.)
    header = second.case_list.table.horizontalHeader()
    assert second.case_list.table.columnWidth(1) == 333
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (2, Qt.SortOrder.AscendingOrder)


def test_filter_shortcut_focuses_the_search_box(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.activateWindow()
    window.find_action.trigger()
    assert window.case_list.search.hasFocus() or window.focusWidget() is window.case_list.search


def _click(box: QMessageBox, role: QMessageBox.ButtonRole) -> int:
    for button in box.buttons():
        if box.buttonRole(button) == role:
            button.click()
            break
    return 0


def test_an_automatic_lock_drops_the_key_and_gives_the_unsaved_edit_back(qtbot, signed_in: accounts.SignedIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    from caseworker.app import CaseworkerApp
    from caseworker.core.keys import KdfParams
    from caseworker.ui.start import LoginDialog
    from tests.conftest import PASSWORD

    case = cases.create_case(signed_in.store, CaseFile(person=PersonDetails(name_latin="Amina Yusuf")))
    signed_in.close()
    app = CaseworkerApp(QApplication.instance(), signed_in.data_dir, "en", kdf=KdfParams(time_cost=1, memory_kib=8 * 1024, parallelism=1))
    opened = app.open_case_files("coordinator", PASSWORD)
    app.show_main(*opened)
    window = app.window
    assert window is not None
    window.open_case(case.id)
    window.editor.person.name_latin.setText("Amina Yusuf Ali")
    assert window.editor.is_dirty()
    # A question left open when the lock comes goes with the window.
    question = QMessageBox(QMessageBox.Icon.Question, "Caseworker", "Close the case?", parent=window)
    question.setModal(True)
    question.show()
    assert QApplication.activeModalWidget() is question

    app.lock()

    assert not question.isVisible()

    assert app.window is None and app.signed_in is None
    assert isinstance(app.dialog, LoginDialog) and app.dialog.isVisible()
    assert "Locked" in app.dialog.hint.text()
    # Signing in again as the same person brings the edit back, unsaved.
    app.show_main(*app.open_case_files("coordinator", PASSWORD))
    assert app.window is not None and app.window.editor.is_dirty()
    assert app.window.editor.person.name_latin.text() == "Amina Yusuf Ali"
    assert cases.get_case(app.signed_in.store, case.id).person.name_latin == "Amina Yusuf"  # type: ignore[union-attr]
    app.window.discard()
    app.window.close()
    app.dialog.close()
    app.shutdown()


def test_only_a_coordinator_is_offered_the_users_screen(window: MainWindow, signed_in: accounts.SignedIn, tmp_path: Path) -> None:
    from caseworker.core.models.enums import Role
    from tests.conftest import CHEAP_KDF

    assert window.users_action.isVisible()
    worker = accounts.add_user(signed_in, username="yonas", display_name="Yonas", role=Role.CASEWORKER, password="a long password 1", kdf=CHEAP_KDF)
    as_worker = accounts.SignedIn(signed_in.data_dir, signed_in.store, signed_in.key, worker, signed_in.organisation)
    other = MainWindow(as_worker, QSettings(str(tmp_path / "other.ini"), QSettings.Format.IniFormat))
    try:
        assert not other.users_action.isVisible()
    finally:
        other.sign_out = lambda: None  # type: ignore[method-assign]  # the store belongs to the fixture
        other.close()
        other.deleteLater()


def test_a_backup_made_and_checked_from_the_window(qtbot, window: MainWindow, signed_in: accounts.SignedIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from caseworker.core.directory.starter import load_starter
    from caseworker.core.services import backup

    load_starter(signed_in.data_dir)
    run = window.make_backup(tmp_path / "usb" / "office.cwbackup")
    assert run is not None
    with qtbot.waitSignal(run.done, timeout=30000) as made:
        pass
    assert made.args[0].cases == 3
    assert backup.describe_backup(tmp_path / "usb" / "office.cwbackup", signed_in.key).cases == 3

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _parent, _title, text: shown.append(text))
    run = window.verify_backup(tmp_path / "usb" / "office.cwbackup")
    assert run is not None
    with qtbot.waitSignal(run.done, timeout=30000):
        pass
    assert shown and "3 case files" in shown[0]


def test_closing_the_app_leaves_an_automatic_backup(qtbot, signed_in: accounts.SignedIn) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    from caseworker.app import CaseworkerApp

    app = CaseworkerApp(QApplication.instance(), signed_in.data_dir, "en")
    app.signed_in = signed_in
    app.shutdown()
    made = list(signed_in.data_dir.backups.glob("caseworker-*.cwbackup"))
    assert len(made) == 1 and made[0].stat().st_size > 0


def test_the_open_case_tabs_are_built_after_the_window_shows(qtbot, signed_in: accounts.SignedIn, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The heaviest part of the window is built in slices once the list is on screen, so showing
    the window does not wait for it; nothing the person can do meets a missing part."""
    main = MainWindow(signed_in, QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(main)
    assert main._workspace is None  # not while the window is being built
    main.show()
    qtbot.waitUntil(lambda: main._workspace is not None)
    assert main.right.indexOf(main._workspace) >= 0
    assert main.right.currentWidget() is main.nothing_open
    assert [main.case_tabs.tabText(i) for i in range(main.case_tabs.count())] == ["Case file", "Pathways", "Referrals", "Timeline"]


def test_a_case_opened_before_the_tabs_are_built_opens_at_once(qtbot, signed_in: accounts.SignedIn, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    case = cases.create_case(signed_in.store, CaseFile(person=PersonDetails(name_latin="Yonas Berhane")))
    main = MainWindow(signed_in, QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(main)
    main.open_case(case.id)  # type: ignore[arg-type]
    assert main.right.currentWidget() is main.case_tabs
    assert main.editor.person.name_latin.text() == "Yonas Berhane"
    assert not main.save_action.isEnabled()
    qtbot.keyClicks(main.editor.person.name_latin, " Tesfay")
    assert main.save_action.isEnabled() and main.save_button.isEnabled()  # connected as if built at start
    qtbot.wait(50)  # the slices started by the window find the work done
    assert main.editor.person.name_latin.text() == "Yonas Berhane Tesfay"
    main.discard()


def test_a_broken_pathway_template_is_reported_once_the_tabs_are_built(qtbot, signed_in: accounts.SignedIn, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    signed_in.data_dir.pathways.mkdir(parents=True, exist_ok=True)
    (signed_in.data_dir.pathways / "broken.toml").write_text("id = [unclosed", encoding="utf-8")
    main = MainWindow(signed_in, QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(main)
    main.show()
    qtbot.waitUntil(lambda: main._workspace is not None)
    assert "could not be read" in main.statusBar().currentMessage()


def test_damaged_case_files_are_said_and_never_written_to(qtbot, signed_in: accounts.SignedIn, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The quick check after start-up finds a damaged page that signing in did not read: the
    window says so, offers a restore to a coordinator, and refuses every save from then on, the
    edit staying in the form."""
    from caseworker.core.db import exec_sql

    case = cases.create_case(signed_in.store, CaseFile(person=PersonDetails(name_latin="Amina Yusuf")))
    data_dir, key = signed_in.data_dir, signed_in.key
    # A page that signing in and opening this case do not read: the check finds it.
    root = exec_sql(signed_in.store, "SELECT rootpage FROM sqlite_master WHERE name = 'ix_service_event_occurred_on'")[0][0]
    signed_in.close()  # folds the write-ahead log into cases.db, where the damage goes
    data = bytearray(data_dir.cases_db.read_bytes())
    data[(root - 1) * 4096 + 200] ^= 0x40
    data_dir.cases_db.write_bytes(bytes(data))
    opened = accounts.open_with_key(data_dir, key, "coordinator")
    main = MainWindow(opened, QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    try:
        main.show()
        qtbot.waitUntil(lambda: main.damage_banner.isVisible(), timeout=10_000)
        assert "damaged" in main.damage_text.text() and main.damage_restore.isVisible()
        with qtbot.waitSignal(main.restoreRequested):
            main.damage_restore.click()
        shown: list[str] = []
        main._show_error = lambda error: shown.append(str(error))  # type: ignore[method-assign]
        main.open_case(case.id)  # type: ignore[arg-type]
        assert shown == []
        qtbot.keyClicks(main.editor.person.name_latin, " Hassan")
        assert main.save() is False
        assert shown and "nothing more is saved" in shown[0]
        assert main.editor.person.name_latin.text() == "Amina Yusuf Hassan"  # still in the form
        main.discard()
        before = data_dir.cases_db.read_bytes()
        with pytest.raises(Exception, match="nothing more is saved"):
            cases.create_case(opened.store, CaseFile(person=PersonDetails(name_latin="Olena Kovalenko")))
        assert data_dir.cases_db.read_bytes() == before
    finally:
        main.close()
        opened.close()


def test_the_store_is_checked_only_once_the_person_pauses(qtbot, signed_in: accounts.SignedIn, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    idle = [0.0]
    main = MainWindow(signed_in, QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat), idle_seconds=lambda: idle[0])
    qtbot.addWidget(main)
    main.show()
    qtbot.waitUntil(lambda: main._workspace is not None)
    qtbot.wait(1200)  # two polls while the person is busy
    assert main._checked is None
    idle[0] = 5.0
    qtbot.waitUntil(lambda: main._checked is not None and not main._checked.running, timeout=10_000)
    assert signed_in.store.damaged is None and not main.damage_banner.isVisible()  # sound: nothing said


def test_a_damaged_page_met_opening_a_case_is_said_in_the_banner_too(qtbot, signed_in: accounts.SignedIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """Not only the check after start-up: a case whose page is damaged does not open, the
    message says why, and the banner stays, with saves refused from then on."""
    from caseworker.core.db import exec_sql
    from caseworker.core.services.records import LanguageSkillRecord

    case = cases.create_case(
        signed_in.store, CaseFile(person=PersonDetails(name_latin="Amina Yusuf"), languages=(LanguageSkillRecord("so"),))
    )
    data_dir, key = signed_in.data_dir, signed_in.key
    root = exec_sql(signed_in.store, "SELECT rootpage FROM sqlite_master WHERE name = 'language_skill'")[0][0]
    signed_in.close()
    data = bytearray(data_dir.cases_db.read_bytes())
    data[(root - 1) * 4096 + 200] ^= 0x40
    data_dir.cases_db.write_bytes(bytes(data))
    opened = accounts.open_with_key(data_dir, key, "coordinator")
    main = MainWindow(opened, QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat), idle_seconds=lambda: 0.0)
    warned: list[str] = []
    try:
        main.show()
        qtbot.waitUntil(lambda: main.case_list.model.rowCount() == 1)
        assert not main.damage_banner.isVisible()
        monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: warned.append(text))
        main.open_case(case.id)  # type: ignore[arg-type]
        assert warned and "damaged" in warned[0]
        assert main._loaded_case() is None or main._loaded_case().id != case.id
        assert main.damage_banner.isVisible() and main.damage_restore.isVisible()
        with pytest.raises(Exception, match="nothing more is saved"):
            cases.create_case(opened.store, CaseFile(person=PersonDetails(name_latin="Olena Kovalenko")))
    finally:
        main.close()
        opened.close()


def test_a_coordinator_erases_the_open_case_after_typing_its_reference(qtbot, window: MainWindow, signed_in: accounts.SignedIn) -> None:  # type: ignore[no-untyped-def]
    from caseworker.ui.main_window import EraseCaseDialog

    gone = cases.create_case(signed_in.store, CaseFile(person=PersonDetails(name_latin="Zainab Qasemi")))
    kept = cases.create_case(signed_in.store, CaseFile(person=PersonDetails(name_latin="Olena Kovalenko")))
    window.reload_cases()
    qtbot.waitUntil(lambda: window.case_list.model.rowCount() == 5)
    window.open_case(gone.id)  # type: ignore[arg-type]
    assert window.erase_action.isVisible() and window.erase_action.isEnabled()

    dialog = EraseCaseDialog(gone.reference, window)
    assert not dialog.erase_button.isEnabled()
    qtbot.keyClicks(dialog.typed, "2026-9")
    assert not dialog.erase_button.isEnabled()  # a wrong reference erases nothing
    dialog.typed.setText(gone.reference)
    assert dialog.erase_button.isEnabled()
    assert window.erase_case(confirm=lambda reference: False) is False  # cancelled
    assert cases.get_case(signed_in.store, gone.id).id == gone.id  # type: ignore[arg-type]

    assert window.erase_case(confirm=lambda reference: reference == gone.reference) is True
    qtbot.waitUntil(lambda: window.case_list.model.rowCount() == 4)
    listed = {window.case_list.model.view[i].case_id for i in range(4)}
    assert kept.id in listed and gone.id not in listed
    assert window.right.currentWidget() is window.nothing_open
    assert window.statusBar().currentMessage() == f"{gone.reference} was erased."
    assert not window.erase_action.isEnabled()


def test_a_coordinator_checks_the_case_files_in_full_on_demand(qtbot, window: MainWindow, signed_in: accounts.SignedIn) -> None:  # type: ignore[no-untyped-def]
    said: list[tuple[str, bool]] = []
    assert window.check_action.isVisible()
    task = window.check_store(said=lambda text, sound: said.append((text, sound)))
    qtbot.waitUntil(lambda: not task.running and bool(said), timeout=20_000)
    assert said == [("The case files are sound: every page and index was checked, and the audit trail is whole.", True)]

    with signed_in.store.engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM audit_entry WHERE id = 2")
    said.clear()
    task = window.check_store(said=lambda text, sound: said.append((text, sound)))
    qtbot.waitUntil(lambda: not task.running and bool(said), timeout=20_000)
    assert said == [("The case files are sound, but the audit trail is not whole:\nAudit trail entries were removed before entry 3.", False)]
    assert window.check_action.isEnabled()


def test_showing_sensitive_details_is_recorded_in_the_audit_trail(qtbot, window: MainWindow, signed_in: accounts.SignedIn) -> None:  # type: ignore[no-untyped-def]
    from caseworker.core.models.enums import AuditAction
    from caseworker.core.services import audit

    held = cases.create_case(signed_in.store, CaseFile(person=PersonDetails(name_latin="Zainab Qasemi", sensitive_notes="Asthma")))
    window.open_case(held.id)  # type: ignore[arg-type]
    person = window.editor.person
    assert person.sensitive_hidden()
    assert audit.entries(signed_in.store)[0].action is AuditAction.CASE_VIEWED
    person.sensitive_button.click()
    shown = audit.entries(signed_in.store)[0]
    assert (shown.action, shown.case_id) == (AuditAction.SENSITIVE_SHOWN, held.id)
    person.sensitive.setPlainText("Asthma, treated")
    assert window.save()
    changed = audit.entries(signed_in.store)[0]
    assert (changed.action, changed.detail) == (AuditAction.CASE_CHANGED, "sensitive")
    assert cases.get_case(signed_in.store, held.id).person.sensitive_notes == "Asthma, treated"  # type: ignore[arg-type]
