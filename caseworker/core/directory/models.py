"""The referral directory's schema (directory.db), shaped on Open Referral HSDS 3.0.

Only the HSDS tables and fields a referral directory needs are kept; the names are HSDS's, so an
import or export maps one to one. Ids are the HSDS UUID strings. A record that belongs to another
(a phone to its service, an address to its location) goes when its owner goes: the foreign keys
cascade. What HSDS lacks is added: ``translation`` holds the text of any field of any record in
other languages; a service records whether it is free of charge and whether its details must be
checked locally before a referral.

This is a separate declarative base from the case files': the two stores never share a table, and
volunteers open only this one.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from caseworker.core.models.base import NAMING_CONVENTION, UtcDateTime

ID = String(36)
SERVICE_STATUSES = ("active", "inactive", "defunct", "temporarily closed")
LOCATION_TYPES = ("physical", "postal", "virtual")
ADDRESS_TYPES = LOCATION_TYPES
SCHEDULE_FREQUENCIES = ("WEEKLY", "MONTHLY")

_OWNED = {"cascade": "all, delete-orphan", "passive_deletes": True, "lazy": "selectin"}


def _one_of(column: str, values: tuple[str, ...]) -> CheckConstraint:
    listed = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} IS NULL OR {column} IN ({listed})", name=column)


def _owner(table: str, *, nullable: bool = True) -> Mapped[str | None]:
    return mapped_column(ID, ForeignKey(f"{table}.id", ondelete="CASCADE"), index=True, nullable=nullable)


class DirectoryBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Organization(DirectoryBase):
    __tablename__ = "organization"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    alternate_name: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(Text)
    website: Mapped[str | None] = mapped_column(Text)

    services: Mapped[list[Service]] = relationship(back_populates="organization", **_OWNED)


class Service(DirectoryBase):
    __tablename__ = "service"
    __table_args__ = (_one_of("status", SERVICE_STATUSES),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    organization_id: Mapped[str] = mapped_column(ID, ForeignKey("organization.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(Text)
    alternate_name: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(32))
    interpretation_services: Mapped[str | None] = mapped_column(Text)
    application_process: Mapped[str | None] = mapped_column(Text)
    fees_description: Mapped[str | None] = mapped_column(Text)
    eligibility_description: Mapped[str | None] = mapped_column(Text)
    minimum_age: Mapped[int | None] = mapped_column(Integer)
    maximum_age: Mapped[int | None] = mapped_column(Integer)
    alert: Mapped[str | None] = mapped_column(Text)
    # Last verified: when, and by whom (HSDS's own fields).
    assured_date: Mapped[dt.date | None] = mapped_column(Date)
    assurer_email: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    # Extensions: details to check locally before a referral; free of charge (None: not known).
    verify_locally: Mapped[bool] = mapped_column(Boolean, default=False)
    free: Mapped[bool | None] = mapped_column(Boolean)

    organization: Mapped[Organization] = relationship(back_populates="services", lazy="joined")
    service_at_locations: Mapped[list[ServiceAtLocation]] = relationship(back_populates="service", **_OWNED)


class Location(DirectoryBase):
    __tablename__ = "location"
    __table_args__ = (_one_of("location_type", LOCATION_TYPES),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    # A location may serve several organisations' services; losing its organisation unlinks it.
    organization_id: Mapped[str | None] = mapped_column(ID, ForeignKey("organization.id", ondelete="SET NULL"), index=True)
    location_type: Mapped[str] = mapped_column(String(32))
    name: Mapped[str | None] = mapped_column(Text)
    alternate_name: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    transportation: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)

    addresses: Mapped[list[Address]] = relationship(back_populates="location", **_OWNED)


class ServiceAtLocation(DirectoryBase):
    __tablename__ = "service_at_location"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    service_id: Mapped[str] = mapped_column(ID, ForeignKey("service.id", ondelete="CASCADE"), index=True)
    location_id: Mapped[str] = mapped_column(ID, ForeignKey("location.id", ondelete="CASCADE"), index=True)
    description: Mapped[str | None] = mapped_column(Text)

    service: Mapped[Service] = relationship(back_populates="service_at_locations")
    location: Mapped[Location] = relationship(lazy="joined")


class Address(DirectoryBase):
    __tablename__ = "address"
    __table_args__ = (_one_of("address_type", ADDRESS_TYPES),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    location_id: Mapped[str] = mapped_column(ID, ForeignKey("location.id", ondelete="CASCADE"), index=True)
    attention: Mapped[str | None] = mapped_column(Text)
    address_1: Mapped[str] = mapped_column(Text)
    address_2: Mapped[str | None] = mapped_column(Text)
    city: Mapped[str] = mapped_column(Text)
    region: Mapped[str | None] = mapped_column(Text)
    state_province: Mapped[str] = mapped_column(Text)
    postal_code: Mapped[str] = mapped_column(Text)
    country: Mapped[str] = mapped_column(String(2))  # ISO 3166-1 alpha-2
    address_type: Mapped[str] = mapped_column(String(32))

    location: Mapped[Location] = relationship(back_populates="addresses")


class Contact(DirectoryBase):
    __tablename__ = "contact"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    organization_id: Mapped[str | None] = _owner("organization")
    service_id: Mapped[str | None] = _owner("service")
    service_at_location_id: Mapped[str | None] = _owner("service_at_location")
    location_id: Mapped[str | None] = _owner("location")
    name: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(Text)


class Phone(DirectoryBase):
    __tablename__ = "phone"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    location_id: Mapped[str | None] = _owner("location")
    service_id: Mapped[str | None] = _owner("service")
    organization_id: Mapped[str | None] = _owner("organization")
    contact_id: Mapped[str | None] = _owner("contact")
    service_at_location_id: Mapped[str | None] = _owner("service_at_location")
    number: Mapped[str] = mapped_column(Text)
    extension: Mapped[int | None] = mapped_column(Integer)
    type: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)


class Schedule(DirectoryBase):
    __tablename__ = "schedule"
    __table_args__ = (_one_of("freq", SCHEDULE_FREQUENCIES),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    service_id: Mapped[str | None] = _owner("service")
    location_id: Mapped[str | None] = _owner("location")
    service_at_location_id: Mapped[str | None] = _owner("service_at_location")
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    freq: Mapped[str | None] = mapped_column(String(32))
    byday: Mapped[str | None] = mapped_column(Text)  # iCalendar BYDAY: "MO,TU,WE"
    opens_at: Mapped[dt.time | None] = mapped_column(Time)
    closes_at: Mapped[dt.time | None] = mapped_column(Time)
    description: Mapped[str | None] = mapped_column(Text)
    attending_type: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)


class Language(DirectoryBase):
    """A language spoken: by a service's staff, at a location, or on a phone line."""

    __tablename__ = "language"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    service_id: Mapped[str | None] = _owner("service")
    location_id: Mapped[str | None] = _owner("location")
    phone_id: Mapped[str | None] = _owner("phone")
    name: Mapped[str | None] = mapped_column(Text)
    code: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)


class ServiceArea(DirectoryBase):
    __tablename__ = "service_area"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    service_id: Mapped[str] = mapped_column(ID, ForeignKey("service.id", ondelete="CASCADE"), index=True)
    name: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    extent: Mapped[str | None] = mapped_column(Text)


class CostOption(DirectoryBase):
    __tablename__ = "cost_option"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    service_id: Mapped[str] = mapped_column(ID, ForeignKey("service.id", ondelete="CASCADE"), index=True)
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    option: Mapped[str | None] = mapped_column(Text)
    currency: Mapped[str | None] = mapped_column(String(3))
    amount: Mapped[float | None] = mapped_column(Float)
    amount_description: Mapped[str | None] = mapped_column(Text)


class RequiredDocument(DirectoryBase):
    """A paper to bring: a residence permit, a diploma, a tax code."""

    __tablename__ = "required_document"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    service_id: Mapped[str] = mapped_column(ID, ForeignKey("service.id", ondelete="CASCADE"), index=True)
    document: Mapped[str | None] = mapped_column(Text)
    uri: Mapped[str | None] = mapped_column(Text)


class Taxonomy(DirectoryBase):
    __tablename__ = "taxonomy"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)
    uri: Mapped[str | None] = mapped_column(Text)
    version: Mapped[str | None] = mapped_column(Text)


class TaxonomyTerm(DirectoryBase):
    __tablename__ = "taxonomy_term"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    taxonomy_id: Mapped[str | None] = mapped_column(ID, ForeignKey("taxonomy.id", ondelete="CASCADE"), index=True)
    code: Mapped[str | None] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)


class Attribute(DirectoryBase):
    """A taxonomy term applied to a record; ``link_entity`` names the record's table.

    The link is polymorphic, so it has no foreign key: the import checks it, and removes a
    record's attributes with the record.
    """

    __tablename__ = "attribute"
    __table_args__ = (Index("ix_attribute_link", "link_entity", "link_id"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    link_id: Mapped[str] = mapped_column(ID)
    link_type: Mapped[str | None] = mapped_column(Text)
    link_entity: Mapped[str] = mapped_column(String(32))
    taxonomy_term_id: Mapped[str] = mapped_column(ID, ForeignKey("taxonomy_term.id", ondelete="CASCADE"), index=True)
    value: Mapped[str | None] = mapped_column(Text)


class Translation(DirectoryBase):
    """A text field of a record in another language (HSDS has one language per record)."""

    __tablename__ = "translation"
    __table_args__ = (UniqueConstraint("record_table", "record_id", "field", "language"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_table: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[str] = mapped_column(ID)
    field: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(16))  # "ar", "fa_AF": as caseworker.core.i18n spells it
    value: Mapped[str] = mapped_column(Text)


# Tables in an order where every table comes after the tables it refers to.
TABLES = tuple(DirectoryBase.metadata.sorted_tables)
