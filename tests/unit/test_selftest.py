"""`caseworker --self-test`, run in this process (and once in a process of its own): it passes in a
working installation, leaves nothing behind, and names the check that fails when a part is broken."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from caseworker import selftest
from caseworker.cli import main
from caseworker.core.resources import translations_dir


@pytest.fixture(autouse=True)
def _widgets_application(qapp: object) -> None:
    """The self-test makes a QGuiApplication when none is running; in this test process the
    widget tests that follow need a QApplication, so pytest-qt's comes first and is reused."""


def _self_test(*extra: str) -> tuple[int, list[str]]:
    out = io.StringIO()
    code = main(["--self-test", *extra], stdout=out)
    return code, out.getvalue().splitlines()


def test_every_check_passes_in_a_temporary_folder_that_is_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    mine = tmp_path / "my data"

    code, lines = _self_test("--data-dir", str(mine))

    assert code == 0, lines
    assert lines[: len(selftest.CHECKS)] == [f"ok: {name}" for name, _check in selftest.CHECKS]
    assert lines[-1] == f"All {len(selftest.CHECKS)} checks passed."
    assert list(temporary.iterdir()) == []
    assert not mine.exists()  # the person's data folder is never the one tested


def test_a_missing_catalog_fails_its_check_and_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = tmp_path / "translations"
    shutil.copytree(translations_dir(), shipped, ignore=shutil.ignore_patterns("*.po", "*.pot"))
    (shipped / "ti" / "LC_MESSAGES" / "caseworker.mo").unlink()
    monkeypatch.setattr(selftest, "translations_dir", lambda: shipped)

    code, lines = _self_test()

    assert code == 1
    assert "FAILED: the catalogs of every language: no compiled catalog for ti" in lines
    assert "ok: a PDF of the report" in lines  # one broken part fails one check
    assert lines[-1] == f"1 check of {len(selftest.CHECKS)} failed."


def test_a_pdf_that_is_no_pdf_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_pdf(report: object, out: Path, language: str) -> None:
        out.write_bytes(b"<html>not a pdf</html>" * 100)

    monkeypatch.setattr("caseworker.reports.stats_export.write_pdf", broken_pdf)

    code, lines = _self_test()

    assert code == 1
    assert "FAILED: a PDF of the report: the file does not begin like a PDF" in lines


def test_a_failure_is_one_line_and_the_checks_needing_it_say_they_did_not_run(monkeypatch: pytest.MonkeyPatch) -> None:
    def failing_demo(*args: object, **kwargs: object) -> None:
        raise OSError("no space left\non the device")

    monkeypatch.setattr("caseworker.core.services.demo.create_demo", failing_demo)

    code, lines = _self_test()

    assert code == 1
    assert "FAILED: demo data with synthetic cases: OSError: no space left on the device" in lines
    assert "FAILED: signing in: not run: an earlier check it needs failed" in lines
    assert "FAILED: a CV as DOCX: not run: an earlier check it needs failed" in lines
    assert "ok: the bundled fonts" in lines
    assert not any("Traceback" in line for line in lines)


def test_a_package_walk_that_finds_nothing_does_not_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    # As in a frozen build whose importer cannot list its modules: nothing imported is no pass.
    monkeypatch.setattr(selftest.pkgutil, "walk_packages", lambda *args, **kwargs: iter(()))

    code, lines = _self_test()

    assert code == 1
    failed = "FAILED: every module imports: these modules are missing: caseworker.app, "
    assert any(line.startswith(failed) for line in lines)


def test_a_missing_qt_platform_plugin_is_a_failed_check_not_an_abort(tmp_path: Path) -> None:
    # Qt ends a process that asks for a platform it has no plugin for, so this needs a process
    # of its own, one that has no Qt application yet.
    environment = {**os.environ, "QT_QPA_PLATFORM": "nowhere", "HOME": str(tmp_path)}
    run = subprocess.run(
        [sys.executable, "-m", "caseworker", "--self-test"],
        env=environment, capture_output=True, text=True, timeout=120, check=False,
    )

    assert run.returncode == 1, run.stderr
    lines = run.stdout.splitlines()
    assert any(line.startswith("FAILED: Qt's platform plugin: no plugin named nowhere in ") for line in lines)
    assert "FAILED: a PDF of the report: not run: an earlier check it needs failed" in lines
    assert "ok: an XLSX of the report" in lines
