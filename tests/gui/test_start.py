"""The windows before the case files open: first run, recovery key, sign-in."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from caseworker.app import CaseworkerApp
from caseworker.core.errors import WrongPassword
from caseworker.core.keys import RecoveryKey
from caseworker.core.paths import DataDir
from caseworker.core.services import accounts
from caseworker.ui.start import FirstRunDialog, LoginDialog, RecoveryKeyDialog, demo_data_dir
from tests.conftest import CHEAP_KDF, PASSWORD


def test_sign_in_hands_over_what_the_work_returns(qtbot, data_dir: DataDir) -> None:  # type: ignore[no-untyped-def]
    seen: list[tuple[str, str]] = []

    def open_case_files(user: str, password: str) -> str:
        seen.append((user, password))
        return "opened"

    dialog = LoginDialog(data_dir, open_case_files)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.username, "maria")
    qtbot.keyClicks(dialog.password, "secret words")
    with qtbot.waitSignal(dialog.signedIn) as signal:
        qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    assert signal.args == ["opened"]
    assert seen == [("maria", "secret words")]
    assert dialog.password.text() == ""


def test_a_wrong_password_says_so_and_nothing_more(qtbot, data_dir: DataDir) -> None:  # type: ignore[no-untyped-def]
    def refuse(_user: str, _password: str) -> None:
        raise WrongPassword()

    dialog = LoginDialog(data_dir, refuse, username="maria")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.password, "not it")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.message.text() != "")
    assert dialog.message.text() == "Wrong user name or password."
    assert dialog.password.text() == ""
    assert dialog.sign_in_button.isEnabled()


def test_sign_in_needs_both_fields(qtbot, data_dir: DataDir) -> None:  # type: ignore[no-untyped-def]
    calls: list[object] = []
    dialog = LoginDialog(data_dir, lambda *a: calls.append(a))
    qtbot.addWidget(dialog)
    dialog.sign_in_button.click()
    assert "Enter your user name and password" in dialog.message.text()
    assert calls == []


def test_first_run_sets_up_the_organisation(qtbot, data_dir: DataDir) -> None:  # type: ignore[no-untyped-def]
    dialog = FirstRunDialog(data_dir, CHEAP_KDF)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.organisation, "Harbour Welcome Centre")
    qtbot.keyClicks(dialog.your_name, "Maria Rossi")
    qtbot.keyClicks(dialog.username, "maria")
    qtbot.keyClicks(dialog.password, PASSWORD)
    qtbot.keyClicks(dialog.repeat, PASSWORD)
    with qtbot.waitSignal(dialog.setUp, timeout=20000) as signal:
        dialog.set_up_button.click()
    signed_in, recovery = signal.args
    try:
        assert signed_in.user.username == "maria"
        assert isinstance(recovery, RecoveryKey)
        assert data_dir.is_set_up()
    finally:
        signed_in.close()
    again = accounts.sign_in(data_dir, "maria", PASSWORD, CHEAP_KDF)
    again.close()


def test_first_run_lists_every_problem_and_creates_nothing(qtbot, data_dir: DataDir) -> None:  # type: ignore[no-untyped-def]
    dialog = FirstRunDialog(data_dir, CHEAP_KDF)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.username, "has space")
    qtbot.keyClicks(dialog.password, "short")
    qtbot.keyClicks(dialog.repeat, "short")
    dialog.set_up_button.click()
    qtbot.waitUntil(lambda: dialog.message.text() != "" and not dialog.busy())
    text = dialog.message.text()
    assert "organisation's name" in text
    assert "at least 10 characters" in text
    assert "user name" in text
    assert not data_dir.cases_db.exists() and not data_dir.keyring.exists()


def test_first_run_refuses_two_different_passwords(qtbot, data_dir: DataDir) -> None:  # type: ignore[no-untyped-def]
    dialog = FirstRunDialog(data_dir, CHEAP_KDF)
    qtbot.addWidget(dialog)
    dialog.password.setText(PASSWORD)
    dialog.repeat.setText(PASSWORD + "!")
    dialog.set_up_button.click()
    assert "not the same" in dialog.message.text()
    assert not data_dir.root.exists() or not data_dir.cases_db.exists()


def test_explore_with_demo_data_keeps_it_apart(qtbot, data_dir: DataDir, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import caseworker.ui.start as start

    monkeypatch.setattr(start, "DEMO_CASES", 12)
    dialog = FirstRunDialog(data_dir, CHEAP_KDF)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.demoReady, timeout=30000) as signal:
        dialog.demo_button.click()
    (demo,) = signal.args
    assert demo == demo_data_dir(data_dir) and demo.root != data_dir.root
    assert demo.is_set_up() and not data_dir.is_set_up()
    accounts.sign_in(demo, "demo", "demo", CHEAP_KDF).close()


def test_recovery_key_cannot_be_dismissed_before_it_is_written_down(qtbot) -> None:  # type: ignore[no-untyped-def]
    recovery = RecoveryKey.generate()
    dialog = RecoveryKeyDialog(recovery)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.key.text() == recovery.formatted()
    ok = dialog.buttons.buttons()[0]
    assert not ok.isEnabled()
    dialog.reject()
    assert dialog.isVisible()
    dialog.confirm.setChecked(True)
    assert ok.isEnabled()
    ok.click()
    assert not dialog.isVisible()


def test_the_app_opens_the_case_files_with_the_list_already_read(qtbot, signed_in: accounts.SignedIn, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    signed_in.close()
    app = CaseworkerApp(QApplication.instance(), signed_in.data_dir, "en", kdf=CHEAP_KDF)
    opened, (view, caseworkers) = app.open_case_files("coordinator", PASSWORD)
    try:
        assert opened.user.username == "coordinator"
        assert view.total == 0 and [u.username for u in caseworkers] == ["coordinator"]
    finally:
        opened.close()
    with pytest.raises(WrongPassword):
        app.open_case_files("coordinator", "wrong")


def test_volunteers_can_look_up_services_from_the_sign_in_window(qtbot, data_dir: DataDir) -> None:  # type: ignore[no-untyped-def]
    dialog = LoginDialog(data_dir, lambda *_a: None)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.lookupRequested):
        dialog.lookup_button.click()
