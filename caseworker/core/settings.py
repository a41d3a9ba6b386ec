"""The organisation's settings, in settings.json in the data folder.

Whatever is in the file, reading it never fails: a value that is missing, of the wrong type or
out of range gives way to its default, and each such problem is listed for the app to show. The
defaults are the strict choices; in particular the case files always lock when left idle.

To add a setting: a field on Settings with its default, and an entry in _RULES.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from typing import Any

from caseworker.core.errors import Problem, ValidationFailed
from caseworker.core.files import write_atomically
from caseworker.core.i18n import N_
from caseworker.core.paths import DataDir

AUTO_LOCK_DEFAULT_MINUTES = 15
AUTO_LOCK_MIN_MINUTES = 1
AUTO_LOCK_MAX_MINUTES = 60
# Real settings are a few hundred bytes; a larger file is not read at all.
MAX_FILE_BYTES = 64 * 1024

log = logging.getLogger("caseworker")


@dataclass(frozen=True, slots=True)
class Settings:
    auto_lock_minutes: int = AUTO_LOCK_DEFAULT_MINUTES
    # Whether the case files hold a person's sensitive details (health, vulnerabilities, religion):
    # off unless the organisation chooses to record them.
    record_sensitive_details: bool = False
    # What was wrong with the file when it was read; not itself a setting, never saved.
    problems: tuple[Problem, ...] = field(default=(), compare=False, repr=False)


def _whole_number_in(low: int, high: int) -> Callable[[Any], bool]:
    # bool is an int in Python, but `true` is not a number of minutes.
    return lambda value: type(value) is int and low <= value <= high


@dataclass(frozen=True, slots=True)
class _Rule:
    accepts: Callable[[Any], bool]
    in_file: str  # the file holds a value that is not accepted, and the default is used
    refused: str  # a value that is not accepted was about to be saved
    values: dict[str, object]


_RULES: dict[str, _Rule] = {
    "auto_lock_minutes": _Rule(
        _whole_number_in(AUTO_LOCK_MIN_MINUTES, AUTO_LOCK_MAX_MINUTES),
        N_("The auto-lock time in the settings file is not a whole number of minutes from {low} to {high}; "
           "{default} minutes is used instead."),
        N_("The auto-lock time must be a whole number of minutes from {low} to {high}."),
        {"low": AUTO_LOCK_MIN_MINUTES, "high": AUTO_LOCK_MAX_MINUTES, "default": AUTO_LOCK_DEFAULT_MINUTES},
    ),
    "record_sensitive_details": _Rule(
        lambda value: type(value) is bool,
        N_("Whether sensitive details are recorded is neither true nor false in the settings file; they are not recorded."),
        N_("Whether sensitive details are recorded must be true or false."),
        {},
    ),
}

_UNREADABLE = N_("The settings file {file} cannot be read; the default settings are used.")
_NOT_SETTINGS = N_("The settings file {file} is damaged; the default settings are used.")


def _read_document(data_dir: DataDir) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The file's JSON object, or None with the reason (a missing file is no problem)."""
    path = data_dir.settings
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        return None, []
    except OSError:
        return None, [Problem("settings", _UNREADABLE, file=str(path))]
    if len(data) > MAX_FILE_BYTES:
        return None, [Problem("settings", _NOT_SETTINGS, file=str(path))]
    try:
        document = json.loads(data.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None, [Problem("settings", _NOT_SETTINGS, file=str(path))]
    if not isinstance(document, dict):
        return None, [Problem("settings", _NOT_SETTINGS, file=str(path))]
    return document, []


def load_settings(data_dir: DataDir) -> Settings:
    document, problems = _read_document(data_dir)
    values: dict[str, Any] = {}
    for name, rule in _RULES.items():
        if document is None or name not in document:
            continue
        if rule.accepts(document[name]):
            values[name] = document[name]
        else:
            problems.append(Problem(name, rule.in_file, **rule.values))
    for problem in problems:
        log.warning("settings: %s", problem.where)
    return Settings(**values, problems=tuple(problems))


def settings_problems(settings: Settings) -> list[Problem]:
    """What is wrong with settings about to be saved."""
    problems = []
    for name, rule in _RULES.items():
        if not rule.accepts(getattr(settings, name)):
            problems.append(Problem(name, rule.refused, **rule.values))
    return problems


def save_settings(data_dir: DataDir, settings: Settings) -> Settings:
    """Write the settings atomically; values not accepted are refused and nothing is written.

    Keys this version does not know (written by a newer one) are kept.
    """
    problems = settings_problems(settings)
    if problems:
        raise ValidationFailed(problems)
    document, _problems = _read_document(data_dir)
    document = dict(document or {})
    for item in fields(Settings):
        if item.name in _RULES:
            document[item.name] = getattr(settings, item.name)
    write_atomically(data_dir.settings, json.dumps(document, indent=1, ensure_ascii=False).encode("utf-8"))
    return replace(settings, problems=())
