"""The cost of decoding one-byte document gaps against slicing absolute documents, on the same lists, in one process.

The search benchmarks compare whole searches on two indexes in two runs, on
a shared machine; this isolates the one step the gap encoding changes.  For
one field of every segment of an index of the previous format (schema 14),
the old arrays are read with :func:`cables.index.termarrays.read_array` and
written gap-encoded into a scratch folder by
:func:`cables.index.termarrays.write_field_lists`.  Then, for the field's
most frequent terms and a fixed random sample of the others, each list is
read both ways, alternately, ``--rounds`` times:

* old: the previous ``postings_at`` (the slice of the absolute documents,
  checked to rise and stay in the segment), widened to int64 as the search
  path then did;
* new: :meth:`cables.index.termarrays.SegmentArrays.postings_at`, which
  decodes the gaps (exceptions in place, a running sum) and checks them.

It prints the median CPU time (``time.process_time``, steadier than wall
time on a shared machine) per round of each and their ratio.  Usage::

    python -m bench.gap_speed INDEX [--field body] [--heavy 200] [--sample 2000] [--rounds 7]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.gap_sizes import old_lists
from cables.index.integrity import require
from cables.index.store import WHOOSH_FOLDER
from cables.index.termarrays import SegmentArrays, read_segment_list, write_field_lists


@dataclass
class SegmentCase:
    """One segment's field, both ways, and the lists to read: the most frequent terms' and a sample of the others'."""

    old_docs: np.ndarray
    old_freqs: np.ndarray
    starts: np.ndarray
    doc_count: int
    new: SegmentArrays
    chosen: dict[str, list[int]]


def old_read(case: SegmentCase, index: int) -> tuple[np.ndarray, np.ndarray]:
    """The previous format's read of one list, as its ``postings_at`` did it, with the search path's widening to int64."""
    start, end = case.starts.item(index), case.starts.item(index + 1)
    require(0 <= start <= end <= len(case.old_docs), "an offset of the old index is out of range")
    docs = case.old_docs[start:end]
    if len(docs):
        require(docs.item(-1) < case.doc_count and bool(np.all(docs[1:] > docs[:-1])), "a list of the old index does not rise")
    return docs.astype(np.int64), case.old_freqs[start:end]


def prepare(generation: Path, scratch: Path, field: str, heavy: int, sample: int) -> list[SegmentCase]:
    """Every segment's field, old and gap-encoded in ``scratch``, with its chosen lists."""
    cases = []
    for segment_id, doc_count in read_segment_list(generation):
        lists = old_lists(generation / WHOOSH_FOLDER, segment_id, field)
        write_field_lists(scratch, segment_id, field, lists)
        largest = np.argsort(-np.diff(lists.starts.astype(np.int64)), kind="stable")[:heavy].tolist()
        rest = sorted(set(range(len(lists.starts) - 1)) - set(largest))
        drawn = random.Random(14).sample(rest, min(sample, len(rest)))
        new = SegmentArrays(scratch, segment_id, field, doc_count)
        cases.append(SegmentCase(lists.docs, lists.freqs, lists.starts, doc_count, new, {"most frequent": largest, "sample": drawn}))
    return cases


def time_reads(cases: list[SegmentCase], kind: str, rounds: int) -> tuple[float, float]:
    """Median CPU seconds per round of the old and the new read of every chosen list, the two alternating."""
    old_times, new_times = [], []
    for _ in range(rounds):
        began = time.process_time()
        for case in cases:
            for index in case.chosen[kind]:
                old_read(case, index)
        old_times.append(time.process_time() - began)
        began = time.process_time()
        for case in cases:
            for index in case.chosen[kind]:
                case.new.postings_at(index)
        new_times.append(time.process_time() - began)
    return statistics.median(old_times), statistics.median(new_times)


def main() -> None:
    """Time both reads over the chosen lists of every segment and print medians."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("index", type=Path)
    parser.add_argument("--field", default="body")
    parser.add_argument("--heavy", type=int, default=200, help="the most frequent terms of each segment")
    parser.add_argument("--sample", type=int, default=2000, help="other terms of each segment, drawn with a fixed seed")
    parser.add_argument("--rounds", type=int, default=7)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        cases = prepare(options.index.resolve(), Path(scratch), options.field, options.heavy, options.sample)
        for kind in ("most frequent", "sample"):
            lists = sum(len(case.chosen[kind]) for case in cases)
            postings = sum(int(case.starts[index + 1] - case.starts[index]) for case in cases for index in case.chosen[kind])
            old, new = time_reads(cases, kind, options.rounds)
            print(
                f"{kind}: {lists} lists, {postings} postings; absolute {old * 1e3:.1f} ms, "
                f"gaps {new * 1e3:.1f} ms of CPU per round (median of {options.rounds}), ratio {new / old:.2f}"
            )


if __name__ == "__main__":
    main()
