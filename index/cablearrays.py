"""Compact per-paragraph and per-cable arrays for filters, facets and scoring.

whoosh's own faceting rebuilds every document's values on each search (over a
second at Cablegate scale) and counts paragraphs, not cables.  Instead the
build writes small numpy arrays once: which cable each paragraph document
belongs to, each paragraph's length and marking, and each cable's date,
classification, origin and tags as integer codes.  A search memory-maps them,
so opening costs almost nothing and counting is a ``bincount``.
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from cables.index.integrity import require

if TYPE_CHECKING:
    from cables.index.recordstore import RecordStore

CABLE_ARRAYS_FOLDER = "columns"  # the folder name indexes have always used: renaming it would only force rebuilds
VOCABULARY_FILE = "vocabulary.json"
FACETED = ("classification", "origin", "tag", "marking")


class Document(NamedTuple):
    """A paragraph document as the arrays need it: its cable's ordinal, paragraph position, marking and body length in stems."""

    cable: int
    position: int
    marking: str | None
    body_length: int


DELETED_DOCUMENT = Document(-1, 0, None, 0)
"""The place of a deleted document in docnum order (its ordinal names no cable)."""


@dataclass
class CableArrays:
    """The arrays of one index generation (memory-mapped when loaded)."""

    doc_cable: np.ndarray
    doc_body_length: np.ndarray
    doc_position: np.ndarray
    doc_marking: np.ndarray
    cable_valid: np.ndarray
    cable_created: np.ndarray
    cable_year: np.ndarray
    cable_classification: np.ndarray
    cable_origin: np.ndarray
    cable_subject_length: np.ndarray
    cable_body_length: np.ndarray
    cable_tag_start: np.ndarray
    cable_tags: np.ndarray
    cable_tag_owner: np.ndarray
    cable_doc_start: np.ndarray
    cable_docs: np.ndarray
    vocabulary: dict[str, list[str]]

    @cached_property
    def tag_codes(self) -> dict[str, int]:
        """Tag (case-folded) -> its code, for exact tag lookups without a scan."""
        return {tag.casefold(): code for code, tag in enumerate(self.vocabulary["tag"])}

    def docs_of(self, cable: int) -> np.ndarray:
        """The paragraph documents of a cable, in paragraph order, checked to be documents of the index.

        ``cable_docs`` is checked here, on the few cables a search shows,
        rather than whole (the largest array) by :func:`check_arrays`.
        """
        docs = self.cable_docs[self.cable_doc_start[cable] : self.cable_doc_start[cable + 1]]
        require(
            not len(docs) or (int(docs.min()) >= 0 and int(docs.max()) < len(self.doc_cable)),
            f"{CABLE_ARRAYS_FOLDER}/cable_docs.npy holds a value out of range",
        )
        return docs


def _epoch(moment: datetime) -> int:
    return int(moment.replace(tzinfo=UTC).timestamp())


class DocumentColumns(NamedTuple):
    """Documents in docnum order, as the columns :func:`build_arrays` reads: each one's cable ordinal (-1: deleted),
    paragraph position, marking (an index into ``markings``, -1: none) and body length."""

    cable: np.ndarray
    position: np.ndarray
    marking: np.ndarray
    body_length: np.ndarray
    markings: list[str]


class DocumentLog:
    """Documents in docnum order as a build indexes them, held as columns until the arrays are written.

    A rebuild's main process holds every paragraph document until then: at
    full size (2.3 million of them) :class:`Document` tuples took 313 MB,
    these columns 32 MB.  Logs that share ``codes`` (a marking's code, by
    marking) code markings alike, so their columns can be joined.
    """

    def __init__(self, codes: dict[str, int] | None = None) -> None:
        self.codes = {} if codes is None else codes
        self.cable = array("i")
        self.position = array("i")
        self.marking = array("h")
        self.body_length = array("i")

    def extend(self, documents: Iterable[Document]) -> None:
        """Append documents, coding each new marking after the known ones."""
        for document in documents:
            self.cable.append(document.cable)
            self.position.append(document.position)
            self.marking.append(self.codes.setdefault(document.marking, len(self.codes)) if document.marking else -1)
            self.body_length.append(document.body_length)

    def delete(self, docnum: int) -> None:
        """Mark a logged document deleted (as :data:`DELETED_DOCUMENT`)."""
        self.cable[docnum] = DELETED_DOCUMENT.cable
        self.position[docnum] = DELETED_DOCUMENT.position
        self.marking[docnum] = -1
        self.body_length[docnum] = DELETED_DOCUMENT.body_length

    def columns(self) -> DocumentColumns:
        """The logged documents as the columns :func:`build_arrays` reads."""
        return DocumentColumns(
            np.array(self.cable, dtype=np.int32),
            np.array(self.position, dtype=np.int32),
            np.array(self.marking, dtype=np.int16),
            np.array(self.body_length, dtype=np.int32),
            list(self.codes),
        )


def document_columns(documents: list[Document], markings: list[str] | None = None) -> DocumentColumns:
    """The columns of a list of documents, their markings coded in the order of ``markings``, new ones appended."""
    log = DocumentLog({marking: code for code, marking in enumerate(markings or [])})
    log.extend(documents)
    return log.columns()


def previous_columns(arrays: CableArrays, start: int, count: int) -> DocumentColumns:
    """The documents ``start`` to ``start + count`` of a generation's arrays, as :func:`build_arrays` was given them."""
    span = slice(start, start + count)
    return DocumentColumns(
        np.array(arrays.doc_cable[span], dtype=np.int32),
        np.array(arrays.doc_position[span], dtype=np.int32),
        np.array(arrays.doc_marking[span], dtype=np.int16),
        np.array(arrays.doc_body_length[span], dtype=np.int32),
        list(arrays.vocabulary["marking"]),
    )


def joined_columns(parts: list[DocumentColumns]) -> DocumentColumns:
    """Runs of documents one after another; each run's markings must begin the last run's (codes are kept)."""
    markings = parts[-1].markings if parts else []
    require(all(part.markings == markings[: len(part.markings)] for part in parts), "document runs disagree on their marking codes")

    def joined(name: str, dtype) -> np.ndarray:
        return np.concatenate([getattr(part, name) for part in parts]) if parts else np.zeros(0, dtype)

    return DocumentColumns(
        joined("cable", np.int32), joined("position", np.int32), joined("marking", np.int16), joined("body_length", np.int32), markings
    )


def build_arrays(
    folder: Path, store: RecordStore, documents: DocumentColumns, previous: CableArrays | None = None, touched: frozenset[int] = frozenset()
) -> CableArrays:
    """Compute and save the arrays for ``documents`` (deleted ones with cable -1).

    Given ``previous`` (the arrays an update started from), only the cables
    whose ordinals are in ``touched`` (added, replaced or removed) are read
    from the store; every other cable keeps its values and codes.
    """
    from cables.index.cable import created_of  # here: a search, which only loads the arrays, never makes a cable

    size = store.max_ordinal() + 1
    codes: dict[str, dict[str, int]] = {
        name: {} if previous is None else {value: code for code, value in enumerate(previous.vocabulary[name])} for name in FACETED
    }
    codes["marking"] = {value: code for code, value in enumerate(documents.markings)}

    def code(kind: str, value: str) -> int:
        return codes[kind].setdefault(value, len(codes[kind]))

    cable_valid = np.zeros(size, dtype=bool)
    created = np.zeros(size, dtype=np.int64)
    year = np.zeros(size, dtype=np.int16)
    classification = np.zeros(size, dtype=np.int16)
    origin = np.zeros(size, dtype=np.int16)
    subject_length = np.zeros(size, dtype=np.int32)
    tag_lists: list = [[] for _ in range(size)]
    if previous is None:
        rows = store.records()
    else:
        kept = min(size, len(previous.cable_valid))
        for mine, theirs in (
            (cable_valid, previous.cable_valid),
            (created, previous.cable_created),
            (year, previous.cable_year),
            (classification, previous.cable_classification),
            (origin, previous.cable_origin),
            (subject_length, previous.cable_subject_length),
        ):
            mine[:kept] = theirs[:kept]
        tag_lists[:kept] = np.split(np.asarray(previous.cable_tags), previous.cable_tag_start[1:-1])[:kept]
        for ordinal in touched:
            if ordinal < size:
                cable_valid[ordinal] = False
                tag_lists[ordinal] = []
        rows = store.records(sorted(touched))
    for ordinal, record, subject_stems in rows:
        cable_valid[ordinal] = True
        moment = created_of(record)
        created[ordinal] = _epoch(moment)
        year[ordinal] = moment.year
        classification[ordinal] = code("classification", record["classification"])
        origin[ordinal] = code("origin", record["origin"])
        subject_length[ordinal] = subject_stems
        tag_lists[ordinal] = sorted({code("tag", tag) for tag in record["tags"]})
    tag_start = np.zeros(size + 1, dtype=np.int64)
    tag_start[1:] = np.cumsum([len(tags) for tags in tag_lists])
    tags = np.fromiter((tag for tags in tag_lists for tag in tags), dtype=np.int32, count=int(tag_start[-1]))
    doc_cable = documents.cable.astype(np.int32)
    held = (doc_cable >= 0) & (doc_cable < size)
    held[held] = cable_valid[doc_cable[held]]
    doc_cable[~held] = -1  # a cable the store does not hold
    doc_position, doc_marking, doc_length = documents.position, documents.marking, documents.body_length
    tag_owner = np.repeat(np.arange(size, dtype=np.int32), np.diff(tag_start))
    live = np.flatnonzero(doc_cable >= 0)
    cable_docs = live[np.lexsort((doc_position[live], doc_cable[live]))].astype(np.int64)
    body_length = np.bincount(doc_cable[live], weights=doc_length[live], minlength=size).astype(np.int64)
    doc_start = np.zeros(size + 1, dtype=np.int64)
    doc_start[1:] = np.cumsum(np.bincount(doc_cable[live], minlength=size))
    vocabulary = {kind: sorted(values, key=values.__getitem__) for kind, values in codes.items()}
    arrays = CableArrays(
        doc_cable,
        doc_length,
        doc_position,
        doc_marking,
        cable_valid,
        created,
        year,
        classification,
        origin,
        subject_length,
        body_length,
        tag_start,
        tags,
        tag_owner,
        doc_start,
        cable_docs,
        vocabulary,
    )
    save_arrays(folder, arrays)
    return arrays


def save_arrays(folder: Path, arrays: CableArrays) -> None:
    """Write each array as ``.npy`` and the code vocabularies as JSON."""
    target = folder / CABLE_ARRAYS_FOLDER
    target.mkdir(exist_ok=True)
    for name, value in arrays.__dict__.items():
        if isinstance(value, np.ndarray):
            np.save(target / f"{name}.npy", value)
    (target / VOCABULARY_FILE).write_text(json.dumps(arrays.vocabulary, ensure_ascii=False), encoding="utf-8")


def load_arrays(folder: Path) -> CableArrays:
    """Memory-map the arrays of a generation, as plain arrays: slicing a ``np.memmap`` runs Python code, a query slices thousands."""
    source = folder / CABLE_ARRAYS_FOLDER
    vocabulary = json.loads((source / VOCABULARY_FILE).read_text(encoding="utf-8"))
    loaded = {
        name: np.asarray(np.load(source / f"{name}.npy", mmap_mode="r", allow_pickle=False))
        for name in CableArrays.__dataclass_fields__
        if name != "vocabulary"
    }
    return CableArrays(vocabulary=vocabulary, **loaded)


LAYOUT = {
    "doc_cable": (np.int32, "documents"),
    "doc_body_length": (np.int32, "documents"),
    "doc_position": (np.int32, "documents"),
    "doc_marking": (np.int16, "documents"),
    "cable_valid": (np.bool_, "cables"),
    "cable_created": (np.int64, "cables"),
    "cable_year": (np.int16, "cables"),
    "cable_classification": (np.int16, "cables"),
    "cable_origin": (np.int16, "cables"),
    "cable_subject_length": (np.int32, "cables"),
    "cable_body_length": (np.int64, "cables"),
    "cable_tag_start": (np.int64, "cables + 1"),
    "cable_tags": (np.int32, None),
    "cable_tag_owner": (np.int32, None),
    "cable_doc_start": (np.int64, "cables + 1"),
    "cable_docs": (np.int64, None),
}
"""Each array's type as :func:`build_arrays` writes it, and what its length counts (None: checked through offsets)."""


def check_arrays(arrays: CableArrays, documents: int) -> None:
    """The invariants a search relies on, so damaged arrays give a clear error instead of an IndexError or wrong counts.

    Shapes and types as built, one entry per document (``documents``, from
    whoosh) or per cable, offsets that rise from 0 to their array's end, and
    every cable number and code within its range.  Each check is one pass
    over an array of at most one entry per paragraph.  The document numbers
    of ``cable_docs`` are checked where they are read (:meth:`CableArrays.docs_of`):
    a search reads a few cables' of them, and the whole array is the largest.
    """
    cables = len(arrays.cable_valid)
    lengths = {"documents": documents, "cables": cables, "cables + 1": cables + 1}
    for name, (dtype, counted) in LAYOUT.items():
        array = getattr(arrays, name)
        require(array.dtype == dtype and array.ndim == 1, f"{CABLE_ARRAYS_FOLDER}/{name}.npy has the wrong type or shape")
        require(
            counted is None or len(array) == lengths[counted], f"{CABLE_ARRAYS_FOLDER}/{name}.npy does not have one entry per {counted}"
        )
    require(
        isinstance(arrays.vocabulary, dict)
        and all(
            isinstance(arrays.vocabulary.get(kind), list) and all(isinstance(value, str) for value in arrays.vocabulary[kind])
            for kind in FACETED
        ),
        f"{CABLE_ARRAYS_FOLDER}/{VOCABULARY_FILE} is not a list of values per facet",
    )
    _check_offsets(arrays.cable_tag_start, len(arrays.cable_tags), "cable_tag_start")
    _check_offsets(arrays.cable_doc_start, len(arrays.cable_docs), "cable_doc_start")
    require(len(arrays.cable_tag_owner) == len(arrays.cable_tags), f"{CABLE_ARRAYS_FOLDER}/cable_tag_owner.npy has one entry per tag")
    valid, vocabulary = arrays.cable_valid, arrays.vocabulary
    for name, values, low, high in (
        ("doc_cable", arrays.doc_cable, -1, cables),
        ("cable_tag_owner", arrays.cable_tag_owner, 0, cables),
        ("doc_marking", arrays.doc_marking, -1, len(vocabulary["marking"])),
        ("cable_tags", arrays.cable_tags, 0, len(vocabulary["tag"])),
        ("cable_classification", arrays.cable_classification[valid], 0, len(vocabulary["classification"])),
        ("cable_origin", arrays.cable_origin[valid], 0, len(vocabulary["origin"])),
    ):
        require(
            not len(values) or (int(values.min()) >= low and int(values.max()) < high),
            f"{CABLE_ARRAYS_FOLDER}/{name}.npy holds a value out of range",
        )


def _check_offsets(starts: np.ndarray, end: int, name: str) -> None:
    """Offsets into another array: from 0, never falling, ending at its length."""
    require(
        starts.item(0) == 0 and starts.item(-1) == end and bool(np.all(starts[1:] >= starts[:-1])),
        f"{CABLE_ARRAYS_FOLDER}/{name}.npy does not rise from 0 to the end of its array",
    )
