"""Why a search found nothing: which filter matched no cable, and what is near.

Run only when a search has no results.  Each option filter and each
``field:value`` or ``created:`` term of the query is tried alone against the
index; the ones that match nothing are named, with the closest values the
index holds (origins, classifications, tags, markings) or its date range.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import TYPE_CHECKING

from cables.search import filters
from cables.search.query import And, DateRange, Meta, Node, Not, Or
from cables.search.tagmeanings import meaning, tags_for_word

if TYPE_CHECKING:
    from cables.search.engine import Engine, SearchRequest

CLOSEST = 3


def empty_result_notes(engine: Engine, request: SearchRequest, tree: Node) -> list[str]:
    """Notes naming every filter or query term that alone matches no cable, with what is near."""
    arrays = engine.arrays
    notes = []
    for option, values, kind, mask_of in _value_filters(request):
        for value in values:
            if not mask_of(arrays, [value]).any():
                notes.append(f"{option} {value} matches no cable{_closest(engine, kind, value)}")
    notes.extend(_option_dates(engine, request))
    for node in _terms(tree):
        if isinstance(node, Meta) and node.field in META_KINDS:
            kind, mask_of = META_KINDS[node.field]
            if not mask_of(arrays, [node.value]).any():
                notes.append(f"{node.field}:{node.value} matches no cable{_closest(engine, kind, node.value)}")
        elif isinstance(node, DateRange):
            notes.extend(_range_notes(engine, f"created:{_shown(node.start, node.end)}", node.start, node.end))
    return notes


META_KINDS: dict[str, tuple[str, Callable]] = {
    "classification": ("classification", filters.classification_mask),
    "origin": ("origin", filters.origin_mask),
    "tag": ("tag", filters.named_tag_mask),
    "marking": ("marking", filters.marking_doc_mask),
}


def _value_filters(request: SearchRequest) -> Iterator[tuple[str, list[str], str, Callable]]:
    """(option, values, vocabulary kind, mask function) of each value option the request uses."""
    for option, values in (
        ("--classification", request.classification),
        ("--origin", request.origin),
        ("--tag", request.tag),
        ("--marking", request.marking),
    ):
        if values:
            kind, mask_of = META_KINDS[option[2:]]
            yield option, values, kind, mask_of


def _closest(engine: Engine, kind: str, value: str) -> str:
    """``; closest: A, B`` from the index's own values of this kind, or ''.

    Values holding the typed word come first (``USUN`` is USUN New York), and
    for a tag those whose meaning holds it (``narcotics``: SNAR), each shown
    with its meaning; then the values spelt most alike.
    """
    names = engine.arrays.vocabulary[kind]
    keys: dict[str, str] = {}
    for name in names:
        keys.setdefault(name.casefold(), name)
        if kind == "origin":
            keys.setdefault(name.split(" ", 1)[-1].casefold(), name)
        if kind == "classification":
            keys.setdefault(name.split("//")[0].casefold(), name.split("//")[0])
    wanted = value.strip().casefold()
    near = [key for key in keys if wanted in key.split()] + difflib.get_close_matches(wanted, list(keys), n=CLOSEST * 2, cutoff=0.5)
    if kind == "tag":
        near = [tag.casefold() for tag in tags_for_word(wanted) if tag.casefold() in keys] + near
    shown = list(dict.fromkeys(keys[key] for key in near))[:CLOSEST]
    if kind == "tag":
        shown = [f"{tag} ({meaning(tag)})" if meaning(tag) else tag for tag in shown]
    return f"; closest: {', '.join(shown)}" if shown else ""


def _option_dates(engine: Engine, request: SearchRequest) -> list[str]:
    """Notes on --from / --to: a reversed range, or one outside the index's dates."""
    if not (request.date_from or request.date_to):
        return []
    label = " ".join(f"{option} {value}" for option, value in (("--from", request.date_from), ("--to", request.date_to)) if value)
    return _range_notes(engine, label, request.start, request.end)


def _range_notes(engine: Engine, label: str, start: date | None, end: date | None) -> list[str]:
    """A note when ``[start, end)`` is empty, or holds no cable though the index has some elsewhere."""
    if start is not None and end is not None and start >= end:
        return [f"{label} is an empty range: it starts after it ends"]
    if filters.date_mask(engine.arrays, start, end).any():
        return []
    first, last = _index_dates(engine)
    if first is None:
        return []
    return [f"{label} matches no cable; the index's cables run from {first} to {last}"]


def _index_dates(engine: Engine) -> tuple[str | None, str | None]:
    """The first and last creation dates of the index's cables (YYYY-MM-DD)."""
    dated = engine.dated()
    return (dated[0].isoformat(), dated[1].isoformat()) if dated else (None, None)


def _shown(start: date | None, end: date | None) -> str:
    """A date range as the user may have written it: [first TO last day], inclusive."""
    if end == date.min:
        return f"<{end.isoformat()}"
    first = start.isoformat() if start else "*"
    last = (end - timedelta(days=1)).isoformat() if end else "*"
    return f"[{first} TO {last}]"


def _terms(tree: Node) -> Iterator[Node]:
    """Every leaf of a query tree (including negated ones)."""
    if isinstance(tree, (And, Or)):
        for child in tree.children:
            yield from _terms(child)
    elif isinstance(tree, Not):
        yield from _terms(tree.child)
    else:
        yield tree
