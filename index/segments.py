"""Write the whoosh segments of a rebuild, one per worker process.

Each worker reads, analyses and indexes its share of the files into a whoosh
segment of its own, so a cable's paragraphs never cross a process boundary;
only what the parent stores (the record, the new stems, where the documents
went) travels back.  The parent then publishes every segment in one table of
contents.  whoosh's own multiprocess writer instead pickles every document to
a file for a second process to read back, which cost a third of the build.

The segments are written with the array codec (:mod:`cables.index.codec`),
so whoosh's writer writes each posting list once, as the arrays the search
reads.  The segments stay unmerged: documents find their cable and paragraph position
through stored fields, so the order in which segments number them is free.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import shutil
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.index import TOC, clean_files
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import PostingPool, SegmentWriter

from cables.index.cablearrays import DELETED_DOCUMENT, Document
from cables.index.codec import ArrayCodec
from cables.index.interrupts import default_signals
from cables.index.prepare import Skipped, documents, prepare, stem_count
from cables.index.schema import paragraph_schema
from cables.index.termarrays import write_segment_list
from cables.index.unpickling import INDEX_NAME

BATCH = 32
# Memory, in MB, each whoosh writer buffers before it spills a sorted run (rebuild workers and update alike).
WRITER_MB = 128
# What one buffered posting costs in memory besides its term and value bytes (tuple, ints, references), as the pool counts it.
POSTING_OVERHEAD = 150


@dataclass
class Indexed:
    """A cable one worker has indexed: what the parent stores, and where its documents are."""

    order: int
    path: str
    digest: str
    record: dict
    subject_length: int
    paragraphs: int
    words: dict[str, str]
    shard: int
    first_document: int
    documents: list[Document]


class _Pool(PostingPool):
    """whoosh's posting pool without its per-posting type checks and field bookkeeping.

    The postings come from :class:`cables.index.schema.StemField` and whoosh's ID
    field, so their types are known; memory stays bounded by ``limitmb``.
    """

    def add(self, item: tuple) -> None:
        self.currentsize += POSTING_OVERHEAD + len(item[1]) + len(item[4] or b"")
        if self.currentsize > self.limit:
            self.save()
        self.current.append(item)


class CablesWriter(SegmentWriter):
    """whoosh's segment writer on the array codec (:mod:`cables.index.codec`), with a leaner posting pool.

    Rebuild workers and ``update`` write segments through it alike.
    """

    def __init__(self, ix) -> None:
        super().__init__(ix, codec=ArrayCodec(), limitmb=WRITER_MB, compound=False)
        self.pool = _Pool(self.temp_storage(), self.get_segment(), limitmb=WRITER_MB)


class _Shard:
    """One worker's whoosh segment and the cables it indexes into it.

    Each worker writes a whoosh index of its own in a folder of the
    generation's whoosh folder (with its own lock and sorted runs), and
    commits it; :meth:`finish` then moves the segment's files beside the
    others, where the parent publishes every worker's segment in one table of
    contents.
    """

    def __init__(self, whoosh_folder: Path, number: int) -> None:
        self.number = number
        self.whoosh_folder = whoosh_folder
        self.folder = whoosh_folder / f"shard{number}"
        self.folder.mkdir()
        self.writer = CablesWriter(whoosh_index.create_in(str(self.folder), paragraph_schema(), indexname=INDEX_NAME))

    def index(self, order: int, path: Path) -> Indexed | Skipped:
        """Read, analyse and index one file."""
        item = prepare(path)
        if isinstance(item, Skipped):
            return item
        first = self.writer.docnum
        placed = []
        for document in documents(item):
            self.writer.add_document(**document)
            length = byte_to_length(length_to_byte(stem_count(document["body"])))
            placed.append(Document(document["cable"], document["position"], document["marking"] or None, length))
        return Indexed(
            order,
            item.path,
            item.digest,
            item.record,
            stem_count(item.subject_stems),
            len(item.paragraphs),
            item.words,
            self.number,
            first,
            placed,
        )

    def finish(self):
        """The finished segment, its files moved into the generation's whoosh folder, or None when it is empty."""
        added = self.writer.doc_count() > 0
        segment = self.writer.get_segment()
        self.writer.commit(merge=False)
        if added:
            for name in segment.list_files(self.writer.storage):
                (self.folder / name).replace(self.whoosh_folder / name)
        shutil.rmtree(self.folder)
        return segment if added else None


class ShardedWrite:
    """Index files into one segment per worker; :meth:`results` yields each file's outcome as it is done.

    With one job everything runs in this process.  After :meth:`results` is
    exhausted, :attr:`segments` holds the segments, shard by shard.
    """

    def __init__(self, ix, folder: Path, files: list[Path], jobs: int) -> None:
        self.ix = ix
        self.folder = folder
        self.whoosh_folder = Path(ix.storage.folder)
        self.files = files
        self.jobs = max(1, min(jobs, -(-len(files) // BATCH)))  # no more workers than batches
        self.segments: list = []
        self._shard_documents: list[list[Document]] = [[] for _ in range(self.jobs)]

    @property
    def documents(self) -> list[Document]:
        """Every document, in the docnum order of the published segments (for :mod:`cables.index.cablearrays`)."""
        return [document for shard in self._shard_documents for document in shard]

    def results(self) -> Generator[Indexed | Skipped, None, None]:
        """Each file's outcome, in the order the workers finish them."""
        outcomes = self._serial() if self.jobs == 1 else self._parallel()
        for outcome in outcomes:
            if isinstance(outcome, Indexed):
                self._shard_documents[outcome.shard].extend(outcome.documents)
            yield outcome

    def _serial(self) -> Iterator[Indexed | Skipped]:
        shard = _Shard(self.whoosh_folder, 0)
        for order, path in enumerate(self.files):
            yield shard.index(order, path)
        self.segments = [shard.finish()]

    def _parallel(self) -> Iterator[Indexed | Skipped]:
        context = multiprocessing.get_context("fork")
        tasks, outcomes = context.Queue(), context.Queue()
        for start in range(0, len(self.files), BATCH):
            tasks.put([(order, self.files[order]) for order in range(start, min(start + BATCH, len(self.files)))])
        workers = [
            context.Process(target=_work, args=(self.whoosh_folder, number, tasks, outcomes, os.getpid()), daemon=True)
            for number in range(self.jobs)
        ]
        for worker in workers:
            tasks.put(None)
            worker.start()
        segments: dict[int, object] = {}
        try:
            while len(segments) < len(workers):
                kind, number, payload = _next_outcome(outcomes, workers, segments)
                if kind == "failed":
                    raise payload
                if kind == "segment":
                    segments[number] = payload
                else:
                    yield from payload
        finally:
            for worker in workers:
                if worker.is_alive():
                    worker.terminate()
                worker.join()
            tasks.cancel_join_thread()  # batches no worker will read must not keep this process from exiting
        self.segments = [segments[number] for number in range(len(workers))]

    def publish(self, deleted: list[Indexed]) -> None:
        """Write the table of contents naming every segment, with the documents of ``deleted`` cables deleted."""
        for item in deleted:
            for docnum in range(item.first_document, item.first_document + len(item.documents)):
                self.segments[item.shard].delete_document(docnum)
                self._shard_documents[item.shard][docnum] = DELETED_DOCUMENT
        segments = [segment for segment in self.segments if segment is not None]
        generation = self.ix.latest_generation() + 1
        TOC(self.ix.schema, segments, generation).write(self.ix.storage, self.ix.indexname)
        write_segment_list(self.folder, segments)
        clean_files(self.ix.storage, self.ix.indexname, generation, segments)


def _next_outcome(outcomes, workers, segments: dict[int, object]) -> tuple[str, int, Any]:
    """The next message from the workers; a worker that ended without sending its segment is a failure.

    A message is (kind, worker number, payload); the payload's type depends on
    the kind: the exception for "failed", the segment, else a batch of outcomes.

    A worker that has ended may have sent its segment just after the last
    wait timed out (it flushes what it sent before it exits), so the queue is
    read once more before the worker is called failed.
    """
    while True:
        try:
            return outcomes.get(timeout=1)
        except queue.Empty:
            ended = [
                (number, worker.exitcode) for number, worker in enumerate(workers) if number not in segments and worker.exitcode is not None
            ]
        if ended:
            try:
                return outcomes.get(timeout=1)
            except queue.Empty:
                number, exitcode = ended[0]
                raise RuntimeError(f"index writer process {number} ended without its segment (exit code {exitcode})") from None


def _work(whoosh_folder: Path, number: int, tasks, outcomes, parent: int) -> None:
    """A worker: index batches of files until told to stop, then send back the segment.

    It ends as soon as it sees its parent gone, without waiting to hand over
    outcomes nobody will read.
    """
    default_signals()
    try:
        shard = _Shard(whoosh_folder, number)
        while (batch := tasks.get()) is not None:
            if os.getppid() != parent:
                outcomes.cancel_join_thread()
                shard.writer.cancel()
                return
            outcomes.put(("cables", number, [shard.index(order, path) for order, path in batch]))
        outcomes.put(("segment", number, shard.finish()))
    except BaseException as error:
        outcomes.put(("failed", number, error))
