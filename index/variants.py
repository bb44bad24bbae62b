"""The variant table: spellings, word families and other names that a query word also matches.

Three kinds of group, written into each index generation as ``variants.json``:

* ``spelling``: transliteration and spelling variants of names (Qadhafi,
  Qaddafi, Gaddafi), learned at build time from the index's own vocabulary
  by one general rule: a transliteration key proposes candidates, an edit
  distance bounds them, and the cables confirm them: a rare word beside
  both (a name's other part), or, when their cables mostly concern
  countries written in another script than Latin (``data/scripts.tsv``),
  the contexts they are used in (the words of the paragraphs that hold
  them, and the tags of their cables); a spelling written mostly in lower
  case in mixed-case text is an ordinary word and is never merged.
* ``name``: other names of one place or body (Burma, Myanmar; European Union, EU), from
  the curated table below or from the acronyms the cables define
  (:mod:`cables.index.acronyms`: Proliferation Security Initiative, PSI), and
* ``family``: a country's name with its adjectives and demonyms (Iran,
  Iranian), both from the curated table ``index/data/names.tsv`` tied to the
  tag glossary's country and organisation codes (sources in ``index/data/TAGS_SOURCES.md``);
  also two words the stemmer keeps apart that differ by an English
  derivational ending of ``index/data/derivations.tsv`` (pirates, piracy),
  when the cables confirm them: the rarer one's cables mostly hold the
  other, far more often than chance would have it.

A member is one word or a phrase (``cote d'ivoire``), kept with its stems so
a search never stems it again.  This module learns and writes the table; a
search reads it with :mod:`cables.index.varianttable`, which also holds the
groups and the spelling keys both sides use.
"""

from __future__ import annotations

import json
import math
import multiprocessing
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from cables.index.acronyms import learn_acronyms, written_as_words
from cables.index.analysis import STOP_WORDS, TOKEN_RE, indexable, normalise, positioned
from cables.index.varianttable import MIN_LENGTH, TABLE_FILE, Group, Member, close_in_key, sound_spelling, transliteration_key

if TYPE_CHECKING:
    from cables.index.cablearrays import CableArrays
    from cables.index.recordstore import RecordStore
    from cables.index.termarrays import SegmentArrays

NAMES_FILE = Path(__file__).parent / "data" / "names.tsv"
SPELLINGS_FILE = Path(__file__).parent / "data" / "spellings.tsv"
DERIVATIONS_FILE = Path(__file__).parent / "data" / "derivations.tsv"
SCRIPTS_FILE = Path(__file__).parent / "data" / "scripts.tsv"
LATIN = "Latn"
SAMPLE_PARAGRAPHS = 12
BATCH_STEMS = 2_000  # candidate stems whose evidence learning holds at once
REMAP_AFTER = 32_000_000  # document numbers read between two mappings of the posting lists: 64-128 MB of pages
FAULT_AROUND = 32_768  # a lookup touching one page of a list maps up to 64 KB around it (Linux fault-around): 32,768 16-bit numbers
MIN_CONTEXT = 0.16  # measured: 0.17 lost gaddafi/qadhafi (0.168) on the bundled cables; 0.16-0.17 adds ~14 right pairs to 3 wrong on seeds
MIN_PLACES = 0.1  # with MIN_CHARACTER, chosen on 200 judged corpus pairs, measured on held-out ones (bench/variants/RESULTS.md)
MIN_CHARACTER = 0.08
MIN_OTHER_SCRIPT = 0.6  # chosen on the judged pairs of rounds 1-3, measured on a fresh sample (bench/variants/RESULTS.md, fourth round)
MAX_NEIGHBOUR_SHARE = 0.02
CHARACTER_COUNT = 2
MIN_CAPITALISED = 0.6
MAX_CAPITALS = 0.5
MAX_WORD_CAPITALS = 0.1  # a word written in capitals this rarely beside an acronym is another word (Asian, ASEAN)
MAX_ACRONYM_LETTERS = 5  # longer words written in capitals are mostly surnames, which some posts write so (MUSTAFA)
MIN_SHARED_CABLES = 3
WORD_SAMPLE = 5_000  # cables read for acronyms written as words: about 2 s, all of the shared corpus
MIN_SHARED_SHARE = 0.5
MIN_LIFT = 5.0

_INITIAL_SOUNDS = ({"q", "k", "kh", "c"}, {"q", "g", "gh"}, {"f", "ph"})


class Contexts:
    """Where a stem is used: its cables' tags and the words of (a sample of) its paragraphs."""

    def __init__(self, folder: Path) -> None:
        from cables.index.cablearrays import load_arrays
        from cables.index.recordstore import RECORDS_FILE, RecordStore
        from cables.index.store import WHOOSH_FOLDER
        from cables.index.unpickling import open_index

        self.folder = folder
        self.arrays = load_arrays(folder)
        self.records = RecordStore(folder / RECORDS_FILE)
        ix = open_index(folder / WHOOSH_FOLDER)
        with ix.reader() as reader:
            self._leaves = [(leaf.segment().segment_id(), leaf.doc_count_all(), offset) for leaf, offset in reader.leaf_readers()]
        ix.close()
        self.segments: list[tuple[SegmentArrays, int]] = []
        self.remap()
        self._rarity: dict[str, float] = {}
        self._cable_counts: dict[str, int] = {}
        self._origin_features = [f"origin:{origin}" for origin in range(len(self.arrays.vocabulary["origin"]))]
        self._tag_features = [f"tag:{name}" for name in self.arrays.vocabulary["tag"]]
        self._tag_lengths = np.diff(self.arrays.cable_tag_start)
        live = np.flatnonzero(self.arrays.cable_valid)
        held = self.places(live)
        self._place_rarity = {feature: math.log(len(live) / count) for feature, count in held.items()}
        ids = {ordinal: cable_id for cable_id, (ordinal, _, _) in self.records.sources().items()}
        self._rank = np.zeros(len(self.arrays.cable_valid), dtype=np.int64)
        for rank, ordinal in enumerate(sorted(ids, key=ids.__getitem__)):
            self._rank[ordinal] = rank

    def remap(self) -> None:
        """Map the segments' posting lists afresh (see :meth:`postings`)."""
        from cables.index.store import WHOOSH_FOLDER
        from cables.index.termarrays import SegmentArrays

        self.segments = [
            (SegmentArrays(self.folder / WHOOSH_FOLDER, segment, "body", count), offset) for segment, count, offset in self._leaves
        ]
        self._read = 0

    def postings(self, stem: str) -> np.ndarray:
        """The paragraph documents holding a stem in every segment, deleted or not, numbered over all segments.

        The pages of a mapped file that a lookup touched count in this
        process's resident memory for as long as the file stays mapped; at
        full size the lists of the common words beside candidate names,
        and the pages mapped around every short list looked up, added up to
        most of the body field (636 MB).  So the lists are mapped afresh
        once :data:`REMAP_AFTER` document numbers have been read, counting
        :data:`FAULT_AROUND` for each segment looked up.
        """
        parts = [arrays.lookup(stem)[0].astype(np.int64) + offset for arrays, offset in self.segments]
        docs = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
        self._read += len(docs) + FAULT_AROUND * len(parts)
        if self._read > REMAP_AFTER:
            self.remap()
        return docs

    def close(self) -> None:
        """Release the record store."""
        self.records.close()

    def docs(self, stem: str) -> np.ndarray:
        """The live paragraph documents holding a stem, ordered by cable id and paragraph.

        The order does not depend on how the build laid out its segments
        (``--jobs``), so the paragraphs sampled from it, and the table
        learned, are the same for the same cables.
        """
        docs = self.postings(stem)
        docs = docs[self.arrays.doc_cable[docs] >= 0]
        return docs[np.lexsort((self.arrays.doc_position[docs], self._rank[self.arrays.doc_cable[docs]]))]

    def cables(self, stem: str) -> np.ndarray:
        """The live cables holding a stem, in ordinal order, each once."""
        cables = self.arrays.doc_cable[self.postings(stem)]
        return distinct(cables[cables >= 0], len(self.arrays.cable_valid))

    def held_by_few(self, stem: str, most: float) -> bool:
        """Whether at most ``most`` cables hold a stem; one in at most that many paragraphs is, and its list is not read."""
        if stem not in self._cable_counts and sum(arrays.count(stem) for arrays, _ in self.segments) <= most:
            return True
        return self.cable_count(stem) <= most

    def cable_count(self, stem: str) -> int:
        """How many cables hold a stem (remembered as a number: a common word's cables would fill memory at full size)."""
        if stem not in self._cable_counts:
            self._cable_counts[stem] = len(self.cables(stem))
        return self._cable_counts[stem]

    def places(self, cables: np.ndarray) -> Counter[str]:
        """Where a stem is used: the origins and tags (``origin:N``, ``tag:NAME``) of the cables holding it
        (:meth:`cables`, each once), each feature counted once a cable."""
        arrays = self.arrays
        first, lengths = arrays.cable_tag_start[cables], self._tag_lengths[cables]
        ends = np.cumsum(lengths)
        entries = np.repeat(first - ends + lengths, lengths) + np.arange(ends[-1] if len(ends) else 0)
        given = arrays.cable_tags[entries]  # a cable's tags are distinct: its arrays hold them as a sorted set
        found: Counter[str] = Counter()
        for features, counts in (
            (self._origin_features, np.bincount(arrays.cable_origin[cables], minlength=len(self._origin_features))),
            (self._tag_features, np.bincount(given, minlength=len(self._tag_features))),
        ):
            found.update({features[code]: int(counts[code]) for code in np.flatnonzero(counts).tolist()})
        return found

    def place_agreement(self, first: Counter[str], second: Counter[str]) -> float:
        """The cosine of two place profiles, each feature weighted by its rarity among the cables.

        Unlike the sampled paragraphs, this reads every cable of both
        spellings, so a spelling held by one cable is judged by all the
        cables of the other.
        """

        def vector_length(profile: Counter[str]) -> float:
            return math.sqrt(sum((count * self._place_rarity.get(f, 0.0)) ** 2 for f, count in profile.items()))

        lengths = vector_length(first) * vector_length(second)
        shared = sum(first[f] * second[f] * self._place_rarity.get(f, 0.0) ** 2 for f in first.keys() & second.keys())
        return shared / lengths if lengths else 0.0

    def character_share(self, common: Counter[str], rare: Counter[str]) -> float | None:
        """How much of what characterises the commoner spelling's paragraphs the rarer one's share.

        The characteristic features are those seen in at least
        :data:`CHARACTER_COUNT` sampled paragraphs, weighted by count and
        rarity (Libya and Tripoli for Qadhafi); None when it has none.
        """
        recurring = {f: n * self._rarity.get(f, 0.0) for f, n in common.items() if n >= CHARACTER_COUNT}
        total = sum(recurring.values())
        return sum(weight for f, weight in recurring.items() if f in rare) / total if total else None

    def _read_paragraphs(self, cable: int) -> list[tuple[str, list[str]]]:
        """A cable's paragraphs' texts, each with the cable's tags."""
        record = self.records.record(cable)
        return [(paragraph["text"], record["tags"]) for paragraph in record["paragraphs"]]

    def sample(self, stem: str) -> np.ndarray:
        """The paragraph documents a stem's profile reads: :data:`SAMPLE_PARAGRAPHS` spread evenly over its :meth:`docs`."""
        docs = self.docs(stem)
        return docs[:: max(1, len(docs) // SAMPLE_PARAGRAPHS)][:SAMPLE_PARAGRAPHS]

    def profile(self, stem: str, spellings: set[str]) -> tuple[Counter[str], float | None, float, set[str]]:
        """The context of a stem (the words of its paragraphs and its cables' tags, counted), the share
        of its occurrences in mixed-case text that are capitalised (None when it was never seen so),
        the share written in capitals throughout, as an acronym is (0 when never seen), and the words
        beside it (:func:`beside`), all from the same sampled paragraphs (:meth:`sample`)."""
        return self.profiles({stem: spellings})[stem]

    def profiles(self, spellings: dict[str, set[str]]) -> dict[str, tuple[Counter[str], float | None, float, set[str]]]:
        """The :meth:`profile` of each stem (with its spellings), every sampled paragraph read and split once.

        The paragraphs are read in cable order, each cable's record once,
        whichever stems sample it; each stem still meets its own paragraphs
        in the order of its :meth:`docs`.
        """
        running = {stem: Profile(words) for stem, words in spellings.items()}
        readers: dict[int, list[Profile]] = defaultdict(list)
        for stem, profile in running.items():
            for doc in self.sample(stem).tolist():
                readers[doc].append(profile)
        docs = np.array(sorted(readers), dtype=np.int64)
        cables = self.arrays.doc_cable[docs]
        cable, paragraphs = -1, []
        for doc in docs[np.lexsort((self.arrays.doc_position[docs], self._rank[cables]))].tolist():
            if int(self.arrays.doc_cable[doc]) != cable:
                cable = int(self.arrays.doc_cable[doc])
                paragraphs = self._read_paragraphs(cable)
            position = int(self.arrays.doc_position[doc])
            text, tags = paragraphs[position] if position < len(paragraphs) else ("", [])
            paragraph = Paragraph.split(text, tags)
            for profile in readers.pop(doc):
                profile.add(paragraph)
        return {stem: profile.result() for stem, profile in running.items()}

    def count_features(self, seen: Counter[str], profiles: int) -> None:
        """Learn how common each context feature is among the profiles (in how many of them it was
        ``seen``), so shared common words weigh little."""
        self._rarity = {feature: math.log(1 + profiles / count) for feature, count in seen.items()}

    def overlap(self, first: Counter[str], second: Counter[str]) -> float:
        """How much of the smaller context the other one shares, each feature weighted by its rarity."""

        def weight(features) -> float:
            return sum(self._rarity.get(feature, 0.0) for feature in features)

        smaller = min(weight(first), weight(second))
        return weight(first.keys() & second.keys()) / smaller if smaller else 0.0


def distinct(values: np.ndarray, size: int) -> np.ndarray:
    """The distinct values, sorted, of an array of integers in ``range(size)`` (``np.unique``'s result).

    A common word's cables are hundreds of thousands of numbers: marking
    them in an array of ``size`` flags costs a fraction of hashing them, which
    took a quarter of a full-size index's learning.
    """
    if len(values) * 8 < size:
        return np.unique(values)
    seen = np.zeros(size, dtype=bool)
    seen[values] = True
    return np.flatnonzero(seen).astype(values.dtype, copy=False)


def beside(found: list[str], spellings: set[str]) -> set[str]:
    """The words just before (``<word``) and after (``>word``) the spellings in a paragraph's words.

    A name's other parts stand beside it whatever its spelling (Youssef
    Boutros and Yousef Boutros; Hisham Youssef and Hisham Yousef), which is
    evidence when the paragraphs around two first names of many people share
    little else.
    """
    near = set()
    for position, word in enumerate(found):
        if word in spellings:
            if position > 0:
                near.add(f"<{found[position - 1]}")
            if position + 1 < len(found):
                near.add(f">{found[position + 1]}")
    return near - {f"{side}{word}" for side in "<>" for word in spellings}


_normalised = lru_cache(maxsize=1 << 18)(normalise)
"""A token's normalised form, memoised: learning looks up every alphabetic token of every sampled paragraph
(about 2.4 million on the shared corpus), mostly the same few thousand words."""


@dataclass
class Paragraph:
    """A sampled paragraph split once for every stem that samples it: its words, its cables' tags, and
    its tokens by normalised word (only when the text is in mixed case, where case tells names apart)."""

    found: list[str]
    distinct: set[str]
    tags: list[str]
    tokens: dict[str, list[str]]

    @classmethod
    def split(cls, text: str, tags: list[str]) -> Paragraph:
        """Split a paragraph's text."""
        tokens = TOKEN_RE.findall(text)
        found = indexable(tokens)  # the words themselves, unstemmed
        by_word: dict[str, list[str]] = defaultdict(list)
        if any(map(str.islower, text)):
            for token in tokens:
                if token[0].isalpha():
                    by_word[_normalised(token)].append(token)
        return cls(found, set(found), tags, by_word)


class Profile:
    """One stem's :meth:`Contexts.profile`, gathered paragraph by paragraph."""

    def __init__(self, spellings: set[str]) -> None:
        self.spellings = spellings
        self.context: Counter[str] = Counter()
        self.neighbours: set[str] = set()
        self.upper = self.lower = self.capitals = 0

    def add(self, paragraph: Paragraph) -> None:
        """Count one sampled paragraph: its other words and tags, the words beside the stem, and the stem's case."""
        self.context.update(paragraph.distinct - self.spellings)
        self.neighbours |= beside(paragraph.found, self.spellings)
        self.context.update(f"tag:{tag}" for tag in paragraph.tags)
        for spelling in self.spellings:
            for token in paragraph.tokens.get(spelling, ()):
                self.upper += token[0].isupper()
                self.lower += token[0].islower()
                self.capitals += token.isupper()

    def result(self) -> tuple[Counter[str], float | None, float, set[str]]:
        """The context, the capitalised share (None when never seen in mixed case), the capitals share, the neighbours."""
        seen = self.upper + self.lower
        return self.context, self.upper / seen if seen else None, self.capitals / seen if seen else 0.0, self.neighbours


def read_scripts(path: Path = SCRIPTS_FILE) -> dict[str, str]:
    """The writing system of each country code of the tag glossary: code -> ISO 15924 script (``Latn``, ``Arab``).

    Raises ValueError on a bad row.
    """
    scripts = {}
    for number, line in _table_lines(path, "code\tiso\tscript"):
        fields = line.split("\t")
        if len(fields) != 3 or len(fields[0]) != 2 or len(fields[2]) != 4 or not fields[2].isalpha():
            raise ValueError(f"{path}:{number}: expected a country code, an ISO 3166 code or -, and a script code separated by tabs")
        scripts[fields[0]] = fields[2]
    return scripts


def other_script_shares(arrays: CableArrays, path: Path = SCRIPTS_FILE) -> np.ndarray:
    """For each cable, the share of its country tags whose country writes its main language in another script than Latin.

    NaN for a cable with no country tag.  A name spelt two ways in cables
    about Libya or Iran was romanised from another script, where spellings
    vary; two spellings used about Latin-script countries are more often two
    names (Hermann and Herrmann, Guiana and Guyana).
    """
    scripts = read_scripts(path)
    other = {code: scripts[name] != LATIN for code, name in enumerate(arrays.vocabulary["tag"]) if name in scripts}
    shares = np.full(len(arrays.cable_valid), np.nan)
    for cable in np.flatnonzero(arrays.cable_valid).tolist():
        countries = [other[tag] for tag in tags_of(arrays, cable) if tag in other]
        if countries:
            shares[cable] = sum(countries) / len(countries)
    return shares


def tags_of(arrays: CableArrays, cable: int) -> list[int]:
    """A cable's tags, as codes of the arrays' tag vocabulary."""
    return arrays.cable_tags[arrays.cable_tag_start[cable] : arrays.cable_tag_start[cable + 1]].tolist()


def summed_shares(shares: np.ndarray, cables: np.ndarray) -> tuple[float, int]:
    """The summed :func:`other_script_shares` of some cables (:meth:`Contexts.cables`) that have one, and how many have one."""
    held = shares[cables]
    held = held[~np.isnan(held)]
    return float(held.sum()), len(held)


def names_by_case(first: float | None, second: float | None) -> bool:
    """True when mixed-case text shows both spellings as names: some evidence, none of it mostly lower case."""
    known = [share for share in (first, second) if share is not None]
    return bool(known) and min(known) >= MIN_CAPITALISED


def acronyms_apart(first: str, second: str, capitals: tuple[float, float]) -> bool:
    """True when one word is mostly written in capitals and the other differs in its first letter or is almost never
    written so.

    The transliteration key makes c, g, k and q one letter, which is right
    for romanised names (Qadhafi, Gaddafi) but not for acronyms, where an
    initial letter names another body (CAFTA, GAFTA); and an acronym (of
    :data:`MAX_ACRONYM_LETTERS` letters at most: some posts write surnames
    in capitals) is no spelling of the word its letters nearly make (ASEAN,
    Asian).
    """
    if max(capitals) <= MAX_CAPITALS:
        return False
    acronym = first if capitals[0] >= capitals[1] else second
    return first[0] != second[0] or (min(capitals) < MAX_WORD_CAPITALS and len(acronym) <= MAX_ACRONYM_LETTERS)


def spelling_candidates(words_by_stem: dict[str, set[str]]) -> list[tuple[str, str]]:
    """Pairs of indexed stems that may spell one name: same key, close, long enough, alphabetic."""
    return [pair for pairs in candidates_by_key(words_by_stem).values() for pair in pairs]


def candidates_by_key(stems: Iterable[str]) -> dict[str, list[tuple[str, str]]]:
    """The :func:`spelling_candidates` among some stems, by transliteration key (only keys that have some).

    Whether two stems are candidates depends on them alone, so the stems
    of the pairs found yield the same pairs, in the same order.
    """
    by_key: dict[str, list[str]] = defaultdict(list)
    for stem in stems:
        if len(stem) >= MIN_LENGTH and stem.isalpha() and stem.isascii() and stem not in STOP_WORDS:
            by_key[transliteration_key(stem)].append(stem)
    candidates = {}
    for key, members in by_key.items():
        if len(members) < 2:
            continue
        members.sort()
        loose = [sound_spelling(stem, loose=True) for stem in members]
        pairs = [
            (members[first], members[second])
            for first, second in one_letter_apart(loose)
            if close_in_key(members[first], members[second], loose[first], loose[second])
        ]
        if pairs:
            candidates[key] = pairs
    return candidates


def candidate_batches(words_by_stem: dict[str, set[str]], size: int) -> list[tuple[list[str], list[tuple[str, str]]]]:
    """The spelling candidates in batches of whole transliteration keys, about ``size`` stems each: (sorted stems, pairs)."""
    batches = []
    stems: set[str] = set()
    pairs: list[tuple[str, str]] = []
    for _, found in sorted(candidates_by_key(words_by_stem).items()):
        stems.update(stem for pair in found for stem in pair)
        pairs.extend(found)
        if len(stems) >= size:
            batches.append((sorted(stems), pairs))
            stems, pairs = set(), []
    if pairs:
        batches.append((sorted(stems), pairs))
    return batches


def one_letter_apart(spellings: list[str]) -> Iterator[tuple[int, int]]:
    """The pairs of places (first before second) whose loose sound spellings have one length and differ in at most one letter.

    :func:`~cables.index.varianttable.close_spellings` accepts no other pair, so only these need its
    edit distance.  Comparing every pair of a key instead grows with the
    square of the key's spellings, which at full Cablegate size (hundreds of
    thousands of rare names) took about 8 minutes of a rebuild.
    """
    masks = [_masks(spelling) for spelling in spellings]
    slots: dict[str, list[int]] = defaultdict(list)
    for index, masked in enumerate(masks):
        for mask in masked:
            slots[mask].append(index)
    for index, masked in enumerate(masks):
        partners = {other for mask in masked for other in slots[mask] if other > index}
        yield from ((index, other) for other in sorted(partners))


def _masks(spelling: str) -> list[str]:
    """The spelling with each of its letters in turn masked: two spellings of one length share a mask when at most one letter differs."""
    return [spelling[:place] + "\0" + spelling[place + 1 :] for place in range(len(spelling))]


@dataclass
class Evidence:
    """What the cables say about one spelling: its paragraphs' context, case, capitals and places."""

    context: Counter[str]
    capitalised: float | None
    capitals: float
    places: Counter[str]
    cables: int
    neighbours: set[str]
    other_script: tuple[float, int]

    def pooled(self, others: list[Evidence]) -> Evidence:
        """This evidence with others', as if one spelling: contexts, places, neighbours and scripts summed."""
        context, places, neighbours = Counter(self.context), Counter(self.places), set(self.neighbours)
        for other in others:
            context.update(other.context)
            places.update(other.places)
            neighbours |= other.neighbours
        script = (sum(e.other_script[0] for e in [self, *others]), sum(e.other_script[1] for e in [self, *others]))
        return Evidence(context, self.capitalised, self.capitals, places, self.cables + sum(o.cables for o in others), neighbours, script)

    def dumped(self) -> list:
        """The evidence as JSON values, to be set aside (:meth:`loaded` gives it back, counts in their order)."""
        return [self.context, self.capitalised, self.capitals, self.places, self.cables, sorted(self.neighbours), list(self.other_script)]

    @classmethod
    def loaded(cls, row: list) -> Evidence:
        """Evidence from its :meth:`dumped` JSON values."""
        context, capitalised, capitals, places, cables, neighbours, (script, tagged) = row
        return cls(Counter(context), capitalised, capitals, Counter(places), cables, set(neighbours), (script, tagged))

    def written_elsewhere(self, other: Evidence) -> bool:
        """Whether the two spellings' cables mostly concern countries written in another script (:data:`MIN_OTHER_SCRIPT`)."""
        tagged = self.other_script[1] + other.other_script[1]
        return tagged > 0 and (self.other_script[0] + other.other_script[0]) / tagged >= MIN_OTHER_SCRIPT


def same_initial(first: str, second: str) -> bool:
    """Whether two words start with one sound in the romanisations the key folds together.

    A vowel or y may stand for another; q may be g, gh, k, kh or c (the
    Arabic qaf: Qadhafi, Gaddafi, Kalyobia, Qalyubia); k, kh and c are one
    sound, and g and gh are one, and f and ph.  But g against k or c, and gh
    against kh, are two letters in every romanisation (Gamal and Kamal,
    Ghami and Khamis), so the key's folding of them is not evidence.
    """

    def initial(word: str) -> str:
        return word[:2] if word[:2] in ("gh", "kh", "ph") else word[0]

    a, b = initial(first), initial(second)
    if a == b or (a[0] in "aeiouy" and b[0] in "aeiouy"):
        return True
    return any({a, b} <= sounds for sounds in _INITIAL_SOUNDS)


def agree(first: str, second: str, evidence: dict[str, Evidence], contexts: Contexts) -> bool:
    """Whether the cables confirm that two candidate spellings are one name.

    Both must be written as names (capitalised in mixed-case text), not as
    acronyms apart, from one initial sound; and they must share a rare word
    beside them (a name's other part: Youssef Boutros and Yousef Boutros),
    or, when their cables mostly concern countries written in another
    script, enough of the same context (:data:`MIN_CONTEXT`).  Spellings used
    about Latin-script countries are not romanisations, so sharing a topic
    is no evidence there (Hermann and Herrmann, Guiana and Guyana).  And they
    must not disagree both in where they are used (the origins and tags of
    all their cables, :data:`MIN_PLACES`) and in what characterises the
    commoner one (:data:`MIN_CHARACTER`): two people one letter apart
    (Boucher and Bucher) are named in other posts' cables about other
    things, while a journalist's spelling in a far post's cable (Gaddafi in
    a Caracas cable) still says Libya.
    """
    a, b = evidence[first], evidence[second]
    if not names_by_case(a.capitalised, b.capitalised) or acronyms_apart(first, second, (a.capitals, b.capitals)):
        return False
    if not same_initial(first, second):
        return False
    if not a.neighbours & b.neighbours and not (a.written_elsewhere(b) and contexts.overlap(a.context, b.context) >= MIN_CONTEXT):
        return False
    return not apart(a, b, contexts)


def apart(first: Evidence, second: Evidence, contexts: Contexts) -> bool:
    """True when two spellings' cables disagree both in their places and in the commoner one's character."""
    if contexts.place_agreement(first.places, second.places) >= MIN_PLACES:
        return False
    common, rare = (first, second) if first.cables >= second.cables else (second, first)
    character = contexts.character_share(common.context, rare.context)
    return character is not None and character < MIN_CHARACTER


def learn_spellings(
    contexts: Contexts, words_by_stem: dict[str, set[str]], stem_of: dict[str, str], batch: int = BATCH_STEMS, jobs: int = 1
) -> list[Group]:
    """Spelling groups confirmed by the cables among the candidate pairs of a built generation (words by
    stem, and the stem of each word).

    Memory holds the evidence of one batch of transliteration keys at a time
    (:func:`candidate_batches`, about ``batch`` stems), not every
    candidate's: a pair, and so a group, never spans two keys.  Only the
    rarity of context features is counted over every candidate, so a first
    pass gathers each batch's evidence, counts its features and sets the
    evidence aside in a scratch file in the generation's folder (deleted
    when closed); a second reads the batches back one at a time and judges
    their pairs.  At full size (251,287 cables, 52,503 candidate stems),
    learning with all the evidence at once peaked at 2.99 GB.  The first
    pass, two thirds of the work, runs in ``jobs`` processes when more
    than one (:func:`_gathered`).
    """
    batches = candidate_batches(words_by_stem, batch)
    shares = other_script_shares(contexts.arrays)
    found: list[tuple[str, list[str]]] = []
    with tempfile.TemporaryFile("w+", encoding="utf-8", dir=contexts.folder) as aside:
        seen: Counter[str] = Counter()
        spellings = [{stem: words_by_stem[stem] for stem in stems} for stems, _ in batches]
        for line, features in _gathered(contexts, spellings, stem_of, shares, jobs):
            seen.update(features)
            aside.write(line)
        contexts.count_features(seen, sum(len(stems) for stems, _ in batches))
        del seen
        aside.seek(0)
        for (_, pairs), line in zip(batches, aside, strict=True):
            evidence = {stem: Evidence.loaded(row) for stem, row in json.loads(line).items()}
            confirmed = [(a, b) for a, b in pairs if agree(a, b, evidence, contexts)]
            found.extend(_families(confirmed, {frozenset(pair) for pair in pairs}, evidence, contexts))
    found.sort(key=lambda family: family[0])
    return [
        Group("spelling", tuple(Member(_shown(words_by_stem[s]), (s,)) for s in members), transliteration_key(members[0]))
        for _, members in found
    ]


def _gathered(
    contexts: Contexts, batches: list[dict[str, set[str]]], stem_of: dict[str, str], shares: np.ndarray, jobs: int
) -> Iterator[tuple[str, Counter[str]]]:
    """Each batch's evidence as a line of JSON, with how many of its stems saw each context feature, in batch order.

    With more than one job, forked processes gather the batches, each with
    its own :class:`Contexts` of the same folder (a record store's
    connection must not cross a fork); the stems and shares they share are
    inherited, not copied.  The evidence of a batch depends on it alone.
    """
    if jobs <= 1 or len(batches) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield from (_batch_evidence(contexts, batch, stem_of, shares) for batch in batches)
        return
    context = multiprocessing.get_context("fork")
    with context.Pool(jobs, initializer=_open_gathering, initargs=(contexts.folder, stem_of, shares)) as pool:
        yield from pool.imap(_gather_batch, batches)


_gathering: tuple[Contexts, dict[str, str], np.ndarray] | None = None
"""A gathering process's own contexts, with the stems and shares it inherited (:func:`_open_gathering`)."""


def _open_gathering(folder: Path, stem_of: dict[str, str], shares: np.ndarray) -> None:
    """Set up a gathering process: its own contexts of the generation's folder."""
    global _gathering
    _gathering = (Contexts(folder), stem_of, shares)


def _gather_batch(batch: dict[str, set[str]]) -> tuple[str, Counter[str]]:
    """One batch's :func:`_batch_evidence`, in a gathering process."""
    assert _gathering is not None, "a gathering process is set up first"
    contexts, stem_of, shares = _gathering
    return _batch_evidence(contexts, batch, stem_of, shares)


def _batch_evidence(
    contexts: Contexts, batch: dict[str, set[str]], stem_of: dict[str, str], shares: np.ndarray
) -> tuple[str, Counter[str]]:
    """A batch's evidence as a line of JSON, and how many of its stems saw each context feature."""
    evidence = gather_evidence(contexts, batch, stem_of, shares)
    features: Counter[str] = Counter()
    for item in evidence.values():
        features.update(item.context.keys())
    return json.dumps({stem: item.dumped() for stem, item in evidence.items()}) + "\n", features


def gather_evidence(contexts: Contexts, spellings: dict[str, set[str]], stem_of: dict[str, str], shares: np.ndarray) -> dict[str, Evidence]:
    """What the cables say about each of some candidate stems (with their spellings), their sampled
    paragraphs read once; a neighbour counts when its stem is rare (:data:`MAX_NEIGHBOUR_SHARE`)."""
    most = MAX_NEIGHBOUR_SHARE * int(contexts.arrays.cable_valid.sum())
    profiles = contexts.profiles(spellings)
    evidence = {}
    for stem in spellings:
        context, capitalised, capitals, neighbours = profiles.pop(stem)
        rare = {near for near in neighbours if near[1:] in stem_of and contexts.held_by_few(stem_of[near[1:]], most)}
        held = contexts.cables(stem)
        evidence[stem] = Evidence(context, capitalised, capitals, contexts.places(held), len(held), rare, summed_shares(shares, held))
    return evidence


def derivation_candidates(stems: Iterable[str], path: Path = DERIVATIONS_FILE) -> list[tuple[str, str, str]]:
    """Pairs of indexed stems that differ by a row of the derivations table: (base, derived, row)."""
    indexed = set(stems)
    ordered = sorted(indexed)
    pairs = []
    for ending, derived in read_derivations(path):
        for base in ordered:
            stem = base[: -len(ending)] + derived
            if base.endswith(ending) and len(base) >= MIN_LENGTH and stem in indexed:
                pairs.append((base, stem, f"{ending}-{derived}"))
    return pairs


def read_derivations(path: Path = DERIVATIONS_FILE) -> list[tuple[str, str]]:
    """The rows of the derivations table: (stem ending, derived stem ending); raises ValueError on a bad row."""
    rows = []
    for number, line in _table_lines(path, "ending\tderived\texamples"):
        fields = line.split("\t")
        if len(fields) != 3 or not fields[0].isalpha() or not fields[1].isalpha():
            raise ValueError(f"{path}:{number}: expected two stem endings and examples separated by tabs")
        rows.append((fields[0], fields[1]))
    return rows


def shared_by_cables(first: np.ndarray, second: np.ndarray, cables: int) -> bool:
    """True when two words' cables (each once, :meth:`Contexts.cables`) show one topic: enough shared
    cables, most of the rarer word's, and far more than chance (lift = shared * cables / (|first| * |second|))."""
    shared = len(np.intersect1d(first, second, assume_unique=True))
    if shared < MIN_SHARED_CABLES:
        return False
    return shared / min(len(first), len(second)) >= MIN_SHARED_SHARE and shared * cables / (len(first) * len(second)) >= MIN_LIFT


def learn_derivations(contexts: Contexts, words_by_stem: dict[str, set[str]]) -> list[Group]:
    """Family groups of derivation pairs the cables confirm; the derived word is the family member."""
    pairs = derivation_candidates(words_by_stem)
    cables = int(contexts.arrays.cable_valid.sum())
    return [
        Group(
            "family", (Member(_shown(words_by_stem[base]), (base,)), Member(_shown(words_by_stem[derived]), (derived,), family=True)), row
        )
        for base, derived, row in pairs
        if shared_by_cables(contexts.cables(base), contexts.cables(derived), cables)
    ]


def _shown(words: set[str]) -> str:
    """The word to show for a stem: its shortest spelling (ties alphabetical)."""
    return min(words, key=lambda word: (len(word), word))


def _families(
    confirmed: list[tuple[str, str]], candidates: set[frozenset[str]], evidence: dict[str, Evidence], contexts: Contexts
) -> list[tuple[str, list[str]]]:
    """Groups of spellings: the family of each connected group of confirmed pairs, and the pairs left out of it,
    each with its connected group's first member (groups sorted by it come in the order of their groups).

    When every two members of a connected group are candidate spellings of
    one another or have one sound spelling, the members that agree
    (:func:`agree`) with the others' cables pooled, or were confirmed with
    each of them, are one family: qaddafi and gaddafi, each confirmed with
    qadhafi but too rare to confirm each other, are one.  A member left out
    keeps its own confirmed pairs.  A chain whose ends are not close
    spellings stays as its pairs, so ``khameini`` may pair with both
    ``khamenei`` and ``khomeini`` without making the two men one.
    """
    pairs = {frozenset(pair) for pair in confirmed}
    groups = []
    for component in _components(confirmed):
        family = []
        if all(_kin(a, b, candidates) for i, a in enumerate(component) for b in component[i + 1 :]):
            family = [member for member in component if _joins(member, component, pairs, evidence, contexts)]
        if len(family) > 1:
            groups.append((component[0], family))
        else:
            family = []
        groups.extend((component[0], sorted(pair)) for pair in sorted(confirmed) if pair[0] in component and not set(pair) <= set(family))
    return groups


def _kin(first: str, second: str, candidates: set[frozenset[str]]) -> bool:
    """Whether two spellings may belong to one family: a candidate pair, or one sound spelling."""
    return frozenset((first, second)) in candidates or sound_spelling(first) == sound_spelling(second)


def _joins(member: str, family: list[str], pairs: set[frozenset[str]], evidence: dict[str, Evidence], contexts: Contexts) -> bool:
    """Whether a member belongs with the rest of a family: confirmed with each, or agreeing with them pooled."""
    others = [other for other in family if other != member]
    if all(frozenset((member, other)) in pairs for other in others):
        return True
    pool = evidence[others[0]].pooled([evidence[other] for other in others[1:]])
    return agree(member, others[0], {member: evidence[member], others[0]: pool}, contexts)


def _components(pairs: list[tuple[str, str]]) -> list[list[str]]:
    """Connected groups of the pairs, each sorted, in sorted order."""
    linked: dict[str, set[str]] = defaultdict(set)
    for a, b in pairs:
        linked[a].add(b)
        linked[b].add(a)
    seen: set[str] = set()
    components = []
    for start in sorted(linked):
        if start in seen:
            continue
        component, stack = set(), [start]
        while stack:
            node = stack.pop()
            if node not in component:
                component.add(node)
                stack.extend(linked[node] - component)
        seen |= component
        components.append(sorted(component))
    return components


def curated_groups(stem: Callable[[str], str], path: Path = NAMES_FILE) -> list[Group]:
    """The ``name`` and ``family`` groups of the curated table, with their members' stems.

    Each row is ``code<TAB>names<TAB>family``: names (``;``-separated) are other
    names of one place or body; family words are its adjectives and demonyms.
    A row with family words gives a ``family`` group (names and family
    together); a row with several names gives a ``name`` group.
    """
    groups = []
    for code, names, family in read_names(path):
        named = tuple(_member(name, stem) for name in names)
        kin = tuple(_member(word, stem, family=True) for word in family)
        members = tuple(member for member in named + kin if member.content_stems)
        if len(members) > 1:
            groups.append(Group("family" if kin else "name", members, code))
    return groups


def read_names(path: Path = NAMES_FILE) -> list[tuple[str, list[str], list[str]]]:
    """The rows of the curated names table: (tag code, names, family words); raises ValueError on a bad row."""
    rows = []
    for number, line in _table_lines(path, "code\tnames\tfamily"):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 3 or not fields[0] or not fields[1].strip():
            raise ValueError(f"{path}:{number}: expected a code, names and family words separated by tabs")
        rows.append((fields[0].strip(), _listed(fields[1]), _listed(fields[2])))
    return rows


def curated_spellings(stem: Callable[[str], str], path: Path = SPELLINGS_FILE) -> list[Group]:
    """The ``spelling`` groups of the curated spellings table: the press's spellings of names the cables write their own way.

    A group is filed under its first spelling's key, so an unindexed word
    close to it finds it (:meth:`VariantTable.spellings_of_unknown`); one
    whose first spelling is several words is found only by its members.
    Learning joins only spellings its evidence confirms and its rules allow,
    so it leaves out some of the names people search for most (Osama bin
    Laden, Kiev, Teheran); this table names them.
    """
    groups = []
    for names in read_spellings(path):
        members = tuple(member for member in (_member(name, stem) for name in names) if member.content_stems)
        if len(members) > 1:
            first = members[0].content_stems
            groups.append(Group("spelling", members, transliteration_key(first[0]) if len(first) == 1 else ""))
    return groups


def acronym_groups(records: RecordStore, stem: Callable[[str], str], curated: list[Group]) -> list[Group]:
    """The ``name`` groups of the acronyms the cables define (:mod:`cables.index.acronyms`): each name with its
    acronym, but for an acronym a curated group already holds (NATO, IAEA) or the cables mostly write as a word (SAO,
    read in at most :data:`WORD_SAMPLE` cables spread over the store: a word that common shows in any such sample)."""
    taken = {member.content_stems for group in curated for member in group.members}
    pairs = learn_acronyms(_paragraph_texts(records))
    words = written_as_words(_paragraph_texts(records, _spread(records, WORD_SAMPLE)), [acronym for acronym, _ in pairs])
    groups = []
    for acronym, name in pairs:
        if acronym.lower() in words:
            continue
        members = (_member(name, stem), _member(acronym, stem))
        if all(member.content_stems for member in members) and members[1].content_stems not in taken:
            groups.append(Group("name", members, acronym))
    return groups


def _paragraph_texts(records: RecordStore, ordinals: list[int] | None = None) -> Iterator[list[str]]:
    """Each stored cable's paragraph texts (those of ``ordinals`` when given), read from the record store."""
    return ([paragraph["text"] for paragraph in record["paragraphs"]] for _, record, _ in records.records(ordinals))


def _spread(records: RecordStore, most: int) -> list[int] | None:
    """Ordinals of at most ``most`` cables spread evenly over the store, or None (every cable) when it holds no more."""
    if records.count() <= most:
        return None
    step = -(-(records.max_ordinal() + 1) // most)
    return list(range(0, records.max_ordinal() + 1, step))


def apart_from_curated(learned: list[Group], curated: list[Group]) -> list[Group]:
    """The learned groups but those joining words of two different curated rows: the rows name different people or
    places (Khamenei and Khomeini, each with its misspellings), which a learned join of two misspellings would make one."""
    row_of: dict[tuple[str, ...], int] = {}
    for row, group in enumerate(curated):
        for member in group.members:
            row_of.setdefault(member.content_stems, row)
    kept = []
    for group in learned:
        rows = {row_of[member.content_stems] for member in group.members if member.content_stems in row_of}
        if len(rows) < 2:
            kept.append(group)
    return kept


def _member(name: str, stem: Callable[[str], str], family: bool = False) -> Member:
    """A curated name as a group member: its stems in order, a stop word inside it kept in its place."""
    return Member(name, tuple(positioned(name, stem)), family)


def read_spellings(path: Path = SPELLINGS_FILE) -> list[list[str]]:
    """The rows of the curated spellings table, each a name's spellings; raises ValueError on a bad row."""
    rows = []
    for number, line in _table_lines(path, "spellings"):
        if not line.strip() or line.startswith("#"):
            continue
        names = _listed(line)
        if len(names) < 2 or "\t" in line:
            raise ValueError(f"{path}:{number}: expected two or more spellings separated by ';'")
        rows.append(names)
    return rows


def _table_lines(path: Path, header: str) -> Iterator[tuple[int, str]]:
    """The lines of a curated table after its header, with their line numbers; raises ValueError when the first line
    is not ``header`` (its columns separated by tabs), naming them."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or lines[0] != header:
        raise ValueError(f"{path}: the first line must be the header {header.replace(chr(9), ', ')}")
    return enumerate(lines[1:], start=2)


def _listed(field: str) -> list[str]:
    return [item.strip() for item in field.split(";") if item.strip()]


def write_variants(folder: Path, stems: dict[str, str], stem: Callable[[str], str], jobs: int = 1) -> None:
    """Learn the spelling groups and derived families of a built generation and write them with the curated groups.

    Only the stems of candidate pairs are given their words (:func:`candidates_by_key`,
    :func:`derivation_candidates`): a set of words for each of the million stems
    of a full-size index took 280 MB.
    """
    indexed = set(stems.values())
    candidates = {stem for pairs in candidates_by_key(indexed).values() for pair in pairs for stem in pair}
    candidates.update(stem for base, derived, _ in derivation_candidates(indexed) for stem in (base, derived))
    del indexed
    words_by_stem: dict[str, set[str]] = {stem: set() for stem in sorted(candidates)}
    for word, word_stem in stems.items():
        if word_stem in words_by_stem:
            words_by_stem[word_stem].add(word)
    contexts = Contexts(folder)
    curated = curated_groups(stem) + curated_spellings(stem)
    try:
        learned = learn_spellings(contexts, words_by_stem, stems, jobs=jobs) + learn_derivations(contexts, words_by_stem)
        learned += acronym_groups(contexts.records, stem, curated)
    finally:
        contexts.close()
    groups = apart_from_curated(learned, curated) + curated
    data = [
        {"kind": group.kind, "key": group.key, "members": [[m.word, list(m.stems), m.family] for m in group.members]} for group in groups
    ]
    (folder / TABLE_FILE).write_text(json.dumps(data, ensure_ascii=False, indent=0), encoding="utf-8")
