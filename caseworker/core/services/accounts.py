"""Setting up an organisation, signing in, and the accounts that may do so."""

from __future__ import annotations

import datetime as dt
import errno
import re
from dataclasses import dataclass

from sqlalchemy import func, select

from caseworker.core.db import CasesStore, current_revision, migrate
from caseworker.core.errors import (
    AccountDisabled,
    AlreadySetUp,
    BadInput,
    DamagedStore,
    NotSetUp,
    Problem,
    ReadOnlyDataDir,
    ValidationFailed,
    WrongPassword,
)
from caseworker.core.i18n import N_
from caseworker.core.keys import RFC9106_LOW_MEMORY, DataKey, KdfParams, KeyRing, RecoveryKey
from caseworker.core.models import Organisation, UserAccount
from caseworker.core.models.enums import Role
from caseworker.core.paths import DataDir
from caseworker.core.services.records import OrganisationInfo, UserInfo

MIN_PASSWORD_LENGTH = 10
USERNAME = re.compile(r"[\w.@-]{1,64}")


@dataclass(frozen=True)
class SignedIn:
    """Open case files and who opened them. Dropping it (``close``) forgets the key."""

    data_dir: DataDir
    store: CasesStore
    key: DataKey
    user: UserInfo
    organisation: OrganisationInfo
    migration_backup: str | None = None

    def close(self) -> None:
        self.store.dispose()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _user_info(account: UserAccount) -> UserInfo:
    return UserInfo(account.id, account.username, account.display_name, account.role, account.active)


def _organisation_info(row: Organisation | None) -> OrganisationInfo:
    if row is None:
        return OrganisationInfo("", None, None)
    return OrganisationInfo(row.name, row.country, row.host_language)


def new_password_problems(password: str, field: str = "password") -> list[Problem]:
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(Problem(field, N_("A password needs at least {n} characters."), n=MIN_PASSWORD_LENGTH))
    if "\x00" in password:
        problems.append(Problem(field, N_("A password cannot contain a NUL character.")))
    return problems


def new_user_problems(username: str, display_name: str) -> list[Problem]:
    problems = []
    if not USERNAME.fullmatch(username):
        problems.append(
            Problem("username", N_("A user name is 1 to 64 letters, digits, dots, dashes, @ or underscores, without spaces."))
        )
    if not display_name.strip():
        problems.append(Problem("display_name", N_("Enter the person's name.")))
    return problems


def set_up(
    data_dir: DataDir,
    *,
    organisation: str,
    username: str,
    display_name: str,
    password: str,
    country: str | None = None,
    host_language: str | None = None,
    kdf: KdfParams = RFC9106_LOW_MEMORY,
    enforce_password_policy: bool = True,
) -> tuple[SignedIn, RecoveryKey]:
    """Create the encrypted case files and the first account (a coordinator).

    Returns the open case files and the recovery key, which the person must write down: it is
    shown once and never stored in the clear.
    """
    problems = new_user_problems(username, display_name)
    if not organisation.strip():
        problems.append(Problem("organisation", N_("Enter the organisation's name.")))
    if enforce_password_policy:
        problems += new_password_problems(password)
    if problems:
        raise ValidationFailed(problems)
    if data_dir.keyring.exists() or data_dir.cases_db.exists():
        raise AlreadySetUp(folder=str(data_dir.root))
    try:
        data_dir.root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReadOnlyDataDir(folder=str(data_dir.root)) from exc

    key = DataKey.generate()
    recovery = RecoveryKey.generate()
    try:
        store = CasesStore.create(data_dir.cases_db, key)
        with store.write() as session:
            session.add(
                Organisation(id=1, name=organisation.strip(), country=country, host_language=host_language, created_at=_now())
            )
            account = UserAccount(
                username=username, display_name=display_name.strip(), role=Role.COORDINATOR, active=True, created_at=_now()
            )
            session.add(account)
            session.flush()
            user = _user_info(account)
        ring = KeyRing([])
        ring.set_password(username, password, key, kdf)
        ring.set_recovery(recovery, key, kdf)
        ring.save(data_dir.keyring)
    except BaseException:
        # Nothing half-made: without its key ring, a new cases.db could never be opened again.
        _remove_new_store(data_dir)
        raise
    org = OrganisationInfo(organisation.strip(), country, host_language)
    return SignedIn(data_dir, store, key, user, org), recovery


def _remove_new_store(data_dir: DataDir) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        data_dir.cases_db.with_name(data_dir.cases_db.name + suffix).unlink(missing_ok=True)


def open_with_key(data_dir: DataDir, key: DataKey, username: str) -> SignedIn:
    """Open the store with an unwrapped key: back up and migrate if needed, then find the user."""
    if not data_dir.cases_db.exists():
        raise NotSetUp(folder=str(data_dir.root))
    _check_writable(data_dir)
    store = CasesStore.open(data_dir.cases_db, key)
    try:
        if current_revision(store) is None:
            # Only set-up makes a schema from nothing; an empty store here is a damaged one.
            raise DamagedStore(file=str(data_dir.cases_db))
        backup = migrate(store, backup_dir=data_dir.backups, key=key)
        with store.read() as session:
            account = session.scalar(select(UserAccount).where(UserAccount.username == username))
            organisation = session.get(Organisation, 1)
            if account is None:
                raise WrongPassword()
            if not account.active:
                raise AccountDisabled()
            user = _user_info(account)
            org = _organisation_info(organisation)
    except BaseException:
        store.dispose()
        raise
    return SignedIn(data_dir, store, key, user, org, str(backup) if backup else None)


def _check_writable(data_dir: DataDir) -> None:
    # SQLite needs to create the -wal and -shm files beside cases.db; say so plainly up front
    # rather than fail on the first save.
    probe = data_dir.root / ".caseworker-write-test"
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            return  # a full disk still allows reading; saving will say so
        raise ReadOnlyDataDir(folder=str(data_dir.root)) from exc


def load_key_ring(data_dir: DataDir) -> KeyRing:
    try:
        return KeyRing.load(data_dir.keyring)
    except FileNotFoundError:
        raise NotSetUp(folder=str(data_dir.root)) from None


def sign_in(data_dir: DataDir, username: str, password: str, kdf: KdfParams = RFC9106_LOW_MEMORY) -> SignedIn:
    """Unwrap the data key with the password and open the case files. A wrong name or password
    raises WrongPassword and says nothing more."""
    ring = load_key_ring(data_dir)
    key = ring.unlock(username, password, kdf)
    return open_with_key(data_dir, key, username)


def add_user(
    signed_in: SignedIn,
    *,
    username: str,
    display_name: str,
    role: Role,
    password: str | None,
    kdf: KdfParams = RFC9106_LOW_MEMORY,
    enforce_password_policy: bool = True,
) -> UserInfo:
    """A coordinator adds an account. Volunteers get no password slot: they never hold the key."""
    if signed_in.user.role is not Role.COORDINATOR:
        raise BadInput(N_("Only a coordinator can add users."))
    problems = new_user_problems(username, display_name)
    if role is not Role.VOLUNTEER:
        if password is None:
            problems.append(Problem("password", N_("Enter a password for the new account.")))
        elif enforce_password_policy:
            problems += new_password_problems(password)
    if problems:
        raise ValidationFailed(problems)
    with signed_in.store.write() as session:
        exists = session.scalar(select(func.count()).select_from(UserAccount).where(UserAccount.username == username))
        if exists:
            raise ValidationFailed([Problem("username", N_("There is already a user called {name}."), name=username)])
        account = UserAccount(
            username=username, display_name=display_name.strip(), role=role, active=True, created_at=_now()
        )
        session.add(account)
        session.flush()
        user = _user_info(account)
        if role is not Role.VOLUNTEER and password is not None:
            # The ring is written inside the transaction: if it fails, the account is rolled back.
            ring = load_key_ring(signed_in.data_dir)
            ring.set_password(username, password, signed_in.key, kdf)
            ring.save(signed_in.data_dir.keyring)
    return user


def list_users(signed_in: SignedIn) -> list[UserInfo]:
    with signed_in.store.read() as session:
        return [_user_info(a) for a in session.scalars(select(UserAccount).order_by(UserAccount.display_name))]


