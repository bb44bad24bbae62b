"""Glossary of cable TAGS: what PREL, SNAR, MX, IC ... are (kind) and mean.

The data lives in ``index/data/tags.tsv`` (columns ``tag``, ``kind``,
``meaning``; kind is ``subject``, ``country`` or ``org``).  The reader uses
the table to split run-together tags (:mod:`cables.index.tagsplit`); the lookups a
search makes (a tag's meaning, the tags a word names) are in
:mod:`cables.search.tagmeanings`.  Importing it stays cheap: the file is read only
on the first call that needs it, and the parsed result is cached.

Sources for the meanings are listed in ``index/data/TAGS_SOURCES.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

KINDS: frozenset[str] = frozenset({"subject", "country", "org"})

_DATA_FILE = Path(__file__).resolve().parent / "data" / "tags.tsv"


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
