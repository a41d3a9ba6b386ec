"""Translations and locale formatting, from Babel's gettext catalogs and CLDR data.

gettext's model is one active language for the process: every string a person reads goes
through ``_`` at the moment it is shown, so switching the language while the app runs needs
only ``set_language`` and a refresh of the screens. The active catalog is the one piece of
process state this module keeps; everything else is passed in.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import re
import struct
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from gettext import NullTranslations

from babel import Locale, UnknownLocaleError
from babel import dates as babel_dates
from babel import lists as babel_lists
from babel import numbers as babel_numbers
from babel.support import Translations

from caseworker.core.resources import translations_dir

DOMAIN = "caseworker"
SOURCE_LANGUAGE = "en"

# Unicode directional isolates: a value inserted into a sentence keeps its own direction, so a
# Latin name or a phone number inside Arabic text reads correctly (and the other way round).
FSI = "\u2068"
PDI = "\u2069"


@dataclass(frozen=True, slots=True)
class Language:
    code: str
    english_name: str

    @property
    def locale(self) -> Locale:
        return Locale.parse(self.code)

    @property
    def native_name(self) -> str:
        return _native_name(self.code) or self.english_name

    @property
    def right_to_left(self) -> bool:
        return self.locale.character_order == "right-to-left"


# The languages the interface ships in: the source, the host languages of the countries the
# product grew from, and languages of people seeking protection in Europe.
UI_LANGUAGES: tuple[Language, ...] = (
    Language("en", "English"),
    Language("cs", "Czech"),
    Language("da", "Danish"),
    Language("de", "German"),
    Language("el", "Greek"),
    Language("fi", "Finnish"),
    Language("fr", "French"),
    Language("it", "Italian"),
    Language("ar", "Arabic"),
    Language("fa", "Persian"),
    Language("fa_AF", "Dari"),
    Language("ps", "Pashto"),
    Language("ckb", "Central Kurdish"),
    Language("ti", "Tigrinya"),
    Language("so", "Somali"),
    Language("uk", "Ukrainian"),
    Language("ru", "Russian"),
    Language("tr", "Turkish"),
)


# A pseudo-language for developers (`--lang pseudo`): every translated string comes out longer,
# with accented letters and in brackets, and the window runs right to left. Text that stays
# plain on screen was never translated; text cut short will be cut in German or Finnish too.
PSEUDO = "pseudo"
_PSEUDO_LETTERS = str.maketrans(
    "AaBbCcDdEeGgHhIiKkLlNnOoRrSsTtUuYyZz",
    "ÅåƁƀÇçĐđÉéĜĝĤĥÎîĶķĻļÑñÖöŘřŠšŢţÛûÝýŽž",
)
_PLACEHOLDER = re.compile(r"(\{[a-z_]+\}|&.)")


def pseudo(text: str) -> str:
    parts = _PLACEHOLDER.split(text)
    # Placeholders and accelerators stay as they are; the rest is dressed up and stretched.
    dressed = "".join(p if _PLACEHOLDER.fullmatch(p) else p.translate(_PSEUDO_LETTERS) for p in parts)
    return f"⟦{dressed}{'·' * max(2, len(text) * 2 // 5)}⟧"


class PseudoTranslations(NullTranslations):
    def gettext(self, message: str) -> str:
        return pseudo(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return pseudo(singular if n == 1 else plural)

    def pgettext(self, context: str, message: str) -> str:
        return pseudo(message)


class _Active:
    """The catalog in use, and its language."""

    def __init__(self) -> None:
        self.code = SOURCE_LANGUAGE
        self.locale = Locale.parse(SOURCE_LANGUAGE)
        self.catalog: NullTranslations = NullTranslations()

    def switch(self, code: str) -> str:
        if code == PSEUDO:
            self.catalog, self.locale, self.code = PseudoTranslations(), Locale.parse(SOURCE_LANGUAGE), PSEUDO
            return PSEUDO
        code = normalise_code(code)
        self.catalog, self.locale, self.code = load_catalog(code), Locale.parse(code), code
        return code


# The language of the app, and, per thread, a language spoken for a while (``speaking``): a
# handout written in the client's language off the GUI thread leaves the screen's language alone.
_active = _Active()
_spoken = threading.local()


def _now() -> _Active:
    return getattr(_spoken, "active", None) or _active


@dataclass(frozen=True, slots=True)
class Preferences:
    """How the person likes dates and numbers written, in the languages where there is a choice."""

    # Persian and Dari: dates in the Solar Hijri calendar, the one Iran and Afghanistan live by.
    solar_hijri: bool = False
    # Arabic, Persian, Dari, Pashto and Sorani: digits in the language's own script (٣، ۳)
    # instead of 0-9, in dates and numbers.
    native_digits: bool = False


_preferences = Preferences()


def set_preferences(preferences: Preferences) -> None:
    global _preferences
    _preferences = preferences


def preferences() -> Preferences:
    return _preferences


def normalise_code(code: str) -> str:
    """'fa-AF' and 'fa_af' both become 'fa_AF'; raises ValueError for a code CLDR does not know."""
    try:
        return str(Locale.parse(code.replace("-", "_")))
    except (UnknownLocaleError, ValueError) as exc:
        raise ValueError(code) from exc


def ui_language(code: str) -> Language | None:
    for language in UI_LANGUAGES:
        if language.code == code:
            return language
    return None


# Each language's name in its own words, as CLDR gives it (a test keeps them equal to Babel's).
# Asking Babel loads each language's whole locale data, a tenth of a second for the eighteen
# before the sign-in window could show its language menu.
_ENDONYMS = {
    "en": "English", "cs": "čeština", "da": "dansk", "de": "Deutsch", "el": "Ελληνικά", "fi": "suomi",
    "fr": "français", "it": "italiano", "ar": "العربية", "fa": "فارسی", "fa_AF": "فارسی (افغانستان)",
    "ps": "پښتو", "ckb": "کوردیی ناوەندی", "ti": "ትግርኛ", "so": "Soomaali", "uk": "українська",
    "ru": "русский", "tr": "Türkçe",
}


@functools.cache
def _native_name(code: str) -> str | None:
    if code in _ENDONYMS:
        return _ENDONYMS[code]
    locale = Locale.parse(code)
    return locale.get_display_name(locale)


def catalog_header(code: str) -> dict[str, str]:
    """The header fields of a compiled catalog, read without loading its messages: a .mo file's
    first entry is the empty message, whose translation is the header."""
    path = translations_dir() / code / "LC_MESSAGES" / f"{DOMAIN}.mo"
    try:
        with path.open("rb") as handle:
            head = handle.read(28)
            order = "<" if head[:4] == b"\xde\x12\x04\x95" else ">"
            count, originals, translations = struct.unpack(order + "4x4x3I", head[:20])[0:3]
            if count == 0:
                return {}
            handle.seek(originals)
            original_length, _offset = struct.unpack(order + "2I", handle.read(8))
            if original_length != 0:  # no header: the empty message sorts first when there is one
                return {}
            handle.seek(translations)
            length, offset = struct.unpack(order + "2I", handle.read(8))
            handle.seek(offset)
            text = handle.read(length).decode("utf-8", errors="replace")
    except (OSError, struct.error):
        return {}
    fields = (line.split(":", 1) for line in text.splitlines() if ":" in line)
    return {key.strip().lower(): value.strip() for key, value in fields}


@functools.cache
def is_reviewed(code: str) -> bool:
    """Whether a native speaker has reviewed the catalog.

    The catalog's Language-Team header says so: "draft, …" until a reviewer puts their team's
    name there. (A header of our own would not survive `pybabel update`, which rewrites the
    header with the fields it knows.)
    """
    if code == SOURCE_LANGUAGE:
        return True
    team = catalog_header(code).get("language-team", "")
    return bool(team.strip()) and not team.strip().lower().startswith("draft") and "LL@li.org" not in team


def menu_name(language: Language) -> str:
    """A language as the language menu lists it: in its own words, marked while it is a draft."""
    if is_reviewed(language.code):
        return language.native_name
    return _("{language} (draft translation)").format(language=language.native_name)


def load_catalog(code: str) -> NullTranslations:
    if code == SOURCE_LANGUAGE:
        return NullTranslations()
    catalog = Translations.load(str(translations_dir()), [code], DOMAIN)
    return catalog


def set_language(code: str) -> str:
    """Make ``code`` the language of every message from now on; returns the normalised code."""
    return _active.switch(code)


@contextlib.contextmanager
def speaking(code: str) -> Iterator[None]:
    """Translate in ``code`` for a while, in this thread only (a handout for the client, beside the
    caseworker's screen), then go back to the language before."""
    saved = getattr(_spoken, "active", None)
    spoken = _Active()
    spoken.switch(code)
    _spoken.active = spoken
    try:
        yield
    finally:
        _spoken.active = saved


def current_language() -> str:
    return _now().code


def current_locale() -> Locale:
    return _now().locale


def is_right_to_left(code: str | None = None) -> bool:
    code = code or _now().code
    if code == PSEUDO:
        return True
    return Locale.parse(code).character_order == "right-to-left"


def _(message: str) -> str:
    return _now().catalog.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _now().catalog.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return _now().catalog.pgettext(context, message)


def N_(message: str) -> str:
    """Marks a string for extraction where it is defined; ``_`` translates it where it is shown."""
    return message


def isolate(value: object) -> str:
    return f"{FSI}{value}{PDI}"


def fill(translated: str, **values: object) -> str:
    """A translated template with its values; in a right-to-left language each value is
    isolated, so that a file path, a Latin name or a number keeps its own direction."""
    values = {key: in_digits(str(v)) if type(v) is int else v for key, v in values.items()}
    if values and is_right_to_left():
        values = {key: isolate(value) for key, value in values.items()}
    return translated.format(**values)


# The languages whose people may read dates in the Solar Hijri calendar.
SOLAR_HIJRI_LANGUAGES = ("fa", "fa_AF")

# The months of the Solar Hijri calendar as CLDR names them ("persian" calendar): Iran's Persian
# names, and the zodiac names Afghanistan uses in Dari. (A test holds them equal to Qt's copy of
# CLDR.) Babel reads only the Gregorian calendar's names.
_SOLAR_HIJRI_MONTHS = {
    "fa": ("فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند"),
    "fa_AF": ("حمل", "ثور", "جوزا", "سرطان", "اسد", "سنبلهٔ", "میزان", "عقرب", "قوس", "جدی", "دلو", "حوت"),
}

# The shipped languages whose own digits are not 0-9 (a test holds this equal to CLDR's data).
NATIVE_DIGIT_LANGUAGES = ("ar", "fa", "fa_AF", "ps", "ckb")

# The digits of the numbering systems CLDR names as the shipped languages' native ones.
_DIGITS = {"arab": "٠١٢٣٤٥٦٧٨٩", "arabext": "۰۱۲۳۴۵۶۷۸۹"}


@functools.cache
def _native_system(code: str) -> str | None:
    """The language's own numbering system, if it is not 0-9 and its digits are known here."""
    if code == PSEUDO:
        return None
    system = Locale.parse(code).other_numbering_systems.get("native")
    return system if system in _DIGITS else None


def has_native_digits(code: str) -> bool:
    return _native_system(code) is not None


@functools.cache
def _digit_table(system: str) -> dict[int, str]:
    return str.maketrans("0123456789", _DIGITS[system])


def in_digits(text: str) -> str:
    """``text`` with 0-9 written in the language's own digits, where the person prefers them."""
    if not _preferences.native_digits:
        return text
    system = _native_system(_now().code)
    return text.translate(_digit_table(system)) if system else text


def solar_hijri() -> bool:
    """Whether dates are now written in the Solar Hijri calendar."""
    return _preferences.solar_hijri and _now().code in SOLAR_HIJRI_LANGUAGES


class _SolarHijriFormat(babel_dates.DateTimeFormat):
    """A CLDR date pattern filled with the Solar Hijri year, month and day of a date (the day of
    the week is the same in every calendar)."""

    def __init__(self, value: dt.date, locale: Locale) -> None:
        import jdatetime  # only for those who choose the calendar: 10-20 ms at start-up otherwise

        super().__init__(value, locale)
        self.solar = jdatetime.date.fromgregorian(date=value)
        self.months = _SOLAR_HIJRI_MONTHS.get(str(locale), _SOLAR_HIJRI_MONTHS["fa"])

    def __getitem__(self, name: str) -> str:
        if name[0] == "d":
            return self.format(self.solar.day, len(name))
        return super().__getitem__(name)

    def format_year(self, char: str, num: int) -> str:
        year = self.format(self.solar.year, num)
        return year[-2:] if num == 2 else year

    def format_month(self, char: str, num: int) -> str:
        if num <= 2:
            return self.format(self.solar.month, num)
        return self.months[self.solar.month - 1]


def _solar_hijri_date(value: dt.date, pattern: str) -> str:
    return str(babel_dates.parse_pattern(pattern) % _SolarHijriFormat(value, current_locale()))


def format_date(value: dt.date | None, fmt: str = "medium") -> str:
    if value is None:
        return ""
    if solar_hijri():
        date = value.date() if isinstance(value, dt.datetime) else value
        known = current_locale().date_formats
        return in_digits(_solar_hijri_date(date, str(known[fmt].pattern) if fmt in known else fmt))
    return in_digits(babel_dates.format_date(value, format=fmt, locale=current_locale()))


def format_datetime(value: dt.datetime | None, fmt: str = "medium") -> str:
    if value is None:
        return ""
    if solar_hijri():
        # As Babel joins a date and a time, with the date in the Solar Hijri calendar.
        joined = str(current_locale().datetime_formats[fmt]).replace("'", "")
        time = babel_dates.format_time(value, fmt, tzinfo=None, locale=current_locale())
        return in_digits(joined.replace("{0}", time).replace("{1}", format_date(value.date(), fmt)))
    return in_digits(babel_dates.format_datetime(value, format=fmt, locale=current_locale()))


def format_number(value: int | float) -> str:
    if _preferences.native_digits and (system := _native_system(_now().code)):
        return in_digits(babel_numbers.format_decimal(value, locale=current_locale(), numbering_system=system))
    return babel_numbers.format_decimal(value, locale=current_locale())


def country_name(code: str) -> str:
    return current_locale().territories.get(code.upper(), code)


def language_name(code: str) -> str:
    # A plain language code is a dictionary look-up; only a code with a region ("fa_AF") needs
    # Locale.parse, which searches every locale Babel knows and is slow in a loop.
    name = current_locale().languages.get(code)
    if name:
        return name
    try:
        return Locale.parse(code).get_display_name(current_locale()) or code
    except (UnknownLocaleError, ValueError):
        return code


def language_list(codes: tuple[str, ...]) -> str:
    """Languages named in a list, as the interface language writes one ("Persian and Dari")."""
    return babel_lists.format_list([language_name(code) for code in codes], locale=current_locale())


def format_year_month(year: int, month: int) -> str:
    """'March 2020', 'březen 2020', 'Μάρτιος 2020': the language's own pattern for a month of a
    year, with the month in the form it takes standing alone (not the one inside a full date).

    Always a Gregorian month, in the Solar Hijri preference too: such a month (a birth known to
    the month, a reporting period) spans parts of two Solar Hijri months, and naming either
    would claim more than is known."""
    return in_digits(babel_dates.format_skeleton("yMMMM", dt.date(year, month, 1), locale=current_locale()))


def month_name(month: int) -> str:
    """A month's name as it stands alone, in a list of months ('leden', not 'ledna')."""
    return current_locale().months["stand-alone"]["wide"][month]
