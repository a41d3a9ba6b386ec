"""Pathway templates: the shipped ones load clean; a broken file is reported by file and line and
skipped, never a crash; an organisation's file replaces a shipped one; every text a person reads
reaches the catalogs through the Babel extractor."""

from __future__ import annotations

import io
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from hypothesis import given
from hypothesis import strategies as st

from caseworker.core.directory.taxonomy import BY_CODE
from caseworker.core.i18n import speaking
from caseworker.core.pathways.templates import (
    MAX_FILE_BYTES,
    MAX_PROBLEMS_PER_FILE,
    SHIPPED_ORDER,
    PathwayTemplate,
    TemplateSet,
    extract_pathways,
    load_templates,
    read_template,
    translated,
)
from caseworker.core.resources import resource

ROOT = Path(__file__).resolve().parents[2]

# An organisation's own template. Line numbers matter: the cases below point into it.
GOOD = """\
format = 1
title = "Housing search"
purpose = "Find a room the person can afford."
done_when = "The person has signed a rental contract."
categories = ["housing"]

[[steps]]
id = "first-talk"
title = "First talk"
explain = "We talk about what you need."
ask = ["How many people live with you?"]
gather = ["Pay slips"]
decide = "Which area to look in."
note = "The budget."
suggest = ["housing", "legal-guidance"]
due_days = 14

[[steps]]
id = "visit"
title = "Visit rooms"
explain = "We look at rooms together."
"""
GOOD_TEXTS = {
    "Housing search",
    "Find a room the person can afford.",
    "The person has signed a rental contract.",
    "First talk",
    "We talk about what you need.",
    "How many people live with you?",
    "Pay slips",
    "Which area to look in.",
    "The budget.",
    "Visit rooms",
    "We look at rooms together.",
}


def texts_of(template: PathwayTemplate) -> set[str]:
    found = {template.title, template.purpose, template.done_when}
    for step in template.steps:
        found |= {step.title, step.explain, *step.ask, *step.gather}
        found |= {text for text in (step.decide, step.note) if text}
    return found


def organisation(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    folder = tmp_path / "pathways"
    folder.mkdir(exist_ok=True)
    for name, content in files.items():
        path = folder / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return folder


def assert_only_the_bad_file_is_skipped(loaded: TemplateSet, bad_name: str) -> None:
    assert loaded.problems, "the broken file was not reported"
    assert all(bad_name in problem.file for problem in loaded.problems)
    assert [t.id for t in loaded.templates] == [*SHIPPED_ORDER, "housing-search"]


# --- the shipped templates ---------------------------------------------------------------------


def test_every_shipped_template_loads_without_a_problem() -> None:
    loaded = load_templates(None)
    assert loaded.problems == ()
    assert [t.id for t in loaded.templates] == list(SHIPPED_ORDER)
    assert sorted(p.stem for p in resource("pathways").glob("*.toml")) == sorted(SHIPPED_ORDER)
    for template in loaded.templates:
        assert template.shipped
        assert template.source == resource("pathways", f"{template.id}.toml")
        assert 4 <= len(template.steps) <= 8, template.id


def test_every_category_a_shipped_template_uses_exists() -> None:
    for template in load_templates(None).templates:
        # Each shipped pathway is the service of the directory category of the same name.
        assert template.categories == (template.id,)
        used = set(template.categories) | {code for step in template.steps for code in step.suggest}
        assert used <= set(BY_CODE), template.id


def test_recognition_covers_the_recognition_centre_and_the_refugee_qualifications_passport() -> None:
    recognition = load_templates(None).by_id["recognition"]
    everything = " ".join(texts_of(recognition))
    assert "ENIC-NARIC" in everything
    assert "European Qualifications Passport for Refugees" in everything
    assert recognition.step("gather-documents") is not None
    assert recognition.step("no-such-step") is None


def test_a_missing_organisation_folder_is_no_problem(tmp_path: Path) -> None:
    loaded = load_templates(tmp_path / "not-there")
    assert loaded.problems == ()
    assert len(loaded.templates) == len(SHIPPED_ORDER)


# --- an organisation's own templates -----------------------------------------------------------


def test_an_organisation_template_loads_after_the_shipped_ones(tmp_path: Path) -> None:
    loaded = load_templates(organisation(tmp_path, {"housing-search.toml": GOOD}))
    assert loaded.problems == ()
    housing = loaded.by_id["housing-search"]
    assert loaded.templates[-1] == housing
    assert not housing.shipped
    assert housing.categories == ("housing",)
    first = housing.steps[0]
    assert (first.id, first.ask, first.gather, first.suggest, first.due_days) == (
        "first-talk",
        ("How many people live with you?",),
        ("Pay slips",),
        ("housing", "legal-guidance"),
        14,
    )
    visit = housing.step("visit")
    assert visit is not None
    assert (visit.ask, visit.decide, visit.note, visit.due_days) == ((), None, None, None)


def test_organisation_templates_are_ordered_by_title(tmp_path: Path) -> None:
    files = {
        "zz-first.toml": GOOD.replace("Housing search", "Accommodation"),
        "aa-second.toml": GOOD.replace("Housing search", "bicycle repair course"),
        "mm-third.toml": GOOD.replace("Housing search", "Childcare places"),
    }
    loaded = load_templates(organisation(tmp_path, files))
    assert [t.id for t in loaded.templates[len(SHIPPED_ORDER) :]] == ["zz-first", "aa-second", "mm-third"]


def test_an_organisation_file_replaces_the_shipped_template_of_the_same_name(tmp_path: Path) -> None:
    edited = GOOD.replace("Housing search", "Recognition, our way").replace('["housing"]', '["recognition"]')
    loaded = load_templates(organisation(tmp_path, {"recognition.toml": edited}))
    assert loaded.problems == ()
    assert [t.id for t in loaded.templates] == list(SHIPPED_ORDER)  # in the shipped one's place
    recognition = loaded.by_id["recognition"]
    assert recognition.title == "Recognition, our way"
    assert not recognition.shipped
    assert recognition.source == tmp_path / "pathways" / "recognition.toml"


def test_a_broken_replacement_is_reported_and_the_shipped_template_stays(tmp_path: Path) -> None:
    loaded = load_templates(organisation(tmp_path, {"recognition.toml": GOOD.replace("format = 1", "format = 1 2")}))
    assert [(p.file, p.line) for p in loaded.problems] == [(str(tmp_path / "pathways" / "recognition.toml"), 1)]
    assert loaded.by_id["recognition"].shipped


def test_a_broken_shipped_template_is_reported_and_skipped(tmp_path: Path) -> None:
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    (shipped / "language-course.toml").write_text(GOOD)
    (shipped / "mentoring.toml").write_text(GOOD.replace('id = "visit"', 'id = "first-talk"'))
    loaded = load_templates(None, shipped_dir=shipped)
    assert [t.id for t in loaded.templates] == ["language-course"]
    assert [(Path(p.file).name, p.line) for p in loaded.problems] == [("mentoring.toml", 19)]


# --- what can be wrong, and where ---------------------------------------------------------------

CASES: list[tuple[str, str, str, int | None, str]] = [
    # (case, text in GOOD, replaced by, expected line, expected words in the message)
    ("syntax", 'title = "Housing search"', 'title = "Housing search', 2, "not valid TOML"),
    ("syntax at the end", '"We look at rooms together."\n', "", 21, "not valid TOML"),
    ("format 2", "format = 1", "format = 2", 1, "format must be 1"),
    ("format as text", "format = 1", 'format = "1"', 1, "format must be 1"),
    ("no format", "format = 1\n", "", None, "format is missing"),
    ("no purpose", 'purpose = "Find a room the person can afford."\n', "", None, "purpose is missing"),
    ("no explanation", 'explain = "We look at rooms together."\n', "", 18, "step 'visit': explain is missing"),
    ("no step id", 'id = "visit"\n', "", 18, "step 2: id is missing"),
    ("title a number", 'title = "Housing search"', "title = 3", 2, "title must be a text in quotes"),
    ("step title a list", 'title = "Visit rooms"', 'title = ["Visit rooms"]', 20, "step 'visit': title must be a text"),
    ("ask a text", 'ask = ["How many people live with you?"]', 'ask = "How many?"', 11, "step 'first-talk': ask must"),
    ("gather an empty entry", 'gather = ["Pay slips"]', 'gather = ["Pay slips", " "]', 12, "gather must be a list"),
    ("empty purpose", 'purpose = "Find a room the person can afford."', 'purpose = ""', 3, "purpose is empty"),
    ("blank step title", 'title = "Visit rooms"', 'title = "   "', 20, "step 'visit': title is empty"),
    ("empty decision", 'decide = "Which area to look in."', 'decide = ""', 13, "step 'first-talk': decide is empty"),
    ("typo at the top", "done_when =", "done_wen =", 4, "done_wen is not a field of a pathway template"),
    ("typo in a step", 'note = "The budget."', 'notes = "The budget."', 14, "notes is not a field of a step"),
    ("a table of its own", 'together."\n', "together.\"\n\n[meta]\nauthor = 'me'\n", 23, "meta is not a field"),
    ("duplicate step id", 'id = "visit"', 'id = "first-talk"', 19, "two steps have the id 'first-talk'"),
    ("step id with capitals", 'id = "visit"', 'id = "Visit Rooms"', 19, "step id 'Visit Rooms' may only use"),
    ("no steps at all", GOOD[GOOD.index("\n\n[[steps]]") :], "\n", None, "the template has no steps"),
    ("steps misspelt", "\n[[steps]]", "\n[[stepz]]", 7, "stepz is not a field"),
    ("an empty list of steps", GOOD[GOOD.index("\n\n[[steps]]") :], "\nsteps = []\n", 6, "no steps"),
    ("steps as one table", GOOD[GOOD.index("[[steps]]") :], '[steps]\nid = "first-talk"\n', 7, "steps must be"),
    ("no categories", 'categories = ["housing"]', "categories = []", 5, "at least one category"),
    ("unknown category", '["housing"]', '["housing", "homes"]', 5, "category 'homes', which does not exist"),
    ("unknown suggestion", '"housing", "legal-guidance"', '"foo"', 15, "step 'first-talk' suggests category 'foo'"),
    ("due in 0 days", "due_days = 14", "due_days = 0", 16, "due_days must be a whole number of days from 1 to 365"),
    ("due in 366 days", "due_days = 14", "due_days = 366", 16, "from 1 to 365"),
    ("due days as text", "due_days = 14", 'due_days = "14"', 16, "from 1 to 365"),
    ("due days true", "due_days = 14", "due_days = true", 16, "from 1 to 365"),
    ("due days a fraction", "due_days = 14", "due_days = 1.5", 16, "from 1 to 365"),
]


@pytest.mark.parametrize(("old", "new", "line", "words"), [case[1:] for case in CASES], ids=[c[0] for c in CASES])
def test_each_problem_is_reported_by_file_and_line_and_the_rest_still_loads(
    tmp_path: Path, old: str, new: str, line: int | None, words: str
) -> None:
    assert old in GOOD
    folder = organisation(tmp_path, {"housing-search.toml": GOOD, "broken.toml": GOOD.replace(old, new, 1)})
    loaded = load_templates(folder)
    assert_only_the_bad_file_is_skipped(loaded, "broken.toml")
    matching = [p for p in loaded.problems if words in p.message]
    assert matching, [p.message for p in loaded.problems]
    assert matching[0].line == line
    where = f"{folder / 'broken.toml'}:{line}: " if line is not None else f"{folder / 'broken.toml'}: "
    assert matching[0].message.startswith(where)


def test_a_file_name_that_is_not_an_id(tmp_path: Path) -> None:
    loaded = load_templates(organisation(tmp_path, {"housing-search.toml": GOOD, "Housing Search.toml": GOOD}))
    assert_only_the_bad_file_is_skipped(loaded, "Housing Search.toml")
    assert "the file name must be the template's id" in loaded.problems[0].message


def test_bytes_that_are_not_utf8_are_reported_on_their_line(tmp_path: Path) -> None:
    broken = GOOD.encode().replace(b"Find a room", b"Find a r\xf6\xf6m")
    loaded = load_templates(organisation(tmp_path, {"housing-search.toml": GOOD, "latin1.toml": broken}))
    assert_only_the_bad_file_is_skipped(loaded, "latin1.toml")
    assert [(p.line, p.what) for p in loaded.problems] == [(3, "the file is not UTF-8 text; save it again as UTF-8")]


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    loaded = load_templates(organisation(tmp_path, {"housing-search.toml": b"\xef\xbb\xbf" + GOOD.encode()}))
    assert loaded.problems == ()


def test_a_folder_named_like_a_template(tmp_path: Path) -> None:
    folder = organisation(tmp_path, {"housing-search.toml": GOOD})
    (folder / "folder.toml").mkdir()
    loaded = load_templates(folder)
    assert_only_the_bad_file_is_skipped(loaded, "folder.toml")
    assert [(p.line, p.what) for p in loaded.problems] == [(None, "this is a folder, not a pathway template file")]


def test_a_file_over_one_megabyte_is_refused_unread(tmp_path: Path) -> None:
    huge = GOOD + "# " + "x" * MAX_FILE_BYTES + "\n"
    loaded = load_templates(organisation(tmp_path, {"housing-search.toml": GOOD, "huge.toml": huge}))
    assert_only_the_bad_file_is_skipped(loaded, "huge.toml")
    assert "larger than 1 MB" in loaded.problems[0].message


def test_a_file_that_cannot_be_read(tmp_path: Path) -> None:
    folder = organisation(tmp_path, {"housing-search.toml": GOOD})
    (folder / "gone.toml").symlink_to(tmp_path / "nowhere.toml")
    loaded = load_templates(folder)
    assert_only_the_bad_file_is_skipped(loaded, "gone.toml")
    assert "the file cannot be read" in loaded.problems[0].message


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="the superuser reads any file")
def test_a_file_without_read_permission(tmp_path: Path) -> None:
    folder = organisation(tmp_path, {"housing-search.toml": GOOD, "secret.toml": GOOD})
    (folder / "secret.toml").chmod(0)
    loaded = load_templates(folder)
    assert_only_the_bad_file_is_skipped(loaded, "secret.toml")
    assert "the file cannot be read" in loaded.problems[0].message


def test_an_organisation_folder_that_is_a_file(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "pathways"
    not_a_folder.write_text("oops")
    loaded = load_templates(not_a_folder)
    assert [t.id for t in loaded.templates] == list(SHIPPED_ORDER)
    assert [(p.file, p.line) for p in loaded.problems] == [(str(not_a_folder), None)]
    assert "cannot be read" in loaded.problems[0].message


@pytest.mark.parametrize(
    "text",
    ["x = " + "[" * 5000 + "]" * 5000, "format = " + "9" * 5000, "format = 1\n" + "[[steps]]\n" * 20000],
    ids=["nested too deep", "a number of 5,000 digits", "thousands of empty steps"],
)
def test_pathological_files_are_problems_not_crashes(tmp_path: Path, text: str) -> None:
    loaded = load_templates(organisation(tmp_path, {"housing-search.toml": GOOD, "odd.toml": text}))
    assert_only_the_bad_file_is_skipped(loaded, "odd.toml")
    assert len(loaded.problems) <= MAX_PROBLEMS_PER_FILE + 1


def test_hidden_files_are_not_templates(tmp_path: Path) -> None:
    loaded = load_templates(organisation(tmp_path, {"housing-search.toml": GOOD, "._housing-search.toml": b"\x00\x05"}))
    assert loaded.problems == ()


def test_problems_are_translated_when_read() -> None:
    _template, problems = read_template(resource("pathways"))
    (problem,) = problems
    english = problem.message
    with speaking("pseudo"):
        assert problem.message != english
        assert str(resource("pathways")) in problem.message


# --- translation -------------------------------------------------------------------------------


def test_template_texts_are_shown_through_the_catalogs() -> None:
    title = load_templates(None).by_id["recognition"].title
    assert translated(title) == title
    with speaking("pseudo"):
        assert translated(title) not in ("", title)
        assert translated("") == ""  # not the catalog's header
        assert translated(None) == ""


def extracted(path: Path) -> list[tuple[int, Any, str, list[str]]]:
    with path.open("rb") as handle:
        return list(extract_pathways(handle, ["_"], ["TRANSLATORS:"], {}))


def test_the_extractor_yields_every_text_with_its_line_and_a_comment(tmp_path: Path) -> None:
    path = organisation(tmp_path, {"housing-search.toml": GOOD}) / "housing-search.toml"
    found = extracted(path)
    assert {message for _line, _func, message, _comments in found} == GOOD_TEXTS
    by_text = {message: (line, comments) for line, _func, message, comments in found}
    assert by_text["Housing search"] == (2, ["pathway housing-search: title"])
    assert by_text["How many people live with you?"][0] == 11
    assert by_text["Visit rooms"] == (20, ["pathway housing-search, step visit: title"])
    assert all(func is None for _line, func, _message, _comments in found)


def test_the_extractor_finds_items_of_a_list_written_over_several_lines() -> None:
    text = GOOD.replace('gather = ["Pay slips"]', 'gather = [\n    "Pay slips",\n    "Bank statements",\n]')
    handle = io.BytesIO(text.encode())
    found = {message: line for line, _f, message, _c in extract_pathways(handle, [], [], {})}
    assert (found["Pay slips"], found["Bank statements"], found["Which area to look in."]) == (13, 14, 16)


def test_the_extractor_yields_exactly_the_texts_each_shipped_template_shows() -> None:
    for template in load_templates(None).templates:
        assert {message for _l, _f, message, _c in extracted(template.source)} == texts_of(template), template.id


def test_babel_cfg_sends_every_shipped_template_to_the_extractor() -> None:
    # What `make extract` does for the resources folder, through the project's mapping file.
    with (ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found: dict[str, set[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT / "resources"), method_map, options_map, keywords={"_": None, "N_": None}
    ):
        assert lineno > 0
        found.setdefault(Path(filename).stem, set()).add(message)
    assert sorted(found) == sorted(SHIPPED_ORDER)
    for template in load_templates(None).templates:
        assert found[template.id] == texts_of(template)


# --- whatever is in the file, never a crash ----------------------------------------------------

_KEYS = ["format", "title", "purpose", "done_when", "categories", "steps", "id", "explain", "ask", "gather"]
_KEYS += ["decide", "note", "suggest", "due_days", "x"]
_scalars = (
    st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
    | st.sampled_from(sorted(BY_CODE))
    | st.integers(-(2**63), 2**63 - 1)
    | st.booleans()
    | st.floats(allow_nan=False, allow_infinity=False)
)
_values = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=3), max_leaves=8)
_tables = st.dictionaries(st.sampled_from(_KEYS) | st.text(max_size=5), _values, max_size=8)
_documents = st.tuples(_tables, st.lists(_tables, max_size=4))


def toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string


def toml_document(top: dict[str, object], steps: list[dict[str, object]]) -> str:
    lines = [f"{toml_value(key)} = {toml_value(value)}" for key, value in top.items() if key != "steps"]
    for step in steps:
        lines.append("[[steps]]")
        lines += [f"{toml_value(key)} = {toml_value(value)}" for key, value in step.items()]
    return "\n".join(lines) + "\n"


def read_bytes_as_template(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzzed.toml"
        path.write_bytes(data)
        template, problems = read_template(path)
        assert (template is None) == bool(problems)
        for problem in problems:
            assert problem.file == str(path)
            assert problem.line is None or problem.line >= 1
            assert problem.message
        loaded = load_templates(Path(folder))
        assert len(loaded.templates) == len(SHIPPED_ORDER) + (template is not None)


@given(st.binary(max_size=400))
def test_any_bytes_give_a_template_or_problems_never_an_exception(data: bytes) -> None:
    read_bytes_as_template(data)


@given(st.text(max_size=400))
def test_any_text_gives_a_template_or_problems_never_an_exception(text: str) -> None:
    read_bytes_as_template(text.encode("utf-8", "surrogatepass"))


@given(_documents)
def test_any_toml_document_gives_a_template_or_problems_never_an_exception(
    document: tuple[dict[str, object], list[dict[str, object]]],
) -> None:
    read_bytes_as_template(toml_document(*document).encode())


@given(st.integers(0, len(GOOD)), st.text(max_size=20))
def test_a_good_template_with_anything_typed_into_it(position: int, typed: str) -> None:
    read_bytes_as_template((GOOD[:position] + typed + GOOD[position:]).encode("utf-8", "surrogatepass"))
