"""The stages of one search, in order: match, tiers, scores, order.

:func:`rank` runs them for a request and returns a :class:`Ranking`, from
which the engine makes a page of hits (or all of them), the facets and the
notes.  Each stage is its own module: :mod:`cables.search.filters`,
:mod:`cables.search.matching`, :mod:`cables.search.tiers`, :mod:`cables.search.scoring` and
:mod:`cables.search.hits`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from cables.search import filters
from cables.search.citations import cited_ids
from cables.search.datehints import date_hint
from cables.search.hits import HitMaker
from cables.search.matching import QueryMatch, plain_words, relaxable
from cables.search.query import MatchAll, Node, cable_ids, parse
from cables.search.request import SearchRequest
from cables.search.scoring import Scorer
from cables.search.tiers import RELAX_BELOW, TIER_GAP, Tiers, rank_order

if TYPE_CHECKING:
    from cables.search.engine import Engine


@dataclass
class Ranking:
    """Matched cables in rank order, with the stages that matched, tiered and scored them, the maker of their hits,
    and what each expanded word also matched (and in how many cables)."""

    match: QueryMatch
    tiers: Tiers
    scorer: Scorer
    hits: HitMaker
    mask: np.ndarray
    candidates: np.ndarray
    scores: np.ndarray | None
    order: np.ndarray
    expansions: tuple[dict[str, list[str]], dict[str, int]]

    def score(self, cable: int) -> float:
        """A ranked cable's score (0 when the order is by date, unscored)."""
        return float(self.scores[cable]) if self.scores is not None else 0.0


def query_tree(engine: Engine, request: SearchRequest) -> tuple[Node, list[str]]:
    """The request's query parsed, and notes on how it was read: a cable citation (``OTTAWA 265``) is the ids it names."""
    ids = cited_ids(request.query, engine.knows_id)
    if not ids:
        return parse(request.query), []
    return cable_ids(ids), [f"{' '.join(request.query.split())} read as the cable id {' or '.join(ids)}"]


def matched(engine: Engine, request: SearchRequest) -> np.ndarray:
    """The cables a request matches (its query and option filters), as a mask over ordinals; nothing ranked."""
    tree, _ = query_tree(engine, request)
    match = QueryMatch(engine, request, tree)
    return match.mask(tree) & filters.option_mask(engine.arrays, request, match.marked_docs)


def rank(engine: Engine, request: SearchRequest, every: bool = False) -> Ranking:
    """The search pipeline: match the query and filters, settle tiers (promote, relax), score, order."""
    tree, notes = query_tree(engine, request)
    match = QueryMatch(engine, request, tree)
    match.notes.extend(notes)
    if request.date_from is None and request.date_to is None:
        match.notes.extend(date_hint(plain_words(tree), engine.dated))
    filtered = filters.option_mask(engine.arrays, request, match.marked_docs)
    mask = match.mask(tree) & filtered
    tiers = Tiers(match, engine.settings)
    if relaxable(tree):
        mask = tiers.promote(mask, filtered)
        if mask.sum() < RELAX_BELOW:
            mask = tiers.relax(mask, filtered)
    candidates = np.flatnonzero(mask)
    scorer = Scorer(engine, match)
    scores = scorer.scores(candidates) if not isinstance(tree, MatchAll) else None
    tier = tiers.tier[candidates]
    if scores is not None and relaxable(tree) and engine.settings.partial_power and len(match.group_masks) > 1:
        scores = tiers.fold(scores, candidates)
        tier = np.zeros_like(tier)
    if scores is not None and engine.settings.post_weight:
        factor = tiers.factor[candidates] if tiers.factor is not None else np.float32(1.0)
        scorer.add_same_post(scores, scores[candidates] - TIER_GAP * tier, candidates, factor)
    order = rank_order(engine.arrays, candidates, scores, tier, request, every)
    hits = HitMaker(engine, request, match, tiers, scorer)
    return Ranking(match, tiers, scorer, hits, mask, candidates, scores, order, match.expansions())
