"""Rebuild and update an index from cable files.

Worker processes read and analyse cables (the slow, parallel part); the main
process feeds whoosh one writer's worth of paragraph documents, then writes
the record store, the arrays and the stem table into a new generation that
:func:`index.store.publish` swaps in.  Nothing is published unless all of it
was written, so a failed or killed build leaves the previous index as it was.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from whoosh import index as whoosh_index

from index.analysis import SnowballStem, analyse
from index.columns import build_columns
from index.reader import CableError, decode, read_cable
from index.record import Cable
from index.records import RECORDS_FILE, RecordStore, record_json
from index.schema import SCHEMA_VERSION, paragraph_schema
from index.stems import read_stem_table, write_stem_table
from index.store import WHOOSH_FOLDER, Marker, NothingIndexed, file_sizes, current_generation, new_generation, publish, read_marker, writer_lock

Progress = Callable[[int, int], None]


@dataclass
class Skipped:
    """A file that was not indexed, and why."""

    path: str
    reason: str


@dataclass
class BuildReport:
    """What a rebuild or update did (the JSON of ``cables rebuild --format json``)."""

    cables: int = 0
    paragraphs: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    seconds: float = 0.0
    index: str = ""
    size_bytes: int = 0
    added: int = 0
    replaced: int = 0
    removed: int = 0
    unchanged: int = 0


@dataclass
class Prepared:
    """One cable read and analysed by a worker, ready for the writer."""

    path: str
    digest: str
    record: dict
    subject_stems: str
    paragraphs: list[dict]
    words: dict[str, str]


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


_STEM = SnowballStem()
BATCH = 2000


def _reset_stemmer() -> None:
    """Start each build with an empty memo, so its stem table lists every word it saw.

    The stemmer is loaded here, in the parent, so forked workers share the import.
    """
    global _STEM
    _STEM = SnowballStem().load()


def prepare(path: Path) -> Prepared | Skipped:
    """Read, parse and analyse one file (runs in a worker process)."""
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
    return Prepared(path, digest, record_json(cable), subject_stems, paragraphs, _STEM.take_fresh())


def _prepared_stream(files: list[Path], jobs: int) -> Iterator[Prepared | Skipped]:
    """Prepare files in order, in ``jobs`` worker processes when more than one."""
    _reset_stemmer()
    if jobs <= 1 or len(files) < 2:
        yield from map(prepare, files)
        return
    context = multiprocessing.get_context("fork")
    with context.Pool(jobs) as pool:
        for start in range(0, len(files), BATCH):
            yield from pool.imap(prepare, files[start: start + BATCH], chunksize=16)


def _documents(prepared: Prepared) -> Iterator[dict]:
    """The whoosh documents of one cable: one per paragraph, the subject on the first."""
    paragraphs = prepared.paragraphs or [{"number": None, "marking": None, "text": "", "body": ""}]
    for position, paragraph in enumerate(paragraphs):
        yield {
            "cable": prepared.record["id"],
            "position": position,
            "number": paragraph["number"],
            "marking": paragraph["marking"],
            "body": paragraph["body"],
            "subject": prepared.subject_stems if position == 0 else "",
        }


def rebuild(location: Path, sources: list[str | Path], jobs: int = 1, progress: Progress | None = None) -> BuildReport:
    """Index every cable under ``sources`` into a new generation and publish it."""
    started = time.monotonic()
    report = BuildReport(index=str(location))
    files = find_cable_files(sources, report.skipped)
    with writer_lock(location):
        folder = new_generation(location)
        try:
            ix = whoosh_index.create_in(folder / _mkdir(folder / WHOOSH_FOLDER), paragraph_schema())
            writer = _writer(ix, jobs)
            store = RecordStore(folder / RECORDS_FILE, writable=True)
            stems: dict[str, str] = {}
            seen: dict[str, str] = {}
            for done, item in enumerate(_prepared_stream(files, jobs), start=1):
                if isinstance(item, Skipped):
                    report.skipped.append(item)
                elif item.record["id"] in seen:
                    report.skipped.append(Skipped(item.path, f"duplicate id {item.record['id']} (also in {seen[item.record['id']]})"))
                else:
                    seen[item.record["id"]] = item.path
                    _add(writer, store, report.cables, item)
                    stems.update(item.words)
                    report.cables += 1
                    report.paragraphs += len(item.paragraphs)
                if progress:
                    progress(done, len(files))
            if report.cables == 0:
                writer.cancel()
                store.close()
                raise NothingIndexed("no cable could be indexed" + (f" ({len(report.skipped)} files skipped)" if report.skipped else ""))
            writer.commit()
            _finish(folder, ix, store, stems)
            publish(location, folder)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
    report.seconds = round(time.monotonic() - started, 3)
    report.size_bytes = folder_size(folder)
    return report


def _writer(ix, jobs: int):
    """A whoosh writer; with several jobs, one segment writer per process (segments left unmerged).

    Documents reach their cables and paragraph positions through stored fields,
    so the order in which the processes number them does not matter.
    """
    if jobs <= 1:
        return ix.writer(limitmb=256, compound=False)
    return ix.writer(procs=jobs, multisegment=True, batchsize=500, limitmb=128, compound=False)


def _mkdir(path: Path) -> str:
    path.mkdir()
    return str(path)


def _add(writer, store: RecordStore, ordinal: int, item: Prepared) -> None:
    """Add one prepared cable to the whoosh writer and the record store."""
    for document in _documents(item):
        writer.add_document(**document)
    store.put(ordinal, item.record, item.path, item.digest, len(item.subject_stems.split()))


def _finish(folder: Path, ix, store: RecordStore, stems: dict[str, str]) -> None:
    """Write the arrays, the stem table and the marker of a generation."""
    with ix.searcher() as searcher:
        reader = searcher.reader()
        documents = [
            (fields["cable"], fields["position"], fields.get("marking") or None, reader.doc_field_length(docnum, "body") or 0)
            if not reader.is_deleted(docnum) and fields is not None
            else ("", 0, None, 0)
            for docnum, fields in _all_stored(reader)
        ]
        paragraphs = reader.doc_count()
    build_columns(folder, store, documents)
    write_stem_table(folder, stems)
    cables = store.count()
    store.close()
    Marker(SCHEMA_VERSION, cables, paragraphs, time.strftime("%Y-%m-%dT%H:%M:%S"), file_sizes(folder)).save(folder)


def _all_stored(reader) -> Iterator[tuple[int, dict | None]]:
    """(docnum, stored fields) for every document number, deleted ones as None."""
    for docnum in range(reader.doc_count_all()):
        yield docnum, None if reader.is_deleted(docnum) else reader.stored_fields(docnum)


def folder_size(folder: Path) -> int:
    """Total bytes of the files under a folder."""
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def update(location: Path, sources: list[str | Path], prune: bool = False, jobs: int = 1, progress: Progress | None = None) -> BuildReport:
    """Add new cables and replace changed ones (by id) in a copy of the index, then publish it."""
    started = time.monotonic()
    report = BuildReport(index=str(location))
    files = find_cable_files(sources, report.skipped)
    with writer_lock(location):
        current = current_generation(location)
        folder = new_generation(location)
        try:
            shutil.copytree(current / WHOOSH_FOLDER, folder / WHOOSH_FOLDER, copy_function=os.link)
            shutil.copy2(current / RECORDS_FILE, folder / RECORDS_FILE)
            stems = read_stem_table(current)
            store = RecordStore(folder / RECORDS_FILE, writable=True)
            known = store.sources()
            next_ordinal = store.max_ordinal() + 1
            ix = whoosh_index.open_dir(str(folder / WHOOSH_FOLDER))
            writer = _writer(ix, jobs)
            seen: set[str] = set()
            for done, item in enumerate(_prepared_stream(files, jobs), start=1):
                if isinstance(item, Skipped):
                    report.skipped.append(item)
                else:
                    next_ordinal = _apply(writer, store, known, item, next_ordinal, report, seen)
                    stems.update(item.words)
                if progress:
                    progress(done, len(files))
            if prune:
                _prune(writer, store, known, sources, seen, report)
            writer.commit(merge=True)
            _finish(folder, ix, store, stems)
            publish(location, folder)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
    report.cables = read_marker(folder).cables
    report.seconds = round(time.monotonic() - started, 3)
    report.size_bytes = folder_size(folder)
    return report


def _apply(writer, store: RecordStore, known: dict[str, tuple[int, str, str]], item: Prepared, next_ordinal: int, report: BuildReport, seen: set[str]) -> int:
    """Add a new cable or replace a changed one; return the next free ordinal."""
    cable_id = item.record["id"]
    seen.add(cable_id)
    if cable_id in known:
        ordinal, _, digest = known[cable_id]
        if digest == item.digest:
            report.unchanged += 1
            return next_ordinal
        writer.delete_by_term("cable", cable_id)
        report.replaced += 1
    else:
        ordinal, next_ordinal = next_ordinal, next_ordinal + 1
        report.added += 1
    _add(writer, store, ordinal, item)
    return next_ordinal


def _prune(writer, store: RecordStore, known: dict[str, tuple[int, str, str]], sources: list[str | Path], seen: set[str], report: BuildReport) -> None:
    """Remove cables whose source file, under the given sources, no longer exists."""
    roots = [Path(source).resolve() for source in sources]
    for cable_id, (ordinal, path, _) in known.items():
        resolved = Path(path).resolve()
        under = any(resolved == root or root in resolved.parents for root in roots)
        if cable_id not in seen and under and not resolved.exists():
            writer.delete_by_term("cable", cable_id)
            store.delete(ordinal)
            report.removed += 1
