"""Shared test fixtures: where the repo, its bundled seed cables and the shared corpus live."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
# The shared corpus: $CABLES_CORPUS (as in bench/corpus_location.py), else shared/corpus beside the checkout.
CORPUS = Path(os.environ.get("CABLES_CORPUS") or REPO.parent / "shared" / "corpus")


@cache
def read_seed(cable_id: str):
    """Read ``seeds/<cable_id>.txt`` once per session (records are frozen, so sharing is safe)."""
    from cables.index.reader import read_file

    return read_file(SEEDS / f"{cable_id}.txt").cable


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The folder of cable files bundled with the repo."""
    return SEEDS


@pytest.fixture(scope="session")
def seed_cable_path() -> Path:
    """The original sample cable, used as the base for mutation tests."""
    return SEEDS / "09OTTAWA265.txt"


@pytest.fixture(scope="session")
def seed_records() -> dict:
    """Every seed cable read by the reader, by id: the independent truth for counts."""
    from cables.index.reader import read_file

    return {record.id: record for record in (read_file(path).cable for path in sorted(SEEDS.glob("*.txt")))}


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory) -> Path:
    """An index of seeds/, built once per test session (two worker processes)."""
    from cables.index.build import rebuild

    location = tmp_path_factory.mktemp("index") / "index"
    rebuild(location, [SEEDS], jobs=2)
    return location


@pytest.fixture(scope="session")
def engine(seed_index):
    """The search engine opened on the seed index."""
    from cables.search.engine import Engine

    opened = Engine(seed_index)
    yield opened
    opened.close()
