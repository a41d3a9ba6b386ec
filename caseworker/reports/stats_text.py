"""What an exported statistics report says about itself, besides its own (already translated)
labels: the marker of a hidden count, headings, and how small counts were protected. Shared by
the spreadsheet and the PDF, so both say the same in the reader's language."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass

from caseworker.core.i18n import N_, _, current_locale, fill, format_date, ngettext, pgettext
from caseworker.core.stats.model import Relation, Report

#: The marker of a hidden count in the CSV file: one English word in every language, so that a
#: program reading exports from several offices finds it.
MACHINE_MARKER = "suppressed"

_RELATION_NOTES = {
    Relation.PARTITION: "",
    Relation.COVERS: N_(
        "One person can be counted in more than one row, so the rows can add up to more than the total."
    ),
    Relation.SUBSETS: N_("Each row is a part of the total; the rows need not add up to it."),
}


@dataclass(frozen=True, slots=True)
class ReportWords:
    """The words of one export, translated when it is written."""

    marker: str  # a hidden count, where a person reads it
    total: str
    count: str
    percentage: str
    about: str  # the sheet or section on method
    period: str
    created: str
    protection: tuple[str, ...]  # K, and how many counts were hidden
    notes_heading: str
    legal_heading: str
    method_heading: str
    method: tuple[str, ...]

    def relation_note(self, relation: Relation) -> str:
        template = _RELATION_NOTES[relation]
        return _(template) if template else ""


def report_words(report: Report) -> ReportWords:
    """The words in the active language (call inside ``speaking(language)``)."""
    k = report.min_cell
    # TRANSLATORS: shown in a statistics table instead of a count that is hidden to protect people
    marker = pgettext("statistics", "suppressed")
    hidden = report.suppressed_primary + report.suppressed_secondary
    protection = [
        fill(_("Counts from 1 to {largest} are not shown: so small a group could identify someone."), largest=k - 1),
        # One number for both kinds: which hidden counts are the small ones is itself worth hiding.
        fill(
            ngettext("{count} count in this report is hidden.", "{count} counts in this report are hidden.", hidden),
            count=hidden,
        ),
    ]
    method = (
        fill(
            _(
                "A count shown as “{marker}” is hidden. Every count from 1 to {largest} is hidden, and so are some "
                "larger counts and zeros next to them, chosen so that no hidden count can be worked out from the "
                "totals and the other counts of this report: each could be any number over a range at least {k} wide."
            ),
            marker=marker,
            largest=k - 1,
            k=k,
        ),
        fill(_("Percentages are of the table's total, and are given only where that total is at least {k}."), k=k),
        _("The report holds counts only: no names, dates of birth, case numbers, free text or exact dates."),
        fill(
            _(
                "In the CSV file of this report, a hidden count is marked with the English word “{word}” in every "
                "language, so that programs can read it."
            ),
            word=MACHINE_MARKER,
        ),
    )
    return ReportWords(
        marker=marker,
        total=_("Total"),
        count=_("Count"),
        percentage=_("Percentage"),
        about=_("About this report"),
        period=fill(_("Period: {period}"), period=report.period.label),
        created=fill(_("Created on {date}"), date=format_date(report.created_on)),
        protection=tuple(protection),
        notes_heading=_("Notes"),
        legal_heading=_("Legal basis"),
        method_heading=_("How small counts are protected"),
        method=method,
    )


def percent_text(percent: float) -> str:
    """'12.5%', '12,5 %': the language's own percent pattern, always with one decimal."""
    locale = current_locale()
    pattern = copy.copy(locale.percent_formats[None])  # the locale's own pattern is shared: not changed
    pattern.frac_prec = (1, 1)
    return pattern.apply(percent / 100, locale)


def year_month(day: dt.date) -> str:
    """A period's month for machines: whole months only, never the day."""
    return f"{day.year:04d}-{day.month:02d}"
