"""One hash per cable file of what the reader and the analysis make of it, to show a change leaves them byte-identical.

Run it on the old code and on the new (two checkouts, each with its own
venv) and compare the outputs with ``cmp``::

    python -m bench.parse_identity $SYNTH --every 25 --damaged 2 > sample.txt
    python -m bench.parse_identity $CABLES_CORPUS/cables seeds --damaged 2 >> sample.txt

Each line is a file's folder and name, then the SHA-1 of ``repr`` of its
:class:`cables.index.cable.Cable` (or of the :class:`CableError` message the
reader raised), then the SHA-1 of its analysis (the stems and paragraph
documents of :func:`cables.index.prepare._analysed`, words stemmed included;
``-`` with ``--reader-only``).  Over all of ``$SYNTH`` (``--reader-only``)
it takes about 15 minutes of one core.
``--damaged K`` adds K damaged copies of each file (a line deleted or
repeated, the text cut short, bytes inserted: chosen by a random generator
seeded with the file's name, so both runs damage alike), whose reader errors
are compared the same way.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import zlib
from pathlib import Path

from cables.index.prepare import _analysed, reset_stemmer
from cables.index.reader import CableError, decode, read_cable

INSERTS = (b"\x00", b"\xff", b"\n", b"1. (C) ", b"SUBJECT: ", b"Share this cable\n", "¶".encode(), b"REF: A. STATE 1")


def damaged(data: bytes, rng: random.Random) -> bytes:
    """A copy of a file's bytes with one damage: a line deleted or repeated, the end cut off, or bytes inserted."""
    lines = data.split(b"\n")
    at = rng.randrange(len(lines))
    kind = rng.randrange(4)
    if kind == 0:
        return b"\n".join(lines[:at] + lines[at + 1 :])
    if kind == 1:
        return b"\n".join(lines[: at + 1] + lines[at:])
    if kind == 2:
        return data[: rng.randrange(len(data) + 1)]
    place = rng.randrange(len(data) + 1)
    return data[:place] + rng.choice(INSERTS) + data[place:]


def digest(text: str) -> str:
    """The SHA-1 of a text's UTF-8 bytes."""
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


def parsed(data: bytes, source: str, analyse: bool) -> str:
    """The hash of what the reader makes of ``data`` (a cable or an error), and of its analysis when ``analyse``."""
    try:
        cable = read_cable(decode(data, source), source)
    except CableError as error:
        return f"{digest('CableError: ' + str(error))} -"
    if not analyse:
        return f"{digest(repr(cable))} -"
    prepared = _analysed(cable, source, "")
    analysis = repr((prepared.subject_stems, prepared.header_stems, prepared.by_stems, prepared.paragraphs, prepared.words))
    return f"{digest(repr(cable))} {digest(analysis)}"


def main() -> None:
    """Print one line per file (and per damaged copy) of the folders, in name order."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", type=Path, nargs="+", help="folders of cable files")
    parser.add_argument("--every", type=int, default=1, help="take every Nth file of each folder in name order")
    parser.add_argument("--damaged", type=int, default=0, metavar="K", help="also read K damaged copies of each file")
    parser.add_argument("--reader-only", action="store_true", help="hash the reader's cables only, not their analysis (faster)")
    args = parser.parse_args()
    reset_stemmer()
    for folder in args.folders:
        for path in sorted(folder.glob("*.txt"))[:: args.every]:
            name = f"{folder.name}/{path.name}"
            data = path.read_bytes()
            print(name, parsed(data, name, analyse=not args.reader_only))
            rng = random.Random(zlib.crc32(name.encode()))
            for copy in range(args.damaged):
                print(f"{name}#{copy}", parsed(damaged(data, rng), f"{name}#{copy}", analyse=False))


if __name__ == "__main__":
    main()
