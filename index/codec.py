"""The whoosh codec of a cables index: whoosh's own, with posting lists stored once, as flat arrays.

whoosh's W3 codec keeps posting lists in zlib-compressed, pickled blocks;
the search path needs them as arrays (:mod:`cables.index.termarrays`), and
writing both doubled the index.  :class:`ArrayCodec` keeps everything of
whoosh's W3 codec (stored fields, field lengths, deletions, segments) but
its field writer writes the arrays and its terms reader reads them, so
whoosh's writer, merge and searcher work over the same single copy the
engine slices without importing whoosh.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from whoosh.codec import base
from whoosh.codec.whoosh3 import W3Codec
from whoosh.matching import ListMatcher
from whoosh.reading import TermInfo, TermNotFound

from cables.index.termarrays import FieldArraysWriter, SegmentArrays, indexed_fields

POSITION_CACHE = 1 << 16  # most postings hold one or two small positions: their encodings repeat


class ArrayCodec(W3Codec):
    """whoosh's W3 codec with the inverted index (terms and postings) written and read as arrays.

    ``length_stats`` is off: the arrays need no per-posting field lengths,
    so whoosh's writer does not look one up for every posting it writes.
    """

    length_stats = False

    def field_writer(self, storage, segment) -> ArrayFieldWriter:
        """The writer of a new segment's terms and postings: the arrays."""
        return ArrayFieldWriter(Path(storage.folder), segment.segment_id())

    def terms_reader(self, storage, segment) -> ArrayTermsReader:
        """The reader of a segment's terms and postings: the arrays."""
        return ArrayTermsReader(Path(storage.folder), segment.segment_id(), segment.doc_count_all())


class ArrayFieldWriter(base.FieldWriter):
    """Receives a segment's postings from whoosh, field by field and term by term in order, and writes them as arrays."""

    field: FieldArraysWriter  # the field being written (set by start_field)
    decode: Callable[[bytes], Any]  # the field format's decoder of a posting's value: its positions, or its frequency

    def __init__(self, folder: Path, segment_id: str) -> None:
        self.folder = folder
        self.segment_id = segment_id
        self.is_closed = False
        self.positional = False

    def start_field(self, fieldname: str, fieldobj) -> None:
        """Begin a field's arrays; positions are kept when its format has them."""
        self.positional = fieldobj.format.supports("positions")
        self.field = FieldArraysWriter(self.folder, self.segment_id, fieldname, self.positional)
        decoder = fieldobj.format.decode_positions if self.positional else fieldobj.format.decode_frequency
        self.decode = lru_cache(maxsize=POSITION_CACHE)(decoder)

    def start_term(self, text: bytes) -> None:
        """Begin the postings of a term (whoosh gives terms in rising order)."""
        self.field.start_term(text)

    def add(self, docnum: int, weight: float, vbytes: bytes, length: int) -> None:
        """One posting: its positions decoded from whoosh's value (its weight is their count), or its frequency."""
        if self.positional:
            positions = self.decode(vbytes)
            self.field.add(docnum, len(positions), positions)
        else:
            self.field.add(docnum, self.decode(vbytes), [])

    def finish_term(self) -> None:
        """Write the term's postings."""
        self.field.finish_term()

    def finish_field(self) -> None:
        """Finish the field's files."""
        self.field.close()

    def close(self) -> None:
        """Nothing is left open: each field's files were finished with it."""
        self.is_closed = True


class ArrayTermsReader(base.TermsReader):
    """whoosh's view of a segment's terms and postings, read from the arrays."""

    def __init__(self, folder: Path, segment_id: str, doc_count: int) -> None:
        self.fields = {name: SegmentArrays(folder, segment_id, name, doc_count) for name in indexed_fields(folder, segment_id)}

    def _index(self, fieldname: str, text: bytes) -> tuple[SegmentArrays, int]:
        """The field's arrays and the index of ``text`` in them; TermNotFound when absent (a KeyError, as whoosh's readers expect)."""
        arrays = self.fields.get(fieldname)
        found = None if arrays is None else arrays.find(text)
        if arrays is None or found is None:
            raise _Absent(f"{fieldname}:{text!r}")
        return arrays, found

    def __contains__(self, term: tuple[str, bytes]) -> bool:
        """Whether the segment holds the (field, term bytes) pair."""
        arrays = self.fields.get(term[0])
        return arrays is not None and arrays.find(term[1]) is not None

    def indexed_field_names(self) -> list[str]:
        """The fields with postings in this segment."""
        return list(self.fields)

    def cursor(self, fieldname: str, fieldobj) -> ArrayFieldCursor:
        """A cursor over one field's terms."""
        return ArrayFieldCursor(self, fieldname, fieldobj)

    def terms(self) -> Iterator[tuple[str, bytes]]:
        """Every (field, term bytes) pair, field by field, in order."""
        for fieldname in self.fields:
            yield from self.terms_from(fieldname, b"")

    def terms_from(self, fieldname: str, prefix: bytes) -> Iterator[tuple[str, bytes]]:
        """The (field, term bytes) pairs of one field from ``prefix`` on, in order."""
        arrays = self.fields.get(fieldname)
        if arrays is not None:
            for index in range(arrays.bisect(prefix), len(arrays)):
                yield fieldname, arrays.term_at(index)

    def items(self) -> Iterator[tuple[tuple[str, bytes], TermInfo]]:
        """Every term with its statistics."""
        for fieldname in self.fields:
            yield from self.items_from(fieldname, b"")

    def items_from(self, fieldname: str, prefix: bytes) -> Iterator[tuple[tuple[str, bytes], TermInfo]]:
        """The terms of one field from ``prefix`` on, with their statistics."""
        for term in self.terms_from(fieldname, prefix):
            yield term, self.term_info(*term)

    def term_info(self, fieldname: str, text: bytes) -> TermInfo:
        """The statistics of a term; TermNotFound when absent."""
        arrays, index = self._index(fieldname, text)
        return _term_info(*arrays.postings_at(index))

    def frequency(self, fieldname: str, text: bytes) -> float:
        """How often a term occurs in the segment, over all documents."""
        return self.term_info(fieldname, text).weight()

    def doc_frequency(self, fieldname: str, text: bytes) -> int:
        """How many documents hold a term (deleted ones included, as whoosh counts)."""
        arrays, index = self._index(fieldname, text)
        return len(arrays.postings_at(index)[0])

    def matcher(self, fieldname: str, text: bytes, format_, scorer=None) -> ListMatcher:
        """whoosh's matcher over a term's postings: documents, weights and, for positional fields, values made on demand."""
        arrays, index = self._index(fieldname, text)
        docs, frequencies = arrays.postings_at(index)
        positions = arrays.positions_at(index) if format_.supports("positions") else None
        values = EncodedValues(format_, frequencies, positions)
        weights = (frequencies.astype(np.float64) * format_.field_boost).tolist()
        return ListMatcher(
            docs.tolist(), weights, values, format_, scorer=scorer, term=(fieldname, text), terminfo=_term_info(docs, frequencies)
        )


class _Absent(TermNotFound, KeyError):
    """A term the segment lacks: whoosh's term lookups raise TermNotFound, its frequency lookups expect a KeyError."""


def _term_info(docs: np.ndarray, frequencies: np.ndarray) -> TermInfo:
    """whoosh's statistics of a posting list.

    The minimum length is 1 and the maximum unbounded: the arrays keep no
    field lengths per posting, and these bounds keep whoosh's quality
    estimates upper bounds, so its searcher never skips a document that
    would score.
    """
    return TermInfo(
        weight=float(frequencies.sum(dtype=np.int64)),
        df=len(docs),
        minlength=1,
        maxlength=np.iinfo(np.int32).max,
        maxweight=float(frequencies.max()) if len(frequencies) else 0.0,
        minid=int(docs[0]) if len(docs) else None,
        maxid=int(docs[-1]) if len(docs) else 0,
    )


class EncodedValues:
    """The value of each posting as whoosh's field format encodes it (positions, or the frequency), made when whoosh asks for it.

    whoosh's phrase matching and merging read values one posting at a time;
    most postings are never asked for, so none is encoded in advance.  A
    merge hands every value to whoosh's posting pool, which takes bytes only.
    """

    def __init__(self, format_, frequencies: np.ndarray, positions: np.ndarray | None) -> None:
        self.format = format_
        self.frequencies = frequencies
        self.positions = positions
        self.ends = np.cumsum(frequencies, dtype=np.int64)

    def __len__(self) -> int:
        """How many postings."""
        return len(self.ends)

    def __getitem__(self, index: int) -> bytes:
        """The encoded value of posting ``index``."""
        if self.positions is None:
            return self.format.encode(int(self.frequencies[index]))
        start = int(self.ends[index - 1]) if index else 0
        return self.format.encode(self.positions[start : int(self.ends[index])].tolist())


class ArrayFieldCursor(base.FieldCursor):
    """whoosh's cursor over one field's sorted terms (for its fuzzy and range queries)."""

    def __init__(self, reader: ArrayTermsReader, fieldname: str, fieldobj) -> None:
        self.reader = reader
        self.fieldname = fieldname
        self.fieldobj = fieldobj
        self.arrays = reader.fields.get(fieldname)
        self.index = 0
        self.current = None
        self.first()

    def first(self):
        """Move to the field's first term."""
        return self._go(0)

    def find(self, term):
        """Move to the first term not below ``term``."""
        key = term if isinstance(term, bytes) else self.fieldobj.to_bytes(term)
        return self._go(self.arrays.bisect(key) if self.arrays is not None else 0)

    def next(self):
        """Move to the next term."""
        return self._go(self.index + 1) if self.current is not None else None

    def _go(self, index: int):
        """Move to the term at ``index``; its text, or None past the end."""
        self.index = index
        arrays = self.arrays
        self.current = self.fieldobj.from_bytes(arrays.term_at(index)) if arrays is not None and index < len(arrays) else None
        return self.current

    def text(self):
        """The current term, or None past the end."""
        return self.current

    def term_info(self) -> TermInfo | None:
        """The statistics of the current term, or None past the end."""
        return None if self.current is None else _term_info(*self.arrays.postings_at(self.index))

    def is_valid(self) -> bool:
        """Whether the cursor is on a term."""
        return self.current is not None
