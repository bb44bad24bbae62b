"""Two reference rankers the engine is measured against, each writing TREC runs.

* :class:`PlainBM25`: the textbook baseline.  Each cable is one document (its
  subject, header words and paragraphs concatenated, no field boosts), analysed exactly as
  the engine analyses text (:func:`cables.index.analysis.analyse` with Snowball
  stems), scored with BM25 over whole cables.  It is OR-style: a cable with
  any query word scores.  If the engine cannot beat this, its extra machinery
  (paragraph scoring, subject and tag weights) is not earning its keep.
* :class:`Fts5`: what a developer gets for free from SQLite's FTS5 with a
  subject/body/tags table, ``bm25()`` column weights and the Porter
  tokenizer; the query's words are quoted and ORed.

Both index the text every peer gets (:mod:`bench.documents`: the body is
the header words followed by the paragraphs).

Usage::

    python -m bench.baselines plain bench/topics/needs.tsv > plain.trec
    python -m bench.baselines fts5 bench/topics/needs.tsv > fts5.trec
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from bench.documents import SEEDS, Document, load_documents
from cables.index.analysis import SnowballStem, analyse, words


def cable_text(document: Document) -> str:
    """A cable's searchable text as one string: subject, header words, then its paragraphs."""
    return document.cable.subject + "\n" + document.body


def read_topics(path: Path) -> list[tuple[str, str]]:
    """``(qid, query)`` pairs from a ``qid<TAB>query`` file."""
    topics = []
    for line in path.read_text(encoding="utf-8").splitlines():
        qid, tab, query = line.partition("\t")
        if tab and query.strip():
            topics.append((qid, query))
    return topics


def trec_lines(qid: str, ranked: list[tuple[str, float]], run_name: str) -> list[str]:
    """TREC run lines for one topic's ranked ``(cable_id, score)`` pairs."""
    return [f"{qid} Q0 {cable_id} {rank} {score:.4f} {run_name}" for rank, (cable_id, score) in enumerate(ranked, start=1)]


class PlainBM25:
    """BM25 over whole cables (subject, header words and paragraphs as one bag of stems), OR semantics."""

    def __init__(self, documents: list[Document], k1: float = 1.2, b: float = 0.75) -> None:
        self.ids = [document.id for document in documents]
        self.k1, self.b = k1, b
        self.stem = SnowballStem()
        self.postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        lengths = []
        gathered: dict[str, tuple[list[int], list[int]]] = {}
        for ordinal, document in enumerate(documents):
            counts = Counter(analyse(cable_text(document), self.stem))
            lengths.append(sum(counts.values()))
            for term, count in counts.items():
                docs, freqs = gathered.setdefault(term, ([], []))
                docs.append(ordinal)
                freqs.append(count)
        self.postings = {term: (np.array(docs), np.array(freqs, dtype=np.float64)) for term, (docs, freqs) in gathered.items()}
        self.lengths = np.array(lengths, dtype=np.float64)
        self.average = float(self.lengths.mean()) if len(lengths) else 1.0

    def search(self, query: str, limit: int = 10) -> list[tuple[str, float]]:
        """The top ``limit`` cables for the query's words, best first (ties: id order)."""
        scores = np.zeros(len(self.ids))
        count = len(self.ids)
        for term in set(analyse(query, self.stem)):
            if term not in self.postings:
                continue
            docs, freqs = self.postings[term]
            weight = np.log(1.0 + (count - len(docs) + 0.5) / (len(docs) + 0.5))
            norm = self.k1 * (1.0 - self.b + self.b * self.lengths[docs] / self.average)
            scores[docs] += weight * freqs * (self.k1 + 1.0) / (freqs + norm)
        matched = np.flatnonzero(scores > 0)
        order = matched[np.lexsort((matched, -scores[matched]))][:limit]
        return [(self.ids[i], float(scores[i])) for i in order]


class Fts5:
    """SQLite FTS5 over (subject, body, tags), ranked by weighted ``bm25()``."""

    def __init__(self, documents: list[Document], weights: tuple[float, float, float] = (3.0, 1.0, 2.0)) -> None:
        self.weights = weights
        self.connection = sqlite3.connect(":memory:")
        self.connection.execute("CREATE VIRTUAL TABLE cables USING fts5(id UNINDEXED, subject, body, tags, tokenize='porter unicode61')")
        rows = ((d.id, d.cable.subject, d.body, d.tags) for d in documents)
        self.connection.executemany("INSERT INTO cables VALUES (?, ?, ?, ?)", rows)

    def search(self, query: str, limit: int = 10) -> list[tuple[str, float]]:
        """The top ``limit`` cables holding any of the query's words (quoted, ORed), best first."""
        terms = sorted({word for word, _, _ in words(query)})
        if not terms:
            return []
        match = " OR ".join('"' + term.replace('"', '""') + '"' for term in terms)
        subject, body, tags = self.weights
        sql = f"SELECT id, bm25(cables, 0, {subject}, {body}, {tags}) AS rank FROM cables WHERE cables MATCH ? ORDER BY rank, id LIMIT ?"
        return [(cable_id, -float(rank)) for cable_id, rank in self.connection.execute(sql, (match, limit))]


def run_baseline(system, topics: Iterable[tuple[str, str]], run_name: str, limit: int = 10) -> list[str]:
    """TREC run lines of a baseline over the topics."""
    lines: list[str] = []
    for qid, query in topics:
        lines.extend(trec_lines(qid, system.search(query, limit), run_name))
    return lines


def make(name: str, documents: list[Document]):
    """Build the baseline called ``name`` ('plain' or 'fts5') over the cables."""
    if name == "plain":
        return PlainBM25(documents)
    if name == "fts5":
        return Fts5(documents)
    raise ValueError(f"unknown baseline {name!r}")


def main(argv: list[str] | None = None) -> None:
    """Command line: write a baseline's TREC run for a topic file to stdout."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("system", choices=("plain", "fts5"))
    parser.add_argument("topics", type=Path)
    parser.add_argument("--seeds", type=Path, default=SEEDS)
    parser.add_argument("--limit", type=int, default=10)
    args = parser.parse_args(argv)
    system = make(args.system, load_documents(args.seeds))
    sys.stdout.write("\n".join(run_baseline(system, read_topics(args.topics), args.system, args.limit)) + "\n")


if __name__ == "__main__":
    main()
