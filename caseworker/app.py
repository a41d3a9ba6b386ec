"""The one place that wires paths, settings, language, the case files and the windows."""

from __future__ import annotations

import importlib
import logging
import os
import signal
import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QLockFile, QSettings, Qt, QThreadPool, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from caseworker import APP_NAME, __version__
from caseworker.core.errors import ReadOnlyDataDir
from caseworker.core.i18n import Preferences, _, current_language, fill, set_language
from caseworker.core.keys import KdfParams
from caseworker.core.paths import DataDir
from caseworker.ui.fonts import register_bundled_fonts
from caseworker.ui.language import LanguageSwitcher, system_language
from caseworker.ui.start import DEMO_PASSWORD, FirstRunDialog, LoginDialog, RecoveryKeyDialog
from caseworker.ui.tasks import Task

if TYPE_CHECKING:
    from caseworker.core.services.accounts import SignedIn

log = logging.getLogger("caseworker")


class CaseworkerApp:
    """The running app: which window is shown, in which language, over which data folder."""

    def __init__(self, app: QApplication, data_dir: DataDir, language: str | None,
                 kdf: KdfParams | None = None) -> None:
        self.app = app
        self.data_dir = data_dir
        self.kdf = kdf
        self.languages = LanguageSwitcher(app)
        self.settings = self._settings_for(data_dir)
        chosen = language or self.settings.value("language") or system_language()
        try:
            self.languages.apply(str(chosen))
        except ValueError:
            self.languages.apply("en")
        self.languages.set_preferences(Preferences(
            solar_hijri=self.settings.value("solar_hijri", False, type=bool),
            native_digits=self.settings.value("native_digits", False, type=bool),
        ))
        self.window = None
        self.signed_in: SignedIn | None = None
        self.dialog = None
        self.directory_windows: list = []  # type: ignore[type-arg]
        self.idle_lock = None
        # An unsaved edit kept across an automatic lock, given back when the same person signs in.
        self._kept: tuple[str, object] | None = None

    @staticmethod
    def _settings_for(data_dir: DataDir) -> QSettings:
        # Window layout and language live in the data folder, beside the data they belong to
        # (never in a global place that tests or a second organisation would share); they hold
        # no personal data.
        return QSettings(str(data_dir.ui_state), QSettings.Format.IniFormat)

    def start(self) -> None:
        if self.data_dir.is_set_up():
            self.show_login()
        else:
            self.show_first_run()

    def show_first_run(self) -> None:
        dialog = FirstRunDialog(self.data_dir, self.kdf)
        dialog.setUp.connect(self._set_up)
        dialog.demoReady.connect(self._demo_ready)
        dialog.restoreRequested.connect(self.show_restore)
        dialog.languageChosen.connect(self.switch_language)
        dialog.rejected.connect(self.app.quit)
        self._show_dialog(dialog)

    def show_login(self, *, hint: str = "", username: str = "") -> None:
        dialog = LoginDialog(self.data_dir, self.open_case_files, hint=hint, username=username)
        dialog.signedIn.connect(lambda opened: self.show_main(*opened))
        dialog.lookupRequested.connect(self.show_directory)
        dialog.restoreRequested.connect(self.show_restore)
        dialog.languageChosen.connect(self.switch_language)
        dialog.rejected.connect(self.app.quit)
        self._show_dialog(dialog)
        # While the person types their password, load the main window's code in the background,
        # so that it shows as soon as the key is unwrapped.
        # The accounts service and SQLAlchemy come with it: none of them is needed to show this window.
        language = current_language()
        self._warm_up = Task(lambda: importlib.import_module("caseworker.ui.main_window").prepare(language), dialog)
        self._warm_up.done.connect(lambda _value: importlib.import_module("caseworker.ui.main_window").meet_qt_types(dialog))
        self._warm_up.start()

    def _show_dialog(self, dialog) -> None:  # type: ignore[no-untyped-def]
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        log.info("window shown: %s", dialog.objectName())
        dialog.raise_()
        dialog.activateWindow()

    def _set_up(self, signed_in: SignedIn, recovery) -> None:  # type: ignore[no-untyped-def]
        self.settings = self._settings_for(self.data_dir)
        RecoveryKeyDialog(recovery).exec()
        self.show_main(signed_in)

    def _demo_ready(self, demo_dir: DataDir) -> None:
        self.data_dir = demo_dir
        self.settings = self._settings_for(demo_dir)
        self.show_login(
            hint=_("Demo data: sign in as “demo” with the password “{password}”.").format(password=DEMO_PASSWORD),
            username="demo",
        )

    def open_case_files(self, username: str, password: str) -> tuple[SignedIn, object]:
        """Sign in and read everything the main window shows first. Runs off the GUI thread, so
        the window appears complete the moment the key is unwrapped."""
        from caseworker.core.services import accounts  # loaded by now: see show_login's warm-up

        signed_in = accounts.sign_in(self.data_dir, username, password, self.kdf)
        try:
            from caseworker.ui.main_window import read_for_main_window

            preloaded = read_for_main_window(signed_in)
        except BaseException:
            signed_in.close()
            raise
        return signed_in, preloaded

    def show_main(self, signed_in: SignedIn, preloaded: object = None) -> None:
        from caseworker.core.settings import load_settings
        from caseworker.ui.idle_lock import IdleLock
        from caseworker.ui.main_window import MainWindow

        self.signed_in = signed_in
        self.settings.setValue("language", current_language())
        self.window = MainWindow(
            signed_in, self.settings, preloaded,  # type: ignore[arg-type]
            idle_seconds=lambda: self.idle_lock.idle_seconds() if self.idle_lock is not None else 0.0,
        )
        self.window.languageChosen.connect(self.switch_language)
        self.window.preferencesChosen.connect(self.switch_preferences)
        self.window.directoryRequested.connect(self.show_directory)
        self.window.restoreRequested.connect(self.restore_from_main)
        self.window.show()
        log.info("window shown: %s", self.window.objectName())
        settings = load_settings(self.data_dir)
        if settings.problems:
            QMessageBox.warning(self.window, APP_NAME, "\n".join(p.message for p in settings.problems))
        if self._kept is not None and self._kept[0] == signed_in.user.username:
            self.window.restore_after_lock(self._kept[1])
        self._kept = None
        if self.idle_lock is None:
            self.idle_lock = IdleLock(settings.auto_lock_minutes, self.app)
            self.idle_lock.locked.connect(self.lock)
        else:
            self.idle_lock.set_minutes(settings.auto_lock_minutes)
            self.idle_lock.reset()
            self.idle_lock.start()

    def lock(self) -> None:
        """Nobody has used the app for a while: forget the key and hide every case. An edit not
        yet saved is kept in memory and given back to the same person when they sign in again."""
        if self.window is None or self.signed_in is None:
            return
        log.info("locked after a time without use")
        if self.idle_lock is not None:
            self.idle_lock.stop()
        # A question or a file chooser left open would otherwise stay on screen over a closed
        # window, and act on case files that are no longer open when answered.
        for _tries in range(10):
            modal = QApplication.activeModalWidget()
            if modal is None:
                break
            modal.close()
        username = self.signed_in.user.username
        self._kept = (username, self.window.state_for_lock())
        # The sign-in window first: closing the last window would end the app.
        self.show_login(hint=_("Locked after a time without use. Sign in again to go on where you were."), username=username)
        window, self.window = self.window, None
        window.close_without_asking()
        window.deleteLater()
        # Work still reading the store off the GUI thread (a report, the follow-ups) ends first:
        # its connection must not be closed under it.
        QThreadPool.globalInstance().waitForDone(30_000)
        self.signed_in.close()
        self.signed_in = None
        for lookup in list(self.directory_windows):
            if lookup.editor is not None:  # a coordinator's window writes with their rights
                lookup.close()

    def show_restore(self) -> None:
        """Restore a backup into this data folder, from the sign-in or first-run window (no case
        file is open then). The lookup windows let go of the directory first: it is replaced."""
        from caseworker.ui.restore_dialog import RestoreDialog

        for lookup in list(self.directory_windows):
            lookup.close()
        username = self.dialog.username.text().strip() if isinstance(self.dialog, LoginDialog) else ""
        self.restore_dialog = RestoreDialog(self.data_dir, username=username, kdf=self.kdf, parent=self.dialog)
        self.restore_dialog.restored.connect(self._restored)
        self.restore_dialog.open()

    def _restored(self, restored: object) -> None:
        from caseworker.ui.restore_dialog import restored_text

        log.info("backup restored")
        before = self.dialog
        self.show_login(hint=restored_text(restored))
        if before is not None and before is not self.dialog:
            before.blockSignals(True)  # its "rejected" would end the app
            before.close()

    def restore_from_main(self) -> None:
        """A coordinator asked to restore while signed in: sign out (unsaved changes asked
        about first), then restore from the sign-in window."""
        window = self.window
        if window is None or self.signed_in is None or not window.may_leave_case():
            return
        if self.idle_lock is not None:
            self.idle_lock.stop()
        username = self.signed_in.user.username
        self.show_login(username=username)  # first: closing the last window would end the app
        self.window = None
        window.close_without_asking()
        window.deleteLater()
        QThreadPool.globalInstance().waitForDone(30_000)  # reads still running let go of the store
        self.signed_in.close()
        self.signed_in = None
        self.show_restore()

    def show_directory(self) -> None:
        """The directory: read-only for volunteers (no sign-in) and caseworkers; a signed-in
        coordinator keeps it (edits, translations, import)."""
        from caseworker.core.directory.store import DirectoryStore
        from caseworker.core.errors import CaseworkerError
        from caseworker.core.models.enums import Role
        from caseworker.ui.directory_window import DirectoryWindow

        user = self.signed_in.user if self.signed_in is not None and self.window is not None else None
        editor = user.username if user is not None and user.role is Role.COORDINATOR else None
        try:
            if editor is not None:
                store = DirectoryStore.open_or_create(self.data_dir.directory_db, backup_dir=self.data_dir.backups)
            else:
                store = DirectoryStore.open(self.data_dir.directory_db, read_only=True)
        except CaseworkerError as error:
            QMessageBox.warning(None, APP_NAME, error.message)
            return
        window = DirectoryWindow(store, self.settings, editor=editor)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.directory_windows.append(window)
        window.destroyed.connect(lambda *_: self.directory_windows.remove(window) if window in self.directory_windows else None)
        window.show()
        log.info("window shown: %s", window.objectName())

    def switch_language(self, code: str) -> None:
        """Change the language while the app runs, without a restart and without losing edits."""
        self.languages.apply(code)
        self.settings.setValue("language", code)
        self._retranslate_windows()

    def switch_preferences(self, chosen: Preferences) -> None:
        """Dates in another calendar, or other digits: every window writes its dates again."""
        self.languages.set_preferences(chosen)
        self.settings.setValue("solar_hijri", chosen.solar_hijri)
        self.settings.setValue("native_digits", chosen.native_digits)
        self._retranslate_windows()

    def _retranslate_windows(self) -> None:
        for widget in (self.dialog, self.window, *self.directory_windows):
            if widget is not None:
                try:
                    widget.retranslate()
                except RuntimeError:  # a dialog already closed and deleted
                    pass

    def shutdown(self) -> None:
        if self.signed_in is not None:
            self._backup_on_exit(self.signed_in)
            self.signed_in.close()
            self.signed_in = None

    @staticmethod
    def _backup_on_exit(signed_in: SignedIn) -> None:
        """An automatic backup in the data folder when the app closes; the latest ten stay. A
        failure is logged, never a reason to keep someone from closing the app."""
        from caseworker.core.errors import CaseworkerError
        from caseworker.core.services.backup import automatic_backup

        try:
            made = automatic_backup(signed_in)
        except (CaseworkerError, OSError) as error:
            log.warning("no automatic backup on exit: %s", error)
        else:
            log.info("automatic backup written: %s", made.name)


def _configure_logging() -> None:
    # Messages about the app's own workings, never case data; CASEWORKER_LOG_LEVEL=INFO shows more.
    level = os.environ.get("CASEWORKER_LOG_LEVEL", "WARNING").upper()
    logging.basicConfig(level=getattr(logging, level, logging.WARNING), format="caseworker: %(message)s")


def _quit_on_terminate(app: QApplication) -> QTimer:
    """SIGTERM or Ctrl+C closes the windows as the close button would (asking about unsaved
    changes), instead of killing the process mid-save. Python runs signal handlers only when it
    has control, so a slow timer gives it that chance while Qt's event loop runs."""

    def close_all() -> None:
        app.closeAllWindows()
        if not any(window.isVisible() for window in app.topLevelWidgets()):
            app.quit()

    def on_signal(_signum: int, _frame: object) -> None:
        log.info("asked to stop")
        # Queued, not called: a signal that comes before the event loop has started would
        # otherwise call quit() too early, where it does nothing, and the app would stay up.
        QTimer.singleShot(0, close_all)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    timer = QTimer(app)
    timer.start(250)
    timer.timeout.connect(lambda: None)
    return timer


def run_app(data_dir: DataDir, language: str | None = None) -> int:
    _configure_logging()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName("Caseworker")
    app.setDesktopFileName("caseworker")
    register_bundled_fonts()
    if language:
        set_language(language)  # for any message before the first window
    try:
        data_dir.root.mkdir(parents=True, exist_ok=True)
    except OSError:
        QMessageBox.critical(None, APP_NAME, ReadOnlyDataDir(folder=str(data_dir.root)).message)
        return ReadOnlyDataDir.exit_code
    # One app per data folder: two would each think their copy of the list is the truth. A lock
    # left by a process that died is recognised by its process id and taken over.
    lock = QLockFile(str(data_dir.lock))
    lock.setStaleLockTime(0)
    if not lock.tryLock(100):
        log.warning("already running with the data folder %s", data_dir.root)
        QMessageBox.information(
            None, APP_NAME,
            fill(_("Caseworker is already running with the data folder {folder}. Switch to that window."), folder=data_dir.root),
        )
        return 0
    caseworker = CaseworkerApp(app, data_dir, language)
    _keep = _quit_on_terminate(app)  # noqa: F841 - the timer must live as long as the loop
    caseworker.start()
    try:
        return app.exec()
    finally:
        caseworker.shutdown()
        lock.unlock()
