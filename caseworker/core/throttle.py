"""Slowing down password guessing at the sign-in screen.

After FREE_ATTEMPTS wrong passwords in a row for a data folder, each further try must wait twice
as long as the one before (2, 4, 8 … seconds, never more than MAX_WAIT_SECONDS); a successful
sign-in starts the count again. The count lives in a small file beside the key ring, outside the
encrypted store, because it is needed before anything is decrypted.

This is a brake on someone trying passwords at the screen of a shared laptop. Someone who can copy
keyring.json can guess offline, where only the cost of Argon2id slows them down.
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from caseworker.core.errors import BadInput, CaseworkerError, WrongPassword
from caseworker.core.files import write_atomically
from caseworker.core.i18n import fill, ngettext
from caseworker.core.paths import DataDir

FREE_ATTEMPTS = 5
MAX_WAIT_SECONDS = 300
FILE_NAME = "signin-throttle.json"
# A state file is a few dozen bytes; anything much larger was not written by us.
MAX_FILE_BYTES = 4096
FORMAT = 1

log = logging.getLogger("caseworker")
T = TypeVar("T")


class TooManyAttempts(BadInput):
    """A sign-in refused before any password was tried, because the last ones were wrong."""

    # The person reads ``message``, which has the plural forms; this is only the exception's text.
    template = "Too many wrong passwords."

    def __init__(self, *, seconds: int) -> None:
        super().__init__(seconds=seconds)
        self.seconds = seconds

    @property
    def message(self) -> str:
        return fill(
            ngettext(
                "Too many wrong passwords. Wait {seconds} second, then try again.",
                "Too many wrong passwords. Wait {seconds} seconds, then try again.",
                self.seconds,
            ),
            seconds=self.seconds,
        )


def wait_after(failures: int) -> int:
    """Seconds to wait before the next try, after ``failures`` wrong passwords in a row."""
    if failures < FREE_ATTEMPTS:
        return 0
    doublings = failures - FREE_ATTEMPTS + 1
    # 2 ** 9 = 512 is already past the cap; a larger exponent would only cost time.
    return MAX_WAIT_SECONDS if doublings >= 9 else min(2**doublings, MAX_WAIT_SECONDS)


@dataclass(frozen=True, slots=True)
class _State:
    failures: int
    last_failure: float  # seconds since the epoch


# What an unreadable or tampered file counts as: enough failures that the next wrong password
# waits, but no wait now, so a damaged file never locks out the person who knows the password.
_STRICT = _State(FREE_ATTEMPTS, 0.0)


def _parse(data: bytes) -> _State:
    document = json.loads(data.decode("utf-8"))
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError("format")
    failures, last = document.get("failures"), document.get("last_failure")
    if type(failures) is not int or failures < 0:
        raise ValueError("failures")
    if type(last) not in (int, float) or not math.isfinite(last):
        raise ValueError("last_failure")
    return _State(failures, float(last))


class SignInThrottle:
    """The count of wrong passwords for one data folder, kept in ``signin-throttle.json``."""

    def __init__(self, data_dir: DataDir, *, clock: Callable[[], float] = time.time) -> None:
        self._path = data_dir.root / FILE_NAME
        self._clock = clock

    @property
    def path(self) -> Path:
        return self._path

    def _read(self) -> _State:
        try:
            with self._path.open("rb") as handle:
                data = handle.read(MAX_FILE_BYTES + 1)
        except FileNotFoundError:
            return _State(0, 0.0)
        except OSError:
            log.warning("the sign-in throttle file cannot be read; counting as if passwords were wrong")
            return _STRICT
        if len(data) > MAX_FILE_BYTES:
            return _STRICT
        try:
            return _parse(data)
        except (ValueError, UnicodeDecodeError, RecursionError):
            log.warning("the sign-in throttle file is damaged; counting as if passwords were wrong")
            return _STRICT

    def failures(self) -> int:
        return self._read().failures

    def wait_seconds(self) -> int:
        """Whole seconds to wait before the next try may be made; 0 if it may be made now."""
        state = self._read()
        wait = wait_after(state.failures)
        if wait == 0:
            return 0
        # A clock set back (or a file from the future) never makes the wait longer than the rule.
        remaining = min(state.last_failure + wait - self._clock(), wait)
        return max(math.ceil(remaining), 0)

    def failed(self) -> None:
        state = self._read()
        self._write(_State(state.failures + 1, self._clock()))

    def succeeded(self) -> None:
        try:
            self._path.unlink(missing_ok=True)
        except OSError:
            log.warning("the sign-in throttle file cannot be removed")

    def _write(self, state: _State) -> None:
        document = {"format": FORMAT, "failures": state.failures, "last_failure": state.last_failure}
        try:
            write_atomically(self._path, json.dumps(document).encode("utf-8"))
        except (CaseworkerError, OSError):
            # A folder that cannot be written cannot be signed in to either (sign-in says so);
            # the person should hear about that, not about this file.
            log.warning("the sign-in throttle file cannot be written")


def tried_under(throttle: SignInThrottle, attempt: Callable[[], T]) -> T:
    """A password tried anywhere but the sign-in window (the command line's check, a backup
    opened to restore or verify it) under the same brake: refused while the throttle says wait,
    counted when wrong, the count cleared when right. Otherwise each would be a side door for
    trying passwords at a shared laptop."""
    wait = throttle.wait_seconds()
    if wait:
        raise TooManyAttempts(seconds=wait)
    try:
        result = attempt()
    except WrongPassword:
        throttle.failed()
        raise
    throttle.succeeded()
    return result
