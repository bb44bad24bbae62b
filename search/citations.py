"""A query written as a cable citation is read as the cable's id.

Cable ids join the year, the sending office and the number
(``09OTTAWA265``); REF lines and the people who read them write the parts
apart: ``OTTAWA 265``, ``09 STATE 12345``, ``SECSTATE 12345``.  A query
that is one such citation and nothing else names the cables of the index
with that office and number (any year, when none is written), or the
cited ones its cables' REF lines name, and is searched as those ids are
(the cable first, then the cables citing it).  Without a written year, a
number that reads as a year (``Baghdad 2007``) is taken for the year.  A
REF line pasted whole (``REF: A. CAIRO 2391 B. CAIRO 2396``) names the
cables of its items.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from cables.search.query import CABLE_ID_RE

# Cheap test that a query may be a citation at all, before the REF parser is imported.
SHAPE_RE = re.compile(r"(?:\d{2}|\d{4})?\s*[A-Z][A-Z' ]*\s\d{1,8}(?:\s*[-/]\s*\d{2})?")
YEAR_LIKE = range(1950, 2100)
REF_LINE_RE = re.compile(r"REF(?:S|TEL|TELS)?\s*:?\s+(?=\S)")
"""A REF line pasted whole (``REF: A. CAIRO 2391 B. CAIRO 2396``): its items are the citations."""
LABELS = frozenset({"CABLE", "CABLES", "TELEGRAM", "TELEGRAMS", "TEL", "WIKILEAKS", "CABLEGATE", "ID"})
"""Words that say what a citation is rather than what the cable says (``cable 09TRIPOLI697``)."""
YEARS = range(2099, 1999, -1)
"""The years a citation without one may mean (as two digits, newest first); a written year is used as written."""


def cited_ids(query: str, known: Callable[[str], bool]) -> list[str]:
    """The ids a citation query or a pasted REF line names that ``known`` accepts (indexed or cited), newest year first;
    [] for any other query.  A word naming what a citation is (``cable 09TRIPOLI697``, ``the OTTAWA 265 telegram``)
    is no word of the cable and is left out; an id typed alone is the query parser's (``id:`` or ``ref:``)."""
    words = query.upper().split()
    text = _unlabelled(words)
    ref_line = REF_LINE_RE.match(text)
    if ref_line:
        return _ref_line_ids(text[ref_line.end() :], known)
    for candidate in dict.fromkeys((text, text.removeprefix("THE "))):
        single = candidate.lstrip("#")
        if CABLE_ID_RE.fullmatch(single):
            return [single] if candidate != " ".join(words) and known(single) else []
        ids = _citation_ids(candidate, known)
        if ids:
            return ids
    return []


def _citation_ids(text: str, known: Callable[[str], bool]) -> list[str]:
    """The ids one citation (upper case, single spaces) names that ``known`` accepts, newest year first."""
    if not SHAPE_RE.fullmatch(text):
        return []
    from cables.index.references import CABLE_RE, canonical_id

    match = CABLE_RE.fullmatch(text)
    if match is None:
        return []
    year_written = match.group("prefix_year") or match.group("suffix_year")
    if not year_written and int(match.group("number")) in YEAR_LIKE:
        return []
    named = dict.fromkeys(canonical_id(text, year) for year in (YEARS if not year_written else YEARS[:1]))
    return [cable_id for cable_id in named if cable_id is not None and known(cable_id)]


def _unlabelled(words: list[str]) -> str:
    """An upper-case query's words without the label words before or after them (``CABLE``, ``TELEGRAM``,
    ``WIKILEAKS``), when something else is left, joined by single spaces."""
    words = list(words)
    while len(words) > 1 and words[0] in LABELS:
        words.pop(0)
    while len(words) > 1 and words[-1] in LABELS:
        words.pop()
    return " ".join(words)


def _ref_line_ids(block: str, known: Callable[[str], bool]) -> list[str]:
    """The cables a REF line's items name, read as a cable's REF block is read, each item in every year it may mean."""
    from cables.index.references import parse_references

    named = dict.fromkeys(reference.id for year in YEARS for reference in parse_references(block, year) if reference.id)
    return [cable_id for cable_id in named if known(cable_id)]
