"""The plain, frozen shapes that services give to the UI and the command line."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from caseworker.core.dates import PartialDate
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


@dataclass(frozen=True, slots=True)
class UserInfo:
    id: int
    username: str
    display_name: str
    role: Role
    active: bool = True


@dataclass(frozen=True, slots=True)
class OrganisationInfo:
    name: str
    country: str | None
    host_language: str | None


@dataclass(frozen=True, slots=True)
class PersonDetails:
    name_latin: str = ""
    name_native: str = ""
    birth: PartialDate = field(default_factory=PartialDate)
    gender: Gender = Gender.NOT_STATED
    nationalities: tuple[str, ...] = ()
    stateless: bool = False
    phone: str = ""
    email: str = ""
    address: str = ""
    preferred_language: str | None = None
    # Further languages the person reads, in order of preference: a handout may be printed in
    # any of them (someone who speaks Tigrinya may read Amharic or Arabic better).
    other_languages: tuple[str, ...] = ()
    # Health, vulnerabilities, religion: recorded only where the organisation chooses to, hidden
    # on screen until shown, and each showing recorded in the audit trail.
    sensitive_notes: str = ""

    @property
    def display_name(self) -> str:
        return self.name_latin or self.name_native

    @property
    def preferred_languages(self) -> tuple[str, ...]:
        """Every language the person prefers, the first first."""
        first = (self.preferred_language,) if self.preferred_language else ()
        return tuple(dict.fromkeys(first + self.other_languages))


@dataclass(frozen=True, slots=True)
class LanguageSkillRecord:
    language: str
    level: CefrLevel | None = None
    mother_tongue: bool = False
    assessed_on: dt.date | None = None
    note: str = ""
    id: int | None = None


@dataclass(frozen=True, slots=True)
class LegalStatusEntry:
    status: LegalStatus
    work_authorisation: WorkAuthorisation
    permit_from: dt.date | None = None
    permit_until: dt.date | None = None
    work_from: dt.date | None = None
    work_until: dt.date | None = None
    note: str = ""
    id: int | None = None


@dataclass(frozen=True, slots=True)
class EducationRecord:
    isced_level: int | None = None
    field: str = ""
    institution: str = ""
    country: str | None = None
    year_completed: int | None = None
    completed: bool = True
    id: int | None = None


@dataclass(frozen=True, slots=True)
class QualificationRecord:
    title: str
    recognition: RecognitionStatus = RecognitionStatus.NOT_STARTED
    issuer: str = ""
    country: str | None = None
    year: int | None = None
    has_documents: bool = False
    recognition_body: str = ""
    applied_on: dt.date | None = None
    decided_on: dt.date | None = None
    note: str = ""
    id: int | None = None


@dataclass(frozen=True, slots=True)
class WorkExperienceRecord:
    occupation: str
    isco_code: str | None = None
    employer: str = ""
    country: str | None = None
    start_year: int | None = None
    end_year: int | None = None
    description: str = ""
    id: int | None = None


@dataclass(frozen=True, slots=True)
class GoalRecord:
    text: str
    status: GoalStatus = GoalStatus.OPEN
    target_date: dt.date | None = None
    id: int | None = None


@dataclass(frozen=True, slots=True)
class MeetingRecord:
    held_on: dt.date
    kind: MeetingKind = MeetingKind.IN_PERSON
    notes: str = ""
    caseworker_id: int | None = None
    id: int | None = None


@dataclass(frozen=True, slots=True)
class ConsentEntry:
    scope: ConsentScope
    given: bool
    recorded_on: dt.date
    method: ConsentMethod = ConsentMethod.WRITTEN
    withdrawn_on: dt.date | None = None
    note: str = ""
    id: int | None = None

    @property
    def in_force(self) -> bool:
        return self.given and self.withdrawn_on is None


@dataclass(frozen=True, slots=True)
class CaseFile:
    """Everything the case editor shows and saves, as one value."""

    person: PersonDetails
    status: CaseStatus = CaseStatus.OPEN
    assigned_to: int | None = None
    opened_on: dt.date | None = None
    closed_on: dt.date | None = None
    closure_reason: ClosureReason | None = None
    closure_note: str = ""
    # Participation in a funded programme (ESF+): entry, status at entry, leaving, results on leaving.
    entered_on: dt.date | None = None
    entry_labour_status: LabourStatus | None = None
    left_on: dt.date | None = None
    left_results: tuple[ExitResult, ...] = ()
    languages: tuple[LanguageSkillRecord, ...] = ()
    legal_statuses: tuple[LegalStatusEntry, ...] = ()
    education: tuple[EducationRecord, ...] = ()
    qualifications: tuple[QualificationRecord, ...] = ()
    experience: tuple[WorkExperienceRecord, ...] = ()
    goals: tuple[GoalRecord, ...] = ()
    meetings: tuple[MeetingRecord, ...] = ()
    consents: tuple[ConsentEntry, ...] = ()
    # Set once stored:
    id: int | None = None
    reference: str = ""
    version: int = 0
    last_contact_on: dt.date | None = None

    @property
    def current_legal_status(self) -> LegalStatusEntry | None:
        return self.legal_statuses[-1] if self.legal_statuses else None


@dataclass(frozen=True, slots=True)
class CaseSummary:
    """One row of the case list."""

    case_id: int
    reference: str
    name_latin: str
    name_native: str
    status: CaseStatus
    caseworker_id: int | None
    caseworker_name: str
    opened_on: dt.date
    last_contact_on: dt.date | None
    folded_name: str
