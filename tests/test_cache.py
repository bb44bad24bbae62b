"""Bounded caches: a long-lived engine keeps posting lists within a byte budget and answers as before."""

from __future__ import annotations

import numpy as np

import cables.search.postings as postings_module
from cables.search.cache import BoundedCache
from cables.search.engine import Engine, SearchRequest


class Counted:
    """A cache of zero-filled byte arrays (100 bytes of budget) that records which keys it had to make."""

    def __init__(self) -> None:
        self.cache: BoundedCache[np.ndarray] = BoundedCache(100, lambda values: values.nbytes)
        self.made: list[str] = []

    def get(self, key: str, size: int) -> np.ndarray:
        """The array for ``key``, made with ``size`` bytes when the cache lacks it."""

        def make() -> np.ndarray:
            self.made.append(key)
            return np.zeros(size, dtype=np.uint8)

        return self.cache.get(key, make)


def test_values_are_made_once_while_they_fit():
    counted = Counted()
    for key in ("a", "b", "c", "a", "b"):
        counted.get(key, 30)
    assert counted.made == ["a", "b", "c"]
    assert counted.cache.held == 90 and len(counted.cache) == 3


def test_the_least_recently_used_value_goes_first():
    counted = Counted()
    for key in ("a", "b", "a", "c"):  # a was used after b: c's arrival drops b
        counted.get(key, 40)
    assert counted.cache.held == 80 and len(counted.cache) == 2
    counted.get("a", 40)
    assert counted.made == ["a", "b", "c"]
    counted.get("b", 40)
    assert counted.made == ["a", "b", "c", "b"]


def test_a_value_larger_than_the_budget_is_kept_alone():
    counted = Counted()
    counted.get("a", 30)
    counted.get("big", 500)
    assert len(counted.cache) == 1 and counted.cache.held == 500
    counted.get("big", 500)
    assert counted.made == ["a", "big"]


def _ranked(engine: Engine, queries: list[str]) -> list[list[str]]:
    """Each query's ranked cable ids and scores, as text (to compare two engines exactly)."""
    return [[f"{hit.id} {hit.score!r}" for hit in engine.search(SearchRequest(query=query, limit=20)).hits] for query in queries]


QUERIES = [
    "embassy",
    "visa fraud",
    '"human rights"',
    "peacekeeping",
    "government NEAR/5 election",
    "secur*",
    "icesave OR iceland",
    "subject:election",
    "embassy",
    "visa fraud",
]


def test_a_long_lived_engine_keeps_postings_within_its_budget(seed_index, monkeypatch):
    """Budgets of 40 KB and 2 KB hold the engine to them, and it ranks as one that keeps everything.

    The queries read about 130 KB of lists on the seeds (the largest,
    ``govern``, 35 KB); the last two repeat the first two, whose lists were
    dropped and are read again.
    """
    unbounded = Engine(seed_index)
    expected = _ranked(unbounded, QUERIES)
    read = unbounded.postings.kept_bytes
    unbounded.close()
    monkeypatch.setattr(postings_module, "POSTINGS_BUDGET", 40 * 1024)
    monkeypatch.setattr(postings_module, "PHRASES_BUDGET", 2 * 1024)
    bounded = Engine(seed_index)
    try:
        assert _ranked(bounded, QUERIES) == expected
        assert read > 100 * 1024
        assert bounded.postings.kept_bytes <= 42 * 1024
    finally:
        bounded.close()
