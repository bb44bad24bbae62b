"""What else a query word matches: its spellings, other names, word family and joined or split forms.

A query word (or a run of words, such as ``ivory coast`` or ``ahmadi-nejad``)
is expanded into *alternatives*: each one stem, or a phrase's stems, with a
weight.  The engine treats a word and its alternatives as one term (a
synonym set: one document frequency, frequencies summed), so a cable ranks
as if the user had typed the spelling it uses; a family member (Iranian for
Iran) counts for :data:`cables.index.varianttable.FAMILY_WEIGHT` of the exact word.

Sources, in the order tried:

* the index's variant table (:mod:`cables.index.variants`): learned spellings and
  the curated names and families;
* an unindexed word that is a spelling of a learned group (``kadhafi``), or
  else of an indexed word with the same transliteration key and close
  enough letters (``nasrullah`` -> ``nasrallah``) or the same but for
  doubled letters and a final h (``mukallah`` -> ``mukalla``): no cable holds the word
  as typed, so the cables' spelling of that name stands for it;
* a word in a few paragraphs only that learning joined to nothing, the
  spelling groups it is a member of by the loose transliteration rules,
  same first letter (``meshal`` -> ``mishal``, ``meshaal``);
* a spelling learning paired with one member of a name only, the other
  groups of that member that the transliteration rules make it one of
  (``ghaddafi``, paired with ``qaddafi``, also matches qadhafi's family);
* the other romanisation of a Slavic name's ending, where the cables hold
  it: ``Dmitry`` also matches ``dmitriy``, ``Sergei`` ``sergey``;
* a title abbreviated with its period (``amb.`` -> ``ambassador``), a British
  spelling's American one (``defence`` -> ``defense``), and a number's groups
  of three (``30000`` -> ``30 000``, as the index keeps 30,000);
* in several words meant together, Arabic's article written the other way
  (``sharm el-sheikh`` -> ``sharm al sheikh``), or left out where the name
  alone is mostly written so (``al-maliki`` -> ``maliki``);
* in several words meant together (``al-qaida``), each word's learned
  spellings, as the same phrase with that word respelt (``al qaeda``);
* compounds, decided by what the cables hold: hyphenated or spaced words
  also match their joined form when the index has it (``ahmadi-nejad`` ->
  ``ahmadinejad``), and that form's spellings and family (``ahmedinejad``),
  so a name typed in pieces finds what it finds typed whole; and a word also
  matches its two halves as a phrase when the cables write it so
  (``ahmadinejad`` -> ``ahmadi nejad``), as does each of its learned
  spellings (``ahmedinejad`` -> ``ahmadi nejad``), and the halves with a
  half respelt (``alqaeda`` -> ``al qaida``), so every spelling of a
  name finds the same cables.  Letters and digits may part at any length
  (``f16`` -> ``f 16``, ``mig29`` -> ``mig 29``), and English's electronic
  prefix is a half (``ecommerce`` -> ``e commerce``).  An abbreviation's
  letters with periods are joined too (``u.n.`` -> ``un``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cables.index.analysis import STOP_WORDS, fold, positioned, words
from cables.index.stems import StemTable
from cables.index.varianttable import (
    FAMILY_WEIGHT,
    MIN_LENGTH,
    Group,
    VariantTable,
    distance_bound,
    name_respelling,
    respelling,
    transliteration_key,
)
from cables.search.english import american_spellings

MIN_HALF = 3
MIN_UNKNOWN_HALF = 2
"""The shortest half of a word no cable holds: Korean and Chinese names' syllables (``Jongil``: Jong Il, ``Xijinping``:
Xi Jinping), which an indexed word does not part into, since its two-letter halves are mostly chance."""
RARE_SPELLING = 3
"""A word in at most this many paragraphs, in no spelling group, may be a rare spelling of a name (``meshal``)."""
IY_LENGTH = 4
"""The shortest word whose -iy, -y or -i ending is tried the other ways (Yuriy, Yuri, Yury)."""
SWAPPED_LENGTH = 6
"""The shortest word whose -ey/-ei or -ay/-ai ending is tried the other way (Sergey, Sergei; not May, Mai)."""
SWAPPED_ENDINGS = {"ey": "ei", "ei": "ey", "ay": "ai", "ai": "ay"}
ARTICLES = ("al", "el")
"""Arabic's article, shorter than :data:`MIN_HALF` but a first half all the same: the press joins it to a name
(``ElBaradei``, ``Aljazeera``) that the cables mostly write apart (``El-Baradei``, ``Al Jazeera``)."""
PREFIXES = ("e",)
"""One-letter first halves: English's electronic prefix, which the press joins (``email``, ``ecommerce``) and
the cables mostly hyphenate (``e-mail``, ``e-commerce``).  Other letters stand alone too often (``U.S.``
gives ``s``) for a split such as ``s port`` to be meant."""
PIECES_RE = re.compile(r"([-\s]+)")
"""Where a typed word or phrase parts into pieces (hyphens and spaces), the separators kept."""
ABBREVIATION_RE = re.compile(r"(?:[^\W\d_]\.){2,}|(?:[^\W\d_]\.)+[^\W\d_]")
"""Single letters each followed by a period (``U.N.``, ``E.U.``, ``U.A.E.``): an abbreviation, which the cables
also write joined (``UN``), unlike single letters parted by a slash (``d/s``, ``w/o``)."""
TITLES = {
    "adm": "admiral",
    "amb": "ambassador",
    "asst": "assistant",
    "capt": "captain",
    "col": "colonel",
    "dep": "deputy",
    "dept": "department",
    "gen": "general",
    "gov": "governor",
    "govt": "government",
    "lt": "lieutenant",
    "maj": "major",
    "min": "minister",
    "pres": "president",
    "prof": "professor",
    "rep": "representative",
    "sec": "secretary",
    "secy": "secretary",
    "sen": "senator",
    "sgt": "sergeant",
}
"""Titles a searcher abbreviates with a period (``Amb. Tefft``, ``Sec. Clinton``): the cables mostly write them
in full.  Only the typed period makes the word an abbreviation (``SEC`` without one is the regulator)."""
BARE_NAME_SHARE = 4
"""A name's word alone stands for the name typed with its article when the cables write it alone in at most this
many times the paragraphs they write it with the article: ``maliki`` (3 times ``al-Maliki``'s paragraphs in the
corpus) is the name, ``islam`` (4.7 times ``al-Islam``'s) is mostly the religion."""
EVERYDAY_JOINS = frozenset({"us", "pm", "am"})
"""Abbreviations whose letters joined are a word of running text (``U.S.``: us; ``p.m.``: PM, the prime minister),
so they are searched only as written."""
PREFIX_SHARE = 0.25
"""A one-letter first half is taken when the cables write the halves apart in at least this share of the
paragraphs that hold the word joined: ``e mail`` (136 corpus paragraphs) for ``email`` (188), not
``e migration`` (1) for ``emigration`` (55)."""


@dataclass(frozen=True)
class Alternative:
    """Another form a query word matches: one stem or a phrase's stems, its weight and the word shown for it."""

    stems: tuple[str, ...]
    weight: float
    word: str


class Expander:
    """Expands query words from one index's variant table, stem table and phrases."""

    def __init__(
        self,
        folder: Path,
        stem: StemTable,
        phrase_paragraphs: Callable[[tuple[str, ...]], int],
        indexed: Callable[[str], bool],
        paragraphs_holding: Callable[[str], int],
        vocabulary: Callable[[], list[str]],
    ) -> None:
        self.folder = folder
        self.table = VariantTable(folder)
        self.stem = stem
        self.phrase_paragraphs = phrase_paragraphs
        self.indexed = indexed
        self.paragraphs_holding = paragraphs_holding
        self.vocabulary = vocabulary
        self._letter_sets: LetterSets | None = None

    def alternatives(self, text: str) -> list[Alternative]:
        """Everything ``text`` (one word, or a few words meant together) also matches, best weight first."""
        folded = [word for word, _, _ in words(text)]
        if not folded:
            return []
        stems = tuple(self.stem(word) for word in folded)
        own, partners = self._own_groups(stems)
        letters = abbreviation_letters(text)
        if len(folded) == 1:
            more = self._one_word(text, folded[0], stems, own, partners)
        else:
            more = self._several_words(text, folded, stems, own, letters)
        found: dict[tuple[str, ...], Alternative] = {}
        for alternative in own + more:  # in this order: at equal weight the first form of a stem is the one shown
            _keep(found, alternative)
        found.pop(stems, None)
        return sorted(found.values(), key=lambda alternative: (-alternative.weight, alternative.word))

    def _own_groups(self, stems: tuple[str, ...]) -> tuple[list[Alternative], list[tuple[Group, tuple[str, ...]]]]:
        """The members of the typed words' own groups, each single-word spelling with its halves; and those spellings
        with their group, the partners :meth:`_through_partner` starts from."""
        own: list[Alternative] = []
        partners: list[tuple[Group, tuple[str, ...]]] = []
        for group in self.table.groups_of(stems):
            for alternative in _group_alternatives(group, stems):
                own.append(alternative)
                if group.kind == "spelling" and len(alternative.stems) == 1:
                    member = [word for word, _, _ in words(alternative.word)]  # folded: a curated spelling is written capitalised
                    own += self._compounds(member, alternative.stems)
                    partners.append((group, alternative.stems))
        return own, partners

    def _one_word(
        self, text: str, word: str, stems: tuple[str, ...], own: list[Alternative], partners: list[tuple[Group, tuple[str, ...]]]
    ) -> list[Alternative]:
        """What one typed word matches beyond its own groups: its partners' groups, the spellings of a word no group
        holds, the other Slavic ending, the title an abbreviation stands for, and its halves (respelt too) where the
        cables write it apart (``text`` as typed, ``word`` folded)."""
        more = [spelling for group, partner in partners for spelling in self._through_partner(word, stems, group, partner)]
        if not own:
            more += self._lone_spellings(word, stems)
        more += self._other_endings(word, stems[0])
        more += self._title(text, word)
        more += self._american(word, stems[0])
        more += self._grouped_number(word)
        more += self._dotted(text)
        for halves in self._compounds([word], stems):
            more.append(halves)
            respelt = self._respelt_phrases(halves.word.split(), halves.stems)
            more += [alternative for alternative in respelt if self.phrase_paragraphs(alternative.stems)]
        return more

    def _several_words(
        self, text: str, folded: list[str], stems: tuple[str, ...], own: list[Alternative], letters: str | None
    ) -> list[Alternative]:
        """What words meant together match beyond their own groups: the phrase respelt (when no group holds it), its
        abbreviations with periods, the other article, and the joined form with its groups' spellings (``letters``:
        an abbreviation's, ``U.N.`` is ``UN``; ``text`` as typed)."""
        more = [] if own else self._respelt_phrases(folded, stems)
        more += self._dotted(text)
        more += self._other_articles(folded)
        if not own:
            more += self._without_article(folded)
        for joined in self._compounds(folded, stems, letters):
            more.append(joined)
            more += [spelling for group in self.table.groups_of(joined.stems) for spelling in _group_alternatives(group, joined.stems)]
        return more

    def _american(self, word: str, stem: str) -> list[Alternative]:
        """The American spelling of a British one, where the cables hold it: the cables are American, and the press
        and the searchers of Britain and the Commonwealth write defence, programme, organisation, labour, centre."""
        found = []
        for american in american_spellings(word):
            american_stem = self.stem(american)
            if american_stem != stem and self.indexed(american_stem):
                found.append(Alternative((american_stem,), 1.0, american))
        return found

    def _dotted(self, text: str) -> list[Alternative]:
        """An abbreviation typed in capitals as the cables also write it with periods (``US``: U.S., ``UK``: U.K.),
        which the index keeps as single letters, alone or in a hyphenated word (``US-Russia``: U.S.-Russia);
        capitals only, since ``us`` typed so is the pronoun."""
        pieces = PIECES_RE.split(text.strip())
        dotted = "".join("".join(f"{letter}." for letter in piece) if _capitals(piece) else piece for piece in pieces)
        if dotted == "".join(pieces):
            return []
        terms = tuple(positioned(dotted, self.stem))
        return [Alternative(terms, 1.0, dotted)] if self.phrase_paragraphs(terms) else []

    def _grouped_number(self, word: str) -> list[Alternative]:
        """A number typed without separators as the cables write it, in groups of three (``30000``: 30,000, which
        the index keeps as the words 30 and 000); not a year (``2009``)."""
        if not word.isdigit() or len(word) < 4 or len(word) > 15 or (len(word) == 4 and word.startswith(("19", "20"))):
            return []
        groups = [word[max(0, end - 3) : end] for end in range(len(word), 0, -3)][::-1]
        stems = tuple(self.stem(group) for group in groups)
        return [Alternative(stems, 1.0, ",".join(groups))] if self.phrase_paragraphs(stems) else []

    def _title(self, text: str, word: str) -> list[Alternative]:
        """The title an abbreviation typed with its period stands for, where the cables hold it (``Amb.``: ambassador)."""
        title = TITLES.get(word) if text.strip().endswith(".") else None
        if title is None or not self.indexed(self.stem(title)):
            return []
        return [Alternative((self.stem(title),), 1.0, title)]

    def _lone_spellings(self, word: str, stems: tuple[str, ...]) -> list[Alternative]:
        """Spellings for a word no group holds: when no cable holds it, :meth:`_unknown_spellings`; when a few
        paragraphs do, the groups it is a rare spelling of (:meth:`VariantTable.spellings_of_rare`)."""
        if not self.indexed(stems[0]):
            return self._unknown_spellings(word, stems)
        if self.paragraphs_holding(stems[0]) <= RARE_SPELLING:
            return [alternative for group in self.table.spellings_of_rare(word) for alternative in _group_alternatives(group, stems)]
        return []

    def _through_partner(self, word: str, stems: tuple[str, ...], group: Group, partner: tuple[str, ...]) -> list[Alternative]:
        """The spellings of a partner's other spelling groups that the typed word also spells.

        Learning pairs a rare spelling with the one it confirms (``ghaddafi``
        with ``qaddafi``) and keeps the pair out of the partner's family when
        the evidence joins it to one member only, so the rare spelling found
        8 of the 244 cables its partner finds.  A partner's group is taken
        when the transliteration rules make the typed word one of its
        members (:func:`cables.index.varianttable.name_respelling`), and not
        otherwise: ``khameini`` pairs with both ``khamenei`` and ``khomeini``,
        two men, and is taken into the family of neither's partner.
        """
        found = []
        for other in self.table.groups_of(partner):
            if other is group or other.kind != "spelling":
                continue
            if any(name_respelling(word, member.word.lower()) for member in other.members if member.content_stems != partner):
                found += _group_alternatives(other, stems)
        return found

    def _unknown_spellings(self, word: str, stems: tuple[str, ...]) -> list[Alternative]:
        """Spellings the cables use for a word they never hold: its spelling groups', else same-key close words."""
        groups = self.table.spellings_of_unknown(word)
        if groups:
            return [alternative for group in groups for alternative in _group_alternatives(group, stems)]
        key = transliteration_key(word)
        if self._letter_sets is None:
            self._letter_sets = LetterSets(self.vocabulary())
        return [
            Alternative((self.stem(candidate),), 1.0, candidate)
            for candidate in self._letter_sets.few_edits_away(word)
            if transliteration_key(candidate) == key and respelling(word, candidate) and self.indexed(self.stem(candidate))
        ]

    def _other_endings(self, word: str, stem: str) -> list[Alternative]:
        """The word with the other romanisation of a Slavic name's ending, where the cables hold it.

        The State Department writes -ий and -ей as -iy and -ey (Dmitriy,
        Zhirinovskiy, Sergey), the press -y or -i and -ei (Dmitry, Zhirinovsky,
        Sergei); -ай is -ay or -ai (Nikolay, Nikolai).  Learning leaves such
        pairs out, as words apart only in their ending.  No English word ends
        in -iy, and no English word of six letters or more is spelt both ways
        in the shared corpus, so the two forms are one name whenever the cables hold both.
        """
        others = []
        if len(word) >= IY_LENGTH:
            if word.endswith("iy"):
                others += [word[:-2] + "y", word[:-2] + "i"]
            elif word.endswith(("y", "i")) and not word.endswith(("ey", "ay", "ei", "ai")):
                others.append(word[:-1] + "iy" if word.endswith("y") else word + "y")
        if len(word) >= SWAPPED_LENGTH and word[-2:] in SWAPPED_ENDINGS:
            others.append(word[:-2] + SWAPPED_ENDINGS[word[-2:]])
        found = []
        for other in others:
            other_stem = self.stem(other)
            if other_stem != stem and self.indexed(other_stem):
                found.append(Alternative((other_stem,), 1.0, other))
        return found

    def _other_articles(self, folded: list[str]) -> list[Alternative]:
        """Words meant together with Arabic's article written the other way, and that form's spellings and joined form.

        The article of a name is romanised al or el (``Sharm el-Sheikh``,
        ``Sharm al-Sheikh``; ``al-Baradei``, ``ElBaradei``), by the cables as
        by the press, so a name typed with one finds the cables writing the
        other, as the other would find them.  Only forms the cables hold are
        kept: a word with alternatives is matched and scored as one term, not
        as its words, so a form no cable writes would change the ranking for nothing.
        """
        found = []
        for position, word in enumerate(folded):
            if word in ARTICLES:
                form = folded[:position] + [ARTICLES[1 - ARTICLES.index(word)]] + folded[position + 1 :]
                stems = tuple(self.stem(each) for each in form)
                respelt = [Alternative(stems, 1.0, " ".join(form)), *self._respelt_phrases(form, stems)]
                found += [alternative for alternative in respelt if self.phrase_paragraphs(alternative.stems)]
                found += self._compounds(form, stems)
        return found

    def _without_article(self, folded: list[str]) -> list[Alternative]:
        """A name typed with Arabic's article, as the cables also write it without (``al-Assad``: Assad, as
        ``Bashar al-Assad`` is also President Asad), with the name's spellings; only when the word alone is mostly
        that name (see :data:`BARE_NAME_SHARE`).  Not for a name of the variant table (``El Salvador`` is no
        Salvador): the caller passes only words no group holds together."""
        if len(folded) != 2 or folded[0] not in ARTICLES or folded[1] in STOP_WORDS:
            return []
        name = self.stem(folded[1])
        with_article = max(self.phrase_paragraphs((self.stem(article), name)) for article in ARTICLES)
        if not with_article or self.paragraphs_holding(name) > BARE_NAME_SHARE * with_article:
            return []
        return [Alternative((name,), 1.0, folded[1])] + [
            spelling for group in self.table.groups_of((name,)) for spelling in _group_alternatives(group, (name,))
        ]

    def _respelt_phrases(self, folded: list[str], stems: tuple[str, ...]) -> list[Alternative]:
        """The typed words as a phrase with one word replaced by one of its learned spellings."""
        phrases = []
        for position, word_stem in enumerate(stems):
            for group in self.table.groups_of((word_stem,)):
                if group.kind != "spelling":
                    continue
                for member in group.members:
                    if member.stems != (word_stem,):
                        respelt = stems[:position] + member.stems + stems[position + 1 :]
                        shown = " ".join(folded[:position] + [member.word] + folded[position + 1 :])
                        phrases.append(Alternative(respelt, 1.0, shown))
        return phrases

    def _compounds(self, folded: list[str], stems: tuple[str, ...], letters: str | None = None) -> list[Alternative]:
        """The joined form of several words (or of an abbreviation's ``letters``, its stop words too: ``U.A.E.``), or
        the halves of one word, where the cables use them."""
        if len(folded) > 1:
            if not (letters or _may_join(folded)):
                return []
            joined = letters or "".join(folded)
            found = self.stem.lookup(joined)
            return [Alternative((found,), 1.0, joined)] if found is not None and self.indexed(found) else []
        halves = []
        word = folded[0]
        for cut in _cuts(word, MIN_HALF if self.indexed(stems[0]) else MIN_UNKNOWN_HALF):
            first, second = word[:cut], word[cut:]
            if first in STOP_WORDS or second in STOP_WORDS:
                continue
            first_stem, second_stem = self.stem.lookup(first), self.stem.lookup(second)
            if first_stem is None or second_stem is None:
                continue
            apart = self.phrase_paragraphs((first_stem, second_stem))
            if apart and (cut > 1 or _letters_from_digits(word, cut) or apart >= PREFIX_SHARE * self.paragraphs_holding(stems[0])):
                halves.append(Alternative((first_stem, second_stem), 1.0, f"{first} {second}"))
        return halves

    def joinable(self, text: str) -> bool:
        """True when a run of words is one name of the variant table or a compound the index holds joined."""
        folded = [word for word, _, _ in words(text)]
        if len(folded) < 2 or len(folded) > self.table.longest:
            return False
        if self.table.groups_of(tuple(self.stem(word) for word in folded)):
            return True
        if not _may_join(folded):
            return False
        joined = self.stem.lookup("".join(folded))
        return joined is not None and self.indexed(joined)


def abbreviation_letters(text: str) -> str | None:
    """The letters of an abbreviation written with periods, folded and joined (``U.N.`` -> ``un``), or None; None
    too when the letters joined are an everyday word (``U.S.`` is not the ``us`` of "told us")."""
    if not ABBREVIATION_RE.fullmatch(text.strip()):
        return None
    letters = fold(text.strip().replace(".", ""))
    return None if letters in EVERYDAY_JOINS else letters


def _capitals(piece: str) -> bool:
    """Whether a typed piece is an abbreviation in capitals of two to four letters (``US``, ``UK``, ``NATO``)."""
    return 2 <= len(piece) <= 4 and piece.isascii() and piece.isalpha() and piece.isupper()


def _may_join(pieces: list[str]) -> bool:
    """Whether words written apart may be one word written joined: not numbers only (``9/11`` is not ``911``,
    ``1/2`` not ``12``), nor single letters only (``w/o``, ``d/s`` is not ``ds``), nor with ``us`` (``US embassy``
    is no ``usembassy``, a web host's name, and must not be narrowed to the few cables writing it)."""
    return (
        not all(piece.isdigit() for piece in pieces)
        and not all(len(piece) == 1 and piece.isalpha() for piece in pieces)
        and not any(piece in EVERYDAY_JOINS for piece in pieces)
    )


def _cuts(word: str, shortest: int = MIN_HALF) -> list[int]:
    """Where one typed word may part into two halves the cables write apart, in order.

    Halves of ``shortest`` letters or more; Arabic's article or the
    electronic prefix before the rest; and letters from digits at any length,
    since model and group names are written both ways (``F16``, ``F-16``).
    """
    cuts = set(range(shortest, len(word) - shortest + 1))
    if word[:2] in ARTICLES and len(word) >= 2 + MIN_HALF:
        cuts.add(2)
    if word[:1] in PREFIXES and len(word) > MIN_HALF:
        cuts.add(1)
    cuts.update(cut for cut in range(1, len(word)) if _letters_from_digits(word, cut))
    return sorted(cuts)


def _letters_from_digits(word: str, cut: int) -> bool:
    """Whether ``cut`` parts letters from digits in ``word`` (``f|16``, ``16|s``)."""
    return word[cut - 1].isdigit() != word[cut].isdigit()


class LetterSets:
    """The vocabulary's plain words (ASCII letters, long enough to respell) with their lengths and sets of letters.

    Built once per index, when a query first holds a word no cable holds, so
    that each such word costs one pass of array arithmetic over the
    vocabulary rather than a Python loop over its 73,000 words: a pasted
    query of 400 unknown words took 48 s, nearly all of it in that loop.
    """

    def __init__(self, vocabulary: list[str]) -> None:
        self.words = [word for word in vocabulary if word.isascii() and word.isalpha() and len(word) >= MIN_LENGTH]
        self.lengths = np.fromiter(map(len, self.words), dtype=np.int32, count=len(self.words))
        self.masks = np.fromiter(map(_letter_mask, self.words), dtype=np.uint32, count=len(self.words))
        longest = int(self.lengths.max(initial=0))
        self.bounds = np.array([distance_bound("x" * length) for length in range(longest + 1)], dtype=np.int32)
        """The edit bound of a word of each length (it depends on the length alone)."""

    def few_edits_away(self, word: str) -> list[str]:
        """The words that may be as few edits from ``word`` as a respelling allows (in vocabulary order).

        A cheap test that never drops one: two words at most ``d`` edits apart
        (:func:`cables.index.varianttable.distance_bound`, ``d`` set by the
        shorter word) differ in length by at most ``d``, and in their sets of
        letters by at most ``2d`` (an edit adds or removes at most one letter
        of each set).  A letter of ``word`` outside a-z is in no candidate's set.
        """
        size = len(word)
        bound = self.bounds[np.minimum(self.lengths, size)]
        others = len({letter for letter in word if not "a" <= letter <= "z"})
        differ = np.bitwise_count(self.masks ^ np.uint32(_letter_mask(word))).astype(np.int32) + others
        close = (np.abs(self.lengths - size) <= bound) & (differ <= 2 * bound)
        return [self.words[index] for index in np.flatnonzero(close)]


def _letter_mask(word: str) -> int:
    """The set of a word's letters a-z as bits (others are left out)."""
    mask = 0
    for letter in word:
        if "a" <= letter <= "z":
            mask |= 1 << (ord(letter) - 97)
    return mask


def _group_alternatives(group: Group, stems: tuple[str, ...]) -> list[Alternative]:
    """A group's members as alternatives for a query that is the member with ``stems`` (or close to one).

    In a family, a member of the other role (the adjective for a name, the
    name for an adjective) weighs :data:`FAMILY_WEIGHT`; all else weighs 1.
    """
    typed = next((member for member in group.members if member.content_stems == stems), None)
    typed_family = typed.family if typed is not None else False
    return [
        Alternative(member.stems, FAMILY_WEIGHT if group.kind == "family" and member.family != typed_family else 1.0, member.word)
        for member in group.members
        if member.content_stems != stems
    ]


def _keep(found: dict[tuple[str, ...], Alternative], alternative: Alternative) -> None:
    """Add an alternative, keeping the higher weight when its stems are already there."""
    held = found.get(alternative.stems)
    if held is None or held.weight < alternative.weight:
        found[alternative.stems] = alternative
