"""Restoring a backup from the app: from the sign-in window, from the first-run window of a new
laptop, and from the main window (which signs out first)."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from caseworker.app import CaseworkerApp
from caseworker.core.paths import DataDir
from caseworker.core.services import accounts, backup, cases
from caseworker.core.services.records import CaseFile, PersonDetails
from caseworker.core.throttle import SignInThrottle
from caseworker.ui.restore_dialog import RestoreDialog
from caseworker.ui.start import FirstRunDialog, LoginDialog
from tests.conftest import CHEAP_KDF, PASSWORD


@pytest.fixture
def backed_up(signed_in: accounts.SignedIn, tmp_path: Path) -> Path:
    """A backup of two case files; a third is made after it, and the store closed."""
    for name in ("Amina Yusuf", "Olena Kovalenko"):
        cases.create_case(signed_in.store, CaseFile(person=PersonDetails(name_latin=name)))
    out = tmp_path / "usb" / "office.cwbackup"
    backup.create_backup(signed_in, out)
    cases.create_case(signed_in.store, CaseFile(person=PersonDetails(name_latin="Selam Tesfaye")))
    signed_in.close()
    return out


def _names(data_dir: DataDir) -> set[str]:
    opened = accounts.sign_in(data_dir, "coordinator", PASSWORD, CHEAP_KDF)
    try:
        return {row.name_latin for row in cases.case_summaries(opened.store, opened.user)}
    finally:
        opened.close()


def _open(qtbot, dialog: RestoreDialog, path: Path, password: str = PASSWORD) -> None:  # type: ignore[no-untyped-def]
    dialog.choose(path)
    dialog.username.setText("coordinator")
    dialog.password.setText(password)
    dialog.open_button.click()
    qtbot.waitUntil(lambda: not dialog.busy())


def test_a_backup_is_opened_described_and_restored(qtbot, signed_in: accounts.SignedIn, backed_up: Path) -> None:  # type: ignore[no-untyped-def]
    data_dir = signed_in.data_dir
    dialog = RestoreDialog(data_dir, kdf=CHEAP_KDF)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.restore_button.isEnabled()  # nothing opened yet
    _open(qtbot, dialog, backed_up)
    assert "Case files: 2" in dialog.facts.text() and dialog.restore_button.isEnabled()
    assert str(data_dir.root) in dialog.warning.text()
    with qtbot.waitSignal(dialog.restored, timeout=30_000) as restored:
        dialog.restore_button.click()
    assert restored.args[0].cases == 2
    assert _names(data_dir) == {"Amina Yusuf", "Olena Kovalenko"}
    kept = restored.args[0].kept
    assert kept is not None and kept.exists()  # the three case files from before, as a backup
    assert backup.describe_backup(kept, backup.unlock_backup_key(kept, "coordinator", PASSWORD, kdf=CHEAP_KDF)).cases == 3


def test_a_wrong_password_opens_nothing_and_restores_nothing(qtbot, signed_in: accounts.SignedIn, backed_up: Path) -> None:  # type: ignore[no-untyped-def]
    dialog = RestoreDialog(signed_in.data_dir, kdf=CHEAP_KDF)
    qtbot.addWidget(dialog)
    _open(qtbot, dialog, backed_up, password="not the password")
    assert dialog.message.text() and not dialog.facts.text()
    assert not dialog.restore_button.isEnabled()
    # Counted with the sign-in window's tries: the dialog is no side door for guessing.
    assert SignInThrottle(signed_in.data_dir).failures() == 1
    assert len(_names(signed_in.data_dir)) == 3


def test_the_recovery_key_opens_the_backup_too(qtbot, data_dir: DataDir, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    opened, recovery = accounts.set_up(
        data_dir, organisation="Casa Aperta", username="coordinator", display_name="Maria Rossi",
        password=PASSWORD, country="IT", host_language="it", kdf=CHEAP_KDF,
    )
    out = tmp_path / "b.cwbackup"
    backup.create_backup(opened, out)
    opened.close()
    dialog = RestoreDialog(DataDir(tmp_path / "new-laptop"), kdf=CHEAP_KDF)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.choose(out)
    dialog.use_recovery.setChecked(True)
    assert dialog.recovery.isVisible() and not dialog.password.isVisible()
    dialog.recovery.setText(recovery.formatted())
    dialog.open_button.click()
    qtbot.waitUntil(lambda: not dialog.busy())
    assert dialog.restore_button.isEnabled(), dialog.message.text()


def test_restoring_from_the_sign_in_window_comes_back_to_it(qtbot, signed_in: accounts.SignedIn, backed_up: Path) -> None:  # type: ignore[no-untyped-def]
    data_dir = signed_in.data_dir
    # The app holds its own lock while it runs; that does not stop its own restore.
    data_dir.lock.write_text(f"{os.getpid()}\ncaseworker\n{socket.gethostname()}\n", encoding="utf-8")
    app = CaseworkerApp(QApplication.instance(), data_dir, "en", kdf=CHEAP_KDF)
    app.start()
    login = app.dialog
    assert isinstance(login, LoginDialog)
    login.restore_button.click()
    dialog = app.restore_dialog
    _open(qtbot, dialog, backed_up)
    with qtbot.waitSignal(dialog.restored, timeout=30_000):
        dialog.restore_button.click()
    qtbot.waitUntil(lambda: isinstance(app.dialog, LoginDialog) and app.dialog is not login)
    assert "Restored" in app.dialog.hint.text() and app.dialog.hint.isVisible()
    assert not login.isVisible()
    assert _names(data_dir) == {"Amina Yusuf", "Olena Kovalenko"}
    app.dialog.close()


def test_a_new_laptop_starts_from_a_backup(qtbot, signed_in: accounts.SignedIn, backed_up: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fresh = DataDir(tmp_path / "new-laptop")
    app = CaseworkerApp(QApplication.instance(), fresh, "en", kdf=CHEAP_KDF)
    app.start()
    first_run = app.dialog
    assert isinstance(first_run, FirstRunDialog)
    first_run.restore_button.click()
    _open(qtbot, app.restore_dialog, backed_up)
    with qtbot.waitSignal(app.restore_dialog.restored, timeout=30_000):
        app.restore_dialog.restore_button.click()
    qtbot.waitUntil(lambda: isinstance(app.dialog, LoginDialog))
    assert fresh.is_set_up()
    assert _names(fresh) == {"Amina Yusuf", "Olena Kovalenko"}
    app.dialog.close()


def test_a_coordinator_restores_from_the_main_window_after_signing_out(qtbot, signed_in: accounts.SignedIn, backed_up: Path) -> None:  # type: ignore[no-untyped-def]
    data_dir = signed_in.data_dir
    app = CaseworkerApp(QApplication.instance(), data_dir, "en", kdf=CHEAP_KDF)
    app.settings = app._settings_for(data_dir)
    app.show_main(*app.open_case_files("coordinator", PASSWORD))
    window = app.window
    assert window is not None and window.restore_action.isVisible()
    window.restore_action.trigger()
    assert app.window is None and app.signed_in is None  # signed out: no store open during the restore
    assert isinstance(app.dialog, LoginDialog) and app.restore_dialog.isVisible()
    login = app.dialog
    _open(qtbot, app.restore_dialog, backed_up)
    app.restore_dialog.restore_button.click()
    qtbot.waitUntil(lambda: app.dialog is not login, timeout=30_000)  # a new sign-in window, saying so
    assert "Restored" in app.dialog.hint.text()
    assert _names(data_dir) == {"Amina Yusuf", "Olena Kovalenko"}
    app.dialog.close()


def test_bad_input_is_named_and_nothing_is_restored(qtbot, signed_in: accounts.SignedIn, backed_up: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dialog = RestoreDialog(signed_in.data_dir, kdf=CHEAP_KDF)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.open_button.click()  # no file chosen
    assert dialog.message.text() == "Choose the backup file first."
    not_a_backup = tmp_path / "notes.cwbackup"
    not_a_backup.write_text("minutes of the team meeting", encoding="utf-8")
    _open(qtbot, dialog, not_a_backup)
    assert "notes.cwbackup" in dialog.message.text() and not dialog.restore_button.isEnabled()
    dialog.choose(backed_up)
    dialog.use_recovery.setChecked(True)
    dialog.recovery.setText("not a recovery key")
    dialog.open_button.click()
    qtbot.waitUntil(lambda: not dialog.busy())
    assert dialog.message.text() and not dialog.restore_button.isEnabled()
    assert len(_names(signed_in.data_dir)) == 3  # nothing was restored
