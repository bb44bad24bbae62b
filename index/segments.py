"""Write the whoosh segments of a rebuild, each worker process its own.

Each worker reads, analyses and indexes its share of the files into
segments of its own (:mod:`cables.index.segmentwriter`: sorted posting arrays
written straight from numpy, several segments only when a worker's postings
outgrow its memory budget), so a cable's paragraphs never cross a process
boundary; only what the parent stores (the record, the new stems, where the
documents went) travels back.  The parent then publishes every segment in
one table of contents.  whoosh's own multiprocess writer instead pickles
every document to a file for a second process to read back, which cost a
third of the build.

The segments stay unmerged: documents find their cable and paragraph
position through the document arrays, so the order in which segments
number them is free.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh.index import TOC, clean_files
from whoosh.util.numeric import byte_to_length, length_to_byte

from cables.index import segmentwriter
from cables.index.cablearrays import Document, DocumentColumns, DocumentLog, joined_columns
from cables.index.interrupts import default_signals
from cables.index.prepare import Skipped, documents, prepare
from cables.index.schema import paragraph_schema, stem_count
from cables.index.segmentwriter import SegmentWriter
from cables.index.termarrays import write_segment_list

BATCH = 32


@dataclass(slots=True)
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
    first_document: int  # numbered over all of the worker's segments
    document_count: int
    documents: list[Document]  # emptied once the parent has logged them


def document_entry(ordinal: int, document: dict) -> Document:
    """The arrays' entry of a document just indexed for the cable stored under ``ordinal``.

    Its body length is quantised as whoosh stores field lengths, so a
    document read back from a merged segment gets the same length.
    """
    length = byte_to_length(length_to_byte(stem_count(document["body"])))
    return Document(ordinal, document["position"], document["marking"] or None, length)


class _Shard:
    """One worker's segments and the cables it indexes into them.

    Its :class:`cables.index.segmentwriter.SegmentWriter` writes straight into
    the generation's whoosh folder, where the parent publishes every worker's
    segments in one table of contents.  Documents are numbered from 0 over
    all of the worker's segments, in order.
    """

    def __init__(self, whoosh_folder: Path, number: int) -> None:
        self.number = number
        self.writer = SegmentWriter(whoosh_folder, paragraph_schema(), segmentwriter.WRITER_MB)

    def index(self, order: int, path: Path) -> Indexed | Skipped:
        """Read, analyse and index one file."""
        item = prepare(path)
        if isinstance(item, Skipped):
            return item
        first = self.writer.documents
        placed = []
        for document in documents(item):
            self.writer.add(document)
            placed.append(document_entry(order, document))
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
            len(placed),
            placed,
        )

    def finish(self) -> list:
        """The worker's segments, the last one written now (none when it indexed nothing)."""
        return self.writer.finish()


class ShardedWrite:
    """Index files into segments, each worker its own; :meth:`results` yields each file's outcome as it is done.

    With one job everything runs in this process.  After :meth:`results` is
    exhausted, :attr:`segments` holds each worker's segments, worker by worker.
    """

    def __init__(self, ix, folder: Path, files: list[Path], jobs: int) -> None:
        self.ix = ix
        self.folder = folder
        self.whoosh_folder = Path(ix.storage.folder)
        self.files = files
        self.jobs = max(1, min(jobs, -(-len(files) // BATCH)))  # no more workers than batches
        self.segments: list[list] = []
        codes: dict[str, int] = {}
        self._shard_documents = [DocumentLog(codes) for _ in range(self.jobs)]

    def documents(self) -> DocumentColumns:
        """Every document, in the docnum order of the published segments (for :mod:`cables.index.cablearrays`)."""
        return joined_columns([log.columns() for log in self._shard_documents])

    def results(self) -> Generator[Indexed | Skipped, None, None]:
        """Each file's outcome, in the order the workers finish them."""
        outcomes = self._serial() if self.jobs == 1 else self._parallel()
        for outcome in outcomes:
            if isinstance(outcome, Indexed):
                self._shard_documents[outcome.shard].extend(outcome.documents)
                outcome.documents = []
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
        segments: dict[int, list] = {}
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
            for docnum in range(item.first_document, item.first_document + item.document_count):
                segment, number = _segment_of(self.segments[item.shard], docnum)
                segment.delete_document(number)
                self._shard_documents[item.shard].delete(docnum)
        segments = [segment for shard in self.segments for segment in shard]
        generation = self.ix.latest_generation() + 1
        TOC(self.ix.schema, segments, generation).write(self.ix.storage, self.ix.indexname)
        write_segment_list(self.folder, segments)
        clean_files(self.ix.storage, self.ix.indexname, generation, segments)


def _segment_of(segments: list, docnum: int) -> tuple[Any, int]:
    """The segment, among one worker's, holding the worker's document ``docnum``, and its number there."""
    for segment in segments:
        if docnum < segment.doc_count_all():
            return segment, docnum
        docnum -= segment.doc_count_all()
    raise IndexError(f"no document {docnum} past the worker's segments")


def _next_outcome(outcomes, workers, segments: dict[int, list]) -> tuple[str, int, Any]:
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
                return
            outcomes.put(("cables", number, [shard.index(order, path) for order, path in batch]))
        outcomes.put(("segment", number, shard.finish()))
    except BaseException as error:
        outcomes.put(("failed", number, error))
