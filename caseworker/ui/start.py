"""Before the case files open: the first run (set up an organisation, or explore demo data),
the recovery key shown once, and the sign-in screen shown at every start."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from caseworker import APP_NAME
from caseworker.core.errors import CaseworkerError, ValidationFailed
from caseworker.core.i18n import UI_LANGUAGES, _, country_name, current_language, current_locale, fill, menu_name
from caseworker.core.keys import PASSWORD_MIN_LENGTH, RFC9106_LOW_MEMORY, KdfParams, RecoveryKey
from caseworker.core.paths import DataDir
from caseworker.core.reference import country_codes
from caseworker.ui.tasks import Task

if TYPE_CHECKING:
    from caseworker.core.services.accounts import SignedIn

DEMO_CASES = 300
DEMO_PASSWORD = "demo"


def demo_data_dir(data_dir: DataDir) -> DataDir:
    """Demo data never mixes with an organisation's real case files."""
    return DataDir(data_dir.root.with_name(data_dir.root.name + "-demo"))


def error_text(error: BaseException) -> str:
    if isinstance(error, CaseworkerError):
        return error.message
    return _("Unexpected error: {error}").format(error=f"{type(error).__name__}: {error}")


def make_title(label: QLabel) -> None:
    """The large bold heading of a start-up dialog."""
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * 1.6)
    font.setBold(True)
    label.setFont(font)


def separator(parent: QWidget) -> QFrame:
    line = QFrame(parent)
    line.setFrameShape(QFrame.Shape.HLine)
    return line


class LanguageMenuButton(QComboBox):
    """Choose the app's language from any screen, each named in its own language."""

    languageChosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        for language in UI_LANGUAGES:
            self.addItem(menu_name(language), language.code)
        self.setCurrentIndex(max(self.findData(current_language()), 0))
        self.activated.connect(lambda i: self.languageChosen.emit(self.itemData(i)))

    def retranslate(self) -> None:
        self.setAccessibleName(_("Language"))
        for index, language in enumerate(UI_LANGUAGES):
            self.setItemText(index, menu_name(language))
        self.setCurrentIndex(max(self.findData(current_language()), 0))


class BusyDialog(QDialog):
    """A dialog that runs one slow step off the GUI thread with an indeterminate progress bar."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setObjectName("message")
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._task: Task | None = None

    def run_busy(self, work: Callable[[], Any], on_done: Callable[[Any], None]) -> None:
        self.message.clear()
        self.progress.show()
        self._set_inputs_enabled(False)
        self._task = Task(work, self)
        self._task.done.connect(lambda value: (self._idle(), on_done(value)))
        self._task.failed.connect(lambda error: (self._idle(), self.show_error(error)))
        self._task.start()

    def busy(self) -> bool:
        return self._task is not None and self._task.running

    def _idle(self) -> None:
        self.progress.hide()
        self._set_inputs_enabled(True)

    def show_error(self, error: BaseException) -> None:
        self.message.setText(error_text(error))
        self.message.setStyleSheet("color: palette(highlighted-text); background: #b00020; padding: 6px;")

    def _set_inputs_enabled(self, enabled: bool) -> None:
        for child in self.findChildren(QWidget):
            if isinstance(child, QLineEdit | QPushButton | QComboBox | QCheckBox | QDialogButtonBox):
                child.setEnabled(enabled)

    def reject(self) -> None:
        if not self.busy():  # closing mid-work would leave a half-made data folder
            super().reject()


class LoginDialog(BusyDialog):
    """User name and password; a wrong one says so and nothing more."""

    signedIn = Signal(object)
    languageChosen = Signal(str)
    lookupRequested = Signal()
    restoreRequested = Signal()

    def __init__(self, data_dir: DataDir, open_case_files: Callable[[str, str], Any], *, hint: str = "",
                 username: str = "", parent: QWidget | None = None) -> None:
        """``open_case_files(user name, password)`` runs off the GUI thread; what it returns is
        emitted with ``signedIn``. It raises WrongPassword for a wrong name or password."""
        super().__init__(parent)
        self.setObjectName("loginDialog")
        self._data_dir = data_dir
        self._open_case_files = open_case_files
        self._hint_text = hint
        self.title = QLabel(self)
        make_title(self.title)
        self.folder = QLabel(self)
        self.folder.setWordWrap(True)
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.username = QLineEdit(username, self)
        self.username.setObjectName("username")
        self.password = QLineEdit(self)
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.username_label = QLabel(self)
        self.username_label.setBuddy(self.username)
        self.password_label = QLabel(self)
        self.password_label.setBuddy(self.password)
        self.language = LanguageMenuButton(self)
        self.language.languageChosen.connect(self.languageChosen)
        self.sign_in_button = QPushButton(self)
        self.sign_in_button.setDefault(True)
        self.sign_in_button.setObjectName("signIn")
        self.quit_button = QPushButton(self)
        self.lookup_button = QPushButton(self)
        self.lookup_button.setObjectName("lookUpServices")
        self.lookup_note = QLabel(self)
        self.lookup_note.setWordWrap(True)
        self.restore_button = QPushButton(self)
        self.restore_button.setObjectName("restoreFromBackup")

        form = QFormLayout()
        form.addRow(self.username_label, self.username)
        form.addRow(self.password_label, self.password)
        buttons = QHBoxLayout()
        buttons.addWidget(self.language)
        buttons.addWidget(self.restore_button)
        buttons.addStretch(1)
        buttons.addWidget(self.quit_button)
        buttons.addWidget(self.sign_in_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 20)
        layout.addWidget(self.title)
        layout.addWidget(self.folder)
        layout.addSpacing(12)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addSpacing(8)
        layout.addWidget(separator(self))
        lookup_row = QHBoxLayout()
        lookup_row.addWidget(self.lookup_note, 1)
        lookup_row.addWidget(self.lookup_button)
        layout.addLayout(lookup_row)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.setMinimumWidth(460)

        self.lookup_button.clicked.connect(self.lookupRequested)
        self.restore_button.clicked.connect(self.restoreRequested)
        self.sign_in_button.clicked.connect(self._sign_in)
        self.quit_button.clicked.connect(self.reject)
        self.retranslate()
        (self.password if username else self.username).setFocus()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Sign in — Caseworker"))
        self.title.setText(APP_NAME)
        self.folder.setText(fill(_("Case files in {folder}"), folder=self._data_dir.root))
        self.username_label.setText(_("&User name"))
        self.password_label.setText(_("&Password"))
        self.sign_in_button.setText(_("Sign in"))
        self.quit_button.setText(_("Quit"))
        self.lookup_button.setText(_("Look up services"))
        self.restore_button.setText(_("Restore from a backup…"))
        self.lookup_note.setText(_("Volunteers: look up where to go and whom to contact, without signing in."))
        self.hint.setText(self._hint_text)
        self.hint.setVisible(bool(self._hint_text))
        self.language.retranslate()

    def _sign_in(self) -> None:
        username, password = self.username.text().strip(), self.password.text()
        if not username or not password:
            self.message.setText(_("Enter your user name and password."))
            return
        work = self._open_case_files
        self.run_busy(lambda: work(username, password), self._signed_in)

    def _signed_in(self, opened: object) -> None:
        self.password.clear()
        self.signedIn.emit(opened)
        self.accept()

    def show_error(self, error: BaseException) -> None:
        super().show_error(error)
        self.password.clear()
        self.password.setFocus()


class RecoveryKeyDialog(QDialog):
    """The recovery key, shown once: it opens the case files if every password is forgotten."""

    def __init__(self, recovery: RecoveryKey, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recoveryKeyDialog")
        self._recovery = recovery
        self.explanation = QLabel(self)
        self.explanation.setWordWrap(True)
        self.key = QLabel(recovery.formatted(), self)
        self.key.setObjectName("recoveryKey")
        self.key.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.key.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        mono.setPointSizeF(self.font().pointSizeF() * 1.4)
        self.key.setFont(mono)
        self.key.setFrameShape(QFrame.Shape.Box)
        self.key.setMargin(12)
        self.confirm = QCheckBox(self)
        self.confirm.setObjectName("confirmWritten")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok, self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        self.confirm.toggled.connect(self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled)
        self.buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation)
        layout.addWidget(self.key)
        layout.addWidget(self.confirm)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Your recovery key"))
        self.explanation.setText(
            _(
                "Write this recovery key on paper and keep it locked away, apart from the laptop. "
                "If every password is forgotten, it is the only way to open the case files. "
                "It is shown only now and is not stored anywhere in readable form."
            )
        )
        self.confirm.setText(_("I have written the recovery key down"))

    def reject(self) -> None:
        if self.confirm.isChecked():
            super().reject()

    def closeEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        if not self.confirm.isChecked():
            event.ignore()
            return
        # Leave nothing in the clipboard history if it was copied.
        QGuiApplication.clipboard().clear()
        super().closeEvent(event)


class FirstRunDialog(BusyDialog):
    """No case files yet: set up the organisation, or explore the app with demo data."""

    setUp = Signal(object, object)  # SignedIn, RecoveryKey
    demoReady = Signal(object)  # DataDir of the demo data
    languageChosen = Signal(str)
    restoreRequested = Signal()

    def __init__(self, data_dir: DataDir, kdf: KdfParams | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("firstRunDialog")
        self._data_dir = data_dir
        self._kdf = kdf
        self.title = QLabel(self)
        make_title(self.title)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)

        self.organisation = QLineEdit(self)
        self.organisation.setObjectName("organisation")
        self.country = QComboBox(self)
        self.country.setObjectName("country")
        self.your_name = QLineEdit(self)
        self.your_name.setObjectName("displayName")
        self.username = QLineEdit(self)
        self.username.setObjectName("username")
        self.password = QLineEdit(self)
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit(self)
        self.repeat.setObjectName("repeatPassword")
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.labels = {name: QLabel(self) for name in ("organisation", "country", "your_name", "username", "password", "repeat")}
        form = QFormLayout()
        for name, field in (
            ("organisation", self.organisation),
            ("country", self.country),
            ("your_name", self.your_name),
            ("username", self.username),
            ("password", self.password),
            ("repeat", self.repeat),
        ):
            self.labels[name].setBuddy(field)
            form.addRow(self.labels[name], field)

        self.language = LanguageMenuButton(self)
        self.language.languageChosen.connect(self.languageChosen)
        self.demo_button = QPushButton(self)
        self.demo_button.setObjectName("exploreDemo")
        self.set_up_button = QPushButton(self)
        self.set_up_button.setObjectName("setUp")
        self.set_up_button.setDefault(True)
        self.quit_button = QPushButton(self)
        self.demo_note = QLabel(self)
        self.demo_note.setWordWrap(True)
        self.restore_button = QPushButton(self)
        self.restore_button.setObjectName("restoreFromBackup")
        self.restore_note = QLabel(self)
        self.restore_note.setWordWrap(True)

        buttons = QHBoxLayout()
        buttons.addWidget(self.language)
        buttons.addStretch(1)
        buttons.addWidget(self.quit_button)
        buttons.addWidget(self.set_up_button)
        demo_row = QHBoxLayout()
        demo_row.addWidget(self.demo_note, 1)
        demo_row.addWidget(self.demo_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 20)
        layout.addWidget(self.title)
        layout.addWidget(self.intro)
        layout.addSpacing(8)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addSpacing(8)
        layout.addWidget(separator(self))
        layout.addLayout(demo_row)
        restore_row = QHBoxLayout()
        restore_row.addWidget(self.restore_note, 1)
        restore_row.addWidget(self.restore_button)
        layout.addLayout(restore_row)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.setMinimumWidth(560)

        self.restore_button.clicked.connect(self.restoreRequested)
        self.set_up_button.clicked.connect(self._set_up)
        self.demo_button.clicked.connect(self._explore_demo)
        self.quit_button.clicked.connect(self.reject)
        self.retranslate()
        self.organisation.setFocus()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Welcome to Caseworker"))
        self.title.setText(_("Welcome to Caseworker"))
        self.intro.setText(
            fill(
                _(
                    "Set up your organisation to start keeping case files. They are stored encrypted on this "
                    "computer, in {folder}, and open only with a password."
                ),
                folder=self._data_dir.root,
            )
        )
        self.labels["organisation"].setText(_("&Organisation"))
        self.labels["country"].setText(_("Countr&y"))
        self.labels["your_name"].setText(_("Your &name"))
        self.labels["username"].setText(_("&User name"))
        self.labels["password"].setText(_("&Password"))
        self.labels["repeat"].setText(_("&Repeat password"))
        self.password.setPlaceholderText(_("at least {n} characters").format(n=PASSWORD_MIN_LENGTH))
        self.set_up_button.setText(_("Set up my organisation"))
        self.demo_button.setText(_("Explore with demo data"))
        self.demo_note.setText(
            _("Not ready yet? Look around first with {n} invented people, kept apart from real case files.").format(
                n=DEMO_CASES
            )
        )
        self.quit_button.setText(_("Quit"))
        self.restore_button.setText(_("Restore from a backup…"))
        self.restore_note.setText(_("Moving to a new computer? Bring the case files back from a backup."))
        self._fill_countries()
        self.language.retranslate()

    def _fill_countries(self) -> None:
        # Here, not at the top: the widgets package would add 50 ms to every start-up.
        from caseworker.ui.widgets.collation import sorted_by_name

        current = self.country.currentData()
        self.country.clear()
        self.country.addItem(_("Choose the country you work in"), None)
        names = sorted_by_name(((country_name(code), code) for code in country_codes()), lambda pair: pair[0])
        for name, code in names:
            self.country.addItem(name, code)
        territory = current or current_locale().territory
        self.country.setCurrentIndex(max(self.country.findData(territory), 0))

    def _set_up(self) -> None:
        if self.password.text() != self.repeat.text():
            self.message.setText(_("The two passwords are not the same."))
            return
        values = dict(
            organisation=self.organisation.text(),
            username=self.username.text().strip(),
            display_name=self.your_name.text(),
            password=self.password.text(),
            country=self.country.currentData(),
            host_language=current_language(),
            kdf=self._kdf,
        )
        data_dir = self._data_dir

        def set_up() -> tuple[SignedIn, RecoveryKey]:
            # The accounts service brings SQLAlchemy: imported when it is needed, not before the
            # first window shows.
            from caseworker.core.directory.starter import load_starter
            from caseworker.core.services import accounts

            result = accounts.set_up(data_dir, **values)
            try:
                load_starter(data_dir)
            except Exception:  # noqa: BLE001 - the case files are set up; the directory can be imported later
                logging.getLogger("caseworker").exception("the starter directory could not be loaded")
            return result

        self.run_busy(set_up, self._was_set_up)

    def _was_set_up(self, result: tuple[SignedIn, RecoveryKey]) -> None:
        self.password.clear()
        self.repeat.clear()
        self.setUp.emit(*result)
        self.accept()

    def _explore_demo(self) -> None:
        from caseworker.core.services.demo import create_demo

        demo_dir = demo_data_dir(self._data_dir)
        if demo_dir.is_set_up():
            self.demoReady.emit(demo_dir)
            self.accept()
            return
        # The demo's one password is printed on screen: the standard cost is enough for it.
        kdf = self._kdf or RFC9106_LOW_MEMORY
        self.run_busy(
            lambda: create_demo(demo_dir, cases=DEMO_CASES, seed=1, password=DEMO_PASSWORD, kdf=kdf),
            lambda _summary: (self.demoReady.emit(demo_dir), self.accept()),
        )

    def show_error(self, error: BaseException) -> None:
        if isinstance(error, ValidationFailed):
            self.message.setText("\n".join(p.message for p in error.problems))
            self.message.setStyleSheet("color: palette(highlighted-text); background: #b00020; padding: 6px;")
        else:
            super().show_error(error)
