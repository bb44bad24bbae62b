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
    """The memory-mapped lists of one segment's field; opening maps files, reads nothing."""

    def __init__(self, folder: Path, segment_id: str, field: str) -> None:
        base = folder / FOLDER / segment_id / field
        self._terms = _map_bytes(base.with_suffix(".terms"))
        self._term_starts = _map_array(base.with_suffix(".term_starts"), np.int64)
        self._starts = _map_array(base.with_suffix(".starts"), np.int64)
        self._docs = _map_array(base.with_suffix(".docs"), np.int32)
        self._freqs = _map_array(base.with_suffix(".freqs"), np.uint16)

    def lookup(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """(documents, frequencies) of ``term`` in this segment (empty when absent)."""
        key = term.encode("utf-8")
        low, high = 0, len(self._term_starts) - 1
        while low < high:
            middle = (low + high) // 2
            found = self._terms[self._term_starts.item(middle): self._term_starts.item(middle + 1)]
            if found < key:
                low = middle + 1
            elif found > key:
                high = middle
            else:
                start, end = self._starts.item(middle), self._starts.item(middle + 1)
                return self._docs[start:end], self._freqs[start:end]
        return _EMPTY_DOCS, _EMPTY_FREQS


def _map_bytes(path: Path) -> mmap.mmap | bytes:
    """A read-only map of a file (empty bytes for an empty file, which mmap refuses)."""
    if path.stat().st_size == 0:
        return b""
    with open(path, "rb") as handle:
        return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)


def _map_array(path: Path, dtype) -> np.ndarray:
    """A file of raw values as a read-only array over a memory map (``np.memmap`` costs far more to open)."""
    return np.frombuffer(_map_bytes(path), dtype=dtype)
