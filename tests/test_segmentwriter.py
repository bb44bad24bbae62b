"""The direct segment writer (issue 14, item 4): whoosh's files byte for byte, several segments as one, updates as rebuilds.

Rebuild workers and ``update`` write segments with
:class:`cables.index.segmentwriter.SegmentWriter`, which sorts each field's
postings with numpy and writes the posting arrays at once, instead of
feeding whoosh's writer.  whoosh's own ``SegmentWriter`` on the array codec
stays here as the reference: for the same seed cables both must write the
same bytes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.reading import SegmentReader
from whoosh.writing import SegmentWriter as WhooshWriter

from cables.index import segmentwriter
from cables.index.analysis import TEXT_FIELDS
from cables.index.build import rebuild, update
from cables.index.codec import ArrayCodec
from cables.index.prepare import Prepared, documents, prepare, reset_stemmer
from cables.index.reader import read_file
from cables.index.schema import paragraph_schema
from cables.index.segmentwriter import SegmentWriter
from cables.index.termarrays import Pack, read_segment_list
from cables.index.unpickling import INDEX_NAME
from cables.search.engine import Engine, SearchRequest
from tests.helpers import copy_seeds
from tests.test_codec import assert_same_documents

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
QUERIES = [
    "security",
    "oil gas",
    '"human rights"',
    '"the minister"',
    "secur*",
    "elect* OR vot*",
    "zebrafish",
    '"the zebrafish"',
    "tag:PREL",
    "visa NEAR/5 fraud",
]
"""Words, phrases with and without stop words, prefixes, a boolean, a tag and NEAR: every kind of list the writer writes."""


def seed_documents(count: int) -> list[dict]:
    """The whoosh documents of the first ``count`` seed cables, as the build analyses them."""
    reset_stemmer()
    prepared = [prepare(path) for path in sorted(SEEDS.glob("*.txt"))[:count]]
    return [document for item in prepared if isinstance(item, Prepared) for document in documents(item)]


def segment_files(folder: Path, segment_id: str) -> dict[str, bytes]:
    """A segment's files by kind (the name after the segment id) and their bytes."""
    return {path.name.removeprefix(f"{segment_id}."): path.read_bytes() for path in folder.iterdir() if path.name.startswith(segment_id)}


@pytest.mark.parametrize("piece", [segmentwriter.PIECE, 1000, 7])
def test_the_direct_writer_writes_what_whooshs_writer_writes_byte_for_byte(tmp_path, monkeypatch, piece):
    """For 150 seed cables, every file of the segment (each field's terms, offsets, documents, frequencies and
    positions, stop-word fields and the cable id field included; the stored fields and field lengths) is the same
    bytes as whoosh's own writer on the array codec writes, and the segment's counts and length totals agree.
    Sorted a piece at a time (at full size a segment is about 40 pieces), the bytes are the same."""
    monkeypatch.setattr(segmentwriter, "PIECE", piece)
    docs = seed_documents(150)
    reference, direct = tmp_path / "whoosh", tmp_path / "direct"
    reference.mkdir()
    direct.mkdir()
    writer = WhooshWriter(
        whoosh_index.create_in(str(reference), paragraph_schema(), indexname=INDEX_NAME), codec=ArrayCodec(), compound=False
    )
    for document in docs:
        writer.add_document(**document)
    expected = writer.get_segment()
    writer.commit(merge=False)
    ours = SegmentWriter(direct, paragraph_schema())
    for document in docs:
        ours.add(document)
    [written] = ours.finish()
    wanted, got = segment_files(reference, expected.segment_id()), segment_files(direct, written.segment_id())
    assert {"body.pack", "body_stops.pack", "cable.pack", "header.pack", "_stored.col", "_body_len.col"} <= set(wanted)
    assert "positions" in Pack(str(reference / f"{expected.segment_id()}.body.pack"), "body").table
    assert sorted(got) == sorted(wanted)
    assert [kind for kind in wanted if got[kind] != wanted[kind]] == []
    assert written.doc_count_all() == expected.doc_count_all() == len(docs)
    totals = [
        [SegmentReader(FileStorage(str(folder)), paragraph_schema(), segment).field_length(name) for name in TEXT_FIELDS]
        for folder, segment in ((reference, expected), (direct, written))
    ]
    assert totals[0] == totals[1] and min(totals[0]) > 0, "the segments' field length totals (for BM25's averages)"
    assert sorted(path.name for path in direct.iterdir()) == sorted(f"{written.segment_id()}.{kind}" for kind in got), "no temporary folder"


def test_the_direct_writer_refuses_a_stop_word_field_that_differs_from_its_text_field(tmp_path):
    """One buffer serves a text field and its stop-word field, so a document whose body_stops is not its body's
    text (or is missing) is refused, before anything of it is written, with a message naming both fields."""
    document = seed_documents(1)[0]
    writer = SegmentWriter(tmp_path, paragraph_schema())
    for changed in ({**document, "body_stops": document["body"] + " _the"}, {k: v for k, v in document.items() if k != "body_stops"}):
        with pytest.raises(ValueError, match="body and body_stops"):
            writer.add(changed)
    writer.add(document)
    [segment] = writer.finish()
    assert segment.doc_count_all() == 1, "a refused document leaves nothing behind"


def outcome(location: Path, queries: list[str] = QUERIES) -> list:
    """Every matched cable (ranked, scores rounded), the total and the facets of each query."""
    engine = Engine(location)
    try:
        results = [engine.search(SearchRequest(query=query, limit=2000)) for query in queries]
        return [([(hit.id, round(hit.score, 9)) for hit in result.hits], result.total, result.facets) for result in results]
    finally:
        engine.close()


def test_a_small_budget_writes_several_segments_that_answer_as_one(tmp_path, monkeypatch):
    """A worker whose postings outgrow its budget writes several segments; the search over them ranks, scores and
    counts exactly as over one segment of the same cables, and whoosh's searcher still agrees with the engine."""
    source = copy_seeds(tmp_path / "src", 0, 80)
    rebuild(tmp_path / "one", [source])
    monkeypatch.setattr(segmentwriter, "WRITER_MB", 0.3)
    rebuild(tmp_path / "several", [source])
    assert len(read_segment_list((tmp_path / "one").resolve())) == 1
    assert len(read_segment_list((tmp_path / "several").resolve())) >= 4
    assert outcome(tmp_path / "several") == outcome(tmp_path / "one")
    assert assert_same_documents(tmp_path / "several") >= 300


def add_zebrafish(path: Path) -> None:
    """Change a cable's text: every "the" gains a new word after it."""
    path.write_text(path.read_text(encoding="utf-8").replace(" the ", " the zebrafish "), encoding="utf-8")


def changeable(folder: Path) -> list[Path]:
    """The cable files of a folder whose paragraphs hold " the " (so :func:`add_zebrafish` changes what is indexed)."""
    return [
        path for path in sorted(folder.glob("*.txt")) if any(" the " in paragraph.text for paragraph in read_file(path).cable.paragraphs)
    ]


def matched(location: Path) -> list:
    """Every matched cable id (unranked: collection statistics differ while deleted documents wait for a merge),
    the total and the facets of each query, and how many cables the index holds."""
    engine = Engine(location)
    try:
        results = [engine.search(SearchRequest(query=query, limit=2000)) for query in QUERIES]
        return [engine.cables, *[(sorted(hit.id for hit in result.hits), result.total, result.facets) for result in results]]
    finally:
        engine.close()


@pytest.fixture(scope="module")
def updated_twice(tmp_path_factory) -> tuple[Path, Path]:
    """60 seed cables updated twice (changed, pruned, added, changed again), and the folder they now come from."""
    root = tmp_path_factory.mktemp("updates")
    source = copy_seeds(root / "src", 0, 60)
    location = root / "index"
    rebuild(location, [source], jobs=2)
    files = changeable(source)
    for path in files[3:5]:
        add_zebrafish(path)
    files[10].unlink()
    shutil.copy(sorted(SEEDS.glob("*.txt"))[60], source)
    report = update(location, [source], prune=True)
    assert (report.added, report.replaced, report.removed) == (1, 2, 1)
    add_zebrafish(files[3])  # changed again: its first replacement is replaced in turn
    add_zebrafish(files[20])
    files[30].unlink()
    report = update(location, [source], prune=True)
    assert (report.added, report.replaced, report.removed) == (0, 2, 1)
    return location, source


def test_an_index_updated_twice_matches_a_fresh_rebuild_of_the_same_files(updated_twice, tmp_path):
    """After changes, prunes, an addition and a second change of a changed cable, every query (words, phrases with
    stop words, prefixes, NEAR, a tag) matches the same cables with the same totals and facets as a rebuild."""
    location, source = updated_twice
    fresh = tmp_path / "fresh"
    rebuild(fresh, [source])
    assert matched(location) == matched(fresh)
    assert matched(location)[0] == 59


def test_an_updated_index_keeps_its_segments_and_finds_the_changed_text(updated_twice):
    """Each update added a segment (nothing small enough to merge yet); the replaced documents are deleted, so the
    changed cable is found once, by its new text, and whoosh's searcher agrees with the engine."""
    location, source = updated_twice
    assert len(read_segment_list(location.resolve())) == 4, "two from the rebuild's workers, one per update"
    changed = read_file(changeable(source)[3]).cable.id
    engine = Engine(location)
    try:
        hits = engine.search(SearchRequest(query='"the zebrafish zebrafish"', limit=50)).hits
        assert [hit.id for hit in hits] == [changed], "changed twice: only its second text has the word twice over"
    finally:
        engine.close()
    assert assert_same_documents(location) >= 300
