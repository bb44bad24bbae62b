"""Small helpers shared by the build and fault tests."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from cables.search.engine import Engine, SearchRequest

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"


def copy_seeds(target: Path, start: int, count: int) -> Path:
    """Copy a slice of the seed cables (in name order) into a new folder."""
    target.mkdir(parents=True)
    for path in sorted(SEEDS.glob("*.txt"))[start : start + count]:
        shutil.copy(path, target / path.name)
    return target


def kill_cables_after(delay: float, *args: str | Path) -> None:
    """Run ``python -m cables.search ARGS`` as its own process and SIGKILL it after ``delay`` seconds (it may have finished)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "cables.search", *map(str, args)], cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait()


def answers(location: Path, queries: list[str], limit: int = 10) -> list:
    """Ranked (id, score) lists and totals for fixed queries: compared before and after faults."""
    engine = Engine(location)
    try:
        results = [engine.search(SearchRequest(query=query, limit=limit)) for query in queries]
        return [([(hit.id, hit.score) for hit in result.hits], result.total) for result in results]
    finally:
        engine.close()
