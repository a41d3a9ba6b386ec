"""Everything held about a person, for them: a PDF in their language and the same as JSON, made
by a coordinator from the open case, and recorded in the audit trail."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from caseworker.core.models.enums import AuditAction, CefrLevel, ConsentMethod, ConsentScope
from caseworker.core.services import accounts, audit, cases, pathways, subject_access
from caseworker.core.services.records import CaseFile, ConsentEntry, LanguageSkillRecord, MeetingRecord, PersonDetails
from caseworker.reports.subject_access import access_html
from caseworker.ui.main_window import MainWindow
from tests.conftest import a_caseworker_of
from tests.unit.test_pathways import DAY, ENIC, RECOGNITION


@pytest.fixture
def held(signed_in: accounts.SignedIn) -> CaseFile:
    me = signed_in.user
    case = cases.create_case(signed_in.store, CaseFile(
        person=PersonDetails(name_latin="Selam Tesfaye", name_native="ሰላም ተስፋዬ", phone="+39 333 765 4321", preferred_language="ti"),
        languages=(LanguageSkillRecord("it", CefrLevel.A2, note="Evening course"),),
        meetings=(MeetingRecord(DAY, notes="First meeting: wants to work as a nurse"),),
        consents=(ConsentEntry(ConsentScope.SHARING, True, DAY, ConsentMethod.WRITTEN),),
    ), user=me)
    pathways.start_pathway(signed_in.store, case.id, RECOGNITION, on=DAY, user=me)  # type: ignore[arg-type]
    pathways.refer(signed_in.store, case.id, ENIC, on=DAY, user=me)  # type: ignore[arg-type]
    return case


def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_the_json_holds_every_section_pathway_referral_and_what_was_done(signed_in: accounts.SignedIn, held: CaseFile, tmp_path: Path) -> None:
    access = subject_access.gather(signed_in, held.id, now=dt.datetime(2026, 11, 22, 10, tzinfo=dt.UTC))  # type: ignore[arg-type]
    subject_access.write_json(access, tmp_path / "held.json")
    document = json.loads((tmp_path / "held.json").read_text(encoding="utf-8"))

    assert document["case"]["person"]["name_native"] == "ሰላም ተስፋዬ"
    assert document["case"]["languages"][0] == {"language": "it", "level": "A2", "mother_tongue": False,
                                                 "assessed_on": None, "note": "Evening course", "id": 1}
    assert document["case"]["meetings"][0]["notes"] == "First meeting: wants to work as a nurse"
    assert [p["template_id"] for p in document["pathways"]] == ["recognition"]
    assert document["referrals"][0]["service_name"] == ENIC.name
    assert [d["action"] for d in document["done_with_the_file"]] == ["case_created", "pathway_started", "referral_made"]
    assert "coordinator" not in json.dumps(document["done_with_the_file"])  # no staff names
    assert audit.entries(signed_in.store)[0].action is AuditAction.CASE_EXPORTED


def test_the_printout_is_in_the_persons_language(signed_in: accounts.SignedIn, held: CaseFile) -> None:
    access = subject_access.gather(signed_in, held.id)  # type: ignore[arg-type]
    english = access_html(access, "en")
    tigrinya = access_html(access, "ti")
    assert "Everything we hold about you" in english and "Phone" in english
    assert "Everything we hold about you" not in tigrinya and "Phone" not in tigrinya
    assert "+39 333 765 4321" in tigrinya and "Evening course" in tigrinya
    assert "dir='rtl'" in access_html(access, "ar")


def test_only_a_coordinator_may_export_it(signed_in: accounts.SignedIn, held: CaseFile) -> None:
    with a_caseworker_of(signed_in) as karim, pytest.raises(subject_access.ExportByCoordinators):
        subject_access.gather(karim, held.id)  # type: ignore[arg-type]


def test_the_window_writes_both_files_from_the_open_case(qtbot, signed_in: accounts.SignedIn, held: CaseFile, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(signed_in, QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    window.open_case(held.id)  # type: ignore[arg-type]
    assert window.access_action.isVisible() and window.access_action.isEnabled()
    written = window.export_everything(tmp_path)
    assert written is not None
    pdf, document = written
    assert pdf.name == f"{held.reference}-everything-held.pdf" and document.exists()
    text = _pdf_text(pdf)
    assert "ሰላም ተስፋዬ" in text and "+39 333 765 4321" in text
    assert "Everything we hold about you" not in text  # in Tigrinya, the person's language
    assert not list(tmp_path.glob("*.partial"))


@pytest.mark.parametrize("failing", ["pdf", "json"])
def test_a_full_disk_leaves_neither_file(qtbot, signed_in: accounts.SignedIn, held: CaseFile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str) -> None:  # type: ignore[no-untyped-def]
    """Whichever of the two files the disk fills up on, neither is left: a person handed a
    PDF without its JSON, or the reverse, would hold half of what they asked for."""
    from caseworker.core.errors import DiskFull
    from caseworker.reports import subject_access as printed

    def full(*_args: object) -> None:
        raise DiskFull()

    window = MainWindow(signed_in, QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.open_case(held.id)  # type: ignore[arg-type]
    shown: list[str] = []
    monkeypatch.setattr(window, "_show_error", lambda error: shown.append(str(error)))
    if failing == "pdf":
        monkeypatch.setattr(printed, "write_access_pdf", full)
    else:
        monkeypatch.setattr(subject_access, "write_json", full)
    folder = tmp_path / "out"
    folder.mkdir()
    assert window.export_everything(folder) is None
    assert shown and "full" in shown[0].lower()
    assert list(folder.iterdir()) == []
