"""Locking the case files when nobody has touched the app for a while.

IdleLock watches every key press, click, wheel turn and touch the application receives (an
application-wide event filter) and emits ``locked`` once the app has been left alone for the
chosen number of minutes. Whoever listens drops the key and hides the case data; after the next
sign-in they call ``reset``.

Idle time is measured on two clocks, and the larger wins: the monotonic one cannot be fooled by a
wall clock set back, and the wall clock keeps running while a laptop sleeps (the monotonic clock
stops on Linux), so opening the lid after an hour never shows the case files that were left open.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal

from caseworker.core.settings import (
    AUTO_LOCK_DEFAULT_MINUTES,
    AUTO_LOCK_MAX_MINUTES,
    AUTO_LOCK_MIN_MINUTES,
)

# How often idleness is checked: the lock comes at most this late.
CHECK_INTERVAL_MS = 5_000

ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
        QEvent.Type.TabletPress,
    }
)

Clock = Callable[[], float]


class IdleLock(QObject):
    """Emits ``locked`` after ``minutes`` without a key or mouse event anywhere in the app."""

    locked = Signal()

    def __init__(
        self,
        minutes: int = AUTO_LOCK_DEFAULT_MINUTES,
        parent: QObject | None = None,
        *,
        app: QCoreApplication | None = None,
        clock: Clock = time.monotonic,
        wall_clock: Clock = time.time,
        check_interval_ms: int = CHECK_INTERVAL_MS,
    ) -> None:
        super().__init__(parent)
        self._check_minutes(minutes)
        self._minutes = minutes
        self._clock = clock
        self._wall_clock = wall_clock
        self._is_locked = False
        self._last_activity = clock()
        self._last_activity_wall = wall_clock()
        self._app = app or QCoreApplication.instance()
        if self._app is None:
            raise RuntimeError("IdleLock needs a running QApplication")
        self._app.installEventFilter(self)
        self._timer = QTimer(self)
        self._timer.setInterval(check_interval_ms)
        self._timer.timeout.connect(self.tick)
        self._timer.start()

    @staticmethod
    def _check_minutes(minutes: int) -> None:
        # Refused, not clamped: a value outside the range here is a bug upstream, and switching the
        # lock off or stretching it silently is the one thing it must never do.
        if type(minutes) is not int or not AUTO_LOCK_MIN_MINUTES <= minutes <= AUTO_LOCK_MAX_MINUTES:
            raise ValueError(f"auto-lock minutes must be {AUTO_LOCK_MIN_MINUTES} to {AUTO_LOCK_MAX_MINUTES}")

    @property
    def minutes(self) -> int:
        return self._minutes

    @property
    def is_locked(self) -> bool:
        return self._is_locked

    def set_minutes(self, minutes: int) -> None:
        """Change the idle time; counted from the last activity, so a shorter time may lock at the next check."""
        self._check_minutes(minutes)
        self._minutes = minutes

    def idle_seconds(self) -> float:
        return max(self._clock() - self._last_activity, self._wall_clock() - self._last_activity_wall, 0.0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in ACTIVITY:
            self._note_activity()
        return False  # only watching: every event goes on to where it was going

    def _note_activity(self) -> None:
        self._last_activity = self._clock()
        self._last_activity_wall = self._wall_clock()

    def tick(self) -> None:
        """Check now (the timer calls this every few seconds)."""
        if not self._is_locked and self.idle_seconds() >= self._minutes * 60:
            self._is_locked = True
            self.locked.emit()

    def reset(self) -> None:
        """Start counting again, after the person has signed in anew."""
        self._is_locked = False
        self._note_activity()
        if not self._timer.isActive():
            self._timer.start()

    def stop(self) -> None:
        """No case files open: nothing to lock. Stops the timer and the watching."""
        self._timer.stop()
        self._app.removeEventFilter(self)

    def start(self) -> None:
        self._app.installEventFilter(self)
        self.reset()
