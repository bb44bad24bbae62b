"""Check that the sources named for a build exist before any work is done.

Kept apart from :mod:`cables.index.prepare` so that the command line can
name the error without importing the cable reader (a search never reads a
cable file, and the reader's patterns cost a cold search process time).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from cables.index.paths import printable


class MissingSource(Exception):
    """A source named for a build that does not exist: nothing is changed (a typo must not empty an index or prune it)."""


def check_sources(sources: Iterable[str | Path]) -> None:
    """Raise :class:`MissingSource` for the first source that is empty, missing or a link that leads nowhere
    (a link to an unmounted drive must not be taken for an emptied folder)."""
    for source in sources:
        if not str(source).strip():
            raise MissingSource("an empty source names no file or folder; the index was not changed")
        path = Path(source)
        if not path.exists():
            what = "a link that leads nowhere" if path.is_symlink() else "no such file or folder"
            raise MissingSource(f"{what}: {printable(path)}; the index was not changed")
