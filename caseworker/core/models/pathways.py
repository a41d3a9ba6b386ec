"""Pathways through a service, their steps, referrals to other services, and the service events
the statistics count.

A pathway and its steps keep the template's title and step titles as they were when the pathway
started, so a case reads the same after an organisation edits or removes a template. A referral
keeps a snapshot of the service as it was given to the client (name, address, contact), whatever
the directory says later.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseworker.core.models.base import Base, UtcDateTime, vocabulary
from caseworker.core.models.enums import EventKind, PathwayStatus, ReferralOutcome, ReferralStatus, StepStatus


class Pathway(Base):
    __tablename__ = "pathway"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    template_id: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text)  # the template's title (its msgid) when started
    category: Mapped[str | None] = mapped_column(String(64))  # the directory category it is about
    status: Mapped[PathwayStatus] = mapped_column(vocabulary(PathwayStatus, "pathway_status"), default=PathwayStatus.ACTIVE)
    started_on: Mapped[dt.date] = mapped_column(Date)
    ended_on: Mapped[dt.date | None] = mapped_column(Date)
    end_reason: Mapped[str] = mapped_column(Text, default="")
    started_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    steps: Mapped[list[PathwayStep]] = relationship(
        back_populates="pathway", order_by="PathwayStep.position", cascade="all, delete-orphan", lazy="selectin"
    )

    __mapper_args__ = {"version_id_col": version}


class PathwayStep(Base):
    __tablename__ = "pathway_step"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pathway_id: Mapped[int] = mapped_column(ForeignKey("pathway.id", ondelete="CASCADE"), index=True)
    step_key: Mapped[str] = mapped_column(String(64))  # the step's id in the template
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)  # the step's title (its msgid) when the pathway started
    status: Mapped[StepStatus] = mapped_column(vocabulary(StepStatus, "step_status"), default=StepStatus.OPEN)
    started_on: Mapped[dt.date | None] = mapped_column(Date)
    due_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    done_on: Mapped[dt.date | None] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")

    pathway: Mapped[Pathway] = relationship(back_populates="steps")


class Referral(Base):
    __tablename__ = "referral"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    step_id: Mapped[int | None] = mapped_column(ForeignKey("pathway_step.id", ondelete="SET NULL"), index=True)
    category: Mapped[str | None] = mapped_column(String(64))
    # The service as it was given to the client.
    service_id: Mapped[str] = mapped_column(String(36))
    service_name: Mapped[str] = mapped_column(Text)
    organization_name: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str] = mapped_column(Text, default="")
    phone: Mapped[str] = mapped_column(Text, default="")
    email: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(Text, default="")
    hours: Mapped[str] = mapped_column(Text, default="")
    documents: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ReferralStatus] = mapped_column(vocabulary(ReferralStatus, "referral_status"), default=ReferralStatus.MADE)
    made_on: Mapped[dt.date] = mapped_column(Date, index=True)
    contacted_on: Mapped[dt.date | None] = mapped_column(Date)
    attended_on: Mapped[dt.date | None] = mapped_column(Date)
    outcome: Mapped[ReferralOutcome | None] = mapped_column(vocabulary(ReferralOutcome, "referral_outcome"))
    outcome_on: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    made_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class ServiceEvent(Base):
    """One service delivered: what (a category), when, for which case, in which pathway, with what outcome."""

    __tablename__ = "service_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    kind: Mapped[EventKind] = mapped_column(vocabulary(EventKind, "event_kind"))
    category: Mapped[str | None] = mapped_column(String(64))
    occurred_on: Mapped[dt.date] = mapped_column(Date, index=True)
    pathway_id: Mapped[int | None] = mapped_column(ForeignKey("pathway.id", ondelete="SET NULL"), index=True)
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referral.id", ondelete="SET NULL"), index=True)
    outcome: Mapped[str | None] = mapped_column(String(32))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
