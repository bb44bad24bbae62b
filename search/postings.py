"""Posting lists as numpy arrays, and whoosh's term-level answers.

Scoring and cable-level matching work on whole posting lists at once, so they
are sliced out of each segment's memory-mapped arrays (:mod:`cables.index.termarrays`)
rather than walked one posting at a time through whoosh's matchers.  Prefix
expansion, document frequencies and phrase matching come from whoosh.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cables.index.integrity import IndexDamage, require
from cables.index.termarrays import SegmentArrays

EMPTY_IDS = np.zeros(0, dtype=np.int64)
EMPTY_WEIGHTS = np.zeros(0, dtype=np.float32)
MAX_EXPANSIONS = 500


@dataclass(frozen=True)
class Postings:
    """The live documents holding a term and how often it occurs in each.

    A segment's arrays still hold the documents an update or a duplicate
    deleted; they are dropped here, so no query path ever sees one.
    """

    docs: np.ndarray
    frequencies: np.ndarray


@dataclass(frozen=True)
class _Segment:
    """Where one segment's documents sit among all documents, and whether it has deleted ones."""

    id: str
    offset: int
    doc_count: int
    has_deletions: bool


class PostingReader:
    """Reads terms' postings, prefix expansions and phrase matches from one whoosh reader.

    ``live`` marks the documents that are not deleted, over all segments.
    """

    def __init__(self, reader, folder: Path, live: np.ndarray) -> None:
        self.reader = reader
        self._cache: dict[tuple[str, str], Postings] = {}
        self._segments = [
            _Segment(leaf.segment().segment_id(), offset, leaf.doc_count_all(), leaf.has_deletions())
            for leaf, offset in self.reader.leaf_readers()
        ]
        require(sum(segment.doc_count for segment in self._segments) == len(live),
                "the segments and the document arrays disagree on the number of documents")
        self._folder = folder
        self._live = live
        self._arrays: dict[tuple[str, str], SegmentArrays] = {}

    def postings(self, field: str, term: str) -> Postings:
        """All postings of ``term`` in ``field`` (empty when the index lacks it)."""
        key = (field, term)
        if key not in self._cache:
            self._cache[key] = self._read(field, term)
        return self._cache[key]

    def _read(self, field: str, term: str) -> Postings:
        docs: list[np.ndarray] = []
        frequencies: list[np.ndarray] = []
        for segment in self._segments:
            segment_docs, segment_frequencies = self._segment_arrays(segment, field).lookup(term)
            if not len(segment_docs):
                continue
            segment_docs = segment_docs.astype(np.int64) + segment.offset
            segment_frequencies = segment_frequencies.astype(np.float32)
            if segment.has_deletions:
                keep = self._live[segment_docs]
                segment_docs, segment_frequencies = segment_docs[keep], segment_frequencies[keep]
            docs.append(segment_docs)
            frequencies.append(segment_frequencies)
        if not docs:
            return Postings(EMPTY_IDS, EMPTY_WEIGHTS)
        return Postings(np.concatenate(docs), np.concatenate(frequencies))

    def _segment_arrays(self, segment: _Segment, field: str) -> SegmentArrays:
        key = (segment.id, field)
        if key not in self._arrays:
            self._arrays[key] = SegmentArrays(self._folder, segment.id, field, segment.doc_count)
        return self._arrays[key]

    def document_frequency(self, field: str, term: str) -> int:
        """How many live documents hold the term (whoosh's own count includes deleted ones)."""
        total = 0
        for segment in self._segments:
            arrays = self._segment_arrays(segment, field)
            if segment.has_deletions:
                docs, _ = arrays.lookup(term)
                total += int(np.count_nonzero(self._live[docs.astype(np.int64) + segment.offset]))
            else:
                total += arrays.count(term)
        return total

    def expand(self, field: str, pattern: str) -> tuple[list[str], bool]:
        """Indexed terms matching a prefix (``embass*``) or wildcard pattern, and whether the cap cut them."""
        terms: list[str] = []
        simple_prefix = pattern.endswith("*") and not any(ch in pattern[:-1] for ch in "*?")
        with _whoosh_reading(f"the {field} terms matching {pattern!r}"):
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
        """Documents where ``terms`` occur consecutively in ``field``.

        The documents holding every term come from the arrays; only their
        positions are then read from whoosh, block by block, skipping blocks
        that hold none of them.  (whoosh's own phrase matcher walks both
        lists posting by posting in Python: seconds for common words at
        Cablegate scale.)
        """
        candidates = self.postings(field, terms[0]).docs
        for term in terms[1:]:
            candidates = _common(candidates, self.postings(field, term).docs)
        if not len(candidates):
            return EMPTY_IDS
        places = [self._positions(field, term, candidates) for term in dict.fromkeys(terms)]
        at = dict(zip(dict.fromkeys(terms), places, strict=True))
        require(all(len(positions) == len(candidates) for positions in places),
                f"the {field} positions in whoosh's postings disagree with the posting arrays")
        found = [
            doc for doc in candidates.tolist()
            if any(all(start + shift in at[term][doc] for shift, term in enumerate(terms)) for start in at[terms[0]][doc])
        ]
        return np.asarray(found, dtype=np.int64)

    def _positions(self, field: str, term: str, docs: np.ndarray) -> dict[int, set[int]]:
        """The positions of ``term`` in each of ``docs`` (sorted document numbers that all hold it)."""
        decode = self.reader.schema[field].format.decode_positions
        positions: dict[int, set[int]] = {}
        with _whoosh_reading(f"the {field} positions of {term!r}"):
            for leaf, offset in self.reader.leaf_readers():
                local = docs[(docs >= offset) & (docs < offset + leaf.doc_count_all())] - offset
                if not len(local) or (field, term) not in leaf:
                    continue
                for doc, value in _values_of(leaf.postings(field, term), local):
                    positions[doc + offset] = set(decode(value))
        return positions


@contextmanager
def _whoosh_reading(what: str) -> Iterator[None]:
    """Report any failure inside whoosh's readers of our own, pinned-format files as damage naming ``what``.

    whoosh signals a damaged block with bare exceptions (``Exception("Block
    tag error")``, IndexError, ValueError...); on files this engine wrote, any
    of them means the file changed.
    """
    try:
        yield
    except Exception as error:
        raise IndexDamage(f"{what} cannot be read from whoosh's files: {type(error).__name__}: {error}") from None


def _text(term: bytes | str) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else term


def _common(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """The values in both of two sorted arrays of distinct values (posting lists), by binary search."""
    if not len(first) or not len(second):
        return EMPTY_IDS
    where = np.minimum(np.searchsorted(second, first), len(second) - 1)
    return first[second[where] == first]


def _values_of(matcher, docs: np.ndarray) -> Iterator[tuple[int, bytes]]:
    """(document, posting value) for the postings of ``docs`` (sorted, all present), decoding only the blocks that hold them."""
    from whoosh.codec.whoosh3 import W3LeafMatcher

    while hasattr(matcher, "child"):
        matcher = matcher.child
    wanted = set(docs.tolist())
    if not isinstance(matcher, W3LeafMatcher):
        while matcher.is_active():
            if matcher.id() in wanted:
                yield matcher.id(), matcher.value()
            matcher.next()
        return
    first = 0
    while matcher.is_active() and first < len(docs):
        last = int(np.searchsorted(docs, matcher.block_max_id(), side="right"))
        if last > first:
            matcher._read_ids()
            matcher._read_values()
            for doc, value in zip(matcher._ids, matcher._values, strict=True):
                if doc in wanted:
                    yield doc, value
            first = last
        matcher._next_block()
