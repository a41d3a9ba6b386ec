"""Handouts in the person's language beside the host language: "your next steps" of a pathway
and the consent form, printed or saved from the case, in any of the person's languages."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import unicodedata
from dataclasses import replace
from pathlib import Path

import pytest

from caseworker.core.i18n import Preferences, load_catalog, set_preferences, speaking
from caseworker.core.models.enums import AuditAction
from caseworker.core.pathways.templates import load_templates, translated
from caseworker.core.services import accounts, audit, cases, pathways
from caseworker.core.services.records import CaseFile, PersonDetails
from caseworker.reports.handouts import (
    CONSENT,
    NEXT_STEPS,
    bilingual_html,
    consent_blocks,
    handout_language,
    next_steps_blocks,
    write_pdf,
)
from caseworker.ui.main_window import MainWindow
from tests.gui.test_pathways_gui import window  # noqa: F401 - a fixture

RECOGNITION = "recognition"

# Laying out a page needs the application's fonts (the bundled Noto for Ethiopic and Arabic).
pytestmark = pytest.mark.usefixtures("fonts")


@pytest.fixture
def fonts(qapp):  # type: ignore[no-untyped-def]
    from caseworker.ui.fonts import register_bundled_fonts

    register_bundled_fonts()


def _pdf_text(path: Path) -> str:
    """The text of a PDF, with Arabic letters back from the shaped forms the PDF holds."""
    shaped = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return unicodedata.normalize("NFKC", shaped)


def _client(signed_in: accounts.SignedIn, *languages: str) -> CaseFile:
    case = cases.create_case(signed_in.store, CaseFile(person=PersonDetails(
        name_latin="Selam Tesfaye", name_native="ሰላም ተስፋዬ",
        preferred_language=languages[0] if languages else None, other_languages=languages[1:],
    )))
    pathways.start_pathway(signed_in.store, case.id, load_templates().by_id[RECOGNITION], on=dt.date(2026, 11, 2))  # type: ignore[arg-type]
    return case


def test_the_handout_language_is_the_first_preferred_one_handouts_are_written_in() -> None:
    assert handout_language(("am", "ti", "ar"), "it") == "ti"  # no Amharic catalog: Tigrinya is next
    assert handout_language(("fa_AF",), "it") == "fa_AF"
    assert handout_language(("uk_UA",), "it") == "uk"
    assert handout_language(("xx", "am"), "it") == "it"
    assert handout_language((), "de") == "de"


def test_next_steps_in_tigrinya_beside_italian_read_back_from_the_pdf(signed_in: accounts.SignedIn, tmp_path: Path) -> None:
    case = _client(signed_in, "ti")
    pathway = pathways.pathways_of(signed_in.store, case.id)[0]  # type: ignore[arg-type]
    template = load_templates().by_id[RECOGNITION]
    blocks = next_steps_blocks(pathway, template, "Selam Tesfaye")
    write_pdf(bilingual_html(blocks, "ti", "it"), tmp_path / "next.pdf")

    data = (tmp_path / "next.pdf").read_bytes()
    assert data.startswith(b"%PDF-") and len(re.findall(rb"/FontFile2", data)) >= 2  # Ethiopic and Latin embedded
    text = _pdf_text(tmp_path / "next.pdf")
    for code in ("ti", "it"):
        catalog = load_catalog(code)
        assert catalog.gettext(NEXT_STEPS) != NEXT_STEPS, code  # translated, not English
        assert catalog.gettext(NEXT_STEPS) in text, code
        with speaking(code):
            first = translated(template.steps[0].title)
        assert first.split()[0] in text, code
    assert "Selam Tesfaye" in text


def test_the_current_step_says_what_to_bring_and_by_when_in_each_columns_calendar(signed_in: accounts.SignedIn) -> None:
    case = _client(signed_in, "fa")
    pathway = pathways.pathways_of(signed_in.store, case.id)[0]  # type: ignore[arg-type]
    due = dt.date(2026, 12, 1)
    template = load_templates().by_id[RECOGNITION]
    gathering = next(step for step in template.steps if step.gather)  # a step with papers to bring
    now = replace(pathway.steps[0], due_on=due, step_key=gathering.id)
    pathway = replace(pathway, steps=(now, *pathway.steps[1:]))
    set_preferences(Preferences(solar_hijri=True))
    try:
        page = bilingual_html(next_steps_blocks(pathway, template, "Selam"), "fa", "de")
    finally:
        set_preferences(Preferences())
    last = page.split("<tr>")[-1]  # the last block: the step now
    persian, german = last.split("</td>")[:2][::-1]  # the Persian column is on the right: second in the row
    assert "dir='rtl'" in persian and "dir='ltr'" in german
    assert "10 آذر 1405" in persian and "01.12.2026" in german
    assert load_catalog("de").gettext("Please bring") in german and load_catalog("fa").gettext("Please bring") in persian
    with speaking("de"):
        assert translated(gathering.gather[0]) in german


def test_one_column_when_the_person_reads_the_host_language() -> None:
    page = bilingual_html(consent_blocks("Ponte", "Olena"), "it", "it")
    assert page.count("width='100%' dir=") == 5 and "width='50%'" not in page


def test_the_consent_form_names_the_organisation_and_has_a_box_for_each_part(tmp_path: Path) -> None:
    page = bilingual_html(consent_blocks("Ponte Lavoro", "Olena Kovalenko"), "uk", "it")
    assert page.count("☐") == 6  # three parts, in each language
    assert page.count("Ponte Lavoro") >= 8
    assert load_catalog("uk").gettext(CONSENT) in page and load_catalog("it").gettext(CONSENT) in page
    write_pdf(page, tmp_path / "consent.pdf")
    assert "Olena Kovalenko" in _pdf_text(tmp_path / "consent.pdf")


def test_next_steps_from_the_pathway_offer_the_persons_languages_first_and_are_audited(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, signed_in: accounts.SignedIn, tmp_path: Path  # noqa: F811 - the fixture
) -> None:
    case = _client(signed_in, "am", "ti", "ar")
    window.reload_cases()
    qtbot.waitUntil(lambda: not window.loading())
    window.open_case(case.id)
    window.case_tabs.setCurrentWidget(window.pathways)
    dialog = window.pathways.next_steps()
    assert dialog is not None
    offered = [dialog.language.itemData(i) for i in range(dialog.language.count())]
    assert offered[:2] == ["ti", "ar"] and offered[2] is None  # then a separator, then the rest
    assert dialog.chosen_language() == "ti"
    dialog.language.setCurrentIndex(dialog.language.findData("ar"))
    saved = dialog.save(tmp_path / "next-steps.pdf")
    assert saved is not None and load_catalog("ar").gettext(NEXT_STEPS) in _pdf_text(saved)
    latest = audit.entries(signed_in.store)[0]
    assert (latest.action, latest.detail, latest.case_id) == (AuditAction.DOCUMENT_PRINTED, "next_steps:pdf", case.id)
    dialog.close()


def test_the_consent_form_from_the_case_menu(qtbot, window: MainWindow, signed_in: accounts.SignedIn, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    case = _client(signed_in, "uk")
    window.reload_cases()
    qtbot.waitUntil(lambda: not window.loading())
    assert not window.consent_action.isEnabled()
    window.open_case(case.id)
    assert window.consent_action.isEnabled()
    dialog = window.consent_form()
    assert dialog is not None and dialog.chosen_language() == "uk"
    saved = dialog.save(tmp_path / "consent.pdf")
    assert saved is not None and load_catalog("uk").gettext(CONSENT) in _pdf_text(saved)
    assert audit.entries(signed_in.store)[0].detail == "consent_form:pdf"
    dialog.close()


def test_a_folder_that_cannot_take_the_pdf_is_said_and_nothing_is_noted(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, signed_in: accounts.SignedIn, tmp_path: Path, monkeypatch  # noqa: F811
) -> None:
    from PySide6.QtWidgets import QMessageBox

    case = _client(signed_in, "uk")
    window.reload_cases()
    qtbot.waitUntil(lambda: not window.loading())
    window.open_case(case.id)
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: said.append(text))
    before = len(audit.entries(signed_in.store))
    dialog = window.consent_form()
    assert dialog is not None
    assert dialog.save(tmp_path / "no such folder" / "consent.pdf") is None
    assert len(said) == 1 and "no such folder" in said[0]
    assert len(audit.entries(signed_in.store)) == before
    assert not (tmp_path / "no such folder").exists()
    dialog.close()
