"""`caseworker check`: is anything in the data folder damaged?

Without a password the encrypted store can only be checked from outside (present, encrypted,
whole pages); with one, SQLite and SQLCipher check every page and every index inside it.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from caseworker.core.db import CasesStore, current_revision, exec_sql, integrity_problems, known_revisions
from caseworker.core.errors import CaseworkerError, NotSetUp
from caseworker.core.i18n import N_, _
from caseworker.core.keys import KeyRing
from caseworker.core.paths import DataDir
from caseworker.core.services import audit
from caseworker.core.throttle import SignInThrottle, tried_under

SQLITE_HEADER = b"SQLite format 3\x00"
SQLCIPHER_PAGE_SIZE = 4096


@dataclass
class Finding:
    store: str
    template: str
    values: dict[str, object] = field(default_factory=dict)
    damage: bool = True

    def line(self) -> str:
        return f"{self.store}: {_(self.template).format(**self.values)}"


@dataclass
class CheckReport:
    findings: list[Finding] = field(default_factory=list)

    @property
    def sound(self) -> bool:
        return not any(f.damage for f in self.findings)

    def lines(self) -> list[str]:
        return [f.line() for f in self.findings]

    def ok(self, store: str, template: str, **values: object) -> None:
        self.findings.append(Finding(store, template, values, damage=False))

    def damaged(self, store: str, template: str, **values: object) -> None:
        self.findings.append(Finding(store, template, values, damage=True))


def check_data_dir(data_dir: DataDir, *, user: str | None = None, password: str | None = None) -> CheckReport:
    if not data_dir.root.is_dir() or not data_dir.cases_db.exists() and not data_dir.keyring.exists():
        raise NotSetUp(folder=str(data_dir.root))
    report = CheckReport()
    ring = _check_key_ring(data_dir, report)
    outside_sound = _check_cases_outside(data_dir, report)
    if outside_sound and ring is not None:
        if user is not None and password is not None:
            _check_cases_inside(data_dir, ring, user, password, report)
        else:
            report.ok("cases.db", N_("encrypted; its inside was not checked (give --user NAME to check every page)"))
    _check_directory(data_dir, report)
    return report


def _check_key_ring(data_dir: DataDir, report: CheckReport) -> KeyRing | None:
    try:
        ring = KeyRing.load(data_dir.keyring)
    except FileNotFoundError:
        report.damaged("keyring.json", N_("missing: the case files cannot be opened without it"))
        return None
    except CaseworkerError:
        report.damaged("keyring.json", N_("damaged: it is not a readable key file"))
        return None
    report.ok("keyring.json", N_("ok"))
    return ring


def _check_cases_outside(data_dir: DataDir, report: CheckReport) -> bool:
    path = data_dir.cases_db
    if not path.exists():
        report.damaged("cases.db", N_("missing"))
        return False
    size = path.stat().st_size
    with path.open("rb") as handle:
        head = handle.read(len(SQLITE_HEADER))
    if head == SQLITE_HEADER:
        report.damaged("cases.db", N_("not encrypted: this is not a Caseworker case file"))
        return False
    if size == 0 or size % SQLCIPHER_PAGE_SIZE:
        report.damaged("cases.db", N_("damaged: the file is cut short ({size} bytes)"), size=size)
        return False
    return True


def _check_cases_inside(data_dir: DataDir, ring: KeyRing, user: str, password: str, report: CheckReport) -> None:
    from caseworker.core.keys import RFC9106_LOW_MEMORY

    # WrongPassword goes up (exit 3), TooManyAttempts too (exit 2): the check is no side door.
    key = tried_under(SignInThrottle(data_dir), lambda: ring.unlock(user, password, RFC9106_LOW_MEMORY))
    try:
        store = CasesStore.open(data_dir.cases_db, key, read_only=True)
    except CaseworkerError:
        report.damaged("cases.db", N_("damaged: it cannot be decrypted with its key"))
        return
    try:
        revision = current_revision(store)
        known, _head = known_revisions()
        if revision not in known:
            report.damaged("cases.db", N_("written by a newer version of Caseworker"))
            return
        problems = integrity_problems(store)
        trail = [] if problems else _audit_trail_problems(store)
    except CaseworkerError:
        report.damaged("cases.db", N_("damaged: it cannot be decrypted with its key"))
        return
    except Exception as exc:  # noqa: BLE001 - any failure to read is damage to report, in one line
        report.damaged("cases.db", N_("damaged: {reason}"), reason=str(exc))
        return
    finally:
        store.dispose()
    if problems:
        report.damaged("cases.db", N_("damaged: {reason}"), reason=problems[0])
        return
    report.ok("cases.db", N_("ok (checked inside)"))
    for problem in trail:
        report.damaged("cases.db", problem.template, entry=problem.entry)
    if not trail:
        report.ok("cases.db", N_("audit trail whole"))


def _audit_trail_problems(store: CasesStore) -> list[audit.ChainProblem]:
    tables = {row[0] for row in exec_sql(store, "SELECT name FROM sqlite_master WHERE type = 'table'")}
    return audit.verify(store) if "audit_entry" in tables else []  # older files have no trail yet


def _check_directory(data_dir: DataDir, report: CheckReport) -> None:
    path = data_dir.directory_db
    if not path.exists():
        return
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = [r[0] for r in connection.execute("PRAGMA integrity_check")]
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        report.damaged("directory.db", N_("damaged: {reason}"), reason=str(exc))
        return
    if rows != ["ok"]:
        report.damaged("directory.db", N_("damaged: {reason}"), reason=rows[0])
    else:
        report.ok("directory.db", N_("ok"))
