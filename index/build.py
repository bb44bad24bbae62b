"""Rebuild and update an index from cable files.

A rebuild reads, analyses and indexes cables in worker processes, each
writing its own segments (:mod:`cables.index.segments`); an update prepares
them in workers and writes their new segment here with the same writer
(:mod:`cables.index.segmentwriter`).  The main process keeps the record store, then
writes the arrays and the stem table into a new generation that
:func:`cables.index.store.publish` swaps in.  Nothing is published unless all of it
was written, so a failed or killed build leaves the previous index as it was.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index
from whoosh.index import TOC
from whoosh.writing import MERGE_SMALL
from whoosh.writing import SegmentWriter as WhooshWriter

from cables.index.analysis import SnowballStem
from cables.index.cablearrays import (
    DELETED_DOCUMENT,
    CableArrays,
    Document,
    DocumentColumns,
    build_arrays,
    document_columns,
    joined_columns,
    load_arrays,
    previous_columns,
)
from cables.index.codec import ArrayCodec
from cables.index.integrity import IndexDamage, check_table_of_contents, damaged, damaged_files, file_digest
from cables.index.interrupts import default_signals, ending_like_ctrl_c
from cables.index.paths import printable, real_path
from cables.index.prepare import Prepared, Skipped, documents, find_cable_files, prepare, reset_stemmer
from cables.index.recordstore import RECORDS_FILE, RecordStore
from cables.index.schema import paragraph_schema, stem_count
from cables.index.segments import Indexed, ShardedWrite, document_entry
from cables.index.segmentwriter import SegmentWriter
from cables.index.sources import check_sources
from cables.index.stems import read_stem_table, write_stem_table
from cables.index.store import (
    SCHEMA_VERSION,
    WHOOSH_FOLDER,
    Marker,
    NothingIndexed,
    check_files,
    current_generation,
    file_sizes,
    index_location,
    new_generation,
    publish,
    read_marker,
    remove_stale_generations,
    writer_lock,
)
from cables.index.termarrays import read_segment_list, write_segment_list
from cables.index.unpickling import INDEX_NAME, open_index
from cables.index.variants import TABLE_FILE as VARIANTS_FILE
from cables.index.variants import write_variants

Progress = Callable[[int, int], None]
LEARN_APART = 20_000
"""A generation of at least this many cables learns its variant table in a fresh process (:func:`_variants_written`)."""
UPDATE_BATCH = 2000
RELEARN_SHARE = 0.1
"""An update that adds, replaces or removes at least this share of the index's cables relearns the variant table;
a smaller one keeps the previous table.  Measured on the corpus: relearning took 86% of an update of 100 changed
cables (2% of the index) and gave the same 496 groups (bench/README.md, issue 14 item 4)."""


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


def _prepared_stream(files: list[Path], jobs: int) -> Generator[Prepared | Skipped, None, None]:
    """Prepare files in order, in ``jobs`` worker processes when more than one."""
    reset_stemmer()
    if jobs <= 1 or len(files) < 2:
        yield from map(prepare, files)
        return
    context = multiprocessing.get_context("fork")
    with context.Pool(jobs, initializer=default_signals) as pool:
        for start in range(0, len(files), UPDATE_BATCH):
            yield from pool.imap(prepare, files[start : start + UPDATE_BATCH], chunksize=16)


def rebuild(location: Path, sources: Sequence[str | Path], jobs: int = 1, progress: Progress | None = None) -> BuildReport:
    """Index every cable under ``sources`` into a new generation and publish it.

    A cable id found in several files is indexed from the first file in path
    order; the others are reported as skipped duplicates.
    """
    started = time.monotonic()
    location = index_location(location)
    report = BuildReport(index=printable(location))
    check_sources(sources)
    with ending_like_ctrl_c(), writer_lock(location):
        files = find_cable_files(sources, report.skipped)
        folder = _start_generation(location)
        try:
            ix = whoosh_index.create_in(folder / _mkdir(folder / WHOOSH_FOLDER), paragraph_schema())
            store = RecordStore(folder / RECORDS_FILE, writable=True)
            reset_stemmer()
            write = ShardedWrite(ix, folder, files, jobs)
            stems: dict[str, str] = {}
            placed: dict[str, list[Indexed]] = {}
            with closing(write.results()) as results:
                for item in _cables(results, len(files), report, progress):
                    stems.update(item.words)
                    _place(store, placed, item)
            if not placed:
                store.close()
                raise NothingIndexed(_nothing_indexed(report.skipped))
            write.publish(_duplicates(placed, report))
            _finish(folder, store, stems, write.documents(), jobs=jobs)
            publish(location, folder)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
    report.cables = len(placed)
    report.paragraphs = sum(min(entries, key=_in_order).paragraphs for entries in placed.values())
    report.skipped.sort(key=lambda skipped: skipped.path)
    report.seconds = round(time.monotonic() - started, 3)
    report.size_bytes = folder_size(folder)
    return report


def _cables(stream: Iterable, total: int, report: BuildReport, progress: Progress | None) -> Iterator:
    """The cables of a build's stream of files, in order; skipped files go to the report, and every file counts as progress.

    Rebuild and update read their streams the same way, so both report and count alike.
    """
    for done, item in enumerate(stream, start=1):
        if isinstance(item, Skipped):
            report.skipped.append(item)
        else:
            yield item
        if progress:
            progress(done, total)


def _start_generation(location: Path) -> Path:
    """Under the writer lock: remove what killed builds left, then make the new generation folder."""
    remove_stale_generations(location)
    return new_generation(location)


def _in_order(item: Indexed) -> int:
    return item.order


def _place(store: RecordStore, placed: dict[str, list[Indexed]], item: Indexed) -> None:
    """Store a cable under its file's order, unless a file earlier in order has its id.

    The placed entry then keeps only what deduplication needs, not the record or stems.
    """
    cable_id = item.record["id"]
    entries = placed.setdefault(cable_id, [])
    holder = min(entries, key=_in_order, default=None)
    if holder is None or item.order < holder.order:
        if holder is not None:
            store.delete(holder.order)
        store.put(item.order, item.record, item.path, item.digest, item.subject_length)
    item.record = {}
    item.words = {}
    entries.append(item)


def _duplicates(placed: dict[str, list[Indexed]], report: BuildReport) -> list[Indexed]:
    """Report and return every cable file beaten by an earlier file with its id."""
    deleted = []
    for cable_id, entries in placed.items():
        first, *later = sorted(entries, key=_in_order)
        for item in later:
            report.skipped.append(Skipped(item.path, f"duplicate id {cable_id} (also in {first.path})"))
            deleted.append(item)
    return deleted


def _mkdir(path: Path) -> str:
    path.mkdir()
    return str(path)


@dataclass
class _Since:
    """What an update carries over from the generation it started from (its folder and arrays)."""

    folder: Path
    arrays: CableArrays
    touched: frozenset[int]  # the ordinals of the cables it added, replaced or removed
    relearn: bool  # whether the variant table is learnt again (see RELEARN_SHARE)


def _finish(
    folder: Path, store: RecordStore, stems: dict[str, str], documents: DocumentColumns, since: _Since | None = None, jobs: int = 1
) -> None:
    """Write the arrays, the stem table, the variant table and the marker of a generation.

    After an update (``since``), only the touched cables' records are read for
    the arrays, files shared with the previous generation (hard links) keep
    the digests its marker records, and its variant table is kept unless
    the update is large enough to learn it again.
    """
    if since is None:
        build_arrays(folder, store, documents)
    else:
        build_arrays(folder, store, documents, since.arrays, since.touched)
    write_stem_table(folder, stems)
    cables = store.count()
    store.close()
    previous = since.folder if since else None
    with _variants_written(folder, stems, cables, since, jobs):
        digests = _digests(folder, [name for name in file_sizes(folder) if name != VARIANTS_FILE], previous)
    digests.update(_digests(folder, [VARIANTS_FILE], previous))
    paragraphs = int(np.count_nonzero(documents.cable >= 0))
    sizes = file_sizes(folder)
    Marker(SCHEMA_VERSION, cables, paragraphs, time.strftime("%Y-%m-%dT%H:%M:%S"), sizes, digests).save(folder)


@contextmanager
def _variants_written(folder: Path, stems: dict[str, str], cables: int, since: _Since | None, jobs: int = 1) -> Iterator[None]:
    """Write a generation's variant table by the end of the ``with`` block, learning it while the block runs if it can.

    An update too small to relearn copies the previous table.  A generation
    holding many cables learns it in a fresh process: by then this process
    holds the build's own state (the stems of every word, each cable's
    placing and every document), and memory freed here is not returned to
    the system: learning beside it raised the peak of a full-size rebuild's
    main process from 1.04 to 1.49 GB.  A fresh process reads the stem table
    just written instead, and gathers its evidence in ``jobs`` processes of
    its own (so it is started by an executor, whose processes may start
    others, not by a pool), while this process hashes the files already
    written (at full size 14 s when they have left the page cache, about 2 s
    when they have not).  For a
    small index starting it (about half a second of imports) would cost more
    than it saves.
    """
    if since is not None and not since.relearn:
        shutil.copy2(since.folder / VARIANTS_FILE, folder / VARIANTS_FILE)
        yield
    elif cables < LEARN_APART:
        write_variants(folder, stems, SnowballStem())
        yield
    else:
        spawn = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(1, mp_context=spawn, initializer=default_signals) as learner:
            learning = learner.submit(_variants_from_tables, folder, jobs)
            yield
            learning.result()


def _variants_from_tables(folder: Path, jobs: int = 1) -> None:
    """Learn and write a generation's variant table from the stem table written in its folder."""
    write_variants(folder, read_stem_table(folder), SnowballStem(), jobs)


def _digests(folder: Path, names: list[str], previous: Path | None) -> dict[str, str]:
    """The digest of each named file; a file that is the previous generation's own (a hard link) keeps the digest recorded there.

    An update links every unchanged whoosh file, so it hashes only what it wrote.
    """
    if previous is None:
        return {name: file_digest(folder / name) for name in names}
    recorded = read_marker(previous).checksums
    digests = {}
    for name in names:
        shared = name in recorded and (previous / name).is_file() and os.path.samefile(folder / name, previous / name)
        digests[name] = recorded[name] if shared else file_digest(folder / name)
    return digests


def folder_size(folder: Path) -> int:
    """Total bytes of the files under a folder."""
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def _check_carried(location: Path, current: Path) -> None:
    """Refuse to update a damaged generation, as a search refuses to open one, before its files are carried over.

    Sizes are checked as a search checks them, and the content of every file
    but whoosh's against its checksum: an update reads those files and writes
    them anew with fresh checksums, so damage left there would be certified
    whole (whoosh's files are linked, not rewritten, and keep their checksums).
    """
    marker = read_marker(current, location)
    check_files(current, marker, location)
    rewritten = {name: digest for name, digest in marker.checksums.items() if not name.startswith(f"{WHOOSH_FOLDER}/")}
    for name, reason in damaged_files(current, rewritten)[:1]:
        raise damaged(location, f"{name}: {reason}")


def _nothing_indexed(skipped: list[Skipped]) -> str:
    """Why a rebuild indexed nothing, naming the first file skipped and its reason."""
    if not skipped:
        return "no cable could be indexed: the sources hold no cable file (a folder's cable files end in .txt)"
    first = skipped[0]
    return f"no cable could be indexed ({len(skipped)} files skipped; the first, {first.path}: {first.reason})"


def update(
    location: Path, sources: Sequence[str | Path], prune: bool = False, jobs: int = 1, progress: Progress | None = None
) -> BuildReport:
    """Add new cables and replace changed ones (by id) in a copy of the index, then publish it.

    The new and changed cables go into new segments, written as a rebuild
    writes them; the documents they replace, and those of pruned cables, are
    marked deleted in whoosh's deletion set; whoosh's merge policy then merges
    small segments through the codec.  What the update reads and writes
    grows with the change, not with the index, but for the per-cable arrays
    and the stem table (see README, "Updating an index").
    """
    started = time.monotonic()
    location = index_location(location)
    report = BuildReport(index=printable(location))
    current_generation(location)  # no index to update: say so before taking the lock
    check_sources(sources)
    with ending_like_ctrl_c(), writer_lock(location):
        files = find_cable_files(sources, report.skipped)
        current = current_generation(location)
        _check_carried(location, current)
        folder = _start_generation(location)
        try:
            shutil.copytree(current / WHOOSH_FOLDER, folder / WHOOSH_FOLDER, copy_function=os.link)
            shutil.copy2(current / RECORDS_FILE, folder / RECORDS_FILE)
            stems = read_stem_table(current)
            store = RecordStore(folder / RECORDS_FILE, writable=True)
            known = store.sources()
            next_ordinal = store.max_ordinal() + 1
            changes = _Changes(location, current, folder)
            seen: dict[str, str] = {}
            with closing(_prepared_stream(files, jobs)) as prepared:
                for item in _cables(prepared, len(files), report, progress):
                    next_ordinal = _apply(changes, store, known, item, next_ordinal, report, seen)
                    stems.update(item.words)
            if prune:
                _prune(changes, store, known, sources, seen, report)
            placed = changes.commit(store)
            relearn = report.added + report.replaced + report.removed >= RELEARN_SHARE * len(known)
            _finish(folder, store, stems, placed, _Since(current, changes.arrays, frozenset(changes.touched), relearn), jobs)
            publish(location, folder)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
    report.cables = read_marker(folder).cables
    report.seconds = round(time.monotonic() - started, 3)
    report.size_bytes = folder_size(folder)
    return report


class _Changes:
    """An update's changes to the copied whoosh index: new segments for added and changed cables, deletions of replaced ones.

    The documents of a cable are found by number through the current
    generation's arrays, so nothing of whoosh's is read to delete them, and
    the document list of the new generation is the current one with the
    deletions marked, plus the new segments' documents; only a segment that
    whoosh's merge makes is read back (its stored fields).
    """

    def __init__(self, location: Path, current: Path, folder: Path) -> None:
        self.folder = folder
        self.whoosh_folder = folder / WHOOSH_FOLDER
        self.arrays = load_arrays(current)
        self.ix = _open_copy(location, current, folder)
        self.merger = WhooshWriter(self.ix, codec=ArrayCodec(), compound=False)  # holds whoosh's lock; merges at commit
        listed = read_segment_list(current)
        if [(segment.segment_id(), segment.doc_count_all()) for segment in self.merger.segments] != listed:
            raise damaged(location, IndexDamage("the segment list disagrees with whoosh's table of contents"))
        self.previous = {segment_id: (start, count) for (segment_id, count), start in zip(listed, _running_starts(listed), strict=True)}
        self.deleted: set[int] = set()
        self.touched: set[int] = set()
        self.writer = SegmentWriter(self.whoosh_folder, paragraph_schema())
        self.added: list[Document] = []

    def delete(self, ordinal: int) -> None:
        """Mark every document of the cable stored under ``ordinal`` deleted."""
        self.touched.add(ordinal)
        if ordinal < len(self.arrays.cable_valid):
            for docnum in self.arrays.docs_of(ordinal).tolist():
                self.merger.delete_document(docnum)
                self.deleted.add(docnum)

    def add(self, ordinal: int, item: Prepared) -> None:
        """Index a cable's documents into the new segments."""
        self.touched.add(ordinal)
        for document in documents(item):
            self.writer.add(document)
            self.added.append(document_entry(ordinal, document))

    def commit(self, store: RecordStore) -> DocumentColumns:
        """Write the new segments, let whoosh merge and publish its table of contents; every document, in docnum order."""
        written = self.writer.finish()

        def merge_then_add(writer, segments: list) -> list:
            """whoosh's merge policy over the segments the update found; the new ones join after it, as whoosh's writer adds its own."""
            return [*MERGE_SMALL(writer, segments), *written]

        self.merger.commit(mergetype=merge_then_add)
        segments = TOC.read(self.ix.storage, INDEX_NAME, schema=paragraph_schema()).segments
        write_segment_list(self.folder, segments)
        new = dict(zip((segment.segment_id() for segment in written), _slices(self.added, written), strict=True))
        markings = list(self.arrays.vocabulary["marking"])
        runs: list[DocumentColumns] = []
        for segment in segments:
            segment_id = segment.segment_id()
            if segment_id in self.previous:
                runs.append(self._previous(*self.previous[segment_id]))
            else:
                listed = new[segment_id] if segment_id in new else self._merged(segment, store)
                runs.append(document_columns(listed, markings))
                markings = runs[-1].markings
        return joined_columns(runs)

    def _previous(self, start: int, count: int) -> DocumentColumns:
        """The documents of a segment the current generation had, with this update's deletions."""
        kept = previous_columns(self.arrays, start, count)
        deleted = np.fromiter(self.deleted, dtype=np.int64, count=len(self.deleted))
        kept.cable[deleted[(deleted >= start) & (deleted < start + count)] - start] = -1
        return kept

    def _merged(self, segment, store: RecordStore) -> list[Document]:
        """The documents of a segment whoosh's merge wrote, read from its stored fields and field lengths."""
        reader = ArrayCodec().per_document_reader(self.ix.storage, segment)
        try:
            return [
                DELETED_DOCUMENT if reader.is_deleted(docnum) else _merged_document(reader, docnum, store)
                for docnum in range(segment.doc_count_all())
            ]
        finally:
            reader.close()


def _merged_document(reader, docnum: int, store: RecordStore) -> Document:
    """A document of a merged segment, from its stored fields; one whose cable is gone is deleted."""
    fields = reader.stored_fields(docnum)
    ordinal = store.ordinal(fields["cable"])
    if ordinal is None:
        return DELETED_DOCUMENT
    return Document(ordinal, fields["position"], fields.get("marking") or None, reader.doc_field_length(docnum, "body", 0) or 0)


def _running_starts(listed: list[tuple[str, int]]) -> list[int]:
    """The first document number of each listed segment."""
    return list(accumulate((count for _, count in listed), initial=0))[:-1]


def _slices(documents: list[Document], segments: list) -> list[list[Document]]:
    """``documents`` cut into the runs the given segments hold, in order."""
    runs, start = [], 0
    for segment in segments:
        runs.append(documents[start : start + segment.doc_count_all()])
        start += segment.doc_count_all()
    return runs


def _open_copy(location: Path, current: Path, folder: Path):
    """Open the copy of the current generation's whoosh index, refusing a damaged or planted one (nothing of it runs)."""
    try:
        check_table_of_contents(current, WHOOSH_FOLDER, read_marker(current).checksums)
        return open_index(folder / WHOOSH_FOLDER)
    except IndexDamage as error:
        raise damaged(location, error) from None


def _apply(
    changes: _Changes,
    store: RecordStore,
    known: dict[str, tuple[int, str, str]],
    item: Prepared,
    next_ordinal: int,
    report: BuildReport,
    seen: dict[str, str],
) -> int:
    """Add a new cable or replace a changed one; return the next free ordinal.

    ``seen`` maps each cable id this update read to its file: a later file
    with the same id is skipped as a duplicate, as a rebuild skips it (files
    come in path order).
    """
    cable_id = item.record["id"]
    if cable_id in seen:
        report.skipped.append(Skipped(item.path, f"duplicate id {cable_id} (also in {seen[cable_id]})"))
        return next_ordinal
    seen[cable_id] = item.path
    if cable_id in known:
        ordinal, path, digest = known[cable_id]
        if digest == item.digest:
            if path != item.path:  # moved or renamed: show --raw must find it where it is now
                store.put(ordinal, item.record, item.path, item.digest, stem_count(item.subject_stems))
            report.unchanged += 1
            return next_ordinal
        changes.delete(ordinal)
        report.replaced += 1
    else:
        ordinal, next_ordinal = next_ordinal, next_ordinal + 1
        report.added += 1
    changes.add(ordinal, item)
    store.put(ordinal, item.record, item.path, item.digest, stem_count(item.subject_stems))
    return next_ordinal


def _prune(
    changes: _Changes,
    store: RecordStore,
    known: dict[str, tuple[int, str, str]],
    sources: Sequence[str | Path],
    seen: dict[str, str],
    report: BuildReport,
) -> None:
    """Remove cables whose source file, under the given sources, no longer exists or now holds another cable."""
    roots = [Path(source).resolve() for source in sources]
    read = set(seen.values())
    for cable_id, (ordinal, path, _) in known.items():
        resolved = Path(real_path(path)).resolve()
        under = any(resolved == root or root in resolved.parents for root in roots)
        if cable_id not in seen and under and (not resolved.exists() or path in read):
            changes.delete(ordinal)
            store.delete(ordinal)
            report.removed += 1
