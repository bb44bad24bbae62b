"""What the gap encoding of posting documents writes for an existing index, computed from its arrays without a rebuild.

A full-size rebuild takes an hour; the documents of every posting list are
already in an index of the previous format (schema 14: absolute document
numbers, one width per file).  For every segment and field this reads the
old arrays with :func:`cables.index.termarrays.read_array`, writes them with
:func:`cables.index.termarrays.write_field_lists` (the direct segment
writer's path, so :func:`cables.index.termarrays.encode_gaps` encodes them)
into a scratch folder, checks that every list decodes back to the old
documents through :meth:`cables.index.termarrays.SegmentArrays.postings_at`,
and adds up the bytes of each kind of file, old and new.  The index is only
read.

Usage::

    python -m bench.gap_sizes INDEX [--text FOLDER] [--json OUT]

``INDEX`` is an index path (the generation it points at is read); ``--text``
is the folder of the indexed cables, whose bytes give the ratio of index to
text.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np

from cables.index.store import WHOOSH_FOLDER
from cables.index.termarrays import (
    FieldLists,
    SegmentArrays,
    array_path,
    indexed_fields,
    read_array,
    read_segment_list,
    write_field_lists,
)


def old_lists(folder: Path, segment_id: str, field: str) -> FieldLists:
    """One field's lists of one segment as the old format holds them (documents absolute)."""

    def read(kind: str) -> np.ndarray:
        """One old array of the field."""
        return read_array(array_path(folder, segment_id, field, kind))

    positional = array_path(folder, segment_id, field, "positions").exists()
    return FieldLists(
        terms=array_path(folder, segment_id, field, "terms").read_bytes(),
        term_starts=read("term_starts"),
        starts=read("starts"),
        docs=read("docs"),
        freqs=read("freqs"),
        positions=read("positions") if positional else None,
        position_starts=read("position_starts") if positional else None,
    )


def rewrite_field(folder: Path, scratch: Path, segment_id: str, field: str, doc_count: int) -> tuple[Counter, Counter]:
    """Bytes per kind of one segment's field, old and as the gap encoding writes it; every list checked to decode the same."""
    old = Counter({path.name.rsplit(".", 1)[1]: path.stat().st_size for path in folder.glob(f"{segment_id}.{field}.*")})
    lists = old_lists(folder, segment_id, field)
    write_field_lists(scratch, segment_id, field, lists)
    new = Counter({path.name.rsplit(".", 1)[1]: path.stat().st_size for path in scratch.glob(f"{segment_id}.{field}.*")})
    arrays = SegmentArrays(scratch, segment_id, field, doc_count)
    arrays.check()
    starts = lists.starts.astype(np.int64)
    for index in range(len(arrays)):
        docs, _ = arrays.postings_at(index)
        if not np.array_equal(docs, lists.docs[starts[index] : starts[index + 1]]):
            raise SystemExit(f"{segment_id}.{field}: term {index} does not decode to its old documents")
    for path in scratch.glob(f"{segment_id}.{field}.*"):
        path.unlink()
    return old, new


def measure(index: Path) -> dict:
    """Old and new bytes per kind of posting file over the whole index, and the index's total, old and new."""
    generation = index.resolve()
    folder = generation / WHOOSH_FOLDER
    old: Counter = Counter()
    new: Counter = Counter()
    with tempfile.TemporaryDirectory() as scratch:
        for segment_id, doc_count in read_segment_list(generation):
            for field in indexed_fields(folder, segment_id):
                field_old, field_new = rewrite_field(folder, Path(scratch), segment_id, field, doc_count)
                old.update(field_old)
                new.update(field_new)
    total = sum(path.stat().st_size for path in generation.rglob("*") if path.is_file())
    return {
        "old_bytes": dict(sorted(old.items())),
        "new_bytes": dict(sorted(new.items())),
        "index_bytes_old": total,
        "index_bytes_new": total - sum(old.values()) + sum(new.values()),
    }


def main() -> None:
    """Measure an index, print a table (and write JSON when asked)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("index", type=Path)
    parser.add_argument("--text", type=Path, help="the folder of the indexed cables, for the ratio of index to text")
    parser.add_argument("--json", type=Path, help="write the figures here as JSON")
    options = parser.parse_args()
    figures = measure(options.index)
    if options.text is not None:
        figures["text_bytes"] = sum(path.stat().st_size for path in options.text.rglob("*") if path.is_file())
    for kind in sorted(set(figures["old_bytes"]) | set(figures["new_bytes"])):
        before, after = figures["old_bytes"].get(kind, 0), figures["new_bytes"].get(kind, 0)
        print(f"{kind:22} {before / 1e6:10.1f} MB -> {after / 1e6:10.1f} MB")
    for name in ("index_bytes_old", "index_bytes_new"):
        ratio = f" = {figures[name] / figures['text_bytes']:.3f}x text" if "text_bytes" in figures else ""
        print(f"{name:22} {figures[name] / 1e9:.3f} GB{ratio}")
    if options.json is not None:
        options.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
