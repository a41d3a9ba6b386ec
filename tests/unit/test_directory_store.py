"""The directory store (caseworker/core/directory/store.py, models.py, migrations/): a new store is
at the head with the service categories, connections carry the pragmas, writes lock at BEGIN,
the models match the migrated schema, and a newer, damaged or foreign file is refused unchanged,
while an older one is backed up and migrated."""

from __future__ import annotations

import shutil
import sqlite3
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from caseworker.core.directory import search, store
from caseworker.core.directory.models import DirectoryBase
from caseworker.core.directory.store import DamagedDirectory, DirectoryStore, NewerDirectory, NoDirectory
from caseworker.core.directory.taxonomy import CATEGORIES, TAXONOMY_ID
from caseworker.core.errors import ReadOnlyDataDir

ORGANIZATION = "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"
SERVICE = "ac148810-d857-441c-9679-408f346de14b"
PHONE = "1554f2e2-a373-45db-a3fa-9fc48a61c15e"


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "directory.db"


@pytest.fixture
def directory(path: Path) -> Iterator[DirectoryStore]:
    opened = DirectoryStore.create(path)
    yield opened
    opened.dispose()


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _add_service(directory: DirectoryStore) -> None:
    with directory.write() as session:
        connection = session.connection()
        connection.execute(
            text("INSERT INTO organization (id, name, description) VALUES (:id, 'Harbour Welcome', 'An NGO')"), {"id": ORGANIZATION}
        )
        connection.execute(
            text(
                "INSERT INTO service (id, organization_id, name, status, verify_locally) "
                "VALUES (:id, :organization, 'Italian for work', 'active', 0)"
            ),
            {"id": SERVICE, "organization": ORGANIZATION},
        )
        connection.execute(
            text("INSERT INTO phone (id, service_id, number) VALUES (:id, :service, '+39 06 1234567')"),
            {"id": PHONE, "service": SERVICE},
        )


# --- a new store ---------------------------------------------------------------------------------


def test_a_new_directory_is_at_the_head_with_the_service_categories(directory: DirectoryStore) -> None:
    known, head = store.known_revisions()

    assert head == store.SCHEMA_HEAD
    assert known == {"0001"}
    assert store.current_revision(directory) == head
    assert not store.needs_migration(directory)
    terms = store.exec_sql(directory, f"SELECT id, code FROM taxonomy_term WHERE taxonomy_id = '{TAXONOMY_ID}'")
    assert sorted(terms) == sorted((c.id, c.code) for c in CATEGORIES)
    tables = {row[0] for row in store.exec_sql(directory, "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {t.name for t in DirectoryBase.metadata.sorted_tables} <= tables
    assert {search.SEARCH_TABLE, search.FACETS_TABLE} <= tables
    assert store.integrity_problems(directory) == []


def test_every_session_has_the_pragmas(directory: DirectoryStore) -> None:
    for open_session in (directory.read, directory.write):
        with open_session() as session:
            connection = session.connection()
            values = {
                pragma: connection.exec_driver_sql(f"PRAGMA {pragma}").scalar()
                for pragma in ("foreign_keys", "journal_mode", "synchronous", "busy_timeout")
            }
        assert values == {"foreign_keys": 1, "journal_mode": "wal", "synchronous": 2, "busy_timeout": 5000}


def _other_writer_is_locked_out(path: Path) -> bool:
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        assert "locked" in str(exc)
        return True
    else:
        other.execute("ROLLBACK")
        return False
    finally:
        other.close()


def test_a_write_takes_the_lock_at_begin_and_a_read_does_not(directory: DirectoryStore, path: Path) -> None:
    # Python's sqlite3 would begin at the first write, and a transaction that read first could
    # then meet a lock half-way; the store's write transaction holds the lock from its start.
    with directory.write() as session:
        session.execute(text("SELECT count(*) FROM service"))
        assert _other_writer_is_locked_out(path)
    with directory.read() as session:
        session.execute(text("SELECT count(*) FROM service"))
        assert not _other_writer_is_locked_out(path)


def test_a_record_goes_with_its_owner(directory: DirectoryStore) -> None:
    _add_service(directory)
    with directory.write() as session:
        session.execute(text("DELETE FROM organization"))
    assert store.exec_sql(directory, "SELECT count(*) FROM service") == [(0,)]
    assert store.exec_sql(directory, "SELECT count(*) FROM phone") == [(0,)]


def test_a_reference_to_nothing_is_refused(directory: DirectoryStore) -> None:
    with pytest.raises(sa.exc.IntegrityError), directory.write() as session:
        session.execute(text("INSERT INTO phone (id, service_id, number) VALUES (:id, :s, '1')"), {"id": PHONE, "s": SERVICE})
    assert store.exec_sql(directory, "SELECT count(*) FROM phone") == [(0,)]


def test_create_does_not_overwrite(directory: DirectoryStore, path: Path) -> None:
    with pytest.raises(FileExistsError):
        DirectoryStore.create(path)


def test_open_or_create(tmp_path: Path) -> None:
    path = tmp_path / "directory.db"
    created = DirectoryStore.open_or_create(path)
    _add_service(created)
    created.dispose()

    opened = DirectoryStore.open_or_create(path)
    try:
        assert store.exec_sql(opened, "SELECT name FROM service") == [("Italian for work",)]
    finally:
        opened.dispose()


def test_a_missing_directory_is_said_plainly(tmp_path: Path) -> None:
    with pytest.raises(NoDirectory) as caught:
        DirectoryStore.open(tmp_path / "nowhere.db")
    assert str(tmp_path / "nowhere.db") in caught.value.message
    assert not (tmp_path / "nowhere.db").exists()


def test_a_read_only_store_refuses_to_write(directory: DirectoryStore, path: Path) -> None:
    _add_service(directory)
    directory.dispose()
    reader = DirectoryStore.open(path, read_only=True)
    try:
        with reader.read() as session:
            assert session.execute(text("SELECT count(*) FROM service")).scalar() == 1
        with pytest.raises(ReadOnlyDataDir):
            with reader.write():
                pass
    finally:
        reader.dispose()


def test_a_backup_is_a_complete_database(directory: DirectoryStore, tmp_path: Path) -> None:
    _add_service(directory)
    target = tmp_path / "copy.db"

    directory.backup_to(target)

    copy = sqlite3.connect(target)
    try:
        assert copy.execute("SELECT name FROM service").fetchall() == [("Italian for work",)]
        assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        copy.close()
    assert not target.with_name("copy.db.partial").exists()


# --- the models and the migrations -------------------------------------------------------------------


def _differences(connection: sa.Connection, metadata: sa.MetaData) -> list[Any]:
    def ours(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
        # The search index's tables belong to the search module, not to the models.
        return not (type_ == "table" and name in search.SEARCH_TABLES)

    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "compare_server_default": True, "include_object": ours}
    )
    return compare_metadata(context, metadata)


def test_the_models_match_the_migrated_schema(directory: DirectoryStore) -> None:
    with directory.engine.connect() as connection:
        assert _differences(connection, DirectoryBase.metadata) == []


def test_the_comparison_sees_a_model_change(directory: DirectoryStore) -> None:
    changed = sa.MetaData(naming_convention=DirectoryBase.metadata.naming_convention)
    for table in DirectoryBase.metadata.sorted_tables:
        table.to_metadata(changed)
    changed.tables["service"].append_column(sa.Column("wait_time", sa.Text))
    sa.Table("program", changed, sa.Column("id", sa.String(36), primary_key=True))

    with directory.engine.connect() as connection:
        kinds = sorted(diff[0] for diff in _differences(connection, changed))

    assert kinds == ["add_column", "add_table"]


def test_the_migrations_do_not_import_the_models() -> None:
    for script in (store.MIGRATIONS / "versions").glob("*.py"):
        source = script.read_text(encoding="utf-8")
        assert "directory.models" not in source, script.name
        assert "directory import models" not in source, script.name


# --- files that are not for this program ---------------------------------------------------------------


def test_a_directory_from_a_newer_version_is_refused_and_left_alone(directory: DirectoryStore, path: Path) -> None:
    _add_service(directory)
    with directory.write() as session:
        session.execute(text("UPDATE alembic_version SET version_num = 'ffff_newer'"))
    directory.dispose()
    before = _files(path.parent)

    with pytest.raises(NewerDirectory) as caught:
        DirectoryStore.open(path)

    assert str(path) in caught.value.message and "newer version" in caught.value.message
    assert _files(path.parent) == before
    assert not (path.parent / "backups").exists()


def _damaged_page_one(path: Path) -> None:
    directory = DirectoryStore.create(path)
    _add_service(directory)
    directory.dispose()
    data = bytearray(path.read_bytes())
    # The schema table's page header and cells, past the 100-byte file header, turned to noise.
    data[100:600] = bytes((i * 37 + 11) % 256 for i in range(500))
    path.write_bytes(bytes(data))


def _foreign_database(path: Path) -> None:
    other = sqlite3.connect(path)
    other.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT)")
    other.commit()
    other.close()


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda p: p.write_text("name,city\nHarbour,Roma\n", encoding="utf-8"), id="a CSV file"),
        pytest.param(lambda p: p.write_bytes(b""), id="an empty file"),
        pytest.param(lambda p: p.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000), id="a header and noise"),
        pytest.param(_damaged_page_one, id="a damaged schema page"),
        pytest.param(_foreign_database, id="another program's database"),
    ],
)
def test_a_damaged_or_foreign_file_is_refused_and_left_alone(path: Path, make: Callable[[Path], None]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    make(path)
    before = _files(path.parent)

    with pytest.raises(DamagedDirectory) as caught:
        DirectoryStore.open(path)
    with pytest.raises(DamagedDirectory):
        DirectoryStore.open_or_create(path)

    assert str(path) in caught.value.message
    assert _files(path.parent) == before


# --- an older schema -------------------------------------------------------------------------------------


@pytest.fixture
def add_revision(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """Make the program believe it ships one more revision, 0002, whose upgrade() is ``body``."""

    def add(body: str) -> None:
        scripts = tmp_path / "migrations"
        shutil.copytree(store.MIGRATIONS, scripts, ignore=shutil.ignore_patterns("__pycache__"))
        (scripts / "versions" / "0002_test_step.py").write_text(
            "from alembic import op\nimport sqlalchemy as sa\n\n"
            "revision = '0002'\ndown_revision = '0001'\nbranch_labels = None\ndepends_on = None\n\n\n"
            "def upgrade() -> None:\n" + textwrap.indent(textwrap.dedent(body).strip(), "    ") + "\n",
            encoding="utf-8",
        )
        monkeypatch.setattr(store, "MIGRATIONS", scripts)
        monkeypatch.setattr(store, "SCHEMA_HEAD", "0002")
        assert store.known_revisions() == ({"0001", "0002"}, "0002")

    return add


def test_an_older_directory_is_backed_up_then_migrated(
    directory: DirectoryStore, path: Path, add_revision: Callable[[str], None]
) -> None:
    _add_service(directory)
    directory.dispose()
    add_revision(
        """
        with op.batch_alter_table('service') as batch_op:
            batch_op.add_column(sa.Column('wait_time', sa.Text(), nullable=True))
        """
    )

    migrated = DirectoryStore.open(path)
    try:
        assert store.current_revision(migrated) == "0002"
        # Batch mode rebuilt the table; nothing hanging off it was lost.
        assert store.exec_sql(migrated, "SELECT name, wait_time FROM service") == [("Italian for work", None)]
        assert store.exec_sql(migrated, "SELECT number FROM phone") == [("+39 06 1234567",)]
        assert store.integrity_problems(migrated) == []
    finally:
        migrated.dispose()
    backups = sorted((path.parent / "backups").glob("directory-before-migration-0001-*.db"))
    assert len(backups) == 1
    old = sqlite3.connect(backups[0])
    try:
        assert old.execute("SELECT version_num FROM alembic_version").fetchall() == [("0001",)]
        assert old.execute("SELECT name FROM service").fetchall() == [("Italian for work",)]
    finally:
        old.close()


def test_a_failed_migration_changes_nothing(directory: DirectoryStore, path: Path, add_revision: Callable[[str], None]) -> None:
    _add_service(directory)
    directory.dispose()
    add_revision(
        """
        op.execute("DELETE FROM phone")
        raise RuntimeError("a step that fails half-way")
        """
    )

    with pytest.raises(RuntimeError):
        DirectoryStore.open(path)

    unchanged = sqlite3.connect(path)
    try:
        assert unchanged.execute("SELECT version_num FROM alembic_version").fetchall() == [("0001",)]
        assert unchanged.execute("SELECT count(*) FROM phone").fetchall() == [(1,)]
    finally:
        unchanged.close()
