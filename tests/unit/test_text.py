"""Text folded for searching (caseworker/core/text.py)."""

from __future__ import annotations

import string
import unicodedata

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from caseworker.core.text import fold


@pytest.mark.parametrize(
    "written, typed",
    [
        ("Ḥasan", "hasan"),
        ("HASAN", "hasan"),
        ("ÇAĞLAR", "caglar"),
        ("Çağlar", "CAGLAR"),
        ("Ngozi Okonjo-Iweala", "ngozi okonjo-iweala"),
        ("François Müller", "francois muller"),
        ("Nguyễn", "nguyen"),
        ("Straße", "strasse"),
        ("Σοφία", "σοφια"),
        ("ΣΟΦΊΑ", "σοφια"),
        ("Σοφίας", "σοφιασ"),  # final sigma
        ("ОЛЕКСАНДР", "олександр"),
        ("Наталья", "НАТАЛЬЯ"),
    ],
)
def test_case_and_accents_do_not_matter(written: str, typed: str) -> None:
    assert fold(written) == fold(typed)


def test_decomposed_and_precomposed_accents_fold_alike() -> None:
    assert fold("Jos\u00e9") == fold("Jose\u0301") == "jose"


def test_fold_lowers_case() -> None:
    assert fold("HASAN") == "hasan"
    assert fold("ΣΟΦΙΑ") == "σοφια"
    assert fold("ОЛЕКСАНДР") == "олександр"


def test_different_letters_stay_different() -> None:
    assert fold("Hasan") != fold("Hassan")
    assert fold("Amina") != fold("Amira")
    assert fold("احمد") != fold("محمد")


# --- Arabic script ------------------------------------------------------------------------------


def test_arabic_vowel_marks_are_removed() -> None:
    # fatha, damma, kasra, shadda, sukun, tanwin
    assert fold("مُحَمَّد") == fold("محمد") == "محمد"
    assert fold("عَلِيّ") == fold("علي")
    assert fold("كِتَابٌ") == fold("كتاب")


def test_tatweel_is_removed() -> None:
    assert fold("محـــمد") == fold("محمد")


@pytest.mark.parametrize("alef", ["\u0623", "\u0625", "\u0622", "\u0671"])
def test_alef_variants_are_one_letter(alef: str) -> None:
    assert fold(f"{alef}حمد") == fold("احمد")


def test_ahmad_with_and_without_hamza() -> None:
    assert fold("أحمد") == fold("احمد")


def test_persian_and_arabic_yeh_and_kaf_are_one_letter() -> None:
    assert fold("علی") == fold("علي")  # Farsi yeh / Arabic yeh
    assert fold("کریم") == fold("كريم")  # keheh / Arabic kaf
    assert fold("مصطفى") == fold("مصطفي")  # alef maksura / yeh


def test_teh_marbuta_and_heh_are_one_letter() -> None:
    assert fold("فاطمة") == fold("فاطمه")


def test_persian_zero_width_non_joiner_is_ignored() -> None:
    assert fold("می\u200cخواهم") == fold("میخواهم")


# --- scripts without case or marks -------------------------------------------------------------


@pytest.mark.parametrize("name", ["ሰላም", "ዮሃንስ ገብረመድህን", "ኣማኑኤል"])
def test_ethiopic_is_left_as_it_is(name: str) -> None:
    assert fold(name) == unicodedata.normalize("NFC", name)
    assert fold(fold(name)) == fold(name)


# --- properties ---------------------------------------------------------------------------------


@given(st.text().map(lambda s: unicodedata.normalize("NFKC", s)))
def test_fold_is_idempotent_on_normalised_text(text: str) -> None:
    once = fold(text)
    assert fold(once) == once


@given(st.text(alphabet=string.ascii_letters + " -'"))
def test_a_plain_latin_name_folds_to_its_lower_case(name: str) -> None:
    assert fold(name) == name.lower()


# Every mark of the combining diacritical marks block, less two that are no accent: U+0345, the
# Greek iota subscript, which case folding rightly turns into an iota, and U+034F, the grapheme
# joiner.
LATIN_ACCENTS = [chr(c) for c in range(0x0300, 0x0370) if c not in (0x0345, 0x034F)]


def test_every_accent_on_a_latin_letter_is_dropped() -> None:
    for letter in string.ascii_letters:
        for mark in LATIN_ACCENTS:
            assert fold(letter + mark) == letter.lower(), (letter, hex(ord(mark)))


@given(st.sampled_from(string.ascii_letters), st.lists(st.sampled_from(LATIN_ACCENTS), max_size=4))
def test_any_stack_of_accents_on_a_latin_letter_is_dropped(letter: str, marks: list[str]) -> None:
    assert fold(letter + "".join(marks)) == letter.lower()


@given(st.text())
@example("𝐌𝐚𝐫𝐢𝐚")
def test_fold_is_idempotent_on_any_text(text: str) -> None:
    once = fold(text)
    assert fold(once) == once


def test_a_name_pasted_in_styled_letters_is_found_by_typing_it() -> None:
    assert fold("𝐌𝐚𝐫𝐢𝐚 𝐊𝐡𝐚𝐧") == fold("maria khan")


@pytest.mark.parametrize("written, typed", [("Yıldız", "yildiz"), ("Søren", "soren"), ("Łukasz", "lukasz")])
def test_letters_with_a_stroke_or_without_a_dot_fold_to_the_plain_letter(written: str, typed: str) -> None:
    assert fold(written) == fold(typed)
