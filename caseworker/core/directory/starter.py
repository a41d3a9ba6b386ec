"""The starter directory shipped in resources/: national recognition centres, public employment
services, labour inspectorates, UNHCR and IOM offices of the seven countries of the research.
Loaded into a new data folder, so that "where to go" has answers from the first day."""

from __future__ import annotations

from caseworker.core.directory import hsds
from caseworker.core.directory.store import DirectoryStore
from caseworker.core.paths import DataDir
from caseworker.core.resources import resource


def starter_path():  # type: ignore[no-untyped-def]
    return resource("directory", "starter.json")


def load_starter(data_dir: DataDir) -> int:
    """Create directory.db with the starter entries if there is no directory yet; returns how
    many services were loaded (0 when a directory was already there)."""
    if data_dir.directory_db.exists():
        return 0
    store = DirectoryStore.create(data_dir.directory_db)
    try:
        return hsds.import_hsds(store, starter_path()).services
    except BaseException:
        store.dispose()
        data_dir.directory_db.unlink(missing_ok=True)
        for suffix in ("-wal", "-shm"):
            data_dir.directory_db.with_name(data_dir.directory_db.name + suffix).unlink(missing_ok=True)
        raise
    finally:
        store.dispose()
