"""Alt and a letter reaches one label or button of a window, in every language: the windows that
tests/gui/test_languages.py does not cover (statistics, "Where to go", referring, pathways and
referrals, follow-ups, the CV, translating a directory entry and the dialogs that add an entry to
a list of the case file). In a window with a menu bar, the menus' titles count too, and no two
entries of one menu share a letter."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMainWindow, QMenu, QWidget

from caseworker.core.directory import editing
from caseworker.core.directory.store import DirectoryStore
from caseworker.core.models.enums import ConsentMethod, ConsentScope
from caseworker.core.pathways.templates import load_templates
from caseworker.core.services import accounts, cases, pathways
from caseworker.core.services.records import CaseFile, ConsentEntry, MeetingRecord, PersonDetails
from caseworker.ui.language import LanguageSwitcher
from tests.gui.test_languages import clashes_in_every_language, reachable, shared_letters, switcher  # noqa: F401 - a fixture

Maker = Callable[[], QWidget]


def _menu_clashes(window: QMainWindow, language: str) -> list[str]:
    """A main window's menu titles share Alt with its labels and buttons; a menu's own entries
    share the letters among themselves."""
    titles = [a for a in window.menuBar().actions() if a.isVisible()]
    where = f"{language} {window.objectName()}"
    clashes = shared_letters([w.text() for w in reachable(window)] + [t.text() for t in titles], f"{where} menu bar")
    for title in titles:
        menu = title.menu()
        if isinstance(menu, QMenu):
            entries = [a.text() for a in menu.actions() if a.isVisible() and not a.isSeparator()]
            clashes += shared_letters(entries, f"{where} {title.text()!r}")
    return clashes


@pytest.fixture
def directory(tmp_path: Path) -> Iterator[DirectoryStore]:
    """A directory with one entry, so that lists have something to show and it can be translated."""
    store = DirectoryStore.create(tmp_path / "directory.db")
    editing.save_service(store, editing.ServiceDraft(
        name="Sportello lavoro migranti", organization_name="Associazione Ponte", description="Aiuto con il curriculum.",
        categories=("recognition",), address_1="Via Roma 12", postal_code="10121", city="Torino", country="IT",
    ))
    yield store
    store.dispose()


def _service_id(store: DirectoryStore) -> str:
    from caseworker.core.directory import search

    with store.read() as session:
        return search.search(session.connection(), "", limit=1)[0].service_id


def _makers(signed_in: accounts.SignedIn, directory: DirectoryStore, tmp_path: Path) -> dict[str, Maker]:
    from caseworker.ui.cv_dialog import CvDialog
    from caseworker.ui.directory_translate import TranslationsDialog
    from caseworker.ui.directory_window import DirectoryWindow
    from caseworker.ui.followups_panel import FollowUpsPanel
    from caseworker.ui.handout_dialog import HandoutDialog
    from caseworker.ui.pathways_panel import OutcomeDialog, PathwaysPanel, ReferralsPanel, ShowToClient
    from caseworker.ui.refer_dialog import ReferDialog
    from caseworker.ui.sections import (
        ConsentDialog,
        EducationDialog,
        ExperienceDialog,
        GoalDialog,
        LanguageDialog,
        LegalStatusDialog,
        MeetingDialog,
        QualificationDialog,
    )
    from caseworker.ui.stats_window import StatsWindow

    today = dt.date.today()

    def new_case(name: str) -> CaseFile:
        return cases.create_case(signed_in.store, CaseFile(
            person=PersonDetails(name_latin=name, preferred_language="ti"),
            meetings=(MeetingRecord(today, notes="First meeting"),),
            consents=(ConsentEntry(ConsentScope.SHARING, True, today, ConsentMethod.WRITTEN),),
        ))

    case, paused_case = new_case("Selam Tesfaye"), new_case("Dawit Haile")
    assert case.id is not None and paused_case.id is not None
    templates = load_templates(signed_in.data_dir.pathways)
    template = templates.by_id["recognition"]
    pathway = pathways.start_pathway(signed_in.store, case.id, template, on=today, user=signed_in.user)
    step = pathway.steps[0]
    # The other case's pathway is paused: its button says Resume instead of Pause.
    other = pathways.start_pathway(signed_in.store, paused_case.id, template, on=today, user=signed_in.user)
    pathways.pause_pathway(signed_in.store, other.id, version=other.version, user=signed_in.user)
    service_id = _service_id(directory)
    settings = lambda name: QSettings(str(tmp_path / f"{name}.ini"), QSettings.Format.IniFormat)  # noqa: E731

    def panel(made: PathwaysPanel | ReferralsPanel, shown: CaseFile = case) -> QWidget:
        made.show_case(shown)
        return made

    def record_dialog(kind: type) -> Maker:
        def make() -> QWidget:
            dialog = kind()
            dialog.set_record(None)
            return dialog
        return make

    return {
        "statistics": lambda: StatsWindow(signed_in, settings("stats"), make=lambda *a, **k: None, today=lambda: today),
        "where to go": lambda: DirectoryWindow(directory, settings("lookup")),
        "where to go, keeping": lambda: DirectoryWindow(directory, settings("keeper"), editor="maria@ponte.example"),
        "translate an entry": lambda: TranslationsDialog(directory, service_id, "ar"),
        "refer": lambda: ReferDialog(directory, "recognition"),
        "pathways": lambda: panel(PathwaysPanel(signed_in, templates)),
        "pathways, paused": lambda: panel(PathwaysPanel(signed_in, templates), paused_case),
        "show to the person": lambda: ShowToClient(pathway, step, template.step(step.step_key), "ti"),
        "referrals": lambda: panel(ReferralsPanel(signed_in, lambda quiet=False: directory)),
        "outcome of a referral": lambda: OutcomeDialog(),
        "follow-ups": lambda: FollowUpsPanel(signed_in, today=lambda: today),
        "cv": lambda: CvDialog(case, "it"),
        "handout": lambda: HandoutDialog("handout", [], ("ti", "am"), "it", "handout.pdf"),
        "consent": record_dialog(ConsentDialog),
        "education": record_dialog(EducationDialog),
        "work experience": record_dialog(ExperienceDialog),
        "goal": record_dialog(GoalDialog),
        "language": record_dialog(LanguageDialog),
        "legal status": record_dialog(LegalStatusDialog),
        "meeting": record_dialog(MeetingDialog),
        "qualification": record_dialog(QualificationDialog),
    }


def test_no_two_labels_or_buttons_of_the_other_windows_share_an_accelerator(  # type: ignore[no-untyped-def]
    qtbot, signed_in: accounts.SignedIn, switcher: LanguageSwitcher, directory: DirectoryStore, tmp_path: Path  # noqa: F811
) -> None:
    clashes = clashes_in_every_language(
        qtbot, switcher, _makers(signed_in, directory, tmp_path),
        lambda window, where: _menu_clashes(window, where) if isinstance(window, QMainWindow) else [],
    )
    assert clashes == [], "\n".join(clashes)
