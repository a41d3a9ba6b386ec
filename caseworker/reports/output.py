"""Writing a document file whole or not at all: to a ".partial" file beside the target, then
renamed over it. Shared by every PDF and DOCX the app writes."""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Iterator
from pathlib import Path

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter

from caseworker.core.errors import DiskFull, FolderNotWritable

RESOLUTION = 300  # dots per inch of a PDF's layout


def partial_for(out: Path) -> Path:
    """Where a document is written before it is complete. A folder that cannot be written to is
    said so up front: Qt's PDF writer would otherwise leave an empty file, which reads as a full
    disk."""
    if not os.access(out.parent, os.W_OK):
        raise FolderNotWritable(folder=str(out.parent))
    return out.with_name(out.name + ".partial")


def a4_pdf_writer(partial: Path, margin_mm: float) -> QPdfWriter:
    writer = QPdfWriter(str(partial))
    writer.setResolution(RESOLUTION)
    writer.setCreator("Caseworker")
    margins = QMarginsF(margin_mm, margin_mm, margin_mm, margin_mm)
    writer.setPageLayout(
        QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait, margins, QPageLayout.Unit.Millimeter)
    )
    return writer


def finish(partial: Path, out: Path) -> None:
    """Put the complete document in place; an empty one means the disk filled up."""
    try:
        size = partial.stat().st_size
    except OSError:
        size = 0
    if size == 0:
        partial.unlink(missing_ok=True)
        raise DiskFull()
    try:
        partial.replace(out)
    except PermissionError as exc:
        partial.unlink(missing_ok=True)
        raise FolderNotWritable(folder=str(out.parent)) from exc


def failed_write(exc: OSError, partial: Path, out: Path) -> Exception:
    """What to tell the person when writing the partial file failed; the partial file goes."""
    partial.unlink(missing_ok=True)
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return FolderNotWritable(folder=str(out.parent))
    return DiskFull()


@contextlib.contextmanager
def written_whole(out: Path) -> Iterator[Path]:
    """The partial file to write ``out`` through: put in place when the block ends, removed if
    anything in the block fails, so that no half-written document is ever left behind."""
    partial = partial_for(out)
    try:
        yield partial
    except OSError as exc:
        raise failed_write(exc, partial, out) from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finish(partial, out)
