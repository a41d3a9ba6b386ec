"""Reference vocabularies shipped as data: countries, languages, ISCO-08 occupation groups."""

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
