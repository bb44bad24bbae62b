"""What a search answers: a page of hits with the total, facets and notes over every match; what an index holds.

The engine ranks (:mod:`cables.search.pipeline`); this module turns a ranking into
the result the command line and scripts print, and gathers an index's
statistics for ``cables stats``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cables.index.store import SCHEMA_VERSION
from cables.search.facets import count_facets
from cables.search.hits import Hit
from cables.search.pipeline import Ranking
from cables.search.query import parse
from cables.search.request import SearchRequest

if TYPE_CHECKING:
    from cables.search.engine import Engine


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


@dataclass
class IndexStats:
    """What an index holds (``cables stats``): every facet's counts, in full."""

    index: str
    cables: int
    paragraphs: int
    first: str | None
    last: str | None
    size_bytes: int
    schema_version: int
    built: str
    facets: dict[str, dict[str, int]]


def result_of(engine: Engine, request: SearchRequest, ranking: Ranking, hits: list[Hit]) -> SearchResult:
    """The result of a ranked request: total, facets and notes over every match, with a page of hits."""
    match = ranking.match
    result = SearchResult(
        query=request.query,
        total=len(ranking.candidates),
        page=request.page,
        limit=request.limit,
        hits=hits,
        facets=count_facets(engine.arrays, ranking.mask, ranking.candidates),
        notes=match.notes + ranking.tiers.notes + match.ignored_note(),
        partial=ranking.tiers.partial,
        filters=request.described_filters(),
    )
    result.suggestions = match.suggestions()
    result.expansions, result.expansion_cables = ranking.expansions
    if not ranking.candidates.size:
        from cables.search.diagnose import empty_result_notes

        result.notes.extend(empty_result_notes(engine, request, parse(request.query)))
    return result


def index_stats(engine: Engine) -> IndexStats:
    """What an index holds: counts, first and last dates, size on disk, schema, build time, every facet."""
    from cables.index.build import folder_size

    everything = engine.search(SearchRequest(limit=0))
    created = engine.created(SearchRequest())
    return IndexStats(
        index=str(engine.location),
        cables=engine.cables,
        paragraphs=engine.documents,
        first=str(created.min()) if created.size else None,
        last=str(created.max()) if created.size else None,
        size_bytes=folder_size(engine.folder),
        schema_version=SCHEMA_VERSION,
        built=engine.marker.built,
        facets=everything.facets,
    )
