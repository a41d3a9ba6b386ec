"""The benchmark suite of issue 9: every cost a caseworker waits for, at 1,000, 10,000 and
100,000 cases, each beside its floor; written to bench-results.json and printed as a table.

Not part of the normal run (tests/benchmarks is outside testpaths); `make bench` runs it with
the other benchmarks, or alone:
    QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest tests/benchmarks/test_suite_bench.py -q -s

What is measured, always through the app's own code (the real windows and services):
  startup_login_window     `python -m caseworker --data-dir D` (its bytecode compiled first, as an
                           installation has it) started until it logs "window shown:
                           loginDialog" (CASEWORKER_LOG_LEVEL=INFO, as tests/e2e do); floor: a bare
                           PySide6 QWidget script, started and shown the same way (bare_window.py).
                           Started in turn, RUNS_STARTUP times each; "cold" is a new process, the
                           operating system's file cache stays warm.
  caselist_shown_*, filter_keystroke_* (p95 of every keystroke), open_case_*, gui_max_block_*,
  peak_rss_*               gui_probe.py: one process per sign-in, GUI_RUNS of them per size.
  directory_search_p95_*   search() for the 200 typed queries of test_directory_search_bench.py,
                           best of three each; floor: the FTS5 statements alone that search() runs.
  stats_export_*           the service statistics over the whole history, made and written as XLSX
                           (as test_stats_bench.py); floor: one GROUP BY pass over events and people.
  backup_*                 create_backup(); floor: SQLite's (SQLCipher's) backup API copying the same
                           cases.db and directory.db, nothing else.
Medians and p95 over the repeated runs; with three to five runs the p95 is close to the slowest.
Nothing about time is asserted: the test fails only if a part could not be measured.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import selectors
import signal
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlcipher3

from caseworker.core import db
from caseworker.core.directory import search as directory_search
from caseworker.core.keys import RFC9106_LOW_MEMORY
from caseworker.core.paths import DataDir
from caseworker.core.services import accounts
from caseworker.core.services.backup import create_backup
from caseworker.core.services.stats import make_report
from caseworker.core.stats import periods
from caseworker.core.stats.model import ReportKind
from caseworker.reports.stats_export import ExportFormat, write_report
from tests.benchmarks import test_directory_search_bench as search_bench
from tests.benchmarks.suite_data import demo_data_dir, directory_db
from tests.benchmarks.suite_report import DIRECTORY_SIZES, SIZES, Metric, Results, p95

REPOSITORY = Path(__file__).resolve().parents[2]
RESULTS_FILE = REPOSITORY / "bench-results.json"
RUNS_STARTUP = 7
GUI_RUNS = {1_000: 5, 10_000: 5, 100_000: 3}
RUNS = 3
START_LIMIT_S = 60


def _seconds(action: Callable[[], object]) -> float:
    began = time.perf_counter()
    action()
    return time.perf_counter() - began


def _environment() -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", "CASEWORKER_LOG_LEVEL": "INFO", "PYTHONPATH": str(REPOSITORY)}


# --- start-up ------------------------------------------------------------------------------------


def _until_shown(arguments: list[str]) -> float:
    """Milliseconds from starting the process to its "window shown:" line; then it is stopped."""
    began = time.perf_counter()
    process = subprocess.Popen(arguments, env=_environment(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, bufsize=0)
    assert process.stderr is not None
    # Raw reads: a buffered readline() can hold the line already read while select() waits on.
    said = process.stderr.fileno()
    selector = selectors.DefaultSelector()
    selector.register(said, selectors.EVENT_READ)
    seen = b""
    try:
        deadline = time.monotonic() + START_LIMIT_S
        while time.monotonic() < deadline and selector.select(timeout=deadline - time.monotonic()):
            chunk = os.read(said, 65536)
            if not chunk:
                break
            seen += chunk
            if b"window shown:" in seen:
                return (time.perf_counter() - began) * 1000
        raise AssertionError(f"no window shown by {arguments}; it said: {seen.decode(errors='replace')}")
    finally:
        # SIGTERM closes the app as a log-out would, so it lets go of the data folder's lock.
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        selector.close()
        process.stderr.close()


def _compile_as_installed() -> None:
    """Start-up is measured as installed: pip and the PyInstaller build carry compiled bytecode
    (the bare window's PySide6 has its own). A source tree may have none, or stale copies, and an
    environment with PYTHONDONTWRITEBYTECODE never writes them: each start would then compile
    every changed module again and be timed doing so."""
    import compileall

    assert compileall.compile_dir(REPOSITORY / "caseworker", quiet=1), "the sources do not compile"


def _measure_startup(results: Results) -> None:
    _compile_as_installed()
    data_dir = demo_data_dir(1_000)
    app = [sys.executable, "-m", "caseworker", "--data-dir", str(data_dir.root)]
    bare = [sys.executable, str(Path(__file__).with_name("bare_window.py"))]
    app_ms, bare_ms = [], []
    for _ in range(RUNS_STARTUP):
        bare_ms.append(_until_shown(bare))
        app_ms.append(_until_shown(app))
    results.add(
        "startup_login_window",
        Metric(
            statistics.median(app_ms), "ms", "1k", floor=statistics.median(bare_ms), median=statistics.median(app_ms),
            p95=p95(app_ms), runs=RUNS_STARTUP, note=f"floor p95 {p95(bare_ms):.1f} ms",
        ),
    )


# --- the main window ------------------------------------------------------------------------------


def _probe(data_dir: DataDir) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.gui_probe", str(data_dir.root)],
        env=_environment(), cwd=REPOSITORY, capture_output=True, text=True, timeout=900, check=False,
    )
    if done.returncode != 0:
        raise AssertionError(f"gui_probe failed ({done.returncode}): {done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _measure_main_window(results: Results, cases: int) -> None:
    size = SIZES[cases]
    data_dir = demo_data_dir(cases)
    probes = [_probe(data_dir) for _ in range(GUI_RUNS[cases])]
    runs = len(probes)

    def figures(key: str) -> list[float]:
        values: list[float] = []
        for probe in probes:
            value = probe[key]
            values.extend(value if isinstance(value, list) else [value])  # type: ignore[arg-type]
        return values

    shown, keys, opened = figures("caselist_shown_ms"), figures("keystrokes_ms"), figures("open_case_ms")
    blocks, memory = figures("max_block_ms"), figures("peak_rss_mb")
    derivation = statistics.median(figures("key_derivation_ms"))
    results.add(
        f"caselist_shown_{size}",
        Metric(statistics.median(shown), "ms", size, median=statistics.median(shown), p95=p95(shown), runs=runs,
               note=f"key derivation left out: median {derivation:.0f} ms"),
    )
    results.add(
        f"filter_keystroke_{size}",
        Metric(p95(keys), "ms", size, median=statistics.median(keys), p95=p95(keys), runs=len(keys),
               note="p95 per keystroke"),
    )
    results.add(
        f"open_case_{size}",
        Metric(statistics.median(opened), "ms", size, median=statistics.median(opened), p95=p95(opened), runs=len(opened)),
    )
    results.add(
        f"gui_max_block_{size}",
        Metric(max(blocks), "ms", size, median=statistics.median(blocks), p95=p95(blocks), runs=runs,
               note="longest of the runs"),
    )
    results.add(
        f"peak_rss_{size}",
        Metric(max(memory), "MB", size, median=statistics.median(memory), p95=p95(memory), runs=runs,
               note="largest of the runs; includes Argon2's 64 MiB"),
    )


# --- directory search -----------------------------------------------------------------------------


def _measure_directory_search(results: Results, services: int) -> None:
    size = DIRECTORY_SIZES[services]
    engine = search_bench._engine(directory_db(services))
    queries = search_bench._queries(random.Random(search_bench.SEED + 1))
    search_ms, floor_ms = [], []
    try:
        with engine.connect() as connection:
            for typed, filters in queries:

                def search(typed: str = typed, filters: dict[str, object] = filters) -> None:
                    directory_search.search(connection, typed, limit=search_bench.LIMIT, **filters)  # type: ignore[arg-type]

                def floor(typed: str = typed) -> None:
                    search_bench._floor(connection, typed)

                search_ms.append(search_bench._best_of_three(search))
                floor_ms.append(search_bench._best_of_three(floor))
    finally:
        engine.dispose()
    results.add(
        f"directory_search_p95_{size}",
        Metric(p95(search_ms), "ms", size, floor=p95(floor_ms), median=statistics.median(search_ms), p95=p95(search_ms),
               runs=len(queries), note="best of three per query"),
    )


# --- statistics and backup ------------------------------------------------------------------------


def _timed_runs(action: Callable[[], object]) -> list[float]:
    return [_seconds(action) for _ in range(RUNS)]


def _measure_stats_and_backup(results: Results, cases: int, work: Path) -> None:
    size = SIZES[cases]
    data_dir = demo_data_dir(cases)
    signed_in = accounts.sign_in(data_dir, "demo", "demo", RFC9106_LOW_MEMORY)
    try:
        (first, last) = db.exec_sql(signed_in.store, "SELECT min(occurred_on), max(occurred_on) FROM service_event")[0]
        history = periods.months(dt.date.fromisoformat(first), dt.date.fromisoformat(last))

        def export() -> None:
            report = make_report(signed_in, ReportKind.SERVICES, history)
            write_report(report, work / f"services-{size}.xlsx", ExportFormat.XLSX, "en")

        def grouped() -> None:
            db.exec_sql(
                signed_in.store,
                "SELECT p.gender, count(*) FROM service_event e JOIN case_file c ON c.id = e.case_id"
                f" JOIN person p ON p.id = c.person_id WHERE e.occurred_on BETWEEN '{history.start}' AND '{history.end}'"
                " GROUP BY p.gender",
            )

        exports, floors = _timed_runs(export), _timed_runs(grouped)
        results.add(
            f"stats_export_{size}",
            Metric(statistics.median(exports), "s", size, floor=statistics.median(floors), median=statistics.median(exports),
                   p95=p95(exports), runs=RUNS),
        )

        out = work / f"backup-{size}.cwbackup"

        def backup() -> None:
            create_backup(signed_in, out)
            out.unlink()

        def raw_backup() -> None:
            _raw_backup(signed_in.data_dir, signed_in.key, work / f"raw-{size}")

        backups, raw = _timed_runs(backup), _timed_runs(raw_backup)
        results.add(
            f"backup_{size}",
            Metric(statistics.median(backups), "s", size, floor=statistics.median(raw), median=statistics.median(backups),
                   p95=p95(backups), runs=RUNS),
        )
    finally:
        signed_in.close()


def _raw_backup(data_dir: DataDir, key: object, folder: Path) -> None:
    """SQLite's backup API alone, on the same two files: the least a backup can cost."""
    folder.mkdir(exist_ok=True)
    for leftover in folder.iterdir():
        leftover.unlink()
    pragma = f"PRAGMA key = {key.sqlcipher_pragma_value}"  # type: ignore[attr-defined]
    source = sqlcipher3.connect(f"{data_dir.cases_db.absolute().as_uri()}?mode=ro", uri=True, isolation_level=None)
    target = sqlcipher3.connect(str(folder / "cases.db"), isolation_level=None)
    try:
        source.execute(pragma)
        target.execute(pragma)
        source.backup(target)
    finally:
        target.close()
        source.close()
    if data_dir.directory_db.exists():
        plain = sqlite3.connect(f"{data_dir.directory_db.absolute().as_uri()}?mode=ro", uri=True)
        copy = sqlite3.connect(str(folder / "directory.db"))
        try:
            plain.backup(copy)
        finally:
            copy.close()
            plain.close()


# --- the suite ------------------------------------------------------------------------------------


@pytest.mark.timeout(3600)
def test_benchmark_suite(tmp_path: Path) -> None:
    results = Results()
    parts: list[tuple[str, Callable[[], None]]] = [("startup", lambda: _measure_startup(results))]
    for cases in SIZES:
        parts.append((f"main window {cases}", lambda cases=cases: _measure_main_window(results, cases)))  # type: ignore[misc]
        parts.append((f"statistics and backup {cases}", lambda cases=cases: _measure_stats_and_backup(results, cases, tmp_path)))  # type: ignore[misc]
    for services in DIRECTORY_SIZES:
        parts.append((f"directory search {services}", lambda services=services: _measure_directory_search(results, services)))  # type: ignore[misc]
    timings = []
    for part, measure in parts:
        began = time.perf_counter()
        try:
            measure()
        except Exception as error:  # noqa: BLE001 - the other parts are still worth measuring
            results.failures[part] = f"{type(error).__name__}: {error}"
        timings.append(f"{part} {time.perf_counter() - began:.0f} s")
    if "gui_max_block_100k" in results.metrics:
        worst = max((m for n, m in results.metrics.items() if n.startswith("gui_max_block_")), key=lambda m: m.value)
        results.add("gui_max_block", worst)
    results.write(RESULTS_FILE)
    print()
    print(results.table())
    print(f"written to {RESULTS_FILE}; took: {', '.join(timings)}")
    assert not results.failures, results.failures
