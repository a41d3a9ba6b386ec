"""A coordinator's changes to the directory: add, edit, retire, translate, verify, find stale."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from caseworker.core.directory import editing, records, search
from caseworker.core.directory.editing import ServiceDraft
from caseworker.core.directory.store import DirectoryStore, exec_sql
from caseworker.core.errors import ValidationFailed
from caseworker.core.paths import DataDir

TODAY = dt.date(2026, 11, 22)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[DirectoryStore]:
    store = DirectoryStore.create(DataDir(tmp_path).directory_db)
    yield store
    store.dispose()


def found(store: DirectoryStore, query: str, language: str | None = None) -> list[str]:
    with store.read() as session:
        return [hit.service_id for hit in search.search(session.connection(), query, language=language)]


def a_draft(**changes: object) -> ServiceDraft:
    draft = ServiceDraft(
        name="Sportello lavoro migranti",
        organization_name="Associazione Ponte",
        description="Aiuto con il curriculum e la ricerca di lavoro.",
        categories=("cv-cover-letter",),
        address_1="Via Roma 12",
        postal_code="10121",
        city="Torino",
        region="Piemonte",
        country="IT",
        phones=("+39 011 123 4567",),
        email="lavoro@ponte.example",
        url="https://ponte.example",
        hours=((1, (("09:00", "13:00"),)), (3, (("09:00", "13:00"), ("14:00", "17:00")))),
        staff_languages=("ar", "it"),
        free=True,
        required_documents=("Permesso di soggiorno",),
    )
    return replace(draft, **changes)  # type: ignore[arg-type]


def test_a_new_entry_is_stored_whole_and_found_by_search(store: DirectoryStore) -> None:
    service_id = editing.save_service(store, a_draft())

    entry = records.get_service(store, service_id)
    assert (entry.name, entry.organization_name, entry.city, entry.country) == (
        "Sportello lavoro migranti", "Associazione Ponte", "Torino", "IT"
    )
    assert [p.number for p in entry.phones] == ["+39 011 123 4567"]
    assert entry.categories == ("cv-cover-letter",)
    assert entry.required_documents == ("Permesso di soggiorno",)
    assert entry.free is True
    assert set(entry.staff_languages) == {"it", "ar"}
    assert found(store, "curricul") == [service_id]
    assert found(store, "", language="ar") == [service_id]
    # The form reads back exactly what was saved.
    assert editing.draft_of(store, service_id) == replace(a_draft(), id=service_id)


def test_an_edit_changes_only_what_changed_and_keeps_the_rest(store: DirectoryStore) -> None:
    service_id = editing.save_service(store, a_draft())
    before = exec_sql(store, "SELECT id FROM phone")

    editing.save_service(store, replace(editing.draft_of(store, service_id), description="Corsi di italiano."))

    entry = records.get_service(store, service_id)
    assert entry.description == "Corsi di italiano."
    assert exec_sql(store, "SELECT id FROM phone") == before  # the phone row was not rewritten
    assert found(store, "italiano") == [service_id]
    assert found(store, "curricul") == []


def test_organisations_are_shared_by_name(store: DirectoryStore) -> None:
    first = editing.save_service(store, a_draft())
    second = editing.save_service(store, a_draft(name="Corso di italiano"))
    third = editing.save_service(store, a_draft(name="Mentoring", organization_name="Casa Aperta"))

    organisations = {records.get_service(store, sid).organization_id for sid in (first, second)}
    assert len(organisations) == 1
    assert records.get_service(store, third).organization_id not in organisations
    assert editing.organisation_names(store) == ["Associazione Ponte", "Casa Aperta"]


def test_every_problem_in_the_form_is_named_and_nothing_is_written(store: DirectoryStore) -> None:
    bad = a_draft(
        name=" ",
        organization_name="",
        country="XX",
        email="not an address",
        url="ponte.example",
        staff_languages=("zz",),
        categories=("nothing-like-this",),
    )
    with pytest.raises(ValidationFailed) as raised:
        editing.save_service(store, bad)

    assert {p.where for p in raised.value.problems} == {
        "name", "organization_name", "country", "email", "url", "staff_languages", "categories"
    }
    assert exec_sql(store, "SELECT count(*) FROM service") == [(0,)]


def test_an_address_needs_its_city_street_and_country(store: DirectoryStore) -> None:
    with pytest.raises(ValidationFailed) as raised:
        editing.save_service(store, a_draft(city="", country=""))
    assert {p.where for p in raised.value.problems} == {"city", "country"}


def test_opening_hours_are_read_leniently_and_refused_when_they_cannot_be(store: DirectoryStore) -> None:
    assert editing.parse_intervals("9:00-12:30, 14.00 – 17:00") == (("09:00", "12:30"), ("14:00", "17:00"))
    assert editing.parse_intervals("") == ()
    for text in ("9 to 5", "25:00-26:00", "09:00-09:00", "09:00"):
        with pytest.raises(ValueError):
            editing.parse_intervals(text)


def test_the_hours_saved_are_the_hours_shown_and_searched(store: DirectoryStore) -> None:
    service_id = editing.save_service(store, a_draft())
    entry = records.get_service(store, service_id)
    assert {(s.weekdays, s.opens_at, s.closes_at) for s in entry.schedules} == {
        ((1, 3), "09:00", "13:00"), ((3,), "14:00", "17:00")
    }
    wednesday_afternoon = dt.datetime(2026, 11, 25, 15, 0)
    with store.read() as session:
        open_then = search.search(session.connection(), "", open_at=wednesday_afternoon)
    assert [hit.service_id for hit in open_then] == [service_id]


def test_a_changed_original_drops_its_now_wrong_translations_only(store: DirectoryStore) -> None:
    service_id = editing.save_service(store, a_draft())
    editing.set_translation(store, "service", service_id, "description", "ar", "دروس في الخياطة")
    editing.set_translation(store, "service", service_id, "name", "ar", "مكتب العمل")
    # (not a word of the Arabic category names, which are indexed too)
    assert found(store, "الخياطة") == [service_id]

    editing.save_service(store, replace(editing.draft_of(store, service_id), description="Corsi di italiano."))

    assert records.get_service(store, service_id, "ar").description == "Corsi di italiano."
    assert records.get_service(store, service_id, "ar").name == "مكتب العمل"
    assert found(store, "الخياطة") == []


def test_a_translation_is_listed_found_and_removed_when_emptied(store: DirectoryStore) -> None:
    service_id = editing.save_service(store, a_draft())
    texts = editing.translatable_texts(store, service_id)
    fields = {(t.record_table, t.field) for t in texts}
    assert {("service", "name"), ("service", "description"), ("organization", "name"), ("address", "city"),
            ("required_document", "document")} <= fields

    document = next(t for t in texts if t.record_table == "required_document")
    editing.set_translation(store, "required_document", document.record_id, "document", "ti", "ፍቓድ መንበሪ")
    assert records.get_service(store, service_id, "ti").required_documents == ("ፍቓድ መንበሪ",)
    assert next(t for t in editing.translatable_texts(store, service_id) if t.record_table == "required_document").translations == {
        "ti": "ፍቓድ መንበሪ"
    }

    editing.set_translation(store, "required_document", document.record_id, "document", "ti", "  ")
    assert records.get_service(store, service_id, "ti").required_documents == ("Permesso di soggiorno",)


def test_only_known_texts_of_existing_records_can_be_translated(store: DirectoryStore) -> None:
    service_id = editing.save_service(store, a_draft())
    with pytest.raises(editing.NotTranslatable):
        editing.set_translation(store, "service", service_id, "status", "ar", "x")
    with pytest.raises(editing.NotTranslatable):
        editing.set_translation(store, "service", "no-such-id", "name", "ar", "x")
    assert exec_sql(store, "SELECT count(*) FROM translation") == [(0,)]


def test_a_retired_entry_leaves_search_and_comes_back(store: DirectoryStore) -> None:
    service_id = editing.save_service(store, a_draft())
    editing.retire_service(store, service_id)
    assert found(store, "sportello") == []
    assert not records.get_service(store, service_id).active
    with pytest.raises(editing.RetiredService):
        editing.save_service(store, replace(editing.draft_of(store, service_id), name="Renamed"))

    editing.reinstate_service(store, service_id)
    assert found(store, "sportello") == [service_id]


def test_verifying_records_when_and_by_whom_and_stale_entries_are_listed_oldest_first(store: DirectoryStore) -> None:
    never = editing.save_service(store, a_draft(name="Never checked"))
    old = editing.save_service(store, a_draft(name="Checked long ago", verify_locally=True))
    fresh = editing.save_service(store, a_draft(name="Checked last month"))
    editing.mark_verified(store, old, by="maria@ponte.example", on=TODAY - dt.timedelta(days=400))
    editing.mark_verified(store, fresh, by="maria@ponte.example", on=TODAY - dt.timedelta(days=30))

    stale = editing.stale_entries(store, TODAY)
    assert [e.id for e in stale] == [never, old]
    assert stale[1].assured_date == TODAY - dt.timedelta(days=400)
    entry = records.get_service(store, old)
    assert (entry.assurer_email, entry.verify_locally) == ("maria@ponte.example", False)

    editing.retire_service(store, never)
    assert [e.id for e in editing.stale_entries(store, TODAY)] == [old]


def test_an_imported_entry_keeps_what_the_form_does_not_show(store: DirectoryStore, tmp_path: Path) -> None:
    from caseworker.core.directory import hsds
    from caseworker.core.directory.starter import starter_path

    hsds.import_hsds(store, starter_path())
    service_id = found(store, "ENIC")[0]
    before = records.get_service(store, service_id)

    editing.save_service(store, replace(editing.draft_of(store, service_id), free=False))

    after = records.get_service(store, service_id)
    assert after.free is False
    assert replace(after, free=before.free) == before
