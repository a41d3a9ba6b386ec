"""The case-file schema. Importing this package registers every table on Base.metadata."""

from caseworker.core.models.accounts import Organisation, UserAccount
from caseworker.core.models.audit import AuditEntry
from caseworker.core.models.base import Base
from caseworker.core.models.cases import Case, Goal, Meeting
from caseworker.core.models.pathways import Pathway, PathwayStep, Referral, ServiceEvent
from caseworker.core.models.people import (
    ConsentRecord,
    Education,
    LanguageSkill,
    LegalStatusRecord,
    Nationality,
    Person,
    Qualification,
    WorkExperience,
)

__all__ = [
    "AuditEntry",
    "Base",
    "Case",
    "ConsentRecord",
    "Education",
    "Goal",
    "LanguageSkill",
    "LegalStatusRecord",
    "Meeting",
    "Nationality",
    "Organisation",
    "Pathway",
    "PathwayStep",
    "Person",
    "Qualification",
    "Referral",
    "ServiceEvent",
    "UserAccount",
    "WorkExperience",
]
