"""Read and analyse one cable file into what the index writers need.

This is the parallel half of a build: it runs in worker processes, so it
holds the one stemmer each process memoises into.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from index.analysis import SnowballStem, analyse
from index.reader import CableError, decode, read_cable
from index.record import Cable
from index.records import record_json


@dataclass
class Skipped:
    """A file that was not indexed, and why."""

    path: str
    reason: str


@dataclass
class Prepared:
    """One cable read and analysed, ready for a whoosh writer and the record store."""

    path: str
    digest: str
    record: dict
    subject_stems: str
    header_stems: str
    by_stems: str
    paragraphs: list[dict]
    words: dict[str, str]


_STEM = SnowballStem()


def reset_stemmer() -> None:
    """Start each build with an empty memo, so its stem table lists every word it saw.

    The stemmer is loaded here, in the parent, so forked workers share the import.
    """
    global _STEM
    _STEM = SnowballStem().load()


def find_cable_files(sources: Iterable[str | Path], skipped: list[Skipped]) -> list[Path]:
    """Every ``*.txt`` under the sources (files or folders), sorted; missing sources are skipped."""
    found: set[Path] = set()
    for source in sources:
        path = Path(source)
        if path.is_dir():
            for root, _, names in os.walk(path):
                found.update(Path(root) / name for name in names if name.endswith(".txt"))
        elif path.exists() or path.is_symlink():
            found.add(path)
        else:
            skipped.append(Skipped(str(path), "no such file or folder"))
    return sorted(found)


def prepare(path: Path) -> Prepared | Skipped:
    """Read, parse and analyse one file."""
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        return Skipped(str(path), "is a directory, not a cable file")
    except OSError as error:
        return Skipped(str(path), f"cannot be read ({error.strerror or error})")
    try:
        cable = read_cable(decode(data, str(path)), str(path))
    except CableError as error:
        return Skipped(str(path), error.reason if error.line is None else f"line {error.line}: {error.reason}")
    return _analysed(cable, str(path), hashlib.sha1(data).hexdigest())


def _analysed(cable: Cable, path: str, digest: str) -> Prepared:
    """The paragraph documents and stems of a parsed cable."""
    subject_stems = " ".join(analyse(cable.subject, _STEM))
    paragraphs = [
        {"number": p.number, "marking": p.marking, "text": p.text, "body": " ".join(analyse(p.text, _STEM))}
        for p in cable.paragraphs
    ]
    header_stems = " ".join(analyse(cable.header_text(), _STEM))
    by_stems = " ".join(analyse(cable.classified_by_name or cable.classified_by or "", _STEM))
    return Prepared(path, digest, record_json(cable), subject_stems, header_stems, by_stems, paragraphs, _STEM.take_fresh())


def documents(prepared: Prepared) -> Iterator[dict]:
    """The whoosh documents of one cable: one per paragraph, the subject and header fields on the first."""
    paragraphs = prepared.paragraphs or [{"number": None, "marking": None, "text": "", "body": ""}]
    for position, paragraph in enumerate(paragraphs):
        yield {
            "cable": prepared.record["id"],
            "position": position,
            "number": paragraph["number"],
            "marking": paragraph["marking"],
            "body": paragraph["body"],
            "subject": prepared.subject_stems if position == 0 else "",
            "header": prepared.header_stems if position == 0 else "",
            "by": prepared.by_stems if position == 0 else "",
        }
