"""How paragraph and field scores become one score per cable.

A cable is scored from these parts (``--explain`` shows each):

* body: ``best_weight`` times the BM25 score of the cable's best paragraph
  plus ``1 - best_weight`` times the BM25 score of all its paragraphs taken
  as one text (a document score fused with its best passage).  The
  whole-cable score saturates repeats more slowly and normalises length
  more firmly than the paragraph score (``whole_k1`` 1.6, ``whole_b`` 0.9
  against ``k1`` 1.2, ``b`` 0.75): a long cable holds a few scattered
  query words by chance, and on 1,500 simulated body-remembered topics
  that firmer normalisation lifted MRR@10 by 0.01 (see ``bench/RANKING.md``).
* subject: BM25 of the query terms in the cable's full subject, times
  ``subject_weight``; and when the subject holds every query word, the same
  score again times ``coverage_weight`` (subject coverage).  The bonus lifts
  subject-remembered cables without the large plain subject weight that
  lets a subject holding one common query word beat a body-remembered cable.
* header words (classifying official, REF text, addressees, distribution
  lines, subject tail) count in the whole-cable score: each occurrence of a
  query term there adds ``header_in_whole`` (0.5) to the term's frequency
  over the paragraphs, so a header word is evidence normalised by the
  cable's length like any other word, at half a paragraph word's weight.
  They also count for matching, so a cable remembered by its signer is a
  complete match.  The separate header part, BM25 without length
  normalisation times ``header_weight``, now scores only the ``by:`` field
  (and the header words when ``header_in_whole`` is 0, as before): an
  addressee line naming a query word ("Department of Labor" for "child
  labor") no longer lifts a cable above those that discuss the words.
* tags: for each query word that is one of the cable's tags, ``tag_weight``
  times the tag's inverse cable frequency (``unknown_tag_weight`` for a tag
  the glossary lacks); a word that only names a tag's meaning (``narcotics``
  for SNAR) gets ``meaning_weight`` instead, once per named set of tags.

Tiers: for a plain bag of words, a cable missing some of the words (or
matching one only through a tag's meaning) is not put below every complete
match; its score is multiplied by the share of the query's words it holds
(a tag's meaning counts as holding the word) raised to ``partial_power``,
and all candidates are ranked together.  A cable about the need that uses
another word for one query word ("conflict" for "war") can then outrank a
complete match that only mentions the words in passing, while at the
power 3 a cable missing one of three words keeps only 0.30 of its score.
``partial_power`` 0 restores strict tiers (every complete match first).

Scattered subjects: when a query has three or more words and no candidate's
subject holds two of them, the query was not remembered from a subject, so
a subject holding one of its words is weak evidence; with
``scattered_subject`` its subject score is divided by the number of words.

Promoted partial matches: a cable missing one word of a query of at
least ``promote_words`` words, whose subject holds all the others, is
about the need in other words ("Swiss ambassador: our relationship with
Libya is dead" for "Libya Switzerland dispute").  With the tiers folded
its factor is the share of words held raised to ``promoted_power`` (1:
0.67 for two of three words) instead of ``partial_power`` (0.30), so it
ranks among the complete matches without passing the strong ones; with
strict tiers it joins the top tier.  The subject may lack ``promote_slack``
(1) of the words the cable holds, as long as it holds two: for "arms export
end-use checks" the Blue Lantern cables never say "arms" and their subjects
("post-shipment end-use check on license ...") do not say "export" either,
and for "Russia Ukraine gas crisis" a subject naming Russia and Ukraine over
a text on gas supplies is about the need without saying "crisis".

Same post: the ten leading results (by the score above, tiers folded
or not) are counted by the office that sent them, and each candidate
gains ``post_weight`` (0.5) times the share of those ten sent by its own
office; the ranking is then redone.  The cables about a matter tend to
come from the posts that follow it (Cairo for "Muslim Brotherhood
arrests", Harare for "Zimbabwe Mugabe"), while a cable naming the words in
passing often comes from elsewhere (a Swiss counterterrorism scenesetter
from Bern).  The part is at most 0.5, a few per cent of a typical
score, so it reorders close contests only.

``whole_names`` (a country's name counts only when the query holds all of
it) is a measured switch left off: it did not help on the tuning or
held-out topics (see ``bench/RANKING.md``).

The weights were chosen by measurement on the tuning half of the topics in
``bench/topics`` (seeds and corpus), and reported on the held-out half.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cables.search.tagmeanings import kind, meaning, meaning_names, meaning_words, tags_for_word

MAX_MEANING_TAGS = 3


@dataclass(frozen=True)
class RankingSettings:
    """The tunable parameters of cable scoring."""

    k1: float = 1.2
    b: float = 0.75
    whole_k1: float = 1.6
    whole_b: float = 0.9
    subject_k1: float = 1.2
    subject_b: float = 0.5
    best_weight: float = 0.2
    subject_weight: float = 0.6
    tag_weight: float = 1.0
    meaning_weight: float = 0.3
    unknown_tag_weight: float = 1.0
    coverage_weight: float = 1.5
    header_weight: float = 0.2
    header_in_whole: float = 0.5
    promote_words: int = 3
    promoted_power: float = 1.0
    promote_slack: int = 1
    partial_power: float = 3.0
    scattered_subject: bool = True
    whole_names: bool = False
    post_weight: float = 0.5


DEFAULT_SETTINGS = RankingSettings()


def idf(document_frequency: int, documents: int) -> float:
    """BM25's inverse document frequency (never negative)."""
    return float(np.log(1.0 + (documents - document_frequency + 0.5) / (document_frequency + 0.5)))


def bm25(frequencies: np.ndarray, lengths: np.ndarray, average_length: float, weight: float, k1: float, b: float) -> np.ndarray:
    """BM25 term scores for postings with these frequencies in documents of these lengths."""
    average = average_length if average_length > 0 else 1.0
    norm = k1 * (1.0 - b + b * lengths / average)
    return (weight * frequencies * (k1 + 1.0) / (frequencies + norm)).astype(np.float32)


def per_cable_max(cables: np.ndarray, scores: np.ndarray, size: int) -> np.ndarray:
    """The highest score of each cable over its documents (0 where none)."""
    best = np.zeros(size, dtype=np.float32)
    np.maximum.at(best, cables, scores)
    return best


def meaning_tags(word: str, query_words: set[str], whole_names: bool = True) -> tuple[str, ...]:
    """The tags whose meaning a query word names, when it names few enough to be specific.

    A subject tag's meaning is a description (SNAR: "narcotics and illegal
    drugs"), so any of its words names it.  A country's or organisation's
    meaning is a name: with ``whole_names`` it counts only when the query
    holds every word of the name (``costa`` alone is not Costa Rica), or of
    the alternative name in its parentheses ("Burma (Myanmar)").
    """
    tags = tags_for_word(word)
    if whole_names:
        tags = [tag for tag in tags if kind(tag) == "subject" or any(name <= query_words for name in _names(meaning(tag) or ""))]
    if not tags or len(tags) > MAX_MEANING_TAGS:
        return ()
    return tuple(tags)


def _names(text: str) -> list[set[str]]:
    """The content words of a name and of each alternative name in parentheses."""
    names = [set(meaning_words(name)) for name in meaning_names(text)]
    return [name for name in names if name]
