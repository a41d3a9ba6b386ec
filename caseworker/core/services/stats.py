"""Statistics and funder reports for coordinators: computed, protected, and only then handed out.

The only way to a report is `make_report`, which returns a protected `Report`; the true counts
never leave this module.
"""

from __future__ import annotations

import datetime as dt

from caseworker.core.errors import BadInput
from caseworker.core.i18n import N_
from caseworker.core.models.enums import AuditAction, Role
from caseworker.core.services import audit
from caseworker.core.services.accounts import CoordinatorsOnly, SignedIn
from caseworker.core.stats.compute import REPORTS
from caseworker.core.stats.model import DEFAULT_MIN_CELL, LOWEST_MIN_CELL, Period, Report, ReportKind
from caseworker.core.stats.periods import labelled
from caseworker.core.stats.suppression import check_min_cell, protect


class MinCellTooSmall(BadInput):
    template = N_("The smallest count shown must be at least {lowest}; {given} would let small groups of people be recognised.")


def make_report(
    signed_in: SignedIn,
    kind: ReportKind,
    period: Period,
    *,
    min_cell: int = DEFAULT_MIN_CELL,
    today: dt.date | None = None,
) -> Report:
    """A report over whole months for a coordinator, every count from 1 to K-1 suppressed."""
    if signed_in.user.role is not Role.COORDINATOR:
        raise CoordinatorsOnly(N_("Only a coordinator can make statistics and funder reports."))
    try:
        check_min_cell(min_cell)
    except ValueError:
        raise MinCellTooSmall(lowest=LOWEST_MIN_CELL, given=min_cell) from None
    today = today or dt.date.today()
    period = labelled(period)
    raw = REPORTS[kind](signed_in.store, period, today, signed_in.organisation.host_language)
    report = protect(raw, min_cell, created_on=today)
    audit.note(signed_in.store, signed_in.user, AuditAction.STATS_EXPORTED, subject=kind.value,
               detail=f"{period.start.isoformat()}..{period.end.isoformat()}")
    return report
