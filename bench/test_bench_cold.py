"""Cold-call benchmarks: a whole search process, engine CLI against the FTS5 script.

Each round starts ``python -m cables.search search QUERY --index DIR --format json``
(import, open the index, search with facets, print JSON), or the same through
``python bench/fts5.py search DB QUERY``, and waits for it.

Python normally caches compiled modules, but this machine sets
PYTHONDONTWRITEBYTECODE=1, so every process would compile the project's
modules again (about 50 ms).  Each cold benchmark therefore runs twice: with
bytecode cached as on a default Python (in a private cache folder, warmed by
one run first), and without a cache, as here.

Peak memory is measured apart from the timing, by one more run through a
small launcher process: a child started straight from pytest inherits
pytest's own high-water mark (Python starts children with vfork, and Linux
carries ru_maxrss across exec), so the launcher, itself small, starts the
search and reports that grandchild's ru_maxrss from ``os.wait4``
(``peak_rss_mb``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
SYSTEMS = ("engine", "fts5")
COLD_ROUNDS = 10
IMPORT_ROUNDS = 5
BYTECODE_CACHE = Path(tempfile.gettempdir()) / "cables-bench-pycache"
CACHES = ("bytecode cached", "no bytecode cache")


LAUNCHER = """
import os, subprocess, sys
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_, status, usage = os.wait4(child.pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)
"""


def process_env(cache: str) -> dict[str, str]:
    """The environment of a measured process: the repository importable, and bytecode cached or not."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    if cache == "bytecode cached":
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(BYTECODE_CACHE)
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def run_process(command: list[str], env: dict[str, str]) -> None:
    """Run a command to completion with output discarded; fail on a bad exit."""
    done = subprocess.run(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert done.returncode == 0, f"{command} exited {done.returncode}: {done.stderr.decode(errors='replace')}"


def peak_rss_mb(command: list[str], env: dict[str, str]) -> float:
    """The peak resident memory (MB) of one run of ``command``, started from a small launcher."""
    done = subprocess.run([sys.executable, "-c", LAUNCHER, *command], cwd=REPO, env=env, capture_output=True, text=True, check=True)
    code, kilobytes = map(int, done.stdout.split())
    assert code == 0, f"{command} exited {code}: {done.stderr}"
    return round(kilobytes / 1024, 1)  # ru_maxrss is in KB on Linux


def cold_queries(query_set) -> list[str]:
    """Ten word queries spread over the strata (every 20th of the 200)."""
    return query_set.words[::20][:COLD_ROUNDS]


@pytest.mark.parametrize("cache", CACHES)
@pytest.mark.parametrize("system", SYSTEMS)
def test_cold_search(system, cache, engine_location, fts5_db, query_set, measure, benchmark):
    """One search as a fresh process (import + open + search with facets + print JSON)."""
    benchmark.group = f"cold search process, {cache} ({COLD_ROUNDS} runs)"
    if system == "engine":
        command = lambda q: [sys.executable, "-m", "cables.search", "search", q, "--index", str(engine_location), "--format", "json"]  # noqa: E731
    else:
        command = lambda q: [sys.executable, str(BENCH / "fts5.py"), "search", str(fts5_db), q]  # noqa: E731
    env = process_env(cache)
    run_process(command(query_set.words[0]), env)  # warm-up: fills the bytecode cache, if any
    measure(lambda q: run_process(command(q), env), cold_queries(query_set))
    benchmark.extra_info["peak_rss_mb"] = peak_rss_mb(command(query_set.words[0]), env)


@pytest.mark.parametrize("cache", CACHES)
@pytest.mark.parametrize("system", SYSTEMS)
def test_cold_start(system, cache, measure, benchmark):
    """The floor under a cold call: start Python and import the search modules, nothing else."""
    benchmark.group = f"cold import only, {cache} ({IMPORT_ROUNDS} runs)"
    module = "import cables.search.cli, cables.search.engine, cables.search.render" if system == "engine" else "import fts5"
    command = [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(BENCH)!r}); {module}"]
    env = process_env(cache)
    run_process(command, env)  # warm-up: fills the bytecode cache, if any
    measure(lambda _: run_process(command, env), list(range(IMPORT_ROUNDS)))
    benchmark.extra_info["peak_rss_mb"] = peak_rss_mb(command, env)
