"""How many single-letter edits turn one word into another.

Learning spellings, respelling a word no cable holds and choosing a
suggestion all ask how far apart two words are.  nltk's ``edit_distance``
answers the same, but importing it imports all of nltk, about 0.37 s: a
search for a misspelt word spent more time loading nltk than searching.
"""

from __future__ import annotations


def edit_distance(first: str, second: str, swaps: bool = False) -> int:
    """The Levenshtein distance: insertions, deletions and substitutions of one letter, each one edit.

    With ``swaps``, two adjacent letters exchanged are one edit too
    (``fruad``, ``fraud``), as long as no other edit touches them (the
    optimal string alignment distance).
    """
    before_previous: list[int] = []
    previous = list(range(len(second) + 1))
    for row, letter in enumerate(first, start=1):
        current = [row] + [0] * len(second)
        for column, other in enumerate(second, start=1):
            current[column] = min(previous[column] + 1, current[column - 1] + 1, previous[column - 1] + (letter != other))
            if swaps and row > 1 and column > 1 and letter == second[column - 2] and first[row - 2] == other:
                current[column] = min(current[column], before_previous[column - 2] + 1)
        before_previous, previous = previous, current
    return previous[-1]
