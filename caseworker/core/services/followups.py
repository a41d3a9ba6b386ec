"""What needs attention: permits and work authorisations about to expire, referrals still without
an outcome, pathway steps due, and open cases nobody has been in touch with for a while.

Each list is one query over the open cases the user may see, so the dashboard stays quick at
100,000 cases. "Today" is given by the caller (the screen passes the date on the wall; tests
move it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, exists, func, literal, select
from sqlalchemy.orm import aliased

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


#: Lines listed per group at most, the most urgent first; the group says how many there are in all.
#: A coordinator over 100,000 cases can have tens of thousands of quiet cases, and a list that long
#: helps nobody (nor does building it).
SHOWN = 200


@dataclass(frozen=True, slots=True)
class FollowUps:
    expiring: tuple[FollowUp, ...]
    referrals: tuple[FollowUp, ...]
    steps: tuple[FollowUp, ...]
    no_contact: tuple[FollowUp, ...]
    # How many there are in each group, beyond the SHOWN listed.
    totals: tuple[int, int, int, int] = (0, 0, 0, 0)

    @property
    def count(self) -> int:
        return sum(self.totals)

    def total(self, group: str) -> int:
        return self.totals[("expiring", "referrals", "steps", "no_contact").index(group)]


def follow_ups(store: CasesStore, user: UserInfo, today: dt.date, days: FollowUpDays = FollowUpDays()) -> FollowUps:  # noqa: B008 - frozen
    if user.role not in (Role.COORDINATOR, Role.CASEWORKER):
        return FollowUps((), (), (), ())
    with store.read() as session:
        connection = session.connection()

        def rows(query: Select, on: Any) -> tuple[list[FollowUp], int]:  # type: ignore[type-arg]
            """The most urgent SHOWN lines (earliest date first), and how many there are."""
            query = query.join(Person, Person.id == Case.person_id).where(Case.status == CaseStatus.OPEN)
            if user.role is Role.CASEWORKER:
                query = query.where(Case.assigned_to == user.id)
            total = connection.execute(select(func.count()).select_from(query.subquery())).scalar_one()
            shown = connection.execute(query.order_by(on, Case.reference).limit(SHOWN))
            return [FollowUp(*row) for row in shown], total

        names = (Case.id, Case.reference, Person.name_latin, Person.name_native)
        # The person's current legal status is their latest record: no newer one exists. (Asked
        # per record through the person_id index; a list of every person's latest id, compared in
        # an IN, made SQLite scan the whole table again for each open case.)
        newer = aliased(LegalStatusRecord)
        is_current = ~exists().where(newer.person_id == LegalStatusRecord.person_id, newer.id > LegalStatusRecord.id)
        # Ending within the coming days, or ended within as many days: a permit that ran out
        # years ago on a case still open is a matter for the case file, not today's list.
        horizon = today + dt.timedelta(days=days.expiring)
        since = today - dt.timedelta(days=days.expiring)
        expiring: list[FollowUp] = []
        expiring_total = 0
        for column, kind in ((LegalStatusRecord.permit_until, "permit"), (LegalStatusRecord.work_until, "work")):
            found, total = rows(
                select(*names, column, literal(kind))
                .select_from(Case)
                .join(LegalStatusRecord, LegalStatusRecord.person_id == Case.person_id)
                .where(is_current, column.is_not(None), column <= horizon, column >= since),
                column,
            )
            expiring += found
            expiring_total += total
        referrals, referrals_total = rows(
            select(*names, Referral.made_on, Referral.service_name)
            .select_from(Case)
            .join(Referral, Referral.case_id == Case.id)
            .where(Referral.status != ReferralStatus.OUTCOME, Referral.made_on <= today - dt.timedelta(days=days.referral)),
            Referral.made_on,
        )
        steps, steps_total = rows(
            select(*names, PathwayStep.due_on, PathwayStep.title, Pathway.title)
            .select_from(Case)
            .join(Pathway, Pathway.case_id == Case.id)
            .join(PathwayStep, PathwayStep.pathway_id == Pathway.id)
            .where(
                Pathway.status == PathwayStatus.ACTIVE,
                PathwayStep.status == StepStatus.OPEN,
                PathwayStep.due_on.is_not(None),
                PathwayStep.due_on <= today + dt.timedelta(days=days.step_ahead),
            ),
            PathwayStep.due_on,
        )
        last_contact = func.coalesce(Case.last_contact_on, Case.opened_on)
        quiet, quiet_total = rows(
            select(*names, last_contact, literal(""))
            .select_from(Case)
            .where(last_contact <= today - dt.timedelta(days=days.no_contact)),
            last_contact,
        )
    expiring = sorted(expiring, key=lambda item: (item.on, item.reference))[:SHOWN]
    return FollowUps(
        expiring=tuple(expiring),
        referrals=tuple(referrals),
        steps=tuple(steps),
        no_contact=tuple(quiet),
        totals=(expiring_total, referrals_total, steps_total, quiet_total),
    )
