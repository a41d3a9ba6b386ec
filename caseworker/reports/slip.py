"""The "where to go" slip: one page the client takes away, each service in the client's language
beside the host language. Drawn by Qt's text engine, which shapes Arabic and Ethiopic and lays
out right-to-left text, into a PDF."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QMarginsF, QSizeF
from PySide6.QtGui import QPagedPaintDevice, QPageLayout, QPageSize, QPdfWriter, QTextDocument

from caseworker.core.directory.records import ServiceEntry
from caseworker.core.errors import DiskFull, ReadOnlyDataDir
from caseworker.core.i18n import _, is_right_to_left, speaking
from caseworker.reports.entry import entry_html

RESOLUTION = 300  # dots per inch of the PDF's layout


@dataclass(frozen=True, slots=True)
class SlipService:
    """One service as the client reads it and as the host language says it."""

    client: ServiceEntry
    host: ServiceEntry


def slip_html(services: Sequence[SlipService], client_language: str, host_language: str) -> str:
    """Two columns per service: the client's language first (on the right if it is written right
    to left), the host language beside it, so that anyone at the service can read it too."""

    def column(code: str, entry: ServiceEntry) -> str:
        direction = "rtl" if is_right_to_left(code) else "ltr"
        with speaking(code):
            return f"<td width='50%' dir='{direction}' valign='top'>{entry_html(entry)}</td>"

    def title(code: str) -> str:
        direction = "rtl" if is_right_to_left(code) else "ltr"
        with speaking(code):
            text = _("Where to go")
        return f"<td dir='{direction}'><h1>{html.escape(text)}</h1></td>"

    # For a client who reads right to left, their column is the right-hand one. (Qt's rich text
    # does not mirror a table's columns, so the cells are put in reading order here.)
    def row(client: str, host: str) -> str:
        cells = (host, client) if is_right_to_left(client_language) else (client, host)
        return "<tr>" + "".join(cells) + "</tr>"

    rows = [row(title(client_language), title(host_language))]
    for service in services:
        rows.append(row(column(client_language, service.client), column(host_language, service.host)))
    return (
        "<html><body style='font-size:9pt'>"
        "<table width='100%' cellspacing='0' cellpadding='6' border='0'>" + "".join(rows) + "</table></body></html>"
    )


def render_slip(
    services: Sequence[SlipService], client_language: str, host_language: str, device: QPagedPaintDevice
) -> None:
    """Lay the slip out on a page device: a PDF writer, or a printer the person chose."""
    document = QTextDocument()
    # Lay the text out for the device's resolution, not the screen's, so point sizes are points.
    document.documentLayout().setPaintDevice(device)
    document.setHtml(slip_html(services, client_language, host_language))
    document.setPageSize(QSizeF(device.width(), device.height()))
    document.print_(device)


def write_slip(services: Sequence[SlipService], client_language: str, host_language: str, out: Path) -> None:
    """Write the slip as a PDF (A4). Needs a QGuiApplication (fonts), not a window."""
    partial = out.with_name(out.name + ".partial")
    writer = QPdfWriter(str(partial))
    writer.setResolution(RESOLUTION)
    writer.setCreator("Caseworker")
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait, QMarginsF(12, 12, 12, 12), QPageLayout.Unit.Millimeter))
    render_slip(services, client_language, host_language, writer)
    del writer  # the PDF is finished when the writer goes
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
        raise ReadOnlyDataDir(folder=str(out.parent)) from exc
