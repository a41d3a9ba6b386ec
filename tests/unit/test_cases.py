"""Case files: create, read, save, close and reopen, and the case list (services/cases.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import time
from collections.abc import Iterator
from typing import Any

import pytest

from caseworker.core import db
from caseworker.core.dates import PartialDate
from caseworker.core.errors import ChangedElsewhere, NotFound, ValidationFailed
from caseworker.core.keys import KdfParams
from caseworker.core.models.enums import (
    CaseStatus,
    CefrLevel,
    ClosureReason,
    ConsentMethod,
    ConsentScope,
    ExitResult,
    Gender,
    GoalStatus,
    LabourStatus,
    LegalStatus,
    MeetingKind,
    RecognitionStatus,
    Role,
    WorkAuthorisation,
)
from caseworker.core.services import accounts, cases
from caseworker.core.services.records import (
    CaseFile,
    ConsentEntry,
    EducationRecord,
    GoalRecord,
    LanguageSkillRecord,
    LegalStatusEntry,
    MeetingRecord,
    PersonDetails,
    QualificationRecord,
    UserInfo,
    WorkExperienceRecord,
)
from caseworker.core.text import fold

TODAY = dt.date(2026, 3, 10)


class Clock:
    """The time of day at the desk: starts on TODAY at nine and moves a minute per reading, as a
    real clock would between two saves."""

    def __init__(self, start: dt.datetime = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(minutes=1)
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def rich_case(caseworker_id: int | None) -> CaseFile:
    """A case with every section filled, in the order the store gives them back."""
    return CaseFile(
        person=PersonDetails(
            name_latin="Aḥmad Karīmī",
            name_native="احمد کریمی",
            birth=PartialDate(1990, 2),
            gender=Gender.MAN,
            nationalities=("AF", "IR"),
            stateless=False,
            phone="+39 333 1234567",
            email="ahmad@example.org",
            address="Via Roma 1\n00100 Roma",
            preferred_language="fa",
            other_languages=("ps", "en"),
        ),
        status=CaseStatus.OPEN,
        assigned_to=caseworker_id,
        opened_on=dt.date(2026, 1, 10),
        entered_on=dt.date(2026, 1, 12),
        entry_labour_status=LabourStatus.LONG_TERM_UNEMPLOYED,
        left_on=dt.date(2026, 3, 1),
        left_results=(ExitResult.IN_EDUCATION, ExitResult.EMPLOYED),
        languages=(
            LanguageSkillRecord("fa", CefrLevel.C2, mother_tongue=True),
            LanguageSkillRecord("en", CefrLevel.B1, assessed_on=dt.date(2025, 11, 3), note="IELTS 5.5"),
            LanguageSkillRecord("it", CefrLevel.A2, assessed_on=dt.date(2026, 1, 15), note="CPIA placement test"),
        ),
        legal_statuses=(
            LegalStatusEntry(
                LegalStatus.ASYLUM_SEEKER, WorkAuthorisation.RESTRICTED,
                permit_from=dt.date(2025, 6, 1), permit_until=dt.date(2025, 12, 1),
                work_from=dt.date(2025, 8, 1), work_until=dt.date(2025, 12, 1), note="Permesso per richiesta asilo",
            ),
            LegalStatusEntry(
                LegalStatus.REFUGEE, WorkAuthorisation.YES,
                permit_from=dt.date(2025, 12, 2), permit_until=dt.date(2030, 12, 1),
                work_from=dt.date(2025, 12, 2),
            ),
        ),
        education=(
            EducationRecord(6, "Computer science", "Kabul University", "AF", 2014, True),
            EducationRecord(3, "General secondary", "Habibia High School", "AF", 2009, True),
        ),
        qualifications=(
            QualificationRecord(
                "BSc Computer Science", RecognitionStatus.APPLIED, issuer="Kabul University", country="AF",
                year=2014, has_documents=True, recognition_body="CIMEA", applied_on=dt.date(2026, 1, 20),
                note="Diploma supplement missing",
            ),
        ),
        experience=(
            WorkExperienceRecord(
                "Software developer", "2512", "Afghan Telecom", "AF", 2014, 2021, "Billing systems in Java"
            ),
            WorkExperienceRecord("Delivery rider", None, "Glovo", "IT", 2025, None),
        ),
        goals=(
            GoalRecord("Work as a software developer", GoalStatus.OPEN, dt.date(2026, 9, 30)),
            GoalRecord("Italian at B1", GoalStatus.OPEN, dt.date(2026, 6, 30)),
        ),
        meetings=(
            MeetingRecord(dt.date(2026, 1, 10), MeetingKind.IN_PERSON, "First meeting; CV started", caseworker_id),
            MeetingRecord(dt.date(2026, 2, 20), MeetingKind.PHONE, "Recognition application sent", caseworker_id),
        ),
        consents=(
            ConsentEntry(ConsentScope.STORAGE, True, dt.date(2026, 1, 10), ConsentMethod.WRITTEN),
            ConsentEntry(
                ConsentScope.STATISTICS, True, dt.date(2026, 1, 10), ConsentMethod.VERBAL,
                withdrawn_on=dt.date(2026, 2, 20), note="Withdrew after talking with family",
            ),
        ),
    )


def _without_ids(case: CaseFile) -> CaseFile:
    """The case as a person entered it: no ids, reference, version or derived dates."""
    sections: dict[str, Any] = {
        name: tuple(dataclasses.replace(row, id=None) for row in getattr(case, name))
        for name in ("languages", "legal_statuses", "education", "qualifications", "experience", "goals", "meetings", "consents")
    }
    return dataclasses.replace(case, id=None, reference="", version=0, last_contact_on=None, **sections)


def _all_ids(case: CaseFile) -> list[int | None]:
    return [
        row.id
        for name in ("languages", "legal_statuses", "education", "qualifications", "experience", "goals", "meetings", "consents")
        for row in getattr(case, name)
    ]


def _count(store: db.CasesStore, table: str) -> int:
    return db.exec_sql(store, f"SELECT count(*) FROM {table}")[0][0]


# --- create, read, save --------------------------------------------------------------------------


def test_a_rich_case_round_trips(signed_in: accounts.SignedIn, clock: Clock) -> None:
    entered = rich_case(signed_in.user.id)

    created = cases.create_case(signed_in.store, entered, clock=clock)
    read = cases.get_case(signed_in.store, created.id)  # type: ignore[arg-type]

    assert read == created
    assert _without_ids(read) == entered
    assert read.id is not None
    assert read.version == 1
    assert read.last_contact_on == dt.date(2026, 2, 20)
    assert None not in _all_ids(read)
    assert read.person.birth.precision.value == "month"
    assert read.current_legal_status is not None
    assert read.current_legal_status.status is LegalStatus.REFUGEE
    assert [s.level for s in read.languages] == [CefrLevel.C2, CefrLevel.B1, CefrLevel.A2]
    assert read.experience[0].isco_code == "2512"
    assert read.left_results == (ExitResult.IN_EDUCATION, ExitResult.EMPLOYED)


def test_references_count_up_within_the_year(signed_in: accounts.SignedIn, clock: Clock) -> None:
    first = cases.create_case(signed_in.store, CaseFile(person=PersonDetails(name_latin="Amina")), clock=clock)
    second = cases.create_case(signed_in.store, CaseFile(person=PersonDetails(name_latin="Yonas")), clock=clock)
    next_year = cases.create_case(
        signed_in.store,
        CaseFile(person=PersonDetails(name_latin="Olena")),
        clock=Clock(dt.datetime(2027, 1, 2, 9, 0, tzinfo=dt.UTC)),
    )

    assert (first.reference, second.reference, next_year.reference) == ("2026-00001", "2026-00002", "2027-00001")


def test_a_new_case_opens_today_unless_told_otherwise(signed_in: accounts.SignedIn, clock: Clock) -> None:
    created = cases.create_case(signed_in.store, CaseFile(person=PersonDetails(name_native="ዮናስ")), clock=clock)

    assert created.opened_on == TODAY
    assert created.status is CaseStatus.OPEN
    assert created.last_contact_on is None


def test_editing_a_row_keeps_its_id_and_removing_one_deletes_it(signed_in: accounts.SignedIn, clock: Clock) -> None:
    created = cases.create_case(signed_in.store, rich_case(signed_in.user.id), clock=clock)
    fa, en, it = created.languages
    languages_before = _count(signed_in.store, "language_skill")

    edited = dataclasses.replace(
        created,
        languages=(en, dataclasses.replace(it, level=CefrLevel.B1, assessed_on=dt.date(2026, 3, 9))),
        goals=(*created.goals, GoalRecord("Driving licence")),
    )
    saved = cases.save_case(signed_in.store, edited, clock=clock)
    read = cases.get_case(signed_in.store, created.id)  # type: ignore[arg-type]

    assert read == saved
    assert [s.id for s in read.languages] == [en.id, it.id]
    assert read.languages[1].level is CefrLevel.B1
    assert read.languages[1].assessed_on == dt.date(2026, 3, 9)
    assert _count(signed_in.store, "language_skill") == languages_before - 1
    assert db.exec_sql(signed_in.store, f"SELECT count(*) FROM language_skill WHERE id = {fa.id}") == [(0,)]
    assert [g.id for g in read.goals][:2] == [g.id for g in created.goals]
    assert read.goals[2].id is not None and read.goals[2].text == "Driving licence"
    assert read.version == created.version + 1


def test_changing_person_details_and_nationalities(signed_in: accounts.SignedIn, clock: Clock) -> None:
    created = cases.create_case(signed_in.store, rich_case(signed_in.user.id), clock=clock)

    edited = dataclasses.replace(
        created,
        person=dataclasses.replace(created.person, nationalities=("IR", "IT"), phone=" +39 320 0000000 ", birth=PartialDate(1990, 2, 14)),
    )
    cases.save_case(signed_in.store, edited, clock=clock)
    read = cases.get_case(signed_in.store, created.id)  # type: ignore[arg-type]

    assert read.person.nationalities == ("IR", "IT")
    assert read.person.phone == "+39 320 0000000"
    assert read.person.birth == PartialDate(1990, 2, 14)
    assert _count(signed_in.store, "nationality") == 2


def test_a_save_from_a_stale_copy_is_refused_and_changes_nothing(signed_in: accounts.SignedIn, clock: Clock) -> None:
    opened_by_both = cases.create_case(signed_in.store, rich_case(signed_in.user.id), clock=clock)
    first = cases.save_case(
        signed_in.store,
        dataclasses.replace(opened_by_both, person=dataclasses.replace(opened_by_both.person, phone="+39 111")),
        clock=clock,
    )

    late = dataclasses.replace(
        opened_by_both,
        person=dataclasses.replace(opened_by_both.person, email="late@example.org"),
        languages=opened_by_both.languages[:1],
    )
    with pytest.raises(ChangedElsewhere):
        cases.save_case(signed_in.store, late, clock=clock)

    assert cases.get_case(signed_in.store, opened_by_both.id) == first  # type: ignore[arg-type]
    assert first.version == opened_by_both.version + 1


def test_every_save_moves_the_version_even_within_one_clock_tick(signed_in: accounts.SignedIn) -> None:
    def same_instant() -> dt.datetime:
        return dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)

    opened_by_both = cases.create_case(signed_in.store, rich_case(signed_in.user.id), clock=same_instant)
    first = cases.save_case(
        signed_in.store, dataclasses.replace(opened_by_both, goals=(GoalRecord("Find a job"),)), clock=same_instant
    )

    assert first.version == opened_by_both.version + 1
    with pytest.raises(ChangedElsewhere):
        cases.save_case(
            signed_in.store, dataclasses.replace(opened_by_both, goals=(GoalRecord("Go to school"),)), clock=same_instant
        )


def test_a_case_that_does_not_exist(signed_in: accounts.SignedIn, clock: Clock) -> None:
    with pytest.raises(NotFound):
        cases.get_case(signed_in.store, 9999)
    with pytest.raises(NotFound):
        cases.save_case(signed_in.store, CaseFile(person=PersonDetails(name_latin="Amina")), clock=clock)
    with pytest.raises(NotFound):
        cases.save_case(signed_in.store, CaseFile(person=PersonDetails(name_latin="Amina"), id=9999, version=1), clock=clock)


# --- validation ----------------------------------------------------------------------------------


def _person(case: CaseFile, **changes: Any) -> CaseFile:
    return dataclasses.replace(case, person=dataclasses.replace(case.person, **changes))


def _first(section: str, **changes: Any):  # type: ignore[no-untyped-def]
    def change(case: CaseFile) -> CaseFile:
        rows = getattr(case, section)
        return dataclasses.replace(case, **{section: (dataclasses.replace(rows[0], **changes), *rows[1:])})

    return change


@pytest.mark.parametrize(
    "change, where",
    [
        pytest.param(lambda c: _person(c, name_latin=" ", name_native=""), "person.name", id="no name"),
        pytest.param(lambda c: _person(c, birth=PartialDate(2026, 3, 11)), "person.birth", id="born tomorrow"),
        pytest.param(lambda c: _person(c, birth=PartialDate(2027)), "person.birth", id="born next year"),
        pytest.param(lambda c: _person(c, nationalities=("AF", "XX")), "person.nationalities", id="country XX"),
        pytest.param(lambda c: _person(c, stateless=True), "person.nationalities", id="stateless with nationality"),
        pytest.param(lambda c: _person(c, preferred_language="xx"), "person.preferred_language", id="language xx"),
        pytest.param(lambda c: _person(c, other_languages=("it", "xx")), "person.preferred_language", id="second language xx"),
        pytest.param(lambda c: _person(c, other_languages=("it en",)), "person.preferred_language", id="two codes as one"),
        pytest.param(
            _first("legal_statuses", permit_until=dt.date(2025, 5, 31)), "legal_statuses.0.permit", id="permit ends first"
        ),
        pytest.param(_first("legal_statuses", work_until=dt.date(2025, 7, 1)), "legal_statuses.0.work", id="work ends first"),
        pytest.param(_first("education", isced_level=9), "education.0", id="ISCED 9"),
        pytest.param(_first("education", year_completed=1850), "education.0", id="year 1850"),
        pytest.param(_first("qualifications", title=" "), "qualifications.0", id="qualification without title"),
        pytest.param(_first("experience", isco_code="99"), "experience.0", id="ISCO 99"),
        pytest.param(_first("experience", end_year=2010), "experience.0", id="job ends before it starts"),
        pytest.param(_first("goals", text=""), "goals.0", id="empty goal"),
        pytest.param(_first("consents", withdrawn_on=dt.date(2026, 1, 9)), "consents.0", id="withdrawn before recorded"),
        pytest.param(lambda c: dataclasses.replace(c, status=CaseStatus.CLOSED), "closure_reason", id="closed without reason"),
        pytest.param(lambda c: dataclasses.replace(c, closed_on=dt.date(2026, 1, 9)), "closed_on", id="closed before opened"),
        pytest.param(lambda c: dataclasses.replace(c, left_on=dt.date(2026, 1, 11)), "left_on", id="left before entering"),
        pytest.param(lambda c: dataclasses.replace(c, left_on=dt.date(2026, 3, 11)), "left_on", id="left tomorrow"),
        pytest.param(lambda c: dataclasses.replace(c, entered_on=None), "entered_on", id="left without entering"),
        pytest.param(lambda c: dataclasses.replace(c, left_on=None), "left_on", id="results without leaving"),
    ],
)
def test_validate_finds_each_problem(signed_in: accounts.SignedIn, clock: Clock, change, where: str) -> None:  # type: ignore[no-untyped-def]
    sound = rich_case(signed_in.user.id)
    assert cases.validate(sound, TODAY) == []

    problems = cases.validate(change(sound), TODAY)

    assert [p.where for p in problems] == [where]
    assert problems[0].message


@pytest.mark.parametrize("code", ["25", "251", "2512", "0110"])
def test_isco_codes_that_are_accepted(code: str) -> None:
    case = _first("experience", isco_code=code)(rich_case(None))

    assert cases.validate(case, TODAY) == []


def test_a_birth_year_of_this_year_is_not_in_the_future() -> None:
    assert cases.validate(_person(rich_case(None), birth=PartialDate(2026)), TODAY) == []


def test_create_lists_every_problem_and_stores_nothing(signed_in: accounts.SignedIn, clock: Clock) -> None:
    bad = rich_case(signed_in.user.id)
    for change in (
        lambda c: _person(c, name_latin="", name_native="", nationalities=("XX",), stateless=True, birth=PartialDate(2027)),
        _first("legal_statuses", permit_until=dt.date(2025, 5, 31)),
        _first("education", isced_level=9),
        _first("experience", isco_code="99"),
        _first("consents", withdrawn_on=dt.date(2026, 1, 9)),
        lambda c: dataclasses.replace(c, status=CaseStatus.CLOSED),
    ):
        bad = change(bad)

    with pytest.raises(ValidationFailed) as caught:
        cases.create_case(signed_in.store, bad, clock=clock)

    problems = caught.value.problems
    assert sorted(p.where for p in problems) == sorted(
        [
            "person.name",
            "person.birth",
            "person.nationalities",
            "person.nationalities",
            "legal_statuses.0.permit",
            "education.0",
            "experience.0",
            "consents.0",
            "closure_reason",
        ]
    )
    lines = caught.value.message.splitlines()
    assert lines == [p.message for p in problems]
    assert "XX is not a known country code." in lines
    assert "99 is not an ISCO-08 code." in lines
    assert caught.value.exit_code == 2
    for table in ("person", "case_file", "language_skill", "consent"):
        assert _count(signed_in.store, table) == 0


def test_save_validates_too_and_changes_nothing(signed_in: accounts.SignedIn, clock: Clock) -> None:
    created = cases.create_case(signed_in.store, rich_case(signed_in.user.id), clock=clock)

    with pytest.raises(ValidationFailed):
        cases.save_case(signed_in.store, _first("education", isced_level=9)(created), clock=clock)

    assert cases.get_case(signed_in.store, created.id) == created  # type: ignore[arg-type]


# --- closing and reopening -----------------------------------------------------------------------


def test_close_and_reopen(signed_in: accounts.SignedIn, clock: Clock) -> None:
    created = cases.create_case(signed_in.store, rich_case(signed_in.user.id), clock=clock)

    closed = cases.close_case(signed_in.store, created, ClosureReason.EMPLOYED, "Hired by a software firm in Rome", clock=clock)

    assert closed.status is CaseStatus.CLOSED
    assert closed.closure_reason is ClosureReason.EMPLOYED
    assert closed.closure_note == "Hired by a software firm in Rome"
    assert closed.closed_on == TODAY
    assert cases.get_case(signed_in.store, created.id) == closed  # type: ignore[arg-type]

    reopened = cases.reopen_case(signed_in.store, closed, clock=clock)

    assert reopened.status is CaseStatus.OPEN
    assert reopened.closure_reason is None
    assert reopened.closure_note == ""
    assert reopened.closed_on is None
    assert reopened.version == created.version + 2
    assert _without_ids(reopened) == _without_ids(created)


def test_closing_a_stale_copy_is_refused(signed_in: accounts.SignedIn, clock: Clock) -> None:
    created = cases.create_case(signed_in.store, rich_case(signed_in.user.id), clock=clock)
    cases.close_case(signed_in.store, created, ClosureReason.MOVED_AWAY, clock=clock)

    with pytest.raises(ChangedElsewhere):
        cases.close_case(signed_in.store, created, ClosureReason.EMPLOYED, clock=clock)

    assert cases.get_case(signed_in.store, created.id).closure_reason is ClosureReason.MOVED_AWAY  # type: ignore[arg-type]


@pytest.fixture
def in_rome() -> Iterator[None]:
    """The process runs on a laptop in Rome (UTC+1 in March)."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "Europe/Rome"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


def test_today_is_the_date_on_the_caseworkers_calendar(signed_in: accounts.SignedIn, in_rome: None) -> None:
    # 23:30 UTC on 10 March is half past midnight on 11 March in Rome.
    def half_past_midnight_in_rome() -> dt.datetime:
        return dt.datetime(2026, 3, 10, 23, 30, tzinfo=dt.UTC)

    assert half_past_midnight_in_rome().astimezone().date() == dt.date(2026, 3, 11)
    record = CaseFile(
        person=PersonDetails(name_latin="Amina"), meetings=(MeetingRecord(dt.date(2026, 3, 11), MeetingKind.IN_PERSON),)
    )
    created = cases.create_case(signed_in.store, record, clock=half_past_midnight_in_rome)
    closed = cases.close_case(signed_in.store, created, ClosureReason.EMPLOYED, clock=half_past_midnight_in_rome)

    assert created.opened_on == dt.date(2026, 3, 11)
    assert created.last_contact_on == dt.date(2026, 3, 11)
    assert closed.closed_on == dt.date(2026, 3, 11)


# --- last contact ----------------------------------------------------------------------------------


def test_last_contact_is_the_latest_meeting_that_has_happened(signed_in: accounts.SignedIn, clock: Clock) -> None:
    created = cases.create_case(signed_in.store, rich_case(signed_in.user.id), clock=clock)
    assert created.last_contact_on == dt.date(2026, 2, 20)

    planned = dataclasses.replace(
        created,
        meetings=(
            *created.meetings,
            MeetingRecord(TODAY, MeetingKind.VIDEO, "Interview practice"),
            MeetingRecord(dt.date(2026, 4, 1), MeetingKind.IN_PERSON, "Planned: job fair"),
        ),
    )
    saved = cases.save_case(signed_in.store, planned, clock=clock)

    assert saved.last_contact_on == TODAY
    assert [s.case_id for s in cases.case_summaries(signed_in.store, signed_in.user) if s.last_contact_on == TODAY] == [created.id]

    without_meetings = cases.save_case(signed_in.store, dataclasses.replace(saved, meetings=()), clock=clock)

    assert without_meetings.last_contact_on is None
    assert _count(signed_in.store, "meeting") == 0


# --- the case list ---------------------------------------------------------------------------------


@pytest.fixture
def office(signed_in: accounts.SignedIn, cheap_kdf: KdfParams, clock: Clock) -> dict[str, Any]:
    """A coordinator, two caseworkers and a volunteer, and one case in each hand plus one in none."""
    karim = accounts.add_user(
        signed_in, username="karim", display_name="Karim Nasser", role=Role.CASEWORKER,
        password="karim's long password", kdf=cheap_kdf,
    )
    lena = accounts.add_user(
        signed_in, username="lena", display_name="Lena Schmidt", role=Role.CASEWORKER,
        password="lena's long password", kdf=cheap_kdf,
    )
    ada = accounts.add_user(signed_in, username="ada", display_name="Ada Volunteer", role=Role.VOLUNTEER, password=None)
    made = {}
    for name, owner in [("Amina", signed_in.user), ("Yonas", karim), ("Olena", lena), ("Farid", None)]:
        record = CaseFile(person=PersonDetails(name_latin=name), assigned_to=owner.id if owner else None)
        made[name] = cases.create_case(signed_in.store, record, clock=clock)
    return {"coordinator": signed_in.user, "karim": karim, "lena": lena, "ada": ada, "cases": made}


def _names(store: db.CasesStore, user: UserInfo) -> list[str]:
    return sorted(s.name_latin for s in cases.case_summaries(store, user))


def test_a_coordinator_sees_every_case(signed_in: accounts.SignedIn, office: dict[str, Any]) -> None:
    assert _names(signed_in.store, office["coordinator"]) == ["Amina", "Farid", "Olena", "Yonas"]


def test_a_caseworker_sees_only_the_cases_assigned_to_them(signed_in: accounts.SignedIn, office: dict[str, Any]) -> None:
    # Issue 7: cases assigned to them (or, once there is sharing, shared with them); an
    # unassigned case waits for a coordinator to hand it over.
    assert _names(signed_in.store, office["karim"]) == ["Yonas"]
    assert _names(signed_in.store, office["lena"]) == ["Olena"]


def test_a_volunteer_sees_no_case(signed_in: accounts.SignedIn, office: dict[str, Any]) -> None:
    assert cases.case_summaries(signed_in.store, office["ada"]) == []


def test_a_summary_row(signed_in: accounts.SignedIn, office: dict[str, Any]) -> None:
    rows = {s.name_latin: s for s in cases.case_summaries(signed_in.store, office["coordinator"])}

    yonas = rows["Yonas"]
    assert yonas.case_id == office["cases"]["Yonas"].id
    assert yonas.reference == office["cases"]["Yonas"].reference
    assert yonas.status is CaseStatus.OPEN
    assert yonas.caseworker_id == office["karim"].id
    assert yonas.caseworker_name == "Karim Nasser"
    assert yonas.opened_on == TODAY
    assert rows["Farid"].caseworker_id is None
    assert rows["Farid"].caseworker_name == ""


def test_caseworkers_are_the_accounts_a_case_may_be_given_to(signed_in: accounts.SignedIn, office: dict[str, Any]) -> None:
    assert [u.username for u in cases.caseworkers(signed_in.store)] == ["karim", "lena", "coordinator"]


def test_the_folded_name_covers_both_scripts(signed_in: accounts.SignedIn, clock: Clock) -> None:
    created = cases.create_case(signed_in.store, rich_case(signed_in.user.id), clock=clock)
    (row,) = cases.case_summaries(signed_in.store, signed_in.user)

    # What a caseworker types, in either script and without the marks, is found in it.
    for typed in ("ahmad", "KARIMI", "أحمد", "كريمي", "احمد کریمی"):
        assert fold(typed) in row.folded_name
    assert row.folded_name == fold("Aḥmad Karīmī احمد کریمی")

    renamed = _person(created, name_latin="Ahmed Kerimi", name_native="")
    cases.save_case(signed_in.store, renamed, clock=clock)
    (row,) = cases.case_summaries(signed_in.store, signed_in.user)
    assert row.folded_name.strip() == "ahmed kerimi"


def test_references_count_on_past_99999_in_a_year(signed_in: accounts.SignedIn, clock: Clock) -> None:
    from sqlalchemy import update

    from caseworker.core.models import Case

    first = cases.create_case(signed_in.store, CaseFile(person=PersonDetails(name_latin="A")), clock=clock)
    with signed_in.store.write() as session:
        session.execute(update(Case).where(Case.id == first.id).values(reference="2026-99999"))
    second = cases.create_case(signed_in.store, CaseFile(person=PersonDetails(name_latin="B")), clock=clock)
    third = cases.create_case(signed_in.store, CaseFile(person=PersonDetails(name_latin="C")), clock=clock)
    assert (second.reference, third.reference) == ("2026-100000", "2026-100001")


def test_the_preferred_languages_keep_their_order_and_each_is_kept_once(signed_in: accounts.SignedIn) -> None:
    details = PersonDetails(name_latin="Selam", preferred_language="ti", other_languages=("am", "ti", "ar"))
    assert details.preferred_languages == ("ti", "am", "ar")
    saved = cases.create_case(signed_in.store, CaseFile(person=details))
    again = cases.get_case(signed_in.store, saved.id)  # type: ignore[arg-type]
    assert (again.person.preferred_language, again.person.other_languages) == ("ti", ("am", "ar"))
    assert PersonDetails(other_languages=("uk",)).preferred_languages == ("uk",)
