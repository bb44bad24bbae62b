"""Spelling suggestions from the index's own vocabulary, for query words no cable holds."""

from __future__ import annotations

import difflib

from cables.index.analysis import fold
from cables.index.editdistance import edit_distance
from cables.index.varianttable import transliteration_key

SHORT_WORD = 5
"""A word of this many letters or fewer is offered only words one edit away: two edits change most of it (a
journalist's ``Pusan`` was offered ``pan``)."""


def suggest(engine, word: str) -> str | None:
    """The indexed word most cables use among those close to ``word``, or None.

    Close: similar length, spelt alike (difflib ratio at least 0.75) and with
    the same first letter or the same transliteration key (``kadhafi`` may
    become ``qadhafi``).  Among close words those the fewest edits away
    (a swap of two letters is one) come first, then the commonest, then the
    most alike: a journalist's ``Gadhafi`` is better served by the 62
    cables' ``qadhafi`` than by one cable's ``gaddafi`` (each one letter
    away), and ``Abijan`` by ``abidjan`` than by the commoner ``arabian``,
    three edits away.  A short word (:data:`SHORT_WORD`) is offered only a
    word one edit away.
    """
    lowered = fold(word)
    if len(lowered) < 3:
        return None
    key = transliteration_key(lowered)
    vocabulary = [
        candidate
        for candidate in engine.vocabulary()
        if abs(len(candidate) - len(lowered)) <= 2
        and (candidate[:1] == lowered[:1] or (candidate[1:3] == lowered[1:3] and transliteration_key(candidate) == key))
    ]
    most = 1 if len(lowered) <= SHORT_WORD else None
    edits = {
        candidate: edit_distance(lowered, candidate, swaps=True)
        for candidate in difflib.get_close_matches(lowered, vocabulary, n=10, cutoff=0.75)
    }
    close = [candidate for candidate, distance in edits.items() if most is None or distance <= most]
    if not close:
        return None
    return max(close, key=lambda candidate: (-edits[candidate], _frequency(engine, candidate), _similarity(lowered, candidate)))


def _similarity(word: str, candidate: str) -> float:
    """Edit similarity in [0, 1] (breaks ties between equally common words)."""
    return difflib.SequenceMatcher(None, word, candidate).ratio()


def _frequency(engine, candidate: str) -> int:
    """How many paragraphs hold the word's stem (ties go to the commoner word)."""
    return engine.paragraph_frequency(engine.stem_of(candidate))
