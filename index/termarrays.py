"""Each whoosh segment's posting lists, also kept as flat memory-mapped arrays.

whoosh keeps a posting list in zlib-compressed, pickled blocks of 128
postings with their positions inside.  Scoring needs whole lists of
(document, frequency) pairs, and decoding blocks costs about a microsecond a
posting: a common word at Cablegate scale has hundreds of thousands.  So each
segment's text fields' lists are also written as plain arrays, which a
query slices out of a memory map without decoding anything: postings,
positions, prefix expansions and document frequencies all come from them.

``postings/segments.json`` lists the segments (id, documents) in
document-number order, so a search needs nothing of whoosh's to find them.
Per segment and field, under ``postings/<segment id>/``:

* ``<field>.terms``: the terms (UTF-8), sorted, back to back;
* ``<field>.term_starts``: int64 byte offset of each term, and the end;
* ``<field>.starts``: int64 offset of each term's first posting, and the end;
* ``<field>.docs``: int32 document numbers within the segment;
* ``<field>.freqs``: uint16 term frequencies (saturated at 65,535);
* ``<field>.positions``: int32 token positions of every posting, in posting
  order, as many per posting as its frequency;
* ``<field>.position_starts``: int64 offset of each term's first position, and the end.

The fields are the text fields and their stop-word fields
(:func:`cables.index.analysis.stop_field`).  Positions count every token, stop
words included, so phrases and ``NEAR`` are answered from these arrays.
"""

from __future__ import annotations

import json
import mmap
import re
import shutil
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path

import numpy as np

from cables.index.analysis import TEXT_FIELDS, stop_field
from cables.index.integrity import IndexDamage, require

FOLDER = "postings"
SEGMENTS_FILE = f"{FOLDER}/segments.json"
SEGMENT_NAME = re.compile(r"[0-9A-Za-z_]{1,80}")  # a whoosh segment id: a safe folder name
FIELDS = TEXT_FIELDS + tuple(stop_field(name) for name in TEXT_FIELDS)
MAX_FREQUENCY = np.iinfo(np.uint16).max
_EMPTY_DOCS = np.zeros(0, dtype=np.int32)
_EMPTY_FREQS = np.zeros(0, dtype=np.uint16)
_EMPTY_POSITIONS = np.zeros(0, dtype=np.int32)


def matcher_arrays(matcher, decode: Callable[[bytes], list[int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The document numbers, frequencies and positions of a whoosh leaf matcher, a block at a time when it has blocks.

    The positions are every posting's, in posting order, at most
    :data:`MAX_FREQUENCY` each (so each posting's share is its saturated
    frequency).  Build side only: the search path reads the arrays.
    """
    from whoosh.codec.whoosh3 import W3LeafMatcher

    ids: list = []
    weights: list = []
    values: list = []
    if isinstance(matcher, W3LeafMatcher):
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            matcher._read_values()
            ids.extend(matcher._ids)
            weights.extend(matcher._weights)
            values.extend(matcher._values)
            matcher._next_block()
    else:
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            values.append(matcher.value())
            matcher.next()
    places = [decode(value)[:MAX_FREQUENCY] for value in values]
    positions = np.fromiter((place for posting in places for place in posting), dtype=np.int32)
    frequencies = np.minimum(np.asarray(weights, dtype=np.float64), MAX_FREQUENCY).astype(np.uint16)
    return np.asarray(ids, dtype=np.int32), frequencies, positions


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
    """Stream one field's lists into its seven files."""
    decode = lru_cache(maxsize=1 << 16)(reader.schema[field].format.decode_positions)  # most postings: one or two small positions
    term_starts, starts, position_starts = [0], [0], [0]
    with (
        open(target / f"{field}.terms", "wb") as terms,
        open(target / f"{field}.docs", "wb") as docs,
        open(target / f"{field}.freqs", "wb") as freqs,
        open(target / f"{field}.positions", "wb") as positions,
    ):
        for term in reader.lexicon(field):
            ids, frequencies, places = matcher_arrays(reader.postings(field, term), decode)
            require(int(frequencies.sum(dtype=np.int64)) == len(places), f"the {field} positions of {term!r} disagree with its frequencies")
            terms.write(term)
            term_starts.append(term_starts[-1] + len(term))
            docs.write(ids.tobytes())
            freqs.write(frequencies.tobytes())
            positions.write(places.tobytes())
            starts.append(starts[-1] + len(ids))
            position_starts.append(position_starts[-1] + len(places))
    np.asarray(term_starts, dtype=np.int64).tofile(target / f"{field}.term_starts")
    np.asarray(starts, dtype=np.int64).tofile(target / f"{field}.starts")
    np.asarray(position_starts, dtype=np.int64).tofile(target / f"{field}.position_starts")


def write_segment_list(folder: Path, segments: list) -> None:
    """Record the whoosh segments of a generation, in document-number order, for readers that do not open whoosh."""
    listed = [[segment.segment_id(), segment.doc_count_all()] for segment in segments]
    (folder / FOLDER).mkdir(exist_ok=True)
    written = folder / f"{SEGMENTS_FILE}.new"
    written.write_text(json.dumps({"segments": listed}), encoding="utf-8")
    written.replace(folder / SEGMENTS_FILE)  # a new file: an update's copy shares the old one with the current generation


def read_segment_list(folder: Path) -> list[tuple[str, int]]:
    """(segment id, document count) of every segment, in document-number order, as :func:`write_segment_list` wrote them."""
    try:
        listed = json.loads((folder / SEGMENTS_FILE).read_text(encoding="utf-8"))["segments"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise IndexDamage(f"{SEGMENTS_FILE} cannot be read: {type(error).__name__}: {error}") from None
    require(
        type(listed) is list
        and all(
            type(entry) is list
            and len(entry) == 2
            and type(entry[0]) is str
            and SEGMENT_NAME.fullmatch(entry[0])
            and type(entry[1]) is int
            and entry[1] >= 0
            for entry in listed
        ),
        f"{SEGMENTS_FILE} is not a list of segments",
    )
    require(len({entry[0] for entry in listed}) == len(listed), f"{SEGMENTS_FILE} names a segment twice")
    return [(segment_id, count) for segment_id, count in listed]


def complete(folder: Path, ix) -> None:
    """Give every segment of ``ix`` its arrays and drop those of segments it no longer has (after an update)."""
    reader = ix.reader()
    try:
        ordered = [leaf.segment() for leaf, _ in reader.leaf_readers()]
    finally:
        reader.close()
    segments = {segment.segment_id(): segment for segment in ordered}
    write_segment_list(folder, ordered)
    root = folder / FOLDER
    for segment_id, segment in segments.items():
        if not (root / segment_id).is_dir():
            write_segment_arrays(folder, ix.storage, ix.schema, segment)
    for entry in root.iterdir() if root.is_dir() else ():
        if entry.is_dir() and entry.name not in segments:
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
            self._positions = _map_array(base.with_suffix(".positions"), np.int32)
            self._position_starts = _map_array(base.with_suffix(".position_starts"), np.int64)
        except ValueError as error:
            raise IndexDamage(f"{self.name}: {error}") from None
        self._check_shapes()

    def _check_shapes(self) -> None:
        """The cheap invariants: one offset per term and the end, offsets that start at 0 and end at the data's end."""
        terms, postings = len(self._term_starts), len(self._starts)
        require(terms == postings and terms >= 1, f"{self.name}.starts and .term_starts disagree on the number of terms")
        require(
            self._term_starts.item(0) == 0 and self._term_starts.item(-1) == len(self._terms),
            f"{self.name}.term_starts does not span {self.name}.terms",
        )
        require(
            self._starts.item(0) == 0 and self._starts.item(-1) == len(self._docs) == len(self._freqs),
            f"{self.name}.starts does not span {self.name}.docs and .freqs",
        )
        require(
            len(self._position_starts) == terms
            and self._position_starts.item(0) == 0
            and self._position_starts.item(-1) == len(self._positions),
            f"{self.name}.position_starts does not span {self.name}.positions",
        )

    def check(self) -> None:
        """Every invariant, reading every value (for ``cables check``): offsets rise, each list rises within the segment."""
        require(bool(np.all(np.diff(self._term_starts) >= 0)), f"{self.name}.term_starts does not rise")
        require(bool(np.all(np.diff(self._starts) >= 0)), f"{self.name}.starts does not rise")
        if len(self._docs):
            require(
                int(self._docs.min()) >= 0 and int(self._docs.max()) < self.doc_count,
                f"{self.name}.docs holds a document the segment lacks",
            )
            rising = np.diff(self._docs) > 0
            boundaries = self._starts[1:-1]
            rising[boundaries[(boundaries > 0) & (boundaries < len(self._docs))] - 1] = True  # each term's list starts afresh
            require(bool(rising.all()), f"{self.name}.docs holds a list out of order")
        require(int(self._freqs.sum(dtype=np.int64)) == len(self._positions), f"{self.name}.positions disagrees with {self.name}.freqs")
        require(bool(np.all(np.diff(self._position_starts) >= 0)), f"{self.name}.position_starts does not rise")
        require(not len(self._positions) or int(self._positions.min()) >= 0, f"{self.name}.positions holds a negative position")

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
            require(
                docs.item(0) >= 0 and docs.item(-1) < self.doc_count and bool(np.all(docs[1:] > docs[:-1])),
                f"{self.name}.docs holds a document the segment lacks",
            )
        return docs, self._freqs[start:end]

    def positions(self, term: str) -> np.ndarray:
        """Every position of ``term`` in this segment, in posting order (each posting's share is its frequency)."""
        found = self._find(term)
        if found is None:
            return _EMPTY_POSITIONS
        start, end = self._position_starts.item(found), self._position_starts.item(found + 1)
        postings = self._freqs[self._starts.item(found) : self._starts.item(found + 1)]
        require(
            0 <= start <= end <= len(self._positions) and end - start == int(postings.sum(dtype=np.int64)),
            f"{self.name}.position_starts disagrees with {self.name}.freqs",
        )
        return self._positions[start:end]

    def terms_from(self, prefix: str) -> Iterator[str]:
        """The terms starting with ``prefix``, in order, found by bisection and read one by one."""
        key = prefix.encode("utf-8")
        for index in range(self._bisect(key), len(self)):
            term = self._term(index)
            if not term.startswith(key):
                return
            yield _text(term, self.name)

    def count(self, term: str) -> int:
        """How many postings ``term`` has in this segment, read from the offsets alone."""
        found = self._find(term)
        return 0 if found is None else max(0, self._starts.item(found + 1) - self._starts.item(found))

    def _find(self, term: str) -> int | None:
        """The position of ``term`` in the sorted terms, by bisection, or None."""
        key = term.encode("utf-8")
        index = self._bisect(key)
        return index if index < len(self) and self._term(index) == key else None

    def _bisect(self, key: bytes) -> int:
        """The position of the first term not below ``key`` (UTF-8 bytes sort as the terms do)."""
        low, high = 0, len(self)
        while low < high:
            middle = (low + high) // 2
            if self._term(middle) < key:
                low = middle + 1
            else:
                high = middle
        return low

    def _term(self, index: int) -> bytes:
        """The bytes of the term at ``index``."""
        return bytes(self._terms[self._term_starts.item(index) : self._term_starts.item(index + 1)])


def _text(term: bytes, name: str) -> str:
    """A term's bytes as text; bytes that are not UTF-8 mean the terms file was damaged."""
    try:
        return term.decode("utf-8")
    except UnicodeDecodeError:
        raise IndexDamage(f"{name}.terms holds a term that is not UTF-8") from None


def _map_bytes(path: Path) -> mmap.mmap | bytes:
    """A read-only map of a file (empty bytes for an empty file, which mmap refuses)."""
    if path.stat().st_size == 0:
        return b""
    with open(path, "rb") as handle:
        return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)


def _map_array(path: Path, dtype) -> np.ndarray:
    """A file of raw values as a read-only array over a memory map (``np.memmap`` costs far more to open)."""
    return np.frombuffer(_map_bytes(path), dtype=dtype)
