"""HSDS 3.0 import and export (caseworker/core/directory/hsds.py) and what the directory gives out
(records.py): the official examples import, a round trip keeps every record, the JSON export
validates against the official schema, and every kind of bad input is named as file:row: field
and changes nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
import uuid
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from sqlalchemy import text

from caseworker.core.directory import hsds, records, search
from caseworker.core.directory.documents import OpeningHours
from caseworker.core.directory.hsds import DirectoryImportFailed, ImportCancelled
from caseworker.core.directory.store import DirectoryStore
from caseworker.core.directory.taxonomy import BY_CODE
from caseworker.core.errors import BadInput

ROOT = Path(__file__).resolve().parents[2]
HSDS = ROOT.parent / "shared" / "hsds"
EXAMPLES = HSDS / "examples"
EXAMPLE_SERVICE = "ac148810-d857-441c-9679-408f346de14b"


def uid(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"https://example.org/{name}"))


ORGANIZATION = uid("organization")


def a_service(key: str, name: str, **changes: Any) -> dict[str, Any]:
    """A small, complete service in HSDS JSON, with this product's extensions."""
    service: dict[str, Any] = {
        "id": uid(key),
        "name": name,
        "description": f"{name}: lessons for adults",
        "status": "active",
        "url": "https://harbour.example.org/courses",
        "email": "courses@harbour.example.org",
        "fees_description": "No fee",
        "application_process": "Come to the front desk with an identity document",
        "eligibility_description": "Adults living in Rome",
        "assured_date": "2026-05-04",
        "assurer_email": "maria@harbour.example.org",
        "verify_locally": False,
        "free": True,
        "organization": {
            "id": ORGANIZATION,
            "name": "Harbour Welcome Centre",
            "description": "An NGO that helps people who arrived in Italy into work",
            "translations": [{"language": "ar", "field": "name", "value": "مركز الترحيب"}],
        },
        "service_at_locations": [
            {
                "id": uid(f"{key}/sal"),
                "location": {
                    "id": uid(f"{key}/location"),
                    "location_type": "physical",
                    "name": "Front desk",
                    "addresses": [
                        {
                            "id": uid(f"{key}/address"),
                            "address_1": "Via dei Mille 12",
                            "city": "Roma",
                            "state_province": "RM",
                            "postal_code": "00185",
                            "country": "IT",
                            "address_type": "physical",
                        }
                    ],
                },
            }
        ],
        "phones": [{"id": uid(f"{key}/phone"), "number": "+39 06 1234567", "type": "voice", "description": "Front desk"}],
        "schedules": [
            {"id": uid(f"{key}/schedule"), "freq": "WEEKLY", "byday": "MO,WE", "opens_at": "09:00", "closes_at": "13:00"}
        ],
        "languages": [
            {"id": uid(f"{key}/ar"), "name": "Arabic", "code": "ar"},
            {"id": uid(f"{key}/en"), "name": "English", "code": "en"},
        ],
        "attributes": [{"id": uid(f"{key}/category"), "taxonomy_term_id": BY_CODE["language-course"].id}],
        "required_documents": [{"id": uid(f"{key}/document"), "document": "Residence permit"}],
        "translations": [
            {"language": "ar", "field": "name", "value": f"{name} (ar)"},
            {"language": "fa", "field": "description", "value": f"{name} (fa)"},
        ],
    }
    service.update(changes)
    return service


def write_json(path: Path, document: Any, *, bom: bool = False) -> Path:
    data = json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


@pytest.fixture
def directory(tmp_path: Path) -> Iterator[DirectoryStore]:
    opened = DirectoryStore.create(tmp_path / "directory.db")
    yield opened
    opened.dispose()


@pytest.fixture
def other(tmp_path: Path) -> Iterator[DirectoryStore]:
    opened = DirectoryStore.create(tmp_path / "other.db")
    yield opened
    opened.dispose()


def dump(directory: DirectoryStore) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, the search index's included."""
    with directory.read() as session:
        connection = session.connection()
        tables = [row[0] for row in connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {table: sorted(connection.exec_driver_sql(f'SELECT * FROM "{table}"').all(), key=repr) for table in tables}


def records_dump(directory: DirectoryStore) -> dict[str, list[tuple[Any, ...]]]:
    """The directory's records, without the database's own translation ids."""
    with directory.read() as session:
        connection = session.connection()
        found = {}
        for table in hsds.ORDER:
            columns = ", ".join(hsds._INSERTED[table])
            found[table] = sorted(connection.exec_driver_sql(f"SELECT {columns} FROM {table}").all(), key=repr)
        return found


def problems_of(caught: pytest.ExceptionInfo[DirectoryImportFailed]) -> list[str]:
    return caught.value.message.splitlines()


def hits(directory: DirectoryStore, query: str, **filters: Any) -> list[str]:
    with directory.read() as session:
        return [hit.service_id for hit in search.search(session.connection(), query, **filters)]


# --- the official examples ---------------------------------------------------------------------------


@pytest.fixture
def example_package(tmp_path: Path) -> Path:
    package = tmp_path / "package"
    shutil.copytree(EXAMPLES / "csv", package)
    for child in package.iterdir():
        child.chmod(0o644)
    package.chmod(0o755)
    return package


def zip_folder(folder: Path, target: Path, *, prefix: str = "") -> Path:
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for child in sorted(folder.iterdir()):
            archive.write(child, prefix + child.name)
    return target


@pytest.mark.parametrize("source", ["service_full.json", "service_list.json", "csv", "csv.zip", "csv-in-a-folder.zip"])
def test_every_official_example_imports(directory: DirectoryStore, example_package: Path, tmp_path: Path, source: str) -> None:
    if source.endswith(".zip"):
        path = zip_folder(example_package, tmp_path / "package.zip", prefix="hsds/" if "folder" in source else "")
    elif source == "csv":
        path = example_package
    else:
        path = EXAMPLES / source

    summary = hsds.import_hsds(directory, path)

    assert summary.services == 1
    assert summary.services_indexed == 1
    entry = records.get_service(directory, EXAMPLE_SERVICE)
    assert entry.name == "Community Counselling"
    assert entry.organization_name == "Example Organization Inc."
    if source != "service_list.json":  # the list example has the service and its organisation only
        assert entry.city == "MyCity"
        assert entry.phones[0].number == '"+44 1234 234567"'
        assert entry.staff_languages == ("ur",)
        assert entry.required_documents and entry.required_documents[0].startswith("Any official identification")
        assert entry.schedules[0].weekdays == (4, 5)
    assert hits(directory, "counselling") == [EXAMPLE_SERVICE]


def test_the_example_package_links_to_records_it_lacks_and_they_are_left_out_with_a_note(
    directory: DirectoryStore, example_package: Path
) -> None:
    summary = hsds.import_hsds(directory, example_package)

    notes = [note.message for note in summary.notes]
    assert "locations.csv:2: organization_id: refers to 985e4a42-bd9f-4edc-911d-0243a4640aca, which is neither in the file nor in the directory; the link was left out" in notes
    assert "attributes.csv:2: link_entity: link_entity is not a kind of record the directory keeps; the attribute was left out" in notes
    # The contact keeps the service and the location it does belong to.
    with directory.read() as session:
        row = session.execute(text("SELECT organization_id, service_id, location_id FROM contact")).one()
    assert tuple(row) == (None, EXAMPLE_SERVICE, "3a19ff88-4620-4d17-9830-ac1d859eb5d5")


# --- round trips and the official schema --------------------------------------------------------------


@pytest.fixture
def filled(directory: DirectoryStore, tmp_path: Path) -> DirectoryStore:
    hsds.import_hsds(directory, EXAMPLES / "service_full.json")
    hsds.import_hsds(directory, write_json(tmp_path / "ours.json", [a_service("a", "Italian for work"), a_service("b", "CV clinic")]))
    return directory


@pytest.mark.parametrize("form", ["json", "csv-folder", "csv-zip"])
def test_a_round_trip_gives_the_same_records(filled: DirectoryStore, other: DirectoryStore, tmp_path: Path, form: str) -> None:
    out = {"json": tmp_path / "out.json", "csv-folder": tmp_path / "out", "csv-zip": tmp_path / "out.zip"}[form]

    hsds.export_hsds(filled, out, format="json" if form == "json" else "csv")
    summary = hsds.import_hsds(other, out)

    assert summary.notes == ()
    assert records_dump(other) == records_dump(filled)
    assert records.get_service(other, uid("a"), "ar") == records.get_service(filled, uid("a"), "ar")


def test_a_round_trip_through_the_official_csv_example(directory: DirectoryStore, other: DirectoryStore, example_package: Path, tmp_path: Path) -> None:
    hsds.import_hsds(directory, example_package)
    hsds.export_hsds(directory, tmp_path / "out", format="csv")
    hsds.import_hsds(other, tmp_path / "out")
    assert records_dump(other) == records_dump(directory)


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads((HSDS / "schema" / "compiled" / "service.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def test_every_exported_service_validates_against_the_official_schema(
    filled: DirectoryStore, example_package: Path, tmp_path: Path, validator: jsonschema.Draft202012Validator
) -> None:
    hsds.import_hsds(filled, example_package)
    hsds.export_hsds(filled, tmp_path / "out.json")

    exported = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))

    assert len(exported) == 3
    for service in exported:
        assert [error.message for error in validator.iter_errors(service)] == [], service["id"]
    # The check can fail: a service without its status, or with an id that is no UUID, does not pass.
    broken = dict(exported[0])
    del broken["status"]
    assert list(validator.iter_errors(broken))
    assert list(validator.iter_errors({**exported[0], "id": "not-a-uuid"}))


def test_the_extensions_are_exported(filled: DirectoryStore, tmp_path: Path) -> None:
    hsds.export_hsds(filled, tmp_path / "out.json")
    hsds.export_hsds(filled, tmp_path / "out", format="csv")

    exported = {s["id"]: s for s in json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))}
    ours = exported[uid("a")]
    assert ours["verify_locally"] is False and ours["free"] is True
    assert {"language": "ar", "field": "name", "value": "Italian for work (ar)"} in ours["translations"]
    assert ours["organization"]["translations"] == [{"language": "ar", "field": "name", "value": "مركز الترحيب"}]
    assert ours["attributes"][0]["taxonomy_term"]["code"] == "language-course"
    translations = list(csv.DictReader(io.StringIO((tmp_path / "out" / "translations.csv").read_text(encoding="utf-8"))))
    assert {"record_table": "service", "record_id": uid("a"), "field": "name", "language": "ar", "value": "Italian for work (ar)"} in translations
    package = json.loads((tmp_path / "out" / "datapackage.json").read_text(encoding="utf-8"))
    assert {r["path"] for r in package["resources"]} == {p.name for p in (tmp_path / "out").glob("*.csv")}


# --- translations ------------------------------------------------------------------------------------------


def test_texts_come_in_the_language_asked_for_and_otherwise_as_written(filled: DirectoryStore) -> None:
    arabic = records.get_service(filled, uid("a"), "ar")
    persian_of_afghanistan = records.get_service(filled, uid("a"), "fa_AF")
    original = records.get_service(filled, uid("a"))

    assert (arabic.name, arabic.organization_name, arabic.description) == (
        "Italian for work (ar)", "مركز الترحيب", "Italian for work: lessons for adults",
    )
    assert (persian_of_afghanistan.name, persian_of_afghanistan.description) == ("Italian for work", "Italian for work (fa)")
    assert (original.name, original.organization_name) == ("Italian for work", "Harbour Welcome Centre")


def test_a_translation_is_found_by_search(filled: DirectoryStore) -> None:
    assert sorted(hits(filled, "مركز")) == sorted([uid("a"), uid("b")])
    assert hits(filled, "work (ar)") == [uid("a")]


def test_a_translation_in_csv(directory: DirectoryStore, example_package: Path) -> None:
    (example_package / "translations.csv").write_text(
        f"record_table,record_id,field,language,value\r\nservice,{EXAMPLE_SERVICE},name,uk,Консультування\r\n", encoding="utf-8"
    )
    hsds.import_hsds(directory, example_package)
    assert records.get_service(directory, EXAMPLE_SERVICE, "uk").name == "Консультування"


# --- what the UI and the search index get ------------------------------------------------------------------


def test_the_entry_of_a_service(filled: DirectoryStore) -> None:
    entry = records.get_service(filled, uid("a"))

    assert entry.address_lines == ("Via dei Mille 12",) and (entry.city, entry.postal_code, entry.country) == ("Roma", "00185", "IT")
    assert [p.number for p in entry.phones] == ["+39 06 1234567"]
    assert entry.schedule_lines == ("Mon, Wed 09:00–13:00",)
    assert entry.staff_languages == ("ar", "en")
    assert entry.categories == ("language-course",)
    assert entry.free is True and entry.verify_locally is False
    assert entry.assured_date == dt.date(2026, 5, 4) and entry.assurer_email == "maria@harbour.example.org"
    assert entry.required_documents == ("Residence permit",)
    with pytest.raises(records.ServiceNotFound):
        records.get_service(filled, uid("nothing"))
    assert [e.id for e in records.get_services(filled, [uid("b"), uid("nothing"), uid("a")])] == [uid("b"), uid("a")]


def test_the_search_document_of_a_service(filled: DirectoryStore) -> None:
    with filled.read() as session:
        document = records.service_document(session, uid("a"))

    assert set(document.texts) == {"", "ar", "fa"}
    assert document.texts["ar"].name == "Italian for work (ar)" and document.texts["ar"].organization == "مركز الترحيب"
    assert document.texts["fa"].name == "Italian for work"
    assert document.categories == ("language-course",)
    assert (document.city, document.staff_languages, document.free, document.active) == ("Roma", ("ar", "en"), True, True)
    assert document.opening_hours == (OpeningHours(1, "09:00", "13:00"), OpeningHours(3, "09:00", "13:00"))


def test_the_cost_decides_free_when_the_extension_is_not_given(directory: DirectoryStore, tmp_path: Path) -> None:
    costly = a_service("a", "Driving licence course", cost_options=[{"id": uid("cost"), "amount": 120, "currency": "EUR"}])
    del costly["free"]
    unknown = a_service("b", "CV clinic")
    del unknown["free"]
    hsds.import_hsds(directory, write_json(tmp_path / "in.json", [costly, unknown]))

    assert records.get_service(directory, uid("a")).free is False
    assert records.get_service(directory, uid("b")).free is None


# --- update and replace ------------------------------------------------------------------------------------


def test_without_replace_records_update_by_id_and_the_others_stay(filled: DirectoryStore, tmp_path: Path) -> None:
    changed = a_service("a", "Italiano per il lavoro", phones=[{"id": uid("a/phone"), "number": "+39 06 7654321"}])
    new = a_service("c", "Mentoring for women")

    hsds.import_hsds(filled, write_json(tmp_path / "update.json", [changed, new]))

    assert records.get_service(filled, uid("a")).name == "Italiano per il lavoro"
    assert [p.number for p in records.get_service(filled, uid("a")).phones] == ["+39 06 7654321"]
    assert records.get_service(filled, uid("b")).name == "CV clinic"
    assert records.get_service(filled, EXAMPLE_SERVICE).name == "Community Counselling"
    assert hits(filled, "mentoring") == [uid("c")]
    assert hits(filled, "lavoro") == [uid("a")]
    assert hits(filled, "Italian for work") == []


def test_an_update_leaves_the_fields_the_file_does_not_give(filled: DirectoryStore, tmp_path: Path) -> None:
    package = tmp_path / "package"
    package.mkdir()
    (package / "services.csv").write_text(
        f"id,organization_id,name,status\r\n{uid('b')},{ORGANIZATION},CV and cover letter clinic,active\r\n", encoding="utf-8"
    )

    hsds.import_hsds(filled, package)

    entry = records.get_service(filled, uid("b"))
    assert entry.name == "CV and cover letter clinic"
    assert entry.description == "CV clinic: lessons for adults"
    assert entry.phones and entry.free is True


def test_replace_swaps_the_whole_directory(filled: DirectoryStore, tmp_path: Path) -> None:
    summary = hsds.import_hsds(filled, write_json(tmp_path / "new.json", [a_service("c", "Mentoring for women")]), replace=True)

    assert summary.replaced
    with filled.read() as session:
        assert records.all_service_ids(session) == [uid("c")]
        assert session.execute(text("SELECT count(*) FROM phone")).scalar() == 1
        assert session.execute(text("SELECT count(*) FROM translation WHERE record_id = :id"), {"id": uid("a")}).scalar() == 0
        # The service categories are the program's, not the file's: they stay.
        assert session.execute(text("SELECT count(*) FROM taxonomy_term WHERE id = :id"), {"id": BY_CODE["recognition"].id}).scalar() == 1
    assert hits(filled, "") == [uid("c")]
    assert hits(filled, "counselling") == []


def test_replace_checks_references_against_the_file_alone(filled: DirectoryStore, tmp_path: Path) -> None:
    orphan = a_service("c", "Mentoring for women")
    orphan["organization_id"] = orphan.pop("organization")["id"]  # only the id: the organisation is in the directory
    before = dump(filled)

    hsds.import_hsds(filled, write_json(tmp_path / "update.json", [orphan]))  # fine as an update
    with pytest.raises(DirectoryImportFailed) as caught:
        hsds.import_hsds(filled, tmp_path / "update.json", replace=True)

    assert problems_of(caught) == [f"update.json:$[0]: organization_id: refers to {ORGANIZATION}, which is not in the file"]
    assert before != dump(filled)  # the update went in; the replace did not undo it
    assert records.get_service(filled, uid("c")).name == "Mentoring for women"


# --- bad input: every problem named, nothing changed ------------------------------------------------------


def edit_csv(package: Path, name: str, change: Callable[[list[dict[str, str]]], None], *, encoding: str = "utf-8") -> None:
    path = package / name
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    original = list(rows[0])
    change(rows)
    header = [key for key in original if any(key in row for row in rows)]
    header += [key for row in rows for key in row if key not in header]
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))


def set_field(field: str, value: str, row: int = 0) -> Callable[[list[dict[str, str]]], None]:
    def change(rows: list[dict[str, str]]) -> None:
        rows[row][field] = value

    return change


UNKNOWN = "00000000-0000-4000-8000-000000000000"
CSV_CASES = [
    pytest.param("services.csv", set_field("name", ""), ["services.csv:2: name: required field is missing"], id="missing field"),
    pytest.param(
        "cost_options.csv", set_field("id", "not-a-uuid"),
        ["cost_options.csv:2: id: not-a-uuid is not a UUID (such as 3f7b145d-84af-42d7-8fae-eaca714b02b2)"], id="bad uuid",
    ),
    pytest.param(
        "services.csv", set_field("assured_date", "2024-02-30"), ["services.csv:2: assured_date: 2024-02-30 is not a date (YYYY-MM-DD)"],
        id="bad date",
    ),
    pytest.param(
        "services.csv", set_field("status", "open"),
        ["services.csv:2: status: open is not one of: active, inactive, defunct, temporarily closed"], id="unknown status",
    ),
    pytest.param(
        "schedules.csv", set_field("opens_at", "9am"), ["schedules.csv:2: opens_at: 9am is not a time of day (hh:mm)"], id="bad time",
    ),
    pytest.param(
        "schedules.csv", set_field("freq", "DAILY"), ["schedules.csv:2: freq: DAILY is not one of: WEEKLY, MONTHLY"], id="bad frequency",
    ),
    pytest.param(
        "phones.csv", lambda rows: rows.append(dict(rows[0])),
        ["phones.csv:3: id: 1554f2e2-a373-45db-a3fa-9fc48a61c15e is already the id of phones.csv:2"], id="duplicate id",
    ),
    pytest.param(
        "service_at_location.csv", set_field("location_id", UNKNOWN),
        [f"service_at_location.csv:2: location_id: refers to {UNKNOWN}, which is neither in the file nor in the directory"],
        id="dangling reference",
    ),
    pytest.param(
        "phones.csv",
        lambda rows: rows[0].update(location_id="", service_id="", organization_id="", contact_id="", service_at_location_id=""),
        ["phones.csv:2: location_id / service_id / organization_id / contact_id / service_at_location_id: required field is missing (give at least one of them)"],
        id="belongs to nothing",
    ),
    pytest.param(
        "addresses.csv", set_field("country", "Italy"), ["addresses.csv:2: country: Italy is not a two-letter country code (ISO 3166-1)"],
        id="bad country",
    ),
    pytest.param(
        "phones.csv", set_field("extension", "ext. 100"), ["phones.csv:2: extension: ext. 100 is not a whole number"], id="bad number",
    ),
]


@pytest.fixture
def before_bad_input(directory: DirectoryStore, tmp_path: Path) -> dict[str, list[tuple[Any, ...]]]:
    hsds.import_hsds(directory, write_json(tmp_path / "ours.json", [a_service("a", "Italian for work")]))
    return dump(directory)


@pytest.mark.parametrize(("name", "change", "expected"), CSV_CASES)
def test_bad_csv_is_named_and_changes_nothing(
    directory: DirectoryStore, before_bad_input: dict[str, Any], example_package: Path, name: str, change: Any, expected: list[str]
) -> None:
    edit_csv(example_package, name, change)

    with pytest.raises(DirectoryImportFailed) as caught:
        hsds.import_hsds(directory, example_package)

    assert problems_of(caught) == expected
    assert dump(directory) == before_bad_input
    assert caught.value.exit_code == 2 and isinstance(caught.value, BadInput)


def test_text_that_is_not_utf8_is_named(directory: DirectoryStore, before_bad_input: dict[str, Any], example_package: Path) -> None:
    # Written as Latin-1: the accented name, and the pound sign the example has in its fees.
    edit_csv(example_package, "services.csv", set_field("name", "Consulenza in città"), encoding="latin-1")

    with pytest.raises(DirectoryImportFailed) as caught:
        hsds.import_hsds(directory, example_package)

    assert problems_of(caught) == [
        "services.csv:2: name: the text is not UTF-8; save the file as UTF-8 and import it again",
        "services.csv:2: fees_description: the text is not UTF-8; save the file as UTF-8 and import it again",
    ]
    assert dump(directory) == before_bad_input


def test_a_missing_column_is_named_once(directory: DirectoryStore, before_bad_input: dict[str, Any], example_package: Path) -> None:
    edit_csv(example_package, "services.csv", lambda rows: [row.pop("status") for row in rows])
    with pytest.raises(DirectoryImportFailed) as caught:
        hsds.import_hsds(directory, example_package)
    assert problems_of(caught) == ["services.csv:1: status: required column is missing"]
    assert dump(directory) == before_bad_input


def test_every_problem_is_listed_at_once(directory: DirectoryStore, before_bad_input: dict[str, Any], example_package: Path) -> None:
    edit_csv(example_package, "services.csv", lambda rows: rows[0].update(name="", assured_date="yesterday"))
    edit_csv(example_package, "phones.csv", set_field("number", ""))

    with pytest.raises(DirectoryImportFailed) as caught:
        hsds.import_hsds(directory, example_package)

    assert sorted(problems_of(caught)) == [
        "phones.csv:2: number: required field is missing",
        "services.csv:2: assured_date: yesterday is not a date (YYYY-MM-DD)",
        "services.csv:2: name: required field is missing",
    ]
    assert dump(directory) == before_bad_input


def test_a_byte_order_mark_is_accepted(directory: DirectoryStore, example_package: Path, tmp_path: Path) -> None:
    for path in example_package.glob("*.csv"):
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    hsds.import_hsds(directory, example_package)
    hsds.import_hsds(directory, write_json(tmp_path / "bom.json", [a_service("a", "Italian for work")], bom=True))

    assert records.get_service(directory, EXAMPLE_SERVICE).name == "Community Counselling"
    assert records.get_service(directory, uid("a")).name == "Italian for work"


def _conflicting_phone(services: list[dict[str, Any]]) -> None:
    services[1]["phones"] = [{"id": uid("a/phone"), "number": "+39 333 0000000"}]


JSON_CASES = [
    pytest.param(
        lambda s: s[0].update(status="closed"),
        ["in.json:$[0]: status: closed is not one of: active, inactive, defunct, temporarily closed"], id="unknown status",
    ),
    pytest.param(
        lambda s: s[0]["phones"][0].pop("number"), ["in.json:$[0].phones[0]: number: required field is missing"], id="missing field",
    ),
    pytest.param(
        lambda s: s[0]["schedules"][0].update(valid_from="01/02/2026"),
        ["in.json:$[0].schedules[0]: valid_from: 01/02/2026 is not a date (YYYY-MM-DD)"], id="bad date",
    ),
    pytest.param(
        lambda s: s[0]["service_at_locations"][0]["location"].update(id="12345"),
        ["in.json:$[0].service_at_locations[0].location: id: 12345 is not a UUID (such as 3f7b145d-84af-42d7-8fae-eaca714b02b2)"],
        id="bad uuid",
    ),
    pytest.param(
        _conflicting_phone,
        [
            "in.json:$[1].phones[0]: number: differs from the record with the same id at in.json:$[0].phones[0]",
            "in.json:$[1].phones[0]: service_id: differs from the record with the same id at in.json:$[0].phones[0]",
        ],
        id="duplicate id",
    ),
    pytest.param(
        lambda s: s[0]["phones"][0].update(service_id=uid("b")),
        [f"in.json:$[0].phones[0]: service_id: {uid('b')} does not match the record this one is inside"], id="nested elsewhere",
    ),
    pytest.param(
        lambda s: s[0]["attributes"][0].update(taxonomy_term_id=UNKNOWN),
        [f"in.json:$[0].attributes[0]: taxonomy_term_id: refers to {UNKNOWN}, which is neither in the file nor in the directory"],
        id="dangling reference",
    ),
    pytest.param(
        lambda s: s[0]["translations"].append({"language": "ar", "field": "status", "value": "نشط"}),
        ["in.json:$[0].translations[2]: field: status is not a text field of service"], id="translation of no text",
    ),
    pytest.param(
        lambda s: s[0]["translations"].append({"language": "elvish", "field": "name", "value": "x"}),
        ["in.json:$[0].translations[2]: language: elvish is not a language code (such as ar, fa_AF, uk)"], id="unknown language",
    ),
    pytest.param(
        lambda s: s[0].update(phones={"id": uid("x"), "number": "1"}), ["in.json:$[0]: phones: must be a list"], id="not a list",
    ),
    pytest.param(
        lambda s: s[0].update(name=["Italian"]), ["in.json:$[0]: name: must be text"], id="not text",
    ),
]


@pytest.mark.parametrize(("change", "expected"), JSON_CASES)
def test_bad_json_is_named_and_changes_nothing(
    directory: DirectoryStore, before_bad_input: dict[str, Any], tmp_path: Path, change: Any, expected: list[str]
) -> None:
    services = [a_service("a", "Italian for work"), a_service("b", "CV clinic")]
    change(services)

    with pytest.raises(DirectoryImportFailed) as caught:
        hsds.import_hsds(directory, write_json(tmp_path / "in.json", services))

    assert problems_of(caught) == expected
    assert dump(directory) == before_bad_input


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(b'[{"id": "x",\n "name": }]', ["in.json:2: the file is not valid JSON (near column 10)"], id="syntax"),
        pytest.param(b"42", ["in.json:$: the file does not hold HSDS services (a list of services, or one service)"], id="not services"),
        pytest.param(
            json.dumps([a_service("a", "Corso di italiano")], ensure_ascii=False).encode("utf-8").replace(b"Corso", b"Cors\xf2", 1),
            ["in.json:$[0]: name: the text is not UTF-8; save the file as UTF-8 and import it again"], id="not utf-8",
        ),
    ],
)
def test_a_file_that_is_not_hsds_json_is_named(
    directory: DirectoryStore, before_bad_input: dict[str, Any], tmp_path: Path, data: bytes, expected: list[str]
) -> None:
    (tmp_path / "in.json").write_bytes(data)
    with pytest.raises(DirectoryImportFailed) as caught:
        hsds.import_hsds(directory, tmp_path / "in.json")
    assert problems_of(caught) == expected
    assert dump(directory) == before_bad_input


def test_a_missing_file_is_named(directory: DirectoryStore, tmp_path: Path) -> None:
    with pytest.raises(DirectoryImportFailed) as caught:
        hsds.import_hsds(directory, tmp_path / "nowhere.json")
    assert problems_of(caught) == [f"{tmp_path / 'nowhere.json'}: there is no such file or folder"]


# --- zip files -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("member", ["../evil.csv", "/tmp/evil.csv", "hsds/../../evil.csv"])
def test_a_zip_with_a_path_outside_it_is_refused(
    directory: DirectoryStore, before_bad_input: dict[str, Any], example_package: Path, tmp_path: Path, member: str
) -> None:
    package = zip_folder(example_package, tmp_path / "package.zip")
    with zipfile.ZipFile(package, "a") as archive:
        archive.writestr(member, "id,name\r\n")

    with pytest.raises(DirectoryImportFailed) as caught:
        hsds.import_hsds(directory, package)

    assert problems_of(caught) == [f"package.zip: {member}: refused: the path leads outside the package"]
    assert dump(directory) == before_bad_input
    assert not (tmp_path.parent / "evil.csv").exists() and not Path("/tmp/evil.csv").exists()


def test_a_zip_bomb_is_refused(
    directory: DirectoryStore, before_bad_input: dict[str, Any], example_package: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The limits scaled down to 1 MB and 2 MB, so that the test need not unpack 100 MB: a table
    # too big, then a package whose members are each allowed but too big together.
    monkeypatch.setattr(hsds, "MAX_MEMBER_BYTES", 1024 * 1024)
    monkeypatch.setattr(hsds, "MAX_PACKAGE_BYTES", 2 * 1024 * 1024)
    (example_package / "services.csv").unlink()
    big = "0" * (1024 * 1024 + 512 * 1024)
    package = zip_folder(example_package, tmp_path / "package.zip")
    with zipfile.ZipFile(package, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("services.csv", "id,name\r\n" + big)
    with pytest.raises(DirectoryImportFailed) as too_big_member:
        hsds.import_hsds(directory, package)

    package = zip_folder(example_package, tmp_path / "package2.zip")
    with zipfile.ZipFile(package, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("notes/one.txt", big)
        archive.writestr("notes/two.txt", big)
    with pytest.raises(DirectoryImportFailed) as too_big_package:
        hsds.import_hsds(directory, package)

    assert problems_of(too_big_member) == ["package.zip: services.csv: refused: it would unpack to more than 1 MB"]
    assert problems_of(too_big_package) == ["package2.zip: refused: the package would unpack to more than 2 MB"]
    assert dump(directory) == before_bad_input


def test_a_file_that_is_no_zip_is_named(directory: DirectoryStore, tmp_path: Path) -> None:
    (tmp_path / "package.zip").write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(DirectoryImportFailed) as caught:
        hsds.import_hsds(directory, tmp_path / "package.zip")
    assert problems_of(caught) == ["package.zip: the file is not a zip file, or it is damaged"]


# --- progress and cancelling ------------------------------------------------------------------------------


def test_progress_is_reported_up_to_the_end(directory: DirectoryStore, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    hsds.import_hsds(
        directory, write_json(tmp_path / "in.json", [a_service("a", "Italian for work")]), progress=lambda d, t: seen.append((d, t)) or True
    )
    assert seen and all(0 <= done <= total for done, total in seen)
    assert [done for done, _total in seen] == sorted(done for done, _total in seen)
    assert seen[-1][0] == seen[-1][1]


@pytest.mark.parametrize("how", ["progress", "cancelled"])
def test_a_cancelled_import_changes_nothing(
    directory: DirectoryStore, before_bad_input: dict[str, Any], tmp_path: Path, how: str
) -> None:
    calls = []

    def stop_at_the_last_step(done: int, total: int) -> bool:
        calls.append(done)
        return done < total

    path = write_json(tmp_path / "in.json", [a_service("c", "Mentoring for women")])
    with pytest.raises(ImportCancelled):
        if how == "progress":
            hsds.import_hsds(directory, path, progress=stop_at_the_last_step)
        else:
            hsds.import_hsds(directory, path, cancelled=lambda: True)

    assert dump(directory) == before_bad_input
