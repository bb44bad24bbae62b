"""Exact phrases keep their stop words, and NEAR finds words close together, on real cables.

The index keeps a position for every token, stop words included (stop words
themselves in separate fields), so a quoted phrase matches only where its
words, stop words too, stand exactly as typed.  The truth each test compares
with is read from the cable text itself: a field holds a phrase when its
:func:`cables.index.analysis.positioned` entries hold the phrase's, side by side.
"""

from __future__ import annotations

from functools import cache

import pytest

from cables.index.analysis import SnowballStem, is_stem, positioned
from cables.search.engine import SearchRequest
from cables.search.query import QuerySyntaxError, parse
from tests.conftest import CORPUS

STEM = SnowballStem()


def _ids(engine, query: str) -> set[str]:
    return {hit.id for hit in engine.search(SearchRequest(query=query, limit=5000)).hits}


def _texts(record) -> list[str]:
    """The texts of a cable that are indexed as fields: paragraphs, subject, header words."""
    return [paragraph.text for paragraph in record.paragraphs] + [record.subject, record.header_text()]


@cache
def _entries(text: str) -> str:
    """A text's :func:`positioned` entries, space separated and padded (each seed text is analysed once)."""
    return f" {' '.join(positioned(text, STEM))} "


def _holds(text: str, phrase: str) -> bool:
    """Whether a text holds the phrase's words side by side, stop words included."""
    return _entries(phrase) in _entries(text)


def _saying(records, phrase: str) -> set[str]:
    return {record.id for record in records.values() if any(_holds(text, phrase) for text in _texts(record))}


def _within(text: str, first: str, second: str, distance: int) -> bool:
    """Whether a text holds the two words' stems with at most ``distance`` tokens between them."""
    terms = _entries(text).split()
    one, other = positioned(first, STEM)[0], positioned(second, STEM)[0]
    places = [i for i, term in enumerate(terms) if term == one]
    return any(0 < abs(i - j) <= distance + 1 for i in places for j, term in enumerate(terms) if term == other)


def test_has_the_power_needs_its_stop_words(engine, seed_records):
    """`"has the power"` finds only the cables saying it; a cable saying "power" elsewhere is not one."""
    expected = _saying(seed_records, "has the power")
    with_power = _ids(engine, "power")
    assert expected and len(with_power) > 10 * len(expected)
    assert _ids(engine, '"has the power"') == expected
    assert _ids(engine, '"the power of"') == _saying(seed_records, "the power of")


@pytest.mark.parametrize("first, second", [("tie our hands", "tie the hands"), ("goals in Afghanistan", "goals for Afghanistan")])
def test_phrases_differing_in_a_stop_word_find_different_cables(engine, seed_records, first, second):
    """Two phrases with the same stems but another stop word between them are told apart; without the
    stop word, the stems alone are not side by side in either."""
    one, other = _saying(seed_records, first), _saying(seed_records, second)
    assert one and other and not one & other
    assert _ids(engine, f'"{first}"') == one and _ids(engine, f'"{second}"') == other
    words = [word for word in first.split() if positioned(word, STEM)[0][0] != "_"]
    assert not _ids(engine, f'"{" ".join(words)}"') & (one | other)


def test_phrases_with_stop_words_equal_the_text(engine, seed_records):
    """Forty three-word phrases with a stop word in the middle, taken from seed paragraphs, find exactly the cables saying them."""
    records = sorted(seed_records.values(), key=lambda record: record.id)
    phrases = []
    for number, record in enumerate(records[::9]):
        for paragraph in record.paragraphs[number % 3 :]:
            tokens = paragraph.text.split()
            middle = [
                i
                for i in range(1, len(tokens) - 1)
                if positioned(tokens[i], STEM) in (["_the"], ["_of"], ["_to"], ["_in"], ["_and"])
                and all(tokens[j].isalpha() and tokens[j].isascii() and is_stem(positioned(tokens[j], STEM)[0]) for j in (i - 1, i + 1))
            ]
            if middle:
                phrases.append(" ".join(tokens[middle[number % len(middle)] - 1 : middle[number % len(middle)] + 2]))
                break
        if len(phrases) == 40:
            break
    assert len(phrases) == 40
    for phrase in phrases:
        assert _ids(engine, f'"{phrase}"') == _saying(seed_records, phrase), phrase


def test_near_finds_words_within_the_distance(engine, seed_records):
    """`visa NEAR/5 fraud` finds the cables with the words at most five words apart in one text; a cable
    with both in one paragraph but farther apart is found by a wider NEAR only."""

    def near(distance: int) -> set[str]:
        return {record.id for record in seed_records.values() if any(_within(text, "visa", "fraud", distance) for text in _texts(record))}

    close, wide = near(5), near(1000)
    assert close and wide - close
    assert _ids(engine, "visa NEAR/5 fraud") == close
    assert _ids(engine, "visa NEAR/1000 fraud") == wide
    assert _ids(engine, "fraud NEAR/5 visa") == close
    assert _ids(engine, "visa NEAR fraud") == near(10)


def test_near_counts_stop_words_as_words(engine, seed_records):
    """`tie NEAR/1 hands` allows one word between: "tie our hands" and "tie the hands" both; NEAR/0 neither."""
    both = _saying(seed_records, "tie our hands") | _saying(seed_records, "tie the hands")
    assert both <= _ids(engine, "tie NEAR/1 hands")
    assert not both & _ids(engine, "tie NEAR/0 hands")


@pytest.mark.parametrize(
    "query, message",
    [
        ("visa NEAR/x fraud", "whole number"),
        ("visa NEAR/", "whole number"),
        ("visa NEAR", "needs a word on its right"),
        ("NEAR visa", "needs something on its left"),
        ('visa NEAR "a phrase"', "joins two words"),
        ("visa NEAR the", "common word"),
    ],
)
def test_bad_near_is_a_query_error(query, message):
    with pytest.raises(QuerySyntaxError, match=message):
        parse(query)


CORPUS_CABLES = ("06TRIPOLI198", "08HAVANA168", "10CAIRO338", "10REYKJAVIK31", "08ADDISABABA286", "10RIYADH184")


@pytest.fixture(scope="module")
def corpus_engine(tmp_path_factory):
    """An index of six shared-corpus cables that write "(re)distribute(d) information" or "has the power"."""
    from cables.index.build import rebuild
    from cables.search.engine import Engine

    files = [CORPUS / "cables" / f"{cable_id}.txt" for cable_id in CORPUS_CABLES]
    if not all(path.is_file() for path in files):
        pytest.skip(f"shared corpus not present at {CORPUS} (a fresh clone has none)")
    location = tmp_path_factory.mktemp("phrases") / "index"
    rebuild(location, files)
    opened = Engine(location)
    yield opened
    opened.close()


def test_a_phrase_does_not_close_up_over_another_stop_word(corpus_engine):
    """ "distribute information on" is in none of these cables, though two write the two words side by side
    ("distributed information tracing", "distribute information. Many") and one "redistribute information and"."""
    assert _ids(corpus_engine, '"distribute information"') == {"06TRIPOLI198", "08HAVANA168"}
    assert _ids(corpus_engine, '"distribute information on"') == set()
    assert _ids(corpus_engine, '"redistribute information and"') == {"10CAIRO338"}
    assert _ids(corpus_engine, '"redistribute information on"') == set()
    assert _ids(corpus_engine, '"has the power"') == {"10REYKJAVIK31", "08ADDISABABA286", "10RIYADH184"}
