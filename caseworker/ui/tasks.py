"""Running slow work (key derivation, migrations, loading 100,000 cases) off the GUI thread.

The work is a plain function; its result or its exception comes back on the GUI thread through
a signal, so the window never freezes and the UI never touches the work's thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class Task(QObject):
    """One piece of background work. Keep a reference until ``done`` or ``failed`` arrives."""

    done = Signal(object)
    failed = Signal(object)

    def __init__(self, work: Callable[[], Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._work = work
        self.running = False

    def start(self, pool: QThreadPool | None = None) -> Task:
        self.running = True
        self.done.connect(self._finished)
        self.failed.connect(self._finished)
        (pool or QThreadPool.globalInstance()).start(_Runner(self))
        return self

    def _finished(self, _value: object) -> None:
        self.running = False


class _Runner(QRunnable):
    def __init__(self, task: Task) -> None:
        super().__init__()
        self._task = task

    def run(self) -> None:
        try:
            result = self._task._work()
        except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread to show
            self._task.failed.emit(exc)
        else:
            self._task.done.emit(result)
