"""Each whoosh segment's posting lists, also kept as flat memory-mapped arrays.

whoosh keeps a posting list in zlib-compressed, pickled blocks of 128
postings with their positions inside.  Scoring needs whole lists of
(document, frequency) pairs, and decoding blocks costs about a microsecond a
posting: a common word at Cablegate scale has hundreds of thousands.  So each
segment's text fields' lists are also written as plain arrays, which a
query slices out of a memory map without decoding anything; whoosh still
answers phrases, prefix expansions and document frequencies.

Per segment and field, under ``postings/<segment id>/``:

* ``<field>.terms``: the terms (UTF-8), sorted, back to back;
* ``<field>.term_starts``: int64 byte offset of each term, and the end;
* ``<field>.starts``: int64 offset of each term's first posting, and the end;
* ``<field>.docs``: int32 document numbers within the segment;
* ``<field>.freqs``: uint16 term frequencies (saturated at 65,535).
"""

from __future__ import annotations

import mmap
import shutil
from pathlib import Path

import numpy as np

from cables.index.integrity import IndexDamage, require

FOLDER = "postings"
FIELDS = ("body", "subject", "header", "by")
MAX_FREQUENCY = np.iinfo(np.uint16).max
_EMPTY_DOCS = np.zeros(0, dtype=np.int32)
_EMPTY_FREQS = np.zeros(0, dtype=np.uint16)


def matcher_arrays(matcher) -> tuple[np.ndarray, np.ndarray]:
    """The document numbers and weights of a whoosh leaf matcher, a block at a time when it has blocks."""
    from whoosh.codec.whoosh3 import W3LeafMatcher

    if isinstance(matcher, W3LeafMatcher):
        ids: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            ids.append(np.asarray(matcher._ids, dtype=np.int64))
            weights.append(np.asarray(matcher._weights, dtype=np.float32))
            matcher._next_block()
        if ids:
            return np.concatenate(ids), np.concatenate(weights)
    pairs = []
    while matcher.is_active():
        pairs.append((matcher.id(), matcher.weight()))
        matcher.next()
    array = np.asarray(pairs, dtype=np.float64).reshape(-1, 2)
    return array[:, 0].astype(np.int64), array[:, 1].astype(np.float32)


def write_segment_arrays(folder: Path, storage, schema, segment) -> None:
    """Write the arrays of one finished whoosh segment into the generation ``folder``."""
    from whoosh.reading import SegmentReader

    target = folder / FOLDER / segment.segment_id()
    target.mkdir(parents=True, exist_ok=True)
    reader = SegmentReader(storage, schema, segment)
    try:
        for field in FIELDS:
            _write_field(target, field, reader)
    finally:
        reader.close()


def _write_field(target: Path, field: str, reader) -> None:
    """Stream one field's lists into its five files."""
    term_starts, starts = [0], [0]
    with open(target / f"{field}.terms", "wb") as terms, open(target / f"{field}.docs", "wb") as docs, \
            open(target / f"{field}.freqs", "wb") as freqs:
        for term in reader.lexicon(field):
            ids, weights = matcher_arrays(reader.postings(field, term))
            terms.write(term)
            term_starts.append(term_starts[-1] + len(term))
            docs.write(ids.astype(np.int32).tobytes())
            freqs.write(np.minimum(weights, MAX_FREQUENCY).astype(np.uint16).tobytes())
            starts.append(starts[-1] + len(ids))
    np.asarray(term_starts, dtype=np.int64).tofile(target / f"{field}.term_starts")
    np.asarray(starts, dtype=np.int64).tofile(target / f"{field}.starts")


def complete(folder: Path, ix) -> None:
    """Give every segment of ``ix`` its arrays and drop those of segments it no longer has (after an update)."""
    reader = ix.reader()
    try:
        segments = {leaf.segment().segment_id(): leaf.segment() for leaf, _ in reader.leaf_readers()}
    finally:
        reader.close()
    root = folder / FOLDER
    for segment_id, segment in segments.items():
        if not (root / segment_id).is_dir():
            write_segment_arrays(folder, ix.storage, ix.schema, segment)
    for entry in root.iterdir() if root.is_dir() else ():
        if entry.name not in segments:
            shutil.rmtree(entry)


class SegmentArrays:
    """The memory-mapped lists of one segment's field; opening maps files and checks their shapes, reads nothing else.

    A damaged file (wrong shape, offsets or document numbers out of range)
    raises :class:`cables.index.integrity.IndexDamage` naming it, at open or when the
    damaged list is read, instead of an IndexError or a silently wrong answer.
    """

    def __init__(self, folder: Path, segment_id: str, field: str, doc_count: int) -> None:
        base = folder / FOLDER / segment_id / field
        self.name = f"{FOLDER}/{segment_id}/{field}"
        self.doc_count = doc_count
        try:
            self._terms = _map_bytes(base.with_suffix(".terms"))
            self._term_starts = _map_array(base.with_suffix(".term_starts"), np.int64)
            self._starts = _map_array(base.with_suffix(".starts"), np.int64)
            self._docs = _map_array(base.with_suffix(".docs"), np.int32)
            self._freqs = _map_array(base.with_suffix(".freqs"), np.uint16)
        except ValueError as error:
            raise IndexDamage(f"{self.name}: {error}") from None
        self._check_shapes()

    def _check_shapes(self) -> None:
        """The cheap invariants: one offset per term and the end, offsets that start at 0 and end at the data's end."""
        terms, postings = len(self._term_starts), len(self._starts)
        require(terms == postings and terms >= 1, f"{self.name}.starts and .term_starts disagree on the number of terms")
        require(self._term_starts.item(0) == 0 and self._term_starts.item(-1) == len(self._terms), f"{self.name}.term_starts does not span {self.name}.terms")
        require(self._starts.item(0) == 0 and self._starts.item(-1) == len(self._docs) == len(self._freqs),
                f"{self.name}.starts does not span {self.name}.docs and .freqs")

    def check(self) -> None:
        """Every invariant, reading every value (for ``cables check``): offsets rise, each list rises within the segment."""
        require(bool(np.all(np.diff(self._term_starts) >= 0)), f"{self.name}.term_starts does not rise")
        require(bool(np.all(np.diff(self._starts) >= 0)), f"{self.name}.starts does not rise")
        if len(self._docs):
            require(int(self._docs.min()) >= 0 and int(self._docs.max()) < self.doc_count, f"{self.name}.docs holds a document the segment lacks")
            rising = np.diff(self._docs) > 0
            boundaries = self._starts[1:-1]
            rising[boundaries[(boundaries > 0) & (boundaries < len(self._docs))] - 1] = True  # each term's list starts afresh
            require(bool(rising.all()), f"{self.name}.docs holds a list out of order")

    def __len__(self) -> int:
        return len(self._term_starts) - 1

    def lookup(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """(documents, frequencies) of ``term`` in this segment (empty when absent)."""
        found = self._find(term)
        if found is None:
            return _EMPTY_DOCS, _EMPTY_FREQS
        start, end = self._starts.item(found), self._starts.item(found + 1)
        require(0 <= start <= end <= len(self._docs), f"{self.name}.starts holds an offset out of range")
        docs = self._docs[start:end]
        if len(docs):
            require(docs.item(0) >= 0 and docs.item(-1) < self.doc_count and bool(np.all(docs[1:] > docs[:-1])),
                    f"{self.name}.docs holds a document the segment lacks")
        return docs, self._freqs[start:end]

    def count(self, term: str) -> int:
        """How many postings ``term`` has in this segment, read from the offsets alone."""
        found = self._find(term)
        return 0 if found is None else max(0, self._starts.item(found + 1) - self._starts.item(found))

    def _find(self, term: str) -> int | None:
        """The position of ``term`` in the sorted terms, by bisection, or None."""
        key = term.encode("utf-8")
        low, high = 0, len(self)
        while low < high:
            middle = (low + high) // 2
            found = self._terms[self._term_starts.item(middle): self._term_starts.item(middle + 1)]
            if found < key:
                low = middle + 1
            elif found > key:
                high = middle
            else:
                return middle
        return None


def _map_bytes(path: Path) -> mmap.mmap | bytes:
    """A read-only map of a file (empty bytes for an empty file, which mmap refuses)."""
    if path.stat().st_size == 0:
        return b""
    with open(path, "rb") as handle:
        return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)


def _map_array(path: Path, dtype) -> np.ndarray:
    """A file of raw values as a read-only array over a memory map (``np.memmap`` costs far more to open)."""
    return np.frombuffer(_map_bytes(path), dtype=dtype)
