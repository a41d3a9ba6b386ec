"""The CV draft: filled from the case in the host language, edited, saved as PDF and as DOCX, and
both files opened again."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from caseworker.core.errors import DiskFull, ReadOnlyDataDir
from caseworker.core.i18n import load_catalog
from caseworker.core.models.enums import CefrLevel
from caseworker.core.services.records import (
    CaseFile,
    EducationRecord,
    LanguageSkillRecord,
    PersonDetails,
    QualificationRecord,
    WorkExperienceRecord,
)
from caseworker.reports.cv import cv_html
from caseworker.ui.cv_dialog import CvDialog

CASE = CaseFile(
    person=PersonDetails(name_latin="Selam Tesfaye", name_native="ሰላም ተስፋዬ", phone="+39 333 123 4567", email="selam@example.org"),
    experience=(WorkExperienceRecord("Nurse", "32", "Orotta Hospital", "ER", 2015, 2021, "Surgical ward"),),
    education=(EducationRecord(6, "Nursing", "Asmara College of Health Sciences", "ER", 2015),),
    qualifications=(QualificationRecord("Registered nurse licence", issuer="Ministry of Health", country="ER", year=2015),),
    languages=(
        LanguageSkillRecord("ti", mother_tongue=True),
        LanguageSkillRecord("it", CefrLevel.A2),
        LanguageSkillRecord("en", CefrLevel.B2),
    ),
)


def test_the_draft_has_the_europass_sections_in_the_host_language() -> None:
    italian = load_catalog("it")
    text = cv_html(CASE, "it")
    for heading in ("Work experience", "Education and training", "Language skills"):
        assert italian.gettext(heading) in text
    assert "Orotta Hospital" in text and "2015–2021" in text and "B2" in text
    # Nothing a CV should not carry.
    assert "ሰላም" not in text


def test_the_edited_draft_is_saved_as_pdf_and_docx(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from docx import Document

    dialog = CvDialog(CASE, "en")
    qtbot.addWidget(dialog)
    cursor = dialog.editor.textCursor()
    cursor.movePosition(cursor.MoveOperation.End)
    cursor.insertText("\nDriving licence B")

    pdf = dialog.save("pdf", tmp_path / "cv.pdf")
    assert pdf is not None and pdf.read_bytes().startswith(b"%PDF-")
    docx = dialog.save("docx", tmp_path / "cv.docx")
    assert docx is not None
    opened = Document(str(docx))
    paragraphs = [(p.style.name, p.text) for p in opened.paragraphs]
    assert ("Title", "Selam Tesfaye") in paragraphs
    assert ("Heading 1", "Work experience") in paragraphs
    assert ("Heading 2", "Nurse") in paragraphs
    assert any(style == "List Bullet" and "English" in text for style, text in paragraphs)
    assert any("Driving licence B" in text for _style, text in paragraphs)
    assert opened.core_properties.author == ""
    assert not list(tmp_path.glob("*.partial"))


@pytest.mark.parametrize(
    ("failure", "expected"), [(errno.ENOSPC, DiskFull), (errno.EROFS, ReadOnlyDataDir), (errno.EACCES, ReadOnlyDataDir)]
)
def test_a_cv_that_cannot_be_written_says_why_and_leaves_no_file(qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: int, expected: type) -> None:  # type: ignore[no-untyped-def]
    import docx.document

    from caseworker.reports.cv import write_cv_docx

    def refuse(self: object, path: str) -> None:
        Path(path).write_bytes(b"half")
        raise OSError(failure, os.strerror(failure))

    monkeypatch.setattr(docx.document.Document, "save", refuse)
    dialog = CvDialog(CASE, "en")
    qtbot.addWidget(dialog)
    with pytest.raises(expected):
        write_cv_docx(dialog.editor.document(), tmp_path / "cv.docx")
    assert list(tmp_path.iterdir()) == []


def test_a_folder_that_cannot_be_written_to_is_named_not_called_a_full_disk(qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from caseworker.reports import output

    # As root every folder is writable, so the operating system's answer is given here.
    monkeypatch.setattr(output.os, "access", lambda path, mode: Path(path) != tmp_path)
    dialog = CvDialog(CASE, "en")
    qtbot.addWidget(dialog)
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: warned.append(text))
    assert dialog.save("pdf", tmp_path / "cv.pdf") is None
    assert warned and str(tmp_path) in warned[0] and "full" not in warned[0]
    assert list(tmp_path.iterdir()) == []
