"""Long work (an import, an export, a backup) off the GUI thread, with a progress bar and Cancel.

The work is a plain function given two callables: ``progress(done, total) -> bool`` (False when
the person cancelled) and ``cancelled() -> bool``. Its result or exception comes back on the GUI
thread through ``done`` and ``failed``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from caseworker.core.i18n import _
from caseworker.ui.tasks import Task

Work = Callable[[Callable[[int, int], bool], Callable[[], bool]], Any]
SHOW_AFTER_MS = 400  # quick work finishes without a dialog flashing up


class ProgressRun(QObject):
    """One run of ``work`` behind a window-modal progress dialog. Keep a reference until it ends."""

    done = Signal(object)
    failed = Signal(object)
    _progressed = Signal(int, int)

    def __init__(self, parent: QWidget, label: str, work: Work) -> None:
        super().__init__(parent)
        self._cancel = threading.Event()
        self.dialog = QProgressDialog(label, _("Cancel"), 0, 0, parent)
        self.dialog.setObjectName("progressDialog")
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(SHOW_AFTER_MS)
        self.dialog.setAutoReset(False)
        self.dialog.setAutoClose(False)
        self.dialog.canceled.connect(self.cancel)
        self._progressed.connect(self._show)
        self.task = Task(lambda: work(self._report, self._cancel.is_set), self)
        self.task.done.connect(self._finished_with(self.done))
        self.task.failed.connect(self._finished_with(self.failed))

    def start(self) -> ProgressRun:
        self.task.start()
        return self

    def cancel(self) -> None:
        self._cancel.set()
        self.dialog.setLabelText(_("Stopping…"))

    @property
    def running(self) -> bool:
        return self.task.running

    def _report(self, done: int, total: int) -> bool:
        # Called on the work's thread: the dialog is only touched through the queued signal.
        self._progressed.emit(done, total)
        return not self._cancel.is_set()

    def _show(self, done: int, total: int) -> None:
        if total > 0:
            self.dialog.setMaximum(total)
            self.dialog.setValue(min(done, total))

    def _finished_with(self, signal: Any) -> Callable[[object], None]:
        def finished(value: object) -> None:
            self.dialog.canceled.disconnect(self.cancel)
            self.dialog.close()
            signal.emit(value)

        return finished
