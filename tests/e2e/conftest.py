"""End-to-end: the installed `caseworker` command as a real process on a temporary data dir."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent


@dataclass
class Result:
    code: int
    out: str
    err: str


def command() -> list[str]:
    installed = BIN / "caseworker"
    if not installed.exists():
        pytest.fail("the caseworker command is not installed in this environment (run `make test`)")
    return [str(installed)]


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEWORKER_")}
    env.update(extra)
    return env


def run(*args: str, env: dict[str, str] | None = None, stdin: str | None = None, timeout: float = 180) -> Result:
    completed = subprocess.run(
        [*command(), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env if env is not None else clean_env(),
        timeout=timeout,
        check=False,
    )
    return Result(completed.returncode, completed.stdout, completed.stderr)


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo data dir made once by the real command and shared by read-only tests."""
    folder = tmp_path_factory.mktemp("e2e") / "demo"
    result = run("demo", "--data-dir", str(folder), "--cases", "50", "--seed", "7")
    assert result.code == 0, result.err
    return folder


@pytest.fixture
def display() -> Iterator[dict[str, str]]:
    """A real X server (Xvfb) when the machine has one, so the window is a real window; the
    offscreen platform otherwise. The environment to start the app with is yielded."""
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        yield clean_env(QT_QPA_PLATFORM="offscreen")
        return
    read_fd, write_fd = os.pipe()
    # -displayfd: Xvfb picks a free display and writes its number when it is ready to serve.
    server = subprocess.Popen(
        [xvfb, "-displayfd", str(write_fd), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as ready:
        number = ready.readline().strip()
    if not number:
        server.kill()
        server.wait()
        pytest.fail("Xvfb did not start")
    try:
        yield clean_env(DISPLAY=f":{number}", QT_QPA_PLATFORM="xcb")
    finally:
        server.terminate()
        server.wait(timeout=10)
