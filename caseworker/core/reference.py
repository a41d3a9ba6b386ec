"""Reference vocabularies shipped as data: countries and the regions of nationality, languages,
ISCO-08 occupation groups."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

from babel import Locale

from caseworker.core.resources import resource


@cache
def country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes of countries and territories (CLDR, without regions like '150')."""
    territories = Locale.parse("en").territories
    return frozenset(code for code in territories if len(code) == 2 and code.isalpha() and code not in {"ZZ", "EU", "UN", "EZ", "QO"})


@cache
def language_codes() -> frozenset[str]:
    """ISO 639 codes that CLDR names (two or three letters)."""
    return frozenset(code for code in Locale.parse("en").languages if code.isalpha() and 2 <= len(code) <= 3)


@dataclass(frozen=True, slots=True)
class OccupationGroup:
    code: str  # ISCO-08 sub-major group, two digits
    title: str  # English title, as published by the ILO


@cache
def isco_sub_major_groups() -> tuple[OccupationGroup, ...]:
    with resource("reference", "isco08_sub_major_groups.csv").open(encoding="utf-8", newline="") as handle:
        return tuple(OccupationGroup(row["code"], row["title"]) for row in csv.DictReader(handle))


def is_isco_code(code: str) -> bool:
    """A code of a sub-major group or of any group below it (three or four digits)."""
    if not code.isdigit() or not 2 <= len(code) <= 4:
        return False
    return any(code.startswith(group.code) for group in isco_sub_major_groups())


# EU member states by ISO 3166-1 alpha-2 code: ESF+ counts as third-country nationals the people
# who hold none of these nationalities.
EU_MEMBER_STATES: frozenset[str] = frozenset(
    {
        "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
        "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
    }
)  # fmt: skip

# Regions of nationality in the order statistics list them; the last two are for people without a
# nationality to place.
REGIONS: tuple[str, ...] = (
    "eu",
    "europe_other",
    "northern_africa",
    "sub_saharan_africa",
    "western_asia",
    "central_asia",
    "southern_asia",
    "eastern_asia",
    "south_eastern_asia",
    "latin_america_caribbean",
    "northern_america",
    "oceania",
    "other",
    "stateless",
    "not_recorded",
)


@cache
def _nationality_regions() -> dict[str, str]:
    with resource("reference", "nationality_regions.csv").open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row["region"] for row in csv.DictReader(handle)}


def nationality_region(code: str) -> str:
    """The region of a nationality, after the UN M49 geoscheme, with the EU member states together.

    "eu" means exactly the 27 states: a territory of a member state with a code of its own (Åland,
    French Guiana, Réunion, the Canary Islands) goes by its geography, like any other code. A code
    that M49 does not list goes with the area it belongs to (Sark with Guernsey, Diego Garcia with
    the British Indian Ocean Territory), or where CLDR places it (Kosovo, Ceuta and Melilla).
    """
    # A code the table does not know (one CLDR has retired since it was recorded) must not stop a
    # statistics export; it is counted where codes without a region are.
    return _nationality_regions().get(code, "other")
