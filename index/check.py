"""The whole-index check behind ``cables check``: every file against its checksum, then every invariant.

A search checks only what is cheap (sizes, the table of contents, the cable
arrays); this reads everything: each file's digest against the one its build
recorded, files the build did not write, then, when every file is as built,
the segment list, the cable arrays and every posting array in full.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cables.index.cablearrays import check_arrays, load_arrays
from cables.index.integrity import IndexDamage, damaged_files, require, unlisted_files
from cables.index.paths import printable
from cables.index.store import MARKER, WHOOSH_FOLDER, current_generation, read_marker
from cables.index.termarrays import SEGMENTS_FILE, SegmentArrays, indexed_fields, read_segment_list
from cables.index.unpickling import open_index


@dataclass
class Finding:
    """One damaged file (``path`` relative to the index) or, with no path, a broken invariant."""

    path: str | None
    reason: str


@dataclass
class CheckReport:
    """What ``cables check`` found (its JSON)."""

    index: str
    files: int = 0
    damaged: list[Finding] = field(default_factory=list)

    @property
    def whole(self) -> bool:
        """True when every file matched its checksum and every invariant held."""
        return not self.damaged


def check_index(location: Path) -> CheckReport:
    """Verify the current generation of the index at ``location``.

    Raises :class:`cables.index.store.IndexUnavailable` when there is no index there
    to check (no index, not ours, another schema version).
    """
    folder = current_generation(location)
    marker = read_marker(folder, location)
    report = CheckReport(printable(location), files=len(marker.checksums))
    if not marker.checksums:
        report.damaged.append(Finding(MARKER, "it records no checksums"))
    unrecorded = sorted(set(marker.files) - set(marker.checksums))
    report.damaged += [Finding(name, "no checksum recorded for it") for name in unrecorded]
    report.damaged += [Finding(name, reason) for name, reason in damaged_files(folder, marker.checksums)]
    ignored = {MARKER, "MAIN_WRITELOCK"}
    report.damaged += [Finding(name, "not written by the build") for name in unlisted_files(folder, set(marker.checksums), ignored)]
    if report.whole:
        try:
            check_structure(folder)
        except IndexDamage as error:
            report.damaged.append(Finding(None, str(error)))
        except Exception as error:
            report.damaged.append(Finding(None, f"{type(error).__name__}: {error}"))
    return report


def check_structure(folder: Path) -> None:
    """Every invariant of a generation whose files are as built: segment list, cable arrays, every posting array."""
    ix = open_index(folder / WHOOSH_FOLDER)
    try:
        with ix.reader() as reader:
            segments = [leaf.segment() for leaf, _ in reader.leaf_readers()]
    finally:
        ix.close()
    require(
        read_segment_list(folder) == [(segment.segment_id(), segment.doc_count_all()) for segment in segments],
        f"{SEGMENTS_FILE} disagrees with whoosh's segment list",
    )
    check_arrays(load_arrays(folder), sum(segment.doc_count_all() for segment in segments))
    for segment in segments:
        for name in indexed_fields(folder / WHOOSH_FOLDER, segment.segment_id()):
            SegmentArrays(folder / WHOOSH_FOLDER, segment.segment_id(), name, segment.doc_count_all()).check()
