"""Tiers: which matched cables rank first, and the order of a result.

Tier -1 holds the cable a query names by its id; tier 0 cables with every
query word; tier 1 those that matched a word
only through a tag's meaning; tier 2 (added by relaxing a query too strict
to fill a page) those with only some of the words.  A cable missing one word
whose subject holds the others (all, or all but ``promote_slack`` of them) is
promoted to tier 0.  For a plain bag
of words the tiers are instead folded into the scores (``partial_power`` in
:mod:`cables.search.ranking`, ``promoted_power`` for promoted cables), so a
strong cable missing one word can pass a weak complete match.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from cables.index.cablearrays import CableArrays
from cables.search.matching import QueryMatch
from cables.search.postings import distinct
from cables.search.ranking import RankingSettings

if TYPE_CHECKING:
    from cables.search.request import SearchRequest

RELAX_BELOW = 10
"""A plain bag of words matching fewer cables than this also returns cables with only some of its words."""
TIER_GAP = np.float32(1e6)
"""Larger than any score, so that subtracting tier x TIER_GAP puts every cable of a lower tier below every cable of a higher one."""
NAMED_TIER = -1
"""The tier of a cable the query names by id (``09OTTAWA265``, ``id:09OTTAWA265``): above the cables citing it."""
TIER_REASONS = {
    NAMED_TIER: "the cable the query names by id",
    0: "holds every word",
    1: "matched a word only through a tag's meaning",
    2: "holds only some of the words",
}


class Tiers:
    """Each cable's tier for one search, and why it is there (for ``--explain``)."""

    def __init__(self, match: QueryMatch, settings: RankingSettings) -> None:
        self.match = match
        self.settings = settings
        self.tier = match.meaning_only.astype(np.int8)
        self.tier[match.named] = NAMED_TIER
        self.promoted = np.zeros(match.size, dtype=bool)
        self.partial = 0
        self.factor: np.ndarray | None = None
        self.notes: list[str] = []

    def promote(self, strict: np.ndarray, filtered: np.ndarray) -> np.ndarray:
        """Add to the top tier the cables missing one word whose subject holds the others.

        A cable about the need may say "conflict" where the query says
        "war"; when its subject carries the rest of the query that is strong
        evidence, unlike a cable that merely mentions some of the words.
        The subject may lack ``promote_slack`` of the words the cable holds,
        but must hold at least two ("Blue Lantern: post-shipment end-use
        check" for "arms export end-use checks", whose text never says
        "arms").  Only for queries of at least ``promote_words`` words (0: never).
        """
        match = self.match
        words = len(match.group_masks)
        least = self.settings.promote_words
        if not least or words < max(least, 2):
            return strict
        held = np.sum(match.group_masks, axis=0)
        in_subject = np.zeros(match.size, dtype=np.int32)
        for group in match.groups:
            if "subject" in group.fields:
                in_subject[distinct(match.occurrences.postings(group, "subject").cables)] += 1
        in_subject_needed = max(2, words - 1 - self.settings.promote_slack)
        self.promoted = filtered & ~strict & (held == words - 1) & (in_subject >= in_subject_needed)
        return strict | self.promoted

    def relax(self, strict: np.ndarray, filtered: np.ndarray) -> np.ndarray:
        """Add cables holding only some of the words (tier 2), for queries too strict to fill a page."""
        if len(self.match.group_masks) < 2:
            return strict
        loose = np.zeros(self.match.size, dtype=bool)
        for group_mask in self.match.group_masks:
            loose |= group_mask
        partial = loose & filtered & ~strict
        if partial.any():
            self.tier[partial] = 2
            self.partial = int(partial.sum())
            self.notes.append(partial_note(int(strict.sum()), self.partial))
        return strict | partial

    def fold(self, scores: np.ndarray, candidates: np.ndarray) -> np.ndarray:
        """Scores times the share of the query's words each cable holds, raised to ``partial_power``.

        A word counts as held when it is in the cable's text, is one of its
        tags or names one of its tags' meanings.  The factor (1 for complete
        matches) replaces the tiers, so a strong cable missing one word can
        pass a weak complete match.  A promoted cable (its subject holds the
        words it has) uses the milder ``promoted_power`` (see
        :mod:`cables.search.ranking`).  Only the ``candidates`` (sorted
        ordinals) are folded: the other cables' scores mean nothing.
        """
        share = self.held_share(candidates)
        factor = (share ** np.float32(self.settings.partial_power)).astype(np.float32)
        promoted = self.promoted[candidates]
        factor[promoted] = share[promoted] ** np.float32(self.settings.promoted_power)
        self.factor = np.zeros(self.match.size, dtype=np.float32)
        self.factor[candidates] = factor
        folded = scores.copy()
        folded[candidates] = scores[candidates] * factor
        return folded

    def held_share(self, candidates: np.ndarray | None = None) -> np.ndarray:
        """The share of the query's words each cable holds (text, tag or tag meaning); of the ``candidates`` only, when given."""
        masks = self.match.group_masks if candidates is None else [mask[candidates] for mask in self.match.group_masks]
        return np.asarray(np.sum(masks, axis=0, dtype=np.float32) / np.float32(len(masks)))

    def describe(self, cable: int) -> dict:
        """The cable's tier (0 ranks first unless the tiers were folded into the score) and why it is there."""
        tier = int(self.tier[cable])
        reason = "missing one word, its subject holds the others" if self.promoted[cable] else TIER_REASONS[tier]
        if self.factor is None:
            return {"tier": tier, "reason": reason}
        factor = round(float(self.factor[cable]), 4)
        return {
            "tier": tier,
            "reason": f"{reason}; ranked with all tiers, score x {factor}",
            "factor": factor,
            "partial power": self.settings.partial_power,
        }


def rank_order(
    arrays: CableArrays, candidates: np.ndarray, scores: np.ndarray | None, tier: np.ndarray, request: SearchRequest, every: bool = False
) -> np.ndarray:
    """Candidates ranked by tier, then score (ties: newest first, then index order); or by date.

    Only the page asked for is sorted (all candidates when ``every``), but
    every cable tied with the last one of it is sorted too, so the order
    of tied cables (exact duplicates) does not depend on the page size: a
    cable is never on two pages, or on none.  With folded tiers ``tier`` is
    all zeros.
    """
    created = arrays.cable_created[candidates]
    if request.sort == "oldest":
        return candidates[np.lexsort((candidates, created))]
    if request.sort == "newest" or scores is None:
        return candidates[np.lexsort((candidates, -created))]
    needed = len(candidates) if every else min(len(candidates), request.page * request.limit)
    candidate_scores = scores[candidates] - TIER_GAP * tier
    if needed < len(candidates):
        last = -np.partition(-candidate_scores, needed - 1)[needed - 1]
        top = np.flatnonzero(candidate_scores >= last)
    else:
        top = np.arange(len(candidates))
    ranked = top[np.lexsort((top, -created[top], -candidate_scores[top]))]
    return candidates[ranked[:needed]]


def partial_note(complete: int, partial: int) -> str:
    """The note on a search whose words no cable (or too few) has all: how many have every word, how many some."""
    if complete:
        return (
            f"{complete} {'cable has' if complete == 1 else 'cables have'} every word; "
            f"{partial} more have some of them (ranked with them, scored down for the words they lack)"
        )
    return f"no cable has every word; {partial} {'has' if partial == 1 else 'have'} some of them"
