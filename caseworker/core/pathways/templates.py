"""Pathway templates: one TOML file per service, shipped in resources/pathways/ or written by an
organisation into the data folder's pathways/ folder.

A template's texts are English, and the English is the msgid: shipped templates are translated
through the catalogs like any other string (``extract_pathways`` feeds them to ``pybabel
extract``), and ``translated`` shows them in the active language. An organisation's own
templates are not in the catalogs, so they show as written, whatever the language.

Every file is checked when it is loaded. A broken file is reported, by file and line, in words a
coordinator can act on, and skipped; loading never raises, because a typo in one template must
not keep the app from starting. An organisation file with the id of a shipped template replaces
it: that is how an organisation edits a template.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import IO, Any

from caseworker.core.directory.taxonomy import BY_CODE, CATEGORIES
from caseworker.core.i18n import N_, _, fill
from caseworker.core.resources import resource

FORMAT = 1
MAX_FILE_BYTES = 1024 * 1024
MAX_DUE_DAYS = 365

#: The shipped templates in the order a caseworker meets the services, roughly: the order of
#: the pathway list. Organisation templates follow, by title.
SHIPPED_ORDER: tuple[str, ...] = (
    "language-course",
    "cv-cover-letter",
    "interview-preparation",
    "recognition",
    "work-permit-contract",
    "mentoring",
    "training-internship-volunteering",
    "legal-guidance",
    "labour-rights",
    "entrepreneurship",
)

_ID = re.compile(r"[a-z0-9-]+")

_TEMPLATE_KEYS = ("format", "title", "purpose", "done_when", "categories", "steps")
_STEP_KEYS = ("id", "title", "explain", "ask", "gather", "decide", "note", "suggest", "due_days")
_TEMPLATE_TEXTS = ("title", "purpose", "done_when")
_STEP_TEXTS = ("title", "explain", "decide", "note")
_STEP_LISTS = ("ask", "gather")
_REQUIRED_STEP_TEXTS = ("title", "explain")


# --- what a template is ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StepTemplate:
    """One step of a pathway. Texts are the English msgids; show them through ``translated``."""

    id: str
    title: str
    explain: str  # said to the client, and printed on their "your next steps"
    ask: tuple[str, ...] = ()
    gather: tuple[str, ...] = ()
    decide: str | None = None
    note: str | None = None
    suggest: tuple[str, ...] = ()  # directory category codes to refer to at this step
    due_days: int | None = None  # a follow-up is due this many days after the step starts


@dataclass(frozen=True, slots=True)
class PathwayTemplate:
    id: str
    title: str
    purpose: str
    done_when: str
    categories: tuple[str, ...]  # directory category codes the pathway is about
    steps: tuple[StepTemplate, ...]
    source: Path
    shipped: bool  # False for an organisation's own template, also one that replaces a shipped one

    def step(self, step_id: str) -> StepTemplate | None:
        """The step with this id; None when the template has no such step (any more: an
        organisation may have edited the template since a pathway was started from it)."""
        for step in self.steps:
            if step.id == step_id:
                return step
        return None


def translated(text: str | None) -> str:
    """A template text in the active language."""
    # gettext("") returns the catalog's header, never what anyone wants to read.
    return _(text) if text else ""


# --- what can be wrong with a file -------------------------------------------------------------

WHERE_LINE = N_("{file}:{line}: {problem}")
WHERE = N_("{file}: {problem}")

FOLDER_UNREADABLE = N_("the folder of the organisation's pathway templates cannot be read: {reason}")
NOT_A_FILE = N_("this is a folder, not a pathway template file")
CANNOT_READ = N_("the file cannot be read: {reason}")
TOO_LARGE = N_("the file is larger than 1 MB, far more than a pathway template needs")
NOT_UTF8 = N_("the file is not UTF-8 text; save it again as UTF-8")
SYNTAX = N_("this is not valid TOML: {reason}")
TOO_DEEP = N_("lists or tables are nested too deeply to be read")
BAD_NAME = N_(
    "the file name must be the template's id: lower-case letters a to z, digits and hyphens, such as my-pathway.toml"
)
BAD_FORMAT = N_("format must be 1, the only format this version of Caseworker reads")
MISSING = N_("{field} is missing")
NOT_TEXT = N_("{field} must be a text in quotes")
EMPTY = N_("{field} is empty")
NOT_TEXTS = N_('{field} must be a list of texts in quotes, none of them empty, such as ["first", "second"]')
UNKNOWN_KEY = N_("{field} is not a field of a pathway template; check the spelling (the fields are: {known})")
NO_CATEGORIES = N_("categories must name at least one category (the categories are: {known})")
UNKNOWN_CATEGORY = N_("categories names category '{code}', which does not exist (the categories are: {known})")
NOT_STEPS = N_("steps must be [[steps]] sections, each with an id, a title and an explanation")
NO_STEPS = N_("the template has no steps; add at least one [[steps]] section")
STEP_MISSING = N_("step {step}: {field} is missing")
STEP_NOT_TEXT = N_("step {step}: {field} must be a text in quotes")
STEP_EMPTY = N_("step {step}: {field} is empty")
STEP_NOT_TEXTS = N_(
    'step {step}: {field} must be a list of texts in quotes, none of them empty, such as ["first", "second"]'
)
STEP_UNKNOWN_KEY = N_("step {step}: {field} is not a field of a step; check the spelling (the fields are: {known})")
STEP_UNKNOWN_CATEGORY = N_("step {step} suggests category '{code}', which does not exist (the categories are: {known})")
BAD_STEP_ID = N_("step id {step} may only use lower-case letters a to z, digits and hyphens")
DUPLICATE_STEP = N_("two steps have the id {step}; give each step its own id")
BAD_DUE_DAYS = N_("step {step}: due_days must be a whole number of days from 1 to 365")
MORE_PROBLEMS = N_("the file has more problems than are listed here; fix these first")

#: Problems listed for one file at most: a file broken all the way through needs the first few
#: fixed, not a list of thousands.
MAX_PROBLEMS_PER_FILE = 50


@dataclass(frozen=True, slots=True)
class TemplateProblem:
    """What is wrong with one template file, and where. The text is translated when it is
    read, in the language chosen then."""

    file: str
    line: int | None
    template: str  # untranslated, with {placeholders}
    values: tuple[tuple[str, str], ...] = ()

    @property
    def what(self) -> str:
        """What is wrong, without the place."""
        return fill(_(self.template), **dict(self.values))

    @property
    def message(self) -> str:
        """The whole line: file, line (when known) and what is wrong."""
        if self.line is None:
            return fill(_(WHERE), file=self.file, problem=self.what)
        return fill(_(WHERE_LINE), file=self.file, line=self.line, problem=self.what)

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, slots=True)
class TemplateSet:
    templates: tuple[PathwayTemplate, ...]
    problems: tuple[TemplateProblem, ...]
    by_id: Mapping[str, PathwayTemplate] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_id", MappingProxyType({t.id: t for t in self.templates}))


# --- loading -----------------------------------------------------------------------------------


def load_templates(extra_dir: Path | None = None, *, shipped_dir: Path | None = None) -> TemplateSet:
    """The shipped templates and the organisation's own (from ``extra_dir``, the data folder's
    pathways/ folder, which need not exist). Never raises: a broken file is in ``problems``."""
    problems: list[TemplateProblem] = []
    shipped: dict[str, PathwayTemplate] = {}
    for path, problem in _template_files(shipped_dir or resource("pathways")):
        _load_one(path, problem, shipped=True, into=shipped, problems=problems)
    own: dict[str, PathwayTemplate] = {}
    if extra_dir is not None:
        for path, problem in _template_files(extra_dir):
            _load_one(path, problem, shipped=False, into=own, problems=problems)

    merged = {**shipped, **own}
    in_order = [merged.pop(id_) for id_ in SHIPPED_ORDER if id_ in merged]
    in_order += sorted(merged.values(), key=lambda t: (t.title.casefold(), t.id))
    return TemplateSet(templates=tuple(in_order), problems=tuple(problems))


def _load_one(
    path: Path,
    problem: TemplateProblem | None,
    *,
    shipped: bool,
    into: dict[str, PathwayTemplate],
    problems: list[TemplateProblem],
) -> None:
    if problem is not None:
        problems.append(problem)
        return
    template, found = read_template(path, shipped=shipped)
    problems.extend(found)
    if template is not None:
        into[template.id] = template


def _template_files(folder: Path) -> Iterator[tuple[Path, TemplateProblem | None]]:
    try:
        with os.scandir(folder) as entries:
            names = sorted(entry.name for entry in entries)
    except FileNotFoundError:
        return
    except OSError as exc:
        yield folder, TemplateProblem(str(folder), None, FOLDER_UNREADABLE, (("reason", _reason(exc)),))
        return
    for name in names:
        # Hidden files are an editor's backups or the resource forks a Mac leaves on a USB stick,
        # never a template someone meant to add.
        if name.endswith(".toml") and not name.startswith("."):
            yield folder / name, None


def read_template(path: Path, *, shipped: bool = False) -> tuple[PathwayTemplate | None, tuple[TemplateProblem, ...]]:
    """One template file: the template, or None and what is wrong with it. Never raises."""
    text, problem = _read_text(path)
    if problem is not None:
        return None, (problem,)
    assert text is not None
    document, problem = _parse(path, text)
    if problem is not None:
        return None, (problem,)
    assert document is not None
    check = _Check(path, text)
    template = check.template(document, shipped=shipped)
    if check.count:
        # In the order of the file, as a person fixing it reads it; problems of the whole file first.
        problems = sorted(check.problems, key=lambda p: p.line or 0)
        if check.count > len(problems):
            problems.append(TemplateProblem(str(path), None, MORE_PROBLEMS))
        return None, tuple(problems)
    return template, ()


def _read_text(path: Path) -> tuple[str | None, TemplateProblem | None]:
    where = str(path)
    if path.is_dir():
        return None, TemplateProblem(where, None, NOT_A_FILE)
    try:
        with path.open("rb") as handle:
            # Read one byte past the limit rather than trust the size the file system gives.
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return None, TemplateProblem(where, None, CANNOT_READ, (("reason", _reason(exc)),))
    if len(data) > MAX_FILE_BYTES:
        return None, TemplateProblem(where, None, TOO_LARGE)
    try:
        # utf-8-sig: Windows Notepad starts a UTF-8 file with a byte-order mark.
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        return None, TemplateProblem(where, data.count(b"\n", 0, exc.start) + 1, NOT_UTF8)


_AT = re.compile(r"\s*\((?:at line (\d+), column \d+|at end of document)\)\s*$")


def _parse(path: Path, text: str) -> tuple[dict[str, Any] | None, TemplateProblem | None]:
    where = str(path)
    try:
        return tomllib.loads(text), None
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = _AT.search(message)
        line = getattr(exc, "lineno", None)  # Python 3.14 says it; earlier ones only in the text
        if line is None and found:
            line = int(found.group(1)) if found.group(1) else _line_count(text)
        reason = _AT.sub("", message) or message
        return None, TemplateProblem(where, line, SYNTAX, (("reason", reason),))
    except RecursionError:
        return None, TemplateProblem(where, None, TOO_DEEP)
    except ValueError as exc:
        # tomllib lets Python's own refusals through, such as an integer of 5,000 digits.
        return None, TemplateProblem(where, None, SYNTAX, (("reason", str(exc)),))


def _line_count(text: str) -> int:
    return max(1, len(text.rstrip("\n").split("\n")))


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _clean(text: str) -> str:
    # The loader and the extractor both clean a text this way, so the msgid in the catalogs is
    # the exact string the loader looks up.
    return text.strip()


def _known(names: Sequence[str]) -> str:
    return ", ".join(names)


_CATEGORY_CODES = _known([category.code for category in CATEGORIES])


class _Check:
    """Checks one parsed file, collecting every problem with the line it is on."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = _Lines(text)
        self.problems: list[TemplateProblem] = []
        self.count = 0

    def add(self, line: int | None, template: str, **values: object) -> None:
        self.count += 1
        if len(self.problems) < MAX_PROBLEMS_PER_FILE:
            pairs = tuple((key, _brief(str(value)) if key in _QUOTED else str(value)) for key, value in values.items())
            self.problems.append(TemplateProblem(str(self.path), line, template, pairs))

    def template(self, document: dict[str, Any], *, shipped: bool) -> PathwayTemplate | None:
        template_id = self.path.stem
        if not _ID.fullmatch(template_id):
            self.add(None, BAD_NAME)
        if "format" not in document:
            self.add(None, MISSING, field="format")
        elif type(document["format"]) is not int or document["format"] != FORMAT:
            # A different format means different rules: checking further would mislead.
            self.add(self.lines.key("format"), BAD_FORMAT)
            return None
        for key in document:
            if key not in _TEMPLATE_KEYS:
                self.add(self.lines.key(key), UNKNOWN_KEY, field=key, known=_known(_TEMPLATE_KEYS))
        texts = {key: self._text(document, key, None) for key in _TEMPLATE_TEXTS}
        categories = self._categories(document)
        steps = self._steps(document)
        if self.count:
            return None
        return PathwayTemplate(
            id=template_id,
            title=texts["title"] or "",
            purpose=texts["purpose"] or "",
            done_when=texts["done_when"] or "",
            categories=categories,
            steps=steps,
            source=self.path,
            shipped=shipped,
        )

    def _text(self, table: dict[str, Any], key: str, step: _StepPlace | None, *, required: bool = True) -> str | None:
        line = self.lines.key(key, step.index if step else None)
        if key not in table:
            if required:
                if step is None:
                    self.add(None, MISSING, field=key)
                else:
                    self.add(step.line, STEP_MISSING, step=step.label, field=key)
            return None
        value = table[key]
        if not isinstance(value, str):
            self._step_or_top(step, line, NOT_TEXT, STEP_NOT_TEXT, field=key)
            return None
        if not _clean(value):
            self._step_or_top(step, line, EMPTY, STEP_EMPTY, field=key)
            return None
        return _clean(value)

    def _texts(self, table: dict[str, Any], key: str, step: _StepPlace | None) -> tuple[str, ...] | None:
        """A list of texts (empty when the key is left out); None when it is wrong."""
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) and _clean(item) for item in value):
            self._step_or_top(
                step, self.lines.key(key, step.index if step else None), NOT_TEXTS, STEP_NOT_TEXTS, field=key
            )
            return None
        return tuple(_clean(item) for item in value)

    def _step_or_top(self, step: _StepPlace | None, line: int | None, top: str, in_step: str, **values: object) -> None:
        if step is None:
            self.add(line, top, **values)
        else:
            self.add(line, in_step, step=step.label, **values)

    def _categories(self, document: dict[str, Any]) -> tuple[str, ...]:
        if "categories" not in document:
            self.add(None, MISSING, field="categories")
            return ()
        codes = self._texts(document, "categories", None)
        if codes is None:
            return ()
        line = self.lines.key("categories")
        if not codes:
            self.add(line, NO_CATEGORIES, known=_CATEGORY_CODES)
        for code in codes:
            if code not in BY_CODE:
                self.add(line, UNKNOWN_CATEGORY, code=code, known=_CATEGORY_CODES)
        return codes

    def _steps(self, document: dict[str, Any]) -> tuple[StepTemplate, ...]:
        if "steps" not in document:
            self.add(None, NO_STEPS)
            return ()
        tables = document["steps"]
        if not isinstance(tables, list) or not all(isinstance(table, dict) for table in tables):
            self.add(self.lines.key("steps"), NOT_STEPS)
            return ()
        if not tables:
            self.add(self.lines.key("steps"), NO_STEPS)
            return ()
        steps = []
        seen: set[str] = set()
        for index, table in enumerate(tables):
            step_id = table.get("id")
            if isinstance(step_id, str) and _clean(step_id):
                if _clean(step_id) in seen:
                    self.add(self.lines.key("id", index), DUPLICATE_STEP, step=_quoted(_clean(step_id)))
                seen.add(_clean(step_id))
            step = self._step(table, _StepPlace(index, table, self.lines))
            if step is not None:
                steps.append(step)
        return tuple(steps)

    def _step(self, table: dict[str, Any], place: _StepPlace) -> StepTemplate | None:
        before = self.count
        for key in table:
            if key not in _STEP_KEYS:
                self.add(
                    self.lines.key(key, place.index),
                    STEP_UNKNOWN_KEY,
                    step=place.label,
                    field=key,
                    known=_known(_STEP_KEYS),
                )
        step_id = self._text(table, "id", place)
        if step_id is not None and not _ID.fullmatch(step_id):
            self.add(self.lines.key("id", place.index), BAD_STEP_ID, step=_quoted(step_id))
        texts = {key: self._text(table, key, place, required=key in _REQUIRED_STEP_TEXTS) for key in _STEP_TEXTS}
        lists = {key: self._texts(table, key, place) for key in _STEP_LISTS}
        suggest = self._texts(table, "suggest", place) or ()
        for code in suggest:
            if code not in BY_CODE:
                self.add(
                    self.lines.key("suggest", place.index),
                    STEP_UNKNOWN_CATEGORY,
                    step=place.label,
                    code=code,
                    known=_CATEGORY_CODES,
                )
        due_days = table.get("due_days")
        if due_days is not None and (type(due_days) is not int or not 1 <= due_days <= MAX_DUE_DAYS):
            self.add(self.lines.key("due_days", place.index), BAD_DUE_DAYS, step=place.label)
        if self.count > before or step_id is None:
            return None
        return StepTemplate(
            id=step_id,
            title=texts["title"] or "",
            explain=texts["explain"] or "",
            ask=lists["ask"] or (),
            gather=lists["gather"] or (),
            decide=texts["decide"],
            note=texts["note"],
            suggest=suggest,
            due_days=due_days,
        )


def _quoted(step_id: str) -> str:
    return f"'{step_id}'"


_QUOTED = ("field", "code", "step")  # values taken from the file, which may be any length


def _brief(text: str) -> str:
    return text if len(text) <= 60 else text[:60] + "…"


class _StepPlace:
    """Which step a problem is about: its id when it has a good one, else its number."""

    def __init__(self, index: int, table: dict[str, Any], lines: _Lines) -> None:
        self.index = index
        step_id = table.get("id")
        if isinstance(step_id, str) and _ID.fullmatch(_clean(step_id)):
            self.label = _quoted(_clean(step_id))
        else:
            self.label = str(index + 1)
        self.line = lines.step_header(index)


# --- where things are in the file --------------------------------------------------------------

_STEPS_HEADER = re.compile(r"\s*\[\[\s*(?:steps|\"steps\"|'steps')\s*\]\]\s*(?:#.*)?")
_HEADER = re.compile(r"\s*\[\[?\s*(?:\"([^\"]*)\"|'([^']*)'|([A-Za-z0-9_-]+))\s*[\].]")
_KEY = re.compile(r"\s*(?:\"([^\"]*)\"|'([^']*)'|([A-Za-z0-9_-]+))\s*=")

_TOP = -1  # the region before the first table header


class _Lines:
    """Finds the line of a key in the text. tomllib keeps no positions, and a simple search is
    right for the files people write: one key per line, each step under its own [[steps]].

    The file is indexed once, so that a file with thousands of mistakes is still reported
    quickly."""

    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")  # tomllib counts lines by "\n" only
        self.steps: list[int] = []  # the 0-based line of each [[steps]] header
        self._ends: dict[int, int] = {}  # region -> the 0-based line after it
        self._keys: dict[tuple[int, str], int] = {}
        self._tables: dict[str, int] = {}
        region: int | None = _TOP
        for i, line in enumerate(self.lines):
            header = _HEADER.match(line) if line.lstrip().startswith("[") else None
            if header:
                if region is not None:
                    self._ends[region] = i
                name = next(group for group in header.groups() if group is not None)
                self._tables.setdefault(name, i)
                if _STEPS_HEADER.fullmatch(line.rstrip("\r")):
                    region = len(self.steps)
                    self.steps.append(i)
                else:
                    region = None  # a table the checks refuse anyway
                continue
            found = _KEY.match(line)
            if found and region is not None:
                name = next(group for group in found.groups() if group is not None)
                self._keys.setdefault((region, name), i)
        if region is not None:
            self._ends[region] = len(self.lines)

    def key(self, key: str, step: int | None = None) -> int | None:
        """The 1-based line where ``key`` is given, at the top of the file or in step number
        ``step`` (0-based); None when it cannot be found."""
        if step is not None and step >= len(self.steps):
            # Steps written as an inline array rather than [[steps]] sections.
            return self.key("steps")
        found = self._keys.get((_TOP if step is None else step, key))
        if found is None and step is None:
            # A table of its own, such as [meta] or [[steps]]: the line of its header.
            found = self._tables.get(key)
        return None if found is None else found + 1

    def step_header(self, step: int) -> int | None:
        return self.steps[step] + 1 if step < len(self.steps) else self.key("steps")

    def item(self, key: str, step: int | None, text: str) -> int | None:
        """The line of one text in a list, searched from the key's line; the key's line when
        the text is written with escapes and cannot be found as it is."""
        start = self.key(key, step)
        if start is None:
            return None
        region = _TOP if step is None else step
        stop = self._ends.get(region, len(self.lines)) if step is None or step < len(self.steps) else len(self.lines)
        probe = text.strip()[:40]
        for i in range(start - 1, stop):
            if probe in self.lines[i]:
                return i + 1
        return start


# --- extraction for the catalogs ---------------------------------------------------------------


def extract_pathways(
    fileobj: IO[bytes],
    keywords: object,
    comment_tags: object,
    options: object,
) -> Iterator[tuple[int, None, str, list[str]]]:
    """A Babel extraction method (babel.cfg maps resources/pathways/*.toml to it): every text
    a person reads in a template, with its line and a comment saying where it is used."""
    name = getattr(fileobj, "name", None)
    template_id = Path(name).stem if isinstance(name, str) else "pathway"
    text = fileobj.read().decode("utf-8-sig")
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # A shipped template must be valid; stop `make extract` with the reason.
        raise ValueError(f"{name}: {exc}") from exc
    lines = _Lines(text)

    for key in _TEMPLATE_TEXTS:
        value = document.get(key)
        if isinstance(value, str) and _clean(value):
            yield lines.key(key) or 1, None, _clean(value), [f"pathway {template_id}: {key}"]
    steps = document.get("steps")
    if not isinstance(steps, list):
        return
    for index, step in enumerate(steps):
        if not isinstance(step, dict):
            continue
        label = step.get("id") if isinstance(step.get("id"), str) else str(index + 1)
        for key in ("title", "explain", "ask", "gather", "decide", "note"):
            value = step.get(key)
            items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
            comment = f"pathway {template_id}, step {label}: {key}"
            if key == "explain":
                comment += " (read by the client: plain words)"
            for item in items:
                if isinstance(item, str) and _clean(item):
                    line = lines.key(key, index) if isinstance(value, str) else lines.item(key, index, item)
                    yield line or 1, None, _clean(item), [comment]
