"""The command-line contract, run as the real installed command."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from caseworker import __version__
from tests.e2e.conftest import clean_env, run

SQLITE_HEADER = b"SQLite format 3\x00"


def test_version() -> None:
    result = run("--version")
    assert result.code == 0
    assert result.out.strip() == f"Caseworker {__version__}"


def test_python_dash_m_works_too() -> None:
    import subprocess
    import sys

    completed = subprocess.run([sys.executable, "-m", "caseworker", "--version"], capture_output=True, text=True, check=False)
    assert completed.returncode == 0
    assert __version__ in completed.stdout


def test_demo_makes_an_encrypted_data_dir(demo_dir: Path) -> None:
    cases_db = demo_dir / "cases.db"
    assert cases_db.read_bytes()[:16] != SQLITE_HEADER
    connection = sqlite3.connect(cases_db)
    try:
        try:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchall()
            readable = True
        except sqlite3.DatabaseError:
            readable = False
    finally:
        connection.close()
    assert not readable, "a plain sqlite3 client could read cases.db"
    for path in demo_dir.rglob("*"):
        if path.is_file() and path.name != "directory.db":
            assert path.read_bytes()[:16] != SQLITE_HEADER, f"{path.name} holds readable SQLite content"


def test_check_reports_a_sound_data_dir(demo_dir: Path) -> None:
    result = run("check", "--data-dir", str(demo_dir))
    assert result.code == 0, result.out + result.err
    assert "keyring.json: ok" in result.out
    inside = run("check", "--data-dir", str(demo_dir), "--user", "demo", env=clean_env(CASEWORKER_PASSWORD="demo"))
    assert inside.code == 0, inside.out + inside.err
    assert "cases.db: ok (checked inside)" in inside.out


def test_check_finds_a_damaged_store_and_says_so_in_one_line(demo_dir: Path, tmp_path: Path) -> None:
    import shutil

    damaged = tmp_path / "damaged"
    shutil.copytree(demo_dir, damaged, ignore=shutil.ignore_patterns("*.lock"))
    cases_db = damaged / "cases.db"
    data = bytearray(cases_db.read_bytes())
    cases_db.write_bytes(bytes(data[: len(data) - 1000]))  # cut short, as a pulled USB stick leaves it
    result = run("check", "--data-dir", str(damaged))
    assert result.code == 1
    assert "cases.db: damaged" in result.out
    assert "Traceback" not in result.out + result.err


def test_check_inside_finds_a_flipped_byte(demo_dir: Path, tmp_path: Path) -> None:
    import shutil

    damaged = tmp_path / "flipped"
    shutil.copytree(demo_dir, damaged, ignore=shutil.ignore_patterns("*.lock"))
    cases_db = damaged / "cases.db"
    # Fold the WAL into the file first, as a clean exit would, so the damage lands in the file.
    data = bytearray(cases_db.read_bytes())
    data[4096 * 2 + 100] ^= 0xFF  # one byte in the third page: its HMAC no longer matches
    cases_db.write_bytes(bytes(data))
    for suffix in ("-wal", "-shm"):
        Path(str(cases_db) + suffix).unlink(missing_ok=True)
    result = run("check", "--data-dir", str(damaged), "--user", "demo", env=clean_env(CASEWORKER_PASSWORD="demo"))
    assert result.code == 1, result.out + result.err
    assert "cases.db: damaged" in result.out
    assert "Traceback" not in result.out + result.err


def test_wrong_password_exits_3_and_says_only_that(demo_dir: Path) -> None:
    result = run("users", "list", "--data-dir", str(demo_dir), "--user", "demo", env=clean_env(CASEWORKER_PASSWORD="nope"))
    assert result.code == 3
    assert result.err.strip() == "Wrong user name or password."
    unknown = run("users", "list", "--user", "nobody", "--data-dir", str(demo_dir), env=clean_env(CASEWORKER_PASSWORD="demo"))
    assert unknown.code == 3
    assert unknown.err == result.err


def test_password_from_stdin(demo_dir: Path) -> None:
    result = run("users", "list", "--user", "demo", "--password-stdin", "--data-dir", str(demo_dir), stdin="demo\n")
    assert result.code == 0, result.err
    assert result.out.splitlines()[0].startswith("demo\t") or "demo\t" in result.out


def test_users_add_then_sign_in_as_the_new_user(tmp_path: Path) -> None:
    folder = tmp_path / "org"
    assert run("demo", "--data-dir", str(folder), "--cases", "0").code == 0
    env = clean_env(CASEWORKER_PASSWORD="demo", CASEWORKER_NEW_PASSWORD="a long new password")
    added = run("users", "add", "amira", "--role", "caseworker", "--display-name", "Amira Haddad",
                "--user", "demo", "--data-dir", str(folder), env=env)
    assert added.code == 0, added.err
    listed = run("users", "list", "--user", "amira", "--data-dir", str(folder),
                 env=clean_env(CASEWORKER_PASSWORD="a long new password"))
    assert listed.code == 0, listed.err
    assert "Amira Haddad" in listed.out


def test_global_options_go_before_or_after_the_command(demo_dir: Path) -> None:
    before = run("--data-dir", str(demo_dir), "check")
    after = run("check", "--data-dir", str(demo_dir))
    assert before.code == after.code == 0
    assert before.out == after.out


def test_usage_error_exits_2_without_traceback() -> None:
    result = run("no-such-command")
    assert result.code == 2
    assert "Traceback" not in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_not_set_up_folder_is_bad_input(tmp_path: Path) -> None:
    result = run("check", "--data-dir", str(tmp_path / "empty"))
    assert result.code == 2
    assert "No organisation is set up" in result.err


def test_demo_refuses_a_folder_that_is_set_up(demo_dir: Path) -> None:
    before = (demo_dir / "cases.db").read_bytes()
    result = run("demo", "--data-dir", str(demo_dir), "--cases", "3")
    assert result.code == 2
    assert "already set up" in result.err
    assert (demo_dir / "cases.db").read_bytes() == before


def test_errors_come_in_the_language_chosen_with_lang(tmp_path: Path) -> None:
    english = run("check", "--data-dir", str(tmp_path / "none"))
    for code, script in (("ar", "\u0600-\u06ff"), ("uk", "\u0400-\u04ff"), ("ti", "\u1200-\u137f")):
        result = run("--lang", code, "check", "--data-dir", str(tmp_path / "none"))
        assert result.code == 2
        assert result.err != english.err
        import re

        assert re.search(f"[{script}]", result.err), (code, result.err)
        assert str(tmp_path / "none") in result.err
