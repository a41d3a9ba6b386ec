"""The directory commands as the real installed command: the demo's starter directory, search
in any script, and an import that fails as a whole with every problem listed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.e2e.conftest import run

HSDS_EXAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "hsds" / "examples"


def test_demo_loads_the_starter_directory_and_search_finds_it(demo_dir: Path) -> None:
    result = run("directory", "search", "recogn", "--json", "--data-dir", str(demo_dir))
    assert result.code == 0, result.err
    hits = json.loads(result.out)
    assert hits, "the starter directory should hold the recognition centres"
    assert all({"service", "organization", "address"} <= set(hit) for hit in hits)
    assert any("recognition" in hit["categories"] for hit in hits)
    assert all(hit["verify_locally"] for hit in hits)


def test_search_in_the_host_language_without_accents(demo_dir: Path) -> None:
    # Greek without its accents, as typed on a keyboard without them.
    result = run("directory", "search", "επιθεωρηση", "--json", "--data-dir", str(demo_dir))
    assert result.code == 0, result.err
    assert json.loads(result.out), result.out


def test_import_export_round_trip_of_the_official_example(tmp_path: Path) -> None:
    data = tmp_path / "data"
    imported = run("directory", "import", str(HSDS_EXAMPLES / "service_full.json"), "--data-dir", str(data))
    assert imported.code == 0, imported.err
    out = tmp_path / "export.json"
    exported = run("directory", "export", str(out), "--data-dir", str(data))
    assert exported.code == 0, exported.err
    services = json.loads(out.read_text(encoding="utf-8"))
    assert [s["id"] for s in services] == [json.loads((HSDS_EXAMPLES / "service_full.json").read_text())["id"]]


def test_a_broken_import_changes_nothing_and_lists_every_problem(demo_dir: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(demo_dir, data, ignore=shutil.ignore_patterns("*.lock"))
    before = (data / "directory.db").read_bytes()
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps([{"id": "not-a-uuid", "name": "X", "status": "active"}, {"name": "no id"}]), encoding="utf-8")
    result = run("directory", "import", str(broken), "--data-dir", str(data))
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert len(lines) >= 2 and all(line.startswith("broken.json:") for line in lines), result.err
    assert "Traceback" not in result.err
    assert (data / "directory.db").read_bytes() == before
