"""Acronyms the cables define: a name written out once with its initials after it in parentheses, then the initials.

A drafter writes ``the Proliferation Security Initiative (PSI)`` once and
``PSI`` ever after, so a searcher who types the name misses every cable, and
every paragraph, that has only the initials.  The build learns these pairs
from the cables' own paragraphs and the variant table joins each name to its
acronym (a ``name`` group), as the curated table joins European Union and EU.

Only unambiguous pairs are kept: the acronym has at least :data:`MIN_LETTERS`
capitals and is no stop word, is defined in at least :data:`MIN_CABLES`
cables, and at least :data:`MIN_SHARE` of the cables defining it give it this
name (``GOB`` is the Government of Bolivia in some cables and of Brazil in
others, so it is joined to neither).  Nor is an acronym the cables write more
often as a word than in capitals (:func:`written_as_words`): ``SAO``, the
Security Assistance Officer, is mostly the ``Sao`` of Sao Paulo, which a
searcher typing ``Sao`` means.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator

from cables.index.analysis import STOP_WORDS, fold

MIN_LETTERS = 3
"""Two capitals name too many things to be joined from definitions alone (AL, the Arab League, is also Arabic's
article; EG, the Egypt tag)."""
MIN_CABLES = 2
MIN_SHARE = 0.8
LOOK_BACK = 200
"""How many characters before the parenthesis a name may start."""

ACRONYM_RE = re.compile(r"\(([A-Z][A-Za-z]{1,9})\)")
WORD_RE = re.compile(r"[A-Za-z][A-Za-z'\-]*")
CAPITALISED_RE = re.compile(r"\b[A-Z][^\W\d_]{1,9}\b")
"""A word with a capital first letter, as long as an acronym may be (the acronym itself is one too)."""
CONNECTING_WORDS = frozenset({"of", "for", "and", "the", "de", "del", "on", "in", "to"})
"""Lower-case words a name may hold between its capitalised ones (Ministry *of* Foreign Affairs); they have no
letter in the acronym."""


def definitions(text: str) -> Iterator[tuple[str, str]]:
    """Each (acronym, name) a text defines: capitalised words whose initials, in order, are the acronym's capitals,
    right before it in parentheses (``Inter-Services Intelligence (ISI)``, ``Ministry of Foreign Affairs (MFA)``)."""
    for match in ACRONYM_RE.finditer(text):
        acronym = match.group(1)
        capitals = [letter for letter in acronym if letter.isupper()]
        name = _name_before(WORD_RE.findall(text[max(0, match.start() - LOOK_BACK) : match.start()]), capitals)
        if name:
            yield acronym, name


def _name_before(words: list[str], capitals: list[str]) -> str | None:
    """The words ending ``words`` whose capitalised initials spell ``capitals``, or None when they do not."""
    needed, name = list(capitals), list[str]()
    for word in reversed(words):
        if word.lower() in CONNECTING_WORDS and name:
            name.insert(0, word)
            continue
        initials = [part[0] for part in word.split("-") if part and part[0].isupper()]
        if not word[0].isupper() or not initials or needed[-len(initials) :] != initials:
            return None
        del needed[len(needed) - len(initials) :]
        name.insert(0, word)
        if not needed:
            break
    while name and name[0].lower() in CONNECTING_WORDS:
        name.pop(0)
    if needed or len(name) < 2:
        return None
    return " ".join(name).removesuffix("'s")


def learn_acronyms(cables: Iterable[Iterable[str]]) -> list[tuple[str, str]]:
    """The (acronym, name) pairs to join, from each cable's paragraph texts, acronyms in alphabetical order; the name
    in the form most often written."""
    defining: defaultdict[str, Counter[str]] = defaultdict(Counter)
    written: defaultdict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for paragraphs in cables:
        found: dict[tuple[str, str], str] = {}
        for text in paragraphs:
            for acronym, name in definitions(text):
                found.setdefault((acronym.upper(), name.lower()), name)
        for (acronym, folded), name in found.items():
            defining[acronym][folded] += 1
            written[acronym, folded][name] += 1
    pairs = []
    for acronym, names in sorted(defining.items()):
        folded, count = names.most_common(1)[0]
        if _joinable(acronym, count, sum(names.values())):
            pairs.append((acronym, written[acronym, folded].most_common(1)[0][0]))
    return pairs


def _joinable(acronym: str, count: int, total: int) -> bool:
    """Whether an acronym defined with one name in ``count`` of the ``total`` cables defining it is joined to it."""
    return len(acronym) >= MIN_LETTERS and acronym.lower() not in STOP_WORDS and count >= MIN_CABLES and count >= MIN_SHARE * total


def written_as_words(cables: Iterable[Iterable[str]], acronyms: Iterable[str]) -> set[str]:
    """The acronyms the cables (each its paragraph texts) write more often as a word than in capitals.

    Counted in cables, over the paragraphs not wholly in capitals: a word is
    the acronym with only its first letter capital, accents aside (``Sao``,
    ``São`` for SAO; ``Rock``, ``Sir``), in at least :data:`MIN_CABLES` cables
    and in more cables than write the acronym in capitals.  A plural (``IEDs``)
    is no word, and an acronym a few drafters write British-style (``Fata`` in
    2 corpus cables, ``FATA`` in 31) stays.
    """
    wanted = {acronym.lower() for acronym in acronyms}
    as_word: Counter[str] = Counter()
    in_capitals: Counter[str] = Counter()
    for paragraphs in cables:
        words, capitals = set(), set()
        for text in paragraphs:
            if text.isupper():
                continue
            for written in CAPITALISED_RE.findall(text):
                folded = fold(written)
                if folded not in wanted:
                    continue
                if written.isupper():
                    capitals.add(folded)
                elif written[1:].islower():
                    words.add(folded)
        as_word.update(words)
        in_capitals.update(capitals)
    return {acronym for acronym, count in as_word.items() if count >= MIN_CABLES and count > in_capitals[acronym]}
