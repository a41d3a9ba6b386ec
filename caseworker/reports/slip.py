"""The "where to go" slip: one page the client takes away, each service in the client's language
beside the host language. Drawn by Qt's text engine, which shapes Arabic and Ethiopic and lays
out right-to-left text, into a PDF."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSizeF
from PySide6.QtGui import (
    QPagedPaintDevice,
    QTextDocument,
)

from caseworker.core.directory.records import LocationEntry, PhoneEntry, ServiceEntry
from caseworker.core.i18n import N_, _, fill, format_date, is_right_to_left, speaking
from caseworker.core.services.pathways import ReferralInfo
from caseworker.reports.entry import entry_html
from caseworker.reports.output import a4_pdf_writer, finish, partial_for


@dataclass(frozen=True, slots=True)
class SlipService:
    """One service as the client reads it and as the host language says it."""

    client: ServiceEntry
    host: ServiceEntry


WHERE_TO_GO = N_("Where to go")
YOUR_REFERRAL = N_("Your referral")


@dataclass(frozen=True, slots=True)
class SlipHeading:
    """What the slip is (a msgid, translated into each column's language) and, for a referral,
    the day it was made."""

    title: str = WHERE_TO_GO
    on: dt.date | None = None


def slip_html(
    services: Sequence[SlipService], client_language: str, host_language: str, heading: SlipHeading = SlipHeading()  # noqa: B008 - frozen
) -> str:
    """Two columns per service: the client's language first (on the right if it is written right
    to left), the host language beside it, so that anyone at the service can read it too."""

    def column(code: str, entry: ServiceEntry) -> str:
        direction = "rtl" if is_right_to_left(code) else "ltr"
        with speaking(code):
            return f"<td width='50%' dir='{direction}' valign='top'>{entry_html(entry)}</td>"

    def title(code: str) -> str:
        direction = "rtl" if is_right_to_left(code) else "ltr"
        with speaking(code):
            text = html.escape(_(heading.title))
            if heading.on is not None:
                text += "<br><small>" + html.escape(fill(_("Referred on {date}"), date=format_date(heading.on))) + "</small>"
        return f"<td dir='{direction}'><h1>{text}</h1></td>"

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
    services: Sequence[SlipService],
    client_language: str,
    host_language: str,
    device: QPagedPaintDevice,
    heading: SlipHeading = SlipHeading(),  # noqa: B008 - frozen
) -> None:
    """Lay the slip out on a page device: a PDF writer, or a printer the person chose."""
    document = QTextDocument()
    # Lay the text out for the device's resolution, not the screen's, so point sizes are points.
    document.documentLayout().setPaintDevice(device)
    document.setHtml(slip_html(services, client_language, host_language, heading))
    document.setPageSize(QSizeF(device.width(), device.height()))
    document.print_(device)


def write_slip(
    services: Sequence[SlipService],
    client_language: str,
    host_language: str,
    out: Path,
    heading: SlipHeading = SlipHeading(),  # noqa: B008 - frozen
) -> None:
    """Write the slip as a PDF (A4). Needs a QGuiApplication (fonts), not a window."""
    partial = partial_for(out)
    writer = a4_pdf_writer(partial, 12)
    render_slip(services, client_language, host_language, writer, heading)
    del writer  # the PDF is finished when the writer goes
    finish(partial, out)


def referral_entry(referral: ReferralInfo) -> ServiceEntry:
    """A referral's snapshot of the service, as an entry the slip can print: what the person was
    given on the day, whatever the directory says now."""
    return ServiceEntry(
        id=referral.service_id,
        name=referral.service_name,
        description="",
        organization_id="",
        organization_name=referral.organization_name,
        status="active",
        url=referral.url,
        email=referral.email,
        locations=(LocationEntry(id="", address_lines=(referral.address,)),) if referral.address else (),
        phones=tuple(PhoneEntry(number) for number in referral.phone.split("; ") if number),
        categories=(referral.category,) if referral.category else (),
        required_documents=tuple(d for d in referral.documents.split("; ") if d),
    )
