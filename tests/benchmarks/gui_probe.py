"""One sign-in to a demo data folder through the real windows, timed; run as its own process.

    python -m tests.benchmarks.gui_probe DATA_DIR

The real CaseworkerApp shows the real sign-in window; once its background warm-up is done (a
person takes longer than that to type a password), "demo" / "demo" is typed and Sign in clicked.
Timed, and printed as one JSON line:
  caselist_shown_ms  from the click to the main window shown and painted with the case list,
                     less the time the key derivation took (KeyRing.unlock, wrapped here to time it)
  keystrokes_ms      each keystroke typing the start of a dozen names in the case list filter,
                     until the list is painted again
  open_case_ms       opening twenty cases one after another (what activating a row does)
  max_block_ms       the longest gap of a 5 ms heartbeat on the GUI thread from the click to the end
  long_blocks_ms     every gap over 30 ms: (when it began, ms after the click; how long), to find one
  peak_rss_mb        the process's peak resident memory (VmHWM)
A process per sign-in, so each is as cold as a fresh start and the memory is this sign-in's own.
"""

from __future__ import annotations

import json
import random
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, Qt, QThreadPool, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from caseworker.app import CaseworkerApp
from caseworker.core.keys import KeyRing
from caseworker.core.paths import DataDir
from caseworker.core.services.caselist import ID, LATIN

NAMES_TYPED = 12
LETTERS_TYPED = 6
CASES_OPENED = 20
WAIT_LIMIT_S = 300


class Heartbeat:
    """A 5 ms timer on the GUI thread; the largest gap between its ticks is the longest block."""

    LONG_S = 0.03  # gaps longer than this are listed, with when they began

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._tick)
        self.began = 0.0
        self.last = 0.0
        self.largest = 0.0
        self.long: list[tuple[float, float]] = []  # (ms from the start, gap in ms)

    def _tick(self) -> None:
        now = time.perf_counter()
        gap = now - self.last
        self.largest = max(self.largest, gap)
        if gap > self.LONG_S:
            self.long.append((round((self.last - self.began) * 1000, 1), round(gap * 1000, 1)))
        self.last = now

    def start(self) -> None:
        self.began = self.last = time.perf_counter()
        self.timer.start()

    def stop(self) -> float:
        self._tick()
        self.timer.stop()
        return self.largest * 1000


def _wait_until(app: QApplication, done: Callable[[], bool]) -> None:
    """Run the event loop, as app.exec() would, until done() holds. (A loop of processEvents()
    with a time limit would not do: it never sleeps, and so takes the interpreter's lock from the
    background work being measured hundreds of times a millisecond.)"""
    if done():
        return
    loop = QEventLoop()
    check = QTimer()
    check.setInterval(5)
    check.timeout.connect(lambda: loop.quit() if done() else None)
    limit = QTimer()
    limit.setSingleShot(True)
    limit.timeout.connect(loop.quit)
    check.start()
    limit.start(WAIT_LIMIT_S * 1000)
    loop.exec()
    check.stop()
    if not done():
        raise TimeoutError("the app did not get there in time")


def _settle(app: QApplication) -> None:
    """Handle what the last action posted (layout, the repaint) before the clock stops."""
    app.processEvents()
    app.sendPostedEvents()
    app.processEvents()


def _timing_key_derivation(spent: list[float]) -> None:
    unlock = KeyRing.unlock

    def timed(self: KeyRing, *args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        try:
            return unlock(self, *args, **kwargs)
        finally:
            spent.append(time.perf_counter() - began)

    KeyRing.unlock = timed  # type: ignore[method-assign]


def _peak_rss_mb() -> float:
    """This process's own peak. getrusage's ru_maxrss would not do: Linux carries it over from
    the parent that forked this process (pytest, holding hundreds of MB) across the exec."""
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii")
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB elsewhere; an upper bound
    (line,) = [line for line in status.splitlines() if line.startswith("VmHWM:")]
    return int(line.split()[1]) / 1024  # kB


def probe(data_dir: DataDir) -> dict[str, Any]:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    derivation: list[float] = []
    _timing_key_derivation(derivation)
    caseworker = CaseworkerApp(app, data_dir, "en")
    caseworker.start()
    dialog = caseworker.dialog
    assert dialog is not None and dialog.objectName() == "loginDialog"
    _wait_until(app, lambda: not caseworker._warm_up.running)
    dialog.username.setText("demo")
    dialog.password.setText("demo")
    heartbeat = Heartbeat()
    heartbeat.start()

    began = time.perf_counter()
    dialog.sign_in_button.click()
    _wait_until(app, lambda: caseworker.window is not None and caseworker.window.isVisible())
    window = caseworker.window
    QTest.qWaitForWindowExposed(window)
    _settle(app)
    shown_ms = (time.perf_counter() - began - sum(derivation)) * 1000
    assert window.case_list.model.rowCount() > 0, "the case list is empty"

    view = window.case_list.model.view
    rng = random.Random(3)
    rows = [view.row(rng.randrange(len(view))) for _ in range(max(NAMES_TYPED, CASES_OPENED))]
    search = window.case_list.search
    search.setFocus()
    keystrokes_ms: list[float] = []
    for row in rows[:NAMES_TYPED]:
        for letter in row[LATIN][:LETTERS_TYPED]:
            began = time.perf_counter()
            QTest.keyClick(search, letter)
            _settle(app)
            keystrokes_ms.append((time.perf_counter() - began) * 1000)
        search.clear()
        _settle(app)

    open_case_ms: list[float] = []
    for row in rows[:CASES_OPENED]:
        began = time.perf_counter()
        window.open_case(row[ID])
        _settle(app)
        open_case_ms.append((time.perf_counter() - began) * 1000)
        assert window._loaded_case() is not None and window._loaded_case().id == row[ID]

    max_block_ms = heartbeat.stop()
    QThreadPool.globalInstance().waitForDone(60_000)
    peak_rss_mb = _peak_rss_mb()
    window.close_without_asking()
    caseworker.signed_in.close()  # not shutdown(): no automatic backup into the kept demo folder
    return {
        "cases": len(view),
        "caselist_shown_ms": shown_ms,
        "key_derivation_ms": sum(derivation) * 1000,
        "keystrokes_ms": keystrokes_ms,
        "open_case_ms": open_case_ms,
        "max_block_ms": max_block_ms,
        "long_blocks_ms": heartbeat.long,
        "peak_rss_mb": peak_rss_mb,
    }


if __name__ == "__main__":
    print(json.dumps(probe(DataDir(Path(sys.argv[1])))), flush=True)
