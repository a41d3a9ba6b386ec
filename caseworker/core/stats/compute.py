"""The counts behind each report, computed in SQL over the cases store.

Everything is counted by SQLite: a few temporary tables (in memory: the store sets temp_store
to MEMORY, so nothing decrypted reaches a file) hold the people who consented to statistics with
the facts the breakdowns need, and the units each measure counts. A measure is counted once by
every combination of its breakdowns (one GROUP BY), and each table is a sum over those few rows.
Python only puts the rows in order and labels them.

People who have not consented to statistics, or withdrew their consent, are left out of every
count: their latest decision on the statistics scope must be a yes not withdrawn by today.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, text

from caseworker.core.db import CasesStore
from caseworker.core.directory.taxonomy import CATEGORIES
from caseworker.core.i18n import N_, _, format_year_month
from caseworker.core.labels import label, region_label
from caseworker.core.models.cases import LEFT_RESULT_COLUMNS
from caseworker.core.models.enums import ExitResult, Gender, LabourStatus, LegalStatus, ReferralOutcome
from caseworker.core.reference import REGIONS, country_codes, nationality_region
from caseworker.core.stats.model import Period, RawReport, RawRow, RawTable, Relation, ReportKind

# Said in every report: who is never in it.
CONSENT_NOTE = N_("People who have not consented to anonymised statistics, or withdrew their consent, are left out of every count.")

NOT_RECORDED = "not_recorded"

AGE_BANDS: tuple[tuple[str, str], ...] = (
    ("under_18", N_("Under 18")),
    ("18_29", N_("18 to 29")),
    ("30_54", N_("30 to 54")),
    ("55_over", N_("55 and over")),
)
EDUCATION_BANDS: tuple[tuple[str, str], ...] = (
    ("isced_0_2", N_("Primary or lower secondary education (ISCED 0–2)")),
    ("isced_3_4", N_("Upper secondary or post-secondary education (ISCED 3–4)")),
    ("isced_5_8", N_("Tertiary education (ISCED 5–8)")),
)
# The categories AMIF counts as individual professional guidance.
GUIDANCE = ("cv-cover-letter", "interview-preparation", "mentoring")

# --- the people and their facts ------------------------------------------------------------------

# The latest decision on statistics (by date recorded, then by entry) is a yes, not withdrawn.
def _age_band(year: str, month: str, day: str, on_year: str, on_month_day: str) -> str:
    """SQL for the age band on a day given as its year and its month * 100 + day (SQL
    expressions). A birth month or day that is not known counts as the middle of the year or month."""
    age = (
        f"({on_year} - {year} - "
        f"(CASE WHEN COALESCE({month}, 7) * 100 + COALESCE({day}, CASE WHEN {month} IS NULL THEN 1 ELSE 15 END)"
        f" > {on_month_day} THEN 1 ELSE 0 END))"
    )
    return (
        f"CASE WHEN {year} IS NULL THEN '{NOT_RECORDED}' WHEN {age} < 18 THEN 'under_18' WHEN {age} < 30 THEN '18_29'"
        f" WHEN {age} < 55 THEN '30_54' ELSE '55_over' END"
    )


_BIRTH = ("p.birth_year", "p.birth_month", "p.birth_day")
# A stored date is text, YYYY-MM-DD: its parts are read without parsing it.
_ENTRY_YEAR = "CAST(substr(c.entered_on, 1, 4) AS INTEGER)"
_ENTRY_MONTH_DAY = "(CAST(substr(c.entered_on, 6, 2) AS INTEGER) * 100 + CAST(substr(c.entered_on, 9, 2) AS INTEGER))"


# Keyed by the case, so that each unit finds its person's facts in one lookup.
_PEOPLE_TABLE = """
CREATE TEMP TABLE stats_person (
    case_id INTEGER PRIMARY KEY, person_id INTEGER NOT NULL, gender TEXT, age TEXT, age_at_entry TEXT,
    region TEXT, third_country INTEGER, legal_status TEXT, education TEXT, entered_on TEXT, labour_status TEXT,
    left_on TEXT, """ + ", ".join(f"{column} INTEGER" for column in LEFT_RESULT_COLUMNS.values()) + """, profile INTEGER
)"""

# Each fact is gathered for everyone in one pass (a GROUP BY or a window), then joined: a
# lookup per person for each fact cost a second at 100,000 cases.
_PEOPLE = f"""
INSERT INTO stats_person
WITH
    -- The latest decision on statistics (by date recorded, then by entry) is a yes, not withdrawn.
    decision AS (
        SELECT person_id, given, withdrawn_on,
               row_number() OVER (PARTITION BY person_id ORDER BY recorded_on DESC, id DESC) AS latest
        FROM consent WHERE scope = 'statistics' AND recorded_on <= :today),
    consenting AS (
        SELECT person_id FROM decision
        WHERE latest = 1 AND given = 1 AND (withdrawn_on IS NULL OR withdrawn_on > :today)),
    -- A nationality outside the EU first, then by code; and whether any is an EU member state's.
    nationalities AS (
        SELECT n.person_id, substr(min(COALESCE(r.region = 'eu', 0) || n.country), 2) AS country,
               max(COALESCE(r.region = 'eu', 0)) AS eu_citizen
        FROM nationality n LEFT JOIN stats_region r ON r.code = n.country GROUP BY n.person_id),
    latest_status AS (
        SELECT s.person_id, s.status FROM (SELECT max(id) AS id FROM legal_status GROUP BY person_id) m
        JOIN legal_status s ON s.id = m.id),
    schooling AS (
        SELECT person_id, max(isced_level) AS level FROM education
        WHERE completed AND isced_level IS NOT NULL GROUP BY person_id)
SELECT
    c.id,
    p.id,
    p.gender,
    {_age_band(*_BIRTH, ":age_year", ":age_month_day")},
    CASE WHEN c.entered_on IS NULL THEN NULL ELSE {_age_band(*_BIRTH, _ENTRY_YEAR, _ENTRY_MONTH_DAY)} END,
    CASE WHEN p.stateless THEN 'stateless' ELSE COALESCE(region.region, '{NOT_RECORDED}') END,
    CASE WHEN p.stateless THEN 1 WHEN n.person_id IS NULL THEN 0 ELSE 1 - n.eu_citizen END,
    COALESCE(ls.status, '{NOT_RECORDED}'),
    CASE WHEN sc.level IS NULL THEN '{NOT_RECORDED}' WHEN sc.level <= 2 THEN 'isced_0_2'
         WHEN sc.level <= 4 THEN 'isced_3_4' ELSE 'isced_5_8' END,
    c.entered_on, c.entry_labour_status, c.left_on,
    {", ".join(f"c.{column}" for column in LEFT_RESULT_COLUMNS.values())}, NULL
FROM case_file c
JOIN consenting k ON k.person_id = c.person_id
JOIN person p ON p.id = c.person_id
LEFT JOIN nationalities n ON n.person_id = p.id
LEFT JOIN stats_region region ON region.code = n.country
LEFT JOIN latest_status ls ON ls.person_id = p.id
LEFT JOIN schooling sc ON sc.person_id = p.id
"""

_TEMP_TABLES = ("stats_region", "stats_person", "stats_profile", "stats_served", "stats_unit", "stats_cell", "stats_flag")

# The facts most tables break down by, numbered once per combination that occurs: a measure is
# then grouped by one small number instead of four texts.
_PROFILE = ("gender", "age", "region", "legal_status")


@dataclass(frozen=True, slots=True)
class _Dimension:
    """A breakdown: its id, its title, the column of a unit row it reads, and its rows in order."""

    id: str
    title: str
    column: str
    keys: Callable[[], Sequence[tuple[str, str]]]  # (key, label), translated when called


def _vocabulary(values: Iterable[object], with_not_recorded: bool = True) -> Callable[[], list[tuple[str, str]]]:
    def keys() -> list[tuple[str, str]]:
        rows = [(str(value), label(value)) for value in values]  # type: ignore[arg-type]
        if with_not_recorded:
            rows.append((NOT_RECORDED, _("Not recorded")))
        return rows

    return keys


def _translated(pairs: Sequence[tuple[str, str]], with_not_recorded: bool = True) -> Callable[[], list[tuple[str, str]]]:
    def keys() -> list[tuple[str, str]]:
        rows = [(key, _(msgid)) for key, msgid in pairs]
        if with_not_recorded:
            rows.append((NOT_RECORDED, _("Not recorded")))
        return rows

    return keys


def _regions() -> list[tuple[str, str]]:
    return [(key, region_label(key)) for key in REGIONS]


def _categories() -> list[tuple[str, str]]:
    return [(c.code, c.label) for c in CATEGORIES] + [("none", _("No category"))]


def _months(period: Period) -> Callable[[], list[tuple[str, str]]]:
    def keys() -> list[tuple[str, str]]:
        rows = []
        year, month = period.start.year, period.start.month
        while (year, month) <= (period.end.year, period.end.month):
            rows.append((f"{year:04d}-{month:02d}", format_year_month(year, month)))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return rows

    return keys


GENDER = _Dimension("gender", N_("Gender"), "p.gender", _vocabulary(Gender, with_not_recorded=False))
AGE = _Dimension("age", N_("Age"), "p.age", _translated(AGE_BANDS))
REGION = _Dimension("region", N_("Region of nationality"), "p.region", _regions)
LEGAL = _Dimension("legal_status", N_("Legal status"), "p.legal_status", _vocabulary(LegalStatus))
CATEGORY = _Dimension("category", N_("Service category"), "COALESCE(u.category, 'none')", _categories)
OUTCOME = _Dimension(
    "outcome", N_("Outcome"), "COALESCE(u.outcome, 'pending')",
    lambda: [(str(o), label(o)) for o in ReferralOutcome] + [("pending", _("No outcome yet"))],
)
PEOPLE_DIMENSIONS = (GENDER, AGE, REGION, LEGAL)


def _month_dimension(period: Period) -> _Dimension:
    return _Dimension("month", N_("Month"), "u.month", _months(period))


# --- running the queries -------------------------------------------------------------------------


class _Counter:
    """The temporary tables of one report and the GROUP BY queries over them."""

    def __init__(self, connection: Connection, period: Period, today: dt.date, *, served: bool = True) -> None:
        self.connection = connection
        self.period = period
        # Ages are those on the period's last day.
        self.params = {
            "start": period.start, "end": period.end, "today": today,
            "age_year": period.end.year, "age_month_day": period.end.month * 100 + period.end.day,
        }
        self._drop()
        connection.exec_driver_sql("CREATE TEMP TABLE stats_region (code TEXT PRIMARY KEY, region TEXT NOT NULL)")
        connection.exec_driver_sql(
            "INSERT INTO stats_region VALUES (?, ?)",
            [(code, nationality_region(code)) for code in sorted(country_codes())],  # type: ignore[arg-type]
        )
        connection.exec_driver_sql(_PEOPLE_TABLE)
        self.run(_PEOPLE)
        connection.exec_driver_sql("CREATE INDEX temp.stats_person_person ON stats_person (person_id)")
        facts = ", ".join(_PROFILE)
        connection.exec_driver_sql(
            f"CREATE TEMP TABLE stats_profile AS SELECT row_number() OVER () AS profile, {facts}"
            f" FROM (SELECT DISTINCT {facts} FROM stats_person)"
        )
        connection.exec_driver_sql(f"CREATE UNIQUE INDEX temp.stats_profile_facts ON stats_profile ({facts})")
        same = " AND ".join(f"f.{fact} IS stats_person.{fact}" for fact in _PROFILE)
        connection.exec_driver_sql(
            f"UPDATE stats_person SET profile = (SELECT f.profile FROM stats_profile f WHERE {same})"
        )
        # The people served in the period, once per month: a meeting held or a service delivered
        # on one of their cases. Each source is narrowed to cases and months before the people
        # are looked up.
        # A person with several cases would be counted once per case: only then are the people
        # made distinct again after the cases are (the app keeps one case per person). The dates
        # are read in a scan of each table ("+" keeps SQLite off the date index): for a long
        # period, a look-up per row through the index costs more than reading every row.
        if served:
            self._make_served()

    def _make_served(self) -> None:
        shared = self.run("SELECT count(*) > count(DISTINCT person_id) FROM stats_person")[0][0]
        self.run(
            f"""CREATE TEMP TABLE stats_served AS
                SELECT {"DISTINCT" if shared else ""} p.person_id AS person_id, x.month AS month
                FROM (SELECT case_id, substr(held_on, 1, 7) AS month FROM meeting WHERE +held_on BETWEEN :start AND :end
                      UNION
                      SELECT case_id, substr(occurred_on, 1, 7) FROM service_event
                      WHERE +occurred_on BETWEEN :start AND :end) x
                JOIN stats_person p ON p.case_id = x.case_id"""
        )

    def close(self) -> None:
        self._drop()

    def _drop(self) -> None:
        for name in _TEMP_TABLES:
            self.connection.exec_driver_sql(f"DROP TABLE IF EXISTS temp.{name}")

    def run(self, sql: str, **params: object) -> list[tuple[object, ...]]:
        result = self.connection.execute(text(sql), {**self.params, **params})
        return [tuple(row) for row in result] if result.returns_rows else []

    def units(self, select_sql: str, **params: object) -> None:
        """The units a measure counts (columns: case_id, and month, category, outcome or flags as
        the measure has them), replacing the last measure's. Read in place by ``cells``; kept in
        the table stats_unit only when ``count`` or ``total`` asks for it."""
        self._units = (select_sql, params)
        self.connection.exec_driver_sql("DROP TABLE IF EXISTS temp.stats_unit")
        self._kept = False

    def _unit_table(self) -> str:
        if not self._kept:
            select_sql, params = self._units
            self.run(f"CREATE TEMP TABLE stats_unit AS {select_sql}", **params)
            self._kept = True
        return "stats_unit"

    def cells(self, dimensions: Sequence[_Dimension]) -> None:
        """Count the units once by every combination of the dimensions (one pass over the units and
        their people); each table is then a sum over these few rows."""
        self.connection.exec_driver_sql("DROP TABLE IF EXISTS temp.stats_cell")
        select_sql, params = self._units
        source = "stats_unit" if self._kept else f"({select_sql})"
        profiled = [d for d in dimensions if d.column in {f"p.{fact}" for fact in _PROFILE}]
        others = [d for d in dimensions if d not in profiled]
        if not profiled:
            columns = "".join(f"{d.column} AS d_{d.id}, " for d in others)
            groups = ", ".join(str(i + 1) for i in range(len(others)))
            self.run(
                f"CREATE TEMP TABLE stats_cell AS SELECT {columns}count(*) AS n"
                f" FROM {source} u JOIN stats_person p ON p.case_id = u.case_id" + (f" GROUP BY {groups}" if others else ""),
                **params,
            )
            return
        inner = "".join(f"{d.column} AS d_{d.id}, " for d in others)
        groups = ", ".join(str(i + 1) for i in range(len(others) + 1))
        outer = "".join(f"c.d_{d.id}, " for d in others) + "".join(f"f.{d.column[2:]} AS d_{d.id}, " for d in profiled)
        self.run(
            f"CREATE TEMP TABLE stats_cell AS SELECT {outer}c.n AS n FROM ("
            f"SELECT {inner}p.profile AS profile, count(*) AS n FROM {source} u JOIN stats_person p ON p.case_id = u.case_id"
            f" GROUP BY {groups}) c JOIN stats_profile f ON f.profile = c.profile",
            **params,
        )

    def cell_counts(self, dimension: _Dimension) -> dict[str, int]:
        rows = self.run(f"SELECT d_{dimension.id}, sum(n) FROM stats_cell GROUP BY 1")
        return {str(key): int(n) for key, n in rows}  # type: ignore[call-overload]

    def cell_total(self) -> int:
        return int(self.run("SELECT COALESCE(sum(n), 0) FROM stats_cell")[0][0])  # type: ignore[call-overload]

    def served_by_month(self) -> dict[str, int]:
        rows = self.run("SELECT month, count(*) FROM stats_served GROUP BY 1")
        return {str(key): int(n) for key, n in rows}  # type: ignore[call-overload]

    def count(self, column: str, where: str = "1") -> dict[str, int]:
        """Units by the value of ``column`` (SQL over the unit ``u`` and its person ``p``), of those
        that meet ``where``."""
        rows = self.run(
            f"SELECT {column}, count(*) FROM {self._unit_table()} u JOIN stats_person p ON p.case_id = u.case_id"
            f" WHERE {where} GROUP BY 1"
        )
        return {str(key): int(n) for key, n in rows}  # type: ignore[call-overload]

    def total(self, where: str = "1") -> int:
        sql = f"SELECT count(*) FROM {self._unit_table()} u JOIN stats_person p ON p.case_id = u.case_id WHERE {where}"
        return int(self.run(sql)[0][0])  # type: ignore[call-overload]


def _table(
    measure: str, measure_label: str, dimension: _Dimension, relation: Relation, total: int, counts: dict[str, int]
) -> RawTable:
    rows = tuple(RawRow(key, row_label, counts.get(key, 0)) for key, row_label in dimension.keys())
    return RawTable(f"{measure}.{dimension.id}", measure, _(measure_label), dimension.id, _(dimension.title), relation, total, rows)


def _breakdowns(
    counter: _Counter, measure: str, measure_label: str, dimensions: Sequence[_Dimension],
    covers: dict[str, dict[str, int]] | None = None,
) -> list[RawTable]:
    """One table per dimension of the units in stats_unit. ``covers`` gives, by dimension id, the
    counts of a dimension in which one unit may fall in several rows (people served, by month)."""
    return _tables(measure, measure_label, dimensions, _counted(counter, dimensions, covers))


@dataclass(frozen=True, slots=True)
class _Counted:
    """A measure's numbers, before anything is named: its total, and its counts by dimension id
    (with the ids of the dimensions that cover rather than partition it)."""

    total: int
    counts: dict[str, dict[str, int]]
    covering: frozenset[str]


def _counted(counter: _Counter, dimensions: Sequence[_Dimension], covers: dict[str, dict[str, int]] | None = None) -> _Counted:
    covers = covers or {}
    counter.cells([d for d in dimensions if d.id not in covers])
    counts = {d.id: covers[d.id] if d.id in covers else counter.cell_counts(d) for d in dimensions}
    return _Counted(counter.cell_total(), counts, frozenset(covers))


def _tables(measure: str, measure_label: str, dimensions: Sequence[_Dimension], counted: _Counted) -> list[RawTable]:
    """The tables of a measure, named in the language spoken on this thread."""
    return [
        _table(measure, measure_label, d, Relation.COVERS if d.id in counted.covering else Relation.PARTITION,
               counted.total, counted.counts[d.id])
        for d in dimensions
    ]


@contextlib.contextmanager
def _counting(store: CasesStore, period: Period, today: dt.date, *, served: bool = True) -> Iterator[_Counter]:
    """The temporary tables of one report, in one read of the store, dropped when it is done."""
    with store.read() as session:
        counter = _Counter(session.connection(), period, today, served=served)
        try:
            yield counter
        finally:
            counter.close()


# --- the reports ---------------------------------------------------------------------------------

# One unit per person served (their facts are read through one of their cases).
_SERVED_UNITS = """
SELECT s.person_id AS person_id, min(p.case_id) AS case_id
FROM (SELECT DISTINCT person_id FROM stats_served) s JOIN stats_person p ON p.person_id = s.person_id
GROUP BY s.person_id"""


# The measures of the service statistics besides the people served: (id, title, the dimensions
# after the people's, the units).
_SERVICE_MEASURES = (
    ("services", N_("Services delivered (pathway steps done)"), (CATEGORY,),
     """SELECT e.case_id AS case_id, e.category AS category, substr(e.occurred_on, 1, 7) AS month
        FROM service_event e WHERE e.kind = 'step_done' AND +e.occurred_on BETWEEN :start AND :end"""),
    ("referrals", N_("Referrals made, by their outcome so far"), (OUTCOME, CATEGORY),
     """SELECT r.case_id AS case_id, r.category AS category, r.outcome AS outcome, substr(r.made_on, 1, 7) AS month
        FROM referral r WHERE r.made_on BETWEEN :start AND :end"""),
    ("pathways_completed", N_("Pathways completed"), (CATEGORY,),
     """SELECT w.case_id AS case_id, w.category AS category, substr(w.ended_on, 1, 7) AS month
        FROM pathway w WHERE w.status = 'completed' AND w.ended_on BETWEEN :start AND :end"""),
)


def _service_measures(store: CasesStore, period: Period, today: dt.date, month: _Dimension) -> list[_Counted]:
    with _counting(store, period, today, served=False) as counter:
        counted = []
        for _id, _title, first, units in _SERVICE_MEASURES:
            counter.units(units)
            counted.append(_counted(counter, (*first, *PEOPLE_DIMENSIONS, month)))
        return counted


def services_report(store: CasesStore, period: Period, today: dt.date, host_language: str | None = None) -> RawReport:
    """The people served, and what was done for them. The people served and the other measures
    each take a pass over the events: the measures are counted on a second connection, on the
    laptop's second core, meanwhile. (Each connection reads its own snapshot, as two reports
    made a moment apart would: every table is whole and protected on its own.) Only numbers
    come back from that thread; everything is named here, in the language spoken here."""
    month = _month_dimension(period)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="caseworker-stats") as pool:
        measures = pool.submit(_service_measures, store, period, today, month)
        with _counting(store, period, today) as counter:
            counter.units(_SERVED_UNITS)
            tables = _breakdowns(
                counter, "people_served", N_("People served"), (*PEOPLE_DIMENSIONS, month),
                covers={"month": counter.served_by_month()},
            )
        for (measure, title, first, _units), counted in zip(_SERVICE_MEASURES, measures.result(), strict=True):
            tables += _tables(measure, title, (*first, *PEOPLE_DIMENSIONS, month), counted)
    return RawReport(
        kind=ReportKind.SERVICES,
        title=_("Service statistics"),
        period=period,
        tables=tuple(tables),
        notes=(
            _(CONSENT_NOTE),
            _("People served: everyone with a meeting or a service delivered in the period, counted once in each table, and once in each month they were served in (so the months add up to more than the total)."),
            _("Services delivered: each step of a pathway done in the period. Referrals: each referral made in the period, with its outcome as recorded when the report was made."),
            _("Age is the age on the last day of the period. The region is that of the person's nationality (a nationality outside the EU first); the legal status is the latest recorded."),
        ),
    )


def amif_report(store: CasesStore, period: Period, today: dt.date, host_language: str | None = None) -> RawReport:
    """AMIF's indicators; language progress is counted in the host country's language when it is
    known (the organisation's), in any language learnt otherwise."""
    with _counting(store, period, today) as counter:
        # Who took part in what, as sets first: one pass over the pathways and the events of
        # the period each, not a search per person.
        counter.connection.exec_driver_sql(
            "CREATE TEMP TABLE stats_flag (person_id INTEGER, flag TEXT, PRIMARY KEY (person_id, flag))"
        )
        flags = {"language-course": "language_course", "civic-orientation": "civic_orientation"}
        flags |= {code: "guidance" for code in GUIDANCE}
        flag_of = "CASE {column} " + " ".join(f"WHEN '{code}' THEN '{flag}'" for code, flag in flags.items()) + " END"
        listed = ", ".join(f"'{code}'" for code in flags)
        counter.run(
            f"""INSERT OR IGNORE INTO stats_flag
                SELECT p.person_id, {flag_of.format(column="w.category")} FROM pathway w
                JOIN stats_person p ON p.case_id = w.case_id
                WHERE w.category IN ({listed}) AND w.started_on <= :end AND (w.ended_on IS NULL OR w.ended_on >= :start)"""
        )
        counter.run(
            f"""INSERT OR IGNORE INTO stats_flag
                SELECT p.person_id, {flag_of.format(column="e.category")}
                FROM (SELECT DISTINCT case_id, category FROM service_event
                      WHERE category IN ({listed}) AND +occurred_on BETWEEN :start AND :end) e
                JOIN stats_person p ON p.case_id = e.case_id"""
        )
        counter.units(
            f"""SELECT s.person_id AS person_id, min(p.case_id) AS case_id,
                  {_flag("language_course")} AS language_course,
                  {_flag("civic_orientation")} AS civic_orientation,
                  {_flag("guidance")} AS guidance,
                  EXISTS (
                      SELECT 1 FROM language_skill a JOIN language_skill b
                        ON b.person_id = a.person_id AND b.language = a.language
                      WHERE a.person_id = s.person_id AND NOT a.mother_tongue AND NOT b.mother_tongue
                        AND b.assessed_on BETWEEN :start AND :end AND a.assessed_on < b.assessed_on
                        AND a.level IS NOT NULL AND b.level > a.level
                        AND (:host IS NULL OR a.language = :host)) AS improved,
                  EXISTS (
                      SELECT 1 FROM qualification q LEFT JOIN stats_region r ON r.code = q.country
                      WHERE q.person_id = s.person_id AND q.applied_on BETWEEN :start AND :end
                        AND q.country IS NOT NULL AND COALESCE(r.region, '') <> 'eu') AS recognition
               FROM (SELECT DISTINCT person_id FROM stats_served) s
               JOIN stats_person p ON p.person_id = s.person_id
               GROUP BY s.person_id""",
            host=host_language,
        )
        total = counter.total()
        indicators = [
            ("language_course", N_("of whom in a language course"), "u.language_course", None),
            ("language_improved", N_("of whom improved by at least one CEFR level in a language course"),
             "u.language_course AND u.improved", "language_course"),
            ("civic_orientation", N_("of whom in a civic orientation course"), "u.civic_orientation", None),
            ("guidance", N_("of whom receiving individual professional guidance"), "u.guidance", None),
            ("recognition", N_("of whom applied for recognition of qualifications or skills acquired in a third country"),
             "u.recognition", None),
        ]
        rows = tuple(
            RawRow(key, _(msgid), counter.total(where), part_of) for key, msgid, where, part_of in indicators
        )
        measure_label = N_("Participants in support activities")
        tables = [
            RawTable("participants.indicator", "participants", _(measure_label), "indicator", _("Indicator"),
                     Relation.SUBSETS, total, rows),
            *_breakdowns(counter, "participants", measure_label, (GENDER, AGE)),
        ]
    return RawReport(
        kind=ReportKind.AMIF,
        title=_("AMIF report: integration of third-country nationals"),
        period=period,
        tables=tuple(tables),
        notes=(
            _(CONSENT_NOTE),
            _("Participants: everyone with a meeting or a service delivered in the period. A language course, civic orientation or individual professional guidance (a CV and cover letter, interview preparation or mentoring pathway) counts when a pathway in that category was under way or a service in it was delivered in the period."),
            _("Improved by at least one CEFR level: a later assessment of the same language, made in the period, at a higher level than an earlier one. Recognition: an application made in the period for a qualification from a country outside the EU."),
        ),
        legal_basis=(
            _("Regulation (EU) 2021/1147 (Asylum, Migration and Integration Fund), Article 35 and Annex VIII: output and result indicators for specific objective 2 (legal migration and integration of third-country nationals)."),
        ),
    )


def _flag(flag: str) -> str:
    """SQL: the person ``s`` is in the set ``flag`` of stats_flag."""
    return f"EXISTS (SELECT 1 FROM stats_flag f WHERE f.person_id = s.person_id AND f.flag = '{flag}')"


def esf_report(store: CasesStore, period: Period, today: dt.date, host_language: str | None = None) -> RawReport:
    with _counting(store, period, today) as counter:
        counter.units("SELECT case_id FROM stats_person WHERE entered_on BETWEEN :start AND :end")
        entered = N_("Participants who entered in the period")
        total = counter.total()
        labour = counter.count(f"COALESCE(p.labour_status, '{NOT_RECORDED}')")
        labour_rows = (
            RawRow("unemployed", _("Unemployed, including long-term unemployed"),
                   labour.get(LabourStatus.UNEMPLOYED, 0) + labour.get(LabourStatus.LONG_TERM_UNEMPLOYED, 0)),
            RawRow("long_term_unemployed", _("of whom long-term unemployed"),
                   labour.get(LabourStatus.LONG_TERM_UNEMPLOYED, 0), part_of="unemployed"),
            RawRow("inactive", label(LabourStatus.INACTIVE), labour.get(LabourStatus.INACTIVE, 0)),
            RawRow("employed", _("Employed, including self-employed"),
                   labour.get(LabourStatus.EMPLOYED, 0) + labour.get(LabourStatus.SELF_EMPLOYED, 0)),
            RawRow(NOT_RECORDED, _("Not recorded"), labour.get(NOT_RECORDED, 0)),
        )
        age = _Dimension("age", N_("Age on entry"), "p.age_at_entry", _translated(AGE_BANDS))
        education = _Dimension("education", N_("Education on entry"), "p.education", _translated(EDUCATION_BANDS))
        tables = [
            *_breakdowns(counter, "entered", entered, (GENDER,)),
            RawTable("entered.labour_status", "entered", _(entered), "labour_status",
                     _("Labour-market status on entry"), Relation.PARTITION, total, labour_rows),
            *_breakdowns(counter, "entered", entered, (age, education)),
            RawTable("entered.third_country", "entered", _(entered), "third_country", _("Nationality"),
                     Relation.SUBSETS, total,
                     (RawRow("third_country", _("Third-country nationals"), counter.total("p.third_country")),)),
        ]
        counter.units("SELECT case_id FROM stats_person WHERE left_on BETWEEN :start AND :end")
        results = (
            (ExitResult.JOB_SEARCHING, N_("Engaged in job searching on leaving")),
            (ExitResult.IN_EDUCATION, N_("In education or training on leaving")),
            (ExitResult.QUALIFICATION, N_("Gaining a qualification on leaving")),
            (ExitResult.EMPLOYED, N_("In employment, including self-employment, on leaving")),
        )
        tables.append(
            RawTable(
                "left.result", "left", _("Participants who left in the period"), "result", _("Result on leaving"),
                Relation.SUBSETS, counter.total(),
                tuple(
                    RawRow(str(result), _(msgid), counter.total(f"p.{LEFT_RESULT_COLUMNS[result]}"))
                    for result, msgid in results
                ),
            )
        )
    return RawReport(
        kind=ReportKind.ESF,
        title=_("ESF+ report: participants and their results"),
        period=period,
        tables=tuple(tables),
        notes=(
            _(CONSENT_NOTE),
            _("Each entry into the programme recorded on a case counts once. Age and education are those on entry; education is the highest level completed. Third-country nationals: people with no nationality of an EU member state, stateless people included."),
            _("Results on leaving are those recorded on the case for the people who left in the period; one person may have several."),
        ),
        legal_basis=(
            _("Regulation (EU) 2021/1057 (European Social Fund Plus), Article 17 and Annex I: common output indicators on participants (point 1) and common immediate result indicators for participants (point 2)."),
        ),
    )


REPORTS: dict[ReportKind, Callable[[CasesStore, Period, dt.date, str | None], RawReport]] = {
    ReportKind.SERVICES: services_report,
    ReportKind.AMIF: amif_report,
    ReportKind.ESF: esf_report,
}
