"""Opening directory.db: connection pragmas, transactions, and backup-then-migrate.

The directory is plain SQLite (volunteers open it without a key). Every connection runs with
foreign keys on, WAL, synchronous=FULL and a busy timeout. As for the case files, the driver's own
transaction handling is off and each transaction starts explicitly: BEGIN for reads, BEGIN
IMMEDIATE for writes (caseworker.core.db.install_transaction_handling).

Opening never changes a file it cannot use: a file that is not an SQLite database, or is damaged,
is refused before any pragma writes to it; a directory written by a newer program is refused too.
An older schema is backed up through SQLite's backup API, then migrated in one transaction.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, create_engine, select, text
from sqlalchemy.exc import DBAPIError

from caseworker.core.db import POOL, SqliteStore, install_transaction_handling, migration_backup, upgrade_to_head
from caseworker.core.directory.models import Taxonomy, TaxonomyTerm
from caseworker.core.directory.taxonomy import CATEGORIES, TAXONOMY_ID, TAXONOMY_NAME
from caseworker.core.errors import BadInput, CaseworkerError, DiskFull, ReadOnlyDataDir
from caseworker.core.i18n import N_

BUSY_TIMEOUT_MS = 5000
# The newest revision in migrations/versions: a store already there opens without Alembic (a
# test checks that this matches Alembic's own head).
SCHEMA_HEAD = "0001"
SQLITE_HEADER = b"SQLite format 3\x00"
MIGRATIONS = Path(__file__).with_name("migrations")


class DamagedDirectory(CaseworkerError):
    template = N_("The directory {file} cannot be read: it is damaged or is not a Caseworker directory. Nothing was changed. Restore it from a backup or import the directory again.")


class NewerDirectory(CaseworkerError):
    template = N_("The directory {file} was written by a newer version of Caseworker. Install that version or a later one to open it; nothing was changed.")


class NoDirectory(BadInput):
    template = N_("There is no directory at {file}.")


def _translate_sqlite_error(exc: BaseException, path: Path) -> Exception | None:
    message = str(exc).lower()
    if "database or disk is full" in message or getattr(exc, "errno", None) == errno.ENOSPC:
        return DiskFull()
    if "readonly database" in message or "read-only" in message or "unable to open database" in message:
        return ReadOnlyDataDir(folder=str(path.parent))
    if "file is not a database" in message or "malformed" in message or "not an error" in message:
        return DamagedDirectory(file=str(path))
    return None


def _looks_like_sqlite(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER


def connect_directory(path: Path, *, read_only: bool = False, create: bool = False) -> sqlite3.Connection:
    """A raw connection with the directory's pragmas; raises DamagedDirectory for a foreign or
    damaged file, before anything is written to it."""
    mode = "ro" if read_only else ("rwc" if create else "rw")
    try:
        connection = sqlite3.connect(
            f"{path.absolute().as_uri()}?mode={mode}", uri=True, check_same_thread=False, isolation_level=None
        )
    except sqlite3.Error as exc:
        raise (_translate_sqlite_error(exc, path) or DamagedDirectory(file=str(path))) from exc
    try:
        # The first read parses the schema on page 1: a foreign or damaged file fails here.
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if not read_only:
            connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = FULL")
        # 64 MiB of pages: a large directory's search index then stays in memory between keystrokes.
        connection.execute("PRAGMA cache_size = -65536")
    except sqlite3.Error as exc:
        connection.close()
        raise (_translate_sqlite_error(exc, path) or DamagedDirectory(file=str(path))) from exc
    return connection


def _inspect(path: Path) -> str | None:
    """The schema revision of the file at ``path``, read without writing to it; raises
    DamagedDirectory for anything that is not a readable Caseworker directory."""
    # An empty file would open as a new database and be written to; it is damage.
    if path.stat().st_size == 0 or not _looks_like_sqlite(path):
        raise DamagedDirectory(file=str(path))
    # A reader of a WAL database leaves -wal and -shm files behind; with no pending WAL, the file
    # is read as immutable, which creates neither. (With a pending WAL they are there already.)
    wal = path.with_name(path.name + "-wal")
    immutable = "" if wal.exists() and wal.stat().st_size > 0 else "&immutable=1"
    try:
        connection = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro{immutable}", uri=True, isolation_level=None)
    except sqlite3.Error as exc:
        raise (_translate_sqlite_error(exc, path) or DamagedDirectory(file=str(path))) from exc
    try:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")}
        if "alembic_version" not in tables:
            if tables:  # some other program's database
                raise DamagedDirectory(file=str(path))
            return None
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        return row[0] if row else None
    except sqlite3.Error as exc:
        raise (_translate_sqlite_error(exc, path) or DamagedDirectory(file=str(path))) from exc
    finally:
        connection.close()


@dataclass
class DirectoryStore(SqliteStore):
    """The referral directory, open."""

    @staticmethod
    def translate_error(exc: BaseException, path: Path) -> Exception | None:
        return _translate_sqlite_error(exc, path)

    @classmethod
    def open(cls, path: Path, *, read_only: bool = False, backup_dir: Path | None = None) -> DirectoryStore:
        """Open an existing directory, migrating it (after a backup into ``backup_dir``, by default
        the ``backups`` folder beside it) if an older program wrote it."""
        path = Path(path)
        if not path.exists():
            raise NoDirectory(file=str(path))
        # Everything that can refuse the file is checked on a read-only connection first: the
        # read-write one switches the file to WAL, which writes to it.
        revision = _inspect(path)
        if revision != SCHEMA_HEAD:
            known, _head = known_revisions()
            if revision is not None and revision not in known:
                raise NewerDirectory(file=str(path))
            if read_only:
                raise ReadOnlyDataDir(folder=str(path.parent))
        store = cls._at(path, read_only=read_only)
        if not read_only:
            try:
                migrate(store, backup_dir if backup_dir is not None else path.parent / "backups")
            except BaseException:
                store.dispose()
                raise
        return store

    @classmethod
    def create(cls, path: Path) -> DirectoryStore:
        """A new, empty directory at the current schema, with the service categories."""
        path = Path(path)
        if path.exists():
            raise FileExistsError(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            connect_directory(path, create=True).close()
        except PermissionError as exc:
            raise ReadOnlyDataDir(folder=str(path.parent)) from exc
        store = cls._at(path)
        try:
            migrate(store, backup_dir=None)
        except BaseException:
            store.dispose()
            path.unlink(missing_ok=True)
            raise
        return store

    @classmethod
    def open_or_create(cls, path: Path, *, backup_dir: Path | None = None) -> DirectoryStore:
        path = Path(path)
        if path.exists():
            return cls.open(path, backup_dir=backup_dir)
        return cls.create(path)

    @classmethod
    def _at(cls, path: Path, *, read_only: bool = False) -> DirectoryStore:
        engine = create_engine(
            "sqlite+pysqlite://",
            module=sqlite3,
            creator=lambda: connect_directory(path, read_only=read_only),
            **POOL,
        )
        install_transaction_handling(engine)
        return cls(path=path, engine=engine, read_only=read_only)

    def backup_to(self, target: Path) -> None:
        """A consistent copy through SQLite's backup API (never a file copy: WAL)."""
        partial = target.with_name(target.name + ".partial")
        partial.unlink(missing_ok=True)
        try:
            destination = sqlite3.connect(str(partial), isolation_level=None)
            try:
                source = connect_directory(self.path, read_only=True)
                try:
                    source.backup(destination)
                finally:
                    source.close()
            finally:
                destination.close()
        except sqlite3.Error as exc:
            partial.unlink(missing_ok=True)
            raise (_translate_sqlite_error(exc, target) or exc) from exc
        os.replace(partial, target)


def ensure_service_categories(connection: Connection) -> None:
    """The product's service categories, as an HSDS taxonomy with its terms; adds what is missing.

    The names stored are the English ones (HSDS has one language per record); the app shows
    each category's label translated through the catalogs (taxonomy.Category.label).
    """
    if connection.execute(select(Taxonomy.id).where(Taxonomy.id == TAXONOMY_ID)).first() is None:
        connection.execute(
            Taxonomy.__table__.insert(),
            {"id": TAXONOMY_ID, "name": TAXONOMY_NAME, "description": TAXONOMY_NAME, "uri": None, "version": None},
        )
    present = set(connection.execute(select(TaxonomyTerm.id).where(TaxonomyTerm.taxonomy_id == TAXONOMY_ID)).scalars())
    missing = [
        {"id": c.id, "taxonomy_id": TAXONOMY_ID, "code": c.code, "name": c.label_msgid, "description": c.label_msgid}
        for c in CATEGORIES
        if c.id not in present
    ]
    if missing:
        connection.execute(TaxonomyTerm.__table__.insert(), missing)


# --- schema versions -------------------------------------------------------------------------


def _alembic_config(connection: Any) -> Any:
    # Imported here: Alembic is needed only when a store is created or migrated.
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def known_revisions() -> tuple[set[str], str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_alembic_config(None))
    return {rev.revision for rev in script.walk_revisions()}, script.get_current_head()  # type: ignore[return-value]


def current_revision(store: DirectoryStore) -> str | None:
    with store._translated_errors(), store.engine.connect() as connection:
        tables = {
            row[0]
            for row in connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        }
        if "alembic_version" not in tables:
            if tables:  # some other program's database
                raise DamagedDirectory(file=str(store.path))
            return None
        row = connection.exec_driver_sql("SELECT version_num FROM alembic_version").fetchone()
        return row[0] if row else None


def _refuse_newer(store: DirectoryStore) -> None:
    revision = current_revision(store)
    known, _head = known_revisions()
    if revision is not None and revision not in known:
        raise NewerDirectory(file=str(store.path))


def needs_migration(store: DirectoryStore) -> bool:
    _refuse_newer(store)
    return current_revision(store) != known_revisions()[1]


def migrate(store: DirectoryStore, backup_dir: Path | None) -> Path | None:
    """Bring the directory to the current schema; back it up first if it holds a schema.

    A directory written by a newer version is refused and left untouched. Returns the backup made.
    """
    revision = current_revision(store)
    if revision == SCHEMA_HEAD:
        return None
    known, head = known_revisions()
    if revision is not None and revision not in known:
        raise NewerDirectory(file=str(store.path))
    if revision == head:
        return None
    backup = None
    if revision is not None and backup_dir is not None:
        backup = migration_backup(backup_dir, "directory", revision, store.backup_to)
    upgrade_to_head(store, _alembic_config, DamagedDirectory(file=str(store.path)), then=ensure_service_categories)
    return backup


def integrity_problems(store: DirectoryStore) -> list[str]:
    """What SQLite finds wrong inside the directory; empty when it is sound."""
    problems: list[str] = []
    with store.engine.connect() as connection:
        for pragma in ("integrity_check", "foreign_key_check"):
            try:
                rows = [" ".join(str(v) for v in row) for row in connection.exec_driver_sql(f"PRAGMA {pragma}")]
            except DBAPIError as exc:
                problems.append(str(exc.orig or exc))
                connection.rollback()
                continue
            problems += [r for r in rows if r != "ok"]
    return problems


def exec_sql(store: DirectoryStore, sql: str) -> list[tuple[Any, ...]]:
    """For tests and checks: run one statement outside the ORM."""
    with store.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql))]
