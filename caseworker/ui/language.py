"""Putting a language into effect in the running app: catalogs, layout direction and Qt's own
translations for standard dialogs. Direction comes from the language, never the system."""

from __future__ import annotations

from PySide6.QtCore import QLibraryInfo, QLocale, Qt, QTranslator
from PySide6.QtWidgets import QApplication

from caseworker.core.i18n import (
    PSEUDO,
    UI_LANGUAGES,
    Preferences,
    current_language,
    is_right_to_left,
    preferences,
    set_language,
    set_preferences,
)

# Qt's Arabic writes Arabic-Indic digits, and its Arabic of the Emirates the same words with 0-9.
_LATIN_DIGITS = {"ar": "ar_AE"}


def ui_locale() -> QLocale:
    """The locale of the language the interface is shown in (not the system's), with the digits
    the person prefers where Qt has the language both ways.

    Qt has Persian, Dari, Pashto and Sorani only with their own digits, so their date and number
    fields keep those whatever the preference; the text the app writes follows it."""
    code = current_language()
    if code == PSEUDO:
        return QLocale("en")
    if code in _LATIN_DIGITS and not preferences().native_digits:
        return QLocale(_LATIN_DIGITS[code])
    return QLocale(code)


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
