"""The fixed vocabularies of a case file. Values are stored as these strings; labels a person
reads are in caseworker.core.labels."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    COORDINATOR = "coordinator"
    CASEWORKER = "caseworker"
    VOLUNTEER = "volunteer"


class Gender(StrEnum):
    WOMAN = "woman"
    MAN = "man"
    NON_BINARY = "non_binary"
    NOT_STATED = "not_stated"


class CaseStatus(StrEnum):
    OPEN = "open"
    ON_HOLD = "on_hold"
    CLOSED = "closed"


class ClosureReason(StrEnum):
    EMPLOYED = "employed"
    IN_EDUCATION = "in_education"
    GOALS_MET = "goals_met"
    MOVED_AWAY = "moved_away"
    NO_LONGER_IN_CONTACT = "no_longer_in_contact"
    REFERRED_ELSEWHERE = "referred_elsewhere"
    CLIENT_REQUEST = "client_request"
    OTHER = "other"


class LegalStatus(StrEnum):
    ASYLUM_SEEKER = "asylum_seeker"
    REFUGEE = "refugee"
    SUBSIDIARY_PROTECTION = "subsidiary_protection"
    TEMPORARY_PROTECTION = "temporary_protection"
    FAMILY_REUNIFICATION = "family_reunification"
    WORK_PERMIT = "work_permit"
    STUDENT = "student"
    UNDOCUMENTED = "undocumented"
    OTHER = "other"


class WorkAuthorisation(StrEnum):
    YES = "yes"
    RESTRICTED = "restricted"
    NO = "no"


class CefrLevel(StrEnum):
    A1 = "A1"
    A2 = "A2"
    B1 = "B1"
    B2 = "B2"
    C1 = "C1"
    C2 = "C2"


class RecognitionStatus(StrEnum):
    NOT_STARTED = "not_started"
    DOCUMENTS_GATHERED = "documents_gathered"
    APPLIED = "applied"
    RECOGNISED = "recognised"
    PARTLY_RECOGNISED = "partly_recognised"
    REFUSED = "refused"
    QUALIFICATIONS_PASSPORT = "qualifications_passport"
    NOT_NEEDED = "not_needed"


class GoalStatus(StrEnum):
    OPEN = "open"
    ACHIEVED = "achieved"
    DROPPED = "dropped"


class MeetingKind(StrEnum):
    IN_PERSON = "in_person"
    PHONE = "phone"
    VIDEO = "video"
    MESSAGE = "message"


class ConsentScope(StrEnum):
    STORAGE = "storage"
    SHARING = "sharing"
    STATISTICS = "statistics"


class ConsentMethod(StrEnum):
    WRITTEN = "written"
    VERBAL = "verbal"
    ELECTRONIC = "electronic"


class PathwayStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    COMPLETED = "completed"
    DROPPED = "dropped"


class StepStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    SKIPPED = "skipped"


class ReferralStatus(StrEnum):
    """Where a referral stands: made, the service contacted, the person attended, the outcome known."""

    MADE = "made"
    CONTACTED = "contacted"
    ATTENDED = "attended"
    OUTCOME = "outcome"


class ReferralOutcome(StrEnum):
    ENROLLED = "enrolled"
    ACCEPTED = "accepted"
    REFUSED = "refused"
    NO_SHOW = "no_show"
    OTHER = "other"


class EventKind(StrEnum):
    """A service delivered, as the statistics count it."""

    PATHWAY_STARTED = "pathway_started"
    STEP_DONE = "step_done"
    PATHWAY_COMPLETED = "pathway_completed"
    PATHWAY_DROPPED = "pathway_dropped"
    REFERRAL_MADE = "referral_made"
    REFERRAL_OUTCOME = "referral_outcome"


class LabourStatus(StrEnum):
    """Where a person stood on the labour market when they entered a funded programme (ESF+)."""

    UNEMPLOYED = "unemployed"
    LONG_TERM_UNEMPLOYED = "long_term_unemployed"
    INACTIVE = "inactive"
    EMPLOYED = "employed"
    SELF_EMPLOYED = "self_employed"


class ExitResult(StrEnum):
    """What a person was doing when they left a funded programme (ESF+ immediate results); several may hold."""

    JOB_SEARCHING = "job_searching"
    IN_EDUCATION = "in_education"
    QUALIFICATION = "qualification"
    EMPLOYED = "employed"


class AuditAction(StrEnum):
    """What an audit trail entry records (services.audit)."""

    SIGNED_IN = "signed_in"
    CASE_VIEWED = "case_viewed"
    CASE_CREATED = "case_created"
    CASE_CHANGED = "case_changed"
    CASE_CLOSED = "case_closed"
    CASE_REOPENED = "case_reopened"
    CASE_EXPORTED = "case_exported"  # everything held about the person, for them
    CASE_ERASED = "case_erased"
    SENSITIVE_SHOWN = "sensitive_shown"
    PATHWAY_STARTED = "pathway_started"
    PATHWAY_STEP = "pathway_step"
    PATHWAY_CHANGED = "pathway_changed"
    REFERRAL_MADE = "referral_made"
    REFERRAL_CHANGED = "referral_changed"
    DOCUMENT_PRINTED = "document_printed"
    STATS_EXPORTED = "stats_exported"
    BACKUP_MADE = "backup_made"
    USER_ADDED = "user_added"
    USER_DISABLED = "user_disabled"
    USER_ENABLED = "user_enabled"
    ROLE_CHANGED = "role_changed"
    PASSWORD_RESET = "password_reset"
    PASSWORD_CHANGED = "password_changed"
