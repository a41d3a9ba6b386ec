"""Synthetic demo data (services/demo.py): deterministic, valid, varied, and fast to write."""

from __future__ import annotations

import collections
import datetime as dt
import itertools
import json
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select

from caseworker.core.dates import Precision
from caseworker.core.directory.records import get_service
from caseworker.core.directory.store import DirectoryStore
from caseworker.core.errors import AlreadySetUp, BadInput, WrongPassword
from caseworker.core.keys import KdfParams
from caseworker.core.models import (
    Case,
    ConsentRecord,
    LanguageSkill,
    Pathway,
    PathwayStep,
    Person,
    Qualification,
    Referral,
    ServiceEvent,
)
from caseworker.core.models.enums import (
    CaseStatus,
    CefrLevel,
    ClosureReason,
    ConsentScope,
    EventKind,
    Gender,
    LegalStatus,
    PathwayStatus,
    RecognitionStatus,
    ReferralOutcome,
    ReferralStatus,
    Role,
    StepStatus,
    WorkAuthorisation,
)
from caseworker.core.paths import DataDir
from caseworker.core.pathways.templates import load_templates
from caseworker.core.resources import resource
from caseworker.core.services import accounts, cases, demo, pathways
from caseworker.core.services.records import CaseFile, ConsentEntry, PersonDetails
from caseworker.core.text import fold

NOW = dt.datetime(2025, 6, 15, 12, 30, tzinfo=dt.UTC)
TODAY = NOW.date()
CASES = 250
# The conftest's cheap_kdf fixture is per test; the shared demo below is made once per module.
KDF = KdfParams(time_cost=1, memory_kib=8 * 1024, parallelism=1)


TEMPLATES = load_templates().by_id
_CEFR = list(CefrLevel)
#: What the services write, table by table, as the demo must write it too.
PATHWAY_TABLES = (Pathway, PathwayStep, Referral, ServiceEvent, LanguageSkill)


def fixed_clock() -> dt.datetime:
    return NOW


def make_demo(root: Path, cases_: int, seed: int = 1, **kwargs: object) -> tuple[DataDir, demo.DemoSummary]:
    data_dir = DataDir(root)
    summary = demo.create_demo(data_dir, cases=cases_, seed=seed, kdf=KDF, clock=fixed_clock, **kwargs)  # type: ignore[arg-type]
    return data_dir, summary


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[DataDir, demo.DemoSummary, accounts.SignedIn]]:
    data_dir, summary = make_demo(tmp_path_factory.mktemp("demo") / "data", CASES)
    signed_in = accounts.sign_in(data_dir, "demo", "demo", kdf=KDF)
    yield data_dir, summary, signed_in
    signed_in.close()


@pytest.fixture(scope="module")
def signed_in(shared: tuple[DataDir, demo.DemoSummary, accounts.SignedIn]) -> accounts.SignedIn:
    return shared[2]


@pytest.fixture(scope="module")
def all_cases(signed_in: accounts.SignedIn) -> list[CaseFile]:
    return [cases.get_case(signed_in.store, s.case_id) for s in cases.case_summaries(signed_in.store, signed_in.user)]


def scripts(text: str) -> set[str]:
    """The scripts of the letters in ``text``: LATIN, ARABIC, CYRILLIC, ETHIOPIC…"""
    return {unicodedata.name(ch).split()[0] for ch in text if ch.isalpha()}


# --- the data dir it makes ---------------------------------------------------------------------


def test_makes_the_cases_and_accounts_asked_for(shared: tuple[DataDir, demo.DemoSummary, accounts.SignedIn]) -> None:
    data_dir, summary, signed_in = shared
    assert summary == demo.DemoSummary(cases=CASES, users=5, seed=1)
    assert signed_in.user.username == "demo"
    assert signed_in.user.role is Role.COORDINATOR
    assert signed_in.organisation.name == demo.ORGANISATION
    assert len(cases.case_summaries(signed_in.store, signed_in.user)) == CASES
    users = accounts.list_users(signed_in)
    assert sorted(u.role for u in users) == [Role.CASEWORKER] * 4 + [Role.COORDINATOR]


def test_the_demo_user_signs_in_with_the_password_given(tmp_path: Path) -> None:
    data_dir, _summary = make_demo(tmp_path / "data", 3, password="another secret")
    accounts.sign_in(data_dir, "demo", "another secret", kdf=KDF).close()
    with pytest.raises(WrongPassword):
        accounts.sign_in(data_dir, "demo", "demo", kdf=KDF)


def test_cases_are_spread_over_the_caseworkers_and_some_are_unassigned(signed_in: accounts.SignedIn) -> None:
    summaries = cases.case_summaries(signed_in.store, signed_in.user)
    caseworker_ids = {u.id for u in accounts.list_users(signed_in) if u.role is Role.CASEWORKER}
    assigned = collections.Counter(s.caseworker_id for s in summaries)
    assert set(assigned) == caseworker_ids | {None}
    assert 0.03 < assigned[None] / CASES < 0.2


def test_a_folder_already_set_up_is_refused(tmp_path: Path) -> None:
    data_dir, _summary = make_demo(tmp_path / "data", 2)
    with pytest.raises(AlreadySetUp):
        make_demo(data_dir.root, 2)


def test_a_negative_number_of_cases_is_refused_before_anything_is_made(data_dir: DataDir, cheap_kdf: KdfParams) -> None:
    with pytest.raises(BadInput):
        demo.create_demo(data_dir, cases=-1, kdf=cheap_kdf, clock=fixed_clock)
    assert not data_dir.root.exists()


def test_zero_cases_still_make_a_usable_data_dir(data_dir: DataDir, cheap_kdf: KdfParams) -> None:
    summary = demo.create_demo(data_dir, cases=0, kdf=cheap_kdf, clock=fixed_clock)
    assert summary.cases == 0
    signed_in = accounts.sign_in(data_dir, "demo", "demo", kdf=cheap_kdf)
    try:
        assert cases.case_summaries(signed_in.store, signed_in.user) == []
    finally:
        signed_in.close()


# --- determinism ---------------------------------------------------------------------------------


def _contents(data_dir: DataDir) -> tuple[list[object], list[CaseFile], dict[str, list[Any]]]:
    signed_in = accounts.sign_in(data_dir, "demo", "demo", kdf=KDF)
    try:
        summaries = cases.case_summaries(signed_in.store, signed_in.user)
        files = [cases.get_case(signed_in.store, case_id) for case_id in (1, 2, 17, len(summaries) // 2, len(summaries))]
        with signed_in.store.read() as session:
            connection = session.connection()
            work = {
                model.__tablename__: connection.exec_driver_sql(f"SELECT * FROM {model.__tablename__} ORDER BY id").fetchall()
                for model in PATHWAY_TABLES
            }
        return list(summaries), files, work
    finally:
        signed_in.close()


def test_the_same_seed_and_clock_give_the_same_case_files(tmp_path: Path) -> None:
    first, _ = make_demo(tmp_path / "one", 60, seed=7)
    second, _ = make_demo(tmp_path / "two", 60, seed=7)
    contents = _contents(first)
    assert all(contents[2].values())  # pathways, steps, referrals, events and languages, row by row
    assert contents == _contents(second)


def test_another_seed_gives_other_people(tmp_path: Path) -> None:
    first, _ = make_demo(tmp_path / "one", 60, seed=7)
    second, _ = make_demo(tmp_path / "two", 60, seed=8)
    names_one = [(s.name_latin, s.name_native) for s in _contents(first)[0]]  # type: ignore[attr-defined]
    names_two = [(s.name_latin, s.name_native) for s in _contents(second)[0]]  # type: ignore[attr-defined]
    assert names_one != names_two
    assert _contents(first)[2]["service_event"] != _contents(second)[2]["service_event"]


def test_dates_follow_the_clock(signed_in: accounts.SignedIn, all_cases: list[CaseFile]) -> None:
    assert all(TODAY - dt.timedelta(days=demo.HISTORY_DAYS) <= c.opened_on <= TODAY for c in all_cases)  # type: ignore[operator]
    assert max(c.opened_on for c in all_cases) >= TODAY - dt.timedelta(days=30)  # type: ignore[type-var]
    # Only an appointment still to come lies ahead, and not far.
    assert all(m.held_on <= TODAY + dt.timedelta(days=21) for c in all_cases for m in c.meetings)
    with signed_in.store.read() as session:
        people = session.scalars(select(Person)).all()
        assert all(p.created_at.tzinfo is not None and p.created_at <= p.updated_at <= NOW for p in people)


# --- what every case must satisfy ----------------------------------------------------------------


def test_every_case_passes_validation(all_cases: list[CaseFile]) -> None:
    assert len(all_cases) == CASES
    problems = {c.reference: cases.validate(c, TODAY) for c in all_cases}
    assert {ref: found for ref, found in problems.items() if found} == {}


def test_folded_names_are_derived_as_a_saved_case_would_derive_them(signed_in: accounts.SignedIn) -> None:
    summaries = cases.case_summaries(signed_in.store, signed_in.user)
    assert all(s.folded_name == fold(f"{s.name_latin} {s.name_native}") for s in summaries)
    assert all(s.name_latin or s.name_native for s in summaries)


def test_references_are_unique_and_numbered_per_year_of_opening(all_cases: list[CaseFile]) -> None:
    numbers: dict[int, list[int]] = collections.defaultdict(list)
    for case in sorted(all_cases, key=lambda c: c.id or 0):
        match = re.fullmatch(r"(\d{4})-(\d{5})", case.reference)
        assert match, case.reference
        assert int(match[1]) == case.opened_on.year  # type: ignore[union-attr]
        numbers[int(match[1])].append(int(match[2]))
    assert len(numbers) >= 3
    assert all(found == list(range(1, len(found) + 1)) for found in numbers.values())
    assert all(c.version == 1 for c in all_cases)


def test_last_contact_is_the_latest_meeting_not_in_the_future(all_cases: list[CaseFile]) -> None:
    for case in all_cases:
        held = [m.held_on for m in case.meetings]
        assert 1 <= len(held) <= 8
        assert case.last_contact_on == max(d for d in held if d <= TODAY)
    assert any(m.held_on > TODAY for c in all_cases for m in c.meetings)  # some appointments booked


def test_closed_cases_have_a_reason_and_a_closing_date(all_cases: list[CaseFile]) -> None:
    status = collections.Counter(c.status for c in all_cases)
    assert set(status) == set(CaseStatus)
    assert 0.6 < status[CaseStatus.OPEN] / CASES < 0.85
    for case in all_cases:
        closed = case.status is CaseStatus.CLOSED
        assert (case.closure_reason is not None) == closed
        assert (case.closed_on is not None) == closed
        if case.closed_on is not None:
            assert case.opened_on <= case.closed_on <= TODAY  # type: ignore[operator]


# --- variety -------------------------------------------------------------------------------------


def test_names_are_written_in_several_scripts_and_in_latin_letters(all_cases: list[CaseFile]) -> None:
    native_scripts = collections.Counter(s for c in all_cases for s in scripts(c.person.name_native))
    assert {"ARABIC", "ETHIOPIC", "CYRILLIC", "LATIN"} <= set(native_scripts)
    assert len(native_scripts) >= 5
    latin = [c.person.name_latin for c in all_cases if c.person.name_latin]
    assert all(scripts(name) == {"LATIN"} for name in latin)
    # Own-script names come with their Latin form, not instead of it (mostly).
    non_latin = [c for c in all_cases if scripts(c.person.name_native) - {"LATIN"}]
    assert sum(bool(c.person.name_latin) for c in non_latin) > 0.9 * len(non_latin)


def test_the_people_differ_as_a_caseload_does(all_cases: list[CaseFile]) -> None:
    people = [c.person for c in all_cases]
    assert {p.gender for p in people} == set(Gender)
    assert {p.birth.precision for p in people} == set(Precision)
    ages = [p.birth.age_on(c.opened_on) for p, c in zip(people, all_cases, strict=True) if p.birth.known]  # type: ignore[arg-type]
    assert min(ages) >= 16 and max(ages) <= 65  # type: ignore[type-var,operator]
    stateless = [p for p in people if p.stateless]
    assert stateless and all(p.nationalities == () for p in stateless)
    assert all(len(p.nationalities) == 1 for p in people if not p.stateless and len(p.nationalities) != 2)
    assert len({p.nationalities for p in people}) >= 12
    assert sum(bool(p.phone) for p in people) > 0.8 * len(people)
    assert len({p.preferred_language for p in people}) >= 8


def test_languages_show_a_mother_tongue_and_progress_in_the_host_language(all_cases: list[CaseFile]) -> None:
    progressed = 0
    for case in all_cases:
        assert sum(s.mother_tongue for s in case.languages) == 1
        german = [s for s in case.languages if s.language == "de"]
        assert len(german) <= 3
        levels = [s.level for s in sorted(german, key=lambda s: s.assessed_on)]  # type: ignore[arg-type,return-value]
        assert levels == sorted(levels)  # type: ignore[type-var]
        progressed += len(set(levels)) > 1
    assert progressed > 0.1 * CASES
    assert sum(any(s.language == "en" for s in c.languages) for c in all_cases) > 0.2 * CASES


def test_legal_statuses_vary_and_some_permits_run_out_within_sixty_days(all_cases: list[CaseFile]) -> None:
    current = [c.current_legal_status for c in all_cases]
    assert all(s is not None for s in current)
    assert len({s.status for s in current}) >= 8  # type: ignore[union-attr]
    assert {s.work_authorisation for s in current} == set(WorkAuthorisation)  # type: ignore[union-attr]
    soon = [s for s in current if s.permit_until and TODAY <= s.permit_until <= TODAY + dt.timedelta(days=60)]  # type: ignore[union-attr]
    assert 0.03 * CASES < len(soon) < 0.3 * CASES
    # Temporary protection is mostly people from Ukraine.
    protected = [c for c, s in zip(all_cases, current, strict=True) if s.status is LegalStatus.TEMPORARY_PROTECTION]  # type: ignore[union-attr]
    assert protected and sum(c.person.nationalities[:1] == ("UA",) for c in protected) > 0.9 * len(protected)
    for status in current:
        if status.work_authorisation is WorkAuthorisation.NO:  # type: ignore[union-attr]
            assert status.work_from is None and status.work_until is None  # type: ignore[union-attr]


def test_education_qualifications_and_experience_are_filled_in(all_cases: list[CaseFile]) -> None:
    levels = {e.isced_level for c in all_cases for e in c.education}
    assert len(levels) >= 7
    recognition = {q.recognition for c in all_cases for q in c.qualifications}
    assert recognition == set(RecognitionStatus)
    codes = [w.isco_code for c in all_cases for w in c.experience if w.isco_code]
    assert len(set(codes)) >= 20
    assert {len(code) for code in codes} >= {2, 3, 4}


def test_goals_meetings_and_consents(all_cases: list[CaseFile]) -> None:
    assert all(1 <= len(c.goals) <= 3 for c in all_cases)
    assert any(g.text.startswith("Find work as ") for c in all_cases for g in c.goals)
    assert len({m.kind for c in all_cases for m in c.meetings}) == 4
    sharing_refused = sharing_withdrawn = 0
    for case in all_cases:
        by_scope = {entry.scope: entry for entry in case.consents}
        assert set(by_scope) == set(ConsentScope)
        assert by_scope[ConsentScope.STORAGE].in_force
        sharing = by_scope[ConsentScope.SHARING]
        sharing_refused += not sharing.given
        sharing_withdrawn += sharing.withdrawn_on is not None
    assert 0 < sharing_refused < 0.2 * CASES
    assert 0 < sharing_withdrawn < 0.2 * CASES


def test_the_name_pools_pair_latin_with_the_own_script() -> None:
    pools = json.loads(resource("demo", "names.json").read_text(encoding="utf-8"))["pools"]
    for pool in pools.values():
        for kind, entries in pool.items():
            for entry in entries:
                assert len(entry) in (2, 4), entry
                for latin, native in zip(entry[::2], entry[1::2], strict=True):
                    assert latin and scripts(latin) == {"LATIN"}, (kind, entry)
                    assert native == "" or native == latin or not scripts(native) & {"LATIN"}, (kind, entry)


def test_rows_are_stored_exactly_as_sqlalchemy_would_store_them(
    tmp_path: Path, shared: tuple[DataDir, demo.DemoSummary, accounts.SignedIn]
) -> None:
    services = demo._referral_services(shared[0])
    maker = demo._CaseMaker(demo._Draws(3), demo._demo_data(), NOW, [1], 1, services)
    rows = maker.make([TODAY - dt.timedelta(days=d) for d in (700, 400, 300, 200, 30, 0)], first_id=1)
    ways = {
        "core": lambda session, table, values: session.execute(insert(table), values) if values else None,
        "bulk": demo._insert_rows,
    }
    stored = {}
    for name, write in ways.items():
        signed_in, _recovery = accounts.set_up(
            DataDir(tmp_path / name), organisation="Org", username="u", display_name="U", password="p",
            kdf=KDF, enforce_password_policy=False,
        )
        try:
            with signed_in.store.write() as session:
                for table, values in rows.items():
                    write(session, table, values)
            with signed_in.store.read() as session:
                connection = session.connection()
                stored[name] = {
                    table.name: connection.exec_driver_sql(f"SELECT * FROM {table.name} ORDER BY 1, 2").fetchall()
                    for table in rows
                }
        finally:
            signed_in.close()
    assert all(stored["core"][table] for table in ("person", "case_file", "legal_status", "meeting", "consent"))
    assert all(stored["core"][table] for table in ("pathway", "pathway_step", "referral", "service_event"))
    assert stored["bulk"] == stored["core"]


# --- progress and stopping -----------------------------------------------------------------------


def test_progress_is_reported_after_each_chunk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo, "CHUNK", 20)
    calls: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> bool:
        calls.append((done, total))
        return True

    make_demo(tmp_path / "data", 70, progress=progress)
    assert calls == [(20, 70), (40, 70), (60, 70), (70, 70)]


def test_stopping_keeps_the_chunks_already_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo, "CHUNK", 20)
    calls: list[int] = []

    def progress(done: int, total: int) -> bool:
        calls.append(done)
        return done < 40

    with pytest.raises(demo.DemoCancelled) as stopped:
        make_demo(tmp_path / "data", 70, progress=progress)
    assert (stopped.value.done, stopped.value.total) == (40, 70)
    assert calls == [20, 40]
    signed_in = accounts.sign_in(DataDir(tmp_path / "data"), "demo", "demo", kdf=KDF)
    try:
        summaries = cases.case_summaries(signed_in.store, signed_in.user)
        assert [s.case_id for s in summaries] == list(range(1, 41))
        for summary in summaries[-3:]:
            assert cases.validate(cases.get_case(signed_in.store, summary.case_id), TODAY) == []
    finally:
        signed_in.close()


def test_chunking_does_not_change_the_people(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    whole, _ = make_demo(tmp_path / "whole", 45)
    monkeypatch.setattr(demo, "CHUNK", 10)
    chunked, _ = make_demo(tmp_path / "chunked", 45)
    assert _contents(whole) == _contents(chunked)


# --- pathways, referrals and service events -----------------------------------------------------


@pytest.fixture(scope="module")
def work(signed_in: accounts.SignedIn) -> dict[str, Any]:
    """The shared demo's rows, as the column types read them back (dates, vocabularies)."""
    models = {
        "cases": Case, "pathways": Pathway, "steps": PathwayStep, "referrals": Referral, "events": ServiceEvent,
        "consents": ConsentRecord, "languages": LanguageSkill, "qualifications": Qualification,
    }
    with signed_in.store.read() as session:
        found: dict[str, Any] = {
            name: session.execute(select(model.__table__).order_by(model.__table__.c.id)).mappings().all()  # type: ignore[attr-defined]
            for name, model in models.items()
        }
    found["case"] = {c.id: c for c in found["cases"]}
    found["steps_of"] = collections.defaultdict(list)
    for step in found["steps"]:
        found["steps_of"][step.pathway_id].append(step)
    return found


def _end(case: Any) -> dt.date:
    return case.closed_on or TODAY  # type: ignore[no-any-return]


def _host_levels(work: dict[str, Any]) -> dict[int, list[Any]]:
    """Each person's German assessments, oldest first."""
    levels: dict[int, list[Any]] = collections.defaultdict(list)
    for skill in sorted(work["languages"], key=lambda s: (s.assessed_on or dt.date.min, s.id)):
        if skill.language == "de" and not skill.mother_tongue:
            levels[skill.person_id].append(skill)
    return levels


def test_every_case_has_pathways_from_the_shipped_templates(work: dict[str, Any]) -> None:
    per_case = collections.Counter(p.case_id for p in work["pathways"])
    assert set(per_case) == set(work["case"])
    assert set(per_case.values()) == {1, 2, 3}
    for pathway in work["pathways"]:
        template = TEMPLATES[pathway.template_id]
        assert (pathway.title, pathway.category) == (template.title, template.categories[0])
        steps = work["steps_of"][pathway.id]
        assert [(s.step_key, s.title, s.position) for s in steps] == [
            (step.id, step.title, position) for position, step in enumerate(template.steps)
        ]
    assert {p.status for p in work["pathways"]} == set(PathwayStatus)
    assert len({p.template_id for p in work["pathways"]}) >= 8


def test_pathways_fit_the_person(work: dict[str, Any]) -> None:
    levels = _host_levels(work)
    pending = {q.person_id for q in work["qualifications"] if q.recognition in demo._PENDING}
    wanted: dict[str, collections.Counter[bool]] = collections.defaultdict(collections.Counter)
    people: dict[str, collections.Counter[bool]] = collections.defaultdict(collections.Counter)
    templates_of = collections.defaultdict(set)
    for pathway in work["pathways"]:
        templates_of[pathway.case_id].add(pathway.template_id)
    for case in work["cases"]:
        before = [s for s in levels[case.person_id] if s.note != "Certificate after the language course"]
        low = not before or before[-1].level in (CefrLevel.A1, CefrLevel.A2)
        for template_id, fits in (("language-course", low), ("recognition", case.person_id in pending)):
            people[template_id][fits] += 1
            wanted[template_id][fits] += template_id in templates_of[case.id]
    for template_id in ("language-course", "recognition"):
        share = {fits: wanted[template_id][fits] / people[template_id][fits] for fits in (True, False)}
        assert share[True] > 2 * share[False], (template_id, share)
    kinds = collections.Counter(p.template_id for p in work["pathways"])
    total = sum(kinds.values())
    assert kinds["cv-cover-letter"] > 0.15 * total
    assert kinds["labour-rights"] < 0.05 * total


def test_steps_are_recorded_in_order_and_pathways_end_as_the_services_end_them(work: dict[str, Any]) -> None:
    skipped = dropped_with_open_steps = 0
    for pathway in work["pathways"]:
        case = work["case"][pathway.case_id]
        template = TEMPLATES[pathway.template_id]
        assert case.opened_on <= pathway.started_on <= _end(case)
        steps = work["steps_of"][pathway.id]
        recorded = [s for s in steps if s.status is not StepStatus.OPEN]
        assert steps[: len(recorded)] == recorded  # done or skipped in order
        previous = pathway.started_on
        for step, planned in zip(steps, template.steps, strict=True):
            if step.started_on is not None:
                # A step starts when the one before it is recorded, and is due as the template says.
                assert step.started_on == previous
                assert step.due_on == (previous + dt.timedelta(days=planned.due_days) if planned.due_days else None)
            else:
                assert step.due_on is None and step.done_on is None
            if step.status is StepStatus.OPEN:
                assert step.done_on is None and step.outcome == ""
                continue
            assert previous <= step.done_on <= _end(case)
            assert bool(step.outcome) == (step.status is StepStatus.DONE)
            skipped += step.status is StepStatus.SKIPPED
            previous = step.done_on
        open_steps = steps[len(recorded) :]
        if open_steps:
            assert open_steps[0].started_on == previous
            assert all(s.started_on is None for s in open_steps[1:])
        if pathway.status in (PathwayStatus.COMPLETED, PathwayStatus.DROPPED):
            assert previous <= pathway.ended_on <= _end(case)
            assert bool(pathway.end_reason) == (pathway.status is PathwayStatus.DROPPED)
            dropped_with_open_steps += pathway.status is PathwayStatus.DROPPED and bool(open_steps)
        else:
            assert pathway.ended_on is None and pathway.end_reason == ""
        if pathway.status is PathwayStatus.COMPLETED and not open_steps:
            assert pathway.ended_on >= steps[-1].done_on
        # Each step recorded and each change of status moved the version on.
        assert pathway.version == 1 + len(recorded) + (pathway.status is not PathwayStatus.ACTIVE)
    assert skipped > 0
    assert dropped_with_open_steps > 0


def test_closed_cases_have_no_pathway_under_way(work: dict[str, Any]) -> None:
    under_way = {p.case_id for p in work["pathways"] if p.status in (PathwayStatus.ACTIVE, PathwayStatus.PAUSED)}
    closed = {c.id for c in work["cases"] if c.status is CaseStatus.CLOSED}
    assert closed and under_way
    assert not under_way & closed
    for pathway in work["pathways"]:
        case = work["case"][pathway.case_id]
        if case.closed_on is not None:
            assert pathway.ended_on <= case.closed_on


def test_service_events_are_those_the_services_write(work: dict[str, Any]) -> None:
    """Every action the demo took wrote the event pathways.py writes for it, no more: a start, a
    step done (not skipped: counted in the step's own category, as record_step counts it), an
    end, a referral made and its outcome."""
    expected: collections.Counter[tuple[Any, ...]] = collections.Counter()
    for p in work["pathways"]:
        expected[(p.case_id, EventKind.PATHWAY_STARTED, p.category, p.started_on, p.id, None, None)] += 1
        for step in work["steps_of"][p.id]:
            if step.status is StepStatus.DONE:
                category = pathways._step_category(TEMPLATES[p.template_id], step.step_key) or p.category
                expected[(p.case_id, EventKind.STEP_DONE, category, step.done_on, p.id, None, None)] += 1
        if p.status is PathwayStatus.COMPLETED:
            expected[(p.case_id, EventKind.PATHWAY_COMPLETED, p.category, p.ended_on, p.id, None, None)] += 1
        elif p.status is PathwayStatus.DROPPED:
            expected[(p.case_id, EventKind.PATHWAY_DROPPED, p.category, p.ended_on, p.id, None, None)] += 1
    for r in work["referrals"]:
        expected[(r.case_id, EventKind.REFERRAL_MADE, r.category, r.made_on, None, r.id, None)] += 1
        if r.outcome is not None:
            expected[(r.case_id, EventKind.REFERRAL_OUTCOME, r.category, r.outcome_on, None, r.id, r.outcome.value)] += 1
    events = work["events"]
    found = collections.Counter(
        (e.case_id, e.kind, e.category, e.occurred_on, e.pathway_id, e.referral_id, e.outcome) for e in events
    )
    assert found == expected
    assert {e.kind for e in events} == set(EventKind)
    assert 7 < len(events) / CASES < 14  # the benchmark counts on about ten per case
    for event in events:
        case = work["case"][event.case_id]
        assert case.opened_on <= event.occurred_on <= _end(case)
        assert event.user_id is not None
    # Numbered in the order they happened within each case.
    for _case_id, group in itertools.groupby(events, key=lambda e: e.case_id):
        days = [e.occurred_on for e in group]
        assert days == sorted(days)


def test_referrals_move_forward_and_only_with_consent_to_sharing(
    work: dict[str, Any], signed_in: accounts.SignedIn
) -> None:
    referrals = work["referrals"]
    per_case = collections.Counter(r.case_id for r in referrals)
    assert max(per_case.values()) <= 3
    assert 0.3 * CASES < len(per_case) < 0.9 * CASES
    with signed_in.store.read() as session:
        for r in referrals:
            case = work["case"][r.case_id]
            assert pathways._consents_to_sharing(session, case.person_id, r.made_on), r.id
            days = [d for d in (r.made_on, r.contacted_on, r.attended_on, r.outcome_on) if d is not None]
            assert days == sorted(days) and days[-1] <= _end(case)
            assert case.opened_on <= r.made_on
            reached = {
                ReferralStatus.MADE: (False, False, False),
                ReferralStatus.CONTACTED: (True, False, False),
                ReferralStatus.ATTENDED: (None, True, False),
                ReferralStatus.OUTCOME: (None, None, True),
            }[r.status]
            for on, expected in zip((r.contacted_on, r.attended_on, r.outcome_on), reached, strict=True):
                assert expected is None or (on is not None) == expected, r.id
            assert (r.outcome is not None) == (r.outcome_on is not None)
            assert r.version == 1 + len(days) - 1
    refused = {c.person_id for c in work["consents"] if c.scope is ConsentScope.SHARING and not c.given}
    assert refused and not {work["case"][r.case_id].person_id for r in referrals} & refused
    outcomes = collections.Counter(r.outcome for r in referrals)
    assert set(outcomes) == set(ReferralOutcome) | {None}
    assert 0.3 < outcomes[None] / len(referrals) < 0.8  # many still without an outcome


def test_referrals_keep_the_service_as_the_directory_gave_it(
    work: dict[str, Any], shared: tuple[DataDir, demo.DemoSummary, accounts.SignedIn]
) -> None:
    directory = DirectoryStore.open(shared[0].directory_db, read_only=True)
    try:
        services = {r.service_id: get_service(directory, r.service_id) for r in work["referrals"]}
    finally:
        directory.dispose()
    assert len(services) >= 10
    at_steps = 0
    for r in work["referrals"]:
        service = services[r.service_id]
        assert service.active and r.category in service.categories
        assert (r.service_name, r.organization_name, r.email, r.url) == (
            service.name, service.organization_name, service.email, service.url
        )
        assert r.address == ", ".join(p for p in (*service.address_lines, service.postal_code, service.city) if p)
        assert r.phone == "; ".join(phone.number for phone in service.phones)
        if r.step_id is not None:
            at_steps += 1
            step = next(s for s in work["steps"] if s.id == r.step_id)
            pathway = next(p for p in work["pathways"] if p.id == step.pathway_id)
            assert pathway.case_id == r.case_id
            assert r.category in TEMPLATES[pathway.template_id].steps[step.position].suggest
            assert step.started_on <= r.made_on <= (step.done_on or _end(work["case"][r.case_id]))
    assert 0 < at_steps < len(work["referrals"])
    # The starter directory has no civic orientation course; no referral pretends it does.
    assert all(r.category != "civic-orientation" for r in work["referrals"])


def test_referrals_go_to_civic_orientation_where_the_directory_has_it(
    shared: tuple[DataDir, demo.DemoSummary, accounts.SignedIn]
) -> None:
    course = demo._Service(
        categories=("civic-orientation",),
        snapshot={
            "service_id": "civic", "service_name": "Orientation course", "organization_name": "Adult education centre",
            "address": "", "phone": "", "email": "", "url": "", "hours": "", "documents": "",
        },
    )
    maker = demo._CaseMaker(demo._Draws(5), demo._demo_data(), NOW, [1], 1, [*demo._referral_services(shared[0]), course])
    rows = maker.make([TODAY - dt.timedelta(days=d) for d in range(0, 1000, 5)], first_id=1)
    referrals = rows[Referral.__table__]  # type: ignore[index]
    civic = [r for r in referrals if r["category"] == "civic-orientation"]
    assert civic and all(r["service_id"] == "civic" for r in civic)


def test_a_completed_language_course_sometimes_brings_the_next_level(work: dict[str, Any]) -> None:
    levels = _host_levels(work)
    courses = collections.defaultdict(list)
    for p in work["pathways"]:
        if p.template_id == "language-course" and p.status is PathwayStatus.COMPLETED:
            courses[work["case"][p.case_id].person_id].append(p.ended_on)
    improved = 0
    for person_id, skills in levels.items():
        for before, after in itertools.pairwise(skills):
            if after.note == "Certificate after the language course":
                assert _CEFR.index(after.level) == _CEFR.index(before.level) + 1
                assert before.assessed_on < after.assessed_on
                assert any(ended < after.assessed_on for ended in courses[person_id])
                improved += 1
    assert improved > 5
    assert improved < sum(len(ended) for ended in courses.values())  # sometimes, not after every course



def test_the_words_of_the_pathways_name_real_templates_and_steps() -> None:
    words = json.loads(resource("demo", "pathways.json").read_text(encoding="utf-8"))
    assert set(words["step_outcomes"]) - {"any"} <= set(TEMPLATES)
    for key in set(words["often_skipped"]) - {"_any"}:
        template_id, step_id = key.split("/")
        assert TEMPLATES[template_id].step(step_id) is not None, key
    assert set(words["drop_reasons_on_closing"]) == {reason.value for reason in ClosureReason}
    assert all(words["drop_reasons"]) and all(text for texts in words["step_outcomes"].values() for text in texts)


def test_replaying_the_demo_through_the_services_writes_the_same_rows(
    work: dict[str, Any], shared: tuple[DataDir, demo.DemoSummary, accounts.SignedIn], tmp_path: Path
) -> None:
    """The strongest check that the demo writes what the services would: take some demo cases of
    every kind, do the same things with pathways.py in a fresh data folder, and compare the rows."""
    statuses: dict[PathwayStatus, list[int]] = collections.defaultdict(list)
    for p in work["pathways"]:
        statuses[p.status].append(p.case_id)
    with_referrals = sorted({r.case_id for r in work["referrals"] if r.step_id is not None or r.outcome is not None})
    chosen = sorted({case_id for ids in statuses.values() for case_id in ids[:3]} | set(with_referrals[:6]))
    directory = DirectoryStore.open(shared[0].directory_db, read_only=True)
    replay, _recovery = accounts.set_up(
        DataDir(tmp_path / "replay"), organisation="Org", username="u", display_name="U", password="p",
        kdf=KDF, enforce_password_policy=False,
    )
    try:
        expected, found = [], []
        for case_id in chosen:
            case = work["case"][case_id]
            consents = tuple(
                ConsentEntry(c.scope, c.given, c.recorded_on, c.method, c.withdrawn_on)
                for c in work["consents"] if c.person_id == case.person_id
            )
            record = CaseFile(person=PersonDetails(name_latin="Replayed"), opened_on=case.opened_on, consents=consents)
            new_id = cases.create_case(replay.store, record).id
            assert new_id is not None
            expected.append(_case_rows(work, case_id))
            _replay(work, case_id, new_id, replay, directory)
            with replay.store.read() as session:
                rows = {
                    name: session.execute(
                        select(model.__table__).order_by(model.__table__.c.id)  # type: ignore[attr-defined]
                    ).mappings().all()
                    for name, model in (("pathways", Pathway), ("steps", PathwayStep), ("referrals", Referral), ("events", ServiceEvent))
                }
            found.append(_case_rows(_indexed(rows), new_id))
    finally:
        replay.close()
        directory.dispose()
    assert len(chosen) >= 8
    assert found == expected


def _indexed(rows: dict[str, Any]) -> dict[str, Any]:
    rows["steps_of"] = collections.defaultdict(list)
    for step in rows["steps"]:
        rows["steps_of"][step.pathway_id].append(step)
    return rows


def _case_rows(work: dict[str, Any], case_id: int) -> dict[str, Any]:
    """One case's pathways, steps, referrals and events, with ids replaced by their order."""
    pathways_ = [p for p in work["pathways"] if p.case_id == case_id]
    referrals = [r for r in work["referrals"] if r.case_id == case_id]
    pathway_no = {p.id: n for n, p in enumerate(pathways_)}
    referral_no = {r.id: n for n, r in enumerate(referrals)}
    step_no = {s.id: (pathway_no[p.id], s.position) for p in pathways_ for s in work["steps_of"][p.id]}
    skip = {"id", "case_id", "pathway_id", "step_id", "referral_id", "updated_at", "started_by", "made_by", "user_id"}
    return {
        "pathways": [
            ({k: v for k, v in p.items() if k not in skip}, [{k: v for k, v in s.items() if k not in skip} for s in work["steps_of"][p.id]])
            for p in pathways_
        ],
        "referrals": [
            ({k: v for k, v in r.items() if k not in skip}, step_no.get(r.step_id)) for r in referrals
        ],
        "events": sorted(
            (e.kind, e.category, e.occurred_on, pathway_no.get(e.pathway_id), referral_no.get(e.referral_id), e.outcome)
            for e in work["events"] if e.case_id == case_id
        ),
    }


def _replay(work: dict[str, Any], case_id: int, new_id: int, replay: accounts.SignedIn, directory: DirectoryStore) -> None:
    store = replay.store
    new_step: dict[int, int] = {}
    for p in (p for p in work["pathways"] if p.case_id == case_id):
        template = TEMPLATES[p.template_id]
        info = pathways.start_pathway(store, new_id, template, on=p.started_on)
        for old, new in zip(work["steps_of"][p.id], info.steps, strict=True):
            new_step[old.id] = new.id
            if old.status is not StepStatus.OPEN:
                info = pathways.record_step(
                    store, new.id, outcome=old.outcome, note=old.note, done_on=old.done_on,
                    skipped=old.status is StepStatus.SKIPPED, template=template,
                )
        if p.status is PathwayStatus.PAUSED:
            pathways.pause_pathway(store, info.id, version=info.version)
        elif p.status is PathwayStatus.COMPLETED:
            pathways.complete_pathway(store, info.id, version=info.version, on=p.ended_on)
        elif p.status is PathwayStatus.DROPPED:
            pathways.drop_pathway(store, info.id, version=info.version, on=p.ended_on, reason=p.end_reason)
    for r in (r for r in work["referrals"] if r.case_id == case_id):
        made = pathways.refer(
            store, new_id, get_service(directory, r.service_id), on=r.made_on,
            step_id=new_step.get(r.step_id) if r.step_id is not None else None, category=r.category, note=r.note,
        )
        for status, on in (
            (ReferralStatus.CONTACTED, r.contacted_on), (ReferralStatus.ATTENDED, r.attended_on), (ReferralStatus.OUTCOME, r.outcome_on)
        ):
            if on is not None:
                made = pathways.update_referral(
                    store, made.id, version=made.version, status=status, on=on,
                    outcome=r.outcome if status is ReferralStatus.OUTCOME else None,
                )
