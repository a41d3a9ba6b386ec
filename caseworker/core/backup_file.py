"""The backup file's container: a header in the clear, then the payload sealed chunk by chunk.

    CASEWORKER BACKUP\\n          the magic line
    {...}\\n                      the header: one line of JSON
    chunk 0, chunk 1, … chunk n  the payload, AES-256-GCM

The header holds what opening the rest needs, and nothing about a person: the format, the chunk
size, the payload's length, a random salt, a key check, and the key ring (the data key wrapped by
each user's password and by the recovery key, never the key itself), so that a backup can be
restored on a new laptop with a password or the recovery key alone.

The payload key is derived from the data key with HKDF-SHA256 and the salt, so every backup has a
key of its own and a chunk's index can serve as its nonce. Chunks are sealed one at a time, so a
200 MB database is never held in memory. A chunk's nonce is its index and a flag marking the last
chunk; its associated data is the SHA-256 of the magic line and the header. A changed byte
anywhere, chunks swapped, dropped or taken from another backup, a header put on another payload:
each fails to open. Every chunk but the last holds ``chunk_size`` bytes and the last holds fewer
(perhaps none), so the end needs no length field of its own; the header's payload length, checked
against the file's size before anything is decrypted, tells a copy that did not finish from a
file that was changed.

The payload is the manifest (its length in four bytes, then JSON) followed by each member's
bytes, in the manifest's order.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import json
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from caseworker.core.errors import BadInput
from caseworker.core.i18n import N_
from caseworker.core.keys import DataKey

MAGIC = b"CASEWORKER BACKUP\n"
FORMAT = 1
CHUNK_BYTES = 1024 * 1024
MIN_CHUNK_BYTES, MAX_CHUNK_BYTES = 1024, 64 * 1024 * 1024
# A key ring of a few hundred accounts fits many times over; a longer line is not ours.
MAX_HEADER_BYTES = 1024 * 1024
MAX_MANIFEST_BYTES = 1024 * 1024
MAX_PAYLOAD_BYTES = 2**50
SALT_BYTES = 32
KEY_CHECK_BYTES = 16
TAG_BYTES = 16
LENGTH_BYTES = 4
#: What a backup may hold, in this order; nothing else is ever written from one.
MEMBER_NAMES = ("cases.db", "directory.db")
COUNT_NAMES = ("cases", "people", "services", "users")
SCHEMA_NAMES = ("cases", "directory")
_SHA256 = re.compile(r"[0-9a-f]{64}")


class BackupUnusable(BadInput):
    """A file that cannot be used as a backup; nothing was changed."""


class NotABackup(BackupUnusable):
    template = N_("{file} is not a Caseworker backup. Nothing was changed.")


class BackupIncomplete(BackupUnusable):
    template = N_("The backup {file} is incomplete: it ends too early, perhaps because copying it did not finish. Copy it again, or use another backup. Nothing was changed.")


class BackupDamaged(BackupUnusable):
    template = N_("The backup {file} is damaged or was changed after it was made, so it cannot be used. Use another backup. Nothing was changed.")


class NewerBackup(BackupUnusable):
    template = N_("The backup {file} was made by a newer version of Caseworker. Install that version or a later one to use it. Nothing was changed.")


class BackupOfOtherCaseFiles(BackupUnusable):
    template = N_("The backup {file} was made from other case files: their key does not open it. Nothing was changed.")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(value: object, length: int) -> bytes:
    if not isinstance(value, str):
        raise TypeError("not text")
    try:
        data = base64.b64decode(value.encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error) as exc:
        raise ValueError("not base64") from exc
    if len(data) != length:
        raise ValueError("length")
    return data


def _whole_number(value: object, low: int, high: int) -> int:
    if type(value) is not int or not low <= value <= high:
        raise ValueError("out of range")
    return value


def _derive(key: DataKey, salt: bytes, purpose: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=b"caseworker-backup/" + purpose).derive(key.raw())


def _nonce(index: int, last: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


@dataclass(frozen=True)
class Header:
    chunk_size: int
    payload_bytes: int
    salt: bytes
    key_check: bytes
    key_ring: Mapping[str, object]
    #: SHA-256 of the magic line and the header line: every chunk is bound to it.
    digest: bytes
    #: Bytes from the start of the file to the first chunk.
    length: int

    @property
    def file_size(self) -> int:
        """What the file measures when it is whole."""
        chunks = self.payload_bytes // self.chunk_size + 1
        return self.length + self.payload_bytes + chunks * TAG_BYTES

    def opens_with(self, key: DataKey) -> bool:
        return hmac.compare_digest(_derive(key, self.salt, b"key-check", KEY_CHECK_BYTES), self.key_check)

    def _aad(self) -> bytes:
        return b"caseworker-backup/1/" + self.digest


def new_header(key: DataKey, key_ring: Mapping[str, object], payload_bytes: int, chunk_size: int = CHUNK_BYTES) -> tuple[Header, bytes]:
    """A header for a payload of ``payload_bytes``, and the bytes that start the file."""
    salt = secrets.token_bytes(SALT_BYTES)
    key_check = _derive(key, salt, b"key-check", KEY_CHECK_BYTES)
    document = {
        "format": FORMAT,
        "chunk_size": chunk_size,
        "payload_bytes": payload_bytes,
        "salt": _b64(salt),
        "key_check": _b64(key_check),
        "key_ring": key_ring,
    }
    start = MAGIC + json.dumps(document, separators=(",", ":")).encode("ascii") + b"\n"
    return Header(chunk_size, payload_bytes, salt, key_check, key_ring, hashlib.sha256(start).digest(), len(start)), start


def read_header(handle: BinaryIO, path: Path) -> Header:
    """The header of an open backup file, checked against the file's size; raises one of the
    BackupUnusable errors for anything else."""
    file = str(path)
    magic = handle.read(len(MAGIC))
    if magic != MAGIC:
        if magic and MAGIC.startswith(magic):
            raise BackupIncomplete(file=file)
        raise NotABackup(file=file)
    line = handle.readline(MAX_HEADER_BYTES + 1)
    if not line.endswith(b"\n"):
        raise (BackupDamaged if len(line) > MAX_HEADER_BYTES else BackupIncomplete)(file=file)
    try:
        document = json.loads(line)
    except (ValueError, RecursionError) as exc:
        raise BackupDamaged(file=file) from exc
    if not isinstance(document, dict) or type(document.get("format")) is not int:
        raise BackupDamaged(file=file)
    if document["format"] > FORMAT:
        raise NewerBackup(file=file)
    try:
        if document["format"] != FORMAT:
            raise ValueError("format")
        key_ring = document["key_ring"]
        if not isinstance(key_ring, dict):
            raise TypeError("key ring")
        header = Header(
            chunk_size=_whole_number(document["chunk_size"], MIN_CHUNK_BYTES, MAX_CHUNK_BYTES),
            payload_bytes=_whole_number(document["payload_bytes"], LENGTH_BYTES, MAX_PAYLOAD_BYTES),
            salt=_unb64(document["salt"], SALT_BYTES),
            key_check=_unb64(document["key_check"], KEY_CHECK_BYTES),
            key_ring=key_ring,
            digest=hashlib.sha256(magic + line).digest(),
            length=len(magic) + len(line),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise BackupDamaged(file=file) from exc
    size = os.fstat(handle.fileno()).st_size
    if size < header.file_size:
        raise BackupIncomplete(file=file)
    if size > header.file_size:
        raise BackupDamaged(file=file)
    return header


class PayloadWriter:
    """Seals the payload chunk by chunk as it is written."""

    def __init__(self, handle: BinaryIO, header: Header, key: DataKey) -> None:
        self._handle = handle
        self._header = header
        self._aead = AESGCM(_derive(key, header.salt, b"payload", 32))
        self._buffer = bytearray()
        self._index = 0
        self.written = 0

    def write(self, data: bytes) -> None:
        self._buffer += data
        self.written += len(data)
        size = self._header.chunk_size
        while len(self._buffer) >= size:
            self._seal(bytes(self._buffer[:size]), last=False)
            del self._buffer[:size]

    def finish(self) -> None:
        if self.written != self._header.payload_bytes:
            raise ValueError("the payload is not the length its header says")
        self._seal(bytes(self._buffer), last=True)
        self._buffer.clear()

    def _seal(self, chunk: bytes, *, last: bool) -> None:
        self._handle.write(self._aead.encrypt(_nonce(self._index, last), chunk, self._header._aad()))
        self._index += 1


class PayloadReader:
    """Opens the payload chunk by chunk as it is read; raises BackupDamaged for any chunk that
    does not open, and BackupIncomplete if the file ends early."""

    def __init__(self, handle: BinaryIO, header: Header, key: DataKey, path: Path) -> None:
        self._handle = handle
        self._header = header
        self._file = str(path)
        self._aead = AESGCM(_derive(key, header.salt, b"payload", 32))
        self._buffer = bytearray()
        self._index = 0
        self._ended = False
        self.done = 0

    def read(self, size: int) -> bytes:
        """Exactly ``size`` bytes of the payload."""
        while len(self._buffer) < size:
            if self._ended:
                raise BackupDamaged(file=self._file)
            self._buffer += self._open_next()
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        self.done += size
        return data

    def finish(self) -> None:
        """Everything has been read: nothing may be left in the payload or after it."""
        if not self._ended and self._open_next():
            raise BackupDamaged(file=self._file)
        if self._buffer or not self._ended or self._handle.read(1):
            raise BackupDamaged(file=self._file)

    def _open_next(self) -> bytes:
        full = self._header.chunk_size + TAG_BYTES
        sealed = self._handle.read(full)
        if len(sealed) < TAG_BYTES:
            raise BackupIncomplete(file=self._file)
        last = len(sealed) < full
        try:
            chunk = self._aead.decrypt(_nonce(self._index, last), sealed, self._header._aad())
        except InvalidTag as exc:
            raise BackupDamaged(file=self._file) from exc
        self._index += 1
        self._ended = last
        return chunk


# --- the manifest -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    name: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    created_at: dt.datetime
    app_version: str
    #: the schema revision of each store ("cases", "directory"); None for a store not in the backup
    schema: Mapping[str, str | None]
    #: "cases", "people", "services", "users"
    counts: Mapping[str, int]
    members: tuple[Member, ...]

    def encoded(self) -> bytes:
        document = {
            "format": FORMAT,
            "created_at": self.created_at.astimezone(dt.UTC).isoformat(),
            "app_version": self.app_version,
            "schema": dict(self.schema),
            "counts": dict(self.counts),
            "members": [{"name": m.name, "size": m.size, "sha256": m.sha256} for m in self.members],
        }
        data = json.dumps(document, separators=(",", ":")).encode("ascii")
        return len(data).to_bytes(LENGTH_BYTES, "big") + data

    @property
    def payload_bytes(self) -> int:
        return len(self.encoded()) + sum(m.size for m in self.members)


def read_manifest(reader: PayloadReader, header: Header, path: Path) -> Manifest:
    """The manifest at the start of the payload; BackupDamaged if it is not one we write."""
    file = str(path)
    length = int.from_bytes(reader.read(LENGTH_BYTES), "big")
    if length > MAX_MANIFEST_BYTES or length > header.payload_bytes - LENGTH_BYTES:
        raise BackupDamaged(file=file)
    try:
        document = json.loads(reader.read(length))
        if not isinstance(document, dict) or type(document.get("format")) is not int:
            raise ValueError("format")
        if document["format"] > FORMAT:
            raise NewerBackup(file=file)
        if document["format"] != FORMAT:
            raise ValueError("format")
        created_at = dt.datetime.fromisoformat(document["created_at"])
        if created_at.tzinfo is None:
            raise ValueError("created_at")
        app_version = document["app_version"]
        schema = document["schema"]
        counts = document["counts"]
        if not isinstance(app_version, str) or not isinstance(schema, dict) or not isinstance(counts, dict):
            raise TypeError("fields")
        if set(schema) != set(SCHEMA_NAMES) or not all(v is None or isinstance(v, str) for v in schema.values()):
            raise ValueError("schema")
        if set(counts) != set(COUNT_NAMES):
            raise ValueError("counts")
        counts = {name: _whole_number(value, 0, 2**63) for name, value in counts.items()}
        members = tuple(
            Member(entry["name"], _whole_number(entry["size"], 0, MAX_PAYLOAD_BYTES), entry["sha256"])
            for entry in document["members"]
        )
        names = [m.name for m in members]
        # Only the stores, in their order, cases.db always: a name is never a path to write to.
        if not names or names[0] != "cases.db" or names != [n for n in MEMBER_NAMES if n in names]:
            raise ValueError("members")
        if not all(isinstance(m.sha256, str) and _SHA256.fullmatch(m.sha256) for m in members):
            raise ValueError("checksums")
    except (KeyError, TypeError, ValueError, AttributeError, RecursionError) as exc:
        raise BackupDamaged(file=file) from exc
    manifest = Manifest(created_at.astimezone(dt.UTC), app_version, schema, counts, members)
    if LENGTH_BYTES + length + sum(m.size for m in members) != header.payload_bytes:
        raise BackupDamaged(file=file)
    return manifest
