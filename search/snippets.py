"""Snippets: a window of a paragraph with the query's words marked.

A word is highlighted when its stem is one of the query's stems, found with
the very analysis the index used, so "embassies" lights up for "embassy" and
nothing lights up that the query did not ask for.  Highlights are returned as
character spans; :func:`mark` renders them (``**word**`` in JSON, bold on a
terminal).
"""

from __future__ import annotations

from collections.abc import Callable

from cables.index.analysis import words

WINDOW = 320
SCAN_LIMIT = 20_000
# The densest stretch of highlights is sought in a window this much narrower than the snippet,
# and the snippet starts this far before it, so the highlights sit inside with context before them.
DENSE_MARGIN = 40
LEAD_IN = 60


def highlight_spans(text: str, stems: set[str], stem: Callable[[str], str], limit: int = SCAN_LIMIT) -> list[tuple[int, int]]:
    """Character spans of the words in the first ``limit`` characters of ``text`` whose stems are in ``stems``.

    A Snowball stem starts with its word's first two letters, so only words
    that share them with a query stem are stemmed at all.  Only the start of
    a paragraph is scanned (cut at a space), so the work per paragraph is
    bounded however long it is: a snippet shows one window of it anyway.
    """
    if not stems:
        return []
    heads = {s[:2] for s in stems}
    if len(text) > limit:
        space = text.rfind(" ", 0, limit)
        text = text[: space if space > 0 else limit]
    return [(start, end) for word, start, end in words(text, heads) if stem(word) in stems]


def window(text: str, spans: list[tuple[int, int]], size: int = WINDOW) -> tuple[str, list[tuple[int, int]]]:
    """The ``size``-character stretch of ``text`` holding the most highlights, cut at spaces."""
    if len(text) <= size:
        return text, spans
    start = 0
    if spans:
        start = max(0, spans[_densest(spans, size - DENSE_MARGIN)][0] - LEAD_IN)
        if start:
            space = text.rfind(" ", 0, start)
            start = space + 1 if space >= 0 else start
    end = min(len(text), start + size)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    shift = len(prefix) - start
    kept = [(s + shift, e + shift) for s, e in spans if s >= start and e <= end]
    return prefix + text[start:end] + suffix, kept


def _densest(spans: list[tuple[int, int]], reach: int) -> int:
    """The index of the span that starts the run of most spans within ``reach`` characters.

    One pass with two pointers (spans are in text order), so the cost is
    linear in the number of highlights; the earliest such span wins ties.
    """
    best, best_count, end = 0, 0, 0
    for first, (start, _) in enumerate(spans):
        end = max(end, first)
        while end < len(spans) and spans[end][0] < start + reach:
            end += 1
        if end - first > best_count:
            best, best_count = first, end - first
    return best


def mark(text: str, spans: list[tuple[int, int]], before: str, after: str) -> str:
    """``text`` with each span wrapped in ``before`` / ``after``."""
    pieces = []
    position = 0
    for start, end in spans:
        pieces.append(text[position:start])
        pieces.append(before + text[start:end] + after)
        position = end
    pieces.append(text[position:])
    return "".join(pieces)
