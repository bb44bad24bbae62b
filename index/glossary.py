"""Glossary of cable TAGS: what PREL, SNAR, MX, IC ... mean.

The data lives in ``index/data/tags.tsv`` (columns ``tag``, ``kind``,
``meaning``; kind is ``subject``, ``country`` or ``org``).  This module is
imported by the CLI, so importing it must stay cheap: the file is read only
on the first call that needs it, and the parsed result is cached.

Sources for the meanings are listed in ``index/data/TAGS_SOURCES.md``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

KINDS: frozenset[str] = frozenset({"subject", "country", "org"})

_DATA_FILE = Path(__file__).resolve().parent / "data" / "tags.tsv"

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


@lru_cache(maxsize=1)
def _load() -> Mapping[str, tuple[str, str]]:
    """Read and validate the TSV once; return an upper-case tag -> (kind, meaning) map.

    Raises ValueError on a malformed row so a broken data file fails loudly
    instead of silently dropping tags.
    """
    table: dict[str, tuple[str, str]] = {}
    with _DATA_FILE.open(encoding="utf-8") as handle:
        header = handle.readline().rstrip("\n").split("\t")
        if header != ["tag", "kind", "meaning"]:
            raise ValueError(f"{_DATA_FILE}: unexpected header {header!r}")
        for number, line in enumerate(handle, start=2):
            line = line.rstrip("\n")
            if not line.strip():
                continue
            fields = line.split("\t")
            if len(fields) != 3:
                raise ValueError(f"{_DATA_FILE}:{number}: expected 3 columns")
            tag, kind, meaning = (field.strip() for field in fields)
            if not tag or not meaning or kind not in KINDS:
                raise ValueError(f"{_DATA_FILE}:{number}: bad row {line!r}")
            key = tag.upper()
            if key in table:
                raise ValueError(f"{_DATA_FILE}:{number}: duplicate tag {key}")
            table[key] = (kind, meaning)
    return MappingProxyType(table)


def glossary() -> dict[str, tuple[str, str]]:
    """Return every known tag (upper case) mapped to its (kind, meaning).

    A fresh dict is returned so callers may modify it without touching the
    cached table.
    """
    return dict(_load())


def meaning(tag: str) -> str | None:
    """Return the meaning of ``tag`` (case-insensitive), or None if unknown."""
    entry = _load().get(tag.strip().upper())
    return entry[1] if entry else None


def kind(tag: str) -> str | None:
    """Return the kind of ``tag`` ('subject', 'country' or 'org'), or None."""
    entry = _load().get(tag.strip().upper())
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
    for tag, (_kind, text) in sorted(_load().items()):
        for word in meaning_words(text):
            index.setdefault(word, []).append(tag)
    return MappingProxyType({word: tuple(tags) for word, tags in index.items()})


def tags_for_word(word: str) -> list[str]:
    """Return the tags whose meaning contains ``word`` (case-insensitive)."""
    return list(_word_index().get(word.strip().lower(), ()))
