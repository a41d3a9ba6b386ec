"""`caseworker --self-test`: does this installation work, here, now?

Meant above all for the frozen build, where a module, a data file or a Qt plugin that PyInstaller
left out shows only when it is used. Every check uses what the app uses, on demo data in a new
temporary folder that is removed afterwards: the person's own data folder is never opened.

One line per check ("ok: …" or "FAILED: …: why"); exit 0 only when every check passed. A check
that fails does not stop the others; a check that needs the result of one that failed says so.
Qt is imported only by the checks that draw documents, so the core stays as it is.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import pkgutil
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, TypeVar

import caseworker
from caseworker.core.errors import CaseworkerError
from caseworker.core.i18n import N_, SOURCE_LANGUAGE, UI_LANGUAGES, _, fill, ngettext
from caseworker.core.keys import KdfParams
from caseworker.core.paths import DataDir
from caseworker.core.resources import resource, translations_dir

if TYPE_CHECKING:
    from caseworker.core.services.accounts import SignedIn
    from caseworker.core.services.caselist import ListRow
    from caseworker.core.services.records import CaseFile
    from caseworker.core.stats.model import Report

T = TypeVar("T")

# Key derivation is checked for working, not for being slow: the demo's deliberate cost would
# be most of the self-test's time.
CHEAP_KDF = KdfParams(time_cost=1, memory_kib=8 * 1024, parallelism=1)
DEMO_CASES = 20
DEMO_PASSWORD = "demo"  # what `caseworker demo` gives the demo account by default
SMALLEST_PDF = 1024  # bytes; a PDF of a report with its first page is several times this
# Running it starts the program.
NOT_IMPORTED = frozenset({"caseworker.__main__"})
# A walk of the package that finds nothing would pass without importing anything: these are
# modules of every layer that the walk must meet.
LANDMARKS = frozenset({
    "caseworker.cli", "caseworker.app", "caseworker.core.db", "caseworker.core.services.cases",
    "caseworker.reports.stats_pdf", "caseworker.reports.cv", "caseworker.ui.main_window", "caseworker.ui.sections",
})  # fmt: skip
# The starter directory is written in the languages of the host countries only; the check gives
# one of its services a name in Arabic (as a caseworker does in the translation dialog) and
# types a word of it without its article and joined preposition, as people search.
ARABIC_NAME = "الاعتراف بالشهادات الأجنبية"
ARABIC_QUERY = "شهادات"


class CheckFailed(CaseworkerError):
    """Why a check failed, in the language of the messages."""


class NeedsEarlierCheck(CheckFailed):
    template = N_("not run: an earlier check it needs failed")


@dataclass
class Trial:
    """What the checks make and hand on to the next ones, all inside ``folder``."""

    folder: Path
    qt_platform: bool | None = None  # True once Qt is known to find its platform plugin
    signed_in: SignedIn | None = None
    listed: ListRow | None = None  # the first row of the case list
    case: CaseFile | None = None  # that case, opened
    report: Report | None = None

    @property
    def data_dir(self) -> DataDir:
        return DataDir(self.folder / "data")

    def needs(self, value: T | None) -> T:
        if value is None:
            raise NeedsEarlierCheck()
        return value


# --- the checks, in the order they run ---------------------------------------------------------


def check_modules_import(trial: Trial) -> None:
    failures, found = [], set()
    for module in pkgutil.walk_packages(caseworker.__path__, prefix="caseworker.", onerror=failures.append):
        found.add(module.name)
        if module.name in NOT_IMPORTED:
            continue
        try:
            importlib.import_module(module.name)
        except Exception as error:  # noqa: BLE001 - each one is reported
            failures.append(f"{module.name} ({type(error).__name__}: {error})")
    if failures:
        raise CheckFailed(N_("cannot import {modules}"), modules="; ".join(failures))
    if missing := sorted(LANDMARKS - found):
        raise CheckFailed(N_("these modules are missing: {modules}"), modules=", ".join(missing))


def check_demo_data(trial: Trial) -> None:
    from caseworker.core.services.demo import create_demo

    summary = create_demo(trial.data_dir, cases=DEMO_CASES, password=DEMO_PASSWORD, kdf=CHEAP_KDF)
    if summary.cases != DEMO_CASES:
        raise CheckFailed(N_("{made} cases were made instead of {asked}"), made=summary.cases, asked=DEMO_CASES)


def check_sign_in(trial: Trial) -> None:
    from caseworker.core.services import accounts
    from caseworker.core.services.demo import USERNAME

    if not trial.data_dir.is_set_up():
        raise NeedsEarlierCheck()
    trial.signed_in = accounts.sign_in(trial.data_dir, USERNAME, DEMO_PASSWORD)


def check_case_list(trial: Trial) -> None:
    from caseworker.core.services.cases import case_list_rows

    signed_in = trial.needs(trial.signed_in)
    rows = case_list_rows(signed_in.store, signed_in.user)
    if len(rows) != DEMO_CASES:
        raise CheckFailed(N_("the case list shows {shown} cases instead of {made}"), shown=len(rows), made=DEMO_CASES)
    trial.listed = rows[0]


def check_open_case(trial: Trial) -> None:
    from caseworker.core.services.cases import get_case

    signed_in = trial.needs(trial.signed_in)
    case_id, reference = trial.needs(trial.listed)[:2]
    case = get_case(signed_in.store, case_id, user=signed_in.user)
    if case.reference != reference or not (case.person.name_latin or case.person.name_native):
        raise CheckFailed(N_("the case opened is not the one listed, or has no name"))
    trial.case = case


def check_arabic_search(trial: Trial) -> None:
    from caseworker.core.directory import editing, records, search
    from caseworker.core.directory.store import DirectoryStore

    if not trial.data_dir.directory_db.exists():
        raise NeedsEarlierCheck()
    store = DirectoryStore.open(trial.data_dir.directory_db)
    try:
        with store.read() as session:
            service_ids = records.all_service_ids(session)
        if not service_ids:
            raise CheckFailed(N_("the starter directory is empty"))
        translated = service_ids[0]
        editing.set_translation(store, "service", translated, "name", "ar", ARABIC_NAME)
        with store.read() as session:
            found = [hit.service_id for hit in search.search(session.connection(), ARABIC_QUERY, limit=5)]
    finally:
        store.dispose()
    if translated not in found:
        raise CheckFailed(N_("nothing was found for {query}"), query=ARABIC_QUERY)


def check_statistics(trial: Trial) -> None:
    from caseworker.core.services.stats import make_report
    from caseworker.core.stats import periods
    from caseworker.core.stats.model import ReportKind

    signed_in = trial.needs(trial.signed_in)
    today = dt.date.today()
    report = make_report(signed_in, ReportKind.SERVICES, periods.year(today.year), today=today)
    if not report.tables:
        raise CheckFailed(N_("the report has no tables"))
    for table in report.tables:
        counts = [table.total, *(cell.count for cell in table.rows)]
        if any(count is not None and 0 < count < report.min_cell for count in counts):
            raise CheckFailed(N_("the table {table} shows a count below {k}"), table=table.id, k=report.min_cell)
    trial.report = report


def check_qt_platform(trial: Trial) -> None:
    """Without its platform plugin Qt ends the process on the spot, with no line said: looked
    for here first, where Qt looks (see QGuiApplication's documentation on platform plugins)."""
    from PySide6.QtCore import QCoreApplication

    if QCoreApplication.instance() is None:
        # What reports.qt.document_application will ask for: the platform set, or "offscreen".
        wanted = os.environ.get("QT_QPA_PLATFORM") or "offscreen"
        names = [choice.split(":")[0].strip() for choice in wanted.split(";") if choice.strip()]
        folders = [Path(p) / "platforms" for p in QCoreApplication.libraryPaths()]
        if os.environ.get("QT_QPA_PLATFORM_PLUGIN_PATH"):
            folders.insert(0, Path(os.environ["QT_QPA_PLATFORM_PLUGIN_PATH"]))
        # libqoffscreen.so, qoffscreen.dll, libqoffscreen.dylib
        if not any(next(folder.glob(f"*q{name}.*"), None) for folder in folders for name in names):
            raise CheckFailed(
                N_("no plugin named {names} in {folders}"),
                names=", ".join(names), folders=", ".join(str(f) for f in folders) or "-",
            )
    trial.qt_platform = True


def check_pdf(trial: Trial) -> None:
    from caseworker.reports.qt import document_application
    from caseworker.reports.stats_export import ExportFormat, write_report

    trial.needs(trial.qt_platform)
    report = trial.needs(trial.report)
    document_application()
    out = trial.folder / "report.pdf"
    write_report(report, out, ExportFormat.PDF, "ar")
    data = out.read_bytes()
    if not data.startswith(b"%PDF"):
        raise CheckFailed(N_("the file does not begin like a PDF"))
    if len(data) <= SMALLEST_PDF:
        raise CheckFailed(N_("the file has only {size} bytes"), size=len(data))


def check_xlsx(trial: Trial) -> None:
    from caseworker.reports.stats_export import ExportFormat, write_report

    out = trial.folder / "report.xlsx"
    write_report(trial.needs(trial.report), out, ExportFormat.XLSX, "ar")
    _office_file(out)


def check_docx(trial: Trial) -> None:
    from PySide6.QtGui import QTextDocument

    from caseworker.reports.cv import cv_html, write_cv_docx
    from caseworker.reports.qt import document_application

    trial.needs(trial.qt_platform)
    case = trial.needs(trial.case)
    document_application()
    document = QTextDocument()
    document.setHtml(cv_html(case, "ar"))
    out = trial.folder / "cv.docx"
    write_cv_docx(document, out)
    _office_file(out)


def _office_file(path: Path) -> None:
    data = path.read_bytes()
    if not data:
        raise CheckFailed(N_("the file is empty"))
    if not data.startswith(b"PK"):  # XLSX and DOCX are zip packages
        raise CheckFailed(N_("the file is not an Office document"))


def check_catalogs(trial: Trial) -> None:
    from babel.core import Locale
    from babel.support import Translations

    folder = translations_dir()
    missing, unreadable = [], []
    for language in UI_LANGUAGES:
        if language.code == SOURCE_LANGUAGE:
            continue
        path = folder / language.code / "LC_MESSAGES" / "caseworker.mo"
        if not path.is_file():
            missing.append(language.code)
            continue
        try:
            with path.open("rb") as handle:
                catalog = Translations(handle)
            Locale.parse(language.code)  # Babel's own data for the language's dates and numbers
        except Exception as error:  # noqa: BLE001 - each one is reported
            unreadable.append(f"{language.code} ({type(error).__name__}: {error})")
            continue
        if not catalog.info():  # a compiled catalog always carries its header
            unreadable.append(language.code)
    if missing:
        raise CheckFailed(N_("no compiled catalog for {languages}"), languages=", ".join(missing))
    if unreadable:
        raise CheckFailed(N_("cannot read the catalogs for {languages}"), languages="; ".join(unreadable))


def check_fonts(trial: Trial) -> None:
    from PySide6.QtGui import QFontDatabase

    from caseworker.reports.qt import document_application

    trial.needs(trial.qt_platform)
    document_application()  # registers the bundled fonts, as the app does
    files = sorted(resource("fonts").glob("*.ttf"))
    if not files:
        raise CheckFailed(N_("no bundled font files"))
    registered = set(QFontDatabase.families())
    unloadable, absent = [], []
    for path in files:
        # Loaded once more to learn its family, then removed so the family is not listed twice.
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            unloadable.append(path.name)
            continue
        absent += [f for f in QFontDatabase.applicationFontFamilies(font_id) if f not in registered]
        QFontDatabase.removeApplicationFont(font_id)
    if unloadable:
        raise CheckFailed(N_("Qt cannot load {files}"), files=", ".join(unloadable))
    if absent:
        raise CheckFailed(N_("not registered: {families}"), families=", ".join(sorted(set(absent))))


CHECKS: tuple[tuple[str, Callable[[Trial], None]], ...] = (
    (N_("every module imports"), check_modules_import),
    (N_("demo data with synthetic cases"), check_demo_data),
    (N_("signing in"), check_sign_in),
    (N_("reading the case list"), check_case_list),
    (N_("opening a case"), check_open_case),
    (N_("searching the directory in Arabic script"), check_arabic_search),
    (N_("a protected statistics report"), check_statistics),
    (N_("Qt's platform plugin"), check_qt_platform),
    (N_("a PDF of the report"), check_pdf),
    (N_("an XLSX of the report"), check_xlsx),
    (N_("a CV as DOCX"), check_docx),
    (N_("the catalogs of every language"), check_catalogs),
    (N_("the bundled fonts"), check_fonts),
)


def _reason(error: Exception) -> str:
    if isinstance(error, CaseworkerError):
        return error.message
    return _one_line(f"{type(error).__name__}: {error}")


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def run_self_test(out: TextIO, checks: tuple[tuple[str, Callable[[Trial], None]], ...] = CHECKS) -> int:
    """Run every check in a new temporary folder, print a line for each; 0 if all passed, else 1."""
    failed = 0
    with tempfile.TemporaryDirectory(prefix="caseworker-self-test-", ignore_cleanup_errors=True) as folder:
        trial = Trial(Path(folder))
        try:
            for name, check in checks:
                try:
                    check(trial)
                except Exception as error:  # noqa: BLE001 - a failed check is a line, never a traceback
                    failed += 1
                    line = fill(_("FAILED: {check}: {reason}"), check=_(name), reason=_reason(error))
                    print(line, file=out, flush=True)
                else:
                    print(fill(_("ok: {check}"), check=_(name)), file=out, flush=True)
        finally:
            if trial.signed_in is not None:
                trial.signed_in.close()
    if failed:
        summary = ngettext("{failed} check of {total} failed.", "{failed} checks of {total} failed.", failed)
        print(fill(summary, failed=failed, total=len(checks)), file=out)
        return 1
    summary = ngettext("The {total} check passed.", "All {total} checks passed.", len(checks))
    print(fill(summary, total=len(checks)), file=out)
    return 0
