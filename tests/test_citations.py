"""A query written as a REF line writes a cable (``OTTAWA 265``) names the cable's id."""

from __future__ import annotations

from cables.search.citations import cited_ids

KNOWN = {"09OTTAWA265", "05OTTAWA265", "08STATE12345", "07BAGHDAD2007"}


def test_the_written_year_or_every_known_year_newest_first():
    assert cited_ids("OTTAWA 265", KNOWN.__contains__) == ["09OTTAWA265", "05OTTAWA265"]
    assert cited_ids("05 Ottawa 265", KNOWN.__contains__) == ["05OTTAWA265"]


def test_the_telegram_spellings_of_the_department_are_state():
    assert cited_ids("SECSTATE 12345", KNOWN.__contains__) == cited_ids("08 STATE 12345", KNOWN.__contains__) == ["08STATE12345"]


def test_other_queries_name_no_cable():
    """A year-like number with no year written is a year; words, ids and unknown citations name nothing."""
    for query in ("Baghdad 2007", "visa fraud", "09OTTAWA265", "resolution 1325", "OTTAWA 266", "", "265"):
        assert cited_ids(query, KNOWN.__contains__) == [], query
    assert cited_ids("07 BAGHDAD 2007", KNOWN.__contains__) == ["07BAGHDAD2007"]


def test_a_word_saying_what_the_citation_is_is_left_out():
    """`cable 09TRIPOLI697` found nothing: the id was ANDed with the word "cable", which its text does not hold."""
    for query in ("cable 09OTTAWA265", "the 09ottawa265 cable", "Wikileaks cable #09OTTAWA265", "09OTTAWA265 telegram"):
        assert cited_ids(query, KNOWN.__contains__) == ["09OTTAWA265"], query
    for query in ("cable 05 OTTAWA 265", "the 05 OTTAWA 265 telegram"):
        assert cited_ids(query, KNOWN.__contains__) == ["05OTTAWA265"], query
    for query in ("cable 09OTTAWA266", "cable TV", "cable", "The Hague 265", "cable 09OTTAWA265 visa"):
        assert cited_ids(query, KNOWN.__contains__) == [], query
