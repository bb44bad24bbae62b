"""whoosh's own searcher over the array codec agrees with the engine's postings (issue 14, item 1).

The index keeps one copy of every posting list, written by whoosh through
:class:`cables.index.codec.ArrayCodec` and sliced by the search path without
whoosh.  Here whoosh's ``Searcher`` and query classes answer a few hundred
queries (words, phrases, prefixes, boolean combinations, every indexed
field) over that codec, and the engine's :class:`cables.search.postings.PostingReader`
answers the same ones from the arrays: the matched documents must be the
same.  The seed index has one segment per build worker; an updated index
adds whoosh's merge (its reader feeding the codec's writer) and deletions.
"""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest

from cables.index import termarrays
from cables.index.analysis import STOP_MARK, TEXT_FIELDS, stop_field
from cables.index.build import rebuild, update
from cables.index.reader import read_file
from cables.index.store import WHOOSH_FOLDER
from cables.index.termarrays import EXCEPTION, LARGEST_GAP, SegmentArrays, encode_gaps, read_segment_list
from cables.index.unpickling import open_index
from cables.search.engine import Engine
from tests.helpers import copy_seeds

SAMPLED_TERMS = 12  # terms taken from each field's sorted lexicon, evenly spread: rare and common alike


def lexicon(searcher, field: str) -> list[str]:
    """Every term of a field, as whoosh's reader lists it over the codec."""
    return [term.decode("utf-8") for term in searcher.reader().lexicon(field)]


def sampled(terms: list[str], count: int = SAMPLED_TERMS) -> list[str]:
    """``count`` terms spread evenly over a sorted list."""
    return terms[:: max(1, len(terms) // count)][:count]


def whoosh_docs(searcher, query) -> list[int]:
    """The live documents whoosh's searcher matches for ``query``, in order."""
    return sorted(searcher.docs_for_query(query))


def engine_union(engine: Engine, field: str, terms: list[str]) -> list[int]:
    """The live documents holding any of ``terms`` in ``field``, from the arrays."""
    docs = [engine.postings.postings(field, term).docs for term in terms]
    return np.unique(np.concatenate(docs)).tolist() if docs else []


def queries(searcher) -> list[tuple[object, list[int]]]:
    """(whoosh query, the engine's documents for it) for words, prefixes, phrases and boolean queries on every field."""
    from whoosh.query import And, Not, Or, Phrase, Prefix, Term

    engine = searcher.engine
    pairs: list[tuple[object, list[int]]] = []
    fields = [*TEXT_FIELDS, *(stop_field(name) for name in TEXT_FIELDS), "cable"]
    for field in fields:
        terms = lexicon(searcher, field)
        for term in sampled(terms):
            pairs.append((Term(field, term), engine.postings.postings(field, term).docs.tolist()))
        for term in sampled(terms, 6):
            prefix = term[:3]
            expanded, capped = engine.postings.expand(field, prefix + "*")
            assert not capped and term in expanded
            pairs.append((Prefix(field, prefix), engine_union(engine, field, expanded)))
        common = sorted(terms, key=lambda term: -engine.postings.document_frequency(field, term))[:8]
        for first, second in zip(common, common[1:] + sampled(terms, 7), strict=False):
            one, two = (set(engine.postings.postings(field, term).docs.tolist()) for term in (first, second))
            pairs.append((And([Term(field, first), Term(field, second)]), sorted(one & two)))
            pairs.append((Or([Term(field, first), Term(field, second)]), sorted(one | two)))
            # And with Not, not whoosh's AndNot: its matcher keeps the first document when the excluded list starts earlier.
            pairs.append((And([Term(field, first), Not(Term(field, second))]), sorted(one - two)))
            if field != "cable":
                stops = field.endswith("_stops")
                entries = [STOP_MARK + first, STOP_MARK + second] if stops else [first, second]
                pairs.append((Phrase(field, [first, second]), engine.postings.phrase_docs(field.removesuffix("_stops"), entries).tolist()))
    return pairs


class _Searcher:
    """whoosh's searcher on an index's whoosh folder, beside the engine opened on the same index."""

    def __init__(self, location: Path) -> None:
        from whoosh.searching import Searcher

        self.engine = Engine(location)
        self.ix = open_index(self.engine.folder / WHOOSH_FOLDER)
        self.whoosh = Searcher(self.ix.reader())

    def reader(self):
        return self.whoosh.reader()

    def docs_for_query(self, query):
        return self.whoosh.docs_for_query(query)

    def close(self) -> None:
        self.whoosh.close()
        self.ix.close()
        self.engine.close()


def assert_same_documents(location: Path) -> int:
    """Run every query both ways on the index at ``location``; return how many were compared."""
    searcher = _Searcher(location)
    try:
        pairs = queries(searcher)
        for query, expected in pairs:
            assert whoosh_docs(searcher, query) == expected, query
        assert sum(1 for _, expected in pairs if expected) > len(pairs) // 2, "most queries match something"
        return len(pairs)
    finally:
        searcher.close()


def test_whoosh_over_the_codec_matches_what_the_engine_matches(seed_index):
    """Seeds, two segments (one per build worker): a few hundred queries agree document for document."""
    assert assert_same_documents(seed_index) >= 300


def short_seeds(folder: Path, count: int) -> list[Path]:
    """The first ``count`` cables (in name order) with at most three paragraphs: segments small enough for whoosh to merge."""
    return [path for path in sorted(folder.glob("*.txt")) if len(read_file(path).cable.paragraphs) <= 3][:count]


def add_zebrafish(path: Path) -> None:
    """Change a cable's text: every "the" gains a new word after it."""
    path.write_text(path.read_text(encoding="utf-8").replace(" the ", " the zebrafish "), encoding="utf-8")


@pytest.fixture(scope="module")
def updated(tmp_path_factory) -> Path:
    """60 seed cables, then five updates of one short cable each (five small segments), then an update that changes
    the first short cable and a built one: it writes their documents into a new segment, and whoosh's merge policy
    merges the five small segments into one through the codec (its reader over the arrays feeding the codec's
    writer), dropping the replaced documents."""
    root = tmp_path_factory.mktemp("codec")
    location = root / "index"
    built = copy_seeds(root / "built", 0, 60)
    rebuild(location, [built])
    small = short_seeds(copy_seeds(root / "small", 60, 140), 5)
    for path in small:
        assert update(location, [path]).added == 1
    assert len(read_segment_list(location.resolve())) == 6
    changed = [small[0], sorted(built.glob("*.txt"))[0]]
    for path in changed:
        add_zebrafish(path)
    assert update(location, changed).replaced == 2
    segments = read_segment_list(location.resolve())
    assert len(segments) == 3, "the built segment, the update's new one, the five small ones merged into one"
    assert segments[2][1] == sum(max(1, len(read_file(path).cable.paragraphs)) for path in small[1:]), "without the replaced cable"
    return location


def test_whoosh_over_a_merged_codec_index_matches_the_engine(updated):
    """After an update merged the segments through whoosh's writer (its reader feeding the codec's writer) and
    deleted the replaced documents, whoosh and the engine still match the same documents, the new word included."""
    assert assert_same_documents(updated) >= 300
    searcher = _Searcher(updated)
    try:
        from whoosh.query import Term

        found = whoosh_docs(searcher, Term("body", "zebrafish"))
        assert found and found == searcher.engine.postings.postings("body", "zebrafish").docs.tolist()
        assert searcher.engine.postings.phrase_docs("body", ["_the", "zebrafish"]).tolist() == found
    finally:
        searcher.close()


def test_no_private_whoosh_name_is_used():
    """The codec and the writers use whoosh's public classes and methods only: no ``._name`` access on anything
    but the project's own objects (``self``), and no import of a whoosh name starting with ``_``."""
    repo = Path(__file__).resolve().parent.parent
    private_access = re.compile(r"(?<!self)\._[A-Za-z]")
    private_import = re.compile(r"from whoosh[\w.]* import [^\n]*\b_[A-Za-z]")
    sources = sorted([*(repo / "index").glob("*.py"), *(repo / "search").glob("*.py")])
    assert any(path.name == "codec.py" for path in sources)
    for path in sources:
        text = path.read_text(encoding="utf-8")
        for pattern in (private_access, private_import):
            found = pattern.search(text)
            assert found is None, f"{path.name}: {found.group(0) if found is not None else ''}"


def test_arrays_widen_when_a_value_outgrows_their_width(tmp_path):
    """A segment past 65,535 documents or positions, or a frequency past 255: the scratch file is rewritten wider as it
    is written, the pack's table records the width, every value reads back as written, and no scratch file is left."""
    from cables.index.termarrays import FieldArraysWriter, Pack, SegmentArrays

    lists = {
        b"alpha": [(3, [1]), (70_000, [5, 80_000])],  # a document and a position past 16 bits
        b"beta": [(4, list(range(300)))],  # a frequency past 8 bits
        b"gamma": [(70_001, [2])],
    }
    writer = FieldArraysWriter(tmp_path, "MAIN_test", "body", positional=True)
    for term, postings in lists.items():
        writer.start_term(term)
        for doc, positions in postings:
            writer.add(doc, len(positions), positions)
        writer.finish_term()
    writer.close()
    kinds = ("docs", "doc_exceptions", "freqs", "positions")
    pack = Pack(str(tmp_path / "MAIN_test.body.pack"), "body")
    assert [path.name for path in tmp_path.iterdir()] == ["MAIN_test.body.pack"]
    widths = {kind: pack.array(kind).dtype for kind in kinds}
    # Documents are one-byte gaps (a list's first counted from -1); those past a byte are exceptions, here past 16 bits:
    # 70,000 - 3 in alpha's list and 70,001 + 1, the first of gamma's.
    assert widths == {"docs": np.uint8, "doc_exceptions": np.uint32, "freqs": np.uint16, "positions": np.uint32}
    assert pack.array("doc_exceptions").tolist() == [69_997, 70_002]
    arrays = SegmentArrays(tmp_path, "MAIN_test", "body", doc_count=70_002)
    arrays.check()
    for term, postings in lists.items():
        docs, frequencies = arrays.lookup(term.decode())
        assert docs.tolist() == [doc for doc, _ in postings]
        assert frequencies.tolist() == [len(positions) for _, positions in postings]
        assert arrays.positions(term.decode()).tolist() == [place for _, positions in postings for place in positions]


def loop_gap_codes(docs: list[int], starts: list[int]) -> tuple[list[int], list[int], list[int]]:
    """The gap codes, exceptions and exception offsets of the lists ``docs[starts[i]:starts[i + 1]]``, one document at a time."""
    codes, exceptions, exception_starts = [], [], [0]
    for start, end in pairwise(starts):
        previous = -1
        for doc in docs[start:end]:
            gap, previous = doc - previous, doc
            codes.append(gap if gap <= LARGEST_GAP else EXCEPTION)
            exceptions.extend([gap] if gap > LARGEST_GAP else [])
        exception_starts.append(len(exceptions))
    return codes, exceptions, exception_starts


@pytest.mark.parametrize("piece", [termarrays.GAP_PIECE, 7])
def test_gap_codes_are_the_same_from_four_and_eight_byte_documents(seed_index, monkeypatch, piece):
    """The rebuild's writer encodes 4-byte document numbers and whoosh's writer 8-byte ones, each worked on in its own
    type and a piece at a time: for every body list of the seed index's first segment (hundreds of them with a gap
    past a byte), both give what a loop over the documents gives, in one piece or in pieces of 7."""
    monkeypatch.setattr(termarrays, "GAP_PIECE", piece)
    location = seed_index.resolve()
    segment_id, doc_count = read_segment_list(location)[0]
    arrays = SegmentArrays(location / WHOOSH_FOLDER, segment_id, "body", doc_count)
    lists = [arrays.postings_at(index)[0].tolist() for index in range(len(arrays))]
    docs = [doc for listed in lists for doc in listed]
    starts = np.cumsum([0] + [len(listed) for listed in lists]).tolist()
    expected = loop_gap_codes(docs, starts)
    assert len(expected[1]) > 300, "lists with a gap past a byte: exceptions"
    for dtype in (np.uint32, np.int64):
        encoded = encode_gaps(np.array(docs, dtype=dtype), np.array(starts, dtype=np.uint64))
        assert (encoded.codes.tolist(), encoded.exceptions.tolist(), encoded.exception_starts.tolist()) == expected, dtype


def test_a_segment_forgets_the_terms_it_found_at_its_limit_and_finds_the_same(seed_index, monkeypatch):
    """A long-lived engine looks up ever more terms: past the limit a segment's memo is emptied, and every term
    (present, or absent between two present ones) is found at the same place as by a segment that never forgets."""
    location = seed_index.resolve()
    segment_id, doc_count = read_segment_list(location)[0]
    keeping = SegmentArrays(location / WHOOSH_FOLDER, segment_id, "body", doc_count)
    terms = [keeping.term_at(index) for index in range(0, len(keeping), 97)]
    queries = terms + [term + b"\x00" for term in terms]
    expected = [keeping.find(term) for term in queries]
    assert sum(found is None for found in expected) == len(terms)
    monkeypatch.setattr(termarrays, "FOUND_LIMIT", 5)
    forgetting = SegmentArrays(location / WHOOSH_FOLDER, segment_id, "body", doc_count)
    for _ in range(2):
        assert [forgetting.find(term) for term in queries] == expected
        assert len(forgetting._found) <= 5
