"""Posting lists, positions and terms as numpy arrays, read from each segment's memory-mapped files.

Scoring and cable-level matching work on whole posting lists at once, so they
are sliced out of each segment's arrays (:mod:`cables.index.termarrays`) rather
than walked one posting at a time.  Phrases and ``NEAR`` come from the same
files' positions, compared as whole arrays; prefix expansion bisects the
sorted terms, and document frequencies come from the offsets.  Nothing here
imports whoosh.
"""

from __future__ import annotations

import fnmatch
import heapq
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

import numpy as np

from cables.index.analysis import STOP_MARK, is_stem, stop_field
from cables.index.integrity import require
from cables.index.store import WHOOSH_FOLDER
from cables.index.termarrays import SegmentArrays
from cables.search.cache import BoundedCache

EMPTY_IDS = np.zeros(0, dtype=np.int64)
EMPTY_WEIGHTS = np.zeros(0, dtype=np.float32)
MAX_EXPANSIONS = 500
POSTINGS_BUDGET = 256 * 2**20
"""Bytes of posting lists a reader keeps between requests (a common word's list at full size is several MB)."""
PHRASES_BUDGET = 64 * 2**20
"""Bytes of phrase matches (document numbers) a reader keeps between requests."""
# A document and a position as one sortable int64: the document above these bits, the position below.
POSITION_BITS = 32


@dataclass(frozen=True)
class Postings:
    """The live documents holding a term and how often it occurs in each.

    A segment's arrays still hold the documents an update or a duplicate
    deleted; they are dropped here, so no query path ever sees one.
    """

    docs: np.ndarray
    frequencies: np.ndarray


@dataclass(frozen=True)
class Segment:
    """One segment of the index: its id and how many documents it numbers (deleted ones included)."""

    id: str
    doc_count: int


@dataclass(frozen=True)
class _Placed:
    """A segment and where its documents sit among all documents."""

    id: str
    offset: int
    doc_count: int
    deleted: np.ndarray
    """The segment's deleted documents, numbered within it, sorted (an update's or a duplicate's; mostly none)."""

    @property
    def has_deletions(self) -> bool:
        """True when some document of the segment is deleted."""
        return bool(len(self.deleted))


class PostingReader:
    """Reads terms' postings, positions, prefix expansions and phrase matches from a generation's arrays.

    ``segments`` lists the segments in document-number order; ``deleted``
    holds the numbers of the deleted documents over all segments, sorted.
    """

    def __init__(self, folder: Path, segments: list[Segment], deleted: np.ndarray) -> None:
        offsets = np.cumsum([0] + [segment.doc_count for segment in segments])
        require(
            not len(deleted) or (int(deleted[0]) >= 0 and int(deleted[-1]) < offsets.item(-1)),
            "the segments and the document arrays disagree on the number of documents",
        )
        bounds = np.searchsorted(deleted, offsets)
        self._segments = [
            _Placed(segment.id, int(offset), segment.doc_count, deleted[low:high] - offset)
            for segment, offset, low, high in zip(segments, offsets, bounds, bounds[1:], strict=False)  # offsets: one more, the end
        ]
        self._folder = folder / WHOOSH_FOLDER
        self._cache: BoundedCache[Postings] = BoundedCache(POSTINGS_BUDGET, _postings_bytes)
        self._phrases: BoundedCache[np.ndarray] = BoundedCache(PHRASES_BUDGET, _array_bytes)
        self._arrays: dict[tuple[str, str], SegmentArrays] = {}

    @property
    def kept_bytes(self) -> int:
        """The bytes of posting lists and phrase matches kept now for later requests."""
        return self._cache.held + self._phrases.held

    def postings(self, field: str, term: str) -> Postings:
        """All postings of ``term`` in ``field`` (empty when the index lacks it), kept within :data:`POSTINGS_BUDGET`."""
        return self._cache.get((field, term), lambda: self._read(field, term))

    def _read(self, field: str, term: str) -> Postings:
        """Each segment's list, its deleted documents dropped, numbered among all documents, one after another.

        A segment's live postings are the runs between its deleted ones,
        gathered with every other segment's into the one copy the result
        needs, not copied once to drop them and again to join the segments.
        """
        docs: list[np.ndarray] = []
        frequencies: list[np.ndarray] = []
        for segment in self._segments:
            segment_docs, segment_frequencies = self._segment_arrays(segment, field).lookup(term)
            if not len(segment_docs):
                continue
            dropped = _positions_of(segment.deleted, segment_docs).tolist() if segment.has_deletions else []
            segment_docs += segment.offset  # a decoded list is a new int64 array: numbered in place
            for start, end in zip([0] + [place + 1 for place in dropped], dropped + [len(segment_docs)], strict=True):
                if start < end:
                    docs.append(segment_docs[start:end])
                    frequencies.append(segment_frequencies[start:end])
        if not docs:
            return Postings(EMPTY_IDS, EMPTY_WEIGHTS)
        if len(docs) == 1:
            return Postings(docs[0], frequencies[0].astype(np.float32))
        return Postings(np.concatenate(docs), np.concatenate(frequencies).astype(np.float32))

    def _segment_arrays(self, segment: _Placed, field: str) -> SegmentArrays:
        key = (segment.id, field)
        if key not in self._arrays:
            self._arrays[key] = SegmentArrays(self._folder, segment.id, field, segment.doc_count)
        return self._arrays[key]

    def document_frequency(self, field: str, term: str) -> int:
        """How many live documents hold the term.

        Counted from each segment's offsets without reading a list; when a
        segment holding the term has deleted documents, its live postings are
        read instead (and kept: the search that asks reads them next anyway).
        """
        total = 0
        for segment in self._segments:
            count = self._segment_arrays(segment, field).count(term)
            if count and segment.has_deletions:
                return len(self.postings(field, term).docs)
            total += count
        return total

    def expand(self, field: str, pattern: str) -> tuple[list[str], bool]:
        """Indexed terms matching a prefix (``embass*``) or wildcard pattern, and whether the cap cut them.

        Each segment's sorted terms are bisected to the pattern's literal
        start and read from there while they keep it; the segments' runs are
        merged in order.
        """
        leading = pattern.split("*")[0].split("?")[0]
        simple_prefix = pattern == leading + "*"
        runs = [self._segment_arrays(segment, field).terms_from(leading) for segment in self._segments]
        terms: list[str] = []
        for term, _ in groupby(heapq.merge(*runs)):
            if simple_prefix or fnmatch.fnmatchcase(term, pattern):
                if len(terms) == MAX_EXPANSIONS:
                    return terms, True
                terms.append(term)
        return terms, False

    def phrase_docs(self, field: str, terms: list[str]) -> np.ndarray:
        """Documents where ``terms`` (entries of :func:`cables.index.analysis.positioned`) stand in ``field`` as given.

        Kept as postings are (within :data:`PHRASES_BUDGET`): a split
        compound is looked up as a phrase when the query is expanded, then
        again when its alternative is matched.
        """
        return self._phrases.get((field, tuple(terms)), lambda: self._phrase_docs(field, terms))

    def _phrase_docs(self, field: str, terms: list[str]) -> np.ndarray:
        """Find the documents of :meth:`phrase_docs`.

        Each stem must be at its place in the field, each stop word at its
        place in the field's stop words; a bare gap (a redaction) is any
        token.  Every required term's positions, in the documents holding
        all of them, become (document, position - place) keys; the phrase
        starts where every term's keys meet.
        """
        required = _required(field, terms)
        if not required:
            return EMPTY_IDS
        candidates = self._holding(required)
        starts = None
        for place, name, term in sorted(required, key=lambda entry: self.document_frequency(entry[1], entry[2])):
            if not len(candidates):
                return EMPTY_IDS
            owners, positions = self._positions(name, term, candidates)
            keep = positions >= place
            keys = (owners[keep] << POSITION_BITS) | (positions[keep] - place)
            starts = keys if starts is None else np.intersect1d(starts, keys, assume_unique=True)
            candidates = distinct(starts >> POSITION_BITS)
        return candidates

    def near_docs(self, field: str, first: str, second: str, distance: int) -> np.ndarray:
        """Documents where stems ``first`` and ``second`` occur in ``field``, at most ``distance`` tokens apart, in either order."""
        candidates = self._holding([(0, field, first), (0, field, second)])
        if not len(candidates):
            return EMPTY_IDS
        owners, positions = self._positions(field, first, candidates)
        keys = (owners << POSITION_BITS) | positions
        other_owners, other_positions = self._positions(field, second, candidates)
        others = (other_owners << POSITION_BITS) | other_positions
        return distinct(owners[_within(keys, others, distance + 1)])

    def _holding(self, required: list[tuple[int, str, str]]) -> np.ndarray:
        """The live documents holding every required term."""
        holders = None
        for _, name, term in required:
            docs = self.postings(name, term).docs
            holders = docs if holders is None else _common(holders, docs)
        return holders if holders is not None else EMPTY_IDS

    def _positions(self, field: str, term: str, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(document, position) of every occurrence of ``term`` in the sorted live documents ``docs``, document by document."""
        owners: list[np.ndarray] = []
        places: list[np.ndarray] = []
        for segment in self._segments:
            low, high = np.searchsorted(docs, (segment.offset, segment.offset + segment.doc_count))
            if low == high:
                continue
            segment_docs, frequencies = self._whole_list(segment, field, term)
            positions = self._segment_arrays(segment, field).positions(term)
            counts = frequencies.astype(np.int64)
            wanted = _positions_of(docs[low:high], segment_docs)  # the candidates are few beside a common term's list
            first = np.cumsum(counts) - counts
            owners.append(np.repeat(segment_docs[wanted], counts[wanted]))
            places.append(positions[ranges(first[wanted], counts[wanted])].astype(np.int64))
        if not owners:
            return EMPTY_IDS, EMPTY_IDS
        return np.concatenate(owners), np.concatenate(places)

    def _whole_list(self, segment: _Placed, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        """A segment's whole list of ``term``, documents numbered among all, in posting order (its positions' order).

        Without deleted documents it is the segment's run of the live
        postings the search has already read (:meth:`postings`); with them,
        the list is decoded again, deleted documents and all, since the
        positions follow every posting.  A phrase looks each of its words
        up in every segment, often a common word's long list: decoding it a
        second time was about 60% of a two-word phrase's time at 251,287
        cables.
        """
        if not segment.has_deletions:
            listed = self.postings(field, term)
            low, high = np.searchsorted(listed.docs, (segment.offset, segment.offset + segment.doc_count))
            return listed.docs[low:high], listed.frequencies[low:high]
        docs, frequencies = self._segment_arrays(segment, field).lookup(term)
        return docs + segment.offset, frequencies


def _postings_bytes(postings: Postings) -> int:
    """The bytes a posting list's arrays hold."""
    return postings.docs.nbytes + postings.frequencies.nbytes


def _array_bytes(values: np.ndarray) -> int:
    """The bytes an array holds."""
    return values.nbytes


def distinct(values: np.ndarray) -> np.ndarray:
    """The sorted distinct values of a 1-D array, as ``np.unique`` gives them.

    ``np.unique`` without its ``return_*`` options imports ``numpy.ma`` (numpy
    2.4 does, to ask whether the array is masked), a few percent of a cold
    ``cables search``; sorting and keeping each first value costs no import.
    """
    ordered = np.sort(values)
    return ordered[_firsts(ordered)]


def distinct_inverse(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The sorted distinct values of a 1-D array and where each value stands among them: ``np.unique(values, return_inverse=True)``.

    Values that are a few sorted runs one after another (posting lists, one
    per stem or group) are put in order by a stable sort (timsort), which
    merges the runs in about a pass; ``np.unique`` sorts them from scratch.
    """
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    first = _firsts(ordered)
    inverse = np.empty(len(values), dtype=np.intp)
    inverse[order] = np.cumsum(first) - 1
    return ordered[first], inverse


def _firsts(ordered: np.ndarray) -> np.ndarray:
    """A mask of the sorted values that differ from the one before them (each distinct value's first)."""
    first = np.ones(len(ordered), dtype=bool)
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    return first


def _within(keys: np.ndarray, others: np.ndarray, reach: int) -> np.ndarray:
    """Which of the (document, position) ``keys`` have one of the sorted ``others`` at most ``reach`` places before or after."""
    after = np.searchsorted(others, keys, side="right")
    before = np.searchsorted(others, keys, side="left") - 1
    near_after = (after < len(others)) & (others[np.minimum(after, len(others) - 1)] - keys <= reach)
    near_before = (before >= 0) & (keys - others[np.maximum(before, 0)] <= reach)
    return near_after | near_before


def _required(field: str, terms: list[str]) -> list[tuple[int, str, str]]:
    """(place, field, term) of each stem and stop word of a phrase, places counted from its first word."""
    places = [place for place, term in enumerate(terms) if term != STOP_MARK]
    if not places:
        return []
    return [
        (place - places[0], field, term) if is_stem(term) else (place - places[0], stop_field(field), term[len(STOP_MARK) :])
        for place, term in enumerate(terms)
        if term != STOP_MARK
    ]


def ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The indices of the runs [start, start + length), one run after another."""
    total = int(lengths.sum())
    if not total:
        return EMPTY_IDS
    run_starts = np.cumsum(lengths) - lengths
    return np.arange(total, dtype=np.int64) - np.repeat(run_starts - starts, lengths)


def _positions_of(values: np.ndarray, sorted_values: np.ndarray) -> np.ndarray:
    """Where the sorted ``values`` stand in the sorted ``sorted_values`` (those it holds), in order: a bisection each."""
    where = np.searchsorted(sorted_values, values)
    inside = where < len(sorted_values)
    where, values = where[inside], values[inside]
    return where[sorted_values[where] == values]


def members(values: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """A mask of the sorted ``values`` that are in the sorted ``wanted``."""
    if not len(values) or not len(wanted):
        return np.zeros(len(values), dtype=bool)
    where = np.minimum(np.searchsorted(wanted, values), len(wanted) - 1)
    return wanted[where] == values


def _common(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """The values in both of two sorted arrays of distinct values (posting lists), the shorter one's bisected into the longer."""
    if len(first) > len(second):
        first, second = second, first
    return first[members(first, second)]
