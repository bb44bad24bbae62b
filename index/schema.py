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

_POSITIONS = formats.Positions()


class StemField(fields.TEXT):
    """A phrase-capable text field fed space-separated stems.

    The stems are already made, so this skips whoosh's token objects and
    writes each stem's positions straight away (the same postings the
    analyzer path would write, in a third of the time).
    """

    def index(self, value: str, **kwargs) -> Iterator[tuple[bytes, int, float, bytes]]:
        positions: dict[str, list[int]] = defaultdict(list)
        for position, stem in enumerate(value.split()):
            positions[stem].append(position)
        for stem, places in positions.items():
            yield stem.encode("utf-8"), len(places), float(len(places)), _encoded_positions(tuple(places))


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
        body=StemField(analyzer=stems, phrase=True),
        subject=StemField(analyzer=stems, phrase=True),
        header=StemField(analyzer=stems, phrase=True),
        by=StemField(analyzer=stems, phrase=True),
    )
