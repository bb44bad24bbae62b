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
from dataclasses import dataclass
from functools import cached_property
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from index.records import RecordStore, created_of

COLUMNS_FOLDER = "columns"
VOCABULARY_FILE = "vocabulary.json"
FACETED = ("classification", "origin", "tag", "marking")

Document = tuple[str, int, "str | None", int]
"""A paragraph document: its cable id, paragraph position, marking and body length in stems."""
DELETED_DOCUMENT: Document = ("", 0, None, 0)


@dataclass
class Columns:
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
        """The paragraph documents of a cable, in paragraph order."""
        return self.cable_docs[self.cable_doc_start[cable]: self.cable_doc_start[cable + 1]]


def _epoch(moment: datetime) -> int:
    return int(moment.replace(tzinfo=timezone.utc).timestamp())


def build_columns(folder: Path, store: RecordStore, documents: list[Document]) -> Columns:
    """Compute and save the arrays for ``documents`` in docnum order (deleted ones as :data:`DELETED_DOCUMENT`)."""
    size = store.max_ordinal() + 1
    codes: dict[str, dict[str, int]] = {name: {} for name in FACETED}

    def code(kind: str, value: str) -> int:
        return codes[kind].setdefault(value, len(codes[kind]))

    ordinal_of: dict[str, int] = {}
    cable_valid = np.zeros(size, dtype=bool)
    created = np.zeros(size, dtype=np.int64)
    year = np.zeros(size, dtype=np.int16)
    classification = np.zeros(size, dtype=np.int16)
    origin = np.zeros(size, dtype=np.int16)
    subject_length = np.zeros(size, dtype=np.int32)
    tag_lists: list[list[int]] = [[] for _ in range(size)]
    for ordinal, record, subject_stems in store.records():
        ordinal_of[record["id"]] = ordinal
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
    doc_cable = np.fromiter((ordinal_of.get(cid, -1) for cid, _, _, _ in documents), dtype=np.int32, count=len(documents))
    doc_position = np.fromiter((position for _, position, _, _ in documents), dtype=np.int32, count=len(documents))
    doc_marking = np.fromiter(
        (code("marking", marking) if marking else -1 for _, _, marking, _ in documents), dtype=np.int16, count=len(documents)
    )
    doc_length = np.fromiter((length for _, _, _, length in documents), dtype=np.int32, count=len(documents))
    tag_owner = np.repeat(np.arange(size, dtype=np.int32), np.diff(tag_start))
    live = np.flatnonzero(doc_cable >= 0)
    cable_docs = live[np.lexsort((doc_position[live], doc_cable[live]))].astype(np.int64)
    body_length = np.bincount(doc_cable[live], weights=doc_length[live], minlength=size).astype(np.int64)
    doc_start = np.zeros(size + 1, dtype=np.int64)
    doc_start[1:] = np.cumsum(np.bincount(doc_cable[live], minlength=size))
    vocabulary = {kind: sorted(values, key=values.get) for kind, values in codes.items()}
    columns = Columns(
        doc_cable, doc_length, doc_position, doc_marking, cable_valid, created, year, classification, origin,
        subject_length, body_length, tag_start, tags, tag_owner, doc_start, cable_docs, vocabulary,
    )
    save_columns(folder, columns)
    return columns


def save_columns(folder: Path, columns: Columns) -> None:
    """Write each array as ``.npy`` and the code vocabularies as JSON."""
    target = folder / COLUMNS_FOLDER
    target.mkdir(exist_ok=True)
    for name, value in columns.__dict__.items():
        if isinstance(value, np.ndarray):
            np.save(target / f"{name}.npy", value)
    (target / VOCABULARY_FILE).write_text(json.dumps(columns.vocabulary, ensure_ascii=False), encoding="utf-8")


def load_columns(folder: Path) -> Columns:
    """Memory-map the arrays of a generation."""
    source = folder / COLUMNS_FOLDER
    vocabulary = json.loads((source / VOCABULARY_FILE).read_text(encoding="utf-8"))
    arrays = {
        name: np.load(source / f"{name}.npy", mmap_mode="r")
        for name in Columns.__dataclass_fields__
        if name != "vocabulary"
    }
    return Columns(vocabulary=vocabulary, **arrays)
