"""Crash safety: a process saving case files, or importing the directory, is killed with SIGKILL at
a random moment, again and again; after each kill the stores must hold every acknowledged change,
nothing half-applied, and pass SQLite's and SQLCipher's own checks.

CASEWORKER_KILLS sets how many kills each test makes (10 here, 200 in `make stress`);
CASEWORKER_KILL_SEED replays a run. The counts are printed (see them with -s).
"""

from __future__ import annotations

import json
import os
import random
import select
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from caseworker.core.db import CasesStore, integrity_problems
from caseworker.core.directory import hsds
from caseworker.core.directory.starter import starter_path
from caseworker.core.directory.store import DirectoryStore
from caseworker.core.paths import DataDir
from caseworker.core.services import accounts, cases
from caseworker.core.services.records import CaseFile, PersonDetails
from tests.conftest import CHEAP_KDF, PASSWORD
from tests.e2e import crash_child

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is a POSIX signal")

REPO = Path(__file__).resolve().parents[2]
KILLS = int(os.environ.get("CASEWORKER_KILLS", "10"))
CASES = 3
# The directories imported in turn: distinct sizes, so the count of services says which one is stored.
DIRECTORY_COPIES = (4, 8, 12)


@pytest.fixture
def rng() -> random.Random:
    seed = int(os.environ.get("CASEWORKER_KILL_SEED", random.SystemRandom().randrange(2**32)))
    print(f"\nCASEWORKER_KILL_SEED={seed}")
    return random.Random(seed)


def _child(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "CASEWORKER_PASSWORD": PASSWORD, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.e2e.crash_child", *args],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def _kill_at_random(child: subprocess.Popen[str], rng: random.Random, *, lines_first: int, then_up_to: float) -> list[str]:
    """Let the child acknowledge ``lines_first`` changes, run on for a random part of
    ``then_up_to`` seconds, and kill it; every whole line it printed.

    The pause is what makes the moment random: killed right after reading a line, the child would
    always die at the same point of its loop. Nothing waits on it for a result; the lines are read
    as they come during it.
    """
    assert child.stdout is not None
    lines: list[str] = []
    while len(lines) < lines_first:
        line = child.stdout.readline()
        if not line:
            break
        lines.append(line)
    deadline = time.monotonic() + rng.uniform(0, then_up_to)
    while (left := deadline - time.monotonic()) > 0:
        readable, _, _ = select.select([child.stdout], [], [], left)
        if readable:
            line = child.stdout.readline()
            if not line:
                break
            lines.append(line)
    child.send_signal(signal.SIGKILL)
    rest, errors = child.communicate()
    if child.returncode != -signal.SIGKILL:
        pytest.fail(f"the child ended on its own ({child.returncode}) before it was killed:\n{errors}")
    lines += rest.splitlines(keepends=True)
    # A line cut short by the kill was never acknowledged.
    return [line.strip() for line in lines if line.endswith("\n")]


# --- case files ---------------------------------------------------------------------------------


def test_every_acknowledged_save_survives_a_kill(tmp_path: Path, rng: random.Random) -> None:
    data_dir = DataDir(tmp_path / "data")
    signed_in, _recovery = accounts.set_up(
        data_dir, organisation="Crash Test Centre", username=crash_child.USER, display_name="Maria Rossi",
        password=PASSWORD, kdf=CHEAP_KDF,
    )
    try:
        blank = CaseFile(person=PersonDetails(name_latin="Client 0"))
        ids = [cases.create_case(signed_in.store, crash_child.with_generation(blank, 0)).id for _ in range(CASES)]
        key = signed_in.key
    finally:
        signed_in.close()
    acknowledged: dict[int, tuple[int, int]] = {case_id: (0, 1) for case_id in ids}
    counts: Counter[str] = Counter()
    for _kill in range(KILLS):
        child = _child("cases", str(data_dir.root), *map(str, ids))
        lines = _kill_at_random(child, rng, lines_first=rng.randrange(0, 6), then_up_to=0.05)
        for line in lines:
            _saved, case_id, n, version = line.split()
            acknowledged[int(case_id)] = max(acknowledged[int(case_id)], (int(n), int(version)))
            counts["saves acknowledged"] += 1
        store = CasesStore.open(data_dir.cases_db, key)
        try:
            assert integrity_problems(store) == []  # cipher_integrity_check, integrity_check, foreign keys
            for case_id in ids:
                record = cases.get_case(store, case_id)
                stored = crash_child.generation(record)  # raises if the rows are of different saves
                acked, acked_version = acknowledged[case_id]
                if stored < acked:
                    counts["saves lost"] += 1
                assert stored >= acked, f"case {case_id}: save {acked} was acknowledged, the store has {stored}"
                # Saves go round the cases, so a case's next save is CASES further on; it may have
                # been committed when the kill came, before its line was printed.
                assert stored in (acked, acked + CASES), (case_id, stored, acked)
                if stored == acked:
                    assert record.version == acked_version
                counts["saves checked"] += 1
        finally:
            store.dispose()
        counts["kills survived"] += 1
    print(f"case files: {counts['kills survived']} kills survived, {counts['saves acknowledged']} saves acknowledged, "
          f"{counts['saves checked']} cases checked after a kill, {counts['saves lost']} saves lost")
    assert counts["kills survived"] == KILLS
    assert counts["saves acknowledged"] > 0


# --- directory import -----------------------------------------------------------------------


def _renamed(value: Any, copy: int) -> Any:
    """The same records under new ids, so that copies of the starter directory sit side by side."""
    if isinstance(value, dict):
        return {
            k: str(uuid.uuid5(uuid.NAMESPACE_URL, f"{copy}/{v}")) if (k == "id" or k.endswith("_id")) and isinstance(v, str)
            else _renamed(v, copy)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_renamed(v, copy) for v in value]
    return value


def _directory_files(folder: Path) -> tuple[list[Path], list[int]]:
    starter = json.loads(Path(str(starter_path())).read_text(encoding="utf-8"))
    files, totals = [], []
    for copies in DIRECTORY_COPIES:
        path = folder / f"directory-{copies}.json"
        path.write_text(json.dumps([_renamed(s, c) for c in range(copies) for s in starter]), encoding="utf-8")
        files.append(path)
        totals.append(copies * len(starter))
    return files, totals


def _directory_state(path: Path) -> int:
    """The number of services, after SQLite's checks and the search index's own."""
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        connection.execute("INSERT INTO service_search(service_search) VALUES ('integrity-check')")
        services = connection.execute("SELECT count(*) FROM service").fetchone()[0]
        indexed = connection.execute("SELECT count(*) FROM service_facets").fetchone()[0]
        assert indexed == services, "the search index is not in step with the services"
        return int(services)
    finally:
        connection.close()


def test_a_killed_directory_import_leaves_the_old_or_the_new_directory(tmp_path: Path, rng: random.Random) -> None:
    files, totals = _directory_files(tmp_path)
    directory_db = tmp_path / "data" / "directory.db"
    store = DirectoryStore.create(directory_db)
    try:
        hsds.import_hsds(store, files[0], replace=True)
    finally:
        store.dispose()
    stored_index = 0
    counts: Counter[str] = Counter()
    for _kill in range(KILLS):
        start = stored_index + 1
        child = _child("directory", str(directory_db.parent), str(start), *map(str, files))
        lines = _kill_at_random(child, rng, lines_first=rng.randrange(0, 3), then_up_to=0.6)
        imported = [int(line.split()[1]) for line in lines if line.startswith("imported")]
        counts["imports acknowledged"] += len(imported)
        last = imported[-1] if imported else start - 1
        # Before or after the import under way when the kill came, never between.
        allowed = {totals[last % len(totals)], totals[(last + 1) % len(totals)]}
        services = _directory_state(directory_db)
        assert services in allowed, f"{services} services after the kill; expected one of {sorted(allowed)}"
        stored_index = last if services == totals[last % len(totals)] else last + 1
        counts["kills survived"] += 1
        since_last_import = lines[lines.index(f"imported {last}") + 1 :] if imported else lines
        if "step" in since_last_import:
            # It had reported progress on the next import: the kill came while that was under way.
            counts["kills during an import"] += 1
            counts["of them found it done" if stored_index != last else "of them found it not done"] += 1
    print(f"directory: {counts['kills survived']} kills survived, {counts['kills during an import']} of them during an "
          f"import ({counts['of them found it done']} found it done, {counts['of them found it not done']} not done), "
          f"{counts['imports acknowledged']} imports acknowledged, 0 half-applied")
    assert counts["kills survived"] == KILLS
