"""A person and the facts about them that matter for work."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseworker.core.models.base import Base, UtcDateTime, vocabulary
from caseworker.core.models.enums import (
    CefrLevel,
    ConsentMethod,
    ConsentScope,
    Gender,
    LegalStatus,
    RecognitionStatus,
    WorkAuthorisation,
)

_CHILD = {"cascade": "all, delete-orphan", "lazy": "selectin"}


class Person(Base):
    __tablename__ = "person"
    __table_args__ = (
        CheckConstraint("birth_month IS NULL OR birth_month BETWEEN 1 AND 12", name="birth_month"),
        CheckConstraint("birth_day IS NULL OR birth_day BETWEEN 1 AND 31", name="birth_day"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The name as the person writes it (Arabic, Tigrinya, Cyrillic…) and in Latin letters, as on
    # European papers; either may be the only one known.
    name_latin: Mapped[str] = mapped_column(String(200), default="")
    name_native: Mapped[str] = mapped_column(String(200), default="")
    # Both names folded for search (caseworker.core.text.fold); derived, kept in step on save.
    name_folded: Mapped[str] = mapped_column(String(400), default="")
    birth_year: Mapped[int | None] = mapped_column(Integer)
    birth_month: Mapped[int | None] = mapped_column(Integer)
    birth_day: Mapped[int | None] = mapped_column(Integer)
    gender: Mapped[Gender] = mapped_column(vocabulary(Gender, "gender"), default=Gender.NOT_STATED)
    stateless: Mapped[bool] = mapped_column(Boolean, default=False)
    phone: Mapped[str] = mapped_column(String(64), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    preferred_language: Mapped[str | None] = mapped_column(String(16))
    # The languages after the first, in the order the person would rather read them: codes
    # separated by spaces, as in "ti am" (a short list of codes, read and written whole).
    other_languages: Mapped[str] = mapped_column(String(200), default="", server_default=text("''"))
    sensitive_notes: Mapped[str] = mapped_column(Text, default="", server_default=text("''"))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)

    nationalities: Mapped[list[Nationality]] = relationship(back_populates="person", order_by="Nationality.country", **_CHILD)
    languages: Mapped[list[LanguageSkill]] = relationship(back_populates="person", order_by="LanguageSkill.id", **_CHILD)
    legal_statuses: Mapped[list[LegalStatusRecord]] = relationship(back_populates="person", order_by="LegalStatusRecord.id", **_CHILD)
    education: Mapped[list[Education]] = relationship(back_populates="person", order_by="Education.id", **_CHILD)
    qualifications: Mapped[list[Qualification]] = relationship(back_populates="person", order_by="Qualification.id", **_CHILD)
    experience: Mapped[list[WorkExperience]] = relationship(back_populates="person", order_by="WorkExperience.id", **_CHILD)
    consents: Mapped[list[ConsentRecord]] = relationship(back_populates="person", order_by="ConsentRecord.id", **_CHILD)


class Nationality(Base):
    __tablename__ = "nationality"

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    country: Mapped[str] = mapped_column(String(2), primary_key=True)  # ISO 3166-1 alpha-2

    person: Mapped[Person] = relationship(back_populates="nationalities")


class LanguageSkill(Base):
    """One assessment of one language; several over time show progress."""

    __tablename__ = "language_skill"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(16))  # ISO 639 / BCP 47
    level: Mapped[CefrLevel | None] = mapped_column(vocabulary(CefrLevel, "cefr_level"))
    mother_tongue: Mapped[bool] = mapped_column(Boolean, default=False)
    assessed_on: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")

    person: Mapped[Person] = relationship(back_populates="languages")


class LegalStatusRecord(Base):
    __tablename__ = "legal_status"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    status: Mapped[LegalStatus] = mapped_column(vocabulary(LegalStatus, "legal_status"))
    permit_from: Mapped[dt.date | None] = mapped_column(Date)
    permit_until: Mapped[dt.date | None] = mapped_column(Date, index=True)
    work_authorisation: Mapped[WorkAuthorisation] = mapped_column(vocabulary(WorkAuthorisation, "work_authorisation"))
    work_from: Mapped[dt.date | None] = mapped_column(Date)
    work_until: Mapped[dt.date | None] = mapped_column(Date, index=True)
    note: Mapped[str] = mapped_column(Text, default="")

    person: Mapped[Person] = relationship(back_populates="legal_statuses")


class Education(Base):
    __tablename__ = "education"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    isced_level: Mapped[int | None] = mapped_column(Integer, CheckConstraint("isced_level BETWEEN 0 AND 8", name="isced_level"))
    field: Mapped[str] = mapped_column(String(200), default="")
    institution: Mapped[str] = mapped_column(String(200), default="")
    country: Mapped[str | None] = mapped_column(String(2))
    year_completed: Mapped[int | None] = mapped_column(Integer)
    completed: Mapped[bool] = mapped_column(Boolean, default=True)

    person: Mapped[Person] = relationship(back_populates="education")


class Qualification(Base):
    __tablename__ = "qualification"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    issuer: Mapped[str] = mapped_column(String(200), default="")
    country: Mapped[str | None] = mapped_column(String(2))
    year: Mapped[int | None] = mapped_column(Integer)
    has_documents: Mapped[bool] = mapped_column(Boolean, default=False)
    recognition: Mapped[RecognitionStatus] = mapped_column(vocabulary(RecognitionStatus, "recognition_status"))
    recognition_body: Mapped[str] = mapped_column(String(200), default="")
    applied_on: Mapped[dt.date | None] = mapped_column(Date)
    decided_on: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")

    person: Mapped[Person] = relationship(back_populates="qualifications")


class WorkExperience(Base):
    __tablename__ = "work_experience"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    occupation: Mapped[str] = mapped_column(String(200))
    isco_code: Mapped[str | None] = mapped_column(String(4))  # ISCO-08, optional
    employer: Mapped[str] = mapped_column(String(200), default="")
    country: Mapped[str | None] = mapped_column(String(2))
    start_year: Mapped[int | None] = mapped_column(Integer)
    end_year: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text, default="")

    person: Mapped[Person] = relationship(back_populates="experience")


class ConsentRecord(Base):
    """Consent to one scope, given (or refused) on a date in a way, and perhaps withdrawn later."""

    __tablename__ = "consent"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    scope: Mapped[ConsentScope] = mapped_column(vocabulary(ConsentScope, "consent_scope"))
    given: Mapped[bool] = mapped_column(Boolean)
    recorded_on: Mapped[dt.date] = mapped_column(Date)
    method: Mapped[ConsentMethod] = mapped_column(vocabulary(ConsentMethod, "consent_method"))
    withdrawn_on: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")

    person: Mapped[Person] = relationship(back_populates="consents")
