"""Shared fixtures of the benchmarks: the corpus, its two indexes, the query sets.

Run explicitly (the project's pytest config only collects ``tests/``)::

    python -m pytest bench -q --benchmark-json bench/results/seeds.json

Environment:

* ``CABLES_BENCH_CORPUS``: folder of cable files (default: the repo's seeds/);
* ``CABLES_BENCH_INDEX``: engine index to reuse (built there when missing;
  default: a temporary folder, built once per session with 2 jobs);
* ``CABLES_BENCH_FTS5``: FTS5 database to reuse (built there when missing);
* ``CABLES_BENCH_REBUILD``: how many files the rebuild benchmarks index
  (default 200: the first ones by name);
* ``CABLES_BENCH_READER``: extra folders (``:``-separated) for the reader
  benchmark (default: $CABLES_CORPUS/cables when it exists, see bench/corpus_location.py; empty: none).

Every measured operation exists twice, ``[engine]`` and ``[fts5]``, in one
benchmark group, and the end of the run prints (and writes beside the JSON,
as ``.md``) a table of medians, p95s and engine/FTS5 ratios.
"""

from __future__ import annotations

import itertools
import json
import os
import platform
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
SEEDS = REPO / "seeds"
SYSTEMS = ("engine", "fts5")
for path in (REPO, BENCH):  # `index`, `search` and the bench modules, however pytest was started
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))


def corpus_folder() -> Path:
    """The corpus under test ($CABLES_BENCH_CORPUS, else seeds/)."""
    return Path(os.environ.get("CABLES_BENCH_CORPUS") or SEEDS)


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile of ``values`` (fraction in 0..1)."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(fraction * len(ordered) + 0.5)))
    return ordered[rank - 1]


# ---------------------------------------------------------------- session fixtures


@pytest.fixture(scope="session")
def corpus_files() -> list[Path]:
    """Every cable file of the corpus, sorted by name."""
    files = sorted(corpus_folder().rglob("*.txt"))
    if not files:
        pytest.exit(f"no cable files under {corpus_folder()}", returncode=4)
    return files


@pytest.fixture(scope="session")
def build_info() -> dict:
    """Facts about the session's indexes, filled by the fixtures, shown in the summary."""
    return {}


@pytest.fixture(scope="session")
def engine_location(tmp_path_factory, corpus_files, build_info) -> Path:
    """The engine index of the corpus: $CABLES_BENCH_INDEX when it opens, else built (2 jobs)."""
    import subprocess

    from cables.index.store import IndexUnavailable, current_generation

    wanted = os.environ.get("CABLES_BENCH_INDEX")
    location = Path(wanted) if wanted else tmp_path_factory.mktemp("engine") / "index"
    try:
        current_generation(location)
        build_info["engine"] = "reused " + str(location)
    except IndexUnavailable:
        # `cables rebuild` in its own process: a build inside this process would leave stems memoised in cables.index.build.
        command = [
            sys.executable,
            "-m",
            "cables.search",
            "rebuild",
            str(corpus_folder()),
            "--index",
            str(location),
            "--jobs",
            "2",
            "--format",
            "json",
        ]
        done = subprocess.run(command, cwd=REPO, env=dict(os.environ, PYTHONPATH=str(REPO)), capture_output=True, text=True)
        if done.returncode != 0:
            pytest.exit(f"cannot build the engine index: {done.stderr}", returncode=4)
        report = json.loads(done.stdout)
        size = sum(path.stat().st_size for path in current_generation(location).rglob("*") if path.is_file())
        build_info["engine"] = f"built {report['cables']} cables in {report['seconds']:.1f} s (jobs=2), {size / 1e6:.1f} MB"
    return location


@pytest.fixture(scope="session")
def engine(engine_location):
    """The open engine (the hot path: a process that has already opened the index)."""
    from cables.search.engine import Engine, SearchRequest

    opened = Engine(engine_location)
    for query in ("embassy", "visa fraud", '"human rights"'):  # lazy imports and first-touch page faults
        opened.search(SearchRequest(query=query))
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def fts5_db(tmp_path_factory, corpus_files, build_info) -> Path:
    """The FTS5 database of the corpus: $CABLES_BENCH_FTS5 when it exists, else built (2 jobs)."""
    import fts5

    wanted = os.environ.get("CABLES_BENCH_FTS5")
    db = Path(wanted) if wanted else tmp_path_factory.mktemp("fts5") / "cables.fts5"
    if db.exists():
        build_info["fts5"] = "reused " + str(db)
    else:
        report = fts5.build(db, corpus_files, jobs=2)
        build_info["fts5"] = f"built {report['cables']} cables in {report['seconds']:.1f} s (jobs=2), {report['size_bytes'] / 1e6:.1f} MB"
    return db


@pytest.fixture(scope="session")
def fts(fts5_db):
    """The open FTS5 baseline."""
    import fts5

    opened = fts5.Fts5(fts5_db)
    for query in ("embassy", "visa fraud", '"human rights"'):
        opened.search(query)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def query_set():
    """The fixed query sets (drawn from seeds/, see bench/queries.py)."""
    import queries

    return queries.seed_queries()


# ---------------------------------------------------------------- measuring


@pytest.fixture
def measure(benchmark) -> Callable:
    """Time ``function(item)`` once per input (one round each) and record p95 and the input count."""

    def run(function: Callable, inputs: Sequence, before_each: Callable[[], None] | None = None) -> None:
        items = itertools.cycle(inputs)

        def setup():
            if before_each is not None:
                before_each()
            return (next(items),), {}

        benchmark.pedantic(function, setup=setup, rounds=len(inputs), iterations=1, warmup_rounds=0)
        data = benchmark.stats.stats.data
        benchmark.extra_info["inputs"] = len(inputs)
        benchmark.extra_info["p95_ms"] = round(percentile(data, 0.95) * 1000, 3)

    return run


# ---------------------------------------------------------------- summary


def machine() -> dict:
    """nproc, CPU model, RAM, Python and load average: the context of every figure."""
    model = next((line.split(":", 1)[1].strip() for line in _lines("/proc/cpuinfo") if line.startswith("model name")), platform.processor())
    memory = next((line.split()[1] for line in _lines("/proc/meminfo") if line.startswith("MemTotal")), "0")
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "ram_gb": round(int(memory) / 1024 / 1024, 1),
        "python": platform.python_version(),
        "loadavg": " ".join(_lines("/proc/loadavg")[0].split()[:3]) if _lines("/proc/loadavg") else "",
        "corpus": corpus_folder().name,
    }


def _lines(path: str) -> list[str]:
    try:
        return Path(path).read_text().splitlines()
    except OSError:
        return []


def _system(name: str) -> str:
    """``engine`` or ``fts5`` from a test name such as ``test_search_facets[fts5]`` (else ``-``)."""
    for system in SYSTEMS:
        if f"[{system}" in name or f"-{system}]" in name:
            return system
    return "-"


def _ms(seconds: float | None) -> str:
    if seconds is None:
        return ""
    return f"{seconds * 1000:.2f}" if seconds < 10 else f"{seconds * 1000:.0f}"


def summary_table(benchmarks: list[dict]) -> str:
    """A markdown table: per group, engine and FTS5 median/p95 (ms), their ratio and throughput notes."""
    groups: dict[str, dict[str, dict]] = {}
    for bench in benchmarks:
        groups.setdefault(bench.get("group") or bench["name"], {})[_system(bench["name"])] = bench
    lines = [
        "| benchmark | engine median ms | engine p95 ms | FTS5 median ms | FTS5 p95 ms | engine/FTS5 | notes |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for group, members in groups.items():
        engine, base = members.get("engine") or members.get("-"), members.get("fts5")
        cells = [group]
        for measured in (engine, base):
            cells += [_ms(measured["stats"]["median"]) if measured else "", _p95(measured)]
        ratio = engine["stats"]["median"] / base["stats"]["median"] if engine and base and base["stats"]["median"] else None
        cells.append(f"{ratio:.2f}" if ratio is not None else "")
        cells.append("; ".join(filter(None, (_notes(engine, "engine" if base else ""), _notes(base, "FTS5")))))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _p95(bench: dict | None) -> str:
    if not bench:
        return ""
    p95 = bench.get("extra_info", {}).get("p95_ms")
    return f"{p95:.2f}" if p95 is not None and bench["stats"]["rounds"] >= 10 else ""


NOTE_KEYS = ("cables", "cables_per_s", "mb_per_s", "index_mb", "index_to_text", "peak_rss_mb")


def _notes(bench: dict | None, label: str) -> str:
    """Throughput and memory figures kept in a benchmark's extra_info."""
    if not bench:
        return ""
    info = bench.get("extra_info", {})
    parts = [f"{key.replace('_', ' ')} {info[key]}" for key in NOTE_KEYS if key in info]
    return (f"{label}: " if label and parts else "") + ", ".join(parts)


def _session_benchmarks(config) -> list[dict]:
    session = getattr(config, "_benchmarksession", None)  # pytest-benchmark's session object
    if session is None:
        return []
    return [bench.as_dict(include_data=False) for bench in session.benchmarks if bench.stats]


def pytest_benchmark_update_json(config, benchmarks, output_json) -> None:
    """Add the machine, the index facts and the ratio table to the JSON; write the table beside it as .md."""
    table = summary_table(output_json["benchmarks"])
    info = getattr(config, "_cables_build_info", {})
    output_json["cables"] = {"machine": machine(), "indexes": info, "table": table}
    target = config.getoption("benchmark_json", None)
    if target is not None:
        json_path = (
            Path(target) if isinstance(target, (str, Path)) else Path(target.name)
        )  # a Path from pytest-benchmark 5.3, a file before
        json_path.with_suffix(".md").write_text(_markdown(table, info), encoding="utf-8")


def _markdown(table: str, info: dict) -> str:
    facts = machine()
    head = ", ".join(f"{key} {value}" for key, value in facts.items())
    indexes = "".join(f"\n- {name}: {text}" for name, text in info.items())
    return f"Machine: {head}{indexes}\n\n{table}\n"


@pytest.fixture(scope="session", autouse=True)
def _share_build_info(request, build_info) -> None:
    """Let the JSON hook see the session's index facts."""
    request.config._cables_build_info = build_info


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    """Print the engine/FTS5 table after pytest-benchmark's own."""
    benchmarks = _session_benchmarks(config)
    if benchmarks:
        terminalreporter.write_sep("-", "engine vs FTS5 (medians; ratio = engine / FTS5)")
        terminalreporter.write_line(_markdown(summary_table(benchmarks), getattr(config, "_cables_build_info", {})))
