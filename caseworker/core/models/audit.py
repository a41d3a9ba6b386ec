"""The audit trail: who viewed, created, changed, exported or erased what, and when.

Rows are only ever added (services.audit.record), each carrying the hash of the one before, so
that a row edited or removed afterwards breaks the chain (services.audit.verify).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from caseworker.core.models.base import Base, UtcDateTime, vocabulary
from caseworker.core.models.enums import AuditAction


class AuditEntry(Base):
    """One thing done. Never a value from a case file: the case is named by its id and reference,
    what changed by the names of its sections, and a person by nothing at all."""

    __tablename__ = "audit_entry"
    # AUTOINCREMENT: ids are never reused, and sqlite_sequence keeps the highest one given, so
    # that removing the newest rows (which breaks no link) is found as well.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime, index=True)
    # The account, and its name then: an account renamed or removed later still reads right.
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[AuditAction] = mapped_column(vocabulary(AuditAction, "audit_action"), index=True)
    # The case acted on (no foreign key: the row outlives the case when the case is erased).
    case_id: Mapped[int | None] = mapped_column(Integer, index=True)
    case_reference: Mapped[str] = mapped_column(String(32), default="")
    # What else was acted on: an account's user name, a report, a backup file's name.
    subject: Mapped[str] = mapped_column(String(200), default="")
    # Words from a fixed vocabulary: the sections changed, a format, a period.
    detail: Mapped[str] = mapped_column(String(500), default="")
    previous_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
