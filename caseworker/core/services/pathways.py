"""Guiding a person through a service: pathways started from templates, each step's outcome,
referrals to other services tracked to an outcome, and the service events that statistics count.

One transaction per action; each returns what the screen shows next as frozen records, never a
live ORM object. Every service delivered (a pathway started, a step done, a referral made, its
outcome known, a pathway completed or dropped) is recorded as a service event in the same
transaction as the change itself, so the statistics never count something that did not happen.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload
from sqlalchemy.orm.exc import StaleDataError

from caseworker.core.db import CasesStore
from caseworker.core.directory.records import ServiceEntry
from caseworker.core.directory.taxonomy import BY_CODE
from caseworker.core.errors import BadInput, ChangedElsewhere, NotFound, Problem, ValidationFailed
from caseworker.core.i18n import N_
from caseworker.core.models import Case, ConsentRecord, Meeting, Pathway, PathwayStep, Referral, ServiceEvent
from caseworker.core.models.enums import (
    AuditAction,
    ConsentScope,
    EventKind,
    PathwayStatus,
    ReferralOutcome,
    ReferralStatus,
    StepStatus,
)
from caseworker.core.pathways.templates import PathwayTemplate
from caseworker.core.services import audit
from caseworker.core.services.records import UserInfo

# The order a referral moves in; each status has the date it was reached.
_REFERRAL_ORDER = (ReferralStatus.MADE, ReferralStatus.CONTACTED, ReferralStatus.ATTENDED, ReferralStatus.OUTCOME)


class RetiredReferral(BadInput):
    template = N_("{name} has been retired from the directory; choose another service.")


class NoConsentToShare(BadInput):
    template = N_("The person has not consented to sharing their details with other services. Record their consent in the case file before referring them.")


class PathwayEnded(BadInput):
    template = N_("This pathway has ended; reopen it to change its steps.")


@dataclass(frozen=True, slots=True)
class StepInfo:
    id: int
    step_key: str
    position: int
    title: str  # msgid, as the template said when the pathway started
    status: StepStatus
    started_on: dt.date | None
    due_on: dt.date | None
    done_on: dt.date | None
    outcome: str
    note: str


@dataclass(frozen=True, slots=True)
class PathwayInfo:
    id: int
    case_id: int
    template_id: str
    title: str  # msgid
    category: str | None
    status: PathwayStatus
    started_on: dt.date
    ended_on: dt.date | None
    end_reason: str
    steps: tuple[StepInfo, ...]
    version: int

    @property
    def current_step(self) -> StepInfo | None:
        """The first step not yet done or skipped; None when every step is."""
        return next((step for step in self.steps if step.status is StepStatus.OPEN), None)

    @property
    def active(self) -> bool:
        return self.status in (PathwayStatus.ACTIVE, PathwayStatus.PAUSED)


@dataclass(frozen=True, slots=True)
class ReferralInfo:
    id: int
    case_id: int
    step_id: int | None
    category: str | None
    service_id: str
    service_name: str
    organization_name: str
    address: str
    phone: str
    email: str
    url: str
    hours: str
    documents: str
    status: ReferralStatus
    made_on: dt.date
    contacted_on: dt.date | None
    attended_on: dt.date | None
    outcome: ReferralOutcome | None
    outcome_on: dt.date | None
    note: str
    version: int


@dataclass(frozen=True, slots=True)
class TimelineItem:
    """One thing that happened in a case, for the case's timeline (newest first)."""

    on: dt.date
    kind: str  # "meeting", "pathway_started", "pathway_ended", "step", "referral", "referral_update"
    title: str  # a msgid for pathway and step titles; the service's name for referrals
    detail: str = ""
    pathway_id: int | None = None
    referral_id: int | None = None


# --- reading ------------------------------------------------------------------------------------


def pathways_of(store: CasesStore, case_id: int, *, user: UserInfo | None = None) -> list[PathwayInfo]:
    with store.read() as session:
        _case(session, case_id, user)
        rows = session.scalars(select(Pathway).where(Pathway.case_id == case_id).order_by(Pathway.started_on, Pathway.id))
        return [_pathway_info(p) for p in rows]


def referrals_of(store: CasesStore, case_id: int, *, user: UserInfo | None = None) -> list[ReferralInfo]:
    with store.read() as session:
        _case(session, case_id, user)
        rows = session.scalars(select(Referral).where(Referral.case_id == case_id).order_by(Referral.made_on, Referral.id))
        return [_referral_info(r) for r in rows]


def get_referral(store: CasesStore, referral_id: int, *, user: UserInfo | None = None) -> ReferralInfo:
    with store.read() as session:
        referral = session.get(Referral, referral_id)
        if referral is None:
            raise NotFound()
        _case(session, referral.case_id, user)
        return _referral_info(referral)


def timeline(store: CasesStore, case_id: int, *, user: UserInfo | None = None) -> list[TimelineItem]:
    """Meetings, pathways started and ended, steps done and referrals, newest first."""
    items: list[TimelineItem] = []
    with store.read() as session:
        _case(session, case_id, user)
        for meeting in session.scalars(select(Meeting).where(Meeting.case_id == case_id)):
            items.append(TimelineItem(meeting.held_on, "meeting", "", meeting.notes))
        for pathway in session.scalars(select(Pathway).where(Pathway.case_id == case_id)):
            items.append(TimelineItem(pathway.started_on, "pathway_started", pathway.title, pathway_id=pathway.id))
            if pathway.ended_on is not None:
                items.append(
                    TimelineItem(pathway.ended_on, f"pathway_{pathway.status.value}", pathway.title, pathway.end_reason, pathway.id)
                )
            for step in pathway.steps:
                if step.done_on is not None:
                    items.append(TimelineItem(step.done_on, f"step_{step.status.value}", step.title, step.outcome, pathway.id))
        for referral in session.scalars(select(Referral).where(Referral.case_id == case_id)):
            items.append(TimelineItem(referral.made_on, "referral_made", referral.service_name, referral.organization_name, referral_id=referral.id))
            for status, on in (
                (ReferralStatus.CONTACTED, referral.contacted_on),
                (ReferralStatus.ATTENDED, referral.attended_on),
                (ReferralStatus.OUTCOME, referral.outcome_on),
            ):
                if on is not None:
                    detail = referral.outcome.value if status is ReferralStatus.OUTCOME and referral.outcome else ""
                    items.append(TimelineItem(on, f"referral_{status.value}", referral.service_name, detail, referral_id=referral.id))
    order = {"meeting": 0, "pathway_started": 1, "referral_made": 2}
    return sorted(items, key=lambda item: (item.on, -order.get(item.kind, 3)), reverse=True)


# --- pathways -----------------------------------------------------------------------------------


def start_pathway(
    store: CasesStore, case_id: int, template: PathwayTemplate, *, on: dt.date, user: UserInfo | None = None
) -> PathwayInfo:
    """Start a pathway from a template: every step is listed, the first one starts now."""
    with store.write() as session:
        case = _case(session, case_id, user)
        pathway = Pathway(
            case_id=case_id,
            template_id=template.id,
            title=template.title,
            category=template.categories[0] if template.categories else None,
            status=PathwayStatus.ACTIVE,
            started_on=on,
            started_by=user.id if user else None,
            updated_at=_now(),
            end_reason="",
        )
        for position, step in enumerate(template.steps):
            first = position == 0
            pathway.steps.append(
                PathwayStep(
                    step_key=step.id,
                    position=position,
                    title=step.title,
                    status=StepStatus.OPEN,
                    started_on=on if first else None,
                    due_on=on + dt.timedelta(days=step.due_days) if first and step.due_days else None,
                    outcome="",
                    note="",
                )
            )
        session.add(pathway)
        session.flush()
        _event(session, case_id, EventKind.PATHWAY_STARTED, pathway.category, on, user, pathway_id=pathway.id)
        _audit(session, case, user, AuditAction.PATHWAY_STARTED, detail=template.id)
        return _pathway_info(pathway)


def record_step(
    store: CasesStore,
    step_id: int,
    *,
    outcome: str,
    note: str = "",
    done_on: dt.date,
    skipped: bool = False,
    template: PathwayTemplate | None = None,
    user: UserInfo | None = None,
) -> PathwayInfo:
    """Record a step's outcome (or that it was skipped) and start the next step.

    ``template`` gives the next step's follow-up interval (due_days); without it, or when the
    organisation has since removed the step from the template, the next step has no due date.
    """
    with store.write() as session:
        step = session.get(PathwayStep, step_id)
        if step is None:
            raise NotFound()
        pathway = step.pathway
        case = _case(session, pathway.case_id, user)
        if pathway.status is not PathwayStatus.ACTIVE:
            raise PathwayEnded()
        problems = []
        if done_on < pathway.started_on:
            problems.append(Problem("done_on", N_("A step cannot be done before its pathway started.")))
        if not skipped and not outcome.strip():
            problems.append(Problem("outcome", N_("Write what came of this step.")))
        if problems:
            raise ValidationFailed(problems)
        step.status = StepStatus.SKIPPED if skipped else StepStatus.DONE
        step.done_on = done_on
        step.outcome = outcome.strip()
        step.note = note.strip()
        following = next((s for s in pathway.steps if s.position > step.position and s.status is StepStatus.OPEN), None)
        if following is not None and following.started_on is None:
            following.started_on = done_on
            planned = template.step(following.step_key) if template is not None else None
            following.due_on = done_on + dt.timedelta(days=planned.due_days) if planned and planned.due_days else None
        # A change to a step changes its pathway too (its version moves): a pause or drop made
        # from another window on the older version is refused.
        pathway.updated_at = _now()
        session.flush()
        if not skipped:
            category = _step_category(template, step.step_key) or pathway.category
            _event(session, pathway.case_id, EventKind.STEP_DONE, category, done_on, user, pathway_id=pathway.id)
        _audit(session, case, user, AuditAction.PATHWAY_STEP, detail=f"{pathway.template_id}:{step.step_key}:{step.status.value}")
        return _pathway_info(pathway)


def pause_pathway(store: CasesStore, pathway_id: int, *, version: int, user: UserInfo | None = None) -> PathwayInfo:
    return _set_pathway(store, pathway_id, version, PathwayStatus.PAUSED, user=user)


def resume_pathway(store: CasesStore, pathway_id: int, *, version: int, user: UserInfo | None = None) -> PathwayInfo:
    return _set_pathway(store, pathway_id, version, PathwayStatus.ACTIVE, user=user)


def complete_pathway(
    store: CasesStore, pathway_id: int, *, version: int, on: dt.date, user: UserInfo | None = None
) -> PathwayInfo:
    return _set_pathway(store, pathway_id, version, PathwayStatus.COMPLETED, on=on, user=user)


def drop_pathway(
    store: CasesStore, pathway_id: int, *, version: int, on: dt.date, reason: str, user: UserInfo | None = None
) -> PathwayInfo:
    """End a pathway before it is done; the reason is required, for the person and for the team."""
    if not reason.strip():
        raise ValidationFailed([Problem("reason", N_("Say why the pathway is dropped."))])
    return _set_pathway(store, pathway_id, version, PathwayStatus.DROPPED, on=on, reason=reason.strip(), user=user)


def _set_pathway(
    store: CasesStore,
    pathway_id: int,
    version: int,
    status: PathwayStatus,
    *,
    on: dt.date | None = None,
    reason: str = "",
    user: UserInfo | None,
) -> PathwayInfo:
    try:
        with store.write() as session:
            pathway = session.get(Pathway, pathway_id)
            if pathway is None:
                raise NotFound()
            case = _case(session, pathway.case_id, user)
            if pathway.version != version:
                raise ChangedElsewhere()
            if on is not None and on < pathway.started_on:
                raise ValidationFailed([Problem("on", N_("A pathway cannot end before it started."))])
            ending = status in (PathwayStatus.COMPLETED, PathwayStatus.DROPPED)
            pathway.status = status
            pathway.ended_on = on if ending else None
            pathway.end_reason = reason if status is PathwayStatus.DROPPED else ""
            pathway.updated_at = _now()
            session.flush()
            if ending and on is not None:
                kind = EventKind.PATHWAY_COMPLETED if status is PathwayStatus.COMPLETED else EventKind.PATHWAY_DROPPED
                _event(session, pathway.case_id, kind, pathway.category, on, user, pathway_id=pathway.id)
            _audit(session, case, user, AuditAction.PATHWAY_CHANGED, detail=f"{pathway.template_id}:{status.value}")
            return _pathway_info(pathway)
    except StaleDataError as exc:
        raise ChangedElsewhere() from exc


# --- referrals ----------------------------------------------------------------------------------


def refer(
    store: CasesStore,
    case_id: int,
    service: ServiceEntry,
    *,
    on: dt.date,
    step_id: int | None = None,
    category: str | None = None,
    note: str = "",
    user: UserInfo | None = None,
) -> ReferralInfo:
    """Refer the person to a service, keeping the service as it was given to them.

    Refused for a retired service, and for a person who has not consented to sharing.
    """
    if not service.active:
        raise RetiredReferral(name=service.name)
    with store.write() as session:
        case = _case(session, case_id, user)
        if not _consents_to_sharing(session, case.person_id, on):
            raise NoConsentToShare()
        if step_id is not None:
            step = session.get(PathwayStep, step_id)
            if step is None or step.pathway.case_id != case_id:
                raise NotFound()
        if category is None or category not in BY_CODE:
            category = next((code for code in service.categories if code in BY_CODE), None)
        referral = Referral(
            case_id=case_id,
            step_id=step_id,
            category=category,
            service_id=service.id,
            service_name=service.name,
            organization_name=service.organization_name,
            address=", ".join(part for part in (*service.address_lines, service.postal_code, service.city) if part),
            phone="; ".join(phone.number for phone in service.phones),
            email=service.email,
            url=service.url,
            hours="; ".join(service.schedule_lines),
            documents="; ".join(service.required_documents),
            status=ReferralStatus.MADE,
            made_on=on,
            note=note.strip(),
            made_by=user.id if user else None,
        )
        session.add(referral)
        session.flush()
        _event(session, case_id, EventKind.REFERRAL_MADE, category, on, user, referral_id=referral.id)
        _audit(session, case, user, AuditAction.REFERRAL_MADE, subject=service.name)
        return _referral_info(referral)


def update_referral(
    store: CasesStore,
    referral_id: int,
    *,
    version: int,
    status: ReferralStatus,
    on: dt.date,
    outcome: ReferralOutcome | None = None,
    note: str | None = None,
    user: UserInfo | None = None,
) -> ReferralInfo:
    """Move a referral on: contacted, attended, or its outcome known, each with its date.

    A later status may be recorded without the ones between (the person went without the
    service being called first); the dates must not go back in time.
    """
    try:
        with store.write() as session:
            referral = session.get(Referral, referral_id)
            if referral is None:
                raise NotFound()
            case = _case(session, referral.case_id, user)
            if referral.version != version:
                raise ChangedElsewhere()
            problems = []
            if on < referral.made_on:
                problems.append(Problem("on", N_("This date is before the referral was made.")))
            earlier = [d for d in (referral.contacted_on, referral.attended_on) if d is not None]
            if status is not ReferralStatus.MADE and _REFERRAL_ORDER.index(status) < _REFERRAL_ORDER.index(referral.status):
                problems.append(Problem("status", N_("The referral is already further along.")))
            if status is ReferralStatus.OUTCOME and outcome is None:
                problems.append(Problem("outcome", N_("Choose the outcome of the referral.")))
            if status is ReferralStatus.OUTCOME and earlier and on < max(earlier):
                problems.append(Problem("on", N_("The outcome cannot come before the earlier steps of the referral.")))
            if problems:
                raise ValidationFailed(problems)
            if status is ReferralStatus.CONTACTED:
                referral.contacted_on = on
            elif status is ReferralStatus.ATTENDED:
                referral.attended_on = on
            elif status is ReferralStatus.OUTCOME:
                referral.outcome, referral.outcome_on = outcome, on
            referral.status = status
            if note is not None:
                referral.note = note.strip()
            session.flush()
            if status is ReferralStatus.OUTCOME and outcome is not None:
                _event(
                    session, referral.case_id, EventKind.REFERRAL_OUTCOME, referral.category, on, user,
                    referral_id=referral.id, outcome=outcome.value,
                )
            detail = f"{status.value}:{outcome.value}" if status is ReferralStatus.OUTCOME and outcome else status.value
            _audit(session, case, user, AuditAction.REFERRAL_CHANGED, subject=referral.service_name, detail=detail)
            return _referral_info(referral)
    except StaleDataError as exc:
        raise ChangedElsewhere() from exc


# --- helpers ------------------------------------------------------------------------------------


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _audit(session: Session, case: Case, user: UserInfo | None, action: AuditAction, *, subject: str = "", detail: str = "") -> None:
    audit.record(session, user, action, case_id=case.id, case_reference=case.reference, subject=subject, detail=detail)


def _case(session: Session, case_id: int, user: UserInfo | None) -> Case:
    from caseworker.core.services.cases import may_open

    # Only the case's own row: whom it is assigned to, and whose it is. (A plain get would load
    # the whole case file with it, every list in it, for each of these reads.)
    case = session.get(Case, case_id, options=[lazyload("*")])
    if case is None or (user is not None and not may_open(user, case.assigned_to)):
        raise NotFound()
    return case


def _consents_to_sharing(session: Session, person_id: int, on: dt.date) -> bool:
    """The latest decision on sharing, as it stood on that day, was a yes not since withdrawn."""
    records = session.scalars(
        select(ConsentRecord)
        .where(ConsentRecord.person_id == person_id, ConsentRecord.scope == ConsentScope.SHARING)
        .where(ConsentRecord.recorded_on <= on)
        .order_by(ConsentRecord.recorded_on, ConsentRecord.id)
    ).all()
    if not records:
        return False
    latest = records[-1]
    return latest.given and (latest.withdrawn_on is None or latest.withdrawn_on > on)


def _step_category(template: PathwayTemplate | None, step_key: str) -> str | None:
    planned = template.step(step_key) if template is not None else None
    return planned.suggest[0] if planned and planned.suggest else None


def _event(
    session: Session,
    case_id: int,
    kind: EventKind,
    category: str | None,
    on: dt.date,
    user: UserInfo | None,
    *,
    pathway_id: int | None = None,
    referral_id: int | None = None,
    outcome: str | None = None,
) -> None:
    session.add(
        ServiceEvent(
            case_id=case_id,
            kind=kind,
            category=category,
            occurred_on=on,
            pathway_id=pathway_id,
            referral_id=referral_id,
            outcome=outcome,
            user_id=user.id if user else None,
        )
    )


def _pathway_info(pathway: Pathway) -> PathwayInfo:
    return PathwayInfo(
        id=pathway.id,
        case_id=pathway.case_id,
        template_id=pathway.template_id,
        title=pathway.title,
        category=pathway.category,
        status=pathway.status,
        started_on=pathway.started_on,
        ended_on=pathway.ended_on,
        end_reason=pathway.end_reason,
        steps=tuple(
            StepInfo(s.id, s.step_key, s.position, s.title, s.status, s.started_on, s.due_on, s.done_on, s.outcome, s.note)
            for s in sorted(pathway.steps, key=lambda s: s.position)
        ),
        version=pathway.version,
    )


def _referral_info(referral: Referral) -> ReferralInfo:
    return ReferralInfo(
        id=referral.id,
        case_id=referral.case_id,
        step_id=referral.step_id,
        category=referral.category,
        service_id=referral.service_id,
        service_name=referral.service_name,
        organization_name=referral.organization_name,
        address=referral.address,
        phone=referral.phone,
        email=referral.email,
        url=referral.url,
        hours=referral.hours,
        documents=referral.documents,
        status=referral.status,
        made_on=referral.made_on,
        contacted_on=referral.contacted_on,
        attended_on=referral.attended_on,
        outcome=referral.outcome,
        outcome_on=referral.outcome_on,
        note=referral.note,
        version=referral.version,
    )
