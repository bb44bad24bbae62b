"""Matching: which cables hold each query word, decided per cable.

A query's text nodes become word groups (:class:`WordGroup`): the stems that
satisfy one query word, with its spelling variants or a prefix's expansions.
A cable matches a group when the group occurs in one of its fields, when the
word is one of its tags, or when the word names one of its tags' meanings
(``narcotics`` for SNAR).  :class:`Occurrences` reads each group's postings
and each word's tag masks once per search, for matching, scoring and hits
alike; :class:`QueryMatch` walks the query tree and keeps the groups.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from cables.index.analysis import analyse, positioned, stems_of, words
from cables.search import filters
from cables.search.expansion import Alternative, Expander, abbreviation_letters
from cables.search.postings import MAX_EXPANSIONS, Postings, distinct_inverse, members
from cables.search.query import And, DateRange, MatchAll, Meta, Near, Node, Not, Or, Prefix, Words
from cables.search.ranking import meaning_tags

if TYPE_CHECKING:
    from cables.search.engine import Engine
    from cables.search.request import SearchRequest

TEXT_FIELDS = ("body", "subject", "header")
"""Where a query word without a field is looked for: a cable matches when each word is in one of these."""


@dataclass
class GroupPostings:
    """A group's postings in one field, with each document's cable (read once, used by matching and scoring)."""

    docs: np.ndarray
    frequencies: np.ndarray
    cables: np.ndarray


SUGGESTED_WORDS = 5
"""At most this many unknown query words get a suggestion: each scans the vocabulary, and a pasted list of
200 words no cable holds took 48 s on the shared corpus when every one did."""


@dataclass
class WordGroup:
    """Alternative stems that satisfy one query word (several for a prefix).

    ``word`` is the bare query word, folded, when it may also match a tag or
    a tag's meaning (one stem, no field, no quotes), else None; ``typed`` is
    that word as the user typed it.  ``alternatives`` are set for a word with spelling variants;
    ``alternative_cables`` then holds, per variant, the cables it occurs in.
    ``within``: for a word typed in pieces (``F-16``), the cables holding the
    pieces as a phrase; the group matches only there, and its stems score
    there as they would typed apart.
    """

    stems: list[str]
    fields: tuple[str, ...]
    word: str | None = None
    phrase_docs: dict[str, np.ndarray] | None = None
    postings: dict[str, GroupPostings] = field(default_factory=dict)
    typed: str = ""
    alternatives: list[Alternative] = field(default_factory=list)
    alternative_cables: dict[str, np.ndarray] = field(default_factory=dict)
    within: np.ndarray | None = None


class Occurrences:
    """Where the query's words occur, each read once per search.

    A group's postings per field (after phrase and --marking restrictions),
    the cables tagged with a word, and the cables carrying a tag whose
    meaning a word names: matching, scoring and explanations all ask for
    these, so each is computed on first use and kept for the search.
    """

    def __init__(self, engine: Engine, marked_docs: np.ndarray | None, words: set[str]) -> None:
        self.engine = engine
        self.arrays = engine.arrays
        self.marked_docs = marked_docs
        self.words = words
        self._tagged: dict[str, np.ndarray] = {}
        self._meant: dict[str, np.ndarray] = {}

    def postings(self, group: WordGroup, name: str) -> GroupPostings:
        """A group's postings in one field, after phrase and marking restrictions."""
        if name not in group.postings:
            group.postings[name] = self._read(group, name)
        return group.postings[name]

    def _read(self, group: WordGroup, name: str) -> GroupPostings:
        """Read a group's postings in one field: its stems' and its alternatives' (weighted), summed per document.

        The posting reader gives live documents only (the engine's ``live`` is
        ``doc_cable >= 0``), so every document has a cable.
        """
        docs_parts, freq_parts = [], []
        for stem in group.stems:
            postings = self.engine.postings.postings(name, stem)
            docs_parts.append(postings.docs)
            freq_parts.append(postings.frequencies)
        for alternative in group.alternatives:
            postings = self.alternative(alternative, name)
            docs_parts.append(postings.docs)
            freq_parts.append(postings.frequencies * np.float32(alternative.weight))
        if len(docs_parts) == 1:
            docs, frequencies = docs_parts[0], freq_parts[0]
        else:
            docs = np.concatenate(docs_parts) if docs_parts else np.zeros(0, dtype=np.int64)
            frequencies = np.concatenate(freq_parts) if freq_parts else np.zeros(0, dtype=np.float32)
        if group.alternatives:
            docs, inverse = distinct_inverse(docs)
            frequencies = np.bincount(inverse, weights=frequencies, minlength=len(docs)).astype(np.float32)
        keep = None
        if group.phrase_docs is not None:
            keep = members(docs, group.phrase_docs[name])
        if self.marked_docs is not None and name == "body":
            keep = self.marked_docs[docs] if keep is None else keep & self.marked_docs[docs]
        if keep is not None:
            docs, frequencies = docs[keep], frequencies[keep]
        return GroupPostings(docs, frequencies, self.arrays.doc_cable[docs])

    def alternative(self, alternative: Alternative, name: str) -> Postings:
        """An alternative's postings: its stem's, or a phrase's first stem's in the documents holding the phrase."""
        postings = self.engine.postings.postings(name, stems_of(list(alternative.stems))[0])
        if len(alternative.stems) > 1:
            keep = members(postings.docs, self.engine.postings.phrase_docs(name, list(alternative.stems)))
            postings = Postings(postings.docs[keep], postings.frequencies[keep])
        return postings

    def meaning(self, word: str) -> tuple[str, ...]:
        """The tags whose meaning ``word`` names, given the query's other words (see :func:`cables.search.ranking.meaning_tags`)."""
        return meaning_tags(word, self.words, self.engine.settings.whole_names)

    def tagged(self, word: str) -> np.ndarray:
        """Cables carrying ``word`` as a tag (read-only: shared by every use in the search)."""
        if word not in self._tagged:
            self._tagged[word] = filters.tag_mask(self.arrays, [word])
        return self._tagged[word]

    def meant(self, word: str) -> np.ndarray:
        """Cables carrying a tag whose meaning ``word`` names (read-only: shared by every use in the search)."""
        if word not in self._meant:
            tags = self.meaning(word)
            self._meant[word] = filters.tag_mask(self.arrays, list(tags)) if tags else np.zeros(len(self.arrays.cable_valid), dtype=bool)
        return self._meant[word]


class QueryMatch:
    """The cables a query matches, and the word groups that matched them.

    :meth:`mask` walks the query tree; on the way it keeps the groups of the
    words asked for (not negated ones), each group's cables in
    ``group_masks``, and in ``meaning_only`` the cables that hold some word
    only through a tag's meaning (they rank in tier 1, see :mod:`cables.search.tiers`),
    and in ``named`` the cables the query names by id (they rank first).
    """

    def __init__(self, engine: Engine, request: SearchRequest, tree: Node) -> None:
        self.engine = engine
        self.arrays = engine.arrays
        self.size = len(engine.arrays.cable_valid)
        self.groups: list[WordGroup] = []
        self.group_masks: list[np.ndarray] = []
        self.meaning_only = np.zeros(self.size, dtype=bool)
        self.named = np.zeros(self.size, dtype=bool)
        self.notes: list[str] = []
        self.ignored: list[str] = []
        self.marked_docs = filters.marking_doc_mask(self.arrays, request.marking) if request.marking else None
        self.words = plain_words(tree)
        self.occurrences = Occurrences(engine, self.marked_docs, self.words)

    def mask(self, node: Node) -> np.ndarray:
        """The cables matching a query (every cable when it asks for nothing but common words)."""
        found = self._mask(node, False)
        return self.arrays.cable_valid.copy() if found is None else found

    def _mask(self, node: Node, negated: bool) -> np.ndarray | None:
        """The cables matching a query node; None when it asks for nothing (only common words).

        A node asking for nothing is left out of the operator holding it, so
        ``visa NOT the`` is ``visa`` and ``visa OR the`` is ``visa``, as the
        note that the common word was ignored says.
        """
        if isinstance(node, MatchAll):
            return self.arrays.cable_valid.copy()
        if isinstance(node, And):
            found = [self._mask(child, negated) for child in _joined(self.engine.expander, node.children)]
            return _combined([mask for mask in found if mask is not None], np.logical_and)
        if isinstance(node, Or):
            found = [self._mask(child, negated) for child in node.children]
            return _combined([mask for mask in found if mask is not None], np.logical_or)
        if isinstance(node, Not):
            inner = self._mask(node.child, not negated)
            return None if inner is None else self.arrays.cable_valid & ~inner
        if isinstance(node, Meta):
            values = filters.field_mask(self.arrays, self.engine.records, node.field, node.value)
            if node.field == "id" and not negated:
                self.named |= values
            return values
        if isinstance(node, DateRange):
            return filters.date_mask(self.arrays, node.start, node.end)
        groups = self._groups(node)
        if not groups:
            return self._common_phrase(node)
        if not negated:
            self.groups.extend(groups)
        result = self.arrays.cable_valid.copy()
        for group in groups:
            direct, meaning = self._group_mask(group)
            if not negated:
                self.meaning_only |= meaning & ~direct
                self.group_masks.append(direct | meaning)
            result &= direct | meaning
        return result

    def _groups(self, node: Words | Prefix | Near) -> list[WordGroup]:
        """The stem groups a text node asks for."""
        if isinstance(node, Near):
            return self._near_groups(node)
        fields = (node.field,) if node.field else TEXT_FIELDS
        if isinstance(node, Prefix):
            stems: list[str] = []
            written = written_stems(self.engine, node.pattern)
            for name in fields:
                expanded, capped = wildcard_stems(self.engine, name, node.pattern, written)
                stems.extend(term for term in expanded if term not in stems)
                if capped:
                    self.notes.append(f"{node.pattern} matched too many words; used the first {len(expanded)}")
            if not stems:
                self.notes.append(f"{node.pattern} matches no word of the index")
            return [WordGroup(stems, fields)]
        terms = positioned(node.text, self.engine.stem)
        stems = stems_of(terms)
        if not stems:
            if len(terms) < 2:
                self.ignored.append(node.text)
            return []
        word = self._tag_word(node)
        alternatives = [] if node.phrase or node.exact else self.engine.expander.alternatives(node.text)
        if alternatives:
            return [_expanded_group(node.text, terms, fields, word, alternatives)]
        if len(terms) > 1:
            phrase_docs = {name: self.engine.postings.phrase_docs(name, terms) for name in fields}
            if node.phrase or node.exact:
                return [WordGroup([stem], fields, None, phrase_docs) for stem in stems]
            within = filters.cables_of_docs(self.arrays, np.concatenate(list(phrase_docs.values())))
            return [WordGroup([stem], fields, within=within) for stem in stems]
        return [WordGroup([stem], fields, word, typed=node.text.strip()) for stem in stems]

    def _tag_word(self, node: Words) -> str | None:
        """The word a free query word also looks for among the tags and their meanings: itself, folded, or an
        abbreviation's letters (``U.N.`` is the tag UN); None for a phrase, a field's word or several words."""
        if node.field or node.phrase:
            return None
        found = [folded for folded, _, _ in words(node.text)]
        return found[0] if len(found) == 1 else abbreviation_letters(node.text)

    def _common_phrase(self, node: Node) -> np.ndarray | None:
        """The cables holding a phrase of common words only (``"to be or not to be"``, ``and/or``), or None for a lone
        common word, which is ignored.  Such a phrase narrows the matches but adds nothing to a score (no word of it is
        searched for its own sake)."""
        if not isinstance(node, Words):
            return None
        terms = positioned(node.text, self.engine.stem)
        if len(terms) < 2:
            return None
        fields = (node.field,) if node.field else TEXT_FIELDS
        return filters.cables_of_docs(self.arrays, np.concatenate([self.engine.postings.phrase_docs(name, terms) for name in fields]))

    def _near_groups(self, node: Near) -> list[WordGroup]:
        """The two words of a ``NEAR``, each kept only in the documents where they stand close enough."""
        fields = (node.first.field,) if node.first.field else TEXT_FIELDS
        first, second = (analyse(word.text, self.engine.stem)[0] for word in (node.first, node.second))
        near = {name: self.engine.postings.near_docs(name, first, second, node.distance) for name in fields}
        return [WordGroup([first], fields, None, near), WordGroup([second], fields, None, near)]

    def _group_mask(self, group: WordGroup) -> tuple[np.ndarray, np.ndarray]:
        """Cables in which a group occurs directly (any field, or a tag it names), and through a tag's meaning."""
        direct = np.zeros(self.size, dtype=bool)
        for name in group.fields:
            direct[self.occurrences.postings(group, name).cables] = True
        meaning = np.zeros(self.size, dtype=bool)
        if group.within is not None:
            direct &= group.within
        if group.word:
            direct |= self.occurrences.tagged(group.word)
            meaning = self.occurrences.meant(group.word)
        return direct & self.arrays.cable_valid, meaning & self.arrays.cable_valid

    def ignored_note(self) -> list[str]:
        """A note on query words left out as too common to search (``the of and``), if any; a lone mark
        (``who is Megrahi ?``) is named only when the query has nothing else, and a query of marks alone (``😀``,
        ``?!``) is said to hold no word at all.  An ``or`` or ``not`` typed in
        lower case gets a hint: ``Hamas or Fatah`` searches both words, which may not be what was meant."""
        if not self.ignored:
            return []
        if self.groups:
            named = [text for text in self.ignored if any(character.isalnum() for character in text)]  # not punctuation
            operators = sorted({text.upper() for text in named if text in ("or", "not")})
            hint = (
                f" ({' and '.join(operators)} in capitals {'are operators' if len(operators) > 1 else 'is an operator'})"
                if operators
                else ""
            )
            return [f"ignored common words: {', '.join(named)}{hint}"] if named else []
        if not any(character.isalnum() for text in self.ignored for character in text):
            return [f"the query holds no word that can be searched ({' '.join(self.ignored)}): it narrows nothing"]
        return [f"the query has only common words ({', '.join(self.ignored)}), which are not searched: it narrows nothing"]

    def expansions(self) -> tuple[dict[str, list[str]], dict[str, int]]:
        """The alternatives each expanded query word matched, and how many cables hold each.

        Also records each alternative's cables in its group's
        ``alternative_cables``, for the explanation of a hit.
        """
        expanded: dict[str, list[str]] = {}
        cables: dict[str, int] = {}
        for group in self.groups:
            for alternative in group.alternatives:
                if alternative.word == group.typed:
                    continue
                holders = filters.cables_of_docs(
                    self.arrays, np.concatenate([self.occurrences.alternative(alternative, name).docs for name in group.fields])
                )
                if holders.any():
                    group.alternative_cables[alternative.word] = holders
                    expanded.setdefault(group.typed, []).append(alternative.word)
                    cables[alternative.word] = int(holders.sum())
        return expanded, cables

    def suggestions(self) -> dict[str, str]:
        """Corrections for query words the index has never seen (the suggester is imported only when there is one)."""
        unseen = [
            (group.typed, group.word)
            for group in self.groups
            if group.word
            and not group.alternatives
            and all(self.engine.postings.document_frequency(name, stem) == 0 for name in group.fields for stem in group.stems)
        ]
        if not unseen:
            return {}
        from cables.search.suggest import suggest

        corrections = {typed: suggest(self.engine, word) for typed, word in unseen[:SUGGESTED_WORDS]}
        return {word: correction for word, correction in corrections.items() if correction}


def _combined(masks: list[np.ndarray], operator: np.ufunc) -> np.ndarray | None:
    """The masks of an operator's children combined (None when no child asks for anything)."""
    if not masks:
        return None
    result = masks[0].copy()
    for mask in masks[1:]:
        operator(result, mask, out=result)
    return result


def _expanded_group(text: str, terms: list[str], fields: tuple[str, ...], word: str | None, alternatives: list[Alternative]) -> WordGroup:
    """One group for a query word and its alternatives; several typed words become a phrase alternative (stop words kept)."""
    stems = stems_of(terms)
    if len(terms) > 1:
        alternatives = [Alternative(tuple(terms), 1.0, text.strip())] + alternatives
        stems = []
    return WordGroup(stems, fields, word, typed=text.strip(), alternatives=alternatives)


def _joined(expander: Expander, children: tuple) -> list[Node]:
    """Adjacent plain words that are one name (``ivory coast``) or a compound the cables write joined
    (``ahmadi nejad``), as one multi-word node; other children as they are.  A run neither starts nor ends with a
    common word: ``Qatar and Al Jazeera`` joins ``Al Jazeera``, not ``and Al Jazeera``, which would need the "and"."""
    joined: list[Node] = []
    index = 0
    while index < len(children):
        for size in range(min(expander.table.longest, len(children) - index), 1, -1):
            run = children[index : index + size]
            if all(_plain(child) for child in run) and _ends_searched(run) and expander.joinable(" ".join(child.text for child in run)):
                joined.append(Words(" ".join(child.text for child in run)))
                index += size
                break
        else:
            joined.append(children[index])
            index += 1
    return joined


def relaxable(tree: Node) -> bool:
    """True for a plain bag of words: no phrases, fields or operators."""
    children = tree.children if isinstance(tree, And) else (tree,)
    return all(isinstance(child, Words) and child.field is None and not child.phrase for child in children)


def _ends_searched(run: tuple[Words, ...]) -> bool:
    """Whether a run of plain words starts and ends with a searched word, not a common one (``and Al Jazeera``)."""
    return all(any(True for _ in words(child.text)) for child in (run[0], run[-1]))


def plain_words(tree: Node) -> set[str]:
    """The free words a query asks for, folded as the index folds them (not phrases, fields or negated words)."""
    if isinstance(tree, (And, Or)):
        return set().union(*(plain_words(child) for child in tree.children))
    if isinstance(tree, Words) and tree.field is None and not tree.phrase:
        return {folded for folded, _, _ in words(tree.text)}
    return set()


def _plain(node: Node) -> bool:
    """A bare query word: no field, quotes or ``=``."""
    return isinstance(node, Words) and node.field is None and not node.phrase and not node.exact


def written_stems(engine: Engine, pattern: str) -> list[str]:
    """The stems of the indexed words, as the cables write them (folded), that a prefix or wildcard pattern matches,
    in the words' order: ``negotiat*`` means negotiation and negotiating, filed under ``negoti``, which the pattern
    itself does not match.  One pass over the stem table, for every field the pattern is looked for in, ending at
    :data:`MAX_EXPANSIONS` stems (a leading ``*`` would otherwise read the whole table)."""
    leading = pattern.split("*")[0].split("?")[0]
    stems: dict[str, None] = {}
    for word, stem in engine.stem.words_from(leading):
        if fnmatch.fnmatchcase(word, pattern):
            stems[stem] = None
            if len(stems) == MAX_EXPANSIONS:
                break
    return list(stems)


def wildcard_stems(engine: Engine, field: str, pattern: str, written: list[str]) -> tuple[list[str], bool]:
    """The stems a prefix or wildcard pattern asks for in a field, and whether the cap cut them: the stems it
    matches, then those of the words it matches (:func:`written_stems`) that the field holds."""
    stems, capped = engine.postings.expand(field, pattern)
    kept = set(stems)
    for stem in written:
        if stem in kept or not engine.postings.document_frequency(field, stem):
            continue
        if len(stems) == MAX_EXPANSIONS:
            return stems, True
        stems.append(stem)
        kept.add(stem)
    return stems, capped
