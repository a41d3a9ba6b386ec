"""A case: the work done with one person, its goals and meetings."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseworker.core.models.accounts import UserAccount
from caseworker.core.models.base import Base, UtcDateTime, vocabulary
from caseworker.core.models.enums import CaseStatus, ClosureReason, ExitResult, GoalStatus, LabourStatus, MeetingKind
from caseworker.core.models.people import Person

_CHILD = {"cascade": "all, delete-orphan", "lazy": "selectin"}


class Case(Base):
    __tablename__ = "case_file"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # A short reference to speak of a case without naming the person, e.g. 2026-00042.
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    status: Mapped[CaseStatus] = mapped_column(vocabulary(CaseStatus, "case_status"), default=CaseStatus.OPEN, index=True)
    closure_reason: Mapped[ClosureReason | None] = mapped_column(vocabulary(ClosureReason, "closure_reason"))
    closure_note: Mapped[str] = mapped_column(Text, default="")
    assigned_to: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    opened_on: Mapped[dt.date] = mapped_column(Date)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    # The latest meeting's date, kept in step when meetings are saved, so the case list and the
    # follow-ups need no aggregate over every meeting.
    last_contact_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    # Participation in a funded programme, as ESF+ counts it (Regulation (EU) 2021/1057, Annex I):
    # when the person entered and where they stood on the labour market then; when they left and
    # what they were doing on leaving (several results may hold at once).
    entered_on: Mapped[dt.date | None] = mapped_column(Date)
    entry_labour_status: Mapped[LabourStatus | None] = mapped_column(vocabulary(LabourStatus, "labour_status"))
    left_on: Mapped[dt.date | None] = mapped_column(Date)
    left_job_searching: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    left_in_education: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    left_qualification: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    left_employed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    # Optimistic locking: a save that started from an older version is refused, never merged blindly.
    version: Mapped[int] = mapped_column(Integer, default=1)

    person: Mapped[Person] = relationship(lazy="joined")
    caseworker: Mapped[UserAccount | None] = relationship(lazy="joined")
    goals: Mapped[list[Goal]] = relationship(back_populates="case", order_by="Goal.id", **_CHILD)
    meetings: Mapped[list[Meeting]] = relationship(back_populates="case", order_by="Meeting.held_on", **_CHILD)

    __mapper_args__ = {"version_id_col": version}


# Each result on leaving is a column of its own: several may hold at once.
LEFT_RESULT_COLUMNS: dict[ExitResult, str] = {
    ExitResult.JOB_SEARCHING: "left_job_searching",
    ExitResult.IN_EDUCATION: "left_in_education",
    ExitResult.QUALIFICATION: "left_qualification",
    ExitResult.EMPLOYED: "left_employed",
}


class Goal(Base):
    __tablename__ = "goal"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[GoalStatus] = mapped_column(vocabulary(GoalStatus, "goal_status"), default=GoalStatus.OPEN)
    target_date: Mapped[dt.date | None] = mapped_column(Date)

    case: Mapped[Case] = relationship(back_populates="goals")


class Meeting(Base):
    __tablename__ = "meeting"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[dt.date] = mapped_column(Date, index=True)
    kind: Mapped[MeetingKind] = mapped_column(vocabulary(MeetingKind, "meeting_kind"), default=MeetingKind.IN_PERSON)
    notes: Mapped[str] = mapped_column(Text, default="")
    caseworker_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    case: Mapped[Case] = relationship(back_populates="meetings")
