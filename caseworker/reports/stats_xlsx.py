"""A statistics report as a workbook for people: a sheet on what the report is and how it was
protected, then one sheet per measure with a block per breakdown. Counts are real numbers a
funder can add up; a hidden count is a word in grey italics, never a number."""

from __future__ import annotations

import re
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import Cell as SheetCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from caseworker.core.i18n import is_right_to_left, speaking
from caseworker.core.stats.model import Report, Table
from caseworker.reports.output import written_whole
from caseworker.reports.spreadsheet import spreadsheet_safe
from caseworker.reports.stats_text import ReportWords, report_words

COUNT_FORMAT = "#,##0"
PERCENT_FORMAT = "0.0%"
TITLE_FONT = Font(bold=True, size=14)
BOLD = Font(bold=True)
MARKER_FONT = Font(italic=True, color="FF808080")
NOTE_FONT = Font(italic=True)
WRAP = Alignment(wrap_text=True, vertical="top")
RIGHT = Alignment(horizontal="right")

# Excel's limits on a sheet's name: at most 31 characters, none of these, not starting or ending
# with an apostrophe, and unique regardless of case.
SHEET_TITLE_LENGTH = 31
_NOT_IN_SHEET_TITLES = re.compile(r"[\[\]:*?/\\]")
ABOUT_WIDTH = 100  # characters: longer lines wrap
LABEL_WIDTH = 60


def sheet_title(label: str, taken: set[str]) -> str:
    """A name Excel accepts for a sheet showing ``label``, not yet in ``taken`` (casefolded),
    which it joins."""
    base = " ".join(_NOT_IN_SHEET_TITLES.sub(" ", label).split()).strip("'").strip()
    if len(base) > SHEET_TITLE_LENGTH:
        # Cut between words where there is a break late enough, and say that it was cut.
        cut = base[: SHEET_TITLE_LENGTH - 1]
        space = cut.rfind(" ")
        base = (cut[:space] if space > SHEET_TITLE_LENGTH // 2 else cut).rstrip("' ") + "…"
    base = base.rstrip("' ") or "-"
    title, number = base, 1
    while title.casefold() in taken:
        number += 1
        suffix = f" ({number})"
        title = base[: SHEET_TITLE_LENGTH - len(suffix)].rstrip("' ") + suffix
    taken.add(title.casefold())
    return title


def write_xlsx(report: Report, out: Path, language: str) -> None:
    with speaking(language):
        workbook = report_workbook(report, report_words(report), is_right_to_left(language))
    with written_whole(out) as partial:
        workbook.save(partial)


def report_workbook(report: Report, words: ReportWords, right_to_left: bool) -> Workbook:
    workbook = Workbook()
    # No author or editor: the file leaves the office. (Left out, the creator would be "openpyxl",
    # and a reader fills that in for a missing one too; an empty one stays empty.)
    workbook.properties.creator = ""
    workbook.properties.lastModifiedBy = None
    taken: set[str] = set()
    about = workbook.active
    assert about is not None
    about.title = sheet_title(words.about, taken)
    _about_sheet(about, report, words)
    for measure in report.measures:
        tables = report.tables_of(measure)
        sheet = workbook.create_sheet(sheet_title(tables[0].measure_label, taken))
        _measure_sheet(sheet, tables, words)
    for sheet in workbook.worksheets:
        sheet.sheet_view.rightToLeft = right_to_left
    return workbook


def _text(sheet: Worksheet, row: int, column: int, text: str, font: Font | None = None) -> SheetCell:
    cell = sheet.cell(row=row, column=column, value=spreadsheet_safe(text))
    if font is not None:
        cell.font = font
    return cell


def _about_sheet(sheet: Worksheet, report: Report, words: ReportWords) -> None:
    lines: list[tuple[str, Font | None]] = [
        (report.title, TITLE_FONT),
        (words.period, None),
        (words.created, None),
        ("", None),
    ]
    lines += [(line, None) for line in words.protection]
    for heading, body in (
        (words.notes_heading, report.notes),
        (words.legal_heading, report.legal_basis),
        (words.method_heading, words.method),
    ):
        if body:
            lines += [("", None), (heading, BOLD), *((line, None) for line in body)]
    for row, (line, font) in enumerate(lines, start=1):
        if line:
            _text(sheet, row, 1, line, font).alignment = WRAP
    sheet.column_dimensions["A"].width = min(ABOUT_WIDTH, max(len(line) for line, _font in lines) + 2)


def _measure_sheet(sheet: Worksheet, tables: tuple[Table, ...], words: ReportWords) -> None:
    _text(sheet, 1, 1, tables[0].measure_label, TITLE_FONT)
    spilling = {1}  # rows whose text may run on across the empty cells beside it
    row = 3
    for table in tables:
        _text(sheet, row, 1, table.breakdown_label, BOLD)
        _text(sheet, row, 2, words.count, BOLD).alignment = RIGHT
        _text(sheet, row, 3, words.percentage, BOLD).alignment = RIGHT
        row += 1
        for cell in table.rows:
            label = _text(sheet, row, 1, cell.label)
            if cell.part_of is not None:
                label.alignment = Alignment(indent=2)  # "of whom …" sits under the row it is part of
            _count(sheet, row, cell.count, words)
            if cell.percent is not None:
                sheet.cell(row=row, column=3, value=cell.percent / 100).number_format = PERCENT_FORMAT
            row += 1
        _text(sheet, row, 1, words.total, BOLD)
        _count(sheet, row, table.total, words).font = BOLD if table.total is not None else MARKER_FONT
        row += 1
        note = words.relation_note(table.relation)
        if note:
            _text(sheet, row, 1, note, NOTE_FONT)
            spilling.add(row)
            row += 1
        row += 1
    _fit_columns(sheet, spilling)


def _count(sheet: Worksheet, row: int, count: int | None, words: ReportWords) -> SheetCell:
    if count is None:
        cell = _text(sheet, row, 2, words.marker, MARKER_FONT)
        cell.alignment = RIGHT
        return cell
    cell = sheet.cell(row=row, column=2, value=count)
    cell.number_format = COUNT_FORMAT
    return cell


def _shown(value: object) -> str:
    """Roughly what a spreadsheet program shows for a value, to size its column."""
    if isinstance(value, float):
        return f"{value:.1%}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _fit_columns(sheet: Worksheet, spilling: set[int]) -> None:
    widths: dict[int, int] = {}
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value is not None and cell.row not in spilling:
                widths[cell.column] = max(widths.get(cell.column, 0), len(_shown(cell.value)))
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(LABEL_WIDTH, width + 3)
