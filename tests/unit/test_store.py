"""The encrypted store and the accounts that open it (caseworker/core/db.py,
caseworker/core/services/accounts.py)."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, text

from caseworker.core import db
from caseworker.core.errors import (
    AlreadySetUp,
    BadInput,
    DamagedStore,
    DiskFull,
    NotSetUp,
    ValidationFailed,
    WrongPassword,
)
from caseworker.core.keys import KdfParams, KeyRing, KeyRingDamaged
from caseworker.core.models import UserAccount
from caseworker.core.models.enums import Role
from caseworker.core.paths import DataDir
from caseworker.core.services import accounts, cases
from caseworker.core.services.records import CaseFile, PersonDetails
from tests.conftest import PASSWORD

SQLITE_HEADER = b"SQLite format 3\x00"
ORGANISATION = "Harbour Welcome Centre"


def _set_up(data_dir: DataDir, kdf: KdfParams, **changes: str) -> accounts.SignedIn:
    values = dict(
        organisation=ORGANISATION,
        username="coordinator",
        display_name="Maria Rossi",
        password=PASSWORD,
        country="IT",
        host_language="it",
    )
    values.update(changes)
    signed_in, _recovery = accounts.set_up(data_dir, kdf=kdf, **values)  # type: ignore[arg-type]
    return signed_in


@pytest.fixture
def closed_store(data_dir: DataDir, cheap_kdf: KdfParams) -> DataDir:
    """A data dir that was set up and closed again: cases.db holds everything, no -wal."""
    _set_up(data_dir, cheap_kdf).close()
    return data_dir


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _sign_in(data_dir: DataDir, kdf: KdfParams, user: str = "coordinator", password: str = PASSWORD) -> accounts.SignedIn:
    return accounts.sign_in(data_dir, user, password, kdf)


# --- what set-up leaves on disk ------------------------------------------------------------------


def test_set_up_creates_the_store_and_the_key_ring(signed_in: accounts.SignedIn) -> None:
    data_dir = signed_in.data_dir

    assert data_dir.is_set_up()
    ring = json.loads(data_dir.keyring.read_text(encoding="utf-8"))
    assert {(e["kind"], e["name"]) for e in ring["entries"]} == {("password", "coordinator"), ("recovery", "recovery")}
    assert signed_in.user.username == "coordinator"
    assert signed_in.user.role is Role.COORDINATOR
    assert signed_in.organisation.name == ORGANISATION


def _plain_sqlite_error(path: Path) -> str:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchall()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    finally:
        connection.close()
    return "it was read"


def test_a_plain_sqlite_client_cannot_read_the_store(signed_in: accounts.SignedIn) -> None:
    path = signed_in.data_dir.cases_db

    assert _plain_sqlite_error(path) == "file is not a database"
    signed_in.close()
    assert _plain_sqlite_error(path) == "file is not a database"
    sqlite_cli = shutil.which("sqlite3")
    if sqlite_cli:
        result = subprocess.run([sqlite_cli, "-readonly", str(path), ".tables"], capture_output=True, text=True, check=False)
        assert "file is not a database" in result.stderr


def test_page_one_is_encrypted(closed_store: DataDir) -> None:
    page = closed_store.cases_db.read_bytes()[:4096]

    assert not page.startswith(SQLITE_HEADER)
    # A plain page 1 is mostly zeros and schema text; an encrypted one looks random.
    assert page.count(0) < 64
    for plain in (b"CREATE", b"TABLE", b"alembic_version", b"user_account", ORGANISATION.encode()):
        assert plain not in page


def test_no_file_in_the_data_dir_holds_plain_sqlite_or_plain_text(signed_in: accounts.SignedIn) -> None:
    cases.create_case(
        signed_in.store,
        CaseFile(person=PersonDetails(name_latin="Amina Haddad", name_native="أمينة حداد", phone="+39 333 1234567")),
    )
    secrets = ["Amina Haddad", "أمينة حداد", "+39 333 1234567", ORGANISATION, "Maria Rossi", "CREATE TABLE", "2026-0"]
    data_dir = signed_in.data_dir

    # While open: cases.db, cases.db-wal and cases.db-shm exist; then after closing.
    for moment in ("open", "closed"):
        found = _files(data_dir.root)
        assert "cases.db" in found and "keyring.json" in found
        if moment == "open":
            assert "cases.db-wal" in found
        for name, data in found.items():
            assert not data.startswith(SQLITE_HEADER), name
            for secret in secrets:
                if name == "keyring.json" and secret == "Maria Rossi":
                    continue
                for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
                    assert secret.encode(encoding) not in data, (name, secret, encoding)
        signed_in.close()


# --- signing in ----------------------------------------------------------------------------------


def test_sign_in_with_the_right_password(closed_store: DataDir, cheap_kdf: KdfParams) -> None:
    signed_in = _sign_in(closed_store, cheap_kdf)
    try:
        assert signed_in.user.username == "coordinator"
        assert signed_in.user.display_name == "Maria Rossi"
        assert signed_in.user.role is Role.COORDINATOR
        assert signed_in.organisation.name == ORGANISATION
        assert signed_in.organisation.country == "IT"
        assert signed_in.migration_backup is None
        assert [u.username for u in accounts.list_users(signed_in)] == ["coordinator"]
    finally:
        signed_in.close()


def test_a_wrong_password_is_refused(closed_store: DataDir, cheap_kdf: KdfParams) -> None:
    before = _files(closed_store.root)

    with pytest.raises(WrongPassword) as caught:
        _sign_in(closed_store, cheap_kdf, password=PASSWORD + "!")

    assert caught.value.exit_code == 3
    after = _files(closed_store.root)
    # The one file a wrong password writes: the count that slows the next guesses down.
    assert json.loads(after.pop("signin-throttle.json"))["failures"] == 1
    assert after == before


def test_an_unknown_user_is_refused_like_a_wrong_password(closed_store: DataDir, cheap_kdf: KdfParams) -> None:
    with pytest.raises(WrongPassword) as wrong:
        _sign_in(closed_store, cheap_kdf, password="not the password")
    with pytest.raises(WrongPassword) as unknown:
        _sign_in(closed_store, cheap_kdf, user="someone")

    assert type(unknown.value) is type(wrong.value)
    assert unknown.value.message == wrong.value.message


def test_a_user_with_a_ring_entry_but_no_account_is_refused_like_a_wrong_password(
    closed_store: DataDir, cheap_kdf: KdfParams
) -> None:
    ring = KeyRing.load(closed_store.keyring)
    key = ring.unlock("coordinator", PASSWORD, cheap_kdf)
    ring.set_password("ghost", "ghost's long password", key, cheap_kdf)
    ring.save(closed_store.keyring)

    with pytest.raises(WrongPassword) as caught:
        _sign_in(closed_store, cheap_kdf, user="ghost", password="ghost's long password")

    assert caught.value.message == WrongPassword().message


def test_sign_in_names_a_damaged_key_ring(closed_store: DataDir, cheap_kdf: KdfParams) -> None:
    closed_store.keyring.write_bytes(b'{"format": 1, "entr')

    with pytest.raises(KeyRingDamaged) as caught:
        _sign_in(closed_store, cheap_kdf)

    assert str(closed_store.keyring) in caught.value.message


@pytest.mark.parametrize("exists", [False, True])
def test_sign_in_where_nothing_is_set_up(data_dir: DataDir, cheap_kdf: KdfParams, exists: bool) -> None:
    if exists:
        data_dir.root.mkdir(parents=True)

    with pytest.raises(NotSetUp) as caught:
        _sign_in(data_dir, cheap_kdf)

    assert str(data_dir.root) in caught.value.message
    assert caught.value.exit_code == 2
    assert data_dir.root.exists() is exists
    if exists:
        assert list(data_dir.root.iterdir()) == []


def test_sign_in_with_a_key_ring_but_no_store(closed_store: DataDir, cheap_kdf: KdfParams) -> None:
    closed_store.cases_db.unlink()

    with pytest.raises(NotSetUp):
        _sign_in(closed_store, cheap_kdf)

    assert not closed_store.cases_db.exists()


# --- a store that is not what it should be ------------------------------------------------------


def _plain_sqlite_database(path: Path) -> None:
    connection = sqlite3.connect(path)
    try:
        connection.execute("CREATE TABLE person (name TEXT)")
        connection.execute("INSERT INTO person VALUES ('Amina')")
        connection.commit()
    finally:
        connection.close()


@pytest.mark.parametrize(
    "replace",
    [
        pytest.param(lambda p: p.write_bytes(os.urandom(3 * 4096)), id="random bytes"),
        pytest.param(lambda p: (p.unlink(), _plain_sqlite_database(p)), id="plain sqlite database"),
        pytest.param(lambda p: p.write_bytes(p.read_bytes()[:4096]), id="first page only"),
        pytest.param(lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]), id="cut in half"),
        pytest.param(lambda p: p.write_bytes(p.read_bytes()[:100]), id="cut inside page one"),
        pytest.param(lambda p: p.write_text("hello, I am a letter", encoding="utf-8"), id="a text file"),
    ],
)
def test_a_store_that_is_not_a_caseworker_store_is_damaged_and_left_alone(
    closed_store: DataDir, cheap_kdf: KdfParams, replace  # type: ignore[no-untyped-def]
) -> None:
    replace(closed_store.cases_db)
    before = _files(closed_store.root)

    with pytest.raises(DamagedStore) as caught:
        _sign_in(closed_store, cheap_kdf)

    assert str(closed_store.cases_db) in caught.value.message
    assert _files(closed_store.root) == before


def test_an_empty_store_file_is_damaged_and_left_alone(closed_store: DataDir, cheap_kdf: KdfParams) -> None:
    closed_store.cases_db.write_bytes(b"")

    try:
        with pytest.raises(DamagedStore):
            _sign_in(closed_store, cheap_kdf)
    finally:
        assert closed_store.cases_db.read_bytes() == b""


# --- set-up refused ---------------------------------------------------------------------------


def test_set_up_twice_is_refused_and_changes_nothing(closed_store: DataDir, cheap_kdf: KdfParams) -> None:
    before = _files(closed_store.root)

    with pytest.raises(AlreadySetUp) as caught:
        _set_up(closed_store, cheap_kdf, organisation="Another Org", username="other")

    assert str(closed_store.root) in caught.value.message
    assert caught.value.exit_code == 2
    assert _files(closed_store.root) == before


def test_set_up_lists_every_problem_and_creates_nothing(data_dir: DataDir, cheap_kdf: KdfParams) -> None:
    with pytest.raises(ValidationFailed) as caught:
        _set_up(data_dir, cheap_kdf, organisation="  ", username="maria rossi", display_name="", password="short")

    problems = caught.value.problems
    assert sorted(p.where for p in problems) == ["display_name", "organisation", "password", "username"]
    lines = caught.value.message.splitlines()
    assert len(lines) == 4
    assert lines == [p.message for p in problems]
    assert any("10 characters" in line for line in lines)
    assert caught.value.exit_code == 2
    assert not data_dir.root.exists()


@pytest.mark.parametrize(
    "username",
    ["maria rossi", "", "maria/rossi", "x" * 65, " maria", "maria\tr"],
)
def test_user_names_that_are_refused(data_dir: DataDir, cheap_kdf: KdfParams, username: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        _set_up(data_dir, cheap_kdf, username=username)

    assert [p.where for p in caught.value.problems] == ["username"]
    assert not data_dir.root.exists()


def test_a_user_name_ending_in_a_newline_is_refused(data_dir: DataDir, cheap_kdf: KdfParams) -> None:
    with pytest.raises(ValidationFailed):
        _set_up(data_dir, cheap_kdf, username="maria\n").close()


@pytest.mark.parametrize("username", ["maria.rossi", "m_rossi", "maria-rossi", "maria@harbour.org", "مریم", "x" * 64])
def test_user_names_that_are_accepted(data_dir: DataDir, cheap_kdf: KdfParams, username: str) -> None:
    signed_in = _set_up(data_dir, cheap_kdf, username=username)
    signed_in.close()

    assert signed_in.user.username == username
    _sign_in(data_dir, cheap_kdf, user=username).close()


def test_a_set_up_that_fails_half_way_leaves_nothing_behind(
    data_dir: DataDir, cheap_kdf: KdfParams, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(self: KeyRing, path: Path) -> None:
        raise DiskFull()

    monkeypatch.setattr(KeyRing, "save", disk_full)

    with pytest.raises(DiskFull):
        _set_up(data_dir, cheap_kdf)

    assert not data_dir.is_set_up()
    assert [p.name for p in data_dir.root.iterdir()] == []


# --- connections and transactions ---------------------------------------------------------------


def test_every_connection_has_the_pragmas(signed_in: accounts.SignedIn) -> None:
    with signed_in.store.engine.connect() as connection:
        values = {
            name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("foreign_keys", "journal_mode", "synchronous", "busy_timeout", "secure_delete")
        }

    assert values == {"foreign_keys": 1, "journal_mode": "wal", "synchronous": 2, "busy_timeout": 5000, "secure_delete": 1}


def _second_writer_is_locked_out(store: db.CasesStore, key: object) -> bool:
    other = db.connect_cases(store.path, key)  # type: ignore[arg-type]
    try:
        other.execute("PRAGMA busy_timeout = 0")
        try:
            other.execute("BEGIN IMMEDIATE")
        except Exception as exc:  # noqa: BLE001 - the driver's own OperationalError
            assert "database is locked" in str(exc)
            return True
        other.execute("ROLLBACK")
        return False
    finally:
        other.close()


def test_a_write_transaction_takes_the_write_lock_at_begin(signed_in: accounts.SignedIn) -> None:
    # BEGIN IMMEDIATE: the lock is taken before the first statement, not at the first write, so a
    # save never meets a lock half-way through. Even a block that has only read holds it.
    with signed_in.store.write() as session:
        session.execute(text("SELECT 1"))
        assert _second_writer_is_locked_out(signed_in.store, signed_in.key)

    assert not _second_writer_is_locked_out(signed_in.store, signed_in.key)


def test_a_read_transaction_does_not_block_writers(signed_in: accounts.SignedIn) -> None:
    with signed_in.store.read() as session:
        session.execute(select(UserAccount)).all()
        assert not _second_writer_is_locked_out(signed_in.store, signed_in.key)


def test_a_write_block_that_fails_saves_nothing(signed_in: accounts.SignedIn) -> None:
    with pytest.raises(RuntimeError), signed_in.store.write() as session:
        session.add(
            UserAccount(
                username="half", display_name="Half Saved", role=Role.CASEWORKER, active=True,
                created_at=dt.datetime.now(dt.UTC),
            )
        )
        session.flush()
        raise RuntimeError("the person pressed cancel")

    assert [u.username for u in accounts.list_users(signed_in)] == ["coordinator"]


def test_a_sound_store_has_no_integrity_problems(signed_in: accounts.SignedIn) -> None:
    cases.create_case(signed_in.store, CaseFile(person=PersonDetails(name_latin="Amina")))

    assert db.integrity_problems(signed_in.store) == []


def test_a_damaged_page_is_reported_as_a_problem(closed_store: DataDir, cheap_kdf: KdfParams) -> None:
    data = bytearray(closed_store.cases_db.read_bytes())
    assert len(data) > 21 * 4096
    data[20 * 4096 + 100] ^= 0xFF  # page 21, well inside the schema's tables
    closed_store.cases_db.write_bytes(bytes(data))
    signed_in = _sign_in(closed_store, cheap_kdf)
    try:
        problems = db.integrity_problems(signed_in.store)
    finally:
        signed_in.close()

    assert any("21" in problem for problem in problems)


# --- users ---------------------------------------------------------------------------------------


def test_add_and_list_users(signed_in: accounts.SignedIn, cheap_kdf: KdfParams) -> None:
    karim = accounts.add_user(
        signed_in, username="karim", display_name="Karim Nasser", role=Role.CASEWORKER,
        password="karim's long password", kdf=cheap_kdf,
    )
    ada = accounts.add_user(signed_in, username="ada", display_name="Ada Volunteer", role=Role.VOLUNTEER, password=None)

    assert karim.role is Role.CASEWORKER and karim.active
    assert ada.role is Role.VOLUNTEER
    listed = accounts.list_users(signed_in)
    assert [(u.username, u.role) for u in listed] == [
        ("ada", Role.VOLUNTEER),
        ("karim", Role.CASEWORKER),
        ("coordinator", Role.COORDINATOR),
    ]
    assert {u.id for u in listed} == {karim.id, ada.id, signed_in.user.id}


def test_a_volunteer_gets_no_key(signed_in: accounts.SignedIn, cheap_kdf: KdfParams) -> None:
    accounts.add_user(signed_in, username="ada", display_name="Ada Volunteer", role=Role.VOLUNTEER, password=None)
    accounts.add_user(
        signed_in, username="ben", display_name="Ben Volunteer", role=Role.VOLUNTEER,
        password="ben's long password", kdf=cheap_kdf,
    )

    ring = KeyRing.load(signed_in.data_dir.keyring)
    assert sorted(e.name for e in ring.entries if e.kind == "password") == ["coordinator"]
    with pytest.raises(accounts.VolunteersDoNotSignIn):
        _sign_in(signed_in.data_dir, cheap_kdf, user="ben", password="ben's long password")


def test_a_new_caseworker_can_sign_in_with_their_own_password(signed_in: accounts.SignedIn, cheap_kdf: KdfParams) -> None:
    accounts.add_user(
        signed_in, username="karim", display_name="Karim Nasser", role=Role.CASEWORKER,
        password="karim's long password", kdf=cheap_kdf,
    )

    karim = _sign_in(signed_in.data_dir, cheap_kdf, user="karim", password="karim's long password")
    try:
        assert karim.user.username == "karim"
        assert karim.user.role is Role.CASEWORKER
        assert karim.key.raw() == signed_in.key.raw()
    finally:
        karim.close()


def test_only_a_coordinator_adds_users(signed_in: accounts.SignedIn, cheap_kdf: KdfParams) -> None:
    accounts.add_user(
        signed_in, username="karim", display_name="Karim Nasser", role=Role.CASEWORKER,
        password="karim's long password", kdf=cheap_kdf,
    )
    karim = _sign_in(signed_in.data_dir, cheap_kdf, user="karim", password="karim's long password")
    try:
        with pytest.raises(BadInput):
            accounts.add_user(karim, username="eve", display_name="Eve", role=Role.COORDINATOR, password="x" * 12, kdf=cheap_kdf)
    finally:
        karim.close()

    assert "eve" not in [u.username for u in accounts.list_users(signed_in)]


def test_adding_a_user_twice_is_refused(signed_in: accounts.SignedIn, cheap_kdf: KdfParams) -> None:
    accounts.add_user(signed_in, username="ada", display_name="Ada", role=Role.VOLUNTEER, password=None)
    ring_before = signed_in.data_dir.keyring.read_bytes()

    with pytest.raises(ValidationFailed) as caught:
        accounts.add_user(
            signed_in, username="ada", display_name="Ada Again", role=Role.CASEWORKER,
            password="another long password", kdf=cheap_kdf,
        )

    assert [p.where for p in caught.value.problems] == ["username"]
    assert "ada" in caught.value.message
    assert signed_in.data_dir.keyring.read_bytes() == ring_before


def test_a_caseworker_needs_a_password(signed_in: accounts.SignedIn) -> None:
    with pytest.raises(ValidationFailed) as caught:
        accounts.add_user(signed_in, username="karim", display_name="Karim", role=Role.CASEWORKER, password=None)

    assert [p.where for p in caught.value.problems] == ["password"]
    assert [u.username for u in accounts.list_users(signed_in)] == ["coordinator"]


def test_an_account_whose_key_cannot_be_saved_is_not_added(
    signed_in: accounts.SignedIn, cheap_kdf: KdfParams, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(self: KeyRing, path: Path) -> None:
        raise DiskFull()

    monkeypatch.setattr(KeyRing, "save", disk_full)

    with pytest.raises(DiskFull):
        accounts.add_user(
            signed_in, username="karim", display_name="Karim", role=Role.CASEWORKER,
            password="karim's long password", kdf=cheap_kdf,
        )

    assert [u.username for u in accounts.list_users(signed_in)] == ["coordinator"]


# --- a data folder the user cannot write to ------------------------------------------------------

NOBODY = 65534

# The child imports everything while it may still read the interpreter's files (the interpreter
# lives under /root, which only root may enter), then gives up root before it signs in.
SIGN_IN_AS_ANOTHER_USER = r"""
import os, sys
from caseworker.core import db
from caseworker.core.keys import KdfParams
from caseworker.core.paths import DataDir
from caseworker.core.services import accounts
import alembic.command, alembic.config, alembic.script
db.known_revisions()
if os.geteuid() == 0:
    os.setgroups([])
    os.setgid(int(sys.argv[2]))
    os.setuid(int(sys.argv[2]))
try:
    signed_in = accounts.sign_in(DataDir.at(sys.argv[1]), "coordinator", sys.argv[3], KdfParams(1, 8 * 1024, 1))
except Exception as exc:
    print(type(exc).__name__)
else:
    signed_in.close()
    print("signed in")
"""


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    # pytest's tmp_path is private to root; another user must be able to walk to the data dir.
    folder = Path(tempfile.mkdtemp(prefix="caseworker-test-"))
    folder.chmod(0o755)
    yield folder
    for path in [folder, *folder.rglob("*")]:
        if path.is_dir():
            path.chmod(0o755)
    shutil.rmtree(folder)


def _sign_in_as_owner(data_dir: DataDir) -> str:
    result = subprocess.run(
        [sys.executable, "-c", SIGN_IN_AS_ANOTHER_USER, str(data_dir.root), str(NOBODY), PASSWORD],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def _hand_over(data_dir: DataDir) -> None:
    """Give the files to the unprivileged user, as if they had set up the data dir themselves."""
    if os.geteuid() == 0:
        for path in [data_dir.root, *data_dir.root.rglob("*")]:
            os.chown(path, NOBODY, NOBODY)


def test_the_unprivileged_owner_can_sign_in(shared_folder: Path, cheap_kdf: KdfParams) -> None:
    # The control for the test below: the same child signs in when the folder is writable.
    data_dir = DataDir(shared_folder / "data")
    _set_up(data_dir, cheap_kdf).close()
    _hand_over(data_dir)

    assert _sign_in_as_owner(data_dir) == "signed in"


def test_a_read_only_data_dir_is_said_plainly_and_left_alone(shared_folder: Path, cheap_kdf: KdfParams) -> None:
    data_dir = DataDir(shared_folder / "data")
    _set_up(data_dir, cheap_kdf).close()
    _hand_over(data_dir)
    data_dir.root.chmod(0o555)
    before = _files(data_dir.root)

    assert _sign_in_as_owner(data_dir) == "ReadOnlyDataDir"
    assert _files(data_dir.root) == before


def test_many_threads_never_take_a_connection_in_use(signed_in: accounts.SignedIn) -> None:
    """The GUI thread, background reads, report and backup workers all use the store. A
    connection in the middle of a transaction stays with its thread however many others come and
    go (a pool keeping one connection per thread, closing the oldest beyond five, did not)."""
    import threading

    cases.create_case(signed_in.store, CaseFile(person=PersonDetails(name_latin="Amina Yusuf")))
    errors: list[BaseException] = []

    def read() -> None:
        try:
            assert cases.case_summaries(signed_in.store, signed_in.user)[0].name_latin == "Amina Yusuf"
        except BaseException as error:  # noqa: BLE001 - reported by the test's thread
            errors.append(error)

    with signed_in.store.read() as session:
        before = session.execute(text("SELECT count(*) FROM person")).scalar_one()
        for _round in range(3):
            threads = [threading.Thread(target=read) for _ in range(8)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        assert session.execute(text("SELECT count(*) FROM person")).scalar_one() == before
    assert errors == []


_READS_THE_DAMAGED_INDEX = (
    "SELECT count(*) FROM service_event INDEXED BY ix_service_event_occurred_on WHERE occurred_on > '2000-01-01'"
)


def test_a_damaged_page_met_in_use_stops_writes_and_spoils_no_later_read(signed_in: accounts.SignedIn) -> None:
    """A read that meets a damaged page says the case files are damaged, and from then on the
    store refuses writes; the connection that met it is not lent out again (SQLCipher would keep
    failing every later read on it), so what is sound still reads."""
    from caseworker.core.errors import StoreDamagedNoWrites

    case = cases.create_case(signed_in.store, CaseFile(person=PersonDetails(name_latin="Amina Yusuf")))
    data_dir, key = signed_in.data_dir, signed_in.key
    root = db.exec_sql(signed_in.store, "SELECT rootpage FROM sqlite_master WHERE name = 'ix_service_event_occurred_on'")[0][0]
    signed_in.close()  # folds the write-ahead log into cases.db, where the damage goes
    data = bytearray(data_dir.cases_db.read_bytes())
    data[(root - 1) * 4096 + 200] ^= 0x40
    data_dir.cases_db.write_bytes(bytes(data))
    opened = accounts.open_with_key(data_dir, key, "coordinator")
    try:
        for _attempt in range(3):  # every pooled connection in turn
            with pytest.raises(DamagedStore), opened.store.read() as session:
                session.execute(text(_READS_THE_DAMAGED_INDEX)).all()
            assert cases.get_case(opened.store, case.id, user=opened.user).person.name_latin == "Amina Yusuf"
        assert opened.store.damaged
        with pytest.raises(StoreDamagedNoWrites):
            cases.create_case(opened.store, CaseFile(person=PersonDetails(name_latin="Someone Else")))
    finally:
        opened.close()


@pytest.mark.parametrize(
    ("problem", "said"),
    [
        ("*** in database main ***\nPage 20: btreeInitPage() returns error code 11", "page 20 of the file fails its check"),
        ("Tree 7 page 31 cell 0: invalid page number 9999", "page 31 of the file fails its check"),
        ("hmac check failed for pgno=50", "page 50 of the file fails its check"),
        ("database disk image is malformed", "the file's structure fails its check"),
    ],
)
def test_the_reason_for_damage_is_said_in_words_not_sqlites(problem: str, said: str) -> None:
    assert db.damage_reason(problem) == said
