"""Turn a cable's REF block into references, canonicalised to reference ids.

``REF: A. OTTAWA 134 B. 08 STATE 12345`` in a 2009 cable names ``09OTTAWA134``
and ``08STATE12345``.  Items that are not cables (emails, memos, date-time
groups) are kept as text with no id, so nothing the author wrote is lost.
"""

from __future__ import annotations

import re

from cables.index.cable import Reference

PAGE_MARKER_RE = re.compile(r"\b[A-Z][A-Z ]*\s\d{8}\s+\d{3}(?:\.\d)?\s+OF\s+\d{3}\b")
ITEM_MARKER_RE = re.compile(
    r"(?:(?<=^)|(?<=[\s,;]))¶?(?:REF\s+)?"
    r"(?:\([A-Z]\)|[A-Z]\)|[A-Z]\.(?=\s|[A-Z]{2}|\()|[A-Z]:)"
    r"(?:\s*(?:\([A-Z]\)|[A-Z]\)))?"
)
CABLE_RE = re.compile(
    r"^(?:(?P<prefix_year>\d{4}|\d{2})\s*)?"
    r"(?P<origin>[A-Z][A-Z']*(?:\s[A-Z][A-Z']*){0,3})\s*"
    r"(?P<number>\d{1,8})"
    r"(?:\s*[-/]\s*(?P<suffix_year>\d{2}))?"
    r"(?=$|[\s,;.(])"
)
DATE_AFTER_RE = re.compile(
    r"^\s*,?\s*(?:DATED\s+)?\d{1,2}\s+(?:JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)[A-Z]*\.?\s+(?P<year>\d{4}|\d{2})\b"
)
ITEM_SEPARATOR_RE = re.compile(r";|(?<=\d):(?=\s)")
ORIGIN_ALIASES = {"SECSTATE": "STATE", "SECSTATE WASHDC": "STATE", "STATE WASHDC": "STATE"}
NOT_ORIGINS = {
    "EMAIL",
    "MAIL",
    "MEMO",
    "TELCON",
    "FAX",
    "LETTER",
    "PARA",
    "PARAS",
    "PARAGRAPH",
    "SEPTEL",
    "REFTEL",
    "NOTE",
    "DATED",
    "PAGE",
    "SECTION",
    "NUMBER",
    "IIR",
    "TD",
    "DTG",
    "REF",
    "ATTACHMENT",
}
NOT_FIRST_WORDS = {"AND", "OF", "TO", "FROM", "IN", "ON", "AT", "NO", "FOR", "BY", "THE"}


def parse_references(text: str, year: int) -> list[Reference]:
    """Split a REF block into items and name the cable each refers to."""
    text = PAGE_MARKER_RE.sub(" ", text.upper()).strip()
    if not text:
        return []
    references = []
    for item in _items(text):
        references.append(Reference(item, canonical_id(item, year)))
    return references


def _items(text: str) -> list[str]:
    """The items of a REF block, split on their letter markers, semicolons and
    colons after a number (``TEHRAN 1091: TEHRAN 263``)."""
    pieces = []
    for chunk in ITEM_SEPARATOR_RE.split(text):
        pieces.extend(ITEM_MARKER_RE.split(chunk))
    items = []
    for piece in pieces:
        item = re.sub(r"\s+", " ", piece).strip(" ,.;:-")
        if item and item != "REF":
            items.append(item)
    return items


def canonical_id(item: str, year: int) -> str | None:
    """The reference id an item names (``OTTAWA 134`` -> ``09OTTAWA134``), or None."""
    text = item.strip().upper()
    match = CABLE_RE.match(text)
    if not match:
        return None
    origin = ORIGIN_ALIASES.get(match.group("origin"), match.group("origin"))
    words = origin.split()
    if set(words) & NOT_ORIGINS or (words[0] in NOT_FIRST_WORDS and len(words) == 1) or len(origin.replace(" ", "")) < 3:
        return None
    two_digit = match.group("prefix_year") or match.group("suffix_year") or _dated_year(text[match.end() :]) or f"{year % 100:02d}"
    return f"{two_digit[-2:]}{origin.replace(' ', '').replace(chr(39), '')}{int(match.group('number'))}"


def _dated_year(rest: str) -> str | None:
    """The year of a date written after the cable number (``STATE 99488 24 SEP 2009``)."""
    match = DATE_AFTER_RE.match(rest)
    return match.group("year") if match else None
