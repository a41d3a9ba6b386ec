"""`caseworker users …`: disable, enable, reset-password, passwd and role, as the real command."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import Result, clean_env, run

COORDINATOR = {"CASEWORKER_PASSWORD": "demo"}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A demo organisation (coordinator "demo") with one caseworker, karim."""
    data = tmp_path / "data"
    assert run("demo", "--data-dir", str(data), "--cases", "0").code == 0
    added = users(data, "add", "karim", "--role", "caseworker", "--display-name", "Karim Nasser",
                  env={**COORDINATOR, "CASEWORKER_NEW_PASSWORD": "karim's first password"})
    assert added.code == 0, added.err
    return data


def users(
    data: Path, *args: str, user: str = "demo", env: dict[str, str] | None = None, stdin: str | None = None
) -> Result:
    extra = ["--password-stdin"] if stdin is not None else []
    return run("users", *args, "--user", user, *extra, "--data-dir", str(data), env=clean_env(**(env or COORDINATOR)),
               stdin=stdin)


def karim_can_list(data: Path, password: str) -> Result:
    return users(data, "list", user="karim", env={"CASEWORKER_PASSWORD": password})


def test_disable_and_enable(folder: Path) -> None:
    disabled = users(folder, "disable", "karim")
    assert disabled.code == 0, disabled.err
    assert disabled.out.strip() == "Disabled karim: they can no longer sign in."
    assert "karim\tKarim Nasser\tCaseworker\t(disabled)" in users(folder, "list").out

    refused = karim_can_list(folder, "karim's first password")
    assert refused.code == 3
    assert refused.err.strip() == "Wrong user name or password."  # their copy of the key is gone

    without = users(folder, "enable", "karim")
    assert without.code == 2 and "new password" in without.err
    enabled = users(folder, "enable", "karim", env={**COORDINATOR, "CASEWORKER_NEW_PASSWORD": "karim is back"})
    assert (enabled.code, enabled.out.strip()) == (0, "Enabled karim."), enabled.err
    assert karim_can_list(folder, "karim is back").code == 0
    assert karim_can_list(folder, "karim's first password").code == 3


def test_reset_password_then_passwd(folder: Path) -> None:
    reset = users(folder, "reset-password", "karim", env={**COORDINATOR, "CASEWORKER_NEW_PASSWORD": "set by maria"})
    assert (reset.code, reset.out.strip()) == (0, "Set a new password for karim."), reset.err
    assert karim_can_list(folder, "karim's first password").code == 3
    assert karim_can_list(folder, "set by maria").code == 0

    changed = users(folder, "passwd", "--new-password-env", "KARIM_NEW", user="karim",
                    env={"CASEWORKER_PASSWORD": "set by maria", "KARIM_NEW": "only karim knows this"})
    assert (changed.code, changed.out.strip()) == (0, "Your password is changed."), changed.err
    assert karim_can_list(folder, "set by maria").code == 3
    assert karim_can_list(folder, "only karim knows this").code == 0


def test_role(folder: Path) -> None:
    changed = users(folder, "role", "karim", "--role", "volunteer")
    assert (changed.code, changed.out.strip()) == (0, "karim is now: Volunteer."), changed.err

    refused = karim_can_list(folder, "karim's first password")
    assert refused.code == 3
    assert "Volunteers do not sign in" in refused.err

    no_password = users(folder, "role", "karim", "--role", "caseworker")
    assert no_password.code == 2
    assert no_password.err.strip() == "Enter a password for the new account."

    back = users(folder, "role", "karim", "--role", "caseworker",
                 env={**COORDINATOR, "CASEWORKER_NEW_PASSWORD": "karim is back again"})
    assert back.code == 0, back.err
    assert karim_can_list(folder, "karim is back again").code == 0


def test_refusals_exit_2_in_one_line(folder: Path) -> None:
    yourself = users(folder, "disable", "demo")
    assert (yourself.code, yourself.err.strip()) == (
        2, "demo is the last active coordinator. Make someone else a coordinator first."
    )

    not_a_coordinator = users(folder, "disable", "demo", user="karim", env={"CASEWORKER_PASSWORD": "karim's first password"})
    assert (not_a_coordinator.code, not_a_coordinator.err.strip()) == (2, "Only a coordinator can manage users.")

    no_new_password = users(folder, "reset-password", "karim")
    assert no_new_password.code == 2
    assert no_new_password.err.strip() == "Give the new password in the environment variable CASEWORKER_NEW_PASSWORD."

    unknown = users(folder, "enable", "nobody")
    assert (unknown.code, unknown.err.strip()) == (2, "There is no user called nobody.")
    assert "Traceback" not in yourself.err + not_a_coordinator.err + no_new_password.err + unknown.err


def test_a_one_megabyte_password_is_refused_quickly(folder: Path) -> None:
    result = users(folder, "list", stdin="x" * 1_000_000 + "\n")

    assert result.code == 2
    assert result.err.strip() == "A password has at most 1024 characters."


def test_five_wrong_passwords_make_the_next_try_wait(folder: Path) -> None:
    for _ in range(5):
        assert karim_can_list(folder, "not karim's password").code == 3

    waiting = karim_can_list(folder, "karim's first password")

    assert waiting.code == 2
    assert waiting.err.startswith("Too many wrong passwords. Wait ")
