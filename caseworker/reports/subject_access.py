"""Everything held about a person, printed for them in their language (with the JSON beside it,
caseworker.core.services.subject_access): every section of the case file, label and value, the
pathways with their steps, the referrals, and what was done with the file and when."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable, Sequence
from pathlib import Path

from PySide6.QtCore import QSizeF
from PySide6.QtGui import QTextDocument

from caseworker.core.i18n import (
    N_,
    _,
    country_name,
    fill,
    format_date,
    format_datetime,
    is_right_to_left,
    isolate,
    language_name,
    speaking,
)
from caseworker.core.labels import cefr_label, isced_label, label
from caseworker.core.pathways.templates import translated
from caseworker.core.services.subject_access import SubjectAccess
from caseworker.reports.output import a4_pdf_writer, finish, partial_for

Row = tuple[str, str]  # a label (msgid) and the value as printed


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def _date(value: dt.date | None) -> str:
    return format_date(value) if value else ""


def _table(rows: Iterable[Row]) -> str:
    """Label and value side by side, in the reading direction of the language spoken; each
    value keeps its own direction (a phone number or a Latin name inside Arabic text)."""
    e = html.escape
    rtl = is_right_to_left()
    cells = []
    for name, value in rows:
        if not value:
            continue
        align = " align='right'" if rtl else ""
        label_cell = f"<td{align} style='color:#555;padding:0 12px'>{e(_(name))}</td>"
        if rtl:  # Qt's rich text does not mirror a table's columns: the label goes right by hand
            cells.append(f"<tr><td{align}>{e(isolate(value))}</td>{label_cell}</tr>")
        else:
            cells.append(f"<tr>{label_cell}<td>{e(value)}</td></tr>")
    align = " align='right'" if rtl else ""
    return f"<table cellspacing='2'{align}>{''.join(cells)}</table>" if cells else ""


def _section(title: str, records: Sequence[Iterable[Row]], empty: str = "") -> str:
    body = "".join(_table(rows) + "<br>" for rows in records) or (f"<p>{html.escape(empty)}</p>" if empty else "")
    return f"<h2>{html.escape(_(title))}</h2>{body}" if body else ""


def access_html(access: SubjectAccess, language: str) -> str:
    """The printout as rich text, every label in ``language`` (the person's)."""
    case, person = access.case, access.case.person
    e = html.escape
    with speaking(language):
        # Translated outside f-strings: gettext's extractor does not look inside them.
        title = _("Everything we hold about you")
        parts = [
            f"<h1>{e(title)}</h1>",
            "<p>" + e(fill(
                _("{organisation} keeps this about you in its case files, as of {date}. You may ask for anything wrong to be corrected, and for your file to be erased."),
                organisation=access.organisation.name, date=format_date(access.made_at.date()),
            )) + "</p>",
        ]
        parts.append(_section(N_("Person"), [[
            (N_("Name in Latin letters"), person.name_latin),
            (N_("Name in own script"), person.name_native),
            (N_("Date of birth"), person.birth.display() if person.birth.known else ""),
            (N_("Gender"), label(person.gender)),
            (N_("Nationalities"), ", ".join(country_name(code) for code in person.nationalities)),
            (N_("Stateless"), _yes_no(True) if person.stateless else ""),
            (N_("Phone"), person.phone),
            (N_("E-mail"), person.email),
            (N_("Address"), person.address),
            (N_("Preferred language"), language_name(person.preferred_language) if person.preferred_language else ""),
            (N_("Sensitive details"), person.sensitive_notes),
        ]]))
        parts.append(_section(N_("Case"), [[
            (N_("Status"), label(case.status)),
            (N_("Opened on"), _date(case.opened_on)),
            (N_("Closed on"), _date(case.closed_on)),
            (N_("Reason for closing"), label(case.closure_reason) if case.closure_reason else ""),
            (N_("Note on closing"), case.closure_note),
            (N_("Entered on"), _date(case.entered_on)),
            (N_("Labour market at entry"), label(case.entry_labour_status) if case.entry_labour_status else ""),
            (N_("Left on"), _date(case.left_on)),
        ]]))
        parts.append(_section(N_("Languages"), [[
            (N_("Language"), language_name(s.language)),
            (N_("Level (CEFR)"), cefr_label(s.level) if s.level else ""),
            (N_("Mother tongue"), _yes_no(True) if s.mother_tongue else ""),
            (N_("Assessed on"), _date(s.assessed_on)),
            (N_("Note"), s.note),
        ] for s in case.languages]))
        parts.append(_section(N_("Legal status and work authorisation"), [[
            (N_("Legal status"), label(s.status)),
            (N_("Work authorisation"), label(s.work_authorisation)),
            (N_("Permit valid from"), _date(s.permit_from)),
            (N_("Permit valid until"), _date(s.permit_until)),
            (N_("Work allowed from"), _date(s.work_from)),
            (N_("Work allowed until"), _date(s.work_until)),
            (N_("Note"), s.note),
        ] for s in case.legal_statuses]))
        parts.append(_section(N_("Education"), [[
            (N_("Level (ISCED)"), isced_label(s.isced_level) if s.isced_level is not None else ""),
            (N_("Field of study"), s.field),
            (N_("Institution"), s.institution),
            (N_("Country"), country_name(s.country) if s.country else ""),
            (N_("Year completed or left"), str(s.year_completed or "")),
            (N_("Completed"), _yes_no(s.completed)),
        ] for s in case.education]))
        parts.append(_section(N_("Qualifications and recognition"), [[
            (N_("Qualification"), s.title),
            (N_("Issued by"), s.issuer),
            (N_("Country"), country_name(s.country) if s.country else ""),
            (N_("Year"), str(s.year or "")),
            (N_("Has the papers"), _yes_no(s.has_documents)),
            (N_("Recognition"), label(s.recognition)),
            (N_("Recognition body"), s.recognition_body),
            (N_("Applied for recognition on"), _date(s.applied_on)),
            (N_("Decided on"), _date(s.decided_on)),
            (N_("Note"), s.note),
        ] for s in case.qualifications]))
        parts.append(_section(N_("Work experience"), [[
            (N_("Occupation"), s.occupation),
            (N_("Employer"), s.employer),
            (N_("Country"), country_name(s.country) if s.country else ""),
            (N_("From (year)"), str(s.start_year or "")),
            (N_("Until (year)"), str(s.end_year or "")),
            (N_("What they did"), s.description),
        ] for s in case.experience]))
        parts.append(_section(N_("Goals"), [[
            (N_("Goal"), s.text), (N_("Status"), label(s.status)), (N_("Target date"), _date(s.target_date)),
        ] for s in case.goals]))
        parts.append(_section(N_("Meetings"), [[
            (N_("Date"), _date(s.held_on)), (N_("Kind of meeting"), label(s.kind)), (N_("Notes"), s.notes),
        ] for s in case.meetings]))
        parts.append(_section(N_("Consent"), [[
            (N_("Consent to"), label(s.scope)),
            (N_("Answer"), _("Given") if s.given else _("Refused")),
            (N_("Recorded on"), _date(s.recorded_on)),
            (N_("How it was given"), label(s.method)),
            (N_("Withdrawn on"), _date(s.withdrawn_on)),
            (N_("Note"), s.note),
        ] for s in case.consents]))
        parts.append(_section(N_("Pathways"), [
            [(N_("Pathway"), translated(p.title)), (N_("Status"), label(p.status)), (N_("Started on"), _date(p.started_on)),
             (N_("Ended on"), _date(p.ended_on))]
            + [(N_("Step"), " · ".join(x for x in (translated(step.title), label(step.status), _date(step.done_on), step.outcome) if x))
               for step in p.steps]
            for p in access.pathways
        ]))
        parts.append(_section(N_("Referrals"), [[
            (N_("Service"), r.service_name),
            (N_("Organisation"), r.organization_name),
            (N_("Referred on"), _date(r.made_on)),
            (N_("Status"), label(r.status)),
            (N_("Outcome"), label(r.outcome) if r.outcome else ""),
            (N_("Note"), r.note),
        ] for r in access.referrals]))
        parts.append(_section(N_("What was done with your file"), [[
            (N_("When"), format_datetime(at.astimezone(), "short")), (N_("What"), label(action)),
        ] for at, action in access.trail]))
        direction = "rtl" if is_right_to_left(language) else "ltr"
    return f"<html><body style='font-size:10pt' dir='{direction}'>{''.join(parts)}</body></html>"


def write_access_pdf(access: SubjectAccess, language: str, out: Path) -> None:
    """An A4 PDF in ``language``, written whole or not at all."""
    document = QTextDocument()
    document.setHtml(access_html(access, language))
    partial = partial_for(out)
    writer = a4_pdf_writer(partial, 18)
    document.documentLayout().setPaintDevice(writer)
    document.setPageSize(QSizeF(writer.width(), writer.height()))
    document.print_(writer)
    del writer
    finish(partial, out)
