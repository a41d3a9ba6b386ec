"""`caseworker backup create | verify | restore`, run as the real installed command."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.conftest import clean_env, run

DEMO = clean_env(CASEWORKER_PASSWORD="demo")


def test_create_verify_and_restore_into_an_empty_folder(demo_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "usb stick" / "demo.cwbackup"
    created = run("backup", "create", str(out), "--data-dir", str(demo_dir), "--user", "demo", env=DEMO)
    assert created.code == 0, created.err
    assert f"Backup written to {out}." in created.out
    assert "Case files: 50" in created.out
    assert sorted(p.name for p in out.parent.iterdir()) == ["demo.cwbackup"]

    # On another laptop: nothing set up, only the backup and the password.
    verified = run("backup", "verify", str(out), "--user", "demo", "--password-stdin", stdin="demo\n")
    assert verified.code == 0, verified.err
    assert f"The backup {out} is sound." in verified.out

    new = tmp_path / "new laptop"
    restored = run("backup", "restore", str(out), "--data-dir", str(new), "--user", "demo", env=DEMO)
    assert restored.code == 0, restored.err
    # What the backup holds is shown before anything is replaced.
    assert restored.out.index("Case files: 50") < restored.out.index("Restored.")
    checked = run("check", "--data-dir", str(new), "--user", "demo", env=DEMO)
    assert checked.code == 0, checked.out + checked.err
    assert "cases.db: ok (checked inside)" in checked.out
    listed = run("users", "list", "--data-dir", str(new), "--user", "demo", env=DEMO)
    assert listed.code == 0 and "demo\t" in listed.out

    again = run("backup", "restore", str(out), "--data-dir", str(new), "--user", "demo", env=DEMO)
    assert again.code == 0, again.err
    kept = next((new / "backups").glob("caseworker-before-restore-*.cwbackup"))
    assert f"kept in {kept}" in again.out


def test_a_wrong_password_exits_3(demo_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "demo.cwbackup"
    assert run("backup", "create", str(out), "--data-dir", str(demo_dir), "--user", "demo", env=DEMO).code == 0
    wrong = run("backup", "verify", str(out), "--user", "demo", env=clean_env(CASEWORKER_PASSWORD="nope"))
    assert (wrong.code, wrong.err.strip()) == (3, "Wrong user name or password.")
    recovery = run("backup", "restore", str(out), "--data-dir", str(tmp_path / "new"), "--recovery-key-stdin",
                   stdin="AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH\n")
    assert recovery.code == 3
    assert not (tmp_path / "new").exists()


def test_a_damaged_backup_exits_2_with_one_line_and_changes_nothing(demo_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "demo.cwbackup"
    assert run("backup", "create", str(out), "--data-dir", str(demo_dir), "--user", "demo", env=DEMO).code == 0
    data = bytearray(out.read_bytes())
    data[len(data) // 2] ^= 1
    out.write_bytes(bytes(data))
    target = tmp_path / "target"
    for action in ("verify", "restore"):
        result = run("backup", action, str(out), "--data-dir", str(target), "--user", "demo", env=DEMO)
        assert result.code == 2, result.out + result.err
        assert result.err.strip() == (
            f"The backup {out} is damaged or was changed after it was made, so it cannot be used. "
            "Use another backup. Nothing was changed."
        )
    assert not target.exists()


def test_not_a_backup_in_another_language(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello\n")
    result = run("--lang", "it", "backup", "verify", str(path), "--user", "demo", env=DEMO)
    assert result.code == 2
    assert str(path) in result.err and "Traceback" not in result.err
    assert len(result.err.strip().splitlines()) == 1
