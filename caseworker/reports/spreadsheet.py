"""Text put in a spreadsheet cell, CSV or XLSX, so that a spreadsheet program shows it and never
runs it. A label beginning with = + - @ (or a tab or carriage return, which some programs skip
before looking) would be read as a formula: "=HYPERLINK(…)" in a service's name could send the
funder's officer anywhere. A leading apostrophe makes it plain text in every program."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text
