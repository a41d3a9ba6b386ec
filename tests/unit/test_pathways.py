"""Pathways, referrals and follow-ups in the core: a person taken from the first meeting to a
referral for recognition, and the follow-ups that appear as the days go by."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from caseworker.core.db import exec_sql
from caseworker.core.directory.records import PhoneEntry, ServiceEntry
from caseworker.core.errors import ChangedElsewhere, NotFound, ValidationFailed
from caseworker.core.models.enums import (
    ClosureReason,
    ConsentMethod,
    ConsentScope,
    LegalStatus,
    PathwayStatus,
    ReferralOutcome,
    ReferralStatus,
    Role,
    StepStatus,
    WorkAuthorisation,
)
from caseworker.core.pathways.templates import load_templates
from caseworker.core.services import accounts, cases, pathways
from caseworker.core.services.followups import FollowUpDays, follow_ups
from caseworker.core.services.records import CaseFile, ConsentEntry, LegalStatusEntry, MeetingRecord, PersonDetails
from tests.conftest import CHEAP_KDF

DAY = dt.date(2026, 11, 2)
TEMPLATES = load_templates()
RECOGNITION = TEMPLATES.by_id["recognition"]

ENIC = ServiceEntry(
    id="8d3c5d9e-1b7a-4a57-9a55-000000000001",
    name="CIMEA – Italian ENIC-NARIC centre",
    description="",
    organization_id="o",
    organization_name="CIMEA",
    status="active",
    address_lines=("Viale XXI Aprile 36",),
    postal_code="00162",
    city="Roma",
    phones=(PhoneEntry("+39 06 8632 1281"),),
    categories=("recognition",),
    required_documents=("Diploma",),
)


def a_case(signed_in: accounts.SignedIn, *, sharing: bool = True, **person: object) -> CaseFile:
    consents = (ConsentEntry(ConsentScope.SHARING, sharing, DAY, ConsentMethod.WRITTEN),)
    record = CaseFile(
        person=PersonDetails(name_latin="Amina Yusuf", **person),  # type: ignore[arg-type]
        opened_on=DAY,
        consents=consents,
        meetings=(MeetingRecord(DAY, notes="First meeting"),),
    )
    return cases.create_case(signed_in.store, record)


def test_every_shipped_template_starts_a_pathway_with_its_steps(signed_in: accounts.SignedIn) -> None:
    case = a_case(signed_in)
    assert TEMPLATES.problems == ()
    for template in TEMPLATES.templates:
        started = pathways.start_pathway(signed_in.store, case.id, template, on=DAY, user=signed_in.user)
        assert [s.step_key for s in started.steps] == [s.id for s in template.steps]
        assert started.current_step is not None and started.current_step.started_on == DAY
    assert len(pathways.pathways_of(signed_in.store, case.id)) == len(TEMPLATES.templates)


def test_a_step_done_starts_the_next_with_its_follow_up_date(signed_in: accounts.SignedIn) -> None:
    case = a_case(signed_in)
    pathway = pathways.start_pathway(signed_in.store, case.id, RECOGNITION, on=DAY, user=signed_in.user)
    first = pathway.current_step
    assert first is not None

    later = DAY + dt.timedelta(days=3)
    pathway = pathways.record_step(
        signed_in.store, first.id, outcome="Nursing diploma, Eritrea 2015", done_on=later, template=RECOGNITION, user=signed_in.user
    )

    done, following = pathway.steps[0], pathway.current_step
    assert (done.status, done.done_on, done.outcome) == (StepStatus.DONE, later, "Nursing diploma, Eritrea 2015")
    assert following is not None and following.position == 1 and following.started_on == later
    planned = RECOGNITION.step(following.step_key)
    assert planned is not None
    expected_due = later + dt.timedelta(days=planned.due_days) if planned.due_days else None
    assert following.due_on == expected_due


def test_a_step_outcome_is_required_and_cannot_predate_the_pathway(signed_in: accounts.SignedIn) -> None:
    case = a_case(signed_in)
    pathway = pathways.start_pathway(signed_in.store, case.id, RECOGNITION, on=DAY)
    step = pathway.steps[0]
    with pytest.raises(ValidationFailed) as raised:
        pathways.record_step(signed_in.store, step.id, outcome=" ", done_on=DAY - dt.timedelta(days=1))
    assert {p.where for p in raised.value.problems} == {"outcome", "done_on"}
    assert pathways.pathways_of(signed_in.store, case.id)[0].steps[0].status is StepStatus.OPEN
    # Skipping needs no outcome.
    skipped = pathways.record_step(signed_in.store, step.id, outcome="", done_on=DAY, skipped=True)
    assert skipped.steps[0].status is StepStatus.SKIPPED


def test_pause_complete_and_drop(signed_in: accounts.SignedIn) -> None:
    case = a_case(signed_in)
    pathway = pathways.start_pathway(signed_in.store, case.id, RECOGNITION, on=DAY)
    paused = pathways.pause_pathway(signed_in.store, pathway.id, version=pathway.version)
    assert paused.status is PathwayStatus.PAUSED
    with pytest.raises(pathways.PathwayEnded):
        pathways.record_step(signed_in.store, paused.steps[0].id, outcome="x", done_on=DAY)
    with pytest.raises(ChangedElsewhere):
        pathways.resume_pathway(signed_in.store, pathway.id, version=pathway.version)  # an older copy
    resumed = pathways.resume_pathway(signed_in.store, pathway.id, version=paused.version)

    with pytest.raises(ValidationFailed):
        pathways.drop_pathway(signed_in.store, pathway.id, version=resumed.version, on=DAY, reason="  ")
    dropped = pathways.drop_pathway(signed_in.store, pathway.id, version=resumed.version, on=DAY, reason="Moved to another city")
    assert (dropped.status, dropped.ended_on, dropped.end_reason) == (PathwayStatus.DROPPED, DAY, "Moved to another city")

    other = pathways.start_pathway(signed_in.store, case.id, TEMPLATES.by_id["mentoring"], on=DAY)
    with pytest.raises(ValidationFailed):
        pathways.complete_pathway(signed_in.store, other.id, version=other.version, on=DAY - dt.timedelta(days=1))
    completed = pathways.complete_pathway(signed_in.store, other.id, version=other.version, on=DAY)
    assert completed.status is PathwayStatus.COMPLETED and not completed.active


def test_a_referral_keeps_the_service_as_it_was_given(signed_in: accounts.SignedIn) -> None:
    case = a_case(signed_in)
    pathway = pathways.start_pathway(signed_in.store, case.id, RECOGNITION, on=DAY)
    referral = pathways.refer(signed_in.store, case.id, ENIC, on=DAY, step_id=pathway.steps[0].id, user=signed_in.user)

    assert (referral.service_name, referral.address, referral.phone, referral.documents, referral.category) == (
        ENIC.name, "Viale XXI Aprile 36, 00162, Roma", "+39 06 8632 1281", "Diploma", "recognition"
    )
    # The directory changes later; the referral still says what the person was given.
    moved = replace(ENIC, city="Milano", name="Renamed")
    assert moved.city != ENIC.city
    assert pathways.get_referral(signed_in.store, referral.id).address.endswith("Roma")


def test_a_referral_needs_consent_to_share_and_a_service_still_in_the_directory(signed_in: accounts.SignedIn) -> None:
    refused = a_case(signed_in, sharing=False)
    with pytest.raises(pathways.NoConsentToShare):
        pathways.refer(signed_in.store, refused.id, ENIC, on=DAY)
    consenting = a_case(signed_in)
    with pytest.raises(pathways.RetiredReferral):
        pathways.refer(signed_in.store, consenting.id, replace(ENIC, status="inactive"), on=DAY)
    # Consent given later than the referral's date does not count for it.
    assert exec_sql(signed_in.store, "SELECT count(*) FROM referral") == [(0,)]
    with pytest.raises(pathways.NoConsentToShare):
        pathways.refer(signed_in.store, consenting.id, ENIC, on=DAY - dt.timedelta(days=1))


def test_a_referral_moves_on_to_its_outcome_and_never_back(signed_in: accounts.SignedIn) -> None:
    case = a_case(signed_in)
    referral = pathways.refer(signed_in.store, case.id, ENIC, on=DAY)
    with pytest.raises(ValidationFailed):
        pathways.update_referral(signed_in.store, referral.id, version=referral.version, status=ReferralStatus.CONTACTED, on=DAY - dt.timedelta(days=1))
    contacted = pathways.update_referral(
        signed_in.store, referral.id, version=referral.version, status=ReferralStatus.CONTACTED, on=DAY + dt.timedelta(days=1)
    )
    with pytest.raises(ValidationFailed):  # an outcome needs its kind
        pathways.update_referral(signed_in.store, referral.id, version=contacted.version, status=ReferralStatus.OUTCOME, on=DAY + dt.timedelta(days=9))
    with pytest.raises(ChangedElsewhere):
        pathways.update_referral(signed_in.store, referral.id, version=referral.version, status=ReferralStatus.ATTENDED, on=DAY)
    ended = pathways.update_referral(
        signed_in.store, referral.id, version=contacted.version, status=ReferralStatus.OUTCOME,
        on=DAY + dt.timedelta(days=9), outcome=ReferralOutcome.ENROLLED,
    )
    assert (ended.status, ended.outcome, ended.outcome_on) == (ReferralStatus.OUTCOME, ReferralOutcome.ENROLLED, DAY + dt.timedelta(days=9))
    with pytest.raises(ValidationFailed):
        pathways.update_referral(signed_in.store, referral.id, version=ended.version, status=ReferralStatus.CONTACTED, on=DAY + dt.timedelta(days=10))


def test_every_service_delivered_is_an_event(signed_in: accounts.SignedIn) -> None:
    case = a_case(signed_in)
    pathway = pathways.start_pathway(signed_in.store, case.id, RECOGNITION, on=DAY)
    pathways.record_step(signed_in.store, pathway.steps[0].id, outcome="done", done_on=DAY, template=RECOGNITION)
    referral = pathways.refer(signed_in.store, case.id, ENIC, on=DAY)
    pathways.update_referral(signed_in.store, referral.id, version=referral.version, status=ReferralStatus.OUTCOME, on=DAY, outcome=ReferralOutcome.ACCEPTED)
    latest = pathways.pathways_of(signed_in.store, case.id)[0]
    pathways.complete_pathway(signed_in.store, pathway.id, version=latest.version, on=DAY)

    events = exec_sql(signed_in.store, "SELECT kind, category, occurred_on, outcome FROM service_event ORDER BY id")
    assert [e[0] for e in events] == ["pathway_started", "step_done", "referral_made", "referral_outcome", "pathway_completed"]
    assert {e[1] for e in events} == {"recognition"}
    assert events[3][3] == "accepted"


def test_the_timeline_has_meetings_pathways_steps_and_referrals_newest_first(signed_in: accounts.SignedIn) -> None:
    case = a_case(signed_in)
    pathway = pathways.start_pathway(signed_in.store, case.id, RECOGNITION, on=DAY + dt.timedelta(days=1))
    pathways.record_step(signed_in.store, pathway.steps[0].id, outcome="ok", done_on=DAY + dt.timedelta(days=2))
    pathways.refer(signed_in.store, case.id, ENIC, on=DAY + dt.timedelta(days=3))

    kinds = [(item.on, item.kind) for item in pathways.timeline(signed_in.store, case.id)]
    assert kinds == [
        (DAY + dt.timedelta(days=3), "referral_made"),
        (DAY + dt.timedelta(days=2), "step_done"),
        (DAY + dt.timedelta(days=1), "pathway_started"),
        (DAY, "meeting"),
    ]


def test_follow_ups_appear_as_the_days_go_by(signed_in: accounts.SignedIn) -> None:
    case = a_case(signed_in)
    permit = LegalStatusEntry(
        LegalStatus.REFUGEE,
        WorkAuthorisation.YES,
        permit_from=DAY - dt.timedelta(days=300),
        permit_until=DAY + dt.timedelta(days=40),
    )
    case = cases.save_case(signed_in.store, replace(case, legal_statuses=(permit,)))
    pathway = pathways.start_pathway(signed_in.store, case.id, RECOGNITION, on=DAY)
    pathways.record_step(signed_in.store, pathway.steps[0].id, outcome="ok", done_on=DAY, template=RECOGNITION)
    pathways.refer(signed_in.store, case.id, ENIC, on=DAY)
    days = FollowUpDays(expiring=35, referral=7, step_ahead=0, no_contact=30)

    today = follow_ups(signed_in.store, signed_in.user, DAY, days)
    assert today.count == 0

    week_later = follow_ups(signed_in.store, signed_in.user, DAY + dt.timedelta(days=7), days)
    assert [(f.case_id, f.on, f.what) for f in week_later.referrals] == [(case.id, DAY, ENIC.name)]
    assert [f.case_id for f in week_later.expiring] == [case.id]  # 33 days left: within 35
    assert week_later.no_contact == ()

    # Walk on to the first step with a follow-up interval.
    due = pathways.pathways_of(signed_in.store, case.id)[0].current_step
    while due is not None and due.due_on is None:
        pathways.record_step(signed_in.store, due.id, outcome="ok", done_on=DAY, template=RECOGNITION)
        due = pathways.pathways_of(signed_in.store, case.id)[0].current_step
    assert due is not None and due.due_on is not None
    on_due_day = follow_ups(signed_in.store, signed_in.user, due.due_on, days)
    assert [(f.what, f.pathway) for f in on_due_day.steps] == [(due.title, RECOGNITION.title)]

    month_later = follow_ups(signed_in.store, signed_in.user, DAY + dt.timedelta(days=31), days)
    assert [f.case_id for f in month_later.no_contact] == [case.id]

    # Closed cases need no follow-up.
    cases.close_case(signed_in.store, cases.get_case(signed_in.store, case.id), ClosureReason.EMPLOYED)
    assert follow_ups(signed_in.store, signed_in.user, DAY + dt.timedelta(days=31), days).count == 0


def test_a_caseworker_follows_up_and_refers_only_their_own_cases(signed_in: accounts.SignedIn) -> None:
    worker = accounts.add_user(
        signed_in, username="yonas", display_name="Yonas", role=Role.CASEWORKER, password="a long password 1", kdf=CHEAP_KDF
    )
    mine = a_case(signed_in)
    mine = cases.save_case(signed_in.store, replace(mine, assigned_to=worker.id))
    theirs = a_case(signed_in)
    for case in (mine, theirs):
        pathways.refer(signed_in.store, case.id, ENIC, on=DAY)
    later = DAY + dt.timedelta(days=60)

    assert {f.case_id for f in follow_ups(signed_in.store, worker, later).referrals} == {mine.id}
    assert {f.case_id for f in follow_ups(signed_in.store, signed_in.user, later).referrals} == {mine.id, theirs.id}
    with pytest.raises(NotFound):
        pathways.refer(signed_in.store, theirs.id, ENIC, on=DAY, user=worker)
    with pytest.raises(NotFound):
        pathways.referrals_of(signed_in.store, theirs.id, user=worker)


def test_only_the_current_status_counts_and_a_permit_long_gone_is_not_news(signed_in: accounts.SignedIn) -> None:
    case = a_case(signed_in)
    earlier = LegalStatusEntry(
        LegalStatus.ASYLUM_SEEKER, WorkAuthorisation.RESTRICTED, permit_from=DAY - dt.timedelta(days=400), permit_until=DAY + dt.timedelta(days=5)
    )
    current = LegalStatusEntry(
        LegalStatus.REFUGEE, WorkAuthorisation.YES, permit_from=DAY, permit_until=DAY + dt.timedelta(days=5 * 365)
    )
    cases.save_case(signed_in.store, replace(case, legal_statuses=(earlier, current)))
    other = a_case(signed_in)
    gone = LegalStatusEntry(
        LegalStatus.WORK_PERMIT, WorkAuthorisation.YES, permit_from=DAY - dt.timedelta(days=900), permit_until=DAY - dt.timedelta(days=400)
    )
    cases.save_case(signed_in.store, replace(other, legal_statuses=(gone,)))

    assert follow_ups(signed_in.store, signed_in.user, DAY, FollowUpDays(expiring=30)).expiring == ()
    # The same permit while it was ending is listed.
    assert [f.case_id for f in follow_ups(signed_in.store, signed_in.user, DAY - dt.timedelta(days=410), FollowUpDays(expiring=30)).expiring] == [other.id]


def test_a_long_list_shows_the_most_urgent_and_says_how_many_in_all(signed_in: accounts.SignedIn, monkeypatch: pytest.MonkeyPatch) -> None:
    from caseworker.core.services import followups

    monkeypatch.setattr(followups, "SHOWN", 2)
    quiet = []
    for weeks in (3, 9, 6):
        case = a_case(signed_in)
        quiet.append(cases.save_case(signed_in.store, replace(case, meetings=(MeetingRecord(DAY - dt.timedelta(weeks=weeks)),))))
    found = follow_ups(signed_in.store, signed_in.user, DAY, FollowUpDays(no_contact=7))
    assert found.total("no_contact") == 3 and found.count == 3
    assert [f.case_id for f in found.no_contact] == [quiet[1].id, quiet[2].id]  # the longest quiet first
