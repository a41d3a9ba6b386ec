"""The bundled Noto fonts, registered with Qt so every script renders on a machine that has
none of them, and put first in the fallback chain of the app's font."""

from __future__ import annotations

import logging

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from caseworker.core.resources import resource

log = logging.getLogger("caseworker")

# Families in fallback order: the Latin/Greek/Cyrillic face first, then the other scripts.
UI_FAMILIES = ("Noto Sans", "Noto Sans Arabic", "Noto Sans Ethiopic", "Noto Sans Georgian", "Noto Sans Bengali")


def register_bundled_fonts() -> list[str]:
    """Add every bundled font file to Qt's database; returns the families now available."""
    families: list[str] = []
    for path in sorted(resource("fonts").glob("*.ttf")):
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            log.warning("could not load the font %s", path.name)
            continue
        families += [f for f in QFontDatabase.applicationFontFamilies(font_id) if f not in families]
    return families


def use_bundled_fonts(app: QApplication) -> None:
    available = set(register_bundled_fonts())
    chain = [family for family in UI_FAMILIES if family in available]
    if not chain:
        return
    font = QFont(app.font())
    font.setFamilies(chain)
    app.setFont(font)
