"""How query words meet the cables' words: folding, apostrophes, compounds, variants, families, other names.

Each test runs real queries on the bundled seed cables and checks the cables
found against what the cable text itself says.
"""

from __future__ import annotations

import re

import pytest

from index.analysis import fold, normalise
from search.engine import SearchRequest


def _ids(engine, query: str, **options) -> set[str]:
    """Every cable a query matches (all tiers), by id."""
    result = engine.search(SearchRequest(query=query, limit=2000, **options))
    return {hit.id for hit in result.hits}


def _cables_saying(seed_records, pattern: str) -> set[str]:
    """The seed cables whose subject or paragraphs match a regular expression (case-insensitive)."""
    regex = re.compile(pattern, re.IGNORECASE)
    return {
        cable_id for cable_id, record in seed_records.items()
        if regex.search(record.subject) or any(regex.search(p.text) for p in record.paragraphs)
    }


def test_folding_maps_accents_ligatures_special_letters_and_apostrophes():
    assert fold("Chávez") == "chavez" and fold("São Paulo") == "sao paulo" and fold("BOGOTÁ") == "bogota"
    assert fold("Straße") == "strasse" and fold("Œuvre") == "oeuvre" and fold("Æsir") == "aesir"
    assert fold("Søren Łódź") == "soren lodz" and fold("ﬁnance") == "finance"
    assert normalise("Shi’a") == normalise("SHI'A") == "shia" and normalise("CANADA’S") == "canada"


def test_accented_queries_find_the_upper_case_ascii_cables(engine, seed_records):
    """`Chávez`, `São Paulo` and `Bogotá` find exactly the cables the unaccented words find."""
    for accented, plain in (("Chávez", "chavez"), ('"São Paulo"', '"sao paulo"'), ("Bogotá", "bogota")):
        found = _ids(engine, accented)
        assert found and found == _ids(engine, plain)
    assert _cables_saying(seed_records, r"\bchavez\b") <= _ids(engine, "Chávez")


def test_accented_field_values_match(engine):
    """`origin:Bogotá` and `--origin Bogotá` are Embassy Bogota."""
    plain = _ids(engine, "origin:Bogota")
    assert plain and _ids(engine, "origin:Bogotá") == plain == _ids(engine, "", origin=["BOGOTÁ"])
