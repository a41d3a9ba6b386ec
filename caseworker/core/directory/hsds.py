"""Reading and writing the directory as Open Referral HSDS 3.0: a JSON file of services, or the
CSV data package (a folder or a .zip).

An import is all or nothing. Everything is read and checked first: each problem becomes one line,
``file:row: field: what is wrong`` (in JSON the row is the record's JSONPath, such as
``$[0].phones[1]``; in CSV it is the row number a spreadsheet shows, the header being row 1). Any
problem and nothing is written. Otherwise one transaction writes every record and re-indexes the
services it touched for search.

Without ``replace``, a record whose id is already in the directory is updated with the fields the
file gives (a field the file does not have is left as it was), and records the file does not
mention stay. With ``replace`` the whole directory is swapped for the file's content.

A link that HSDS leaves optional (a contact's organisation, a location's organisation, a term's
taxonomy) and that points to nothing is left out, with a note in the summary, when the record still
belongs somewhere: the official HSDS examples have such links. A link a record cannot do without is
an error.

What HSDS lacks travels as extensions: ``translations`` on any record (in CSV, translations.csv),
and ``verify_locally`` and ``free`` on a service.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
import lzma
import math
import os
import re
import tempfile
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from sqlalchemy import Connection, Table, bindparam, delete, select

from caseworker.core.directory import models as m
from caseworker.core.directory import records, search
from caseworker.core.directory.store import DirectoryStore, ensure_service_categories
from caseworker.core.directory.taxonomy import BY_ID, TAXONOMY_ID
from caseworker.core.errors import BadInput, CaseworkerError, Problem, ValidationFailed
from caseworker.core.i18n import N_

Progress = Callable[[int, int], bool]
Cancelled = Callable[[], bool]

MAX_PACKAGE_BYTES = 200 * 1024 * 1024
MAX_MEMBER_BYTES = 100 * 1024 * 1024
_MB = 1024 * 1024
_PROGRESS_EVERY = 1000


# --- errors ---------------------------------------------------------------------------------


class DirectoryImportFailed(ValidationFailed):
    """Every problem found in the file, one per line; nothing was changed."""


class ImportCancelled(CaseworkerError):
    template = N_("The import was cancelled; nothing was changed.")


class ExportCancelled(CaseworkerError):
    template = N_("The export was cancelled; no file was written.")


class ExportFailed(BadInput):
    template = N_("The directory could not be written to {file}: {reason}")


MISSING = N_("{file}:{row}: {field}: required field is missing")
MISSING_COLUMN = N_("{file}:{row}: {field}: required column is missing")
NO_OWNER = N_("{file}:{row}: {field}: required field is missing (give at least one of them)")
BAD_UUID = N_("{file}:{row}: {field}: {value} is not a UUID (such as 3f7b145d-84af-42d7-8fae-eaca714b02b2)")
BAD_DATE = N_("{file}:{row}: {field}: {value} is not a date (YYYY-MM-DD)")
BAD_DATETIME = N_("{file}:{row}: {field}: {value} is not a date and time (YYYY-MM-DDThh:mm:ssZ)")
BAD_TIME = N_("{file}:{row}: {field}: {value} is not a time of day (hh:mm)")
BAD_EMAIL = N_("{file}:{row}: {field}: {value} is not an e-mail address")
BAD_URI = N_("{file}:{row}: {field}: {value} is not a full web address (it must start with https:// or another scheme)")
BAD_NUMBER = N_("{file}:{row}: {field}: {value} is not a number")
BAD_WHOLE_NUMBER = N_("{file}:{row}: {field}: {value} is not a whole number")
BAD_BOOLEAN = N_("{file}:{row}: {field}: {value} is not true or false")
BAD_CHOICE = N_("{file}:{row}: {field}: {value} is not one of: {choices}")
BAD_COUNTRY = N_("{file}:{row}: {field}: {value} is not a two-letter country code (ISO 3166-1)")
BAD_WEEKDAYS = N_("{file}:{row}: {field}: {value} is not a list of weekdays (MO,TU,WE,TH,FR,SA,SU)")
BAD_LANGUAGE = N_("{file}:{row}: {field}: {value} is not a language code (such as ar, fa_AF, uk)")
NOT_TEXT = N_("{file}:{row}: {field}: must be text")
NOT_A_LIST = N_("{file}:{row}: {field}: must be a list")
NOT_AN_OBJECT = N_("{file}:{row}: {field}: must be an object")
NOT_UTF8 = N_("{file}:{row}: {field}: the text is not UTF-8; save the file as UTF-8 and import it again")
NOT_UTF8_FILE = N_("{file}:{row}: the file is not UTF-8 text; save it as UTF-8 and import it again")
NOT_CSV = N_("{file}:{row}: the file cannot be read as CSV")
DUPLICATE_ID = N_("{file}:{row}: id: {value} is already the id of {other}")
CONFLICT = N_("{file}:{row}: {field}: differs from the record with the same id at {other}")
NOT_NESTED_HERE = N_("{file}:{row}: {field}: {value} does not match the record this one is inside")
DANGLING = N_("{file}:{row}: {field}: refers to {value}, which is neither in the file nor in the directory")
DANGLING_REPLACE = N_("{file}:{row}: {field}: refers to {value}, which is not in the file")
NOT_A_TABLE = N_("{file}:{row}: {field}: {value} is not a kind of record the directory keeps")
NOT_A_TEXT_FIELD = N_("{file}:{row}: {field}: {value} is not a text field of {table}")
EXTRA_CELLS = N_("{file}:{row}: the row has {count} cells, more than the {columns} columns of the header")
BAD_JSON = N_("{file}:{row}: the file is not valid JSON (near column {column})")
JSON_TOO_DEEP = N_("{file}: the JSON is nested too deeply, or holds a number with too many digits, to be read")
NOT_SERVICES = N_("{file}:{row}: the file does not hold HSDS services (a list of services, or one service)")
NO_SUCH_FILE = N_("{file}: there is no such file or folder")
UNREADABLE = N_("{file}: the file cannot be read")
NO_TABLES = N_("{file}: no HSDS tables were found (such as services.csv and organizations.csv)")
NOT_A_ZIP = N_("{file}: the file is not a zip file, or it is damaged")
ZIP_UNSAFE_PATH = N_("{file}: {member}: refused: the path leads outside the package")
ZIP_TOO_BIG = N_("{file}: refused: the package would unpack to more than {limit} MB")
ZIP_MEMBER_TOO_BIG = N_("{file}: {member}: refused: it would unpack to more than {limit} MB")
ZIP_ENCRYPTED = N_("{file}: {member}: the file is protected by a password; import a package without one")
ZIP_TWO_PACKAGES = N_("{file}: the zip file holds more than one data package: {folders}")
# Notes: the import goes ahead; the summary lists them.
LINK_LEFT_OUT = N_("{file}:{row}: {field}: refers to {value}, which is neither in the file nor in the directory; the link was left out")
ATTRIBUTE_LEFT_OUT = N_("{file}:{row}: link_entity: {value} is not a kind of record the directory keeps; the attribute was left out")


# --- what is kept, field by field ---------------------------------------------------------------

# Field kinds: how a value is read, checked and written.
TEXT, UUID, DATE, DATETIME, TIME, EMAIL, URI, INTEGER, NUMBER, BOOLEAN, CHOICE, COUNTRY, WEEKDAYS, LANGUAGE = (
    "text", "uuid", "date", "datetime", "time", "email", "uri", "integer", "number", "boolean", "choice",
    "country", "weekdays", "language",
)


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    kind: str = TEXT
    required: bool = False
    refers_to: str | None = None  # the table an id refers to
    owner: bool = False  # one of the record's possible owners: at least one must be there
    choices: tuple[str, ...] = ()
    extension: bool = False  # not in HSDS: this product's addition


class TableSpec:
    """One HSDS table as the directory keeps it."""

    def __init__(self, name: str, path: str, fields: tuple[Field, ...]) -> None:
        self.name = name
        self.path = path  # the CSV file of the data package
        self.fields = fields
        self.by_name = {f.name: f for f in fields}
        self.owners = tuple(f for f in fields if f.owner)
        # The fields a translation may give in another language.
        self.texts = tuple(f.name for f in fields if f.kind == TEXT)


def _id() -> Field:
    return Field("id", UUID, required=True)


def _ref(name: str, table: str, *, required: bool = False, owner: bool = False) -> Field:
    return Field(name, UUID, required=required, refers_to=table, owner=owner)


SPECS: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec("taxonomy", "taxonomies.csv", (
            _id(), Field("name", required=True), Field("description", required=True), Field("uri", URI), Field("version"),
        )),
        TableSpec("taxonomy_term", "taxonomy_terms.csv", (
            _id(), Field("code"), Field("name", required=True), Field("description", required=True),
            _ref("taxonomy_id", "taxonomy"),
        )),
        TableSpec("organization", "organizations.csv", (
            _id(), Field("name", required=True), Field("alternate_name"), Field("description", required=True),
            Field("email", EMAIL), Field("website", URI),
        )),
        TableSpec("service", "services.csv", (
            _id(), _ref("organization_id", "organization", required=True), Field("name", required=True),
            Field("alternate_name"), Field("description"), Field("url", URI), Field("email", EMAIL),
            Field("status", CHOICE, required=True, choices=m.SERVICE_STATUSES), Field("interpretation_services"),
            Field("application_process"), Field("fees_description"), Field("eligibility_description"),
            Field("minimum_age", INTEGER), Field("maximum_age", INTEGER), Field("assured_date", DATE),
            Field("assurer_email", EMAIL), Field("alert"), Field("last_modified", DATETIME),
            Field("verify_locally", BOOLEAN, extension=True), Field("free", BOOLEAN, extension=True),
        )),
        TableSpec("location", "locations.csv", (
            _id(), Field("location_type", CHOICE, required=True, choices=m.LOCATION_TYPES), Field("url", URI),
            _ref("organization_id", "organization"), Field("name"), Field("alternate_name"), Field("description"),
            Field("transportation"),
        )),
        TableSpec("service_at_location", "service_at_location.csv", (
            _id(), _ref("service_id", "service", required=True), _ref("location_id", "location", required=True),
            Field("description"),
        )),
        TableSpec("address", "addresses.csv", (
            _id(), _ref("location_id", "location", required=True), Field("attention"), Field("address_1", required=True),
            Field("address_2"), Field("city", required=True), Field("region"), Field("state_province", required=True),
            Field("postal_code", required=True), Field("country", COUNTRY, required=True),
            Field("address_type", CHOICE, required=True, choices=m.ADDRESS_TYPES),
        )),
        TableSpec("contact", "contacts.csv", (
            _id(), _ref("organization_id", "organization", owner=True), _ref("service_id", "service", owner=True),
            _ref("service_at_location_id", "service_at_location", owner=True), _ref("location_id", "location", owner=True),
            Field("name"), Field("title"), Field("email", EMAIL),
        )),
        TableSpec("phone", "phones.csv", (
            _id(), _ref("location_id", "location", owner=True), _ref("service_id", "service", owner=True),
            _ref("organization_id", "organization", owner=True), _ref("contact_id", "contact", owner=True),
            _ref("service_at_location_id", "service_at_location", owner=True), Field("number", required=True),
            Field("extension", INTEGER), Field("type"), Field("description"),
        )),
        TableSpec("schedule", "schedules.csv", (
            _id(), _ref("service_id", "service", owner=True), _ref("location_id", "location", owner=True),
            _ref("service_at_location_id", "service_at_location", owner=True), Field("valid_from", DATE),
            Field("valid_to", DATE), Field("freq", CHOICE, choices=m.SCHEDULE_FREQUENCIES), Field("byday", WEEKDAYS),
            Field("description"), Field("opens_at", TIME), Field("closes_at", TIME), Field("attending_type"), Field("notes"),
        )),
        TableSpec("language", "languages.csv", (
            _id(), _ref("service_id", "service", owner=True), _ref("location_id", "location", owner=True),
            _ref("phone_id", "phone", owner=True), Field("name"), Field("code"), Field("note"),
        )),
        TableSpec("service_area", "service_areas.csv", (
            _id(), _ref("service_id", "service", required=True), Field("name"), Field("description"), Field("extent"),
        )),
        TableSpec("required_document", "required_documents.csv", (
            _id(), _ref("service_id", "service", required=True), Field("document"), Field("uri", URI),
        )),
        TableSpec("cost_option", "cost_options.csv", (
            _id(), _ref("service_id", "service", required=True), Field("valid_from", DATE), Field("valid_to", DATE),
            Field("option"), Field("currency"), Field("amount", NUMBER), Field("amount_description"),
        )),
        TableSpec("attribute", "attributes.csv", (
            _id(), Field("link_id", UUID, required=True), _ref("taxonomy_term_id", "taxonomy_term", required=True),
            Field("link_type"), Field("link_entity", required=True), Field("value"),
        )),
        TableSpec("translation", "translations.csv", (
            Field("record_table", required=True), Field("record_id", UUID, required=True), Field("field", required=True),
            Field("language", LANGUAGE, required=True), Field("value", required=True),
        )),
    )
}
# Parents before children: the order of writing.
ORDER = tuple(t.name for t in m.DirectoryBase.metadata.sorted_tables)
assert set(ORDER) == set(SPECS), "every table of the directory has its HSDS description"
ENTITIES = frozenset(SPECS) - {"translation"}
TABLES: dict[str, Table] = {t.name: t for t in m.DirectoryBase.metadata.sorted_tables}  # type: ignore[misc]

# How HSDS JSON nests records. "child": a list of records that refer to this one through the
# field named; "parent": one record this one refers to through the field named.
NESTING: dict[str, dict[str, tuple[str, str, str]]] = {
    "service": {
        "organization": ("organization", "parent", "organization_id"),
        "phones": ("phone", "child", "service_id"),
        "schedules": ("schedule", "child", "service_id"),
        "service_areas": ("service_area", "child", "service_id"),
        "service_at_locations": ("service_at_location", "child", "service_id"),
        "languages": ("language", "child", "service_id"),
        "cost_options": ("cost_option", "child", "service_id"),
        "required_documents": ("required_document", "child", "service_id"),
        "contacts": ("contact", "child", "service_id"),
    },
    "organization": {
        "contacts": ("contact", "child", "organization_id"),
        "phones": ("phone", "child", "organization_id"),
        "locations": ("location", "child", "organization_id"),
    },
    "service_at_location": {
        "contacts": ("contact", "child", "service_at_location_id"),
        "phones": ("phone", "child", "service_at_location_id"),
        "schedules": ("schedule", "child", "service_at_location_id"),
        "location": ("location", "parent", "location_id"),
    },
    "location": {
        "languages": ("language", "child", "location_id"),
        "addresses": ("address", "child", "location_id"),
        "contacts": ("contact", "child", "location_id"),
        "phones": ("phone", "child", "location_id"),
        "schedules": ("schedule", "child", "location_id"),
    },
    "contact": {"phones": ("phone", "child", "contact_id")},
    "phone": {"languages": ("language", "child", "phone_id")},
    "attribute": {"taxonomy_term": ("taxonomy_term", "parent", "taxonomy_term_id")},
    "taxonomy_term": {"taxonomy_detail": ("taxonomy", "parent", "taxonomy_id")},
}
NO_ATTRIBUTES = frozenset({"attribute", "taxonomy", "taxonomy_term", "translation"})


# --- results -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportSummary:
    counts: dict[str, int]  # table -> records the file gave that were written
    services_indexed: int = 0
    replaced: bool = False
    notes: tuple[Problem, ...] = ()  # links left out, records skipped: the import went ahead

    @property
    def services(self) -> int:
        return self.counts.get("service", 0)


@dataclass(frozen=True)
class ExportSummary:
    path: Path
    counts: dict[str, int] = field(default_factory=dict)


# --- reading values ---------------------------------------------------------------------------------


class _Invalid(Exception):
    def __init__(self, template: str, **values: object) -> None:
        super().__init__(template)
        self.template = template
        self.values = values


_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]+$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_COUNTRY = re.compile(r"^[A-Za-z]{2}$")
_WEEKDAY = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")
_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}


def _shown(raw: Any) -> str:
    """A value as a problem names it, cut short."""
    if isinstance(raw, str):
        text = raw
    else:
        try:
            text = json.dumps(raw, ensure_ascii=False)
        except (RecursionError, ValueError):  # nested deeper than can be written back (found by fuzzing)
            text = "[…]" if isinstance(raw, list) else "{…}"
    return text if len(text) <= 60 else text[:57] + "…"


@functools.lru_cache(maxsize=256)
def _language_code(code: str) -> str | None:
    from caseworker.core.i18n import normalise_code

    try:
        return normalise_code(code.strip())
    except ValueError:
        return None


def _convert(f: Field, raw: Any) -> Any:
    """The value to store, or None for an empty one; raises _Invalid."""
    if raw is None:
        return None
    if type(raw) is str:
        if not raw.isascii():
            try:
                raw.encode("utf-8")
            except UnicodeEncodeError:
                # Bytes that were not UTF-8 were read as lone surrogates (surrogateescape).
                raise _Invalid(NOT_UTF8) from None
        if f.kind == TEXT:
            return raw if raw.strip() else None
        raw = raw.strip()
        if not raw:
            return None
    return _CONVERTERS[f.kind](f, raw)


def _text_value(f: Field, raw: Any) -> Any:
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return str(raw)  # a postal code written as a number
    raise _Invalid(NOT_TEXT)


def _uuid(f: Field, raw: Any) -> Any:
    if isinstance(raw, str) and len(raw) == 36 and _UUID.match(raw):
        return raw.lower()
    raise _Invalid(BAD_UUID, value=_shown(raw))


def _date(f: Field, raw: Any) -> Any:
    if isinstance(raw, str) and _DATE.match(raw):
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            pass
    raise _Invalid(BAD_DATE, value=_shown(raw))


def _datetime(f: Field, raw: Any) -> Any:
    if isinstance(raw, str) and _DATE.match(raw[:10]):
        try:
            moment = dt.datetime.fromisoformat(raw)
            return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)
        except (ValueError, OverflowError):  # not a moment, or one out of range in UTC (year 1 or 9999)
            pass
    raise _Invalid(BAD_DATETIME, value=_shown(raw))


def _time(f: Field, raw: Any) -> Any:
    match = _TIME.match(raw) if isinstance(raw, str) else None
    if match:
        hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
        if hour == 24 and minute == 0 and second == 0:
            return dt.time(23, 59, 59)  # "24:00", the end of the day
        if hour <= 23 and minute <= 59 and second <= 59:
            return dt.time(hour, minute, second)
    raise _Invalid(BAD_TIME, value=_shown(raw))


def _email(f: Field, raw: Any) -> Any:
    if isinstance(raw, str) and _EMAIL.match(raw):
        return raw
    raise _Invalid(BAD_EMAIL, value=_shown(raw))


def _uri(f: Field, raw: Any) -> Any:
    if isinstance(raw, str) and _URI.match(raw):
        return raw
    raise _Invalid(BAD_URI, value=_shown(raw))


# What SQLite's INTEGER holds (a signed 64-bit number).
_INTEGER_RANGE = range(-(2**63), 2**63)


def _integer(f: Field, raw: Any) -> Any:
    number: int | None = None
    if isinstance(raw, int) and not isinstance(raw, bool):
        number = raw
    elif isinstance(raw, float) and raw.is_integer():
        number = int(raw)
    elif isinstance(raw, str) and len(raw) <= 40:  # longer is no number a directory needs
        if _INTEGER.match(raw):
            number = int(raw)
        else:
            try:
                parsed = float(raw)
            except ValueError:
                pass
            else:
                if parsed.is_integer():
                    number = int(parsed)
    if number is None or number not in _INTEGER_RANGE:
        raise _Invalid(BAD_WHOLE_NUMBER, value=_shown(raw))
    return number


def _number(f: Field, raw: Any) -> Any:
    number = None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        number = float(raw)
    elif isinstance(raw, str):
        try:
            number = float(raw)
        except ValueError:
            pass
    if number is None or not math.isfinite(number):
        raise _Invalid(BAD_NUMBER, value=_shown(raw))
    return number


def _boolean(f: Field, raw: Any) -> Any:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.lower() in _TRUE:
        return True
    if isinstance(raw, str) and raw.lower() in _FALSE:
        return False
    raise _Invalid(BAD_BOOLEAN, value=_shown(raw))


def _choice(f: Field, raw: Any) -> Any:
    if isinstance(raw, str):
        if raw in f.choices:
            return raw
        for choice in f.choices:
            if raw.lower() == choice.lower():
                return choice
    raise _Invalid(BAD_CHOICE, value=_shown(raw), choices=", ".join(f.choices))


def _country(f: Field, raw: Any) -> Any:
    if isinstance(raw, str) and _COUNTRY.match(raw):
        return raw.upper()
    raise _Invalid(BAD_COUNTRY, value=_shown(raw))


def _weekdays(f: Field, raw: Any) -> Any:
    if isinstance(raw, str):
        parts = [p.strip().upper() for p in raw.split(",")]
        if all(_WEEKDAY.match(p) for p in parts):
            return ",".join(parts)
    raise _Invalid(BAD_WEEKDAYS, value=_shown(raw))


def _language(f: Field, raw: Any) -> Any:
    code = _language_code(raw) if isinstance(raw, str) else None
    if code is None:
        raise _Invalid(BAD_LANGUAGE, value=_shown(raw))
    return code


_CONVERTERS: dict[str, Callable[[Field, Any], Any]] = {
    TEXT: _text_value, UUID: _uuid, DATE: _date, DATETIME: _datetime, TIME: _time, EMAIL: _email, URI: _uri,
    INTEGER: _integer, NUMBER: _number, BOOLEAN: _boolean, CHOICE: _choice, COUNTRY: _country,
    WEEKDAYS: _weekdays, LANGUAGE: _language,
}


# --- records as read -----------------------------------------------------------------------------


class _Record:
    """One record of the file: the fields it gives (a field given empty is None), and where it is."""

    __slots__ = ("table", "values", "file", "row")

    def __init__(self, table: str, values: dict[str, Any], file: str, row: str) -> None:
        self.table = table
        self.values = values
        self.file = file
        self.row = row

    @property
    def id(self) -> Any:
        return self.values.get("id")

    @property
    def where(self) -> str:
        return f"{self.file}:{self.row}"


class _Problems:
    def __init__(self) -> None:
        self.errors: list[Problem] = []
        self.notes: list[Problem] = []

    def add(self, record_file: str, row: object, template: str, **values: object) -> None:
        self.errors.append(Problem(f"{record_file}:{row}", template, file=record_file, row=row, **values))

    def note(self, record_file: str, row: object, template: str, **values: object) -> None:
        self.notes.append(Problem(f"{record_file}:{row}", template, file=record_file, row=row, **values))


@dataclass
class _Content:
    """Everything a file holds, read and checked field by field."""

    records: dict[str, dict[str, _Record]] = field(default_factory=lambda: defaultdict(dict))
    translations: list[_Record] = field(default_factory=list)
    # Required columns a CSV file lacks: reported once for the file, not for each row.
    missing_columns: dict[str, set[str]] = field(default_factory=dict)

    def count(self) -> int:
        return sum(len(r) for r in self.records.values()) + len(self.translations)


def _read_fields(spec: TableSpec, raw: Mapping[str, Any], record_file: str, row: object, problems: _Problems) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for f in spec.fields:
        if f.name not in raw:
            continue
        try:
            values[f.name] = _convert(f, raw[f.name])
        except _Invalid as bad:
            problems.add(record_file, row, bad.template, field=f.name, **bad.values)
            values[f.name] = _BROKEN
    return values


class _Broken:
    """A value already reported as wrong: it is not reported again as missing or dangling."""

    def __repr__(self) -> str:
        return "<broken>"


_BROKEN = _Broken()


# --- JSON ------------------------------------------------------------------------------------------


def _load_json(data: bytes, name: str, problems: _Problems) -> Any:
    text = data.decode("utf-8-sig", errors="surrogateescape")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        if any("\udc80" <= ch <= "\udcff" for ch in text[max(0, exc.pos - 1) : exc.pos + 1]):
            problems.add(name, exc.lineno, NOT_UTF8_FILE)
        else:
            problems.add(name, exc.lineno, BAD_JSON, column=exc.colno)
        return None
    except (RecursionError, ValueError):
        # Thousands of nested lists, or a number of more digits than Python converts (4,300).
        problems.errors.append(Problem(name, JSON_TOO_DEEP, file=name))
        return None


def _read_json(data: bytes, name: str, content: _Content, problems: _Problems) -> None:
    document = _load_json(data, name, problems)
    if document is None and problems.errors:
        return
    if isinstance(document, dict) and isinstance(document.get("contents"), list):
        items, root = document["contents"], "$.contents"
    elif isinstance(document, list):
        items, root = document, "$"
    elif isinstance(document, dict) and "id" in document:
        items, root = None, "$"
    else:
        problems.add(name, "$", NOT_SERVICES)
        return
    reader = _JsonReader(name, content, problems)
    if items is None:
        reader.record("service", document, root, None)
    else:
        for index, item in enumerate(items):
            reader.record("service", item, f"{root}[{index}]", None)


class _JsonReader:
    def __init__(self, name: str, content: _Content, problems: _Problems) -> None:
        self.name = name
        self.content = content
        self.problems = problems

    def record(self, table: str, obj: Any, path: str, link: tuple[str, Any] | None) -> Any:
        """Read one record and what is nested in it; returns its id (or _BROKEN)."""
        if not isinstance(obj, dict):
            self.problems.add(self.name, path, NOT_AN_OBJECT, field=table)
            return _BROKEN
        spec = SPECS[table]
        values = _read_fields(spec, obj, self.name, path, self.problems)
        record = _Record(table, values, self.name, path)
        if link is not None:
            link_field, parent_id = link
            if table == "attribute":
                # The nesting says what the attribute describes, whatever link_entity says.
                values["link_id"], values["link_entity"] = parent_id
            else:
                given = values.get(link_field)
                if given is not None and given is not _BROKEN and parent_id is not _BROKEN and given != parent_id:
                    self.problems.add(self.name, path, NOT_NESTED_HERE, field=link_field, value=given)
                values[link_field] = parent_id
        record_id = values.get("id")
        for key, (child_table, how, link_field) in NESTING.get(table, {}).items():
            if key not in obj or obj[key] is None:
                continue
            nested = obj[key]
            if how == "parent":
                child_id = self.record(child_table, nested, f"{path}.{key}", None)
                given = values.get(link_field)
                if given is not None and given is not _BROKEN and child_id is not _BROKEN and given != child_id:
                    self.problems.add(self.name, path, NOT_NESTED_HERE, field=link_field, value=given)
                values[link_field] = child_id
            elif not isinstance(nested, list):
                self.problems.add(self.name, path, NOT_A_LIST, field=key)
            else:
                for index, item in enumerate(nested):
                    self.record(child_table, item, f"{path}.{key}[{index}]", (link_field, record_id))
        if table not in NO_ATTRIBUTES:
            attributes = obj.get("attributes")
            if isinstance(attributes, list):
                for index, item in enumerate(attributes):
                    self.record("attribute", item, f"{path}.attributes[{index}]", ("link_id", (record_id, table)))
            elif attributes is not None:
                self.problems.add(self.name, path, NOT_A_LIST, field="attributes")
        translations = obj.get("translations")
        if isinstance(translations, list):
            for index, item in enumerate(translations):
                self._translation(table, record_id, item, f"{path}.translations[{index}]")
        elif translations is not None:
            self.problems.add(self.name, path, NOT_A_LIST, field="translations")
        self._keep(record)
        return record_id

    def _translation(self, table: str, record_id: Any, item: Any, path: str) -> None:
        if not isinstance(item, dict):
            self.problems.add(self.name, path, NOT_AN_OBJECT, field="translations")
            return
        # The nesting says which record is translated, whatever the entry says.
        raw = {**item, "record_table": table, "record_id": record_id if isinstance(record_id, str) else None}
        values = _read_fields(SPECS["translation"], raw, self.name, path, self.problems)
        if not isinstance(record_id, str):
            values["record_id"] = _BROKEN  # the record's own id is reported already
        self.content.translations.append(_Record("translation", values, self.name, path))

    def _keep(self, record: _Record) -> None:
        """The same record may appear in several places (a phone of a service and of its
        location): the places must agree, and together they give its fields and links."""
        record_id = record.id
        if record_id is None or record_id is _BROKEN:
            self.content.records[record.table][f"\0{record.where}"] = record  # reported as missing later
            return
        earlier = self.content.records[record.table].get(record_id)
        if earlier is None:
            self.content.records[record.table][record_id] = record
            return
        for name, value in record.values.items():
            before = earlier.values.get(name)
            if before is None or before is _BROKEN:
                earlier.values[name] = value
            elif value is not None and value is not _BROKEN and value != before:
                self.problems.add(record.file, record.row, CONFLICT, field=name, other=earlier.where)


# --- CSV data package ---------------------------------------------------------------------------------


def _read_csv(data: bytes, name: str, spec: TableSpec, content: _Content, problems: _Problems) -> None:
    text = data.decode("utf-8-sig", errors="surrogateescape")
    rows = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(rows)]
    except StopIteration:
        return
    except csv.Error:
        problems.add(name, 1, NOT_CSV)
        return
    known = [(index, spec.by_name[h]) for index, h in enumerate(header) if h in spec.by_name]
    given = {f.name for _index, f in known}
    missing = [f.name for f in spec.fields if f.required and f.name not in given]
    for missing_field in missing:
        problems.add(name, 1, MISSING_COLUMN, field=missing_field)
    # The rows are read all the same, so that records referring to them are not reported too.
    content.missing_columns[spec.name] = set(missing)
    table = content.records[spec.name] if spec.name != "translation" else None
    first_row: dict[Any, int] = {}
    row_number = 1
    while True:
        try:
            cells = next(rows)
        except StopIteration:
            break
        except csv.Error:
            problems.add(name, row_number + 1, NOT_CSV)
            break
        row_number += 1
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header):
            problems.add(name, row_number, EXTRA_CELLS, count=len(cells), columns=len(header))
            continue
        raw = {f.name: cells[index] for index, f in known if index < len(cells)}
        values = _read_fields(spec, raw, name, row_number, problems)
        record = _Record(spec.name, values, name, str(row_number))
        if table is None:
            content.translations.append(record)
            continue
        record_id = values.get("id")
        if record_id is None or record_id is _BROKEN:
            table[f"\0{record.where}"] = record
        elif record_id in first_row:
            problems.add(name, row_number, DUPLICATE_ID, value=record_id, other=f"{name}:{first_row[record_id]}")
        else:
            first_row[record_id] = row_number
            table[record_id] = record


_BY_PATH = {spec.path: spec for spec in SPECS.values()}


def _package_files(path: Path, problems: _Problems) -> dict[str, tuple[str, bytes]]:
    """The package's CSV files by their HSDS file name: (name shown in messages, bytes)."""
    if path.is_dir():
        files = {}
        for child in sorted(path.iterdir()):
            if child.is_file() and child.name.lower() in _BY_PATH:
                files[child.name.lower()] = (child.name, child.read_bytes())
        return files
    if path.suffix.lower() == ".csv":
        if path.name.lower() in _BY_PATH:
            return {path.name.lower(): (path.name, path.read_bytes())}
        return {}
    return _zip_files(path, problems)


def _zip_files(path: Path, problems: _Problems) -> dict[str, tuple[str, bytes]]:
    """The CSV files of a zipped package, read into memory (never extracted), after refusing
    paths that lead outside it and sizes that only a zip bomb has."""
    name = path.name
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, ValueError):  # damaged, or of a version no reader knows
        problems.errors.append(Problem(name, NOT_A_ZIP, file=name))
        return {}
    with archive:
        members = archive.infolist()
        unsafe = False
        for info in members:
            member = info.filename.replace("\\", "/")
            parts = PurePosixPath(member).parts
            if not member or member.startswith("/") or re.match(r"^[A-Za-z]:", member) or ".." in parts:
                problems.errors.append(Problem(name, ZIP_UNSAFE_PATH, file=name, member=info.filename))
                unsafe = True
        if unsafe:
            return {}
        wanted = [
            info for info in members
            if not info.is_dir() and not info.filename.startswith("__MACOSX/")
            and PurePosixPath(info.filename).name.lower() in _BY_PATH
        ]
        folders = sorted({str(PurePosixPath(info.filename).parent) for info in wanted})
        if len(folders) > 1:
            problems.errors.append(Problem(name, ZIP_TWO_PACKAGES, file=name, folders=", ".join(folders)))
            return {}
        if sum(info.file_size for info in members) > MAX_PACKAGE_BYTES:
            problems.errors.append(Problem(name, ZIP_TOO_BIG, file=name, limit=MAX_PACKAGE_BYTES // _MB))
            return {}
        files: dict[str, tuple[str, bytes]] = {}
        total = 0
        for info in wanted:
            if info.file_size > MAX_MEMBER_BYTES:
                problems.errors.append(Problem(name, ZIP_MEMBER_TOO_BIG, file=name, member=info.filename, limit=MAX_MEMBER_BYTES // _MB))
                return {}
            try:
                with archive.open(info) as member_file:
                    # The sizes in a zip's directory can lie: read no more than allowed, whatever they say.
                    data = member_file.read(MAX_MEMBER_BYTES + 1)
            except RuntimeError:  # encrypted
                problems.errors.append(Problem(name, ZIP_ENCRYPTED, file=name, member=info.filename))
                return {}
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, zlib.error, lzma.LZMAError):
                problems.errors.append(Problem(name, NOT_A_ZIP, file=name))
                return {}
            total += len(data)
            if len(data) > MAX_MEMBER_BYTES:
                problems.errors.append(Problem(name, ZIP_MEMBER_TOO_BIG, file=name, member=info.filename, limit=MAX_MEMBER_BYTES // _MB))
                return {}
            if total > MAX_PACKAGE_BYTES:
                problems.errors.append(Problem(name, ZIP_TOO_BIG, file=name, limit=MAX_PACKAGE_BYTES // _MB))
                return {}
            base = PurePosixPath(info.filename).name
            files[base.lower()] = (base, data)
        return files


# --- checking the whole ----------------------------------------------------------------------------


class _Known:
    """Which ids exist: in the file, and (unless the directory is replaced) in the directory."""

    def __init__(self, connection: Connection, content: _Content, replace: bool) -> None:
        self.connection = connection
        self.content = content
        self.replace = replace
        self._stored: dict[str, set[str]] = {}

    def stored(self, table: str) -> set[str]:
        if self.replace:  # only the service categories stay
            return {"taxonomy_term": set(BY_ID), "taxonomy": {TAXONOMY_ID}}.get(table, set())
        if table not in self._stored:
            self._stored[table] = set(self.connection.execute(select(TABLES[table].c.id)).scalars())
            # The service categories are always there (the import adds any that are missing).
            self._stored[table] |= {"taxonomy_term": set(BY_ID), "taxonomy": {TAXONOMY_ID}}.get(table, set())
        return self._stored[table]

    def __call__(self, table: str, record_id: str) -> bool:
        return record_id in self.content.records.get(table, {}) or record_id in self.stored(table)


def _check(content: _Content, known: _Known, problems: _Problems, tick: Callable[[], None]) -> None:
    """Required fields, and links that lead somewhere: against the file and the directory."""
    dangling = DANGLING_REPLACE if known.replace else DANGLING
    for table in ORDER:
        if table == "translation":
            continue
        spec = SPECS[table]
        links = [f for f in spec.fields if f.refers_to is not None and not f.owner]
        required = [f.name for f in spec.fields if f.required and f.name not in content.missing_columns.get(table, ())]
        for key, record in list(content.records.get(table, {}).items()):
            tick()
            values = record.values
            for name in required:
                if values.get(name) is None:
                    problems.add(record.file, record.row, MISSING, field=name)
            if table == "attribute":
                entity, link_id = values.get("link_entity"), values.get("link_id")
                if isinstance(entity, str) and entity not in ENTITIES:
                    problems.note(record.file, record.row, ATTRIBUTE_LEFT_OUT, value=entity)
                    del content.records[table][key]
                    continue
                if isinstance(link_id, str) and isinstance(entity, str) and not known(entity, link_id):
                    problems.add(record.file, record.row, dangling, field="link_id", value=link_id)
            for f in links:
                value = values.get(f.name)
                if not isinstance(value, str) or known(f.refers_to, value):  # type: ignore[arg-type]
                    continue
                if f.required:
                    problems.add(record.file, record.row, dangling, field=f.name, value=value)
                else:
                    problems.note(record.file, record.row, LINK_LEFT_OUT, field=f.name, value=value)
                    del values[f.name]  # an update keeps the link it had
            if spec.owners:
                _check_owners(spec, record, known, problems, dangling)
    for record in content.translations:
        tick()
        values = record.values
        for f in SPECS["translation"].fields:
            if f.required and values.get(f.name) is None and f.name not in content.missing_columns.get("translation", ()):
                problems.add(record.file, record.row, MISSING, field=f.name)
        table, record_id, text_field = values.get("record_table"), values.get("record_id"), values.get("field")
        if not isinstance(table, str):
            continue
        if table not in ENTITIES:
            problems.add(record.file, record.row, NOT_A_TABLE, field="record_table", value=table)
            continue
        if isinstance(text_field, str) and text_field not in SPECS[table].texts:
            problems.add(record.file, record.row, NOT_A_TEXT_FIELD, field="field", value=text_field, table=table)
        if isinstance(record_id, str) and not known(table, record_id):
            problems.add(record.file, record.row, dangling, field="record_id", value=record_id)


def _check_owners(spec: TableSpec, record: _Record, known: _Known, problems: _Problems, dangling: str) -> None:
    """A record that may belong to several kinds of owner must belong to at least one. A link to
    an owner that does not exist is left out (with a note) while another owner holds it."""
    values = record.values
    given = [f for f in spec.owners if isinstance(values.get(f.name), str)]
    good = [f for f in given if known(f.refers_to, values[f.name])]  # type: ignore[arg-type]
    broken = [f for f in spec.owners if values.get(f.name) is _BROKEN]
    bad = [f for f in given if f not in good]
    if good or broken:
        for f in bad:
            problems.note(record.file, record.row, LINK_LEFT_OUT, field=f.name, value=values[f.name])
            del values[f.name]  # an update keeps the link it had
    elif bad:
        for f in bad:
            problems.add(record.file, record.row, dangling, field=f.name, value=values[f.name])
    else:
        is_new = isinstance(record.id, str) and record.id not in known.stored(spec.name)
        # An update that does not mention the owners leaves them as they are.
        if is_new or any(f.name in values for f in spec.owners):
            problems.add(record.file, record.row, NO_OWNER, field=" / ".join(f.name for f in spec.owners))


# --- import -------------------------------------------------------------------------------------------


def read_hsds(path: Path) -> tuple[_Content, _Problems]:
    """The file's content, checked field by field (not yet against the directory)."""
    path = Path(path)
    problems = _Problems()
    content = _Content()
    if not path.exists():
        problems.errors.append(Problem(path.name, NO_SUCH_FILE, file=str(path)))
        return content, problems
    try:
        if path.is_dir() or path.suffix.lower() in (".zip", ".csv") or zipfile.is_zipfile(path):
            files = _package_files(path, problems)
            if not files and not problems.errors:
                problems.errors.append(Problem(path.name, NO_TABLES, file=path.name))
            for table in ORDER:
                spec = SPECS[table]
                if spec.path in files:
                    shown, data = files[spec.path]
                    _read_csv(data, shown, spec, content, problems)
        else:
            _read_json(path.read_bytes(), path.name, content, problems)
    except OSError:
        problems.errors.append(Problem(path.name, UNREADABLE, file=str(path)))
    return content, problems


def import_hsds(
    store: DirectoryStore,
    path: Path,
    *,
    replace: bool = False,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> ImportSummary:
    """Import an HSDS JSON file or CSV data package, all or nothing.

    Raises DirectoryImportFailed listing every problem (nothing changed), or ImportCancelled
    when ``progress`` returns False or ``cancelled`` returns True (nothing changed).
    """
    content, problems = read_hsds(Path(path))
    # Steps: checking each record, writing it, indexing each service touched (estimated until
    # the writing is done: the services in the file).
    state = {"done": 0, "total": 2 * content.count() + len(content.records.get("service", {})) + 1}

    def report(step: int = 1) -> None:
        state["done"] += step
        if state["done"] % _PROGRESS_EVERY == 0 or step > 1:
            _report(progress, cancelled, state["done"], state["total"])

    with store.write() as session:
        connection = session.connection()
        # Checked even when reading found problems already: every problem is listed at once.
        _check(content, _Known(connection, content, replace), problems, report)
        if problems.errors:
            raise DirectoryImportFailed(problems.errors)
        _report(progress, cancelled, state["done"], state["total"])
        if replace:
            for table in reversed(ORDER):
                connection.execute(delete(TABLES[table]))
            search.clear_index(connection)
        ensure_service_categories(connection)
        counts = _write(connection, content, replace, report)
        touched = records.all_service_ids(connection) if replace else _touched_services(connection, content)
        state["total"] = state["done"] + len(touched) + 1
        for start in range(0, len(touched), records.CHUNK):
            chunk = touched[start : start + records.CHUNK]
            search.index_documents(connection, records.service_documents(connection, chunk))
            report(len(chunk))
        _report(progress, cancelled, state["total"], state["total"])
    return ImportSummary(counts=counts, services_indexed=len(touched), replaced=replace, notes=tuple(problems.notes))


def _report(progress: Progress | None, cancelled: Cancelled | None, done: int, total: int) -> None:
    if progress is not None and progress(min(done, total), total) is False:
        raise ImportCancelled()
    if cancelled is not None and cancelled():
        raise ImportCancelled()


# The columns an insert gives, per table (translation ids are the database's own).
_INSERTED = {
    name: tuple(c.name for c in table.columns if c.name != "id" or name != "translation") for name, table in TABLES.items()
}


def _row_for_insert(table: str, values: dict[str, Any]) -> dict[str, Any]:
    get = values.get
    row = {name: get(name) for name in _INSERTED[table]}
    if table == "service" and row["verify_locally"] is None:
        row["verify_locally"] = False
    return row


def _write(connection: Connection, content: _Content, replace: bool, report: Callable[[int], None]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for table_name in ORDER:
        if table_name == "translation":
            continue
        table = TABLES[table_name]
        found = content.records.get(table_name, {})
        if not found:
            continue
        # Replacing, the directory holds only the service categories by now.
        if replace and table_name not in ("taxonomy", "taxonomy_term"):
            stored: set[str] = set()
        else:
            stored = set(connection.execute(select(table.c.id)).scalars()) & found.keys()
        inserts = [_row_for_insert(table_name, r.values) for key, r in found.items() if key not in stored]
        for start in range(0, len(inserts), 5000):
            connection.execute(table.insert(), inserts[start : start + 5000])
        # An update sets the fields the file gives and leaves the others as they are.
        by_fields: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
        for key, r in found.items():
            if key in stored:
                names = tuple(sorted(n for n in r.values if n != "id"))
                by_fields[names].append({"b_id": key, **{f"b_{n}": r.values[n] for n in names}})
        for names, rows in by_fields.items():
            if not names:
                continue
            statement = table.update().where(table.c.id == bindparam("b_id")).values({n: bindparam(f"b_{n}") for n in names})
            connection.execute(statement, rows)
        counts[table_name] = len(found)
        report(len(found))
    if content.translations:
        translation = TABLES["translation"]
        unique: dict[tuple[str, str, str, str], dict[str, Any]] = {}
        for r in content.translations:
            v = r.values
            unique[(v["record_table"], v["record_id"], v["field"], v["language"])] = _row_for_insert("translation", v)
        if not replace:
            connection.execute(
                translation.delete().where(
                    translation.c.record_table == bindparam("b_table"),
                    translation.c.record_id == bindparam("b_id"),
                    translation.c.field == bindparam("b_field"),
                    translation.c.language == bindparam("b_language"),
                ),
                [{"b_table": k[0], "b_id": k[1], "b_field": k[2], "b_language": k[3]} for k in unique],
            )
        connection.execute(translation.insert(), list(unique.values()))
        counts["translation"] = len(unique)
        report(len(content.translations))
    return counts


def _touched_services(connection: Connection, content: _Content) -> list[str]:
    """The services whose search documents may have changed: those in the file, those a record
    in the file belongs to, those at a place in the file, and those of an organisation in it."""
    services: set[str] = set(content.records.get("service", {}))
    locations: set[str] = set(content.records.get("location", {}))
    organizations: set[str] = set(content.records.get("organization", {}))
    places: set[str] = set()  # service_at_location ids
    for table, found in content.records.items():
        for r in found.values():
            v = r.values
            if isinstance(v.get("service_id"), str):
                services.add(v["service_id"])
            if table in ("address", "schedule") and isinstance(v.get("location_id"), str):
                locations.add(v["location_id"])
            if table == "schedule" and isinstance(v.get("service_at_location_id"), str):
                places.add(v["service_at_location_id"])
            if table == "attribute" and v.get("link_entity") == "service":
                services.add(v["link_id"])
    for r in content.translations:
        v = r.values
        {"service": services, "organization": organizations, "location": locations}.get(v["record_table"], set()).add(v["record_id"])
    sal, service = TABLES["service_at_location"], TABLES["service"]
    for ids, column, wanted in (
        (locations, sal.c.location_id, sal.c.service_id),
        (places, sal.c.id, sal.c.service_id),
        (organizations, service.c.organization_id, service.c.id),
    ):
        listed = sorted(ids)
        for start in range(0, len(listed), 900):
            services.update(connection.execute(select(wanted).where(column.in_(listed[start : start + 900]))).scalars())
    return sorted(services)


# --- export -------------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        moment = value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
        return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


class _Snapshot:
    """Every row of the directory, grouped for writing it out."""

    def __init__(self, connection: Connection) -> None:
        self.rows: dict[str, list[dict[str, Any]]] = {}
        for table in ORDER:
            columns = [c for c in TABLES[table].columns if c.name != "id" or table != "translation"]
            order = [TABLES[table].c.record_table, TABLES[table].c.record_id, TABLES[table].c.field, TABLES[table].c.language] if table == "translation" else [TABLES[table].c.id]
            self.rows[table] = [dict(r) for r in connection.execute(select(*columns).order_by(*order)).mappings()]
        self.by_id = {table: {r["id"]: r for r in rows} for table, rows in self.rows.items() if table != "translation"}
        self.translations: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
        for r in self.rows["translation"]:
            self.translations[(r["record_table"], r["record_id"])].append({"language": r["language"], "field": r["field"], "value": r["value"]})
        self.children: dict[tuple[str, str], dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
        for table, rows in self.rows.items():
            spec = SPECS[table]
            links = [f.name for f in spec.fields if f.refers_to is not None]
            for r in rows:
                for link in links:
                    if r.get(link) is not None:
                        self.children[(link, r[link])][table].append(r)
        self.attributes: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        for r in self.rows["attribute"]:
            self.attributes[(r["link_entity"], r["link_id"])].append(r)

    def of(self, table: str, link: str, owner_id: str) -> list[dict[str, Any]]:
        return self.children.get((link, owner_id), {}).get(table, [])


def _fields_json(table: str, row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in SPECS[table].fields:
        value = row.get(f.name)
        if value is None and not (f.name == "verify_locally"):
            continue
        out[f.name] = _plain(value)
    return out


class _JsonWriter:
    def __init__(self, snapshot: _Snapshot) -> None:
        self.s = snapshot

    def _extras(self, table: str, row: dict[str, Any], out: dict[str, Any]) -> dict[str, Any]:
        if table not in NO_ATTRIBUTES:
            attributes = [self.attribute(a) for a in self.s.attributes.get((table, row["id"]), [])]
            if attributes:
                out["attributes"] = attributes
        translations = self.s.translations.get((table, row["id"]))
        if translations:
            out["translations"] = translations
        return out

    def _list(self, table: str, link: str, owner_id: str, build: Callable[[dict[str, Any]], dict[str, Any]] | None = None) -> list[dict[str, Any]]:
        build = build or (lambda r: self.simple(table, r))
        return [build(r) for r in self.s.of(table, link, owner_id)]

    def simple(self, table: str, row: dict[str, Any]) -> dict[str, Any]:
        return self._extras(table, row, _fields_json(table, row))

    def attribute(self, row: dict[str, Any]) -> dict[str, Any]:
        out = _fields_json("attribute", row)
        term = self.s.by_id["taxonomy_term"].get(row["taxonomy_term_id"])
        if term is not None:
            term_out = self._extras("taxonomy_term", term, _fields_json("taxonomy_term", term))
            taxonomy = self.s.by_id["taxonomy"].get(term["taxonomy_id"]) if term["taxonomy_id"] else None
            if taxonomy is not None:
                term_out["taxonomy_detail"] = self._extras("taxonomy", taxonomy, _fields_json("taxonomy", taxonomy))
            out["taxonomy_term"] = term_out
        return out

    def phone(self, row: dict[str, Any]) -> dict[str, Any]:
        out = _fields_json("phone", row)
        languages = self._list("language", "phone_id", row["id"])
        if languages:
            out["languages"] = languages
        return self._extras("phone", row, out)

    def contact(self, row: dict[str, Any]) -> dict[str, Any]:
        out = _fields_json("contact", row)
        phones = self._list("phone", "contact_id", row["id"], self.phone)
        if phones:
            out["phones"] = phones
        return self._extras("contact", row, out)

    def location(self, row: dict[str, Any]) -> dict[str, Any]:
        out = _fields_json("location", row)
        for key, table, build in (
            ("languages", "language", None), ("addresses", "address", None), ("contacts", "contact", self.contact),
            ("phones", "phone", self.phone), ("schedules", "schedule", None),
        ):
            items = self._list(table, "location_id", row["id"], build)
            if items:
                out[key] = items
        return self._extras("location", row, out)

    def organization(self, row: dict[str, Any]) -> dict[str, Any]:
        out = _fields_json("organization", row)
        for key, table, build in (("contacts", "contact", self.contact), ("phones", "phone", self.phone), ("locations", "location", self.location)):
            items = self._list(table, "organization_id", row["id"], build)
            if items:
                out[key] = items
        return self._extras("organization", row, out)

    def service_at_location(self, row: dict[str, Any]) -> dict[str, Any]:
        out = _fields_json("service_at_location", row)
        for key, table, build in (("contacts", "contact", self.contact), ("phones", "phone", self.phone), ("schedules", "schedule", None)):
            items = self._list(table, "service_at_location_id", row["id"], build)
            if items:
                out[key] = items
        location = self.s.by_id["location"].get(row["location_id"])
        if location is not None:
            out["location"] = self.location(location)
        return self._extras("service_at_location", row, out)

    def service(self, row: dict[str, Any]) -> dict[str, Any]:
        out = _fields_json("service", row)
        organization = self.s.by_id["organization"].get(row["organization_id"])
        if organization is not None:
            out["organization"] = self.organization(organization)
        for key, table, build in (
            ("phones", "phone", self.phone), ("schedules", "schedule", None), ("service_areas", "service_area", None),
            ("service_at_locations", "service_at_location", self.service_at_location), ("languages", "language", None),
            ("cost_options", "cost_option", None), ("required_documents", "required_document", None),
            ("contacts", "contact", self.contact),
        ):
            items = self._list(table, "service_id", row["id"], build)
            if items:
                out[key] = items
        return self._extras("service", row, out)


def _datapackage() -> dict[str, Any]:
    types = {
        TEXT: ("string", None), UUID: ("string", "uuid"), DATE: ("date", None), DATETIME: ("datetime", None),
        TIME: ("time", None), EMAIL: ("string", "email"), URI: ("string", "uri"), INTEGER: ("integer", None),
        NUMBER: ("number", None), BOOLEAN: ("boolean", None), CHOICE: ("string", None), COUNTRY: ("string", None),
        WEEKDAYS: ("string", None), LANGUAGE: ("string", None),
    }
    resources = []
    for table in ORDER:
        spec = SPECS[table]
        fields = []
        for f in spec.fields:
            kind, fmt = types[f.kind]
            described: dict[str, Any] = {"name": f.name, "type": kind}
            if fmt:
                described["format"] = fmt
            constraints: dict[str, Any] = {"required": f.required, "unique": f.name == "id"}
            if f.choices:
                constraints["enum"] = list(f.choices)
            described["constraints"] = constraints
            if f.extension or table == "translation":
                described["description"] = "Caseworker extension (not in HSDS 3.0)"
            fields.append(described)
        resource: dict[str, Any] = {
            "name": table,
            "path": spec.path,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "profile": "tabular-data-resource",
            "schema": {"fields": fields},
        }
        if table != "translation":
            resource["schema"]["primaryKey"] = "id"
        resources.append(resource)
    return {"name": "caseworker-directory", "profile": "tabular-data-package", "resources": resources}


def _csv_bytes(table: str, rows: list[dict[str, Any]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    names = [f.name for f in SPECS[table].fields]
    writer.writerow(names)
    for row in rows:
        cells = []
        for name in names:
            value = _plain(row.get(name))
            if isinstance(value, bool):
                value = "true" if value else "false"
            cells.append("" if value is None else str(value))
        writer.writerow(cells)
    return buffer.getvalue().encode("utf-8")


def export_hsds(
    store: DirectoryStore,
    out_path: Path,
    *,
    format: str = "json",  # noqa: A002
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> ExportSummary:
    """Write the directory as HSDS: ``json``, a list of services with everything nested (what
    no service reaches, such as an organisation without services, is only in the CSV form), or
    ``csv``, the data package as a folder, or as a zip file when ``out_path`` ends in .zip.

    Raises ExportCancelled when ``progress`` returns False or ``cancelled`` returns True; no file
    is written then (everything is put together before the first file is replaced).
    """
    out_path = Path(out_path)
    if format not in ("json", "csv"):
        raise ValueError(format)
    with store.read() as session:
        snapshot = _Snapshot(session.connection())
    counts = {table: len(rows) for table, rows in snapshot.rows.items()}

    def report(done: int, total: int) -> None:
        if (progress is not None and progress(done, total) is False) or (cancelled is not None and cancelled()):
            raise ExportCancelled()

    try:
        if format == "json":
            writer = _JsonWriter(snapshot)
            total = len(snapshot.rows["service"]) + 1
            services = []
            for done, row in enumerate(snapshot.rows["service"]):
                if done % _PROGRESS_EVERY == 0:
                    report(done, total)
                services.append(writer.service(row))
            data = json.dumps(services, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"
            report(total - 1, total)
            _replace_file(out_path, data)
        else:
            files = {}
            for done, table in enumerate(ORDER):
                report(done, len(ORDER) + 1)
                files[SPECS[table].path] = _csv_bytes(table, snapshot.rows[table])
            report(len(ORDER), len(ORDER) + 1)
            files["datapackage.json"] = json.dumps(_datapackage(), indent=2).encode("utf-8") + b"\n"
            if out_path.suffix.lower() == ".zip":
                buffer = io.BytesIO()
                with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                    for name, data in files.items():
                        archive.writestr(name, data)
                _replace_file(out_path, buffer.getvalue())
            else:
                out_path.mkdir(parents=True, exist_ok=True)
                for name, data in files.items():
                    _replace_file(out_path / name, data)
    except OSError as exc:
        raise ExportFailed(file=str(out_path), reason=exc.strerror or str(exc)) from exc
    return ExportSummary(path=out_path, counts=counts)


def _replace_file(target: Path, data: bytes) -> None:
    """Write whole or not at all: a temporary file beside the target, then a rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


