"""The edit distance the engine computes itself, checked against nltk's on random words and on known pairs."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from nltk.metrics.distance import edit_distance as nltk_edit_distance

from cables.index.editdistance import edit_distance

LETTERS = st.text(alphabet="abcdeh", max_size=9)  # few letters, so words share many and the edits interleave


@settings(max_examples=600, deadline=None)
@given(LETTERS, LETTERS)
def test_levenshtein_equals_nltk(first, second):
    """Without swaps it is nltk's default edit distance, which learning used before: the learned tables cannot change."""
    assert edit_distance(first, second) == nltk_edit_distance(first, second)


@settings(max_examples=600, deadline=None)
@given(LETTERS, LETTERS)
def test_swaps_lie_between_nltk_damerau_and_levenshtein(first, second):
    """With swaps it is the optimal string alignment distance: never below nltk's unrestricted Damerau distance (which
    may also edit between two swapped letters), never above plain Levenshtein, and symmetric."""
    with_swaps = edit_distance(first, second, swaps=True)
    assert nltk_edit_distance(first, second, transpositions=True) <= with_swaps <= edit_distance(first, second)
    assert with_swaps == edit_distance(second, first, swaps=True)


def test_known_pairs():
    assert edit_distance("rain", "shine") == 3
    assert edit_distance("fruad", "fraud") == 2 and edit_distance("fruad", "fraud", swaps=True) == 1
    assert edit_distance("abijan", "abidjan", swaps=True) == 1 and edit_distance("abijan", "arabian", swaps=True) == 3
    assert edit_distance("ca", "abc", swaps=True) == 3  # nltk's Damerau distance is 2: a swap, then an insertion between
    assert edit_distance("", "nejad") == 5 and edit_distance("qadhafi", "qadhafi", swaps=True) == 0
