"""The search engine: open an index, run a query with filters, rank cables.

Matching is decided per cable, scoring per paragraph: every query word must
occur somewhere in a cable (in any paragraph, its subject or its tags), while
the score favours cables whose words sit together in one paragraph (see
:mod:`cables.search.ranking`).  Filters and facets work on the cable arrays of
:mod:`cables.index.cablearrays`, so facet counts are counts of cables over all matches.

One search runs in stages, each in its own module: the request and its
parsed dates (:mod:`cables.search.request`), option filters (:mod:`cables.search.filters`),
matching the query's words (:mod:`cables.search.matching`), tiers and the order of
the result (:mod:`cables.search.tiers`), score parts (:mod:`cables.search.scoring`) and
hits with their snippets and explanations (:mod:`cables.search.hits`); the result
with its facets and notes is built by :mod:`cables.search.result`.
"""

from __future__ import annotations

import sys
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from cables.index.analysis import SnowballStem
from cables.index.cablearrays import CableArrays, check_arrays, load_arrays
from cables.index.integrity import IndexDamage, check_table_of_contents, damaged
from cables.index.stems import StemTable, read_stem_table
from cables.index.store import WHOOSH_FOLDER, IndexUnavailable, check_files, open_generation
from cables.index.termarrays import read_segment_list
from cables.search.citations import cited_ids
from cables.search.expansion import Expander
from cables.search.hits import Hit
from cables.search.pipeline import Ranking, matched, rank
from cables.search.postings import PostingReader, Segment
from cables.search.ranking import DEFAULT_SETTINGS, RankingSettings
from cables.search.request import SearchRequest
from cables.search.result import IndexStats, SearchResult, index_stats, result_of

if TYPE_CHECKING:
    from cables.index.recordstore import RecordStore

__all__ = ["Engine", "Hit", "IndexStats", "Ranking", "SearchRequest", "SearchResult"]

DAMAGE: tuple[type[Exception], ...] = (OSError, EOFError, zlib.error)


def damage_errors() -> tuple[type[Exception], ...]:
    """The errors a damaged index raises while it is read: the OS's and zlib's, and SQLite's once the record store is open.

    sqlite3 is imported only when a record is first read, and no SQLite error
    can be raised before, so its error class is looked up only when present.
    """
    sqlite3 = sys.modules.get("sqlite3")
    return DAMAGE if sqlite3 is None else (*DAMAGE, sqlite3.DatabaseError)


def deleted_documents(doc_cable: np.ndarray) -> np.ndarray:
    """The numbers of the deleted documents (those whose cable is -1), sorted.

    Only ``cables update`` deletes documents, so most indexes have none: the
    array's minimum (one pass, nothing allocated) tells, before a mask of
    every document is made (2.3M at full size).
    """
    if not len(doc_cable) or int(doc_cable.min()) >= 0:
        return np.zeros(0, dtype=np.intp)
    return np.flatnonzero(doc_cable < 0)


class Engine:
    """An open index, ready to answer searches; cheap to open."""

    def __init__(self, location: Path, settings: RankingSettings = DEFAULT_SETTINGS) -> None:
        self.location = location
        self.folder, self.marker = open_generation(location)
        self.settings = settings
        self._vocabulary: list[str] | None = None
        check_files(self.folder, self.marker, location)
        try:
            check_table_of_contents(self.folder, WHOOSH_FOLDER, self.marker.checksums)
            self.segments = [Segment(segment_id, count) for segment_id, count in read_segment_list(self.folder)]
            self.arrays: CableArrays = load_arrays(self.folder)
            check_arrays(self.arrays, sum(segment.doc_count for segment in self.segments))
            self.stem = StemTable(self.folder, SnowballStem())
            deleted = deleted_documents(self.arrays.doc_cable)
            self.postings = PostingReader(self.folder, self.segments, deleted)
            self.expander = Expander(
                self.folder, self.stem, self._phrase_paragraphs, self._indexed, self.paragraph_frequency, self.vocabulary
            )
        except IndexUnavailable:
            raise
        except IndexDamage as error:
            raise damaged(location, error) from None
        except Exception as error:
            raise damaged(location, f"{type(error).__name__}: {error}") from None
        self.documents = len(self.arrays.doc_cable) - len(deleted)
        self.cables = int(np.count_nonzero(self.arrays.cable_valid))
        self.body_average = self._paragraph_average()
        valid = slice(None) if self.cables == len(self.arrays.cable_valid) else self.arrays.cable_valid  # all but after an update
        self.cable_average = float(self.arrays.cable_body_length[valid].mean()) if self.cables else 0.0
        self.subject_average = float(self.arrays.cable_subject_length[valid].mean()) if self.cables else 0.0

    def _paragraph_average(self) -> float:
        """The mean body length of a live paragraph, from the per-cable totals.

        Each cable's body length is the sum over its live paragraphs, so the
        sum of one entry per cable equals the sum over all paragraphs (exactly:
        integers), read from an array a ninth as long at full size.
        """
        return int(self.arrays.cable_body_length.sum()) / self.documents if self.documents else 0.0

    def _phrase_paragraphs(self, stems: tuple[str, ...]) -> int:
        """How many paragraphs hold the stems as a phrase."""
        return len(self.postings.phrase_docs("body", list(stems)))

    def _indexed(self, stem: str) -> bool:
        """True when some paragraph or subject holds the stem."""
        return any(self.postings.document_frequency(name, stem) for name in ("body", "subject"))

    @cached_property
    def records(self) -> RecordStore:
        """The cable records, opened when a record is first read (a search that shows none never imports sqlite3)."""
        from cables.index.recordstore import RECORDS_FILE, RecordStore

        return RecordStore(self.folder / RECORDS_FILE)

    def close(self) -> None:
        """Release the index files."""
        if "records" in vars(self):
            self.records.close()

    @contextmanager
    def _reading(self) -> Iterator[None]:
        """Report index files that fail while being read as a damaged index."""
        try:
            yield
        except IndexDamage as error:
            raise damaged(self.location, error) from None
        except damage_errors() as error:
            raise damaged(self.location, f"{type(error).__name__}: {error}") from None

    def matching(self, request: SearchRequest) -> np.ndarray:
        """The cables a request matches (its query and filters), as a mask over ordinals."""
        with self._reading():
            return matched(self, request)

    def search(self, request: SearchRequest) -> SearchResult:
        """Run a search; raise :class:`cables.search.query.QuerySyntaxError` for a malformed query."""
        with self._reading():
            return self._search(request)

    def rank(self, request: SearchRequest) -> Ranking:
        """Match and order the cables of a request, without records, snippets or facets."""
        with self._reading():
            return rank(self, request)

    def search_all(self, request: SearchRequest) -> tuple[SearchResult, Iterator[Hit]]:
        """Every match of a request, whatever its limit: the result without hits, and the hits in rank order.

        The hits are made one at a time as the iterator is read, so printing
        all of them costs the memory of one, plus the ranked ordinals.
        """
        with self._reading():
            ranking = rank(self, request, every=True)
            return result_of(self, request, ranking, []), self._each_hit(ranking)

    def _each_hit(self, ranking: Ranking) -> Iterator[Hit]:
        for cable in ranking.order:
            with self._reading():
                hit = ranking.hits.hit(int(cable), ranking.score(int(cable)))
            yield hit

    def _search(self, request: SearchRequest) -> SearchResult:
        ranking = rank(self, request)
        start = (request.page - 1) * request.limit
        return result_of(
            self, request, ranking, [ranking.hits.hit(int(c), ranking.score(int(c))) for c in ranking.order[start : start + request.limit]]
        )

    def cable(self, cable_id: str) -> dict | None:
        """The stored record of a cable, or None when the index lacks it; the id as people write it (``09ottawa265``,
        ``#09OTTAWA265``, ``09OTTAWA265.txt``, or a citation naming one indexed cable: ``OTTAWA 265``)."""
        with self._reading():
            ordinal = self._ordinal(cable_id)
            return None if ordinal is None else self.records.record(ordinal)

    def _ordinal(self, written: str) -> int | None:
        """The ordinal of the cable an id as written names (see :meth:`cable`), or None."""
        typed = written.strip().lstrip("#")
        typed = typed[:-4] if typed.lower().endswith(".txt") else typed
        ordinal = self.records.ordinal(typed)
        if ordinal is None:
            named = cited_ids(typed, lambda cable_id: self.records.ordinal(cable_id) is not None)
            ordinal = self.records.ordinal(named[0]) if len(named) == 1 else None
        return ordinal

    # What the index answers besides searches, for the command line, cables.search.relations and cables.search.suggest.

    def stats(self) -> IndexStats:
        """What the index holds: counts, first and last dates, size on disk, schema, build time, every facet."""
        return index_stats(self)

    def results(self, request: SearchRequest) -> tuple[SearchResult, Iterable[Hit]]:
        """A page of results and its hits; with ``limit`` 0, every match, the hits made as they are read."""
        if request.limit:
            result = self.search(request)
            return result, result.hits
        return self.search_all(request)

    def source(self, cable_id: str) -> str | None:
        """The path of the file a cable was indexed from, or None when the index lacks the cable."""
        with self._reading():
            ordinal = self.records.ordinal(cable_id)
            return None if ordinal is None else self.records.path(ordinal)

    def source_digest(self, cable_id: str) -> str | None:
        """The SHA-1 of the file a cable was indexed from, as it was then (None when the index lacks the cable)."""
        with self._reading():
            ordinal = self.records.ordinal(cable_id)
            return None if ordinal is None else self.records.digest(ordinal)

    def held(self, cable_ids: Iterable[str | None]) -> set[str]:
        """Those of ``cable_ids`` that the index holds (an empty id is none)."""
        with self._reading():
            return {cable_id for cable_id in cable_ids if cable_id and self.records.ordinal(cable_id) is not None}

    def citing(self, cable_id: str) -> list[str]:
        """The ids of the cables whose REF block cites ``cable_id``."""
        with self._reading():
            return [self.records.record(ordinal)["id"] for ordinal in self.records.citing(cable_id)]

    def created(self, request: SearchRequest) -> np.ndarray:
        """When each cable a request matches was created (``datetime64[s]``, in ordinal order)."""
        return self.arrays.cable_created[np.flatnonzero(self.matching(request))].astype("datetime64[s]")

    def dated(self) -> tuple[date, date] | None:
        """The first and last days the index's cables were created on, or None when it holds none."""
        created = self.arrays.cable_created[self.arrays.cable_valid]
        if not len(created):
            return None
        first, last = np.array([created.min(), created.max()]).astype("datetime64[s]").astype("datetime64[D]").tolist()
        return first, last

    def knows_id(self, cable_id: str) -> bool:
        """True when the index holds the cable with this id or a cable citing it."""
        return self.records.ordinal(cable_id) is not None or bool(self.records.citing(cable_id))

    def vocabulary(self) -> list[str]:
        """Every distinct word of the indexed text, folded as the index keeps it, in order (read once, when first asked for).

        Only a query word no cable holds asks for it (its spellings and
        suggestions): one read however many such words a query has.
        """
        if self._vocabulary is None:
            with self._reading():
                self._vocabulary = list(read_stem_table(self.folder))
        return self._vocabulary

    def stem_of(self, word: str) -> str:
        """The stem the index files a word under."""
        return self.stem(word)

    def paragraph_frequency(self, stem: str) -> int:
        """How many paragraphs hold a stem in their text."""
        with self._reading():
            return self.postings.document_frequency("body", stem)
