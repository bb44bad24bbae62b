"""What else a query word matches: its spellings, other names, word family and joined or split forms.

A query word (or a run of words, such as ``ivory coast`` or ``ahmadi-nejad``)
is expanded into *alternatives*: each one stem, or a phrase's stems, with a
weight.  The engine treats a word and its alternatives as one term (a
synonym set: one document frequency, frequencies summed), so a cable ranks
as if the user had typed the spelling it uses; a family member (Iranian for
Iran) counts for :data:`index.variants.FAMILY_WEIGHT` of the exact word.

Sources, in the order tried:

* the index's variant table (:mod:`index.variants`): learned spellings and
  the curated names and families;
* an unindexed word that is a spelling of a learned group (``kadhafi``);
* compounds, decided by what the cables hold: hyphenated or spaced words
  also match their joined form when the index has it (``ahmadi-nejad`` ->
  ``ahmadinejad``), and a word also matches its two halves as a phrase when
  the cables write it so (``ahmadinejad`` -> ``ahmadi nejad``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from index.analysis import STOP_WORDS, words
from index.stems import StemTable
from index.variants import FAMILY_WEIGHT, Group, VariantTable

MIN_HALF = 3


@dataclass(frozen=True)
class Alternative:
    """Another form a query word matches: one stem or a phrase's stems, its weight and the word shown for it."""

    stems: tuple[str, ...]
    weight: float
    word: str


class Expander:
    """Expands query words from one index's variant table, stem table and phrases."""

    def __init__(self, folder: Path, stem: StemTable, phrase_found: Callable[[tuple[str, ...]], bool], indexed: Callable[[str], bool]) -> None:
        self.table = VariantTable(folder)
        self.stem = stem
        self.phrase_found = phrase_found
        self.indexed = indexed

    def alternatives(self, text: str) -> list[Alternative]:
        """Everything ``text`` (one word, or a few words meant together) also matches, best weight first."""
        folded = [word for word, _, _ in words(text)]
        if not folded:
            return []
        stems = tuple(self.stem(word) for word in folded)
        found: dict[tuple[str, ...], Alternative] = {}
        for group in self.table.groups_of(stems):
            for alternative in _group_alternatives(group, stems):
                _keep(found, alternative)
        if len(folded) == 1 and not found and not self.indexed(stems[0]):
            unknown = self.table.spelling_of_unknown(folded[0])
            for alternative in _group_alternatives(unknown, stems) if unknown else []:
                _keep(found, alternative)
        for alternative in self._compounds(folded, stems):
            _keep(found, alternative)
        found.pop(stems, None)
        return sorted(found.values(), key=lambda alternative: (-alternative.weight, alternative.word))

    def _compounds(self, folded: list[str], stems: tuple[str, ...]) -> list[Alternative]:
        """The joined form of several words, or the halves of one word, where the cables use them."""
        if len(folded) > 1:
            joined = "".join(folded)
            found = self.stem.lookup(joined)
            return [Alternative((found,), 1.0, joined)] if found is not None and self.indexed(found) else []
        word = folded[0]
        halves = []
        for cut in range(MIN_HALF, len(word) - MIN_HALF + 1):
            first, second = word[:cut], word[cut:]
            if first in STOP_WORDS or second in STOP_WORDS:
                continue
            first_stem, second_stem = self.stem.lookup(first), self.stem.lookup(second)
            if first_stem is not None and second_stem is not None and self.phrase_found((first_stem, second_stem)):
                halves.append(Alternative((first_stem, second_stem), 1.0, f"{first} {second}"))
        return halves

    def joinable(self, text: str) -> bool:
        """True when a run of words is one name of the variant table or a compound the index holds joined."""
        folded = [word for word, _, _ in words(text)]
        if len(folded) < 2 or len(folded) > self.table.longest:
            return False
        if self.table.groups_of(tuple(self.stem(word) for word in folded)):
            return True
        joined = self.stem.lookup("".join(folded))
        return joined is not None and self.indexed(joined)


def _group_alternatives(group: Group, stems: tuple[str, ...]) -> list[Alternative]:
    """A group's members as alternatives for a query that is the member with ``stems`` (or close to one).

    In a family, a member of the other role (the adjective for a name, the
    name for an adjective) weighs :data:`FAMILY_WEIGHT`; all else weighs 1.
    """
    typed = next((member for member in group.members if member.stems == stems), None)
    typed_family = typed.family if typed is not None else False
    return [
        Alternative(member.stems, FAMILY_WEIGHT if group.kind == "family" and member.family != typed_family else 1.0, member.word)
        for member in group.members
        if member.stems != stems
    ]


def _keep(found: dict[tuple[str, ...], Alternative], alternative: Alternative) -> None:
    """Add an alternative, keeping the higher weight when its stems are already there."""
    held = found.get(alternative.stems)
    if held is None or held.weight < alternative.weight:
        found[alternative.stems] = alternative
