"""Restoring a backup from the app: choose the file, open it with an account of the backup (or the
recovery key), see what it holds, then restore with a progress bar and Cancel.

Offered where no case file is open: the sign-in window, the first-run window (a new laptop, the
backup on a USB stick), and through them from the main window, which signs out first. The data
already in the folder is kept as a backup before anything is replaced (see
caseworker.core.services.backup.restore_backup).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from caseworker.core.i18n import _, fill, isolate
from caseworker.core.keys import KdfParams, RecoveryKey
from caseworker.core.paths import DataDir
from caseworker.core.throttle import SignInThrottle
from caseworker.ui.progress import ProgressRun
from caseworker.ui.start import BusyDialog


class RestoreDialog(BusyDialog):
    """The steps of a restore, in one window. ``restored`` carries the RestoredBackup."""

    restored = Signal(object)

    def __init__(self, data_dir: DataDir, *, username: str = "", kdf: KdfParams | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("restoreDialog")
        self._data_dir = data_dir
        self._kdf = kdf
        self._path: Path | None = None
        self._key: Any = None
        self.run: ProgressRun | None = None

        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.file = QLabel(self)
        self.file.setObjectName("backupFile")
        self.file.setWordWrap(True)
        self.file.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.choose_button = QPushButton(self)
        self.choose_button.setObjectName("chooseBackup")
        self.username = QLineEdit(username, self)
        self.username.setObjectName("username")
        self.password = QLineEdit(self)
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.use_recovery = QCheckBox(self)
        self.use_recovery.setObjectName("useRecoveryKey")
        self.recovery = QLineEdit(self)
        self.recovery.setObjectName("recoveryKey")
        self.recovery.setEchoMode(QLineEdit.EchoMode.Password)
        self.recovery.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.open_button = QPushButton(self)
        self.open_button.setObjectName("openBackup")
        self.facts = QLabel(self)
        self.facts.setObjectName("backupFacts")
        self.facts.setWordWrap(True)
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.warning = QLabel(self)
        self.warning.setObjectName("restoreWarning")
        self.warning.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.restore_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.restore_button.setObjectName("restoreBackup")
        self.restore_button.setEnabled(False)

        file_row = QHBoxLayout()
        file_row.addWidget(self.file, 1)
        file_row.addWidget(self.choose_button)
        self.labels = {name: QLabel(self) for name in ("file", "username", "password", "recovery")}
        form = QFormLayout()
        form.addRow(self.labels["file"], file_row)
        form.addRow(self.labels["username"], self.username)
        form.addRow(self.labels["password"], self.password)
        form.addRow("", self.use_recovery)
        form.addRow(self.labels["recovery"], self.recovery)
        for name, field in (("username", self.username), ("password", self.password), ("recovery", self.recovery)):
            self.labels[name].setBuddy(field)
        self.labels["file"].setBuddy(self.choose_button)
        open_row = QHBoxLayout()
        open_row.addStretch(1)
        open_row.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addLayout(open_row)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addWidget(self.facts)
        layout.addWidget(self.warning)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)

        self.choose_button.clicked.connect(self._choose)
        self.open_button.clicked.connect(self._open)
        self.use_recovery.toggled.connect(self._show_key_fields)
        self.buttons.rejected.connect(self.reject)
        self.restore_button.clicked.connect(self._restore)
        for field in (self.username, self.password, self.recovery):
            field.textEdited.connect(self._forget_opened)
        self._show_key_fields(False)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Restore from a backup"))
        self.intro.setText(_("Choose a backup file, then open it with the user name and password of an account in it, or with the recovery key of those case files."))
        self.labels["file"].setText(_("Backup &file"))
        self.labels["username"].setText(_("&User name"))
        self.labels["password"].setText(_("&Password"))
        self.labels["recovery"].setText(_("Recovery &key"))
        self.use_recovery.setText(_("Use the recovery key instead"))
        self.choose_button.setText(_("Choose…"))
        self.open_button.setText(_("Open the backup"))
        self.restore_button.setText(_("Restore"))
        self.file.setText(isolate(str(self._path)) if self._path else _("No file chosen yet."))
        self.warning.setText(
            fill(
                _("Restoring replaces the case files and the directory in {folder}. What is there now is kept first, as a backup in {backups}."),
                folder=self._data_dir.root, backups=self._data_dir.backups,
            )
        )

    # --- the steps -----------------------------------------------------------------------------

    def choose(self, path: Path) -> None:
        """The backup to restore (the file dialog's answer; tests give it directly)."""
        self._path = Path(path)
        self._forget_opened()
        self.retranslate()

    def _choose(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileName(self, _("Choose a backup"), "", _("Caseworker backups (*.cwbackup)"))
        if chosen:
            self.choose(Path(chosen))

    def _show_key_fields(self, recovery: bool) -> None:
        for widget in (self.labels["recovery"], self.recovery):
            widget.setVisible(recovery)
        for widget in (self.labels["username"], self.username, self.labels["password"], self.password):
            widget.setVisible(not recovery)
        self._forget_opened()

    def _forget_opened(self) -> None:
        self._key = None
        self.facts.clear()
        self.restore_button.setEnabled(False)

    def _open(self) -> None:
        from caseworker.core.services import backup

        path = self._path
        if path is None:
            self.message.setText(_("Choose the backup file first."))
            return
        if self.use_recovery.isChecked():
            text = self.recovery.text()

            def unlock() -> Any:
                return backup.unlock_backup_with_recovery(path, RecoveryKey.parse(text))
        else:
            username, password = self.username.text().strip(), self.password.text()
            if not username or not password:
                self.message.setText(_("Enter your user name and password."))
                return
            kdf = self._kdf

            throttle = SignInThrottle(self._data_dir)

            def unlock() -> Any:
                return backup.unlock_backup_key(path, username, password, throttle=throttle, **({"kdf": kdf} if kdf else {}))

        def opened() -> tuple[Any, Any]:
            key = unlock()
            return key, backup.describe_backup(path, key)

        self.run_busy(opened, self._opened)

    def _opened(self, result: tuple[Any, Any]) -> None:
        from caseworker.core.services.backup import backup_facts

        self._key, info = result
        self.password.clear()
        self.recovery.clear()
        self.facts.setText("\n".join(backup_facts(info)))
        self.restore_button.setEnabled(True)
        self.restore_button.setFocus()

    def _restore(self) -> None:
        from caseworker.core.services import backup

        if self._key is None or self._path is None:
            return
        data_dir, path, key = self._data_dir, self._path, self._key
        self._set_inputs_enabled(False)
        self.run = ProgressRun(
            self, _("Restoring the backup…"),
            lambda progress, _cancelled: backup.restore_backup(data_dir, path, key, progress=progress),
        )
        self.run.done.connect(self._restored)
        self.run.failed.connect(self._failed)
        self.run.start()

    def _restored(self, restored: Any) -> None:
        self._key = None
        self.accept()
        self.restored.emit(restored)  # last: the window that opened this one may close, and this with it

    def _failed(self, error: BaseException) -> None:
        self._set_inputs_enabled(True)
        self.restore_button.setEnabled(self._key is not None)
        self.show_error(error)

    def _idle(self) -> None:
        super()._idle()
        self.restore_button.setEnabled(self._key is not None)

    def busy(self) -> bool:
        return super().busy() or (self.run is not None and self.run.running)


def restored_text(restored: Any) -> str:
    """What the sign-in window says after a restore."""
    if restored.kept is None:
        return _("Restored. Sign in with an account of the backup.")
    return fill(_("Restored. The data that was there before is kept in {path}. Sign in with an account of the backup."), path=restored.kept)
