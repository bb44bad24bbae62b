"""How cables relate: REF chains (citing and cited), tags in use, timelines of matches, similar cables."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from cables.index.analysis import words
from cables.index.glossary import glossary
from cables.search.engine import Engine, Hit, SearchRequest
from cables.search.errors import UnknownCable
from cables.search.ranking import idf
from cables.search.tagmeanings import meaning, tags_for_word, tags_named

KEY_TERMS = 12


@dataclass
class Node:
    """A cable in a reference graph: where it sits and what is known of it."""

    id: str
    depth: int
    via: str | None
    created: str | None = None
    origin: str | None = None
    subject: str | None = None

    @property
    def in_index(self) -> bool:
        return self.created is not None

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "depth": self.depth,
            "via": self.via,
            "in_index": self.in_index,
            "created": self.created,
            "origin": self.origin,
            "subject": self.subject,
        }


def _node(engine: Engine, cable_id: str, depth: int, via: str | None) -> Node:
    record = engine.cable(cable_id)
    if record is None:
        return Node(cable_id, depth, via)
    return Node(record["id"], depth, via, record["created"], record["origin"], record["subject"])


def _record(engine: Engine, cable_id: str) -> dict:
    """The record of the cable ``cable_id`` names (spaces around it ignored); :class:`UnknownCable` if there is none."""
    record = engine.cable(cable_id.strip())
    if record is None:
        raise UnknownCable(cable_id)
    return record


def _cited_root(engine: Engine, cable_id: str) -> str:
    """The id of the cable ``cable_id`` names, in the index or cited by a cable that is; :class:`UnknownCable` if neither."""
    try:
        return _record(engine, cable_id)["id"]
    except UnknownCable:
        wanted = cable_id.strip().upper()
        if wanted and engine.citing(wanted):
            return wanted
        raise


def reference_graph(engine: Engine, cable_id: str, depth: int, cited_by: bool = False) -> list[Node]:
    """Cables reachable from ``cable_id`` through REF lines (or, with ``cited_by``, citing it), breadth first.

    With ``cited_by`` the cable itself need not be in the index, only cited
    by one that is: the cables citing a cable nobody published are worth
    finding (``search ref:ID`` finds them too).
    """
    root = _cited_root(engine, cable_id) if cited_by else _record(engine, cable_id)["id"]
    nodes = [_node(engine, root, 0, None)]
    seen = {root}
    frontier = [root]
    for level in range(1, depth + 1):
        following = []
        for current in frontier:
            for neighbour in _neighbours(engine, current, cited_by):
                if neighbour not in seen:
                    seen.add(neighbour)
                    nodes.append(_node(engine, neighbour, level, current))
                    following.append(neighbour)
        frontier = following
    return nodes


def _neighbours(engine: Engine, cable_id: str, cited_by: bool) -> list[str]:
    """The ids a cable cites, or the ids of cables citing it."""
    if cited_by:
        return engine.citing(cable_id)
    record = engine.cable(cable_id)
    if record is None:
        return []
    return list(dict.fromkeys(ref["id"] for ref in record["references"] if ref["id"]))


def tag_table(engine: Engine, prefix: str = "") -> list[dict]:
    """Tags in the index starting with ``prefix``, or that it names (``Iceland``: IC) or whose meaning holds it
    (``narcotics``: SNAR): counts of cables and meanings, commonest first."""
    counts = engine.search(SearchRequest(limit=1)).facets["tag"]
    known = glossary()
    named = {*tags_named(prefix), *tags_for_word(prefix)} if prefix.strip() else set()
    rows = [
        {"tag": tag, "cables": count, "kind": known.get(tag, (None, None))[0], "meaning": meaning(tag)}
        for tag, count in counts.items()
        if tag.upper().startswith(prefix.upper()) or tag in named
    ]
    return rows


def timeline(engine: Engine, request: SearchRequest, by: str = "year") -> dict[str, int]:
    """Matching cables per year (``YYYY``) or month (``YYYY-MM``), with empty periods in between.

    Only the cables holding every word count, as :meth:`Engine.matching` matches them: the cables a search adds with
    some of the words, below fewer than a page of matches, would make a trend of a word the query does not ask for
    alone (``swine flu`` drew every year's ``flu``).
    """
    periods = engine.created(request).astype("datetime64[Y]" if by == "year" else "datetime64[M]")
    if not len(periods):
        return {}
    span = np.arange(periods.min(), periods.max() + 1)
    counts = Counter(periods.tolist())
    return {str(period): counts.get(period.astype(object), 0) for period in span}


def timeline_notes(engine: Engine, request: SearchRequest, counts: dict[str, int]) -> list[str]:
    """When the timeline counts no cable, the notes a search gives: each filter or term that alone matches none."""
    if counts:
        return []
    from cables.search.diagnose import empty_result_notes
    from cables.search.query import parse

    return empty_result_notes(engine, request, parse(request.query))


def key_terms(engine: Engine, cable_id: str, count: int = KEY_TERMS) -> list[str]:
    """A cable's most distinctive words (tf-idf over its paragraphs), as they are written."""
    record = _record(engine, cable_id)
    frequency: Counter = Counter()
    surface: dict[str, Counter] = {}
    for paragraph in [{"text": record["subject"]}, *record["paragraphs"]]:
        for word, _, _ in words(paragraph["text"]):
            if len(word) < 3 or not word.isalpha():
                continue
            stem = engine.stem_of(word)
            frequency[stem] += 1
            surface.setdefault(stem, Counter())[word] += 1
    weight = {stem: tf * idf(engine.paragraph_frequency(stem), engine.documents) for stem, tf in frequency.items()}
    best = sorted(weight, key=lambda stem: (-weight[stem], stem))[:count]
    return [surface[stem].most_common(1)[0][0] for stem in best]


def similar(engine: Engine, cable_id: str, limit: int = 10) -> tuple[list[str], list[tuple[Hit, list[str]]]]:
    """Cables sharing most of a cable's key terms: (key terms, [(hit, shared terms)])."""
    record = _record(engine, cable_id)
    terms = key_terms(engine, cable_id)
    query = " OR ".join(terms)
    result = engine.search(SearchRequest(query=query, limit=limit + 1))
    found = []
    for hit in result.hits:
        if hit.id == record["id"]:
            continue
        other = engine.cable(hit.id)
        if other is None:
            continue
        text = " ".join([other["subject"], *(p["text"] for p in other["paragraphs"])])
        present = {engine.stem_of(word) for word, _, _ in words(text)}
        shared = [term for term in terms if engine.stem_of(term.lower()) in present]
        found.append((hit, shared))
    return terms, found[:limit]
