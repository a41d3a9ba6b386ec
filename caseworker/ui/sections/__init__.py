"""The pages of the case editor, one module per part of a case file."""

from caseworker.ui.sections.case import CaseSection, CaseValues, CaseworkerNames
from caseworker.ui.sections.consent import ConsentDialog, ConsentModel, ConsentSection
from caseworker.ui.sections.education import EducationDialog, EducationModel, EducationSection
from caseworker.ui.sections.experience import ExperienceDialog, ExperienceModel, ExperienceSection
from caseworker.ui.sections.goals import GoalDialog, GoalsModel, GoalsSection
from caseworker.ui.sections.languages import LanguageDialog, LanguagesModel, LanguagesSection
from caseworker.ui.sections.legal import LegalStatusDialog, LegalStatusModel, LegalStatusSection
from caseworker.ui.sections.meetings import MeetingDialog, MeetingsModel, MeetingsSection
from caseworker.ui.sections.person import PersonSection
from caseworker.ui.sections.qualifications import QualificationDialog, QualificationsModel, QualificationsSection

__all__ = [
    "CaseSection",
    "CaseValues",
    "CaseworkerNames",
    "ConsentDialog",
    "ConsentModel",
    "ConsentSection",
    "EducationDialog",
    "EducationModel",
    "EducationSection",
    "ExperienceDialog",
    "ExperienceModel",
    "ExperienceSection",
    "GoalDialog",
    "GoalsModel",
    "GoalsSection",
    "LanguageDialog",
    "LanguagesModel",
    "LanguagesSection",
    "LegalStatusDialog",
    "LegalStatusModel",
    "LegalStatusSection",
    "MeetingDialog",
    "MeetingsModel",
    "MeetingsSection",
    "PersonSection",
    "QualificationDialog",
    "QualificationsModel",
    "QualificationsSection",
]
