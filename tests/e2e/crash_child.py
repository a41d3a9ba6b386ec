"""A process for tests/e2e/test_crash_safety.py to kill: it changes a store in a loop and prints
one line after each change is committed, so the test knows which changes were acknowledged.

    python -m tests.e2e.crash_child cases DATA_DIR CASE_ID...
        signs in (password from CASEWORKER_PASSWORD) and saves the cases in turn, each save
        rewriting several fields and child rows at once; prints "saved CASE_ID GENERATION VERSION"
    python -m tests.e2e.crash_child directory DATA_DIR START FILE...
        imports the HSDS files in turn with --replace, from the one at index START on; prints
        "step" at each progress report and "imported INDEX" after each import
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import os
import sys
from pathlib import Path

from caseworker.core.services.records import CaseFile, GoalRecord, MeetingRecord

USER = "coordinator"


def with_generation(record: CaseFile, n: int) -> CaseFile:
    """The case as save number ``n`` leaves it: the person's row, the case's row, and a number of
    goal and meeting rows that changes from one save to the next, all saying ``n``."""
    person = dataclasses.replace(record.person, name_latin=f"Client {n}", phone=f"+39 {n:09d}", address=f"Via {n}")
    goals = tuple(GoalRecord(f"goal {n}.{i}") for i in range(1 + n % 4))
    meetings = tuple(
        MeetingRecord(dt.date(2025, 1, 1) + dt.timedelta(days=n % 300), notes=f"meeting {n}.{i}") for i in range(n % 3)
    )
    return dataclasses.replace(record, person=person, closure_note=f"note {n}", goals=goals, meetings=meetings)


def fields(record: CaseFile) -> tuple[object, ...]:
    return (
        record.person.name_latin,
        record.person.phone,
        record.person.address,
        record.closure_note,
        tuple(sorted(g.text for g in record.goals)),
        tuple(sorted((m.held_on, m.notes) for m in record.meetings)),
    )


def generation(record: CaseFile) -> int:
    """Which save the stored case comes from; ValueError if its rows come from different saves."""
    n = int(record.person.name_latin.removeprefix("Client "))
    if fields(record) != fields(with_generation(record, n)):
        raise ValueError(f"case {record.id} is half-saved: {fields(record)!r}")
    return n


def save_cases(root: Path, case_ids: list[int]) -> None:
    from caseworker.core.paths import DataDir
    from caseworker.core.services import accounts, cases

    signed_in = accounts.sign_in(DataDir(root), USER, os.environ["CASEWORKER_PASSWORD"])
    store = signed_in.store
    n = max(generation(cases.get_case(store, case_id)) for case_id in case_ids)
    while True:
        n += 1
        case_id = case_ids[n % len(case_ids)]
        saved = cases.save_case(store, with_generation(cases.get_case(store, case_id), n))
        print(f"saved {case_id} {n} {saved.version}", flush=True)


def import_directories(root: Path, start: int, files: list[Path]) -> None:
    from caseworker.core.directory import hsds
    from caseworker.core.directory.store import DirectoryStore

    store = DirectoryStore.open(root / "directory.db")

    def progress(done: int, total: int) -> bool:
        print("step", flush=True)
        return True

    for index in itertools.count(start):
        hsds.import_hsds(store, files[index % len(files)], replace=True, progress=progress)
        print(f"imported {index}", flush=True)


def main(argv: list[str]) -> None:
    what, root = argv[0], Path(argv[1])
    if what == "cases":
        save_cases(root, [int(a) for a in argv[2:]])
    elif what == "directory":
        import_directories(root, int(argv[2]), [Path(a) for a in argv[3:]])
    else:
        raise SystemExit(f"unknown: {what}")


if __name__ == "__main__":
    main(sys.argv[1:])
