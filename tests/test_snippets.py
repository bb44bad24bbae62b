"""Snippets: bounded work on huge paragraphs, and the densest window chosen (issue 13 item 5)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cables.index.analysis import SnowballStem
from cables.search.snippets import SCAN_LIMIT, _densest, highlight_spans, window
from tests.conftest import SEEDS

STEM = SnowballStem().load()


class CountingStem:
    """A stemmer that counts its calls: the work highlighting does, measured without a clock."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, word: str) -> str:
        self.calls += 1
        return STEM(word)


def huge_paragraph(size: int) -> str:
    """A real cable's words repeated to ``size`` characters, as one paragraph."""
    text = " ".join((SEEDS / "09OTTAWA265.txt").read_text(encoding="utf-8").split())
    return ((text + " ") * (size // len(text) + 1))[:size]


def test_highlighting_a_10mb_paragraph_stems_a_bounded_number_of_words():
    """A 10 MB paragraph is scanned only up to SCAN_LIMIT characters: the work does not grow with it."""
    text = huge_paragraph(10 * 1024 * 1024)
    stem = CountingStem()
    spans = highlight_spans(text, {STEM("security"), STEM("mexico")}, stem)
    assert spans and max(end for _, end in spans) <= SCAN_LIMIT
    assert stem.calls <= SCAN_LIMIT // 4
    snippet, kept = window(text, spans)
    assert len(snippet) < 400 and kept
    assert all(snippet[start:end].lower().startswith(("secur", "mexic")) for start, end in kept)


def test_short_paragraphs_are_highlighted_whole():
    """Below the cap nothing changes: every occurrence is found, to the last word."""
    text = huge_paragraph(SCAN_LIMIT // 2) + " security"
    spans = highlight_spans(text, {STEM("security")}, STEM)
    assert spans[-1] == (len(text) - len("security"), len(text))


@given(st.lists(st.integers(0, 5000), max_size=300), st.integers(1, 400))
def test_densest_window_matches_counting_every_start(starts, reach):
    """The one-pass choice equals the obvious quadratic one: the earliest span starting the fullest run."""
    spans = [(start, start + 3) for start in sorted(starts)]
    if not spans:
        return
    counts = [sum(1 for s, _ in spans[i:] if s < spans[i][0] + reach) for i in range(len(spans))]
    assert _densest(spans, reach) == counts.index(max(counts))
