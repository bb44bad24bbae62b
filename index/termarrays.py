"""Posting lists as flat memory-mapped arrays: the one copy of every list.

The direct segment writer (:mod:`cables.index.segmentwriter`, rebuilds and
updates) and the index's whoosh codec (:mod:`cables.index.codec`, whoosh's
merges) write each segment's postings as plain arrays beside whoosh's own
files, in the same format, and both whoosh (for
``update``'s merges and its own searcher) and the search path read them: a
query slices a list out of a memory map and decodes its documents with a
few whole-array numpy steps, and phrases, prefix expansions and document frequencies come from the same files.

Per segment and indexed field, in the whoosh folder, one file named
``<segment id>.<field>.pack`` holds these arrays:

* ``terms``: the terms (UTF-8), sorted, back to back;
* ``term_starts``: the byte offset of each term, and the end;
* ``starts``: the offset of each term's first posting, and the end;
* ``docs``: document numbers within the segment, rising within each list,
  stored as one-byte gaps (see below);
* ``doc_exceptions``: the gaps too large for one byte, in order;
* ``doc_exception_starts``: the offset of each term's first exception, and
  the end;
* ``freqs``: term frequencies;
* ``positions`` (fields with positions only): token positions of every
  posting, in posting order, as many per posting as its frequency;
* ``position_starts``: the offset of each term's first position, and the end.

A pack starts with a table (:data:`MAGIC`, the number of arrays, then each
array's kind, value width in bytes, byte offset and number of values), and
each array follows at an offset aligned to :data:`ALIGN` bytes, in
:data:`KINDS` order.  Every array but ``terms`` holds unsigned integers, as
narrow as its largest value allows (positions mostly fit 16 bits,
frequencies and document gaps 8), widened while it is written when a larger
value comes.  A field with no postings in a segment has no pack.  One file
per segment field, rather than one per array, is what a search opens: at
251,287 cables a query opened 148 array files and spent about a fifth of
its time in the kernel opening, mapping and unmapping them
(bench/README.md, "One pack per segment field").

A list's documents are stored as gaps, the standard inverted-index
compression: each document's distance from the one before, the first
counted from -1, so every gap is at least 1.  A gap up to
:data:`LARGEST_GAP` is one byte in ``docs``; a larger one (the first of a
rare term's list, mostly) is :data:`EXCEPTION` (0, which no gap is) in
``docs`` and its value in ``doc_exceptions``, in the file's own width.
Reading a list decodes it with numpy (the exceptions put in place, then a
running sum), never one posting at a time; counting its zero codes checks
it against its exceptions.  At 251,287
cables this stores the documents in 0.33 GB instead of 0.88 GB
(bench/README.md).

``postings/segments.json`` lists the segments (id, documents) in
document-number order, so a search needs nothing of whoosh's to find them.
Positions count every token, stop words included, so phrases and ``NEAR``
are answered from these arrays.
"""

from __future__ import annotations

import json
import mmap
import os
import re
import struct
from array import array
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO, NamedTuple

import numpy as np

from cables.index.integrity import IndexDamage, require

FOLDER = "postings"
SEGMENTS_FILE = f"{FOLDER}/segments.json"
SEGMENT_NAME = re.compile(r"[0-9A-Za-z_]{1,80}")  # a whoosh segment id: a safe file name prefix
PACK = "pack"
"""The file name ending of a segment field's pack: ``<segment id>.<field>.pack``."""
MAGIC = b"CBLApak1"
TABLE_START = struct.Struct("<8sQ")
"""A pack's first bytes: :data:`MAGIC` and how many arrays its table lists."""
TABLE_ENTRY = struct.Struct("<24sQQQ")
"""One array in a pack's table: its kind (ASCII, NUL-padded), value width in bytes, byte offset and number of values."""
ALIGN = 8
"""Every array in a pack starts at a multiple of this many bytes, so each can be read in place."""
KINDS = ("terms", "term_starts", "starts", "doc_exception_starts", "position_starts", "doc_exceptions", "docs", "freqs", "positions")
"""The arrays of a pack, in file order: the terms and offsets a term lookup needs first, the large lists after them."""
FIRST_READ = 1 << 12
"""How much of a file :func:`_start_and_map` reads before it decides to map it: one page (a pack's table fits in it)."""
WIDTHS = (np.uint8, np.uint16, np.uint32, np.uint64)
_WIDTH_TYPES = {np.dtype(dtype).itemsize: dtype for dtype in WIDTHS}
"""A pack table's width (its values' bytes) -> their type."""
LARGEST_GAP = 255
"""The largest gap ``docs`` holds itself; a larger one is an exception."""
EXCEPTION = 0
"""The code in ``docs`` of a gap kept in ``doc_exceptions`` (no gap is 0: each list's first counts from -1)."""
NARROWEST: dict[str, type[np.unsignedinteger]] = {
    "terms": np.uint8,
    "docs": np.uint8,
    "doc_exceptions": np.uint16,
    "doc_exception_starts": np.uint32,
    "freqs": np.uint8,
    "positions": np.uint16,
    "term_starts": np.uint32,
    "starts": np.uint32,
    "position_starts": np.uint32,
}
"""The width each kind of array starts at (a wider one when its values need it)."""
GAP_PIECE = 1 << 20
"""How many documents :func:`encode_gaps` works out the gaps of at a time."""
FLUSH_POSTINGS = 1 << 20
"""How many documents :class:`FieldArraysWriter` keeps before it encodes and writes them."""
COPY_BLOCK = 1 << 20
"""How many bytes of a scratch file :class:`FieldArraysWriter` copies into its pack at a time."""
FOUND_LIMIT = 1 << 16
"""How many terms a :class:`SegmentArrays` remembers finding (or not) before it forgets them all: a long-lived engine meets ever more."""
_EMPTY = np.zeros(0, dtype=np.uint8)
_NO_DOCS = np.zeros(0, dtype=np.int64)


class GapCodes(NamedTuple):
    """Rising lists of document numbers as :func:`encode_gaps` stores them.

    ``codes`` holds one byte per document (its gap, or :data:`EXCEPTION`);
    ``exceptions`` the gaps above :data:`LARGEST_GAP`, in order;
    ``exception_starts`` the offset of each list's first exception, and the end.
    """

    codes: np.ndarray
    exceptions: np.ndarray
    exception_starts: np.ndarray


def encode_gaps(docs: np.ndarray, starts: np.ndarray) -> GapCodes:
    """Encode the rising lists ``docs[starts[i]:starts[i + 1]]`` as gaps: one byte each, exceptions apart.

    Both writers (the direct segment writer and whoosh's, through the codec)
    encode here, so they write the same bytes.  The gaps are worked out
    :data:`GAP_PIECE` documents at a time, in ``docs``' own integer type: a
    subtraction that wraps or goes negative is only ever at a list's first
    document, which is set apart.  A full segment's body lists hold about
    21 million documents; gaps of the whole lists in int64 took about 31
    bytes a document, 650 MB, the rebuild worker's peak (bench/README.md,
    "The rebuild worker's peak memory").
    """
    docs = np.asarray(docs)
    bounds = np.asarray(starts, dtype=np.int64)
    firsts = bounds[:-1][bounds[:-1] < bounds[1:]]
    codes = np.empty(len(docs), dtype=np.uint8)
    places, exceptions = [], []
    for at in range(0, len(docs), GAP_PIECE):
        end = min(at + GAP_PIECE, len(docs))
        gaps = np.empty(end - at, dtype=docs.dtype)
        np.subtract(docs[at + 1 : end], docs[at : end - 1], out=gaps[1:])
        np.subtract(docs[at : at + 1], docs[at - 1 : at] if at else docs[at : at + 1], out=gaps[:1])  # docs[0] starts a list
        first = firsts[np.searchsorted(firsts, at) : np.searchsorted(firsts, end)]
        gaps[first - at] = docs[first] + 1  # a list's first gap counts from -1
        large = np.flatnonzero(gaps > LARGEST_GAP)
        places.append(large + at)
        exceptions.append(gaps[large])
        gaps[large] = EXCEPTION
        codes[at:end] = gaps
    large_places = np.concatenate(places) if places else np.zeros(0, dtype=np.int64)
    found = np.concatenate(exceptions) if exceptions else docs[:0]
    return GapCodes(codes, found, np.searchsorted(large_places, bounds))


def decode_gaps(codes: np.ndarray, exceptions: np.ndarray, name: str) -> np.ndarray:
    """One list's document numbers (int64) from its gap codes and its exceptions: every gap in place, then a running sum.

    The search path (:meth:`SegmentArrays.postings_at`) and whoosh's terms
    reader (:mod:`cables.index.codec`, through it) both decode here.  Codes
    and exceptions that disagree in number, or an exception small enough
    to be a code, are damage, named after ``name``; so every gap is at least
    1 and the documents rise.
    """
    if len(codes) - np.count_nonzero(codes) != len(exceptions):
        raise IndexDamage(f"{name}.doc_exception_starts disagrees with {name}.docs")
    gaps = codes.astype(np.int64)
    if len(exceptions):
        if exceptions.min() <= LARGEST_GAP:
            raise IndexDamage(f"{name}.doc_exceptions holds a gap small enough to be a code")
        gaps[codes == EXCEPTION] = exceptions
    if len(gaps):
        gaps[0] -= 1  # the first gap counts from -1
    return np.add.accumulate(gaps, out=gaps)  # the running sum, in place


def pack_name(segment_id: str, field: str) -> str:
    """The file name of one field of one segment's pack."""
    return f"{segment_id}.{field}.{PACK}"


def pack_path(folder: Path, segment_id: str, field: str) -> Path:
    """The pack file of one field of one segment."""
    return folder / pack_name(segment_id, field)


def _fitting(largest: int, narrowest) -> type:
    """The narrowest unsigned width, not below ``narrowest``, that holds ``largest``."""
    for dtype in WIDTHS[WIDTHS.index(narrowest) :]:
        if largest <= np.iinfo(dtype).max:
            return dtype
    raise OverflowError(f"{largest} does not fit 64 bits")


def _fitted(values: np.ndarray, kind: str) -> np.ndarray:
    """``values`` (non-negative integers) in the narrowest width, not below the kind's, that holds them."""
    dtype = _fitting(int(values.max()) if len(values) else 0, NARROWEST[kind])
    return np.ascontiguousarray(values, dtype=dtype)


class _Part(NamedTuple):
    """One array on its way into a pack: its kind, value type, length (number of values) and what writes its bytes."""

    kind: str
    dtype: type
    length: int
    write: Callable[[BinaryIO], object]


def _in_memory(kind: str, values: np.ndarray) -> _Part:
    """A pack part for values held in memory, narrowed to fit."""
    fitted = _fitted(values, kind)
    return _Part(kind, fitted.dtype.type, len(fitted), lambda handle: handle.write(fitted.data))


def _write_pack(path: Path, parts: list[_Part]) -> None:
    """Write a pack: its table (kind, width, offset, count of every part, in :data:`KINDS` order), then each part, aligned."""
    parts = sorted(parts, key=lambda part: KINDS.index(part.kind))
    offset = TABLE_START.size + TABLE_ENTRY.size * len(parts)
    table = [TABLE_START.pack(MAGIC, len(parts))]
    for part in parts:
        offset += -offset % ALIGN
        width = np.dtype(part.dtype).itemsize
        table.append(TABLE_ENTRY.pack(part.kind.encode("ascii"), width, offset, part.length))
        offset += width * part.length
    with open(path, "wb") as handle:
        handle.write(b"".join(table))
        for part in parts:
            handle.write(b"\0" * (-handle.tell() % ALIGN))
            part.write(handle)


class _GrowingArray:
    """An array written in pieces to a scratch file (values only), widened (rewritten) when a value no longer fits its width."""

    def __init__(self, path: Path, kind: str) -> None:
        self.path, self.kind = path, kind
        self.dtype = NARROWEST[kind]
        self.handle = open(path, "wb")  # noqa: SIM115 (written piece by piece, closed by close())

    def write(self, values: np.ndarray) -> None:
        """Append ``values`` (non-negative integers, any integer dtype)."""
        if len(values):
            largest = int(values.max())
            if largest > np.iinfo(self.dtype).max:
                self._widen(_fitting(largest, self.dtype))
        self.handle.write(values.astype(self.dtype).tobytes())

    def _widen(self, dtype) -> None:
        """Rewrite what is written so far in the wider ``dtype`` (rare: the first value past the width's range)."""
        self.handle.close()
        written = np.fromfile(self.path, dtype=self.dtype)
        self.dtype = dtype
        self.handle = open(self.path, "wb")  # noqa: SIM115
        self.handle.write(written.astype(dtype).tobytes())

    def part(self) -> _Part:
        """Close the scratch file and describe it as a pack part, copied into the pack a block at a time."""
        self.handle.close()
        count = self.path.stat().st_size // np.dtype(self.dtype).itemsize
        return _Part(self.kind, self.dtype, count, self._copy_to)

    def _copy_to(self, handle: BinaryIO) -> None:
        """Copy the scratch file's values into ``handle``, then remove the scratch file."""
        import shutil  # here, not above: a search never copies, and shutil brings bz2 and lzma

        with open(self.path, "rb") as source:
            shutil.copyfileobj(source, handle, COPY_BLOCK)
        self.path.unlink()


class FieldArraysWriter:
    """Writes one field's posting lists of one segment, term by term in sorted order, posting by posting.

    The terms, documents, frequencies and positions grow in scratch files
    beside the pack; closing writes the pack and removes them.
    """

    def __init__(self, folder: Path, segment_id: str, field: str, positional: bool) -> None:
        self.path = pack_path(folder, segment_id, field)
        self.field = field
        self._terms = self._scratch("terms")
        self._docs = self._scratch("docs")
        self._exceptions = self._scratch("doc_exceptions")
        self._exception_starts = array("Q", [0])
        self._pending = array("q")  # documents of finished terms not yet encoded, and where each term's start
        self._pending_starts = [0]
        self._freqs = self._scratch("freqs")
        self._positions = self._scratch("positions") if positional else None
        self._term_starts, self._starts, self._position_starts = array("Q", [0]), array("Q", [0]), array("Q", [0])
        self._term_docs: list[int] = []
        self._term_freqs: list[int] = []
        self._term_positions: list[int] = []

    def _scratch(self, kind: str) -> _GrowingArray:
        """The scratch file that one kind of array grows in, beside the pack."""
        return _GrowingArray(self.path.with_name(f"{self.path.name}.{kind}"), kind)

    def start_term(self, term: bytes) -> None:
        """Begin the list of ``term`` (terms come in rising byte order)."""
        self._terms.handle.write(term)
        self._term_starts.append(self._term_starts[-1] + len(term))

    def add(self, doc: int, frequency: int, positions: list[int]) -> None:
        """One posting of the current term: its document, frequency and (for a positional field) its positions."""
        self._term_docs.append(doc)
        self._term_freqs.append(frequency)
        self._term_positions.extend(positions)

    def finish_term(self) -> None:
        """Write the current term's list."""
        self._pending.extend(self._term_docs)
        self._pending_starts.append(len(self._pending))
        if len(self._pending) >= FLUSH_POSTINGS:
            self._flush_docs()
        self._freqs.write(np.asarray(self._term_freqs, dtype=np.int64))
        self._starts.append(self._starts[-1] + len(self._term_docs))
        if self._positions is not None:
            require(
                len(self._term_positions) == sum(self._term_freqs), f"the {self.field} positions of a term disagree with its frequencies"
            )
            self._positions.write(np.asarray(self._term_positions, dtype=np.int64))
            self._position_starts.append(self._position_starts[-1] + len(self._term_positions))
        self._term_docs, self._term_freqs, self._term_positions = [], [], []

    def _flush_docs(self) -> None:
        """Encode the pending terms' documents as gaps and write them."""
        encoded = encode_gaps(np.frombuffer(self._pending, dtype=np.int64), np.asarray(self._pending_starts, dtype=np.int64))
        self._docs.write(encoded.codes)
        self._exceptions.write(encoded.exceptions)
        self._exception_starts.extend((encoded.exception_starts[1:] + self._exception_starts[-1]).tolist())
        self._pending, self._pending_starts = array("q"), [0]

    def close(self) -> None:
        """Write the field's pack: the scratch files copied in, the offsets from memory; the scratch files are removed."""
        self._flush_docs()
        growing = [self._terms, self._docs, self._exceptions, self._freqs] + ([self._positions] if self._positions is not None else [])
        offsets = {"term_starts": self._term_starts, "starts": self._starts, "doc_exception_starts": self._exception_starts}
        if self._positions is not None:
            offsets["position_starts"] = self._position_starts
        parts = [scratch.part() for scratch in growing]
        parts += [_in_memory(kind, np.frombuffer(values, dtype=np.uint64)) for kind, values in offsets.items()]
        _write_pack(self.path, parts)


class FieldLists(NamedTuple):
    """One field's posting lists of one segment, whole: what :class:`FieldArraysWriter` writes term by term.

    ``terms`` are the sorted terms back to back; the offsets hold a start per
    term and the end; ``positions`` and ``position_starts`` are None for a
    field without positions.
    """

    terms: bytes
    term_starts: np.ndarray
    starts: np.ndarray
    docs: np.ndarray
    freqs: np.ndarray
    positions: np.ndarray | None
    position_starts: np.ndarray | None


def write_field_lists(folder: Path, segment_id: str, field: str, lists: FieldLists) -> None:
    """Write one field's lists of one segment at once: the same pack, byte for byte, as :class:`FieldArraysWriter` writes."""
    encoded = encode_gaps(lists.docs, lists.starts)
    arrays = {
        "terms": np.frombuffer(lists.terms, dtype=np.uint8),
        "docs": encoded.codes,
        "doc_exceptions": encoded.exceptions,
        "doc_exception_starts": encoded.exception_starts,
        "freqs": lists.freqs,
        "positions": lists.positions,
        "term_starts": lists.term_starts,
        "starts": lists.starts,
        "position_starts": lists.position_starts,
    }
    _write_pack(pack_path(folder, segment_id, field), [_in_memory(kind, values) for kind, values in arrays.items() if values is not None])


def indexed_fields(folder: Path, segment_id: str) -> list[str]:
    """The fields with postings in a segment, sorted (those with a pack)."""
    prefix, suffix = f"{segment_id}.", f".{PACK}"
    return sorted(path.name[len(prefix) : -len(suffix)] for path in folder.glob(f"{segment_id}.*{suffix}"))


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


class _Lists(NamedTuple):
    """The files of a segment field's posting lists: gap codes, large gaps and their offsets, frequencies."""

    docs: np.ndarray
    exceptions: np.ndarray
    exception_starts: np.ndarray
    freqs: np.ndarray


class _Places(NamedTuple):
    """The positions of a segment field and their offsets (none, and zero offsets, for a field without positions)."""

    positions: np.ndarray
    position_starts: np.ndarray
    positional: bool


class _Entry(NamedTuple):
    """Where one array lies in a pack: its value type, byte offset and length (number of values)."""

    dtype: type
    offset: int
    length: int


class Pack:
    """One segment field's pack, opened: its table read and checked against the file's size, its arrays read in place.

    The table is read with the file's first page (one ``pread``); a large
    pack is memory-mapped, a small one is those bytes.  Each array is a
    read-only view of its span, so opening costs no page of the lists.
    """

    def __init__(self, path: str, name: str) -> None:
        first, self.data = _start_and_map(path)
        self.name = name
        self.table = _read_table(first, len(self.data), name)

    def array(self, kind: str) -> np.ndarray:
        """The values of ``kind``; a kind the pack lacks is damage."""
        entry = self.table.get(kind)
        if entry is None:
            raise IndexDamage(f"{self.name}.{kind} is missing from its pack")
        return np.frombuffer(self.data, dtype=entry.dtype, count=entry.length, offset=entry.offset)


def _read_table(first: bytes, size: int, name: str) -> dict[str, _Entry]:
    """A pack's table from its first bytes: known kinds, each once, aligned and inside the file's ``size`` bytes, or damage."""
    require(len(first) >= TABLE_START.size, f"{name}.{PACK} is not a pack")
    magic, listed = TABLE_START.unpack_from(first)
    end = TABLE_START.size + TABLE_ENTRY.size * listed
    require(magic == MAGIC and listed <= len(KINDS) and end <= len(first), f"{name}.{PACK} is not a pack")
    table: dict[str, _Entry] = {}
    for at in range(TABLE_START.size, end, TABLE_ENTRY.size):
        raw, width, offset, count = TABLE_ENTRY.unpack_from(first, at)
        kind = raw.rstrip(b"\0").decode("ascii", "replace")
        dtype = _WIDTH_TYPES.get(width)
        if dtype is None or kind not in KINDS or kind in table or (kind == "terms" and width != 1):
            raise IndexDamage(f"{name}.{PACK} lists an unknown or repeated array")
        require(offset >= end and offset % ALIGN == 0 and offset + width * count <= size, f"{name}.{kind} lies outside its pack")
        table[kind] = _Entry(dtype, offset, count)
    return table


class SegmentArrays:
    """The lists of one segment's field, read in place from its pack; opening reads the table and checks the terms' offsets.

    The lists' shapes are checked when first needed: the documents' and
    frequencies' on the first posting list read, the positions' on the first
    positions read.  A search asks many segments for a term's document
    frequency (terms and offsets alone) and reads positions only for a phrase.

    ``folder`` is the whoosh folder the codec writes into.  A field without a
    pack in the segment has no terms.  A damaged pack (a table that does not
    fit the file, wrong shapes, offsets or document numbers out of range)
    raises :class:`cables.index.integrity.IndexDamage` naming the field and
    array, when it is opened or when the damaged list is read, instead of an
    IndexError or a silently wrong answer.
    """

    def __init__(self, folder: Path, segment_id: str, field: str, doc_count: int) -> None:
        self.name = f"{folder.name}/{segment_id}.{field}"
        self.doc_count = doc_count
        self._found: dict[bytes, int | None] = {}
        try:
            pack = Pack(f"{folder}{os.sep}{pack_name(segment_id, field)}", self.name)  # a plain string: a search opens dozens
        except FileNotFoundError:
            self._pack: Pack | None = None
            self._terms: mmap.mmap | bytes = b""
            self._terms_at = 0
            self._term_starts = self._starts = np.zeros(1, dtype=np.uint8)
            self._lists: _Lists | None = _Lists(_EMPTY, _EMPTY, self._starts, _EMPTY)
            self._places: _Places | None = _Places(_EMPTY, self._starts, False)
            return
        except (OSError, ValueError) as error:
            raise IndexDamage(f"{self.name}: {error}") from None
        self._pack, self._lists, self._places = pack, None, None
        self._starts, self._term_starts = pack.array("starts"), pack.array("term_starts")
        terms = pack.array("terms")  # damage when the pack lacks it; bisection slices the pack's own bytes from its offset
        self._terms, self._terms_at = pack.data, pack.table["terms"].offset
        count = len(self._term_starts)
        require(count == len(self._starts) and count >= 1, f"{self.name}.starts and .term_starts disagree on the number of terms")
        require(
            self._term_starts.item(0) == 0 and self._term_starts.item(-1) == len(terms),
            f"{self.name}.term_starts does not span {self.name}.terms",
        )

    def lists(self) -> _Lists:
        """The posting lists' arrays, their shapes checked on first use."""
        if self._lists is None:
            assert self._pack is not None  # a field without a pack has its empty lists from the start
            lists = _Lists(*(self._pack.array(kind) for kind in ("docs", "doc_exceptions", "doc_exception_starts", "freqs")))
            require(
                self._starts.item(0) == 0 and self._starts.item(-1) == len(lists.docs) == len(lists.freqs),
                f"{self.name}.starts does not span {self.name}.docs and .freqs",
            )
            require(
                len(lists.exception_starts) == len(self._starts)
                and lists.exception_starts.item(0) == 0
                and lists.exception_starts.item(-1) == len(lists.exceptions),
                f"{self.name}.doc_exception_starts does not span {self.name}.doc_exceptions",
            )
            self._lists = lists
        return self._lists

    def places(self) -> _Places:
        """The positions and their offsets, their shapes checked on first use."""
        if self._places is None:
            places = self._positions_of_pack()
            require(
                len(places.position_starts) == len(self._starts)
                and places.position_starts.item(0) == 0
                and (not places.positional or places.position_starts.item(-1) == len(places.positions)),
                f"{self.name}.position_starts does not span {self.name}.positions",
            )
            self._places = places
        return self._places

    def _positions_of_pack(self) -> _Places:
        """The positions and their offsets; a field indexed without positions has none, and zero offsets."""
        assert self._pack is not None
        if "positions" not in self._pack.table:
            return _Places(_EMPTY, np.zeros(len(self._starts), np.uint8), False)
        return _Places(self._pack.array("positions"), self._pack.array("position_starts"), True)

    def check(self) -> None:
        """Every invariant, reading every value (for ``cables check``): offsets rise, each list rises within the segment."""
        lists, places = self.lists(), self.places()
        require(bool(np.all(np.diff(self._term_starts.astype(np.int64)) >= 0)), f"{self.name}.term_starts does not rise")
        require(bool(np.all(np.diff(self._starts.astype(np.int64)) >= 0)), f"{self.name}.starts does not rise")
        if len(lists.docs):
            self._check_documents(lists)
        if len(places.positions):
            total = int(lists.freqs.sum(dtype=np.int64))
            require(total == len(places.positions), f"{self.name}.positions disagrees with {self.name}.freqs")
        require(bool(np.all(np.diff(places.position_starts.astype(np.int64)) >= 0)), f"{self.name}.position_starts does not rise")

    def _check_documents(self, lists: _Lists) -> None:
        """Every list's gaps: exceptions where ``docs`` marks them and the offsets say, none a code, documents in the segment."""
        starts = self._starts.astype(np.int64)
        marks = np.flatnonzero(lists.docs == EXCEPTION)
        require(
            len(marks) == len(lists.exceptions) and np.array_equal(np.searchsorted(marks, starts), lists.exception_starts),
            f"{self.name}.doc_exception_starts disagrees with {self.name}.docs",
        )
        require(
            not len(lists.exceptions) or int(lists.exceptions.min()) > LARGEST_GAP,
            f"{self.name}.doc_exceptions holds a gap small enough to be a code",
        )
        gaps = lists.docs.astype(np.int64)
        gaps[marks] = lists.exceptions  # every gap is now at least 1: each list rises
        totals = np.cumsum(gaps)
        firsts = starts[:-1][starts[:-1] < starts[1:]]
        lasts = totals[starts[1:][starts[:-1] < starts[1:]] - 1] - (totals[firsts] - gaps[firsts]) - 1  # each list's last document
        require(int(lasts.max()) < self.doc_count, f"{self.name}.docs holds a document the segment lacks")

    def __len__(self) -> int:
        """How many terms the field has in this segment."""
        return len(self._term_starts) - 1

    def find(self, term: bytes) -> int | None:
        """The index of ``term`` (UTF-8 bytes) among the sorted terms, by bisection, or None.

        Memoised: a query asks each segment for a term's frequency before its postings.
        """
        if term not in self._found:
            if len(self._found) >= FOUND_LIMIT:
                self._found.clear()
            index = self.bisect(term)
            self._found[term] = index if index < len(self) and self.term_at(index) == term else None
        return self._found[term]

    def bisect(self, key: bytes) -> int:
        """The index of the first term not below ``key`` (UTF-8 bytes sort as the terms do)."""
        terms, starts, at = self._terms, self._term_starts, self._terms_at  # locals: a search bisects dozens of segment fields
        low, high = 0, len(self)
        while low < high:
            middle = (low + high) // 2
            if terms[at + starts.item(middle) : at + starts.item(middle + 1)] < key:
                low = middle + 1
            else:
                high = middle
        return low

    def term_at(self, index: int) -> bytes:
        """The bytes of the term at ``index``."""
        at = self._terms_at
        return self._terms[at + self._term_starts.item(index) : at + self._term_starts.item(index + 1)]

    def postings_at(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        """(documents as int64, frequencies) of the term at ``index``, decoded from its gaps and checked to rise within the segment."""
        lists = self.lists()
        start, end = self._starts.item(index), self._starts.item(index + 1)
        if not 0 <= start <= end <= len(lists.docs):
            raise IndexDamage(f"{self.name}.starts holds an offset out of range")
        first, last = lists.exception_starts.item(index), lists.exception_starts.item(index + 1)
        if not 0 <= first <= last <= len(lists.exceptions):
            raise IndexDamage(f"{self.name}.doc_exception_starts holds an offset out of range")
        if start == end:
            return _NO_DOCS, lists.freqs[start:end]
        docs = decode_gaps(lists.docs[start:end], lists.exceptions[first:last], self.name)
        if docs.item(-1) >= self.doc_count:
            raise IndexDamage(f"{self.name}.docs holds a document the segment lacks")
        return docs, lists.freqs[start:end]

    def positions_at(self, index: int) -> np.ndarray:
        """Every position of the term at ``index``, in posting order (each posting's share is its frequency)."""
        places = self.places()
        start, end = places.position_starts.item(index), places.position_starts.item(index + 1)
        postings = self.lists().freqs[self._starts.item(index) : self._starts.item(index + 1)]
        require(
            0 <= start <= end <= len(places.positions) and end - start == int(postings.sum(dtype=np.int64)),
            f"{self.name}.position_starts disagrees with {self.name}.freqs",
        )
        return places.positions[start:end]

    def lookup(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """(documents, frequencies) of ``term`` in this segment (empty when absent)."""
        found = self.find(term.encode("utf-8"))
        return (_NO_DOCS, _EMPTY) if found is None else self.postings_at(found)

    def positions(self, term: str) -> np.ndarray:
        """Every position of ``term`` in this segment, in posting order (empty when absent)."""
        found = self.find(term.encode("utf-8"))
        return _EMPTY if found is None else self.positions_at(found)

    def terms_from(self, prefix: str) -> Iterator[str]:
        """The terms starting with ``prefix``, in order, found by bisection and read one by one."""
        key = prefix.encode("utf-8")
        for index in range(self.bisect(key), len(self)):
            term = self.term_at(index)
            if not term.startswith(key):
                return
            yield _text(term, self.name)

    def count(self, term: str) -> int:
        """How many postings ``term`` has in this segment, read from the offsets alone."""
        found = self.find(term.encode("utf-8"))
        return 0 if found is None else max(0, self._starts.item(found + 1) - self._starts.item(found))


def _text(term: bytes, name: str) -> str:
    """A term's bytes as text; bytes that are not UTF-8 mean the terms file was damaged."""
    try:
        return term.decode("utf-8")
    except UnicodeDecodeError:
        raise IndexDamage(f"{name}.terms holds a term that is not UTF-8") from None


def _start_and_map(path: Path | str) -> tuple[bytes, mmap.mmap | bytes]:
    """A file's first :data:`FIRST_READ` bytes, read with one ``pread``, and the file: those bytes when they are all of it, else a map.

    A small file is not mapped at all, and a large one's table need not be
    read through its map, where it would cost a page fault that maps the
    pages around it too (and their unmapping later).  A search opens a pack
    per segment and field it looks a word up in.
    """
    handle = os.open(path, os.O_RDONLY)
    try:
        first = os.pread(handle, FIRST_READ, 0)
        return first, first if len(first) < FIRST_READ else mmap.mmap(handle, 0, access=mmap.ACCESS_READ)
    finally:
        os.close(handle)
