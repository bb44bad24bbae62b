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


def test_wrap_a_1mb_word(benchmark):
    """`cables show` wraps a paragraph that is one 1 MB token (a hostile file): textwrap alone copies what is left of a long
    word for every line, quadratic in its length (a 40 MB token never finished); cut into line-long pieces first, it is linear."""
    from cables.search.render import wrap

    paragraph = "(C) " + "AB" * (512 * 1024) + " END"
    benchmark.group = "wrap a paragraph that is one 1 MB word"
    lines = benchmark.pedantic(wrap, args=(paragraph, 80, "  "), rounds=5, iterations=1, warmup_rounds=1)
    assert "".join(line.replace(" ", "") for line in lines) == paragraph.replace(" ", "")
