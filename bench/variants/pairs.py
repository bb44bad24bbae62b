"""Draw random pairs of spellings from an index's learned variant table, for judging by reading.

Every two members of one learned spelling group are a pair; 100 are drawn
with a fixed seed and written as TSV (first, second, and an empty judgement
column that the reader fills in with ``right`` or ``wrong`` and a reason)::

    python -m bench.variants.pairs --index IDX > bench/variants/pairs.tsv
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
from pathlib import Path

from cables.index.store import current_generation
from cables.index.variants import TABLE_FILE

SAMPLE = 100


def spelling_pairs(folder: Path) -> list[tuple[str, str]]:
    """Every pair of members of the learned spelling groups of an index generation."""
    groups = json.loads((folder / TABLE_FILE).read_text(encoding="utf-8"))
    return [
        (first[0], second[0])
        for group in groups if group["kind"] == "spelling"
        for first, second in itertools.combinations(group["members"], 2)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=15)
    options = parser.parse_args()
    folder = current_generation(options.index)
    groups = [group for group in json.loads((folder / TABLE_FILE).read_text(encoding="utf-8")) if group["kind"] == "spelling"]
    pairs = spelling_pairs(folder)
    print(f"# {len(groups)} learned spelling groups, {sum(len(g['members']) for g in groups)} spellings, {len(pairs)} pairs; {SAMPLE} drawn with seed {options.seed}")
    print("first\tsecond\tjudgement")
    for first, second in sorted(random.Random(options.seed).sample(pairs, min(SAMPLE, len(pairs)))):
        print(f"{first}\t{second}\t")


if __name__ == "__main__":
    main()
