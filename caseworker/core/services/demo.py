"""Synthetic case files for demonstrations, training and load tests (``caseworker demo``).

The people are invented: common given and family names from the countries most people seeking
protection in Europe come from, written in their own script and in Latin letters
(resources/demo/names.json), with the facts an employment project records about them, and the
pathways, referrals and service events that the services in services/pathways.py would have
written for them (resources/demo/pathways.json has their words).

Everything is drawn from one ``random.Random(seed)`` and dated relative to ``clock().date()``,
so the same seed and the same clock give the same case files. Rows are written with bulk inserts
(no ORM objects), ``CHUNK`` cases per transaction, with their ids set here so that child rows can
point at them.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import json
import random
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Generic, TypeVar

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from caseworker.core.directory.records import all_service_ids, get_services
from caseworker.core.directory.starter import load_starter
from caseworker.core.directory.store import DirectoryStore
from caseworker.core.directory.taxonomy import BY_CODE
from caseworker.core.errors import BadInput, CaseworkerError
from caseworker.core.i18n import N_
from caseworker.core.keys import RFC9106_LOW_MEMORY, KdfParams
from caseworker.core.models import (
    Case,
    ConsentRecord,
    Education,
    Goal,
    LanguageSkill,
    LegalStatusRecord,
    Meeting,
    Nationality,
    Pathway,
    PathwayStep,
    Person,
    Qualification,
    Referral,
    ServiceEvent,
    UserAccount,
    WorkExperience,
)
from caseworker.core.models.enums import (
    CaseStatus,
    CefrLevel,
    ClosureReason,
    ConsentMethod,
    ConsentScope,
    EventKind,
    Gender,
    GoalStatus,
    LabourStatus,
    LegalStatus,
    MeetingKind,
    PathwayStatus,
    RecognitionStatus,
    ReferralOutcome,
    ReferralStatus,
    Role,
    StepStatus,
    WorkAuthorisation,
)
from caseworker.core.paths import DataDir
from caseworker.core.pathways.templates import load_templates
from caseworker.core.resources import resource
from caseworker.core.services import accounts
from caseworker.core.services.cases import utc_now
from caseworker.core.text import fold

ORGANISATION = "Demo Welcome Centre"
USERNAME = "demo"
DISPLAY_NAME = "Demo Coordinator"
#: Cases written per transaction; also how often ``progress`` is called.
CHUNK = 2000
#: How far back the oldest case was opened.
HISTORY_DAYS = 3 * 365

T = TypeVar("T")


@dataclass(frozen=True)
class DemoSummary:
    cases: int
    users: int
    seed: int


class DemoCancelled(CaseworkerError):
    """``progress`` asked to stop. The ``done`` cases already written are kept: each chunk is
    committed before ``progress`` hears of it, so the data dir is whole and can be opened."""

    template = N_("Creating the demo data was stopped after {done} of {total} cases; those cases were kept.")

    def __init__(self, done: int, total: int) -> None:
        super().__init__(done=done, total=total)
        self.done = done
        self.total = total


def create_demo(
    data_dir: DataDir,
    *,
    cases: int,
    seed: int = 1,
    password: str = "demo",
    kdf: KdfParams = RFC9106_LOW_MEMORY,
    clock: Callable[[], dt.datetime] = utc_now,
    progress: Callable[[int, int], bool] | None = None,
) -> DemoSummary:
    """Set up an organisation in ``data_dir`` with user "demo" (a coordinator), four caseworkers
    and ``cases`` invented case files.

    ``progress(done, total)`` is called after each committed chunk of ``CHUNK`` cases; when it
    returns False, no further chunk is written and DemoCancelled is raised. A failure or an
    interruption while a chunk is being written rolls back that chunk only.
    """
    if cases < 0:
        raise BadInput(N_("The number of cases cannot be negative."))
    now = clock()
    today = now.date()
    data = _demo_data()
    signed_in, _recovery = accounts.set_up(
        data_dir,
        organisation=ORGANISATION,
        username=USERNAME,
        display_name=DISPLAY_NAME,
        password=password,
        kdf=kdf,
        enforce_password_policy=False,
        country=data.host_country,
        host_language=data.host_language,
    )
    try:
        # The starter directory first: demo data is for exploring "where to go" too.
        load_starter(data_dir)
        services = _referral_services(data_dir)
        with signed_in.store.write() as session:
            staff = [
                UserAccount(username=name, display_name=display, role=Role.CASEWORKER, active=True, created_at=now)
                for name, display in data.caseworkers
            ]
            session.add_all(staff)
            session.flush()
            caseworker_ids = [account.id for account in staff]
        rng = _Draws(seed)
        # Opening dates first, sorted, so that ids and references follow the calendar.
        opened = sorted(today - dt.timedelta(days=int(HISTORY_DAYS * rng.random() ** 1.2)) for _ in range(cases))
        maker = _CaseMaker(rng, data, now, caseworker_ids, signed_in.user.id, services)
        done = 0
        while done < cases:
            batch = opened[done : done + CHUNK]
            rows = maker.make(batch, first_id=done + 1)
            with signed_in.store.write() as session:
                for table, values in rows.items():
                    _insert_rows(session, table, values)
            done += len(batch)
            if progress is not None and progress(done, cases) is False:
                raise DemoCancelled(done, cases)
    finally:
        signed_in.close()
    return DemoSummary(cases=cases, users=1 + len(caseworker_ids), seed=seed)


@dataclass(frozen=True)
class _Service:
    """A service of the directory as a referral keeps it."""

    categories: tuple[str, ...]
    snapshot: dict[str, str]  # the referral's columns, as pathways.refer fills them


def _referral_services(data_dir: DataDir) -> list[_Service]:
    """The active services of the data folder's directory, read once for every referral."""
    store = DirectoryStore.open(data_dir.directory_db, read_only=True)
    try:
        with store.read() as session:
            ids = all_service_ids(session)
        entries = get_services(store, ids)
    finally:
        store.dispose()
    return [
        _Service(
            categories=tuple(code for code in entry.categories if code in BY_CODE),
            snapshot={
                "service_id": entry.id,
                "service_name": entry.name,
                "organization_name": entry.organization_name,
                "address": ", ".join(part for part in (*entry.address_lines, entry.postal_code, entry.city) if part),
                "phone": "; ".join(phone.number for phone in entry.phones),
                "email": entry.email,
                "url": entry.url,
                "hours": "; ".join(entry.schedule_lines),
                "documents": "; ".join(entry.required_documents),
            },
        )
        for entry in entries
        if entry.active
    ]


def _insert_rows(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """What ``session.execute(insert(table), rows)`` does, with the per-row work done a column at
    a time.

    SQLAlchemy's executemany path builds and converts a parameter dict for every row, which costs
    more than SQLite's own insert. Here the statement is still compiled by SQLAlchemy for the
    session's dialect, and every value still goes through its column type's bind processor
    (UtcDateTime, Date, the vocabularies' CHECKed strings), so the stored values are the same;
    tests/unit/test_demo.py compares the two ways.
    """
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    compiled = insert(table).compile(dialect=dialect, column_keys=list(rows[0]))
    keys = compiled.positiontup or list(rows[0])
    columns = []
    for key in keys:
        values = [row[key] for row in rows]
        process = table.c[key].type.dialect_impl(dialect).bind_processor(dialect)
        if process:
            # A column holds few different values (days, vocabularies), and a bind processor
            # gives the same result for the same value: each is processed once.
            processed = {value: process(value) for value in set(values)}
            values = [processed[value] for value in values]
        columns.append(values)
    if compiled.positiontup:
        connection.exec_driver_sql(compiled.string, list(zip(*columns)))
    else:  # a dialect with named parameters
        connection.exec_driver_sql(compiled.string, [dict(zip(keys, values)) for values in zip(*columns)])


# --- drawing -------------------------------------------------------------------------------------


class _Draws(random.Random):
    """random.Random with integer draws taken from one ``random()`` each: several times faster
    than the exactly uniform originals, and uniform enough for invented people."""

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:
        if stop is None:
            start, stop = 0, start
        return start + step * int(self.random() * ((stop - start + step - 1) // step))

    def choice(self, seq: Sequence[T]) -> T:
        return seq[int(self.random() * len(seq))]


# --- the shipped pools ------------------------------------------------------------------------

class _Weighted(Generic[T]):
    """Items drawn with given weights; faster than ``random.choices`` for one draw at a time."""

    __slots__ = ("items", "cumulative", "total")

    def __init__(self, pairs: Sequence[tuple[T, float]]) -> None:
        self.items = [item for item, _weight in pairs]
        self.cumulative = list(itertools.accumulate(weight for _item, weight in pairs))
        self.total = self.cumulative[-1]

    def pick(self, rng: random.Random) -> T:
        return self.items[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


Name = tuple[str, str]
FamilyName = tuple[str, str, str, str]  # Latin and own script for a man, then for a woman


@dataclass(frozen=True)
class _Origin:
    key: str
    nationality: str | None
    stateless: bool
    country: str
    education: _Weighted[int]
    given_male: list[Name]
    given_female: list[Name]
    family: list[FamilyName]
    own_script: bool
    repeat_latin: float  # for Latin-script names: how often the own-script field repeats it
    middle_name: float
    single_name: float
    two_family_names: float
    women: float
    mother_tongues: _Weighted[str]
    english: float
    other_languages: list[tuple[str, float]]
    preferred: _Weighted[str]
    transit: list[tuple[str, float]]
    second_nationality: list[tuple[str, float]]
    legal: _Weighted[LegalStatus]
    cities: list[str]
    arrived_after: dt.date | None


@dataclass(frozen=True)
class _Occupation:
    title: str
    isco: str
    goal_as: str
    tier: str
    field: str
    qualification: str
    regulated: bool


@dataclass(frozen=True)
class _StepPlan:
    key: str
    title: str  # msgid
    due_days: int | None
    category: str | None  # what its service event counts: the step's first suggestion, else the pathway's
    suggest: tuple[str, ...]  # categories a caseworker may refer to at this step
    skipped: float  # how often the step is skipped


@dataclass(frozen=True)
class _PathwayPlan:
    """A shipped pathway template, as the demo walks people through it."""

    id: str
    title: str  # msgid
    category: str | None  # as start_pathway sets it: the template's first category
    steps: tuple[_StepPlan, ...]
    outcomes: list[str]  # what a caseworker writes when a step is done


@dataclass(frozen=True)
class _DemoData:
    origins: _Weighted[_Origin]
    occupations: dict[str, _Weighted[_Occupation]]  # by tier
    general_fields: list[str]
    school_certificates: list[str]
    institutions: dict[str, list[str]]  # by ISCED level, and "vocational"
    employers: list[str]
    job_descriptions: list[str]
    recognition_bodies: dict[str, str]
    recognition_notes: dict[str, list[str]]
    goals: dict[str, Any]
    meeting_notes: dict[str, list[str]]
    closure_notes: dict[str, list[str]]
    legal_notes: dict[str, list[str]]
    host_country: str
    host_language: str
    mobile_prefixes: list[str]
    streets: list[str]
    places: list[str]
    caseworkers: list[tuple[str, str]]
    pathways: dict[str, _PathwayPlan]
    skipped_notes: list[str]
    drop_reasons: list[str]
    drop_reasons_on_closing: dict[str, list[str]]
    referral_notes: list[str]


def _load(name: str) -> Any:
    with resource("demo", name).open(encoding="utf-8") as handle:
        return json.load(handle)


def _family(entry: list[str]) -> FamilyName:
    return (entry[0], entry[1], entry[0], entry[1]) if len(entry) == 2 else (entry[0], entry[1], entry[2], entry[3])


@cache
def _demo_data() -> _DemoData:
    pools = _load("names.json")["pools"]
    origins_file = _load("origins.json")
    work = _load("work.json")
    legal = {
        name: _Weighted([(LegalStatus(status), weight) for status, weight in pairs])
        for name, pairs in origins_file["legal_profiles"].items()
    }
    education = {
        name: _Weighted(list(enumerate(weights)))
        for name, weights in work["education_profiles"].items()
        if not name.startswith("_")
    }
    origins = []
    for o in origins_file["origins"]:
        given, family = pools[o["given"]], pools[o["family"]]
        own_script = o["native"] == "script"
        arrived_after = o.get("arrived_after")
        origin = _Origin(
            key=o["key"],
            nationality=o["nationality"],
            stateless=o.get("stateless", False),
            country=o["country"],
            education=education[o["education"]],
            given_male=[(n[0], n[1]) for n in given["male"]],
            given_female=[(n[0], n[1]) for n in given["female"]],
            family=[_family(n) for n in family["family"]],
            own_script=own_script,
            repeat_latin=0.0 if own_script else float(o["native"]),
            middle_name=o.get("middle_name", 0.0),
            single_name=o.get("single_name", 0.0),
            two_family_names=o.get("two_family_names", 0.0),
            women=o["women"],
            mother_tongues=_Weighted([(code, weight) for code, weight in o["mother_tongues"]]),
            english=o["english"],
            other_languages=[(code, p) for code, p in o["other_languages"]],
            preferred=_Weighted([(code, weight) for code, weight in o["preferred"]]),
            transit=[(code, p) for code, p in o["transit"]],
            second_nationality=[(code, p) for code, p in o.get("second_nationality", [])],
            legal=legal[o["legal"]],
            cities=o["cities"],
            arrived_after=dt.date.fromisoformat(arrived_after) if arrived_after else None,
        )
        origins.append((origin, o["weight"]))
    by_tier: dict[str, list[tuple[_Occupation, float]]] = {}
    for job in work["occupations"]:
        occupation = _Occupation(
            job["title"], job["isco"], job["as"], job["tier"], job["field"], job["qualification"], job["regulated"]
        )
        by_tier.setdefault(occupation.tier, []).append((occupation, job["weight"]))
    host = work["host"]
    words = _load("pathways.json")
    return _DemoData(
        origins=_Weighted(origins),
        occupations={tier: _Weighted(jobs) for tier, jobs in by_tier.items()},
        general_fields=work["general_fields"],
        school_certificates=work["school_certificates"],
        institutions=work["institutions"],
        employers=work["employers"],
        job_descriptions=work["job_descriptions"],
        recognition_bodies={key: body for key, body in work["recognition_bodies"].items() if not key.startswith("_")},
        recognition_notes=work["recognition_notes"],
        goals=work["goals"],
        meeting_notes=work["meeting_notes"],
        closure_notes=work["closure_notes"],
        legal_notes=work["legal_notes"],
        host_country=host["country"],
        host_language=host["language"],
        mobile_prefixes=host["mobile_prefixes"],
        streets=host["streets"],
        places=host["places"],
        caseworkers=[(name, display) for name, display in work["caseworkers"]],
        pathways=_pathway_plans(words),
        skipped_notes=words["skipped_notes"],
        drop_reasons=words["drop_reasons"],
        drop_reasons_on_closing=words["drop_reasons_on_closing"],
        referral_notes=words["referral_notes"],
    )


def _pathway_plans(words: dict[str, Any]) -> dict[str, _PathwayPlan]:
    """The shipped templates (an organisation's own are not there yet when the demo is made)."""
    outcomes, skipped = words["step_outcomes"], words["often_skipped"]
    plans = {}
    for template in load_templates().templates:
        category = template.categories[0] if template.categories else None
        steps = tuple(
            _StepPlan(
                step.id, step.title, step.due_days, step.suggest[0] if step.suggest else category, step.suggest,
                skipped.get(f"{template.id}/{step.id}", skipped["_any"]),
            )
            for step in template.steps
        )
        plans[template.id] = _PathwayPlan(
            template.id, template.title, category, steps, outcomes.get(template.id, []) + outcomes["any"]
        )
    return plans


# --- the vocabularies' plausible mixes ----------------------------------------------------------

_CEFR = list(CefrLevel)
_OTHER_LANGUAGE_LEVEL = _Weighted(
    [(CefrLevel.A2, 15), (CefrLevel.B1, 25), (CefrLevel.B2, 30), (CefrLevel.C1, 20), (CefrLevel.C2, 10)]
)
_ENGLISH_LEVEL = _Weighted(
    [(CefrLevel.A1, 15), (CefrLevel.A2, 25), (CefrLevel.B1, 30), (CefrLevel.B2, 20), (CefrLevel.C1, 10)]
)
_FIRST_HOST_LEVEL = _Weighted([(0, 55), (1, 25), (2, 13), (3, 5), (4, 2)])
_TIER_BY_LEVEL = {
    "high": _Weighted([("professional", 65), ("associate", 10), ("skilled", 10), ("elementary", 15)]),
    "middle": _Weighted([("associate", 35), ("skilled", 40), ("elementary", 25)]),
    "secondary": _Weighted([("skilled", 50), ("associate", 10), ("elementary", 40)]),
    "low": _Weighted([("skilled", 40), ("elementary", 60)]),
}
_SCHOOL_AGE = {0: 10, 1: 12, 2: 15, 3: 18, 4: 19, 5: 20, 6: 22, 7: 24, 8: 29}
_RECOGNITION = _Weighted(
    [
        (RecognitionStatus.NOT_STARTED, 22),
        (RecognitionStatus.DOCUMENTS_GATHERED, 15),
        (RecognitionStatus.APPLIED, 15),
        (RecognitionStatus.RECOGNISED, 15),
        (RecognitionStatus.PARTLY_RECOGNISED, 10),
        (RecognitionStatus.REFUSED, 5),
        (RecognitionStatus.NOT_NEEDED, 12),
        # QUALIFICATIONS_PASSPORT: only for higher education without papers, see _qualification
    ]
)
_DECIDED = {
    RecognitionStatus.RECOGNISED,
    RecognitionStatus.PARTLY_RECOGNISED,
    RecognitionStatus.REFUSED,
    RecognitionStatus.QUALIFICATIONS_PASSPORT,
}
# A licence from abroad is exchanged, not assessed; its "qualification" is the ISCO group of drivers.
_DRIVING = "83"
_LICENCE_EXCHANGE = _Weighted(
    [
        (RecognitionStatus.NOT_STARTED, 40),
        (RecognitionStatus.APPLIED, 30),
        (RecognitionStatus.RECOGNISED, 25),
        (RecognitionStatus.REFUSED, 5),
    ]
)
_PENDING = {RecognitionStatus.NOT_STARTED, RecognitionStatus.DOCUMENTS_GATHERED, RecognitionStatus.APPLIED}
_CLOSURE = _Weighted(
    [
        (ClosureReason.EMPLOYED, 30),
        (ClosureReason.IN_EDUCATION, 12),
        (ClosureReason.GOALS_MET, 10),
        (ClosureReason.MOVED_AWAY, 15),
        (ClosureReason.NO_LONGER_IN_CONTACT, 18),
        (ClosureReason.REFERRED_ELSEWHERE, 8),
        (ClosureReason.CLIENT_REQUEST, 4),
        (ClosureReason.OTHER, 3),
    ]
)
_MEETING_KIND = _Weighted(
    [(MeetingKind.IN_PERSON, 60), (MeetingKind.PHONE, 20), (MeetingKind.VIDEO, 8), (MeetingKind.MESSAGE, 12)]
)
_LABOUR_STATUS = _Weighted(
    [
        (LabourStatus.UNEMPLOYED, 45),
        (LabourStatus.LONG_TERM_UNEMPLOYED, 25),
        (LabourStatus.INACTIVE, 20),
        (LabourStatus.EMPLOYED, 7),
        (LabourStatus.SELF_EMPLOYED, 3),
    ]
)
_CONSENT_METHOD = _Weighted([(ConsentMethod.WRITTEN, 70), (ConsentMethod.VERBAL, 15), (ConsentMethod.ELECTRONIC, 15)])
_JOB_COUNT = _Weighted([(0, 15), (1, 40), (2, 30), (3, 15)])
_CASEWORKER_SHARE = [30, 28, 24, 18]
# Permits run for these many days (a range where the length varies).
_PERMIT_DAYS: dict[LegalStatus, tuple[int, int]] = {
    LegalStatus.ASYLUM_SEEKER: (182, 365),
    LegalStatus.REFUGEE: (1095, 1095),
    LegalStatus.SUBSIDIARY_PROTECTION: (365, 730),
    LegalStatus.TEMPORARY_PROTECTION: (365, 730),
    LegalStatus.FAMILY_REUNIFICATION: (365, 1095),
    LegalStatus.WORK_PERMIT: (365, 1460),
    LegalStatus.STUDENT: (365, 730),
    LegalStatus.OTHER: (91, 365),
}
_DECIDED_AFTER_ASYLUM = {LegalStatus.REFUGEE, LegalStatus.SUBSIDIARY_PROTECTION, LegalStatus.OTHER}
_FULL_WORK_RIGHTS = {
    LegalStatus.REFUGEE,
    LegalStatus.SUBSIDIARY_PROTECTION,
    LegalStatus.TEMPORARY_PROTECTION,
    LegalStatus.FAMILY_REUNIFICATION,
}
_UNSETTLED = {LegalStatus.ASYLUM_SEEKER, LegalStatus.UNDOCUMENTED, LegalStatus.OTHER}
_PATHWAY_COUNT = _Weighted([(1, 58), (2, 32), (3, 10)])
_REFERRAL_COUNT = _Weighted([(0, 30), (1, 34), (2, 23), (3, 13)])
# How fast a person goes from step to step, as a factor on the template's follow-up intervals.
_PACE = (0.5, 0.8, 1.0, 1.0, 1.3, 1.7, 2.5)
_DROPPED = 0.15
_ENDS_WELL = {ClosureReason.EMPLOYED, ClosureReason.IN_EDUCATION, ClosureReason.GOALS_MET}
_OUTCOME_AFTER_ATTENDING = _Weighted(
    [(ReferralOutcome.ENROLLED, 35), (ReferralOutcome.ACCEPTED, 35), (ReferralOutcome.REFUSED, 15), (ReferralOutcome.OTHER, 15)]
)
_OUTCOME_WITHOUT_ATTENDING = _Weighted(
    [(ReferralOutcome.NO_SHOW, 60), (ReferralOutcome.REFUSED, 20), (ReferralOutcome.OTHER, 20)]
)
_ASCII = str.maketrans({"ı": "i", "ß": "ss", "'": "", "-": "", " ": "."})

_TABLES: tuple[Table, ...] = tuple(
    model.__table__  # type: ignore[misc]
    for model in (
        Person,
        Case,
        Nationality,
        LanguageSkill,
        LegalStatusRecord,
        Education,
        Qualification,
        WorkExperience,
        ConsentRecord,
        Goal,
        Meeting,
        # Rows are inserted in this order: a pathway before its steps, a step before the
        # referrals made at it, both before the service events that point at them.
        Pathway,
        PathwayStep,
        Referral,
        ServiceEvent,
    )
)
(
    _PERSON, _CASE, _NATIONALITY, _LANGUAGE, _LEGAL, _EDUCATION, _QUALIFICATION, _EXPERIENCE, _CONSENT, _GOAL, _MEETING,
    _PATHWAY, _STEP, _REFERRAL, _EVENT,
) = _TABLES


# Spans of up to four years, made once: adding days to dates is most of what the demo does.
_DAY_SPANS = tuple(dt.timedelta(days=n) for n in range(4 * 366))


def _days(n: int) -> dt.timedelta:
    return _DAY_SPANS[n] if 0 <= n < len(_DAY_SPANS) else dt.timedelta(days=n)


def _occurred_on(event: dict[str, Any]) -> dt.date:
    return event["occurred_on"]  # type: ignore[no-any-return]


def _at(day: dt.date, rng: random.Random) -> dt.datetime:
    """A moment in office hours on ``day``, in UTC."""
    return dt.datetime.combine(day, dt.time(rng.randrange(7, 17), rng.randrange(60), rng.randrange(60)), tzinfo=dt.UTC)


def _ascii_slug(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_ASCII))
    return "".join(ch for ch in decomposed if ch.isascii() and (ch.isalnum() or ch == "."))


@dataclass
class _Person:
    """What later parts of one case depend on."""

    case_id: int
    origin: _Origin
    opened_on: dt.date
    born: dt.date
    arrived: dt.date
    mother_tongue: str
    level: int  # highest ISCED level
    occupation: _Occupation
    qualification: str = ""
    qualification_pending: bool = False
    host_level: int | None = None  # index in _CEFR of the latest assessment
    host_assessed_on: dt.date | None = None
    host_assessments: int = 0
    legal: LegalStatus | None = None  # the current status
    sharing_from: dt.date | None = None  # None: no consent to sharing
    sharing_until: dt.date | None = None  # withdrawn on

    def may_share(self, on: dt.date) -> bool:
        """As pathways.refer decides: consent to sharing given by that day and not withdrawn by it."""
        return (
            self.sharing_from is not None
            and self.sharing_from <= on
            and (self.sharing_until is None or self.sharing_until > on)
        )


class _CaseMaker:
    """Rows for one chunk of cases at a time, from one random stream."""

    def __init__(
        self,
        rng: random.Random,
        data: _DemoData,
        now: dt.datetime,
        caseworker_ids: list[int],
        coordinator_id: int,
        services: Sequence[_Service] = (),
    ) -> None:
        self.rng = rng
        self.data = data
        self.now = now
        self.today = now.date()
        self.caseworkers = _Weighted(list(zip(caseworker_ids, _CASEWORKER_SHARE, strict=False)))
        self.coordinator_id = coordinator_id
        # Persons and cases share the case's id; nationalities are keyed by person and country.
        self.next_id = {table: 1 for table in _TABLES if table not in (_PERSON, _CASE, _NATIONALITY)}
        self.references: dict[int, int] = {}
        self.rows: dict[Table, list[dict[str, Any]]] = {}
        # The services a referral in each category can go to; a category without any gets none.
        self.served: dict[str, list[_Service]] = {}
        for service in services:
            for code in service.categories:
                self.served.setdefault(code, []).append(service)

    def make(self, opened: Sequence[dt.date], first_id: int) -> dict[Table, list[dict[str, Any]]]:
        self.rows = {table: [] for table in _TABLES}
        for offset, opened_on in enumerate(opened):
            self._case(first_id + offset, opened_on)
        return self.rows

    def _add(self, table: Table, row: dict[str, Any]) -> None:
        row["id"] = self.next_id[table]
        self.next_id[table] += 1
        self.rows[table].append(row)

    def _chance(self, p: float) -> bool:
        return self.rng.random() < p

    def _day_between(self, start: dt.date, end: dt.date) -> dt.date:
        return start + _days(self.rng.randint(0, max((end - start).days, 0)))

    # --- one case ---

    def _case(self, case_id: int, opened_on: dt.date) -> None:
        rng, data, today = self.rng, self.data, self.today
        origin = data.origins.pick(rng)
        age_days = (today - opened_on).days
        born = opened_on - _days(int(rng.triangular(17, 64, 27) * 365.25) + rng.randrange(365))
        arrived = opened_on - _days(min(int(rng.expovariate(1 / 300)), 3650))
        if origin.arrived_after is not None and origin.arrived_after <= opened_on:
            arrived = max(arrived, self._day_between(origin.arrived_after, min(opened_on, origin.arrived_after + _days(120))))
        level = origin.education.pick(rng)
        band = "high" if level >= 6 else "middle" if level >= 4 else "secondary" if level == 3 else "low"
        occupation = data.occupations[_TIER_BY_LEVEL[band].pick(rng)].pick(rng)
        person = _Person(case_id, origin, opened_on, born, arrived, origin.mother_tongues.pick(rng), level, occupation)

        if age_days > 0 and self._chance(0.05 + 0.4 * min(age_days, HISTORY_DAYS) / HISTORY_DAYS):
            status = CaseStatus.CLOSED
            closed_on: dt.date | None = opened_on + _days(rng.randint(min(30, age_days), age_days))
            reason: ClosureReason | None = _CLOSURE.pick(rng)
            closure_note = rng.choice(data.closure_notes[reason.value])
        else:
            status = CaseStatus.ON_HOLD if self._chance(0.08) else CaseStatus.OPEN
            closed_on, reason, closure_note = None, None, ""
        assigned_to = None if self._chance(0.1) else self.caseworkers.pick(rng)

        self._person_row(person)
        self._languages(person)
        self._legal_statuses(person)
        self._education(person)
        self._experience(person, hired_by=closed_on if reason is ClosureReason.EMPLOYED else None)
        self._consents(person)
        self._goals(person, reason)
        last_contact = self._meetings(person, closed_on, assigned_to)
        self._pathways_and_referrals(person, closed_on, reason, status is CaseStatus.ON_HOLD, assigned_to)

        year = opened_on.year
        self.references[year] = self.references.get(year, 0) + 1
        touched = _at(max(d for d in (opened_on, last_contact, closed_on) if d is not None), rng)
        created = min(_at(opened_on, rng), self.now)
        updated = max(min(touched, self.now), created)
        person_row = self.rows[_PERSON][-1]
        person_row["created_at"], person_row["updated_at"] = created, updated
        self.rows[_CASE].append(
            {
                "id": case_id,
                "reference": f"{year}-{self.references[year]:05d}",
                "person_id": case_id,
                "status": status,
                "closure_reason": reason,
                "closure_note": closure_note,
                "assigned_to": assigned_to,
                "opened_on": opened_on,
                "closed_on": closed_on,
                "last_contact_on": last_contact,
                "updated_at": updated,
                "version": 1,
                **self._participation(opened_on, closed_on, reason),
            }
        )

    def _participation(self, opened_on: dt.date, closed_on: dt.date | None, reason: ClosureReason | None) -> dict[str, Any]:
        """Most people take part in a funded programme from soon after their case opens until it closes."""
        rng = self.rng
        row: dict[str, Any] = {
            "entered_on": None, "entry_labour_status": None, "left_on": None,
            "left_job_searching": False, "left_in_education": False, "left_qualification": False, "left_employed": False,
        }
        if not self._chance(0.6):
            return row
        row["entered_on"] = min(opened_on + _days(rng.randint(0, 14)), closed_on or self.today)
        row["entry_labour_status"] = _LABOUR_STATUS.pick(rng)
        if closed_on is not None:
            row["left_on"] = closed_on
            row["left_employed"] = reason is ClosureReason.EMPLOYED
            row["left_in_education"] = reason is ClosureReason.IN_EDUCATION
            row["left_qualification"] = self._chance(0.3 if reason is ClosureReason.IN_EDUCATION else 0.1)
            row["left_job_searching"] = reason is not ClosureReason.EMPLOYED and self._chance(0.5)
        return row

    def _person_row(self, person: _Person) -> None:
        rng, origin, data = self.rng, person.origin, self.data
        r = rng.random()
        if r < 0.01:
            gender = Gender.NON_BINARY
        elif r < 0.03:
            gender = Gender.NOT_STATED
        else:
            gender = Gender.WOMAN if self._chance(origin.women) else Gender.MAN
        female = gender is Gender.WOMAN or (gender is not Gender.MAN and self._chance(0.5))
        first = rng.choice(origin.given_female if female else origin.given_male)
        latin, native = [first[0]], [first[1]]
        if not self._chance(origin.single_name):
            if self._chance(origin.middle_name):  # the father's name, as many papers carry it
                father = rng.choice(origin.given_male)
                latin.append(father[0])
                native.append(father[1])
            for _ in range(2 if self._chance(origin.two_family_names) else 1):
                family = rng.choice(origin.family)
                latin.append(family[2] if female else family[0])
                native.append(family[3] if female else family[1])
        name_latin = " ".join(latin)
        name_native = " ".join(part for part in native if part)
        if not origin.own_script:
            name_native = name_latin if self._chance(origin.repeat_latin) else ""
        else:
            r = rng.random()
            if r < 0.03:
                name_native = ""  # only the Latin form on the papers
            elif r < 0.04:
                name_latin = ""  # not yet transliterated

        r = rng.random()
        born = person.born
        if r < 0.78:
            birth = (born.year, 1, 1) if self._chance(0.05) else (born.year, born.month, born.day)
        elif r < 0.87:
            birth = (born.year, born.month, None)
        elif r < 0.97:
            birth = (born.year, None, None)
        else:
            birth = (None, None, None)

        nationalities = [] if origin.nationality is None else [origin.nationality]
        for country, p in origin.second_nationality:
            if self._chance(p) and country not in nationalities:
                nationalities.append(country)
        for country in nationalities:
            self.rows[_NATIONALITY].append({"person_id": person.case_id, "country": country})

        phone = ""
        if self._chance(0.9):
            if origin.key == "ukraine" and self._chance(0.15):
                operator = rng.choice(("50", "63", "66", "67", "68", "73", "93", "96", "97", "98", "99"))
                phone = f"+380 {operator} {rng.randrange(100, 1000)} {rng.randrange(10, 100)} {rng.randrange(10, 100)}"
            else:
                phone = f"+49 {rng.choice(data.mobile_prefixes)} {rng.randrange(1_000_000, 100_000_000)}"
        email = ""
        if name_latin and self._chance(0.35):
            email = f"{_ascii_slug(name_latin)}{rng.randrange(1, 100)}@example.org"
        address = ""
        if self._chance(0.6):
            address = f"{rng.choice(data.streets)} {rng.randrange(1, 120)}, {rng.choice(data.places)}"
        preferred = origin.preferred.pick(rng)
        preferred_language = person.mother_tongue if preferred == "mother" else preferred

        self.rows[_PERSON].append(
            {
                "id": person.case_id,  # one person per case: the same id
                "name_latin": name_latin,
                "name_native": name_native,
                # As cases._apply derives it, so search finds demo people like real ones.
                "name_folded": fold(f"{name_latin} {name_native}"),
                "birth_year": birth[0],
                "birth_month": birth[1],
                "birth_day": birth[2],
                "gender": gender,
                "stateless": origin.stateless,
                "phone": phone,
                "email": email,
                "address": address,
                "preferred_language": preferred_language,
                # Someone who would rather be spoken to in another language reads their own too.
                "other_languages": person.mother_tongue if preferred_language != person.mother_tongue else "",
                "sensitive_notes": "",  # invented people have no health or religion to record
            },
        )

    def _language(
        self, person: _Person, language: str, level: CefrLevel | None, mother: bool, on: dt.date | None, note: str = ""
    ) -> None:
        self._add(
            _LANGUAGE,
            {
                "person_id": person.case_id, "language": language, "level": level, "mother_tongue": mother,
                "assessed_on": on, "note": note,
            },
        )

    def _languages(self, person: _Person) -> None:
        rng, origin, today = self.rng, person.origin, self.today
        self._language(person, person.mother_tongue, None, True, None)
        for code, p in origin.other_languages:
            if code != person.mother_tongue and self._chance(p):
                self._language(person, code, _OTHER_LANGUAGE_LEVEL.pick(rng), False, None, "Self-assessed")
        if person.mother_tongue != "en" and self._chance(origin.english):
            on = None if self._chance(0.5) else min(person.opened_on + _days(rng.randrange(30)), today)
            self._language(person, "en", _ENGLISH_LEVEL.pick(rng), False, on)
        if self._chance(0.08):
            return  # newly arrived, no German assessed yet
        on = min(person.opened_on + _days(rng.randrange(30)), today)
        months_here = (on - person.arrived).days // 30
        # Nobody reaches B2 in their first months: the first level depends on time in the country.
        ceiling = 0 if months_here < 6 else 1 if months_here < 12 else 2 if months_here < 24 else 4
        level = min(_FIRST_HOST_LEVEL.pick(rng), ceiling)
        for _ in range(rng.choice((1, 1, 2, 2, 3))):
            self._language(person, self.data.host_language, _CEFR[level], False, on)
            person.host_level, person.host_assessed_on = level, on
            person.host_assessments += 1
            on += _days(rng.randint(120, 300))
            if on > today or level == len(_CEFR) - 1:
                break
            level += 1 if self._chance(0.85) else 0

    def _legal_statuses(self, person: _Person) -> None:
        rng, today = self.rng, self.today
        status = person.origin.legal.pick(rng)
        start = person.arrived
        if status in _DECIDED_AFTER_ASYLUM and self._chance(0.6):
            decided = min(person.arrived + _days(rng.randint(90, 540)), today)
            if decided > person.arrived:
                allowed = person.arrived + _days(90)
                works = allowed < decided and self._chance(0.7)
                self._legal(
                    person, LegalStatus.ASYLUM_SEEKER,
                    WorkAuthorisation.RESTRICTED if works else WorkAuthorisation.NO,
                    person.arrived, decided, allowed if works else None, decided if works else None,
                )
                start = decided
        if status is LegalStatus.UNDOCUMENTED:
            self._legal(person, status, WorkAuthorisation.NO, None, None, None, None)
            return
        low, high = _PERMIT_DAYS[status]
        length = rng.randint(low, high)
        permit_from, permit_until = start, start + _days(length)
        note = ""
        if permit_until < today:
            if self._chance(0.04):
                permit_until = today - _days(rng.randint(1, 45))
                permit_from = permit_until - _days(length)
                note = rng.choice(self.data.legal_notes["expired"])
            else:  # renewed since: the current permit is the one that covers today
                permit_from = start + _days((today - start).days // length * length)
                permit_until = permit_from + _days(length)
        if status is LegalStatus.OTHER and not note:
            note = rng.choice(self.data.legal_notes["other"])
        if status in _FULL_WORK_RIGHTS:
            work = WorkAuthorisation.YES
        elif status is LegalStatus.WORK_PERMIT:
            work = WorkAuthorisation.RESTRICTED if self._chance(0.2) else WorkAuthorisation.YES
            if work is WorkAuthorisation.RESTRICTED:
                note = note or self.data.legal_notes["work_permit_restricted"][0]
        elif status is LegalStatus.STUDENT:
            work = WorkAuthorisation.RESTRICTED
            note = note or self.data.legal_notes["student"][0]
        elif status is LegalStatus.ASYLUM_SEEKER:
            may_work = person.arrived + _days(90) <= today and self._chance(0.7)  # after three months, with leave
            work = WorkAuthorisation.RESTRICTED if may_work else WorkAuthorisation.NO
        else:
            work = WorkAuthorisation.RESTRICTED if self._chance(0.5) else WorkAuthorisation.NO
        work_from = work_until = None
        if work is not WorkAuthorisation.NO:
            work_from = max(permit_from, person.arrived + _days(90)) if status is LegalStatus.ASYLUM_SEEKER else permit_from
            work_from = min(work_from, permit_until)
            work_until = permit_until
        self._legal(person, status, work, permit_from, permit_until, work_from, work_until, note)

    def _legal(
        self, person: _Person, status: LegalStatus, work: WorkAuthorisation, permit_from: dt.date | None,
        permit_until: dt.date | None, work_from: dt.date | None, work_until: dt.date | None, note: str = "",
    ) -> None:
        person.legal = status  # the last one written is the current one
        self._add(
            _LEGAL,
            {
                "person_id": person.case_id, "status": status, "permit_from": permit_from, "permit_until": permit_until,
                "work_authorisation": work, "work_from": work_from, "work_until": work_until, "note": note,
            },
        )

    def _study_country(self, origin: _Origin) -> str:
        for country, p in origin.transit:
            if self._chance(p / 3):
                return country
        return origin.country

    def _education(self, person: _Person) -> None:
        rng, data, origin = self.rng, self.data, person.origin
        level, occupation = person.level, person.occupation
        city = rng.choice(origin.cities)
        if level == 0:
            if self._chance(0.5):
                self._school(person, 0, "No formal schooling", "", origin.country, None, True)
            return
        if level >= 6 and self._chance(0.5):
            year = person.born.year + _SCHOOL_AGE[3] + rng.randrange(2)
            school = data.institutions["3"][0].format(city=city)
            self._school(person, 3, rng.choice(data.general_fields), school, origin.country, year, True)
        vocational = occupation.field and (level >= 4 or (level == 3 and occupation.tier == "skilled" and self._chance(0.5)))
        field = occupation.field if vocational else rng.choice(data.general_fields) if level <= 3 else ""
        institution = rng.choice(data.institutions["vocational" if vocational and level == 3 else str(level)]).format(city=city)
        country = self._study_country(origin)
        year: int | None = person.born.year + _SCHOOL_AGE[level] + rng.randrange(4)
        completed = year <= min(self.today.year, person.arrived.year) and not self._chance(0.08)  # type: ignore[operator]
        if not completed:
            year = None  # studies broken off by flight, or not finished yet
        self._school(person, level, field, institution, country, year, completed)
        if occupation.qualification and (vocational or occupation.tier == "professional" and level >= 6) and completed:
            issuer = institution if level >= 5 else ""
            self._qualification(
                person, occupation.qualification, occupation.isco, issuer, country, year, occupation.regulated
            )
        elif level == 3 and completed and self._chance(0.35):  # wanted for vocational training and university
            certificate = rng.choice(data.school_certificates)
            self._qualification(person, certificate, "", institution, country, year, False)
        if self._chance(0.08):
            kind = rng.choice(("B", "C/CE"))
            self._qualification(person, f"Driving licence (category {kind})", _DRIVING, "", origin.country, None, True)

    def _school(
        self, person: _Person, level: int, field: str, institution: str, country: str | None, year: int | None,
        completed: bool,
    ) -> None:
        self._add(
            _EDUCATION,
            {
                "person_id": person.case_id, "isced_level": level, "field": field, "institution": institution,
                "country": country, "year_completed": year, "completed": completed,
            },
        )

    def _qualification(
        self, person: _Person, title: str, isco: str, issuer: str, country: str | None, year: int | None, regulated: bool
    ) -> None:
        rng, today, data = self.rng, self.today, self.data
        status = (_LICENCE_EXCHANGE if isco.startswith(_DRIVING) else _RECOGNITION).pick(rng)
        if status is RecognitionStatus.NOT_NEEDED and regulated:
            status = RecognitionStatus.APPLIED
        has_documents = self._chance(0.65)
        # The Qualifications Passport assesses higher education of refugees whose papers are missing.
        if person.level >= 5 and isco[0] in "123" and not has_documents and self._chance(0.4):
            status = RecognitionStatus.QUALIFICATIONS_PASSPORT
        if status is RecognitionStatus.DOCUMENTS_GATHERED:
            has_documents = True
        applied_on = decided_on = None
        if status is RecognitionStatus.APPLIED or status in _DECIDED:
            applied_on = self._day_between(person.opened_on, today)
        if status in _DECIDED:
            decided_on = applied_on + _days(rng.randint(30, 200))  # type: ignore[operator]
            if decided_on > today:
                applied_on -= decided_on - today  # type: ignore[operator]
                decided_on = today
        bodies = data.recognition_bodies
        if status is RecognitionStatus.QUALIFICATIONS_PASSPORT:
            body = bodies["passport"]
        elif status in (RecognitionStatus.NOT_STARTED, RecognitionStatus.NOT_NEEDED):
            body = ""
        else:
            body = bodies.get(isco[:2]) or bodies["school" if not isco else "academic" if person.level >= 6 else "vocational"]
        notes = data.recognition_notes.get(status.value)
        if not person.qualification:
            person.qualification = title
            person.qualification_pending = status in _PENDING
        self._add(
            _QUALIFICATION,
            {
                "person_id": person.case_id, "title": title, "issuer": issuer, "country": country, "year": year,
                "has_documents": has_documents, "recognition": status, "recognition_body": body,
                "applied_on": applied_on, "decided_on": decided_on, "note": rng.choice(notes) if notes else "",
            },
        )

    def _experience(self, person: _Person, *, hired_by: dt.date | None) -> None:
        """Jobs, latest first: one here for those who found work, then on the way, then at home."""
        rng, data, origin = self.rng, self.data, person.origin
        jobs: list[tuple[_Occupation, str, int, int | None]] = []
        if hired_by is not None or self._chance(0.12):
            # Professionals often start below their level while their papers are recognised.
            downgraded = person.occupation.tier == "professional" and self._chance(0.6)
            target = data.occupations["skilled"].pick(rng) if downgraded else person.occupation
            start = rng.randint(person.arrived.year, (hired_by or self.today).year)
            jobs.append((target, self.data.host_country, start, None))
        left = person.arrived.year
        if self._chance(0.4):
            for country, p in origin.transit:
                if self._chance(p):
                    start = max(left - rng.randint(0, 2), person.born.year + 16)
                    if start > left:
                        break
                    jobs.append((data.occupations["elementary"].pick(rng), country, start, left))  # work on the way
                    left = start
                    break
        career_start = person.born.year + rng.randint(15, 19) + max(0, _SCHOOL_AGE[person.level] - 18)
        count = 1 if person.opened_on.year - person.born.year < 20 else 3
        for number in range(min(_JOB_COUNT.pick(rng), count)):
            end = left - (0 if number == 0 else rng.randint(0, 1))
            start = max(end - rng.randint(1, 8), career_start)
            if start > end:
                break
            tier = rng.choice(("skilled", "elementary"))
            occupation = person.occupation if number == 0 else data.occupations[tier].pick(rng)
            jobs.append((occupation, origin.country, start, end))
            left = start
        for occupation, country, start, end in jobs:
            self._add(
                _EXPERIENCE,
                {
                    "person_id": person.case_id, "occupation": occupation.title,
                    "isco_code": None if self._chance(0.1) else occupation.isco,
                    "employer": rng.choice(data.employers), "country": country, "start_year": start, "end_year": end,
                    "description": rng.choice(data.job_descriptions),
                },
            )

    def _consents(self, person: _Person) -> None:
        rng, today = self.rng, self.today
        method = _CONSENT_METHOD.pick(rng)
        for scope, refused, withdrawn in (
            (ConsentScope.STORAGE, 0.0, 0.0),
            (ConsentScope.SHARING, 0.08, 0.07),
            (ConsentScope.STATISTICS, 0.06, 0.04),
        ):
            r = rng.random()
            given = r >= refused
            withdrawn_on = self._day_between(person.opened_on, today) if given and r < refused + withdrawn else None
            if scope is ConsentScope.SHARING and given:
                person.sharing_from, person.sharing_until = person.opened_on, withdrawn_on
            self._add(
                _CONSENT,
                {
                    "person_id": person.case_id, "scope": scope, "given": given, "recorded_on": person.opened_on,
                    "method": method, "withdrawn_on": withdrawn_on,
                    "note": "Withdrawn by the client in a meeting." if withdrawn_on else "",
                },
            )

    def _goals(self, person: _Person, reason: ClosureReason | None) -> None:
        rng, templates = self.rng, self.data.goals
        goals: list[tuple[str, str]] = []
        young = person.opened_on.year - person.born.year < 30
        if young and self._chance(0.25):
            trade = self.data.occupations["skilled"].pick(rng)
            goals.append(("education", templates["training"].format(**{"as": trade.goal_as})))
        if self._chance(0.85):
            goals.append(("work", templates["find_work"].format(**{"as": person.occupation.goal_as})))
        if person.host_level is not None and person.host_level < len(_CEFR) - 1 and self._chance(0.4):
            goals.append(("", templates["german"].format(level=_CEFR[person.host_level + 1].value)))
        if person.qualification_pending and self._chance(0.6):
            goals.append(("", templates["recognition"].format(qualification=person.qualification)))
        if not goals or self._chance(0.35):
            goals.append(("", rng.choice(templates["other"])))
        for kind, text in goals[:3]:
            met = (reason is ClosureReason.EMPLOYED and kind == "work") or (
                reason is ClosureReason.IN_EDUCATION and kind == "education"
            )
            if met:
                status = GoalStatus.ACHIEVED
            elif reason is not None:
                status = GoalStatus.ACHIEVED if self._chance(0.4) else GoalStatus.DROPPED
            else:
                r = rng.random()
                status = GoalStatus.OPEN if r < 0.8 else GoalStatus.ACHIEVED if r < 0.92 else GoalStatus.DROPPED
            target = person.opened_on + _days(rng.randint(90, 540)) if self._chance(0.4) else None
            self._add(_GOAL, {"case_id": person.case_id, "text": text, "status": status, "target_date": target})

    def _meetings(self, person: _Person, closed_on: dt.date | None, assigned_to: int | None) -> dt.date:
        rng, today, notes = self.rng, self.today, self.data.meeting_notes
        end = closed_on or today
        span = (end - person.opened_on).days
        count = rng.randint(1, max(1, min(8, 1 + span // 45)))
        later = sorted(set(person.opened_on + _days(rng.randint(1, span)) for _ in range(count - 1))) if span else []
        days = [(person.opened_on, rng.choice(notes["intake"]))] + [(day, rng.choice(notes["follow_up"])) for day in later]
        if closed_on is None and len(days) < 8 and self._chance(0.15):
            days.append((today + _days(rng.randint(1, 21)), rng.choice(notes["planned"])))
        who = assigned_to or self.coordinator_id
        for day, note in days:
            self._add(
                _MEETING,
                {
                    "case_id": person.case_id,
                    "held_on": day,
                    "kind": MeetingKind.IN_PERSON if day == person.opened_on else _MEETING_KIND.pick(rng),
                    "notes": note, "caseworker_id": who if self._chance(0.9) else self.caseworkers.pick(rng),
                },
            )
        return max(day for day, _note in days if day <= today)

    # --- pathways, referrals and the service events they write ---

    def _pathways_and_referrals(
        self, person: _Person, closed_on: dt.date | None, reason: ClosureReason | None, on_hold: bool,
        assigned_to: int | None,
    ) -> None:
        """What the caseworker did with the person, in the rows and service events that
        services/pathways.py writes for each action. A closed case has no pathway under way."""
        rng = self.rng
        end = closed_on or self.today
        who = assigned_to or self.coordinator_id
        events: list[dict[str, Any]] = []
        at_steps: list[tuple[dt.date, str, int | None]] = []  # referrals steps suggested: (day, category, step id)
        started = person.opened_on + _days(rng.randint(0, min(14, (end - person.opened_on).days)))
        for template_id in self._choose(self._pathway_needs(person, reason), _PATHWAY_COUNT.pick(rng)):
            if started > end:
                break
            plan = self.data.pathways[template_id]
            completed_on = self._pathway(person, plan, started, end, reason, on_hold, who, events, at_steps)
            if completed_on is not None and template_id == "language-course":
                self._assessment_after_course(person, completed_on, end)
            started += _days(rng.randint(7, 240))
        self._referrals(person, end, who, events, at_steps)
        # Numbered in the order they happened (the sort is stable: a start stays before its first step).
        events.sort(key=_occurred_on)
        rows, next_id = self.rows[_EVENT], self.next_id[_EVENT]
        for number, event in enumerate(events, next_id):
            event["id"] = number
            rows.append(event)
        self.next_id[_EVENT] = next_id + len(events)

    def _pathway_needs(self, person: _Person, reason: ClosureReason | None) -> list[tuple[str, float]]:
        level = person.host_level
        needs = [
            ("language-course", 80 if level is None or level <= 1 else 10 if level == 2 else 3),
            ("cv-cover-letter", 40),
            ("interview-preparation", 25),
            ("recognition", 45 if person.qualification_pending else 2),
            ("work-permit-contract", 25 if reason is ClosureReason.EMPLOYED else 6),
            ("mentoring", 20),
            ("training-internship-volunteering", 20 if person.opened_on.year - person.born.year < 30 else 8),
            ("legal-guidance", 18 if person.legal in _UNSETTLED else 5),
            ("labour-rights", 1.5),
            ("entrepreneurship", 2.5 if person.occupation.tier == "professional" else 1),
        ]
        return [(template_id, weight) for template_id, weight in needs if template_id in self.data.pathways]

    def _referral_needs(self, person: _Person) -> list[tuple[str, float]]:
        level = person.host_level
        needs = [
            ("language-course", 20 if level is None or level <= 1 else 4),
            ("civic-orientation", 20 if (person.opened_on - person.arrived).days < 365 else 4),
            ("cv-cover-letter", 15),
            ("interview-preparation", 8),
            ("recognition", 25 if person.qualification_pending else 2),
            ("work-permit-contract", 8),
            ("mentoring", 6),
            ("training-internship-volunteering", 15),
            ("legal-guidance", 25 if person.legal in _UNSETTLED else 10),
            ("labour-rights", 3),
            ("entrepreneurship", 2),
            ("housing", 6),
            ("health", 4),
            ("childcare", 3),
            ("psychosocial-support", 3),
        ]
        return [(code, weight) for code, weight in needs if code in self.served]

    def _choose(self, weighted: list[tuple[str, float]], count: int) -> list[str]:
        """Up to ``count`` different items, each drawn with its weight among those left."""
        pool, chosen = list(weighted), []
        total = sum(weight for _item, weight in pool)
        while pool and len(chosen) < count:
            x = self.rng.random() * total
            index = 0
            for index, (_item, weight) in enumerate(pool):
                x -= weight
                if x < 0:
                    break
            item, weight = pool.pop(index)
            chosen.append(item)
            total -= weight
        return chosen

    def _pathway(
        self, person: _Person, plan: _PathwayPlan, started: dt.date, end: dt.date, closing: ClosureReason | None,
        on_hold: bool, who: int, events: list[dict[str, Any]], at_steps: list[tuple[dt.date, str, int | None]],
    ) -> dt.date | None:
        """One pathway from start_pathway on, its steps recorded in order until the person stops,
        the time runs out or every step is done; returns the day it was completed, if it was."""
        rng, data = self.rng, self.data
        draw = rng.random
        if draw() >= 0.9:
            who = self.caseworkers.pick(rng)
        pathway_id = self.next_id[_PATHWAY]
        self.next_id[_PATHWAY] += 1
        case_id, category = person.case_id, plan.category
        events.append(
            {
                "case_id": case_id, "kind": EventKind.PATHWAY_STARTED, "category": category, "occurred_on": started,
                "pathway_id": pathway_id, "referral_id": None, "outcome": None, "user_id": who,
            }
        )
        pace = rng.choice(_PACE)
        drop_at = int(draw() * len(plan.steps)) if draw() < _DROPPED else -1
        last, recorded = started, 0
        stopped = ""  # "drop" when the person stopped, "time" when the step under way is not done yet
        under_way: tuple[_StepPlan, dict[str, Any]] | None = None
        step_rows, step_id = self.rows[_STEP], self.next_id[_STEP]
        self.next_id[_STEP] += len(plan.steps)
        for position, step in enumerate(plan.steps):
            row = {
                "id": step_id + position, "pathway_id": pathway_id, "step_key": step.key, "position": position,
                "title": step.title, "status": StepStatus.OPEN, "started_on": None, "due_on": None, "done_on": None,
                "outcome": "", "note": "",
            }
            step_rows.append(row)
            if stopped:
                continue
            # A step starts when the one before it is recorded (the first when the pathway starts).
            row["started_on"] = last
            if step.due_days:
                row["due_on"] = last + _days(step.due_days)
            if position == drop_at:
                stopped = "drop"
                continue
            planned = step.due_days * (0.5 + draw()) if step.due_days else 21 * draw()
            day = last + _days(int(planned * pace))
            if day > end:
                stopped, under_way = "time", (step, row)
                continue
            if draw() < step.skipped:
                row["status"], row["done_on"], row["note"] = StepStatus.SKIPPED, day, rng.choice(data.skipped_notes)
            else:
                row["status"], row["done_on"], row["outcome"] = StepStatus.DONE, day, rng.choice(plan.outcomes)
                events.append(
                    {
                        "case_id": case_id, "kind": EventKind.STEP_DONE, "category": step.category, "occurred_on": day,
                        "pathway_id": pathway_id, "referral_id": None, "outcome": None, "user_id": who,
                    }
                )
                if step.suggest and draw() < 0.3:
                    self._refer_at_step(step, row, day, at_steps)
            last = day
            recorded += 1
        status, ended, end_reason = PathwayStatus.ACTIVE, None, ""
        if not stopped:
            status, ended = PathwayStatus.COMPLETED, min(last + _days(rng.randint(0, 14)), end)
        elif stopped == "drop":
            status, ended = PathwayStatus.DROPPED, min(last + _days(rng.randint(1, 45)), end)
            end_reason = rng.choice(data.drop_reasons)
        elif closing is not None:  # the case closed with the pathway under way: it ends with the case
            ended = end
            if closing in _ENDS_WELL and draw() < 0.6:
                status = PathwayStatus.COMPLETED
            else:
                status, end_reason = PathwayStatus.DROPPED, rng.choice(data.drop_reasons_on_closing[closing.value])
        elif draw() < (0.5 if on_hold else 0.06):
            status = PathwayStatus.PAUSED
        elif under_way is not None and under_way[0].suggest and draw() < 0.3:
            self._refer_at_step(under_way[0], under_way[1], end, at_steps)
        if ended is not None:
            kind = EventKind.PATHWAY_COMPLETED if status is PathwayStatus.COMPLETED else EventKind.PATHWAY_DROPPED
            events.append(
                {
                    "case_id": case_id, "kind": kind, "category": category, "occurred_on": ended,
                    "pathway_id": pathway_id, "referral_id": None, "outcome": None, "user_id": who,
                }
            )
        # Inserted before its steps (see _TABLES), though written after them here.
        self.rows[_PATHWAY].append(
            {
                "id": pathway_id, "case_id": case_id, "template_id": plan.id, "title": plan.title,
                "category": category, "status": status, "started_on": started, "ended_on": ended,
                "end_reason": end_reason, "started_by": who,
                "updated_at": min(_at(ended or last, rng), self.now),
                # Each step recorded and each change of status moved the version on.
                "version": 1 + recorded + (status is not PathwayStatus.ACTIVE),
            }
        )
        return ended if status is PathwayStatus.COMPLETED else None

    def _refer_at_step(
        self, step: _StepPlan, row: dict[str, Any], until: dt.date, at_steps: list[tuple[dt.date, str, int | None]]
    ) -> None:
        """A referral the step suggests, made while the step was under way, if the directory has such a service."""
        served = [code for code in step.suggest if code in self.served]
        if served:
            at_steps.append((self._day_between(row["started_on"], until), self.rng.choice(served), row["id"]))

    def _assessment_after_course(self, person: _Person, completed_on: dt.date, end: dt.date) -> None:
        """Sometimes a test after the course shows the next level of the host language."""
        if person.host_assessments >= 3 or not self._chance(0.5):
            return
        level = 0 if person.host_level is None else person.host_level + 1
        day = max(completed_on, person.host_assessed_on or completed_on) + _days(self.rng.randint(1, 30))
        if level >= len(_CEFR) or day > end:
            return
        self._language(person, self.data.host_language, _CEFR[level], False, day, "Certificate after the language course")
        person.host_level, person.host_assessed_on = level, day
        person.host_assessments += 1

    def _referrals(
        self, person: _Person, end: dt.date, who: int, events: list[dict[str, Any]],
        at_steps: list[tuple[dt.date, str, int | None]],
    ) -> None:
        """Referrals the steps suggested first, then others the person needed; only those made on a
        day the person consented to sharing, as pathways.refer refuses the rest."""
        rng = self.rng
        count = _REFERRAL_COUNT.pick(rng)
        if not count or person.sharing_from is None:
            return
        wanted = at_steps[:count]
        if len(wanted) < count:
            for category in self._choose(self._referral_needs(person), count - len(wanted)):
                wanted.append((self._day_between(person.opened_on, end), category, None))
        for made_on, category, step_id in wanted:
            if person.may_share(made_on):
                self._referral(person, made_on, category, step_id, end, who, events)

    def _referral(
        self, person: _Person, made_on: dt.date, category: str, step_id: int | None, end: dt.date, who: int,
        events: list[dict[str, Any]],
    ) -> None:
        """A referral from refer on, moved on with update_referral as far as the days up to ``end`` allow."""
        rng = self.rng
        if not self._chance(0.9):
            who = self.caseworkers.pick(rng)
        referral = {
            "case_id": person.case_id, "step_id": step_id, "category": category,
            **rng.choice(self.served[category]).snapshot,
            "status": ReferralStatus.MADE, "made_on": made_on, "contacted_on": None, "attended_on": None,
            "outcome": None, "outcome_on": None, "note": rng.choice(self.data.referral_notes), "made_by": who,
            "version": 1,
        }
        self._add(_REFERRAL, referral)
        referral_id = referral["id"]
        events.append(
            {
                "case_id": person.case_id, "kind": EventKind.REFERRAL_MADE, "category": category, "occurred_on": made_on,
                "pathway_id": None, "referral_id": referral_id, "outcome": None, "user_id": who,
            }
        )
        day = made_on
        if self._chance(0.75):
            day += _days(rng.randint(0, 14))
            if day > end:
                return
            referral["status"], referral["contacted_on"] = ReferralStatus.CONTACTED, day
            referral["version"] += 1
        attended = self._chance(0.6)
        if attended:
            day += _days(rng.randint(1, 40))
            if day > end:
                return
            referral["status"], referral["attended_on"] = ReferralStatus.ATTENDED, day
            referral["version"] += 1
        if self._chance(0.55 if attended else 0.35):
            day += _days(rng.randint(0, 30))
            if day > end:
                return
            outcome = (_OUTCOME_AFTER_ATTENDING if attended else _OUTCOME_WITHOUT_ATTENDING).pick(rng)
            referral["status"], referral["outcome"], referral["outcome_on"] = ReferralStatus.OUTCOME, outcome, day
            referral["version"] += 1
            events.append(
                {
                    "case_id": person.case_id, "kind": EventKind.REFERRAL_OUTCOME, "category": category,
                    "occurred_on": day, "pathway_id": None, "referral_id": referral_id, "outcome": outcome.value,
                    "user_id": who,
                }
            )
