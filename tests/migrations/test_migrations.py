"""Schema versions of cases.db: a new store is at the head, the models match the migrations, a
store from a newer program is refused, and an older store is backed up, then migrated without
losing a row."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from caseworker.core import db
from caseworker.core.errors import NewerStore
from caseworker.core.keys import DataKey, KdfParams
from caseworker.core.models import Base
from caseworker.core.paths import DataDir
from caseworker.core.services import accounts, backup, cases
from tests.conftest import PASSWORD
from tests.migrations.fixtures import schema_0001

MIGRATIONS = Path(db.__file__).with_name("migrations")


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _rows(store: db.CasesStore, table: str) -> list[tuple[Any, ...]]:
    return sorted(db.exec_sql(store, schema_0001.select_rows(table)))


def _tables(store: db.CasesStore) -> set[str]:
    return {row[0] for row in db.exec_sql(store, "SELECT name FROM sqlite_master WHERE type = 'table'")}


def _sign_in_fixture(data_dir: DataDir, kdf: KdfParams) -> accounts.SignedIn:
    return accounts.sign_in(data_dir, schema_0001.USERNAME, schema_0001.PASSWORD, kdf)


# --- the current schema ----------------------------------------------------------------------------


def test_a_new_store_is_at_the_head(signed_in: accounts.SignedIn) -> None:
    known, head = db.known_revisions()

    assert "0001" in known
    assert head in known
    assert db.current_revision(signed_in.store) == head
    assert not db.needs_migration(signed_in.store)
    assert db.migrate(signed_in.store, lambda revision: pytest.fail("nothing to back up")) is None
    assert not signed_in.data_dir.backups.exists()


def _differences(connection: sa.Connection, metadata: sa.MetaData) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True, "compare_server_default": True})
    return compare_metadata(context, metadata)


def test_the_models_match_the_migrated_schema(signed_in: accounts.SignedIn) -> None:
    with signed_in.store.engine.connect() as connection:
        assert _differences(connection, Base.metadata) == []


def test_the_comparison_sees_a_model_change(signed_in: accounts.SignedIn) -> None:
    # The check above would pass vacuously if compare_metadata saw nothing; a model with one more
    # column and one more table than the store must show up.
    changed = sa.MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.sorted_tables:
        table.to_metadata(changed)
    changed.tables["person"].append_column(sa.Column("nickname", sa.String(50)))
    sa.Table("follow_up_test", changed, sa.Column("id", sa.Integer, primary_key=True))

    with signed_in.store.engine.connect() as connection:
        kinds = sorted(diff[0] for diff in _differences(connection, changed))

    assert kinds == ["add_column", "add_table"]


# --- a store from a newer program --------------------------------------------------------------------


def test_a_store_from_a_newer_version_is_refused_and_left_alone(signed_in: accounts.SignedIn, cheap_kdf: KdfParams) -> None:
    with signed_in.store.write() as session:
        session.execute(text("UPDATE alembic_version SET version_num = 'ffff_newer'"))
    signed_in.close()
    data_dir = signed_in.data_dir
    before = _files(data_dir.root)

    with pytest.raises(NewerStore) as caught:
        accounts.sign_in(data_dir, "coordinator", PASSWORD, cheap_kdf)

    assert str(data_dir.cases_db) in caught.value.message
    assert _files(data_dir.root) == before
    assert not data_dir.backups.exists()


# --- a store at an older schema ------------------------------------------------------------------------


@pytest.fixture
def store_0001(data_dir: DataDir, cheap_kdf: KdfParams) -> tuple[DataDir, DataKey]:
    return data_dir, schema_0001.build(data_dir, cheap_kdf)


def test_the_schema_0001_fixture_is_the_0001_schema(store_0001: tuple[DataDir, DataKey]) -> None:
    # The frozen DDL is what revision 0001 creates; if it drifted, the fixture would test nothing.
    data_dir, key = store_0001
    fresh_path = data_dir.root.parent / "fresh.db"
    fresh_key = DataKey.generate()
    db.connect_cases(fresh_path, fresh_key).close()
    stores = [db.CasesStore.open(data_dir.cases_db, key), db.CasesStore.open(fresh_path, fresh_key)]
    try:
        # Exactly revision 0001, however many revisions come after it.
        with stores[1].engine.begin() as connection:
            command.upgrade(db._alembic_config(connection), schema_0001.REVISION)
        fixture_sql, fresh_sql = (
            [
                (kind, name, " ".join(sql.split()) if sql else None)
                for kind, name, sql in db.exec_sql(store, "SELECT type, name, sql FROM sqlite_master ORDER BY name")
            ]
            for store in stores
        )
    finally:
        for store in stores:
            store.dispose()

    assert len(fixture_sql) > 20
    assert fixture_sql == fresh_sql


def test_a_store_at_schema_0001_opens_with_every_row(store_0001: tuple[DataDir, DataKey], cheap_kdf: KdfParams) -> None:
    data_dir, _key = store_0001

    signed_in = _sign_in_fixture(data_dir, cheap_kdf)
    try:
        assert db.current_revision(signed_in.store) == db.known_revisions()[1]
        for table in schema_0001.tables():
            assert _rows(signed_in.store, table) == schema_0001.expected_rows(table), table
        assert db.integrity_problems(signed_in.store) == []
        # And the models read it.
        case = cases.get_case(signed_in.store, 1)
        assert case.person.name_native == "احمد کریمی"
        assert [m.notes for m in case.meetings] == ["First meeting", "Recognition sent"]
        assert signed_in.organisation.name == "Harbour Welcome Centre"
        # 0002 added the pathway tables beside the rows of 0001.
        assert {"pathway", "pathway_step", "referral", "service_event"} <= _tables(signed_in.store)
        # 0003 added participation in a funded programme, empty for the cases already there.
        assert (case.entered_on, case.entry_labour_status, case.left_on, case.left_results) == (None, None, None, ())
        assert db.current_revision(signed_in.store) == db.SCHEMA_HEAD
    finally:
        signed_in.close()


# --- migrating: simulated with a copy of the real scripts plus one more revision --------------------

NEXT = "9999"  # the simulated revision after the real head


@pytest.fixture
def add_revision(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """Make the program believe it ships one more revision, NEXT, whose upgrade() is ``body``.

    The real migrations folder is copied and the copy gets the new file after the real head;
    caseworker.core.db is pointed at the copy, so known_revisions(), migrate() and sign_in all
    see NEXT as the head.
    """

    def add(body: str) -> None:
        known, real_head = db.known_revisions()
        scripts = tmp_path / "migrations"
        shutil.copytree(MIGRATIONS, scripts, ignore=shutil.ignore_patterns("__pycache__"))
        (scripts / "versions" / f"{NEXT}_test_step.py").write_text(
            "from alembic import op\n"
            "import sqlalchemy as sa\n\n"
            f"revision = '{NEXT}'\n"
            f"down_revision = '{real_head}'\n"
            "branch_labels = None\n"
            "depends_on = None\n\n\n"
            "def upgrade() -> None:\n" + textwrap.indent(textwrap.dedent(body).strip(), "    ") + "\n\n\n"
            "def downgrade() -> None:\n"
            "    raise NotImplementedError\n",
            encoding="utf-8",
        )
        real_config = db._alembic_config

        def config_for_copy(connection: Any) -> Any:
            config = real_config(connection)
            config.set_main_option("script_location", str(scripts))
            return config

        monkeypatch.setattr(db, "_alembic_config", config_for_copy)
        monkeypatch.setattr(db, "SCHEMA_HEAD", NEXT)
        assert db.known_revisions() == ({*known, NEXT}, NEXT)

    return add


NEW_TABLE = """
op.create_table('follow_up', sa.Column('id', sa.Integer(), nullable=False),
                sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_up')))
"""


def test_migrate_backs_up_the_older_store_first(
    store_0001: tuple[DataDir, DataKey], add_revision: Callable[[str], None], tmp_path: Path
) -> None:
    data_dir, key = store_0001
    add_revision(NEW_TABLE)
    store = db.CasesStore.open(data_dir.cases_db, key)
    try:
        assert db.needs_migration(store)

        made = db.migrate(store, lambda revision: backup.before_migration(data_dir, key, revision))

        assert db.current_revision(store) == NEXT
        assert "follow_up" in _tables(store)
    finally:
        store.dispose()

    # A whole backup like any other, of the store as it was, that restores into an empty folder.
    assert made is not None
    assert made.parent == data_dir.backups
    assert made.name.startswith("caseworker-before-migration-0001-") and made.suffix == backup.SUFFIX
    assert [p.name for p in data_dir.backups.iterdir()] == [made.name]
    assert b"SQLite format 3" not in made.read_bytes()
    info = backup.verify_backup(made, key)
    assert info.cases_schema == "0001"
    elsewhere = DataDir(tmp_path / "elsewhere")
    backup.restore_backup(elsewhere, made, key)
    copy = db.CasesStore.open(elsewhere.cases_db, key, read_only=True)
    try:
        assert db.current_revision(copy) == "0001"
        assert "follow_up" not in _tables(copy)
        for table in schema_0001.tables():
            assert _rows(copy, table) == schema_0001.expected_rows(table), table
        assert db.integrity_problems(copy) == []
    finally:
        copy.dispose()


def test_sign_in_migrates_and_says_where_the_backup_is(
    store_0001: tuple[DataDir, DataKey], add_revision: Callable[[str], None], cheap_kdf: KdfParams
) -> None:
    data_dir, _key = store_0001
    add_revision(NEW_TABLE)

    signed_in = _sign_in_fixture(data_dir, cheap_kdf)
    try:
        assert signed_in.migration_backup is not None
        assert Path(signed_in.migration_backup).parent == data_dir.backups
        assert Path(signed_in.migration_backup).exists()
        assert db.current_revision(signed_in.store) == NEXT
        for table in schema_0001.tables():
            assert _rows(signed_in.store, table) == schema_0001.expected_rows(table), table
    finally:
        signed_in.close()


def test_only_the_latest_migration_backups_are_kept(
    store_0001: tuple[DataDir, DataKey], add_revision: Callable[[str], None], cheap_kdf: KdfParams
) -> None:
    data_dir, _key = store_0001
    data_dir.backups.mkdir()
    old = [data_dir.backups / f"caseworker-before-migration-0000-2026010{i}T000000Z.cwbackup" for i in range(1, 7)]
    for path in old:
        path.write_bytes(b"an older backup")
    unrelated = data_dir.backups / "weekly-backup.db"
    unrelated.write_bytes(b"made by a person")
    add_revision(NEW_TABLE)

    signed_in = _sign_in_fixture(data_dir, cheap_kdf)
    signed_in.close()

    kept = sorted(p.name for p in data_dir.backups.glob("caseworker-before-migration-*.cwbackup"))
    assert len(kept) == db.KEEP_MIGRATION_BACKUPS
    assert Path(signed_in.migration_backup).name in kept  # type: ignore[arg-type]
    assert unrelated.exists()


def test_a_migration_that_fails_changes_nothing(
    store_0001: tuple[DataDir, DataKey], add_revision: Callable[[str], None], cheap_kdf: KdfParams,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data_dir, key = store_0001
    add_revision(NEW_TABLE + "\nop.execute('DELETE FROM meeting')\nraise RuntimeError('a step that fails half-way')")

    with pytest.raises(RuntimeError, match="half-way"):
        _sign_in_fixture(data_dir, cheap_kdf)

    monkeypatch.undo()  # back to the scripts this program ships
    store = db.CasesStore.open(data_dir.cases_db, key)
    try:
        assert db.current_revision(store) == "0001"
        assert "follow_up" not in _tables(store)
        for table in schema_0001.tables():
            assert _rows(store, table) == schema_0001.expected_rows(table), table
    finally:
        store.dispose()


def test_a_migration_that_rebuilds_a_table_keeps_every_row(
    store_0001: tuple[DataDir, DataKey], add_revision: Callable[[str], None], cheap_kdf: KdfParams
) -> None:
    data_dir, _key = store_0001
    # The kind of step SQLite needs for most changes (alter a column, add a constraint).
    add_revision(
        """
        with op.batch_alter_table('person', recreate='always') as batch_op:
            batch_op.add_column(sa.Column('nickname', sa.String(length=100), nullable=True))
        """
    )

    signed_in = _sign_in_fixture(data_dir, cheap_kdf)
    try:
        assert db.current_revision(signed_in.store) == NEXT
        for table in schema_0001.tables():
            assert _rows(signed_in.store, table) == schema_0001.expected_rows(table), table
    finally:
        signed_in.close()


def test_the_schema_head_constant_is_alembics_head() -> None:
    # Sign-in skips Alembic when a store is at SCHEMA_HEAD; a new revision must move it too.
    _known, head = db.known_revisions()
    assert db.SCHEMA_HEAD == head
