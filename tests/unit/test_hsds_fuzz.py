"""Fuzzing the HSDS directory import (caseworker/core/directory/hsds.py, import_hsds) with
Hypothesis: random bytes and random JSON documents as a .json file, deep nesting, a real export
changed byte by byte and field by field, the official CSV package with one table damaged, and zip
packages that are damaged, hostile (paths out of the package, odd names) or bombs.

The rule: whatever the file holds, the import answers with an ImportSummary or with
DirectoryImportFailed listing its problems; never another exception, a crash or a hang (the
pytest timeout catches a hang); when it fails, the directory is exactly as before; and nothing
is ever written outside the test's folder (a package is read, never unpacked).
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import struct
import time
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from caseworker.core.directory import hsds
from caseworker.core.directory.hsds import DirectoryImportFailed, ImportSummary
from caseworker.core.directory.store import DirectoryStore
from caseworker.core.errors import Problem
from tests.fuzzing import FUZZ_EXAMPLES, byte_edit, edited
from tests.unit import test_hsds
from tests.unit.test_hsds import EXAMPLES, dump, zip_folder

# The fixtures of test_hsds.py that these tests use, put where pytest looks for them by name.
directory = test_hsds.directory
example_package = test_hsds.example_package
filled = test_hsds.filled

_HEALTH = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large]
_FUZZ = settings(max_examples=FUZZ_EXAMPLES, suppress_health_check=_HEALTH)
# The test whose examples are slow (megabytes of text written, read, stored and indexed, then
# undone) runs a third as many, so that the file keeps well under a minute.
_FEWER = settings(max_examples=max(10, FUZZ_EXAMPLES // 3), suppress_health_check=_HEALTH)
# Far more than any of these small files needs; more is a runaway, if not quite a hang.
_SLOW_SECONDS = 30.0

# The tables of the official example package that the import reads.
_READ = {spec.path for spec in hsds.SPECS.values()}
PACKAGE_TABLES = sorted(p.name for p in (EXAMPLES / "csv").glob("*.csv") if p.name in _READ)
HSDS_KEYS = sorted(
    {f.name for spec in hsds.SPECS.values() for f in spec.fields}
    | {key for nested in hsds.NESTING.values() for key in nested}
    | {"contents", "attributes", "translations"}
)
A_UUID = "3f7b145d-84af-42d7-8fae-eaca714b02b2"


# --- the directory imported into ----------------------------------------------------------------


class _Directory:
    """The directory every example imports into. A failed import must leave it as it was (the
    rule under test); a successful one is undone by reopening a pristine copy, so that every
    example starts from the same records and Hypothesis sees the same outcome when it replays."""

    def __init__(self, source: DirectoryStore, folder: Path) -> None:
        folder.mkdir()
        self.folder = folder
        self.pristine = folder / "pristine.db"
        source.backup_to(self.pristine)
        self.path = folder / "work.db"
        self.store = self._fresh()
        self.before = dump(self.store)

    def _fresh(self) -> DirectoryStore:
        for left in self.folder.glob("work.db*"):
            left.unlink()
        shutil.copyfile(self.pristine, self.path)
        return DirectoryStore.open(self.path)

    def attempt(self, path: Path) -> ImportSummary | None:
        """Import; the summary, or None when the import failed as the rule allows."""
        started = time.monotonic()
        try:
            summary = hsds.import_hsds(self.store, path)
        except DirectoryImportFailed as error:
            assert time.monotonic() - started < _SLOW_SECONDS
            assert error.problems and all(isinstance(p, Problem) for p in error.problems)
            assert len(error.message.splitlines()) >= len(error.problems)  # every problem can be said
            assert dump(self.store) == self.before
            return None
        assert time.monotonic() - started < _SLOW_SECONDS
        assert isinstance(summary, ImportSummary)
        dump(self.store)  # still readable
        self.store.dispose()
        self.store = self._fresh()
        return summary

    def close(self) -> None:
        self.store.dispose()


@pytest.fixture
def target(filled: DirectoryStore, tmp_path: Path) -> Iterator[_Directory]:
    """Once per test function (Hypothesis shares function-scoped fixtures across examples)."""
    made = _Directory(filled, tmp_path / "store")
    yield made
    made.close()


@pytest.fixture
def exported(filled: DirectoryStore, tmp_path: Path) -> Path:
    """The filled directory exported as HSDS JSON (a path: Hypothesis shows the arguments of a
    failing example, and 35 KB of bytes would bury the rest)."""
    return hsds.export_hsds(filled, tmp_path / "export.json", format="json").path


@pytest.fixture
def example_zips(example_package: Path, tmp_path: Path) -> dict[int, Path]:
    """The official example package zipped with each compression a zip reader must undo."""
    zips = {zipfile.ZIP_DEFLATED: zip_folder(example_package, tmp_path / "example.zip")}
    for compression in (zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA):
        zips[compression] = tmp_path / f"example-{compression}.zip"
        with zipfile.ZipFile(zips[compression], "w", compression=compression) as archive:
            for child in sorted(example_package.iterdir()):
                archive.write(child, child.name)
    return zips


def _outside(tmp_path: Path) -> set[Path]:
    """What is beside the test's folder, and the names a hostile zip member would write to."""
    found = set(tmp_path.parent.iterdir())
    found |= {p for p in (Path("/x.csv"), Path("/tmp/x.csv"), Path.cwd() / "x.csv") if p.exists()}
    return found


# --- changing bytes ---------------------------------------------------------------------------------

_TOKENS = [
    b'"', b"{", b"}", b"[", b"]", b",", b":", b"\\", b"\x00", b"\xff", b"\xc3", b"\xef\xbb\xbf", b"null", b"1e999",
    b"NaN", b"-", b"\\u", b"\\ud800", b"\r", b"\n", b'""', b"9" * 5000,
]
_BYTE_EDITS = st.lists(byte_edit(st.binary(min_size=1, max_size=40) | st.sampled_from(_TOKENS)), min_size=1, max_size=4)


# --- 1. random bytes as a .json file ---------------------------------------------------------------


@_FUZZ
@given(
    data=st.one_of(
        st.binary(max_size=3000),
        st.tuples(
            st.sampled_from([b"[", b"{", b"\xef\xbb\xbf[", b'[{"id": "', b'{"contents": [', b"PK\x03\x04"]),
            st.binary(max_size=2000),
        ).map(b"".join),
    )
)
@example(data=b"[" + b"9" * 5000 + b"]")  # a number longer than Python turns into an int by default
def test_any_bytes_as_json_get_only_the_validation_error(data: bytes, target: _Directory, tmp_path: Path) -> None:
    path = tmp_path / "in.json"
    path.write_bytes(data)
    target.attempt(path)


# --- 2. random JSON documents, and deep nesting ------------------------------------------------------

_TRICKY_TEXT = [
    A_UUID, A_UUID.upper(), A_UUID.replace("-", ""), "{" + A_UUID + "}", f"urn:uuid:{A_UUID}", " " + A_UUID + " ",
    "", " ", "2026-05-04", "2026-02-30", "2026-13-01", "0000-01-01", "١٢٣٤-٠١-٠١", "2026-05-04T10:00:00Z",
    "2026-05-04T25:00:00",
    "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "24:00", "25:61", "9:60", "٩:٠٠",
    "active", "inactive", "physical", "postal", "virtual", "WEEKLY", "MO,TU", "MO,XX", "ar", "fa_AF", "zz-ZZ-xx", "IT",
    "https://example.org", "mailto:", "a@b", "@", "true", "yes", "0", "-1", "1e400", "1e300", "NaN", "-inf", "١٢",
    "9" * 30, "1" * 5000, "\x00", "a\x00b", "\ud800", "x\udc80y", "\u202egnp.exe", "service", "organization",
]
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(),
    st.text(max_size=30),
    st.sampled_from(_TRICKY_TEXT),
)
_KEYS = st.one_of(st.sampled_from(HSDS_KEYS), st.sampled_from(HSDS_KEYS), st.text(max_size=8))
_VALUES = st.recursive(
    _SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=6), max_leaves=30
)
_RECORDS = st.dictionaries(_KEYS, _VALUES, max_size=10)
_DOCUMENTS = st.one_of(
    _VALUES,
    st.lists(_RECORDS, max_size=4),
    st.lists(_RECORDS, max_size=4).map(lambda services: {"contents": services}),
    _RECORDS.map(lambda service: {"id": A_UUID, **service}),
)


def _json_bytes(document: Any, ascii_only: bool) -> bytes:
    # Lone surrogates are written as \ud800 escapes, or (not ASCII) as the bytes a careless
    # encoder would give them, which are not UTF-8.
    return json.dumps(document, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")


@_FUZZ
@given(document=_DOCUMENTS, ascii_only=st.booleans())
@example(document=[{"minimum_age": "1" * 5000}], ascii_only=True)
@example(document={"id": A_UUID, "last_modified": "0001-01-01T00:00:00+01:00"}, ascii_only=True)
def test_any_json_document_gets_only_the_validation_error(
    document: Any, ascii_only: bool, target: _Directory, tmp_path: Path
) -> None:
    path = tmp_path / "in.json"
    path.write_bytes(_json_bytes(document, ascii_only))
    target.attempt(path)


def _nested(depth: int, shape: str) -> str:
    if shape == "lists":
        return "[" * depth + "]" * depth
    if shape == "objects":
        return '{"services":' * depth + "null" + "}" * depth
    if shape == "mixed":
        return '[{"id":' * depth + "1" + "}]" * depth
    inner = "[" * depth + "]" * depth
    return f'[{{"id": {inner}, "name": "x"}}]'  # deep in a field, whose value an error message shows


@_FUZZ
@given(depth=st.integers(1, 20_000), shape=st.sampled_from(["lists", "objects", "mixed", "in a field"]))
@example(depth=10_000, shape="lists")
@example(depth=10_000, shape="objects")
@example(depth=900, shape="in a field")
@example(depth=1982, shape="in a field")  # parsed, but too deep to be written back in the problem's text
def test_deeply_nested_json_gets_only_the_validation_error(
    depth: int, shape: str, target: _Directory, tmp_path: Path
) -> None:
    path = tmp_path / "in.json"
    path.write_text(_nested(depth, shape), encoding="utf-8")
    target.attempt(path)


# --- 3. a real export, changed ------------------------------------------------------------------------


@_FUZZ
@given(edits=_BYTE_EDITS)
def test_a_real_export_changed_byte_by_byte_gets_only_the_validation_error(
    edits: list[tuple[str, float, Any]], exported: Path, target: _Directory, tmp_path: Path
) -> None:
    data = edited(exported.read_bytes(), edits)
    path = tmp_path / "in.json"
    path.write_bytes(data)
    target.attempt(path)


def _records_of(node: Any) -> Iterator[dict[str, Any]]:
    """Every object of a JSON document, outermost first: the services, then what they hold."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _records_of(value)
    elif isinstance(node, list):
        for value in node:
            yield from _records_of(value)


def _huge(megabytes: float, unit: str) -> str:
    return unit * int(megabytes * 1024 * 1024 / len(unit.encode("utf-8")))


_DELETE = "<delete the field>"
_NOT_UUIDS = st.one_of(
    st.sampled_from(_TRICKY_TEXT[:6]),
    st.text(max_size=40),
    st.uuids().map(lambda u: u.hex),
    st.uuids().map(lambda u: str(u)[:-1]),
)
_NOT_DATES = st.sampled_from([
    "2026-02-30", "2025-02-29", "2026-04-31", "2026-00-10", "0000-01-01", "10000-01-01", "2026-5-4", "04/05/2026",
    "2026-05-04T", "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "2026-05-04T10:00:00+25:00", "24:01",
    "23:60", "-1:00",
])
_HOSTILE = st.one_of(
    st.builds(_huge, st.sampled_from([1.5, 3.0]), st.sampled_from(["x", "é ", "مرحبا ", "\u200f", "0"])),
    st.none(), st.booleans(), st.integers(min_value=-(2**80), max_value=2**80), st.floats(),
    st.lists(_SCALARS, max_size=3), st.dictionaries(_KEYS, _SCALARS, max_size=3),
    _NOT_UUIDS, _NOT_DATES, st.sampled_from(_TRICKY_TEXT), st.text(max_size=50), st.just(_DELETE),
)
# An edit: which object of the export (by its place among all of them, modulo their number),
# which field (a name HSDS uses, or the n-th field the object has), and its new value.
_FIELD_EDITS = st.lists(
    st.tuples(st.integers(0, 400), st.one_of(st.sampled_from(HSDS_KEYS), st.integers(0, 30)), _HOSTILE),
    min_size=1,
    max_size=3,
)


@_FEWER
@given(edits=_FIELD_EDITS)
@example(edits=[(0, "name", _huge(3, "x"))])
@example(edits=[(0, "description", _huge(3, "مرحبا "))])
@example(edits=[(0, "phones", {"id": A_UUID})])
@example(edits=[(0, "minimum_age", "eleven")])
@example(edits=[(1, "id", "not-a-uuid")])
@example(edits=[(0, "assured_date", "2026-02-30")])
@example(edits=[(0, "minimum_age", 10**30)])
@example(edits=[(0, "maximum_age", 1e300)])
@example(edits=[(0, "last_modified", "9999-12-31T23:59:59-01:00")])
def test_a_real_export_changed_field_by_field_gets_only_the_validation_error(
    edits: list[tuple[int, str | int, Any]], exported: Path, target: _Directory, tmp_path: Path
) -> None:
    document = json.loads(exported.read_bytes())
    for which, key, value in edits:
        objects = list(_records_of(document))
        record = objects[which % len(objects)]
        if isinstance(key, int):
            if not record:
                continue
            key = list(record)[key % len(record)]
        if value is _DELETE:
            record.pop(key, None)
        else:
            record[key] = value
    path = tmp_path / "in.json"
    path.write_bytes(_json_bytes(document, ascii_only=False))
    target.attempt(path)


# --- 4. the CSV package as a folder, one table damaged ------------------------------------------------

_CSV_DAMAGE = st.one_of(
    st.tuples(st.just("random bytes"), st.binary(max_size=2000)),
    st.tuples(st.just("edits"), _BYTE_EDITS),
    st.tuples(st.just("NUL bytes"), st.lists(st.floats(0, 1), min_size=1, max_size=5)),
    st.tuples(
        st.just("a field over 1 MB"),
        st.tuples(st.floats(0, 1), st.booleans(), st.integers(1024 * 1024 + 1, 3 * 1024 * 1024 // 2)),
    ),
    st.tuples(st.just("stray quotes"), st.lists(st.floats(0, 1), min_size=1, max_size=3)),
    st.tuples(st.just("a cell too many"), st.integers(0, 5)),
    st.tuples(st.just("the header only"), st.none()),
    st.tuples(st.just("empty"), st.none()),
    st.tuples(st.just("not UTF-8"), st.sampled_from(["latin-1", "utf-16", "cp1256"])),
    st.tuples(st.just("no such file"), st.none()),
    st.tuples(
        st.just("a hostile cell"),
        st.tuples(st.integers(1, 3), st.one_of(st.sampled_from(HSDS_KEYS), st.integers(0, 30)), st.one_of(
            st.sampled_from(_TRICKY_TEXT), _NOT_DATES, st.text(max_size=40), st.integers(-(2**80), 2**80).map(str),
        )),
    ),
)


def _damaged(original: bytes, damage: tuple[str, Any]) -> bytes | None:
    """The table's new bytes, or None when it is taken away."""
    kind, how = damage
    if kind == "random bytes":
        return how
    if kind == "edits":
        return edited(original, how)
    if kind == "NUL bytes":
        return edited(original, [("insert", where, b"\x00") for where in how])
    if kind == "a field over 1 MB":
        where, quoted, size = how
        field = b'"' + b"x" * size + b'"' if quoted else b"x" * size
        return edited(original, [("insert", where, field)])
    if kind == "stray quotes":
        return edited(original, [("insert", where, b'"') for where in how])
    if kind == "a cell too many":
        lines = original.split(b"\r\n") if b"\r\n" in original else original.split(b"\n")
        row = min(how, len(lines) - 1)
        lines[row] += b",extra"
        return b"\r\n".join(lines)
    if kind == "the header only":
        return original.splitlines(keepends=True)[0] if original else b""
    if kind == "empty":
        return b""
    if kind == "not UTF-8":
        return original.decode("utf-8").replace("e", "è").encode(how, "replace")
    if kind == "a hostile cell":
        row, column, value = how
        rows = list(csv.reader(io.StringIO(original.decode("utf-8-sig"), newline="")))
        if isinstance(column, str):
            if column not in rows[0]:
                rows[0].append(column)
            column = rows[0].index(column)
        column %= len(rows[0])
        rows += [[] for _ in range(row + 1 - len(rows))]
        rows[row] += [""] * (column + 1 - len(rows[row]))
        rows[row][column] = value
        out = io.StringIO(newline="")
        csv.writer(out, lineterminator="\r\n").writerows(rows)
        return out.getvalue().encode("utf-8", "surrogatepass")
    assert kind == "no such file"
    return None


@_FUZZ
@given(table=st.sampled_from(PACKAGE_TABLES), damage=_CSV_DAMAGE)
@example(table="services.csv", damage=("a field over 1 MB", (0.5, True, 1024 * 1024 + 10)))
@example(table="phones.csv", damage=("NUL bytes", [0.3]))
@example(table="services.csv", damage=("stray quotes", [0.0]))
@example(table="organizations.csv", damage=("the header only", None))
@example(table="services.csv", damage=("empty", None))
@example(table="services.csv", damage=("a hostile cell", (1, "minimum_age", "1" * 5000)))
@example(table="phones.csv", damage=("a hostile cell", (1, "extension", "99999999999999999999")))
@example(table="schedules.csv", damage=("a hostile cell", (1, "valid_from", "2026-02-30")))
def test_a_damaged_table_in_a_csv_folder_gets_only_the_validation_error(
    table: str, damage: tuple[str, Any], example_package: Path, target: _Directory
) -> None:
    path = example_package / table
    original = path.read_bytes()
    changed = _damaged(original, damage)
    try:
        if changed is None:
            path.unlink()
        else:
            path.write_bytes(changed)
        target.attempt(example_package)
    finally:
        path.write_bytes(original)


# --- 5. zip packages --------------------------------------------------------------------------------


@_FUZZ
@given(
    body=st.binary(max_size=2000),
    end=st.one_of(st.just(b""), st.binary(min_size=18, max_size=40).map(lambda b: b"PK\x05\x06" + b)),
)
def test_any_bytes_as_a_zip_get_only_the_validation_error(
    body: bytes, end: bytes, target: _Directory, tmp_path: Path
) -> None:
    # A local file header's signature first, and maybe an end-of-archive record with random
    # sizes and offsets last, so that the zip reader goes further than its first check.
    path = tmp_path / "package.zip"
    path.write_bytes(b"PK\x03\x04" + body + end)
    outside = _outside(tmp_path)
    target.attempt(path)
    assert _outside(tmp_path) == outside


@_FUZZ
@given(compression=st.sampled_from([zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA]), edits=_BYTE_EDITS)
@example(compression=zipfile.ZIP_DEFLATED, edits=[("flip", 0.53125, 1)])  # inside a member's deflated data
@example(compression=zipfile.ZIP_LZMA, edits=[("flip", 0.25, 1)])  # inside a member's LZMA data
@example(compression=zipfile.ZIP_LZMA, edits=[("flip", 0.9839180916457347, 64)])  # a version no reader knows
def test_a_real_zip_changed_byte_by_byte_gets_only_the_validation_error(
    compression: int,
    edits: list[tuple[str, float, Any]],
    example_zips: dict[int, Path],
    target: _Directory,
    tmp_path: Path,
) -> None:
    path = tmp_path / "package.zip"
    path.write_bytes(edited(example_zips[compression].read_bytes(), edits))
    outside = _outside(tmp_path)
    target.attempt(path)
    assert _outside(tmp_path) == outside


_MEMBER_NAMES = st.one_of(
    st.sampled_from([
        "../x.csv", "..\\x.csv", "/x.csv", "\\x.csv", "/tmp/x.csv", "C:\\x.csv", "C:x.csv", "c:/x.csv",
        "hsds/../../x.csv", "hsds/..\\..\\x.csv", "./services.csv", "hsds/./services.csv", "//server/share/x.csv",
        "\\\\server\\share\\x.csv", "services.csv\x00../x.csv", "\x00", "x.csv\x00", "", "/", "..", "../", ".",
        "services.csv/", "hsds/", "SERVICES.CSV",
        "__MACOSX/services.csv", "hsds/services.csv", "services.csv", "phones.csv", "services.csv ", " services.csv",
        "a" * 1000 + "/services.csv", "é/services.csv", "services.csv/../x.csv", "~/x.csv", "$HOME/x.csv",
    ]),
    st.text(max_size=30),
    st.lists(
        st.sampled_from(["..", ".", "", "hsds", "services.csv", "x.csv", "\\", "C:", "\x00", "a" * 300]),
        min_size=1,
        max_size=6,
    ).map("/".join),
    st.text(min_size=300, max_size=2000),
)
_MEMBERS = st.lists(
    st.tuples(
        _MEMBER_NAMES,
        st.one_of(st.sampled_from(PACKAGE_TABLES), st.binary(max_size=200)),  # a real table's bytes, or others
        st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]),
    ),
    min_size=1,
    max_size=4,
)


@_FUZZ
@given(members=_MEMBERS, with_package=st.booleans())
@example(members=[("../x.csv", "services.csv", zipfile.ZIP_DEFLATED)], with_package=True)
@example(members=[("/x.csv", "services.csv", zipfile.ZIP_STORED)], with_package=False)
@example(members=[("..\\x.csv", b"id\r\n", zipfile.ZIP_STORED)], with_package=True)
@example(members=[("services.csv", "services.csv", zipfile.ZIP_STORED)] * 2, with_package=True)
@example(members=[("hsds/", b"", zipfile.ZIP_STORED)], with_package=True)
@example(members=[("\x00", "services.csv", zipfile.ZIP_STORED)], with_package=True)  # read as an empty name
@example(members=[("", b"", zipfile.ZIP_STORED)], with_package=True)
def test_zip_members_with_any_names_get_only_the_validation_error_and_write_nothing(
    members: list[tuple[str, str | bytes, int]],
    with_package: bool,
    example_package: Path,
    target: _Directory,
    tmp_path: Path,
) -> None:
    path = tmp_path / "package.zip"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile's "Duplicate name": duplicates are wanted here
        with zipfile.ZipFile(path, "w") as archive:
            if with_package:
                for child in sorted(example_package.iterdir()):
                    archive.write(child, child.name, compress_type=zipfile.ZIP_DEFLATED)
            for name, content, compression in members:
                info = zipfile.ZipInfo("placeholder", date_time=(2026, 5, 4, 12, 0, 0))
                info.filename = name  # as given: ZipInfo() would cut it at a NUL
                info.compress_type = compression
                data = (example_package / content).read_bytes() if isinstance(content, str) else content
                archive.writestr(info, data)
    outside = _outside(tmp_path)
    target.attempt(path)
    assert _outside(tmp_path) == outside
    assert not (tmp_path.parent / "x.csv").exists() and not (tmp_path / "x.csv").exists()


def _lie_about_sizes(data: bytes) -> bytes:
    """The zip with every member said to unpack to 100 bytes, in its local header and in the
    central directory: the sizes a zip bomb gives to pass a check that trusts them."""
    out = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        for info in infos:
            out[info.header_offset + 22 : info.header_offset + 26] = struct.pack("<I", 100)
        at = archive.start_dir
    for _info in infos:
        assert out[at : at + 4] == b"PK\x01\x02"
        out[at + 24 : at + 28] = struct.pack("<I", 100)
        name_length, extra_length, comment_length = struct.unpack("<HHH", out[at + 28 : at + 34])
        at += 46 + name_length + extra_length + comment_length
    return bytes(out)


_MEMBER_LIMIT = 64 * 1024
_PACKAGE_LIMIT = 128 * 1024


@_FUZZ
@given(
    bombs=st.lists(
        st.tuples(
            st.sampled_from([*PACKAGE_TABLES, "notes.txt", "hsds/services.csv"]),
            st.integers(_MEMBER_LIMIT // 2, 4 * _MEMBER_LIMIT),
        ),
        min_size=1,
        max_size=3,
        unique_by=lambda bomb: bomb[0],
    ),
    compression=st.sampled_from([zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA]),
    lie=st.booleans(),
)
@example(bombs=[("services.csv", _MEMBER_LIMIT + 1)], compression=zipfile.ZIP_DEFLATED, lie=False)
@example(bombs=[("services.csv", 4 * _MEMBER_LIMIT)], compression=zipfile.ZIP_DEFLATED, lie=True)
@example(
    bombs=[("notes.txt", _MEMBER_LIMIT), ("phones.csv", _MEMBER_LIMIT)], compression=zipfile.ZIP_DEFLATED, lie=False
)  # each member allowed, together too big
def test_a_zip_bomb_gets_only_the_validation_error(
    bombs: list[tuple[str, int]], compression: int, lie: bool, example_package: Path, target: _Directory,
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The limits scaled down to 64 KB a table and 128 KB a package, as test_hsds.py does, so that
    # a bomb need not unpack 100 MB to go over them.
    monkeypatch.setattr(hsds, "MAX_MEMBER_BYTES", _MEMBER_LIMIT)
    monkeypatch.setattr(hsds, "MAX_PACKAGE_BYTES", _PACKAGE_LIMIT)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for child in sorted(example_package.iterdir()):
            if child.name not in {name for name, _size in bombs}:
                archive.write(child, child.name)
        for name, size in bombs:
            # A table's own header, then a long run of one character: it compresses a thousandfold.
            header = b""
            if name in PACKAGE_TABLES:
                header = (example_package / name).read_bytes().splitlines(keepends=True)[0]
            archive.writestr(name, header + b"0" * size, compress_type=compression)
    data = _lie_about_sizes(buffer.getvalue()) if lie else buffer.getvalue()
    path = tmp_path / "package.zip"
    path.write_bytes(data)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        sizes = {info.filename: info.file_size for info in archive.infolist()}
    too_big = sum(sizes.values()) > _PACKAGE_LIMIT or any(
        size > _MEMBER_LIMIT for name, size in sizes.items() if name in PACKAGE_TABLES or name == "hsds/services.csv"
    )
    outside = _outside(tmp_path)
    summary = target.attempt(path)
    assert _outside(tmp_path) == outside
    if too_big or lie:
        assert summary is None  # refused, whatever the sizes the zip gives
