"""The search engine: open an index, run a query with filters, rank cables.

Matching is decided per cable, scoring per paragraph: every query word must
occur somewhere in a cable (in any paragraph, its subject or its tags), while
the score favours cables whose words sit together in one paragraph (see
:mod:`search.ranking`).  Filters and facets work on the cable arrays of
:mod:`index.columns`, so facet counts are counts of cables over all matches.
"""

from __future__ import annotations

import pickle
import sqlite3
import struct
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator
from pathlib import Path

import numpy as np

from index.analysis import SnowballStem, analyse, positioned, stems_of
from index.columns import Columns, check_columns, load_columns
from index.integrity import IndexDamage, check_table_of_contents, damaged
from index.records import RECORDS_FILE, RecordStore
from index.stems import StemTable
from index.store import WHOOSH_FOLDER, IndexUnavailable, Marker, check_files, current_generation, read_marker
from index.termarrays import read_segment_list
from search import filters
from search.facets import count_facets
from search.expansion import Alternative, Expander
from search.postings import PostingReader, Postings, Segment
from search.query import And, DateRange, MatchAll, Meta, Near, Node, Not, Or, Prefix, Words, parse, parse_date
from search.ranking import DEFAULT_SETTINGS, RankingSettings, bm25, idf, meaning_tags, per_cable_max
from search.snippets import highlight_spans, window

TEXT_FIELDS = ("body", "subject", "header")
"""Where a query word without a field is looked for: a cable matches when each word is in one of these."""
HEADER_FIELDS = ("header", "by")
DAMAGE = (OSError, EOFError, struct.error, zlib.error, pickle.UnpicklingError, sqlite3.DatabaseError)
MAX_SNIPPETS = 3
RELAX_BELOW = 10
# Larger than any score, so that subtracting tier x TIER_GAP puts every cable of a lower tier below every cable of a higher one.
TIER_GAP = np.float32(1e6)


@dataclass
class SearchRequest:
    """What the user asked: a query, filters, sort order and page."""

    query: str = ""
    classification: list[str] = field(default_factory=list)
    origin: list[str] = field(default_factory=list)
    tag: list[str] = field(default_factory=list)
    marking: list[str] = field(default_factory=list)
    date_from: str | None = None
    date_to: str | None = None
    sort: str = "relevance"
    limit: int = 10
    page: int = 1
    explain: bool = False


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
    paragraphs: list[dict]
    explanation: dict | None = None


@dataclass
class SearchResult:
    """A page of ranked cables, the total, facets and notes for the user."""

    query: str
    total: int
    page: int
    limit: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]
    notes: list[str] = field(default_factory=list)
    suggestions: dict[str, str] = field(default_factory=dict)
    partial: int = 0
    filters: list[str] = field(default_factory=list)
    expansions: dict[str, list[str]] = field(default_factory=dict)
    expansion_cables: dict[str, int] = field(default_factory=dict)


@dataclass
class Ranking:
    """Matched cables in rank order, with the run that scored them and what each expanded word also matched (and in how many cables)."""

    run: "_Run"
    mask: np.ndarray
    candidates: np.ndarray
    scores: np.ndarray | None
    order: np.ndarray
    expansions: tuple[dict[str, list[str]], dict[str, int]]


@dataclass
class _Group:
    """Alternative stems that satisfy one query word (several for a prefix)."""

    stems: list[str]
    fields: tuple[str, ...]
    word: str | None = None
    phrase_docs: dict[str, np.ndarray] | None = None
    postings: dict[str, "_GroupPostings"] = field(default_factory=dict)
    typed: str = ""
    alternatives: list[Alternative] = field(default_factory=list)
    alternative_cables: dict[str, np.ndarray] = field(default_factory=dict)


@dataclass
class _GroupPostings:
    """A group's postings in one field, with each document's cable (read once, used by matching and scoring)."""

    docs: np.ndarray
    frequencies: np.ndarray
    cables: np.ndarray


class Engine:
    """An open index, ready to answer searches; cheap to open."""

    def __init__(self, location: Path, settings: RankingSettings = DEFAULT_SETTINGS) -> None:
        self.location = location
        self.folder = current_generation(location)
        self.settings = settings
        self.marker: Marker = read_marker(self.folder)
        check_files(self.folder, self.marker, location)
        try:
            check_table_of_contents(self.folder, WHOOSH_FOLDER, self.marker.checksums)
            self.segments = [Segment(segment_id, count) for segment_id, count in read_segment_list(self.folder)]
            self.columns: Columns = load_columns(self.folder)
            check_columns(self.columns, sum(segment.doc_count for segment in self.segments))
            self.records = RecordStore(self.folder / RECORDS_FILE)
            self.stem = StemTable(self.folder, SnowballStem())
            self.postings = PostingReader(self.folder, self.segments, self.columns.doc_cable >= 0)
            self.expander = Expander(self.folder, self.stem, self._phrase_found, self._indexed)
        except IndexUnavailable:
            raise
        except IndexDamage as error:
            raise damaged(location, error) from None
        except Exception as error:
            raise damaged(location, f"{type(error).__name__}: {error}") from None
        valid = self.columns.doc_cable >= 0
        self.documents = int(valid.sum())
        self.cables = int(self.columns.cable_valid.sum())
        self.body_average = float(self.columns.doc_body_length[valid].mean()) if self.documents else 0.0
        self.cable_average = float(self.columns.cable_body_length[self.columns.cable_valid].mean()) if self.cables else 0.0
        self.subject_average = float(self.columns.cable_subject_length[self.columns.cable_valid].mean()) if self.cables else 0.0

    def _phrase_found(self, stems: tuple[str, ...]) -> bool:
        """True when some paragraph holds the stems as a phrase."""
        return bool(len(self.postings.phrase_docs("body", list(stems))))

    def _indexed(self, stem: str) -> bool:
        """True when some paragraph or subject holds the stem."""
        return any(self.postings.document_frequency(name, stem) for name in ("body", "subject"))

    def close(self) -> None:
        """Release the index files."""
        self.records.close()

    @contextmanager
    def _reading(self) -> Iterator[None]:
        """Report index files that fail while being read as a damaged index."""
        try:
            yield
        except IndexDamage as error:
            raise damaged(self.location, error) from None
        except DAMAGE as error:
            raise damaged(self.location, f"{type(error).__name__}: {error}") from None

    def matching(self, request: SearchRequest) -> np.ndarray:
        """The cables a request matches (its query and filters), as a mask over ordinals."""
        run = _Run(self, request)
        with self._reading():
            return run.mask(parse(request.query)) & run.filter_mask()

    def search(self, request: SearchRequest) -> SearchResult:
        """Run a search; raise :class:`search.query.QuerySyntaxError` for a malformed query."""
        with self._reading():
            return self._search(request)

    def rank(self, request: SearchRequest) -> Ranking:
        """Match and order the cables of a request, without records, snippets or facets."""
        with self._reading():
            return self._rank(request)

    def _rank(self, request: SearchRequest, every: bool = False) -> Ranking:
        tree = parse(request.query)
        run = _Run(self, request)
        filtered = run.filter_mask()
        mask = run.mask(tree) & filtered
        if _relaxable(tree):
            mask = run.promote(mask, filtered)
            if mask.sum() < RELAX_BELOW:
                mask = run.relax(mask, filtered)
        candidates = np.flatnonzero(mask)
        scores = run.scores(candidates) if not isinstance(tree, MatchAll) else None
        tier = run.tier[candidates]
        if scores is not None and _relaxable(tree) and self.settings.partial_power and len(run.group_masks) > 1:
            scores = run.fold_tiers(scores)
            tier = np.zeros_like(tier)
        order = self._order(candidates, scores, tier, request, every)
        return Ranking(run, mask, candidates, scores, order, run.expansions())

    def search_all(self, request: SearchRequest) -> tuple[SearchResult, Iterator[Hit]]:
        """Every match of a request, whatever its limit: the result without hits, and the hits in rank order.

        The hits are made one at a time as the iterator is read, so printing
        all of them costs the memory of one, plus the ranked ordinals.
        """
        with self._reading():
            ranking = self._rank(request, every=True)
            return self._result(request, ranking, []), self._each_hit(ranking)

    def _each_hit(self, ranking: Ranking) -> Iterator[Hit]:
        for cable in ranking.order:
            with self._reading():
                hit = ranking.run.hit(int(cable), float(ranking.scores[cable]) if ranking.scores is not None else 0.0)
            yield hit

    def _search(self, request: SearchRequest) -> SearchResult:
        ranking = self._rank(request)
        run, scores = ranking.run, ranking.scores
        start = (request.page - 1) * request.limit
        page = ranking.order[start: start + request.limit]
        hits = [run.hit(int(c), float(scores[c]) if scores is not None else 0.0) for c in page]
        return self._result(request, ranking, hits)

    def _result(self, request: SearchRequest, ranking: Ranking, hits: list[Hit]) -> SearchResult:
        """The result of a ranked request: total, facets and notes over every match, with a page of hits."""
        run = ranking.run
        result = SearchResult(
            query=request.query,
            total=len(ranking.candidates),
            page=request.page,
            limit=request.limit,
            hits=hits,
            facets=count_facets(self.columns, ranking.mask),
            notes=run.notes + run.ignored_note(),
            partial=run.partial,
            filters=_described_filters(request),
        )
        result.suggestions = run.suggestions()
        result.expansions, result.expansion_cables = ranking.expansions
        if not ranking.candidates.size:
            from search.diagnose import empty_result_notes

            result.notes.extend(empty_result_notes(self, request, parse(request.query)))
        return result

    def _order(self, candidates: np.ndarray, scores: np.ndarray | None, tier: np.ndarray, request: SearchRequest, every: bool = False) -> np.ndarray:
        """Candidates ranked by tier, then score (ties: newest first); or by date.

        Tier 0 holds cables with every word; tier 1 those that matched a word
        only through a tag's meaning; tier 2 those with only some of the words.
        For a plain bag of words the tiers are instead folded into the scores
        (see ``partial_power`` in :mod:`search.ranking`) and all are tier 0 here.
        """
        created = self.columns.cable_created[candidates]
        if request.sort == "oldest":
            return candidates[np.lexsort((candidates, created))]
        if request.sort == "newest" or scores is None:
            return candidates[np.lexsort((candidates, -created))]
        needed = len(candidates) if every else min(len(candidates), request.page * request.limit)
        candidate_scores = scores[candidates] - TIER_GAP * tier
        if needed < len(candidates):
            top = np.argpartition(-candidate_scores, needed - 1)[:needed]
        else:
            top = np.arange(len(candidates))
        ranked = top[np.lexsort((-created[top], -candidate_scores[top]))]
        return candidates[ranked]

    def cable(self, cable_id: str) -> dict | None:
        """The stored record of a cable, or None when the index lacks it."""
        with self._reading():
            ordinal = self.records.ordinal(cable_id)
            return None if ordinal is None else self.records.record(ordinal)


class _Run:
    """The working state of one search: matched groups, scores, notes."""

    def __init__(self, engine: Engine, request: SearchRequest) -> None:
        self.engine = engine
        self.columns = engine.columns
        self.request = request
        self.size = len(engine.columns.cable_valid)
        self.groups: list[_Group] = []
        self.notes: list[str] = []
        self.ignored: list[str] = []
        self.partial = 0
        self.tier = np.zeros(self.size, dtype=np.int8)
        self.group_masks: list[np.ndarray] = []
        self.marked_docs = filters.marking_doc_mask(self.columns, request.marking) if request.marking else None
        self._doc_scores: tuple[np.ndarray, np.ndarray] | None = None
        self._candidate = np.zeros(0, dtype=bool)
        self._parts: dict[str, np.ndarray] = {}
        self.words = plain_words(parse(request.query))
        self.promoted = np.zeros(self.size, dtype=bool)
        self.factor: np.ndarray | None = None

    def filter_mask(self) -> np.ndarray:
        """Cables passing the option filters (--classification, --origin, --tag, --from, --to, --marking)."""
        request = self.request
        mask = self.columns.cable_valid.copy()
        if request.classification:
            mask &= filters.classification_mask(self.columns, request.classification)
        if request.origin:
            mask &= filters.origin_mask(self.columns, request.origin)
        if request.tag:
            mask &= filters.tag_mask(self.columns, request.tag)
        if request.date_from or request.date_to:
            start = parse_date(request.date_from)[0] if request.date_from else None
            end = parse_date(request.date_to)[1] if request.date_to else None
            mask &= filters.date_mask(self.columns, start, end)
        if self.marked_docs is not None:
            mask &= filters.cables_of_docs(self.columns, np.flatnonzero(self.marked_docs))
        return mask

    def mask(self, node: Node, negated: bool = False) -> np.ndarray:
        """The cables matching a query node."""
        if isinstance(node, MatchAll):
            return self.columns.cable_valid.copy()
        if isinstance(node, And):
            result = self.columns.cable_valid.copy()
            for child in self._joined(node.children):
                result &= self.mask(child, negated)
            return result
        if isinstance(node, Or):
            result = np.zeros(self.size, dtype=bool)
            for child in node.children:
                result |= self.mask(child, negated)
            return result
        if isinstance(node, Not):
            return self.columns.cable_valid & ~self.mask(node.child, not negated)
        if isinstance(node, Meta):
            return self._meta_mask(node)
        if isinstance(node, DateRange):
            return filters.date_mask(self.columns, node.start, node.end)
        groups = self._groups(node)
        if not negated:
            self.groups.extend(groups)
        result = self.columns.cable_valid.copy()
        for group in groups:
            direct, meaning = self._group_mask(group)
            if not negated:
                self.tier[meaning & ~direct] = 1
                self.group_masks.append(direct | meaning)
            result &= direct | meaning
        return result

    def relax(self, strict: np.ndarray, filtered: np.ndarray) -> np.ndarray:
        """Add cables holding only some of the words (tier 2), for queries too strict to fill a page."""
        if len(self.group_masks) < 2:
            return strict
        loose = np.zeros(self.size, dtype=bool)
        for group_mask in self.group_masks:
            loose |= group_mask
        partial = loose & filtered & ~strict
        if partial.any():
            self.tier[partial] = 2
            self.partial = int(partial.sum())
            self.notes.append(partial_note(int(strict.sum()), self.partial))
        return strict | partial

    def fold_tiers(self, scores: np.ndarray) -> np.ndarray:
        """Scores times the share of the query's words each cable holds, raised to ``partial_power``.

        A word counts as held when it is in the cable's text, is one of its
        tags or names one of its tags' meanings.  The factor (1 for complete
        matches) replaces the tiers, so a strong cable missing one word can
        pass a weak complete match (see :mod:`search.ranking`).
        """
        self.factor = (self.held_share() ** np.float32(self.engine.settings.partial_power)).astype(np.float32)
        return (scores * self.factor).astype(np.float32)

    def held_share(self) -> np.ndarray:
        """The share of the query's words each cable holds (text, tag or tag meaning)."""
        return np.sum(self.group_masks, axis=0, dtype=np.float32) / np.float32(len(self.group_masks))

    def promote(self, strict: np.ndarray, filtered: np.ndarray) -> np.ndarray:
        """Add to the top tier the cables missing one word whose subject holds all the others.

        A cable about the need may say "conflict" where the query says
        "war"; when its subject carries the rest of the query that is strong
        evidence, unlike a cable that merely mentions some of the words.
        Only for queries of at least ``promote_words`` words (0: never).
        """
        words = len(self.group_masks)
        least = self.engine.settings.promote_words
        if not least or words < max(least, 2):
            return strict
        held = np.sum(self.group_masks, axis=0)
        in_subject = np.zeros(self.size, dtype=np.int32)
        for group in self.groups:
            if "subject" in group.fields:
                in_subject[np.unique(self._group_docs(group, "subject").cables)] += 1
        self.promoted = filtered & ~strict & (held == words - 1) & (in_subject >= words - 1)
        return strict | self.promoted

    def ignored_note(self) -> list[str]:
        """A note on query words left out as too common to search (``the of and``), if any."""
        if not self.ignored:
            return []
        listed = ", ".join(self.ignored)
        if self.groups:
            return [f"ignored common words: {listed}"]
        return [f"the query has only common words ({listed}), which are not searched: it narrows nothing"]

    def _meta_mask(self, node: Meta) -> np.ndarray:
        """Cables matching a ``field:value`` term."""
        if node.field == "tag":
            return filters.tag_mask(self.columns, [node.value])
        if node.field == "origin":
            return filters.origin_mask(self.columns, [node.value])
        if node.field == "classification":
            return filters.classification_mask(self.columns, [node.value])
        if node.field == "marking":
            return filters.cables_of_docs(self.columns, np.flatnonzero(filters.marking_doc_mask(self.columns, [node.value])))
        mask = np.zeros(self.size, dtype=bool)
        if node.field == "id":
            ordinal = self.engine.records.ordinal(node.value)
            if ordinal is not None:
                mask[ordinal] = True
        elif node.field == "ref":
            mask[self.engine.records.citing(node.value)] = True
        return mask & self.columns.cable_valid

    def _joined(self, children: tuple) -> list[Node]:
        """Adjacent plain words that are one name (``ivory coast``) or a compound the cables write joined
        (``ahmadi nejad``), as one multi-word node; other children as they are."""
        joined: list[Node] = []
        index = 0
        while index < len(children):
            for size in range(min(self.engine.expander.table.longest, len(children) - index), 1, -1):
                run = children[index: index + size]
                if all(_plain(child) for child in run) and self.engine.expander.joinable(" ".join(child.text for child in run)):
                    joined.append(Words(" ".join(child.text for child in run)))
                    index += size
                    break
            else:
                joined.append(children[index])
                index += 1
        return joined

    def _groups(self, node: Words | Prefix | Near) -> list[_Group]:
        """The stem groups a text node asks for."""
        if isinstance(node, Near):
            return self._near_groups(node)
        fields = (node.field,) if node.field else TEXT_FIELDS
        if isinstance(node, Prefix):
            stems: list[str] = []
            for name in fields:
                expanded, capped = self.engine.postings.expand(name, node.pattern)
                stems.extend(term for term in expanded if term not in stems)
                if capped:
                    self.notes.append(f"{node.pattern} matched too many words; used the first {len(expanded)}")
            return [_Group(stems, fields)]
        terms = positioned(node.text, self.engine.stem)
        stems = stems_of(terms)
        if not stems:
            self.ignored.append(node.text)
            return []
        word = node.text.strip() if not node.field and len(stems) == 1 and not node.phrase else None
        alternatives = [] if node.phrase or node.exact else self.engine.expander.alternatives(node.text)
        if alternatives:
            return [self._expanded_group(node.text, terms, fields, word, alternatives)]
        if (node.phrase or node.exact) and len(terms) > 1:
            phrase_docs = {name: self.engine.postings.phrase_docs(name, terms) for name in fields}
            return [_Group([stem], fields, None, phrase_docs) for stem in stems]
        return [_Group([stem], fields, word) for stem in stems]

    def _near_groups(self, node: Near) -> list[_Group]:
        """The two words of a ``NEAR``, each kept only in the documents where they stand close enough."""
        fields = (node.first.field,) if node.first.field else TEXT_FIELDS
        first, second = (analyse(word.text, self.engine.stem)[0] for word in (node.first, node.second))
        near = {name: self.engine.postings.near_docs(name, first, second, node.distance) for name in fields}
        return [_Group([first], fields, None, near), _Group([second], fields, None, near)]

    def _expanded_group(self, text: str, terms: list[str], fields: tuple[str, ...], word: str | None, alternatives: list[Alternative]) -> _Group:
        """One group for a query word and its alternatives; several typed words become a phrase alternative (stop words kept)."""
        stems = stems_of(terms)
        if len(terms) > 1:
            alternatives = [Alternative(tuple(terms), 1.0, text.strip())] + alternatives
            stems = []
        return _Group(stems, fields, word, typed=text.strip(), alternatives=alternatives)

    def _group_docs(self, group: _Group, name: str) -> _GroupPostings:
        """A group's postings in one field, after phrase and marking restrictions (read once per search)."""
        if name not in group.postings:
            group.postings[name] = self._read_group_docs(group, name)
        return group.postings[name]

    def _read_group_docs(self, group: _Group, name: str) -> _GroupPostings:
        docs_parts, freq_parts = [], []
        for stem in group.stems:
            postings = self.engine.postings.postings(name, stem)
            docs_parts.append(postings.docs)
            freq_parts.append(postings.frequencies)
        for alternative in group.alternatives:
            postings = self._alternative_postings(alternative, name)
            docs_parts.append(postings.docs)
            freq_parts.append(postings.frequencies * np.float32(alternative.weight))
        docs = np.concatenate(docs_parts) if docs_parts else np.zeros(0, dtype=np.int64)
        frequencies = np.concatenate(freq_parts) if freq_parts else np.zeros(0, dtype=np.float32)
        if group.alternatives:
            docs, inverse = np.unique(docs, return_inverse=True)
            frequencies = np.bincount(inverse, weights=frequencies, minlength=len(docs)).astype(np.float32)
        cables = self.columns.doc_cable[docs]
        keep = cables >= 0
        if group.phrase_docs is not None:
            keep &= np.isin(docs, group.phrase_docs[name])
        if self.marked_docs is not None and name == "body":
            keep &= self.marked_docs[docs]
        return _GroupPostings(docs[keep], frequencies[keep], cables[keep])

    def _alternative_postings(self, alternative: Alternative, name: str) -> Postings:
        """An alternative's postings: its stem's, or a phrase's first stem's in the documents holding the phrase."""
        postings = self.engine.postings.postings(name, stems_of(list(alternative.stems))[0])
        if len(alternative.stems) > 1:
            keep = np.isin(postings.docs, self.engine.postings.phrase_docs(name, list(alternative.stems)))
            postings = Postings(postings.docs[keep], postings.frequencies[keep])
        return postings

    def _group_mask(self, group: _Group) -> tuple[np.ndarray, np.ndarray]:
        """Cables in which a group occurs directly (any field, or a tag it names), and through a tag's meaning."""
        direct = np.zeros(self.size, dtype=bool)
        for name in group.fields:
            direct[self._group_docs(group, name).cables] = True
        meaning = np.zeros(self.size, dtype=bool)
        if group.word:
            direct |= filters.tag_mask(self.columns, [group.word])
            meaning = self._meaning_mask(group.word)
        return direct & self.columns.cable_valid, meaning & self.columns.cable_valid

    def _meaning_mask(self, word: str) -> np.ndarray:
        """Cables carrying a tag whose meaning ``word`` names (see :func:`search.ranking.meaning_tags`)."""
        tags = meaning_tags(word, self.words, self.engine.settings.whole_names)
        if not tags:
            return np.zeros(self.size, dtype=bool)
        return filters.tag_mask(self.columns, list(tags))

    def scores(self, candidates: np.ndarray) -> np.ndarray:
        """Scores of all cables (only candidates' are meaningful); see :mod:`search.ranking`.

        Postings outside the candidates are dropped before scoring (after
        their document frequencies are counted), so a filter or a rare second
        word makes scoring cheaper instead of scoring every posting.
        """
        settings = self.engine.settings
        self._candidate = np.zeros(self.size, dtype=bool)
        self._candidate[candidates] = True
        body_docs, body_scores, whole = [], [], np.zeros(self.size, dtype=np.float32)
        subject = np.zeros(self.size, dtype=np.float32)
        in_subject = np.zeros(self.size, dtype=np.int32)
        subject_groups = 0
        header = np.zeros(self.size, dtype=np.float32)
        for group in self.groups:
            if "body" in group.fields:
                docs, scores = self._body_scores(group)
                body_docs.append(docs)
                body_scores.append(scores)
                whole += self._cable_scores(group)
            if "subject" in group.fields:
                group_subject = self._subject_scores(group)
                subject += group_subject
                in_subject += group_subject > 0
                subject_groups += 1
            for name in HEADER_FIELDS:
                if name in group.fields:
                    header += self._header_scores(group, name)
        docs = np.concatenate(body_docs) if body_docs else np.zeros(0, dtype=np.int64)
        scores = np.concatenate(body_scores) if body_scores else np.zeros(0, dtype=np.float32)
        unique_docs, inverse = np.unique(docs, return_inverse=True)
        totals = np.bincount(inverse, weights=scores, minlength=len(unique_docs)).astype(np.float32)
        self._doc_scores = (unique_docs, totals)
        best = per_cable_max(self.columns.doc_cable[unique_docs], totals, self.size)
        covered = (in_subject == subject_groups) if subject_groups > 1 else np.zeros(self.size, dtype=bool)
        coverage = np.where(covered, subject, 0.0).astype(np.float32)
        if settings.scattered_subject and _scattered(in_subject[candidates], subject_groups):
            subject = subject / np.float32(subject_groups)
        tags, meanings = self._tag_scores()
        self._parts = {
            "best paragraph": best, "whole cable": whole, "subject": subject, "subject coverage": coverage,
            "header": header, "tags": tags, "tag meanings": meanings,
        }
        body = settings.best_weight * best + (1.0 - settings.best_weight) * whole
        fields = settings.subject_weight * subject + settings.coverage_weight * coverage + settings.header_weight * header
        return body + fields + tags + meanings

    def _body_scores(self, group: _Group) -> tuple[np.ndarray, np.ndarray]:
        """BM25 of a group in each paragraph that holds it (best alternative per paragraph)."""
        settings = self.engine.settings
        postings = self._group_docs(group, "body")
        holders = len(postings.docs) if len(group.stems) == 1 else len(np.unique(postings.docs))
        weight = idf(holders, self.engine.documents)
        keep = self._candidate[postings.cables]
        docs, frequencies = postings.docs[keep], postings.frequencies[keep]
        scores = bm25(frequencies, self.columns.doc_body_length[docs], self.engine.body_average, weight, settings.k1, settings.b)
        if len(group.stems) > 1 and len(docs):
            order = np.lexsort((-scores, docs))
            docs, scores = docs[order], scores[order]
            first = np.concatenate(([True], docs[1:] != docs[:-1]))
            docs, scores = docs[first], scores[first]
        return docs, scores

    def _cable_scores(self, group: _Group) -> np.ndarray:
        """BM25 of a group over each cable's paragraphs taken together (frequencies summed)."""
        settings = self.engine.settings
        postings = self._group_docs(group, "body")
        per_cable = np.bincount(postings.cables, weights=postings.frequencies, minlength=self.size)
        holders = np.flatnonzero(per_cable)
        scores = np.zeros(self.size, dtype=np.float32)
        weight = idf(len(holders), self.engine.cables)
        holders = holders[self._candidate[holders]]
        scores[holders] = bm25(per_cable[holders], self.columns.cable_body_length[holders], self.engine.cable_average, weight, settings.k1, settings.b)
        return scores

    def _subject_scores(self, group: _Group) -> np.ndarray:
        """BM25 of a group in each cable's subject."""
        settings = self.engine.settings
        postings = self._group_docs(group, "subject")
        cables, frequencies = postings.cables, postings.frequencies
        weight = idf(len(np.unique(cables)), self.engine.cables)
        scores = bm25(frequencies, self.columns.cable_subject_length[cables], self.engine.subject_average, weight, settings.subject_k1, settings.subject_b)
        return per_cable_max(cables, scores, self.size)

    def _header_scores(self, group: _Group, name: str) -> np.ndarray:
        """BM25 of a group in each cable's header field, without length normalisation (headers are short and alike)."""
        settings = self.engine.settings
        postings = self._group_docs(group, name)
        cables, frequencies = postings.cables, postings.frequencies
        weight = idf(len(np.unique(cables)), self.engine.cables)
        scores = bm25(frequencies, np.ones(len(cables), dtype=np.float32), 1.0, weight, settings.k1, 0.0)
        return per_cable_max(cables, scores, self.size)

    def _tag_scores(self) -> tuple[np.ndarray, np.ndarray]:
        """The tag parts of the score: query words that are a cable's tags, and words that name a tag's meaning.

        A tag in the glossary earns ``tag_weight`` times its inverse cable
        frequency; a tag the glossary lacks (often a malformed TAGS line's
        English word, CRIME or MEDIA) earns ``unknown_tag_weight`` instead.
        A tag meaning earns ``meaning_weight``, once per set of tags however
        many query words name it (``costa`` and ``rica`` both name CS).
        """
        from index.glossary import kind

        settings = self.engine.settings
        tags = np.zeros(self.size, dtype=np.float32)
        meanings = np.zeros(self.size, dtype=np.float32)
        named: set[tuple[str, ...]] = set()
        for word in dict.fromkeys(group.word for group in self.groups if group.word):
            mask = filters.tag_mask(self.columns, [word])
            if mask.any():
                weight = settings.tag_weight if kind(word) else settings.unknown_tag_weight
                tags[mask] += weight * idf(int(mask.sum()), self.engine.cables)
            meaning = meaning_tags(word, self.words, settings.whole_names)
            if meaning and meaning not in named:
                named.add(meaning)
                mask = filters.tag_mask(self.columns, list(meaning))
                if mask.any():
                    meanings[mask] += settings.meaning_weight * idf(int(mask.sum()), self.engine.cables)
        return tags, meanings

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

    def _best_paragraphs(self, cable: int, record: dict) -> list[dict]:
        """Up to three best-scoring paragraphs (the first one when none scored), with highlight spans."""
        docs = self.engine.columns.docs_of(cable)
        texts = record["paragraphs"]
        scored: list[tuple[float, int]] = []
        if self._doc_scores is not None and len(self._doc_scores[0]):
            unique_docs, totals = self._doc_scores
            where = np.searchsorted(unique_docs, docs)
            where = np.minimum(where, len(unique_docs) - 1)
            found = unique_docs[where] == docs
            scored = sorted(((float(totals[w]), i) for i, (w, f) in enumerate(zip(where, found)) if f), reverse=True)
        chosen = [i for _, i in scored[:MAX_SNIPPETS]]
        if not chosen:
            allowed = range(len(docs)) if self.marked_docs is None else [i for i, d in enumerate(docs) if self.marked_docs[d]]
            chosen = list(allowed)[:1]
        stems = {stem for group in self.groups for stem in group.stems}
        stems.update(stem for group in self.groups for alternative in group.alternatives for stem in alternative.stems)
        paragraphs = []
        for index in chosen:
            if index >= len(texts):
                continue
            paragraph = texts[index]
            text, spans = window(paragraph["text"], highlight_spans(paragraph["text"], stems, self.engine.stem))
            paragraphs.append({"number": paragraph["number"], "marking": paragraph["marking"], "text": text, "spans": spans})
        return paragraphs

    def _explain(self, cable: int, paragraphs: list[dict]) -> dict:
        """How the cable's score was made: each part and its weight, the tier, where each word was found, and the paragraphs that scored."""
        settings = self.engine.settings
        parts = {name: round(float(values[cable]), 4) for name, values in self._parts.items()}
        words = [self._word_evidence(group, cable) for group in self.groups]
        in_subject = sum("subject" in word["found in"] for word in words if "subject" in word["fields"])
        return {
            "parts": parts,
            "weights": {
                "best paragraph": settings.best_weight,
                "whole cable": round(1.0 - settings.best_weight, 4),
                "subject": settings.subject_weight,
                "subject coverage": settings.coverage_weight,
                "header": settings.header_weight,
                "tags": 1.0,
                "tag meanings": 1.0,
            },
            "tag weights": {"glossary tag": settings.tag_weight, "unknown tag": settings.unknown_tag_weight, "meaning": settings.meaning_weight},
            "bm25": {"k1": settings.k1, "b": settings.b, "subject_k1": settings.subject_k1, "subject_b": settings.subject_b},
            "tier": self._tier_of(cable),
            "coverage": {"words": sum("subject" in word["fields"] for word in words), "in subject": in_subject},
            "words": words,
            "paragraphs": [p["number"] for p in paragraphs],
            "matched": self._matched_variants(cable),
        }

    def _tier_of(self, cable: int) -> dict:
        """The cable's tier (0 ranks first unless the tiers were folded into the score) and why it is there."""
        tier = int(self.tier[cable])
        if self.promoted[cable]:
            reason = "missing one word, its subject holds all the others"
        else:
            reason = ("holds every word", "matched a word only through a tag's meaning", "holds only some of the words")[tier]
        if self.factor is None:
            return {"tier": tier, "reason": reason}
        factor = round(float(self.factor[cable]), 4)
        return {"tier": tier, "reason": f"{reason}; ranked with all tiers, score x {factor}", "factor": factor, "partial power": self.engine.settings.partial_power}

    def _word_evidence(self, group: _Group, cable: int) -> dict:
        """Where one query word (a group of stems: variants or a prefix's expansions) occurs in a cable: fields, tags, tag meanings."""
        found = [name for name in group.fields if cable in set(self._group_docs(group, name).cables.tolist())]
        tags = [tag for tag in self.engine.records.record(cable)["tags"] if group.word and tag.casefold() == group.word.casefold()]
        meanings = meaning_tags(group.word, self.words, self.engine.settings.whole_names) if group.word else ()
        meant = [tag for tag in self.engine.records.record(cable)["tags"] if tag.upper() in meanings]
        return {
            "word": group.word or " ".join(group.stems[:1]),
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
            for group in self.groups if group.alternatives
        }

    def expansions(self) -> tuple[dict[str, list[str]], dict[str, int]]:
        """The alternatives each expanded query word matched, and how many cables hold each."""
        expanded: dict[str, list[str]] = {}
        cables: dict[str, int] = {}
        for group in self.groups:
            for alternative in group.alternatives:
                if alternative.word == group.typed:
                    continue
                holders = np.zeros(self.size, dtype=bool)
                for name in group.fields:
                    owners = self.columns.doc_cable[self._alternative_postings(alternative, name).docs]
                    holders[owners[owners >= 0]] = True
                if holders.any():
                    group.alternative_cables[alternative.word] = holders
                    expanded.setdefault(group.typed, []).append(alternative.word)
                    cables[alternative.word] = int(holders.sum())
        return expanded, cables

    def suggestions(self) -> dict[str, str]:
        """Corrections for query words the index has never seen."""
        from search.suggest import suggest

        missing = {}
        for group in self.groups:
            if group.word and not group.alternatives and all(self.engine.postings.document_frequency(name, stem) == 0 for name in group.fields for stem in group.stems):
                correction = suggest(self.engine, group.word)
                if correction:
                    missing[group.word] = correction
        return missing


def _scattered(in_subject: np.ndarray, words: int) -> bool:
    """True when a query of three or more words has no candidate whose subject holds two of them."""
    return words >= 3 and int(in_subject.max(initial=0)) < 2


def partial_note(complete: int, partial: int) -> str:
    """The note on a search whose words no cable (or too few) has all: how many have every word, how many some."""
    if complete:
        return f"{complete} {'cable has' if complete == 1 else 'cables have'} every word; {partial} more have some of them (ranked with them, scored down for the words they lack)"
    return f"no cable has every word; {partial} {'has' if partial == 1 else 'have'} some of them"


def _described_filters(request: SearchRequest) -> list[str]:
    """The request's option filters as the user wrote them (``--origin Cairo``), for headlines."""
    options = [("--classification", request.classification), ("--origin", request.origin), ("--tag", request.tag), ("--marking", request.marking)]
    described = [f"{option} {value}" for option, values in options for value in values]
    described += [f"{option} {value}" for option, value in (("--from", request.date_from), ("--to", request.date_to)) if value]
    return described


def _relaxable(tree: Node) -> bool:
    """True for a plain bag of words: no phrases, fields or operators."""
    children = tree.children if isinstance(tree, And) else (tree,)
    return all(isinstance(child, Words) and child.field is None and not child.phrase for child in children)


def plain_words(tree: Node) -> set[str]:
    """The lower-cased free words a query asks for (not phrases, fields or negated words)."""
    if isinstance(tree, (And, Or)):
        return set().union(*(plain_words(child) for child in tree.children))
    if isinstance(tree, Words) and tree.field is None and not tree.phrase:
        return {tree.text.strip().lower()}
    return set()


def _plain(node: Node) -> bool:
    """A bare query word: no field, quotes or ``=``."""
    return isinstance(node, Words) and node.field is None and not node.phrase and not node.exact
