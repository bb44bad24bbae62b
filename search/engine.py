"""The search engine: open an index, run a query with filters, rank cables.

Matching is decided per cable, scoring per paragraph: every query word must
occur somewhere in a cable (in any paragraph, its subject or its tags), while
the score favours cables whose words sit together in one paragraph (see
:mod:`search.ranking`).  Filters and facets work on the cable arrays of
:mod:`index.columns`, so facet counts are counts of cables over all matches.

One search runs in stages, each in its own module: the request and its
parsed dates (:mod:`search.request`), option filters (:mod:`search.filters`),
matching the query's words (:mod:`search.matching`), tiers and the order of
the result (:mod:`search.tiers`), score parts (:mod:`search.scoring`) and
hits with their snippets and explanations (:mod:`search.hits`).
"""

from __future__ import annotations

import pickle
import sqlite3
import struct
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator
from pathlib import Path

import numpy as np

from index.analysis import SnowballStem
from index.columns import Columns, check_columns, load_columns
from index.integrity import IndexDamage, check_table_of_contents, damaged
from index.records import RECORDS_FILE, RecordStore
from index.stems import StemTable
from index.store import WHOOSH_FOLDER, IndexUnavailable, Marker, check_files, current_generation, read_marker
from index.termarrays import read_segment_list
from search.facets import count_facets
from search.expansion import Expander
from search.hits import Hit
from search.pipeline import Ranking, matched, rank
from search.postings import PostingReader, Segment
from search.query import parse
from search.ranking import DEFAULT_SETTINGS, RankingSettings
from search.request import SearchRequest

__all__ = ["Engine", "Hit", "Ranking", "SearchRequest", "SearchResult"]

DAMAGE = (OSError, EOFError, struct.error, zlib.error, pickle.UnpicklingError, sqlite3.DatabaseError)


@dataclass
class SearchResult:
    """A page of ranked cables, the total, facets and notes for the user."""

    query: str
    total: int
    page: int
    limit: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]
    notes: list[str] = field(default_factory=list)
    suggestions: dict[str, str] = field(default_factory=dict)
    partial: int = 0
    filters: list[str] = field(default_factory=list)
    expansions: dict[str, list[str]] = field(default_factory=dict)
    expansion_cables: dict[str, int] = field(default_factory=dict)


class Engine:
    """An open index, ready to answer searches; cheap to open."""

    def __init__(self, location: Path, settings: RankingSettings = DEFAULT_SETTINGS) -> None:
        self.location = location
        self.folder = current_generation(location)
        self.settings = settings
        self.marker: Marker = read_marker(self.folder)
        check_files(self.folder, self.marker, location)
        try:
            check_table_of_contents(self.folder, WHOOSH_FOLDER, self.marker.checksums)
            self.segments = [Segment(segment_id, count) for segment_id, count in read_segment_list(self.folder)]
            self.columns: Columns = load_columns(self.folder)
            check_columns(self.columns, sum(segment.doc_count for segment in self.segments))
            self.records = RecordStore(self.folder / RECORDS_FILE)
            self.stem = StemTable(self.folder, SnowballStem())
            self.postings = PostingReader(self.folder, self.segments, self.columns.doc_cable >= 0)
            self.expander = Expander(self.folder, self.stem, self._phrase_found, self._indexed)
        except IndexUnavailable:
            raise
        except IndexDamage as error:
            raise damaged(location, error) from None
        except Exception as error:
            raise damaged(location, f"{type(error).__name__}: {error}") from None
        valid = self.columns.doc_cable >= 0
        self.documents = int(valid.sum())
        self.cables = int(self.columns.cable_valid.sum())
        self.body_average = float(self.columns.doc_body_length[valid].mean()) if self.documents else 0.0
        self.cable_average = float(self.columns.cable_body_length[self.columns.cable_valid].mean()) if self.cables else 0.0
        self.subject_average = float(self.columns.cable_subject_length[self.columns.cable_valid].mean()) if self.cables else 0.0

    def _phrase_found(self, stems: tuple[str, ...]) -> bool:
        """True when some paragraph holds the stems as a phrase."""
        return bool(len(self.postings.phrase_docs("body", list(stems))))

    def _indexed(self, stem: str) -> bool:
        """True when some paragraph or subject holds the stem."""
        return any(self.postings.document_frequency(name, stem) for name in ("body", "subject"))

    def close(self) -> None:
        """Release the index files."""
        self.records.close()

    @contextmanager
    def _reading(self) -> Iterator[None]:
        """Report index files that fail while being read as a damaged index."""
        try:
            yield
        except IndexDamage as error:
            raise damaged(self.location, error) from None
        except DAMAGE as error:
            raise damaged(self.location, f"{type(error).__name__}: {error}") from None

    def matching(self, request: SearchRequest) -> np.ndarray:
        """The cables a request matches (its query and filters), as a mask over ordinals."""
        with self._reading():
            return matched(self, request)

    def search(self, request: SearchRequest) -> SearchResult:
        """Run a search; raise :class:`search.query.QuerySyntaxError` for a malformed query."""
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
            return self._result(request, ranking, []), self._each_hit(ranking)

    def _each_hit(self, ranking: Ranking) -> Iterator[Hit]:
        for cable in ranking.order:
            with self._reading():
                hit = ranking.hits.hit(int(cable), float(ranking.scores[cable]) if ranking.scores is not None else 0.0)
            yield hit

    def _search(self, request: SearchRequest) -> SearchResult:
        ranking = rank(self, request)
        scores = ranking.scores
        start = (request.page - 1) * request.limit
        page = ranking.order[start: start + request.limit]
        hits = [ranking.hits.hit(int(c), float(scores[c]) if scores is not None else 0.0) for c in page]
        return self._result(request, ranking, hits)

    def _result(self, request: SearchRequest, ranking: Ranking, hits: list[Hit]) -> SearchResult:
        """The result of a ranked request: total, facets and notes over every match, with a page of hits."""
        match = ranking.match
        result = SearchResult(
            query=request.query,
            total=len(ranking.candidates),
            page=request.page,
            limit=request.limit,
            hits=hits,
            facets=count_facets(self.columns, ranking.mask),
            notes=match.notes + ranking.tiers.notes + match.ignored_note(),
            partial=ranking.tiers.partial,
            filters=request.described_filters(),
        )
        result.suggestions = match.suggestions()
        result.expansions, result.expansion_cables = ranking.expansions
        if not ranking.candidates.size:
            from search.diagnose import empty_result_notes

            result.notes.extend(empty_result_notes(self, request, parse(request.query)))
        return result

    def cable(self, cable_id: str) -> dict | None:
        """The stored record of a cable, or None when the index lacks it."""
        with self._reading():
            ordinal = self.records.ordinal(cable_id)
            return None if ordinal is None else self.records.record(ordinal)
