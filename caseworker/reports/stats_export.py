"""A protected statistics report written out: CSV for machines, XLSX and PDF for people.

Only a `Report` comes in, whose hidden counts hold no number, so nothing here can leak one. The
report's own labels arrive translated; what the writers add (headings, the marker of a hidden
count, the method) is said in the language asked for. Every file is written whole or not at all.
"""

from __future__ import annotations

import csv
from enum import StrEnum
from pathlib import Path

from caseworker.core.i18n import _, speaking
from caseworker.core.stats.model import Report
from caseworker.reports.output import written_whole
from caseworker.reports.spreadsheet import spreadsheet_safe
from caseworker.reports.stats_pdf import write_pdf
from caseworker.reports.stats_text import MACHINE_MARKER, year_month
from caseworker.reports.stats_xlsx import write_xlsx

__all__ = ["CSV_HEADER", "ExportFormat", "format_for", "write_csv", "write_pdf", "write_report", "write_xlsx"]


class ExportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    PDF = "pdf"


def format_for(path: Path) -> ExportFormat | None:
    """The format a file name asks for by its suffix, if it is one we write."""
    try:
        return ExportFormat(path.suffix.lower().removeprefix("."))
    except ValueError:
        return None


def write_report(report: Report, out: Path, fmt: ExportFormat, language: str) -> None:
    """Write ``report`` to ``out``; a PDF needs a QGuiApplication (reports.qt.document_application)."""
    writers = {ExportFormat.CSV: write_csv, ExportFormat.XLSX: write_xlsx, ExportFormat.PDF: write_pdf}
    writers[fmt](report, out, language)


CSV_HEADER = (
    "report", "period_start", "period_end", "table", "measure", "breakdown", "group",
    "count", "percent", "measure_label", "breakdown_label", "group_label",
)  # fmt: skip
TOTAL_GROUP = "total"


def csv_rows(report: Report, language: str) -> list[tuple[object, ...]]:
    """One row per published cell and one per table total: tidy data, the header first."""
    with speaking(language):
        total_label = _("Total")
    start, end = year_month(report.period.start), year_month(report.period.end)
    rows: list[tuple[object, ...]] = [CSV_HEADER]
    for table in report.tables:
        head = (report.kind.value, start, end, table.id, table.measure, table.breakdown)
        for cell in table.rows:
            count = MACHINE_MARKER if cell.count is None else cell.count
            percent = "" if cell.percent is None else cell.percent
            rows.append((*head, cell.key, count, percent, table.measure_label, table.breakdown_label, cell.label))
        total = MACHINE_MARKER if table.total is None else table.total
        rows.append((*head, TOTAL_GROUP, total, "", table.measure_label, table.breakdown_label, total_label))
    # Every text field, not just the labels: a key or an id is text a spreadsheet would run too.
    return [tuple(spreadsheet_safe(v) if isinstance(v, str) else v for v in row) for row in rows]


def write_csv(report: Report, out: Path, language: str) -> None:
    """UTF-8 with a byte-order mark, without which spreadsheet programs garble Arabic."""
    rows = csv_rows(report, language)
    with written_whole(out) as partial, partial.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
