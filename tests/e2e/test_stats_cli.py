"""`caseworker stats export`, run as the real installed command over demo data."""

from __future__ import annotations

import csv
import subprocess
from pathlib import Path

import openpyxl
import pytest

from tests.e2e.conftest import clean_env, run

DEMO = clean_env(CASEWORKER_PASSWORD="demo")


def export(demo_dir: Path, out: Path, *args: str, env: dict[str, str] = DEMO):  # type: ignore[no-untyped-def]
    return run("stats", "export", "--out", str(out), "--data-dir", str(demo_dir), "--user", "demo", *args, env=env)


def test_a_quarter_as_tidy_csv_with_nothing_small_in_it(demo_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "services.csv"
    done = export(demo_dir, out, "--from", "2025-01", "--to", "2026-12-31", "--min-cell", "5")
    assert done.code == 0, done.err
    assert f"written to {out}" in done.out
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["report"] for row in rows} == {"services"}
    assert {(row["period_start"], row["period_end"]) for row in rows} == {("2025-01", "2026-12")}
    counts = [row["count"] for row in rows]
    assert "suppressed" in counts or all(c.isdigit() for c in counts)
    assert not [c for c in counts if c.isdigit() and 0 < int(c) < 5]
    assert any(c.isdigit() and int(c) >= 5 for c in counts)


@pytest.mark.parametrize("report", ["amif", "esf"])
def test_funder_reports_as_spreadsheets_in_arabic(demo_dir: Path, tmp_path: Path, report: str) -> None:
    out = tmp_path / f"{report}.xlsx"
    done = export(demo_dir, out, "--report", report, "--period", "2026", "--lang", "ar")
    assert done.code == 0, done.err
    workbook = openpyxl.load_workbook(out)
    assert len(workbook.sheetnames) >= 2
    assert workbook.worksheets[0].sheet_view.rightToLeft
    assert not workbook.properties.creator


def test_a_funder_report_as_pdf(demo_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "amif.pdf"
    done = export(demo_dir, out, "--report", "amif", "--period", "2026")
    assert done.code == 0, done.err
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "2021/1147" in text


@pytest.mark.parametrize(
    "args, message",
    [
        (("--period", "2026-Q5"), "2026-Q5 is not a period a report can cover."),
        (("--from", "2026-07-02", "--to", "2026-09"), "2026-07-02 is not a period a report can cover."),
        (("--from", "2026-09", "--to", "2026-07"), "The period ends before it starts."),
        (("--min-cell", "3"), "The smallest count shown must be at least 5"),
        (("--format", "odt"), "invalid choice"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(
    demo_dir: Path, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    out = tmp_path / "report.csv"
    refused = export(demo_dir, out, *args)
    assert refused.code == 2
    assert message in refused.err
    assert "Traceback" not in refused.err
    assert list(tmp_path.iterdir()) == []


def test_a_file_name_without_a_format_is_refused(demo_dir: Path, tmp_path: Path) -> None:
    refused = export(demo_dir, tmp_path / "report")
    assert refused.code == 2 and "--format" in refused.err



def test_a_folder_that_does_not_exist_is_named_and_nothing_is_made(demo_dir: Path, tmp_path: Path) -> None:
    missing = tmp_path / "USB stick"
    refused = export(demo_dir, missing / "amif.xlsx", "--report", "amif", "--period", "2026")
    assert refused.code == 2
    assert refused.err.strip().startswith(f"Caseworker cannot write to the folder {missing}: it does not exist")
    assert not missing.exists()
