"""Opening the stores: SQLCipher keying, connection pragmas, transactions, and
backup-then-migrate at start-up.

Every connection to cases.db is keyed before its first statement, runs with foreign keys on,
WAL and synchronous=FULL, and a busy timeout. Python's sqlite3 driver would delay BEGIN until
the first write; the driver's own transaction handling is switched off and each transaction
starts explicitly: BEGIN for reads, BEGIN IMMEDIATE for writes, so a write never meets a lock
half-way through.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlcipher3
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.pool import QueuePool

from caseworker.core.errors import DamagedStore, DiskFull, NewerStore, ReadOnlyDataDir, StoreDamagedNoWrites
from caseworker.core.i18n import _, fill
from caseworker.core.keys import DataKey

BUSY_TIMEOUT_MS = 5000
CACHE_SIZE = -65536  # 64 MiB of decrypted pages per connection
# The newest revision in migrations/versions. Opening a store already at this revision needs no
# Alembic at all (importing it costs a noticeable part of a second at sign-in); a test checks
# that this matches Alembic's own head.
SCHEMA_HEAD = "0006"
KEEP_MIGRATION_BACKUPS = 5


def _sqlite_error_to_caseworker(exc: BaseException, path: Path) -> Exception | None:
    message = str(exc).lower()
    if "database or disk is full" in message or getattr(exc, "errno", None) == errno.ENOSPC:
        return DiskFull()
    if "readonly database" in message or "read-only" in message or "unable to open database" in message:
        return ReadOnlyDataDir(folder=str(path.parent))
    if "file is not a database" in message or "malformed" in message or "not an error" in message:
        return DamagedStore(file=str(path))
    return None


def connect_cases(path: Path, key: DataKey, *, read_only: bool = False) -> sqlcipher3.Connection:
    """A raw, keyed SQLCipher connection; raises DamagedStore if the key does not open the file."""
    if read_only:
        connection = sqlcipher3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False, isolation_level=None)
    else:
        connection = sqlcipher3.connect(str(path), check_same_thread=False, isolation_level=None)
    try:
        connection.execute(f"PRAGMA key = {key.sqlcipher_pragma_value}")
        # The first read decrypts page 1: a wrong key or a damaged or foreign file fails here.
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if not read_only:
            connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = FULL")
        connection.execute("PRAGMA secure_delete = ON")
        # Temporary tables and sorts (the statistics build some) stay in memory, never in a file.
        connection.execute("PRAGMA temp_store = MEMORY")
        connection.execute(f"PRAGMA cache_size = {CACHE_SIZE}")
    except sqlcipher3.DatabaseError as exc:
        connection.close()
        translated = _sqlite_error_to_caseworker(exc, path)
        raise (translated or DamagedStore(file=str(path))) from exc
    return connection


# Connections lent to one thread at a time and given back after each transaction. (A URL without
# a file name would otherwise get SQLAlchemy's pool for in-memory databases, one connection per
# thread that closes the oldest once more than five threads have used it, even while in use.)
# Two stay open between uses; a few more are opened when background work needs them.
POOL: dict[str, Any] = {"poolclass": QueuePool, "pool_size": 2, "max_overflow": 8, "pool_pre_ping": False}


def install_transaction_handling(engine: Engine) -> None:
    """BEGIN for reads, BEGIN IMMEDIATE for a connection with caseworker_begin="IMMEDIATE"; a
    connection that met a damaged page is closed rather than lent out again."""
    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("caseworker_begin", "")
        connection.exec_driver_sql(f"BEGIN {mode}".strip())

    @event.listens_for(engine, "handle_error")
    def _damaged_connection(context: Any) -> None:
        # SQLCipher keeps a page's failed check as an error of the connection, so every later
        # statement on it would fail too, on sound pages as well: SQLAlchemy is told to treat it
        # as a lost connection, and closes it. The other connections in the pool stay.
        if isinstance(_sqlite_error_to_caseworker(context.original_exception, Path()), DamagedStore):
            context.is_disconnect = True
            context.invalidate_pool_on_disconnect = False


@dataclass
class SqliteStore:
    """A store file open through SQLAlchemy: one session per transaction, BEGIN for reads and
    BEGIN IMMEDIATE for writes, SQLite's errors said in the person's words."""

    path: Path
    engine: Engine
    read_only: bool = False
    #: set when a check found the file damaged: reads go on, writes are refused (StoreDamagedNoWrites)
    damaged: str | None = None

    @staticmethod
    def translate_error(exc: BaseException, path: Path) -> Exception | None:
        return _sqlite_error_to_caseworker(exc, path)

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        with self._translated_errors(), Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction, started with BEGIN IMMEDIATE, committed when the block ends."""
        if self.read_only:
            raise ReadOnlyDataDir(folder=str(self.path.parent))
        if self.damaged is not None:
            raise StoreDamagedNoWrites(reason=self.damaged)
        bind = self.engine.execution_options(caseworker_begin="IMMEDIATE")
        with self._translated_errors(), Session(bind, expire_on_commit=False) as session, session.begin():
            yield session

    @contextlib.contextmanager
    def _translated_errors(self) -> Iterator[None]:
        try:
            yield
        except (OperationalError, DBAPIError) as exc:
            translated = self.translate_error(exc.orig or exc, self.path)
            if translated is None:
                raise
            if self.damaged is None and isinstance(translated, DamagedStore):
                self.damaged = str(exc.orig or exc)  # the case files take no more writes
            raise translated from exc

    def fold_write_ahead_log(self, tries: int = 50) -> bool:
        """Copy the write-ahead log into the file and empty it (a checkpoint that truncates), so
        that pages written before, a deleted person's among them, are left nowhere else. A
        reader still holding an older snapshot makes it wait; False if it never could."""
        for _attempt in range(tries):
            with self.engine.connect() as connection:
                busy = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if busy is None or not busy[0]:
                return True
            time.sleep(0.1)
        return False

    def dispose(self) -> None:
        self.engine.dispose()


@dataclass
class CasesStore(SqliteStore):
    """The encrypted case-file store, open with its key."""

    @classmethod
    def open(cls, path: Path, key: DataKey, *, read_only: bool = False) -> CasesStore:
        # An empty file would open as a new database and be written to; it is damage.
        if not path.exists() or path.stat().st_size == 0:
            raise DamagedStore(file=str(path))
        connect_cases(path, key, read_only=read_only).close()  # fail early, with a clear error
        engine = create_engine(
            "sqlite+pysqlite://",
            module=sqlcipher3,
            creator=lambda: connect_cases(path, key, read_only=read_only),
            **POOL,
        )
        install_transaction_handling(engine)
        return cls(path=path, engine=engine, read_only=read_only)

    @classmethod
    def create(cls, path: Path, key: DataKey) -> CasesStore:
        """A new, empty, encrypted store at the current schema."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.exists():
                raise FileExistsError(path)
            connect_cases(path, key).close()
        except PermissionError as exc:
            raise ReadOnlyDataDir(folder=str(path.parent)) from exc
        store = cls.open(path, key)
        migrate(store)
        return store

    def backup_to(self, target: Path, key: DataKey) -> None:
        """A consistent copy through SQLite's backup API, encrypted with the same key."""
        partial = target.with_name(target.name + ".partial")
        partial.unlink(missing_ok=True)
        destination = sqlcipher3.connect(str(partial), isolation_level=None)
        try:
            destination.execute(f"PRAGMA key = {key.sqlcipher_pragma_value}")
            source = connect_cases(self.path, key, read_only=True)
            try:
                source.backup(destination)
            finally:
                source.close()
        except sqlcipher3.Error as exc:
            destination.close()
            partial.unlink(missing_ok=True)
            raise (_sqlite_error_to_caseworker(exc, target) or exc) from exc
        destination.close()
        os.replace(partial, target)


# --- schema versions -------------------------------------------------------------------------


def _alembic_config(connection: Any) -> Any:
    # Alembic is imported here, not at the top: it is only needed once a store is opened, and
    # keeping it out of start-up lets the login window show sooner.
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    config.attributes["connection"] = connection
    return config


def known_revisions() -> tuple[set[str], str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_alembic_config(None))
    return {rev.revision for rev in script.walk_revisions()}, script.get_current_head()  # type: ignore[return-value]


def current_revision(store: CasesStore) -> str | None:
    with store.engine.connect() as connection:
        tables = {row[0] for row in connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'")}
        if "alembic_version" not in tables:
            if tables:
                raise DamagedStore(file=str(store.path))
            return None
        row = connection.exec_driver_sql("SELECT version_num FROM alembic_version").fetchone()
        return row[0] if row else None


def needs_migration(store: CasesStore) -> bool:
    known, head = known_revisions()
    revision = current_revision(store)
    if revision is not None and revision not in known:
        raise NewerStore(file=str(store.path))
    return revision != head


def migrate(store: CasesStore, backup: Callable[[str], Path] | None = None) -> Path | None:
    """Bring the store to the current schema; if it holds data, ``backup(revision)`` first.

    A store written by a newer version is refused and left untouched. Returns the backup made.
    """
    revision = current_revision(store)
    if revision == SCHEMA_HEAD:
        return None
    known, head = known_revisions()
    if revision is not None and revision not in known:
        raise NewerStore(file=str(store.path))
    if revision == head:
        return None
    made = backup(revision) if revision is not None and backup is not None else None
    upgrade_to_head(store, _alembic_config, DamagedStore(file=str(store.path)))
    return made


def migration_backup(backup_dir: Path, store_name: str, revision: str, copy: Callable[[Path], None]) -> Path:
    """A copy of one store made before its schema changes; the last KEEP_MIGRATION_BACKUPS stay.

    For the directory, which opens (and migrates) without a key, from the volunteers' lookup
    too. The case files are backed up whole instead (services.backup.before_migration)."""
    backup_dir.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    backup = backup_dir / f"{store_name}-before-migration-{revision}-{stamp}.db"
    copy(backup)
    _prune(backup_dir, f"{store_name}-before-migration-*.db", KEEP_MIGRATION_BACKUPS)
    return backup


def upgrade_to_head(
    store: SqliteStore,
    config_for: Callable[[Any], Any],
    damaged: Exception,
    then: Callable[[Any], None] | None = None,
) -> None:
    """Run a store's Alembic upgrade to head in one write transaction; ``then`` runs inside it.

    Batch mode rebuilds a table by DROP and rename; with foreign keys on, the DROP would cascade
    and delete every row that refers to it. The pragma is ignored inside a transaction, so it is
    switched off before BEGIN and the references are checked at the end instead, before
    anything is committed (``damaged`` is raised, and nothing changes, if any is broken).
    """
    from alembic import command

    bind = store.engine.execution_options(caseworker_begin="IMMEDIATE")
    with store._translated_errors(), bind.connect() as connection:
        raw = connection.connection.driver_connection
        raw.execute("PRAGMA foreign_keys = OFF")  # type: ignore[union-attr]
        try:
            with connection.begin():
                command.upgrade(config_for(connection), "head")
                if connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall():
                    raise damaged
                if then is not None:
                    then(connection)
        finally:
            raw.execute("PRAGMA foreign_keys = ON")  # type: ignore[union-attr]


def _prune(folder: Path, pattern: str, keep: int) -> None:
    for old in sorted(folder.glob(pattern))[:-keep]:
        old.unlink(missing_ok=True)


def integrity_problems(store: CasesStore) -> list[str]:
    """What SQLite and SQLCipher find wrong inside the store; empty when it is sound."""
    problems: list[str] = []
    with store.engine.connect() as connection:
        # The cipher check first: it names the page whose HMAC fails, where integrity_check
        # would stop at the first such page with a bare "malformed" error.
        for pragma in ("cipher_integrity_check", "integrity_check", "foreign_key_check"):
            try:
                rows = [" ".join(str(v) for v in row) for row in connection.exec_driver_sql(f"PRAGMA {pragma}")]
            except DBAPIError as exc:
                problems.append(str(exc.orig or exc))
                connection.rollback()
                continue
            problems += [r for r in rows if r != "ok"]
    return problems


_PAGE = re.compile(r"(?:\bpage\s+|pgno=)(\d+)", re.IGNORECASE)


def damage_reason(problem: str) -> str:
    """SQLite's and SQLCipher's words for damage (English and technical), said in the person's
    language: the page, where one is named, for whoever restores or reports it."""
    found = _PAGE.search(problem)
    if found:
        return fill(_("page {page} of the file fails its check"), page=int(found.group(1)))
    return _("the file's structure fails its check")


def quick_problems(store: CasesStore) -> list[str]:
    """SQLite's quick check: every page read and decrypted and each b-tree's structure checked
    (indexes are not compared with their tables, so it takes time in step with the file's size).
    Run with a small page cache, so that the connection does not keep 64 MiB of pages it read
    only to check them. Empty when nothing is found wrong."""
    with store.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA cache_size = -2048")
        try:
            rows = [" ".join(str(v) for v in row) for row in connection.exec_driver_sql("PRAGMA quick_check")]
        except DBAPIError as exc:
            rows = [str(exc.orig or exc)]
        problems = [row for row in rows if row != "ok"]
        if problems:
            # SQLCipher keeps a page's failed check as an error of the connection, which would
            # then fail every later read: this one is closed, not given back to the pool.
            connection.invalidate()
        else:
            connection.exec_driver_sql(f"PRAGMA cache_size = {CACHE_SIZE}")
    return problems


def exec_sql(store: CasesStore, sql: str) -> list[tuple[Any, ...]]:
    """For tests and checks: run one statement outside the ORM."""
    with store.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql))]
