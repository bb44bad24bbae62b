"""Posting lists from the whoosh index as numpy arrays.

Scoring and cable-level matching work on whole posting lists at once, so they
are read block by block into arrays of (document number, term frequency)
instead of being walked one posting at a time through whoosh's matchers.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass

import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.query import Phrase

EMPTY_IDS = np.zeros(0, dtype=np.int64)
EMPTY_WEIGHTS = np.zeros(0, dtype=np.float32)
MAX_EXPANSIONS = 500


@dataclass(frozen=True)
class Postings:
    """The documents holding a term and how often it occurs in each.

    Deleted documents are included; callers drop them through the document ->
    cable array, where a deleted document has no cable (-1).
    """

    docs: np.ndarray
    frequencies: np.ndarray


class PostingReader:
    """Reads terms' postings, prefix expansions and phrase matches from one searcher."""

    def __init__(self, searcher) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        self._cache: dict[tuple[str, str], Postings] = {}

    def postings(self, field: str, term: str) -> Postings:
        """All postings of ``term`` in ``field`` (empty when the index lacks it)."""
        key = (field, term)
        if key not in self._cache:
            self._cache[key] = self._read(field, term)
        return self._cache[key]

    def _read(self, field: str, term: str) -> Postings:
        ids: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        for segment, offset in self.reader.leaf_readers():
            if (field, term) not in segment:
                continue
            matcher = segment.postings(field, term)
            while hasattr(matcher, "child"):
                matcher = matcher.child
            block_ids, block_weights = _matcher_arrays(matcher)
            ids.append(block_ids + offset)
            weights.append(block_weights)
        if not ids:
            return Postings(EMPTY_IDS, EMPTY_WEIGHTS)
        return Postings(np.concatenate(ids), np.concatenate(weights))

    def document_frequency(self, field: str, term: str) -> int:
        """How many documents hold the term."""
        return self.reader.doc_frequency(field, term)

    def expand(self, field: str, pattern: str) -> tuple[list[str], bool]:
        """Indexed terms matching a prefix (``embass*``) or wildcard pattern, and whether the cap cut them."""
        terms: list[str] = []
        simple_prefix = pattern.endswith("*") and not any(ch in pattern[:-1] for ch in "*?")
        if simple_prefix:
            candidates = self.reader.expand_prefix(field, pattern[:-1])
        else:
            leading = pattern.split("*")[0].split("?")[0]
            candidates = (t for t in self.reader.expand_prefix(field, leading) if fnmatch.fnmatchcase(_text(t), pattern))
        for term in candidates:
            if len(terms) == MAX_EXPANSIONS:
                return terms, True
            terms.append(_text(term))
        return terms, False

    def phrase_docs(self, field: str, terms: list[str]) -> np.ndarray:
        """Documents where ``terms`` occur consecutively in ``field``."""
        if any(self.document_frequency(field, term) == 0 for term in terms):
            return EMPTY_IDS
        matcher = Phrase(field, terms).matcher(self.searcher)
        return np.fromiter(matcher.all_ids(), dtype=np.int64)


def _text(term: bytes | str) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else term


def _matcher_arrays(matcher) -> tuple[np.ndarray, np.ndarray]:
    """The ids and weights of a leaf matcher, read a block at a time when it has blocks."""
    if isinstance(matcher, W3LeafMatcher):
        ids: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            ids.append(np.asarray(matcher._ids, dtype=np.int64))
            weights.append(np.asarray(matcher._weights, dtype=np.float32))
            matcher._next_block()
        if not ids:
            return EMPTY_IDS, EMPTY_WEIGHTS
        return np.concatenate(ids), np.concatenate(weights)
    pairs = []
    while matcher.is_active():
        pairs.append((matcher.id(), matcher.weight()))
        matcher.next()
    if not pairs:
        return EMPTY_IDS, EMPTY_WEIGHTS
    array = np.asarray(pairs, dtype=np.float64)
    return array[:, 0].astype(np.int64), array[:, 1].astype(np.float32)
