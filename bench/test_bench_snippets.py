"""Snippet building on a pathological cable: one 10 MB paragraph dense with query words.

Issue 13 item 5: choosing the snippet window was quadratic in the highlights
of a paragraph, so one huge paragraph could stall a search for minutes.  The
work per paragraph is now bounded (only its start is scanned for highlights,
and the window is found in one pass), so this stays in the milliseconds
whatever the paragraph's size.  Engine only: FTS5 has no counterpart.
"""

from __future__ import annotations

from pathlib import Path

import pytest

SEED = Path(__file__).resolve().parent.parent / "seeds" / "09OTTAWA265.txt"
SIZE = 10 * 1024 * 1024


@pytest.fixture(scope="module")
def huge_paragraph() -> str:
    """A 10 MB paragraph: the seed cable's text repeated, with 'security' every few words."""
    text = " ".join(SEED.read_text(encoding="utf-8").split())
    repeated = (text + " ") * (SIZE // len(text) + 1)
    return repeated[:SIZE]


def test_snippet_of_10mb_paragraph(huge_paragraph, benchmark):
    """Highlight spans and the snippet window of one 10 MB paragraph (query: security mexico canada)."""
    from cables.index.analysis import SnowballStem
    from cables.search.snippets import highlight_spans, window

    stem = SnowballStem().load()
    stems = {stem(word) for word in ("security", "mexico", "canada")}
    benchmark.group = "snippet of a 10 MB one-paragraph cable"

    def build():
        return window(huge_paragraph, highlight_spans(huge_paragraph, stems, stem))

    text, spans = benchmark.pedantic(build, rounds=20, iterations=1, warmup_rounds=1)
    assert spans and len(text) < 400
