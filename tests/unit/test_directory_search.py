"""Finding services in the directory as a person types (caseworker/core/directory/search.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, create_engine

from caseworker.core.directory import search as directory_search
from caseworker.core.directory.documents import OpeningHours, ServiceDocument, ServiceTexts
from caseworker.core.directory.search import (
    SearchHit,
    clear_index,
    create_search_tables,
    index_documents,
    match_expression,
    plan_query,
    query_words,
    remove_services,
    search,
)

MONDAY_10 = dt.datetime(2024, 6, 10, 10, 0)  # 10 June 2024 was a Monday


@pytest.fixture
def connection() -> Iterator[Connection]:
    engine = create_engine("sqlite://")
    with engine.connect() as connection:
        create_search_tables(connection)
        yield connection
    engine.dispose()


def service(
    service_id: str,
    name: str,
    description: str = "",
    organization: str = "",
    translations: dict[str, ServiceTexts] | None = None,
    **facts: object,
) -> ServiceDocument:
    texts = {"": ServiceTexts(name=name, description=description, organization=organization)}
    texts.update(translations or {})
    return ServiceDocument(service_id=service_id, texts=texts, **facts)  # type: ignore[arg-type]


def found(connection: Connection, query: str, **filters: object) -> list[str]:
    return [hit.service_id for hit in search(connection, query, **filters)]  # type: ignore[arg-type]


# --- words as people type them -----------------------------------------------------------------


def test_the_first_letters_of_a_word_find_it(connection: Connection) -> None:
    index_documents(connection, [service("course", "Language course for adults"), service("cv", "CV workshop")])

    for typed in ("l", "la", "lang", "langu", "language"):
        assert found(connection, typed) == ["course"], typed
    assert found(connection, "cour") == ["course"]
    assert found(connection, "anguage") == []  # the middle of a word is not its start


def test_every_word_of_the_query_must_be_found(connection: Connection) -> None:
    index_documents(
        connection,
        [
            service("bologna", "Italian course", organization="Scuola Bologna"),
            service("roma", "Italian course", organization="Scuola Roma"),
        ],
    )

    assert found(connection, "italian bol") == ["bologna"]
    assert sorted(found(connection, "course ital")) == ["bologna", "roma"]
    assert found(connection, "italian paris") == []


@pytest.mark.parametrize(
    "written, typed",
    [
        ("Réconnaissance des diplômes", "recon"),
        ("Réconnaissance des diplômes", "DIPLOMES"),
        ("Café Solidaire", "cafe"),
        ("Cafe Solidaire", "café"),
        ("ÇAĞLAR Danışmanlık", "caglar danis"),
        ("Straße der Arbeit", "strasse"),
        ("Nguyễn Văn Hòa tutoring", "nguyen"),
    ],
)
def test_case_and_accents_do_not_matter(connection: Connection, written: str, typed: str) -> None:
    index_documents(connection, [service("s", written)])

    assert found(connection, typed) == ["s"]


def test_words_in_the_description_and_the_organisation_are_found(connection: Connection) -> None:
    index_documents(
        connection,
        [service("s", "Sportello lavoro", description="Aiuto con il curriculum", organization="Caritas Ambrosiana")],
    )

    assert found(connection, "curric") == ["s"]
    assert found(connection, "ambros") == ["s"]


def test_the_category_and_the_place_are_words_too(connection: Connection) -> None:
    index_documents(
        connection,
        [service("s", "Sportello", categories=("recognition",), city="Bologna", area="Emilia-Romagna")],
    )

    assert found(connection, "recognition") == ["s"]
    assert found(connection, "qualifications") == ["s"]  # from "Recognition of qualifications and skills"
    assert found(connection, "bologna") == ["s"]
    assert found(connection, "romagna") == ["s"]


# --- scripts -----------------------------------------------------------------------------------


def test_greek_without_tonos_or_capitals(connection: Connection) -> None:
    index_documents(connection, [service("s", "Συμβουλευτική Εργασίας")])

    assert found(connection, "συμβ") == ["s"]
    assert found(connection, "ΣΥΜΒΟΥΛΕΥΤΙΚΗ") == ["s"]
    assert found(connection, "συμβουλευτικη εργασιας") == ["s"]
    assert found(connection, "εργασίασ") == ["s"]  # final sigma or not


def test_cyrillic(connection: Connection) -> None:
    index_documents(
        connection,
        [service("ru", "Консультация по трудоустройству"), service("uk", "Допомога біженцям з житлом")],
    )

    assert found(connection, "консульт") == ["ru"]
    assert found(connection, "ТРУДОУСТР") == ["ru"]
    assert found(connection, "біжен") == ["uk"]


@pytest.mark.parametrize(
    "written, typed",
    [
        ("مُساعَدة قانونيّة", "مساعدة"),  # vowel marks in the text
        ("مساعدة قانونية", "مُسَاعَدَة"),  # vowel marks in the query
        ("أحمد للخدمات", "احمد"),  # hamza in the text
        ("احمد للخدمات", "أحمد"),  # hamza in the query
        ("إقامة وعمل", "اقامه"),  # hamza below and teh marbuta
        ("مـسـاعـدة قانونية", "مساعدة"),  # tatweel in the text
        ("مساعدة قانونية", "مسـاعـدة"),  # tatweel in the query
        ("کمک حقوقی", "كمك حقوقي"),  # Persian kaf and yeh in the text, Arabic in the query
        ("كمك حقوقي", "کمک حقوقی"),  # and the other way round
        ("مستشفى", "مستشفي"),  # alef maksura
    ],
)
def test_arabic_script_variants_do_not_matter(connection: Connection, written: str, typed: str) -> None:
    index_documents(connection, [service("s", written)])

    assert found(connection, typed) == ["s"]
    assert found(connection, typed[:2]) == ["s"]


def test_an_arabic_word_is_found_with_or_without_its_article(connection: Connection) -> None:
    index_documents(connection, [service("s", "مركز المساعدة القانونية"), service("t", "مساعدة في السكن")])

    assert sorted(found(connection, "مساعدة")) == ["s", "t"]  # "help" finds "the help" too
    assert found(connection, "المساعدة") == ["s"]
    assert found(connection, "المس") == ["s"]  # typed letter by letter
    assert found(connection, "قانونية") == ["s"]


def test_an_arabic_word_is_found_without_a_joined_preposition_and_article(connection: Connection) -> None:
    index_documents(
        connection,
        [service("s", "مساعدة بالعمل والسكن"), service("t", "دعم للاجئين"), service("u", "بالون")],
    )

    assert found(connection, "عمل") == ["s"]  # بالعمل: "in the work"
    assert found(connection, "سكن") == ["s"]  # والسكن: "and the housing"
    assert found(connection, "لاجئين") == ["t"]  # للاجئين: "for the refugees"
    assert found(connection, "بالعمل") == ["s"]  # as written, too
    assert found(connection, "بالون") == ["u"]  # a word that only begins with the letters


def test_ethiopic_words_are_split_at_the_ethiopic_word_space(connection: Connection) -> None:
    # Tigrinya: "help፡work፡for refugees", written with U+1361 between the words.
    index_documents(connection, [service("s", "ሓገዝ፡ስራሕ፡ንስደተኛታት"), service("t", "ምኽሪ ስራሕ")])

    assert found(connection, "ንስደተኛ") == ["s"]
    assert sorted(found(connection, "ስራ")) == ["s", "t"]
    assert found(connection, "ሓገዝ ስራሕ") == ["s"]


def test_scripts_with_vowel_signs_keep_their_words_whole(connection: Connection) -> None:
    # The vowel signs of Devanagari are marks; a tokenizer that split at them would find
    # "हिन्दी" from "ह" alone, and "भाषा" from "ष".
    index_documents(connection, [service("s", "हिन्दी भाषा कक्षा")])

    assert found(connection, "हिन्") == ["s"]
    assert found(connection, "भाषा") == ["s"]
    assert found(connection, "ष") == []


def test_a_word_only_in_a_translation_finds_the_service(connection: Connection) -> None:
    index_documents(
        connection,
        [
            service(
                "s",
                "Corso di lingua italiana",
                translations={
                    "ar": ServiceTexts(name="دورة اللغة الإيطالية"),
                    "en": ServiceTexts(name="Italian language course"),
                },
            ),
            service("other", "Sportello lavoro"),
        ],
    )

    assert found(connection, "دورة") == ["s"]
    assert found(connection, "language") == ["s"]
    assert found(connection, "corso") == ["s"]


def test_a_service_is_found_once_however_many_languages_match(connection: Connection) -> None:
    translations = {code: ServiceTexts(name="Caritas mentoring") for code in ("en", "it", "fr", "de", "ar")}
    index_documents(connection, [service("s", "Caritas mentoring", translations=translations)])

    assert found(connection, "caritas") == ["s"]


def test_a_service_is_ranked_by_its_best_language(connection: Connection) -> None:
    index_documents(
        connection,
        [
            service("one", "Mentoring", translations={"it": ServiceTexts(name="Tutoraggio", description="mentoring")}),
            service("two", "Mentoring"),
        ],
    )

    scores = {hit.service_id: hit.score for hit in search(connection, "mentoring")}
    assert scores["one"] == pytest.approx(scores["two"])


# --- ranking -----------------------------------------------------------------------------------


def test_a_match_in_the_name_comes_before_a_match_in_the_description(connection: Connection) -> None:
    index_documents(
        connection,
        [
            service("described", "Sportello lavoro", description="Offers mentoring for young adults"),
            service("named", "Mentoring for young adults", description="Sportello lavoro"),
        ],
    )

    hits = search(connection, "mentor")
    assert [hit.service_id for hit in hits] == ["named", "described"]
    assert hits[0].score > hits[1].score > 0


def test_the_organisation_counts_more_than_the_description(connection: Connection) -> None:
    index_documents(
        connection,
        [
            service("described", "Sportello", description="Run with Caritas volunteers"),
            service("organised", "Sportello", organization="Caritas"),
        ],
    )

    assert found(connection, "caritas") == ["organised", "described"]


def test_at_most_limit_hits_best_first(connection: Connection) -> None:
    index_documents(
        connection,
        [service(f"d{n}", f"Sportello {n}", description="mentoring") for n in range(10)]
        + [service("named", "Mentoring")],
    )

    hits = search(connection, "mentoring", limit=3)
    assert len(hits) == 3
    assert hits[0].service_id == "named"
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)
    assert search(connection, "mentoring", limit=0) == []


# --- filters -----------------------------------------------------------------------------------


def test_categories_filter_keeps_services_in_any_of_them(connection: Connection) -> None:
    index_documents(
        connection,
        [
            service("course", "Sportello A", categories=("language-course",)),
            service("rights", "Sportello B", categories=("labour-rights", "legal-guidance")),
            service("housing", "Sportello C", categories=("housing",)),
        ],
    )

    assert found(connection, "sportello", categories=["language-course"]) == ["course"]
    either = ["legal-guidance", "language-course"]
    assert sorted(found(connection, "sportello", categories=either)) == ["course", "rights"]
    assert found(connection, "sportello", categories=["mentoring"]) == []
    # A code is matched whole: "rights" is not "labour-rights".
    assert found(connection, "sportello", categories=["rights"]) == []


def test_city_filter_is_the_start_of_the_city_or_the_area_folded(connection: Connection) -> None:
    index_documents(
        connection,
        [
            service("bologna", "Sportello A", city="Bologna", area="Emilia-Romagna"),
            service("munich", "Sportello B", city="München", area="Bayern"),
            service("nowhere", "Sportello C"),
        ],
    )

    assert found(connection, "sportello", city="bol") == ["bologna"]
    assert found(connection, "sportello", city="MUN") == ["munich"]
    assert found(connection, "sportello", city="münchen") == ["munich"]
    assert found(connection, "sportello", city="emilia") == ["bologna"]
    assert found(connection, "sportello", city="ologna") == []
    assert sorted(found(connection, "sportello", city="  ")) == ["bologna", "munich", "nowhere"]


def test_language_filter_keeps_services_whose_staff_speak_it(connection: Connection) -> None:
    index_documents(
        connection,
        [
            service("arabic", "Sportello A", staff_languages=("ar", "fr")),
            service("brazil", "Sportello B", staff_languages=("pt-BR",)),
            service("none", "Sportello C"),
        ],
    )

    assert found(connection, "sportello", language="ar") == ["arabic"]
    assert found(connection, "sportello", language="FR") == ["arabic"]
    assert found(connection, "sportello", language="pt") == ["brazil"]
    assert found(connection, "sportello", language="pt_BR") == ["brazil"]
    assert found(connection, "sportello", language="a") == []
    assert found(connection, "sportello", language="fa") == []


def test_free_only_keeps_services_known_to_be_free(connection: Connection) -> None:
    index_documents(
        connection,
        [
            service("free", "Sportello A", free=True),
            service("paid", "Sportello B", free=False),
            service("unknown", "Sportello C", free=None),
        ],
    )

    assert found(connection, "sportello", free_only=True) == ["free"]
    assert sorted(found(connection, "sportello")) == ["free", "paid", "unknown"]


def test_open_at_respects_the_weekday_and_the_hours(connection: Connection) -> None:
    index_documents(
        connection,
        [
            service(
                "weekdays",
                "Sportello A",
                opening_hours=(OpeningHours(1, "09:00", "13:00"), OpeningHours(3, "9:00", "17:30")),
            ),
            service("tuesday", "Sportello B", opening_hours=(OpeningHours(2, "08:00", "20:00"),)),
            service("no-hours", "Sportello C"),
        ],
    )

    monday, tuesday, wednesday = (MONDAY_10 + dt.timedelta(days=n) for n in range(3))
    assert found(connection, "sportello", open_at=monday) == ["weekdays"]
    assert found(connection, "sportello", open_at=monday.replace(hour=8, minute=59)) == []
    assert found(connection, "sportello", open_at=monday.replace(hour=12, minute=59)) == ["weekdays"]
    assert found(connection, "sportello", open_at=monday.replace(hour=13, minute=0)) == []  # closed at 13:00
    assert found(connection, "sportello", open_at=tuesday) == ["tuesday"]
    assert found(connection, "sportello", open_at=wednesday.replace(hour=17, minute=15)) == ["weekdays"]
    assert found(connection, "sportello", open_at=wednesday.replace(hour=17, minute=30)) == []
    # Without a query too; a service without hours is never "open now".
    assert found(connection, "", open_at=tuesday) == ["tuesday"]


def test_hours_past_midnight_belong_to_the_day_they_begin(connection: Connection) -> None:
    # A night shelter open from Saturday 22:00 to Sunday 06:00.
    index_documents(connection, [service("night", "Night shelter", opening_hours=(OpeningHours(6, "22:00", "06:00"),))])

    saturday = MONDAY_10 + dt.timedelta(days=5)
    assert found(connection, "shelter", open_at=saturday.replace(hour=23)) == ["night"]
    assert found(connection, "shelter", open_at=saturday.replace(hour=21)) == []
    assert found(connection, "shelter", open_at=saturday.replace(hour=5) + dt.timedelta(days=1)) == ["night"]
    assert found(connection, "shelter", open_at=saturday.replace(hour=6) + dt.timedelta(days=1)) == []
    assert found(connection, "shelter", open_at=saturday.replace(hour=5)) == []  # Saturday morning


def test_hours_that_cannot_be_read_never_make_a_service_open(connection: Connection) -> None:
    index_documents(
        connection,
        [
            service(
                "s",
                "Sportello",
                opening_hours=(OpeningHours(1, "nine", "17:00"), OpeningHours(8, "09:00", "17:00")),
            )
        ],
    )

    assert found(connection, "sportello", open_at=MONDAY_10) == []
    assert found(connection, "sportello") == ["s"]


def test_filters_combine(connection: Connection) -> None:
    index_documents(
        connection,
        [
            service("all", "Sportello A", categories=("housing",), city="Roma", staff_languages=("ar",), free=True),
            service("paid", "Sportello B", categories=("housing",), city="Roma", staff_languages=("ar",), free=False),
            service("milan", "Sportello C", categories=("housing",), city="Milano", staff_languages=("ar",), free=True),
        ],
    )

    assert found(connection, "sport", categories=["housing"], city="rom", language="ar", free_only=True) == ["all"]


def test_an_empty_query_lists_the_services_that_pass_the_filters_by_name(connection: Connection) -> None:
    index_documents(
        connection,
        [
            service("c", "Casa della carità", city="Milano"),
            service("a", "Àncora", city="Milano"),
            service("b", "Binario 95", city="Roma"),
        ],
    )

    assert found(connection, "", city="milano") == ["a", "c"]
    assert found(connection, "") == ["a", "b", "c"]
    assert found(connection, "  -- ", limit=2) == ["a", "b"]
    assert all(hit.score == 0.0 for hit in search(connection, ""))


# --- the index over time -----------------------------------------------------------------------


def test_retired_services_are_never_found(connection: Connection) -> None:
    index_documents(
        connection,
        [
            service("open", "Sportello lavoro", city="Roma", opening_hours=(OpeningHours(1, "09:00", "17:00"),)),
            service(
                "retired",
                "Sportello lavoro",
                city="Roma",
                opening_hours=(OpeningHours(1, "09:00", "17:00"),),
                active=False,
            ),
        ],
    )

    assert found(connection, "sportello") == ["open"]
    assert found(connection, "") == ["open"]
    assert found(connection, "sportello", city="roma", open_at=MONDAY_10) == ["open"]
    assert found(connection, "", city="roma") == ["open"]


def test_indexing_a_service_again_replaces_its_rows(connection: Connection) -> None:
    arabic = {"ar": ServiceTexts(name="مكتب العمل")}
    index_documents(connection, [service("s", "Sportello lavoro", translations=arabic)])
    index_documents(connection, [service("s", "Casa della carità", city="Milano")])

    assert found(connection, "sportello") == []
    assert found(connection, "مكتب") == []
    assert found(connection, "casa") == ["s"]
    assert found(connection, "", city="milano") == ["s"]
    assert found(connection, "") == ["s"]


def test_a_service_given_twice_is_indexed_as_given_last(connection: Connection) -> None:
    index_documents(connection, [service("s", "Sportello lavoro"), service("s", "Casa della carità")])

    assert found(connection, "sportello") == []
    assert found(connection, "casa") == ["s"]


def test_retiring_a_service_and_bringing_it_back(connection: Connection) -> None:
    index_documents(connection, [service("s", "Sportello lavoro")])
    index_documents(connection, [service("s", "Sportello lavoro", active=False)])
    assert found(connection, "sportello") == []

    index_documents(connection, [service("s", "Sportello lavoro")])
    assert found(connection, "sportello") == ["s"]


def test_removed_services_are_gone_and_others_stay(connection: Connection) -> None:
    index_documents(connection, [service("a", "Sportello A"), service("b", "Sportello B"), service("c", "Sportello C")])

    remove_services(connection, ["a", "c", "never-indexed"])
    assert found(connection, "sportello") == ["b"]
    assert found(connection, "") == ["b"]

    remove_services(connection, [])
    index_documents(connection, [service("a", "Sportello A")])
    assert sorted(found(connection, "sportello")) == ["a", "b"]


def test_clear_index_empties_it_and_it_can_be_filled_again(connection: Connection) -> None:
    index_documents(connection, [service("a", "Sportello A"), service("b", "Sportello B")])

    clear_index(connection)
    assert found(connection, "sportello") == []
    assert found(connection, "") == []

    index_documents(connection, [service("c", "Sportello C")])
    assert found(connection, "sportello") == ["c"]


def test_creating_the_tables_again_keeps_the_index(connection: Connection) -> None:
    index_documents(connection, [service("a", "Sportello A")])

    create_search_tables(connection)
    assert found(connection, "sportello") == ["a"]


def test_the_index_survives_a_commit_on_a_file(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path}/directory.db")
    with engine.begin() as connection:
        create_search_tables(connection)
        index_documents(connection, [service("a", "Sportello A")])
    with engine.begin() as connection:
        create_search_tables(connection)
        assert found(connection, "sport") == ["a"]
    engine.dispose()


# --- common words in a large directory ---------------------------------------------------------


@pytest.fixture
def few_rows_ranked(monkeypatch: pytest.MonkeyPatch) -> int:
    """What a large directory does with a common word, shown on a small one."""
    monkeypatch.setattr(directory_search, "RANK_ROWS", 3)
    return 3


def test_a_common_word_is_ranked_among_the_names_that_have_it(connection: Connection, few_rows_ranked: int) -> None:
    index_documents(
        connection,
        [service(f"d{n}", f"Sportello {n}", description="mentoring") for n in range(4)]
        + [service("named", "Mentoring"), service("long", "Mentoring for young adults and their families")],
    )

    plan = plan_query(connection, "mentor")
    assert plan is not None and plan.ranked and plan.expression.startswith("{name}")
    assert found(connection, "mentor") == ["named", "long"]


def test_a_word_common_even_in_names_lists_those_names_in_order(connection: Connection, few_rows_ranked: int) -> None:
    index_documents(
        connection,
        [
            service("d", "Sportello Desio", categories=("housing",)),
            service("b", "Sportello Bari", categories=("housing",)),
            service("c", "Sportello Como", opening_hours=(OpeningHours(1, "09:00", "17:00"),)),
            service("a", "Sportello Aosta", categories=("housing",)),
            service("x", "Casa", description="sportello"),
        ],
    )

    plan = plan_query(connection, "s")
    assert plan is not None and not plan.ranked
    assert found(connection, "s") == ["a", "b", "c", "d"]
    assert found(connection, "s", limit=2) == ["a", "b"]
    assert found(connection, "s", categories=["housing"]) == ["a", "b", "d"]
    assert found(connection, "s", open_at=MONDAY_10) == ["c"]
    assert all(hit.score == 0.0 for hit in search(connection, "s"))


def test_an_opening_time_met_only_far_down_the_ranking_is_found(connection: Connection) -> None:
    # Many rows rank better than the one service that is open, so the search must look further
    # than its first batch of rows.
    many = [
        service(f"s{n:02d}", "Mentoring", translations={str(k): ServiceTexts(name="Mentoring") for k in range(9)})
        for n in range(40)
    ]
    open_one = service(
        "open",
        "Sportello",
        description="mentoring and much else besides",
        opening_hours=(OpeningHours(1, "09:00", "17:00"),),
    )
    index_documents(connection, [*many, open_one])

    assert found(connection, "mentoring", open_at=MONDAY_10) == ["open"]
    assert len(found(connection, "mentoring", limit=100)) == 41


# --- anything typed ----------------------------------------------------------------------------


def test_query_words_are_folded_and_split_where_the_index_splits() -> None:
    assert query_words("  Café-Solidaire, ΣΟΦΊΑ!  ") == ["cafe", "solidaire", "σοφια"]
    assert query_words("ሓገዝ፡ስራሕ") == ["ሓገዝ", "ስራሕ"]
    assert query_words('"*^:()-') == []


def test_fts_syntax_in_a_query_is_only_text() -> None:
    assert match_expression('NEAR("a" b) OR c*') == '"near"* AND "a"* AND "b"* AND "or"* AND "c"*'
    assert match_expression("lang language") == '"language"*'
    assert match_expression("") is None


def test_a_very_long_query_is_searched_by_its_first_words(connection: Connection) -> None:
    words = [f"w{n:02d}" for n in range(directory_search.MAX_QUERY_WORDS)]
    index_documents(connection, [service("s", "Sportello lavoro", description=" ".join(words))])

    assert found(connection, " ".join(words)) == ["s"]
    assert found(connection, " ".join([*words, "unrelated"] * 50)) == ["s"]
    assert found(connection, " ".join(["unrelated", *words])) == []


SYNTAX = st.sampled_from(
    ['"', "*", "-", ":", "^", "(", ")", "{", "}", "+", "NEAR", "AND", "OR", "NOT", " ", "\x00", "\ud800"]
)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=300)
@given(query=st.text() | st.lists(SYNTAX | st.text(max_size=3)).map("".join), city=st.none() | st.text(max_size=5))
@example(query='"', city=None)
@example(query="*", city=None)
@example(query='NEAR(a b, 2) AND "c" OR -d NOT e:f ^g', city=None)
@example(query="name: sportello", city=None)
@example(query="{name}: x", city=None)
@example(query="\ud800sport", city="\udcff")
@example(query="\u0640\u064b", city=None)  # only a tatweel and a vowel mark
def test_any_text_searches_without_error(connection: Connection, query: str, city: str | None) -> None:
    if not found(connection, "sportello"):
        index_documents(
            connection,
            [
                service("s", "Sportello lavoro", city="Roma"),
                service("t", 'Casa "della" carità: NEAR (AND)', city="Milano"),
            ],
        )

    hits = search(connection, query, city=city, language=query, categories=[query])
    assert all(isinstance(hit, SearchHit) for hit in hits)
    assert len({hit.service_id for hit in hits}) == len(hits)
