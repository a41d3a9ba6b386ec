"""Synthetic demo data (services/demo.py): deterministic, valid, varied, and fast to write."""

from __future__ import annotations

import collections
import datetime as dt
import json
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from caseworker.core.dates import Precision
from caseworker.core.errors import AlreadySetUp, BadInput, WrongPassword
from caseworker.core.keys import KdfParams
from caseworker.core.models import Person
from caseworker.core.models.enums import (
    CaseStatus,
    ConsentScope,
    Gender,
    LegalStatus,
    RecognitionStatus,
    Role,
    WorkAuthorisation,
)
from caseworker.core.paths import DataDir
from caseworker.core.resources import resource
from caseworker.core.services import accounts, cases, demo
from caseworker.core.services.records import CaseFile
from caseworker.core.text import fold

NOW = dt.datetime(2025, 6, 15, 12, 30, tzinfo=dt.UTC)
TODAY = NOW.date()
CASES = 250
# The conftest's cheap_kdf fixture is per test; the shared demo below is made once per module.
KDF = KdfParams(time_cost=1, memory_kib=8 * 1024, parallelism=1)


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


def _contents(data_dir: DataDir) -> tuple[list[object], list[CaseFile]]:
    signed_in = accounts.sign_in(data_dir, "demo", "demo", kdf=KDF)
    try:
        summaries = cases.case_summaries(signed_in.store, signed_in.user)
        files = [cases.get_case(signed_in.store, case_id) for case_id in (1, 2, 17, len(summaries) // 2, len(summaries))]
        return list(summaries), files
    finally:
        signed_in.close()


def test_the_same_seed_and_clock_give_the_same_case_files(tmp_path: Path) -> None:
    first, _ = make_demo(tmp_path / "one", 60, seed=7)
    second, _ = make_demo(tmp_path / "two", 60, seed=7)
    assert _contents(first) == _contents(second)


def test_another_seed_gives_other_people(tmp_path: Path) -> None:
    first, _ = make_demo(tmp_path / "one", 60, seed=7)
    second, _ = make_demo(tmp_path / "two", 60, seed=8)
    names_one = [(s.name_latin, s.name_native) for s in _contents(first)[0]]  # type: ignore[attr-defined]
    names_two = [(s.name_latin, s.name_native) for s in _contents(second)[0]]  # type: ignore[attr-defined]
    assert names_one != names_two


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


def test_rows_are_stored_exactly_as_sqlalchemy_would_store_them(tmp_path: Path) -> None:
    maker = demo._CaseMaker(demo._Draws(3), demo._demo_data(), NOW, [1], 1)
    rows = maker.make([TODAY - dt.timedelta(days=d) for d in (700, 400, 30, 0)], first_id=1)
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
