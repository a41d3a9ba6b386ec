"""The data key and the key ring that keeps it wrapped.

cases.db is encrypted with a random 256-bit data key. The key never touches the disk in the
clear: each user's password, stretched with Argon2id, wraps it (AES-256-GCM), and so does the
recovery key shown once at set-up. The ring is a small JSON file beside cases.db; changing a
password rewraps the key and leaves the database as it is.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from caseworker.core.errors import BadInput, WrongPassword
from caseworker.core.files import write_atomically
from caseworker.core.i18n import N_

KEY_BYTES = 32
SALT_BYTES = 16
NONCE_BYTES = 12
TAG_BYTES = 16  # AES-GCM's authentication tag
RECOVERY_BYTES = 20
FORMAT = 1

# The shortest password an account may have (the sign-in window says so before any service loads).
PASSWORD_MIN_LENGTH = 10


@dataclass(frozen=True, slots=True)
class KdfParams:
    """Argon2id cost. The default is RFC 9106's second recommended option."""

    time_cost: int = 3
    memory_kib: int = 64 * 1024
    parallelism: int = 4


RFC9106_LOW_MEMORY = KdfParams()

# Bounds for a calibrated time cost: never fewer than two passes (OWASP's floor for Argon2id), and
# never so many that an old laptop keeps a caseworker waiting several seconds at every sign-in.
MIN_CALIBRATED_TIME_COST = 2
MAX_CALIBRATED_TIME_COST = 20


def calibrate_kdf(
    target_seconds: float = 0.5,
    memory_kib: int = 64 * 1024,
    parallelism: int = 4,
    *,
    timer: Callable[[], float] = time.perf_counter,
) -> KdfParams:
    """The Argon2id cost at which one derivation takes about ``target_seconds`` on this machine.

    One derivation at the lowest time cost is timed; Argon2's time grows linearly with the
    number of passes, so the rest is arithmetic.
    """
    probe = KdfParams(MIN_CALIBRATED_TIME_COST, memory_kib, parallelism)
    started = timer()
    _derive(b"calibration", secrets.token_bytes(SALT_BYTES), probe)
    per_pass = max(timer() - started, 1e-6) / probe.time_cost
    time_cost = round(target_seconds / per_pass)
    time_cost = min(max(time_cost, MIN_CALIBRATED_TIME_COST), MAX_CALIBRATED_TIME_COST)
    return KdfParams(time_cost, memory_kib, parallelism)


class DataKey:
    """The raw key, kept out of reprs and logs."""

    __slots__ = ("_raw",)

    def __init__(self, raw: bytes) -> None:
        if len(raw) != KEY_BYTES:
            raise ValueError("a data key is 32 bytes")
        self._raw = raw

    @classmethod
    def generate(cls) -> DataKey:
        return cls(secrets.token_bytes(KEY_BYTES))

    @property
    def sqlcipher_pragma_value(self) -> str:
        # A raw key in SQLCipher's blob syntax: the key is already random, so SQLCipher's own
        # PBKDF2 pass would only slow every connection down.
        return f"\"x'{self._raw.hex()}'\""

    def raw(self) -> bytes:
        return self._raw

    def __repr__(self) -> str:
        return "DataKey(…)"


def load_ciphers() -> None:
    """Load Argon2 and AES-GCM ahead of the first key derivation; the app does it in the
    background while the password is being typed."""
    import argon2.low_level  # noqa: F401
    import cryptography.hazmat.primitives.ciphers.aead  # noqa: F401


def _derive(secret: bytes, salt: bytes, params: KdfParams) -> bytes:
    # Argon2 and AES-GCM are loaded when a key is first derived (at sign-in, off the GUI thread),
    # not with this module: the sign-in window needs the module's names, not the ciphers.
    from argon2.low_level import Type, hash_secret_raw

    return hash_secret_raw(
        secret,
        salt,
        time_cost=params.time_cost,
        memory_cost=params.memory_kib,
        parallelism=params.parallelism,
        hash_len=KEY_BYTES,
        type=Type.ID,
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error) as exc:
        raise ValueError("not base64") from exc


def _aad(kind: str, name: str) -> bytes:
    # Binds each wrapped copy to its slot, so one user's entry cannot be moved to another's.
    return f"caseworker-key/{kind}/{name}".encode()


@dataclass(frozen=True, slots=True)
class WrappedKey:
    kind: str  # "password" or "recovery"
    name: str  # the user name, or "recovery"
    salt: str
    nonce: str
    wrapped: str
    kdf: KdfParams

    @classmethod
    def wrap(cls, kind: str, name: str, secret: bytes, key: DataKey, params: KdfParams) -> WrappedKey:
        salt = secrets.token_bytes(SALT_BYTES)
        nonce = secrets.token_bytes(NONCE_BYTES)
        kek = _derive(secret, salt, params)
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        wrapped = AESGCM(kek).encrypt(nonce, key.raw(), _aad(kind, name))
        return cls(kind, name, _b64(salt), _b64(nonce), _b64(wrapped), params)

    def unwrap(self, secret: bytes) -> DataKey | None:
        kek = _derive(secret, _unb64(self.salt), self.kdf)
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        try:
            raw = AESGCM(kek).decrypt(_unb64(self.nonce), _unb64(self.wrapped), _aad(self.kind, self.name))
        except InvalidTag:
            return None
        return DataKey(raw)


class KeyRingDamaged(BadInput):
    template = N_("The key file {file} is damaged. Restore it from a backup; nothing was changed.")


class KeyRingUnreadable(BadInput):
    template = N_("Caseworker may not read the key file {file}. Ask for read access to the data folder; nothing was changed.")


def _decoded(value: object, length: int) -> str:
    """A base64 field of exactly ``length`` bytes, or ValueError."""
    if not isinstance(value, str) or len(_unb64(value)) != length:
        raise ValueError("field length")
    return value


def _kdf_from_json(value: object) -> KdfParams:
    if not isinstance(value, dict) or set(value) != {"time_cost", "memory_kib", "parallelism"}:
        raise ValueError("kdf fields")
    if not all(type(v) is int for v in value.values()):
        raise ValueError("kdf values")
    params = KdfParams(**value)
    # Argon2's own bounds (RFC 9106): anything outside them cannot have been written by us.
    if not (1 <= params.parallelism <= 2**24 - 1 and params.time_cost >= 1 and params.memory_kib >= 8 * params.parallelism):
        raise ValueError("kdf bounds")
    return params


def _entry_from_json(entry: object) -> WrappedKey:
    if not isinstance(entry, dict):
        raise ValueError("entry")
    kind, name = entry["kind"], entry["name"]
    if kind not in ("password", "recovery") or not isinstance(name, str) or not name:
        raise ValueError("entry kind or name")
    return WrappedKey(
        kind=kind,
        name=name,
        salt=_decoded(entry["salt"], SALT_BYTES),
        nonce=_decoded(entry["nonce"], NONCE_BYTES),
        wrapped=_decoded(entry["wrapped"], KEY_BYTES + TAG_BYTES),
        kdf=_kdf_from_json(entry["kdf"]),
    )


def _names_from_json(value: object) -> list[str]:
    # Only a hint for the sign-in message (see KeyRing.volunteers): if someone has mangled it,
    # forget it rather than call the whole ring damaged and lock everybody out.
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return []
    return list(dict.fromkeys(value))


@dataclass(slots=True)
class KeyRing:
    """The wrapped copies of the data key, one per user with a password, and the recovery copy.

    ``volunteers`` names the accounts that by design hold no key, so that sign-in can tell a
    volunteer where to go instead of "wrong password". The names are no secret: the entries
    name every other account too.
    """

    entries: list[WrappedKey]
    volunteers: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path) -> KeyRing:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise
        except PermissionError as exc:
            raise KeyRingUnreadable(file=str(path)) from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise KeyRingDamaged(file=str(path)) from exc
        try:
            document = json.loads(text)
            if not isinstance(document, dict) or document.get("format") != FORMAT:
                raise ValueError("format")
            entries = [_entry_from_json(e) for e in document["entries"]]
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise KeyRingDamaged(file=str(path)) from exc
        return cls(entries, _names_from_json(document.get("volunteers")))

    def save(self, path: Path) -> None:
        # Older versions read "format" and "entries" only, so the volunteers' names can sit beside them.
        document = {"format": FORMAT, "entries": [asdict(e) for e in self.entries], "volunteers": self.volunteers}
        write_atomically(path, json.dumps(document, indent=1).encode("utf-8"))

    def find(self, kind: str, name: str) -> WrappedKey | None:
        for entry in self.entries:
            if entry.kind == kind and entry.name == name:
                return entry
        return None

    def set_password(self, user: str, password: str, key: DataKey, params: KdfParams) -> None:
        self.remove_user(user)
        self.volunteers = [name for name in self.volunteers if name != user]
        self.entries.append(WrappedKey.wrap("password", user, password.encode("utf-8"), key, params))

    def remove_user(self, user: str) -> None:
        self.entries = [e for e in self.entries if not (e.kind == "password" and e.name == user)]

    def set_volunteer(self, user: str, volunteer: bool) -> None:
        """Mark an account as one that holds no key; a volunteer loses any wrapped copy it had."""
        self.volunteers = [name for name in self.volunteers if name != user]
        if volunteer:
            self.remove_user(user)
            self.volunteers.append(user)

    def is_volunteer(self, user: str) -> bool:
        return user in self.volunteers and self.find("password", user) is None

    def set_recovery(self, recovery: RecoveryKey, key: DataKey, params: KdfParams) -> None:
        self.entries = [e for e in self.entries if e.kind != "recovery"]
        self.entries.append(WrappedKey.wrap("recovery", "recovery", recovery.raw(), key, params))

    def unlock(self, user: str, password: str, params: KdfParams | None = None) -> DataKey:
        """The data key, or WrongPassword. ``params`` is the cost spent on a name with no entry;
        without it, the cost of an entry in the ring, which is what a real attempt costs."""
        entry = self.find("password", user)
        if entry is None:
            # Spend the same time as a real attempt, so timing does not tell which names exist.
            _derive(password.encode("utf-8"), secrets.token_bytes(16), params or self._typical_cost())
            raise WrongPassword()
        key = entry.unwrap(password.encode("utf-8"))
        if key is None:
            raise WrongPassword()
        return key

    def _typical_cost(self) -> KdfParams:
        costs = [e.kdf for e in self.entries if e.kind == "password"]
        return costs[-1] if costs else RFC9106_LOW_MEMORY

    def unlock_with_recovery(self, recovery: RecoveryKey) -> DataKey:
        entry = self.find("recovery", "recovery")
        key = entry.unwrap(recovery.raw()) if entry else None
        if key is None:
            raise WrongRecoveryKey()
        return key


class WrongRecoveryKey(WrongPassword):
    template = N_("That recovery key does not open these case files.")


class RecoveryKey:
    """160 random bits, written as eight groups of four letters and digits for paper."""

    __slots__ = ("_raw",)

    def __init__(self, raw: bytes) -> None:
        self._raw = raw

    @classmethod
    def generate(cls) -> RecoveryKey:
        return cls(secrets.token_bytes(RECOVERY_BYTES))

    @classmethod
    def parse(cls, text: str) -> RecoveryKey:
        # Forgive what people do when copying from paper: case, spaces, dashes, 0 for O, 1 for I.
        cleaned = "".join(ch for ch in text.upper() if ch.isalnum()).replace("0", "O").replace("1", "I")
        try:
            raw = base64.b32decode(cleaned)
        except ValueError:
            raise WrongRecoveryKey() from None
        if len(raw) != RECOVERY_BYTES:
            raise WrongRecoveryKey()
        return cls(raw)

    def raw(self) -> bytes:
        return self._raw

    def formatted(self) -> str:
        text = base64.b32encode(self._raw).decode("ascii")
        return "-".join(text[i : i + 4] for i in range(0, len(text), 4))

    def __repr__(self) -> str:
        return "RecoveryKey(…)"


