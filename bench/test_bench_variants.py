"""What expansions cost a search: the variant query set with its expansions, and the same words exact.

Each round is one query of ``bench/variants/queries.tsv``, searched as typed
(spellings, other names, families and compounds expanded) or with every
word made exact (``=word``, quoted phrases as they are), on a fresh posting
cache as in a new process.  Run on the shared corpus::

    CABLES_BENCH_CORPUS=../shared/corpus/cables python -m pytest bench/test_bench_variants.py --benchmark-json bench/results/variants.json
"""

from __future__ import annotations

import pytest
from test_bench_search import fresh_postings


def _variant_queries(exact: bool) -> list[str]:
    """The variant set's queries, as typed or with each bare word made exact."""
    from bench.variants.evaluate import read_queries

    typed = [row["query"] for row in read_queries()]
    if not exact:
        return typed
    return [query if query.startswith('"') else " ".join(f"={word}" for word in query.split()) for query in typed]


@pytest.mark.parametrize("form", ("expanded", "exact"))
def test_search_variants(form, engine, measure, benchmark):
    """The normal search (top 10, snippets, facets, expansions) over the variant query set."""
    from cables.search.engine import SearchRequest

    benchmark.group = "variant query set: expanded vs exact words"
    measure(lambda query: engine.search(SearchRequest(query=query)), _variant_queries(form == "exact"), lambda: fresh_postings(engine))


UNSEEN = ("Khadafy", "Gaddaffi", "Sarkisyan", "secuirty", "parliment", "qwertyuiop", "Путин", "Nasrullah")
"""Words no cable of the seeds or the corpus holds: journalists' spellings, typos, a name in another script, nonsense."""


def test_search_unseen_word(engine, measure, benchmark):
    """A search for a word no cable holds, in a newly opened engine: its spellings are looked for among the words few edits
    away, and a suggestion made; the vocabulary is read once per engine (the stemmer is imported before: a process pays that once)."""
    from cables.index.analysis import SnowballStem
    from cables.search.engine import Engine, SearchRequest

    SnowballStem().load()
    benchmark.group = "a word no cable holds, new engine"
    opened: list[Engine] = []

    def reopen() -> None:
        opened[:] = [Engine(engine.location)]

    measure(lambda query: opened[0].search(SearchRequest(query=query)), UNSEEN, reopen)


def test_search_many_unseen_words(engine, measure, benchmark):
    """One pasted query of 100 words no cable holds, on an engine that has read its vocabulary: each word is looked for
    among the words few edits away (the hostile-input audit's case: a 400-word query took 48 s on the shared corpus)."""
    from cables.search.engine import SearchRequest

    engine.vocabulary()
    benchmark.group = "100 words no cable holds, one query"
    pasted = " ".join([f"{word}{suffix}" for suffix in "abcdefghijklm" for word in UNSEEN][:100])
    measure(lambda query: engine.search(SearchRequest(query=query)), [pasted], lambda: fresh_postings(engine))
