"""One stage of a rebuild worker's path, run over the same cables several times, for counting its instructions.

Instruction counts (valgrind's callgrind, ``Ir``) do not move with the
machine's load, but a process also counts its start-up (imports, reading the
files, the stages before the one measured).  Run the same command with two
numbers of passes and take the difference: that is the stage alone, for
that many more passes over the cables::

    valgrind --tool=callgrind --callgrind-out-file=/dev/null python -m bench.worker_stage $SYNTH --every 2500 --stage read --passes 1
    valgrind --tool=callgrind --callgrind-out-file=/dev/null python -m bench.worker_stage $SYNTH --every 2500 --stage read --passes 3

(instructions per cable = the difference / 2 / the cables printed).  It
also prints the CPU milliseconds per cable of the passes after the first
(process time, which moves with the machine's load: alternate old and new
code and take medians).  The
first pass fills the memos (stems, tokens' entries) as the start of a
rebuild does; later passes meet warm memos, as most of a full-size rebuild
does.  Stages: ``read`` (decode and parse the bytes, read beforehand),
``analyse`` (:func:`cables.index.prepare._analysed` on parsed cables),
``write`` (the segment writer's :meth:`add` and the arrays' entry of each
document of analysed cables; the segment itself is not written).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from cables.index.prepare import _analysed, documents, reset_stemmer
from cables.index.reader import decode, read_cable
from cables.index.schema import paragraph_schema
from cables.index.segments import document_entry
from cables.index.segmentwriter import SegmentWriter


def passes(count: int, run: Callable[[], object], cables: int) -> None:
    """Run one pass of the stage ``count`` times, then print the CPU per cable of the passes after the first."""
    run()
    started = time.process_time()
    for _ in range(count - 1):
        run()
    later = f"{(time.process_time() - started) / (count - 1) / cables * 1000:.3f} CPU ms per cable" if count > 1 else "-"
    print(f"{cables} cables, {count} passes; after the first: {later}")


def main() -> None:
    """Prepare the stage's input, then run the stage ``--passes`` times over it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="a folder of cable files")
    parser.add_argument("--every", type=int, default=2500, help="take every Nth file in name order")
    parser.add_argument("--stage", choices=("read", "analyse", "write"), required=True)
    parser.add_argument("--passes", type=int, default=1)
    args = parser.parse_args()
    files = [(path.read_bytes(), str(path)) for path in sorted(args.folder.glob("*.txt"))[:: args.every]]
    if args.stage == "read":
        passes(args.passes, lambda: [read_cable(decode(data, source), source) for data, source in files], len(files))
        return
    reset_stemmer()
    cables = [(read_cable(decode(data, source), source), source) for data, source in files]
    if args.stage == "analyse":
        passes(args.passes, lambda: [_analysed(cable, source, "") for cable, source in cables], len(files))
        return
    prepared = [_analysed(cable, source, "") for cable, source in cables]
    with tempfile.TemporaryDirectory() as folder:
        writer = SegmentWriter(Path(folder), paragraph_schema())
        passes(args.passes, lambda: _write(writer, prepared), len(files))


def _write(writer: SegmentWriter, prepared: list) -> None:
    """Add every document of the analysed cables to the writer, with its arrays' entry, as a worker does."""
    for order, item in enumerate(prepared):
        for document in documents(item):
            writer.add(document)
            document_entry(order, document)


if __name__ == "__main__":
    main()
