"""The data key and the key ring (caseworker/core/keys.py)."""

from __future__ import annotations

import base64
import errno
import inspect
import json
import re
from pathlib import Path

import pytest

from caseworker.core import files, keys
from caseworker.core.errors import DiskFull, WrongPassword
from caseworker.core.keys import (
    RFC9106_LOW_MEMORY,
    DataKey,
    KdfParams,
    KeyRing,
    KeyRingDamaged,
    RecoveryKey,
    WrongRecoveryKey,
)
from caseworker.core.services import accounts

ALICE_PASSWORD = "alice's long password"
BOB_PASSWORD = "bob's other password"


@pytest.fixture
def key() -> DataKey:
    return DataKey.generate()


@pytest.fixture
def ring_path(tmp_path: Path, key: DataKey, cheap_kdf: KdfParams) -> Path:
    """A saved ring with two users and a recovery copy; the recovery key is in recovery.txt."""
    recovery = RecoveryKey.generate()
    ring = KeyRing([])
    ring.set_password("alice", ALICE_PASSWORD, key, cheap_kdf)
    ring.set_password("bob", BOB_PASSWORD, key, cheap_kdf)
    ring.set_recovery(recovery, key, cheap_kdf)
    path = tmp_path / "keyring.json"
    ring.save(path)
    (tmp_path / "recovery.txt").write_text(recovery.formatted(), encoding="utf-8")
    return path


def _recovery_of(ring_path: Path) -> RecoveryKey:
    return RecoveryKey.parse(ring_path.with_name("recovery.txt").read_text(encoding="utf-8"))


# --- wrapping and unwrapping -------------------------------------------------------------------


def test_a_saved_ring_unlocks_with_each_password(ring_path: Path, key: DataKey, cheap_kdf: KdfParams) -> None:
    ring = KeyRing.load(ring_path)

    assert ring.unlock("alice", ALICE_PASSWORD, cheap_kdf).raw() == key.raw()
    assert ring.unlock("bob", BOB_PASSWORD, cheap_kdf).raw() == key.raw()


def test_each_wrap_uses_its_own_salt_and_nonce(key: DataKey, cheap_kdf: KdfParams) -> None:
    first = keys.WrappedKey.wrap("password", "alice", b"same secret", key, cheap_kdf)
    second = keys.WrappedKey.wrap("password", "alice", b"same secret", key, cheap_kdf)

    assert first.salt != second.salt
    assert first.nonce != second.nonce
    assert first.wrapped != second.wrapped


def test_a_wrong_password_is_refused(ring_path: Path, cheap_kdf: KdfParams) -> None:
    ring = KeyRing.load(ring_path)

    with pytest.raises(WrongPassword) as caught:
        ring.unlock("alice", BOB_PASSWORD, cheap_kdf)

    assert type(caught.value) is WrongPassword
    assert caught.value.exit_code == 3


def test_an_unknown_user_looks_exactly_like_a_wrong_password(ring_path: Path, cheap_kdf: KdfParams) -> None:
    ring = KeyRing.load(ring_path)

    with pytest.raises(WrongPassword) as wrong_password:
        ring.unlock("alice", "not alice's password", cheap_kdf)
    with pytest.raises(WrongPassword) as unknown_user:
        ring.unlock("mallory", ALICE_PASSWORD, cheap_kdf)

    assert type(unknown_user.value) is type(wrong_password.value)
    assert unknown_user.value.message == wrong_password.value.message
    assert unknown_user.value.exit_code == wrong_password.value.exit_code == 3


def test_an_unknown_user_costs_one_key_derivation_like_a_wrong_password(
    ring_path: Path, cheap_kdf: KdfParams, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Timing must not tell which user names exist: both paths stretch the password once.
    ring = KeyRing.load(ring_path)
    calls: list[KdfParams] = []
    real_derive = keys._derive

    def counting(secret: bytes, salt: bytes, params: KdfParams) -> bytes:
        calls.append(params)
        return real_derive(secret, salt, params)

    monkeypatch.setattr(keys, "_derive", counting)

    with pytest.raises(WrongPassword):
        ring.unlock("alice", "wrong", cheap_kdf)
    with pytest.raises(WrongPassword):
        ring.unlock("nobody-by-this-name", "wrong", cheap_kdf)

    assert calls == [cheap_kdf, cheap_kdf]


def test_entries_are_bound_to_their_user(ring_path: Path, cheap_kdf: KdfParams) -> None:
    # Someone who can edit keyring.json swaps the names, hoping to sign in as bob with alice's
    # password. The user name is part of what the encryption authenticates, so neither opens.
    document = json.loads(ring_path.read_text(encoding="utf-8"))
    names = {e["name"]: e for e in document["entries"] if e["kind"] == "password"}
    names["alice"]["name"], names["bob"]["name"] = "bob", "alice"
    ring_path.write_text(json.dumps(document), encoding="utf-8")
    ring = KeyRing.load(ring_path)

    for user, password in [
        ("bob", ALICE_PASSWORD),
        ("alice", BOB_PASSWORD),
        ("alice", ALICE_PASSWORD),
        ("bob", BOB_PASSWORD),
    ]:
        with pytest.raises(WrongPassword):
            ring.unlock(user, password, cheap_kdf)


def test_changing_a_password_replaces_the_old_entry(ring_path: Path, key: DataKey, cheap_kdf: KdfParams) -> None:
    ring = KeyRing.load(ring_path)

    ring.set_password("alice", "alice's new password", key, cheap_kdf)

    assert [e.name for e in ring.entries if e.kind == "password"].count("alice") == 1
    assert ring.unlock("alice", "alice's new password", cheap_kdf).raw() == key.raw()
    with pytest.raises(WrongPassword):
        ring.unlock("alice", ALICE_PASSWORD, cheap_kdf)


def test_a_removed_user_can_no_longer_unlock(ring_path: Path, cheap_kdf: KdfParams) -> None:
    ring = KeyRing.load(ring_path)

    ring.remove_user("bob")

    with pytest.raises(WrongPassword):
        ring.unlock("bob", BOB_PASSWORD, cheap_kdf)
    assert ring.find("password", "alice") is not None
    assert ring.find("recovery", "recovery") is not None


# --- the recovery key --------------------------------------------------------------------------

RECOVERY_PATTERN = re.compile(r"^[A-Z2-7]{4}(-[A-Z2-7]{4}){7}$")


def test_the_recovery_key_is_eight_groups_of_four() -> None:
    for _ in range(20):
        assert RECOVERY_PATTERN.match(RecoveryKey.generate().formatted())


def test_the_recovery_key_unlocks_the_ring(ring_path: Path, key: DataKey) -> None:
    ring = KeyRing.load(ring_path)

    assert ring.unlock_with_recovery(_recovery_of(ring_path)).raw() == key.raw()


def test_another_recovery_key_is_refused(ring_path: Path) -> None:
    ring = KeyRing.load(ring_path)

    with pytest.raises(WrongRecoveryKey) as caught:
        ring.unlock_with_recovery(RecoveryKey.generate())

    assert caught.value.exit_code == 3
    assert "recovery key" in caught.value.message


def test_a_ring_without_a_recovery_copy_refuses_every_recovery_key(key: DataKey, cheap_kdf: KdfParams) -> None:
    ring = KeyRing([])
    ring.set_password("alice", ALICE_PASSWORD, key, cheap_kdf)

    with pytest.raises(WrongRecoveryKey):
        ring.unlock_with_recovery(RecoveryKey.generate())


# A key whose printed form holds both O and I, the letters people copy as 0 and 1.
_O_AND_I = "OIOI" + "ABCD" + "EFGH" + "OOII" + "JKLM" + "NPQR" + "STUV" + "WXYZ"
PAPER_KEY = RecoveryKey(base64.b32decode(_O_AND_I))


@pytest.mark.parametrize(
    "typed",
    [
        "OIOI-ABCD-EFGH-OOII-JKLM-NPQR-STUV-WXYZ",
        "oioi-abcd-efgh-ooii-jklm-npqr-stuv-wxyz",
        "OIOI ABCD EFGH OOII JKLM NPQR STUV WXYZ",
        "OIOIABCDEFGHOOIIJKLMNPQRSTUVWXYZ",
        "  oioi abcd-efgh ooii-jklm npqr stuv wxyz \n",
        "0101-ABCD-EFGH-0011-JKLM-NPQR-STUV-WXYZ",
        "o1O1 abcd efgh 0oi1 jklm npqr stuv wxyz",
    ],
)
def test_parsing_forgives_what_people_do_when_copying_from_paper(typed: str) -> None:
    assert PAPER_KEY.formatted() == "OIOI-ABCD-EFGH-OOII-JKLM-NPQR-STUV-WXYZ"

    assert RecoveryKey.parse(typed).raw() == PAPER_KEY.raw()


def test_a_formatted_key_parses_back() -> None:
    for _ in range(20):
        recovery = RecoveryKey.generate()
        assert RecoveryKey.parse(recovery.formatted()).raw() == recovery.raw()


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "hello",
        "OIOI-ABCD-EFGH-OOII-JKLM-NPQR-STUV",  # a group missing
        "OIOI-ABCD-EFGH-OOII-JKLM-NPQR-STUV-WXYZ-ABCD",  # a group too many
        "8888-ABCD-EFGH-OOII-JKLM-NPQR-STUV-WXYZ",  # 8 and 9 are not in the alphabet
        "ОІОІ-ABCD-EFGH-OOII-JKLM-NPQR-STUV-WXYZ",  # Cyrillic О and І
    ],
)
def test_text_that_is_not_a_recovery_key_is_a_wrong_recovery_key(typed: str) -> None:
    with pytest.raises(WrongRecoveryKey):
        RecoveryKey.parse(typed)


# --- a damaged key ring -------------------------------------------------------------------------


def _edit_document(path: Path, edit) -> None:  # type: ignore[no-untyped-def]
    document = json.loads(path.read_text(encoding="utf-8"))
    edit(document)
    path.write_text(json.dumps(document), encoding="utf-8")


def _delete_field(name: str):  # type: ignore[no-untyped-def]
    return lambda document: document["entries"][0].pop(name)


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda p: p.write_bytes(b"\xff\xfe\x00\x81garbage\x00\x9c"), id="garbage bytes"),
        pytest.param(lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]), id="truncated JSON"),
        pytest.param(lambda p: p.write_bytes(b""), id="empty file"),
        pytest.param(lambda p: _edit_document(p, lambda d: d.update(format=2)), id="format 2"),
        pytest.param(lambda p: _edit_document(p, lambda d: d.pop("format")), id="no format"),
        pytest.param(lambda p: _edit_document(p, lambda d: d.pop("entries")), id="no entries"),
        pytest.param(lambda p: _edit_document(p, lambda d: d.update(entries=5)), id="entries not a list"),
        pytest.param(lambda p: _edit_document(p, lambda d: d.update(entries=["x"])), id="entry not an object"),
        pytest.param(lambda p: _edit_document(p, _delete_field("wrapped")), id="entry without wrapped"),
        pytest.param(lambda p: _edit_document(p, _delete_field("salt")), id="entry without salt"),
        pytest.param(lambda p: _edit_document(p, _delete_field("kdf")), id="entry without kdf"),
        pytest.param(lambda p: _edit_document(p, _delete_field("name")), id="entry without name"),
        pytest.param(lambda p: p.write_text("[1, 2, 3]", encoding="utf-8"), id="a list, not an object"),
        pytest.param(
            lambda p: _edit_document(p, lambda d: d["entries"][0].update(kdf={"rounds": 3})), id="unknown kdf field"
        ),
    ],
)
def test_a_damaged_ring_is_named_in_the_error(ring_path: Path, damage) -> None:  # type: ignore[no-untyped-def]
    damage(ring_path)
    before = ring_path.read_bytes()

    with pytest.raises(KeyRingDamaged) as caught:
        KeyRing.load(ring_path)

    assert str(ring_path) in caught.value.message
    assert caught.value.exit_code == 2
    assert ring_path.read_bytes() == before


@pytest.mark.parametrize(
    "field, value",
    [
        ("salt", "!!! not base64 !!!"),
        ("nonce", base64.b64encode(b"abc").decode()),
        ("kdf", {"time_cost": 0, "memory_kib": 8192, "parallelism": 1}),
        ("kdf", {"time_cost": 1, "parallelism": 1}),
    ],
)
def test_a_damaged_value_in_an_entry_is_a_damaged_ring(
    ring_path: Path, cheap_kdf: KdfParams, field: str, value: object
) -> None:
    def damage(document: dict) -> None:  # type: ignore[type-arg]
        for entry in document["entries"]:
            if entry["name"] == "alice":
                entry[field] = value

    _edit_document(ring_path, damage)

    with pytest.raises(KeyRingDamaged):
        KeyRing.load(ring_path).unlock("alice", ALICE_PASSWORD, cheap_kdf)


def test_a_missing_ring_is_not_reported_as_damaged(tmp_path: Path) -> None:
    # The caller turns a missing ring into NotSetUp; it must not read as damage.
    with pytest.raises(FileNotFoundError):
        KeyRing.load(tmp_path / "keyring.json")


# --- cost of the key derivation -----------------------------------------------------------------


def test_default_cost_is_at_least_rfc_9106_second_recommendation() -> None:
    # RFC 9106 section 4, second recommended option: t=3, p=4, m=2^16 KiB (64 MiB).
    params = KdfParams()

    assert params.memory_kib >= 64 * 1024
    assert params.time_cost >= 3
    assert params.parallelism == 4
    assert RFC9106_LOW_MEMORY == params


def test_set_up_sign_in_and_add_user_default_to_the_calibrated_cost() -> None:
    # None stands for accounts.calibrated_kdf(): about half a second on this machine, with
    # RFC 9106's memory and lanes (tests/unit/test_accounts.py checks the calibration).
    for function in (accounts.set_up, accounts.sign_in, accounts.add_user):
        assert inspect.signature(function).parameters["kdf"].default is None


def test_one_real_unlock_with_the_default_cost(tmp_path: Path, key: DataKey) -> None:
    ring = KeyRing([])
    ring.set_password("alice", ALICE_PASSWORD, key, KdfParams())
    path = tmp_path / "keyring.json"
    ring.save(path)

    loaded = KeyRing.load(path)

    entry = loaded.find("password", "alice")
    assert entry is not None
    assert entry.kdf == KdfParams()
    assert loaded.unlock("alice", ALICE_PASSWORD, KdfParams()).raw() == key.raw()


# --- keeping the key secret ---------------------------------------------------------------------


def _spellings(raw: bytes) -> list[str]:
    return [
        raw.hex(),
        raw.hex().upper(),
        base64.b64encode(raw).decode(),
        base64.urlsafe_b64encode(raw).decode(),
        base64.b64encode(raw).decode().rstrip("="),
        base64.b32encode(raw).decode(),
    ]


def test_reprs_hide_the_key(key: DataKey) -> None:
    recovery = RecoveryKey.generate()
    shown = " ".join([repr(key), str(key), f"{key!r}", repr(recovery), str(recovery), repr([key, recovery])])

    for secret in _spellings(key.raw()) + _spellings(recovery.raw()) + [recovery.formatted()]:
        assert secret not in shown
    assert "DataKey" in repr(key)


def test_a_data_key_is_32_bytes() -> None:
    assert len(DataKey.generate().raw()) == 32
    assert DataKey.generate().raw() != DataKey.generate().raw()
    with pytest.raises(ValueError):
        DataKey(b"\x00" * 16)


def test_the_ring_file_holds_no_key_in_any_spelling(ring_path: Path, key: DataKey) -> None:
    text = ring_path.read_text(encoding="utf-8")
    recovery = _recovery_of(ring_path)

    for secret in _spellings(key.raw()) + _spellings(recovery.raw()):
        assert secret not in text
    assert recovery.formatted() not in text
    assert ALICE_PASSWORD not in text and BOB_PASSWORD not in text
    # Still a ring, and still JSON.
    assert json.loads(text)["format"] == keys.FORMAT


def test_the_ring_file_is_readable_by_its_owner_only(ring_path: Path) -> None:
    assert ring_path.stat().st_mode & 0o077 == 0


def test_saving_leaves_no_temporary_file(ring_path: Path, key: DataKey, cheap_kdf: KdfParams) -> None:
    ring = KeyRing.load(ring_path)
    ring.set_password("carol", "carol's long password", key, cheap_kdf)

    ring.save(ring_path)
    ring.save(ring_path)

    assert sorted(p.name for p in ring_path.parent.iterdir()) == ["keyring.json", "recovery.txt"]
    assert KeyRing.load(ring_path).find("password", "carol") is not None


def test_a_failed_save_keeps_the_old_ring_whole(
    ring_path: Path, key: DataKey, cheap_kdf: KdfParams, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = ring_path.read_bytes()
    ring = KeyRing.load(ring_path)
    ring.set_password("carol", "carol's long password", key, cheap_kdf)

    def disk_full(src: object, dst: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "replace", disk_full)
    with pytest.raises(DiskFull):
        ring.save(ring_path)
    monkeypatch.undo()

    assert ring_path.read_bytes() == before
    assert sorted(p.name for p in ring_path.parent.iterdir()) == ["keyring.json", "recovery.txt"]
