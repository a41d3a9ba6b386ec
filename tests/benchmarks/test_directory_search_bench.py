"""How fast the directory search answers as a person types, on a large directory.

Not part of the normal run (tests/benchmarks is outside testpaths). Run it with
    .venv/bin/python -m pytest tests/benchmarks/test_directory_search_bench.py -q -s

50,000 services, each in its original language and two translations, with synthetic text made
of real words in Latin, Arabic, Cyrillic and Greek script, little words and rare ones drawn by
Zipf's law. 200 queries as they are typed (the first one to four letters of a word, whole
words, a second word begun; a third of them with a filter) go through search() for the first
50 hits, and through the FTS5 statements alone that search() runs for them: the floor it
builds on. Each is timed three times and the best time kept, for both alike. The figures are
printed, nothing about time is asserted; the targets are a p95 of 20 ms or less and search()
at most 1.5 times the floor.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import statistics
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, create_engine, event, text

from caseworker.core.directory import search as directory_search
from caseworker.core.directory.documents import OpeningHours, ServiceDocument, ServiceTexts
from caseworker.core.directory.taxonomy import CATEGORIES

SERVICES = 50_000
LIMIT = 50
SEED = 20240611
TARGET_P95_MS = 20.0
TARGET_RATIO = 1.5

LATIN = (
    "corso lingua italiana gratuito sportello lavoro orientamento riconoscimento titoli studio "
    "consulenza legale permesso soggiorno contratto assistenza mediazione culturale tirocinio "
    "formazione professionale volontariato curriculum colloquio preparazione mentoring impresa "
    "microcredito diritti lavoratori sfruttamento salario caporalato sindacato casa alloggio "
    "salute ambulatorio psicologico sostegno bambini asilo nido donne giovani adulti rifugiati "
    "richiedenti asilo migranti accoglienza servizio centro associazione cooperativa comune "
    "language course free counselling employment office recognition qualifications diploma "
    "legal advice residence permit contract support cultural mediation internship vocational "
    "training volunteering interview preparation business startup workers rights exploitation "
    "wages union housing shelter health clinic psychological children women youth refugees "
    "cours langue française gratuit conseil emploi reconnaissance diplômes aide juridique titre "
    "séjour accompagnement formation professionnelle bénévolat entretien création entreprise "
    "droits travailleurs logement santé soutien enfants femmes jeunes réfugiés demandeurs "
    "Sprachkurs Beratung Arbeit Anerkennung Abschlüsse Rechtsberatung Aufenthalt Ausbildung "
    "Praktikum Ehrenamt Bewerbung Gründung Wohnung Gesundheit Unterstützung Flüchtlinge Café"
).split()
ARABIC = (
    "دورة لغة مجانية استشارة عمل توظيف الاعتراف بالشهادات مؤهلات مساعدة قانونية إقامة تصريح "
    "عقد دعم وساطة ثقافية تدريب مهني تطوع سيرة ذاتية مقابلة تحضير إرشاد مشروع ريادة أعمال "
    "حقوق العمال استغلال أجور نقابة سكن مأوى صحة عيادة نفسي أطفال نساء شباب لاجئين طالبي "
    "لجوء مهاجرين استقبال خدمة مركز جمعية تعاونية بلدية مكتب مُساعَدة قانونيّة للمهاجرين "
    "کمک حقوقی برای پناهندگان آموزش زبان مشاوره کار یافتن شغل مدرک"
).split()
CYRILLIC_GREEK = (
    "курс языка бесплатный консультация работа трудоустройство признание дипломов юридическая "
    "помощь вид жительство договор поддержка посредничество стажировка профессиональное "
    "обучение волонтерство резюме собеседование подготовка наставничество предприниматель "
    "права работников эксплуатация зарплата жилье здоровье клиника дети женщины молодежь беженцы "
    "мова курси безкоштовно допомога робота біженці житло "
    "μαθήματα γλώσσας δωρεάν συμβουλευτική εργασία απασχόληση αναγνώριση πτυχίων νομική βοήθεια "
    "άδεια διαμονής σύμβαση υποστήριξη διαμεσολάβηση πρακτική άσκηση κατάρτιση εθελοντισμός "
    "βιογραφικό συνέντευξη προετοιμασία επιχειρηματικότητα δικαιώματα εργαζομένων στέγαση υγεία "
    "παιδιά γυναίκες νέοι πρόσφυγες"
).split()
CITIES = (
    "Bologna Roma Milano Torino Napoli Palermo Bari Firenze Genova Catania Verona Padova Trieste "
    "Athens Thessaloniki Patras Heraklion Larissa Prague Brno Ostrava Helsinki Espoo Tampere "
    "Copenhagen Aarhus Odense Berlin Hamburg München Köln Paris Lyon Marseille Lille Toulouse"
).split()
AREAS = "Emilia-Romagna Lazio Lombardia Piemonte Campania Sicilia Attica Macedonia Bohemia Uusimaa".split()
# The little words of each script, which are the most frequent in any text.
LITTLE_WORDS = {
    "latin": "di la per il e in a the and of for to de des et le les für und der die mit".split(),
    "arabic": "في من على إلى و مع عن ل ب هذا التي".split(),
    "cyrillic_greek": "и в на для по с к о και για το της με στο των".split(),
}
# Directories say the same few things often and many things rarely: each script's words are its
# little words, its real words above and then made-up rarer ones, drawn by Zipf's law.
SYLLABLES = {
    "latin": "ka lo mi ra te no sa vi du be ar ze po li ta mo ne ri so fa gi con tra ser pro".split(),
    "arabic": "با تي ما نو سر قا لي دو حم عا فر جي كو ست رح".split(),
    "cyrillic_greek": "ка ло ми ра те но са ви ду бе κα λο μι ρα τε νο σα βι".split(),
}
RARE_WORDS = 3000


Vocabulary = tuple[list[str], list[float]]  # words, cumulative weights


def _vocabulary(rng: random.Random, script: str, common: list[str]) -> Vocabulary:
    syllables = SYLLABLES[script]
    rare = {"".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(RARE_WORDS)}
    words = list(dict.fromkeys(LITTLE_WORDS[script] + common + sorted(rare)))
    return words, list(itertools.accumulate(1 / (rank + 1) for rank in range(len(words))))


def _proper_name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES["latin"]) for _ in range(rng.randint(2, 4))).capitalize()


def _words(rng: random.Random, vocabulary: Vocabulary, low: int, high: int) -> str:
    words, cumulative = vocabulary
    return " ".join(rng.choices(words, cum_weights=cumulative, k=rng.randint(low, high)))


def _texts(rng: random.Random, vocabulary: Vocabulary, organisation: str) -> ServiceTexts:
    return ServiceTexts(
        name=_words(rng, vocabulary, 2, 5),
        description=_words(rng, vocabulary, 15, 40),
        organization=f"{organisation} {_words(rng, vocabulary, 1, 2)}",
    )


def _vocabularies() -> list[Vocabulary]:
    rng = random.Random(SEED)
    return [
        _vocabulary(rng, "latin", LATIN),
        _vocabulary(rng, "arabic", ARABIC),
        _vocabulary(rng, "cyrillic_greek", CYRILLIC_GREEK),
    ]


def _documents(rng: random.Random) -> Iterator[ServiceDocument]:
    codes = [category.code for category in CATEGORIES]
    vocabularies = _vocabularies()
    for number in range(SERVICES):
        organisation = _proper_name(rng)
        scripts = list(vocabularies)
        rng.shuffle(scripts)
        languages = rng.sample(["en", "it", "ar", "fa", "uk", "ru", "el", "fr", "de", "ti"], 2)
        texts = {"": _texts(rng, scripts[0], organisation)}
        for language, vocabulary in zip(languages, scripts[1:], strict=True):
            texts[language] = _texts(rng, vocabulary, organisation)
        hours = tuple(
            OpeningHours(weekday, f"{rng.randint(8, 10):02d}:00", f"{rng.randint(13, 19):02d}:30")
            for weekday in sorted(rng.sample(range(1, 8), rng.randint(0, 5)))
        )
        yield ServiceDocument(
            service_id=f"service-{number:05d}",
            texts=texts,
            categories=tuple(rng.sample(codes, rng.randint(1, 3))),
            city=rng.choice(CITIES),
            area=rng.choice(AREAS),
            staff_languages=tuple(rng.sample(["ar", "fa", "en", "fr", "uk", "ti", "so", "ps"], rng.randint(1, 3))),
            free=rng.choice([True, False, None]),
            opening_hours=hours,
            active=rng.random() > 0.05,
        )


def _queries(rng: random.Random) -> list[tuple[str, dict[str, Any]]]:
    """About 200 queries as they are typed: prefixes of 1 to 4 letters, whole words, a second
    word begun, and a third of them with a filter."""
    filters: list[dict[str, Any]] = [
        {"categories": ("language-course",)},
        {"categories": ("legal-guidance", "labour-rights")},
        {"city": "bo"},
        {"city": "ath"},
        {"language": "ar"},
        {"free_only": True},
        {"open_at": dt.datetime(2024, 6, 11, 10, 30)},
        {"city": "rom", "categories": ("housing",)},
    ]
    queries: list[tuple[str, dict[str, Any]]] = []
    # People look for what directories say: mostly the common words, now and then a rarer one.
    little = {word for words in LITTLE_WORDS.values() for word in words}
    words: list[str] = []
    weights: list[float] = []
    for vocabulary, _cumulative in _vocabularies():
        wanted = [word for word in vocabulary[:600] if word not in little]
        words += wanted
        weights += [1 / (rank + 1) ** 0.5 for rank in range(len(wanted))]

    def word() -> str:
        return rng.choices(words, weights)[0]

    while len(queries) < 200:
        kind = rng.random()
        if kind < 0.55:
            typed = word()[: rng.randint(1, 4)]
        elif kind < 0.8:
            typed = word()
        else:
            typed = f"{word()} {word()[: rng.randint(1, 3)]}"
        chosen = rng.choice(filters) if rng.random() < 0.33 else {}
        queries.append((typed, chosen))
    return queries


# The connection settings of directory.db (shared/spec), and the same with the 64 MiB page cache
# that cases.db has: SQLite's default of 2 MiB holds little of a directory this large.
PRAGMAS = ("journal_mode = WAL", "synchronous = FULL", "foreign_keys = ON", "busy_timeout = 5000")
PAGE_CACHES = {"default page cache": (), "64 MiB page cache": ("cache_size = -65536",)}


def _engine(path: Path, *more_pragmas: str) -> Engine:
    engine = create_engine(f"sqlite+pysqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _pragmas(connection: Any, _record: Any) -> None:
        for pragma in (*PRAGMAS, *more_pragmas):
            connection.execute(f"PRAGMA {pragma}")

    return engine


@pytest.fixture(scope="module")
def directory_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bench") / "directory.db"
    engine = _engine(path)
    documents = list(_documents(random.Random(SEED)))
    with engine.begin() as connection:
        directory_search.create_search_tables(connection)
        took = _timed(lambda: directory_search.index_documents(connection, documents)) / 1000
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(f"SELECT count(*) FROM {directory_search.SEARCH_TABLE}").scalar()
    size = Path(engine.url.database or "").stat().st_size / 2**20
    print(f"\nindexed {SERVICES} services ({rows} text rows) in {took:.1f} s; directory.db {size:.0f} MiB")
    # What an import of a hundred changed services costs the index, on top of the import.
    changed = random.Random(SEED + 2).sample(documents, 100)
    with engine.begin() as connection:
        took = _timed(lambda: directory_search.index_documents(connection, changed))
    print(f"indexing 100 of them again: {took:.0f} ms")
    engine.dispose()
    return path


@pytest.fixture(params=list(PAGE_CACHES))
def directory(request: pytest.FixtureRequest, directory_db: Path) -> Iterator[Engine]:
    print(f"\n--- {request.param}")
    engine = _engine(directory_db, *PAGE_CACHES[request.param])
    yield engine
    engine.dispose()


def _timed(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return (time.perf_counter() - started) * 1000


def _best_of_three(run: Callable[[], object]) -> float:
    return min(_timed(run) for _ in range(3))


_MATCH = f"{directory_search.SEARCH_TABLE} MATCH :match"
_RANKED = (
    f"SELECT rowid, {directory_search.BM25} AS rank FROM {directory_search.SEARCH_TABLE} "
    f"WHERE {_MATCH} ORDER BY rank LIMIT {LIMIT}"
)
_WALKED = f"SELECT count(*) FROM {directory_search.SEARCH_TABLE} WHERE {_MATCH}"


def _floor(connection: Connection, query: str) -> str:
    """The FTS5 statements alone that search() runs for a query: its plan (one or two counts,
    each stopped after RANK_ROWS + 1 rows) and the plan's MATCH, ranked by the same bm25 if
    search() ranks it, else walked. What search() adds is joining the facets, filtering,
    keeping each service once, and the order of names. Returns the plan's name."""
    plan = directory_search.plan_query(connection, query)
    assert plan is not None
    connection.execute(text(_RANKED if plan.ranked else _WALKED), {"match": plan.expression}).all()
    if not plan.ranked:
        return "names, in name order"
    return "names, ranked" if plan.expression.startswith("{name}") else "everything, ranked"


def _naive(connection: Connection, query: str) -> None:
    """Every match ranked, however many: what a search without a plan would cost."""
    connection.execute(text(_RANKED), {"match": directory_search.match_expression(query)}).all()


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def _figures(values: list[float]) -> str:
    return f"median {statistics.median(values):6.2f} ms, p95 {_p95(values):6.2f} ms, max {max(values):6.2f} ms"


def test_search_as_you_type(directory: Engine) -> None:
    queries = _queries(random.Random(SEED + 1))
    search_ms: list[float] = []
    floor_ms: list[float] = []
    naive_ms: list[float] = []
    by_plan: dict[str, list[float]] = {}
    filtered_ms: list[float] = []
    slowest: list[tuple[float, str, dict[str, Any]]] = []
    with directory.connect() as connection:
        for typed, filters in queries:
            hits = directory_search.search(connection, typed, limit=LIMIT, **filters)
            assert len(hits) <= LIMIT
            assert len({hit.service_id for hit in hits}) == len(hits)

            def search(typed: str = typed, filters: dict[str, Any] = filters) -> None:
                directory_search.search(connection, typed, limit=LIMIT, **filters)

            took = _best_of_three(search)
            search_ms.append(took)
            floor_ms.append(_best_of_three(lambda typed=typed: _floor(connection, typed)))  # type: ignore[misc]
            naive_ms.append(_best_of_three(lambda typed=typed: _naive(connection, typed)))  # type: ignore[misc]
            by_plan.setdefault(_floor(connection, typed), []).append(took)
            if filters:
                filtered_ms.append(took)
            slowest.append((took, typed, filters))
        assert len(directory_search.search(connection, "corso", limit=LIMIT)) == LIMIT

    ratios = [s / f for s, f in zip(search_ms, floor_ms, strict=True)]
    print(f"{len(queries)} queries as typed, first {LIMIT} hits each, best of three runs")
    print(f"search():                          {_figures(search_ms)}   (target p95 <= {TARGET_P95_MS:.0f} ms)")
    print(f"  with a filter ({len(filtered_ms):3d} queries):     {_figures(filtered_ms)}")
    for plan, times in sorted(by_plan.items()):
        print(f"  {plan + f' ({len(times)} queries):':32} {_figures(times)}")
    print(f"FTS5 statements alone (the floor): {_figures(floor_ms)}")
    print(
        f"search() / floor: median {statistics.median(search_ms) / statistics.median(floor_ms):.2f}, "
        f"p95 {_p95(search_ms) / _p95(floor_ms):.2f}; per query: median {statistics.median(ratios):.2f}, "
        f"p95 {_p95(ratios):.2f}   (target <= {TARGET_RATIO})"
    )
    print(f"bm25 over every match, no plan:    {_figures(naive_ms)}")
    worst = sorted(slowest, key=lambda entry: entry[0])[-5:]
    print("slowest:", "; ".join(f"{typed!r} {filters or ''} {took:.1f} ms" for took, typed, filters in worst))
