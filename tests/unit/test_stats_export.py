"""A protected statistics report written as CSV (for machines), XLSX and PDF (for people): each
file opened again and read the way its reader would; written whole or not at all; no formula,
no author, no hidden count anywhere in it.

Reports are made here by hand (RawReport, then `protect`), independent of the SQL that computes
them in the app."""

from __future__ import annotations

import csv
import datetime as dt
import errno
import os
import re
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from caseworker.core.errors import DiskFull, ReadOnlyDataDir
from caseworker.core.i18n import load_catalog
from caseworker.core.stats.model import Period, RawReport, RawRow, RawTable, Relation, Report, ReportKind
from caseworker.core.stats.suppression import protect
from caseworker.reports import stats_export, stats_pdf
from caseworker.reports.spreadsheet import spreadsheet_safe
from caseworker.reports.stats_export import CSV_HEADER, ExportFormat, format_for, write_report
from caseworker.reports.stats_pdf import Block, plan_pages
from caseworker.reports.stats_xlsx import sheet_title

ROOT = Path(__file__).resolve().parents[2]
PERIOD = Period(dt.date(2026, 7, 1), dt.date(2026, 9, 30), "2026 Q3")
CREATED = dt.date(2026, 10, 2)
INJECTION = '=HYPERLINK("https://example.org/x","Civic orientation")'
LEGAL_BASIS = "Regulation (EU) 2021/1147, Article 44 and Annex VIII"

ENGLISH = {
    "title": "AMIF integration report",
    "people": "People served",
    "gender": "Gender",
    "women": "Women",
    "men": "Men",
    "non_binary": "Non-binary",
    "age": "Age band",
    "under_18": "Under 18",
    "courses": "Participants in support activities",
    "activity": "Activity",
    "language": "Language course",
    "guidance": "Individual professional guidance",
    "note": "Counts people who agreed to statistics.",
}
ARABIC = {
    "title": "تقرير الاندماج",
    "people": "الأشخاص الذين تلقوا الخدمة",
    "gender": "الجنس",
    "women": "نساء",
    "men": "رجال",
    "non_binary": "غير ثنائي الجنس",
    "age": "الفئة العمرية",
    "under_18": "أقل من 18",
    "courses": "المشاركون في أنشطة الدعم",
    "activity": "النشاط",
    "language": "دورة لغة",
    "guidance": "إرشاد مهني فردي",
    "note": "يحصي الأشخاص الذين وافقوا على الإحصاءات.",
}


def amif_report(words: dict[str, str] = ENGLISH, extra: tuple[RawTable, ...] = ()) -> Report:
    """57 people. Gender: 2 non-binary (hidden), so men are hidden too. Age: nothing small, a zero
    shown. Activities overlap: guidance (35 of 40) would show that 5 had none, so it is hidden."""
    raw = RawReport(
        kind=ReportKind.AMIF,
        title=words["title"],
        period=PERIOD,
        tables=(
            RawTable("people_gender", "people", words["people"], "gender", words["gender"], Relation.PARTITION, 57, (
                RawRow("women", words["women"], 31),
                RawRow("men", words["men"], 24),
                RawRow("non_binary", words["non_binary"], 2),
            )),
            RawTable("people_age", "people", words["people"], "age", words["age"], Relation.PARTITION, 57, (
                RawRow("under_18", words["under_18"], 0),
                RawRow("18_29", "18–29", 20),
                RawRow("30_54", "30–54", 25),
                RawRow("55_plus", "55+", 12),
            )),
            RawTable("activities", "activities", words["courses"], "activity", words["activity"], Relation.SUBSETS, 40, (
                RawRow("language", words["language"], 22),
                RawRow("civic", INJECTION, 14),
                RawRow("guidance", words["guidance"], 35),
            )),
            *extra,
        ),
        notes=(words["note"],),
        legal_basis=(LEGAL_BASIS,),
    )  # fmt: skip
    return protect(raw, 10, created_on=CREATED)


def test_the_report_made_here_is_the_one_the_tests_expect() -> None:
    report = amif_report()
    gender = report.tables[0]
    assert [cell.count for cell in gender.rows] == [31, None, None] and gender.total == 57
    assert report.tables[2].cell("guidance").count is None
    assert (report.suppressed_primary, report.suppressed_secondary) == (1, 2)


# --- formats -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("q3.csv", ExportFormat.CSV),
        ("Q3.XLSX", ExportFormat.XLSX),
        ("q3.pdf", ExportFormat.PDF),
        ("q3.docx", None),
        ("q3", None),
    ],
)
def test_the_format_follows_the_file_name(name: str, expected: ExportFormat | None) -> None:
    assert format_for(Path(name)) == expected


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+49 30 1234", "'+49 30 1234"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Women", "Women"),
        ("18–29", "18–29"),
        ("", ""),
    ],
)
def test_text_a_spreadsheet_would_run_is_made_plain(text: str, safe: str) -> None:
    assert spreadsheet_safe(text) == safe


# --- CSV -----------------------------------------------------------------------------------------


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_csv_is_tidy_one_row_per_cell_with_the_marker_for_hidden_counts(tmp_path: Path) -> None:
    out = tmp_path / "amif.csv"
    write_report(amif_report(), out, ExportFormat.CSV, "en")
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # spreadsheet programs need it to read Arabic
    assert data[3:].split(b"\r\n")[0].decode() == ",".join(CSV_HEADER)
    rows = _csv(out)
    assert len(rows) == 3 + 1 + 4 + 1 + 3 + 1
    by_group = {(row["table"], row["group"]): row for row in rows}
    women = by_group["people_gender", "women"]
    assert women == {
        "report": "amif", "period_start": "2026-07", "period_end": "2026-09", "table": "people_gender",
        "measure": "people", "breakdown": "gender", "group": "women", "count": "31", "percent": "54.4",
        "measure_label": "People served", "breakdown_label": "Gender", "group_label": "Women",
    }  # fmt: skip
    for hidden in ("men", "non_binary"):
        assert (by_group["people_gender", hidden]["count"], by_group["people_gender", hidden]["percent"]) == (
            "suppressed",
            "",
        )
    total = by_group["people_gender", "total"]
    assert (total["count"], total["percent"], total["group_label"]) == ("57", "", "Total")
    assert by_group["people_age", "under_18"]["count"] == "0"
    assert by_group["activities", "guidance"]["count"] == "suppressed"
    # Whole months only: no exact date anywhere.
    assert not re.search(rb"\d{4}-\d{2}-\d{2}", data)


def test_csv_neutralises_a_label_a_spreadsheet_would_run(tmp_path: Path) -> None:
    out = tmp_path / "amif.csv"
    write_report(amif_report(), out, ExportFormat.CSV, "en")
    civic = next(row for row in _csv(out) if row["group"] == "civic")
    assert civic["group_label"] == "'" + INJECTION
    assert civic["count"] == "14"


def test_csv_in_arabic_keeps_the_machine_marker_and_the_arabic_labels(tmp_path: Path) -> None:
    out = tmp_path / "amif.csv"
    write_report(amif_report(ARABIC), out, ExportFormat.CSV, "ar")
    rows = {row["group"]: row for row in _csv(out) if row["table"] == "people_gender"}
    assert rows["men"]["count"] == "suppressed"
    assert rows["women"]["group_label"] == "نساء"
    assert rows["total"]["group_label"] == load_catalog("ar").gettext("Total")


# --- XLSX ----------------------------------------------------------------------------------------


def _sheet_rows(sheet) -> dict[str, tuple]:  # type: ignore[no-untyped-def, type-arg]
    """Each row by the text in its first column (the last such row wins)."""
    return {row[0].value: row for row in sheet.iter_rows() if isinstance(row[0].value, str)}


def test_xlsx_has_a_sheet_on_method_then_one_per_measure_laid_out_for_people(tmp_path: Path) -> None:
    out = tmp_path / "amif.xlsx"
    write_report(amif_report(), out, ExportFormat.XLSX, "en")
    workbook = load_workbook(out)
    assert workbook.sheetnames == ["About this report", "People served", "Participants in support…"]

    about = "\n".join(
        str(cell.value) for row in workbook["About this report"].iter_rows() for cell in row if cell.value
    )
    for expected in (
        "AMIF integration report", "Period: 2026 Q3", "Created on Oct 2, 2026", "Counts from 1 to 9 are not shown",
        "3 counts in this report are hidden.", ENGLISH["note"], LEGAL_BASIS,
        "“suppressed”",
    ):  # fmt: skip
        assert expected in about
    # Which hidden counts are the small ones is not said: one number for all of them.
    assert "below 10" not in about

    people = workbook["People served"]
    assert people["A1"].value == "People served" and people["A1"].font.b
    rows = _sheet_rows(people)
    assert rows["Gender"][0].font.b and rows["Gender"][1].value == "Count"
    women = rows["Women"]
    assert women[1].value == 31 and women[1].data_type == "n" and women[1].number_format == "#,##0"
    assert women[2].value == pytest.approx(0.544) and women[2].number_format == "0.0%"
    men = rows["Men"]
    assert men[1].value == "suppressed" and men[1].font.i and men[1].font.color.rgb == "FF808080"
    assert men[2].value is None
    assert rows["Total"][1].value == 57 and rows["Total"][0].font.b
    assert rows["Under 18"][1].value == 0
    assert people.column_dimensions["A"].width >= len("Non-binary") and people.column_dimensions["C"].width >= len(
        "Percentage"
    )


def test_xlsx_neutralises_labels_and_holds_no_formula(tmp_path: Path) -> None:
    out = tmp_path / "amif.xlsx"
    write_report(amif_report(), out, ExportFormat.XLSX, "en")
    workbook = load_workbook(out)
    activities = workbook.worksheets[2]
    assert _sheet_rows(activities)["'" + INJECTION][1].value == 14
    assert all(cell.data_type != "f" for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row)
    assert _sheet_rows(activities)["Individual professional guidance"][1].value == "suppressed"
    # Each label column is as wide as its longest label.
    assert activities.column_dimensions["A"].width >= len(INJECTION)


def test_xlsx_names_no_author(tmp_path: Path) -> None:
    out = tmp_path / "amif.xlsx"
    write_report(amif_report(), out, ExportFormat.XLSX, "en")
    workbook = load_workbook(out)
    assert not workbook.properties.creator and not workbook.properties.lastModifiedBy
    core = zipfile.ZipFile(out).read("docProps/core.xml").decode()
    assert "openpyxl" not in core and "lastModifiedBy" not in core


def test_xlsx_in_arabic_reads_right_to_left(tmp_path: Path) -> None:
    out = tmp_path / "amif.xlsx"
    write_report(amif_report(ARABIC), out, ExportFormat.XLSX, "ar")
    workbook = load_workbook(out)
    arabic = load_catalog("ar")
    assert workbook.sheetnames[0] == arabic.gettext("About this report")[:31]
    assert workbook.sheetnames[1] == ARABIC["people"]
    assert all(sheet.sheet_view.rightToLeft for sheet in workbook.worksheets)
    rows = _sheet_rows(workbook.worksheets[1])
    assert rows["رجال"][1].value == arabic.pgettext("statistics", "suppressed")
    english = tmp_path / "en.xlsx"
    write_report(amif_report(), english, ExportFormat.XLSX, "en")
    assert not any(sheet.sheet_view.rightToLeft for sheet in load_workbook(english).worksheets)


def test_sheet_titles_are_ones_excel_accepts_and_unique() -> None:
    taken: set[str] = set()
    long_label = "Participants [AMIF]: language/civic courses? *all* \\ of them"
    first = sheet_title(long_label, taken)
    second = sheet_title(long_label, taken)
    third = sheet_title(long_label.upper(), taken)
    for title in (first, second, third):
        assert len(title) <= 31 and not set(title) & set("[]:*?/\\") and title.strip("'") == title
    assert len({first.casefold(), second.casefold(), third.casefold()}) == 3
    assert first == "Participants AMIF language…"  # cut between words, and marked
    assert sheet_title("'quoted'", taken) == "quoted"
    assert sheet_title("???", taken) == "-"


# --- PDF -----------------------------------------------------------------------------------------


def _pdf_text(path: Path) -> str:
    result = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    # Arabic comes out in its presentation forms; NFKC gives back the letters.
    return unicodedata.normalize("NFKC", result.stdout)


def _pdf_info(path: Path) -> dict[str, str]:
    result = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return {
        key.strip(): value.strip() for key, _sep, value in (line.partition(":") for line in result.stdout.splitlines())
    }


def test_pdf_has_the_title_page_the_counts_and_the_marker(qapp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "amif.pdf"
    write_report(amif_report(), out, ExportFormat.PDF, "en")
    text = _pdf_text(out)
    for expected in (
        "AMIF integration report",
        "Period: 2026 Q3",
        "Counts from 1 to 9 are not shown",
        LEGAL_BASIS,
        ENGLISH["note"],
        "People served",
        "Women",
        "54.4%",
        "suppressed",
        "Total",
    ):
        assert expected in text
    assert re.search(r"Women\s+31\s", text)
    info = _pdf_info(out)
    pages = int(info["Pages"])
    assert pages >= 2  # the title page, then the tables
    assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text
    assert info["Creator"] == "Caseworker" and info.get("Author", "") == ""
    assert not list(tmp_path.glob("*.partial"))


def test_pdf_in_arabic_shapes_the_labels_and_embeds_its_fonts(qapp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "amif.pdf"
    write_report(amif_report(ARABIC), out, ExportFormat.PDF, "ar")
    text = _pdf_text(out)
    assert ARABIC["title"] in text and ARABIC["women"] in text and ARABIC["people"] in text
    assert "31" in text
    assert load_catalog("ar").pgettext("statistics", "suppressed") in text
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts)  # the "emb" column
    assert int(_pdf_info(out)["Pages"]) > 0


def test_a_table_longer_than_a_page_goes_on_over_pages_without_losing_a_row(qapp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    months = RawTable("people_month", "people", "People served", "month", "Month", Relation.COVERS, 57,
                      tuple(RawRow(f"m{i}", f"Month number {i}", 10 + i) for i in range(90)))  # fmt: skip
    out = tmp_path / "long.pdf"
    write_report(amif_report(extra=(months,)), out, ExportFormat.PDF, "en")
    text = _pdf_text(out)
    assert int(_pdf_info(out)["Pages"]) >= 4
    for i in range(90):
        # In the table and in the chart.
        assert len(re.findall(rf"Month number {i}\b", text)) == 2, i


def _block(height: float, keep_with_next: bool = False, page_break_after: bool = False) -> Block:
    return Block(height, lambda _painter, _top: None, keep_with_next, page_break_after)


def test_pages_keep_a_heading_table_and_chart_together_where_they_fit() -> None:
    intro, heading, table, chart = (
        _block(30),
        _block(10, keep_with_next=True),
        _block(40, keep_with_next=True),
        _block(30),
    )
    pages = plan_pages([intro, heading, table, chart], page_height=100)
    # 30 + 10 + 40 + 30 is over 100: the heading goes with its table and chart to the next page.
    assert pages == [[(intro, 0.0)], [(heading, 0.0), (table, 10.0), (chart, 50.0)]]


def test_blocks_kept_together_that_fill_more_than_a_page_are_split_between_blocks() -> None:
    intro, heading, table, chart = (
        _block(10),
        _block(30, keep_with_next=True),
        _block(40, keep_with_next=True),
        _block(50),
    )
    pages = plan_pages([intro, heading, table, chart], page_height=100)
    assert pages == [[(intro, 0.0), (heading, 10.0), (table, 40.0)], [(chart, 0.0)]]


def test_a_heading_is_not_left_alone_at_the_foot_of_a_page() -> None:
    intro, heading, table, chart = (
        _block(60),
        _block(10, keep_with_next=True),
        _block(50, keep_with_next=True),
        _block(50),
    )
    pages = plan_pages([intro, heading, table, chart], page_height=100)
    assert pages == [[(intro, 0.0)], [(heading, 0.0), (table, 10.0)], [(chart, 0.0)]]


def test_the_title_page_ends_its_page() -> None:
    title, heading = _block(20, page_break_after=True), _block(10)
    assert plan_pages([title, heading], page_height=100) == [[(title, 0.0)], [(heading, 0.0)]]


# --- whole or nothing ----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", list(ExportFormat))
def test_a_folder_that_cannot_be_written_to_is_named_and_left_empty(
    qapp,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fmt: ExportFormat,  # type: ignore[no-untyped-def]
) -> None:
    from caseworker.reports import output

    # As root every folder is writable, so the operating system's answer is given here.
    monkeypatch.setattr(output.os, "access", lambda path, mode: Path(path) != tmp_path)
    with pytest.raises(ReadOnlyDataDir) as raised:
        write_report(amif_report(), tmp_path / f"amif.{fmt}", fmt, "en")
    assert str(tmp_path) in raised.value.message
    assert list(tmp_path.iterdir()) == []


def _fail_halfway(handle_or_path: object) -> None:
    if isinstance(handle_or_path, str | Path):
        Path(handle_or_path).write_bytes(b"half")
    else:
        handle_or_path.write("half")  # type: ignore[attr-defined]
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_full_disk_while_writing_csv_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class FullDisk:
        def __init__(self, handle: object) -> None:
            self.handle = handle

        def writerows(self, rows: object) -> None:
            _fail_halfway(self.handle)

    monkeypatch.setattr(stats_export.csv, "writer", FullDisk)
    with pytest.raises(DiskFull):
        write_report(amif_report(), tmp_path / "amif.csv", ExportFormat.CSV, "en")
    assert list(tmp_path.iterdir()) == []


def test_a_full_disk_while_writing_xlsx_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from openpyxl.workbook.workbook import Workbook

    monkeypatch.setattr(Workbook, "save", lambda self, path: _fail_halfway(path))
    with pytest.raises(DiskFull):
        write_report(amif_report(), tmp_path / "amif.xlsx", ExportFormat.XLSX, "en")
    assert list(tmp_path.iterdir()) == []


def test_a_pdf_that_fails_while_drawing_leaves_no_file(qapp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    def broken(*args: object) -> None:
        raise RuntimeError("drawing failed")

    monkeypatch.setattr(stats_pdf, "plan_pages", broken)
    with pytest.raises(RuntimeError):
        write_report(amif_report(), tmp_path / "amif.pdf", ExportFormat.PDF, "en")
    assert list(tmp_path.iterdir()) == []


# --- Qt without a window -------------------------------------------------------------------------


def test_the_running_application_is_used_and_gets_the_fonts_once(qapp, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from caseworker.reports import qt

    registered: list[bool] = []
    monkeypatch.setattr(qt, "register_bundled_fonts", lambda: registered.append(True))
    monkeypatch.setattr(qt, "_FONTS_REGISTERED", "caseworkerBundledFontsInThisTest")
    assert qt.document_application() is qapp
    assert qt.document_application() is qapp
    assert registered == [True]


COMMAND_LINE = r"""
import os, sys
from pathlib import Path
from tests.unit.test_stats_export import amif_report
from caseworker.reports.qt import document_application
from caseworker.reports.stats_export import ExportFormat, write_report

app = document_application()
write_report(amif_report(), Path(sys.argv[1]), ExportFormat.PDF, "en")
print(app.platformName(), os.environ["QT_QPA_PLATFORM"], any(m.startswith("PySide6.QtWidgets") for m in sys.modules))
"""


def test_the_command_line_draws_a_pdf_offscreen_without_widgets(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key != "QT_QPA_PLATFORM"}
    result = subprocess.run(
        [sys.executable, "-c", COMMAND_LINE, str(tmp_path / "cli.pdf")],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["offscreen", "offscreen", "False"]
    assert "Women" in _pdf_text(tmp_path / "cli.pdf")
