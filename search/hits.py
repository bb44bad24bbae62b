"""Hits: a ranked cable as the user sees it, with its best paragraphs and, on request, how it was scored.

The paragraphs shown are the cable's best-scoring ones (the first one when
none scored), cut to a window around their highlighted words by
:mod:`cables.search.snippets`.  ``--explain`` adds each score part, the cable's
tier and where each query word was found.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from cables.search.matching import QueryMatch, WordGroup
from cables.search.scoring import Scorer
from cables.search.snippets import highlight_spans, window
from cables.search.tiers import Tiers

if TYPE_CHECKING:
    from cables.search.engine import Engine
    from cables.search.request import SearchRequest

MAX_SNIPPETS = 3


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a hit.

    Its number and marking as the cable gives them (or None), a window of its
    text, and the highlighted words' character spans in that window.
    """

    number: int | None
    marking: str | None
    text: str
    spans: list[tuple[int, int]]


@dataclass
class Hit:
    """One ranked cable with its best paragraphs."""

    id: str
    score: float
    created: str
    classification: str
    origin: str
    subject: str
    tags: list[str]
    paragraphs: list[Paragraph]
    explanation: dict | None = None


class HitMaker:
    """Makes the hits of one search from its match, tiers and scores."""

    def __init__(self, engine: Engine, request: SearchRequest, match: QueryMatch, tiers: Tiers, scorer: Scorer) -> None:
        self.engine = engine
        self.request = request
        self.match = match
        self.tiers = tiers
        self.scorer = scorer

    def hit(self, cable: int, score: float) -> Hit:
        """A result: the cable's record fields and its best paragraphs as snippets."""
        record = self.engine.records.record(cable)
        paragraphs = self._best_paragraphs(cable, record)
        explanation = self._explain(cable, paragraphs) if self.request.explain else None
        return Hit(
            id=record["id"],
            score=round(score, 4),
            created=record["created"],
            classification=record["classification"],
            origin=record["origin"],
            subject=record["subject"],
            tags=record["tags"],
            paragraphs=paragraphs,
            explanation=explanation,
        )

    def _best_paragraphs(self, cable: int, record: dict) -> list[Paragraph]:
        """Up to three best-scoring paragraphs (the first one when none scored, of those marked as asked), with highlight spans."""
        docs = self.engine.arrays.docs_of(cable)
        texts = record["paragraphs"]
        scored: list[tuple[float, int]] = []
        doc_scores = self.scorer.doc_scores
        if doc_scores is not None and len(doc_scores[0]):
            unique_docs, totals = doc_scores
            where = np.searchsorted(unique_docs, docs)
            where = np.minimum(where, len(unique_docs) - 1)
            found = unique_docs[where] == docs
            scored = sorted(((float(totals[w]), i) for i, (w, f) in enumerate(zip(where, found, strict=True)) if f), reverse=True)
        chosen = [i for _, i in scored[:MAX_SNIPPETS]]
        marked = self.match.marked_docs
        if not chosen:
            allowed = range(len(docs)) if marked is None else [i for i, d in enumerate(docs) if marked[d]]
            chosen = list(allowed)[:1]
        groups = self.match.groups
        stems = {stem for group in groups for stem in group.stems}
        stems.update(stem for group in groups for alternative in group.alternatives for stem in alternative.stems)
        paragraphs = []
        for index in chosen:
            if index >= len(texts):
                continue
            paragraph = texts[index]
            text, spans = window(paragraph["text"], highlight_spans(paragraph["text"], stems, self.engine.stem))
            paragraphs.append(Paragraph(paragraph["number"], paragraph["marking"], text, spans))
        return paragraphs

    def _explain(self, cable: int, paragraphs: list[Paragraph]) -> dict:
        """How the cable's score was made: each part and its weight, the tier, where each word was found, and the paragraphs that scored."""
        settings = self.engine.settings
        parts = {name: round(float(values[cable]), 4) for name, values in self.scorer.parts.items()}
        words = [self._word_evidence(group, cable) for group in self.match.groups]
        in_subject = sum("subject" in word["found in"] for word in words if "subject" in word["fields"])
        return {
            "parts": parts,
            "weights": {
                "best paragraph": settings.best_weight,
                "whole cable": round(1.0 - settings.best_weight, 4),
                "subject": settings.subject_weight,
                "subject coverage": settings.coverage_weight,
                "header": settings.header_weight,
                "header words in whole cable": settings.header_in_whole,
                "tags": 1.0,
                "tag meanings": 1.0,
            },
            "tag weights": {
                "glossary tag": settings.tag_weight,
                "unknown tag": settings.unknown_tag_weight,
                "meaning": settings.meaning_weight,
            },
            "bm25": {"k1": settings.k1, "b": settings.b, "subject_k1": settings.subject_k1, "subject_b": settings.subject_b},
            "tier": self.tiers.describe(cable),
            "coverage": {"words": sum("subject" in word["fields"] for word in words), "in subject": in_subject},
            "words": words,
            "paragraphs": [paragraph.number for paragraph in paragraphs],
            "matched": self._matched_variants(cable),
        }

    def _word_evidence(self, group: WordGroup, cable: int) -> dict:
        """Where one query word (a group of stems: variants or a prefix's expansions) occurs in a cable: fields, tags, tag meanings."""
        occurrences = self.match.occurrences
        found = [name for name in group.fields if cable in set(occurrences.postings(group, name).cables.tolist())]
        cable_tags = self.engine.records.record(cable)["tags"]
        tags = [tag for tag in cable_tags if group.word and tag.casefold() == group.word.casefold()]
        meanings = occurrences.meaning(group.word) if group.word else ()
        meant = [tag for tag in cable_tags if tag.upper() in meanings]
        return {
            "word": group.typed or " ".join(group.stems[:1]),
            "stems": group.stems,
            "fields": list(group.fields),
            "found in": found + (["tag"] if tags else []) + (["tag meaning"] if meant else []),
            "tags": tags,
            "meaning tags": meant,
        }

    def _matched_variants(self, cable: int) -> dict[str, list[str]]:
        """For each expanded query word, the alternatives this cable holds."""
        return {
            group.typed: [word for word, holders in group.alternative_cables.items() if holders[cable]]
            for group in self.match.groups
            if group.alternatives
        }
