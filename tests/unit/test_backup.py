"""Backups (services/backup.py and the container in core/backup_file.py): made with SQLite's
backup API, one encrypted file, described, verified and restored; and every way a backup file
can be wrong is refused with its own message."""

from __future__ import annotations

import dataclasses
import datetime as dt
import errno
import io
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from caseworker import __version__
from caseworker.core import backup_file, db
from caseworker.core.dates import PartialDate
from caseworker.core.db import CasesStore, exec_sql, integrity_problems
from caseworker.core.directory import store as directory_store
from caseworker.core.directory.starter import load_starter
from caseworker.core.directory.store import DirectoryStore
from caseworker.core.directory.store import exec_sql as directory_sql
from caseworker.core.errors import BadInput, DiskFull, WrongPassword
from caseworker.core.keys import DataKey, KeyRing, RecoveryKey, WrongRecoveryKey
from caseworker.core.models.enums import CaseStatus, GoalStatus, MeetingKind
from caseworker.core.paths import DataDir
from caseworker.core.services import accounts, backup, cases
from caseworker.core.services.backup import (
    BackupCancelled,
    BackupDamaged,
    BackupOfOtherCaseFiles,
    BackupUnusable,
    NewerBackup,
    RestoreCancelled,
    StoreNotBackedUp,
)
from caseworker.core.services.records import CaseFile, GoalRecord, MeetingRecord, PersonDetails
from tests.conftest import CHEAP_KDF, PASSWORD
from tests.fuzzing import FUZZ_EXAMPLES, byte_edit, edited

CLIENT_LATIN = "Aḥmad Karīmī"
CLIENT_NATIVE = "احمد کریمی"
CLIENT_EMAIL = "ahmad.karimi@example.org"
CLIENT_PHONE = "+39 333 7654321"
MADE_AT = dt.datetime(2026, 3, 10, 9, 30, tzinfo=dt.UTC)


def a_client(n: int = 0) -> CaseFile:
    return CaseFile(
        person=PersonDetails(
            name_latin=CLIENT_LATIN if n == 0 else f"Client {n}",
            name_native=CLIENT_NATIVE if n == 0 else "",
            birth=PartialDate(1990, 2),
            phone=CLIENT_PHONE,
            email=CLIENT_EMAIL,
            address="Via Roma 1\n00100 Roma",
            preferred_language="fa",
        ),
        status=CaseStatus.OPEN,
        opened_on=dt.date(2026, 1, 10),
        goals=(GoalRecord("Recognition of the computer science degree", GoalStatus.OPEN),),
        meetings=(MeetingRecord(dt.date(2026, 1, 12), MeetingKind.IN_PERSON, "First interview; brought his diploma."),),
    )


def stored_cases(store: CasesStore) -> list[CaseFile]:
    ids = [row[0] for row in exec_sql(store, "SELECT id FROM case_file ORDER BY id")]
    return [cases.get_case(store, case_id) for case_id in ids]


def services_in(data_dir: DataDir) -> int:
    store = DirectoryStore.open(data_dir.directory_db, read_only=True)
    try:
        return directory_sql(store, "SELECT count(*) FROM service")[0][0]
    finally:
        store.dispose()


def files_in(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def office(signed_in: accounts.SignedIn) -> accounts.SignedIn:
    """Case files with a client and two more, and the starter directory."""
    load_starter(signed_in.data_dir)
    for n in range(3):
        cases.create_case(signed_in.store, a_client(n))
    return signed_in


@pytest.fixture
def made(office: accounts.SignedIn, tmp_path: Path) -> Path:
    out = tmp_path / "usb" / "office.cwbackup"
    backup.create_backup(office, out, clock=lambda: MADE_AT)
    return out


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    # Many chunks from a small store, so that swapping or dropping one can be tried.
    monkeypatch.setattr(backup_file, "CHUNK_BYTES", 4096)
    monkeypatch.setattr(backup, "_BLOCK", 4096)


# --- making, describing, verifying ---------------------------------------------------------------


def test_a_backup_describes_what_it_holds(office: accounts.SignedIn, made: Path) -> None:
    info = backup.describe_backup(made, office.key)
    assert info.created_at == MADE_AT
    assert info.app_version == __version__
    assert (info.cases, info.people, info.users) == (3, 3, 1)
    assert info.services == services_in(office.data_dir) > 0
    assert info.size == made.stat().st_size
    assert (info.cases_schema, info.directory_schema) == (db.SCHEMA_HEAD, directory_store.SCHEMA_HEAD)


def test_verify_checks_everything_and_touches_no_data_folder(office: accounts.SignedIn, made: Path) -> None:
    before = files_in(office.data_dir.root)
    info = backup.verify_backup(made, office.key)
    assert info == backup.describe_backup(made, office.key)
    assert files_in(office.data_dir.root) == before


def test_the_backup_goes_to_any_folder_and_leaves_only_itself(made: Path) -> None:
    assert sorted(p.name for p in made.parent.iterdir()) == ["office.cwbackup"]


def test_progress_runs_from_nothing_to_the_whole(office: accounts.SignedIn, tmp_path: Path, small_chunks: None) -> None:
    calls: list[tuple[int, int]] = []
    backup.create_backup(office, tmp_path / "b.cwbackup", progress=lambda done, total: calls.append((done, total)) is None)
    assert calls[0][0] == 0 and calls[-1][0] == calls[-1][1]
    assert [done for done, _total in calls] == sorted(done for done, _total in calls)
    assert len(calls) > 10


def test_nothing_about_a_person_is_readable_in_the_file(made: Path) -> None:
    data = made.read_bytes()
    for secret in (CLIENT_LATIN, CLIENT_NATIVE, "Karimi", CLIENT_EMAIL, CLIENT_PHONE, "diploma", "Roma"):
        for encoding in ("utf-8", "utf-16-le"):
            assert secret.encode(encoding) not in data, secret
    assert b"SQLite format" not in data
    # The directory is public but travels sealed too: nothing of either store is in the clear.
    assert b"CREATE TABLE" not in data


def test_automatic_backups_keep_the_latest(office: accounts.SignedIn) -> None:
    backups = office.data_dir.backups
    backups.mkdir(parents=True)
    kept_by_restore = backups / "caseworker-before-restore-20200101T000000Z.cwbackup"
    kept_by_restore.write_bytes(b"kept")
    made = [
        backup.automatic_backup(office, keep=2, clock=lambda minute=minute: MADE_AT + dt.timedelta(minutes=minute))
        for minute in range(4)
    ]
    assert [p.name for p in made] == [f"caseworker-20260310T09{30 + m}00Z.cwbackup" for m in range(4)]
    assert sorted(p.name for p in backups.iterdir()) == sorted([made[2].name, made[3].name, kept_by_restore.name])
    assert backup.describe_backup(made[3], office.key).created_at == MADE_AT + dt.timedelta(minutes=3)


def test_a_backup_without_a_directory(signed_in: accounts.SignedIn, tmp_path: Path) -> None:
    cases.create_case(signed_in.store, a_client())
    out = tmp_path / "b.cwbackup"
    info = backup.create_backup(signed_in, out)
    assert (info.cases, info.services, info.directory_schema) == (1, 0, None)
    assert backup.verify_backup(out, signed_in.key) == info


# --- cancel, full disk, damaged stores -------------------------------------------------------


def test_cancelling_midway_leaves_nothing(office: accounts.SignedIn, tmp_path: Path, small_chunks: None) -> None:
    calls: list[int] = []

    def progress(done: int, total: int) -> bool:
        calls.append(done)
        return len(calls) < 5

    folder = tmp_path / "usb"
    with pytest.raises(BackupCancelled) as caught:
        backup.create_backup(office, folder / "b.cwbackup", progress=progress)
    assert 0 < calls[-1]
    assert "cancelled" in caught.value.message
    assert list(folder.iterdir()) == []


class _FillsUp(io.BufferedWriter):
    """A file on a disk with ``room`` bytes left."""

    def __init__(self, path: Path, room: int) -> None:
        super().__init__(io.FileIO(path, "wb"))
        self.room = room

    def write(self, data: Any) -> int:
        if len(data) > self.room:
            raise OSError(errno.ENOSPC, "No space left on device")
        self.room -= len(data)
        return super().write(data)


@pytest.mark.parametrize("room", [0, 100, 50_000])
def test_a_full_disk_says_so_and_leaves_no_partial_file(
    office: accounts.SignedIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, room: int
) -> None:
    monkeypatch.setattr(backup, "_open_for_writing", lambda path: _FillsUp(path, room))
    folder = tmp_path / "usb"
    with pytest.raises(DiskFull):
        backup.create_backup(office, folder / "b.cwbackup")
    assert list(folder.iterdir()) == []


def _flip(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x40
    path.write_bytes(bytes(data))


def _page_of(rows: list[tuple[Any, ...]]) -> int:
    """The byte offset of a table's root page (pages are numbered from 1)."""
    return (rows[0][0] - 1) * 4096


def test_a_damaged_case_file_store_is_not_backed_up(office: accounts.SignedIn, tmp_path: Path) -> None:
    data_dir, key = office.data_dir, office.key
    # A page that signing in does not read, so the damage is found by the check, not at sign-in.
    page = _page_of(exec_sql(office.store, "SELECT rootpage FROM sqlite_master WHERE name = 'meeting'"))
    office.close()  # folds the write-ahead log into cases.db, where the damage goes
    _flip(data_dir.cases_db, page + 200)
    signed_in = accounts.open_with_key(data_dir, key, "coordinator")
    try:
        assert integrity_problems(signed_in.store)
        with pytest.raises(StoreNotBackedUp) as caught:
            backup.create_backup(signed_in, tmp_path / "b.cwbackup")
    finally:
        signed_in.close()
    assert str(data_dir.cases_db) in caught.value.message
    assert list(tmp_path.glob("*.cwbackup*")) == []


def test_a_snapshot_damaged_as_it_is_written_is_refused(office: accounts.SignedIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The store is sound, but its copy is not (a failing USB stick): the integrity check of
    the copy, run beside the sealing, refuses it, names the damaged page, and leaves nothing."""
    page = _page_of(exec_sql(office.store, "SELECT rootpage FROM sqlite_master WHERE name = 'meeting'"))
    snapshot = backup._snapshot_cases

    def damaged_copy(source: Path, key: DataKey, target: Path, folder: Path) -> None:
        snapshot(source, key, target, folder)
        _flip(target, page + 200)

    monkeypatch.setattr(backup, "_snapshot_cases", damaged_copy)
    folder = tmp_path / "usb"
    with pytest.raises(StoreNotBackedUp) as caught:
        backup.create_backup(office, folder / "b.cwbackup")
    assert str(office.data_dir.cases_db) in caught.value.message
    assert f"page {page // 4096 + 1}" in caught.value.message  # SQLCipher's page check named it
    assert list(folder.iterdir()) == []
    assert not [t for t in threading.enumerate() if t.name == "caseworker-backup-check"]


def test_cancelling_while_the_check_runs_stops_the_check(office: accounts.SignedIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    began = threading.Event()
    problems = backup._problems

    def slow_integrity_check(connection: Any, pragmas: tuple[str, ...]) -> list[str]:
        if pragmas == ("integrity_check",):
            began.set()
            # Stands in for a long check: SQL that runs until interrupted.
            connection.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n").fetchall()
        return problems(connection, pragmas)

    monkeypatch.setattr(backup, "_problems", slow_integrity_check)
    folder = tmp_path / "usb"
    with pytest.raises(BackupCancelled):
        backup.create_backup(office, folder / "b.cwbackup", progress=lambda done, total: not began.wait(10) or done == 0)
    assert list(folder.iterdir()) == []
    assert not [t for t in threading.enumerate() if t.name == "caseworker-backup-check"]


def test_a_damaged_directory_is_not_backed_up(office: accounts.SignedIn, tmp_path: Path) -> None:
    directory_db = office.data_dir.directory_db
    store = DirectoryStore.open(directory_db, read_only=True)
    try:
        page = _page_of(directory_sql(store, "SELECT rootpage FROM sqlite_master WHERE name = 'service'"))
    finally:
        store.dispose()
    data = bytearray(directory_db.read_bytes())
    data[page : page + 64] = bytes(64)  # zeros over the b-tree page's header
    directory_db.write_bytes(bytes(data))
    for suffix in ("-wal", "-shm"):
        Path(f"{directory_db}{suffix}").unlink(missing_ok=True)
    with pytest.raises(StoreNotBackedUp) as caught:
        backup.create_backup(office, tmp_path / "b.cwbackup")
    assert str(directory_db) in caught.value.message
    assert list(tmp_path.glob("*.cwbackup*")) == []


# --- wrong keys and passwords --------------------------------------------------------------------


@pytest.fixture
def recovery_and_backup(tmp_path: Path) -> tuple[RecoveryKey, DataKey, Path]:
    signed_in, recovery = accounts.set_up(
        DataDir(tmp_path / "org"), organisation="Harbour Welcome Centre", username="coordinator",
        display_name="Maria Rossi", password=PASSWORD, kdf=CHEAP_KDF,
    )
    try:
        cases.create_case(signed_in.store, a_client())
        out = tmp_path / "b.cwbackup"
        backup.create_backup(signed_in, out)
        return recovery, signed_in.key, out
    finally:
        signed_in.close()


def test_the_key_comes_from_a_password_or_the_recovery_key(recovery_and_backup: tuple[RecoveryKey, DataKey, Path]) -> None:
    recovery, key, out = recovery_and_backup
    assert backup.unlock_backup_key(out, "coordinator", PASSWORD, kdf=CHEAP_KDF).raw() == key.raw()
    assert backup.unlock_backup_with_recovery(out, RecoveryKey.parse(recovery.formatted())).raw() == key.raw()


def test_a_wrong_password_or_recovery_key_is_refused(recovery_and_backup: tuple[RecoveryKey, DataKey, Path]) -> None:
    _recovery, _key, out = recovery_and_backup
    with pytest.raises(WrongPassword):
        backup.unlock_backup_key(out, "coordinator", "not the password", kdf=CHEAP_KDF)
    with pytest.raises(WrongPassword):
        backup.unlock_backup_key(out, "nobody", PASSWORD, kdf=CHEAP_KDF)
    with pytest.raises(WrongRecoveryKey):
        backup.unlock_backup_with_recovery(out, RecoveryKey.generate())


def test_the_key_of_other_case_files_is_refused(made: Path) -> None:
    with pytest.raises(BackupOfOtherCaseFiles) as caught:
        backup.describe_backup(made, DataKey.generate())
    assert str(made) in caught.value.message


# --- damaged, cut short, changed, not a backup, newer ------------------------------------------


def test_a_changed_byte_anywhere_is_refused(office: accounts.SignedIn, made: Path, tmp_path: Path) -> None:
    original = made.read_bytes()
    header_end = original.index(b"\n", len(backup_file.MAGIC)) + 1
    size = len(original)
    # The magic line, the header's fields, the key ring, each part of the payload, the last tag.
    offsets = sorted({0, 5, len(backup_file.MAGIC) + 3, header_end - 40, header_end - 2, header_end,
                      header_end + 20, size // 3, size // 2, size - 200, size - 17, size - 1,
                      *(original.index(field) + len(field) + 3 for field in (b'"payload_bytes"', b'"salt"', b'"wrapped"'))})
    for offset in offsets:
        changed = tmp_path / f"changed-{offset}.cwbackup"
        changed.write_bytes(original)
        _flip(changed, offset)
        with pytest.raises(BackupUnusable) as caught:
            backup.verify_backup(changed, office.key)
        assert str(changed) in caught.value.message, offset


def test_chunks_swapped_or_dropped_are_refused(office: accounts.SignedIn, tmp_path: Path, small_chunks: None) -> None:
    out = tmp_path / "b.cwbackup"
    backup.create_backup(office, out)
    data = out.read_bytes()
    start = data.index(b"\n", len(backup_file.MAGIC)) + 1
    sealed = 4096 + backup_file.TAG_BYTES
    chunk = [data[start + i * sealed : start + (i + 1) * sealed] for i in range(3)]
    swapped = data[:start] + chunk[1] + chunk[0] + data[start + 2 * sealed :]
    dropped_then_padded = data[:start] + chunk[0] + chunk[2] + chunk[2] + data[start + 3 * sealed :]
    for name, content in (("swapped", swapped), ("replayed", dropped_then_padded)):
        (tmp_path / name).write_bytes(content)
        with pytest.raises(BackupDamaged):
            backup.verify_backup(tmp_path / name, office.key)


def test_a_header_from_another_backup_is_refused(office: accounts.SignedIn, made: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.cwbackup"
    backup.create_backup(office, other, clock=lambda: MADE_AT)  # the same length, another salt
    a, b = made.read_bytes(), other.read_bytes()
    header_end = a.index(b"\n", len(backup_file.MAGIC)) + 1
    mixed = tmp_path / "mixed.cwbackup"
    mixed.write_bytes(b[:header_end] + a[header_end:])
    with pytest.raises(BackupDamaged):
        backup.verify_backup(mixed, office.key)


def test_a_file_cut_short_is_called_incomplete(office: accounts.SignedIn, made: Path, tmp_path: Path) -> None:
    original = made.read_bytes()
    for length in (3, len(backup_file.MAGIC) + 10, len(original) // 2, len(original) - 16, len(original) - 1):
        cut = tmp_path / f"cut-{length}.cwbackup"
        cut.write_bytes(original[:length])
        for read in (backup.describe_backup, backup.verify_backup):
            with pytest.raises(backup_file.BackupIncomplete) as caught:
                read(cut, office.key)
            assert "incomplete" in caught.value.message and str(cut) in caught.value.message


def test_bytes_added_at_the_end_are_refused(office: accounts.SignedIn, made: Path) -> None:
    with made.open("ab") as handle:
        handle.write(b"\x00" * 16)
    with pytest.raises(BackupDamaged):
        backup.describe_backup(made, office.key)


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04 a zip", b"SQLite format 3\x00" + bytes(100), "Grüße\n".encode()])
def test_other_files_are_not_backups(office: accounts.SignedIn, tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "something.cwbackup"
    path.write_bytes(content)
    with pytest.raises(backup_file.NotABackup) as caught:
        backup.verify_backup(path, office.key)
    assert caught.value.message == f"{path} is not a Caseworker backup. Nothing was changed."
    with pytest.raises(backup_file.NotABackup):
        backup.unlock_backup_key(path, "coordinator", PASSWORD, kdf=CHEAP_KDF)


def test_a_folder_or_a_missing_file_is_bad_input(office: accounts.SignedIn, tmp_path: Path) -> None:
    with pytest.raises(backup_file.NotABackup):
        backup.describe_backup(tmp_path, office.key)
    with pytest.raises(BadInput) as caught:
        backup.describe_backup(tmp_path / "missing.cwbackup", office.key)
    assert "missing.cwbackup" in caught.value.message


def test_a_backup_of_a_newer_format_is_refused(office: accounts.SignedIn, made: Path) -> None:
    made.write_bytes(made.read_bytes().replace(b'{"format":1,', b'{"format":2,', 1))
    with pytest.raises(NewerBackup) as caught:
        backup.describe_backup(made, office.key)
    assert "newer version" in caught.value.message


def test_a_backup_of_a_newer_schema_is_refused(office: accounts.SignedIn, made: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backup, "cases_revisions", lambda: ({"0000"}, "0000"))
    with pytest.raises(NewerBackup):
        backup.verify_backup(made, office.key)
    before = files_in(office.data_dir.root)
    with pytest.raises(NewerBackup):
        backup.restore_backup(office.data_dir, made, office.key)
    assert files_in(office.data_dir.root) == before


# --- restoring -----------------------------------------------------------------------------------


def test_round_trip_into_an_empty_folder(office: accounts.SignedIn, made: Path, tmp_path: Path) -> None:
    """The laptop was stolen: a new one, the backup from the USB stick, and a password."""
    expected = stored_cases(office.store)
    key = backup.unlock_backup_key(made, "coordinator", PASSWORD, kdf=CHEAP_KDF)
    new = DataDir(tmp_path / "new laptop #2")
    restored = backup.restore_backup(new, made, key)
    assert restored.kept is None
    assert (restored.cases, restored.created_at) == (3, MADE_AT)
    assert sorted(p.name for p in new.root.iterdir()) == ["cases.db", "directory.db", "keyring.json"]
    signed_in = accounts.sign_in(new, "coordinator", PASSWORD, kdf=CHEAP_KDF)
    try:
        assert stored_cases(signed_in.store) == expected
        assert integrity_problems(signed_in.store) == []
    finally:
        signed_in.close()
    assert services_in(new) == services_in(office.data_dir)
    assert KeyRing.load(new.keyring).entries == KeyRing.load(office.data_dir.keyring).entries


def test_restore_keeps_the_data_it_replaces_as_a_backup(office: accounts.SignedIn, made: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir, key = office.data_dir, office.key
    first = stored_cases(office.store)[0]
    cases.save_case(office.store, dataclasses.replace(first, person=PersonDetails(name_latin="Changed after the backup")))
    cases.create_case(office.store, a_client(9))
    office.close()
    restored = backup.restore_backup(data_dir, made, key, clock=lambda: MADE_AT + dt.timedelta(days=1))
    assert restored.kept == data_dir.backups / "caseworker-before-restore-20260311T093000Z.cwbackup"
    assert backup.describe_backup(restored.kept, key).cases == 4
    signed_in = accounts.sign_in(data_dir, "coordinator", PASSWORD, kdf=CHEAP_KDF)
    try:
        assert stored_cases(signed_in.store)[0].person.name_latin == CLIENT_LATIN
        assert len(stored_cases(signed_in.store)) == 3
    finally:
        signed_in.close()
    # ... and the kept data comes back the same way.
    backup.restore_backup(data_dir, restored.kept, key)
    signed_in = accounts.sign_in(data_dir, "coordinator", PASSWORD, kdf=CHEAP_KDF)
    try:
        assert stored_cases(signed_in.store)[0].person.name_latin == "Changed after the backup"
    finally:
        signed_in.close()
    assert not [p for p in data_dir.root.iterdir() if p.name.startswith(".")]


def test_restore_over_damaged_data_moves_it_aside(office: accounts.SignedIn, made: Path) -> None:
    data_dir, key = office.data_dir, office.key
    office.close()
    damaged = data_dir.cases_db.read_bytes()[:5000]
    data_dir.cases_db.write_bytes(damaged)
    restored = backup.restore_backup(data_dir, made, key, clock=lambda: MADE_AT)
    assert restored.kept == data_dir.backups / "before-restore-20260310T093000Z"
    assert (restored.kept / "cases.db").read_bytes() == damaged
    assert (restored.kept / "keyring.json").exists()
    signed_in = accounts.sign_in(data_dir, "coordinator", PASSWORD, kdf=CHEAP_KDF)
    try:
        assert len(stored_cases(signed_in.store)) == 3
    finally:
        signed_in.close()


def test_a_restore_that_fails_changes_nothing(office: accounts.SignedIn, made: Path) -> None:
    data_dir, key = office.data_dir, office.key
    office.close()
    before = files_in(data_dir.root)
    _flip(made, made.stat().st_size - 5000)
    with pytest.raises(BackupDamaged):
        backup.restore_backup(data_dir, made, key)
    assert files_in(data_dir.root) == before


def _lock(data_dir: DataDir, pid: int, host: str) -> None:
    # As Qt's QLockFile writes it: process id, program, host name, and ids Caseworker does not read.
    data_dir.lock.write_text(f"{pid}\ncaseworker\n{host}\nmachine\nboot\n", encoding="utf-8")


def test_a_restore_while_the_app_holds_the_folder_is_refused(office: accounts.SignedIn, made: Path) -> None:
    data_dir, key = office.data_dir, office.key
    office.close()
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        _lock(data_dir, running.pid, socket.gethostname())  # another live process on this machine
        before = files_in(data_dir.root)
        with pytest.raises(backup.DataFolderInUse) as refused:
            backup.restore_backup(data_dir, made, key)
        assert str(data_dir.lock) in refused.value.message
        assert files_in(data_dir.root) == before
    finally:
        running.kill()
        running.wait()
    _lock(data_dir, os.getpid(), "another-laptop")  # a shared folder held elsewhere
    with pytest.raises(backup.DataFolderInUse):
        backup.restore_backup(data_dir, made, key)


def test_the_apps_own_lock_does_not_stop_its_own_restore(office: accounts.SignedIn, made: Path) -> None:
    """The app restores from its sign-in window, holding its lock, with its stores closed."""
    data_dir, key = office.data_dir, office.key
    office.close()
    _lock(data_dir, os.getpid(), socket.gethostname())
    assert not data_dir.in_use()
    assert backup.restore_backup(data_dir, made, key).cases == 3


def test_a_lock_left_by_a_process_that_ended_does_not_stop_a_restore(office: accounts.SignedIn, made: Path) -> None:
    data_dir, key = office.data_dir, office.key
    office.close()
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    _lock(data_dir, ended.pid, socket.gethostname())
    assert not data_dir.in_use()
    assert backup.restore_backup(data_dir, made, key).cases == 3


def test_a_cancelled_restore_changes_nothing(office: accounts.SignedIn, made: Path, small_chunks: None) -> None:
    data_dir, key = office.data_dir, office.key
    office.close()
    before = files_in(data_dir.root)
    with pytest.raises(RestoreCancelled):
        backup.restore_backup(data_dir, made, key, progress=lambda done, total: done < total // 2)
    assert files_in(data_dir.root) == before


def test_restore_removes_a_stale_write_ahead_log(office: accounts.SignedIn, made: Path, tmp_path: Path) -> None:
    data_dir, key = office.data_dir, office.key
    office.close()
    stale = Path(f"{data_dir.cases_db}-wal")
    stale.write_bytes(b"left over by a crash" * 100)
    backup.restore_backup(data_dir, made, key)
    assert not stale.exists()
    signed_in = accounts.sign_in(data_dir, "coordinator", PASSWORD, kdf=CHEAP_KDF)
    try:
        assert integrity_problems(signed_in.store) == []
    finally:
        signed_in.close()


# --- hostile files: only the module's own errors -----------------------------------------------


@pytest.fixture(scope="module")
def real_backup(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, DataKey]:
    folder = tmp_path_factory.mktemp("fuzz")
    signed_in, _recovery = accounts.set_up(
        DataDir(folder / "org"), organisation="Fuzz", username="coordinator", display_name="Maria Rossi",
        password=PASSWORD, kdf=CHEAP_KDF,
    )
    try:
        load_starter(signed_in.data_dir)
        cases.create_case(signed_in.store, a_client())
        backup_file_path = folder / "real.cwbackup"
        original_chunk = backup_file.CHUNK_BYTES
        backup_file.CHUNK_BYTES = 8192  # several chunks, so that edits land in every kind of place
        try:
            backup.create_backup(signed_in, backup_file_path)
        finally:
            backup_file.CHUNK_BYTES = original_chunk
        return backup_file_path.read_bytes(), signed_in.key
    finally:
        signed_in.close()


_FUZZ = settings(max_examples=FUZZ_EXAMPLES, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@_FUZZ
@given(data=st.one_of(st.binary(max_size=4000), st.binary(max_size=400).map(lambda b: backup_file.MAGIC + b)))
def test_random_bytes_get_only_backup_errors(data: bytes, real_backup: tuple[bytes, DataKey], tmp_path: Path) -> None:
    path = tmp_path / "random.cwbackup"
    path.write_bytes(data)
    for read in (backup.describe_backup, backup.verify_backup):
        with pytest.raises(BackupUnusable) as caught:
            read(path, real_backup[1])
        assert str(path) in caught.value.message


_EDITS = st.lists(
    st.one_of(
        byte_edit(),
        st.tuples(st.just("replace"), st.sampled_from([b'"format":1', b'"chunk_size":8192', b'"payload_bytes":', b'"kind":"password"',
                                                       b'"memory_kib":8192', b'"entries":[']),
                  st.sampled_from([b'"format":"1"', b'"format":1e400', b'"chunk_size":0', b'"payload_bytes":-', b'"kind":[]',
                                   b'"memory_kib":99999999999', b'"entries":[[[[[[', b"\x00", b""])),
    ),
    min_size=1,
    max_size=3,
)


@_FUZZ
@given(edits=_EDITS)
def test_a_changed_real_backup_gets_only_backup_errors(
    edits: list[tuple[Any, ...]], real_backup: tuple[bytes, DataKey], tmp_path: Path
) -> None:
    original, key = real_backup
    data = edited(original, edits)
    assume(data != original)
    path = tmp_path / "changed.cwbackup"
    path.write_bytes(data)
    # Every change is found by a full check; reading only the manifest, or only the header to
    # unlock the key, may find nothing wrong yet, but then answers as for the original.
    with pytest.raises(BackupUnusable) as caught:
        backup.verify_backup(path, key)
    assert str(path) in caught.value.message
    try:
        assert backup.describe_backup(path, key) == dataclasses.replace(backup.describe_backup(real_path(original, tmp_path), key), path=path, size=len(data))
    except BackupUnusable as error:
        assert str(path) in error.message
    try:
        assert backup.unlock_backup_key(path, "coordinator", PASSWORD, kdf=CHEAP_KDF).raw() == key.raw()
    except (BackupUnusable, WrongPassword):
        pass


def real_path(data: bytes, folder: Path) -> Path:
    path = folder / "original.cwbackup"
    path.write_bytes(data)
    return path


@pytest.fixture(autouse=True)
def _no_leftovers(tmp_path: Path) -> Iterator[None]:
    """No test leaves a snapshot or a partial file behind, wherever it wrote."""
    yield
    leftovers = [p for p in tmp_path.rglob("*") if p.name.startswith(".caseworker-") or p.name.endswith(".partial")]
    assert leftovers == []


def test_work_folders_left_by_a_killed_backup_are_cleared_the_next_time(office: accounts.SignedIn, tmp_path: Path) -> None:
    out = tmp_path / "stick"
    out.mkdir()
    left = out / ".caseworker-backup-killed"
    (left / "inner").mkdir(parents=True)
    (left / "inner" / "cases.db").write_bytes(b"half a snapshot")
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(left, (two_days_ago, two_days_ago))
    busy = out / ".caseworker-backup-running"  # another backup, under way right now
    busy.mkdir()

    backup.create_backup(office, out / "today.cwbackup")

    assert not left.exists()
    assert busy.exists()
    assert backup.remove_stale_work(out, ".caseworker-backup-", now=time.time() + 3 * 24 * 3600) == [busy]
