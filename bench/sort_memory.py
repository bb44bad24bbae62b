"""The memory and CPU a worker adds while it sorts one full-size segment's text buffer (issue 14, peak RSS).

A segment of the full-size rebuild buffers about 38 million body tokens of
130,000 paragraphs (the 256 MB budget at 6 bytes a token).  This fills a
buffer of that size with Zipf-distributed entries (one in seven a stop word),
makes the stem and stop-word lists as a segment write does, and prints the
peak resident memory the sorting added, the CPU it took and a digest of the
lists (equal digests: the same bytes).  Run it with two checkouts' interpreters
to compare them:

    python -m bench.sort_memory
"""

from __future__ import annotations

import hashlib
import resource
import time
from array import array

import numpy as np

from cables.index import segmentwriter
from cables.index.analysis import STOP_MARK

TOKENS = 38_000_000
PARAGRAPHS = 130_000
DISTINCT = 500_000


def full_size_buffer() -> segmentwriter._TextPostings:
    """A text buffer as large as one full-size segment's body field."""
    buffer = segmentwriter._TextPostings()
    for number in range(DISTINCT):
        buffer.numbers[f"{STOP_MARK}s{number}" if number % 7 == 0 else f"w{number}"]
    entries = np.minimum(np.random.default_rng(1).zipf(1.2, TOKENS), DISTINCT) - 1
    buffer.entries = array("I", entries.astype(np.uint32).tobytes())
    counts = np.full(PARAGRAPHS, TOKENS // PARAGRAPHS, dtype=np.uint32)
    counts[-1] += TOKENS - counts.sum()
    buffer.counts = array("I", counts.tobytes())
    buffer.docs = array("I", np.arange(PARAGRAPHS, dtype=np.uint32).tobytes())
    return buffer


def main() -> None:
    """Sort the buffer's two fields' lists; print the memory added, the CPU and the digest."""
    buffer = full_size_buffer()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.process_time()
    digest = hashlib.sha256()
    for stops in (False, True):
        lists = buffer.lists(stops)
        assert lists is not None
        for part in lists:
            digest.update(part if isinstance(part, bytes) else np.ascontiguousarray(part).tobytes())
        del lists
    cpu = time.process_time() - started
    added = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024
    print(f"sorting added {added} MB at peak, {cpu:.2f} s of CPU; lists digest {digest.hexdigest()[:16]}")


if __name__ == "__main__":
    main()
