"""Text analysis shared by indexing and querying: tokens, stop words, stems.

Both sides call :func:`analyse`, so a query word is always reduced exactly as
the indexed text was.  Tokens are found with one regular expression (the same
thing nltk's ``RegexpTokenizer`` does, see ``tests/test_analysis.py``); stems
come from nltk's Snowball English stemmer, which needs no downloaded data.

Importing nltk costs over a second here, so the stemmer is loaded only when a
word is not already in a stem table: the indexer records every word it
stemmed (see :class:`StemTable`), and a query for an indexed word never pays
for the import.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from pathlib import Path

TOKEN_PATTERN = r"[^\W_]+(?:['’][^\W_]+)*"
TOKEN_RE = re.compile(TOKEN_PATTERN)
REDACTION_RE = re.compile(r"X{4,}")
APOSTROPHE_TAIL_RE = re.compile(r"['’](?:s|t|re|ve|ll|d|m)$")
LONGEST_WORD = 63
"""The longest word the index keeps; a longer token (a hash, a run of words with no space) is a gap, as a redaction is."""


STOP_WORDS_FILE = Path(__file__).parent / "data" / "stopwords.txt"


def load_stop_words(path: Path = STOP_WORDS_FILE) -> frozenset[str]:
    """The words of a stop list: everything on a line before its ``#`` (a comment runs to the line's end)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(word for line in lines for word in line.partition("#")[0].split())


STOP_WORDS = load_stop_words()


class SnowballStem:
    """A picklable, memoising wrapper of nltk's Snowball English stemmer."""

    def __init__(self) -> None:
        self.memo: dict[str, str] = {}
        self.fresh: dict[str, str] = {}
        self._stem: Callable[[str], str] | None = None

    def load(self) -> SnowballStem:
        """Import nltk's stemmer now (before forking workers, so they share it)."""
        if self._stem is None:
            from nltk.stem.snowball import SnowballStemmer

            self._stem = SnowballStemmer("english", ignore_stopwords=False).stem
        return self

    def _stemmer(self) -> Callable[[str], str]:
        """nltk's stem function, imported on first use."""
        self.load()
        assert self._stem is not None  # load() has set it
        return self._stem

    def __call__(self, word: str) -> str:
        """The stem of ``word`` (already lower-cased)."""
        stem = self.memo.get(word)
        if stem is None:
            stem = self.memo[word] = self.fresh[word] = self._stemmer()(word)
        return stem

    def take_fresh(self) -> dict[str, str]:
        """The words stemmed since the last call (for the index's stem table)."""
        fresh, self.fresh = self.fresh, {}
        return fresh

    def __getstate__(self) -> dict:
        return {}

    def __setstate__(self, state: dict) -> None:
        """Unpickled (in a worker) empty, as a new stemmer: the memo is not sent across."""
        self.memo, self.fresh, self._stem = {}, {}, None


SPECIAL_LETTERS = str.maketrans(
    {
        "ß": "ss",
        "œ": "oe",
        "æ": "ae",
        "ø": "o",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ı": "i",
        "ħ": "h",
        "ʿ": "'",
        "ʾ": "'",
        "ʻ": "'",
        "’": "'",
        "‘": "'",
        "ʼ": "'",
        "`": "'",
        "´": "'",
    }
)


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Lower-case ``text`` and fold it to plain letters: ``Chávez`` -> ``chavez``, ``Straße`` -> ``strasse``.

    Unicode compatibility decomposition splits accented letters and
    ligatures (``ﬁ`` -> ``fi``); the combining marks are then dropped, and the
    letters that do not decompose (``ß``, ``œ``, ``æ``, ``ø``, ``ł`` ...),
    curly apostrophes and the ayn and hamza of scholarly transliteration
    (``Shiʿa``, ``Qurʾan``: apostrophes, then dropped) are mapped by hand.  Cable text is upper-case ASCII, so
    this is what lets a query typed with accents meet it.
    """
    if text.isascii():
        return text.lower()
    lowered = unicodedata.normalize("NFKD", text.lower()).translate(SPECIAL_LETTERS)
    return "".join(ch for ch in lowered if not unicodedata.combining(ch))


def normalise(token: str) -> str:
    """Fold a token, drop a possessive or contraction tail, then the apostrophes inside it.

    ``Shi'a`` and ``Shia`` are one word, ``CANADA'S`` is ``canada``.
    """
    word = fold(token)
    if "'" in word:
        word = APOSTROPHE_TAIL_RE.sub("", word).replace("'", "")
    return word


@lru_cache(maxsize=1 << 18)
def _word(token: str) -> str | None:
    """The indexable form of a token, or None for stop words and redactions.

    Memoised: a build sees the same few hundred thousand tokens millions of times.
    """
    if "XXXX" in token:
        token = REDACTION_RE.sub("", token)
    word = normalise(token)
    return word if word and word not in STOP_WORDS and len(word) <= LONGEST_WORD else None


def overlong(text: str) -> str | None:
    """The first token of ``text`` too long to be a word of the index (see :data:`LONGEST_WORD`), if any."""
    return next((token for token in TOKEN_RE.findall(text) if len(normalise(REDACTION_RE.sub("", token))) > LONGEST_WORD), None)


def words(text: str, heads: set[str] | None = None) -> Iterator[tuple[str, int, int]]:
    """The normalised, non-stop words of ``text`` with their character spans.

    Redaction runs (``XXXXXX``), glued to a word or not, are not words.  With
    ``heads``, only words whose first two letters are one of them: highlighting
    asks for those alone (a Snowball stem keeps its word's first two letters),
    and the other tokens are passed over inside the regular expression
    engine (:func:`_headed_tokens`), never normalised.
    """
    if heads is None:
        for match in TOKEN_RE.finditer(text):
            word = _word(match.group())
            if word:
                yield word, match.start(), match.end()
        return
    for match in _headed_tokens(frozenset(heads), "XXXX" in text).finditer(text):
        token = match.group(1)
        word = _word(token) if token is not None else None
        if word and word[:2] in heads:
            yield word, match.start(1), match.end(1)


def _headed_tokens(heads: frozenset[str], redacted: bool) -> re.Pattern[str]:
    """A pattern whose group 1 is each next token of :data:`TOKEN_RE` whose word may start with one of ``heads``.

    Each match passes over separators and the other tokens, whole, up to
    the next such token (or the end: group 1 is then empty), so tokens start
    where :data:`TOKEN_RE` starts them.  A token whose first two characters
    are ASCII letters or digits and which holds no redaction keeps them,
    lower-cased, through normalising: its word can start with a head only if
    they are one, matched regardless of case.  Every other token (a non-ASCII
    character or an apostrophe among its first two, a redaction anywhere
    when the text is ``redacted``) is kept, and :func:`words` decides on its
    word.  The character classes are written so the pattern compiles in
    well under a millisecond.
    """
    ascii_heads = sorted(head for head in heads if head.isascii() and head.isalnum() and head == head.lower())
    cased = ["".join(f"[{char}{char.upper()}]" if char.isalpha() else char for char in head) for head in ascii_heads]
    kept = "|".join([*cased, r"[^\x00-\x7f]", r".[^\x00-\x26\x28-\x7f]", *([r"[\w'’]*?XXXX"] if redacted else [])])
    return re.compile(rf"(?:[\W_]++|(?!{kept})[^\W_]++(?:['’][^\W_]++)*+)*+(?:({TOKEN_PATTERN})|\Z)")


def analyse(text: str, stem: Callable[[str], str]) -> list[str]:
    """The stems of ``text``'s words, in order: the terms the index holds for it."""
    return [stem(word) for word in indexable(TOKEN_RE.findall(text))]


def indexable(tokens: Iterable[str]) -> list[str]:
    """The indexable words of tokens (:data:`TOKEN_RE`'s), in order: stop words and redactions dropped.

    For a caller that needs a text's tokens as well as its words, so the text is tokenised once.
    """
    return [word for word in map(_word, tokens) if word]


TEXT_FIELDS = ("body", "subject", "header", "by")
"""The indexed text fields of a paragraph document (see :mod:`cables.index.schema`)."""
STOP_MARK = "_"
"""Marks a position that holds no stem in :func:`positioned`; a stem never holds it (tokens exclude ``_``)."""


def positioned(text: str, stem: Callable[[str], str]) -> list[str]:
    """One entry per token of ``text``, so positions keep a gap for every word the index does not stem.

    A word is its stem; a stop word is ``_`` and the word (``_the``), kept
    apart so an exact phrase can check it; a redaction or an overlong token
    is ``_`` alone.  ``"has the power"`` is ``["_has", "_the", "power"]``:
    the phrase's stop words and their places are part of what it asks for.
    A build analyses many texts with one :class:`Positioner` instead.
    """
    return Positioner(stem)(text)


POSITIONER_TOKENS = 1 << 18
"""The distinct tokens a :class:`Positioner` remembers before it starts over (a few tens of MB)."""


class Positioner(dict[str, str]):
    """:func:`positioned` with one stemmer, remembering each token's entry (token -> entry).

    A build meets the same tokens millions of times; a remembered one costs
    one dict lookup, made in C.  A new token is analysed and stemmed with
    ``stem``, whose own memo is what lists the words a build saw, so a
    positioner must not outlive its stemmer.  Past ``POSITIONER_TOKENS``
    tokens it forgets them all, so memory stays bounded.
    """

    def __init__(self, stem: Callable[[str], str]) -> None:
        super().__init__()
        self.stem = stem

    def __call__(self, text: str) -> list[str]:
        """The entries of ``text``'s tokens, in order."""
        return list(map(self.__getitem__, TOKEN_RE.findall(text)))

    def __missing__(self, token: str) -> str:
        """A token's entry, made on first sight."""
        if len(self) >= POSITIONER_TOKENS:
            self.clear()
        entry = _unstemmed(token)
        if not entry.startswith(STOP_MARK):
            entry = self.stem(entry)
        self[token] = entry
        return entry


@lru_cache(maxsize=1 << 18)
def _unstemmed(token: str) -> str:
    """A token's word (to be stemmed), or its entry in :func:`positioned` when it has no stem (``_the``, ``_``).

    Memoised, as :func:`_word` is: a stop word is about every other token of
    a cable.  The stemming itself is left to the caller's stemmer, whose memo
    is what lists the words a build saw.
    """
    word = _word(token)
    if word:
        return word
    stop = normalise(REDACTION_RE.sub("", token))
    return STOP_MARK + stop if stop in STOP_WORDS else STOP_MARK


def is_stem(term: str) -> bool:
    """True for an entry of :func:`positioned` that is a stem (not a stop word or a gap)."""
    return not term.startswith(STOP_MARK)


def stop_field(name: str) -> str:
    """The index field holding the stop words of text field ``name`` at their positions."""
    return f"{name}_stops"


def stems_of(terms: list[str]) -> list[str]:
    """The stems among the entries of :func:`positioned` (what :func:`analyse` gives for the same text)."""
    return [term for term in terms if is_stem(term)]
