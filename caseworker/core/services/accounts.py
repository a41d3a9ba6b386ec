"""Setting up an organisation, signing in, and the accounts that may do so."""

from __future__ import annotations

import datetime as dt
import errno
import functools
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from caseworker.core.db import CasesStore, current_revision, migrate
from caseworker.core.errors import (
    AccountDisabled,
    AlreadySetUp,
    BadInput,
    CaseworkerError,
    DamagedStore,
    DiskFull,
    NotSetUp,
    Problem,
    ReadOnlyDataDir,
    ValidationFailed,
    WrongPassword,
)
from caseworker.core.i18n import N_
from caseworker.core.keys import PASSWORD_MIN_LENGTH, DataKey, KdfParams, KeyRing, RecoveryKey, calibrate_kdf
from caseworker.core.models import Organisation, UserAccount
from caseworker.core.models.enums import AuditAction, Role
from caseworker.core.paths import DataDir
from caseworker.core.services import audit
from caseworker.core.services.records import OrganisationInfo, UserInfo
from caseworker.core.throttle import SignInThrottle, TooManyAttempts

MIN_PASSWORD_LENGTH = PASSWORD_MIN_LENGTH  # kept here too: the services' rules read it from here
# Long enough for any passphrase; short enough that a pasted file is refused before Argon2 sees it.
MAX_PASSWORD_LENGTH = 1024
USERNAME = re.compile(r"[\w.@-]{1,64}")


class VolunteersDoNotSignIn(CaseworkerError):
    exit_code = 3
    template = N_(
        "Volunteers do not sign in: they hold no key to the case files. "
        "Use “Look up services” to find where to go and whom to contact."
    )


class PasswordTooLong(BadInput):
    template = N_("A password has at most {n} characters.")


class PasswordNotText(BadInput):
    template = N_("The password contains something that is not text. Type it again.")


class CoordinatorsOnly(BadInput):
    template = N_("Only a coordinator can manage users.")
    # add_user keeps its own older wording: "Only a coordinator can add users."


class NoSuchUser(BadInput):
    template = N_("There is no user called {name}.")


class LastCoordinator(BadInput):
    template = N_("{name} is the last active coordinator. Make someone else a coordinator first.")


class NotYourself(BadInput):
    template = N_("You cannot disable your own account or change your own role. Ask another coordinator.")


class VolunteerHasNoPassword(BadInput):
    template = N_("{name} is a volunteer and has no password. Change the role first.")


@functools.cache
def calibrated_kdf() -> KdfParams:
    """The cost for new and changed passwords: about half a second on this machine. Measured once
    per process, the first time a password is set."""
    return calibrate_kdf()


def _kdf_or_calibrated(kdf: KdfParams | None) -> KdfParams:
    return kdf if kdf is not None else calibrated_kdf()


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
    """What is wrong with a new password. Any Unicode is welcome (quotes, emoji, any script);
    counted in characters, not bytes."""
    if len(password) > MAX_PASSWORD_LENGTH:
        # Said alone and at once: a pasted file needs no further checks.
        return [Problem(field, PasswordTooLong.template, n=MAX_PASSWORD_LENGTH)]
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(Problem(field, N_("A password needs at least {n} characters."), n=MIN_PASSWORD_LENGTH))
    if "\x00" in password:
        problems.append(Problem(field, N_("A password cannot contain a NUL character.")))
    if not _is_text(password):
        problems.append(Problem(field, PasswordNotText.template))
    return problems


def _is_text(password: str) -> bool:
    # Bytes that are not UTF-8 arrive from an environment variable as lone surrogates, which
    # cannot be encoded for Argon2.
    try:
        password.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _check_typed_password(password: str) -> None:
    """Refuse, before any key derivation, a password that no account can have."""
    if len(password) > MAX_PASSWORD_LENGTH:
        raise PasswordTooLong(n=MAX_PASSWORD_LENGTH)
    if not _is_text(password):
        raise PasswordNotText()


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
    kdf: KdfParams | None = None,
    enforce_password_policy: bool = True,
) -> tuple[SignedIn, RecoveryKey]:
    """Create the encrypted case files and the first account (a coordinator).

    Returns the open case files and the recovery key, which the person must write down: it is
    shown once and never stored in the clear. ``kdf`` defaults to the calibrated cost.
    """
    problems = new_user_problems(username, display_name)
    if not organisation.strip():
        problems.append(Problem("organisation", N_("Enter the organisation's name.")))
    if enforce_password_policy:
        problems += new_password_problems(password)
    if problems:
        raise ValidationFailed(problems)
    _check_typed_password(password)
    kdf = _kdf_or_calibrated(kdf)
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
        backup = migrate(store, lambda revision: _backup_before_migration(data_dir, key, revision))
        with store.read() as session:
            account = session.scalar(select(UserAccount).where(UserAccount.username == username))
            organisation = session.get(Organisation, 1)
            if account is None:
                raise WrongPassword()
            if not account.active:
                raise AccountDisabled()
            if account.role is Role.VOLUNTEER:
                # Never reached through the key ring, which holds no key for a volunteer; this
                # holds even if a copy of a key were left over from an older role.
                raise VolunteersDoNotSignIn()
            user = _user_info(account)
            org = _organisation_info(organisation)
        _record_sign_in(store, user)
    except BaseException:
        store.dispose()
        raise
    return SignedIn(data_dir, store, key, user, org, str(backup) if backup else None)


def _record_sign_in(store: CasesStore, user: UserInfo) -> None:
    """The trail notes each opening of the case files. A damaged page met here is not a reason
    to keep the person from what can still be read (and restored): the store is marked damaged
    instead, takes no more writes, and the main window says so."""
    if store.read_only:
        return
    try:
        with store.write() as session:
            audit.record(session, user, AuditAction.SIGNED_IN)
    except (DamagedStore, DiskFull):
        pass  # damage is marked on the store and said by the window; a full disk by the next save


def _backup_before_migration(data_dir: DataDir, key: DataKey, revision: str) -> Path:
    from caseworker.core.services.backup import before_migration  # only when a schema changes

    return before_migration(data_dir, key, revision)


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


def sign_in(
    data_dir: DataDir,
    username: str,
    password: str,
    kdf: KdfParams | None = None,
    *,
    throttle: SignInThrottle | None = None,
) -> SignedIn:
    """Unwrap the data key with the password and open the case files. A wrong name or password
    raises WrongPassword and says nothing more.

    After several wrong passwords, TooManyAttempts comes before anything is derived. ``kdf`` is
    the cost spent on a name that has no key (by default what a real attempt costs), so that
    timing does not tell which names exist.
    """
    throttle = throttle or SignInThrottle(data_dir)
    _refuse_while_throttled(throttle)
    _check_typed_password(password)
    ring = load_key_ring(data_dir)
    if ring.is_volunteer(username):
        raise VolunteersDoNotSignIn()
    try:
        key = ring.unlock(username, password, kdf)
    except WrongPassword:
        throttle.failed()
        raise
    signed_in = open_with_key(data_dir, key, username)
    throttle.succeeded()
    return signed_in


def _refuse_while_throttled(throttle: SignInThrottle) -> None:
    wait = throttle.wait_seconds()
    if wait:
        raise TooManyAttempts(seconds=wait)


def sign_in_with_recovery(
    data_dir: DataDir,
    recovery_key_text: str,
    username: str,
    new_password: str,
    kdf: KdfParams | None = None,
    *,
    throttle: SignInThrottle | None = None,
) -> SignedIn:
    """The forgotten password: the recovery key opens the case files, and ``username`` gets
    ``new_password``. Nothing is written unless the key opens the files and the account may sign in."""
    problems = new_password_problems(new_password)
    if problems:
        raise ValidationFailed(problems)
    throttle = throttle or SignInThrottle(data_dir)
    _refuse_while_throttled(throttle)
    ring = load_key_ring(data_dir)
    if ring.is_volunteer(username):
        raise VolunteersDoNotSignIn()
    try:
        key = ring.unlock_with_recovery(RecoveryKey.parse(recovery_key_text))
    except WrongPassword:
        throttle.failed()
        raise
    try:
        signed_in = open_with_key(data_dir, key, username)
    except WrongPassword:
        # The recovery key was right, so whoever holds it may know that the name is wrong.
        raise NoSuchUser(name=username) from None
    try:
        ring.set_password(username, new_password, key, _kdf_or_calibrated(kdf))
        ring.save(data_dir.keyring)
    except BaseException:
        signed_in.close()
        raise
    throttle.succeeded()
    return signed_in


def add_user(
    signed_in: SignedIn,
    *,
    username: str,
    display_name: str,
    role: Role,
    password: str | None,
    kdf: KdfParams | None = None,
    enforce_password_policy: bool = True,
) -> UserInfo:
    """A coordinator adds an account. Volunteers get no password slot: they never hold the key."""
    if signed_in.user.role is not Role.COORDINATOR:
        raise CoordinatorsOnly(N_("Only a coordinator can add users."))
    problems = new_user_problems(username, display_name)
    if role is not Role.VOLUNTEER:
        if password is None:
            problems.append(Problem("password", N_("Enter a password for the new account.")))
        elif enforce_password_policy:
            problems += new_password_problems(password)
        else:
            _check_typed_password(password)
    if problems:
        raise ValidationFailed(problems)
    with signed_in.store.write() as session:
        _acting_coordinator(session, signed_in, CoordinatorsOnly(N_("Only a coordinator can add users.")))
        exists = session.scalar(select(func.count()).select_from(UserAccount).where(UserAccount.username == username))
        if exists:
            raise ValidationFailed([Problem("username", N_("There is already a user called {name}."), name=username)])
        account = UserAccount(
            username=username, display_name=display_name.strip(), role=role, active=True, created_at=_now()
        )
        session.add(account)
        session.flush()
        user = _user_info(account)
        audit.record(session, signed_in.user, AuditAction.USER_ADDED, subject=username, detail=role.value)
        # The ring is written inside the transaction: if it fails, the account is rolled back.
        ring = load_key_ring(signed_in.data_dir)
        if role is Role.VOLUNTEER or password is None:
            ring.set_volunteer(username, True)
        else:
            ring.set_password(username, password, signed_in.key, _kdf_or_calibrated(kdf))
        ring.save(signed_in.data_dir.keyring)
    return user


def list_users(signed_in: SignedIn) -> list[UserInfo]:
    with signed_in.store.read() as session:
        return [_user_info(a) for a in session.scalars(select(UserAccount).order_by(UserAccount.display_name))]




# --- managing accounts ---------------------------------------------------------------------------
#
# Each operation checks the acting account again inside its transaction: the SignedIn value is what
# was true at sign-in, and another coordinator may have changed it since.


def _acting_coordinator(session: Session, signed_in: SignedIn, refusal: BadInput | None = None) -> UserAccount:
    actor = session.get(UserAccount, signed_in.user.id)
    if actor is None or not actor.active or actor.role is not Role.COORDINATOR:
        raise refusal or CoordinatorsOnly()
    return actor


def _account(session: Session, username: str) -> UserAccount:
    account = session.scalar(select(UserAccount).where(UserAccount.username == username))
    if account is None:
        raise NoSuchUser(name=username)
    return account


def _other_active_coordinators(session: Session, account: UserAccount) -> int:
    return session.scalar(
        select(func.count())
        .select_from(UserAccount)
        .where(UserAccount.role == Role.COORDINATOR, UserAccount.active.is_(True), UserAccount.id != account.id)
    ) or 0


def _refuse_losing_the_last_coordinator(session: Session, account: UserAccount) -> None:
    if account.role is Role.COORDINATOR and account.active and not _other_active_coordinators(session, account):
        raise LastCoordinator(name=account.username)


def disable_user(signed_in: SignedIn, username: str) -> UserInfo:
    """A coordinator disables an account: it can no longer sign in. Its copy of the key leaves the
    key ring too, so that its password opens nothing, not even a copy of keyring.json taken from
    now on. (A copy taken before keeps opening the store until the data key itself is changed.)
    Enabling it again needs a new password."""
    with signed_in.store.write() as session:
        actor = _acting_coordinator(session, signed_in)
        account = _account(session, username)
        _refuse_losing_the_last_coordinator(session, account)
        if account.id == actor.id:
            raise NotYourself()
        account.active = False
        user = _user_info(account)
        audit.record(session, signed_in.user, AuditAction.USER_DISABLED, subject=username)
    # After the account is disabled: a failure here leaves a disabled account that still has its
    # copy, never an enabled one without it.
    ring = load_key_ring(signed_in.data_dir)
    ring.remove_user(username)
    ring.save(signed_in.data_dir.keyring)
    return user


def enable_user(
    signed_in: SignedIn, username: str, new_password: str | None = None, *, kdf: KdfParams | None = None
) -> UserInfo:
    """A coordinator lets a disabled account sign in again, with a new password (disabling took its
    copy of the key away); a volunteer, who never holds the key, needs none."""
    with signed_in.store.read() as session:
        _acting_coordinator(session, signed_in)
        account = _account(session, username)
        needs_key = account.role is not Role.VOLUNTEER
    ring = load_key_ring(signed_in.data_dir)
    if needs_key and ring.find("password", username) is None:
        if new_password is None:
            raise ValidationFailed([Problem("password", N_("Give {name} a new password: disabling the account took its copy of the key away."), name=username)])
        problems = new_password_problems(new_password)
        if problems:
            raise ValidationFailed(problems)
        ring.set_password(username, new_password, signed_in.key, _kdf_or_calibrated(kdf))
        ring.save(signed_in.data_dir.keyring)
    with signed_in.store.write() as session:
        _acting_coordinator(session, signed_in)
        account = _account(session, username)
        account.active = True
        audit.record(session, signed_in.user, AuditAction.USER_ENABLED, subject=username)
        return _user_info(account)


def change_role(
    signed_in: SignedIn,
    username: str,
    role: Role,
    *,
    new_password: str | None = None,
    kdf: KdfParams | None = None,
) -> UserInfo:
    """A coordinator changes someone's role. A new volunteer loses their key; a volunteer who
    becomes a caseworker or coordinator needs ``new_password``, since they never had one."""
    with signed_in.store.write() as session:
        actor = _acting_coordinator(session, signed_in)
        account = _account(session, username)
        if account.role is role:
            return _user_info(account)
        if role is not Role.COORDINATOR:
            _refuse_losing_the_last_coordinator(session, account)
        if account.id == actor.id:
            raise NotYourself()
        ring = load_key_ring(signed_in.data_dir)
        if role is Role.VOLUNTEER:
            ring.set_volunteer(username, True)
        elif ring.find("password", username) is None:
            if new_password is None:
                raise ValidationFailed([Problem("password", N_("Enter a password for the new account."))])
            problems = new_password_problems(new_password)
            if problems:
                raise ValidationFailed(problems)
            ring.set_password(username, new_password, signed_in.key, _kdf_or_calibrated(kdf))
        account.role = role
        session.flush()
        audit.record(session, signed_in.user, AuditAction.ROLE_CHANGED, subject=username, detail=role.value)
        # Written inside the transaction: if the ring cannot be saved, the role stays as it was.
        ring.save(signed_in.data_dir.keyring)
        return _user_info(account)


def reset_password(signed_in: SignedIn, username: str, new_password: str, *, kdf: KdfParams | None = None) -> UserInfo:
    """A coordinator gives someone a new password. Only that person's copy of the key is
    rewrapped; the case files are not touched."""
    problems = new_password_problems(new_password)
    if problems:
        raise ValidationFailed(problems)
    with signed_in.store.write() as session:
        _acting_coordinator(session, signed_in)
        account = _account(session, username)
        if account.role is Role.VOLUNTEER:
            raise VolunteerHasNoPassword(name=username)
        user = _user_info(account)
        audit.record(session, signed_in.user, AuditAction.PASSWORD_RESET, subject=username)
        # Inside the transaction: the entry stays only if the new password does.
        ring = load_key_ring(signed_in.data_dir)
        ring.set_password(username, new_password, signed_in.key, _kdf_or_calibrated(kdf))
        ring.save(signed_in.data_dir.keyring)
    return user


def change_password(
    signed_in: SignedIn,
    old_password: str,
    new_password: str,
    *,
    kdf: KdfParams | None = None,
    throttle: SignInThrottle | None = None,
) -> None:
    """Anyone signed in changes their own password, giving the old one again. The key is
    rewrapped; the case files are not touched. A wrong old password counts as a failed sign-in,
    so an unlocked screen left alone is no place to try passwords either."""
    problems = new_password_problems(new_password, field="new_password")
    if problems:
        raise ValidationFailed(problems)
    throttle = throttle or SignInThrottle(signed_in.data_dir)
    _refuse_while_throttled(throttle)
    _check_typed_password(old_password)
    username = signed_in.user.username
    ring = load_key_ring(signed_in.data_dir)
    try:
        key = ring.unlock(username, old_password)
    except WrongPassword:
        throttle.failed()
        raise
    if key.raw() != signed_in.key.raw():
        # A ring from another data folder: never wrap this folder's key under it.
        raise WrongPassword()
    throttle.succeeded()
    with signed_in.store.write() as session:
        audit.record(session, signed_in.user, AuditAction.PASSWORD_CHANGED, subject=username)
        # Inside the transaction: the entry stays only if the new password does.
        ring.set_password(username, new_password, signed_in.key, _kdf_or_calibrated(kdf))
        ring.save(signed_in.data_dir.keyring)
