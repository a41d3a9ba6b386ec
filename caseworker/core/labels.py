"""What each stored value is called on screen and in print. Marked with N_ here, translated
with _ where shown (``label(value)``)."""

from __future__ import annotations

from enum import StrEnum

from caseworker.core.i18n import N_, _
from caseworker.core.models.enums import (
    CaseStatus,
    CefrLevel,
    ClosureReason,
    ConsentMethod,
    ConsentScope,
    Gender,
    GoalStatus,
    LegalStatus,
    MeetingKind,
    RecognitionStatus,
    Role,
    WorkAuthorisation,
)

_LABELS: dict[StrEnum, str] = {
    Role.COORDINATOR: N_("Coordinator"),
    Role.CASEWORKER: N_("Caseworker"),
    Role.VOLUNTEER: N_("Volunteer"),
    Gender.WOMAN: N_("Woman"),
    Gender.MAN: N_("Man"),
    Gender.NON_BINARY: N_("Non-binary"),
    Gender.NOT_STATED: N_("Not stated"),
    CaseStatus.OPEN: N_("Open"),
    CaseStatus.ON_HOLD: N_("On hold"),
    CaseStatus.CLOSED: N_("Closed"),
    ClosureReason.EMPLOYED: N_("Found work"),
    ClosureReason.IN_EDUCATION: N_("Started education or training"),
    ClosureReason.GOALS_MET: N_("Goals met"),
    ClosureReason.MOVED_AWAY: N_("Moved away"),
    ClosureReason.NO_LONGER_IN_CONTACT: N_("No longer in contact"),
    ClosureReason.REFERRED_ELSEWHERE: N_("Referred to another organisation"),
    ClosureReason.CLIENT_REQUEST: N_("At the person's request"),
    ClosureReason.OTHER: N_("Other reason"),
    LegalStatus.ASYLUM_SEEKER: N_("Asylum seeker"),
    LegalStatus.REFUGEE: N_("Refugee"),
    LegalStatus.SUBSIDIARY_PROTECTION: N_("Subsidiary protection"),
    LegalStatus.TEMPORARY_PROTECTION: N_("Temporary protection"),
    LegalStatus.FAMILY_REUNIFICATION: N_("Family reunification"),
    LegalStatus.WORK_PERMIT: N_("Work permit holder"),
    LegalStatus.STUDENT: N_("Student"),
    LegalStatus.UNDOCUMENTED: N_("Undocumented"),
    LegalStatus.OTHER: N_("Other status"),
    WorkAuthorisation.YES: N_("May work"),
    WorkAuthorisation.RESTRICTED: N_("May work, with restrictions"),
    WorkAuthorisation.NO: N_("May not work"),
    RecognitionStatus.NOT_STARTED: N_("Not started"),
    RecognitionStatus.DOCUMENTS_GATHERED: N_("Documents gathered"),
    RecognitionStatus.APPLIED: N_("Applied for recognition"),
    RecognitionStatus.RECOGNISED: N_("Recognised"),
    RecognitionStatus.PARTLY_RECOGNISED: N_("Partly recognised"),
    RecognitionStatus.REFUSED: N_("Recognition refused"),
    RecognitionStatus.QUALIFICATIONS_PASSPORT: N_("European Qualifications Passport for Refugees"),
    RecognitionStatus.NOT_NEEDED: N_("No recognition needed"),
    GoalStatus.OPEN: N_("In progress"),
    GoalStatus.ACHIEVED: N_("Achieved"),
    GoalStatus.DROPPED: N_("Dropped"),
    MeetingKind.IN_PERSON: N_("In person"),
    MeetingKind.PHONE: N_("Phone"),
    MeetingKind.VIDEO: N_("Video call"),
    MeetingKind.MESSAGE: N_("Message"),
    ConsentScope.STORAGE: N_("Storing their data"),
    ConsentScope.SHARING: N_("Sharing with referral partners"),
    ConsentScope.STATISTICS: N_("Anonymised statistics"),
    ConsentMethod.WRITTEN: N_("In writing"),
    ConsentMethod.VERBAL: N_("Spoken"),
    ConsentMethod.ELECTRONIC: N_("Electronically"),
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
    return _(_LABELS[value])


def cefr_label(level: CefrLevel) -> str:
    return _("{level} – {description}").format(level=level.value, description=_(CEFR_DESCRIPTIONS[level]))


def isced_label(level: int) -> str:
    return _("ISCED {level}: {name}").format(level=level, name=_(ISCED_LEVELS[level]))


def all_labelled(enum_class: type[StrEnum]) -> list[tuple[StrEnum, str]]:
    return [(member, label(member)) for member in enum_class]
