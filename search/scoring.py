"""Scoring: the parts of a matched cable's score, and their weighted sum.

For each query word group: BM25 in each paragraph (the best paragraph of a
cable counts), over the cable's paragraphs taken together, in its subject and
in its header fields; then the tag parts (a query word that is one of the
cable's tags, a word naming a tag's meaning); and, once the candidates are
ordered by those, the same-post part (how many of the leading results the
cable's own office sent).  :mod:`cables.search.ranking` explains
the weights and holds the settings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from cables.search.matching import GroupPostings, QueryMatch, WordGroup
from cables.search.postings import distinct, distinct_inverse
from cables.search.ranking import bm25, idf, per_cable_max

if TYPE_CHECKING:
    from cables.search.engine import Engine

POST_LEADERS = 10
"""How many leading results the same-post part counts by office (``post_weight``)."""
HEADER_FIELDS = ("header", "by")
"""The header fields a group may be scored in (each without length normalisation; ``header`` only when
``header_in_whole`` is 0, else its words count in the whole-cable score)."""


class Scorer:
    """Scores the candidates of one search and keeps what hits and explanations need.

    After :meth:`scores`, ``parts`` maps each part's name to its value per
    cable (unweighted) and ``doc_scores`` holds each scored paragraph
    document's summed BM25 (for choosing a hit's best paragraphs).  The
    settings are read from the engine at each call (the ranking grid in
    bench/evaluate.py rescores one match under several settings).
    """

    def __init__(self, engine: Engine, match: QueryMatch) -> None:
        self.engine = engine
        self.match = match
        self.arrays = engine.arrays
        self.size = match.size
        self.parts: dict[str, np.ndarray] = {}
        self.doc_scores: tuple[np.ndarray, np.ndarray] | None = None
        self._candidate = np.zeros(0, dtype=bool)
        self._candidates = np.zeros(0, dtype=np.int64)

    def _postings(self, group: WordGroup, name: str) -> GroupPostings:
        """A group's postings in one field (read once per search by the match's occurrences)."""
        return self.match.occurrences.postings(group, name)

    def scores(self, candidates: np.ndarray) -> np.ndarray:
        """Scores of all cables (zero but at the ``candidates``, sorted ordinals); see :mod:`cables.search.ranking`.

        Postings outside the candidates are dropped before scoring (after
        their document frequencies are counted), so a filter or a rare second
        word makes scoring cheaper instead of scoring every posting.
        """
        settings = self.engine.settings
        self._candidate = np.zeros(self.size, dtype=bool)
        self._candidate[candidates] = True
        self._candidates = candidates
        body_docs, body_scores, whole = [], [], np.zeros(self.size, dtype=np.float32)
        subject = np.zeros(self.size, dtype=np.float32)
        in_subject = np.zeros(self.size, dtype=np.int32)
        subject_groups = 0
        header = np.zeros(self.size, dtype=np.float32)
        for group in self.match.groups:
            if "body" in group.fields:
                docs, scores = self._body_scores(group)
                body_docs.append(docs)
                body_scores.append(scores)
                whole += self._cable_scores(group)
            if "subject" in group.fields:
                group_subject = self._subject_scores(group)
                subject += group_subject
                in_subject += group_subject > 0
                subject_groups += 1
            for name in HEADER_FIELDS:
                if name in group.fields and not (name == "header" and settings.header_in_whole):
                    header += self._header_scores(group, name)
        unique_docs, totals = _summed(body_docs, body_scores)
        self.doc_scores = (unique_docs, totals)
        best = per_cable_max(self.arrays.doc_cable[unique_docs], totals, self.size)
        coverage = np.where(in_subject == subject_groups, subject, np.float32(0.0)) if subject_groups > 1 else np.zeros_like(subject)
        if settings.scattered_subject and _scattered(in_subject, candidates, subject_groups):
            subject = subject / np.float32(subject_groups)
        tags, meanings = tag_scores(self.engine, self.match)
        self.parts = {
            "best paragraph": best,
            "whole cable": whole,
            "subject": subject,
            "subject coverage": coverage,
            "header": header,
            "tags": tags,
            "tag meanings": meanings,
        }
        return self._weighted(candidates)

    def add_same_post(self, scores: np.ndarray, ranked: np.ndarray, candidates: np.ndarray, factor: np.ndarray | np.float32) -> None:
        """Add the same-post part (see :func:`same_post_part`) to the candidates' ``scores``, in place, times their fold ``factor``.

        ``ranked`` holds the candidates' scores as they are ordered (folded, or
        less the tier gap); the part, already weighted, is kept in ``parts`` for ``--explain``.
        Adding it times the factor is folding the sum of the parts: the
        scores need not be folded again.
        """
        part = same_post_part(self.arrays.cable_origin[candidates], ranked, self.engine.settings.post_weight)
        self.parts["same post"] = np.zeros(self.size, dtype=np.float32)
        self.parts["same post"][candidates] = part
        scores[candidates] += part * factor

    def _weighted(self, candidates: np.ndarray) -> np.ndarray:
        """The weighted sum of the parts at the candidates, zero elsewhere.

        Only the candidates' scores mean anything, and a search matches a few
        of all the cables: summed there, the sum costs what the matches do.
        """
        settings = self.engine.settings
        part = {name: values[candidates] for name, values in self.parts.items()}
        body = settings.best_weight * part["best paragraph"] + (1.0 - settings.best_weight) * part["whole cable"]
        fields = (
            settings.subject_weight * part["subject"]
            + settings.coverage_weight * part["subject coverage"]
            + settings.header_weight * part["header"]
        )
        total = np.zeros(self.size, dtype=np.float32)
        total[candidates] = body + fields + part["tags"] + part["tag meanings"]
        return total

    def _body_scores(self, group: WordGroup) -> tuple[np.ndarray, np.ndarray]:
        """BM25 of a group in each paragraph that holds it (best alternative per paragraph)."""
        settings = self.engine.settings
        postings = self._postings(group, "body")
        holders = len(postings.docs) if len(group.stems) == 1 else len(distinct(postings.docs))
        weight = idf(holders, self.engine.documents)
        keep = self._candidate[postings.cables]
        docs, frequencies = postings.docs, postings.frequencies
        if not keep.all():
            docs, frequencies = docs[keep], frequencies[keep]
        scores = bm25(frequencies, self.arrays.doc_body_length[docs], self.engine.body_average, weight, settings.k1, settings.b)
        if len(group.stems) > 1 and len(docs):
            order = np.lexsort((-scores, docs))
            docs, scores = docs[order], scores[order]
            first = np.concatenate(([True], docs[1:] != docs[:-1]))
            docs, scores = docs[first], scores[first]
        return docs, scores

    def _cable_scores(self, group: WordGroup) -> np.ndarray:
        """BM25 of a group over each cable's paragraphs taken together (frequencies summed).

        With ``header_in_whole`` the group's occurrences in the header words
        count too (times that weight), as if the header were one more paragraph.
        """
        settings = self.engine.settings
        postings = self._postings(group, "body")
        per_cable = np.bincount(postings.cables, weights=postings.frequencies, minlength=self.size).astype(np.float64, copy=False)
        if settings.header_in_whole and "header" in group.fields:
            header = self._postings(group, "header")
            per_cable += settings.header_in_whole * np.bincount(header.cables, weights=header.frequencies, minlength=self.size)
        scores = np.zeros(self.size, dtype=np.float32)
        weight = idf(int(np.count_nonzero(per_cable)), self.engine.cables)
        holders = self._candidates[per_cable[self._candidates] != 0]
        scores[holders] = bm25(
            per_cable[holders],
            self.arrays.cable_body_length[holders],
            self.engine.cable_average,
            weight,
            settings.whole_k1,
            settings.whole_b,
        )
        return scores

    def _subject_scores(self, group: WordGroup) -> np.ndarray:
        """BM25 of a group in each cable's subject."""
        settings = self.engine.settings
        postings = self._postings(group, "subject")
        cables, frequencies = postings.cables, postings.frequencies
        weight = idf(len(distinct(cables)), self.engine.cables)
        scores = bm25(
            frequencies,
            self.arrays.cable_subject_length[cables],
            self.engine.subject_average,
            weight,
            settings.subject_k1,
            settings.subject_b,
        )
        return per_cable_max(cables, scores, self.size)

    def _header_scores(self, group: WordGroup, name: str) -> np.ndarray:
        """BM25 of a group in each cable's header field, without length normalisation (headers are short and alike)."""
        settings = self.engine.settings
        postings = self._postings(group, name)
        cables, frequencies = postings.cables, postings.frequencies
        weight = idf(len(distinct(cables)), self.engine.cables)
        scores = bm25(frequencies, np.ones(len(cables), dtype=np.float32), 1.0, weight, settings.k1, 0.0)
        return per_cable_max(cables, scores, self.size)


def same_post_part(origins: np.ndarray, ranked: np.ndarray, weight: float) -> np.ndarray:
    """``weight`` times the share of the ``POST_LEADERS`` best-ranked candidates sent by each candidate's office.

    ``origins`` and ``ranked`` hold each candidate's office code and the
    score it is ordered by; ties among the leaders go to the earlier
    candidate (index order).  Only the cables that can be leaders are
    sorted (a common word's candidates may be most of the index).
    """
    if not len(origins):
        return np.zeros(0, dtype=np.float32)
    top = np.arange(len(ranked))
    if len(ranked) > POST_LEADERS:
        last = -np.partition(-ranked, POST_LEADERS - 1)[POST_LEADERS - 1]
        top = np.flatnonzero(ranked >= last)
    leaders = top[np.argsort(-ranked[top], kind="stable")[:POST_LEADERS]]
    counts = np.bincount(origins[leaders], minlength=int(origins.max()) + 1)
    return (weight * counts[origins] / np.float32(len(leaders))).astype(np.float32)


def _summed(docs: list[np.ndarray], scores: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Each scored document once, sorted, with its scores summed over the groups (each group's documents are sorted and distinct).

    One group's documents are already that: no sort is needed.  Several
    groups' are sorted runs, which a stable sort merges; each group's scores
    are then added where its documents stand, group after group, in 64 bits
    (the sums ``np.bincount`` over the groups' postings in order would make).
    """
    if len(docs) == 1:
        return docs[0], scores[0]
    if not docs:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    unique_docs, places = distinct_inverse(np.concatenate(docs))
    totals = np.zeros(len(unique_docs), dtype=np.float64)
    start = 0
    for group_scores in scores:
        totals[places[start : start + len(group_scores)]] += group_scores
        start += len(group_scores)
    return unique_docs, totals.astype(np.float32)


def _scattered(in_subject: np.ndarray, candidates: np.ndarray, words: int) -> bool:
    """True when a query of three or more words has no candidate whose subject holds two of them (the candidates read only then)."""
    return words >= 3 and int(in_subject[candidates].max(initial=0)) < 2


def tag_scores(engine: Engine, match: QueryMatch) -> tuple[np.ndarray, np.ndarray]:
    """The tag parts of the score: query words that are a cable's tags, and words that name a tag's meaning.

    A tag in the glossary earns ``tag_weight`` times its inverse cable
    frequency; a tag the glossary lacks (often a malformed TAGS line's
    English word, CRIME or MEDIA) earns ``unknown_tag_weight`` instead.
    A tag meaning earns ``meaning_weight``, once per set of tags however
    many query words name it (``costa`` and ``rica`` both name CS).
    """
    from cables.search.tagmeanings import kind

    settings = engine.settings
    occurrences = match.occurrences
    tags = np.zeros(match.size, dtype=np.float32)
    meanings = np.zeros(match.size, dtype=np.float32)
    named: set[tuple[str, ...]] = set()
    for word in dict.fromkeys(group.word for group in match.groups if group.word):
        mask = occurrences.tagged(word)
        if mask.any():
            weight = settings.tag_weight if kind(word) else settings.unknown_tag_weight
            tags[mask] += weight * idf(int(mask.sum()), engine.cables)
        meaning = occurrences.meaning(word)
        if meaning and meaning not in named:
            named.add(meaning)
            mask = occurrences.meant(word)
            if mask.any():
                meanings[mask] += settings.meaning_weight * idf(int(mask.sum()), engine.cables)
    return tags, meanings
