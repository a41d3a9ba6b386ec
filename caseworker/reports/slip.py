"""The "where to go" slip: one page the client takes away, each service in the client's language
beside the host language. Drawn by Qt's text engine, which shapes Arabic and Ethiopic and lays
out right-to-left text, into a PDF."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtGui import QPagedPaintDevice

from caseworker.core.directory.records import LocationEntry, PhoneEntry, ServiceEntry
from caseworker.core.i18n import N_, _, fill, format_date
from caseworker.core.services.pathways import ReferralInfo
from caseworker.reports.entry import entry_html
from caseworker.reports.handouts import Block, bilingual_html, render, write_pdf


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


def slip_blocks(services: Sequence[SlipService], client_language: str, heading: SlipHeading = SlipHeading()) -> list[Block]:  # noqa: B008 - frozen
    """The slip's title, then each service: as the client's language has it in their column,
    as it was given (the host language's entry) in the other."""

    def title(_code: str) -> str:
        text = html.escape(_(heading.title))
        if heading.on is not None:
            text += "<br><small>" + html.escape(fill(_("Referred on {date}"), date=format_date(heading.on))) + "</small>"
        return f"<h1>{text}</h1>"

    def service(entry: SlipService) -> Block:
        return lambda code: entry_html(entry.client if code == client_language else entry.host)

    return [title, *(service(entry) for entry in services)]


def slip_html(
    services: Sequence[SlipService], client_language: str, host_language: str, heading: SlipHeading = SlipHeading()  # noqa: B008 - frozen
) -> str:
    return bilingual_html(slip_blocks(services, client_language, heading), client_language, host_language)


def render_slip(
    services: Sequence[SlipService],
    client_language: str,
    host_language: str,
    device: QPagedPaintDevice,
    heading: SlipHeading = SlipHeading(),  # noqa: B008 - frozen
) -> None:
    """Lay the slip out on a page device: a PDF writer, or a printer the person chose."""
    render(slip_html(services, client_language, host_language, heading), device)


def write_slip(
    services: Sequence[SlipService],
    client_language: str,
    host_language: str,
    out: Path,
    heading: SlipHeading = SlipHeading(),  # noqa: B008 - frozen
) -> None:
    """Write the slip as a PDF (A4). Needs a QGuiApplication (fonts), not a window."""
    write_pdf(slip_html(services, client_language, host_language, heading), out)


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
