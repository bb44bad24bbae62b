"""Measure the engine against its peers on the same topics, and tune its weights.

One run evaluates every system on every topic of two collections (see
:mod:`bench.documents`): the 1,400 seed cables and the 5,000 shared-corpus
cables (``$CABLES_CORPUS``), each with its own index and topics:

* systems: the engine as shipped (the library's :class:`cables.search.engine.Engine`
  with default :class:`cables.search.ranking.RankingSettings`, exactly what ``cables
  batch`` runs), the plain whole-cable BM25 baseline and SQLite FTS5 (see
  :mod:`bench.baselines`), and four configurations each of stock whoosh and
  tantivy (:mod:`bench.peers`);
* topics: simulated known-item topics remembered from the subject and from
  the body (``known_*.tsv``, MRR@10 and success@10) and written information
  needs with graded judgments (``needs*.tsv``, nDCG@10), in ``bench/topics``
  (seeds) and ``bench/topics/corpus`` (corpus).

Every topic belongs to one half, ``tuning`` or ``held-out``, by the parity of
a hash of its id (:func:`half`); tuning (``--grid``) only ever sees the
tuning half, and the systems table reports both halves, over both
collections together and per collection.  A third topic collection,
``fresh`` (corpus cables, ``bench/topics/fresh``), was made after that
held-out half had been looked at many times: all of its topics are held
out, and it is reported on its own, never pooled with the halves.

``--grid`` instead tries variations of the ranking settings on the seeds'
tuning half.  Running every query once per setting would take hours, so each
query is run once per set of BM25 parameters (k1 and b of paragraphs, whole
cables, subjects) and its score parts (best paragraph, whole
cable, subject, tag, tag meaning) are kept; the weights then combine those
parts exactly as :meth:`cables.search.scoring.Scorer.scores` does, and the ranking is
redone with the engine's tie-break (score, then newest).  A check that the
recombined shipped settings reproduce ``Engine.search``'s top 10 is printed.

Usage::

    python -m bench.evaluate [--index PATH] [--corpus-index PATH] [--json out.json]
    python -m bench.evaluate --collections seeds
    python -m bench.evaluate --collections seeds,corpus,fresh --systems engine
    python -m bench.evaluate --grid [--index PATH]
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from bench.baselines import make, read_topics
from bench.documents import SEEDS, corpus_folder, load_documents
from bench.metrics import Qrels, Run, ndcg, read_qrels, reciprocal_rank, success
from bench.peers import TantivyPeer, WhooshPeer
from cables.search.ranking import DEFAULT_SETTINGS, RankingSettings
from cables.search.scoring import same_post_part
from cables.search.tiers import TIER_GAP

TOPICS = Path(__file__).resolve().parent / "topics"
TOPIC_SETS = {
    "subject": ("known_subject.tsv", "known.qrels"),
    "body": ("known_body.tsv", "known.qrels"),
    "needs": ("needs.tsv", "needs.qrels"),
}
HALVES = ("held-out", "tuning")
LIMIT = 10


@dataclass(frozen=True)
class Collection:
    """A set of cables and the topics written for it."""

    name: str
    cables: Path
    topics: Path
    split: bool = True

    def half(self, qid: str) -> str:
        """The half a topic of this collection belongs to (every topic is held out when it is not split)."""
        return half(qid) if self.split else "held-out"


def collections() -> dict[str, Collection]:
    """The evaluated topic collections: the bundled seeds, the shared corpus, fresh (held-out) corpus topics and more corpus topics."""
    return {
        "seeds": Collection("seeds", SEEDS, TOPICS),
        "corpus": Collection("corpus", corpus_folder(), TOPICS / "corpus"),
        "fresh": Collection("fresh", corpus_folder(), TOPICS / "fresh", split=False),
        "more": Collection("more", corpus_folder(), TOPICS / "more"),
    }


def half(qid: str) -> str:
    """The half a topic belongs to: ``held-out`` when the first byte of its id's SHA-256 is odd."""
    return "held-out" if hashlib.sha256(qid.encode("utf-8")).digest()[0] % 2 else "tuning"


def load_topic_sets(folder: Path = TOPICS, only: str | None = None) -> dict[str, tuple[list[tuple[str, str]], Qrels]]:
    """Each topic set that exists in ``folder``: its ``(qid, query)`` list and qrels (one half if ``only``)."""
    sets = {}
    for name, (topics, qrels) in TOPIC_SETS.items():
        if (folder / topics).exists() and (folder / qrels).exists():
            listed = [(qid, query) for qid, query in read_topics(folder / topics) if only is None or half(qid) == only]
            sets[name] = (listed, read_qrels(folder / qrels))
    return sets


def ensure_index(location: Path | None, cables: Path = SEEDS) -> Path:
    """An index of ``cables``: the one given, or a fresh one built in a temporary folder."""
    if location is not None and location.exists():
        return location
    from cables.index.build import rebuild

    target = location or Path(tempfile.mkdtemp(prefix="cables-eval-")) / "index"
    rebuild(target, [cables], jobs=2)
    return target


def engine_run(engine, topics: list[tuple[str, str]], limit: int = LIMIT) -> Run:
    """The engine's ranked cable ids for each topic (library call, as ``cables batch`` does)."""
    from cables.search.engine import SearchRequest

    return {qid: [hit.id for hit in engine.search(SearchRequest(query=query, limit=limit)).hits] for qid, query in topics}


def measure(run: Run, name: str, qrels: Qrels) -> dict[str, float]:
    """The measures reported for one topic set: MRR/S@10 for known items, nDCG@10 for needs."""
    return mean_scores(topic_scores(run, name, qrels))


def topic_scores(run: Run, name: str, qrels: Qrels) -> dict[str, dict[str, float]]:
    """Each judged topic's measures: MRR/S@10 for known items; nDCG, MRR and judged share @10 for needs.

    Topics without a relevant cable are left out, and a topic the run did not
    answer scores zero (as in :func:`bench.metrics.mean_over_topics`).
    """
    scores = {}
    for qid, judged in qrels.items():
        if not any(grade > 0 for grade in judged.values()):
            continue
        ranking = run.get(qid, [])
        if name == "needs":
            top = ranking[:LIMIT]
            scores[qid] = {
                "ndcg@10": ndcg(ranking, judged, LIMIT),
                "mrr@10": reciprocal_rank(ranking, judged, LIMIT),
                "judged@10": sum(doc in judged for doc in top) / len(top) if top else 1.0,
            }
        else:
            scores[qid] = {"mrr@10": reciprocal_rank(ranking, judged, LIMIT), "success@10": success(ranking, judged, LIMIT)}
    return scores


def mean_scores(scores: dict[str, dict[str, float]]) -> dict[str, float]:
    """The mean of each measure over the topics (empty when there are none)."""
    if not scores:
        return {}
    keys = next(iter(scores.values()))
    return {key: sum(topic[key] for topic in scores.values()) / len(scores) for key in keys}


def restrict(qrels: Qrels, topics: list[tuple[str, str]]) -> Qrels:
    """The qrels of just these topics (the known-item qrels cover both kinds)."""
    wanted = {qid for qid, _ in topics}
    return {qid: judged for qid, judged in qrels.items() if qid in wanted}


@dataclass(frozen=True)
class System:
    """One evaluated configuration: a short name, its table label and its runner over topics."""

    name: str
    label: str
    run: Callable[[list[tuple[str, str]]], Run]


def peer_system(name: str, label: str, search: Callable[[str, int], list[tuple[str, float]]]) -> System:
    """A system that runs a ``search(query, limit)`` function over every topic."""
    return System(name, label, lambda topics: {qid: [cable_id for cable_id, _ in search(query, LIMIT)] for qid, query in topics})


def build_systems(engine, cables: Path, only: set[str] | None = None) -> list[System]:
    """The engine and every peer configuration over one collection's cables (those named in ``only``, if given)."""
    systems = [System("engine", "cables engine (shipped)", lambda topics: engine_run(engine, topics))]
    if only is not None and only <= {"engine"}:
        return [system for system in systems if system.name in only]
    documents = load_documents(cables)
    for name, label in (("plain", "plain BM25, whole cables, OR"), ("fts5", "SQLite FTS5 bm25(3,1,2), OR")):
        systems.append(peer_system(name, label, make(name, documents).search))
    for peer in (*WhooshPeer(documents).configurations(), *TantivyPeer(documents).configurations()):
        systems.append(peer_system(peer.name, peer.label, peer.search))
    return [system for system in systems if only is None or system.name in only]


def evaluate_collection(
    index: Path, collection: Collection, settings: RankingSettings = DEFAULT_SETTINGS, only: set[str] | None = None
) -> tuple[dict, dict[str, str]]:
    """Per-topic scores of every system (or those named in ``only``) on every topic set of one collection.

    Returns ``({system: {set: {qid: measures}}}, {system: label})``.
    """
    from cables.search.engine import Engine

    engine = Engine(index, settings=settings)
    sets = load_topic_sets(collection.topics)
    scores: dict[str, dict[str, dict[str, dict[str, float]]]] = {}
    labels = {}
    for system in build_systems(engine, collection.cables, only):
        started = time.perf_counter()
        labels[system.name] = system.label
        scores[system.name] = {
            name: topic_scores(system.run(topics), name, restrict(qrels, topics)) for name, (topics, qrels) in sets.items()
        }
        print(f"{collection.name}: {system.name} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    engine.close()
    return scores, labels


def summarise_halves(
    per_collection: dict[str, dict], known: dict[str, Collection] | None = None
) -> dict[str, dict[str, dict[str, dict[str, float]]]]:
    """Mean measures per report: each half over the split collections, and each collection's halves.

    Returns ``{report: {system: {set: measures, set + " topics": count}}}``
    with reports named ``held-out``, ``tuning``, ``seeds held-out``, ...
    A collection that is not split (``fresh``) has only its own held-out
    report and is left out of the pooled ones.
    """
    known = known or collections()
    split = {name: scores for name, scores in per_collection.items() if known[name].split}
    reports: dict[str, dict] = {}
    for part in HALVES:
        for scope in (None, *per_collection):
            if scope is not None and not known[scope].split and part != "held-out":
                continue
            report = part if scope is None else f"{scope} {part}"
            chosen = split if scope is None else {scope: per_collection[scope]}
            systems: dict[str, dict] = {}
            for name_of_collection, scores in chosen.items():
                for system, sets in scores.items():
                    for name, topics in sets.items():
                        pooled = systems.setdefault(system, {}).setdefault(name, {})
                        pooled.update(
                            {f"{scope or ''}{qid}": value for qid, value in topics.items() if known[name_of_collection].half(qid) == part}
                        )
            reports[report] = {
                system: {name: {**mean_scores(topics), "topics": len(topics)} for name, topics in sets.items()}
                for system, sets in systems.items()
            }
    return reports


COLUMNS = [
    ("subject", "mrr@10", "subject MRR@10"),
    ("subject", "success@10", "subject S@10"),
    ("body", "mrr@10", "body MRR@10"),
    ("body", "success@10", "body S@10"),
    ("needs", "ndcg@10", "needs nDCG@10"),
    ("needs", "mrr@10", "needs MRR@10"),
    ("needs", "judged@10", "needs judged@10"),
]


def markdown_table(results: dict[str, dict[str, dict[str, float]]], labels: dict[str, str] | None = None) -> str:
    """One report as a markdown table: a row per system, the headline measures as arrays (best in bold)."""
    labels = labels or {}
    best = {
        (name, key): max((sets[name][key] for sets in results.values() if key in sets.get(name, {})), default=None)
        for name, key, _ in COLUMNS
        if key != "judged@10"
    }
    lines = ["| system | " + " | ".join(title for _, _, title in COLUMNS) + " |", "|---" * (len(COLUMNS) + 1) + "|"]
    for system, sets in results.items():
        cells = []
        for name, key, _ in COLUMNS:
            value = sets.get(name, {}).get(key)
            text = "-" if value is None else f"{value:.3f}"
            cells.append(f"**{text}**" if value is not None and value == best.get((name, key)) else text)
        lines.append(f"| {labels.get(system, system)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def topic_counts(results: dict[str, dict[str, dict[str, float]]]) -> str:
    """How many topics of each set a report averages over."""
    first = next(iter(results.values()), {})
    return ", ".join(f"{sets['topics']} {name}" for name, sets in first.items())


# --- the settings grid ------------------------------------------------------


@dataclass
class QueryParts:
    """One query's candidates and their unweighted score parts (for one set of BM25 parameters).

    ``held`` is the share of the query's words each candidate holds when the
    engine folds the tiers into the scores (a plain bag of words), else None;
    ``promoted`` marks the partial matches whose subject holds the other words;
    ``origin`` is each candidate's office (for the same-post part).
    """

    candidates: np.ndarray
    created: np.ndarray
    tier: np.ndarray
    best: np.ndarray
    whole: np.ndarray
    subject: np.ndarray
    coverage: np.ndarray
    header: np.ndarray
    tag: np.ndarray
    meaning: np.ndarray
    held: np.ndarray | None
    promoted: np.ndarray
    origin: np.ndarray

    def ranking(self, settings: RankingSettings, limit: int = LIMIT) -> np.ndarray:
        """Top candidates under these weights, ordered as ``Engine._order`` orders them."""
        score = (
            settings.best_weight * self.best
            + (1.0 - settings.best_weight) * self.whole
            + settings.subject_weight * self.subject
            + settings.coverage_weight * self.coverage
            + settings.header_weight * self.header
            + settings.tag_weight * self.tag
            + settings.meaning_weight * self.meaning
        ).astype(np.float32)
        tier = self.tier
        factor = None
        if self.held is not None and settings.partial_power:
            factor = (self.held ** np.float32(settings.partial_power)).astype(np.float32)
            factor[self.promoted] = self.held[self.promoted] ** np.float32(settings.promoted_power)
        if factor is not None:
            score = (score * factor).astype(np.float32)
            tier = np.zeros_like(tier)
        if settings.post_weight:
            part = same_post_part(self.origin, score - TIER_GAP * tier, settings.post_weight)
            score = (score + (part if factor is None else part * factor)).astype(np.float32)
        order = np.lexsort((-self.created, -score, tier))[:limit]
        return self.candidates[order]


def query_parts(engine, query: str, bm25_settings: list[RankingSettings]) -> list[QueryParts]:
    """Score parts of one query under each set of BM25 parameters in ``bm25_settings``.

    Uses the engine's own matching and part scoring (``Ranking.scorer``), so the grid
    measures the real engine; only the final weighted sum is redone here.
    """
    from cables.search.engine import SearchRequest

    ranking = engine.rank(SearchRequest(query=query, limit=LIMIT))
    tiers, scorer, candidates = ranking.tiers, ranking.scorer, ranking.candidates
    created = engine.arrays.cable_created[candidates]
    tier = tiers.tier[candidates].copy()
    held = tiers.held_share()[candidates] if tiers.factor is not None else None
    results = []
    for base in bm25_settings:
        engine.settings = replace(base, tag_weight=1.0, meaning_weight=1.0)
        scorer.scores(candidates)
        parts = {name: values[candidates].copy() for name, values in scorer.parts.items()}
        results.append(
            QueryParts(
                candidates,
                created,
                tier,
                parts["best paragraph"],
                parts["whole cable"],
                parts["subject"],
                parts["subject coverage"],
                parts["header"],
                parts["tags"],
                parts["tag meanings"],
                held,
                tiers.promoted[candidates].copy(),
                engine.arrays.cable_origin[candidates],
            )
        )
    engine.settings = DEFAULT_SETTINGS
    return results


def grid_settings() -> tuple[list[RankingSettings], dict[str, list[float]]]:
    """The BM25 parameter sets to score with, and the weight values to combine."""
    bm25_sets = [
        RankingSettings(k1=k1, b=b) for k1, b in [(1.2, 0.75), (0.9, 0.75), (1.6, 0.75), (2.0, 0.75), (1.2, 0.5), (1.2, 0.9), (1.2, 0.3)]
    ]
    bm25_sets += [RankingSettings(whole_k1=k1, whole_b=b) for k1, b in [(1.2, 0.75), (1.6, 1.0), (2.0, 0.9)]]
    bm25_sets += [RankingSettings(subject_b=0.2), RankingSettings(subject_b=0.75), RankingSettings(subject_k1=0.8)]
    weights = {
        "subject_weight": [0.0, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0],
        "best_weight": [0.0, 0.25, 0.5, 0.75, 1.0],
        "tag_weight": [0.0, 0.5, 1.0, 2.0],
        "meaning_weight": [0.0, 0.3, 0.6],
    }
    shipped = asdict(DEFAULT_SETTINGS)  # every list holds the shipped value, so the shipped settings are a row to compare with
    return bm25_sets, {name: sorted({*values, shipped[name]}) for name, values in weights.items()}


def run_grid(index: Path, sets: dict, top: int = 15) -> dict:
    """Try every weight combination on every BM25 parameter set; return rows sorted by balance."""
    from cables.search.engine import Engine

    engine = Engine(index)
    bm25_sets, weights = grid_settings()
    parts = {name: {qid: query_parts(engine, query, bm25_sets) for qid, query in topics} for name, (topics, _) in sets.items()}
    agreement = _check_agreement(engine, sets, parts)
    rows: list[dict[str, Any]] = []
    for index_set, base in enumerate(bm25_sets):
        for values in itertools.product(*weights.values()):
            overrides: dict[str, Any] = dict(zip(weights, values, strict=True))
            settings = replace(base, **overrides)
            scores = {}
            for name, (topics, qrels) in sets.items():
                run = {qid: _ids(engine, parts[name][qid][index_set].ranking(settings)) for qid, _ in topics}
                scores[name] = measure(run, name, restrict(qrels, topics))
            rows.append({"settings": asdict(settings), "scores": scores, "balance": balance(scores)})
    engine.close()
    rows.sort(key=lambda row: -row["balance"])
    shipped = next(row for row in rows if row["settings"] == asdict(DEFAULT_SETTINGS))
    return {"agreement": agreement, "shipped": shipped, "top": rows[:top], "rows": rows}


_ID_CACHE: dict[tuple[str, int], str] = {}


def _ids(engine, ordinals: np.ndarray) -> list[str]:
    """Cable ids of index ordinals (cached by index folder and ordinal: the record store is read once per cable)."""
    folder = str(engine.folder)
    ids = []
    for ordinal in map(int, ordinals):
        if (folder, ordinal) not in _ID_CACHE:
            _ID_CACHE[folder, ordinal] = engine.records.record(ordinal)["id"]
        ids.append(_ID_CACHE[folder, ordinal])
    return ids


def _check_agreement(engine, sets: dict, parts: dict) -> float:
    """Share of topics whose recombined shipped-settings top 10 equals ``Engine.search``'s."""
    from cables.search.engine import SearchRequest

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
    lines = [
        "| k1 | b | whole k1 | whole b | subj k1 | subj b | subject_w | best_w | tag_w | meaning_w "
        "| subject MRR | body MRR | needs nDCG | balance |",
        "|---" * 14 + "|",
    ]
    for row in rows:
        s, scores = row["settings"], row["scores"]
        needs = f"{scores['needs']['ndcg@10']:.3f}" if "needs" in scores else "-"
        lines.append(
            f"| {s['k1']} | {s['b']} | {s['whole_k1']} | {s['whole_b']} | {s['subject_k1']} | {s['subject_b']} "
            f"| {s['subject_weight']} | {s['best_weight']} "
            f"| {s['tag_weight']} | {s['meaning_weight']} "
            f"| {scores['subject']['mrr@10']:.3f} | {scores['body']['mrr@10']:.3f} | {needs} | {row['balance']:.3f} |"
        )
    return "\n".join(lines)


def systems_report(reports: dict, labels: dict[str, str]) -> str:
    """Every report (each half over all collections, then per collection) as titled markdown tables."""
    return "\n\n".join(
        f"### {report} ({topic_counts(results)} topics)\n\n{markdown_table(results, labels)}"
        for report, results in reports.items()
        if results
    )


def main(argv: list[str] | None = None) -> int:
    """Command line: the systems table, or with ``--grid`` the settings search."""
    parser = argparse.ArgumentParser(
        description="Evaluate the engine and its peers on the bench topics of the seeds and the shared corpus."
    )
    parser.add_argument("--index", type=Path, help="index of seeds/ (built in a temporary folder when absent)")
    parser.add_argument(
        "--corpus-index",
        type=Path,
        help="index of the shared corpus, for the corpus, fresh and more topics (built in a temporary folder when absent)",
    )
    parser.add_argument(
        "--collections", default="seeds,corpus,fresh,more", help="comma-separated collections to evaluate (seeds, corpus, fresh, more)"
    )
    parser.add_argument("--systems", help="comma-separated systems to run (default: all; e.g. engine)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--grid", action="store_true", help="search ranking settings on the seeds' tuning half instead")
    args = parser.parse_args(argv)
    known = collections()
    chosen = [name.strip() for name in args.collections.split(",") if name.strip()]
    for name in chosen:
        if name not in known:
            print(f"evaluate: unknown collection {name!r} (choose from {', '.join(known)})", file=sys.stderr)
            return 2
        if not known[name].cables.is_dir():
            print(
                f"evaluate: no {name} cables at {known[name].cables} (set CABLES_CORPUS to the corpus folder, or pass --collections seeds)",
                file=sys.stderr,
            )
            return 2
    if args.grid:
        index = ensure_index(args.index, SEEDS)
        result = run_grid(index, load_topic_sets(TOPICS, only="tuning"))
        print(f"recombined shipped settings reproduce Engine.search top 10 on {result['agreement']:.0%} of checked topics\n")
        print("shipped:\n" + grid_table([result["shipped"]]) + "\n\nbest by balance:\n" + grid_table(result["top"]))
        trap = [
            row
            for row in result["rows"]
            if row["settings"]["subject_weight"] == 3.0
            and row["settings"]["best_weight"] == 1.0
            and row["settings"]["k1"] == 1.2
            and row["settings"]["b"] == 0.75
            and row["settings"]["whole_k1"] == DEFAULT_SETTINGS.whole_k1
            and row["settings"]["whole_b"] == DEFAULT_SETTINGS.whole_b
            and row["settings"]["subject_b"] == 0.5
            and row["settings"]["subject_k1"] == 1.2
            and row["settings"]["tag_weight"] == 1.0
            and row["settings"]["meaning_weight"] == 0.3
        ]
        print("\nbig subject boost, best paragraph only:\n" + grid_table(trap))
        payload = {key: result[key] for key in ("agreement", "shipped", "top")}
    else:
        given = {known["seeds"].cables: args.index, known["corpus"].cables: args.corpus_index}
        only = {name.strip() for name in args.systems.split(",")} if args.systems else None
        built: dict[Path, Path] = {}
        per_collection: dict[str, dict] = {}
        labels: dict[str, str] = {}
        for name in chosen:
            collection = known[name]
            if collection.cables not in built:
                built[collection.cables] = ensure_index(given.get(collection.cables), collection.cables)
            per_collection[name], labels = evaluate_collection(built[collection.cables], collection, only=only)
        payload = summarise_halves(per_collection, known)
        print(systems_report(payload, labels))
    if args.json:
        args.json.write_text(json.dumps(payload, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
