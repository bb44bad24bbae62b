"""Read and analyse one cable file into what the index writers need.

This is the parallel half of a build: it runs in worker processes, so it
holds the one stemmer each process memoises into.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path

from cables.index.analysis import Positioner, SnowballStem, stop_field
from cables.index.cable import Cable, record_json
from cables.index.paths import printable
from cables.index.reader import CableError, read_file
from cables.index.store import is_generation

CABLE_SUFFIX = ".txt"


@dataclass
class Skipped:
    """A file or folder that was not indexed, and why; the path as :func:`printable` writes it."""

    path: str
    reason: str


@dataclass
class Prepared:
    """One cable read and analysed, ready for a whoosh writer and the record store.

    The text fields (``subject_stems``, ``header_stems``, ``by_stems``, each
    paragraph's ``body``) are the entries of :func:`cables.index.analysis.positioned`,
    space separated: stems, with stop words and gaps marked in their places.

    ``path`` is the file name as :func:`printable` writes it (:func:`cables.index.paths.real_path` undoes it).
    """

    path: str
    digest: str
    record: dict
    subject_stems: str
    header_stems: str
    by_stems: str
    paragraphs: list[dict]
    words: dict[str, str]


_STEM = SnowballStem()
_POSITIONED = Positioner(_STEM)


def reset_stemmer() -> None:
    """Start each build with an empty memo, so its stem table lists every word it saw.

    The stemmer is loaded here, in the parent, so forked workers share the import.
    """
    global _STEM, _POSITIONED
    _STEM = SnowballStem().load()
    _POSITIONED = Positioner(_STEM)


def find_cable_files(sources: Iterable[str | Path], skipped: list[Skipped]) -> list[Path]:
    """Every cable file under the sources (files or folders), sorted.

    A source file is read whatever its name; in a folder, a cable file is a
    name ending in ``.txt`` in any case.  Links to folders are followed, each
    folder once.  What is left out is added to ``skipped``: a missing source,
    a folder that cannot be listed or is reached again (a link loop or a
    second link), a link that leads nowhere.  Whether a file is a regular,
    readable cable is decided when :func:`prepare` reads it.  Paths are made
    absolute (not resolved: a link keeps its name), so ``cables show --raw``
    finds a cable's file from any folder, not only the one the rebuild ran in.
    """
    found: set[Path] = set()
    seen: dict[tuple[int, int], Path] = {}
    for source in sources:
        path = Path(source).absolute()
        if path.is_dir():
            _walk(path, found, seen, skipped)
        elif path.exists() or path.is_symlink():
            found.add(path)
        else:
            skipped.append(Skipped(printable(path), "no such file or folder"))
    return sorted(found)


def _walk(top: Path, found: set[Path], seen: dict[tuple[int, int], Path], skipped: list[Skipped]) -> None:
    """Add the cable files under ``top``, shallowest folders first.

    ``seen`` maps the (device, inode) of every folder listed so far to its
    path, so a folder reached again through a link is reported, not re-read,
    and a link loop ends.  An index generation cables made (its place, name
    and stamp prove it) holds no cables and is left out without a report: an
    index kept inside the folder it indexes is no skipped file.
    """
    folders = deque([top])
    while folders:
        folder = folders.popleft()
        try:
            if is_generation(folder):
                continue
            info = folder.stat()
            if (info.st_dev, info.st_ino) in seen:
                first = printable(seen[info.st_dev, info.st_ino])
                skipped.append(Skipped(printable(folder), f"folder already read as {first} (a link loop or a second link)"))
                continue
            seen[info.st_dev, info.st_ino] = folder
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=attrgetter("name"))
        except OSError as error:
            skipped.append(Skipped(printable(folder), f"folder cannot be read ({error.strerror or type(error).__name__})"))
            continue
        for entry in entries:
            if _is_folder(entry):
                folders.append(Path(entry.path))
            elif entry.name.lower().endswith(CABLE_SUFFIX):
                found.add(Path(entry.path))
            elif entry.is_symlink() and not os.path.exists(entry.path):
                skipped.append(Skipped(printable(entry.path), "a link that leads nowhere"))


def _is_folder(entry: os.DirEntry) -> bool:
    """Whether an entry is a folder or a link to one; a link that cannot be followed (a loop) is not."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def prepare(path: Path) -> Prepared | Skipped:
    """Read, parse and analyse one file; anything that is not a cable is skipped, with why."""
    try:
        read = read_file(path)
    except CableError as error:
        return Skipped(error.source, error.reason if error.line is None else f"line {error.line}: {error.reason}")
    return _analysed(read.cable, read.source, read.digest)


def _analysed(cable: Cable, path: str, digest: str) -> Prepared:
    """The paragraph documents and stems of a parsed cable."""
    subject_stems = " ".join(_POSITIONED(cable.subject))
    paragraphs = [
        {"number": p.number, "marking": p.marking, "text": p.text, "body": " ".join(_POSITIONED(p.text))} for p in cable.paragraphs
    ]
    header_stems = " ".join(_POSITIONED(cable.header_text()))
    by_stems = " ".join(_POSITIONED(cable.classified_by_name or cable.classified_by or ""))
    return Prepared(path, digest, record_json(cable), subject_stems, header_stems, by_stems, paragraphs, _STEM.take_fresh())


def documents(prepared: Prepared) -> Iterator[dict]:
    """The whoosh documents of one cable: one per paragraph, the subject and header fields on the first.

    Each text field's value also feeds its stop-word field (:class:`cables.index.schema.StopField`).
    The later paragraphs leave those fields out: an empty text field adds
    neither postings nor a length, so the segment has the same bytes
    without the work of indexing nothing.
    """
    paragraphs = prepared.paragraphs or [{"number": None, "marking": None, "text": "", "body": ""}]
    cable_texts = {"subject": prepared.subject_stems, "header": prepared.header_stems, "by": prepared.by_stems}
    for position, paragraph in enumerate(paragraphs):
        texts = {"body": paragraph["body"], **(cable_texts if position == 0 else {})}
        yield {
            "cable": prepared.record["id"],
            "position": position,
            "number": paragraph["number"],
            "marking": paragraph["marking"],
            **texts,
            **{stop_field(name): value for name, value in texts.items()},
        }
