"""The data folder and the files in it."""

from __future__ import annotations

import os
import socket
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

    def in_use(self) -> bool:
        """Whether another process holds this folder now, read from its lock file (Qt's
        QLockFile: the process id, the program, the host name). A lock whose process has ended on
        this machine is stale; a lock taken on another machine (a folder on a shared drive) is
        taken as held, since that process cannot be asked. This process's own lock does not
        count: the app restores a backup itself, with its stores closed."""
        try:
            pid_text, _program, host, *_rest = self.lock.read_text(encoding="utf-8", errors="replace").split("\n")
            pid = int(pid_text)
        except (OSError, ValueError):
            return False
        if host != socket.gethostname():
            return True
        if pid == os.getpid():
            return False
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:  # another user's process: alive
            return True
        return True
