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

from index.build import rebuild, update
from index.integrity import file_digest
from index.store import MARKER
from search.cli import main
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
    return subprocess.run([sys.executable, "-m", "search", *args], capture_output=True, text=True, cwd=REPO, timeout=120)


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
    witness = tmp_path / "payload-ran"
    plant(table_of_contents(index_copy), where, witness)
    if forged:
        forge_marker(index_copy)
    for command in (["search", "security"], ["update", str(SEEDS / "09OTTAWA265.txt")]):
        result = run_cables(*command, "--index", str(index_copy))
        assert not witness.exists(), f"{' '.join(command)} ran the planted pickle"
        assert_damaged(result, index_copy)
    result = run_cables("check", "--index", str(index_copy))
    assert not witness.exists()
    assert result.returncode == 1
    if not forged:
        assert f"whoosh/{table_of_contents(index_copy).name}: content differs from its checksum" in result.stdout


def test_planted_pickle_in_posting_blocks_runs_nothing(index_copy, tmp_path):
    """Each posting block starts with a pickled header: payloads planted in them are refused when a phrase reads them."""
    witness = tmp_path / "payload-ran"
    payload = pickle.dumps(Touch(witness), 2)
    planted = 0
    for postings in (generation(index_copy) / "whoosh").glob("*.pst"):
        data = bytearray(postings.read_bytes())
        position = data.find(b"\x80\x02", 4)
        while 0 <= position < len(data) - len(payload):
            data[position: position + len(payload)] = payload
            planted += 1
            position = data.find(b"\x80\x02", position + len(payload))
        postings.write_bytes(bytes(data))
    assert planted > 10
    forge_marker(index_copy)
    result = run_cables("search", '"security council"', "--index", str(index_copy))
    assert not witness.exists()
    assert_damaged(result, index_copy)


def test_every_pickle_reader_of_whoosh_is_restricted():
    """No whoosh module keeps pickle's own load functions once an index is opened.

    Exempt: ``whoosh.compat`` (which only re-exports them), the whoosh 2 and
    plain-text codecs (reachable only through their own segment classes, which
    the unpickler refuses), and ``whoosh.externalsort``, which reads back only
    the sort runs the same build process just wrote.
    """
    import importlib

    from index.unpickling import guard_whoosh

    for name in ("whoosh.index", "whoosh.reading", "whoosh.formats", "whoosh.columns", "whoosh.codec.whoosh3",
                 "whoosh.filedb.structfile", "whoosh.filedb.filetables", "whoosh.filedb.compound", "whoosh.legacy"):
        importlib.import_module(name)
    guard_whoosh()
    unrestricted = {pickle.load, pickle.loads}
    holders = [
        f"{name}.{attribute}"
        for name, module in list(sys.modules.items())
        if name.startswith("whoosh") and name not in ("whoosh.compat", "whoosh.codec.whoosh2", "whoosh.codec.plaintext", "whoosh.externalsort")
        for attribute, value in vars(module).items()
        if any(value is function for function in unrestricted)
    ]
    assert holders == []
