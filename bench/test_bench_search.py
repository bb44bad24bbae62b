"""Hot-path benchmarks: searches and `show` on an open index, engine against FTS5.

Each round is one query of a fixed set (bench/queries.py), so the median and
p95 are over queries.  Before every engine round the posting cache is emptied
(a fresh ``PostingReader``): a query is measured as the first time a process
sees it, as in a `cables search` call, not as a repeat served from memory.
"""

from __future__ import annotations

import random

import pytest
import queries

SYSTEMS = ("engine", "fts5")


def fresh_postings(engine) -> None:
    """Forget the postings and stems read by earlier queries, as a new process would not have them."""
    from cables.index.analysis import SnowballStem
    from cables.index.stems import StemTable
    from cables.search.engine import deleted_documents
    from cables.search.postings import PostingReader

    engine.postings = PostingReader(engine.folder, engine.segments, deleted_documents(engine.arrays.doc_cable))
    engine.stem = StemTable(engine.folder, SnowballStem())


def measure_system(system: str, measure, engine, items: list, on_engine, on_fts) -> None:
    """Measure one system over ``items``: ``on_engine`` with fresh postings before every round, or ``on_fts``."""
    if system == "engine":
        measure(on_engine, items, lambda: fresh_postings(engine))
    else:
        measure(on_fts, items)


def engine_plain(engine, request) -> list[int]:
    """Match, score and take the top ``limit`` cable ordinals: Engine.search without records, snippets or facets."""
    return engine.rank(request).order[: request.limit].tolist()


@pytest.mark.parametrize("system", SYSTEMS)
def test_search_facets(system, engine, fts, query_set, measure, benchmark):
    """The normal search: top 10 with snippets, total and four facets, 200 queries of 1-3 words."""
    benchmark.group = "search + 4 facets (200 queries, 1-3 words)"
    measure_system(system, measure, engine, query_set.words, lambda q: engine.search(queries.engine_request(q)), fts.search)


@pytest.mark.parametrize("system", SYSTEMS)
def test_search_plain(system, engine, fts, query_set, measure, benchmark):
    """Match + rank + top 10 only (no snippets, records, facets or total)."""
    benchmark.group = "plain: match + rank top 10 (200 queries)"
    measure_system(system, measure, engine, query_set.words, lambda q: engine_plain(engine, queries.engine_request(q)), fts.plain)


@pytest.mark.parametrize("system", SYSTEMS)
def test_search_filtered(system, engine, fts, query_set, measure, benchmark):
    """The normal search with --tag / --classification / --from filters (200 queries)."""
    benchmark.group = "filtered search + 4 facets (200 queries)"
    measure_system(
        system,
        measure,
        engine,
        query_set.filtered,
        lambda item: engine.search(queries.engine_request(*item)),
        lambda item: fts.search(item[0], queries.fts5_options(item[1])),
    )


@pytest.mark.parametrize("system", SYSTEMS)
def test_search_plain_filtered(system, engine, fts, query_set, measure, benchmark):
    """Match + filter + rank top 10 only, with the same filters (the issue's "filtered" target)."""
    benchmark.group = "plain filtered: match + filter + rank top 10 (200 queries)"
    measure_system(
        system,
        measure,
        engine,
        query_set.filtered,
        lambda item: engine_plain(engine, queries.engine_request(*item)),
        lambda item: fts.plain(item[0], queries.fts5_options(item[1])),
    )


@pytest.mark.parametrize("system", SYSTEMS)
def test_search_phrase(system, engine, fts, query_set, measure, benchmark):
    """Quoted two-word phrases, normal search with facets."""
    benchmark.group = f"phrase search + 4 facets ({len(query_set.phrases)} phrases)"
    measure_system(system, measure, engine, query_set.phrases, lambda q: engine.search(queries.engine_request(q)), fts.search)


@pytest.fixture(scope="module")
def show_ids(corpus_files) -> list[str]:
    """200 cable ids of the corpus under test (file names are ids), drawn with a fixed seed."""
    ids = sorted(path.stem for path in corpus_files)
    return random.Random(queries.SEED).sample(ids, min(200, len(ids)))


@pytest.mark.parametrize("system", SYSTEMS)
def test_show(system, engine, fts, show_ids, measure, benchmark):
    """`show`: one cable's whole record by id."""
    benchmark.group = "show: record by id (200 ids)"
    function = engine.cable if system == "engine" else fts.cable
    measure(function, show_ids)
