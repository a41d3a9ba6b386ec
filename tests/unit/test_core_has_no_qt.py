"""caseworker.core never imports Qt: it runs under the command line, in tests without a display,
and one day perhaps on a server. Checked in a fresh interpreter, because this test process may
already hold PySide6 (pytest-qt loads it)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

# Imports every module of caseworker.core, then exercises the paths that import lazily (Alembic
# at the first store, Babel catalogs, the key ring), and reports what got loaded. The migration
# environment and the revision files are left out: they only make sense when Alembic runs them,
# which the store creation below does.
PROBE = r"""
import importlib, json, pkgutil, sys, tempfile
from pathlib import Path

import caseworker.core

LEFT_OUT = ("caseworker.core.migrations.env", "caseworker.core.migrations.versions")
imported = []
for info in pkgutil.walk_packages(caseworker.core.__path__, "caseworker.core."):
    if info.name.startswith(LEFT_OUT):
        continue
    importlib.import_module(info.name)
    imported.append(info.name)

from caseworker.core.i18n import set_language
from caseworker.core.keys import KdfParams
from caseworker.core.paths import DataDir
from caseworker.core.services import accounts, cases
from caseworker.core.services.records import CaseFile, PersonDetails

set_language("ar")
with tempfile.TemporaryDirectory() as folder:
    signed_in, _recovery = accounts.set_up(
        DataDir(Path(folder) / "data"), organisation="Org", username="probe", display_name="Probe",
        password="probe password", kdf=KdfParams(time_cost=1, memory_kib=8192, parallelism=1),
    )
    cases.create_case(signed_in.store, CaseFile(person=PersonDetails(name_latin="Amina")))
    cases.case_summaries(signed_in.store, signed_in.user)
    signed_in.close()

EXTRA

qt = sorted(name for name in sys.modules if name.split(".")[0] in ("PySide6", "shiboken6"))
print(json.dumps({"imported": imported, "qt": qt}))
"""


def _probe(extra: str = "") -> dict[str, list[str]]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE.replace("EXTRA", extra)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_importing_and_using_the_core_loads_no_qt() -> None:
    report = _probe()

    assert report["qt"] == []
    # The walk really went through the package, sub-packages included.
    assert {
        "caseworker.core.db",
        "caseworker.core.keys",
        "caseworker.core.i18n",
        "caseworker.core.models.people",
        "caseworker.core.services.cases",
        "caseworker.core.services.accounts",
    } <= set(report["imported"])
    assert not [name for name in report["imported"] if name.startswith("caseworker.core.migrations")]


def test_the_probe_would_see_qt() -> None:
    # The check above is only worth something if a Qt import shows up in the report.
    report = _probe("import PySide6.QtCore")

    assert "PySide6.QtCore" in report["qt"]
    assert "shiboken6" in report["qt"]
