"""Checksums of an index's files, and the damage they and cheap invariants reveal.

A build records a SHA-256 digest of every file of a generation in its marker
(:class:`cables.index.store.Marker`); ``cables check`` recomputes them all and names
each file that differs.  Opening an index for a search cannot afford to read
every file, so it checks the table of contents (small, and the file whoosh
starts from) and leaves the rest to cheap invariants on the arrays it maps.
Checksums catch accidents, not attackers: a marker can be rewritten along with
the files, which is why reading an index never runs code either
(:mod:`cables.index.unpickling`).
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from cables.index.store import IndexUnavailable

CHUNK = 1 << 20
TOC_PATTERN = re.compile(r"_MAIN_[0-9]+\.toc")


class IndexDamage(Exception):
    """An index file whose content cannot be what a build wrote; the message names it and says why."""


def damaged(location: Path, reason: object) -> IndexUnavailable:
    """The one-line error for a damaged index: what is wrong and what to do."""
    return IndexUnavailable(f"index {location} is damaged ({reason}); rebuild it with 'cables rebuild'")


def file_digest(path: Path) -> str:
    """The SHA-256 digest (hex) of a file's content, read a megabyte at a time.

    SHA-256 has hardware help on most CPUs: twice BLAKE2b's speed here.
    """
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def file_digests(folder: Path, names: list[str]) -> dict[str, str]:
    """The digest of each named file of a generation folder."""
    return {name: file_digest(folder / name) for name in names}


def damaged_files(folder: Path, checksums: dict[str, str]) -> list[tuple[str, str]]:
    """Each recorded file that is missing, unreadable or whose content changed, with the reason."""
    damaged = []
    for name, expected in checksums.items():
        path = folder / name
        if not path.is_file():
            damaged.append((name, "missing"))
            continue
        try:
            found = file_digest(path)
        except OSError as error:
            damaged.append((name, f"unreadable: {error.strerror or error}"))
            continue
        if found != expected:
            damaged.append((name, "content differs from its checksum"))
    return damaged


def unlisted_files(folder: Path, recorded: set[str], ignored: set[str]) -> list[str]:
    """Files under a generation folder that its build did not record (ignoring ``ignored`` names)."""
    return [
        name
        for name in (str(path.relative_to(folder)) for path in sorted(folder.rglob("*")) if path.is_file())
        if name not in recorded and Path(name).name not in ignored
    ]


def check_table_of_contents(folder: Path, whoosh_folder: str, checksums: dict[str, str]) -> None:
    """Before whoosh reads anything: exactly the recorded table of contents, with its recorded content.

    whoosh opens the highest-numbered ``.toc`` file it finds, so an added one
    would be read instead of the one the build wrote.
    """
    found = sorted(f"{whoosh_folder}/{name}" for name in os.listdir(folder / whoosh_folder) if TOC_PATTERN.fullmatch(name))
    recorded = sorted(name for name in checksums if TOC_PATTERN.fullmatch(name.rpartition("/")[2]))
    if found != recorded:
        extra = sorted(set(found) - set(recorded)) or sorted(set(recorded) - set(found))
        raise IndexDamage(f"{', '.join(extra) or whoosh_folder} is not the table of contents the build wrote")
    for name in recorded:
        if file_digest(folder / name) != checksums[name]:
            raise IndexDamage(f"{name} differs from its checksum")


def require(condition: bool, reason: str) -> None:
    """Raise :class:`IndexDamage` with ``reason`` unless an invariant holds."""
    if not condition:
        raise IndexDamage(reason)
