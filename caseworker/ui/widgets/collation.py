"""Sorting names as the reader's language sorts them, with Qt's QCollator (ICU's collation).

Code-point order puts "Émile" after "Zoë" and cannot know that Czech sorts "Ch" after "H" or
that Danish puts "Aa" and "Ø" after "Z". Every list of names a person reads is sorted here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from PySide6.QtCore import QCollator, QLocale

from caseworker.core.i18n import PSEUDO, current_language

T = TypeVar("T")


def collator(language: str | None = None) -> QCollator:
    """The collation of ``language`` (the interface's by default); numbers inside names are
    compared as numbers, so "Flat 2" comes before "Flat 10"."""
    code = language or current_language()
    result = QCollator(QLocale("en" if code == PSEUDO else code))
    result.setNumericMode(True)
    return result


def ranks(strings: Sequence[str], language: str | None = None) -> list[int]:
    """Each string's rank in the language's order (equal strings share a rank).

    Each distinct string is given one collation key, and the keys are sorted once: comparing
    two strings through QCollator for every step of a sort costs twice as long.
    """
    distinct = list(set(strings))
    sort_key = collator(language).sortKey
    keys = [sort_key(text) for text in distinct]
    order = sorted(range(len(distinct)), key=keys.__getitem__)
    rank_of = {distinct[index]: rank for rank, index in enumerate(order)}
    return [rank_of[text] for text in strings]


def sorted_by_name(items: Iterable[T], name: Callable[[T], str], language: str | None = None) -> list[T]:
    """``items`` sorted by their names in the language's order."""
    items = list(items)
    order = ranks([name(item) for item in items], language)
    return [item for _rank, item in sorted(zip(order, items, strict=True), key=lambda pair: pair[0])]
