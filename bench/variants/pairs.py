"""Draw random pairs of spellings from an index's learned variant table, for judging by reading.

Every two members of one learned spelling group are a pair; 100 are drawn
(or ``--size``) with a fixed seed and written as TSV (first, second, and an empty judgement
column that the reader fills in with ``right`` or ``wrong`` and a reason)::

    python -m bench.variants.pairs --index IDX > bench/variants/pairs.tsv

``--exclude`` leaves out the pairs of earlier judged files, so a rule chosen
by looking at those pairs is measured on pairs it was not chosen on::

    python -m bench.variants.pairs --index IDX --seed 1502 --exclude bench/variants/pairs.tsv > heldout.tsv
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
from pathlib import Path

from cables.index.store import current_generation
from cables.index.varianttable import TABLE_FILE

SAMPLE = 100


def spelling_pairs(folder: Path) -> list[tuple[str, str]]:
    """Every pair of members of the learned spelling groups of an index generation."""
    groups = json.loads((folder / TABLE_FILE).read_text(encoding="utf-8"))
    return [
        (first[0], second[0])
        for group in groups
        if group["kind"] == "spelling"
        for first, second in itertools.combinations(group["members"], 2)
    ]


def judged_pairs(paths: list[Path]) -> set[tuple[str, str]]:
    """The (first, second) pairs of judged TSV files (comment and header lines skipped)."""
    pairs = set()
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            fields = line.split("\t")
            if len(fields) >= 2 and not line.startswith("#") and fields[:2] != ["first", "second"]:
                pairs.add((fields[0], fields[1]))
    return pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--size", type=int, default=SAMPLE, help="how many pairs to draw")
    parser.add_argument("--exclude", type=Path, nargs="*", default=[], help="judged files whose pairs are left out")
    options = parser.parse_args()
    folder = current_generation(options.index)
    groups = [group for group in json.loads((folder / TABLE_FILE).read_text(encoding="utf-8")) if group["kind"] == "spelling"]
    pairs = spelling_pairs(folder)
    left_out = judged_pairs(options.exclude)
    fresh = [pair for pair in pairs if pair not in left_out and pair[::-1] not in left_out]
    print(
        f"# {len(groups)} learned spelling groups, {sum(len(g['members']) for g in groups)} spellings, {len(pairs)} pairs; "
        f"{min(options.size, len(fresh))} drawn with seed {options.seed} from the {len(fresh)} not in {len(options.exclude)} judged files"
    )
    print("first\tsecond\tjudgement")
    for first, second in sorted(random.Random(options.seed).sample(fresh, min(options.size, len(fresh)))):
        print(f"{first}\t{second}\t")


if __name__ == "__main__":
    main()
