"""Handouts for the person across the desk: each part of the page in the client's language
beside the host language, so the person can read it and anyone at a service or an office can too.

A handout is a list of blocks; each block is written once per column, while the column's
language is spoken (``speaking``), so labels, dates and digits follow that language. Qt's text
engine shapes Arabic and Ethiopic and lays out right-to-left text, into a PDF or onto a printer.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QSizeF
from PySide6.QtGui import QPagedPaintDevice, QTextDocument

from caseworker.core.i18n import N_, UI_LANGUAGES, _, fill, format_date, is_right_to_left, speaking
from caseworker.core.models.enums import ConsentScope, StepStatus
from caseworker.core.pathways.templates import PathwayTemplate, translated
from caseworker.core.services.pathways import PathwayInfo
from caseworker.reports.output import a4_pdf_writer, finish, partial_for

# One part of a handout, as HTML, in the language being spoken when it is called (its code given).
Block = Callable[[str], str]


def handout_language(preferred: Sequence[str], fallback: str) -> str:
    """The first of a person's preferred languages that handouts are written in, else ``fallback``."""
    shipped = {language.code for language in UI_LANGUAGES}
    for code in preferred:
        for candidate in (code, code.split("_")[0]):
            if candidate in shipped:
                return candidate
    return fallback


def bilingual_html(blocks: Sequence[Block], client_language: str, host_language: str) -> str:
    """Each block twice, side by side: the client's language first, which is on the right for a
    client who reads right to left (Qt's rich text does not mirror a table's columns, so the
    cells are put in reading order here). One language alone when the two are the same."""

    def cell(block: Block, code: str, width: str) -> str:
        direction = "rtl" if is_right_to_left(code) else "ltr"
        with speaking(code):
            return f"<td width='{width}' dir='{direction}' valign='top'>{block(code)}</td>"

    rows = []
    for block in blocks:
        if client_language == host_language:
            cells = [cell(block, client_language, "100%")]
        else:
            cells = [cell(block, client_language, "50%"), cell(block, host_language, "50%")]
            if is_right_to_left(client_language):
                cells.reverse()
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        "<html><body style='font-size:9pt'>"
        "<table width='100%' cellspacing='0' cellpadding='6' border='0'>" + "".join(rows) + "</table></body></html>"
    )


def render(document_html: str, device: QPagedPaintDevice) -> None:
    """Lay a handout out on a page device: a PDF writer, or a printer the person chose."""
    document = QTextDocument()
    # Lay the text out for the device's resolution, not the screen's, so point sizes are points.
    document.documentLayout().setPaintDevice(device)
    document.setHtml(document_html)
    document.setPageSize(QSizeF(device.width(), device.height()))
    document.print_(device)


def write_pdf(document_html: str, out: Path) -> None:
    """Write a handout as a PDF (A4), whole or not at all. Needs a QGuiApplication (fonts)."""
    partial = partial_for(out)
    writer = a4_pdf_writer(partial, 12)
    render(document_html, writer)
    del writer  # the PDF is finished when the writer goes
    finish(partial, out)


def _title(text: str, under: str = "") -> str:
    small = f"<br><small>{html.escape(under)}</small>" if under else ""
    return f"<h1>{html.escape(text)}{small}</h1>"


def _paragraph(text: str) -> str:
    return f"<p>{html.escape(text)}</p>"


# --- your next steps ---------------------------------------------------------------------------

NEXT_STEPS = N_("Your next steps")
_MARK = {StepStatus.DONE: "✓", StepStatus.SKIPPED: "–", StepStatus.OPEN: "○"}


def next_steps_blocks(pathway: PathwayInfo, template: PathwayTemplate | None, name: str) -> list[Block]:
    """A pathway as the person walks it: the steps behind and ahead, and for the step now, what
    it is about, what to bring and by when."""
    current = pathway.current_step
    planned = template.step(current.step_key) if template is not None and current is not None else None

    def heading(_code: str) -> str:
        return _title(_(NEXT_STEPS), fill(_("{name}: {pathway}"), name=name, pathway=translated(pathway.title)))

    def steps(_code: str) -> str:
        rows = []
        for step in pathway.steps:
            if step is current:
                rows.append(f"<p style='margin:0'><b>▶ {html.escape(translated(step.title))}</b></p>")
            else:
                rows.append(f"<p style='margin:0'>{_MARK[step.status]} {html.escape(translated(step.title))}</p>")
        title = _("The steps")
        return f"<p><b>{html.escape(title)}</b></p>{''.join(rows)}"

    def now(_code: str) -> str:
        if current is None:
            return _paragraph(_("Every step of this pathway is done."))
        now_text = fill(_("Now: {step}"), step=translated(current.title))
        parts = [f"<p><b>{html.escape(now_text)}</b></p>"]
        if planned is not None and planned.explain:
            parts.append(_paragraph(translated(planned.explain)))
        if planned is not None and planned.gather:
            items = "".join(f"<li>{html.escape(translated(item))}</li>" for item in planned.gather)
            bring = _("Please bring")
            parts.append(f"<p><b>{html.escape(bring)}</b></p><ul>{items}</ul>")
        if current.due_on is not None:
            parts.append(_paragraph(fill(_("We will be in touch with you again by {date}."), date=format_date(current.due_on))))
        return "".join(parts)

    return [heading, steps, now]


# --- the consent form --------------------------------------------------------------------------

CONSENT = N_("Your consent")
_SCOPE_TEXT = {
    ConsentScope.STORAGE: (
        N_("Keeping my file"),
        N_("{organisation} may keep a file about me: my contact details, legal status and work permit, languages, "
           "education, qualifications, work experience and goals, and what we do together."),
    ),
    ConsentScope.SHARING: (
        N_("Sharing with services I am referred to"),
        N_("{organisation} may pass what is needed from my file to a service it refers me to, when I have agreed "
           "to the referral."),
    ),
    ConsentScope.STATISTICS: (
        N_("Statistics"),
        N_("{organisation} may count me in its statistics for funders. They hold numbers only, counted so that no "
           "one can be recognised in them."),
    ),
}


def consent_blocks(organisation: str, name: str) -> list[Block]:
    """The consent form: what is kept and why, each part of the consent to tick, the person's
    rights, and lines to sign."""

    def heading(_code: str) -> str:
        return _title(_(CONSENT), name)

    def kept(_code: str) -> str:
        return _paragraph(fill(_("{organisation} helps you find your way into work. To do that, we keep a file "
                                 "about you, encrypted, on our own computer. Only our caseworkers can open it."),
                               organisation=organisation))

    def scopes(_code: str) -> str:
        rows = "".join(
            f"<p>☐ <b>{html.escape(_(title))}</b><br>{html.escape(fill(_(text), organisation=organisation))}</p>"
            for title, text in _SCOPE_TEXT.values()
        )
        tick = _("Tick what you agree to:")
        return f"<p><b>{html.escape(tick)}</b></p>{rows}"

    def rights(_code: str) -> str:
        return _paragraph(_("You may see everything we hold about you, have it corrected, withdraw your consent "
                            "at any time and have your file erased."))

    def sign(_code: str) -> str:
        line = "_" * 28
        date, signature = _("Date"), _("Signature")
        return f"<p><br>{html.escape(date)}: {line}</p><p><br>{html.escape(signature)}: {line}</p>"

    return [heading, kept, scopes, rights, sign]
