"""The CPU a rebuild worker spends per cable, stage by stage, and where it goes.

A rebuild worker (:class:`cables.index.segments._Shard`) reads and parses a
file, analyses its text, and indexes its paragraph documents into its
segment writer.  This runs that path in one process over every Nth cable
file of a folder, without the parent's record store and variant table,
and prints the CPU milliseconds per cable of each stage::

    python -m bench.worker $CABLES_CORPUS/cables --every 5
    python -m bench.worker $CABLES_CORPUS/cables --every 5 --profile 14

With ``--profile N`` the same loop runs under cProfile instead (the stage
times are then the profiler's) and the N entries with the most own time
are printed.  CPU time on a shared machine moves with the load; for a
repeatable count run it under ``valgrind --tool=callgrind`` at two sizes
and take the difference of the instruction counts (bench/README.md).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import tempfile
import time
from pathlib import Path

from cables.index.prepare import _analysed, documents, reset_stemmer
from cables.index.reader import read_file
from cables.index.schema import paragraph_schema
from cables.index.segments import document_entry
from cables.index.segmentwriter import SegmentWriter

STAGES = ("read and parse", "analyse", "segment writer", "write the segment")


def run(files: list[Path]) -> dict[str, float]:
    """CPU seconds of each stage of the worker's path over ``files``, indexed into a segment in a temporary folder."""
    reset_stemmer()
    spent = dict.fromkeys(STAGES, 0.0)
    clock = time.process_time
    with tempfile.TemporaryDirectory() as folder:
        writer = SegmentWriter(Path(folder), paragraph_schema())
        for order, path in enumerate(files):
            started = clock()
            read = read_file(path)
            parsed = clock()
            prepared = _analysed(read.cable, read.source, read.digest)
            analysed = clock()
            for document in documents(prepared):
                writer.add(document)
                document_entry(order, document)
            written = clock()
            spent["read and parse"] += parsed - started
            spent["analyse"] += analysed - parsed
            spent["segment writer"] += written - analysed
        started = clock()
        writer.finish()
        spent["write the segment"] += clock() - started
    return spent


def main() -> None:
    """Print the per-cable CPU of each stage, or the profile's top entries."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="a folder of cable files")
    parser.add_argument("--every", type=int, default=5, help="take every Nth file in name order")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="profile, and print the N entries with the most own time")
    args = parser.parse_args()
    files = sorted(args.folder.glob("*.txt"))[:: args.every]
    profile = cProfile.Profile() if args.profile else None
    if profile:
        profile.enable()
    spent = run(files)
    if profile:
        profile.disable()
    stages = ", ".join(f"{stage} {seconds / len(files) * 1000:.2f}" for stage, seconds in spent.items())
    print(f"{len(files)} cables, CPU ms per cable: {stages}; total {sum(spent.values()) / len(files) * 1000:.2f}")
    if profile:
        pstats.Stats(profile).sort_stats("tottime").print_stats(args.profile)


if __name__ == "__main__":
    main()
