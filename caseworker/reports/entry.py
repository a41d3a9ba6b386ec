"""A directory entry as a reader sees it, as HTML for Qt's rich text: on screen and in print.
Plain Python: the text comes from the catalogs in the language active when it is called."""

from __future__ import annotations

import html

from caseworker.core.directory.records import ServiceEntry
from caseworker.core.directory.taxonomy import BY_CODE
from caseworker.core.i18n import _, fill, format_date, is_right_to_left, language_name


def entry_html(entry: ServiceEntry) -> str:
    """One entry as a reader sees it: what, where, when, how to reach them, what to bring."""
    e = html.escape

    def section(title: str, body: str) -> str:
        # Labels are translated outside f-strings: gettext's extractor does not look inside them.
        return f"<p><b>{e(title)}:</b> {body}</p>"

    parts = [f"<h2>{e(entry.name)}</h2>", f"<p><i>{e(entry.organization_name)}</i></p>"]
    if entry.verify_locally or entry.assured_date:
        if entry.assured_date:
            note = fill(
                _("Check these details locally before sending someone: last verified {date}."),
                date=format_date(entry.assured_date),
            )
        else:
            note = _("Check these details locally before sending someone.")
        parts.append(f"<p style='color:#8a5300'>{e(note)}</p>")
    if entry.description:
        parts.append(f"<p>{e(entry.description)}</p>")
    categories = [BY_CODE[code].label for code in entry.categories if code in BY_CODE]
    if categories:
        parts.append(section(_("Services"), e(", ".join(categories))))
    where = [", ".join(part for part in (*loc.address_lines, loc.postal_code, loc.city) if part) for loc in entry.locations]
    where = [w for w in where if w]
    if where:
        parts.append(section(_("Where"), "<br>" + "<br>".join(e(w) for w in where)))
    if entry.schedule_lines:
        parts.append(section(_("Opening hours"), "<br>" + "<br>".join(e(s) for s in entry.schedule_lines)))
    # A phone number reads left to right even inside Arabic text: an explicit left-to-right
    # embedding keeps "+44 300 123 1100" from becoming "1100 123 300 44+" (Qt's rich text ignores
    # dir on a span, and a number has no strong letter for an isolate to go by).
    reach = [f"\u202a{e(p.number)}\u202c" for p in entry.phones]
    reach += [f"<a href='mailto:{e(entry.email)}'>{e(entry.email)}</a>"] if entry.email else []
    reach += [f"<a href='{e(entry.url)}'>{e(entry.url)}</a>"] if entry.url else []
    if reach:
        parts.append(section(_("Contact"), "<br>" + "<br>".join(reach)))
    if entry.staff_languages:
        parts.append(section(_("Languages spoken"), e(", ".join(language_name(code) for code in entry.staff_languages))))
    if entry.application_process:
        parts.append(section(_("How to apply"), e(entry.application_process)))
    if entry.required_documents:
        parts.append(section(_("What to bring"), e("; ".join(entry.required_documents))))
    direction = "rtl" if is_right_to_left() else "ltr"
    return f"<div dir='{direction}'>{''.join(parts)}</div>"
