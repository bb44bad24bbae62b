"""Facet counts: how many matching cables fall in each classification, origin, tag and year.

Counts are of cables, over every match (not only the page shown), made with
``bincount`` over the cable arrays, gathered at the matched ordinals only.
"""

from __future__ import annotations

import numpy as np

from cables.index.cablearrays import CableArrays
from cables.search.postings import ranges

FEW_TAGGED = 8
"""Below one matched cable in this many, their tags are gathered range by range; above, through a repetition of the mask."""


def _named_counts(codes: np.ndarray, names: list[str]) -> dict[str, int]:
    """Counts of each code as {name: count}, largest first, zeros left out."""
    counts = np.bincount(codes, minlength=len(names)) if len(codes) else np.zeros(len(names), dtype=np.int64)
    present = np.flatnonzero(counts)
    order = present[np.lexsort((present, -counts[present]))]
    return {names[i]: n for i, n in zip(order.tolist(), counts[order].tolist(), strict=True)}


def _matched_tags(arrays: CableArrays, mask: np.ndarray, matched: np.ndarray) -> np.ndarray:
    """The tag codes of the matched cables (one per cable and tag).

    A few matches gather their tag ranges; many repeat the mask once per
    tag of each cable, one pass over the tags instead of a gather of them all.
    """
    starts = arrays.cable_tag_start
    if len(matched) * FEW_TAGGED < len(mask):
        return arrays.cable_tags[ranges(starts[matched], starts[matched + 1] - starts[matched])]
    return arrays.cable_tags[np.repeat(mask, np.diff(starts))]


def count_facets(arrays: CableArrays, mask: np.ndarray, matched: np.ndarray | None = None) -> dict[str, dict[str, int]]:
    """Cable counts per facet value over the cables in ``mask`` (``matched``: its ordinals, when known)."""
    if matched is None:
        matched = np.flatnonzero(mask)
    vocabulary = arrays.vocabulary
    years = arrays.cable_year[matched]
    year_counts = {}
    if len(years):
        low = int(years.min())
        counts = np.bincount(years.astype(np.int64) - low)
        year_counts = {str(low + i): int(n) for i, n in enumerate(counts) if n > 0}
    return {
        "classification": _named_counts(arrays.cable_classification[matched], vocabulary["classification"]),
        "origin": _named_counts(arrays.cable_origin[matched], vocabulary["origin"]),
        "tag": _named_counts(_matched_tags(arrays, mask, matched), vocabulary["tag"]),
        "year": year_counts,
    }
