"""Qt for drawing documents where there is no window: the command line, or a test. Fonts and
text shaping need a QGuiApplication; a display does not."""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QGuiApplication

from caseworker.ui.fonts import register_bundled_fonts

# Marks an application whose font database already holds the bundled fonts: registering a file
# twice would list its families twice.
_FONTS_REGISTERED = "caseworkerBundledFonts"


def document_application() -> QGuiApplication:
    """The running application, or a new one on the "offscreen" platform (PySide keeps it until
    the process ends), with the bundled fonts registered."""
    app = QCoreApplication.instance()
    if app is None:
        # Only a process without an application may choose the platform, and a person who set
        # one (xcb to look at a problem, say) keeps theirs.
        if not os.environ.get("QT_QPA_PLATFORM"):
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
        app = QGuiApplication(sys.argv[:1])
    if not isinstance(app, QGuiApplication):
        raise TypeError("a QCoreApplication without a GUI cannot lay out documents")
    if not app.property(_FONTS_REGISTERED):
        register_bundled_fonts()
        app.setProperty(_FONTS_REGISTERED, True)
    return app
