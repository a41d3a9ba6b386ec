"""Every shipped catalog: complete, compiling, faithful to the English placeholders, with the
plural rules CLDR gives, and in step with the strings in the code."""

from __future__ import annotations

import io
import re
from gettext import GNUTranslations
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from caseworker.core.i18n import SOURCE_LANGUAGE, UI_LANGUAGES, load_catalog
from caseworker.core.resources import translations_dir

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
CODES = [language.code for language in UI_LANGUAGES if language.code != SOURCE_LANGUAGE]


def catalog(code: str) -> Catalog:
    path = translations_dir() / code / "LC_MESSAGES" / "caseworker.po"
    with path.open("rb") as handle:
        return read_po(handle, locale=code)


def messages(code: str) -> list:  # type: ignore[type-arg]
    return [m for m in catalog(code) if m.id]


def test_a_catalog_for_every_language_the_menu_offers() -> None:
    found = sorted(p.parent.parent.name for p in translations_dir().glob("*/LC_MESSAGES/caseworker.po"))
    assert found == sorted(CODES)


@pytest.mark.parametrize("code", CODES)
def test_complete_and_not_fuzzy(code: str) -> None:
    missing = []
    for message in messages(code):
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(message.id)
    assert missing == []


@pytest.mark.parametrize("code", CODES)
def test_placeholders_and_accelerators_match_the_english(code: str) -> None:
    wrong = []
    for message in messages(code):
        if isinstance(message.id, tuple | list):
            allowed = set(PLACEHOLDER.findall(message.id[0])) | set(PLACEHOLDER.findall(message.id[1]))
            for form in message.string:
                # A singular form may leave the number out ("one case"); it may not invent one.
                if not set(PLACEHOLDER.findall(form)) <= allowed:
                    wrong.append((message.id, form))
            continue
        if set(PLACEHOLDER.findall(message.id)) != set(PLACEHOLDER.findall(message.string)):
            wrong.append((message.id, message.string))
        if message.id.count("&") != message.string.count("&"):
            wrong.append((message.id, message.string))
    assert wrong == []


@pytest.mark.parametrize("code", CODES)
def test_plural_rule_agrees_with_cldr(code: str) -> None:
    # Babel has written a wrong Arabic plural header in some versions; the catalogs carry their
    # own, checked here against CLDR's categories for every number up to 1,000.
    cat = catalog(code)
    compiled = io.BytesIO()
    write_mo(compiled, cat)
    compiled.seek(0)
    translations = GNUTranslations(compiled)
    locale = Locale.parse(code)
    # The gettext rule and CLDR's must split the whole numbers into the same groups. (CLDR also
    # has categories for fractions, such as Czech "many", which gettext has no use for.)
    form_of: dict[int, str] = {}
    index_of: dict[str, int] = {}
    for n in range(1001):
        index, category = translations.plural(n), locale.plural_form(n)  # type: ignore[attr-defined]
        assert form_of.setdefault(index, category) == category, (code, n)
        assert index_of.setdefault(category, index) == index, (code, n)
    assert sorted(form_of) == list(range(cat.num_plurals)), code
    # And in the conventional order (zero, one, two, few, many, other), which is the order
    # translators fill msgstr[0], msgstr[1]… in. Babel's Arabic header once swapped the last two.
    order = ["zero", "one", "two", "few", "many", "other"]
    assert [form_of[i] for i in range(cat.num_plurals)] == sorted(index_of, key=order.index), code


@pytest.mark.parametrize("code", CODES)
def test_compiled_catalog_is_the_one_loaded(code: str) -> None:
    # `make test` compiles the catalogs; the app must find and use them.
    loaded = load_catalog(code)
    assert loaded.gettext("Save") == catalog(code)["Save"].string
    assert loaded.gettext("Save") != "Save" or code == SOURCE_LANGUAGE


def test_catalogs_are_in_step_with_the_code() -> None:
    # A string added or changed in the code without `make update-catalogs` (and translations)
    # would show in English on every other screen.
    keywords = {"_": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
    in_code = {
        message[2] if isinstance(message[2], str) else message[2][0]
        for message in extract_from_dir(str(ROOT / "caseworker"), method_map=[("**.py", "python")], keywords=keywords)
    }
    # The shipped pathway templates' texts are msgids too (babel.cfg, `make extract`).
    pathways = [("pathways/*.toml", "caseworker.core.pathways.templates:extract_pathways")]
    in_code |= {message[2] for message in extract_from_dir(str(ROOT / "resources"), method_map=pathways)}
    for code in CODES:
        in_catalog = {m.id if isinstance(m.id, str) else m.id[0] for m in messages(code)}
        assert in_code - in_catalog == set(), code
        assert in_catalog - in_code == set(), code
