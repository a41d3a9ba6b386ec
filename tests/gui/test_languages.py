"""Switching the language while the app runs: every visible text follows, right-to-left
languages mirror the window, and nothing being edited is lost."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QMenu,
    QWidget,
)

from caseworker.core.i18n import UI_LANGUAGES, Preferences, load_catalog
from caseworker.core.services import accounts, cases
from caseworker.core.services.records import CaseFile, PersonDetails
from caseworker.ui.language import LanguageSwitcher
from caseworker.ui.main_window import MainWindow
from tests.unit.test_catalogs import catalog


@pytest.fixture
def switcher(qapp: QApplication) -> Iterator[LanguageSwitcher]:
    languages = LanguageSwitcher(qapp)
    yield languages
    languages.set_preferences(Preferences())
    languages.apply("en")


@pytest.fixture
def window(qtbot, signed_in: accounts.SignedIn, tmp_path: Path) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    case = cases.create_case(signed_in.store, CaseFile(person=PersonDetails(name_latin="Amina Yusuf", name_native="أمينة يوسف")))
    main = MainWindow(signed_in, QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    main.show()
    qtbot.waitUntil(lambda: not main.loading())
    main.open_case(case.id)  # type: ignore[arg-type]
    yield main
    main.discard()
    main.close()
    main.deleteLater()


def visible_texts(window: MainWindow) -> list[str]:
    texts: list[str] = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window):
            continue
        if isinstance(widget, QLabel | QAbstractButton):
            texts.append(widget.text())
        elif isinstance(widget, QGroupBox):
            texts.append(widget.title())
        elif isinstance(widget, QLineEdit):
            texts.append(widget.placeholderText())
        elif isinstance(widget, QComboBox):
            texts += [widget.itemText(i) for i in range(widget.count())]
        elif isinstance(widget, QListWidget):
            texts += [widget.item(i).text() for i in range(widget.count())]
    for menu in window.menuBar().findChildren(QMenu):
        texts.append(menu.title())
        texts += [action.text() for action in menu.actions()]
    model = window.case_list.model
    texts += [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    return [t for t in texts if t]


def english_only(code: str) -> set[str]:
    """English texts that the catalog translates to something else."""
    return {
        m.id.replace("&", "")
        for m in catalog(code)
        if m.id and isinstance(m.id, str) and m.string and m.string != m.id and len(m.id) > 2
    }


@pytest.mark.parametrize("code", ["ar", "uk", "ti", "de"])
def test_no_english_left_on_screen(window: MainWindow, switcher: LanguageSwitcher, code: str) -> None:
    switcher.apply(code)
    window.retranslate()
    english = english_only(code)
    for section in range(len(window.editor.sections)):
        window.editor.go_to_section(section)
        shown = {t.replace("&", "") for t in visible_texts(window)}
        assert shown & english == set(), (code, section)


def test_right_to_left_languages_mirror_the_window(window: MainWindow, switcher: LanguageSwitcher, qapp: QApplication) -> None:
    for language in UI_LANGUAGES:
        switcher.apply(language.code)
        window.retranslate()
        expected = Qt.LayoutDirection.RightToLeft if language.right_to_left else Qt.LayoutDirection.LeftToRight
        assert qapp.layoutDirection() == expected, language.code
        assert window.layoutDirection() == expected, language.code
    assert {language.code for language in UI_LANGUAGES if language.right_to_left} == {"ar", "fa", "fa_AF", "ps", "ckb"}


def test_switching_back_and_forth_keeps_the_edit(window: MainWindow, switcher: LanguageSwitcher) -> None:
    window.editor.person.name_latin.setText("Amina Yusuf Ali")
    for code in ("ar", "uk", "en"):
        switcher.apply(code)
        window.retranslate()
        assert window.editor.person.name_latin.text() == "Amina Yusuf Ali"
        assert window.editor.is_dirty()
    assert window.save_button.text() == "Save"
    assert load_catalog("ar").gettext("Save") != "Save"


def test_pseudo_language_finds_no_text_that_skips_translation(window: MainWindow, switcher: LanguageSwitcher) -> None:
    """Under the pseudo-language every text of ours comes out in ⟦brackets⟧; anything else on
    screen must be data (names, dates, numbers) or the names CLDR gives countries and languages."""
    from babel import Locale

    from caseworker.core.i18n import PSEUDO

    english = Locale.parse("en")
    data = {"Amina Yusuf", "أمينة يوسف", "Maria Rossi", "Harbour Welcome Centre", "?"}
    data |= set(english.territories.values()) | set(english.languages.values())
    data |= {language.native_name for language in UI_LANGUAGES}
    data |= {f"A{i}" for i in (1, 2)} | {f"B{i}" for i in (1, 2)} | {f"C{i}" for i in (1, 2)}
    switcher.apply(PSEUDO)
    window.retranslate()
    plain: set[str] = set()
    for section in range(len(window.editor.sections)):
        window.editor.go_to_section(section)
        for text in visible_texts(window):
            if "⟦" in text or text in data or not any(ch.isalpha() for ch in text):
                continue
            if window.case_list.model.view.total and text == window.case_list.model.view[0].reference:
                continue
            plain.add(text)
    assert plain == set()


def _accelerator(text: str) -> str | None:
    """The letter after a single "&" ("&&" is a literal ampersand), folded to lower case."""
    index = 0
    while (index := text.find("&", index)) != -1:
        if text[index + 1 : index + 2] == "&":
            index += 2
            continue
        return text[index + 1 : index + 2].lower() or None
    return None


def test_no_two_entries_of_a_menu_share_an_accelerator(window: MainWindow, switcher: LanguageSwitcher) -> None:
    """Alt and a letter reaches one entry of a menu (or of the menu bar), in every language."""
    clashes: list[str] = []
    for language in UI_LANGUAGES:
        switcher.apply(language.code)
        window.retranslate()
        menus = [("menu bar", [a for a in window.menuBar().actions() if a.isVisible()])]
        menus += [(menu.title(), [a for a in menu.actions() if a.isVisible() and not a.isSeparator()])
                  for menu in window.menuBar().findChildren(QMenu)]
        for title, actions in menus:
            clashes += shared_letters([action.text() for action in actions], f"{language.code} {title}")
    assert clashes == [], "\n".join(clashes)


def shared_letters(texts: list[str], where: str) -> list[str]:
    """Two different texts of one menu or window that Alt and the same letter would reach."""
    seen: dict[str, str] = {}
    clashes = []
    for text in texts:
        key = _accelerator(text)
        if key is None:
            continue
        if key in seen and seen[key] != text:
            clashes.append(f"{where}: {seen[key]!r} and {text!r}")
        seen[key] = text
    return clashes


def _dialog_clashes(dialog: QWidget, language: str) -> list[str]:
    """Letters that Alt reaches twice among a window's visible labels and buttons."""
    return shared_letters([widget.text() for widget in reachable(dialog)], f"{language} {dialog.objectName()}")


def reachable(window: QWidget) -> list[QAbstractButton | QLabel]:
    """The visible buttons and labels of a window that Alt and a letter can reach."""
    return [
        widget for widget in window.findChildren(QWidget)
        if widget.isVisibleTo(window)
        and (isinstance(widget, QAbstractButton) or (isinstance(widget, QLabel) and widget.buddy() is not None))
    ]


def test_no_two_labels_or_buttons_of_a_dialog_share_an_accelerator(  # type: ignore[no-untyped-def]
    qtbot, signed_in: accounts.SignedIn, switcher: LanguageSwitcher, tmp_path: Path
) -> None:
    """The same as for menus, in the windows this round's work added and those a person meets
    first: the sign-in and first-run windows, the restore dialog, closing and erasing a case,
    the review of closed cases, the audit trail, the users window and a directory entry."""
    from caseworker.core.directory.store import DirectoryStore
    from caseworker.core.paths import DataDir
    from caseworker.ui.audit_window import AuditWindow
    from caseworker.ui.directory_editor import ServiceEditor
    from caseworker.ui.main_window import CloseCaseDialog, EraseCaseDialog
    from caseworker.ui.restore_dialog import RestoreDialog
    from caseworker.ui.retention_dialog import RetentionDialog
    from caseworker.ui.start import FirstRunDialog, LoginDialog
    from caseworker.ui.users_dialog import UsersDialog

    directory = DirectoryStore.create(tmp_path / "directory.db")

    makers = {
        "erase": lambda: EraseCaseDialog("2026-00012"),
        "close": lambda: CloseCaseDialog(),
        "review": lambda: RetentionDialog(signed_in, erase=lambda case_id, reference: False),
        "audit": lambda: AuditWindow(signed_in),
        "restore": lambda: RestoreDialog(signed_in.data_dir),
        "login": lambda: LoginDialog(signed_in.data_dir, lambda username, password: None),
        "first run": lambda: FirstRunDialog(DataDir(tmp_path / "empty")),
        "users": lambda: UsersDialog(signed_in),
        "directory entry": lambda: ServiceEditor(directory),
    }
    clashes = clashes_in_every_language(qtbot, switcher, makers)
    assert clashes == [], "\n".join(clashes)


def clashes_in_every_language(  # type: ignore[no-untyped-def]
    qtbot, switcher: LanguageSwitcher, makers: dict[str, Callable[[], QWidget]],
    more: Callable[[QWidget, str], list[str]] = lambda window, where: [],
) -> list[str]:
    """Each window made afresh in each language and looked at for clashes (``more`` looks further)."""
    clashes: list[str] = []
    for language in UI_LANGUAGES:
        switcher.apply(language.code)
        for name, make in makers.items():
            window = make()
            qtbot.addWidget(window)
            window.show()
            where = f"{language.code} {name}"
            clashes += _dialog_clashes(window, where) + more(window, where)
            window.close()
    return clashes


def test_calendar_and_digits_are_chosen_in_the_language_menu_and_every_date_follows(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, switcher: LanguageSwitcher
) -> None:
    from PySide6.QtCore import QCalendar, QDate
    from PySide6.QtWidgets import QDateEdit

    from caseworker.core.services.caselist import Column

    switcher.apply("fa")
    window.retranslate()
    opened = window.case_list.model.index(0, Column.OPENED)
    today = QCalendar(QCalendar.System.Jalali).partsFromDate(QDate.currentDate())
    assert str(QDate.currentDate().year()) in opened.data()
    assert "(" in window.solar_hijri_action.text() and not window.solar_hijri_action.isChecked()

    with qtbot.waitSignal(window.preferencesChosen) as chosen:
        window.solar_hijri_action.trigger()
    assert chosen.args == [Preferences(solar_hijri=True, native_digits=False)]
    switcher.set_preferences(chosen.args[0])
    window.retranslate()
    assert window.solar_hijri_action.isChecked()
    assert str(today.year) in opened.data()
    date_edits = window.findChildren(QDateEdit)
    assert date_edits and {edit.calendar().name() for edit in date_edits} == {"Jalali"}

    with qtbot.waitSignal(window.preferencesChosen) as chosen:
        window.native_digits_action.trigger()
    switcher.set_preferences(chosen.args[0])
    window.retranslate()
    assert str(today.year).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")) in opened.data()

    switcher.apply("ar")  # Arabic has no Solar Hijri dates, and Qt writes its digits as preferred
    window.retranslate()
    assert {edit.calendar().name() for edit in date_edits} == {"Gregorian"}
    assert {edit.locale().zeroDigit() for edit in date_edits} == {"٠"}
    switcher.set_preferences(Preferences())
    window.retranslate()
    assert {edit.locale().zeroDigit() for edit in date_edits} == {"0"}
    assert str(QDate.currentDate().year()) in opened.data()


def test_the_app_remembers_the_calendar_and_digits_chosen(qtbot, signed_in: accounts.SignedIn) -> None:  # type: ignore[no-untyped-def]
    from caseworker.app import CaseworkerApp
    from caseworker.core.i18n import preferences

    app = CaseworkerApp(QApplication.instance(), signed_in.data_dir, "fa")
    try:
        assert preferences() == Preferences()
        app.switch_preferences(Preferences(solar_hijri=True, native_digits=True))
        app.languages.set_preferences(Preferences())
        again = CaseworkerApp(QApplication.instance(), signed_in.data_dir, "fa")
        assert preferences() == Preferences(solar_hijri=True, native_digits=True)
        again.languages.set_preferences(Preferences())
    finally:
        app.languages.set_preferences(Preferences())
        app.languages.apply("en")
