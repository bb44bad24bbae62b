"""Throughput benchmarks: rebuild (engine vs FTS5) and the cable reader.

Rebuilds index a fixed subset (the first $CABLES_BENCH_REBUILD files by
name, 200 by default) into a fresh folder, once per configuration (one round:
the figure of interest is cables/s, and a round takes seconds), each as its
own process (`python -m cables.search rebuild` / `python bench/fts5.py build`).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from corpus_location import shared_corpus

SYSTEMS = ("engine", "fts5")
REBUILD_COUNT = int(os.environ.get("CABLES_BENCH_REBUILD", "200"))
SHARED_CABLES = shared_corpus() / "cables"
BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
SEEDS = REPO / "seeds"


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


def build_command(system: str, jobs: int, files: list[Path], target: Path) -> list[str]:
    """The command line that indexes ``files`` into ``target`` (a fresh folder)."""
    if system == "engine":
        return [
            sys.executable,
            "-m",
            "cables.search",
            "rebuild",
            *map(str, files),
            "--index",
            str(target / "index"),
            "--jobs",
            str(jobs),
            "--format",
            "json",
        ]
    return [sys.executable, str(BENCH / "fts5.py"), "build", str(target / "cables.fts5"), *map(str, files), "--jobs", str(jobs)]


@pytest.mark.parametrize("system", SYSTEMS)
@pytest.mark.parametrize("jobs", (1, 2))
def test_rebuild(system, jobs, subset, tmp_path, benchmark):
    """Index the subset from scratch with ``jobs`` reader processes, as a fresh process.

    A subprocess rather than a call: cables.index.build memoises stems at module
    level, so a second in-process build (and its forked workers) would skip
    stemming work and write a partial stem table.  The times therefore include
    interpreter start and imports (see the cold import row).
    """
    benchmark.group = f"rebuild {len(subset)} cables, jobs={jobs}"
    text_bytes = sum(path.stat().st_size for path in subset)
    target = tmp_path / "out"
    reports = []

    def setup():
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir()
        return (), {}

    def run():
        done = subprocess.run(
            build_command(system, jobs, subset, target),
            cwd=REPO,
            env=dict(os.environ, PYTHONPATH=str(REPO)),
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        reports.append(json.loads(done.stdout))

    benchmark.pedantic(run, setup=setup, rounds=1, iterations=1)
    report = reports[-1]
    size = folder_size(target)
    assert report["cables"] > 0.9 * len(subset)
    _throughput(benchmark, report["cables"], text_bytes, size)


def folder_size(folder: Path) -> int:
    """Bytes of every file under ``folder`` (the engine's index or the FTS5 database)."""
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


# By folder name: the name, not the machine's path, is what the results record.
READER_FOLDERS = {folder.name: folder for folder in reader_folders()}


@pytest.mark.parametrize("name", list(READER_FOLDERS))
def test_reader(name, benchmark):
    """read_file over every file of a folder (the parsing part of every rebuild)."""
    from cables.index.reader import CableError, read_file

    folder = READER_FOLDERS[name]
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
