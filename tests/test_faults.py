"""Hostile queries and faults: nothing crashes, nothing is lost.

Set CABLES_LONG_TESTS=1 for longer fuzzing runs (more examples, more kill points).
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cables.index.build as build
from cables.index.build import rebuild, update
from cables.index.store import IndexUnavailable, generations_folder
from cables.search.cli import main
from cables.search.engine import Engine, SearchRequest
from cables.search.query import QuerySyntaxError
from tests.helpers import answers, copy_seeds, kill_cables_after

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
LONG = os.environ.get("CABLES_LONG_TESTS") == "1"
EXAMPLES = 2000 if LONG else 150
PIECES = [
    "oil",
    "gas",
    "visa",
    "fraud",
    "Iceland",
    "AND",
    "OR",
    "NOT",
    "(",
    ")",
    '"',
    "-",
    "*",
    "?",
    ":",
    "tag:",
    "origin:",
    "created:",
    "[",
    "]",
    "TO",
    ">",
    "<=",
    "2009",
    "2009-13",
    "ref:",
    "id:",
    "marking:S",
    "subject:",
    "bogus:",
    "\x00",
    "\x1b",
    "é",
    "¶",
    " ",
]


def probe(location: Path) -> list:
    return answers(location, ["oil", "security council", "tag:PREL"])


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    st.one_of(
        st.text(max_size=60),
        st.lists(st.sampled_from(PIECES), max_size=12).map("".join),
        st.lists(st.sampled_from(PIECES), max_size=12).map(" ".join),
    )
)
def test_random_queries_parse_or_fail_cleanly(engine, query):
    try:
        result = engine.search(SearchRequest(query=query, limit=5))
    except QuerySyntaxError as error:
        assert str(error).startswith("column ") and "\n" not in str(error)
        return
    ids = [hit.id for hit in result.hits]
    assert len(ids) == min(5, result.total) and len(set(ids)) == len(ids), "page 1 holds the first matches, each cable once"


@pytest.mark.parametrize(
    "query",
    ["*", "*a*", "a*", "?", "**", '"', '"""', "(((", ")))", "tag:", "created:[", "NOT", "-", "x" * 10_000, "oil " * 2500, "\x07bell"],
)
def test_hostile_queries_exit_0_or_2_with_one_line(seed_index, query):
    result = CliRunner().invoke(main, ["search", query, "--index", str(seed_index), "--limit", "3"], catch_exceptions=False)
    assert result.exit_code in (0, 2)
    if result.exit_code == 2:
        assert result.output.count("\n") == 1 and result.output.startswith("cables: error: bad query:")


@pytest.mark.parametrize("query", ["iran\x7f nuclear", "iran\x85 nuclear", "iran\x9b31m nuclear"])
def test_delete_and_c1_controls_are_refused_in_one_line(seed_index, query):
    # DEL and the C1 controls (U+0085 next line, U+009B the one-byte escape
    # introducer) are controls like U+0001: echoed, they could move or restyle
    # the user's terminal line.
    result = CliRunner().invoke(main, ["search", query, "--index", str(seed_index)], catch_exceptions=False)
    assert result.exit_code == 2
    assert result.output == f"cables: error: bad query: column 5: control character U+{ord(query[4]):04X} is not allowed\n"


def test_pasted_invisible_characters_search_as_the_visible_text(engine, seed_index):
    # Text pasted from a web page or PDF can carry a zero-width space between
    # words, a soft hyphen inside one, bidi marks and a right-to-left override.
    # They are not part of what the user reads, so the search is the visible
    # query's, and the echo holds no override to reorder the terminal line.
    pasted = "\u200eiran\u200bnu\u00adclear \u202eprogram\u202c"
    visible = engine.search(SearchRequest(query="iran nuclear program", limit=5))
    found = engine.search(SearchRequest(query=pasted, limit=5))
    assert found.total == visible.total > 0
    assert [hit.id for hit in found.hits] == [hit.id for hit in visible.hits]
    result = CliRunner().invoke(main, ["search", pasted, "--index", str(seed_index), "--limit", "1"], catch_exceptions=False)
    assert result.exit_code == 0 and 'match "iran nuclear program"' in result.output
    assert not any(character in result.output for character in "\u200b\u200e\u202c\u202e\u00ad")


def test_wildcard_expansion_cap_is_reported(engine, monkeypatch):
    import cables.search.postings

    monkeypatch.setattr(cables.search.postings, "MAX_EXPANSIONS", 5)
    result = engine.search(SearchRequest(query="co*"))
    assert any("used the first 5" in note for note in result.notes)
    assert result.total > 0


def test_leading_wildcard_is_bounded(engine):
    result = engine.search(SearchRequest(query="*an*", limit=3))
    assert result.total > 0 and any("matched too many" in note for note in result.notes)


def test_disk_full_during_rebuild_keeps_the_previous_index(tmp_path, monkeypatch):
    location = tmp_path / "ix"
    rebuild(location, [copy_seeds(tmp_path / "a", 0, 30)])
    before = probe(location)

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(build, "write_stem_table", full)
    with pytest.raises(OSError):
        rebuild(location, [copy_seeds(tmp_path / "b", 30, 40)])
    assert probe(location) == before
    assert len(list(generations_folder(location).iterdir())) == 1, "the failed generation is removed"


def test_disk_full_in_a_worker_fails_the_rebuild_and_keeps_the_previous_index(tmp_path, monkeypatch):
    """A worker process that cannot write its segment's arrays fails the whole rebuild, with its error."""
    from cables.index import segmentwriter

    location = tmp_path / "ix"
    rebuild(location, [copy_seeds(tmp_path / "a", 0, 30)], jobs=2)
    before = probe(location)

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(segmentwriter, "write_field_lists", full)  # the forked workers inherit it
    with pytest.raises(OSError, match="No space left"):
        rebuild(location, [copy_seeds(tmp_path / "b", 30, 40)], jobs=2)
    assert probe(location) == before
    assert len(list(generations_folder(location).iterdir())) == 1, "the failed generation is removed"


def test_disk_full_is_one_line_exit_1(tmp_path, monkeypatch):
    monkeypatch.setattr(build, "write_stem_table", lambda *a, **k: (_ for _ in ()).throw(OSError(errno.ENOSPC, "No space left on device")))
    result = CliRunner().invoke(main, ["rebuild", str(SEEDS / "09OTTAWA265.txt"), "--index", str(tmp_path / "ix")], catch_exceptions=False)
    assert result.exit_code == 1
    assert result.output.strip().endswith("No space left on device") and result.output.count("\n") == 1


def test_read_only_target(tmp_path):
    location = tmp_path / "ro" / "ix"
    rebuild(location, [SEEDS / "09OTTAWA265.txt"])
    before = probe(location)
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the index folder's parent should be")
    result = subprocess.run(
        [sys.executable, "-m", "cables.search", "rebuild", str(SEEDS / "09QUITO177.txt"), "--index", str(blocked / "ix")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert probe(location) == before


def test_searches_during_rebuild_see_old_or_new(tmp_path):
    location = tmp_path / "ix"
    old_source = copy_seeds(tmp_path / "a", 0, 40)
    new_source = copy_seeds(tmp_path / "b", 40, 120)
    rebuild(location, [old_source])
    old = probe(location)
    failures: list[str] = []
    answers: list = []
    done = threading.Event()

    def search_loop():
        while not done.is_set():
            try:
                answers.append(probe(location))
            except Exception as error:
                failures.append(f"{type(error).__name__}: {error}")

    thread = threading.Thread(target=search_loop)
    thread.start()
    try:
        rebuild(location, [new_source], jobs=2)
        update(location, [old_source])
    finally:
        done.set()
        thread.join()
    new = None
    rebuild_only = tmp_path / "ref"
    rebuild(rebuild_only, [new_source])
    new = probe(rebuild_only)
    final = probe(location)
    assert not failures
    assert answers
    assert all(answer in (old, new, final) for answer in answers)


def test_two_rebuilds_at_once_one_fails_clearly(tmp_path):
    location = tmp_path / "ix"
    source = copy_seeds(tmp_path / "a", 0, 150)
    first = subprocess.Popen(
        [sys.executable, "-m", "cables.search", "rebuild", str(source), "--index", str(location)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    lock = location.with_name(f".{location.name}.lock")
    while time.monotonic() < deadline and not (lock.exists() and lock.read_text().strip()):
        time.sleep(0.05)
    second = subprocess.run(
        [sys.executable, "-m", "cables.search", "rebuild", str(source), "--index", str(location)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    _out, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    assert second.returncode == 1 and "being written by process" in second.stderr
    assert Engine(location).cables == 150


def test_truncated_segment_is_reported_as_damaged(tmp_path):
    location = tmp_path / "ix"
    rebuild(location, [copy_seeds(tmp_path / "a", 0, 20)])
    files = [path for path in (location.resolve() / "whoosh").iterdir() if path.is_file()]
    largest = max(files, key=lambda path: path.stat().st_size)
    with open(largest, "r+b") as handle:
        handle.truncate(largest.stat().st_size // 3)
    result = CliRunner().invoke(main, ["search", "oil", "--index", str(location)], catch_exceptions=False)
    assert result.exit_code == 1 and "damaged" in result.output and "cables rebuild" in result.output


def test_folder_that_is_not_an_index(tmp_path):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "todo.txt").write_text("x")
    with pytest.raises(IndexUnavailable, match="not a cables index"):
        Engine(tmp_path / "notes")
    with pytest.raises(IndexUnavailable, match="not a cables index"):
        rebuild(tmp_path / "notes", [SEEDS / "09OTTAWA265.txt"])
    assert (tmp_path / "notes" / "todo.txt").exists(), "a rebuild never deletes a folder it did not make"


@pytest.mark.parametrize("delay", [0.3, 1.0, 2.0] + ([0.6, 1.5, 2.5, 3.5, 5.0] if LONG else []))
def test_killed_update_leaves_previous_index_answering_identically(tmp_path, delay):
    location = tmp_path / "ix"
    source = copy_seeds(tmp_path / "src", 0, 30)
    rebuild(location, [source])
    before = probe(location)
    for path in sorted(SEEDS.glob("*.txt"))[30:150]:
        shutil.copy(path, source / path.name)
    kill_cables_after(delay, "update", source, "--index", location)
    engine = Engine(location)
    cables = engine.cables
    engine.close()
    assert probe(location) == before or cables == 150, "the index must be the old one or the complete new one"
    report = update(location, [source])
    assert report.cables == 150
    unfinished = [path for path in generations_folder(location).iterdir() if not (path / "cables-index.json").exists()]
    assert not unfinished, "the next update removes what a killed one left"


def test_ten_megabyte_cable_is_read_and_indexed(tmp_path):
    """A 10 MB file (the seed cable's body repeated) is read whole and indexed, not choked on."""
    text = (SEEDS / "09OTTAWA265.txt").read_text(encoding="utf-8")
    body_start = text.index("1. (C) SUMMARY")
    footer = text.index("Share this cable")
    body = text[body_start:footer]
    repeats = 10 * 1024 * 1024 // len(body) + 1
    big = tmp_path / "big" / "09OTTAWA265.txt"
    big.parent.mkdir()
    big.write_text(text[:body_start] + body * repeats + text[footer:], encoding="utf-8")
    assert big.stat().st_size > 10 * 1024 * 1024
    report = rebuild(tmp_path / "ix", [big.parent])
    assert report.cables == 1 and not report.skipped and report.paragraphs > 1000
    assert Engine(tmp_path / "ix").search(SearchRequest(query="CISEN")).total == 1
