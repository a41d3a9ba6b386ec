"""Case files: create, read, save, close and reopen, and the case list."""

from __future__ import annotations

import calendar
import datetime as dt
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Integer, cast, delete, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from caseworker.core.dates import PartialDate
from caseworker.core.errors import BadInput, ChangedElsewhere, DiskFull, NotFound, Problem, ValidationFailed
from caseworker.core.i18n import N_
from caseworker.core.models import (
    Case,
    ConsentRecord,
    Education,
    Goal,
    LanguageSkill,
    LegalStatusRecord,
    Meeting,
    Nationality,
    Person,
    Qualification,
    UserAccount,
    WorkExperience,
)
from caseworker.core.models.cases import LEFT_RESULT_COLUMNS
from caseworker.core.models.enums import AuditAction, CaseStatus, ClosureReason, Role
from caseworker.core.reference import country_codes, is_isco_code, language_codes
from caseworker.core.services import audit
from caseworker.core.services.caselist import ListRow, summary_of_row
from caseworker.core.services.records import (
    CaseFile,
    CaseSummary,
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

if TYPE_CHECKING:
    from caseworker.core.db import CasesStore

Clock = Callable[[], dt.datetime]
log = logging.getLogger("caseworker")


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def local_today(clock: Clock) -> dt.date:
    """The date on the caseworker's wall calendar: a meeting at 00:30 in Athens is today's."""
    return clock().astimezone().date()


# --- validation --------------------------------------------------------------------------------


def _check_range(problems: list[Problem], where: str, start: dt.date | None, end: dt.date | None) -> None:
    if start is not None and end is not None and end < start:
        problems.append(Problem(where, N_("The end date is before the start date.")))


def _check_year(problems: list[Problem], where: str, year: int | None, today: dt.date) -> None:
    if year is not None and not 1900 <= year <= today.year + 10:
        problems.append(Problem(where, N_("{year} is not a plausible year."), year=year))


def _check_country(problems: list[Problem], where: str, code: str | None) -> None:
    if code and code not in country_codes():
        problems.append(Problem(where, N_("{code} is not a known country code."), code=code))


def validate(case: CaseFile, today: dt.date) -> list[Problem]:
    """Every problem with a case file before it is saved; an empty list means it may be saved."""
    problems: list[Problem] = []
    person = case.person
    if not person.name_latin.strip() and not person.name_native.strip():
        problems.append(Problem("person.name", N_("Enter the person's name, in Latin letters or in their own script.")))
    if person.birth.known and person.birth.earliest() > today:  # type: ignore[operator]
        problems.append(Problem("person.birth", N_("The date of birth is in the future.")))
    for code in person.nationalities:
        _check_country(problems, "person.nationalities", code)
    if person.stateless and person.nationalities:
        problems.append(Problem("person.nationalities", N_("A stateless person has no nationality; remove the nationalities or untick stateless.")))
    for code in person.preferred_languages:
        if code.split("_")[0] not in language_codes() or not code.replace("_", "").isalnum():
            problems.append(Problem("person.preferred_language", N_("{code} is not a known language code."), code=code))
    for i, skill in enumerate(case.languages):
        if skill.language.split("_")[0] not in language_codes():
            problems.append(Problem(f"languages.{i}", N_("{code} is not a known language code."), code=skill.language))
    for i, status in enumerate(case.legal_statuses):
        _check_range(problems, f"legal_statuses.{i}.permit", status.permit_from, status.permit_until)
        _check_range(problems, f"legal_statuses.{i}.work", status.work_from, status.work_until)
    for i, edu in enumerate(case.education):
        if edu.isced_level is not None and not 0 <= edu.isced_level <= 8:
            problems.append(Problem(f"education.{i}", N_("The ISCED level is a number from 0 to 8.")))
        _check_year(problems, f"education.{i}", edu.year_completed, today)
        _check_country(problems, f"education.{i}", edu.country)
    for i, qual in enumerate(case.qualifications):
        if not qual.title.strip():
            problems.append(Problem(f"qualifications.{i}", N_("Enter the qualification's title.")))
        _check_year(problems, f"qualifications.{i}", qual.year, today)
        _check_country(problems, f"qualifications.{i}", qual.country)
        _check_range(problems, f"qualifications.{i}", qual.applied_on, qual.decided_on)
    for i, job in enumerate(case.experience):
        if not job.occupation.strip():
            problems.append(Problem(f"experience.{i}", N_("Enter the occupation.")))
        if job.isco_code and not is_isco_code(job.isco_code):
            problems.append(Problem(f"experience.{i}", N_("{code} is not an ISCO-08 code."), code=job.isco_code))
        _check_year(problems, f"experience.{i}", job.start_year, today)
        _check_year(problems, f"experience.{i}", job.end_year, today)
        if job.start_year and job.end_year and job.end_year < job.start_year:
            problems.append(Problem(f"experience.{i}", N_("The end date is before the start date.")))
        _check_country(problems, f"experience.{i}", job.country)
    for i, goal in enumerate(case.goals):
        if not goal.text.strip():
            problems.append(Problem(f"goals.{i}", N_("A goal needs a description.")))
    for i, consent in enumerate(case.consents):
        _check_range(problems, f"consents.{i}", consent.recorded_on, consent.withdrawn_on)
    if case.status is CaseStatus.CLOSED and case.closure_reason is None:
        problems.append(Problem("closure_reason", N_("Choose why the case is closed.")))
    _check_range(problems, "closed_on", case.opened_on, case.closed_on)
    _check_range(problems, "left_on", case.entered_on, case.left_on)
    for where, day in (("entered_on", case.entered_on), ("left_on", case.left_on)):
        if day is not None and day > today:
            problems.append(Problem(where, N_("This date is in the future.")))
    if case.left_on is not None and case.entered_on is None:
        problems.append(Problem("entered_on", N_("Enter the date the person entered the programme.")))
    if case.left_results and case.left_on is None:
        problems.append(Problem("left_on", N_("Results on leaving need the date the person left.")))
    return problems



# --- ORM rows to records and back --------------------------------------------------------------


def _to_record(case: Case) -> CaseFile:
    p = case.person
    return CaseFile(
        id=case.id,
        reference=case.reference,
        version=case.version,
        status=case.status,
        assigned_to=case.assigned_to,
        opened_on=case.opened_on,
        closed_on=case.closed_on,
        closure_reason=case.closure_reason,
        closure_note=case.closure_note,
        entered_on=case.entered_on,
        entry_labour_status=case.entry_labour_status,
        left_on=case.left_on,
        left_results=tuple(result for result, column in LEFT_RESULT_COLUMNS.items() if getattr(case, column)),
        last_contact_on=case.last_contact_on,
        person=PersonDetails(
            name_latin=p.name_latin,
            name_native=p.name_native,
            birth=PartialDate(p.birth_year, p.birth_month, p.birth_day),
            gender=p.gender,
            nationalities=tuple(n.country for n in p.nationalities),
            stateless=p.stateless,
            phone=p.phone,
            email=p.email,
            address=p.address,
            preferred_language=p.preferred_language,
            other_languages=tuple((p.other_languages or "").split()),
            sensitive_notes=p.sensitive_notes or "",
        ),
        languages=tuple(
            LanguageSkillRecord(s.language, s.level, s.mother_tongue, s.assessed_on, s.note, s.id) for s in p.languages
        ),
        legal_statuses=tuple(
            LegalStatusEntry(
                s.status, s.work_authorisation, s.permit_from, s.permit_until, s.work_from, s.work_until, s.note, s.id
            )
            for s in p.legal_statuses
        ),
        education=tuple(
            EducationRecord(e.isced_level, e.field, e.institution, e.country, e.year_completed, e.completed, e.id)
            for e in p.education
        ),
        qualifications=tuple(
            QualificationRecord(
                q.title, q.recognition, q.issuer, q.country, q.year, q.has_documents, q.recognition_body,
                q.applied_on, q.decided_on, q.note, q.id,
            )
            for q in p.qualifications
        ),
        experience=tuple(
            WorkExperienceRecord(w.occupation, w.isco_code, w.employer, w.country, w.start_year, w.end_year, w.description, w.id)
            for w in p.experience
        ),
        goals=tuple(GoalRecord(g.text, g.status, g.target_date, g.id) for g in case.goals),
        meetings=tuple(MeetingRecord(m.held_on, m.kind, m.notes, m.caseworker_id, m.id) for m in case.meetings),
        consents=tuple(
            ConsentEntry(c.scope, c.given, c.recorded_on, c.method, c.withdrawn_on, c.note, c.id) for c in p.consents
        ),
    )


Row = TypeVar("Row")


def _sync(rows: list[Row], records: Sequence[Any], make: Callable[[], Row], fields: Iterable[str]) -> None:
    """Make ``rows`` match ``records``: update those with an id, add those without, drop the rest."""
    fields = tuple(fields)
    by_id = {row.id: row for row in rows}  # type: ignore[attr-defined]
    kept: list[Row] = []
    for record in records:
        row = by_id.get(record.id) if record.id is not None else None
        if row is None:
            row = make()
        for name in fields:
            setattr(row, name, getattr(record, name))
        kept.append(row)
    rows[:] = kept


def _fields(record_type: type) -> tuple[str, ...]:
    return tuple(name for name in record_type.__dataclass_fields__ if name != "id")


def _apply(case: Case, record: CaseFile, now: dt.datetime, today: dt.date) -> None:
    p = case.person
    details = record.person
    p.name_latin = details.name_latin.strip()
    p.name_native = details.name_native.strip()
    p.name_folded = fold(f"{p.name_latin} {p.name_native}")
    p.birth_year, p.birth_month, p.birth_day = details.birth.year, details.birth.month, details.birth.day
    p.gender = details.gender
    p.stateless = details.stateless
    p.phone = details.phone.strip()
    p.email = details.email.strip()
    p.address = details.address.strip()
    p.preferred_language = details.preferred_language
    p.other_languages = " ".join(code for code in details.preferred_languages if code != details.preferred_language)
    p.sensitive_notes = details.sensitive_notes.strip()
    p.updated_at = now
    wanted = list(dict.fromkeys(details.nationalities))
    p.nationalities[:] = [n for n in p.nationalities if n.country in wanted] + [
        Nationality(country=c) for c in wanted if c not in {n.country for n in p.nationalities}
    ]
    _sync(p.languages, record.languages, LanguageSkill, _fields(LanguageSkillRecord))
    _sync(p.legal_statuses, record.legal_statuses, LegalStatusRecord, _fields(LegalStatusEntry))
    _sync(p.education, record.education, Education, _fields(EducationRecord))
    _sync(p.qualifications, record.qualifications, Qualification, _fields(QualificationRecord))
    _sync(p.experience, record.experience, WorkExperience, _fields(WorkExperienceRecord))
    _sync(p.consents, record.consents, ConsentRecord, _fields(ConsentEntry))
    _sync(case.goals, record.goals, Goal, _fields(GoalRecord))
    _sync(case.meetings, record.meetings, Meeting, _fields(MeetingRecord))
    case.status = record.status
    case.assigned_to = record.assigned_to
    if record.opened_on is not None:
        case.opened_on = record.opened_on
    case.closed_on = record.closed_on
    case.closure_reason = record.closure_reason
    case.closure_note = record.closure_note
    case.entered_on = record.entered_on
    case.entry_labour_status = record.entry_labour_status
    case.left_on = record.left_on
    for result, column in LEFT_RESULT_COLUMNS.items():
        setattr(case, column, result in record.left_results)
    case.last_contact_on = max((m.held_on for m in record.meetings if m.held_on <= today), default=None)
    case.updated_at = now


def _next_reference(session: Session, year: int) -> str:
    prefix = f"{year}-"
    # The number, not the text: "2026-100000" sorts before "2026-99999" as text.
    number = cast(func.substr(Case.reference, len(prefix) + 1), Integer)
    last = session.scalar(select(func.max(number)).where(Case.reference.like(f"{prefix}%")))
    return f"{prefix}{(last or 0) + 1:05d}"


# --- use cases -------------------------------------------------------------------------------


def create_case(store: CasesStore, record: CaseFile, *, clock: Clock = utc_now, user: UserInfo | None = None) -> CaseFile:
    """Store a new person and their case; returns it as stored, with its id and reference."""
    now, today = clock(), local_today(clock)
    record = _with_defaults(record, today)
    problems = validate(record, today)
    if problems:
        raise ValidationFailed(problems)
    with store.write() as session:
        person = Person(created_at=now, updated_at=now)
        case = Case(person=person, reference=_next_reference(session, today.year), opened_on=record.opened_on, updated_at=now)
        _apply(case, record, now, today)
        session.add(case)
        session.flush()
        audit.record(session, user, AuditAction.CASE_CREATED, case_id=case.id, case_reference=case.reference, at=now)
        return _to_record(case)


def _with_defaults(record: CaseFile, today: dt.date) -> CaseFile:
    return replace(record, opened_on=record.opened_on or today)


def may_open(user: UserInfo, assigned_to: int | None) -> bool:
    """Whether ``user`` may see a case assigned to ``assigned_to``: a coordinator every case, a
    caseworker the cases assigned to them, a volunteer none.

    The issue also lets a caseworker open a case shared with them; there is no sharing yet, so
    the assignment alone decides. Keep this, case_list_rows and its query in step.
    """
    if user.role is Role.COORDINATOR:
        return True
    return user.role is Role.CASEWORKER and assigned_to is not None and assigned_to == user.id


def get_case(store: CasesStore, case_id: int, *, user: UserInfo | None = None) -> CaseFile:
    """One case file. With ``user``, a case they may not open is NotFound, as if it were not there.
    (Without it, no check: for callers that act for the organisation, such as backups and tests.)
    Leaves no trace in the audit trail: ``view_case`` is what a person's opening of a case calls."""
    with store.read() as session:
        return _to_record(_case_for(session, case_id, user))


def view_case(store: CasesStore, case_id: int, *, user: UserInfo, clock: Clock = utc_now) -> CaseFile:
    """One case file, opened by ``user`` to read: the audit trail records that they viewed it.

    A store that takes no writes (damaged, or in a read-only folder) is still read, without the
    entry: refusing to show what can be read would not protect anyone."""
    if store.read_only or store.damaged is not None:
        return get_case(store, case_id, user=user)
    try:
        with store.write() as session:
            case = _case_for(session, case_id, user)
            audit.record(session, user, AuditAction.CASE_VIEWED, case_id=case.id, case_reference=case.reference, at=clock())
            return _to_record(case)
    except DiskFull:
        # A full disk must not keep anyone from reading what is there; the next write says it.
        log.warning("the audit trail could not note a case opened: the disk is full")
        return get_case(store, case_id, user=user)


def _case_for(session: Session, case_id: int, user: UserInfo | None) -> Case:
    case = session.get(Case, case_id)
    if case is None or (user is not None and not may_open(user, case.assigned_to)):
        raise NotFound()
    return case


#: The sections of a case file as the audit trail names what a save changed: never the values.
_SECTIONS: dict[str, tuple[str, ...]] = {
    "case": ("status", "assigned_to", "opened_on", "closed_on", "closure_reason", "closure_note"),
    "participation": ("entered_on", "entry_labour_status", "left_on", "left_results"),
    "person": ("person",),
    "languages": ("languages",),
    "legal_status": ("legal_statuses",),
    "education": ("education",),
    "qualifications": ("qualifications",),
    "experience": ("experience",),
    "goals": ("goals",),
    "meetings": ("meetings",),
    "consent": ("consents",),
}


def changed_sections(before: CaseFile, after: CaseFile) -> list[str]:
    """The names of the sections whose values differ (keys of _SECTIONS, in that order), with the
    sensitive details named apart from the rest of the person."""
    plain = [replace(case, person=replace(case.person, sensitive_notes="")) for case in (before, after)]
    changed = [
        section for section, names in _SECTIONS.items()
        if any(getattr(plain[0], name) != getattr(plain[1], name) for name in names)
    ]
    if before.person.sensitive_notes != after.person.sensitive_notes:
        changed.append("sensitive")
    return changed


def note_sensitive_shown(store: CasesStore, case: CaseFile, *, user: UserInfo) -> None:
    """The sensitive details of a stored case were shown on screen: the audit trail says who and when."""
    if case.id is not None:
        audit.note(store, user, AuditAction.SENSITIVE_SHOWN, case_id=case.id, case_reference=case.reference)


def save_case(store: CasesStore, record: CaseFile, *, clock: Clock = utc_now, user: UserInfo | None = None) -> CaseFile:
    """Save an edited case file in one transaction. Refused if someone saved it since it was read,
    and, with ``user``, if it is not theirs to open (they may hand it over to someone else)."""
    return _save(store, record, clock, user, AuditAction.CASE_CHANGED)


def _save(store: CasesStore, record: CaseFile, clock: Clock, user: UserInfo | None, action: AuditAction) -> CaseFile:
    if record.id is None:
        raise NotFound()
    now, today = clock(), local_today(clock)
    problems = validate(record, today)
    if problems:
        raise ValidationFailed(problems)
    try:
        with store.write() as session:
            case = _case_for(session, record.id, user)
            if case.version != record.version:
                raise ChangedElsewhere()
            before = _to_record(case)
            _apply(case, record, now, today)
            # Every save moves the version, even one that changes only child rows, so a later
            # save from an older copy is always refused.
            flag_modified(case, "updated_at")
            session.flush()
            saved = _to_record(case)
            audit.record(session, user, action, case_id=case.id, case_reference=case.reference,
                         detail=audit.sections(changed_sections(before, saved)), at=now)
            return saved
    except StaleDataError as exc:
        raise ChangedElsewhere() from exc


def close_case(
    store: CasesStore,
    record: CaseFile,
    reason: ClosureReason,
    note: str = "",
    *,
    clock: Clock = utc_now,
    user: UserInfo | None = None,
) -> CaseFile:

    today = local_today(clock)
    closed = replace(record, status=CaseStatus.CLOSED, closure_reason=reason, closure_note=note, closed_on=today)
    return _save(store, closed, clock, user, AuditAction.CASE_CLOSED)


def reopen_case(
    store: CasesStore, record: CaseFile, *, clock: Clock = utc_now, user: UserInfo | None = None
) -> CaseFile:

    reopened = replace(record, status=CaseStatus.OPEN, closure_reason=None, closure_note="", closed_on=None)
    return _save(store, reopened, clock, user, AuditAction.CASE_REOPENED)


class ErasureByCoordinators(BadInput):
    template = N_("Only a coordinator can erase a case file.")


def erase_case(store: CasesStore, case_id: int, *, user: UserInfo, clock: Clock = utc_now) -> str:
    """Erase a person and their case file for good (the right to erasure); a coordinator's act.

    Every row about them goes in one transaction: the person, their case file and everything in
    it, their pathways, referrals and the service events counted in statistics (past reports
    made again will no longer count them). SQLite overwrites what is deleted with zeros
    (secure_delete), and the write-ahead log is folded into the file and emptied afterwards, so
    that no page of either still holds it. The audit trail keeps a tombstone: that the case, by
    its reference, was erased, by whom and when; its earlier entries name no one. Returns the
    reference. Backups made before hold the person until they are replaced.
    """
    if user.role is not Role.COORDINATOR:
        raise ErasureByCoordinators()
    with store.write() as session:
        case = _case_for(session, case_id, user)
        reference, person_id = case.reference, case.person_id
        session.expunge_all()
        # The person's row carries every other row with it (ON DELETE CASCADE, foreign keys on).
        session.execute(delete(Person).where(Person.id == person_id))
        audit.record(session, user, AuditAction.CASE_ERASED, case_id=case_id, case_reference=reference, at=clock())
    store.fold_write_ahead_log()
    return reference


#: How long a closed case is kept before it is listed for review and erasure, by default.
RETENTION_MONTHS = 24


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` months earlier (the month's last day where it has fewer days)."""
    year, month0 = divmod(day.year * 12 + day.month - 1 - months, 12)
    return dt.date(year, month0 + 1, min(day.day, calendar.monthrange(year, month0 + 1)[1]))


def due_for_review(
    store: CasesStore, user: UserInfo, *, months: int = RETENTION_MONTHS, today: dt.date | None = None
) -> list[tuple[CaseSummary, dt.date]]:
    """The cases closed ``months`` or more months ago, with the day each was closed, longest
    closed first: kept no longer than needed, a coordinator reviews them and erases those the
    organisation need not keep."""
    if user.role is not Role.COORDINATOR:
        raise ErasureByCoordinators()
    cutoff = months_before(today or dt.date.today(), months)
    due = [Case.status == CaseStatus.CLOSED, Case.closed_on <= cutoff]
    with store.read() as session:
        closed = dict(session.execute(select(Case.id, Case.closed_on).where(*due)).all())
    # Only the rows due, not the whole list (100,000 summaries to keep a few).
    rows = case_list_rows(store, user, where=due)
    return sorted(((summary_of_row(row), closed[row[0]]) for row in rows), key=lambda pair: (pair[1], pair[0].reference))


def case_list_rows(store: CasesStore, user: UserInfo, *, where: Sequence[Any] = ()) -> list[ListRow]:
    """Every case the user may see (and that meets ``where``'s conditions), as rows for the case
    list, in one query.

    Caseworkers see the cases assigned to them (see may_open); coordinators see all.
    The rows come straight from the driver, already in the list's shape, without the ORM's
    per-value conversions: at 100,000 cases those alone cost more than the second the list may
    take to appear.
    """
    if user.role not in (Role.COORDINATOR, Role.CASEWORKER):
        return []
    query = (
        select(
            Case.id,
            Case.reference,
            Person.name_latin,
            Person.name_native,
            Case.status,
            Case.assigned_to,
            func.coalesce(UserAccount.display_name, ""),
            Case.opened_on,
            Case.last_contact_on,
            Person.name_folded,
        )
        .join(Person, Case.person_id == Person.id)
        .outerjoin(UserAccount, Case.assigned_to == UserAccount.id)
    )
    if user.role is Role.CASEWORKER:
        query = query.where(Case.assigned_to == user.id)
    if where:
        query = query.where(*where)
    with store.read() as session:
        connection = session.connection()
        compiled = query.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True})
        cursor = connection.exec_driver_sql(str(compiled)).cursor
        assert cursor is not None
        rows: list[ListRow] = cursor.fetchall()
    if rows and not isinstance(rows[0][7], str):
        # SQLite gives dates back as ISO text, as the list keeps them; other databases as dates.
        rows = [(*r[:7], r[7].isoformat(), r[8].isoformat() if r[8] else None, r[9]) for r in rows]
    return rows


def case_summaries(store: CasesStore, user: UserInfo) -> list[CaseSummary]:
    """The same rows as CaseSummary values, for callers that want them all at once."""
    return [summary_of_row(row) for row in case_list_rows(store, user)]


def caseworkers(store: CasesStore) -> list[UserInfo]:
    """Accounts a case may be assigned to."""
    with store.read() as session:
        accounts = session.scalars(
            select(UserAccount).where(UserAccount.role != Role.VOLUNTEER).order_by(UserAccount.display_name)
        )
        return [UserInfo(a.id, a.username, a.display_name, a.role, a.active) for a in accounts]


def summary_of(case: CaseFile, caseworker_names: dict[int, str]) -> CaseSummary:
    """The case-list row for a case just saved, without reading the whole list again."""
    if case.id is None or case.opened_on is None:
        raise ValueError("only a stored case has a summary")
    person = case.person
    return CaseSummary(
        case_id=case.id,
        reference=case.reference,
        name_latin=person.name_latin,
        name_native=person.name_native,
        status=case.status,
        caseworker_id=case.assigned_to,
        caseworker_name=caseworker_names.get(case.assigned_to, "") if case.assigned_to is not None else "",
        opened_on=case.opened_on,
        last_contact_on=case.last_contact_on,
        folded_name=fold(f"{person.name_latin} {person.name_native}"),
    )
