"""Split TAGS that were run together (``ETRDECONWTOCS`` -> ETRD ECON WTO CS).

Some cables list their tags without separators, so one glued string stands
for several tags and ``--tag CS`` misses the cable.  A glued string is split
into codes of the shapes tags have: the tags of the glossary, two-letter
country codes, three-letter organisation codes and four-letter subject codes
(whose first letters the glossary's subject tags show).  Person and place
names (``CLINTON``, ``BRUSSELS``) must not be cut into codes, so a split is
kept only when it is strongly supported (see :func:`split_tag`).
"""

from __future__ import annotations

from functools import lru_cache

from cables.index.glossary import glossary

MIN_KNOWN = 2  # a split names at least two glossary tags ...
MAX_UNKNOWN = 1  # ... holds at most one code the glossary lacks (KOCI, WTO) ...
MIN_LONG_KNOWN = 3  # ... and at least one known tag of three or more letters (a subject or organisation tag)


@lru_cache(maxsize=1)
def _known() -> frozenset[str]:
    """The glossary's tags, made once: the reader asks for every tag of every cable."""
    return frozenset(glossary())


@lru_cache(maxsize=1)
def _subject_initials() -> frozenset[str]:
    """First letters of the glossary's four-letter subject tags (A for AMGT, K for KFRD ...)."""
    return frozenset(tag[0] for tag, (kind, _) in glossary().items() if kind == "subject" and len(tag) == 4)


def _is_code_shape(piece: str) -> bool:
    """True for a piece shaped like a tag the glossary may lack: 2 or 3 letters, or a 4-letter subject code."""
    return len(piece) in (2, 3) or (len(piece) == 4 and piece[0] in _subject_initials())


def split_tag(tag: str) -> tuple[str, ...]:
    """The tags a run-together tag stands for, or ``(tag,)`` when it is not one.

    Among the ways to cut ``tag`` into known tags and code-shaped pieces, the
    one with the fewest unknown pieces, then the fewest pieces, is taken; it is
    kept only with at least ``MIN_KNOWN`` known tags, at most ``MAX_UNKNOWN``
    unknown pieces and one known tag of ``MIN_LONG_KNOWN`` letters or more.
    """
    known = _known()
    if tag in known or len(tag) < 5 or not tag.isalpha() or not tag.isupper():
        return (tag,)
    best = _best_split(tag, known)
    if best is None:
        return (tag,)
    found = [piece for piece in best if piece in known]
    unknown = len(best) - len(found)
    if len(found) >= MIN_KNOWN and unknown <= MAX_UNKNOWN and any(len(piece) >= MIN_LONG_KNOWN for piece in found):
        return best
    return (tag,)


def _best_split(tag: str, known: frozenset[str]) -> tuple[str, ...] | None:
    """The cut of ``tag`` with the fewest unknown pieces, then the fewest pieces (None if none fits)."""
    # best[i] = (unknown count, piece count, pieces) for the prefix tag[:i]
    best: list[tuple[int, int, tuple[str, ...]] | None] = [None] * (len(tag) + 1)
    best[0] = (0, 0, ())
    for end in range(2, len(tag) + 1):
        for size in range(2, min(6, end) + 1):
            before = best[end - size]
            piece = tag[end - size : end]
            if before is None or not (piece in known or _is_code_shape(piece)):
                continue
            candidate = (before[0] + (piece not in known), before[1] + 1, before[2] + (piece,))
            current = best[end]
            if current is None or candidate[:2] < current[:2]:
                best[end] = candidate
    last = best[-1]
    return last[2] if last else None


def split_tags(tags: tuple[str, ...]) -> tuple[str, ...]:
    """Every tag of a list with run-together ones split, in order, without repeats."""
    return tuple(dict.fromkeys(piece for tag in tags for piece in split_tag(tag)))
