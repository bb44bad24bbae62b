"""Throughput benchmarks: rebuild (engine vs FTS5) and the cable reader.

Rebuilds index a fixed subset (the first $CABLES_BENCH_REBUILD files by
name, 200 by default) into a fresh folder, once per configuration (one round:
the figure of interest is cables/s, and a round takes seconds).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

SYSTEMS = ("engine", "fts5")
REBUILD_COUNT = int(os.environ.get("CABLES_BENCH_REBUILD", "200"))
SHARED_CABLES = Path("/work/shared/corpus/cables")
SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def reader_folders() -> list[Path]:
    """Folders whose reading speed is measured: the corpus, then the shared 5,000 cables if present."""
    extra = os.environ.get("CABLES_BENCH_READER")
    folders = [Path(os.environ.get("CABLES_BENCH_CORPUS") or SEEDS)]
    folders += [Path(p) for p in extra.split(":") if p] if extra is not None else ([SHARED_CABLES] if SHARED_CABLES.is_dir() else [])
    return list(dict.fromkeys(folders))


@pytest.fixture(scope="module")
def subset(corpus_files) -> list[Path]:
    """The files every rebuild indexes."""
    return corpus_files[:REBUILD_COUNT]


def _throughput(benchmark, cables: int, text_bytes: int, index_bytes: int | None = None) -> None:
    """Record cables/s, MB/s (of cable text) and index size against text size."""
    seconds = benchmark.stats.stats.median
    benchmark.extra_info["cables"] = cables
    benchmark.extra_info["cables_per_s"] = round(cables / seconds, 1)
    benchmark.extra_info["mb_per_s"] = round(text_bytes / 1e6 / seconds, 2)
    if index_bytes is not None:
        benchmark.extra_info["index_mb"] = round(index_bytes / 1e6, 2)
        benchmark.extra_info["index_to_text"] = round(index_bytes / text_bytes, 2)


@pytest.mark.parametrize("system", SYSTEMS)
@pytest.mark.parametrize("jobs", (1, 2))
def test_rebuild(system, jobs, subset, tmp_path, benchmark):
    """Index the subset from scratch with ``jobs`` reader processes."""
    from index.build import rebuild

    import fts5

    benchmark.group = f"rebuild {len(subset)} cables, jobs={jobs}"
    text_bytes = sum(path.stat().st_size for path in subset)
    target = tmp_path / "out"
    reports = []

    def setup():
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir()
        return (), {}

    def run_engine():
        reports.append(rebuild(target / "index", list(subset), jobs=jobs))

    def run_fts5():
        reports.append(fts5.build(target / "cables.fts5", list(subset), jobs=jobs))

    benchmark.pedantic(run_engine if system == "engine" else run_fts5, setup=setup, rounds=1, iterations=1)
    report = reports[-1]
    cables = report.cables if system == "engine" else report["cables"]
    size = report.size_bytes if system == "engine" else report["size_bytes"]
    assert cables > 0.9 * len(subset)
    _throughput(benchmark, cables, text_bytes, size)


@pytest.mark.parametrize("folder", reader_folders(), ids=lambda folder: folder.name)
def test_reader(folder, benchmark):
    """read_file over every file of a folder (the parsing part of every rebuild)."""
    from index.reader import CableError, read_file

    files = sorted(folder.rglob("*.txt"))
    benchmark.group = f"reader: {folder.name} ({len(files)} files)"
    counts = []

    def read_all():
        good = 0
        for path in files:
            try:
                read_file(path)
                good += 1
            except CableError:
                pass
        counts.append(good)

    benchmark.pedantic(read_all, rounds=1, iterations=1)
    _throughput(benchmark, counts[-1], sum(path.stat().st_size for path in files))
