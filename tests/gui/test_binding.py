"""The Qt binding itself, checked where a bug of its own would crash the app."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject


def test_void_calls_keep_the_reference_to_none() -> None:
    # PySide6 6.12.0 under Python 3.11 gave back None from void calls without a reference, so
    # after enough calls the interpreter aborted ("none_dealloc"). Pinned away; this guards the pin.
    holder = QObject()
    before = sys.getrefcount(None)
    for _ in range(1000):
        holder.setObjectName("probe")
    assert sys.getrefcount(None) >= before - 10
