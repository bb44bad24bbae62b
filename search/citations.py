"""A query written as a cable citation is read as the cable's id.

Cable ids join the year, the sending office and the number
(``09OTTAWA265``); REF lines and the people who read them write the parts
apart: ``OTTAWA 265``, ``09 STATE 12345``, ``SECSTATE 12345``.  A query
that is one such citation and nothing else names the cables of the index
with that office and number (any year, when none is written), or the
cited ones its cables' REF lines name, and is searched as those ids are
(the cable first, then the cables citing it).  Without a written year, a
number that reads as a year (``Baghdad 2007``) is taken for the year.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# Cheap test that a query may be a citation at all, before the REF parser is imported.
SHAPE_RE = re.compile(r"(?:\d{2}|\d{4})?\s*[A-Z][A-Z' ]*\s\d{1,8}(?:\s*[-/]\s*\d{2})?")
YEAR_LIKE = range(1950, 2100)


def cited_ids(query: str, known: Callable[[str], bool]) -> list[str]:
    """The ids a citation query names that ``known`` accepts (indexed or cited), newest year first; [] for any other query."""
    text = " ".join(query.upper().split())
    if not SHAPE_RE.fullmatch(text):
        return []
    from cables.index.references import CABLE_RE, canonical_id

    match = CABLE_RE.fullmatch(text)
    if match is None:
        return []
    year_written = match.group("prefix_year") or match.group("suffix_year")
    if not year_written and int(match.group("number")) in YEAR_LIKE:
        return []
    named = dict.fromkeys(canonical_id(text, year) for year in range(2099, 1999, -1))
    return [cable_id for cable_id in named if cable_id is not None and known(cable_id)]
