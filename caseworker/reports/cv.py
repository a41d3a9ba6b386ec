"""A CV draft from the case file, in the Europass layout: contact, work experience, education and
training, qualifications, language skills with CEFR levels. The caseworker edits it on screen
with the person, then saves it as PDF or as a Word document (DOCX) they can go on editing.

Only what a CV needs leaves the case file: no date of birth, nationality, legal status or photo
(Europass leaves them optional, and they invite discrimination).
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QSizeF
from PySide6.QtGui import QTextBlock, QTextDocument

from caseworker.core.i18n import _, country_name, fill, is_right_to_left, language_name, speaking
from caseworker.core.labels import cefr_label, isced_label, label
from caseworker.core.models.enums import RecognitionStatus
from caseworker.core.services.records import CaseFile
from caseworker.reports.output import a4_pdf_writer, failed_write, finish, partial_for


def cv_html(case: CaseFile, language: str) -> str:
    """The draft as rich text, its headings and labels in ``language`` (the host language)."""
    e = html.escape
    person = case.person
    with speaking(language):
        # Labels are translated outside f-strings: gettext's extractor does not look inside them.
        headings = {
            "work": _("Work experience"),
            "education": _("Education and training"),
            "qualifications": _("Qualifications"),
            "languages": _("Language skills"),
            "mother": _("Mother tongue"),
            "others": _("Other languages"),
        }
        parts = [f"<h1>{e(person.name_latin or person.name_native)}</h1>"]
        contact = [c for c in (person.phone, person.email, person.address.replace(chr(10), ', ')) if c]
        if contact:
            parts.append(f"<p>{'<br>'.join(e(c) for c in contact)}</p>")
        if case.experience:
            parts.append(f"<h2>{e(headings['work'])}</h2>")
            for job in sorted(case.experience, key=lambda j: (j.end_year or 9999, j.start_year or 0), reverse=True):
                years = _years(job.start_year, job.end_year)
                where = ", ".join(p for p in (job.employer, country_name(job.country) if job.country else "") if p)
                parts.append(f"<h3>{e(job.occupation)}</h3>")
                parts.append(f"<p>{e(' · '.join(p for p in (years, where) if p))}</p>")
                if job.description:
                    parts.append(f"<p>{e(job.description)}</p>")
        if case.education:
            parts.append(f"<h2>{e(headings['education'])}</h2>")
            for school in sorted(case.education, key=lambda s: s.year_completed or 0, reverse=True):
                title = school.field or (isced_label(school.isced_level) if school.isced_level is not None else "")
                parts.append(f"<h3>{e(title)}</h3>")
                where = ", ".join(p for p in (school.institution, country_name(school.country) if school.country else "") if p)
                year = str(school.year_completed) if school.year_completed else ""
                level = isced_label(school.isced_level) if school.isced_level is not None and school.field else ""
                parts.append(f"<p>{e(' · '.join(p for p in (year, where, level) if p))}</p>")
        if case.qualifications:
            parts.append(f"<h2>{e(headings['qualifications'])}</h2>")
            for qualification in case.qualifications:
                parts.append(f"<h3>{e(qualification.title)}</h3>")
                bits = [qualification.issuer, country_name(qualification.country) if qualification.country else "",
                        str(qualification.year) if qualification.year else ""]
                if qualification.recognition is RecognitionStatus.RECOGNISED:
                    bits.append(label(qualification.recognition))
                parts.append(f"<p>{e(' · '.join(b for b in bits if b))}</p>")
        if case.languages:
            parts.append(f"<h2>{e(headings['languages'])}</h2>")
            mother = [language_name(s.language) for s in case.languages if s.mother_tongue]
            if mother:
                parts.append(f"<p><b>{e(headings['mother'])}:</b> {e(', '.join(mother))}</p>")
            others = [s for s in case.languages if not s.mother_tongue]
            if others:
                parts.append(f"<p><b>{e(headings['others'])}:</b></p><ul>")
                for skill in others:
                    level = cefr_label(skill.level) if skill.level else _("level not assessed")
                    line = fill(_("{language}: {level}"), language=language_name(skill.language), level=level)
                    parts.append(f"<li>{e(line)}</li>")
                parts.append("</ul>")
        direction = "rtl" if is_right_to_left(language) else "ltr"
    return f"<html><body style='font-size:10pt' dir='{direction}'>{''.join(parts)}</body></html>"


def _years(start: int | None, end: int | None) -> str:
    if start and end:
        return f"{start}–{end}" if start != end else str(start)
    if start:
        return fill(_("since {year}"), year=start)
    return str(end) if end else ""


def write_cv_pdf(document: QTextDocument, out: Path) -> None:
    """The (edited) draft as an A4 PDF, written whole or not at all."""
    partial = partial_for(out)
    writer = a4_pdf_writer(partial, 18)
    printed = document.clone()
    printed.documentLayout().setPaintDevice(writer)
    printed.setPageSize(QSizeF(writer.width(), writer.height()))
    printed.print_(writer)
    del writer
    finish(partial, out)


def write_cv_docx(document: QTextDocument, out: Path) -> None:
    """The (edited) draft as a Word document: headings stay headings, lists stay lists."""
    from docx import Document  # only loaded when someone saves a DOCX

    word = Document()
    # No author or editor name inside the file: it leaves the office with the person.
    word.core_properties.author = ""
    word.core_properties.last_modified_by = ""
    block: QTextBlock = document.begin()
    while block.isValid():
        text = block.text().strip()
        if text:
            level = block.blockFormat().headingLevel()
            if level:
                # <h1> is the document's title (level 0 in Word), <h2> a section, <h3> an entry.
                word.add_heading(text, level=min(level, 3) - 1)
            elif block.textList() is not None:
                word.add_paragraph(text, style="List Bullet")
            else:
                for line in text.split("\u2028"):
                    word.add_paragraph(line)
        block = block.next()
    partial = partial_for(out)
    try:
        word.save(str(partial))
    except OSError as exc:
        raise failed_write(exc, partial, out) from exc
    finish(partial, out)

