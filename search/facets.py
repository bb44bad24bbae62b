"""Facet counts: how many matching cables fall in each classification, origin, tag and year.

Counts are of cables, over every match (not only the page shown), made with
``bincount`` over the memory-mapped cable arrays.
"""

from __future__ import annotations

import numpy as np

from cables.index.cablearrays import CableArrays


def _named_counts(codes: np.ndarray, names: list[str]) -> dict[str, int]:
    """Counts of each code as {name: count}, largest first, zeros left out."""
    counts = np.bincount(codes, minlength=len(names)) if len(codes) else np.zeros(len(names), dtype=np.int64)
    order = np.lexsort((np.arange(len(counts)), -counts))
    return {names[i]: int(counts[i]) for i in order if counts[i] > 0}


def count_facets(arrays: CableArrays, mask: np.ndarray) -> dict[str, dict[str, int]]:
    """Cable counts per facet value over the cables in ``mask``."""
    matched = np.flatnonzero(mask)
    vocabulary = arrays.vocabulary
    years = arrays.cable_year[matched]
    year_counts = {}
    if len(years):
        low = int(years.min())
        counts = np.bincount(years.astype(np.int64) - low)
        year_counts = {str(low + i): int(n) for i, n in enumerate(counts) if n > 0}
    tagged = mask[arrays.cable_tag_owner]
    return {
        "classification": _named_counts(arrays.cable_classification[matched], vocabulary["classification"]),
        "origin": _named_counts(arrays.cable_origin[matched], vocabulary["origin"]),
        "tag": _named_counts(arrays.cable_tags[tagged], vocabulary["tag"]),
        "year": year_counts,
    }
