"""A coordinator keeps the directory true: adds and edits entries, retires them, translates their
texts, and marks them verified after checking them with the service.

An entry is edited as a ``ServiceDraft``: the fields a coordinator knows from a phone call or a
visit, in the language the entry was written in. A save changes only what the draft changed, so
an imported entry keeps the HSDS details the form does not show (several places, contacts, other
schedules). When an original text changes, its translations no longer say the same thing and
are removed; the entry is then shown in the original until someone translates it again. Every
change re-indexes the entry for search in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from caseworker.core.directory import models as m
from caseworker.core.directory import records, search
from caseworker.core.directory.records import ServiceNotFound
from caseworker.core.directory.store import DirectoryStore
from caseworker.core.directory.taxonomy import BY_CODE
from caseworker.core.errors import BadInput, Problem, ValidationFailed
from caseworker.core.i18n import N_
from caseworker.core.reference import country_codes, language_codes

STALE_AFTER_DAYS = 365
_CLOCK = re.compile(r"([01]?\d|2[0-3])[:.h]([0-5]\d)")
_INTERVAL = re.compile(rf"^\s*{_CLOCK.pattern}\s*[-–—]\s*{_CLOCK.pattern}\s*$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
WEEKDAY_CODES = records.WEEKDAYS

Interval = tuple[str, str]  # ("09:00", "13:00")


class RetiredService(BadInput):
    template = N_("The service {name} has been retired from the directory.")


class NotTranslatable(BadInput):
    template = N_("This text cannot be translated here.")


@dataclass(frozen=True, slots=True)
class ServiceDraft:
    """An entry as the coordinator's form shows it, in the entry's own language."""

    name: str = ""
    organization_name: str = ""
    description: str = ""
    categories: tuple[str, ...] = ()
    address_1: str = ""
    postal_code: str = ""
    city: str = ""
    region: str = ""
    country: str = ""  # ISO 3166-1 alpha-2
    phones: tuple[str, ...] = ()
    email: str = ""
    url: str = ""
    # Opening hours by weekday, 1 = Monday … 7 = Sunday; a day not listed is closed.
    hours: tuple[tuple[int, tuple[Interval, ...]], ...] = ()
    staff_languages: tuple[str, ...] = ()  # language codes, e.g. "ar", "fa-AF"
    free: bool | None = None
    fees_description: str = ""
    application_process: str = ""
    eligibility: str = ""
    required_documents: tuple[str, ...] = ()
    verify_locally: bool = False
    id: str | None = None  # None for a new entry


@dataclass(frozen=True, slots=True)
class TranslatableText:
    """One text of an entry, its original and what it says in each language translated so far."""

    record_table: str
    record_id: str
    field: str
    label_msgid: str
    original: str
    translations: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StaleEntry:
    id: str
    name: str
    organization_name: str
    city: str
    assured_date: dt.date | None
    assurer_email: str


# Texts a coordinator may translate, with the label the translation screen shows for each.
TRANSLATABLE: dict[tuple[str, str], str] = {
    ("service", "name"): N_("Name"),
    ("service", "description"): N_("Description"),
    ("service", "fees_description"): N_("Fees"),
    ("service", "application_process"): N_("How to apply"),
    ("service", "eligibility_description"): N_("Who can use it"),
    ("organization", "name"): N_("Organisation"),
    ("organization", "description"): N_("About the organisation"),
    ("address", "city"): N_("City"),
    ("required_document", "document"): N_("What to bring"),
}
_MODELS: dict[str, type[m.DirectoryBase]] = {
    "service": m.Service,
    "organization": m.Organization,
    "address": m.Address,
    "required_document": m.RequiredDocument,
}
_SERVICE_TEXTS = {
    "name": "name",
    "description": "description",
    "fees_description": "fees_description",
    "application_process": "application_process",
    "eligibility": "eligibility_description",
}


# --- reading ------------------------------------------------------------------------------------


def draft_of(store: DirectoryStore, service_id: str) -> ServiceDraft:
    """The entry as it stands, in its own language, ready to edit."""
    entry = records.get_service(store, service_id)
    hours: dict[int, list[Interval]] = {}
    for schedule in entry.schedules:
        if schedule.freq not in ("", "WEEKLY") or not (schedule.opens_at and schedule.closes_at):
            continue
        for day in schedule.weekdays:
            hours.setdefault(day, []).append((schedule.opens_at, schedule.closes_at))
    with store.read() as session:
        service = session.get(m.Service, service_id)
        assert service is not None  # get_service found it
        region = ""
        address = _first_address(session, service_id)
        if address is not None:
            region = address.state_province or address.region or ""
        return ServiceDraft(
            id=service_id,
            name=entry.name,
            organization_name=entry.organization_name,
            description=entry.description,
            categories=entry.categories,
            address_1=address.address_1 if address else "",
            postal_code=address.postal_code if address else "",
            city=address.city if address else "",
            region=region,
            country=address.country if address else "",
            phones=tuple(phone.number for phone in entry.phones),
            email=service.email or "",
            url=service.url or "",
            hours=tuple((day, tuple(sorted(set(intervals)))) for day, intervals in sorted(hours.items())),
            staff_languages=tuple(sorted(entry.staff_languages)),
            free=service.free,
            fees_description=entry.fees_description,
            application_process=entry.application_process,
            eligibility=entry.eligibility,
            required_documents=entry.required_documents,
            verify_locally=entry.verify_locally,
        )


def organisation_names(store: DirectoryStore) -> list[str]:
    with store.read() as session:
        return sorted(set(session.scalars(select(m.Organization.name))), key=str.casefold)


def stale_entries(store: DirectoryStore, today: dt.date, days: int = STALE_AFTER_DAYS) -> list[StaleEntry]:
    """Active entries nobody has verified for more than ``days`` days (or ever), oldest first."""
    cutoff = today - dt.timedelta(days=days)
    with store.read() as session:
        statement = (
            select(m.Service.id)
            .where(m.Service.status.not_in(records.RETIRED))
            .where((m.Service.assured_date.is_(None)) | (m.Service.assured_date < cutoff))
        )
        ids = list(session.scalars(statement))
    entries = records.get_services(store, ids)
    stale = [
        StaleEntry(e.id, e.name, e.organization_name, e.city, e.assured_date, e.assurer_email) for e in entries
    ]
    return sorted(stale, key=lambda e: (e.assured_date or dt.date.min, e.name.casefold()))


def translatable_texts(store: DirectoryStore, service_id: str) -> list[TranslatableText]:
    """Every text of the entry that can be translated, with its translations so far."""
    with store.read() as session:
        service = session.get(m.Service, service_id)
        if service is None:
            raise ServiceNotFound(id=service_id)
        rows: list[tuple[str, m.DirectoryBase]] = [("service", service), ("organization", service.organization)]
        address = _first_address(session, service_id)
        if address is not None:
            rows.append(("address", address))
        rows += [
            ("required_document", document)
            for document in session.scalars(
                select(m.RequiredDocument).where(m.RequiredDocument.service_id == service_id).order_by(m.RequiredDocument.id)
            )
        ]
        texts = []
        for table, row in rows:
            for (owner, name), label in TRANSLATABLE.items():
                original = getattr(row, name) if owner == table else None
                if not original:
                    continue
                found = session.execute(
                    select(m.Translation.language, m.Translation.value).where(
                        m.Translation.record_table == table,
                        m.Translation.record_id == row.id,  # type: ignore[attr-defined]
                        m.Translation.field == name,
                    )
                )
                texts.append(TranslatableText(table, row.id, name, label, original, {language: value for language, value in found}))  # type: ignore[attr-defined]
        return texts


# --- checking -----------------------------------------------------------------------------------


def parse_intervals(text: str) -> tuple[Interval, ...]:
    """'9:00–12:30, 14:00-17:00' as (("09:00", "12:30"), ("14:00", "17:00")); raises ValueError."""
    intervals = []
    for part in (p for p in re.split(r"[,;]", text) if p.strip()):
        match = _INTERVAL.match(part)
        if match is None:
            raise ValueError(part)
        opens = f"{int(match.group(1)):02d}:{match.group(2)}"
        closes = f"{int(match.group(3)):02d}:{match.group(4)}"
        if opens == closes:
            raise ValueError(part)
        intervals.append((opens, closes))
    return tuple(sorted(set(intervals)))


def format_intervals(intervals: Iterable[Interval]) -> str:
    return ", ".join(f"{opens}–{closes}" for opens, closes in intervals)


def problems_in(draft: ServiceDraft) -> list[Problem]:
    problems = []
    if not draft.name.strip():
        problems.append(Problem("name", N_("Enter the name of the service.")))
    if not draft.organization_name.strip():
        problems.append(Problem("organization_name", N_("Enter the organisation that gives the service.")))
    for code in draft.categories:
        if code not in BY_CODE:
            problems.append(Problem("categories", N_("{code} is not a service category."), code=code))
    has_address = any(v.strip() for v in (draft.address_1, draft.postal_code, draft.city))
    if has_address and not draft.city.strip():
        problems.append(Problem("city", N_("Enter the city of the address.")))
    if has_address and not draft.address_1.strip():
        problems.append(Problem("address_1", N_("Enter the street and number.")))
    if draft.country and draft.country not in country_codes():
        problems.append(Problem("country", N_("{code} is not a country code."), code=draft.country))
    if has_address and not draft.country:
        problems.append(Problem("country", N_("Choose the country of the address.")))
    if draft.email.strip() and not _EMAIL.match(draft.email.strip()):
        problems.append(Problem("email", N_("{text} is not an e-mail address."), text=draft.email.strip()))
    if draft.url.strip() and not draft.url.strip().lower().startswith(("http://", "https://")):
        problems.append(Problem("url", N_("A web address begins with https:// or http://.")))
    known = language_codes()
    for code in draft.staff_languages:
        if code.split("-")[0].split("_")[0].lower() not in known:
            problems.append(Problem("staff_languages", N_("{code} is not a language code."), code=code))
    for day, intervals in draft.hours:
        if not 1 <= day <= 7 or any(not (_CLOCK.fullmatch(o) and _CLOCK.fullmatch(c)) for o, c in intervals):
            problems.append(Problem("hours", N_("The opening hours cannot be read.")))
            break
    return problems


# --- writing ------------------------------------------------------------------------------------


def save_service(store: DirectoryStore, draft: ServiceDraft, *, today: dt.date | None = None) -> str:
    """Add the entry, or change what the draft changed; returns the service id.

    Raises ValidationFailed with every problem in the form, or RetiredService for an entry that
    was retired meanwhile. Nothing is written unless everything is right.
    """
    problems = problems_in(draft)
    if problems:
        raise ValidationFailed(problems)
    draft = _tidy(draft)
    before = draft_of(store, draft.id) if draft.id else ServiceDraft()
    now = dt.datetime.now(dt.UTC)
    with store.write() as session:
        organization = _organisation_for(session, draft.organization_name)
        service = _service_for(session, draft, organization, now)
        if service.status in records.RETIRED:
            raise RetiredService(name=service.name)
        service.organization_id = organization.id
        for form_name, column in _SERVICE_TEXTS.items():
            new = getattr(draft, form_name) or None
            if (getattr(before, form_name) or None) != new:
                setattr(service, column, new if column != "name" else draft.name)
                _forget_translations(session, "service", [service.id], column)
        service.email = draft.email or None
        service.url = draft.url or None
        service.free = draft.free
        service.verify_locally = draft.verify_locally
        service.last_modified = now
        session.flush()
        if _address_fields(before) != _address_fields(draft):
            _save_address(session, service, organization, draft)
        if before.phones != draft.phones:
            _replace_phones(session, service, draft.phones)
        if before.hours != draft.hours:
            _replace_hours(session, service, draft.hours)
        if before.staff_languages != draft.staff_languages:
            session.execute(delete(m.Language).where(m.Language.service_id == service.id))
            session.add_all(m.Language(id=_new_id(), service_id=service.id, code=code) for code in draft.staff_languages)
        if before.categories != draft.categories:
            _replace_categories(session, service.id, draft.categories)
        if before.required_documents != draft.required_documents:
            _replace_documents(session, service.id, draft.required_documents)
        session.flush()
        _reindex(session, [service.id])
        return service.id


def retire_service(store: DirectoryStore, service_id: str) -> None:
    """Take an entry out of search and referral; it stays on file and can be brought back."""
    _set_status(store, service_id, "inactive")


def reinstate_service(store: DirectoryStore, service_id: str) -> None:
    _set_status(store, service_id, "active")


def mark_verified(store: DirectoryStore, service_id: str, *, by: str, on: dt.date) -> None:
    """Record that someone checked the entry with the service on that day."""
    with store.write() as session:
        service = session.get(m.Service, service_id)
        if service is None:
            raise ServiceNotFound(id=service_id)
        service.assured_date = on
        service.assurer_email = by.strip() or None
        # Checked with the service: the details no longer need checking locally before use.
        service.verify_locally = False


def set_translation(
    store: DirectoryStore, record_table: str, record_id: str, field_name: str, language: str, value: str
) -> None:
    """Give a text in a language; an empty value removes that translation."""
    if (record_table, field_name) not in TRANSLATABLE or not language:
        raise NotTranslatable()
    with store.write() as session:
        row = session.get(_MODELS[record_table], record_id)
        if row is None:
            raise NotTranslatable()
        session.execute(
            delete(m.Translation).where(
                m.Translation.record_table == record_table,
                m.Translation.record_id == record_id,
                m.Translation.field == field_name,
                m.Translation.language == language,
            )
        )
        if value.strip():
            session.add(
                m.Translation(
                    record_table=record_table, record_id=record_id, field=field_name, language=language, value=value.strip()
                )
            )
        session.flush()
        _reindex(session, _services_of(session, record_table, record_id))


# --- helpers ------------------------------------------------------------------------------------


def _new_id() -> str:
    return str(uuid.uuid4())


def _tidy(draft: ServiceDraft) -> ServiceDraft:
    def lines(values: Sequence[str]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(v.strip() for v in values if v.strip()))

    return replace(
        draft,
        name=draft.name.strip(),
        organization_name=draft.organization_name.strip(),
        description=draft.description.strip(),
        categories=tuple(sorted(set(draft.categories))),
        address_1=draft.address_1.strip(),
        postal_code=draft.postal_code.strip(),
        city=draft.city.strip(),
        region=draft.region.strip(),
        country=draft.country.strip().upper(),
        phones=lines(draft.phones),
        email=draft.email.strip(),
        url=draft.url.strip(),
        hours=tuple((day, intervals) for day, intervals in sorted(draft.hours) if intervals),
        staff_languages=tuple(sorted(lines(draft.staff_languages))),
        fees_description=draft.fees_description.strip(),
        application_process=draft.application_process.strip(),
        eligibility=draft.eligibility.strip(),
        required_documents=lines(draft.required_documents),
    )


def _service_for(session: Session, draft: ServiceDraft, organization: m.Organization, now: dt.datetime) -> m.Service:
    if draft.id is None:
        service = m.Service(
            id=_new_id(), name=draft.name, status="active", organization_id=organization.id, last_modified=now
        )
        session.add(service)
        return service
    service = session.get(m.Service, draft.id)
    if service is None:
        raise ServiceNotFound(id=draft.id)
    return service


def _organisation_for(session: Session, name: str) -> m.Organization:
    found = session.scalars(select(m.Organization).where(m.Organization.name == name).order_by(m.Organization.id)).first()
    if found is not None:
        return found
    organization = m.Organization(id=_new_id(), name=name, description="")
    session.add(organization)
    session.flush()
    return organization


def _address_fields(draft: ServiceDraft) -> tuple[str, ...]:
    return (draft.address_1, draft.postal_code, draft.city, draft.region, draft.country)


def _first_address(session: Session, service_id: str) -> m.Address | None:
    locations = session.scalars(
        select(m.Location)
        .join(m.ServiceAtLocation, m.ServiceAtLocation.location_id == m.Location.id)
        .where(m.ServiceAtLocation.service_id == service_id)
    ).all()
    # The same order as the entry shows: physical places first, then by name.
    for location in sorted(locations, key=lambda loc: (loc.location_type != "physical", loc.name or "", loc.id)):
        addresses = sorted(location.addresses, key=lambda a: (a.address_type != "physical", a.id))
        if addresses:
            return addresses[0]
    return None


def _save_address(session: Session, service: m.Service, organization: m.Organization, draft: ServiceDraft) -> None:
    address = _first_address(session, service.id)
    if not draft.city:
        if address is not None:
            session.delete(address)
        return
    if address is None:
        location = m.Location(id=_new_id(), organization_id=organization.id, location_type="physical", name=organization.name)
        session.add(location)
        session.add(m.ServiceAtLocation(id=_new_id(), service_id=service.id, location_id=location.id))
        address = m.Address(id=_new_id(), location_id=location.id, address_type="physical")
        session.add(address)
    elif address.city != draft.city:
        _forget_translations(session, "address", [address.id], "city")
    address.address_1 = draft.address_1
    address.postal_code = draft.postal_code
    address.city = draft.city
    address.state_province = draft.region
    address.region = None
    address.country = draft.country


def _replace_phones(session: Session, service: m.Service, numbers: Sequence[str]) -> None:
    sal_ids = list(session.scalars(select(m.ServiceAtLocation.id).where(m.ServiceAtLocation.service_id == service.id)))
    owned = (m.Phone.service_id == service.id) | (m.Phone.service_at_location_id.in_(sal_ids))
    old = list(session.scalars(select(m.Phone.id).where(owned & m.Phone.contact_id.is_(None))))
    session.execute(delete(m.Phone).where(m.Phone.id.in_(old)))
    _forget_translations(session, "phone", old)
    session.add_all(m.Phone(id=_new_id(), service_id=service.id, number=number, type="voice") for number in numbers)


def _replace_hours(session: Session, service: m.Service, hours: Sequence[tuple[int, tuple[Interval, ...]]]) -> None:
    old = list(
        session.scalars(
            select(m.Schedule.id).where(
                m.Schedule.service_id == service.id, (m.Schedule.freq.is_(None)) | (m.Schedule.freq == "WEEKLY")
            )
        )
    )
    session.execute(delete(m.Schedule).where(m.Schedule.id.in_(old)))
    _forget_translations(session, "schedule", old)
    # One schedule per opening interval, listing every day that has it: HSDS's usual shape.
    days_of: dict[Interval, list[int]] = {}
    for day, intervals in hours:
        for interval in intervals:
            days_of.setdefault(interval, []).append(day)
    for (opens, closes), days in sorted(days_of.items()):
        session.add(
            m.Schedule(
                id=_new_id(),
                service_id=service.id,
                freq="WEEKLY",
                byday=",".join(WEEKDAY_CODES[day - 1] for day in sorted(days)),
                opens_at=dt.time.fromisoformat(opens),
                closes_at=dt.time.fromisoformat(closes),
            )
        )


def _replace_categories(session: Session, service_id: str, codes: Sequence[str]) -> None:
    ours = [BY_CODE[code].id for code in BY_CODE]
    session.execute(
        delete(m.Attribute).where(
            m.Attribute.link_entity == "service", m.Attribute.link_id == service_id, m.Attribute.taxonomy_term_id.in_(ours)
        )
    )
    session.add_all(
        m.Attribute(id=_new_id(), link_id=service_id, link_entity="service", taxonomy_term_id=BY_CODE[code].id)
        for code in codes
    )


def _replace_documents(session: Session, service_id: str, documents: Sequence[str]) -> None:
    old = list(session.scalars(select(m.RequiredDocument.id).where(m.RequiredDocument.service_id == service_id)))
    session.execute(delete(m.RequiredDocument).where(m.RequiredDocument.id.in_(old)))
    _forget_translations(session, "required_document", old)
    session.add_all(m.RequiredDocument(id=_new_id(), service_id=service_id, document=text) for text in documents)


def _forget_translations(session: Session, table: str, record_ids: Sequence[str], field_name: str | None = None) -> None:
    if not record_ids:
        return
    statement = delete(m.Translation).where(m.Translation.record_table == table, m.Translation.record_id.in_(record_ids))
    if field_name is not None:
        statement = statement.where(m.Translation.field == field_name)
    session.execute(statement)


def _services_of(session: Session, table: str, record_id: str) -> list[str]:
    if table == "service":
        return [record_id]
    if table == "organization":
        return list(session.scalars(select(m.Service.id).where(m.Service.organization_id == record_id)))
    if table == "required_document":
        return list(session.scalars(select(m.RequiredDocument.service_id).where(m.RequiredDocument.id == record_id)))
    location_id = session.scalar(select(m.Address.location_id).where(m.Address.id == record_id))
    return list(session.scalars(select(m.ServiceAtLocation.service_id).where(m.ServiceAtLocation.location_id == location_id)))


def _set_status(store: DirectoryStore, service_id: str, status: str) -> None:
    with store.write() as session:
        service = session.get(m.Service, service_id)
        if service is None:
            raise ServiceNotFound(id=service_id)
        service.status = status
        service.last_modified = dt.datetime.now(dt.UTC)
        session.flush()
        _reindex(session, [service_id])


def _reindex(session: Session, service_ids: Sequence[str]) -> None:
    connection = session.connection()
    search.index_documents(connection, records.service_documents(connection, service_ids))
