"""What the directory gives out: plain, frozen entries for the UI and the command line, and the
documents the search index is built from. Never a live ORM object.

Every text comes in the language asked for when a translation exists (the ``translation`` table),
and otherwise as it was written: a translation in 'fa' serves 'fa_AF' too.

Services are read in batches (a few queries per batch of services, whatever their number), so
that re-indexing ten thousand services after an import stays quick.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table, select
from sqlalchemy.orm import Session

from caseworker.core.directory import models as m
from caseworker.core.directory.documents import OpeningHours, ServiceDocument, ServiceTexts
from caseworker.core.directory.store import DirectoryStore
from caseworker.core.directory.taxonomy import BY_ID
from caseworker.core.errors import BadInput
from caseworker.core.i18n import N_, current_locale

CHUNK = 500
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")  # ISO 8601 order: Monday is 1
RETIRED = ("inactive", "defunct")


class ServiceNotFound(BadInput):
    template = N_("The service {id} is not in the directory.")


@dataclass(frozen=True, slots=True)
class PhoneEntry:
    number: str
    extension: int | None = None
    type: str = ""  # HSDS: voice, fax, text, cell, video, pager, textphone
    description: str = ""


@dataclass(frozen=True, slots=True)
class ContactEntry:
    name: str = ""
    title: str = ""
    email: str = ""
    phones: tuple[PhoneEntry, ...] = ()


@dataclass(frozen=True, slots=True)
class ScheduleEntry:
    weekdays: tuple[int, ...] = ()  # 1 = Monday … 7 = Sunday
    opens_at: str = ""  # "09:00", or "" when not given
    closes_at: str = ""
    freq: str = ""  # "WEEKLY", "MONTHLY" or ""
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    description: str = ""
    attending_type: str = ""
    notes: str = ""

    @property
    def line(self) -> str:
        """'Mon, Tue 09:00–13:00' with the weekdays named in the current language."""
        names = current_locale().days["format"]["abbreviated"]  # 0 = Monday
        days = ", ".join(names[day - 1] for day in self.weekdays)
        hours = f"{self.opens_at}–{self.closes_at}" if self.opens_at and self.closes_at else self.opens_at or self.closes_at
        return " ".join(part for part in (days, hours) if part)


@dataclass(frozen=True, slots=True)
class LocationEntry:
    id: str
    name: str = ""
    description: str = ""
    transportation: str = ""
    address_lines: tuple[str, ...] = ()
    city: str = ""
    postal_code: str = ""
    region: str = ""
    country: str = ""  # ISO 3166-1 alpha-2


@dataclass(frozen=True, slots=True)
class ServiceEntry:
    id: str
    name: str
    description: str
    organization_id: str
    organization_name: str
    status: str  # active, inactive, defunct, temporarily closed
    alternate_name: str = ""
    url: str = ""
    email: str = ""
    # The first place the service is given at; every place is in ``locations``.
    address_lines: tuple[str, ...] = ()
    city: str = ""
    postal_code: str = ""
    country: str = ""
    locations: tuple[LocationEntry, ...] = ()
    phones: tuple[PhoneEntry, ...] = ()
    contacts: tuple[ContactEntry, ...] = ()
    schedules: tuple[ScheduleEntry, ...] = ()
    staff_languages: tuple[str, ...] = ()  # ISO 639 codes, or the language's name where no code is given
    categories: tuple[str, ...] = ()  # taxonomy.Category codes
    service_areas: tuple[str, ...] = ()
    free: bool | None = None  # None: not known
    fees_description: str = ""
    application_process: str = ""
    eligibility: str = ""
    interpretation_services: str = ""
    alert: str = ""
    required_documents: tuple[str, ...] = ()
    minimum_age: int | None = None
    maximum_age: int | None = None
    assured_date: dt.date | None = None  # last verified on
    assurer_email: str = ""  # last verified by
    verify_locally: bool = False

    @property
    def active(self) -> bool:
        return self.status not in RETIRED

    @property
    def schedule_lines(self) -> tuple[str, ...]:
        return tuple(line for line in (s.line for s in self.schedules) if line)


# --- reading ------------------------------------------------------------------------------------


def get_service(store: DirectoryStore, service_id: str, language: str = "") -> ServiceEntry:
    """One service, its texts in ``language`` where translated; raises ServiceNotFound."""
    with store.read() as session:
        entries = _Batch(session.connection(), [service_id]).entries(language)
    if not entries:
        raise ServiceNotFound(id=service_id)
    return entries[0]


def get_services(store: DirectoryStore, service_ids: Sequence[str], language: str = "") -> list[ServiceEntry]:
    """Services in the order asked (a search's hits, say); ids no longer there are left out."""
    found: dict[str, ServiceEntry] = {}
    with store.read() as session:
        connection = session.connection()
        for start in range(0, len(service_ids), CHUNK):
            for entry in _Batch(connection, service_ids[start : start + CHUNK]).entries(language):
                found[entry.id] = entry
    return [found[i] for i in service_ids if i in found]


def service_document(session: Session | Connection, service_id: str) -> ServiceDocument:
    """What the search index holds for one service; raises ServiceNotFound."""
    documents = service_documents(session, [service_id])
    if not documents:
        raise ServiceNotFound(id=service_id)
    return documents[0]


def service_documents(session: Session | Connection, service_ids: Iterable[str]) -> list[ServiceDocument]:
    """The search documents of many services, read a batch at a time; missing ids are skipped."""
    connection = session.connection() if isinstance(session, Session) else session
    ids = list(dict.fromkeys(service_ids))
    documents: list[ServiceDocument] = []
    for start in range(0, len(ids), CHUNK):
        documents += _Batch(connection, ids[start : start + CHUNK], for_entries=False).documents()
    return documents


def all_service_ids(session: Session | Connection) -> list[str]:
    connection = session.connection() if isinstance(session, Session) else session
    return list(connection.execute(select(m.Service.id).order_by(m.Service.id)).scalars())


# --- one batch of services, read with one query per table ------------------------------------------


def _rows(connection: Connection, table: Table, column: str, values: Iterable[Any]) -> list[dict[str, Any]]:
    keys = list(dict.fromkeys(v for v in values if v is not None))
    found: list[dict[str, Any]] = []
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start : start + CHUNK]
        result = connection.execute(select(table).where(table.c[column].in_(chunk)).order_by(table.c.id))
        keys = tuple(result.keys())
        found += [dict(zip(keys, row, strict=True)) for row in result.fetchall()]
    return found


def _by(rows: Iterable[dict[str, Any]], column: str) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if row[column] is not None:
            grouped[row[column]].append(row)
    return grouped


def _unique(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted({row["id"]: row for row in rows}.values(), key=lambda row: row["id"])


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _clock(value: dt.time | None) -> str:
    return value.strftime("%H:%M") if value is not None else ""


def weekdays(byday: str | None) -> tuple[int, ...]:
    """The weekdays of an iCalendar BYDAY list: 'MO,WE' -> (1, 3); '1MO' (the first Monday of a
    month) counts as Monday."""
    days = []
    for part in (byday or "").split(","):
        code = part.strip().upper()[-2:]
        if code in WEEKDAYS:
            days.append(WEEKDAYS.index(code) + 1)
    return tuple(sorted(set(days)))


class _Linked:
    """Rows that may belong to several kinds of owner (a phone: to a service, a place, a
    contact…), found by any of them."""

    def __init__(self, rows: Iterable[dict[str, Any]], columns: Sequence[str]) -> None:
        self.rows = {row["id"]: row for row in rows}
        self.by = {column: _by(self.rows.values(), column) for column in columns}

    def of(self, column: str, *owners: str | None) -> list[dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for owner in owners:
            for row in self.by[column].get(owner, ()) if owner is not None else ():
                found[row["id"]] = row
        return list(found.values())


class _Batch:
    def __init__(self, connection: Connection, service_ids: Sequence[str], *, for_entries: bool = True) -> None:
        t = {table.name: table for table in m.DirectoryBase.metadata.sorted_tables}
        self.services = _rows(connection, t["service"], "id", service_ids)
        ids = [s["id"] for s in self.services]
        self.organizations = {o["id"]: o for o in _rows(connection, t["organization"], "id", (s["organization_id"] for s in self.services))}
        sals = _rows(connection, t["service_at_location"], "service_id", ids)
        self.sals = _by(sals, "service_id")
        sal_ids = [s["id"] for s in sals]
        self.locations = {loc["id"]: loc for loc in _rows(connection, t["location"], "id", (s["location_id"] for s in sals))}
        self.addresses = _by(_rows(connection, t["address"], "location_id", self.locations), "location_id")
        schedules = _rows(connection, t["schedule"], "service_id", ids) + _rows(connection, t["schedule"], "service_at_location_id", sal_ids)
        schedules += _rows(connection, t["schedule"], "location_id", self.locations)
        self.schedules = _Linked(schedules, ("service_id", "service_at_location_id", "location_id"))
        self.languages = _by(_rows(connection, t["language"], "service_id", ids), "service_id")
        self.service_areas = _by(_rows(connection, t["service_area"], "service_id", ids), "service_id")
        self.cost_options = _by(_rows(connection, t["cost_option"], "service_id", ids), "service_id")
        attributes = [a for a in _rows(connection, t["attribute"], "link_id", ids) if a["link_entity"] == "service"]
        self.categories = _by(attributes, "link_id")
        owners: dict[str, list[str]] = {"service": ids, "organization": list(self.organizations)}
        if for_entries:
            phones = _rows(connection, t["phone"], "service_id", ids) + _rows(connection, t["phone"], "service_at_location_id", sal_ids)
            contacts = _rows(connection, t["contact"], "service_id", ids) + _rows(connection, t["contact"], "service_at_location_id", sal_ids)
            contacts += _rows(connection, t["contact"], "organization_id", self.organizations)
            phones += _rows(connection, t["phone"], "contact_id", [c["id"] for c in contacts])
            phones += _rows(connection, t["phone"], "location_id", self.locations)
            phones += _rows(connection, t["phone"], "organization_id", self.organizations)
            self.phones = _Linked(phones, ("service_id", "service_at_location_id", "location_id", "organization_id", "contact_id"))
            self.contacts = _Linked(contacts, ("service_id", "service_at_location_id", "organization_id"))
            self.documents_required = _by(_rows(connection, t["required_document"], "service_id", ids), "service_id")
            owners.update(
                location=list(self.locations),
                address=[a["id"] for rows in self.addresses.values() for a in rows],
                phone=list(self.phones.rows),
                contact=list(self.contacts.rows),
                schedule=list(self.schedules.rows),
                service_area=[a["id"] for rows in self.service_areas.values() for a in rows],
                required_document=[d["id"] for rows in self.documents_required.values() for d in rows],
            )
        self.translations: dict[tuple[str, str], dict[str, dict[str, str]]] = defaultdict(lambda: defaultdict(dict))
        translation = t["translation"]
        for table_name, record_ids in owners.items():
            for start in range(0, len(record_ids), CHUNK):
                statement = select(translation).where(
                    translation.c.record_table == table_name, translation.c.record_id.in_(record_ids[start : start + CHUNK])
                )
                for row in connection.execute(statement).mappings():
                    self.translations[(table_name, row["record_id"])][row["field"]][row["language"]] = row["value"]

    # --- shared by the entry and the document ---

    def _locations_of(self, service_id: str) -> list[dict[str, Any]]:
        found = [self.locations[s["location_id"]] for s in self.sals.get(service_id, ()) if s["location_id"] in self.locations]
        # Physical places first, then by name: the first is the one to go to.
        return sorted(found, key=lambda loc: (loc["location_type"] != "physical", loc["name"] or "", loc["id"]))

    def _first_address(self, service_id: str) -> dict[str, Any] | None:
        for location in self._locations_of(service_id):
            addresses = sorted(self.addresses.get(location["id"], ()), key=lambda a: (a["address_type"] != "physical", a["id"]))
            if addresses:
                return addresses[0]
        return None

    def _free(self, service: dict[str, Any]) -> bool | None:
        if service["free"] is not None:
            return bool(service["free"])
        amounts = [c["amount"] for c in self.cost_options.get(service["id"], ()) if c["amount"] is not None]
        if not amounts:
            return None
        return all(amount == 0 for amount in amounts)

    def _categories(self, service_id: str) -> tuple[str, ...]:
        codes = {BY_ID[a["taxonomy_term_id"]].code for a in self.categories.get(service_id, ()) if a["taxonomy_term_id"] in BY_ID}
        return tuple(sorted(codes))

    def _staff_languages(self, service_id: str) -> tuple[str, ...]:
        found = [(row["code"] or row["name"] or "").strip() for row in self.languages.get(service_id, ())]
        return tuple(dict.fromkeys(code for code in found if code))

    def _schedules_of(self, service_id: str) -> list[dict[str, Any]]:
        sal_ids = [s["id"] for s in self.sals.get(service_id, ())]
        own = self.schedules.of("service_id", service_id) + self.schedules.of("service_at_location_id", *sal_ids)
        if own:
            return sorted({s["id"]: s for s in own}.values(), key=lambda s: s["id"])
        # A service without hours of its own keeps the hours of the places it is given at.
        location_ids = [loc["id"] for loc in self._locations_of(service_id)]
        shared = self.schedules.of("location_id", *location_ids)
        return [s for s in shared if s["service_id"] is None and s["service_at_location_id"] is None]

    def _tr(self, table: str, row: dict[str, Any], field: str, language: str) -> str:
        original = _text(row[field])
        if not language:
            return original
        translated = self.translations.get((table, row["id"]), {}).get(field)
        if not translated:
            return original
        return translated.get(language) or translated.get(language.split("_")[0]) or original

    # --- search documents ---

    def documents(self) -> list[ServiceDocument]:
        return [self._document(service) for service in self.services]

    def _document(self, service: dict[str, Any]) -> ServiceDocument:
        organization = self.organizations.get(service["organization_id"], {"id": "", "name": "", "alternate_name": None})
        languages: set[str] = set()
        for table, row in (("service", service), ("organization", organization)):
            for field in ("name", "alternate_name", "description"):
                languages.update(self.translations.get((table, row["id"]), {}).get(field, {}))
        texts = {"": self._texts(service, organization, "")}
        for language in sorted(languages):
            texts[language] = self._texts(service, organization, language)
        address = self._first_address(service["id"])
        areas = [self._tr("service_area", a, "name", "") for a in self.service_areas.get(service["id"], ())]
        area = ", ".join(a for a in areas if a) or (address and (address["region"] or address["state_province"])) or ""
        hours = []
        for schedule in self._schedules_of(service["id"]):
            if schedule["freq"] not in (None, "WEEKLY") or schedule["opens_at"] is None or schedule["closes_at"] is None:
                continue
            for day in weekdays(schedule["byday"]):
                hours.append(OpeningHours(weekday=day, opens=_clock(schedule["opens_at"]), closes=_clock(schedule["closes_at"])))
        return ServiceDocument(
            service_id=service["id"],
            texts=texts,
            categories=self._categories(service["id"]),
            city=address["city"] if address else "",
            area=area,
            staff_languages=self._staff_languages(service["id"]),
            free=self._free(service),
            opening_hours=tuple(sorted(set(hours), key=lambda h: (h.weekday, h.opens, h.closes))),
            active=service["status"] not in RETIRED,
        )

    def _texts(self, service: dict[str, Any], organization: dict[str, Any], language: str) -> ServiceTexts:
        # Other names (an acronym, a former name) are found too, without showing in the name.
        description = "\n".join(
            t for t in (self._tr("service", service, "description", language), self._tr("service", service, "alternate_name", language)) if t
        )
        org = " ".join(
            t for t in (self._tr("organization", organization, "name", language), self._tr("organization", organization, "alternate_name", language)) if t
        ) if organization["id"] else ""
        return ServiceTexts(name=self._tr("service", service, "name", language), description=description, organization=org)

    # --- entries ---

    def entries(self, language: str) -> list[ServiceEntry]:
        return [self._entry(service, language) for service in self.services]

    def _phone(self, row: dict[str, Any], language: str) -> PhoneEntry:
        return PhoneEntry(
            number=_text(row["number"]),
            extension=row["extension"],
            type=_text(row["type"]),
            description=self._tr("phone", row, "description", language),
        )

    def _entry(self, service: dict[str, Any], language: str) -> ServiceEntry:
        sid = service["id"]
        tr = self._tr
        organization = self.organizations[service["organization_id"]]
        sal_ids = [s["id"] for s in self.sals.get(sid, ())]
        locations = self._locations_of(sid)
        location_ids = [loc["id"] for loc in locations]

        location_entries = []
        for location in locations:
            addresses = sorted(self.addresses.get(location["id"], ()), key=lambda a: (a["address_type"] != "physical", a["id"]))
            address = addresses[0] if addresses else None
            location_entries.append(
                LocationEntry(
                    id=location["id"],
                    name=tr("location", location, "name", language),
                    description=tr("location", location, "description", language),
                    transportation=tr("location", location, "transportation", language),
                    address_lines=tuple(
                        line for line in (tr("address", address, "address_1", language), tr("address", address, "address_2", language)) if line
                    ) if address else (),
                    city=tr("address", address, "city", language) if address else "",
                    postal_code=_text(address["postal_code"]) if address else "",
                    region=(tr("address", address, "region", language) or tr("address", address, "state_province", language)) if address else "",
                    country=_text(address["country"]) if address else "",
                )
            )
        first = next((entry for entry in location_entries if entry.city or entry.address_lines), None)

        # The service's own phones and contacts; where it has none, its places' and then its
        # organisation's, so that there is always someone to call when anyone is listed.
        contacts = _unique(self.contacts.of("service_id", sid) + self.contacts.of("service_at_location_id", *sal_ids))
        if not contacts:
            contacts = [c for c in self.contacts.of("organization_id", organization["id"]) if c["service_id"] is None]
        phones = _unique(self.phones.of("service_id", sid) + self.phones.of("service_at_location_id", *sal_ids))
        if not phones:
            phones = [p for p in self.phones.of("location_id", *location_ids) if p["contact_id"] is None]
        if not phones:
            phones = [p for p in self.phones.of("organization_id", organization["id"]) if p["service_id"] is None and p["contact_id"] is None]

        schedules = [
            ScheduleEntry(
                weekdays=weekdays(s["byday"]),
                opens_at=_clock(s["opens_at"]),
                closes_at=_clock(s["closes_at"]),
                freq=_text(s["freq"]),
                valid_from=s["valid_from"],
                valid_to=s["valid_to"],
                description=tr("schedule", s, "description", language),
                attending_type=tr("schedule", s, "attending_type", language),
                notes=tr("schedule", s, "notes", language),
            )
            for s in self._schedules_of(sid)
        ]
        return ServiceEntry(
            id=sid,
            name=tr("service", service, "name", language),
            alternate_name=tr("service", service, "alternate_name", language),
            description=tr("service", service, "description", language),
            organization_id=organization["id"],
            organization_name=tr("organization", organization, "name", language),
            status=service["status"],
            url=_text(service["url"]) or _text(organization["website"]),
            email=_text(service["email"]) or _text(organization["email"]),
            address_lines=first.address_lines if first else (),
            city=first.city if first else "",
            postal_code=first.postal_code if first else "",
            country=first.country if first else "",
            locations=tuple(location_entries),
            phones=tuple(self._phone(p, language) for p in phones),
            contacts=tuple(
                ContactEntry(
                    name=_text(c["name"]),
                    title=tr("contact", c, "title", language),
                    email=_text(c["email"]),
                    phones=tuple(self._phone(p, language) for p in self.phones.of("contact_id", c["id"])),
                )
                for c in contacts
            ),
            schedules=tuple(schedules),
            staff_languages=self._staff_languages(sid),
            categories=self._categories(sid),
            service_areas=tuple(a for a in (tr("service_area", row, "name", language) for row in self.service_areas.get(sid, ())) if a),
            free=self._free(service),
            fees_description=tr("service", service, "fees_description", language),
            application_process=tr("service", service, "application_process", language),
            eligibility=tr("service", service, "eligibility_description", language),
            interpretation_services=tr("service", service, "interpretation_services", language),
            alert=tr("service", service, "alert", language),
            required_documents=tuple(
                d for d in (tr("required_document", row, "document", language) for row in self.documents_required.get(sid, ())) if d
            ),
            minimum_age=service["minimum_age"],
            maximum_age=service["maximum_age"],
            assured_date=service["assured_date"],
            assurer_email=_text(service["assurer_email"]),
            verify_locally=bool(service["verify_locally"]),
        )
