"""The whoosh schema: one document per paragraph.

Text fields hold stems already made by :mod:`cables.index.analysis` (space
separated), so whoosh only records terms and positions; the analysis itself
runs once, in the build workers, and the same function analyses queries.

Paragraph text itself is stored once, in the record store, not in whoosh.
A cable's subject is indexed once, on its first paragraph document, so that it
counts once per cable; so are its header words (``header``: the classifying
official, REF lines, addressees, distribution lines and the subject's tail,
see :meth:`cables.index.cable.Cable.header_text`) and the classifying official's
name (``by``, for ``by:`` queries).  The cable-level values every paragraph carries (tags,
origin, classification, date) reach each paragraph through the document ->
cable array of :mod:`cables.index.cablearrays` rather than as whoosh postings: repeating
them on every paragraph added a posting per paragraph per field to the build
and is exactly the path whoosh's slow faceting would have used.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from functools import lru_cache

from whoosh import fields, formats
from whoosh.analysis import IDTokenizer, SpaceSeparatedTokenizer

from cables.index.analysis import STOP_MARK, TEXT_FIELDS, stop_field

_POSITIONS = formats.Positions()


class StemField(fields.TEXT):
    """A phrase-capable text field fed the space-separated entries of :func:`cables.index.analysis.positioned`.

    It holds the stems, each at its token position: the stop words and gaps
    between them keep their places, so ``has the power`` puts ``power`` at
    2, and a phrase never closes up over a word the index leaves out.  The
    stems are already made, so this skips whoosh's token objects and writes
    each stem's positions straight away (the same postings the analyzer path
    would write, in a third of the time).
    """

    def index(self, value: str, **kwargs) -> Iterator[tuple[bytes, int, float, bytes]]:
        return _postings(value, stops=False)


class StopField(StemField):
    """The stop words of a text field's value at their positions (``_the`` -> ``the``), for exact phrases.

    Not scorable: a stop word never scores, and it has no field length.
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.scorable = False

    def index(self, value: str, **kwargs) -> Iterator[tuple[bytes, int, float, bytes]]:
        return _postings(value, stops=True)


def term_positions(value: str, stops: bool) -> dict[bytes, list[int]]:
    """Each stem, or each stop word, among a value's entries (UTF-8) -> its positions, rising.

    whoosh's writer indexes a value's terms from here (through :class:`StemField`);
    the direct segment writer (:mod:`cables.index.segmentwriter`) makes the same
    terms and positions from the entries in bulk.  The dict is shared with later calls for the same value: read it, never change it.
    """
    return _split_terms(value)[stops]


@lru_cache(maxsize=16)
def entries_of(value: str) -> list[str]:
    """A text field's value split into its entries (:func:`cables.index.analysis.positioned`'s).

    Memoised: the segment writer buffers a value's entries and counts its
    stems (:func:`stem_count`) one after the other.  The list is shared with
    later calls for the same value: read it, never change it.
    """
    return value.split()


@lru_cache(maxsize=16)
def stem_count(value: str) -> int:
    """How many stems a text field's value holds (its length for BM25; stop words and gaps are not counted).

    Every stop word and gap entry starts with :data:`cables.index.analysis.STOP_MARK`,
    and no stem holds one (``tests/test_analysis.py`` checks that no word
    character folds to it), so counting the marks counts them.  Memoised: the
    segment writer and the document's array entry ask for the same value one
    after the other.
    """
    return len(entries_of(value)) - value.count(STOP_MARK)


@lru_cache(maxsize=16)
def _split_terms(value: str) -> tuple[dict[bytes, list[int]], dict[bytes, list[int]]]:
    """A value's stems, then its stop words (each UTF-8 -> its positions), in one pass over its entries.

    Memoised: a document's text field, its stop-word field and its length
    read the same value one after the other.
    """
    stems: dict[str, list[int]] = defaultdict(list)
    stopped: dict[str, list[int]] = defaultdict(list)
    for position, term in enumerate(value.split()):
        if term.startswith(STOP_MARK):
            stopped[term[len(STOP_MARK) :]].append(position)
        else:
            stems[term].append(position)
    stopped.pop("", None)
    return _encoded(stems), _encoded(stopped)


def _encoded(positions: dict[str, list[int]]) -> dict[bytes, list[int]]:
    """The same mapping, its terms in UTF-8."""
    return {term.encode("utf-8"): places for term, places in positions.items()}


def _postings(value: str, stops: bool) -> Iterator[tuple[bytes, int, float, bytes]]:
    """(term, frequency, weight, encoded positions) of the stems, or of the stop words, among a value's entries."""
    for term, places in term_positions(value, stops).items():
        yield term, len(places), float(len(places)), _encoded_positions(tuple(places))


@lru_cache(maxsize=1 << 16)
def _encoded_positions(places: tuple[int, ...]) -> bytes:
    """whoosh's encoding of a position list, memoised: most terms occur once or twice, at small positions."""
    return _POSITIONS.encode(places)


def paragraph_schema() -> fields.Schema:
    """Fields of a paragraph document."""
    stems = SpaceSeparatedTokenizer()
    return fields.Schema(
        cable=fields.ID(stored=True, analyzer=IDTokenizer()),
        position=fields.STORED(),
        number=fields.STORED(),
        marking=fields.STORED(),
        **{name: StemField(analyzer=stems, phrase=True) for name in TEXT_FIELDS},
        **{stop_field(name): StopField(analyzer=stems, phrase=True) for name in TEXT_FIELDS},
    )
