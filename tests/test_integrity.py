"""A tampered or damaged index runs nothing and answers nothing wrong (issue 13, items 2, 9, 12, 14).

Each test works on a private copy of a small index built from seed cables,
damages it the way a hostile or failing disk would, and drives the ``cables``
command a user would run.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from cables.index.build import rebuild, update
from cables.index.check import check_structure
from cables.index.integrity import IndexDamage, file_digest
from cables.index.store import MARKER
from cables.index.termarrays import EXCEPTION, LARGEST_GAP, TABLE_ENTRY, TABLE_START, Pack, SegmentArrays
from cables.search.cli import main
from tests.helpers import copy_seeds

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """An index of 60 seed cables, built once for this module; tests damage copies of it."""
    root = tmp_path_factory.mktemp("integrity")
    location = root / "index"
    rebuild(location, [copy_seeds(root / "cables", 0, 60)])
    return location


@pytest.fixture
def index_copy(built, tmp_path) -> Path:
    """A private copy of the module's index (its generation link stays relative, so it points into the copy)."""
    target = tmp_path / "copy"
    target.mkdir()
    shutil.copytree(built.parent / f"{built.name}.generations", target / f"{built.name}.generations", symlinks=True)
    (target / built.name).symlink_to(os.readlink(built))
    return target / built.name


def run_cables(*args: str) -> subprocess.CompletedProcess:
    """``cables ARGS`` in a fresh process, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "cables.search", *args], capture_output=True, text=True, cwd=REPO, timeout=120)


def generation(location: Path) -> Path:
    return location.resolve()


def table_of_contents(location: Path) -> Path:
    (toc,) = sorted((generation(location) / "whoosh").glob("_MAIN_*.toc"))
    return toc


def toc_parts(toc: Path) -> tuple[int, int, int]:
    """Where the schema pickle starts and ends, and where the segment-list pickle starts, in a table of contents."""
    from whoosh.filedb.structfile import StructFile

    with open(toc, "rb") as handle:
        stream = StructFile(handle)
        for _ in range(3):
            stream.read_varint()
        stream.read_int()
        stream.read_int()
        for _ in range(3):
            stream.read_varint()
        length = stream.read_varint()
        schema_start = stream.tell()
        stream.seek(schema_start + length)
        stream.read_int()
        stream.read_int()
        return schema_start, schema_start + length, stream.tell()


class Touch:
    """A pickle payload: unpickling it creates the file ``path`` (what an attacker's code would do first)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self):
        return (open, (str(self.path), "w"))


def plant(toc: Path, where: str, witness: Path) -> None:
    """Replace the schema or the segment list pickle with a payload padded to the same size (so sizes still match)."""
    schema_start, schema_end, segments_start = toc_parts(toc)
    data = bytearray(toc.read_bytes())
    start, end = (schema_start, schema_end) if where == "schema" else (segments_start, len(data))
    payload = pickle.dumps(Touch(witness), 2)
    assert len(payload) <= end - start
    data[start:end] = payload + b"\0" * (end - start - len(payload))
    assert len(data) == toc.stat().st_size
    toc.write_bytes(bytes(data))


def forge_marker(location: Path) -> None:
    """Record the tampered files' new checksums in the marker, as an attacker who read the code would."""
    folder = generation(location)
    marker = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    marker["checksums"] = {name: file_digest(folder / name) for name in marker["checksums"]}
    (folder / MARKER).write_text(json.dumps(marker), encoding="utf-8")


def assert_damaged(result, location: Path) -> None:
    """Exit 1 with one line on stderr naming the index as damaged and saying to rebuild it."""
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(f"cables: error: index {location} is damaged (")
    assert "rebuild it" in result.stderr and "unexpected" not in result.stderr


# Item 2: a planted pickle runs nothing.


@pytest.mark.parametrize("forged", [False, True], ids=["marker-kept", "marker-forged"])
@pytest.mark.parametrize("where", ["schema", "segments"])
def test_planted_pickle_in_the_table_of_contents_runs_nothing(index_copy, tmp_path, where, forged):
    """No command runs a pickle planted in whoosh's table of contents.  ``update`` and ``check`` read it and
    refuse it; a search reads only the arrays, so it refuses the file by its checksum, or, when the
    attacker forged the marker too, answers without ever reading it."""
    witness = tmp_path / "payload-ran"
    plant(table_of_contents(index_copy), where, witness)
    if forged:
        forge_marker(index_copy)
    result = run_cables("search", "security", "--index", str(index_copy))
    assert not witness.exists(), "search ran the planted pickle"
    if forged:
        assert result.returncode == 0, result.stderr
    else:
        assert_damaged(result, index_copy)
    result = run_cables("update", str(SEEDS / "09OTTAWA265.txt"), "--index", str(index_copy))
    assert not witness.exists(), "update ran the planted pickle"
    assert_damaged(result, index_copy)
    result = run_cables("check", "--index", str(index_copy))
    assert not witness.exists()
    assert result.returncode == 1
    if not forged:
        assert f"whoosh/{table_of_contents(index_copy).name}: content differs from its checksum" in result.stdout


def test_pickles_planted_in_the_posting_arrays_run_nothing(index_copy, tmp_path):
    """The codec keeps postings as plain numbers: pickles planted over the position arrays (marker forged) are read as
    numbers by a search and by whoosh's merge in ``update``, which hands positions to whoosh as values it encodes
    itself, and never unpickled."""
    witness = tmp_path / "payload-ran"
    payload = pickle.dumps(Touch(witness), 2)
    planted = 0
    for pack in (generation(index_copy) / "whoosh").glob("*.pack"):
        if "positions" not in Pack(str(pack), pack.name).table:
            continue
        data = bytearray(pack.read_bytes())
        first, end = array_span(pack, "positions")
        for start in range(first, end - len(payload), 4 * len(payload)):
            data[start : start + len(payload)] = payload
            planted += 1
        pack.write_bytes(bytes(data))
    assert planted > 10
    forge_marker(index_copy)
    result = run_cables("search", '"security council"', "--index", str(index_copy))
    assert result.returncode == 0, result.stderr
    result = run_cables("update", str(SEEDS / "09OTTAWA265.txt"), "--index", str(index_copy))
    assert result.returncode == 0, result.stderr
    assert not witness.exists()


def test_every_pickle_reader_of_whoosh_is_restricted():
    """No whoosh module keeps pickle's own load functions once an index is opened.

    Exempt: ``whoosh.compat`` (which only re-exports them), the whoosh 2 and
    plain-text codecs (reachable only through their own segment classes, which
    the unpickler refuses), and ``whoosh.externalsort``, which reads back only
    the sort runs the same build process just wrote.
    """
    import importlib

    from cables.index.unpickling import guard_whoosh

    for name in (
        "whoosh.index",
        "whoosh.reading",
        "whoosh.formats",
        "whoosh.columns",
        "whoosh.codec.whoosh3",
        "whoosh.filedb.structfile",
        "whoosh.filedb.filetables",
        "whoosh.filedb.compound",
        "whoosh.legacy",
    ):
        importlib.import_module(name)
    guard_whoosh()
    unrestricted = {pickle.load, pickle.loads}
    holders = [
        f"{name}.{attribute}"
        for name, module in list(sys.modules.items())
        if name.startswith("whoosh")
        and name not in ("whoosh.compat", "whoosh.codec.whoosh2", "whoosh.codec.plaintext", "whoosh.externalsort")
        for attribute, value in vars(module).items()
        if any(value is function for function in unrestricted)
    ]
    assert holders == []


# Item 9: deleted documents reach no query path.

QUERIES = [
    '"bilateral security"',
    '"security working group"',
    "zebra*",
    "secur*",
    "bilateral",
    "canada mexico",
    "zebraone",
    '"security zebraone"',
]


def cli_json(*args: str) -> dict:
    """Run a ``cables`` command in-process with ``--format json``; it must succeed."""
    result = CliRunner().invoke(main, [*args, "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def ranked(location: Path, query: str) -> tuple[list[str], int, dict]:
    data = cli_json("search", query, "--index", str(location), "--limit", "20")
    return [hit["id"] for hit in data["results"]], data["total"], data["facets"]


def test_a_cable_replaced_twice_answers_like_a_fresh_rebuild(tmp_path):
    """After ``update`` replaces the same cable twice, phrases, prefixes, facets and ``similar`` equal a rebuild's."""
    cables = copy_seeds(tmp_path / "cables", 0, 40)
    edited = cables / "09OTTAWA265.txt"
    shutil.copy(SEEDS / edited.name, edited)
    updated = tmp_path / "updated"
    rebuild(updated, [cables])
    for old, new in (("bilateral security", "bilateral security zebraone"), ("zebraone", "zebratwo")):
        edited.write_text(edited.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
        report = update(updated, [cables])
        assert report.replaced == 1
    fresh = tmp_path / "fresh"
    rebuild(fresh, [cables])
    for query in QUERIES:
        assert ranked(updated, query) == ranked(fresh, query), query
    ids, total, _ = ranked(updated, '"security zebratwo"')
    assert ids == ["09OTTAWA265"] and total == 1
    assert ranked(updated, "zebraone")[1] == 0  # the words of the replaced versions are gone
    assert ranked(updated, '"bilateral security"')[0].count("09OTTAWA265") == 1
    similar = [cli_json("similar", "09OTTAWA265", "--index", str(location)) for location in (updated, fresh)]
    assert similar[0] == similar[1] and similar[0]["results"]


# Item 14: same-size damage is found and named; item 12: out-of-range arrays are damage, not IndexError.


def segment_pack(location: Path, field: str = "body") -> Path:
    """The pack of one field of the index's only posting segment (the module's index is built by one worker)."""
    (path,) = (generation(location) / "whoosh").glob(f"*.{field}.pack")
    return path


def array_span(pack: Path, kind: str) -> tuple[int, int]:
    """The bytes one array of a pack spans, as its table records them."""
    entry = Pack(str(pack), pack.name).table[kind]
    return entry.offset, entry.offset + np.dtype(entry.dtype).itemsize * entry.length


def flip_middle_byte(path: Path, span: tuple[int, int] | None = None) -> None:
    """Flip one bit of the middle byte of the file, or of the file's ``span``."""
    data = bytearray(path.read_bytes())
    start, end = span or (0, len(data))
    data[(start + end) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def test_check_passes_a_whole_index(built):
    data = cli_json("check", "--index", str(built))
    marker = json.loads((generation(built) / MARKER).read_text(encoding="utf-8"))
    assert data == {"index": str(built), "whole": True, "files": len(marker["files"]), "damaged": []}
    assert set(marker["checksums"]) == set(marker["files"])


@pytest.mark.parametrize(
    "name", ["body.docs", "body.freqs", "body.positions", "columns/cable_year.npy", "cables.sqlite", "stems.tsv", "whoosh/*._stored.col"]
)
def test_check_names_the_file_damaged_at_the_same_size(index_copy, name):
    """One flipped bit, size unchanged: the search may answer wrongly, ``cables check`` names exactly that file."""
    folder = generation(index_copy)
    if name.startswith("body."):
        path = segment_pack(index_copy)
        flip_middle_byte(path, array_span(path, name.removeprefix("body.")))
    else:
        path = next(folder.glob(name))
        flip_middle_byte(path)
    relative = str(path.relative_to(folder))
    result = CliRunner().invoke(main, ["check", "--index", str(index_copy), "--format", "json"])
    assert result.exit_code == 1
    data = json.loads(result.output[: result.output.rindex("}") + 1])
    assert data["whole"] is False
    assert data["damaged"] == [{"path": relative, "reason": "content differs from its checksum"}]
    text = run_cables("check", "--index", str(index_copy))
    assert text.returncode == 1
    assert text.stdout == f"{relative}: content differs from its checksum\n"
    assert text.stderr.startswith(f"cables: error: index {index_copy} is damaged (1 problem)")


def test_posting_documents_changed_within_range_give_wrong_totals_until_checked(index_copy):
    """Same-size damage that keeps every invariant: only the checksums can tell, and ``cables check`` does."""
    before = ranked(index_copy, "security")[1]
    docs_path = segment_pack(index_copy)

    def to_first_documents(codes: np.ndarray) -> np.ndarray:
        # Each list moved towards the first documents, still rising: every gap held in one byte becomes 1;
        # the large gaps, kept in the exceptions, stay where they are.
        codes[codes != EXCEPTION] = 1
        return codes

    rewrite_array(docs_path, to_first_documents, "docs")
    assert ranked(index_copy, "security")[1] != before  # the silent wrong answer the checksums exist for
    result = run_cables("check", "--index", str(index_copy))
    assert result.returncode == 1
    assert f"{docs_path.relative_to(generation(index_copy))}: content differs from its checksum" in result.stdout


def test_an_added_table_of_contents_is_refused(index_copy):
    """whoosh reads the newest ``.toc``: one the build did not write is damage, before whoosh reads it."""
    toc = table_of_contents(index_copy)
    shutil.copy(toc, toc.with_name("_MAIN_99.toc"))
    assert_damaged(run_cables("search", "security", "--index", str(index_copy)), index_copy)
    data = json.loads(run_cables("check", "--index", str(index_copy), "--format", "json").stdout)
    assert {"path": "whoosh/_MAIN_99.toc", "reason": "not written by the build"} in data["damaged"]


def rewrite_array(path: Path, change, kind: str | None = None) -> None:
    """Change the values of a ``.npy`` file, or of the array ``kind`` of a pack, in place, keeping type, shape and size."""
    size = path.stat().st_size
    if kind is None:
        values = np.load(path)
        np.save(path, change(values).astype(values.dtype))
    else:
        start, end = array_span(path, kind)
        data = bytearray(path.read_bytes())
        values = np.frombuffer(bytes(data[start:end]), dtype=Pack(str(path), path.name).table[kind].dtype).copy()
        data[start:end] = change(values).astype(values.dtype).tobytes()
        path.write_bytes(bytes(data))
    assert path.stat().st_size == size


OUT_OF_RANGE = {
    "body.docs": lambda values: np.full_like(values, np.iinfo(values.dtype).max),
    "body.starts": lambda values: values * 2,
    "body.term_starts": lambda values: values[::-1],
    "columns/doc_cable.npy": lambda values: values + 1_000,
    "columns/cable_tags.npy": lambda values: values + 30_000,
    "columns/cable_doc_start.npy": lambda values: values[::-1],
    "columns/cable_docs.npy": lambda values: values - 1_000_000,
    "columns/doc_marking.npy": lambda values: values + 3_000,
}


@pytest.mark.parametrize("name", sorted(OUT_OF_RANGE))
def test_arrays_out_of_range_are_reported_as_damage(index_copy, name):
    """Values or offsets out of range (size unchanged): search and facets exit 1 with one line, never IndexError."""
    folder = generation(index_copy)
    path = segment_pack(index_copy) if name.startswith("body.") else folder / name
    rewrite_array(path, OUT_OF_RANGE[name], name.removeprefix("body.") if name.startswith("body.") else None)
    result = run_cables("search", "security", "--marking", "S", "--index", str(index_copy))
    assert_damaged(result, index_copy)
    assert str(path.relative_to(folder)).rsplit(".", 1)[0] in result.stderr


GAP_DAMAGE = {
    "body.doc_exceptions": {"zeroed": lambda values: values * 0, "maxed": lambda values: np.full_like(values, np.iinfo(values.dtype).max)},
    "body.doc_exception_starts": {"reversed": lambda values: values[::-1], "halved": lambda values: values // 2},
}


@pytest.mark.parametrize(("name", "how"), [(name, how) for name, changes in GAP_DAMAGE.items() for how in changes])
def test_damaged_gap_exceptions_are_reported_as_damage(index_copy, name, how):
    """The large gaps of the documents' one-byte encoding, or their offsets, damaged (size unchanged): a search that reads
    the lists exits 1 with one line naming the field's files, never a wrong answer or an IndexError.  "turkish" is in
    paragraphs far apart among the 60 cables' 598, so its list has a gap of a byte or more: an exception."""
    folder = generation(index_copy)
    path = segment_pack(index_copy)
    arrays = SegmentArrays(path.parent, path.name.split(".")[0], "body", doc_count=598)
    assert (np.diff(arrays.lookup("turkish")[0], prepend=-1) > LARGEST_GAP).any()
    rewrite_array(path, GAP_DAMAGE[name][how], name.removeprefix("body."))
    result = run_cables("search", "turkish", "--index", str(index_copy))
    assert_damaged(result, index_copy)
    assert str(path.relative_to(folder)).split(".")[0] in result.stderr


def test_exception_offsets_moved_within_range_are_found_by_the_structure_check(index_copy):
    """Offsets that still rise and span the exceptions but put one term's large gaps under another: the whole check reads
    every list and finds the offsets disagreeing with the gap codes (``cables check`` reaches it when the checksums agree)."""
    path = segment_pack(index_copy)

    def moved(values: np.ndarray) -> np.ndarray:
        inner = np.flatnonzero(values[1:-1] < values[-1]) + 1  # offsets that can move up one and still end in range
        values[inner[len(inner) // 2]] += 1
        return values

    check_structure(generation(index_copy))
    rewrite_array(path, moved, "doc_exception_starts")
    with pytest.raises(IndexDamage, match="doc_exception_starts disagrees"):
        check_structure(generation(index_copy))


@pytest.mark.parametrize("change", [lambda values: values[::-1], lambda values: values // 2], ids=["reversed", "halved"])
def test_position_offsets_out_of_step_are_reported_as_damage(index_copy, change):
    """Position offsets that disagree with the frequencies (size unchanged): a phrase search exits 1 with one line naming the file."""
    path = segment_pack(index_copy)
    rewrite_array(path, change, "position_starts")
    result = run_cables("search", '"bilateral security"', "--index", str(index_copy))
    assert_damaged(result, index_copy)
    assert "body.position_starts" in result.stderr


@pytest.mark.parametrize("planted", ["fifo", "link"])
def test_a_pack_replaced_by_a_pipe_or_a_link_is_refused_before_it_is_read(index_copy, tmp_path, planted):
    """A named pipe would block the reader forever and a link reads a file from outside the index (here one of the same
    size): the build writes neither, so a search refuses either before opening any posting file, naming it."""
    path = segment_pack(index_copy)
    outside = tmp_path / "outside.pack"
    shutil.copy(path, outside)
    path.unlink()
    if planted == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to(outside)
    result = run_cables("search", "security", "--index", str(index_copy))
    assert_damaged(result, index_copy)
    assert f"{path.relative_to(generation(index_copy))} is not a regular file" in result.stderr


def table_entry_at(data: bytes | bytearray, kind: str) -> int:
    """Where the table entry of array ``kind`` starts in a pack's bytes."""
    listed = TABLE_START.unpack_from(data)[1]
    starts = range(TABLE_START.size, TABLE_START.size + TABLE_ENTRY.size * listed, TABLE_ENTRY.size)
    return next(at for at in starts if TABLE_ENTRY.unpack_from(data, at)[0].rstrip(b"\0") == kind.encode())


def change_entry(data: bytearray, kind: str, change) -> None:
    """Rewrite the table entry of array ``kind`` in a pack's bytes: ``change`` maps its fields to new ones."""
    at = table_entry_at(data, kind)
    entry = dict(zip(("kind", "width", "offset", "count"), TABLE_ENTRY.unpack_from(data, at), strict=True))
    TABLE_ENTRY.pack_into(data, at, *change(entry).values())


def overwrite_magic(data: bytearray) -> None:
    data[:8] = b"NOTAPACK"


TABLE_DAMAGE = {
    "moved past the end": lambda data: change_entry(data, "docs", lambda entry: entry | {"offset": len(data) - 8}),
    "grown past the end": lambda data: change_entry(data, "docs", lambda entry: entry | {"count": len(data)}),
    "a kind twice": lambda data: change_entry(data, "freqs", lambda entry: entry | {"kind": b"docs"}),
    "unaligned": lambda data: change_entry(data, "positions", lambda entry: entry | {"offset": entry["offset"] + 2}),
    "no magic": overwrite_magic,
}


@pytest.mark.parametrize("damage", sorted(TABLE_DAMAGE))
def test_a_damaged_pack_table_is_reported_as_damage(index_copy, damage):
    """A pack's table that does not fit its file (an array past the end, a kind twice, an unaligned array, no magic),
    size unchanged and the marker forged so only the table's own checks can tell: a search exits 1 with one line
    naming the field's pack, never an IndexError or a read outside the file."""
    path = segment_pack(index_copy)
    data = bytearray(path.read_bytes())
    TABLE_DAMAGE[damage](data)
    path.write_bytes(bytes(data))
    forge_marker(index_copy)
    result = run_cables("search", "security", "--index", str(index_copy))
    assert_damaged(result, index_copy)
    assert f"{path.name.removesuffix('.pack')}" in result.stderr


@pytest.mark.parametrize(
    "content", ['{"segments": [["../../outside", 5]]}', '{"segments": 3}', "not json", '{"segments": [["MAIN_a", -1]]}']
)
def test_a_damaged_segment_list_is_reported(index_copy, content):
    """The segment list a search reads instead of whoosh's table of contents: anything but a list of safe ids and counts is damage."""
    path = generation(index_copy) / "postings" / "segments.json"
    path.write_text(content.ljust(path.stat().st_size), encoding="utf-8")
    result = run_cables("search", "security", "--index", str(index_copy))
    assert_damaged(result, index_copy)
    assert "segments.json" in result.stderr


@pytest.mark.parametrize("damage", ["postings/segments.json", "columns/cable_body_length.npy"])
def test_an_update_of_a_damaged_index_says_it_is_damaged_and_changes_nothing(index_copy, tmp_path, damage):
    """A truncated file of the current generation: `update` gives the one-line damaged error a search gives, not an
    "unexpected ValueError" or "unexpected IndexDamage", and publishes nothing."""
    target = generation(index_copy) / damage
    target.write_bytes(target.read_bytes()[:2])
    before = generation(index_copy)
    result = run_cables("update", str(copy_seeds(tmp_path / "more", 60, 62)), "--index", str(index_copy))
    assert_damaged(result, index_copy)
    assert generation(index_copy) == before


@pytest.mark.parametrize("damage", ["stems.tsv", "cables.sqlite", "columns/doc_cable.npy"])
def test_an_update_does_not_certify_damage_that_kept_the_size(index_copy, tmp_path, damage):
    """A byte changed in a file an update rewrites: the update refuses (one line, "is damaged"), where it used to carry the
    byte into the new generation under a fresh checksum, after which `cables check` said the index was whole."""
    target = generation(index_copy) / damage
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x20
    target.write_bytes(bytes(data))
    before = generation(index_copy)
    result = run_cables("update", str(copy_seeds(tmp_path / "more", 60, 62)), "--index", str(index_copy))
    assert_damaged(result, index_copy)
    assert f"({damage}: content differs from its checksum)" in result.stderr
    assert generation(index_copy) == before
