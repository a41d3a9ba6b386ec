"""How long a full statistics export takes at 100,000 cases and 1,000,000 service events.

Not part of the normal run (tests/benchmarks is outside testpaths). Run it with
    .venv/bin/python -m pytest tests/benchmarks/test_stats_bench.py -q -s

The data is `caseworker demo --cases 100000` (kept between runs in CASEWORKER_BENCH_DIR, by
default a folder under the system's temporary folder; about 1,030,000 service events), topped up
with service events spread over the same cases if there are fewer than 1,000,000. The full export
is the service statistics over the whole history (every event), computed, protected and written
as XLSX; the AMIF and ESF+ reports over the whole history are timed beside it. The floor is one
GROUP BY pass over the events joined to the people, the least any breakdown by a person's facts
must read. Each is timed three times; medians are printed, nothing about time is asserted. The
target is 5 s for the full export.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from caseworker.core import db
from caseworker.core.paths import DataDir
from caseworker.core.services import accounts
from caseworker.core.services.demo import create_demo
from caseworker.core.services.stats import make_report
from caseworker.core.stats import periods
from caseworker.core.stats.model import ReportKind
from caseworker.reports.stats_export import ExportFormat, write_report

CASES = 100_000
EVENTS = 1_000_000
TARGET_S = 5.0
RUNS = 3


def _data_dir() -> DataDir:
    root = Path(os.environ.get("CASEWORKER_BENCH_DIR", Path(tempfile.gettempdir()) / "caseworker-bench"))
    data_dir = DataDir(root / f"demo-{CASES}-schema-{db.SCHEMA_HEAD}")
    if not data_dir.cases_db.exists():
        create_demo(data_dir, cases=CASES, seed=7)
    return data_dir


def _top_up_events(signed_in: accounts.SignedIn) -> int:
    """Service events copied from the demo's onto other days of the same cases, up to EVENTS."""
    (have,) = db.exec_sql(signed_in.store, "SELECT count(*) FROM service_event")[0]
    if have < EVENTS:
        rng = random.Random(11)
        (first, last) = db.exec_sql(signed_in.store, "SELECT min(opened_on), max(opened_on) FROM case_file")[0]
        start, span = dt.date.fromisoformat(first), (dt.date.fromisoformat(last) - dt.date.fromisoformat(first)).days
        cases = [row[0] for row in db.exec_sql(signed_in.store, "SELECT id FROM case_file")]
        categories = ["language-course", "cv-cover-letter", "interview-preparation", "recognition", "mentoring", None]
        rows = [
            (rng.choice(cases), "step_done", rng.choice(categories), (start + dt.timedelta(days=rng.randrange(span + 1))).isoformat())
            for _ in range(EVENTS - have)
        ]
        with signed_in.store.write() as session:
            session.connection().exec_driver_sql(
                "INSERT INTO service_event (case_id, kind, category, occurred_on) VALUES (?, ?, ?, ?)", rows
            )
    return int(db.exec_sql(signed_in.store, "SELECT count(*) FROM service_event")[0][0])


def _median(action: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


@pytest.mark.timeout(3600)
def test_full_statistics_export_at_100k_cases(tmp_path: Path) -> None:
    data_dir = _data_dir()
    signed_in = accounts.sign_in(data_dir, "demo", "demo")
    try:
        events = _top_up_events(signed_in)
        (first, last) = db.exec_sql(signed_in.store, "SELECT min(occurred_on), max(occurred_on) FROM service_event")[0]
        history = periods.months(dt.date.fromisoformat(first), dt.date.fromisoformat(last))

        def full_export() -> None:
            report = make_report(signed_in, ReportKind.SERVICES, history)
            write_report(report, tmp_path / "services.xlsx", ExportFormat.XLSX, "en")

        def floor() -> None:
            db.exec_sql(
                signed_in.store,
                "SELECT p.gender, count(*) FROM service_event e JOIN case_file c ON c.id = e.case_id"
                f" JOIN person p ON p.id = c.person_id WHERE e.occurred_on BETWEEN '{history.start}' AND '{history.end}'"
                " GROUP BY p.gender",
            )

        export = _median(full_export)
        grouped = _median(floor)
        funders = {kind: _median(lambda kind=kind: make_report(signed_in, kind, history)) for kind in (ReportKind.AMIF, ReportKind.ESF)}
    finally:
        signed_in.close()

    print()
    print(f"statistics at {CASES:,} cases, {events:,} service events; history {history.start} to {history.end}")
    print(f"  stats_export_100k (service statistics, XLSX)  {export:6.2f} s   target {TARGET_S:.0f} s (median of {RUNS})")
    print(f"  floor: one GROUP BY pass                      {grouped:6.2f} s   ratio {export / grouped:4.1f}")
    for kind, seconds in funders.items():
        print(f"  {kind} report over the whole history           {seconds:6.2f} s")
    assert events >= EVENTS
