"""Finding services as a person types: a full-text index over every language a service is
written in, and the facts the filters need.

Two tables in directory.db belong to this module and to nothing else:

- ``service_search``, an SQLite FTS5 table with one row per service and language (the original
  text, and one row per translation). Its text is folded (caseworker.core.text.fold) before it
  is stored and the query is folded the same way, so case, accents, Arabic vowel marks, tatweel
  and the letters people type interchangeably do not matter, in any script.
- ``service_facets``, one row per service: categories, place, staff languages, cost, opening
  hours and whether the service is still active. A retired service keeps its row here but has
  no text in the index, so no word finds it.

Both are derived data: ``index_documents`` replaces a service's rows, inside the caller's
transaction, whenever the directory changes. This is the one module of the directory allowed
SQL that only SQLite understands (FTS5, json_each, instr).

A text row's rowid is its service's key in the facet table times 256, plus the row's place
among the service's languages: matches join their facets by arithmetic alone, and a service's
rows are replaced without a scan of the index.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

from caseworker.core.directory.documents import OpeningHours, ServiceDocument, ServiceTexts
from caseworker.core.directory.taxonomy import BY_CODE
from caseworker.core.text import fold

SEARCH_TABLE = "service_search"
FACETS_TABLE = "service_facets"
# Every table and index this module creates, FTS5's own shadow tables included, for a migration
# environment that compares its models with the database and must leave these alone.
SEARCH_TABLES: tuple[str, ...] = (
    SEARCH_TABLE,
    *(f"{SEARCH_TABLE}_{suffix}" for suffix in ("data", "idx", "content", "docsize", "config")),
    FACETS_TABLE,
)
SEARCH_INDEXES: tuple[str, ...] = ("service_facets_by_name",)

# Letters, digits, private-use characters and marks make up words. Marks belong in the list:
# the vowel signs of Devanagari, Bengali or Tamil are marks that fold() keeps, and without them
# the tokenizer would cut "हिन्दी" into single letters. Everything else (spaces, punctuation,
# the Ethiopic word space ፡, symbols) separates words.
_TOKENIZER = "unicode61 remove_diacritics 2 categories 'L* N* Co M*'"

# bm25 weights, one per column in table order (the two unindexed columns take none): a word in
# the name counts most, then the organisation, the categories and the place; the description,
# which is long and says everything, least.
_COLUMNS = ("service_id", "language", "name", "description", "organization", "city", "categories")
_WEIGHTS = {"name": 10.0, "organization": 4.0, "categories": 3.0, "city": 2.0, "description": 1.0}
BM25 = f"bm25({SEARCH_TABLE}, {', '.join(str(_WEIGHTS.get(column, 0.0)) for column in _COLUMNS)})"

ROWS_PER_SERVICE = 256  # languages a service can be indexed in
# bm25 costs about a microsecond per matching row. A query whose words match more rows than
# this (the first letter or two of a common word, in a large directory) is answered from the
# services whose names hold the words; if even those are too many to rank, in the order of
# their names. Another letter or two brings the ranking back.
RANK_ROWS = 6000
# A query longer than this (a pasted paragraph) is searched by its first words: each word is
# one more pass over the index, and no service holds a whole paragraph someone else wrote.
MAX_QUERY_WORDS = 32

_TIME = re.compile(r"^\s*(\d{1,2}):(\d{2})(?::\d{2})?\s*$")
# A lone surrogate (from a file name or a command line in a foreign encoding) cannot be stored
# or bound as UTF-8; it is no letter anyone searches for.
_SURROGATES = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class SearchHit:
    service_id: str
    score: float  # higher is better; 0.0 when the hits come in the order of their names


OpenTest = Callable[[str], bool]  # a service's opening hours, as stored -> open at the moment asked
_ACTIVE = "f.active = 1"


# --- tables ------------------------------------------------------------------------------------


def create_search_tables(connection: Connection) -> None:
    """Create the index and facet tables if they are missing; an existing index is kept."""
    connection.exec_driver_sql(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {SEARCH_TABLE} USING fts5("
        f"{', '.join(c + ('' if c in _WEIGHTS else ' UNINDEXED') for c in _COLUMNS)}, "
        # Prefix indexes find the first letters of words quickly, as the person types them.
        f"prefix='1 2 3', tokenize=\"{_TOKENIZER}\")"
    )
    connection.exec_driver_sql(
        f"CREATE TABLE IF NOT EXISTS {FACETS_TABLE} ("
        "service_key INTEGER PRIMARY KEY, "  # the service's text rows: key * 256 + n
        "service_id TEXT NOT NULL UNIQUE, "
        "active INTEGER NOT NULL, "
        "free INTEGER, "  # 1 free, 0 not free, NULL not known
        "categories TEXT NOT NULL, "  # ' code1 code2 '
        "city_folded TEXT NOT NULL, "
        "area_folded TEXT NOT NULL, "
        "staff_languages TEXT NOT NULL, "  # ' ar fa pt-br pt '
        "name_folded TEXT NOT NULL, "  # the order of hits that are not ranked
        "opening_hours TEXT NOT NULL)"  # JSON: [[1, "09:00", "17:30"], …], ISO weekday, opens, closes
    )
    # Services in the order of their names, with everything a filter reads but the hours.
    connection.exec_driver_sql(
        f"CREATE INDEX IF NOT EXISTS service_facets_by_name ON {FACETS_TABLE} (active, name_folded, "
        "service_id, free, categories, city_folded, area_folded, staff_languages)"
    )


def clear_index(connection: Connection) -> None:
    # Dropping the tables takes a fraction of the time FTS5 needs to delete every row.
    connection.exec_driver_sql(f"DROP TABLE IF EXISTS {SEARCH_TABLE}")
    connection.exec_driver_sql(f"DROP TABLE IF EXISTS {FACETS_TABLE}")
    create_search_tables(connection)


def remove_services(connection: Connection, service_ids: Iterable[str]) -> None:
    _remove_keys(connection, list(_existing_keys(connection, list(dict.fromkeys(service_ids))).values()))


def index_documents(connection: Connection, docs: Iterable[ServiceDocument]) -> None:
    """Replace the indexed rows of each service given (a service given twice: the last wins)."""
    by_id = {doc.service_id: doc for doc in docs}
    if not by_id:
        return
    for doc in by_id.values():
        if len(doc.texts) > ROWS_PER_SERVICE:
            raise ValueError(f"service {doc.service_id} has text in more than {ROWS_PER_SERVICE} languages")
    keys = _existing_keys(connection, list(by_id))
    # A service keeps its key; a new one takes the next free key, counted before the old rows go
    # (after, the key of a service being re-indexed could be handed out a second time).
    next_key = (connection.exec_driver_sql(f"SELECT max(service_key) FROM {FACETS_TABLE}").scalar() or 0) + 1
    _remove_keys(connection, list(keys.values()))
    text_rows: list[dict[str, Any]] = []
    facet_rows: list[dict[str, Any]] = []
    for doc in by_id.values():
        key = keys.get(doc.service_id)
        if key is None:
            key, next_key = next_key, next_key + 1
        if doc.active:
            text_rows += _text_rows(doc, key)
        facet_rows.append(_facet_row(doc, key))
    connection.execute(
        text(
            f"INSERT INTO {FACETS_TABLE} (service_key, service_id, active, free, categories, city_folded, "
            "area_folded, staff_languages, name_folded, opening_hours) VALUES (:service_key, :service_id, "
            ":active, :free, :categories, :city_folded, :area_folded, :staff_languages, :name_folded, "
            ":opening_hours)"
        ),
        facet_rows,
    )
    if text_rows:
        connection.execute(
            text(
                f"INSERT INTO {SEARCH_TABLE} (rowid, {', '.join(_COLUMNS)}) "
                f"VALUES (:rowid, {', '.join(':' + column for column in _COLUMNS)})"
            ),
            text_rows,
        )


def _existing_keys(connection: Connection, service_ids: list[str]) -> dict[str, int]:
    if not service_ids:
        return {}
    rows = connection.execute(
        text(
            f"SELECT service_id, service_key FROM {FACETS_TABLE} "
            "WHERE service_id IN (SELECT value FROM json_each(:ids))"
        ),
        {"ids": json.dumps(service_ids)},
    ).all()
    return {service_id: key for service_id, key in rows}


def _remove_keys(connection: Connection, keys: list[int]) -> None:
    if not keys:
        return
    spans = [{"first": key * ROWS_PER_SERVICE, "last": (key + 1) * ROWS_PER_SERVICE - 1} for key in keys]
    connection.execute(text(f"DELETE FROM {SEARCH_TABLE} WHERE rowid BETWEEN :first AND :last"), spans)
    connection.execute(
        text(f"DELETE FROM {FACETS_TABLE} WHERE service_key IN (SELECT value FROM json_each(:keys))"),
        {"keys": json.dumps(keys)},
    )


def _folded(value: str) -> str:
    return _SURROGATES.sub("", fold(value))


# Arabic writes the article "al-" joined to its word: المساعدة is "the help", and a joined
# preposition or "and" can come before it: بالعمل "in the work", والسكن "and the housing". With
# li- "for", the article's alif drops: للعمل; and before a word that begins with lam, the two
# lams merge, so للاجئين is "for the refugees" (لاجئين). The indexed text keeps each such word
# and adds it once more without these, so that "مساعدة" finds it and so does "المس…" typed
# letter by letter. Only ever added, never taken away: a word that merely begins with these
# letters (بالون) is still found as written.
_LETTERS = r"[\u0620-\u064a\u066e-\u06d3]"
_ARABIC_ARTICLE = re.compile(rf"(?<![\w])(?:[وفبك]?ال({_LETTERS}{{2,}})|لل({_LETTERS}{{2,}}))")


def _searchable(value: str) -> str:
    folded = _folded(value)
    bare = []
    for after_article, after_li in _ARABIC_ARTICLE.findall(folded):
        if after_article:
            bare.append(after_article)
        else:
            bare += [after_li, "ل" + after_li]
    return f"{folded} {' '.join(bare)}" if bare else folded


def _text_rows(doc: ServiceDocument, key: int) -> list[dict[str, Any]]:
    place = _folded(" ".join(part for part in (doc.city, doc.area) if part))
    return [
        {
            "rowid": key * ROWS_PER_SERVICE + number,
            "service_id": doc.service_id,
            "language": language,
            "name": _searchable(texts.name),
            "description": _searchable(texts.description),
            "organization": _searchable(texts.organization),
            "city": place,
            "categories": " ".join(_category_words(code, language) for code in doc.categories),
        }
        for number, (language, texts) in enumerate(doc.texts.items())
    ]


@functools.lru_cache(maxsize=1024)
def _category_words(code: str, language: str) -> str:
    """What a category is called: its code, its English name, and its name in the row's language."""
    category = BY_CODE.get(code)
    if category is None:
        return _folded(code)
    names = [code, category.label_msgid]
    if language:
        names.append(_catalog(language).gettext(category.label_msgid))
    return _folded(" ".join(dict.fromkeys(names)))


@functools.lru_cache(maxsize=64)
def _catalog(language: str) -> Any:
    # Imported here: the index needs the catalogs only for the names of categories.
    from gettext import NullTranslations

    from caseworker.core.i18n import load_catalog, normalise_code

    try:
        return load_catalog(normalise_code(language))
    except (ValueError, OSError):
        return NullTranslations()


def _facet_row(doc: ServiceDocument, key: int) -> dict[str, Any]:
    original = doc.texts.get("") or next(iter(doc.texts.values()), ServiceTexts(name=""))
    hours = [h for h in (_hours(entry) for entry in doc.opening_hours) if h is not None]
    return {
        "service_key": key,
        "service_id": doc.service_id,
        "active": int(doc.active),
        "free": None if doc.free is None else int(doc.free),
        "categories": _spaced(doc.categories),
        "city_folded": _folded(doc.city).strip(),
        "area_folded": _folded(doc.area).strip(),
        "staff_languages": _spaced(_language_keys(doc.staff_languages)),
        "name_folded": _folded(original.name).strip(),
        "opening_hours": json.dumps(hours, separators=(",", ":")),
    }


def _spaced(codes: Iterable[str]) -> str:
    """' a b c ': each code between spaces, so that instr(column, ' b ') finds exactly b."""
    kept = (_SURROGATES.sub("", code) for code in codes)
    return " " + " ".join(dict.fromkeys(code for code in kept if code and " " not in code)) + " "


def _language_keys(codes: Iterable[str]) -> list[str]:
    # 'pt-BR' is found as 'pt-br' and, since its staff speak Portuguese, as 'pt'.
    keys = []
    for code in codes:
        key = code.strip().lower().replace("_", "-")
        keys += [key, key.split("-")[0]]
    return keys


def _hours(entry: OpeningHours) -> list[Any] | None:
    opens, closes = _clock(entry.opens), _clock(entry.closes)
    if opens is None or closes is None or not 1 <= entry.weekday <= 7:
        return None  # hours that cannot be read never make a service look open
    return [entry.weekday, opens, closes]


def _clock(value: str) -> str | None:
    """'9:00' -> '09:00', so that times compare as text; None if it is not a time of day."""
    match = _TIME.match(value or "")
    if not match:
        return None
    hour, minute = int(match[1]), int(match[2])
    if not (0 <= hour <= 23 and 0 <= minute <= 59) and (hour, minute) != (24, 0):
        return None
    return f"{hour:02d}:{minute:02d}"


# --- queries -----------------------------------------------------------------------------------


def query_words(query: str) -> list[str]:
    """The words of a query as the index holds them: folded, split where the tokenizer splits."""
    words: list[str] = []
    current: list[str] = []
    for ch in fold(query):
        category = unicodedata.category(ch)
        if category[0] in "LNM" or category == "Co":
            current.append(ch)
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return words


def match_expression(query: str) -> str | None:
    """The FTS5 expression for a query: every word, as the start of a word, in any column.

    Each word is a quoted string, so nothing a person types (quotes, *, -, :, ^, brackets,
    NEAR, AND, OR, NOT) is read as FTS5 syntax. None when the query has no words.
    """
    words = list(dict.fromkeys(query_words(query)))[:MAX_QUERY_WORDS]
    # A word that begins another word adds nothing: "lang language" finds what "language" finds.
    kept = [w for w in words if not any(other != w and other.startswith(w) for other in words)]
    if not kept:
        return None
    return " AND ".join('"' + word.replace('"', '""') + '"*' for word in kept)


@dataclass(frozen=True, slots=True)
class QueryPlan:
    """The FTS5 expression a search runs, and whether its matches are few enough to rank."""

    expression: str
    ranked: bool


def plan_query(connection: Connection, query: str) -> QueryPlan | None:
    """How to answer a query: ranked over every column while its words match at most RANK_ROWS
    rows; else over the names alone, ranked if those are few enough, or in name order. None
    when the query has no words."""
    expression = match_expression(query)
    if expression is None:
        return None
    if not _more_rows_than(connection, expression, RANK_ROWS):
        return QueryPlan(expression, ranked=True)
    in_names = f"{{name}} : ({expression})"
    return QueryPlan(in_names, ranked=not _more_rows_than(connection, in_names, RANK_ROWS))


def _more_rows_than(connection: Connection, expression: str, rows: int) -> bool:
    # Counting stops at rows + 1: a common prefix matches most of the index.
    return connection.execute(
        text(
            f"SELECT count(*) FROM (SELECT 1 FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH :match LIMIT :cap)"
        ),
        {"match": expression, "cap": rows + 1},
    ).scalar_one() > rows


def search(
    connection: Connection,
    query: str,
    *,
    categories: Sequence[str] = (),
    city: str | None = None,
    language: str | None = None,
    free_only: bool = False,
    open_at: dt.datetime | None = None,
    limit: int = 50,
) -> list[SearchHit]:
    """Active services that match the query and every filter given, best first, each once.

    Every word of the query must begin a word of the service, in any field and any language it
    is written in. categories: any of these codes. city: the start of the city or the area, in
    any case and with or without accents. language: a language the staff speak. free_only:
    only services known to be free. open_at: only services open then, by the clock on the wall
    (a service without opening hours is not known to be open). With no words in the query the
    services that pass the filters come in the order of their names.

    Words so common that ranking all their matches would keep the person waiting (the first
    letter or two of a word, in a large directory) are looked for in the names alone: see
    plan_query and RANK_ROWS.
    """
    if limit <= 0:
        return []
    where, params = _filters(categories, city, language, free_only)
    is_open = _open_at(open_at)
    plan = plan_query(connection, query)
    if plan is not None and plan.ranked:
        return _ranked(connection, plan.expression, where, params, is_open, limit)
    if plan is not None:
        params["match"] = plan.expression
        # The services whose names match, in a list; then the services in the order of their
        # names, until enough that pass the filters are in that list.
        where += (
            f" AND f.service_key IN (SELECT rowid / {ROWS_PER_SERVICE} FROM {SEARCH_TABLE} "
            f"WHERE {SEARCH_TABLE} MATCH :match)"
        )
    hours = "f.opening_hours" if is_open else "NULL"
    sql = f"SELECT f.service_id, {hours} FROM {FACETS_TABLE} AS f WHERE {where} ORDER BY f.name_folded, f.service_id"
    if not is_open:
        sql += " LIMIT :limit"
        params["limit"] = limit
    hits: list[SearchHit] = []
    with _rows(connection, sql, params) as rows:
        for service_id, opening_hours in rows:
            if is_open and not is_open(opening_hours):
                continue
            hits.append(SearchHit(service_id, 0.0))
            if len(hits) == limit:
                break
    return hits


def _ranked(
    connection: Connection,
    expression: str,
    where: str,
    params: dict[str, Any],
    is_open: OpenTest | None,
    limit: int,
) -> list[SearchHit]:
    """The best matches by bm25, each service once with its best row.

    FTS5 ranks while it walks its matches; with filters, the facets are joined on that walk,
    so that only the rows that pass are ranked. The best few rows are taken first, enough for
    `limit` services unless many rows belong to the same services or fail the opening hours;
    then more.
    """
    # Without filters there is nothing to join: a retired service has no text rows.
    filtered = where != _ACTIVE
    # CROSS JOIN keeps the text index the outer loop, where FTS5 can rank.
    joined = f"CROSS JOIN {FACETS_TABLE} AS f" if filtered else ""
    filters = f"AND f.service_key = s.rowid / {ROWS_PER_SERVICE} AND {where}" if filtered else ""
    sql = (
        f"WITH best AS MATERIALIZED (SELECT s.rowid / {ROWS_PER_SERVICE} AS service_key, {BM25} AS rank "
        f"FROM {SEARCH_TABLE} AS s {joined} WHERE s.{SEARCH_TABLE} MATCH :match {filters} "
        "ORDER BY rank LIMIT :rows) "
        f"SELECT g.service_id, best.rank, {'g.opening_hours' if is_open else 'NULL'} "
        f"FROM best JOIN {FACETS_TABLE} AS g USING (service_key) ORDER BY best.rank, g.service_id"
    )
    wanted = max(8 * limit, 200)
    while True:
        hits: dict[str, SearchHit] = {}
        seen = 0
        with _rows(connection, sql, {**params, "match": expression, "rows": wanted}) as rows:
            for service_id, rank, opening_hours in rows:
                seen += 1
                if service_id in hits or (is_open and not is_open(opening_hours)):
                    continue
                hits[service_id] = SearchHit(service_id, -float(rank))
                if len(hits) == limit:
                    return list(hits.values())
        if seen < wanted:  # every match was seen
            return list(hits.values())
        wanted *= 8


@contextlib.contextmanager
def _rows(connection: Connection, sql: str, params: dict[str, Any]) -> Iterator[Iterator[Any]]:
    # Rows are read as they are needed; the statement is closed when enough were read.
    with connection.execute(text(sql), params) as result:
        yield iter(result)


def _filters(
    categories: Sequence[str], city: str | None, language: str | None, free_only: bool
) -> tuple[str, dict[str, Any]]:
    conditions = [_ACTIVE]
    params: dict[str, Any] = {}
    if categories:
        parts = []
        for index, code in enumerate(dict.fromkeys(categories)):
            params[f"category{index}"] = f" {_SURROGATES.sub('', code)} "
            parts.append(f"instr(f.categories, :category{index}) > 0")
        conditions.append("(" + " OR ".join(parts) + ")")
    place = _folded(city or "").strip()
    if place:
        params["place"] = place
        conditions.append(
            "(substr(f.city_folded, 1, length(:place)) = :place OR substr(f.area_folded, 1, length(:place)) = :place)"
        )
    language = _SURROGATES.sub("", language or "").strip()
    if language:
        params["staff_language"] = f" {language.lower().replace('_', '-')} "
        conditions.append("instr(f.staff_languages, :staff_language) > 0")
    if free_only:
        conditions.append("f.free = 1")
    return " AND ".join(conditions), params


def _open_at(moment: dt.datetime | None) -> OpenTest | None:
    """A test of a service's opening hours (as stored) for one moment; None without a moment."""
    if moment is None:
        return None
    weekday = moment.isoweekday()
    day_before = (weekday - 2) % 7 + 1
    time = moment.strftime("%H:%M")

    def is_open(stored: str) -> bool:
        for day, opens, closes in json.loads(stored):
            # Hours that close at or before they open run past midnight into the next day.
            overnight = closes <= opens
            if day == weekday and opens <= time and (time < closes or overnight):
                return True
            if day == day_before and overnight and time < closes:
                return True
        return False

    return is_open
