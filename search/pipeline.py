"""The stages of one search, in order: match, tiers, scores, order.

:func:`rank` runs them for a request and returns a :class:`Ranking`, from
which the engine makes a page of hits (or all of them), the facets and the
notes.  Each stage is its own module: :mod:`search.filters`,
:mod:`search.matching`, :mod:`search.tiers`, :mod:`search.scoring` and
:mod:`search.hits`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from search import filters
from search.hits import HitMaker
from search.matching import QueryMatch, relaxable
from search.query import MatchAll, parse
from search.request import SearchRequest
from search.scoring import Scorer
from search.tiers import RELAX_BELOW, Tiers, rank_order

if TYPE_CHECKING:
    from search.engine import Engine


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


def matched(engine: Engine, request: SearchRequest) -> np.ndarray:
    """The cables a request matches (its query and option filters), as a mask over ordinals; nothing ranked."""
    tree = parse(request.query)
    match = QueryMatch(engine, request, tree)
    return match.mask(tree) & filters.option_mask(engine.columns, request, match.marked_docs)


def rank(engine: Engine, request: SearchRequest, every: bool = False) -> Ranking:
    """The search pipeline: match the query and filters, settle tiers (promote, relax), score, order."""
    tree = parse(request.query)
    match = QueryMatch(engine, request, tree)
    filtered = filters.option_mask(engine.columns, request, match.marked_docs)
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
        scores = tiers.fold(scores)
        tier = np.zeros_like(tier)
    order = rank_order(engine.columns, candidates, scores, tier, request, every)
    hits = HitMaker(engine, request, match, tiers, scorer)
    return Ranking(match, tiers, scorer, hits, mask, candidates, scores, order, match.expansions())
