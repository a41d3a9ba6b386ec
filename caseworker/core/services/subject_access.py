"""Everything held about a person, for them (the right of access, GDPR Article 15).

``gather`` reads the case file whole: the person, every section of the case, the pathways with
their steps, the referrals with the service as it was given, and what was done with the file and
when (from the audit trail, without the names of the staff who did it). ``as_json`` gives it as a
machine-readable document; caseworker.reports.subject_access prints it, readable, in the person's
language. Making it is a coordinator's act and the audit trail records it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from caseworker import __version__
from caseworker.core.errors import BadInput
from caseworker.core.files import write_atomically
from caseworker.core.i18n import N_
from caseworker.core.models.enums import AuditAction, Role
from caseworker.core.services import audit, cases
from caseworker.core.services import pathways as pathway_service
from caseworker.core.services.accounts import SignedIn
from caseworker.core.services.pathways import PathwayInfo, ReferralInfo
from caseworker.core.services.records import CaseFile, OrganisationInfo

FORMAT = 1


class ExportByCoordinators(BadInput):
    template = N_("Only a coordinator can export everything held about a person.")


@dataclass(frozen=True, slots=True)
class SubjectAccess:
    made_at: dt.datetime
    organisation: OrganisationInfo
    case: CaseFile
    pathways: tuple[PathwayInfo, ...]
    referrals: tuple[ReferralInfo, ...]
    # What was done with the file and when, oldest first.
    trail: tuple[tuple[dt.datetime, AuditAction], ...]


def gather(signed_in: SignedIn, case_id: int, *, now: dt.datetime | None = None) -> SubjectAccess:
    if signed_in.user.role is not Role.COORDINATOR:
        raise ExportByCoordinators()
    store, user = signed_in.store, signed_in.user
    case = cases.get_case(store, case_id, user=user)
    made = SubjectAccess(
        made_at=now or dt.datetime.now(dt.UTC),
        organisation=signed_in.organisation,
        case=case,
        pathways=tuple(pathway_service.pathways_of(store, case_id, user=user)),
        referrals=tuple(pathway_service.referrals_of(store, case_id, user=user)),
        trail=tuple((row.at, row.action) for row in reversed(audit.entries(store, audit.AuditFilter(case_reference=case.reference)))),
    )
    audit.note(store, user, AuditAction.CASE_EXPORTED, case_id=case_id, case_reference=case.reference)
    return made


def _plain(value: Any) -> Any:
    """A value as JSON holds it: dates as ISO 8601, vocabularies as their codes."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def as_json(access: SubjectAccess) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "made_by": f"Caseworker {__version__}",
        "made_at": access.made_at.isoformat(),
        "organisation": _plain(access.organisation),
        "case": _plain(access.case),
        "pathways": _plain(access.pathways),
        "referrals": _plain(access.referrals),
        "done_with_the_file": [{"at": at.isoformat(), "action": action.value} for at, action in access.trail],
    }


def write_json(access: SubjectAccess, out: Path) -> None:
    """Written whole or not at all."""
    text = json.dumps(as_json(access), ensure_ascii=False, indent=2, sort_keys=False)
    write_atomically(Path(out), text.encode("utf-8"))
