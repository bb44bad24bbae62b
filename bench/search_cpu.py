"""CPU time of ``Engine.search`` over the bench queries, fresh postings before each, for comparing two checkouts on a busy machine.

Wall-clock medians swing with other processes on a shared machine; CPU
time (``time.process_time``) swings less.  Run from each checkout's root
with its own interpreter, alternately::

    python bench/search_cpu.py INDEX

It prints the median CPU milliseconds of a search (top 10, snippets, four
facets) over the 200 word queries and over the 20 phrases, each query twice.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import queries  # noqa: E402 (bench/ is on the path only now)
from test_bench_search import fresh_postings  # noqa: E402

from cables.search.engine import Engine  # noqa: E402


def main() -> None:
    """Search every query twice with fresh postings and print the median CPU time per query set."""
    engine = Engine(Path(sys.argv[1]))
    query_set = queries.seed_queries()
    for label, items in (("search + 4 facets", query_set.words), ("phrase", query_set.phrases)):
        times = []
        for _ in range(2):
            for query in items:
                fresh_postings(engine)
                began = time.process_time()
                engine.search(queries.engine_request(query))
                times.append(time.process_time() - began)
        print(f"{label}: median {statistics.median(times) * 1e3:.2f} ms of CPU over {len(times)} searches")


if __name__ == "__main__":
    main()
