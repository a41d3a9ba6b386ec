"""Backups: one encrypted file holding both stores, made, described, verified and restored.

A backup is made from snapshots taken with SQLite's backup API, never by copying files (a store in
WAL mode is not whole on disk): cases.db through a SQLCipher connection, so its snapshot stays
encrypted with the data key, and directory.db through its own connection. The snapshots are
checked in full (SQLite's integrity and foreign key checks, and SQLCipher's page check to name a
damaged page) before the backup is given its name: a damaged store is refused, so a good older
backup is never pushed out by a bad new one. Checking the snapshots rather than the live files
checks exactly what the backup holds. The integrity check of the case files, the longest part,
runs on a second core while the snapshots are counted, hashed and sealed.

The container (caseworker.core.backup_file) seals everything under a key derived from the data
key; its header carries the key ring, so a backup restores into an empty folder with a user's
password or the recovery key.

A backup is written to ``OUT.partial``, flushed to disk and renamed, so a full disk, a pulled USB
stick or a cancel never leaves a file that looks like a backup. A restore checks the whole backup
first, keeps the current data as a backup of its own, and only then replaces the files, each by
a rename: if it fails before that step, nothing in the data folder has changed.

Nothing may have the stores open during a restore (the app closes them; the command line never
holds them).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import sqlcipher3

from caseworker import __version__
from caseworker.core import backup_file
from caseworker.core.backup_file import (
    BackupDamaged,
    BackupIncomplete,
    BackupOfOtherCaseFiles,
    BackupUnusable,
    Manifest,
    Member,
    NewerBackup,
    NotABackup,
    PayloadReader,
    PayloadWriter,
)
from caseworker.core.db import KEEP_MIGRATION_BACKUPS, CasesStore
from caseworker.core.db import known_revisions as cases_revisions
from caseworker.core.directory.store import DamagedDirectory, NewerDirectory, connect_directory
from caseworker.core.directory.store import known_revisions as directory_revisions
from caseworker.core.errors import (
    BadInput,
    Cancelled,
    CaseworkerError,
    DamagedStore,
    DiskFull,
    NewerStore,
    NotSetUp,
    ReadOnlyDataDir,
)
from caseworker.core.files import sync_folder, translate_os_error
from caseworker.core.i18n import N_, _, fill
from caseworker.core.keys import RFC9106_LOW_MEMORY, DataKey, KdfParams, KeyRing, KeyRingDamaged, RecoveryKey
from caseworker.core.models.enums import AuditAction
from caseworker.core.paths import DataDir
from caseworker.core.services import audit
from caseworker.core.throttle import SignInThrottle, tried_under

if TYPE_CHECKING:
    from caseworker.core.services.accounts import SignedIn

# The container's errors are named here too: a caller of these services needs one module.
__all__ = [
    "BackupCancelled",
    "BackupDamaged",
    "BackupFolderNotWritable",
    "BackupIncomplete",
    "BackupInfo",
    "BackupOfOtherCaseFiles",
    "BackupUnusable",
    "NewerBackup",
    "NotABackup",
    "RestoreCancelled",
    "RestoredBackup",
    "StoreNotBackedUp",
    "automatic_backup",
    "create_backup",
    "describe_backup",
    "restore_backup",
    "unlock_backup_key",
    "unlock_backup_with_recovery",
    "verify_backup",
]

Progress = Callable[[int, int], bool]
Clock = Callable[[], dt.datetime]

SUFFIX = ".cwbackup"
KEEP_AUTOMATIC = 10
_BLOCK = 1024 * 1024
# Argon2 costs no version of the app has written; a ring asking for more is not one of ours, and
# honouring it could take the laptop's whole memory.
_MAX_KDF = KdfParams(time_cost=100, memory_kib=4 * 1024 * 1024, parallelism=255)


class StoreNotBackedUp(CaseworkerError):
    template = N_("No backup was made: {file} is damaged ({reason}). Earlier backups are untouched; restore the latest one that is sound.")


class DataFolderInUse(BadInput):
    template = N_("Caseworker is running with the data folder {folder}. Close it before restoring a backup; nothing was changed. (If it is not running, delete {lock}.)")


class BackupFolderNotWritable(BadInput):
    template = N_("Caseworker cannot write a backup to {folder}. Choose a folder you can write to; nothing was changed.")


class BackupCancelled(Cancelled):
    template = N_("The backup was cancelled; no file was written.")


class RestoreCancelled(Cancelled):
    template = N_("The restore was cancelled; nothing was changed.")


@dataclass(frozen=True)
class BackupInfo:
    """What a backup holds, from its manifest."""

    path: Path
    created_at: dt.datetime  # UTC
    app_version: str
    cases: int
    people: int
    services: int
    users: int
    size: int  # bytes of the backup file
    cases_schema: str | None
    directory_schema: str | None

    @classmethod
    def of(cls, path: Path, manifest: Manifest) -> BackupInfo:
        c = manifest.counts
        return cls(
            path=path,
            created_at=manifest.created_at,
            app_version=manifest.app_version,
            cases=c["cases"],
            people=c["people"],
            services=c["services"],
            users=c["users"],
            size=path.stat().st_size,
            cases_schema=manifest.schema["cases"],
            directory_schema=manifest.schema["directory"],
        )


@dataclass(frozen=True)
class RestoredBackup(BackupInfo):
    """A restored backup, and where the data it replaced was kept (None if there was none)."""

    kept: Path | None = None


def backup_facts(info: BackupInfo) -> list[str]:
    """What a backup holds, a line each, in the language spoken: shown before a restore and
    after a check, on the command line and in the app."""
    from caseworker.core.i18n import format_datetime, format_number

    return [
        fill(_("Made on: {date}"), date=format_datetime(info.created_at.astimezone())),
        fill(_("By Caseworker version: {version}"), version=info.app_version),
        fill(_("Case files: {n}"), n=format_number(info.cases)),
        fill(_("People: {n}"), n=format_number(info.people)),
        fill(_("Services in the directory: {n}"), n=format_number(info.services)),
        fill(_("Accounts: {n}"), n=format_number(info.users)),
        fill(_("Size: {megabytes} MB"), megabytes=format_number(round(info.size / 1_000_000, 1))),
    ]


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


# --- making a backup -------------------------------------------------------------------------


def create_backup(signed_in: SignedIn, out: Path, *, progress: Progress | None = None, clock: Clock = _utc_now) -> BackupInfo:
    """Write a backup of both stores to ``out`` (any folder: a USB stick will do).

    ``progress(done, total)`` is called as the file is written; returning False cancels, and
    BackupCancelled is raised with no file left behind. A damaged store raises StoreNotBackedUp.
    """
    info = _make_backup(signed_in.data_dir.root, signed_in.key, Path(out), progress=progress, clock=clock)
    audit.note(signed_in.store, signed_in.user, AuditAction.BACKUP_MADE, subject=info.path.name)
    return info


def automatic_backup(signed_in: SignedIn, keep: int = KEEP_AUTOMATIC, *, clock: Clock = _utc_now) -> Path:
    """A backup in the data folder's backups folder, named by the time it was made; only the
    latest ``keep`` automatic backups stay (those kept by a restore are not touched)."""
    if keep < 1:
        raise ValueError("keep at least one backup")
    backups = signed_in.data_dir.backups
    out = backups / f"caseworker-{_stamp(clock())}{SUFFIX}"
    create_backup(signed_in, out, clock=clock)
    # The timestamp sorts by time; before-restore backups start with a letter and never match.
    for old in sorted(backups.glob(f"caseworker-[0-9]*Z{SUFFIX}"))[:-keep]:
        old.unlink(missing_ok=True)
    return out


def before_migration(
    data_dir: DataDir, key: DataKey, revision: str, keep: int = KEEP_MIGRATION_BACKUPS, *, clock: Clock = _utc_now
) -> Path:
    """The backup made before the case files' schema changes, while this program can still read
    them: a whole backup like any other (both stores and the key ring, restored from the sign-in
    window or with ``caseworker backup restore``), in the backups folder, named by the schema it
    holds. The latest ``keep`` stay. A damaged store is refused (StoreNotBackedUp), so it is never
    migrated."""
    out = data_dir.backups / f"caseworker-before-migration-{revision}-{_stamp(clock())}{SUFFIX}"
    _make_backup(data_dir.root, key, out, progress=None, clock=clock)
    for old in sorted(data_dir.backups.glob(f"caseworker-before-migration-*{SUFFIX}"))[:-keep]:
        old.unlink(missing_ok=True)
    return out


def _make_backup(root: Path, key: DataKey, out: Path, *, progress: Progress | None, clock: Clock) -> BackupInfo:
    cases_db, directory_db, keyring = root / "cases.db", root / "directory.db", root / "keyring.json"
    if not cases_db.exists():
        raise NotSetUp(folder=str(root))
    try:
        KeyRing.load(keyring)  # a damaged ring is refused before anything is written
        key_ring = json.loads(keyring.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NotSetUp(folder=str(root)) from None
    partial = out.with_name(out.name + ".partial")
    try:
        with _writing_to(out.parent, BackupFolderNotWritable), _snapshot_folder(out.parent) as work:
            snapshots = [work / "cases.db"]
            _snapshot_cases(cases_db, key, snapshots[0], out.parent)
            if directory_db.exists():
                snapshots.append(work / "directory.db")
                _snapshot_directory(directory_db, snapshots[1], out.parent)
            with _CasesCheck(snapshots[0], key, reported_as=cases_db) as integrity:
                cases_facts = integrity.facts()
                directory_facts = _directory_facts(snapshots[1], reported_as=directory_db) if len(snapshots) > 1 else (None, 0)
                manifest = Manifest(
                    created_at=clock(),
                    app_version=__version__,
                    schema={"cases": cases_facts[0], "directory": directory_facts[0]},
                    counts={**cases_facts[1], "services": directory_facts[1]},
                    members=tuple(_member(path) for path in snapshots),
                )
                _write_container(partial, key, key_ring, manifest, snapshots, progress)
                integrity.passed()  # only then is the backup given its name
        os.replace(partial, out)
        sync_folder(out.parent)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return BackupInfo.of(out, manifest)


@contextlib.contextmanager
def _writing_to(folder: Path, refused: Callable[..., CaseworkerError]) -> Iterator[None]:
    """OS errors said in the person's words: a full disk, or a folder that takes no files
    (``refused(folder=...)``)."""
    try:
        yield
    except OSError as exc:
        translated = translate_os_error(exc, folder)
        if isinstance(translated, ReadOnlyDataDir) or isinstance(exc, (PermissionError, FileNotFoundError)):
            raise refused(folder=str(folder)) from exc
        raise translated from exc


#: A work folder this old was left by a backup or restore that was killed (a flat battery, a pulled
#: stick); a live one is minutes old at most.
STALE_WORK_SECONDS = 24 * 3600


def remove_stale_work(folder: Path, prefix: str, *, now: float | None = None) -> list[Path]:
    """Remove the work folders (``prefix`` + random) that a killed backup or restore left in
    ``folder`` more than a day ago; returns what was removed. Never raises."""
    moment = time.time() if now is None else now
    removed = []
    try:
        candidates = list(folder.glob(f"{prefix}*"))
    except OSError:
        return removed
    for candidate in candidates:
        try:
            if candidate.is_dir() and not candidate.is_symlink() and moment - candidate.stat().st_mtime > STALE_WORK_SECONDS:
                shutil.rmtree(candidate, ignore_errors=True)
                removed.append(candidate)
        except OSError:
            continue
    return removed


@contextlib.contextmanager
def _snapshot_folder(folder: Path) -> Iterator[Path]:
    # Beside the backup: the one folder known to be writable and to need the room anyway. The
    # case file snapshot in it is encrypted like cases.db itself.
    folder.mkdir(parents=True, exist_ok=True)
    remove_stale_work(folder, ".caseworker-backup-")
    work = Path(tempfile.mkdtemp(prefix=".caseworker-backup-", dir=folder))
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _open_cases(path: Path, key: DataKey, *, any_thread: bool = False) -> sqlcipher3.Connection:
    """A read-only, keyed connection; DamagedStore if the key does not open the file.

    (connect_cases builds its read-only URI from the bare path, which a folder named with a # or
    a ? would break; a backup may be written to any folder.)"""
    try:
        connection = sqlcipher3.connect(
            f"{path.absolute().as_uri()}?mode=ro", uri=True, isolation_level=None, check_same_thread=not any_thread
        )
    except sqlcipher3.Error as exc:
        raise DamagedStore(file=str(path)) from exc
    try:
        connection.execute(f"PRAGMA key = {key.sqlcipher_pragma_value}")
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher3.Error as exc:
        connection.close()
        raise DamagedStore(file=str(path)) from exc
    return connection


def _snapshot_cases(source_path: Path, key: DataKey, target: Path, folder: Path) -> None:
    try:
        source = _open_cases(source_path, key)
    except DamagedStore as exc:
        raise StoreNotBackedUp(file=str(source_path), reason=str(exc.__cause__ or exc)) from exc
    try:
        destination = sqlcipher3.connect(str(target), isolation_level=None)
        try:
            destination.execute(f"PRAGMA key = {key.sqlcipher_pragma_value}")
            source.backup(destination)
            # The copy carries the source's WAL flag; a snapshot is one file that stands alone.
            destination.execute("PRAGMA journal_mode = DELETE")
        finally:
            destination.close()
    except sqlcipher3.Error as exc:
        raise _snapshot_error(exc, source_path, folder) from exc
    finally:
        source.close()


def _snapshot_directory(source_path: Path, target: Path, folder: Path) -> None:
    try:
        source = connect_directory(source_path, read_only=True)
    except DamagedDirectory as exc:
        raise StoreNotBackedUp(file=str(source_path), reason=str(exc.__cause__ or exc)) from exc
    try:
        destination = sqlite3.connect(str(target), isolation_level=None)
        try:
            source.backup(destination)
            destination.execute("PRAGMA journal_mode = DELETE")
        finally:
            destination.close()
    except sqlite3.Error as exc:
        raise _snapshot_error(exc, source_path, folder) from exc
    finally:
        source.close()


def _snapshot_error(exc: BaseException, source: Path, folder: Path) -> Exception:
    translated = CasesStore.translate_error(exc, folder / "backup")
    if isinstance(translated, DiskFull):
        return translated
    if isinstance(translated, ReadOnlyDataDir):
        return BackupFolderNotWritable(folder=str(folder))
    return StoreNotBackedUp(file=str(source), reason=str(exc))


def _problems(connection: Any, pragmas: tuple[str, ...]) -> list[str]:
    problems: list[str] = []
    for pragma in pragmas:
        rows = [" ".join(str(v) for v in row) for row in connection.execute(f"PRAGMA {pragma}")]
        problems += [row for row in rows if row != "ok"]
    return problems


def _revision(connection: Any) -> str | None:
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "alembic_version" not in tables:
        return None
    row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    return row[0] if row else None


def _count(connection: Any, table: str) -> int:
    return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def _cases_facts(snapshot: Path, key: DataKey, *, reported_as: Path) -> tuple[str | None, dict[str, int]]:
    """The schema revision and the counts of a case file snapshot whose foreign keys hold;
    StoreNotBackedUp naming ``reported_as`` if they do not. (Its integrity: _CasesCheck.)"""
    connection = _open_snapshot(snapshot, key, reported_as=reported_as)
    try:
        problems = _problems(connection, ("foreign_key_check",))
        if problems:
            raise StoreNotBackedUp(file=str(reported_as), reason=problems[0])
        counts = {name: _count(connection, table) for name, table in (("cases", "case_file"), ("people", "person"), ("users", "user_account"))}
        return _revision(connection), counts
    except sqlcipher3.Error as exc:
        raise StoreNotBackedUp(file=str(reported_as), reason=str(exc)) from exc
    finally:
        connection.close()


def _open_snapshot(snapshot: Path, key: DataKey, *, reported_as: Path, any_thread: bool = False) -> sqlcipher3.Connection:
    try:
        return _open_cases(snapshot, key, any_thread=any_thread)
    except DamagedStore as exc:
        raise StoreNotBackedUp(file=str(reported_as), reason=str(exc.__cause__ or exc)) from exc


class _CasesCheck:
    """SQLite's full integrity check of a case file snapshot, on a thread of its own: it reads
    every page and every index entry again (at 100,000 cases it takes longer than the snapshot
    did), and SQLite lets go of the interpreter's lock while it works, so the caller goes on
    with the counting (``facts()``), hashing and sealing meanwhile. ``passed()`` waits for it and raises
    StoreNotBackedUp naming ``reported_as`` on any problem; leaving the ``with`` block before
    that interrupts the check."""

    def __init__(self, snapshot: Path, key: DataKey, *, reported_as: Path) -> None:
        self._snapshot, self._key, self._reported_as = snapshot, key, reported_as
        self._connection = _open_snapshot(snapshot, key, reported_as=reported_as, any_thread=True)
        self._problems: list[str] = []
        self._thread = threading.Thread(target=self._run, name="caseworker-backup-check", daemon=True)

    def __enter__(self) -> _CasesCheck:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._thread.is_alive():
            self._connection.interrupt()
        self._thread.join()
        self._connection.close()

    def _run(self) -> None:
        try:
            self._problems = _problems(self._connection, ("integrity_check",))
        except sqlcipher3.Error as exc:  # a page that does not decrypt can stop the check itself
            self._problems = [str(exc)]
        if self._problems:
            # SQLCipher's page check names the page whose HMAC fails, where integrity_check
            # stops at the first such page with a bare "malformed".
            with contextlib.suppress(sqlcipher3.Error):
                self._problems = _problems(self._connection, ("cipher_integrity_check",)) or self._problems

    def facts(self) -> tuple[str | None, dict[str, int]]:
        """_cases_facts of the same snapshot, meanwhile. A damaged page stops the counting too;
        then the check's reason, which names the page, is the one given."""
        try:
            return _cases_facts(self._snapshot, self._key, reported_as=self._reported_as)
        except StoreNotBackedUp:
            self.passed()
            raise

    def passed(self) -> None:
        self._thread.join()
        if self._problems:
            raise StoreNotBackedUp(file=str(self._reported_as), reason=self._problems[0])


def _directory_facts(snapshot: Path, *, reported_as: Path) -> tuple[str | None, int]:
    try:
        connection = connect_directory(snapshot, read_only=True)
    except DamagedDirectory as exc:
        raise StoreNotBackedUp(file=str(reported_as), reason=str(exc.__cause__ or exc)) from exc
    try:
        problems = _problems(connection, ("integrity_check", "foreign_key_check"))
        if problems:
            raise StoreNotBackedUp(file=str(reported_as), reason=problems[0])
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return _revision(connection), _count(connection, "service") if "service" in tables else 0
    except sqlite3.Error as exc:
        raise StoreNotBackedUp(file=str(reported_as), reason=str(exc)) from exc
    finally:
        connection.close()


def _member(path: Path) -> Member:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while block := handle.read(_BLOCK):
            digest.update(block)
            size += len(block)
    return Member(path.name, size, digest.hexdigest())


def _open_for_writing(path: Path) -> BinaryIO:
    # Readable by its owner only, like keyring.json: the wrapped keys are in its header.
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o600), "wb")


def _write_container(
    partial: Path, key: DataKey, key_ring: dict[str, Any], manifest: Manifest, members: list[Path], progress: Progress | None
) -> None:
    header, start = backup_file.new_header(key, key_ring, manifest.payload_bytes, backup_file.CHUNK_BYTES)
    total = header.payload_bytes

    def report(done: int) -> None:
        if progress is not None and progress(done, total) is False:
            raise BackupCancelled()

    report(0)
    with _open_for_writing(partial) as handle:
        handle.write(start)
        writer = PayloadWriter(handle, header, key)
        writer.write(manifest.encoded())
        for path in members:
            with path.open("rb") as source:
                while block := source.read(_BLOCK):
                    writer.write(block)
                    report(writer.written)
        writer.finish()
        handle.flush()
        os.fsync(handle.fileno())
    report(total)


# --- reading a backup ------------------------------------------------------------------------


def _open_file(path: Path) -> BinaryIO:
    try:
        return path.open("rb")
    except FileNotFoundError:
        raise BadInput(N_("There is no file {file}."), file=str(path)) from None
    except IsADirectoryError:
        raise NotABackup(file=str(path)) from None
    except OSError as exc:
        raise BadInput(N_("Caseworker may not read {file}. Ask for read access; nothing was changed."), file=str(path)) from exc


@contextlib.contextmanager
def _opened(path: Path, key: DataKey) -> Iterator[tuple[backup_file.Header, PayloadReader, Manifest]]:
    path = Path(path)
    with _open_file(path) as handle:
        header = backup_file.read_header(handle, path)
        if not header.opens_with(key):
            raise BackupOfOtherCaseFiles(file=str(path))
        reader = PayloadReader(handle, header, key, path)
        yield header, reader, backup_file.read_manifest(reader, header, path)


def _header_only(path: Path) -> backup_file.Header:
    path = Path(path)
    with _open_file(path) as handle:
        return backup_file.read_header(handle, path)


def describe_backup(path: Path, key: DataKey) -> BackupInfo:
    """What the backup holds (date, version, counts, size), from its manifest alone."""
    with _opened(path, key) as (_header, _reader, manifest):
        return BackupInfo.of(Path(path), manifest)


def verify_backup(path: Path, key: DataKey, progress: Progress | None = None) -> BackupInfo:
    """Decrypt the whole backup, check every checksum, and check each store in it as
    ``caseworker check`` would, in a temporary folder: the data folder is not touched."""
    with tempfile.TemporaryDirectory(prefix="caseworker-verify-") as work:
        manifest, header = _unpack(Path(path), key, Path(work), progress, Cancelled)
        _check_unpacked(Path(path), Path(work), key, manifest)
        _key_ring(Path(path), header.key_ring)
    return BackupInfo.of(Path(path), manifest)


def _unpack(
    path: Path, key: DataKey, folder: Path, progress: Progress | None, cancelled: type[Cancelled]
) -> tuple[Manifest, backup_file.Header]:
    """Each store of the backup written to ``folder``, flushed to disk, its checksum checked."""
    with _opened(path, key) as (header, reader, manifest):
        total = header.payload_bytes

        def report() -> None:
            if progress is not None and progress(reader.done, total) is False:
                raise cancelled()

        report()
        for member in manifest.members:
            digest = hashlib.sha256()
            with _writing_to(folder, ReadOnlyDataDir), (folder / member.name).open("wb") as out:
                left = member.size
                while left:
                    block = reader.read(min(_BLOCK, left))
                    digest.update(block)
                    out.write(block)
                    left -= len(block)
                    report()
                out.flush()
                os.fsync(out.fileno())
            if digest.hexdigest() != member.sha256:
                raise BackupDamaged(file=str(path))
        reader.finish()
        report()
    return manifest, header


def _check_unpacked(path: Path, folder: Path, key: DataKey, manifest: Manifest) -> None:
    """The stores unpacked into ``folder`` open, pass every check, match the manifest's counts
    and are of a schema this version knows."""
    file = str(path)
    known_cases, _head = cases_revisions()
    if manifest.schema["cases"] is None:
        raise BackupDamaged(file=file)
    if manifest.schema["cases"] not in known_cases:
        raise NewerBackup(file=file)
    try:
        with _CasesCheck(folder / "cases.db", key, reported_as=path) as integrity:
            revision, counts = integrity.facts()
            integrity.passed()
        services = 0
        if "directory.db" in {m.name for m in manifest.members}:
            known_directory, _head = directory_revisions()
            if manifest.schema["directory"] is None:
                raise BackupDamaged(file=file)
            if manifest.schema["directory"] not in known_directory:
                raise NewerBackup(file=file)
            directory_revision, services = _directory_facts(folder / "directory.db", reported_as=path)
            if directory_revision != manifest.schema["directory"]:
                raise BackupDamaged(file=file)
    except StoreNotBackedUp as exc:
        raise BackupDamaged(file=file) from exc
    if revision != manifest.schema["cases"] or {**counts, "services": services} != dict(manifest.counts):
        raise BackupDamaged(file=file)


def _key_ring(path: Path, document: Any) -> KeyRing:
    """The key ring a backup carries, read by the same code as keyring.json."""
    with tempfile.TemporaryDirectory(prefix="caseworker-keyring-") as folder:
        ring_path = Path(folder) / "keyring.json"
        ring_path.write_text(json.dumps(document), encoding="utf-8")
        try:
            ring = KeyRing.load(ring_path)
        except KeyRingDamaged as exc:
            raise BackupDamaged(file=str(path)) from exc
    for entry in ring.entries:
        if (entry.kdf.time_cost > _MAX_KDF.time_cost or entry.kdf.memory_kib > _MAX_KDF.memory_kib
                or entry.kdf.parallelism > _MAX_KDF.parallelism):
            raise BackupDamaged(file=str(path))
    return ring


def unlock_backup_key(
    path: Path, username: str, password: str, *, kdf: KdfParams = RFC9106_LOW_MEMORY, throttle: SignInThrottle | None = None
) -> DataKey:
    """The data key from the key ring in the backup's header (WrongPassword if it does not open):
    a backup can be verified or restored where no data folder is set up. ``throttle``, the data
    folder's, brakes password guessing here as at the sign-in window."""
    header = _header_only(path)
    ring = _key_ring(Path(path), header.key_ring)
    if throttle is None:
        key = ring.unlock(username, password, kdf)
    else:
        key = tried_under(throttle, lambda: ring.unlock(username, password, kdf))
    if not header.opens_with(key):
        raise BackupDamaged(file=str(path))
    return key


def unlock_backup_with_recovery(path: Path, recovery: RecoveryKey) -> DataKey:
    """The data key from the recovery key written down at set-up (WrongRecoveryKey if it does not open)."""
    header = _header_only(path)
    key = _key_ring(Path(path), header.key_ring).unlock_with_recovery(recovery)
    if not header.opens_with(key):
        raise BackupDamaged(file=str(path))
    return key


# --- restoring -------------------------------------------------------------------------------

_STORE_FILES = ("cases.db", "directory.db")
_COMPANIONS = ("-wal", "-shm", "-journal")
# What keeps the data in a folder from being backed up the usual way: it is damaged, of another
# organisation, or of a newer version. It is then moved aside as it is, not backed up.
_UNUSABLE_DATA = (DamagedStore, StoreNotBackedUp, KeyRingDamaged, NotSetUp, NewerStore, DamagedDirectory, NewerDirectory)


def restore_backup(
    data_dir: DataDir, path: Path, key: DataKey, *, progress: Progress | None = None, clock: Clock = _utc_now
) -> RestoredBackup:
    """Replace the data in ``data_dir`` (a DataDir) with the backup's.

    The backup is checked in full first. The data already there is kept: as a backup named
    ``caseworker-before-restore-….cwbackup`` in the backups folder, or, if it cannot be backed
    up (damaged, of other case files), moved as it is into a ``before-restore-…`` folder there.
    Then cases.db, directory.db and keyring.json are each replaced by a rename. A failure
    before that step leaves the data folder as it was. Nothing may have the stores open.
    """
    path = Path(path)
    root: Path = data_dir.root
    if data_dir.in_use():
        raise DataFolderInUse(folder=str(root), lock=str(data_dir.lock))
    made_root = not root.exists()
    try:
        root.mkdir(parents=True, exist_ok=True)
        remove_stale_work(root, ".caseworker-restore-")
        # Beside the stores, so that each can be swapped in by a rename.
        work = Path(tempfile.mkdtemp(prefix=".caseworker-restore-", dir=root))
    except OSError as exc:
        raise ReadOnlyDataDir(folder=str(root)) from exc
    try:
        try:
            manifest, header = _unpack(path, key, work, progress, RestoreCancelled)
            _check_unpacked(path, work, key, manifest)
            _key_ring(path, header.key_ring)
            with _writing_to(root, ReadOnlyDataDir), _open_for_writing(work / "keyring.json") as out:
                out.write(json.dumps(header.key_ring, indent=1).encode("utf-8"))
                out.flush()
                os.fsync(out.fileno())
            kept = _keep_current_data(root, key, _stamp(clock()), clock)
            _replace(root, work, set_aside=kept if kept is not None and kept.is_dir() else None)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    except BaseException:
        if made_root:
            with contextlib.suppress(OSError):
                root.rmdir()  # only if it is still empty
        raise
    info = BackupInfo.of(path, manifest)
    return RestoredBackup(**{f.name: getattr(info, f.name) for f in fields(BackupInfo)}, kept=kept)


def _present(root: Path) -> list[Path]:
    names = [f"{store}{suffix}" for store in _STORE_FILES for suffix in ("", *_COMPANIONS)] + ["keyring.json"]
    return [root / name for name in names if (root / name).exists()]


def _keep_current_data(root: Path, key: DataKey, stamp: str, clock: Clock) -> Path | None:
    """Where the data now in ``root`` will be kept: a backup file, made now; or a folder, for
    data that cannot be backed up, which _replace moves it into. None if there is no data."""
    present = _present(root)
    if not present:
        return None
    backups = root / "backups"
    if (root / "cases.db").exists():
        out = backups / f"caseworker-before-restore-{stamp}{SUFFIX}"
        try:
            _make_backup(root, key, out, progress=None, clock=clock)
            return out
        except _UNUSABLE_DATA:
            pass
    folder = backups / f"before-restore-{stamp}"
    with _writing_to(backups, ReadOnlyDataDir):
        folder.mkdir(parents=True, exist_ok=True)
    return folder


def _replace(root: Path, work: Path, *, set_aside: Path | None) -> None:
    """Swap the unpacked files in. The stale -wal and -shm files go first: SQLite would read a
    leftover write-ahead log into the restored store. Data that could not be backed up is moved
    into ``set_aside`` rather than removed."""
    with _writing_to(root, ReadOnlyDataDir):
        for name in (*_STORE_FILES, "keyring.json"):
            target = root / name
            for old in [target, *(root / f"{name}{suffix}" for suffix in _COMPANIONS)]:
                if not old.exists():
                    continue
                if set_aside is not None:
                    os.replace(old, set_aside / old.name)
                elif old != target:
                    old.unlink()
            new = work / name
            if new.exists():
                os.replace(new, target)
            elif target.exists():
                # A backup made without a directory restores to a folder without one.
                target.unlink()
        sync_folder(root)
