"""What the statistics count, from case files made through the services: who is in (consent to
statistics), which period, which breakdown, and the funder indicators; and that whatever the case
data, no small count leaves (a property test over random offices)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caseworker.core.dates import PartialDate
from caseworker.core.db import exec_sql
from caseworker.core.directory.records import ServiceEntry
from caseworker.core.errors import BadInput
from caseworker.core.models.enums import (
    CefrLevel,
    ConsentMethod,
    ConsentScope,
    ExitResult,
    Gender,
    LabourStatus,
    LegalStatus,
    ReferralOutcome,
    ReferralStatus,
    Role,
    WorkAuthorisation,
)
from caseworker.core.pathways.templates import load_templates
from caseworker.core.services import accounts, cases, pathways
from caseworker.core.services.accounts import CoordinatorsOnly
from caseworker.core.services.records import (
    CaseFile,
    ConsentEntry,
    EducationRecord,
    LanguageSkillRecord,
    LegalStatusEntry,
    MeetingRecord,
    PersonDetails,
    QualificationRecord,
)
from caseworker.core.services.stats import MinCellTooSmall, make_report
from caseworker.core.stats import periods
from caseworker.core.stats.compute import amif_report, esf_report, services_report
from caseworker.core.stats.model import RawReport, ReportKind
from caseworker.core.stats.suppression import protect
from tests.conftest import CHEAP_KDF

Q3 = periods.quarter(2026, 3)
TODAY = dt.date(2026, 11, 22)
JULY = dt.date(2026, 7, 15)
TEMPLATES = load_templates()
SERVICE = ServiceEntry(
    id="8d3c5d9e-1b7a-4a57-9a55-000000000002", name="Scuola di italiano", description="", organization_id="o",
    organization_name="Scuola", status="active", categories=("language-course",),
)


def a_person(
    signed_in: accounts.SignedIn,
    *,
    statistics: bool | None = True,
    withdrawn: dt.date | None = None,
    met: Sequence[dt.date] = (JULY,),
    gender: Gender = Gender.WOMAN,
    born: PartialDate = PartialDate(1990, 3, 1),  # noqa: B008 - frozen
    nationalities: tuple[str, ...] = ("SY",),
    stateless: bool = False,
    status: LegalStatus | None = LegalStatus.REFUGEE,
    **case: object,
) -> CaseFile:
    consents = [ConsentEntry(ConsentScope.SHARING, True, dt.date(2026, 1, 5), ConsentMethod.WRITTEN)]
    if statistics is not None:
        consents.append(
            ConsentEntry(ConsentScope.STATISTICS, statistics, dt.date(2026, 1, 5), ConsentMethod.WRITTEN, withdrawn_on=withdrawn)
        )
    legal = (LegalStatusEntry(status, WorkAuthorisation.YES, dt.date(2025, 1, 1)),) if status else ()
    record = CaseFile(
        person=PersonDetails(
            name_latin="Test Person", gender=gender, birth=born, nationalities=nationalities, stateless=stateless
        ),
        opened_on=dt.date(2026, 1, 5),
        consents=tuple(consents),
        legal_statuses=legal,
        meetings=tuple(MeetingRecord(day, notes="") for day in met),
        **case,  # type: ignore[arg-type]
    )
    return cases.create_case(signed_in.store, record, clock=lambda: dt.datetime(2026, 11, 22, 9, tzinfo=dt.UTC))


def counts(raw: RawReport, table_id: str) -> tuple[int, dict[str, int]]:
    table = next(t for t in raw.tables if t.id == table_id)
    return table.total, {row.key: row.count for row in table.rows}


# --- who is counted -----------------------------------------------------------------------------------


def test_only_people_who_consent_to_statistics_are_counted(signed_in: accounts.SignedIn) -> None:
    a_person(signed_in)
    a_person(signed_in, statistics=False)
    a_person(signed_in, statistics=None)
    a_person(signed_in, withdrawn=dt.date(2026, 10, 1))  # withdrawn since: left out of past periods too
    a_person(signed_in, withdrawn=dt.date(2026, 12, 1))  # withdrawn only in the future: still counted today

    total, _ = counts(services_report(signed_in.store, Q3, TODAY), "people_served.gender")

    assert total == 2


def test_a_later_refusal_outweighs_an_earlier_consent(signed_in: accounts.SignedIn) -> None:
    case = a_person(signed_in)
    refused = ConsentEntry(ConsentScope.STATISTICS, False, dt.date(2026, 8, 1), ConsentMethod.VERBAL)
    cases.save_case(signed_in.store, dataclasses.replace(case, consents=(*case.consents, refused)))

    total, _ = counts(services_report(signed_in.store, Q3, TODAY), "people_served.gender")

    assert total == 0


def test_people_served_are_those_met_in_the_period_once_each(signed_in: accounts.SignedIn) -> None:
    a_person(signed_in, met=(dt.date(2026, 7, 1), dt.date(2026, 7, 20), dt.date(2026, 9, 30)))
    a_person(signed_in, met=(dt.date(2026, 6, 30),))  # the day before the quarter
    a_person(signed_in, met=(dt.date(2026, 10, 1),))  # the day after

    raw = services_report(signed_in.store, Q3, TODAY)

    assert counts(raw, "people_served.gender") == (1, {"woman": 1, "man": 0, "non_binary": 0, "not_stated": 0})
    assert counts(raw, "people_served.month") == (1, {"2026-07": 1, "2026-08": 0, "2026-09": 1})


def test_breakdowns_by_age_region_and_legal_status(signed_in: accounts.SignedIn) -> None:
    a_person(signed_in, born=PartialDate(2009, 10, 1))  # 16 at the end of September
    a_person(signed_in, born=PartialDate(2008, 9, 30), nationalities=("UA",))  # 18 on the last day
    a_person(signed_in, born=PartialDate(1971), nationalities=("AF", "DE"), status=None)  # 55, the non-EU nationality
    a_person(signed_in, born=PartialDate(), stateless=True, nationalities=())

    raw = services_report(signed_in.store, Q3, TODAY)

    _, age = counts(raw, "people_served.age")
    assert age == {"under_18": 1, "18_29": 1, "30_54": 0, "55_over": 1, "not_recorded": 1}
    _, region = counts(raw, "people_served.region")
    assert {key: n for key, n in region.items() if n} == {"western_asia": 1, "europe_other": 1, "southern_asia": 1, "stateless": 1}
    _, legal = counts(raw, "people_served.legal_status")
    assert legal["refugee"] == 3 and legal["not_recorded"] == 1


def test_services_referrals_and_pathways_completed(signed_in: accounts.SignedIn) -> None:
    case = a_person(signed_in)
    template = TEMPLATES.by_id["language-course"]
    pathway = pathways.start_pathway(signed_in.store, case.id, template, on=dt.date(2026, 7, 1))  # type: ignore[arg-type]
    for day in (2, 3):
        step = pathway.current_step
        assert step is not None
        pathway = pathways.record_step(signed_in.store, step.id, outcome="done", done_on=dt.date(2026, 8, day), template=template)
    pathways.complete_pathway(signed_in.store, pathway.id, version=pathway.version, on=dt.date(2026, 9, 1))
    referral = pathways.refer(signed_in.store, case.id, SERVICE, on=dt.date(2026, 7, 2), category="language-course")  # type: ignore[arg-type]
    pathways.update_referral(
        signed_in.store, referral.id, version=referral.version, status=ReferralStatus.OUTCOME, on=dt.date(2026, 7, 9),
        outcome=ReferralOutcome.ENROLLED,
    )
    pathways.refer(signed_in.store, case.id, SERVICE, on=dt.date(2026, 10, 2))  # type: ignore[arg-type]

    raw = services_report(signed_in.store, Q3, TODAY)

    # A step is counted in the category of the service it is about (finding childcare, within a
    # language course), else in its pathway's.
    total, by_category = counts(raw, "services.category")
    assert (total, by_category["language-course"], by_category["childcare"]) == (2, 1, 1)
    assert counts(raw, "services.month")[1] == {"2026-07": 0, "2026-08": 2, "2026-09": 0}
    assert counts(raw, "referrals.outcome") == (1, {"enrolled": 1, "accepted": 0, "refused": 0, "no_show": 0, "other": 0, "pending": 0})
    assert counts(raw, "pathways_completed.category")[1]["language-course"] == 1


# --- funder reports --------------------------------------------------------------------------------------


def test_amif_indicators(signed_in: accounts.SignedIn) -> None:
    learner = a_person(
        signed_in,
        languages=(
            LanguageSkillRecord("it", CefrLevel.A1, False, dt.date(2026, 3, 1)),
            LanguageSkillRecord("it", CefrLevel.A2, False, dt.date(2026, 9, 1)),
        ),
        qualifications=(QualificationRecord("Pharmacist", applied_on=dt.date(2026, 8, 1), country="SY"),),
    )
    pathways.start_pathway(signed_in.store, learner.id, TEMPLATES.by_id["language-course"], on=dt.date(2026, 5, 1))  # type: ignore[arg-type]
    # Improved, but in a language other than the host country's, and no course: not counted.
    a_person(
        signed_in,
        languages=(
            LanguageSkillRecord("en", CefrLevel.A1, False, dt.date(2026, 3, 1)),
            LanguageSkillRecord("en", CefrLevel.B1, False, dt.date(2026, 9, 1)),
        ),
        qualifications=(QualificationRecord("Nurse", applied_on=dt.date(2026, 8, 1), country="FR"),),
    )
    mentored = a_person(signed_in)
    pathways.start_pathway(signed_in.store, mentored.id, TEMPLATES.by_id["mentoring"], on=dt.date(2026, 9, 1))  # type: ignore[arg-type]

    raw = amif_report(signed_in.store, Q3, TODAY, host_language="it")

    total, indicators = counts(raw, "participants.indicator")
    assert total == 3
    assert indicators == {
        "language_course": 1, "language_improved": 1, "civic_orientation": 0, "guidance": 1, "recognition": 1,
    }
    assert raw.legal_basis and "2021/1147" in raw.legal_basis[0]


def test_esf_entries_and_results_on_leaving(signed_in: accounts.SignedIn) -> None:
    a_person(
        signed_in, entered_on=dt.date(2026, 7, 1), entry_labour_status=LabourStatus.LONG_TERM_UNEMPLOYED,
        education=(EducationRecord(6, "Pharmacy", "", "SY", 2012, True), EducationRecord(3, "", "", "SY", 2008, True)),
    )
    a_person(signed_in, entered_on=dt.date(2026, 8, 1), entry_labour_status=LabourStatus.SELF_EMPLOYED, nationalities=("SY", "IT"))
    a_person(
        signed_in, entered_on=dt.date(2026, 2, 1), entry_labour_status=LabourStatus.UNEMPLOYED,
        left_on=dt.date(2026, 9, 30), left_results=(ExitResult.EMPLOYED, ExitResult.QUALIFICATION),
    )

    raw = esf_report(signed_in.store, Q3, TODAY)

    total, labour = counts(raw, "entered.labour_status")
    assert total == 2
    assert labour == {"unemployed": 1, "long_term_unemployed": 1, "inactive": 0, "employed": 1, "not_recorded": 0}
    assert counts(raw, "entered.education")[1] == {"isced_0_2": 0, "isced_3_4": 0, "isced_5_8": 1, "not_recorded": 1}
    assert counts(raw, "entered.third_country")[1] == {"third_country": 1}  # an Italian citizen is not
    assert counts(raw, "left.result") == (1, {"job_searching": 0, "in_education": 0, "qualification": 1, "employed": 1})
    assert "2021/1057" in raw.legal_basis[0]


# --- the service: who may, and K ------------------------------------------------------------------------


def test_only_a_coordinator_makes_reports(signed_in: accounts.SignedIn) -> None:
    accounts.add_user(signed_in, username="ahmed", display_name="Ahmed", role=Role.CASEWORKER, password="a long password 1", kdf=CHEAP_KDF)
    caseworker = accounts.sign_in(signed_in.data_dir, "ahmed", "a long password 1")
    try:
        with pytest.raises(CoordinatorsOnly):
            make_report(caseworker, ReportKind.SERVICES, Q3)
    finally:
        caseworker.close()


@pytest.mark.parametrize("k", [4, 0, -3])
def test_a_smallest_count_below_five_is_refused(signed_in: accounts.SignedIn, k: int) -> None:
    with pytest.raises(MinCellTooSmall) as refused:
        make_report(signed_in, ReportKind.SERVICES, Q3, min_cell=k)
    assert isinstance(refused.value, BadInput)
    assert "5" in refused.value.message


def test_the_temporary_tables_are_gone_after_a_report(signed_in: accounts.SignedIn) -> None:
    a_person(signed_in)
    make_report(signed_in, ReportKind.AMIF, Q3, today=TODAY)
    assert exec_sql(signed_in.store, "SELECT name FROM sqlite_temp_master WHERE name LIKE 'stats_%'") == []


@pytest.mark.parametrize(
    "text, start, end",
    [
        ("2026-Q3", dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
        ("2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        ("2026", dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
    ],
)
def test_periods_are_whole_months(text: str, start: dt.date, end: dt.date) -> None:
    period = periods.parse(text)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize("text", ["2026-Q5", "2026-13", "26", "July", "2026-02-30", ""])
def test_a_period_that_does_not_exist_is_named(text: str) -> None:
    with pytest.raises(periods.BadPeriod) as refused:
        periods.parse(text)
    assert refused.value.values["text"] == text


@pytest.mark.parametrize("text, end", [("2026-07-02", False), ("2026-09-29", True), ("2026-02-30", True), ("soon", False)])
def test_a_bound_inside_a_month_is_refused(text: str, end: bool) -> None:
    with pytest.raises(periods.BadPeriod):
        periods.bound(text, end=end)


def test_the_last_quarter_is_the_latest_that_has_ended() -> None:
    assert periods.last_quarter(dt.date(2026, 11, 22)) == periods.quarter(2026, 3)
    assert periods.last_quarter(dt.date(2027, 2, 1)) == periods.quarter(2026, 4)


# --- whatever the case data, no small count leaves -----------------------------------------------------

PEOPLE = st.lists(
    st.tuples(
        st.sampled_from(list(Gender)),
        st.integers(1950, 2012),
        st.sampled_from(["SY", "AF", "UA", "ER", "IT", "VE"]),
        st.sampled_from([*LegalStatus, None]),
        st.booleans(),  # consents to statistics
        st.lists(st.integers(0, 120), max_size=3),  # meeting days after 1 June
        st.sampled_from([*LabourStatus, None]),
    ),
    max_size=30,
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(people=PEOPLE, k=st.integers(5, 12))
def test_no_exported_count_falls_below_k(signed_in: accounts.SignedIn, people, k: int) -> None:  # type: ignore[no-untyped-def]
    with signed_in.store.write() as session:  # a fresh office for each example
        session.connection().exec_driver_sql("DELETE FROM person")
    for gender, year, country, status, consents, days, labour in people:
        met = tuple(dt.date(2026, 6, 1) + dt.timedelta(days=d) for d in days)
        a_person(
            signed_in, statistics=consents, met=met, gender=gender, born=PartialDate(year), nationalities=(country,),
            status=status, entered_on=met[0] if met and labour else None, entry_labour_status=labour if met else None,
        )
    for compute in (services_report, amif_report, esf_report):
        report = protect(compute(signed_in.store, Q3, TODAY, "it"), k)
        for table in report.tables:
            shown = [table.total, *(row.count for row in table.rows)]
            assert not [n for n in shown if n is not None and 0 < n < k], table.id
            assert all(row.percent is None for row in table.rows) or (table.total or 0) >= k
