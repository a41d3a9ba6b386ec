"""What needs attention: permits and work authorisations about to expire, referrals still without
an outcome, pathway steps due, and open cases nobody has been in touch with for a while.

Each list is one query over the open cases the user may see, so the dashboard stays quick at
100,000 cases. "Today" is given by the caller (the screen passes the date on the wall; tests
move it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, func, literal, select

from caseworker.core.db import CasesStore
from caseworker.core.models import Case, LegalStatusRecord, Pathway, PathwayStep, Person, Referral
from caseworker.core.models.enums import CaseStatus, PathwayStatus, ReferralStatus, Role, StepStatus
from caseworker.core.services.records import UserInfo


@dataclass(frozen=True, slots=True)
class FollowUpDays:
    """How far ahead and how far back each list looks, in days."""

    expiring: int = 60  # permits and work authorisations ending within this many days
    referral: int = 14  # referrals made this long ago without an outcome
    step_ahead: int = 7  # steps due within this many days (and every overdue one)
    no_contact: int = 30  # open cases without contact for this long


@dataclass(frozen=True, slots=True)
class FollowUp:
    case_id: int
    reference: str
    name_latin: str
    name_native: str
    on: dt.date  # the date that matters: the expiry, the referral, the due date, the last contact
    what: str  # the permit's kind ("permit" or "work"), the service's name, or the step's title (msgid)
    pathway: str = ""  # for a step: its pathway's title (msgid)


@dataclass(frozen=True, slots=True)
class FollowUps:
    expiring: tuple[FollowUp, ...]
    referrals: tuple[FollowUp, ...]
    steps: tuple[FollowUp, ...]
    no_contact: tuple[FollowUp, ...]

    @property
    def count(self) -> int:
        return len(self.expiring) + len(self.referrals) + len(self.steps) + len(self.no_contact)


def follow_ups(store: CasesStore, user: UserInfo, today: dt.date, days: FollowUpDays = FollowUpDays()) -> FollowUps:  # noqa: B008 - frozen
    if user.role not in (Role.COORDINATOR, Role.CASEWORKER):
        return FollowUps((), (), (), ())
    with store.read() as session:
        connection = session.connection()

        def rows(query: Select) -> list[FollowUp]:  # type: ignore[type-arg]
            query = query.join(Person, Person.id == Case.person_id).where(Case.status == CaseStatus.OPEN)
            if user.role is Role.CASEWORKER:
                query = query.where(Case.assigned_to == user.id)
            return [FollowUp(*row) for row in connection.execute(query)]

        names = (Case.id, Case.reference, Person.name_latin, Person.name_native)
        # The person's current legal status is their latest record.
        latest = select(func.max(LegalStatusRecord.id)).group_by(LegalStatusRecord.person_id).scalar_subquery()
        horizon = today + dt.timedelta(days=days.expiring)
        expiring = []
        for column, kind in ((LegalStatusRecord.permit_until, "permit"), (LegalStatusRecord.work_until, "work")):
            expiring += rows(
                select(*names, column, literal(kind))
                .select_from(Case)
                .join(LegalStatusRecord, LegalStatusRecord.person_id == Case.person_id)
                .where(LegalStatusRecord.id.in_(latest), column.is_not(None), column <= horizon)
            )
        referrals = rows(
            select(*names, Referral.made_on, Referral.service_name)
            .select_from(Case)
            .join(Referral, Referral.case_id == Case.id)
            .where(Referral.status != ReferralStatus.OUTCOME, Referral.made_on <= today - dt.timedelta(days=days.referral))
        )
        steps = rows(
            select(*names, PathwayStep.due_on, PathwayStep.title, Pathway.title)
            .select_from(Case)
            .join(Pathway, Pathway.case_id == Case.id)
            .join(PathwayStep, PathwayStep.pathway_id == Pathway.id)
            .where(
                Pathway.status == PathwayStatus.ACTIVE,
                PathwayStep.status == StepStatus.OPEN,
                PathwayStep.due_on.is_not(None),
                PathwayStep.due_on <= today + dt.timedelta(days=days.step_ahead),
            )
        )
        last_contact = func.coalesce(Case.last_contact_on, Case.opened_on)
        quiet = rows(
            select(*names, last_contact, literal(""))
            .select_from(Case)
            .where(last_contact <= today - dt.timedelta(days=days.no_contact))
        )
    by_date = lambda item: (item.on, item.reference)  # noqa: E731 - a sort key
    return FollowUps(
        expiring=tuple(sorted(expiring, key=by_date)),
        referrals=tuple(sorted(referrals, key=by_date)),
        steps=tuple(sorted(steps, key=by_date)),
        no_contact=tuple(sorted(quiet, key=by_date)),
    )
