"""Spelling suggestions from the index's own vocabulary, for queries with no hits."""

from __future__ import annotations

import difflib
import math

from index.stems import read_stem_table


def suggest(engine, word: str) -> str | None:
    """The indexed word closest to ``word`` (similar length and first letter), or None."""
    lowered = word.lower()
    if len(lowered) < 3:
        return None
    vocabulary = [
        candidate
        for candidate in read_stem_table(engine.folder)
        if candidate[:1] == lowered[:1] and abs(len(candidate) - len(lowered)) <= 2
    ]
    close = difflib.get_close_matches(lowered, vocabulary, n=5, cutoff=0.75)
    if not close:
        return None
    return max(close, key=lambda candidate: _similarity(lowered, candidate) + 0.1 * math.log10(1 + _frequency(engine, candidate)))


def _similarity(word: str, candidate: str) -> float:
    """Edit similarity in [0, 1]; a small bonus for frequency then prefers real words over rare typos."""
    return difflib.SequenceMatcher(None, word, candidate).ratio()


def _frequency(engine, candidate: str) -> int:
    """How many paragraphs hold the word's stem (ties go to the commoner word)."""
    return engine.postings.document_frequency("body", engine.stem(candidate))
