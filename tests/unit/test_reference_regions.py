"""Regions of nationality and EU membership, as statistics break people down by them."""

from __future__ import annotations

import csv

import pytest

from caseworker.core.i18n import pseudo, speaking
from caseworker.core.labels import REGION_LABELS, region_label
from caseworker.core.reference import EU_MEMBER_STATES, REGIONS, country_codes, nationality_region
from caseworker.core.resources import resource


def table_rows() -> list[dict[str, str]]:
    with resource("reference", "nationality_regions.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_table_places_every_country_the_pickers_offer_and_nothing_else() -> None:
    codes = [row["code"] for row in table_rows()]
    assert len(codes) == len(set(codes)), "a code is listed twice"
    assert sorted(country_codes() - set(codes)) == []
    assert sorted(set(codes) - country_codes()) == []


def test_every_code_goes_to_a_region_of_a_country_not_to_a_status() -> None:
    allowed = set(REGIONS) - {"stateless", "not_recorded"}
    assert sorted({row["region"] for row in table_rows()} - allowed) == []


@pytest.mark.parametrize(
    ("code", "region"),
    [
        ("SY", "western_asia"),
        ("AF", "southern_asia"),
        ("IR", "southern_asia"),
        ("ER", "sub_saharan_africa"),
        ("SD", "northern_africa"),
        ("UA", "europe_other"),
        ("DE", "eu"),
        ("CY", "eu"),
        ("TR", "western_asia"),
        ("VE", "latin_america_caribbean"),
        ("GB", "europe_other"),
        ("XK", "europe_other"),
        ("SS", "sub_saharan_africa"),
        ("MR", "sub_saharan_africa"),
        ("GE", "western_asia"),
        ("KZ", "central_asia"),
        ("MX", "latin_america_caribbean"),
        ("GL", "northern_america"),
        ("PG", "oceania"),
        ("MN", "eastern_asia"),
        ("TL", "south_eastern_asia"),
        ("AX", "europe_other"),
        ("AQ", "other"),
    ],
)
def test_a_nationality_is_placed_as_m49_places_the_country(code: str, region: str) -> None:
    assert nationality_region(code) == region


def test_a_code_the_table_does_not_know_counts_as_other() -> None:
    assert nationality_region("QQ") == "other"


def test_the_eu_has_27_member_states_and_exactly_they_are_eu() -> None:
    assert len(EU_MEMBER_STATES) == 27
    assert EU_MEMBER_STATES <= country_codes()
    assert {row["code"] for row in table_rows() if row["region"] == "eu"} == EU_MEMBER_STATES


def test_the_united_kingdom_left_and_croatia_joined() -> None:
    assert "GB" not in EU_MEMBER_STATES
    assert "HR" in EU_MEMBER_STATES


def test_every_region_has_a_label_and_no_label_is_left_over() -> None:
    assert len(REGIONS) == len(set(REGIONS))
    assert set(REGION_LABELS) == set(REGIONS)
    assert all(region_label(key) for key in REGIONS)


def test_a_region_label_is_read_through_the_catalogs() -> None:
    assert region_label("southern_asia") == "Southern Asia"
    with speaking("pseudo"):
        assert region_label("southern_asia") == pseudo("Southern Asia")
