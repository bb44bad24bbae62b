"""What tags mean to a search: a tag's meaning and kind, and the tags a query word names.

The table itself is :func:`cables.index.glossary.glossary` (``index/data/tags.tsv``,
also used by the reader); the word index over the meanings is built on the
first lookup and cached.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType

from cables.index.analysis import fold
from cables.index.glossary import glossary
from cables.search.english import american_spellings, number_forms

# Words that carry no subject meaning of their own: a query word like "and"
# or "affairs" must not pull in every tag whose meaning happens to use it.
_TRIVIAL_WORDS: frozenset[str] = frozenset(
    """
    a an and or of the to in on for with by at from as its their other
    affairs matters issues including incl especially such like etc also
    formerly
    """.split()
)

_WORD_RE = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
PARENTHESES_RE = re.compile(r"\(([^)]*)\)")


@lru_cache(maxsize=1)
def _table() -> Mapping[str, tuple[str, str]]:
    """The glossary, read once: upper-case tag -> (kind, meaning)."""
    return MappingProxyType(glossary())


def meaning(tag: str) -> str | None:
    """Return the meaning of ``tag`` (case-insensitive), or None if unknown."""
    entry = _table().get(tag.strip().upper())
    return entry[1] if entry else None


def kind(tag: str) -> str | None:
    """Return the kind of ``tag`` ('subject', 'country' or 'org'), or None."""
    entry = _table().get(tag.strip().upper())
    return entry[0] if entry else None


def meaning_words(text: str) -> list[str]:
    """Split a meaning into its lower-case content words, in order, without repeats.

    Trivial words (see ``_TRIVIAL_WORDS``) and one-letter tokens are dropped;
    an apostrophe-s ending is removed so "women's" gives "women".
    """
    words: list[str] = []
    for token in _WORD_RE.findall(text.lower()):
        if token.endswith("'s"):
            token = token[:-2]
        token = token.replace("'", "")
        if len(token) < 2 or token in _TRIVIAL_WORDS or token in words:
            continue
        words.append(token)
    return words


@lru_cache(maxsize=1)
def _word_index() -> Mapping[str, tuple[str, ...]]:
    """Build the word -> tags index once from the cached glossary."""
    index: dict[str, list[str]] = {}
    for tag, (_kind, text) in sorted(_table().items()):
        for word in meaning_words(text):
            index.setdefault(word, []).append(tag)
    return MappingProxyType({word: tuple(tags) for word, tags in index.items()})


def tags_for_word(word: str) -> list[str]:
    """Return the tags whose meaning contains ``word`` (case-insensitive), in the singular or the plural and in its
    American spelling: a meaning says "refugees" (PREF) or "military and defense arrangements" (MARR), and a query
    "refugee" or "defence" means it as well."""
    index, typed = _word_index(), word.strip().lower()
    forms = set().union(*(number_forms(spelling) for spelling in [typed, *american_spellings(typed)]))
    return sorted({tag for form in forms for tag in index.get(form, ())})


def tags_named(name: str) -> list[str]:
    """The country and organisation tags a name stands for (``Egypt``: EG; ``Myanmar``: BM, whose meaning is
    "Burma (Myanmar)"), matched whole, folded, against the meaning or a name in its brackets."""
    return list(_name_index().get(fold(" ".join(name.split())), ()))


def meaning_names(text: str) -> list[str]:
    """The names a country's or organisation's meaning gives: each of its ';'-separated names without brackets, then
    each name in brackets ("Burma (Myanmar)": Burma, Myanmar; "Austria; African Union", the two uses of AU)."""
    plain = [" ".join(part.split()) for part in PARENTHESES_RE.sub(" ", text).split(";")]
    return [*plain, *(" ".join(inner.split()) for inner in PARENTHESES_RE.findall(text))]


@lru_cache(maxsize=1)
def _name_index() -> Mapping[str, tuple[str, ...]]:
    """Build the folded name -> tags index once: each country or organisation meaning, and the names it brackets."""
    index: dict[str, list[str]] = {}
    for tag, (tag_kind, text) in sorted(_table().items()):
        if tag_kind == "subject":
            continue
        for name in {" ".join(text.split()), *meaning_names(text)}:
            index.setdefault(fold(name), []).append(tag)
    return MappingProxyType({name: tuple(tags) for name, tags in index.items()})
