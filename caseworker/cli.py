"""The command line: automation, scripting and tests. The spellings are a contract
(shared/DESIGN.md); keep them working.

Exit codes: 0 done; 1 unexpected failure; 2 bad input or usage (nothing changed); 3 wrong user
or password. Errors go to stderr in the chosen language, one line per problem, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

from caseworker import __version__
from caseworker.core.errors import BadInput, CaseworkerError, ValidationFailed
from caseworker.core.i18n import N_, _, current_language, fill, ngettext, set_language
from caseworker.core.paths import DataDir

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT, EXIT_WRONG_PASSWORD = 0, 1, 2, 3


class UsageError(BadInput):
    template = N_("{problem} (see 'caseworker --help')")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(problem=message)


def _global_options(parser: argparse.ArgumentParser, *, top: bool) -> None:
    # Accepted before or after the command: the sub-parsers' copies must not overwrite a value
    # given before the command, so only the top parser has defaults.
    default = None if top else argparse.SUPPRESS
    parser.add_argument("--data-dir", metavar="DIR", default=default, help=_("the data folder (default: your user data folder)"))
    parser.add_argument("--lang", metavar="CODE", default=default, help=_("language of messages and of the app, e.g. ar, it, uk"))


def _user_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--user", metavar="NAME", default=argparse.SUPPRESS, help=_("the account to act as"))
    parser.add_argument(
        "--password-stdin", action="store_true", default=argparse.SUPPRESS,
        help=_("read the password from standard input instead of CASEWORKER_PASSWORD"),
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="caseworker", description=_("Caseworker: case files, service pathways and a referral directory, offline."))
    parser.add_argument("--version", action="version", version=f"Caseworker {__version__}")
    parser.add_argument(
        "--self-test", action="store_true",
        help=_("check that this installation works, on demo data in a temporary folder, and exit"),
    )
    _global_options(parser, top=True)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    demo = commands.add_parser("demo", help=_("create a data folder with synthetic cases to explore"))
    _global_options(demo, top=False)
    demo.add_argument("--cases", type=int, default=200, metavar="N", help=_("how many synthetic cases (default 200)"))
    demo.add_argument("--seed", type=int, default=1, metavar="S", help=_("the same seed gives the same people"))

    check = commands.add_parser("check", help=_("check both stores for damage; exit 1 if damaged"))
    _global_options(check, top=False)
    _user_options(check)

    directory = commands.add_parser("directory", help=_("import, export and search the referral directory"))
    _global_options(directory, top=False)
    directory_commands = directory.add_subparsers(dest="directory_command", metavar="ACTION", parser_class=_Parser, required=True)
    importing = directory_commands.add_parser("import", help=_("import an HSDS 3.0 JSON file or CSV data package (folder or .zip)"))
    _global_options(importing, top=False)
    importing.add_argument("path", metavar="PATH")
    importing.add_argument("--replace", action="store_true", help=_("replace the whole directory instead of updating entries by id"))
    exporting = directory_commands.add_parser("export", help=_("export the directory as HSDS 3.0"))
    _global_options(exporting, top=False)
    exporting.add_argument("out", metavar="OUT")
    exporting.add_argument("--format", choices=["json", "csv"], default="json")
    searching = directory_commands.add_parser("search", help=_("search the directory"))
    _global_options(searching, top=False)
    searching.add_argument("query", metavar="QUERY")
    searching.add_argument("--limit", type=int, default=20, metavar="N")
    searching.add_argument("--json", action="store_true", help=_("print the results as JSON"))

    backup = commands.add_parser("backup", help=_("make, verify and restore encrypted backups of both stores"))
    _global_options(backup, top=False)
    backup_commands = backup.add_subparsers(dest="backup_command", metavar="ACTION", parser_class=_Parser, required=True)
    creating = backup_commands.add_parser("create", help=_("write a backup file (to any folder, a USB stick too)"))
    _global_options(creating, top=False)
    _user_options(creating)
    creating.add_argument("out", metavar="OUT")
    verifying = backup_commands.add_parser("verify", help=_("check a backup file in full without restoring it"))
    restoring = backup_commands.add_parser("restore", help=_("replace the data in the data folder with a backup's"))
    for action in (verifying, restoring):
        _global_options(action, top=False)
        _user_options(action)
        action.add_argument("file", metavar="FILE")
        action.add_argument(
            "--recovery-key-stdin", action="store_true", default=argparse.SUPPRESS,
            help=_("read the recovery key from standard input instead of signing in with --user"),
        )

    stats = commands.add_parser("stats", help=_("anonymised statistics and funder reports"))
    _global_options(stats, top=False)
    stats_commands = stats.add_subparsers(dest="stats_command", metavar="ACTION", parser_class=_Parser, required=True)
    stats_export = stats_commands.add_parser(
        "export", help=_("write a report of whole months: only counts, every small one suppressed")
    )
    _global_options(stats_export, top=False)
    _user_options(stats_export)
    stats_export.add_argument("--out", metavar="FILE", required=True, help=_("the file to write (.csv, .xlsx or .pdf)"))
    stats_export.add_argument("--from", dest="start", metavar="DATE", help=_("the first month: 2026-07 or 2026-07-01"))
    stats_export.add_argument("--to", dest="end", metavar="DATE", help=_("the last month: 2026-09 or 2026-09-30"))
    stats_export.add_argument("--period", metavar="PERIOD", help=_("a month, quarter or year instead: 2026-07, 2026-Q3, 2026"))
    stats_export.add_argument("--report", choices=["services", "amif", "esf"], default="services")
    stats_export.add_argument("--format", choices=["csv", "xlsx", "pdf"], help=_("the format (default: from the file name)"))
    stats_export.add_argument(
        "--min-cell", type=int, default=10, metavar="K", help=_("the smallest count shown; smaller ones are suppressed (at least 5; default 10)")
    )

    users = commands.add_parser(
        "users", help=_("manage the accounts: add, list, disable, enable, reset passwords, change roles")
    )
    _global_options(users, top=False)
    user_commands = users.add_subparsers(dest="users_command", metavar="ACTION", parser_class=_Parser, required=True)
    add = user_commands.add_parser("add", help=_("add an account"))
    _global_options(add, top=False)
    _user_options(add)
    add.add_argument("name", metavar="NAME")
    add.add_argument("--role", required=True, choices=["coordinator", "caseworker", "volunteer"])
    add.add_argument("--display-name", metavar="TEXT", default=None)
    add.add_argument("--new-password-env", metavar="VAR", default="CASEWORKER_NEW_PASSWORD",
                     help=_("environment variable holding the new account's password"))
    listing = user_commands.add_parser("list", help=_("list the accounts"))
    _global_options(listing, top=False)
    _user_options(listing)
    disable = user_commands.add_parser("disable", help=_("stop an account from signing in"))
    _global_options(disable, top=False)
    _user_options(disable)
    disable.add_argument("name", metavar="NAME")
    enable = user_commands.add_parser("enable", help=_("let a disabled account sign in again, with a new password"))
    _global_options(enable, top=False)
    _user_options(enable)
    enable.add_argument("--new-password-env", metavar="VAR", default="CASEWORKER_NEW_PASSWORD",
                        help=_("environment variable holding the account's new password"))
    enable.add_argument("name", metavar="NAME")
    reset = user_commands.add_parser("reset-password", help=_("give an account a new password"))
    _global_options(reset, top=False)
    _user_options(reset)
    reset.add_argument("name", metavar="NAME")
    reset.add_argument("--new-password-env", metavar="VAR", default="CASEWORKER_NEW_PASSWORD",
                       help=_("environment variable holding the new password"))
    passwd = user_commands.add_parser("passwd", help=_("change your own password"))
    _global_options(passwd, top=False)
    _user_options(passwd)
    passwd.add_argument("--new-password-env", metavar="VAR", default="CASEWORKER_NEW_PASSWORD",
                        help=_("environment variable holding the new password"))
    role = user_commands.add_parser("role", help=_("change an account's role"))
    _global_options(role, top=False)
    _user_options(role)
    role.add_argument("name", metavar="NAME")
    role.add_argument("--role", required=True, choices=["coordinator", "caseworker", "volunteer"])
    role.add_argument("--new-password-env", metavar="VAR", default="CASEWORKER_NEW_PASSWORD",
                      help=_("environment variable holding the password of a volunteer who gets a key"))
    return parser


def _pre_scan_language(argv: Sequence[str]) -> str | None:
    """--lang is needed before parsing, so that parse errors are already in that language."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def _read_password(args: argparse.Namespace, stdin: TextIO) -> str:
    if getattr(args, "password_stdin", False):
        return stdin.readline().rstrip("\r\n")
    password = os.environ.get("CASEWORKER_PASSWORD")
    if password is None:
        raise BadInput(N_("Give the password in CASEWORKER_PASSWORD or with --password-stdin."))
    return password


def _new_password(args: argparse.Namespace) -> str:
    password = os.environ.get(args.new_password_env)
    if password is None:
        raise BadInput(N_("Give the new password in the environment variable {name}."), name=args.new_password_env)
    return password


def _required_user(args: argparse.Namespace) -> str:
    user = getattr(args, "user", None)
    if not user:
        raise BadInput(N_("Say which account to act as with --user NAME."))
    return user


def _print_error(error: CaseworkerError, stderr: TextIO) -> None:
    if isinstance(error, ValidationFailed):
        for problem in error.problems:
            print(problem.message, file=stderr)
    else:
        print(error.message, file=stderr)


def main(argv: Sequence[str] | None = None, *, stdin: TextIO | None = None, stdout: TextIO | None = None,
         stderr: TextIO | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    stdin, stdout, stderr = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    language = _pre_scan_language(argv)
    try:
        if language:
            try:
                set_language(language)
            except ValueError:
                raise BadInput(N_("{code} is not a language code."), code=language) from None
        try:
            args = build_parser().parse_args(argv)
        except SystemExit as exit_:  # --help and --version print and exit 0
            return int(exit_.code or 0)
        return _run(args, stdin, stdout, stderr)
    except CaseworkerError as error:
        _print_error(error, stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print(_("Stopped."), file=stderr)
        return EXIT_FAILURE
    except Exception as error:  # noqa: BLE001 - the contract: one line, never a traceback
        print(_("Unexpected error: {error}").format(error=f"{type(error).__name__}: {error}"), file=stderr)
        return EXIT_FAILURE


def _run(args: argparse.Namespace, stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
    if args.self_test:
        from caseworker.selftest import run_self_test

        return run_self_test(stdout)
    data_dir = DataDir.at(args.data_dir)
    if args.command is None:
        from caseworker.app import run_app

        return run_app(data_dir, language=args.lang)
    if args.command == "demo":
        return _demo(args, data_dir, stdout, stderr)
    if args.command == "check":
        return _check(args, data_dir, stdin, stdout)
    if args.command == "users":
        return _users(args, data_dir, stdin, stdout)
    if args.command == "directory":
        return _directory(args, data_dir, stdout)
    if args.command == "backup":
        return _backup(args, data_dir, stdin, stdout, stderr)
    if args.command == "stats":
        return _stats(args, data_dir, stdin, stdout)
    raise UsageError(problem=args.command)


def _demo(args: argparse.Namespace, data_dir: DataDir, stdout: TextIO, stderr: TextIO) -> int:
    from caseworker.core.services.demo import create_demo

    if args.cases < 0:
        raise BadInput(N_("The number of cases cannot be negative."))
    if args.data_dir is None:
        raise BadInput(N_("Give the folder for the demo data with --data-dir DIR."))
    password = os.environ.get("CASEWORKER_PASSWORD", "demo")
    last_shown = [-1]

    def progress(done: int, total: int) -> bool:
        percent = done * 100 // max(total, 1)
        if stderr.isatty() and percent != last_shown[0]:
            last_shown[0] = percent
            print(f"\r{percent:3d} %", end="", file=stderr, flush=True)
        return True

    summary = create_demo(data_dir, cases=args.cases, seed=args.seed, password=password, progress=progress)
    if stderr.isatty():
        print(file=stderr)
    print(
        ngettext(
            "Demo data in {folder}: {cases} case. Sign in as 'demo'.",
            "Demo data in {folder}: {cases} cases. Sign in as 'demo'.",
            summary.cases,
        ).format(folder=data_dir.root, cases=summary.cases),
        file=stdout,
    )
    return EXIT_OK


def _check(args: argparse.Namespace, data_dir: DataDir, stdin: TextIO, stdout: TextIO) -> int:
    from caseworker.core.services.check import check_data_dir

    password = _read_password(args, stdin) if getattr(args, "user", None) else None
    report = check_data_dir(data_dir, user=getattr(args, "user", None), password=password)
    for line in report.lines():
        print(line, file=stdout)
    return EXIT_OK if report.sound else EXIT_FAILURE


def _directory(args: argparse.Namespace, data_dir: DataDir, stdout: TextIO) -> int:
    from caseworker.core.directory import hsds
    from caseworker.core.directory.store import DirectoryStore

    if args.directory_command == "import":
        store = DirectoryStore.open_or_create(data_dir.directory_db, backup_dir=data_dir.backups)
        try:
            summary = hsds.import_hsds(store, Path(args.path), replace=args.replace)
        finally:
            store.dispose()
        print(
            ngettext("Imported {n} service.", "Imported {n} services.", summary.services).format(n=summary.services),
            file=stdout,
        )
        return EXIT_OK
    store = DirectoryStore.open(data_dir.directory_db, read_only=True)
    try:
        if args.directory_command == "export":
            summary = hsds.export_hsds(store, Path(args.out), format=args.format)
            print(_("Exported the directory to {path}.").format(path=args.out), file=stdout)
            return EXIT_OK
        return _directory_search(store, args, stdout)
    finally:
        store.dispose()


def _directory_search(store: Any, args: argparse.Namespace, stdout: TextIO) -> int:
    import json

    from caseworker.core.directory import records, search

    if args.limit < 1:
        raise BadInput(N_("--limit takes a whole number from 1 up."))
    with store.read() as session:
        hits = search.search(session.connection(), args.query, limit=args.limit)
    language = current_language() if args.lang else ""
    entries = records.get_services(store, [hit.service_id for hit in hits], language)
    if args.json:
        results = [
            {
                "service": {"id": e.id, "name": e.name, "description": e.description, "url": e.url, "email": e.email},
                "organization": {"id": e.organization_id, "name": e.organization_name},
                "address": {
                    "lines": list(e.address_lines),
                    "city": e.city,
                    "postal_code": e.postal_code,
                    "country": e.country,
                },
                "phones": [p.number for p in e.phones],
                "categories": list(e.categories),
                "last_verified": e.assured_date.isoformat() if e.assured_date else None,
                "verify_locally": e.verify_locally,
            }
            for e in entries
        ]
        json.dump(results, stdout, ensure_ascii=False, indent=2)
        print(file=stdout)
        return EXIT_OK
    for entry in entries:
        place = ", ".join(part for part in (*entry.address_lines, entry.city) if part)
        print(f"{entry.name} — {entry.organization_name}" + (f" — {place}" if place else ""), file=stdout)
    if not entries:
        print(_("No service matches."), file=stdout)
    return EXIT_OK


def _percent_on_terminal(stderr: TextIO) -> Any:
    """A progress callback that shows a percentage on a terminal, and nothing in a pipe."""
    last_shown = [-1]

    def progress(done: int, total: int) -> bool:
        percent = done * 100 // max(total, 1)
        if stderr.isatty() and percent != last_shown[0]:
            last_shown[0] = percent
            print(f"\r{percent:3d} %", end="", file=stderr, flush=True)
        return True

    return progress


def _backup(args: argparse.Namespace, data_dir: DataDir, stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
    from caseworker.core.services import accounts, backup

    progress = _percent_on_terminal(stderr)
    try:
        if args.backup_command == "create":
            signed_in = accounts.sign_in(data_dir, _required_user(args), _read_password(args, stdin))
            try:
                info = backup.create_backup(signed_in, Path(args.out), progress=progress)
            finally:
                signed_in.close()
            _end_progress(stderr)
            print(fill(_("Backup written to {path}."), path=info.path), file=stdout)
            _print_backup(info, stdout)
            return EXIT_OK
        path = Path(args.file)
        key = _backup_key(args, path, stdin)
        if args.backup_command == "verify":
            info = backup.verify_backup(path, key, progress=progress)
            _end_progress(stderr)
            print(fill(_("The backup {path} is sound."), path=path), file=stdout)
            _print_backup(info, stdout)
            return EXIT_OK
        # What is about to come back, before anything is replaced.
        print(fill(_("Restoring {path} into {folder}:"), path=path, folder=data_dir.root), file=stdout, flush=True)
        _print_backup(backup.describe_backup(path, key), stdout)
        stdout.flush()
        restored = backup.restore_backup(data_dir, path, key, progress=progress)
        _end_progress(stderr)
        if restored.kept is None:
            print(_("Restored."), file=stdout)
        else:
            print(fill(_("Restored. The data that was there before is kept in {path}."), path=restored.kept), file=stdout)
        return EXIT_OK
    except BaseException:
        _end_progress(stderr)
        raise


def _stats(args: argparse.Namespace, data_dir: DataDir, stdin: TextIO, stdout: TextIO) -> int:
    import datetime as dt

    from caseworker.core.services import accounts
    from caseworker.core.services.stats import make_report
    from caseworker.core.stats import periods
    from caseworker.core.stats.model import ReportKind
    from caseworker.reports.stats_export import ExportFormat, format_for, write_report
    from caseworker.reports.stats_text import report_words

    out = Path(args.out)
    fmt = ExportFormat(args.format) if args.format else format_for(out)
    if fmt is None:
        raise BadInput(N_("Give the format with --format csv, xlsx or pdf, or end the file name in one of them."))
    today = dt.date.today()
    if args.period and (args.start or args.end):
        raise BadInput(N_("Give either --period or --from and --to, not both."))
    if args.period:
        period = periods.parse(args.period)
    elif args.start or args.end:
        if not (args.start and args.end):
            raise BadInput(N_("Give both --from and --to."))
        period = periods.months(periods.bound(args.start, end=False), periods.bound(args.end, end=True))
    else:
        period = periods.last_quarter(today)
    signed_in = accounts.sign_in(data_dir, _required_user(args), _read_password(args, stdin))
    try:
        report = make_report(signed_in, ReportKind(args.report), period, min_cell=args.min_cell, today=today)
    finally:
        signed_in.close()
    if fmt is ExportFormat.PDF:
        from caseworker.reports.qt import document_application

        document_application()
    write_report(report, out, fmt, current_language())
    print(fill(_("{report}, {period}: written to {path}."), report=report.title, period=report.period.label, path=out), file=stdout)
    for line in report_words(report).protection:
        print(line, file=stdout)
    return EXIT_OK


def _end_progress(stderr: TextIO) -> None:
    if stderr.isatty():
        print(file=stderr)


def _backup_key(args: argparse.Namespace, path: Path, stdin: TextIO) -> Any:
    """The data key, unwrapped from the key ring the backup carries: a backup is verified or
    restored on a laptop where nothing is set up yet."""
    from caseworker.core.keys import RecoveryKey
    from caseworker.core.services import backup

    if getattr(args, "recovery_key_stdin", False):
        if getattr(args, "password_stdin", False):
            raise BadInput(N_("Give the password or the recovery key, not both."))
        return backup.unlock_backup_with_recovery(path, RecoveryKey.parse(stdin.readline()))
    from caseworker.core.throttle import SignInThrottle

    # The data folder's brake on guessing, where there is a data folder (a backup is also opened
    # on a laptop where nothing is set up yet).
    data_dir = DataDir.at(args.data_dir)
    throttle = SignInThrottle(data_dir) if data_dir.root.is_dir() else None
    return backup.unlock_backup_key(path, _required_user(args), _read_password(args, stdin), throttle=throttle)


def _print_backup(info: Any, stdout: TextIO) -> None:
    from caseworker.core.services.backup import backup_facts

    for line in backup_facts(info):
        print(f"  {line}", file=stdout)


def _users(args: argparse.Namespace, data_dir: DataDir, stdin: TextIO, stdout: TextIO) -> int:
    from caseworker.core.labels import label
    from caseworker.core.models.enums import Role
    from caseworker.core.services import accounts

    password = _read_password(args, stdin)
    signed_in = accounts.sign_in(data_dir, _required_user(args), password)
    try:
        if args.users_command == "list":
            for user in accounts.list_users(signed_in):
                state = "" if user.active else _("(disabled)")
                print(f"{user.username}\t{user.display_name}\t{label(user.role)}\t{state}".rstrip(), file=stdout)
            return EXIT_OK
        if args.users_command == "disable":
            user = accounts.disable_user(signed_in, args.name)
            print(fill(_("Disabled {name}: they can no longer sign in."), name=user.username), file=stdout)
            return EXIT_OK
        if args.users_command == "enable":
            user = accounts.enable_user(signed_in, args.name, os.environ.get(args.new_password_env))
            print(fill(_("Enabled {name}."), name=user.username), file=stdout)
            return EXIT_OK
        if args.users_command == "reset-password":
            user = accounts.reset_password(signed_in, args.name, _new_password(args))
            print(fill(_("Set a new password for {name}."), name=user.username), file=stdout)
            return EXIT_OK
        if args.users_command == "passwd":
            accounts.change_password(signed_in, password, _new_password(args))
            print(_("Your password is changed."), file=stdout)
            return EXIT_OK
        if args.users_command == "role":
            user = accounts.change_role(
                signed_in, args.name, Role(args.role), new_password=os.environ.get(args.new_password_env)
            )
            print(fill(_("{name} is now: {role}."), name=user.username, role=label(user.role)), file=stdout)
            return EXIT_OK
        role = Role(args.role)
        new_password = os.environ.get(args.new_password_env) if role is not Role.VOLUNTEER else None
        user = accounts.add_user(
            signed_in, username=args.name, display_name=args.display_name or args.name, role=role, password=new_password
        )
        print(_("Added {name} ({role}).").format(name=user.username, role=label(user.role)), file=stdout)
        return EXIT_OK
    finally:
        signed_in.close()
