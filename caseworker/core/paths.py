"""The data folder and the files in it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("Caseworker", appauthor=False, roaming=True))


@dataclass(frozen=True, slots=True)
class DataDir:
    """One organisation's data: the encrypted case files, the public directory, the key ring."""

    root: Path

    @classmethod
    def at(cls, path: str | os.PathLike[str] | None) -> DataDir:
        return cls(Path(path).expanduser().resolve() if path else default_data_dir())

    @property
    def cases_db(self) -> Path:
        return self.root / "cases.db"

    @property
    def directory_db(self) -> Path:
        return self.root / "directory.db"

    @property
    def keyring(self) -> Path:
        return self.root / "keyring.json"

    @property
    def settings(self) -> Path:
        return self.root / "settings.json"

    @property
    def ui_state(self) -> Path:
        return self.root / "window.ini"

    @property
    def pathways(self) -> Path:
        """The organisation's own pathway templates (the folder need not exist)."""
        return self.root / "pathways"

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    @property
    def lock(self) -> Path:
        return self.root / "caseworker.lock"

    def is_set_up(self) -> bool:
        return self.keyring.exists() and self.cases_db.exists()
