"""Writing files so that a crash or a full disk leaves either the old file or the new one."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from caseworker.core.errors import DiskFull, ReadOnlyDataDir


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, flush it to disk, then rename it over."""
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except PermissionError as exc:
        raise ReadOnlyDataDir(folder=str(path.parent)) from exc
    except OSError as exc:
        raise translate_os_error(exc, path.parent) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise translate_os_error(exc, path.parent) from exc
    sync_folder(path.parent)


def sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (a no-op where the system has no folder handles)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def translate_os_error(exc: OSError, folder: Path) -> Exception:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return DiskFull()
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return ReadOnlyDataDir(folder=str(folder))
    return exc
