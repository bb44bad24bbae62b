"""Write whoosh segments of the array codec straight from analysed documents.

whoosh's own writer buffers every posting as a Python tuple, spills sorted
runs to disk, merges them and hands the postings one at a time to the codec
(:mod:`cables.index.codec`).  This writer gives each field's postings the
same terms, positions and frequencies, keeps them as compact integer
arrays (a text field keeps one number per token, for its stems and its stop
words alike, its position being its place in the document; another field a
term number and a value per posting), and when its
memory budget is reached, or at the end, sorts them with numpy and writes a
segment at once: the posting arrays of :mod:`cables.index.termarrays`, byte
for byte what whoosh's writer on :class:`cables.index.codec.ArrayCodec`
writes, and the stored fields and field lengths through the codec's own
per-document writer.  Nothing is written twice and no temporary copy of the
postings is made.

Rebuild workers and ``update`` write their segments here; whoosh reads,
deletes from and merges them through the codec.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
from whoosh.codec.base import PerDocumentWriter
from whoosh.filedb.filestore import FileStorage

from cables.index.analysis import STOP_MARK, is_stem, stop_field
from cables.index.codec import ArrayCodec
from cables.index.schema import StemField, StopField, entries_of, stem_count
from cables.index.termarrays import FieldLists, write_field_lists
from cables.index.unpickling import INDEX_NAME

WRITER_MB = 256
"""The memory, in MB, a writer's buffered postings may take before it writes them as a segment."""
TERM_BYTES = 120  # a buffered distinct term: its bytes and its entry in the field's dict of term numbers
TOKEN_BYTES = 6
"""A buffered token of a text field, counted against the budget as a buffered posting was when positions were
kept (4 bytes are its own, the rest stands for its share of the sort), so segments are cut about where they were."""
PIECE = 1 << 20  # buffered postings sorted at a time when a segment is written (:func:`_sorted_lists`)


class _SegmentStorage(FileStorage):
    """The whoosh folder, with a temporary folder of the segment's own for whoosh's per-document writer.

    whoosh names that folder after the index, so writers working side by side
    in one folder would share (and remove) one temporary folder.
    """

    def __init__(self, folder: Path, segment_id: str) -> None:
        super().__init__(str(folder))
        self.temporary = folder / f"{segment_id}.tmp"

    def temp_storage(self, name: str | None = None) -> FileStorage:
        """The segment's own temporary folder, whatever name whoosh asks for."""
        return FileStorage(str(self.temporary)).create()


class _FieldPostings:
    """One field's buffered postings, in document order: a term number and a value (position, or frequency) each.

    Values are kept in 16 bits until one needs more (then the buffer is
    widened to 32), so a buffered posting takes 6 bytes, rarely 8.
    """

    def __init__(self) -> None:
        self.numbers: dict[bytes, int] = {}
        self.terms = array("I")
        self.values = array("H")
        self.docs = array("I")  # the documents with postings in this field
        self.counts = array("I")  # how many postings each of them has

    def add(self, doc: int, postings: dict[bytes, list[int]]) -> None:
        """A document's postings: each term with its positions (or its frequency alone)."""
        numbers, terms, values = self.numbers, self.terms, self.values
        before = len(terms)
        for term, places in postings.items():
            number = numbers.get(term)
            if number is None:
                number = numbers[term] = len(numbers)
            terms.extend([number] * len(places))
            try:
                values.extend(places)
            except OverflowError:  # a value past 16 bits: widen, dropping what the failed extend appended
                del values[len(terms) - len(places) :]
                self.values = values = array("I", values)
                values.extend(places)
        if len(terms) > before:
            self.docs.append(doc)
            self.counts.append(len(terms) - before)

    def lists(self, positional: bool) -> FieldLists:
        """The buffered postings as sorted posting lists (terms in byte order, documents and positions rising).

        The buffers are released as their sorted forms are made, so sorting
        takes about twice the buffer's memory at most.
        """
        encoded = list(self.numbers)
        order = sorted(range(len(encoded)), key=encoded.__getitem__)
        rank = np.empty(len(order), dtype=np.uint32)
        rank[order] = np.arange(len(order), dtype=np.uint32)
        ranked = rank[np.frombuffer(self.terms, dtype=np.uint32)]
        self.terms = array("I")
        values = np.frombuffer(self.values, dtype=np.dtype(self.values.typecode))
        self.values = array("H")
        docs = np.repeat(np.frombuffer(self.docs, dtype=np.uint32), np.frombuffer(self.counts, dtype=np.uint32))
        pieces = ((ranked[at : at + PIECE], docs[at : at + PIECE], values[at : at + PIECE]) for at in range(0, len(ranked), PIECE))
        per_term = np.bincount(ranked, minlength=len(order))
        return _sorted_lists(pieces, per_term, values.dtype, [encoded[number] for number in order], positional)

    def size(self) -> int:
        """The bytes the buffer takes, roughly."""
        return len(self.terms) * self.terms.itemsize + len(self.values) * self.values.itemsize + TERM_BYTES * len(self.numbers)


class _TextPostings:
    """A text field's buffered entries (:func:`cables.index.analysis.positioned`), for it and its stop-word field.

    Each token of a document is one number (its entry, numbered as first
    seen): stems and stop words alike, in document order, so a token's
    position is its place in the document and is never stored.  The stem
    field's and the stop-word field's posting lists are both made from this
    one buffer when the segment is written; adding a document costs one
    dict lookup per token, made in C, and a buffered token takes 4 bytes.
    """

    def __init__(self) -> None:
        self.numbers: _Numbering = _Numbering()
        self.entries = array("I")
        self.docs = array("I")  # the documents with entries in this field
        self.counts = array("I")  # how many entries each of them has

    def add(self, doc: int, entries: list[str]) -> None:
        """A document's entries, in order."""
        if entries:
            self.entries.extend(map(self.numbers.__getitem__, entries))
            self.docs.append(doc)
            self.counts.append(len(entries))

    def lists(self, stops: bool) -> FieldLists | None:
        """The sorted posting lists of the stems, or of the stop words (unmarked), or None when the field has none.

        They are the lists :class:`_FieldPostings` makes from the terms and
        positions of :func:`cables.index.schema.term_positions`.  Each
        whole-buffer array is cut to the postings kept as soon as it is made,
        so the sort takes about what :class:`_FieldPostings` takes for the
        same postings, beside the buffer.
        """
        keys = list(self.numbers)
        kept = [number for number, entry in enumerate(keys) if is_stem(entry) != stops and entry != STOP_MARK]
        if not kept:
            return None
        cut = len(STOP_MARK) if stops else 0
        encoded = {number: keys[number][cut:].encode("utf-8") for number in kept}
        order = sorted(kept, key=encoded.__getitem__)
        rank = np.full(len(keys), len(order), dtype=np.uint32)  # len(order) marks an entry of the other field
        rank[order] = np.arange(len(order), dtype=np.uint32)
        entries = np.frombuffer(self.entries, dtype=np.uint32)
        per_term = np.zeros(len(order) + 1, dtype=np.int64)
        for at in range(0, len(entries), PIECE):
            per_term += np.bincount(rank[entries[at : at + PIECE]], minlength=len(order) + 1)
        terms = [encoded[number] for number in order]
        return _sorted_lists(self._pieces(rank, len(order)), per_term[:-1], self._position_type(), terms, True)

    def _position_type(self) -> np.dtype:
        """The narrowest of 16 and 32 bits that holds every buffered position (a token's place in its document)."""
        counts = np.frombuffer(self.counts, dtype=np.uint32)
        return np.dtype(np.uint16 if len(counts) == 0 or int(counts.max()) <= 1 << 16 else np.uint32)

    def _pieces(self, rank: np.ndarray, other: int) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """The buffer's kept postings in order, a run of whole documents (about :data:`PIECE` tokens) at a time:
        each posting's term rank, document and position (entries ranked ``other`` belong to the other field)."""
        entries = np.frombuffer(self.entries, dtype=np.uint32)
        docs = np.frombuffer(self.docs, dtype=np.uint32)
        counts = np.frombuffer(self.counts, dtype=np.uint32)
        starts = _starts(counts)
        first = 0
        while first < len(counts):
            last = max(first + 1, int(np.searchsorted(starts, starts[first] + PIECE, side="right")) - 1)
            begin, end = int(starts[first]), int(starts[last])
            ranked = rank[entries[begin:end]]
            held = ranked < other
            positions = np.arange(end - begin, dtype=np.uint32)
            positions -= np.repeat((starts[first:last] - begin).astype(np.uint32), counts[first:last])
            yield ranked[held], np.repeat(docs[first:last], counts[first:last])[held], positions[held]
            first = last

    def size(self) -> int:
        """The bytes the buffer counts against the writer's budget: :data:`TOKEN_BYTES` a token."""
        return len(self.entries) * TOKEN_BYTES + TERM_BYTES * len(self.numbers)


class _Numbering(dict[str, int]):
    """Entry -> number, each entry numbered as it is first looked up (0, 1, 2 ...)."""

    def __missing__(self, entry: str) -> int:
        number = self[entry] = len(self)
        return number


def _sorted_lists(
    pieces: Iterable[tuple[np.ndarray, np.ndarray, np.ndarray]],
    per_term: np.ndarray,
    value_type: np.dtype,
    encoded: list[bytes],
    positional: bool,
) -> FieldLists:
    """Posting lists from one entry per posting value: its term's rank (terms in byte order), document and value.

    The entries come in pieces, in document order and within a document in
    value order; each piece is sorted by term on its own and its entries
    placed after those of the pieces before it, so every list has its
    documents and positions rising.  Sorting the buffer whole took an
    8-byte permutation and a copy of every array: for one full-size
    segment's text buffer 390 MB at peak, in pieces 86-111 MB
    (``python -m bench.sort_memory``).
    """
    value_starts = _starts(per_term)
    following = value_starts[:-1].astype(np.int64)  # where each term's next entry goes
    docs = np.empty(int(value_starts[-1]), dtype=np.uint32)
    values = np.empty(int(value_starts[-1]), dtype=value_type)
    for ranked, piece_docs, piece_values in pieces:
        permutation = np.argsort(ranked, kind="stable")
        in_order = ranked[permutation]
        run_starts = np.flatnonzero(np.diff(in_order, prepend=np.int64(-1)))
        places = following[in_order] + np.arange(len(in_order)) - np.repeat(run_starts, np.diff(run_starts, append=len(in_order)))
        docs[places] = piece_docs[permutation]
        values[places] = piece_values[permutation]
        following += np.bincount(ranked, minlength=len(following))
    term_starts = _starts(np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)))
    if not positional:
        return FieldLists(b"".join(encoded), term_starts, value_starts, docs, values, None, None)
    first = np.empty(len(docs), dtype=bool)  # where a posting (a term in a document) begins
    first[0] = True
    np.not_equal(docs[1:], docs[:-1], out=first[1:])
    first[value_starts[:-1]] = True
    posting_starts = _true_places(first)
    del first
    starts = np.searchsorted(posting_starts, value_starts.astype(np.uint32)).astype(np.uint64)
    posting_docs, freqs = _postings_in_place(docs, posting_starts, len(values))
    return FieldLists(b"".join(encoded), term_starts, starts, posting_docs, freqs, values, value_starts)


def _postings_in_place(docs: np.ndarray, posting_starts: np.ndarray, total: int) -> tuple[np.ndarray, np.ndarray]:
    """Each posting's document and frequency, made over ``docs`` (one per position) and ``posting_starts`` themselves.

    Both go a piece at a time from the front.  A posting starts at or after
    its own index, so moving each posting's document to its index never
    overwrites a document still to be read; a frequency (the distance to
    the next posting's start) overwrites a start no later piece reads.
    New arrays for them took two more arrays of a posting each at the
    moment of the most memory (84 MB each for a full-size segment's body).
    """
    count = len(posting_starts)
    for at in range(0, count, PIECE):
        piece = posting_starts[at : at + PIECE]
        docs[at : at + len(piece)] = docs[piece]
    for at in range(0, count - 1, PIECE):
        end = min(at + PIECE, count - 1)
        np.subtract(posting_starts[at + 1 : end + 1], posting_starts[at:end], out=posting_starts[at:end])
    posting_starts[count - 1] = total - posting_starts[count - 1]
    return docs[:count], posting_starts


def _true_places(mask: np.ndarray) -> np.ndarray:
    """Where ``mask`` is true, as 4-byte offsets, found a piece at a time.

    ``np.flatnonzero`` of the whole mask makes 8-byte offsets: for a
    full-size segment's body, 21 million postings, 169 MB beside the
    4-byte copy kept.
    """
    places = np.empty(np.count_nonzero(mask), dtype=np.uint32)
    filled = 0
    for at in range(0, len(mask), PIECE):
        found = np.flatnonzero(mask[at : at + PIECE])
        places[filled : filled + len(found)] = found + at
        filled += len(found)
    return places


def _starts(counts: np.ndarray) -> np.ndarray:
    """Offsets from counts: 0, then each running total."""
    starts = np.zeros(len(counts) + 1, dtype=np.uint64)
    np.cumsum(counts, out=starts[1:])
    return starts


class SegmentWriter:
    """Index documents (the field dicts of :func:`cables.index.prepare.documents`) into whoosh segments in ``folder``.

    Each field is analysed as whoosh's writer analyses it, and stored and
    measured as whoosh's writer does; a segment is written whenever the
    buffered postings reach ``budget_mb``, and by :meth:`finish`.
    :attr:`segments` lists the segments written, in document order;
    :attr:`documents` counts the documents added over all of them.
    """

    def __init__(self, folder: Path, schema, budget_mb: float = WRITER_MB) -> None:
        unsupported = [name for name, field in schema.items() if field.vector or field.column_type or field.separate_spelling()]
        if unsupported:
            raise ValueError(f"the direct segment writer cannot write vectors, columns or spelling: {', '.join(unsupported)}")
        self.folder = folder
        self.schema = schema
        self.recent: dict[str, tuple] = {}  # field name -> its last value and that value's postings
        self.text_pairs = [
            (name, stop_field(name)) for name, field in schema.items() if isinstance(field, StemField) and not isinstance(field, StopField)
        ]
        self.budget = budget_mb * 1e6
        self.codec = ArrayCodec()
        self.segments: list = []
        self.documents = 0
        self._start()

    def _start(self) -> None:
        """Open a new segment."""
        self.segment = self.codec.new_segment(None, INDEX_NAME)
        self.storage = _SegmentStorage(self.folder, self.segment.segment_id())
        self.per_document: PerDocumentWriter | None = None  # whoosh's writer of stored fields and lengths, opened by the first document
        self.fields: dict[str, _FieldPostings] = {}
        self.texts: dict[str, _TextPostings] = {}  # by text field; each serves its stop-word field too
        self.docnum = 0

    def add(self, document: dict) -> None:
        """Index one document; write the segment when the buffer is full."""
        for text, stops in self.text_pairs:
            if document.get(text) != document.get(stops):
                raise ValueError(f"the direct segment writer needs {text} and {stops} to hold the same text (one buffer serves both)")
        per_document = self.per_document
        if per_document is None:
            per_document = self.per_document = self.codec.per_document_writer(self.storage, self.segment)
        per_document.start_doc(self.docnum)
        for name in sorted(name for name in document if not name.startswith("_")):
            value = document[name]
            if value is None:
                continue
            field = self.schema[name]
            length = 0
            if isinstance(field, StemField):
                length = self._add_text(name, field, value)
            elif field.indexed:
                postings, frequency = self._postings(name, field, value)
                if postings:
                    self.fields.setdefault(name, _FieldPostings()).add(self.docnum, postings)
                if field.scorable:
                    length = frequency
            per_document.add_field(name, field, value if field.stored else None, length)
        per_document.finish_doc()
        self.docnum += 1
        self.documents += 1
        if sum(buffer.size() for buffer in self.fields.values()) + sum(buffer.size() for buffer in self.texts.values()) >= self.budget:
            self._write()
            self._start()

    def _add_text(self, name: str, field: StemField, value: str) -> int:
        """Buffer a text field's entries (its stop-word field's too: they are the same), and return its length.

        A text field and its stop-word field carry the same value (:meth:`add`
        refuses a document where they do not): one buffer serves both.
        """
        if isinstance(field, StopField):
            return 0
        self.texts.setdefault(name, _TextPostings()).add(self.docnum, entries_of(value))
        return stem_count(value) if field.scorable else 0

    def _postings(self, name: str, field, value) -> tuple[dict[bytes, list[int]], int]:
        """A field value's terms as whoosh indexes them, each with its frequency (or positions), and their total frequency.

        The last value of each field is remembered: a cable's paragraph
        documents carry the same cable id one after the other.  The postings
        are only read, never changed, so a remembered one is reused as it is.
        """
        recent = self.recent.get(name)
        if recent is None or recent[0] != value:
            positional = field.format.supports("positions")
            indexed = list(field.index(value))
            postings = {
                term: list(field.format.decode_positions(encoded)) if positional else [frequency] for term, frequency, _, encoded in indexed
            }
            recent = self.recent[name] = (value, (postings, sum(frequency for _, frequency, _, _ in indexed)))
        return recent[1]

    def _write(self) -> None:
        """Write the buffered documents (at least one) as a segment: stored fields and lengths, then each field's posting lists."""
        if self.per_document is not None:
            self.per_document.close()
        self.storage.temporary.rmdir()  # whoosh's per-document writer has removed its temporary file
        for name, buffer in sorted(self.fields.items()):
            positional = self.schema[name].format.supports("positions")
            write_field_lists(self.folder, self.segment.segment_id(), name, buffer.lists(positional))
            self.fields[name] = _FieldPostings()  # free the buffer before the next field is sorted
        for name, text in sorted(self.texts.items()):
            for field, stops in ((name, False), (stop_field(name), True)):
                lists = text.lists(stops)
                if lists is not None:
                    write_field_lists(self.folder, self.segment.segment_id(), field, lists)
            self.texts[name] = _TextPostings()
        self.segment.set_doc_count(self.docnum)
        self.segments.append(self.segment)

    def finish(self) -> list:
        """Write what is buffered (unless nothing is) and return every segment written."""
        if self.docnum:
            self._write()
        return self.segments
