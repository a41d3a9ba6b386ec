"""What the search index is given for each service: its searchable text in every language it
has, and the facts the filters need. Built from the directory's records on every change."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class ServiceTexts:
    """The searchable text of a service in one language (translations fall back to the original)."""

    name: str
    description: str = ""
    organization: str = ""


@dataclass(frozen=True, slots=True)
class OpeningHours:
    weekday: int  # 1 = Monday … 7 = Sunday (ISO 8601)
    opens: str  # "09:00"
    closes: str  # "17:30"


@dataclass(frozen=True, slots=True)
class ServiceDocument:
    service_id: str
    # Language code ("en", "it", "ar"…) or "" for the original text -> the texts in it.
    texts: dict[str, ServiceTexts]
    categories: tuple[str, ...] = ()  # taxonomy.Category codes
    city: str = ""
    area: str = ""  # region or service area, as written
    staff_languages: tuple[str, ...] = ()  # ISO 639 codes of languages the staff speak
    free: bool | None = None  # None: not known
    opening_hours: tuple[OpeningHours, ...] = field(default=())
    active: bool = True  # retired (inactive, defunct) services are kept but not found
