"""The variant table as a search reads it: groups of spellings, names and families, and the spelling keys.

The table (``variants.json`` in each index generation) is learned and
written by :mod:`cables.index.variants` at build time; a search needs only
this module, to look up a query word's groups and to tell whether an
unindexed word is a spelling of a name (``kadhafi``).  Reading the table is
reading JSON: no code.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from cables.index.analysis import stems_of
from cables.index.editdistance import edit_distance

TABLE_FILE = "variants.json"
FAMILY_WEIGHT = 0.5
MIN_LENGTH = 5

LONG_NAME = 8
_STRICT_RULES = [
    (re.compile(r"gh|kh|ck|q|g|c(?![eiy])"), "k"),
    (re.compile(r"dh|th|dd"), "d"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"ou|oo"), "u"),
    (re.compile(r"ee|y|(?<=a)e"), "i"),
    (re.compile(r"(.)\1+"), r"\1"),
    (re.compile(r"h$"), ""),
]
_LOOSE = str.maketrans("oe", "ui")
_VOWELS = re.compile(r"[aeiouw]+")


@dataclass(frozen=True)
class Member:
    """One spelling, name or family word of a group: how it is written and its stems.

    A stop word inside a name keeps its place among the stems, marked as
    :func:`cables.index.analysis.positioned` marks it (``Mazar-i-Sharif`` is
    ``mazar _i sharif``), so the name matched as a phrase finds it where the
    cables write it; :attr:`content_stems` leaves it out.
    """

    word: str
    stems: tuple[str, ...]
    family: bool = False

    @cached_property
    def content_stems(self) -> tuple[str, ...]:
        """The stems without stop words: what a query's words are compared with (worked out once a member)."""
        return tuple(stems_of(list(self.stems)))


@dataclass(frozen=True)
class Group:
    """Words a query word may stand for: ``spelling`` variants, other ``name`` s, or a ``family``."""

    kind: str
    members: tuple[Member, ...]
    key: str = ""


def sound_spelling(word: str, loose: bool = False) -> str:
    """A word respelt by the transliteration rules.

    q/g/k/gh/kh/hard c are one letter, so are dh/th/dd/d and ph/f; ou/oo are
    u, ee/y and the e of ae are i (``qaeda``, ``qaida``); doubled letters are single and a final ``h`` is silent:
    ``qadhafi``, ``gaddafi`` and ``kadhafi`` all give ``kadafi``.  ``loose``
    also makes o a u and e an i (``hezbollah`` -> ``hizbulla``).
    """
    for pattern, replacement in _STRICT_RULES:
        word = pattern.sub(replacement, word)
    return word.translate(_LOOSE) if loose else word


def transliteration_key(word: str) -> str:
    """The sound spelling with every run of vowels as one ``a``: the coarse key that proposes candidates."""
    return _VOWELS.sub("a", sound_spelling(word))


def distance_bound(word: str) -> int:
    """How many edits two spellings of a name may differ by: 1 up to 6 letters, 2 up to 10, then 3."""
    return 1 if len(word) <= 6 else 2 if len(word) <= 10 else 3


def close_spellings(first: str, second: str) -> bool:
    """Whether two words may spell one name, by their letters alone.

    They must share the key, differ by no more edits than
    :func:`distance_bound` allows and not only in their last two letters (a
    word ending).  Short words (under 8 letters) must have the same loose
    sound spelling (``mostafa``, ``moustafa``); long ones the same loose
    sound spelling but for at most one vowel in the same place
    (``hizbullah``, ``hizballah``).
    """
    if transliteration_key(first) != transliteration_key(second):
        return False
    return close_in_key(first, second, sound_spelling(first, loose=True), sound_spelling(second, loose=True))


def close_in_key(first: str, second: str, loose_first: str, loose_second: str) -> bool:
    """:func:`close_spellings` for two words known to share the key, given their loose sound spellings.

    Learning compares hundreds of thousands of pairs within keys
    (:func:`cables.index.variants.candidates_by_key`), so it works out each
    word's loose spelling once instead of twice for every pair it is in.
    """
    if first[:-2] == second[:-2] or first.startswith(second) or second.startswith(first):
        return False
    if min(len(first), len(second)) < LONG_NAME:
        alike = loose_first == loose_second
    else:
        alike = len(loose_first) == len(loose_second) and sum(x != y for x, y in zip(loose_first, loose_second, strict=True)) <= 1
    return alike and edit_distance(first, second) <= distance_bound(min(first, second, key=len))  # the costly test last


def respelling(typed: str, indexed: str) -> bool:
    """Whether a word no cable holds may be an indexed word of its key spelt another way.

    Close in letters (:func:`close_spellings`), or the same once the
    transliteration rules have made doubled letters single and dropped a
    final h, and as few edits apart (``mukallah`` and ``mukalla``, ``saadah``
    and ``saada``; not ``comittee`` and ``comity``): learning refuses that
    pair between two indexed words, one of which only extends the other, but
    for a typed word that matches nothing the cables' spelling is the
    likelier meaning.
    """
    if close_spellings(typed, indexed):
        return True
    if sound_spelling(typed) != sound_spelling(indexed):
        return False
    return edit_distance(typed, indexed) <= distance_bound(min(typed, indexed, key=len))


def name_respelling(typed: str, member: str) -> bool:
    """Whether a word no cable holds may be a member of a learned spelling group spelt another way.

    A :func:`respelling`, or the same word once the loose transliteration
    rules have respelt both, however many letters that changed (``khadafy``
    and ``qadhafi`` are both ``kadafi``).  Only against a name the cables
    already spell several ways: against any indexed word the loose rules
    take a typo for another English word (``loging`` for ``locking``).
    """
    return respelling(typed, member) or sound_spelling(typed, loose=True) == sound_spelling(member, loose=True)


class VariantTable:
    """The variant table of an index, looked up by a query word's stems.

    Opening parses the JSON and files each group's number under its members'
    stems (and a spelling group's key); a group is made only when a lookup
    finds it, since a query meets a few of the thousand groups of a full-size table.
    """

    def __init__(self, folder: Path) -> None:
        path = folder / TABLE_FILE
        self._items: list[dict] = json.loads(path.read_text(encoding="utf-8")) if path.exists() else []
        self._made: dict[int, Group] = {}
        self._by_stems: dict[tuple[str, ...], list[int]] = defaultdict(list)
        self._by_key: dict[str, list[int]] = defaultdict(list)
        for number, item in enumerate(self._items):
            kind, key = item["kind"], item["key"]  # a malformed table fails here, as the index opens
            for _, stems, _ in item["members"]:
                self._by_stems[tuple(stems_of(stems))].append(number)
            if kind == "spelling":
                self._by_key[key].append(number)
        self.longest = max((len(stems) for stems in self._by_stems), default=1)

    def _group(self, number: int) -> Group:
        """The group filed as ``number``, made on first use."""
        group = self._made.get(number)
        if group is None:
            item = self._items[number]
            members = tuple(Member(word, tuple(stems), family) for word, stems, family in item["members"])
            group = self._made[number] = Group(item["kind"], members, item["key"])
        return group

    @property
    def groups(self) -> list[Group]:
        """Every group of the table, in its order."""
        return [self._group(number) for number in range(len(self._items))]

    def groups_of(self, stems: tuple[str, ...]) -> list[Group]:
        """The groups holding a member with exactly these stems."""
        return [self._group(number) for number in self._by_stems.get(stems, ())]

    def spellings_of_rare(self, word: str) -> list[Group]:
        """The spelling groups a rare indexed word is a member of by the loose rules alone, first letter kept.

        Learning saw the word and found too little evidence to join it
        (``meshal``, one corpus cable, and ``mishal``), so its letters must
        say more than for a word no cable holds: the loose rules, not mere
        closeness (``kuczynski`` and ``kaczynski`` are two men a letter
        apart), and the same first letter (``gunduz`` is not ``kunduz``).
        """
        loose = sound_spelling(word, loose=True)
        return [
            group
            for group in self._same_key(word)
            if any(
                member.word[:1].lower() == word[:1] and sound_spelling(member.word.lower(), loose=True) == loose for member in group.members
            )
        ]

    def spellings_of_unknown(self, word: str) -> list[Group]:
        """The spelling groups an unindexed word (``kadhafi``) is a variant of: same key and a respelling of a member.

        All of them: a learned group and a curated row may both hold the name.
        """
        return [
            group
            for group in self._same_key(word)
            if any(name_respelling(word, member.content_stems[0]) or name_respelling(word, member.word.lower()) for member in group.members)
        ]

    def _same_key(self, word: str) -> list[Group]:
        """The spelling groups filed under ``word``'s transliteration key."""
        return [self._group(number) for number in self._by_key.get(transliteration_key(word), ())]
