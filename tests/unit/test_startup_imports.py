"""The sign-in window shows before the heavy parts load: what it imports is only what it needs.
SQLAlchemy, Alembic, the ciphers and the services come in the background while the password
is typed."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("sqlalchemy", "alembic", "argon2", "cryptography", "caseworker.core.services.accounts", "caseworker.ui.main_window")


def test_the_sign_in_window_and_the_app_start_without_the_heavy_modules() -> None:
    code = (
        "import sys; import caseworker.cli, caseworker.app, caseworker.ui.start; "
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == ""


def test_the_check_sees_a_heavy_module() -> None:
    # The same probe, told to import one: the test above can fail.
    code = f"import sys; import sqlalchemy; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "sqlalchemy"


def test_the_language_names_kept_for_the_menu_are_cldrs() -> None:
    from babel import Locale

    from caseworker.core.i18n import UI_LANGUAGES

    for language in UI_LANGUAGES:
        locale = Locale.parse(language.code)
        assert language.native_name == locale.get_display_name(locale), language.code


def test_a_catalogs_header_is_read_as_the_whole_catalog_reads_it() -> None:
    from caseworker.core.i18n import SOURCE_LANGUAGE, UI_LANGUAGES, catalog_header, load_catalog

    for language in UI_LANGUAGES:
        if language.code == SOURCE_LANGUAGE:
            continue
        info = load_catalog(language.code).info()
        header = catalog_header(language.code)
        assert header["language-team"] == info["language-team"], language.code
        assert header["plural-forms"] == info["plural-forms"], language.code


def test_a_missing_catalog_has_no_header(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from pathlib import Path

    from caseworker.core import i18n

    monkeypatch.setattr(i18n, "translations_dir", lambda: Path("/nonexistent"))
    assert i18n.catalog_header("ar") == {}
