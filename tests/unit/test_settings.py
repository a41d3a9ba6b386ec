"""The organisation's settings file (caseworker/core/settings.py): whatever it holds, a clear
outcome and strict defaults."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from caseworker.core.errors import ValidationFailed
from caseworker.core.paths import DataDir
from caseworker.core.settings import (
    AUTO_LOCK_DEFAULT_MINUTES,
    MAX_FILE_BYTES,
    Settings,
    load_settings,
    save_settings,
)


@pytest.fixture
def folder(data_dir: DataDir) -> DataDir:
    data_dir.root.mkdir(parents=True)
    return data_dir


def write(data_dir: DataDir, content: bytes) -> None:
    data_dir.settings.write_bytes(content)


def test_no_file_means_the_defaults_and_no_problem(folder: DataDir) -> None:
    loaded = load_settings(folder)

    assert loaded == Settings()
    assert loaded.auto_lock_minutes == 15 == AUTO_LOCK_DEFAULT_MINUTES
    assert loaded.problems == ()


@pytest.mark.parametrize("minutes", [1, 5, 15, 59, 60])
def test_an_auto_lock_time_from_1_to_60_is_read(folder: DataDir, minutes: int) -> None:
    write(folder, json.dumps({"auto_lock_minutes": minutes}).encode())

    loaded = load_settings(folder)

    assert loaded.auto_lock_minutes == minutes
    assert loaded.problems == ()


@pytest.mark.parametrize(
    "value",
    [0, -1, 61, 10**100, 15.0, 15.5, "15", True, False, None, [15], {"minutes": 15}],
    ids=repr,
)
def test_an_auto_lock_time_out_of_range_or_of_the_wrong_type_is_never_off(folder: DataDir, value: object) -> None:
    write(folder, json.dumps({"auto_lock_minutes": value}).encode())

    loaded = load_settings(folder)

    assert loaded.auto_lock_minutes == AUTO_LOCK_DEFAULT_MINUTES
    expected = (
        "The auto-lock time in the settings file is not a whole number of minutes from 1 to 60; "
        "15 minutes is used instead."
    )
    assert [p.message for p in loaded.problems] == [expected]


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\x00\x01\x02\xff\xfe",
        b"{not json",
        b"[1, 2, 3]",
        b"15",
        b"null",
        b'"auto_lock_minutes"',
        "{\"auto_lock_minutes\": 5}".encode("utf-16"),
        b"[" * 200_000,
    ],
    ids=lambda c: repr(c[:20]),
)
def test_a_file_of_garbage_gives_the_defaults_and_says_so(folder: DataDir, content: bytes) -> None:
    write(folder, content)

    loaded = load_settings(folder)

    assert loaded == Settings()
    assert len(loaded.problems) == 1
    assert str(folder.settings) in loaded.problems[0].message
    assert "the default settings are used" in loaded.problems[0].message


def test_a_huge_file_is_not_read(folder: DataDir) -> None:
    padding = "x" * MAX_FILE_BYTES
    write(folder, json.dumps({"auto_lock_minutes": 5, "padding": padding}).encode())

    loaded = load_settings(folder)

    assert loaded == Settings()
    assert len(loaded.problems) == 1


def test_a_file_that_cannot_be_read_gives_the_defaults(folder: DataDir) -> None:
    folder.settings.mkdir()  # a folder where the file should be

    loaded = load_settings(folder)

    assert loaded == Settings()
    assert "cannot be read" in loaded.problems[0].message


def test_unknown_keys_are_no_problem(folder: DataDir) -> None:
    write(folder, json.dumps({"auto_lock_minutes": 30, "from_a_newer_version": [1, 2]}).encode())

    loaded = load_settings(folder)

    assert loaded == Settings(auto_lock_minutes=30)
    assert loaded.problems == ()


@given(content=st.binary(max_size=2048))
@hypothesis_settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_bytes_give_settings_within_the_rules(folder: DataDir, content: bytes) -> None:
    write(folder, content)

    loaded = load_settings(folder)

    assert 1 <= loaded.auto_lock_minutes <= 60
    assert type(loaded.auto_lock_minutes) is int
    for problem in loaded.problems:
        assert problem.message


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


@given(value=json_values)
@hypothesis_settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_json_value_for_the_auto_lock_time_gives_a_time_within_the_rules(folder: DataDir, value: object) -> None:
    write(folder, json.dumps({"auto_lock_minutes": value}).encode())

    loaded = load_settings(folder)

    assert 1 <= loaded.auto_lock_minutes <= 60
    accepted = type(value) is int and 1 <= value <= 60
    assert loaded.auto_lock_minutes == (value if accepted else AUTO_LOCK_DEFAULT_MINUTES)
    assert len(loaded.problems) == (0 if accepted else 1)


def test_saved_settings_are_read_back(folder: DataDir) -> None:
    saved = save_settings(folder, Settings(auto_lock_minutes=7))

    assert saved == Settings(auto_lock_minutes=7)
    assert load_settings(folder) == Settings(auto_lock_minutes=7)
    assert load_settings(folder).problems == ()


def test_saving_over_a_damaged_file_repairs_it(folder: DataDir) -> None:
    write(folder, b"\xff garbage")

    save_settings(folder, Settings(auto_lock_minutes=20))

    assert load_settings(folder).problems == ()
    assert load_settings(folder).auto_lock_minutes == 20


def test_saving_keeps_what_a_newer_version_wrote(folder: DataDir) -> None:
    write(folder, json.dumps({"auto_lock_minutes": 30, "retention_months": 24}).encode())

    save_settings(folder, Settings(auto_lock_minutes=10))

    assert json.loads(folder.settings.read_text()) == {"auto_lock_minutes": 10, "record_sensitive_details": False, "retention_months": 24}


@pytest.mark.parametrize("minutes", [0, 61, -5, True])
def test_saving_an_auto_lock_time_out_of_range_is_refused_and_writes_nothing(folder: DataDir, minutes: int) -> None:
    write(folder, json.dumps({"auto_lock_minutes": 30}).encode())

    with pytest.raises(ValidationFailed) as refused:
        save_settings(folder, Settings(auto_lock_minutes=minutes))

    assert refused.value.message == "The auto-lock time must be a whole number of minutes from 1 to 60."
    assert load_settings(folder).auto_lock_minutes == 30


def test_saving_is_atomic(folder: DataDir, monkeypatch: pytest.MonkeyPatch) -> None:
    save_settings(folder, Settings(auto_lock_minutes=30))

    def crash(_src: object, _dst: object) -> None:
        raise OSError("power cut")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="power cut"):
        save_settings(folder, Settings(auto_lock_minutes=5))

    assert load_settings(folder).auto_lock_minutes == 30
    assert sorted(p.name for p in Path(folder.root).iterdir()) == ["settings.json"]  # no temporary file left


def test_the_problems_are_not_saved_and_do_not_count_in_equality(folder: DataDir) -> None:
    write(folder, b"garbage")
    damaged = load_settings(folder)

    save_settings(folder, damaged)

    assert damaged == Settings()
    assert json.loads(folder.settings.read_text()) == {"auto_lock_minutes": 15, "record_sensitive_details": False}


@pytest.mark.parametrize("value", [True, False])
def test_recording_sensitive_details_is_the_organisations_choice(folder: DataDir, value: bool) -> None:
    write(folder, json.dumps({"record_sensitive_details": value}).encode())
    assert load_settings(folder).record_sensitive_details is value


@pytest.mark.parametrize("value", ["yes", 1, None, [True]])
def test_anything_else_than_true_or_false_records_no_sensitive_details(folder: DataDir, value: object) -> None:
    write(folder, json.dumps({"record_sensitive_details": value}).encode())
    settings = load_settings(folder)
    assert settings.record_sensitive_details is False
    assert [p.where for p in settings.problems] == ["record_sensitive_details"]
