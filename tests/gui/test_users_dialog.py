"""The coordinator's Users window (caseworker/ui/users_dialog.py), over real accounts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QMessageBox

from caseworker.core.errors import WrongPassword
from caseworker.core.i18n import set_language
from caseworker.core.keys import KeyRing
from caseworker.core.models.enums import Role
from caseworker.core.services import accounts
from caseworker.core.services.records import UserInfo
from caseworker.ui.users_dialog import (
    SORT_ROLE,
    USER_ROLE,
    Column,
    NewPasswordForm,
    NewUserForm,
    RoleForm,
    UsersDialog,
    UsersModel,
)
from tests.conftest import CHEAP_KDF

KARIM_PASSWORD = "karim's long password"
NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def office(signed_in: accounts.SignedIn) -> accounts.SignedIn:
    accounts.add_user(signed_in, username="karim", display_name="Karim Nasser", role=Role.CASEWORKER,
                      password=KARIM_PASSWORD, kdf=CHEAP_KDF)
    accounts.add_user(signed_in, username="ada", display_name="Ada Volunteer", role=Role.VOLUNTEER, password=None)
    return signed_in


@pytest.fixture
def dialog(qtbot, office: accounts.SignedIn) -> Iterator[UsersDialog]:  # type: ignore[no-untyped-def]
    shown = UsersDialog(office, kdf=CHEAP_KDF)
    qtbot.addWidget(shown)
    shown.show()
    yield shown
    qtbot.waitUntil(lambda: not shown.busy())


def rows(dialog: UsersDialog) -> list[tuple[str, ...]]:
    """The table as a person sees it, in the order shown."""
    proxy = dialog.proxy
    return [
        tuple(proxy.data(proxy.index(row, column)) for column in range(proxy.columnCount()))
        for row in range(proxy.rowCount())
    ]


def user(signed_in: accounts.SignedIn, username: str) -> UserInfo:
    (found,) = [u for u in accounts.list_users(signed_in) if u.username == username]
    return found


def can_sign_in(signed_in: accounts.SignedIn, username: str, password: str) -> bool:
    try:
        accounts.sign_in(signed_in.data_dir, username, password, CHEAP_KDF).close()
    except (accounts.WrongPassword, accounts.VolunteersDoNotSignIn):
        return False
    return True


def accept(form: object) -> None:
    form.buttons.accepted.emit()  # type: ignore[attr-defined]


# --- the model -----------------------------------------------------------------------------------


USERS = [
    UserInfo(1, "maria", "Maria Rossi", Role.COORDINATOR, True),
    UserInfo(2, "karim", "Karim Nasser", Role.CASEWORKER, False),
    UserInfo(3, "ada", "Ada Volunteer", Role.VOLUNTEER, True),
]


def test_the_model_passes_qt_model_checks(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = UsersModel()
    model.set_users(USERS)
    qtmodeltester.check(model, force_py=True)
    # The tester stays connected and checks each change as it happens.
    model.set_users([])
    model.set_users(USERS[:1])


def test_the_model_shows_words_and_sorts_by_raw_values() -> None:
    model = UsersModel()
    model.set_users(USERS)

    def cell(row: int, column: Column, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        return model.data(model.index(row, column), role)

    assert [cell(0, c) for c in Column] == ["maria", "Maria Rossi", "Coordinator", "Active"]
    assert cell(1, Column.ACTIVE) == "Disabled"
    assert cell(1, Column.ACTIVE, SORT_ROLE) is False
    assert [cell(r, Column.ROLE, SORT_ROLE) for r in range(3)] == [0, 1, 2]  # coordinator first
    assert cell(2, Column.USERNAME, USER_ROLE) == USERS[2]
    assert model.data(QModelIndex()) is None
    assert model.headerData(Column.ROLE, Qt.Orientation.Horizontal) == "Role"


def test_the_words_follow_the_language() -> None:
    model = UsersModel()
    model.set_users(USERS)
    set_language("it")

    assert model.data(model.index(0, Column.ROLE)) != "Coordinator"
    assert model.data(model.index(0, Column.ROLE), SORT_ROLE) == 0


# --- the window ----------------------------------------------------------------------------------


def test_it_lists_every_account(dialog: UsersDialog) -> None:
    assert rows(dialog) == [
        ("ada", "Ada Volunteer", "Volunteer", "Active"),
        ("karim", "Karim Nasser", "Caseworker", "Active"),
        ("coordinator", "Maria Rossi", "Coordinator", "Active"),
    ]


def test_buttons_follow_the_selection(dialog: UsersDialog) -> None:
    assert not dialog.active_button.isEnabled()  # nothing chosen yet
    assert dialog.add_button.isEnabled()

    dialog.select("coordinator")
    assert not dialog.active_button.isEnabled()  # not yourself
    assert not dialog.role_button.isEnabled()
    assert dialog.reset_button.isEnabled()

    dialog.select("ada")
    assert not dialog.reset_button.isEnabled()  # a volunteer has no password
    assert dialog.active_button.isEnabled()
    assert dialog.active_button.text() == "&Disable…"


def test_disabling_asks_first_and_then_the_account_cannot_sign_in(
    qtbot, dialog: UsersDialog, office: accounts.SignedIn, monkeypatch: pytest.MonkeyPatch  # type: ignore[no-untyped-def]
) -> None:
    asked: list[str] = []

    def answer(_parent: object, _title: str, text: str, *_rest: object) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", answer)
    dialog.select("karim")
    dialog.active_button.click()

    assert asked and "Karim Nasser" in asked[0]
    assert user(office, "karim").active
    assert not dialog.busy()

    monkeypatch.setattr(QMessageBox, "question", lambda *_a: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(dialog.changed, timeout=10000):
        dialog.active_button.click()

    assert not user(office, "karim").active
    assert ("karim", "Karim Nasser", "Caseworker", "Disabled") in rows(dialog)
    assert dialog.selected_user() is not None and dialog.selected_user().username == "karim"  # type: ignore[union-attr]
    assert dialog.active_button.text() == "&Enable"
    # Their copy of the key is gone: the old password opens nothing.
    with pytest.raises(WrongPassword):
        accounts.sign_in(office.data_dir, "karim", KARIM_PASSWORD, CHEAP_KDF)

    dialog.active_button.click()  # enabling asks for a new password, not a question
    form = dialog.form
    assert isinstance(form, NewPasswordForm)
    assert form.windowTitle() == "Enable account"
    qtbot.keyClicks(form.passwords.password, NEW_PASSWORD)
    qtbot.keyClicks(form.passwords.repeat, NEW_PASSWORD)
    with qtbot.waitSignal(dialog.changed, timeout=10000):
        accept(form)

    assert user(office, "karim").active
    assert can_sign_in(office, "karim", NEW_PASSWORD)
    assert not can_sign_in(office, "karim", KARIM_PASSWORD)


def test_add_a_caseworker(qtbot, dialog: UsersDialog, office: accounts.SignedIn) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    form = dialog.form
    assert isinstance(form, NewUserForm)
    qtbot.keyClicks(form.username, "amira")
    qtbot.keyClicks(form.display_name, "Amira Haddad")
    qtbot.keyClicks(form.passwords.password, NEW_PASSWORD)
    qtbot.keyClicks(form.passwords.repeat, NEW_PASSWORD)

    with qtbot.waitSignal(dialog.changed, timeout=10000):
        accept(form)

    assert ("amira", "Amira Haddad", "Caseworker", "Active") in rows(dialog)
    assert dialog.message.text() == "Added amira."
    assert can_sign_in(office, "amira", NEW_PASSWORD)


def test_a_new_user_form_says_what_is_wrong_and_stays_open(qtbot, dialog: UsersDialog, office: accounts.SignedIn) -> None:  # type: ignore[no-untyped-def]
    dialog.add_button.click()
    form = dialog.form
    assert isinstance(form, NewUserForm)
    qtbot.keyClicks(form.username, "karim")  # taken
    qtbot.keyClicks(form.display_name, "Karim Again")
    qtbot.keyClicks(form.passwords.password, "short")
    qtbot.keyClicks(form.passwords.repeat, "short")

    accept(form)

    assert form.isVisible()
    assert "There is already a user called karim." in form.problems.text()
    assert "A password needs at least 10 characters." in form.problems.text()

    form.passwords.clear()
    qtbot.keyClicks(form.passwords.password, NEW_PASSWORD)
    qtbot.keyClicks(form.passwords.repeat, NEW_PASSWORD + "!")
    accept(form)
    assert "The two passwords are not the same." in form.problems.text()

    form.reject()
    assert len(accounts.list_users(office)) == 3


def test_add_a_volunteer_without_a_password(qtbot, dialog: UsersDialog, office: accounts.SignedIn) -> None:  # type: ignore[no-untyped-def]
    dialog.add_button.click()
    form = dialog.form
    assert isinstance(form, NewUserForm)
    qtbot.keyClicks(form.username, "ben")
    qtbot.keyClicks(form.display_name, "Ben Helper")
    form.role.set_value(Role.VOLUNTEER)
    assert not form.passwords.password.isVisible()

    with qtbot.waitSignal(dialog.changed, timeout=10000):
        accept(form)

    assert user(office, "ben").role is Role.VOLUNTEER
    assert KeyRing.load(office.data_dir.keyring).find("password", "ben") is None


def test_reset_a_password(qtbot, dialog: UsersDialog, office: accounts.SignedIn) -> None:  # type: ignore[no-untyped-def]
    dialog.select("karim")
    dialog.reset_button.click()
    form = dialog.form
    assert isinstance(form, NewPasswordForm)
    assert "Karim Nasser" in form.intro.text()
    qtbot.keyClicks(form.passwords.password, NEW_PASSWORD)
    qtbot.keyClicks(form.passwords.repeat, NEW_PASSWORD)

    with qtbot.waitSignal(dialog.changed, timeout=10000):
        accept(form)

    assert can_sign_in(office, "karim", NEW_PASSWORD)
    assert not can_sign_in(office, "karim", KARIM_PASSWORD)


def test_make_a_caseworker_a_volunteer(qtbot, dialog: UsersDialog, office: accounts.SignedIn) -> None:  # type: ignore[no-untyped-def]
    dialog.select("karim")
    dialog.role_button.click()
    form = dialog.form
    assert isinstance(form, RoleForm)
    form.role.set_value(Role.VOLUNTEER)
    assert "loses their password" in form.intro.text()

    with qtbot.waitSignal(dialog.changed, timeout=10000):
        accept(form)

    assert ("karim", "Karim Nasser", "Volunteer", "Active") in rows(dialog)
    assert not can_sign_in(office, "karim", KARIM_PASSWORD)


def test_a_volunteer_who_becomes_a_caseworker_is_given_a_password(qtbot, dialog: UsersDialog, office: accounts.SignedIn) -> None:  # type: ignore[no-untyped-def]
    dialog.select("ada")
    dialog.role_button.click()
    form = dialog.form
    assert isinstance(form, RoleForm)
    assert not form.needs_password()
    form.role.set_value(Role.CASEWORKER)
    assert form.needs_password()

    accept(form)
    assert form.isVisible()  # no password yet
    qtbot.keyClicks(form.passwords.password, NEW_PASSWORD)
    qtbot.keyClicks(form.passwords.repeat, NEW_PASSWORD)
    with qtbot.waitSignal(dialog.changed, timeout=10000):
        accept(form)

    assert user(office, "ada").role is Role.CASEWORKER
    assert can_sign_in(office, "ada", NEW_PASSWORD)


def test_a_refusal_from_the_service_is_shown(qtbot, dialog: UsersDialog, office: accounts.SignedIn, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    # Another coordinator demoted this one a moment ago: the service says no, the window says why.
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise accounts.CoordinatorsOnly()

    monkeypatch.setattr(accounts, "disable_user", refuse)
    monkeypatch.setattr(QMessageBox, "question", lambda *_a: QMessageBox.StandardButton.Yes)
    dialog.select("karim")

    dialog.active_button.click()
    qtbot.waitUntil(lambda: dialog.message.text() != "" and not dialog.busy(), timeout=10000)

    assert dialog.message.text() == "Only a coordinator can manage users."
    assert user(office, "karim").active


def test_everything_is_reachable_from_the_keyboard(qtbot, dialog: UsersDialog) -> None:  # type: ignore[no-untyped-def]
    for button in (dialog.add_button, dialog.active_button, dialog.reset_button, dialog.role_button):
        assert button.focusPolicy() & Qt.FocusPolicy.TabFocus
        assert "&" in button.text()
    assert not dialog.table.tabKeyNavigation()

    dialog.table.setFocus()
    qtbot.keyClick(dialog.table, Qt.Key.Key_Down)
    assert dialog.selected_user() is not None


def test_the_window_follows_the_language(dialog: UsersDialog) -> None:
    set_language("it")
    dialog.retranslate()

    assert rows(dialog)[0][2] != "Volunteer"
    assert dialog.proxy.headerData(Column.DISPLAY_NAME, Qt.Orientation.Horizontal) != "Name"
