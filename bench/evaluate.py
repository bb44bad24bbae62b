"""Measure the engine against the baselines on the same topics, and tune its weights.

One run evaluates three systems on three topic sets:

* systems: the engine as shipped (the library's :class:`search.engine.Engine`
  with default :class:`search.ranking.RankingSettings`, exactly what ``cables
  batch`` runs), the plain whole-cable BM25 baseline and SQLite FTS5 (see
  :mod:`bench.baselines`);
* topics: simulated known-item topics remembered from the subject and from
  the body (``bench/topics/known_*.tsv``, MRR@10 and success@10) and written
  information needs with graded judgments (``needs.tsv``, nDCG@10).

``--grid`` instead tries variations of the ranking settings.  Running every
query once per setting would take hours, so each query is run once per
(k1, b) pair and its score parts (best paragraph, whole cable,
subject, tag, tag meaning) are kept; the weights then combine those parts
exactly as :meth:`search.engine._Run.scores` does, and the ranking is redone
with the engine's tie-break (score, then newest).  A check that the
recombined shipped settings reproduce ``Engine.search``'s top 10 is printed.

Usage::

    python -m bench.evaluate [--index PATH] [--json out.json]
    python -m bench.evaluate --grid [--index PATH]
"""

from __future__ import annotations

import argparse
import itertools
import json
import tempfile
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np

from bench.baselines import SEEDS, load_cables, make, read_topics, run_baseline
from bench.metrics import Qrels, Run, read_qrels, read_run, summarise
from search.ranking import DEFAULT_SETTINGS, RankingSettings

TOPICS = Path(__file__).resolve().parent / "topics"
TOPIC_SETS = {
    "subject": ("known_subject.tsv", "known.qrels"),
    "body": ("known_body.tsv", "known.qrels"),
    "needs": ("needs.tsv", "needs.qrels"),
}
LIMIT = 10


def load_topic_sets(folder: Path = TOPICS) -> dict[str, tuple[list[tuple[str, str]], Qrels]]:
    """Each topic set that exists in ``folder``: its ``(qid, query)`` list and qrels."""
    sets = {}
    for name, (topics, qrels) in TOPIC_SETS.items():
        if (folder / topics).exists() and (folder / qrels).exists():
            sets[name] = (read_topics(folder / topics), read_qrels(folder / qrels))
    return sets


def ensure_index(location: Path | None, seeds: Path = SEEDS) -> Path:
    """An index of ``seeds``: the one given, or a fresh one built in a temporary folder."""
    if location is not None and location.exists():
        return location
    from index.build import rebuild

    target = location or Path(tempfile.mkdtemp(prefix="cables-eval-")) / "index"
    rebuild(target, [seeds], jobs=2)
    return target


def engine_run(engine, topics: list[tuple[str, str]], limit: int = LIMIT) -> Run:
    """The engine's ranked cable ids for each topic (library call, as ``cables batch`` does)."""
    from search.engine import SearchRequest

    return {qid: [hit.id for hit in engine.search(SearchRequest(query=query, limit=limit)).hits] for qid, query in topics}


def measure(run: Run, name: str, qrels: Qrels) -> dict[str, float]:
    """The measures reported for one topic set: MRR/S@10 for known items, nDCG@10 for needs."""
    scores = summarise(run, qrels)
    if name == "needs":
        return {"ndcg@10": scores["ndcg@10"], "mrr@10": scores["mrr@10"]}
    return {"mrr@10": scores["mrr@10"], "success@10": scores["success@10"]}


def restrict(qrels: Qrels, topics: list[tuple[str, str]]) -> Qrels:
    """The qrels of just these topics (the known-item qrels cover both kinds)."""
    wanted = {qid for qid, _ in topics}
    return {qid: judged for qid, judged in qrels.items() if qid in wanted}


def evaluate_systems(index: Path, sets: dict, seeds: Path = SEEDS, settings: RankingSettings = DEFAULT_SETTINGS) -> dict[str, dict[str, dict[str, float]]]:
    """Scores of the engine and both baselines on every topic set: ``{system: {set: measures}}``."""
    from search.engine import Engine

    engine = Engine(index, settings=settings)
    cables = load_cables(seeds)
    systems = {"engine": lambda topics: engine_run(engine, topics)}
    for name in ("plain", "fts5"):
        baseline = make(name, cables)
        systems[name] = lambda topics, baseline=baseline, name=name: read_run(run_baseline(baseline, topics, name))
    results: dict[str, dict[str, dict[str, float]]] = {}
    for system, runner in systems.items():
        results[system] = {}
        for name, (topics, qrels) in sets.items():
            results[system][name] = measure(runner(topics), name, restrict(qrels, topics))
    engine.close()
    return results


def markdown_table(results: dict[str, dict[str, dict[str, float]]]) -> str:
    """The results as a markdown table: rows systems, columns the headline measures."""
    columns = [
        ("subject", "mrr@10", "subject MRR@10"),
        ("subject", "success@10", "subject S@10"),
        ("body", "mrr@10", "body MRR@10"),
        ("body", "success@10", "body S@10"),
        ("needs", "ndcg@10", "needs nDCG@10"),
        ("needs", "mrr@10", "needs MRR@10"),
    ]
    lines = ["| system | " + " | ".join(title for _, _, title in columns) + " |", "|---" * (len(columns) + 1) + "|"]
    for system, sets in results.items():
        cells = [f"{sets[name][key]:.3f}" if name in sets else "-" for name, key, _ in columns]
        lines.append(f"| {system} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


# --- the settings grid ------------------------------------------------------


@dataclass
class QueryParts:
    """One query's candidates and their unweighted score parts (for one k1, b)."""

    candidates: np.ndarray
    created: np.ndarray
    tier: np.ndarray
    best: np.ndarray
    whole: np.ndarray
    subject: np.ndarray
    tag: np.ndarray
    meaning: np.ndarray

    def ranking(self, settings: RankingSettings, limit: int = LIMIT) -> np.ndarray:
        """Top candidates under these weights, ordered as ``Engine._order`` orders them."""
        score = (
            settings.best_weight * self.best
            + (1.0 - settings.best_weight) * self.whole
            + settings.subject_weight * self.subject
            + settings.tag_weight * self.tag
            + settings.meaning_weight * self.meaning
        ).astype(np.float32)
        order = np.lexsort((-self.created, -score, self.tier))[:limit]
        return self.candidates[order]


def query_parts(engine, query: str, bm25_settings: list[RankingSettings]) -> list[QueryParts]:
    """Score parts of one query under each (k1, b, subject_k1, subject_b) in ``bm25_settings``.

    Uses the engine's own matching and part scoring (``_Run``), so the grid
    measures the real engine; only the final weighted sum is redone here.
    """
    from search.engine import SearchRequest

    ranking = engine.rank(SearchRequest(query=query, limit=LIMIT))
    run, candidates = ranking.run, ranking.candidates
    created = engine.columns.cable_created[candidates]
    tier = run.tier[candidates].copy()
    results = []
    for base in bm25_settings:
        engine.settings = replace(base, tag_weight=1.0, meaning_weight=0.0)
        run.scores(candidates)
        parts = {name: values[candidates].copy() for name, values in run._parts.items()}
        engine.settings = replace(base, tag_weight=0.0, meaning_weight=1.0)
        run.scores(candidates)
        meaning = run._parts["tags"][candidates].copy()
        results.append(QueryParts(candidates, created, tier, parts["best paragraph"], parts["whole cable"], parts["subject"], parts["tags"], meaning))
    engine.settings = DEFAULT_SETTINGS
    return results


def grid_settings() -> tuple[list[RankingSettings], dict[str, list[float]]]:
    """The BM25 parameter sets to score with, and the weight values to combine."""
    bm25_sets = [RankingSettings(k1=k1, b=b) for k1, b in [(1.2, 0.75), (0.9, 0.75), (1.6, 0.75), (2.0, 0.75), (1.2, 0.5), (1.2, 0.9), (1.2, 0.3)]]
    bm25_sets += [RankingSettings(subject_b=0.2), RankingSettings(subject_b=0.75), RankingSettings(subject_k1=0.8)]
    weights = {
        "subject_weight": [0.0, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0],
        "best_weight": [0.0, 0.25, 0.5, 0.75, 1.0],
        "tag_weight": [0.0, 0.5, 1.0, 2.0],
        "meaning_weight": [0.0, 0.3, 0.6],
    }
    return bm25_sets, weights


def run_grid(index: Path, sets: dict, top: int = 15) -> dict:
    """Try every weight combination on every BM25 parameter set; return rows sorted by balance."""
    from search.engine import Engine

    engine = Engine(index)
    bm25_sets, weights = grid_settings()
    parts = {name: {qid: query_parts(engine, query, bm25_sets) for qid, query in topics} for name, (topics, _) in sets.items()}
    agreement = _check_agreement(engine, sets, parts)
    rows = []
    for index_set, base in enumerate(bm25_sets):
        for values in itertools.product(*weights.values()):
            settings = replace(base, **dict(zip(weights, values)))
            scores = {}
            for name, (topics, qrels) in sets.items():
                run = {qid: _ids(engine, parts[name][qid][index_set].ranking(settings)) for qid, _ in topics}
                scores[name] = measure(run, name, restrict(qrels, topics))
            rows.append({"settings": asdict(settings), "scores": scores, "balance": balance(scores)})
    engine.close()
    rows.sort(key=lambda row: -row["balance"])
    shipped = next(row for row in rows if row["settings"] == asdict(DEFAULT_SETTINGS))
    return {"agreement": agreement, "shipped": shipped, "top": rows[:top], "rows": rows}


_ID_CACHE: dict[int, str] = {}


def _ids(engine, ordinals: np.ndarray) -> list[str]:
    """Cable ids of index ordinals (cached: the record store is read once per cable)."""
    ids = []
    for ordinal in ordinals:
        key = int(ordinal)
        if key not in _ID_CACHE:
            _ID_CACHE[key] = engine.records.record(key)["id"]
        ids.append(_ID_CACHE[key])
    return ids


def _check_agreement(engine, sets: dict, parts: dict) -> float:
    """Share of topics whose recombined shipped-settings top 10 equals ``Engine.search``'s."""
    from search.engine import SearchRequest

    same = total = 0
    for name, (topics, _) in sets.items():
        for qid, query in topics[:40]:
            shipped = [hit.id for hit in engine.search(SearchRequest(query=query, limit=LIMIT)).hits]
            same += shipped == _ids(engine, parts[name][qid][0].ranking(DEFAULT_SETTINGS))
            total += 1
    return same / total if total else 1.0


def balance(scores: dict[str, dict[str, float]]) -> float:
    """One number for 'serves every kind of search': the mean of the three headline measures.

    The worst of the three is added with equal weight, so a setting that buys
    subject topics with body topics (the big-subject-boost trap) loses.
    """
    headline = [scores["subject"]["mrr@10"], scores["body"]["mrr@10"]]
    if "needs" in scores:
        headline.append(scores["needs"]["ndcg@10"])
    return (sum(headline) / len(headline) + min(headline)) / 2


def grid_table(rows: list[dict]) -> str:
    """Grid rows as a markdown table of settings and measures."""
    lines = ["| k1 | b | subj k1 | subj b | subject_w | best_w | tag_w | meaning_w | subject MRR | body MRR | needs nDCG | balance |", "|---" * 12 + "|"]
    for row in rows:
        s, scores = row["settings"], row["scores"]
        needs = f"{scores['needs']['ndcg@10']:.3f}" if "needs" in scores else "-"
        lines.append(
            f"| {s['k1']} | {s['b']} | {s['subject_k1']} | {s['subject_b']} | {s['subject_weight']} | {s['best_weight']} | {s['tag_weight']} | {s['meaning_weight']} "
            f"| {scores['subject']['mrr@10']:.3f} | {scores['body']['mrr@10']:.3f} | {needs} | {row['balance']:.3f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Command line: the systems table, or with ``--grid`` the settings search."""
    parser = argparse.ArgumentParser(description="Evaluate the engine, plain BM25 and FTS5 on the bench topics.")
    parser.add_argument("--index", type=Path, help="index of seeds/ (built in a temporary folder when absent)")
    parser.add_argument("--seeds", type=Path, default=SEEDS)
    parser.add_argument("--topics", type=Path, default=TOPICS)
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--grid", action="store_true", help="search ranking settings instead")
    args = parser.parse_args(argv)
    index = ensure_index(args.index, args.seeds)
    sets = load_topic_sets(args.topics)
    if args.grid:
        result = run_grid(index, sets)
        print(f"recombined shipped settings reproduce Engine.search top 10 on {result['agreement']:.0%} of checked topics\n")
        print("shipped:\n" + grid_table([result["shipped"]]) + "\n\nbest by balance:\n" + grid_table(result["top"]))
        trap = [row for row in result["rows"] if row["settings"]["subject_weight"] == 3.0 and row["settings"]["best_weight"] == 1.0 and row["settings"]["k1"] == 1.2 and row["settings"]["b"] == 0.75
                and row["settings"]["subject_b"] == 0.5 and row["settings"]["subject_k1"] == 1.2 and row["settings"]["tag_weight"] == 1.0 and row["settings"]["meaning_weight"] == 0.3]
        print("\nbig subject boost, best paragraph only:\n" + grid_table(trap))
        payload = {key: result[key] for key in ("agreement", "shipped", "top")}
    else:
        payload = evaluate_systems(index, sets, args.seeds)
        print(markdown_table(payload))
    if args.json:
        args.json.write_text(json.dumps(payload, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
