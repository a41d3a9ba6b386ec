"""What each stored value is called on screen and in print. Marked with N_ here, translated
with _ where shown (``label(value)``)."""

from __future__ import annotations

from enum import StrEnum

from caseworker.core.i18n import N_, _
from caseworker.core.models.enums import (
    AuditAction,
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
    PathwayStatus,
    RecognitionStatus,
    ReferralOutcome,
    ReferralStatus,
    Role,
    StepStatus,
    WorkAuthorisation,
)

# Keyed by (vocabulary, value): members of different vocabularies with the same value ("open",
# "other") are equal as strings, and must not share a label.
_LABELS: dict[tuple[type[StrEnum], str], str] = {
    (PathwayStatus, PathwayStatus.ACTIVE.value): N_("Under way"),
    (PathwayStatus, PathwayStatus.PAUSED.value): N_("Paused"),
    (PathwayStatus, PathwayStatus.COMPLETED.value): N_("Completed"),
    (PathwayStatus, PathwayStatus.DROPPED.value): N_("Dropped"),
    (StepStatus, StepStatus.OPEN.value): N_("To do"),
    (StepStatus, StepStatus.DONE.value): N_("Done"),
    (StepStatus, StepStatus.SKIPPED.value): N_("Skipped"),
    (ReferralStatus, ReferralStatus.MADE.value): N_("Referred"),
    (ReferralStatus, ReferralStatus.CONTACTED.value): N_("Service contacted"),
    (ReferralStatus, ReferralStatus.ATTENDED.value): N_("Attended"),
    (ReferralStatus, ReferralStatus.OUTCOME.value): N_("Outcome known"),
    (ReferralOutcome, ReferralOutcome.ENROLLED.value): N_("Enrolled"),
    (ReferralOutcome, ReferralOutcome.ACCEPTED.value): N_("Accepted"),
    (ReferralOutcome, ReferralOutcome.REFUSED.value): N_("Refused"),
    (ReferralOutcome, ReferralOutcome.NO_SHOW.value): N_("Did not go"),
    (ReferralOutcome, ReferralOutcome.OTHER.value): N_("Other outcome"),
    (Role, Role.COORDINATOR.value): N_("Coordinator"),
    (Role, Role.CASEWORKER.value): N_("Caseworker"),
    (Role, Role.VOLUNTEER.value): N_("Volunteer"),
    (Gender, Gender.WOMAN.value): N_("Woman"),
    (Gender, Gender.MAN.value): N_("Man"),
    (Gender, Gender.NON_BINARY.value): N_("Non-binary"),
    (Gender, Gender.NOT_STATED.value): N_("Not stated"),
    (CaseStatus, CaseStatus.OPEN.value): N_("Open"),
    (CaseStatus, CaseStatus.ON_HOLD.value): N_("On hold"),
    (CaseStatus, CaseStatus.CLOSED.value): N_("Closed"),
    (ClosureReason, ClosureReason.EMPLOYED.value): N_("Found work"),
    (ClosureReason, ClosureReason.IN_EDUCATION.value): N_("Started education or training"),
    (ClosureReason, ClosureReason.GOALS_MET.value): N_("Goals met"),
    (ClosureReason, ClosureReason.MOVED_AWAY.value): N_("Moved away"),
    (ClosureReason, ClosureReason.NO_LONGER_IN_CONTACT.value): N_("No longer in contact"),
    (ClosureReason, ClosureReason.REFERRED_ELSEWHERE.value): N_("Referred to another organisation"),
    (ClosureReason, ClosureReason.CLIENT_REQUEST.value): N_("At the person's request"),
    (ClosureReason, ClosureReason.OTHER.value): N_("Other reason"),
    (LegalStatus, LegalStatus.ASYLUM_SEEKER.value): N_("Asylum seeker"),
    (LegalStatus, LegalStatus.REFUGEE.value): N_("Refugee"),
    (LegalStatus, LegalStatus.SUBSIDIARY_PROTECTION.value): N_("Subsidiary protection"),
    (LegalStatus, LegalStatus.TEMPORARY_PROTECTION.value): N_("Temporary protection"),
    (LegalStatus, LegalStatus.FAMILY_REUNIFICATION.value): N_("Family reunification"),
    (LegalStatus, LegalStatus.WORK_PERMIT.value): N_("Work permit holder"),
    (LegalStatus, LegalStatus.STUDENT.value): N_("Student"),
    (LegalStatus, LegalStatus.UNDOCUMENTED.value): N_("Undocumented"),
    (LegalStatus, LegalStatus.OTHER.value): N_("Other status"),
    (WorkAuthorisation, WorkAuthorisation.YES.value): N_("May work"),
    (WorkAuthorisation, WorkAuthorisation.RESTRICTED.value): N_("May work, with restrictions"),
    (WorkAuthorisation, WorkAuthorisation.NO.value): N_("May not work"),
    (RecognitionStatus, RecognitionStatus.NOT_STARTED.value): N_("Not started"),
    (RecognitionStatus, RecognitionStatus.DOCUMENTS_GATHERED.value): N_("Documents gathered"),
    (RecognitionStatus, RecognitionStatus.APPLIED.value): N_("Applied for recognition"),
    (RecognitionStatus, RecognitionStatus.RECOGNISED.value): N_("Recognised"),
    (RecognitionStatus, RecognitionStatus.PARTLY_RECOGNISED.value): N_("Partly recognised"),
    (RecognitionStatus, RecognitionStatus.REFUSED.value): N_("Recognition refused"),
    (RecognitionStatus, RecognitionStatus.QUALIFICATIONS_PASSPORT.value): N_("European Qualifications Passport for Refugees"),
    (RecognitionStatus, RecognitionStatus.NOT_NEEDED.value): N_("No recognition needed"),
    (GoalStatus, GoalStatus.OPEN.value): N_("In progress"),
    (GoalStatus, GoalStatus.ACHIEVED.value): N_("Achieved"),
    (GoalStatus, GoalStatus.DROPPED.value): N_("Dropped"),
    (MeetingKind, MeetingKind.IN_PERSON.value): N_("In person"),
    (MeetingKind, MeetingKind.PHONE.value): N_("Phone"),
    (MeetingKind, MeetingKind.VIDEO.value): N_("Video call"),
    (MeetingKind, MeetingKind.MESSAGE.value): N_("Message"),
    (ConsentScope, ConsentScope.STORAGE.value): N_("Storing their data"),
    (ConsentScope, ConsentScope.SHARING.value): N_("Sharing with referral partners"),
    (ConsentScope, ConsentScope.STATISTICS.value): N_("Anonymised statistics"),
    (ConsentMethod, ConsentMethod.WRITTEN.value): N_("In writing"),
    (ConsentMethod, ConsentMethod.VERBAL.value): N_("Spoken"),
    (ConsentMethod, ConsentMethod.ELECTRONIC.value): N_("Electronically"),
    (LabourStatus, LabourStatus.UNEMPLOYED.value): N_("Unemployed"),
    (LabourStatus, LabourStatus.LONG_TERM_UNEMPLOYED.value): N_("Long-term unemployed"),
    (LabourStatus, LabourStatus.INACTIVE.value): N_("Inactive (not working, not looking for work)"),
    (LabourStatus, LabourStatus.EMPLOYED.value): N_("Employed"),
    (LabourStatus, LabourStatus.SELF_EMPLOYED.value): N_("Self-employed"),
    (ExitResult, ExitResult.JOB_SEARCHING.value): N_("Looking for work"),
    (ExitResult, ExitResult.IN_EDUCATION.value): N_("In education or training"),
    (ExitResult, ExitResult.QUALIFICATION.value): N_("Gained a qualification"),
    (ExitResult, ExitResult.EMPLOYED.value): N_("In work, employed or self-employed"),
    (AuditAction, AuditAction.SIGNED_IN.value): N_("Signed in"),
    (AuditAction, AuditAction.CASE_VIEWED.value): N_("Opened a case"),
    (AuditAction, AuditAction.CASE_CREATED.value): N_("Created a case"),
    (AuditAction, AuditAction.CASE_CHANGED.value): N_("Changed a case"),
    (AuditAction, AuditAction.CASE_CLOSED.value): N_("Closed a case"),
    (AuditAction, AuditAction.CASE_REOPENED.value): N_("Reopened a case"),
    (AuditAction, AuditAction.CASE_EXPORTED.value): N_("Exported everything held about a person"),
    (AuditAction, AuditAction.CASE_ERASED.value): N_("Erased a case"),
    (AuditAction, AuditAction.SENSITIVE_SHOWN.value): N_("Showed sensitive details"),
    (AuditAction, AuditAction.PATHWAY_STARTED.value): N_("Started a pathway"),
    (AuditAction, AuditAction.PATHWAY_STEP.value): N_("Recorded a pathway step"),
    (AuditAction, AuditAction.PATHWAY_CHANGED.value): N_("Paused, resumed or ended a pathway"),
    (AuditAction, AuditAction.REFERRAL_MADE.value): N_("Made a referral"),
    (AuditAction, AuditAction.REFERRAL_CHANGED.value): N_("Updated a referral"),
    (AuditAction, AuditAction.DOCUMENT_PRINTED.value): N_("Printed or saved a document"),
    (AuditAction, AuditAction.STATS_EXPORTED.value): N_("Made a statistics report"),
    (AuditAction, AuditAction.BACKUP_MADE.value): N_("Made a backup"),
    (AuditAction, AuditAction.USER_ADDED.value): N_("Added a user"),
    (AuditAction, AuditAction.USER_DISABLED.value): N_("Disabled a user"),
    (AuditAction, AuditAction.USER_ENABLED.value): N_("Enabled a user"),
    (AuditAction, AuditAction.ROLE_CHANGED.value): N_("Changed a user's role"),
    (AuditAction, AuditAction.PASSWORD_RESET.value): N_("Gave a user a new password"),
    (AuditAction, AuditAction.PASSWORD_CHANGED.value): N_("Changed their own password"),
}

# CEFR levels are international names and stay as they are; the descriptions are translated.
CEFR_DESCRIPTIONS: dict[CefrLevel, str] = {
    CefrLevel.A1: N_("Beginner"),
    CefrLevel.A2: N_("Elementary"),
    CefrLevel.B1: N_("Intermediate"),
    CefrLevel.B2: N_("Upper intermediate"),
    CefrLevel.C1: N_("Advanced"),
    CefrLevel.C2: N_("Proficient"),
}

# ISCED 2011 levels of education.
ISCED_LEVELS: dict[int, str] = {
    0: N_("Early childhood education"),
    1: N_("Primary education"),
    2: N_("Lower secondary education"),
    3: N_("Upper secondary education"),
    4: N_("Post-secondary non-tertiary education"),
    5: N_("Short-cycle tertiary education"),
    6: N_("Bachelor's or equivalent"),
    7: N_("Master's or equivalent"),
    8: N_("Doctoral or equivalent"),
}


def label(value: StrEnum) -> str:
    return _(_LABELS[(type(value), value.value)])


def cefr_label(level: CefrLevel) -> str:
    return _("{level} – {description}").format(level=level.value, description=_(CEFR_DESCRIPTIONS[level]))


def isced_label(level: int) -> str:
    return _("ISCED {level}: {name}").format(level=level, name=_(ISCED_LEVELS[level]))


def all_labelled(enum_class: type[StrEnum]) -> list[tuple[StrEnum, str]]:
    return [(member, label(member)) for member in enum_class]


# Regions of nationality (caseworker.core.reference.REGIONS), for statistics.
REGION_LABELS: dict[str, str] = {
    "eu": N_("EU member states"),
    "europe_other": N_("Rest of Europe"),
    "northern_africa": N_("Northern Africa"),
    "sub_saharan_africa": N_("Sub-Saharan Africa"),
    "western_asia": N_("Western Asia"),
    "central_asia": N_("Central Asia"),
    "southern_asia": N_("Southern Asia"),
    "eastern_asia": N_("Eastern Asia"),
    "south_eastern_asia": N_("South-eastern Asia"),
    "latin_america_caribbean": N_("Latin America and the Caribbean"),
    "northern_america": N_("Northern America"),
    "oceania": N_("Oceania"),
    "other": N_("Other"),
    "stateless": N_("Stateless"),
    "not_recorded": N_("Not recorded"),
}


def region_label(key: str) -> str:
    return _(REGION_LABELS[key])
