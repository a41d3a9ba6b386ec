"""The starter referral directory (resources/directory/starter.json) is sound HSDS 3.0 data.

The file is shipped to every office as the directory's first content, so these checks guard what a
volunteer will read: the shape (the official HSDS schema), stable and unique ids, the "verify locally"
marking, the three public services every country must have, the Caseworker categories, phone numbers
that can be dialled from abroad, and no personal e-mail addresses.
"""

from __future__ import annotations

import copy
import json
import re
import uuid
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from jsonschema.validators import validator_for

from caseworker.core.directory.taxonomy import BY_ID, TAXONOMY_ID

REPO = Path(__file__).resolve().parents[2]
STARTER = REPO / "resources" / "directory" / "starter.json"
# shared/ sits beside the repository on every machine (developers' and CI's).
SERVICE_SCHEMA = REPO.parent / "shared" / "hsds" / "schema" / "compiled" / "service.json"

ASSURED_DATE = "2026-11-22"
COUNTRIES = {
    "Czech Republic": "CZ",
    "Denmark": "DK",
    "Finland": "FI",
    "Greece": "GR",
    "Italy": "IT",
    "Switzerland": "CH",
    "United Kingdom": "GB",
}
# The language a caseworker's client meets at the counter; the UK needs no translation.
HOST_LANGUAGE = {"CZ": "cs", "DK": "da", "FI": "fi", "GR": "el", "IT": "it", "CH": "de"}

# Records that many services may point to; every other record belongs to exactly one place.
SHARED_KINDS = {"organization", "taxonomy_term"}


def load_services() -> list[dict[str, Any]]:
    return json.loads(STARTER.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def services() -> list[dict[str, Any]]:
    return load_services()


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SERVICE_SCHEMA.read_text(encoding="utf-8"))
    cls = validator_for(schema, default=jsonschema.Draft202012Validator)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def records(node: Any, kind: str = "service") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every object in the tree that has an id, with the key it sits under (its kind)."""
    if isinstance(node, dict):
        if "id" in node:
            yield kind, node
        for key, value in node.items():
            yield from records(value, key)
    elif isinstance(node, list):
        for item in node:
            yield from records(item, kind)


def values_of(node: Any, wanted: str) -> Iterator[Any]:
    """Every value stored under the key `wanted`, anywhere in the tree."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == wanted:
                yield value
            yield from values_of(value, wanted)
    elif isinstance(node, list):
        for item in node:
            yield from values_of(item, wanted)


def country_of(service: dict[str, Any]) -> str:
    (area,) = service["service_areas"]
    return COUNTRIES[area["name"]]


def codes_of(service: dict[str, Any]) -> set[str]:
    return {BY_ID[attribute["taxonomy_term_id"]].code for attribute in service["attributes"]}


def is_recognition_centre(service: dict[str, Any]) -> bool:
    return "recognition" in codes_of(service)


def is_employment_service(service: dict[str, Any]) -> bool:
    return {"cv-cover-letter", "interview-preparation"} <= codes_of(service)


def is_labour_inspectorate(service: dict[str, Any]) -> bool:
    # Enforcement of labour rights, as opposed to the UN agencies' guidance (legal-guidance).
    codes = codes_of(service)
    return "labour-rights" in codes and "legal-guidance" not in codes


def test_the_file_is_a_json_list_of_services() -> None:
    services = load_services()
    assert isinstance(services, list)
    assert len(services) >= 21  # at least three public services in each of seven countries
    assert all(isinstance(service, dict) for service in services)


def test_every_service_is_valid_hsds(services, validator) -> None:
    problems = [
        f"{service.get('name')}: {'/'.join(map(str, error.absolute_path))}: {error.message}"
        for service in services
        for error in validator.iter_errors(service)
    ]
    assert problems == []


def test_the_validator_checks_formats_and_required_fields(services, validator) -> None:
    broken = copy.deepcopy(services[0])
    broken["id"] = "not-a-uuid"
    del broken["status"]
    messages = [error.message for error in validator.iter_errors(broken)]
    assert any("uuid" in message for message in messages)
    assert any("status" in message for message in messages)


def test_every_id_is_a_lowercase_uuid(services) -> None:
    bad = [
        (kind, record["id"])
        for kind, record in records(services)
        if not isinstance(record["id"], str) or str(uuid.UUID(record["id"])) != record["id"]
    ]
    assert bad == []


def test_every_id_names_one_record_across_the_file(services) -> None:
    seen: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for kind, record in records(services):
        seen[record["id"]].append((kind, json.dumps(record, sort_keys=True, ensure_ascii=False)))
    clashes = []
    for record_id, occurrences in seen.items():
        kinds = {kind for kind, _ in occurrences}
        contents = {content for _, content in occurrences}
        if len(occurrences) == 1:
            continue
        # The same organisation or category may be referred to by several services, but then it is
        # the same record, word for word; anything else must appear once.
        if not kinds <= SHARED_KINDS or len(kinds) != 1 or len(contents) != 1:
            clashes.append((record_id, sorted(kinds)))
    assert clashes == []


def test_every_service_is_marked_for_local_checking(services) -> None:
    unmarked = [
        service["name"]
        for service in services
        if service.get("assured_date") != ASSURED_DATE or service.get("verify_locally") is not True
    ]
    assert unmarked == []


def test_every_service_is_active_with_a_description_and_a_secure_link(services) -> None:
    for service in services:
        assert service["status"] == "active", service["name"]
        assert len(service["description"]) >= 150, service["name"]
        assert service["url"].startswith("https://"), service["name"]
        assert service["organization"]["website"].startswith("https://"), service["name"]


def test_all_seven_countries_have_the_three_public_services(services) -> None:
    by_country: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for service in services:
        by_country[country_of(service)].append(service)
    assert set(by_country) == set(COUNTRIES.values())
    missing = [
        (country, role.__name__)
        for country, country_services in sorted(by_country.items())
        for role in (is_recognition_centre, is_employment_service, is_labour_inspectorate)
        if not any(role(service) for service in country_services)
    ]
    assert missing == []


def test_addresses_are_in_the_country_the_service_serves(services) -> None:
    for service in services:
        for address in values_of(service.get("service_at_locations", []), "addresses"):
            for entry in address:
                assert entry["country"] == country_of(service), service["name"]
                assert entry["address_type"] == "physical"
                assert entry["state_province"].strip(), service["name"]


def test_every_category_is_a_caseworker_category(services) -> None:
    for service in services:
        assert service["attributes"], service["name"]
        for attribute in service["attributes"]:
            category = BY_ID.get(attribute["taxonomy_term_id"])
            assert category is not None, (service["name"], attribute["taxonomy_term_id"])
            term = attribute["taxonomy_term"]
            assert term["id"] == category.id
            assert term["code"] == category.code
            assert term["name"] == category.label_msgid
            assert term["taxonomy_id"] == TAXONOMY_ID
            assert attribute["link_entity"] == "service"
            assert attribute["link_id"] == service["id"]


def test_phone_numbers_are_international(services) -> None:
    numbers = list(values_of(services, "number"))
    assert numbers
    bad = [number for number in numbers if not re.fullmatch(r"\+[1-9][0-9]{0,2}( [0-9]{1,8})+", number)]
    assert bad == []


# A personal address: two words joined by a dot, underscore or hyphen ("anna.novak@", "j_smith@"),
# or a lone initial and a surname ("a.novak@").
PERSONAL_LOCAL_PART = re.compile(r"[a-z]+[._-][a-z]+", re.IGNORECASE)


def test_no_email_looks_personal(services) -> None:
    emails = list(values_of(services, "email"))
    assert emails
    personal = [email for email in emails if PERSONAL_LOCAL_PART.fullmatch(email.partition("@")[0])]
    assert personal == []


def test_the_personal_email_pattern_catches_names() -> None:
    assert PERSONAL_LOCAL_PART.fullmatch("anna.novak")
    assert PERSONAL_LOCAL_PART.fullmatch("j_smith")
    assert not PERSONAL_LOCAL_PART.fullmatch("info")
    assert not PERSONAL_LOCAL_PART.fullmatch("kirjaamo")


def test_languages_use_iso_639_1_codes(services) -> None:
    for service in services:
        assert service["languages"], service["name"]
        for language in service["languages"]:
            assert re.fullmatch(r"[a-z]{2}", language["code"]), service["name"]
            assert language["name"].strip()


def test_services_outside_the_uk_read_in_the_host_language(services) -> None:
    for service in services:
        host = HOST_LANGUAGE.get(country_of(service))
        if host is None:
            continue
        translated = {
            entry["field"]
            for entry in service.get("translations", [])
            if entry["language"] == host and entry["value"].strip()
        }
        assert translated >= {"name", "description"}, service["name"]


def test_translations_name_a_field_of_their_record(services) -> None:
    for _kind, record in records(services):
        for entry in record.get("translations", []):
            assert set(entry) == {"language", "field", "value"}
            assert re.fullmatch(r"[a-z]{2}", entry["language"])
            assert entry["field"] in record, (record["id"], entry["field"])
            assert entry["value"].strip()
