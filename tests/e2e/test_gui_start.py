"""The real app as a process: it starts, shows its first window, and quits when asked."""

from __future__ import annotations

import selectors
import signal
import subprocess
import time
from pathlib import Path

from tests.e2e.conftest import command


def _start(data_dir: Path, env: dict[str, str], *extra: str) -> subprocess.Popen[str]:
    env = {**env, "CASEWORKER_LOG_LEVEL": "INFO"}
    return subprocess.Popen(
        [*command(), "--data-dir", str(data_dir), *extra],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_line(process: subprocess.Popen[str], wanted: str, limit: float = 60) -> list[str]:
    """Read stderr until a line contains ``wanted``; returns what was read."""
    assert process.stderr is not None
    seen: list[str] = []
    selector = selectors.DefaultSelector()
    selector.register(process.stderr, selectors.EVENT_READ)
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if not selector.select(timeout=deadline - time.monotonic()):
            break
        line = process.stderr.readline()
        if not line:
            break
        seen.append(line)
        if wanted in line:
            return seen
    _kill(process)
    raise AssertionError(f"never saw {wanted!r}; stderr was: {''.join(seen)}")


def _kill(process: subprocess.Popen[str]) -> None:
    process.kill()
    process.wait()
    if process.stderr is not None:
        process.stderr.close()


def _stop(process: subprocess.Popen[str]) -> int:
    """Ask the app to stop as a desktop session does at log-out; returns its exit code."""
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stderr is not None:
            process.stderr.close()


def test_first_start_shows_the_welcome_window_and_quits_cleanly(tmp_path: Path, display: dict[str, str]) -> None:
    process = _start(tmp_path / "new", display)
    _wait_for_line(process, "window shown: firstRunDialog")
    assert _stop(process) == 0


def test_set_up_folder_shows_the_sign_in_window(demo_dir: Path, display: dict[str, str]) -> None:
    process = _start(demo_dir, display, "--lang", "ar")
    _wait_for_line(process, "window shown: loginDialog")
    assert _stop(process) == 0


def test_a_second_start_on_the_same_folder_says_it_is_running(tmp_path: Path, display: dict[str, str]) -> None:
    first = _start(tmp_path / "one", display)
    _wait_for_line(first, "window shown: firstRunDialog")
    second = _start(tmp_path / "one", {**display, "QT_QPA_PLATFORM": "offscreen"})
    try:
        _wait_for_line(second, "already running")
        _kill(second)
    finally:
        assert _stop(first) == 0
