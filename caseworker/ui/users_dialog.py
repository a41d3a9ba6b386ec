"""A coordinator's "Users" window: who may use the app, in which role, and whether they can sign
in; add an account, disable or enable one, give one a new password, change a role.

Every change goes through caseworker.core.services.accounts, off the GUI thread (a new password
costs about half a second of key derivation), and the table is read again afterwards. The
services check the rules (coordinators only, never the last coordinator, never yourself); the
buttons only spare people from asking for what would be refused.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from caseworker.core.i18n import N_, _, fill
from caseworker.core.keys import KdfParams
from caseworker.core.labels import label
from caseworker.core.models.enums import Role
from caseworker.core.services import accounts
from caseworker.core.services.records import UserInfo
from caseworker.ui.start import error_text
from caseworker.ui.tasks import Task
from caseworker.ui.widgets.forms import ChoiceCombo, FormRows, heading

SORT_ROLE = Qt.ItemDataRole.UserRole
USER_ROLE = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex

# The order a coordinator reads them in: the widest powers first.
ROLES = (Role.COORDINATOR, Role.CASEWORKER, Role.VOLUNTEER)
_PROBLEM_STYLE = "color: #b3261e;"


class Column(IntEnum):
    USERNAME = 0
    DISPLAY_NAME = 1
    ROLE = 2
    ACTIVE = 3


_HEADERS = {
    Column.USERNAME: N_("User name"),
    Column.DISPLAY_NAME: N_("Name"),
    Column.ROLE: N_("Role"),
    Column.ACTIVE: N_("Status"),
}


def _role_text(role: object) -> str:
    return label(role) if isinstance(role, Role) else ""


class UsersModel(QAbstractTableModel):
    """The accounts as a table; sorting uses the raw values (SORT_ROLE), never the translated text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._users: list[UserInfo] = []

    def set_users(self, users: Sequence[UserInfo]) -> None:
        self.beginResetModel()
        self._users = list(users)
        self.endResetModel()

    def users(self) -> list[UserInfo]:
        return list(self._users)

    def user(self, row: int) -> UserInfo:
        return self._users[row]

    def row_of(self, username: str) -> int:
        for row, user in enumerate(self._users):
            if user.username == username:
                return row
        return -1

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._users)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(Column):
            return _(_HEADERS[Column(section)])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._users) or not 0 <= index.column() < len(Column):
            return None
        user = self._users[index.row()]
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(user, column)
        if role == SORT_ROLE:
            return self._raw(user, column)
        if role == USER_ROLE:
            return user
        return None

    @staticmethod
    def _display(user: UserInfo, column: Column) -> str:
        match column:
            case Column.USERNAME:
                return user.username
            case Column.DISPLAY_NAME:
                return user.display_name
            case Column.ROLE:
                return label(user.role)
            case Column.ACTIVE:
                return _("Active") if user.active else _("Disabled")

    @staticmethod
    def _raw(user: UserInfo, column: Column) -> Any:
        match column:
            case Column.USERNAME:
                return user.username
            case Column.DISPLAY_NAME:
                return user.display_name
            case Column.ROLE:
                return ROLES.index(user.role)
            case Column.ACTIVE:
                return user.active


class _PasswordRows:
    """A new password typed twice, as two rows of a form."""

    def __init__(self, parent: QWidget, rows: FormRows) -> None:
        self.password = QLineEdit(parent)
        self.password.setObjectName("newPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit(parent)
        self.repeat.setObjectName("repeatPassword")
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.labels = (rows.add(N_("New &password"), self.password, "password"),
                       rows.add(N_("&Repeat password"), self.repeat, "repeat"))

    def retranslate(self) -> None:
        self.password.setPlaceholderText(fill(_("at least {n} characters"), n=accounts.MIN_PASSWORD_LENGTH))

    def problems(self) -> list[str]:
        problems = [p.message for p in accounts.new_password_problems(self.password.text())]
        if not problems and self.password.text() != self.repeat.text():
            problems.append(_("The two passwords are not the same."))
        return problems

    def set_visible(self, visible: bool) -> None:
        for widget in (self.password, self.repeat, *self.labels):
            if widget is not None:
                widget.setVisible(visible)
        if not visible:
            self.clear()

    def clear(self) -> None:
        self.password.clear()
        self.repeat.clear()


class _AccountForm(QDialog):
    """A small form that checks what it can before it closes, and says what is wrong."""

    TITLE = ""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = QFormLayout()
        self.rows = FormRows(self.form)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.intro.hide()
        self.problems = QLabel(self)
        self.problems.setObjectName("problems")
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet(_PROBLEM_STYLE)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addWidget(self.problems)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)

    def retranslate(self) -> None:
        self.setWindowTitle(_(self.TITLE))
        self.rows.retranslate()

    def check(self) -> list[str]:
        return []

    def accept(self) -> None:
        problems = self.check()
        self.problems.setText("\n".join(problems))
        if not problems:
            super().accept()


class NewUserForm(_AccountForm):
    TITLE = N_("Add a user")

    def __init__(self, taken: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("newUserForm")
        self._taken = {name.casefold() for name in taken}
        self.username = QLineEdit(self)
        self.username.setObjectName("username")
        self.display_name = QLineEdit(self)
        self.display_name.setObjectName("displayName")
        self.role = ChoiceCombo(ROLES, _role_text, self)
        self.role.setObjectName("role")
        self.role.set_value(Role.CASEWORKER)
        self.rows.add(N_("&User name"), self.username, "username")
        self.rows.add(N_("&Name"), self.display_name, "display_name")
        self.rows.add(N_("R&ole"), self.role, "role")
        self.passwords = _PasswordRows(self, self.rows)
        self.role.currentIndexChanged.connect(self._role_changed)
        self.retranslate()
        self.username.setFocus()

    def retranslate(self) -> None:
        super().retranslate()
        self.role.retranslate()
        self.passwords.retranslate()
        self.intro.setText(_("Volunteers get no password: they only look up services, which needs no sign-in."))

    def _role_changed(self) -> None:
        volunteer = self.role.value() is Role.VOLUNTEER
        self.passwords.set_visible(not volunteer)
        self.intro.setVisible(volunteer)

    def check(self) -> list[str]:
        username = self.username.text().strip()
        problems = [p.message for p in accounts.new_user_problems(username, self.display_name.text())]
        if username.casefold() in self._taken:
            problems.append(fill(_("There is already a user called {name}."), name=username))
        if self.role.value() is not Role.VOLUNTEER:
            problems += self.passwords.problems()
        return problems

    def values(self) -> dict[str, Any]:
        role = self.role.value()
        return {
            "username": self.username.text().strip(),
            "display_name": self.display_name.text().strip(),
            "role": role,
            "password": None if role is Role.VOLUNTEER else self.passwords.password.text(),
        }


class NewPasswordForm(_AccountForm):
    TITLE = N_("Reset password")

    def __init__(self, user: UserInfo, parent: QWidget | None = None, *, title: str | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("newPasswordForm")
        if title is not None:
            self.TITLE = title  # enabling an account asks for a new password the same way
        self.user = user
        self.passwords = _PasswordRows(self, self.rows)
        self.intro.show()
        self.retranslate()
        self.passwords.password.setFocus()

    def retranslate(self) -> None:
        super().retranslate()
        self.passwords.retranslate()
        self.intro.setText(
            fill(_("A new password for {name}. Tell it to them in person; they can change it after signing in."),
                 name=self.user.display_name)
        )

    def check(self) -> list[str]:
        return self.passwords.problems()

    def password(self) -> str:
        return self.passwords.password.text()


class RoleForm(_AccountForm):
    TITLE = N_("Change role")

    def __init__(self, user: UserInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("roleForm")
        self.user = user
        self.role = ChoiceCombo(ROLES, _role_text, self)
        self.role.setObjectName("role")
        self.role.set_value(user.role)
        self.rows.add(N_("R&ole"), self.role, "role")
        self.passwords = _PasswordRows(self, self.rows)
        self.intro.show()
        self.role.currentIndexChanged.connect(self._role_changed)
        self._role_changed()
        self.retranslate()
        self.role.setFocus()

    def retranslate(self) -> None:
        super().retranslate()
        self.role.retranslate()
        self.passwords.retranslate()
        self._role_changed()

    def needs_password(self) -> bool:
        # A volunteer has no key; taking on a role with case files means getting a password.
        return self.user.role is Role.VOLUNTEER and self.role.value() is not Role.VOLUNTEER

    def _role_changed(self) -> None:
        self.passwords.set_visible(self.needs_password())
        if self.role.value() is Role.VOLUNTEER and self.user.role is not Role.VOLUNTEER:
            text = _("As a volunteer, {name} loses their password and can no longer open case files.")
        elif self.needs_password():
            text = _("{name} needs a password to open case files.")
        else:
            text = _("Choose the role for {name}.")
        self.intro.setText(fill(text, name=self.user.display_name))

    def check(self) -> list[str]:
        return self.passwords.problems() if self.needs_password() else []

    def chosen_role(self) -> Role:
        return self.role.value()  # type: ignore[return-value]

    def password(self) -> str | None:
        return self.passwords.password.text() if self.needs_password() else None


class UsersDialog(QDialog):
    """The coordinator's list of accounts, with what may be done to them.

    ``kdf`` is the cost of new passwords (tests pass a cheap one; by default the calibrated one).
    ``form`` is the small dialog open on top, if any; ``changed`` follows each change made.
    """

    changed = Signal()

    def __init__(self, signed_in: accounts.SignedIn, *, kdf: KdfParams | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("usersDialog")
        self._signed_in = signed_in
        self._kdf = kdf
        self._task: Task | None = None
        self.form: _AccountForm | None = None

        self.title = heading(self)
        self.model = UsersModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setSortLocaleAware(True)
        self.table = QTableView(self)
        self.table.setObjectName("users")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Column.DISPLAY_NAME, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table for the buttons
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(Column.DISPLAY_NAME, QHeaderView.ResizeMode.Stretch)

        self.add_button = QPushButton(self)
        self.add_button.setObjectName("addUser")
        self.active_button = QPushButton(self)
        self.active_button.setObjectName("disableOrEnable")
        self.reset_button = QPushButton(self)
        self.reset_button.setObjectName("resetPassword")
        self.role_button = QPushButton(self)
        self.role_button.setObjectName("changeRole")
        self.close_buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.close_buttons.rejected.connect(self.reject)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.message = QLabel(self)
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        actions = QHBoxLayout()
        for button in (self.add_button, self.active_button, self.reset_button, self.role_button):
            actions.addWidget(button)
        actions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addWidget(self.close_buttons)
        self.resize(720, 420)

        self.add_button.clicked.connect(self.add_user)
        self.active_button.clicked.connect(self.disable_or_enable)
        self.reset_button.clicked.connect(self.reset_password)
        self.role_button.clicked.connect(self.change_role)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        self.retranslate()
        self.refresh()
        self.table.setFocus()

    # --- reading ------------------------------------------------------------------------------

    def refresh(self, select: str | None = None) -> None:
        """Read the accounts again, keeping (or moving to) the selected one."""
        chosen = select or (self.selected_user().username if self.selected_user() else None)
        self.model.set_users(accounts.list_users(self._signed_in))
        if chosen is not None:
            self.select(chosen)
        self._update_buttons()

    def selected_user(self) -> UserInfo | None:
        index = self.table.selectionModel().currentIndex()
        if not index.isValid() or not self.table.selectionModel().isRowSelected(index.row(), QModelIndex()):
            return None
        return self.proxy.data(index, USER_ROLE)  # type: ignore[no-any-return]

    def select(self, username: str) -> None:
        row = self.model.row_of(username)
        if row < 0:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.scrollTo(index)

    def retranslate(self) -> None:
        self.setWindowTitle(_("Users"))
        self.title.setText(_("Users"))
        self.add_button.setText(_("&Add…"))
        self.reset_button.setText(_("&Reset password…"))
        self.role_button.setText(_("Change r&ole…"))
        self.table.setAccessibleName(_("Users"))
        self._update_buttons()
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(Column) - 1)
        last_row = self.model.rowCount() - 1
        if last_row >= 0:
            self.model.dataChanged.emit(self.model.index(0, 0), self.model.index(last_row, len(Column) - 1))
        if self.form is not None:
            self.form.retranslate()

    def _update_buttons(self) -> None:
        user = self.selected_user()
        busy = self.busy()
        yourself = user is not None and user.id == self._signed_in.user.id
        self.add_button.setEnabled(not busy)
        self.active_button.setText(_("&Enable") if user is not None and not user.active else _("&Disable…"))
        self.active_button.setEnabled(not busy and user is not None and not yourself)
        self.reset_button.setEnabled(not busy and user is not None and user.role is not Role.VOLUNTEER)
        self.role_button.setEnabled(not busy and user is not None and not yourself)

    # --- changing -----------------------------------------------------------------------------

    def add_user(self) -> None:
        form = NewUserForm([u.username for u in self.model.users()], self)
        kdf = self._kdf

        def add() -> None:
            values = form.values()
            self._run(lambda: accounts.add_user(self._signed_in, kdf=kdf, **values),
                      fill(_("Added {name}."), name=values["username"]), values["username"])

        self._open(form, add)

    def disable_or_enable(self) -> None:
        user = self.selected_user()
        if user is None:
            return
        if not user.active:
            self._enable(user)
            return
        answer = QMessageBox.question(
            self,
            _("Disable user"),
            fill(_("Disable {name}? They will no longer be able to sign in, and their password will open nothing. To enable the account again, you give it a new password."),
                 name=user.display_name),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self._run(lambda: accounts.disable_user(self._signed_in, user.username),
                  fill(_("{name} can no longer sign in."), name=user.display_name), user.username)

    def _enable(self, user: UserInfo) -> None:
        """A volunteer comes back as they were; anyone else with a new password, since disabling
        took their copy of the key away."""
        done = fill(_("{name} can sign in again."), name=user.display_name)
        if user.role is Role.VOLUNTEER:
            self._run(lambda: accounts.enable_user(self._signed_in, user.username), done, user.username)
            return
        form = NewPasswordForm(user, self, title=N_("Enable account"))
        kdf = self._kdf

        def enable() -> None:
            password = form.password()
            form.passwords.clear()
            self._run(lambda: accounts.enable_user(self._signed_in, user.username, password, kdf=kdf), done, user.username)

        self._open(form, enable)

    def reset_password(self) -> None:
        user = self.selected_user()
        if user is None:
            return
        form = NewPasswordForm(user, self)
        kdf = self._kdf

        def reset() -> None:
            password = form.password()
            form.passwords.clear()
            self._run(lambda: accounts.reset_password(self._signed_in, user.username, password, kdf=kdf),
                      fill(_("{name} has a new password."), name=user.display_name), user.username)

        self._open(form, reset)

    def change_role(self) -> None:
        user = self.selected_user()
        if user is None:
            return
        form = RoleForm(user, self)
        kdf = self._kdf

        def change() -> None:
            role, password = form.chosen_role(), form.password()
            form.passwords.clear()
            self._run(
                lambda: accounts.change_role(self._signed_in, user.username, role, new_password=password, kdf=kdf),
                fill(_("{name} is now: {role}."), name=user.display_name, role=label(role)),
                user.username,
            )

        self._open(form, change)

    def _open(self, form: _AccountForm, on_accepted: Callable[[], None]) -> None:
        """Open a form without a nested event loop; ``on_accepted`` runs once it is filled in."""
        if self.form is not None:
            self.form.reject()
        self.form = form
        form.accepted.connect(on_accepted)
        form.finished.connect(lambda _result: self._forget(form))
        form.open()

    def _forget(self, form: _AccountForm) -> None:
        if self.form is form:
            self.form = None
        form.deleteLater()

    def busy(self) -> bool:
        return self._task is not None and self._task.running

    def _run(self, work: Callable[[], object], done_text: str, select: str) -> None:
        self.message.clear()
        self.message.setStyleSheet("")
        self.progress.show()
        task = Task(work, self)
        self._task = task
        task.done.connect(lambda _value: self._done(done_text, select))
        task.failed.connect(self._failed)
        task.start()
        self._update_buttons()

    def _done(self, text: str, select: str) -> None:
        self._task = None
        self.progress.hide()
        self.refresh(select)
        self.message.setText(text)
        self.changed.emit()

    def _failed(self, error: BaseException) -> None:
        self._task = None
        self.progress.hide()
        self.refresh()
        self.message.setText(error_text(error))
        self.message.setStyleSheet(_PROBLEM_STYLE)

    def reject(self) -> None:
        if not self.busy():  # closing mid-change would leave no word on how it ended
            super().reject()
