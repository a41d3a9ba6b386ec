"""Accounts, roles, the forgotten-password path and sign-in throttling (services/accounts.py,
keys.calibrate_kdf, throttle.py)."""

from __future__ import annotations

import hashlib
import inspect
import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from caseworker.core import keys
from caseworker.core.errors import AccountDisabled, NotFound, ValidationFailed, WrongPassword
from caseworker.core.keys import KdfParams, KeyRing, RecoveryKey, WrongRecoveryKey, calibrate_kdf
from caseworker.core.models.enums import Role
from caseworker.core.paths import DataDir
from caseworker.core.services import accounts, cases
from caseworker.core.services.accounts import (
    CoordinatorsOnly,
    LastCoordinator,
    NoSuchUser,
    NotYourself,
    PasswordNotText,
    PasswordTooLong,
    VolunteerHasNoPassword,
    VolunteersDoNotSignIn,
)
from caseworker.core.services.records import CaseFile, PersonDetails, UserInfo
from caseworker.core.throttle import MAX_WAIT_SECONDS, SignInThrottle, TooManyAttempts, wait_after
from tests.conftest import CHEAP_KDF, PASSWORD

KARIM_PASSWORD = "karim's long password"
LENA_PASSWORD = "lena's long password"
NEW_PASSWORD = "a brand new passphrase"


class FakeClock:
    """Seconds since the epoch that move only when the test says so."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def throttle(data_dir: DataDir, clock: FakeClock) -> SignInThrottle:
    return SignInThrottle(data_dir, clock=clock)


@pytest.fixture
def office(signed_in: accounts.SignedIn) -> dict[str, UserInfo]:
    """The coordinator from set-up, two caseworkers and a volunteer."""
    karim = accounts.add_user(signed_in, username="karim", display_name="Karim Nasser", role=Role.CASEWORKER,
                              password=KARIM_PASSWORD, kdf=CHEAP_KDF)
    lena = accounts.add_user(signed_in, username="lena", display_name="Lena Schmidt", role=Role.CASEWORKER,
                             password=LENA_PASSWORD, kdf=CHEAP_KDF)
    ada = accounts.add_user(signed_in, username="ada", display_name="Ada Volunteer", role=Role.VOLUNTEER, password=None)
    return {"coordinator": signed_in.user, "karim": karim, "lena": lena, "ada": ada}


def sign_in(
    data_dir: DataDir, username: str, password: str, throttle: SignInThrottle | None = None
) -> accounts.SignedIn:
    return accounts.sign_in(data_dir, username, password, CHEAP_KDF, throttle=throttle)


def can_sign_in(data_dir: DataDir, username: str, password: str) -> bool:
    try:
        sign_in(data_dir, username, password).close()
    except WrongPassword:
        return False
    return True


@pytest.fixture
def as_karim(signed_in: accounts.SignedIn, office: dict[str, UserInfo]) -> Iterator[accounts.SignedIn]:
    session = sign_in(signed_in.data_dir, "karim", KARIM_PASSWORD)
    yield session
    session.close()


@pytest.fixture
def no_key_derivation(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any Argon2 derivation from here on fails the test."""

    def refuse(*_args: object) -> bytes:
        raise AssertionError("a key was derived")

    monkeypatch.setattr(keys, "_derive", refuse)


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- calibrating the cost of Argon2id ------------------------------------------------------------


class SteppingTimer:
    """A timer whose readings are 0, then ``elapsed``: one derivation took that long."""

    def __init__(self, elapsed: float) -> None:
        self.readings = [0.0, elapsed]

    def __call__(self) -> float:
        return self.readings.pop(0)


@pytest.mark.parametrize(
    ("probe_seconds", "time_cost"),
    [
        (0.1, 10),  # 0.05 s a pass: ten passes make half a second
        (0.25, 4),
        (0.5, 2),
        (0.001, 20),  # a very fast machine still stops at 20
        (5.0, 2),  # a very slow one never goes below 2
        (0.0, 20),  # a timer too coarse to see anything
    ],
)
def test_calibration_picks_the_time_cost_for_half_a_second(probe_seconds: float, time_cost: int) -> None:
    params = calibrate_kdf(0.5, 8 * 1024, 1, timer=SteppingTimer(probe_seconds))

    assert params == KdfParams(time_cost, 8 * 1024, 1)


def test_calibration_measures_a_real_derivation() -> None:
    started = time.perf_counter()
    params = calibrate_kdf(0.05, 8 * 1024, 1)

    assert 2 <= params.time_cost <= 20
    assert (params.memory_kib, params.parallelism) == (8 * 1024, 1)
    # One probe at two passes, nothing more; generous, since a loaded machine is not a bug.
    assert time.perf_counter() - started < 30


def test_calibration_defaults_are_rfc_9106_memory_and_lanes(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[KdfParams] = []
    monkeypatch.setattr(keys, "_derive", lambda _secret, _salt, params: seen.append(params) or b"")

    params = calibrate_kdf(timer=SteppingTimer(0.2))

    assert seen == [KdfParams(2, 64 * 1024, 4)]
    assert params == KdfParams(5, 64 * 1024, 4)


def test_the_calibrated_cost_is_measured_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[None] = []

    def measured() -> KdfParams:
        calls.append(None)
        return KdfParams(7, 8 * 1024, 1)

    monkeypatch.setattr(accounts, "calibrate_kdf", measured)
    accounts.calibrated_kdf.cache_clear()
    try:
        assert accounts.calibrated_kdf() is accounts.calibrated_kdf()
        assert len(calls) == 1
    finally:
        accounts.calibrated_kdf.cache_clear()


@pytest.mark.parametrize(
    "function",
    [accounts.set_up, accounts.sign_in, accounts.add_user, accounts.change_role, accounts.reset_password,
     accounts.change_password, accounts.sign_in_with_recovery],
)
def test_every_kdf_parameter_defaults_to_the_calibrated_cost(function: object) -> None:
    assert inspect.signature(function).parameters["kdf"].default is None  # type: ignore[arg-type]


def test_new_passwords_without_a_kdf_get_the_calibrated_cost(
    signed_in: accounts.SignedIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    calibrated = KdfParams(2, 8 * 1024, 2)  # cheap, and unlike every other cost in the tests
    monkeypatch.setattr(accounts, "calibrated_kdf", lambda: calibrated)

    accounts.add_user(signed_in, username="karim", display_name="Karim", role=Role.CASEWORKER, password=KARIM_PASSWORD)
    accounts.reset_password(signed_in, "karim", NEW_PASSWORD)
    karim_entry = KeyRing.load(signed_in.data_dir.keyring).find("password", "karim")
    accounts.change_password(signed_in, PASSWORD, NEW_PASSWORD)
    own_entry = KeyRing.load(signed_in.data_dir.keyring).find("password", "coordinator")

    assert karim_entry is not None and karim_entry.kdf == calibrated
    assert own_entry is not None and own_entry.kdf == calibrated


def test_an_unknown_name_costs_what_a_real_entry_costs(
    signed_in: accounts.SignedIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[KdfParams] = []
    real = keys._derive
    monkeypatch.setattr(keys, "_derive", lambda secret, salt, params: seen.append(params) or real(secret, salt, params))

    with pytest.raises(WrongPassword):
        accounts.sign_in(signed_in.data_dir, "nobody", "some long password")

    assert seen == [CHEAP_KDF]  # the coordinator's entry was wrapped with it


# --- adding, disabling and enabling --------------------------------------------------------------


def test_a_volunteer_gets_no_key_at_all(signed_in: accounts.SignedIn, office: dict[str, UserInfo]) -> None:
    ring = KeyRing.load(signed_in.data_dir.keyring)

    assert ring.find("password", "ada") is None
    assert ring.is_volunteer("ada")
    assert ring.find("password", "karim") is not None


def test_a_volunteer_is_told_to_use_the_lookup_before_any_key_is_derived(
    signed_in: accounts.SignedIn, office: dict[str, UserInfo], no_key_derivation: None
) -> None:
    with pytest.raises(VolunteersDoNotSignIn) as refused:
        sign_in(signed_in.data_dir, "ada", "whatever she types")

    assert "Look up services" in refused.value.message
    assert refused.value.exit_code == 3
    assert SignInThrottle(signed_in.data_dir).failures() == 0  # no password was tried


def test_a_volunteer_who_somehow_holds_a_key_still_cannot_open_the_case_files(
    signed_in: accounts.SignedIn, office: dict[str, UserInfo]
) -> None:
    # A key ring edited by hand, or left over from a bug: the store itself says she is a volunteer.
    ring = KeyRing.load(signed_in.data_dir.keyring)
    ring.set_password("ada", "ada's smuggled password", signed_in.key, CHEAP_KDF)
    ring.save(signed_in.data_dir.keyring)

    with pytest.raises(VolunteersDoNotSignIn):
        sign_in(signed_in.data_dir, "ada", "ada's smuggled password")


def test_a_disabled_user_cannot_sign_in_until_enabled(
    signed_in: accounts.SignedIn, office: dict[str, UserInfo]
) -> None:
    disabled = accounts.disable_user(signed_in, "karim")

    assert disabled.active is False
    # Their copy of the key left the key ring: the password opens nothing, and says no more
    # than any wrong password would.
    assert KeyRing.load(signed_in.data_dir.keyring).find("password", "karim") is None
    with pytest.raises(WrongPassword):
        sign_in(signed_in.data_dir, "karim", KARIM_PASSWORD)

    with pytest.raises(ValidationFailed) as refused:
        accounts.enable_user(signed_in, "karim")
    assert "karim" in refused.value.problems[0].message
    assert [u.active for u in accounts.list_users(signed_in) if u.username == "karim"] == [False]

    enabled = accounts.enable_user(signed_in, "karim", NEW_PASSWORD, kdf=CHEAP_KDF)

    assert enabled.active is True
    assert can_sign_in(signed_in.data_dir, "karim", NEW_PASSWORD)
    assert not can_sign_in(signed_in.data_dir, "karim", KARIM_PASSWORD)
    assert [u.active for u in accounts.list_users(signed_in) if u.username == "karim"] == [True]


def test_a_disabled_volunteer_comes_back_without_a_password(
    signed_in: accounts.SignedIn, office: dict[str, UserInfo]
) -> None:
    volunteers = [name for name, info in office.items() if info.role is Role.VOLUNTEER]
    assert volunteers
    accounts.disable_user(signed_in, volunteers[0])
    assert accounts.enable_user(signed_in, volunteers[0]).active
    assert KeyRing.load(signed_in.data_dir.keyring).is_volunteer(volunteers[0])


def test_the_only_coordinator_cannot_disable_themselves(signed_in: accounts.SignedIn) -> None:
    with pytest.raises(LastCoordinator) as refused:
        accounts.disable_user(signed_in, "coordinator")

    assert "coordinator" in refused.value.message
    assert accounts.list_users(signed_in)[0].active


def test_a_coordinator_cannot_disable_themselves_even_with_another_coordinator(
    signed_in: accounts.SignedIn, office: dict[str, UserInfo]
) -> None:
    accounts.change_role(signed_in, "lena", Role.COORDINATOR)

    with pytest.raises(NotYourself):
        accounts.disable_user(signed_in, "coordinator")

    accounts.disable_user(signed_in, "lena")  # another coordinator may be disabled


def test_the_last_active_coordinator_stays(signed_in: accounts.SignedIn, office: dict[str, UserInfo]) -> None:
    # Lena becomes a coordinator, signs in, and the first coordinator is disabled: now Lena is
    # the only active one, and may neither disable nor demote herself.
    accounts.change_role(signed_in, "lena", Role.COORDINATOR)
    lena = sign_in(signed_in.data_dir, "lena", LENA_PASSWORD)
    try:
        accounts.disable_user(lena, "coordinator")
        with pytest.raises(LastCoordinator):
            accounts.change_role(lena, "lena", Role.CASEWORKER)
        with pytest.raises(LastCoordinator):
            accounts.disable_user(lena, "lena")
    finally:
        lena.close()


def test_disabled_coordinator_loses_their_powers_at_once(
    signed_in: accounts.SignedIn, office: dict[str, UserInfo]
) -> None:
    # Still signed in when another coordinator disables them: their next action is refused.
    accounts.change_role(signed_in, "lena", Role.COORDINATOR)
    lena = sign_in(signed_in.data_dir, "lena", LENA_PASSWORD)
    try:
        accounts.disable_user(signed_in, "lena")
        with pytest.raises(CoordinatorsOnly):
            accounts.disable_user(lena, "karim")
    finally:
        lena.close()


@pytest.mark.parametrize(
    "operation",
    [
        lambda s: accounts.disable_user(s, "lena"),
        lambda s: accounts.enable_user(s, "lena"),
        lambda s: accounts.reset_password(s, "lena", NEW_PASSWORD, kdf=CHEAP_KDF),
        lambda s: accounts.change_role(s, "lena", Role.COORDINATOR),
        lambda s: accounts.add_user(s, username="x", display_name="X", role=Role.VOLUNTEER, password=None),
    ],
    ids=["disable", "enable", "reset", "role", "add"],
)
def test_a_caseworker_cannot_manage_users(as_karim: accounts.SignedIn, operation) -> None:  # type: ignore[no-untyped-def]
    before = file_hash(as_karim.data_dir.keyring)
    with pytest.raises(accounts.BadInput) as refused:
        operation(as_karim)

    assert refused.value.message.startswith("Only a coordinator can")
    assert refused.value.exit_code == 2
    assert file_hash(as_karim.data_dir.keyring) == before
    lena = [u for u in accounts.list_users(as_karim) if u.username == "lena"]
    assert [(u.active, u.role) for u in lena] == [(True, Role.CASEWORKER)]


@pytest.mark.parametrize(
    "operation",
    [
        lambda s: accounts.disable_user(s, "nobody"),
        lambda s: accounts.enable_user(s, "nobody"),
        lambda s: accounts.reset_password(s, "nobody", NEW_PASSWORD, kdf=CHEAP_KDF),
        lambda s: accounts.change_role(s, "nobody", Role.CASEWORKER),
    ],
    ids=["disable", "enable", "reset", "role"],
)
def test_an_unknown_user_is_named(signed_in: accounts.SignedIn, operation) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NoSuchUser) as refused:
        operation(signed_in)

    assert refused.value.message == "There is no user called nobody."


# --- roles ---------------------------------------------------------------------------------------


def test_a_caseworker_who_becomes_a_volunteer_loses_the_key(
    signed_in: accounts.SignedIn, office: dict[str, UserInfo]
) -> None:
    changed = accounts.change_role(signed_in, "karim", Role.VOLUNTEER)

    assert changed.role is Role.VOLUNTEER
    assert KeyRing.load(signed_in.data_dir.keyring).find("password", "karim") is None
    with pytest.raises(VolunteersDoNotSignIn):
        sign_in(signed_in.data_dir, "karim", KARIM_PASSWORD)


def test_a_volunteer_who_becomes_a_caseworker_needs_a_password(
    signed_in: accounts.SignedIn, office: dict[str, UserInfo]
) -> None:
    with pytest.raises(ValidationFailed):
        accounts.change_role(signed_in, "ada", Role.CASEWORKER)
    with pytest.raises(ValidationFailed):
        accounts.change_role(signed_in, "ada", Role.CASEWORKER, new_password="short", kdf=CHEAP_KDF)
    assert [u.role for u in accounts.list_users(signed_in) if u.username == "ada"] == [Role.VOLUNTEER]

    accounts.change_role(signed_in, "ada", Role.CASEWORKER, new_password=NEW_PASSWORD, kdf=CHEAP_KDF)

    assert not KeyRing.load(signed_in.data_dir.keyring).is_volunteer("ada")
    ada = sign_in(signed_in.data_dir, "ada", NEW_PASSWORD)
    try:
        assert ada.user.role is Role.CASEWORKER
    finally:
        ada.close()


def test_caseworker_and_coordinator_swap_without_touching_the_keys(
    signed_in: accounts.SignedIn, office: dict[str, UserInfo]
) -> None:
    before = file_hash(signed_in.data_dir.keyring)

    assert accounts.change_role(signed_in, "karim", Role.COORDINATOR).role is Role.COORDINATOR
    assert accounts.change_role(signed_in, "karim", Role.CASEWORKER).role is Role.CASEWORKER
    assert file_hash(signed_in.data_dir.keyring) == before


def test_nobody_changes_their_own_role(signed_in: accounts.SignedIn, office: dict[str, UserInfo]) -> None:
    accounts.change_role(signed_in, "lena", Role.COORDINATOR)

    with pytest.raises(NotYourself):
        accounts.change_role(signed_in, "coordinator", Role.CASEWORKER)


def test_a_role_is_not_changed_when_the_key_ring_cannot_be_saved(
    signed_in: accounts.SignedIn, office: dict[str, UserInfo], monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(_ring: KeyRing, _path: Path) -> None:
        raise accounts.CaseworkerError()

    monkeypatch.setattr(KeyRing, "save", full_disk)
    with pytest.raises(accounts.CaseworkerError):
        accounts.change_role(signed_in, "karim", Role.VOLUNTEER)

    assert [u.role for u in accounts.list_users(signed_in) if u.username == "karim"] == [Role.CASEWORKER]


# --- passwords -----------------------------------------------------------------------------------


def test_reset_password_rewraps_the_key_and_leaves_the_case_files_alone(
    signed_in: accounts.SignedIn, office: dict[str, UserInfo]
) -> None:
    amina = CaseFile(person=PersonDetails(name_latin="Amina"), assigned_to=office["karim"].id)
    cases.create_case(signed_in.store, amina)
    signed_in.store.dispose()  # everything on disk, nothing pending in the write-ahead log
    before = file_hash(signed_in.data_dir.cases_db)

    accounts.reset_password(signed_in, "karim", NEW_PASSWORD, kdf=CHEAP_KDF)

    assert file_hash(signed_in.data_dir.cases_db) == before
    assert not can_sign_in(signed_in.data_dir, "karim", KARIM_PASSWORD)
    karim = sign_in(signed_in.data_dir, "karim", NEW_PASSWORD)
    try:
        assert [s.name_latin for s in cases.case_summaries(karim.store, karim.user)] == ["Amina"]
    finally:
        karim.close()


def test_a_volunteer_has_no_password_to_reset(signed_in: accounts.SignedIn, office: dict[str, UserInfo]) -> None:
    with pytest.raises(VolunteerHasNoPassword):
        accounts.reset_password(signed_in, "ada", NEW_PASSWORD, kdf=CHEAP_KDF)

    assert KeyRing.load(signed_in.data_dir.keyring).find("password", "ada") is None


def test_a_reset_password_must_follow_the_policy(signed_in: accounts.SignedIn, office: dict[str, UserInfo]) -> None:
    before = file_hash(signed_in.data_dir.keyring)
    with pytest.raises(ValidationFailed):
        accounts.reset_password(signed_in, "karim", "short", kdf=CHEAP_KDF)

    assert file_hash(signed_in.data_dir.keyring) == before


def test_change_password_keeps_the_cases_readable_and_retires_the_old_one(
    signed_in: accounts.SignedIn, as_karim: accounts.SignedIn
) -> None:
    cases.create_case(as_karim.store, CaseFile(person=PersonDetails(name_latin="Yonas"), assigned_to=as_karim.user.id))
    as_karim.store.dispose()
    signed_in.store.dispose()
    before = file_hash(as_karim.data_dir.cases_db)

    accounts.change_password(as_karim, KARIM_PASSWORD, NEW_PASSWORD, kdf=CHEAP_KDF)

    assert file_hash(as_karim.data_dir.cases_db) == before
    assert not can_sign_in(as_karim.data_dir, "karim", KARIM_PASSWORD)
    again = sign_in(as_karim.data_dir, "karim", NEW_PASSWORD)
    try:
        assert [s.name_latin for s in cases.case_summaries(again.store, again.user)] == ["Yonas"]
    finally:
        again.close()
    # Nobody else's password changed.
    assert can_sign_in(signed_in.data_dir, "coordinator", PASSWORD)


def test_change_password_needs_the_old_one(as_karim: accounts.SignedIn, clock: FakeClock) -> None:
    throttle = SignInThrottle(as_karim.data_dir, clock=clock)
    before = file_hash(as_karim.data_dir.keyring)

    with pytest.raises(WrongPassword):
        accounts.change_password(as_karim, "not karim's password", NEW_PASSWORD, kdf=CHEAP_KDF, throttle=throttle)

    assert file_hash(as_karim.data_dir.keyring) == before
    assert throttle.failures() == 1  # a guess at an unlocked screen counts like one at sign-in


def test_change_password_checks_the_new_one_before_the_old_one(
    as_karim: accounts.SignedIn, no_key_derivation: None
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        accounts.change_password(as_karim, KARIM_PASSWORD, "short", kdf=CHEAP_KDF)

    assert [p.where for p in refused.value.problems] == ["new_password"]


@pytest.mark.parametrize(
    "password",
    [
        'He said "yes", I said \'no\'',
        "🔐🗝️🌍 emoji only 🙂",
        "كلمة المرور الطويلة",
        "ᏣᎳᎩ ᎦᏬᏂᎯᏍᏗ ጤና ይስጥልኝ",
        "back\\slash and ${dollar} and %s and {braces}",
        "x" * accounts.MAX_PASSWORD_LENGTH,
    ],
    ids=["quotes", "emoji", "arabic", "cherokee-ethiopic", "metacharacters", "longest"],
)
def test_any_text_is_a_fine_password(signed_in: accounts.SignedIn, password: str) -> None:
    accounts.add_user(signed_in, username="amira", display_name="Amira", role=Role.CASEWORKER,
                      password=password, kdf=CHEAP_KDF)

    assert can_sign_in(signed_in.data_dir, "amira", password)
    assert not can_sign_in(signed_in.data_dir, "amira", password[:-1] + "?")


def test_a_one_megabyte_password_is_too_long_at_once(signed_in: accounts.SignedIn, no_key_derivation: None) -> None:
    huge = "p" * 1_000_000
    started = time.perf_counter()

    with pytest.raises(ValidationFailed) as refused:
        accounts.add_user(signed_in, username="amira", display_name="Amira", role=Role.CASEWORKER, password=huge)
    with pytest.raises(PasswordTooLong) as at_sign_in:
        accounts.sign_in(signed_in.data_dir, "coordinator", huge)
    with pytest.raises(ValidationFailed):
        accounts.reset_password(signed_in, "coordinator", huge)
    with pytest.raises(ValidationFailed):
        accounts.change_password(signed_in, PASSWORD, huge)
    with pytest.raises(PasswordTooLong):
        accounts.change_password(signed_in, huge, NEW_PASSWORD)

    assert [p.message for p in refused.value.problems] == ["A password has at most 1024 characters."]
    assert at_sign_in.value.message == "A password has at most 1024 characters."
    assert at_sign_in.value.exit_code == 2
    assert time.perf_counter() - started < 10  # no pass over a megabyte per character
    assert SignInThrottle(signed_in.data_dir).failures() == 0


def test_one_character_over_the_limit_is_refused(signed_in: accounts.SignedIn) -> None:
    with pytest.raises(ValidationFailed):
        accounts.add_user(signed_in, username="amira", display_name="Amira", role=Role.CASEWORKER,
                          password="x" * (accounts.MAX_PASSWORD_LENGTH + 1), kdf=CHEAP_KDF)


def test_length_counts_characters_not_bytes() -> None:
    # Ten emoji are forty bytes of UTF-8 but ten characters: long enough.
    assert accounts.new_password_problems("🙂" * 10) == []
    assert [p.message for p in accounts.new_password_problems("🙂" * 9)] == ["A password needs at least 10 characters."]


def test_a_password_with_nul_is_refused(signed_in: accounts.SignedIn) -> None:
    with pytest.raises(ValidationFailed) as refused:
        accounts.add_user(signed_in, username="amira", display_name="Amira", role=Role.CASEWORKER,
                          password="long enough\x00but not", kdf=CHEAP_KDF)

    assert [p.message for p in refused.value.problems] == ["A password cannot contain a NUL character."]


def test_bytes_that_are_not_text_are_refused_not_crashed_on(
    signed_in: accounts.SignedIn, no_key_derivation: None
) -> None:
    # What os.environ gives for a password variable holding bytes that are not UTF-8.
    not_text = "long enough \udcff\udcfe"

    with pytest.raises(ValidationFailed) as refused:
        accounts.add_user(signed_in, username="amira", display_name="Amira", role=Role.CASEWORKER, password=not_text)
    with pytest.raises(PasswordNotText):
        accounts.sign_in(signed_in.data_dir, "coordinator", not_text)

    assert [p.message for p in refused.value.problems] == [PasswordNotText().message]


# --- the forgotten password ----------------------------------------------------------------------


@pytest.fixture
def recovery(data_dir: DataDir) -> Iterator[tuple[accounts.SignedIn, RecoveryKey]]:
    signed_in, key = accounts.set_up(data_dir, organisation="Harbour", username="coordinator", display_name="Maria",
                                     password=PASSWORD, kdf=CHEAP_KDF)
    yield signed_in, key
    signed_in.close()


def test_the_recovery_key_sets_a_new_password(
    recovery: tuple[accounts.SignedIn, RecoveryKey], clock: FakeClock
) -> None:
    first, key = recovery
    cases.create_case(first.store, CaseFile(person=PersonDetails(name_latin="Olena")))
    first.close()
    typed = key.formatted().lower().replace("-", " ")  # as copied from paper

    opened = accounts.sign_in_with_recovery(first.data_dir, typed, "coordinator", NEW_PASSWORD, kdf=CHEAP_KDF)
    try:
        assert opened.user.username == "coordinator"
        assert [s.name_latin for s in cases.case_summaries(opened.store, opened.user)] == ["Olena"]
    finally:
        opened.close()
    assert can_sign_in(first.data_dir, "coordinator", NEW_PASSWORD)
    assert not can_sign_in(first.data_dir, "coordinator", PASSWORD)


def test_a_wrong_recovery_key_changes_nothing_and_counts_as_a_failure(
    recovery: tuple[accounts.SignedIn, RecoveryKey], clock: FakeClock
) -> None:
    first, _key = recovery
    throttle = SignInThrottle(first.data_dir, clock=clock)
    before = file_hash(first.data_dir.keyring)

    with pytest.raises(WrongRecoveryKey):
        accounts.sign_in_with_recovery(first.data_dir, RecoveryKey.generate().formatted(), "coordinator", NEW_PASSWORD,
                                       kdf=CHEAP_KDF, throttle=throttle)
    with pytest.raises(WrongRecoveryKey):
        accounts.sign_in_with_recovery(first.data_dir, "not a key", "coordinator", NEW_PASSWORD,
                                       kdf=CHEAP_KDF, throttle=throttle)

    assert file_hash(first.data_dir.keyring) == before
    assert throttle.failures() == 2


def test_the_recovery_path_names_an_unknown_user_and_writes_nothing(
    recovery: tuple[accounts.SignedIn, RecoveryKey]
) -> None:
    first, key = recovery
    before = file_hash(first.data_dir.keyring)

    with pytest.raises(NoSuchUser):
        accounts.sign_in_with_recovery(first.data_dir, key.formatted(), "nobody", NEW_PASSWORD, kdf=CHEAP_KDF)

    assert file_hash(first.data_dir.keyring) == before


def test_the_recovery_path_refuses_a_weak_new_password_first(
    recovery: tuple[accounts.SignedIn, RecoveryKey], no_key_derivation: None
) -> None:
    first, key = recovery

    with pytest.raises(ValidationFailed):
        accounts.sign_in_with_recovery(first.data_dir, key.formatted(), "coordinator", "short")


def test_the_recovery_path_does_not_make_a_volunteer_a_key_holder(
    recovery: tuple[accounts.SignedIn, RecoveryKey]
) -> None:
    first, key = recovery
    accounts.add_user(first, username="ada", display_name="Ada", role=Role.VOLUNTEER, password=None)

    with pytest.raises(VolunteersDoNotSignIn):
        accounts.sign_in_with_recovery(first.data_dir, key.formatted(), "ada", NEW_PASSWORD, kdf=CHEAP_KDF)

    assert KeyRing.load(first.data_dir.keyring).find("password", "ada") is None


def test_the_recovery_path_keeps_a_disabled_account_disabled(
    recovery: tuple[accounts.SignedIn, RecoveryKey]
) -> None:
    first, key = recovery
    accounts.add_user(first, username="karim", display_name="Karim", role=Role.CASEWORKER, password=KARIM_PASSWORD,
                      kdf=CHEAP_KDF)
    accounts.disable_user(first, "karim")

    with pytest.raises(AccountDisabled):
        accounts.sign_in_with_recovery(first.data_dir, key.formatted(), "karim", NEW_PASSWORD, kdf=CHEAP_KDF)

    assert not can_sign_in(first.data_dir, "karim", NEW_PASSWORD)


# --- throttling ----------------------------------------------------------------------------------


def test_the_wait_doubles_after_five_failures_up_to_five_minutes() -> None:
    assert [wait_after(n) for n in range(16)] == [0, 0, 0, 0, 0, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300]
    assert wait_after(10**9) == MAX_WAIT_SECONDS


def test_five_wrong_passwords_then_each_try_waits_longer(
    signed_in: accounts.SignedIn, throttle: SignInThrottle, clock: FakeClock
) -> None:
    for _ in range(4):
        with pytest.raises(WrongPassword):
            sign_in(signed_in.data_dir, "coordinator", "wrong password!", throttle)
        assert throttle.wait_seconds() == 0
    with pytest.raises(WrongPassword):
        sign_in(signed_in.data_dir, "coordinator", "wrong password!", throttle)
    assert throttle.wait_seconds() == 2

    clock.now += 1
    with pytest.raises(TooManyAttempts) as waiting:
        sign_in(signed_in.data_dir, "coordinator", PASSWORD, throttle)  # even the right password waits
    assert waiting.value.message == "Too many wrong passwords. Wait 1 second, then try again."
    assert waiting.value.exit_code == 2

    clock.now += 1
    with pytest.raises(WrongPassword):
        sign_in(signed_in.data_dir, "coordinator", "wrong password!", throttle)
    assert throttle.wait_seconds() == 4
    with pytest.raises(TooManyAttempts) as waiting:
        sign_in(signed_in.data_dir, "coordinator", PASSWORD, throttle)
    assert waiting.value.message == "Too many wrong passwords. Wait 4 seconds, then try again."


def test_a_throttled_sign_in_derives_nothing(
    signed_in: accounts.SignedIn, throttle: SignInThrottle, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(5):
        throttle.failed()
    monkeypatch.setattr(keys, "_derive", lambda *_a: pytest.fail("a key was derived"))

    with pytest.raises(TooManyAttempts):
        sign_in(signed_in.data_dir, "coordinator", PASSWORD, throttle)
    assert throttle.failures() == 5  # waiting is not another failure


def test_a_successful_sign_in_starts_the_count_again(
    signed_in: accounts.SignedIn, throttle: SignInThrottle, clock: FakeClock
) -> None:
    for _ in range(6):
        throttle.failed()
    clock.now += 10

    sign_in(signed_in.data_dir, "coordinator", PASSWORD, throttle).close()

    assert throttle.failures() == 0
    assert not throttle.path.exists()


def test_the_count_is_kept_for_the_folder_across_processes(signed_in: accounts.SignedIn, clock: FakeClock) -> None:
    for _ in range(5):
        SignInThrottle(signed_in.data_dir, clock=clock).failed()

    later = SignInThrottle(signed_in.data_dir, clock=clock)

    assert later.path == signed_in.data_dir.root / "signin-throttle.json"
    assert later.wait_seconds() == 2


def test_the_default_sign_in_uses_the_folder_throttle(signed_in: accounts.SignedIn) -> None:
    for _ in range(5):
        with pytest.raises(WrongPassword):
            accounts.sign_in(signed_in.data_dir, "coordinator", "wrong password!", CHEAP_KDF)

    with pytest.raises(TooManyAttempts):
        accounts.sign_in(signed_in.data_dir, "coordinator", PASSWORD, CHEAP_KDF)


def test_a_clock_set_back_never_makes_the_wait_longer(
    data_dir: DataDir, throttle: SignInThrottle, clock: FakeClock
) -> None:
    data_dir.root.mkdir(parents=True)
    for _ in range(5):
        throttle.failed()
    clock.now -= 86_400 * 365

    assert throttle.wait_seconds() == 2


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\x00\xff\xfe garbage \x80",
        b"not json",
        b"[]",
        b'"text"',
        b"null",
        b"{}",
        b'{"format": 2, "failures": 0, "last_failure": 0}',
        b'{"format": 1, "failures": -3, "last_failure": 0}',
        b'{"format": 1, "failures": "0", "last_failure": 0}',
        b'{"format": 1, "failures": true, "last_failure": 0}',
        b'{"format": 1, "failures": 0.5, "last_failure": 0}',
        b'{"format": 1, "failures": 0, "last_failure": "yesterday"}',
        b'{"format": 1, "failures": 0, "last_failure": NaN}',
        b'{"format": 1, "failures": 0, "last_failure": Infinity}',
        b'{"format": 1, "failures": 0}',
        b"[" * 100_000,
        b'{"format": 1, "failures": 0, "last_failure": 0, "padding": "' + b"x" * 10_000 + b'"}',
    ],
    ids=lambda c: repr(c[:30]),
)
def test_a_damaged_state_file_counts_as_five_failures(
    data_dir: DataDir, throttle: SignInThrottle, clock: FakeClock, content: bytes
) -> None:
    data_dir.root.mkdir(parents=True)
    throttle.path.write_bytes(content)

    # No wait now (the person who knows the password is not locked out)…
    assert throttle.failures() == 5
    assert throttle.wait_seconds() == 0
    # …but the next wrong password waits, and longer than the first wait would be.
    throttle.failed()
    assert throttle.wait_seconds() == 4


def test_a_state_file_that_cannot_be_read_counts_as_five_failures(
    data_dir: DataDir, throttle: SignInThrottle
) -> None:
    throttle.path.mkdir(parents=True)  # a folder where the file should be: reading it fails

    assert throttle.failures() == 5
    throttle.failed()  # cannot be written either; no crash
    throttle.succeeded()


def test_a_throttle_with_a_good_file(data_dir: DataDir, throttle: SignInThrottle, clock: FakeClock) -> None:
    data_dir.root.mkdir(parents=True)
    throttle.path.write_text(json.dumps({"format": 1, "failures": 7, "last_failure": clock.now - 3}))

    assert throttle.wait_seconds() == 5


# --- roles and case files ------------------------------------------------------------------------


@pytest.fixture
def desk(signed_in: accounts.SignedIn, office: dict[str, UserInfo]) -> dict[str, CaseFile]:
    made = {}
    for name, owner in [("Amina", "coordinator"), ("Yonas", "karim"), ("Olena", "lena"), ("Farid", None)]:
        record = CaseFile(person=PersonDetails(name_latin=name), assigned_to=office[owner].id if owner else None)
        made[name] = cases.create_case(signed_in.store, record)
    return made


def test_a_caseworker_sees_and_opens_only_the_cases_assigned_to_them(
    as_karim: accounts.SignedIn, desk: dict[str, CaseFile]
) -> None:
    store, karim = as_karim.store, as_karim.user

    assert [s.name_latin for s in cases.case_summaries(store, karim)] == ["Yonas"]
    assert cases.get_case(store, desk["Yonas"].id, user=karim).person.name_latin == "Yonas"  # type: ignore[arg-type]
    for other in ("Amina", "Olena", "Farid"):
        with pytest.raises(NotFound):
            cases.get_case(store, desk[other].id, user=karim)  # type: ignore[arg-type]


def test_a_caseworker_cannot_save_over_someone_elses_case(
    signed_in: accounts.SignedIn, as_karim: accounts.SignedIn, desk: dict[str, CaseFile]
) -> None:
    olena = desk["Olena"]
    taken = CaseFile(person=PersonDetails(name_latin="Olena"), assigned_to=as_karim.user.id, id=olena.id,
                     reference=olena.reference, version=olena.version, opened_on=olena.opened_on)

    with pytest.raises(NotFound):
        cases.save_case(as_karim.store, taken, user=as_karim.user)

    assert cases.get_case(signed_in.store, olena.id).assigned_to == olena.assigned_to  # type: ignore[arg-type]


def test_a_caseworker_may_hand_their_case_over(
    signed_in: accounts.SignedIn, as_karim: accounts.SignedIn, desk: dict[str, CaseFile], office: dict[str, UserInfo]
) -> None:
    import dataclasses

    yonas = cases.get_case(as_karim.store, desk["Yonas"].id, user=as_karim.user)  # type: ignore[arg-type]
    cases.save_case(as_karim.store, dataclasses.replace(yonas, assigned_to=office["lena"].id), user=as_karim.user)

    assert cases.case_summaries(as_karim.store, as_karim.user) == []
    with pytest.raises(NotFound):
        cases.get_case(as_karim.store, yonas.id, user=as_karim.user)  # type: ignore[arg-type]


def test_a_coordinator_sees_and_opens_every_case(signed_in: accounts.SignedIn, desk: dict[str, CaseFile]) -> None:
    assert sorted(s.name_latin for s in cases.case_summaries(signed_in.store, signed_in.user)) == [
        "Amina", "Farid", "Olena", "Yonas"
    ]
    for case in desk.values():
        assert cases.get_case(signed_in.store, case.id, user=signed_in.user) == case  # type: ignore[arg-type]


def test_a_volunteer_is_shown_no_case_even_by_id(signed_in: accounts.SignedIn, desk: dict[str, CaseFile],
                                                 office: dict[str, UserInfo]) -> None:
    assert cases.case_summaries(signed_in.store, office["ada"]) == []
    with pytest.raises(NotFound):
        cases.get_case(signed_in.store, desk["Farid"].id, user=office["ada"])  # type: ignore[arg-type]


# --- secrets stay secret -------------------------------------------------------------------------


def test_no_password_or_key_reaches_a_log_or_a_file(
    data_dir: DataDir, caplog: pytest.LogCaptureFixture, clock: FakeClock
) -> None:
    caplog.set_level(logging.DEBUG)
    first, recovery = accounts.set_up(data_dir, organisation="Harbour", username="coordinator", display_name="Maria",
                                      password=PASSWORD, kdf=CHEAP_KDF)
    accounts.add_user(first, username="karim", display_name="Karim", role=Role.CASEWORKER, password=KARIM_PASSWORD,
                      kdf=CHEAP_KDF)
    key = first.key.raw()
    first.close()
    with pytest.raises(WrongPassword):
        accounts.sign_in(data_dir, "coordinator", "a wrong guess, logged?", CHEAP_KDF)
    again = accounts.sign_in(data_dir, "coordinator", PASSWORD, CHEAP_KDF)
    accounts.reset_password(again, "karim", NEW_PASSWORD, kdf=CHEAP_KDF)
    accounts.change_password(again, PASSWORD, "yet another passphrase", kdf=CHEAP_KDF)
    shown = repr(again) + str(again)
    again.close()
    from caseworker.core.settings import Settings, save_settings

    save_settings(data_dir, Settings(auto_lock_minutes=5))

    secrets = [PASSWORD, KARIM_PASSWORD, NEW_PASSWORD, "yet another passphrase", "a wrong guess, logged?",
               key.hex(), key.hex().upper(), recovery.formatted(), recovery.raw().hex()]
    files = {path: path.read_bytes() for path in data_dir.root.rglob("*") if path.is_file()}
    assert data_dir.settings in files
    for secret in secrets:
        assert secret not in caplog.text
        assert secret not in shown
        for path, content in files.items():
            assert secret.encode("utf-8") not in content, path
