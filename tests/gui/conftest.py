"""Fixtures for the GUI tests (pytest-qt, offscreen)."""

from __future__ import annotations

import ctypes
import sys

# Workaround for PySide6 6.12.0 on CPython 3.11: every call of a C++ function that returns
# nothing (QLabel.setText, QObject.setObjectName…) gives back None without taking a reference
# to it, so None's reference count falls by one per call until the interpreter aborts with
# "Fatal Python error: none_dealloc". CPython 3.12 made None immortal, which is why the wheel
# gets away with it there; this does the same for 3.11. Remove it once the project runs on
# Python 3.12+ or on a PySide6 release that fixes the bug.
if sys.version_info < (3, 12):
    ctypes.c_ssize_t.from_address(id(None)).value += 1 << 40
