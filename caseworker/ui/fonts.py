"""The bundled Noto fonts, registered with Qt so every script renders on a machine that has
none of them. The app's font stays the system's; Qt falls back on the registered fonts for the
scripts it lacks (forcing a family chain makes Qt probe each family for every script, and warn)."""

from __future__ import annotations

import logging

from PySide6.QtGui import QFontDatabase

from caseworker.core.resources import resource

log = logging.getLogger("caseworker")

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
