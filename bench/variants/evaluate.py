"""Recall and precision@10 of the variant query set, per kind of variant.

``bench/variants/queries.tsv`` holds queries of each kind (folding,
apostrophe, compound, spelling, family, name), each with a hand-written
regular expression for the cables it means; the meant cables are those
whose subject or a paragraph matches it (case-insensitive), read straight
from the cable files.  Recall is over everything the query matches,
precision over its top 10.

The engine measured is whatever ``search`` the Python path imports, so the
same script measures the code before and after a change::

    python -m bench.variants.evaluate --index IDX --corpus ../shared/corpus/cables --json after.json
    python -m bench.variants.evaluate --table before.json after.json > bench/variants/RESULTS.md
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

QUERIES = Path(__file__).resolve().parent / "queries.tsv"
KINDS = ("folding", "apostrophe", "compound", "spelling", "family", "name")


def read_queries(path: Path = QUERIES) -> list[dict]:
    """The query set: qid, kind, query and the meant pattern of each row."""
    lines = path.read_text(encoding="utf-8").splitlines()
    rows = [dict(zip(lines[0].split("\t"), line.split("\t"), strict=True)) for line in lines[1:] if line.strip()]
    for row in rows:
        if row["kind"] not in KINDS:
            raise ValueError(f"{path}: {row['qid']}: unknown kind {row['kind']!r}")
    return rows


def cable_texts(corpus: Path) -> dict[str, str]:
    """Each cable's subject and paragraphs as one text, by id (files that do not parse are left out)."""
    from cables.index.reader import CableError, decode, read_cable

    texts = {}
    for path in sorted(corpus.rglob("*.txt")):
        try:
            cable = read_cable(decode(path.read_bytes(), str(path)), str(path))
        except CableError:
            continue
        texts[cable.id] = "\n".join([cable.subject] + [paragraph.text for paragraph in cable.paragraphs])
    return texts


def meant(pattern: str, texts: dict[str, str]) -> set[str]:
    """The cables whose text matches a pattern."""
    regex = re.compile(pattern, re.IGNORECASE)
    return {cable_id for cable_id, text in texts.items() if regex.search(text)}


def measure(index: Path, corpus: Path) -> dict:
    """Per query: meant, found, recall and precision@10 (speed is measured in bench/test_bench_variants.py)."""
    from cables.search.engine import Engine, SearchRequest

    texts = cable_texts(corpus)
    engine = Engine(index)
    ids = {ordinal: cable_id for cable_id, (ordinal, _, _) in engine.records.sources().items()}
    results = []
    for row in read_queries():
        wanted = meant(row["meant"], texts)
        ranking = engine.rank(SearchRequest(query=row["query"], limit=10))
        found = [ids[int(ordinal)] for ordinal in ranking.candidates]
        top = [ids[int(ordinal)] for ordinal in ranking.order[:10]]
        results.append(
            {
                **row,
                "meant": len(wanted),
                "found": len(found),
                "recall": round(len(wanted & set(found)) / len(wanted), 4) if wanted else None,
                "precision_at_10": round(sum(cable in wanted for cable in top) / len(top), 4) if top else 0.0,
            }
        )
    engine.close()
    return {"queries": results}


def summary(run: dict) -> dict[str, tuple[float, float]]:
    """Mean recall and precision@10 per kind, and over all queries (``all``)."""
    table = {}
    for kind in KINDS + ("all",):
        rows = [row for row in run["queries"] if kind in ("all", row["kind"]) and row["recall"] is not None]
        if rows:
            table[kind] = (sum(row["recall"] for row in rows) / len(rows), sum(row["precision_at_10"] for row in rows) / len(rows))
    return table


def table(before: dict, after: dict) -> str:
    """A Markdown table of both runs per kind, then per query."""
    first, second = summary(before), summary(after)
    lines = [
        "| kind | queries | recall before | recall after | P@10 before | P@10 after |",
        "|---|---|---|---|---|---|",
    ]
    for kind in first:
        count = sum(1 for row in after["queries"] if kind in ("all", row["kind"]))
        lines.append(f"| {kind} | {count} | {first[kind][0]:.3f} | {second[kind][0]:.3f} | {first[kind][1]:.3f} | {second[kind][1]:.3f} |")
    lines += [""]
    lines += [
        "| qid | kind | query | meant | found before | found after | recall before | recall after | P@10 before | P@10 after |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for old, new in zip(before["queries"], after["queries"], strict=True):
        lines.append(
            f"| {new['qid']} | {new['kind']} | `{new['query']}` | {new['meant']} | {old['found']} | {new['found']} | "
            f"{old['recall']:.2f} | {new['recall']:.2f} | {old['precision_at_10']:.1f} | {new['precision_at_10']:.1f} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path)
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--json", type=Path, help="write the run here")
    parser.add_argument("--table", nargs=2, type=Path, metavar=("BEFORE", "AFTER"), help="print the comparison of two runs")
    options = parser.parse_args()
    if options.table:
        before, after = (json.loads(path.read_text(encoding="utf-8")) for path in options.table)
        print(table(before, after), end="")
        return
    if options.index is None or options.corpus is None:
        parser.error("--index and --corpus are needed to measure")
    run = measure(options.index, options.corpus)
    text = json.dumps(run, indent=1, ensure_ascii=False)
    if options.json:
        options.json.write_text(text + "\n", encoding="utf-8")
    for kind, (recall, precision) in summary(run).items():
        print(f"{kind:11} recall {recall:.3f}  P@10 {precision:.3f}")


if __name__ == "__main__":
    main()
