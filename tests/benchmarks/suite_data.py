"""The data the benchmark suite measures on, built once and kept between runs.

Demo data folders come from `create_demo` (what `caseworker demo` runs); directories from the
generator of test_directory_search_bench.py. Both are kept in CASEWORKER_BENCH_DIR (by default a
folder under the system's temporary folder), named by size and schema, so a schema change builds
them again. The 100,000-case folder is the one test_stats_bench.py uses (same name, same seed).
"""

from __future__ import annotations

import itertools
import os
import random
import shutil
import tempfile
from pathlib import Path

from caseworker.core import db
from caseworker.core.directory import search as directory_search
from caseworker.core.paths import DataDir
from caseworker.core.services.demo import create_demo
from tests.benchmarks.test_directory_search_bench import SEED, _documents, _engine

DEMO_SEED = 7  # as test_stats_bench.py, which shares the 100,000-case folder
# Bump when the directory generator or the index changes in a way the schema head does not show.
DIRECTORY_VERSION = 1


def bench_root() -> Path:
    root = Path(os.environ.get("CASEWORKER_BENCH_DIR", Path(tempfile.gettempdir()) / "caseworker-bench"))
    root.mkdir(parents=True, exist_ok=True)
    return root


def demo_data_dir(cases: int) -> DataDir:
    """A demo data folder with ``cases`` case files; user "demo", password "demo"."""
    folder = bench_root() / f"demo-{cases}-schema-{db.SCHEMA_HEAD}"
    data_dir = DataDir(folder)
    if not data_dir.cases_db.exists():
        # A build killed half-way leaves a folder that is set up but short of cases: start again.
        shutil.rmtree(folder, ignore_errors=True)
        create_demo(data_dir, cases=cases, seed=DEMO_SEED)
    return data_dir


def directory_db(services: int) -> Path:
    """A directory.db of ``services`` generated services, searchable as the app searches it."""
    path = bench_root() / f"directory-{services}-schema-{db.SCHEMA_HEAD}-v{DIRECTORY_VERSION}.db"
    if path.exists():
        return path
    # Built beside its final name and renamed, so a killed build is never taken for a finished one.
    partial = path.with_name(path.name + ".partial")
    for leftover in path.parent.glob(partial.name + "*"):
        leftover.unlink()
    engine = _engine(partial)
    try:
        documents = list(itertools.islice(_documents(random.Random(SEED)), services))
        with engine.begin() as connection:
            directory_search.create_search_tables(connection)
            directory_search.index_documents(connection, documents)
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()
    partial.rename(path)
    for leftover in path.parent.glob(partial.name + "-*"):
        leftover.unlink()
    return path
