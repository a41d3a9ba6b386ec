"""Fixtures shared by every test folder: a temporary data dir and open case files.

Key derivation here uses cheap Argon2id parameters so the suite stays fast; the production
parameters are tested on their own (tests/unit/test_keys.py) and by the end-to-end tests, which
run the real command.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from caseworker.core.i18n import set_language
from caseworker.core.keys import KdfParams
from caseworker.core.models.enums import Role
from caseworker.core.paths import DataDir
from caseworker.core.services import accounts

CHEAP_KDF = KdfParams(time_cost=1, memory_kib=8 * 1024, parallelism=1)
PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    set_language("en")
    yield
    set_language("en")


@pytest.fixture
def cheap_kdf() -> KdfParams:
    return CHEAP_KDF


@pytest.fixture
def data_dir(tmp_path: Path) -> DataDir:
    return DataDir(tmp_path / "data")


@pytest.fixture
def signed_in(data_dir: DataDir) -> Iterator[accounts.SignedIn]:
    session, _recovery = accounts.set_up(
        data_dir,
        organisation="Harbour Welcome Centre",
        username="coordinator",
        display_name="Maria Rossi",
        password=PASSWORD,
        country="IT",
        host_language="it",
        kdf=CHEAP_KDF,
    )
    yield session
    session.close()


@contextlib.contextmanager
def a_caseworker_of(office: accounts.SignedIn) -> Iterator[accounts.SignedIn]:
    """Karim, a caseworker added by the office's coordinator, signed in for the block's length:
    for tests of what only a coordinator may do."""
    accounts.add_user(office, username="karim", display_name="Karim Nasser", role=Role.CASEWORKER,
                      password="karim's long password", kdf=CHEAP_KDF)
    karim = accounts.sign_in(office.data_dir, "karim", "karim's long password", CHEAP_KDF)
    try:
        yield karim
    finally:
        karim.close()
