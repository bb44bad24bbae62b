"""Effectiveness measures over TREC runs and qrels: MRR@k, success@k, nDCG@k.

A run maps each topic id to its ranked list of cable ids; qrels map each
topic id to ``{cable_id: grade}``.  Grades above zero count as relevant for
MRR and success; nDCG uses the grades themselves (gain ``2**grade - 1``).
Topics in the qrels that the run never answered score zero, so a system
cannot gain by skipping hard topics.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

Run = dict[str, list[str]]
Qrels = dict[str, dict[str, int]]


def read_run(lines: Iterable[str]) -> Run:
    """Parse TREC run lines (``qid Q0 doc rank score name``) into ranked lists.

    Lines are ordered by their rank column, not by file order, so a run written
    in any order reads the same.
    """
    ranked: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for line in lines:
        parts = line.split()
        if len(parts) < 6:
            continue
        qid, _, doc, rank = parts[:4]
        ranked[qid].append((int(rank), doc))
    return {qid: [doc for _, doc in sorted(pairs)] for qid, pairs in ranked.items()}


def read_qrels(path: Path) -> Qrels:
    """Parse a TREC qrels file (``qid 0 doc grade``)."""
    qrels: Qrels = defaultdict(dict)
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 4:
            qrels[parts[0]][parts[2]] = int(parts[3])
    return dict(qrels)


def reciprocal_rank(ranking: list[str], judged: dict[str, int], k: int = 10) -> float:
    """1/rank of the first relevant cable within the top ``k`` (0 when none)."""
    for rank, doc in enumerate(ranking[:k], start=1):
        if judged.get(doc, 0) > 0:
            return 1.0 / rank
    return 0.0


def success(ranking: list[str], judged: dict[str, int], k: int = 10) -> float:
    """1 when a relevant cable is within the top ``k``, else 0."""
    return 1.0 if reciprocal_rank(ranking, judged, k) > 0 else 0.0


def ndcg(ranking: list[str], judged: dict[str, int], k: int = 10) -> float:
    """Normalised discounted cumulative gain at ``k`` with gain ``2**grade - 1``."""
    gains = [2 ** judged.get(doc, 0) - 1 for doc in ranking[:k]]
    ideal = sorted((2**grade - 1 for grade in judged.values() if grade > 0), reverse=True)[:k]
    best = _dcg(ideal)
    return _dcg(gains) / best if best > 0 else 0.0


def _dcg(gains: list[float]) -> float:
    """Discounted cumulative gain of gains listed by rank (log2 discount)."""
    return sum(gain / math.log2(rank + 1) for rank, gain in enumerate(gains, start=1))


def mean_over_topics(run: Run, qrels: Qrels, measure, k: int = 10) -> float:
    """The mean of ``measure`` over every topic in the qrels that has a relevant cable."""
    topics = [qid for qid, judged in qrels.items() if any(grade > 0 for grade in judged.values())]
    if not topics:
        return 0.0
    return sum(measure(run.get(qid, []), qrels[qid], k) for qid in topics) / len(topics)


def summarise(run: Run, qrels: Qrels, k: int = 10) -> dict[str, float]:
    """MRR@k, success@k and nDCG@k of a run, averaged over the qrels' topics."""
    return {
        f"mrr@{k}": mean_over_topics(run, qrels, reciprocal_rank, k),
        f"success@{k}": mean_over_topics(run, qrels, success, k),
        f"ndcg@{k}": mean_over_topics(run, qrels, ndcg, k),
    }
