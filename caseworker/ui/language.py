"""Putting a language into effect in the running app: catalogs, layout direction and Qt's own
translations for standard dialogs. Direction comes from the language, never the system."""

from __future__ import annotations

from PySide6.QtCore import QLibraryInfo, QLocale, Qt, QTranslator
from PySide6.QtWidgets import QApplication

from caseworker.core.i18n import UI_LANGUAGES, Preferences, is_right_to_left, set_language, set_preferences
from caseworker.ui.widgets.dates import ui_locale


class LanguageSwitcher:
    """Owns the Qt translator so it can be replaced when the language changes."""

    def __init__(self, app: QApplication) -> None:
        self._app = app
        self._qt_translator: QTranslator | None = None

    def apply(self, code: str) -> str:
        code = set_language(code)
        if self._qt_translator is not None:
            self._app.removeTranslator(self._qt_translator)
            self._qt_translator = None
        translator = QTranslator(self._app)
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        for name in (f"qtbase_{code}", f"qtbase_{code.split('_')[0]}"):
            if translator.load(name, folder):
                self._app.installTranslator(translator)
                self._qt_translator = translator
                break
        QLocale.setDefault(ui_locale())
        self._app.setLayoutDirection(Qt.LayoutDirection.RightToLeft if is_right_to_left(code) else Qt.LayoutDirection.LeftToRight)
        return code

    def set_preferences(self, chosen: Preferences) -> None:
        """Dates and digits as the person prefers them, in text and in Qt's fields alike."""
        set_preferences(chosen)
        QLocale.setDefault(ui_locale())


def system_language() -> str:
    """The system's language if the app ships it, else English."""
    name = QLocale.system().name()  # e.g. "fa_AF", "de_DE"
    codes = {language.code for language in UI_LANGUAGES}
    for candidate in (name, name.split("_")[0]):
        if candidate in codes:
            return candidate
    return "en"
