"""Cable-level filters: which cables have a classification, origin, tag, date or marking.

Each filter is a boolean mask over cable ordinals computed from the
memory-mapped arrays of :mod:`cables.index.cablearrays`; the CLI options and the query
language's ``field:value`` terms both use these functions, so ``--tag PREL``
and ``tag:PREL`` always agree.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import numpy as np

from cables.index.analysis import fold
from cables.index.cablearrays import CableArrays
from cables.search.tagmeanings import kind, tags_named

if TYPE_CHECKING:
    from cables.index.recordstore import RecordStore
    from cables.search.request import SearchRequest


def _codes(vocabulary: list[str], wanted: list[str], match) -> np.ndarray:
    """Codes of the vocabulary values that ``match`` any wanted value."""
    return np.asarray([code for code, value in enumerate(vocabulary) if any(match(value, want) for want in wanted)], dtype=np.int64)


def _same(value: str, want: str) -> bool:
    """Equal after folding case and accents (``origin:Bogotá`` is Embassy Bogota)."""
    return fold(value) == fold(want.strip())


NO_CODES = np.zeros(0, dtype=np.int64)
CLASSIFICATION_ABBREVIATIONS = {
    "U": "UNCLASSIFIED",
    "C": "CONFIDENTIAL",
    "S": "SECRET",
    "TS": "TOP SECRET",
    "NF": "NOFORN",
    "SBU": "UNCLASSIFIED//FOR OFFICIAL USE ONLY",
    "FOUO": "UNCLASSIFIED//FOR OFFICIAL USE ONLY",
}
"""The paragraph markings' abbreviations (``(S)``, ``(SBU)``, ``S//NF``), which people also use for a cable's
classification: ``--classification S`` is SECRET, ``C//NF`` CONFIDENTIAL//NOFORN."""


def spelt_out(classification: str) -> str:
    """A classification with its abbreviated parts written out (``S//NF`` -> ``SECRET//NOFORN``; ``SECRET`` as it is)."""
    parts = re.split(r"\s*/+\s*", classification.strip().upper())
    return "//".join(CLASSIFICATION_ABBREVIATIONS.get(part, part) for part in parts)


def classification_mask(arrays: CableArrays, wanted: list[str]) -> np.ndarray:
    """Cables whose published classification or level is one of ``wanted``, written out or abbreviated.

    ``SECRET`` (or ``S``) matches SECRET and SECRET//NOFORN; ``SECRET//NOFORN`` only itself.
    """
    from cables.index.cable import classification_level  # here: the cable model (three dataclasses) serves only this filter

    def match(value: str, want: str) -> bool:
        want = spelt_out(want)
        return _same(value, want) or ("//" not in want and _same(classification_level(value), want))

    codes = _codes(arrays.vocabulary["classification"], wanted, match)
    return arrays.cable_valid & _any_equal(arrays.cable_classification, codes)


def origin_mask(arrays: CableArrays, wanted: list[str]) -> np.ndarray:
    """Cables from an origin named exactly, or by its place (``Ottawa`` for Embassy Ottawa), or by its country."""

    def match(value: str, want: str) -> bool:
        if _same(value, want):
            return True
        words = re.escape(fold(want.strip())).replace(r"\ ", r"\s+")
        return bool(re.search(rf"(?:^|\s){words}$", fold(value))) if words else False

    named = [_codes(arrays.vocabulary["origin"], [want], match) for want in wanted]
    codes = np.concatenate(
        [NO_CODES, *(found if found.size else _country_origins(arrays, want) for found, want in zip(named, wanted, strict=True))]
    )
    return arrays.cable_valid & _any_equal(arrays.cable_origin, codes)


def _country_origins(arrays: CableArrays, name: str) -> np.ndarray:
    """The origins in a country named (``--origin Egypt``: Embassy Cairo and the consulates), learned from the
    index: the posts whose cables carry that country's tag more often than any other country's, in at least half
    of their cables (an office's place names no country, and the index holds no table of posts)."""
    tag_codes = arrays.tag_codes
    wanted = [tag_codes[tag.casefold()] for tag in tags_named(name) if kind(tag) == "country" and tag.casefold() in tag_codes]
    if not wanted:
        return NO_CODES
    tags, origins = len(arrays.vocabulary["tag"]), len(arrays.vocabulary["origin"])
    is_country = np.asarray([kind(tag) == "country" for tag in arrays.vocabulary["tag"]], dtype=bool)
    owners = arrays.cable_tag_owner
    keep = is_country[arrays.cable_tags] & arrays.cable_valid[owners]
    pairs = arrays.cable_origin[owners[keep]].astype(np.int64) * tags + arrays.cable_tags[keep]
    counts = np.bincount(pairs, minlength=origins * tags).reshape(origins, tags)
    cables = np.bincount(arrays.cable_origin[arrays.cable_valid], minlength=origins)
    most = counts.max(axis=1)
    alone = (counts == most[:, None]).sum(axis=1) == 1
    found = np.zeros(origins, dtype=bool)
    for code in wanted:
        found |= alone & (counts[:, code] == most) & (most > 0) & (2 * counts[:, code] >= cables)
    return np.flatnonzero(found)


def tag_mask(arrays: CableArrays, wanted: list[str]) -> np.ndarray:
    """Cables carrying any of the tags (case-insensitive)."""
    codes = np.asarray([arrays.tag_codes[w.strip().casefold()] for w in wanted if w.strip().casefold() in arrays.tag_codes], dtype=np.int64)
    mask = np.zeros(len(arrays.cable_valid), dtype=bool)
    if len(codes):
        mask[arrays.cable_tag_owner[_any_equal(arrays.cable_tags, codes)]] = True
    return mask & arrays.cable_valid


def named_tag_mask(arrays: CableArrays, wanted: list[str]) -> np.ndarray:
    """Cables carrying any of the tags asked for by ``--tag`` or ``tag:``: a value that is no tag of the index may
    name a country or organisation by its tag's meaning (``Egypt`` for EG, ``Myanmar`` for BM).  A query word is
    matched against the tags by :func:`tag_mask` alone: its meanings have their own, smaller part of the score."""
    return tag_mask(
        arrays, [tag for want in wanted for tag in ([want] if want.strip().casefold() in arrays.tag_codes else tags_named(want))]
    )


def _any_equal(values: np.ndarray, codes) -> np.ndarray:
    """Where ``values`` equals one of ``codes``: for a few codes one comparison each beats ``np.isin``'s sort.

    Each code is compared as a Python int, which numpy compares in the
    array's own type; a numpy int64 code would first widen the whole array
    (an int32 tag array of 1.4M entries at full size: four times the time).
    """
    if len(codes) > 8:
        return np.isin(values, codes)
    found = np.zeros(len(values), dtype=bool)
    for code in codes.tolist():
        found |= values == code
    return found


def date_mask(arrays: CableArrays, start: date | None, end: date | None) -> np.ndarray:
    """Cables created on or after ``start`` and before ``end``."""
    mask = arrays.cable_valid.copy()
    if start is not None:
        mask &= arrays.cable_created >= _epoch(start)
    if end is not None:
        mask &= arrays.cable_created < _epoch(end)
    return mask


def marking_doc_mask(arrays: CableArrays, wanted: list[str]) -> np.ndarray:
    """Paragraph documents whose own marking is one of ``wanted`` (``S`` also matches ``S//NF``)."""

    def match(value: str, want: str) -> bool:
        want = re.sub("/+", "//", want.strip().strip("()").upper())
        return value == want or ("//" not in want and value.split("//")[0] == want)

    codes = _codes(arrays.vocabulary["marking"], wanted, match)
    return _any_equal(arrays.doc_marking, codes) & (arrays.doc_cable >= 0)


def cables_of_docs(arrays: CableArrays, docs: np.ndarray) -> np.ndarray:
    """Boolean mask of the cables that own any of ``docs``."""
    mask = np.zeros(len(arrays.cable_valid), dtype=bool)
    owners = arrays.doc_cable[docs]
    mask[owners[owners >= 0]] = True
    return mask


def option_mask(arrays: CableArrays, request: SearchRequest, marked_docs: np.ndarray | None) -> np.ndarray:
    """Cables passing a request's option filters (--classification, --origin, --tag, --from, --to, --marking).

    ``marked_docs`` is the request's --marking as a paragraph mask (None
    without --marking), made once per search since scoring uses it too.
    """
    mask = arrays.cable_valid.copy()
    if request.classification:
        mask &= classification_mask(arrays, request.classification)
    if request.origin:
        mask &= origin_mask(arrays, request.origin)
    if request.tag:
        mask &= named_tag_mask(arrays, request.tag)
    if request.start is not None or request.end is not None:
        mask &= date_mask(arrays, request.start, request.end)
    if marked_docs is not None:
        mask &= cables_of_docs(arrays, np.flatnonzero(marked_docs))
    return mask


def field_mask(arrays: CableArrays, records: RecordStore, name: str, value: str) -> np.ndarray:
    """Cables matching a query's ``field:value`` term for a cable field (tag, origin, classification, marking, id, ref)."""
    if name == "tag":
        return named_tag_mask(arrays, [value])
    if name == "origin":
        return origin_mask(arrays, [value])
    if name == "classification":
        return classification_mask(arrays, [value])
    if name == "marking":
        return cables_of_docs(arrays, np.flatnonzero(marking_doc_mask(arrays, [value])))
    mask = np.zeros(len(arrays.cable_valid), dtype=bool)
    if name == "id":
        ordinal = records.ordinal(value)
        if ordinal is not None:
            mask[ordinal] = True
    elif name == "ref":
        mask[records.citing(value)] = True
    return mask & arrays.cable_valid


def _epoch(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())
