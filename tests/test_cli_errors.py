"""Hostile input at the command line ends in one line and the documented exit code (issue 13 items 6, 12)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from cables.search.cli import main
from tests.conftest import REPO

DEEP_QUERIES = {
    "parentheses": "(" * 250 + "visa" + ")" * 250,
    "NOT": "NOT " * 2400 + "visa",
    "-(": "-(" * 300 + "visa" + ")" * 300,
}


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def one_error_line(output: str) -> str:
    """The single line of an error, checked to be one line and not an unexpected exception."""
    assert output.count("\n") == 1, output[:500]
    assert output.startswith("cables: error: ") and "unexpected" not in output
    return output.strip()


@pytest.mark.parametrize("shape", DEEP_QUERIES)
def test_deep_nesting_is_a_bad_query_in_search(seed_index, shape):
    result = run("search", "--index", str(seed_index), "--", DEEP_QUERIES[shape])
    assert result.exit_code == 2
    assert "bad query" in one_error_line(result.output) and "nested more than 100" in result.output


@pytest.mark.parametrize("shape", DEEP_QUERIES)
def test_deep_nesting_is_a_bad_query_in_batch(seed_index, tmp_path, shape):
    topics = tmp_path / "topics.tsv"
    topics.write_text(f"q1\tvisa\nq2\t{DEEP_QUERIES[shape]}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["batch", str(topics), "--index", str(seed_index)])
    assert result.exit_code == 2
    assert f"{topics}:2: bad query" in one_error_line(result.stderr)


def test_nesting_within_the_limit_still_works(seed_index):
    plain = run("search", "visa", "--format", "json", "--index", str(seed_index))
    nested = run("search", "(" * 90 + "visa" + ")" * 90, "--format", "json", "--index", str(seed_index))
    assert nested.exit_code == 0 and '"total": ' in nested.output
    assert nested.output.split('"total": ')[1].split(",")[0] == plain.output.split('"total": ')[1].split(",")[0]


def test_id_that_is_not_utf8_is_one_line(seed_index):
    result = run("show", "09OTTAWA265\udcff", "--index", str(seed_index))
    assert result.exit_code == 2
    assert one_error_line(result.output) == "cables: error: cable id '09OTTAWA265\\xff' is not valid UTF-8"


def test_id_that_is_not_utf8_from_a_real_shell(seed_index):
    """The bytes as a shell passes them ($'09OTTAWA265\\xff'), through a real process."""
    command = [os.fsencode(sys.executable), b"-m", b"search", b"show", b"09OTTAWA265\xff", b"--index", os.fsencode(seed_index)]
    done = subprocess.run(command, capture_output=True, cwd=REPO, timeout=120)
    assert done.returncode == 2 and done.stdout == b""
    assert done.stderr == b"cables: error: cable id '09OTTAWA265\\xff' is not valid UTF-8\n"


def test_batch_file_that_is_not_utf8_names_the_line(seed_index, tmp_path):
    """The bad line stops the batch before any query runs: the lines before it wrote a partial run, which a script
    reading the output could take for the whole one."""
    topics = tmp_path / "topics.tsv"
    topics.write_bytes(b"q1\tvisa\nq2\tfr\xffaud\n")
    result = CliRunner().invoke(main, ["batch", str(topics), "--index", str(seed_index)])
    assert result.exit_code == 2
    assert one_error_line(result.stderr) == f"cables: error: {topics}:2: not UTF-8 text (byte 0xff at column 6)"
    assert result.stdout == ""


def test_batch_skips_comment_lines(seed_index, tmp_path):
    """A topics file may say what it holds in `#` lines, as TREC topic lists and shell files do; it was refused."""
    topics = tmp_path / "topics.tsv"
    topics.write_text("# Icelandic topics, 2026\nq1\tvisa\n  # the second\nq2\tIcesave\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["batch", str(topics), "--index", str(seed_index)])
    assert result.exit_code == 0, result.stderr
    assert {line.split()[0] for line in result.stdout.splitlines()} == {"q1", "q2"}


COMMANDS = [
    ["tags"],
    ["stats"],
    ["search", "visa"],
    ["search", "visa", "--format", "json"],
    ["show", "09OTTAWA265"],
    ["refs", "09QUITO177", "--depth", "3"],
    ["cited-by", "09QUITO100"],
    ["timeline", "visa"],
    ["similar", "09OTTAWA265"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c))
def test_closed_pipe_ends_quietly(seed_index, command):
    """`cables tags | head -1`: the reader closes the pipe at once; cables stops with exit 0 and says nothing."""
    process = subprocess.Popen(
        [sys.executable, "-m", "cables.search", *command, "--index", str(seed_index)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
    )
    assert process.stdout is not None and process.stderr is not None  # both are pipes
    process.stdout.close()
    stderr = process.stderr.read()
    assert process.wait(timeout=120) == 0
    assert stderr == b""


@pytest.mark.parametrize(
    "args, named",
    [
        (["search", "x", "--limit", "-1"], "--limit"),
        (["search", "x", "--format", "xml"], "--format"),
        (["search", "x", "--from", "2010-13-45"], "--from"),
        (["timeline", "x", "--by", "week"], "--by"),
        (["similar"], "CABLE_ID"),
        (["search", "x", "--tag", ""], "--tag"),
        (["search", "x", "--from", " "], "--from"),
        (["timeline", "x", "--origin", ""], "--origin"),
        (["timeline", "x", "--to", "2009-02-30"], "--to"),
        (["nosuch"], "nosuch"),
    ],
)
def test_a_bad_option_is_one_line_naming_it(seed_index, args, named):
    """A bad option or value is one `cables: error:` line naming it, exit 2, as a bad query is (click's own form is four lines)."""
    result = CliRunner().invoke(main, [*args, "--index", str(seed_index)])
    assert result.exit_code == 2
    line = one_error_line(result.stderr)
    assert named in line and "--help" in line


def test_a_query_after_double_dash_may_be_several_arguments(seed_index):
    """`cables search -- -gas oil`, as the README writes it, is the query `-gas oil`; `cables search visa fraud` is `visa fraud`."""
    quoted = run("search", "--format", "json", "--index", str(seed_index), "--", "-gas oil")
    unquoted = run("search", "--format", "json", "--index", str(seed_index), "--", "-gas", "oil")
    assert unquoted.exit_code == 0 and unquoted.output == quoted.output and '"query": "-gas oil"' in unquoted.output
    words = run("search", "visa", "fraud", "--format", "ids", "--index", str(seed_index))
    assert words.exit_code == 0 and words.output == run("search", "visa fraud", "--format", "ids", "--index", str(seed_index)).output


def test_many_unknown_words_get_a_few_suggestions(seed_index):
    """Each suggestion scans the vocabulary, so a query of many words no cable holds gets suggestions for the first five only."""
    unknown = ["secuirty", "parliment", "abijan", "presidnet", "enviroment", "cabnet", "minsiter"]
    result = run("search", " OR ".join(unknown), "--format", "json", "--index", str(seed_index))
    assert result.exit_code == 0
    suggested = json.loads(result.output)["suggestions"]
    assert set(suggested) == set(unknown[:5])


@pytest.mark.parametrize(
    "lines, reason",
    [
        ("q 1\tvisa\n", "the qid 'q 1' must be one word"),
        ("\tvisa\n", "the qid '' must be one word"),
        ("q1\tvisa\nq1\tfraud\n", "already used on line 1"),
        ("q1\t \n", "the query of 'q1' is empty"),
    ],
)
def test_batch_refuses_a_qid_a_trec_run_cannot_hold(seed_index, tmp_path, lines, reason):
    """A qid with a space would add a column to every TREC run line, and a repeated one two rankings under one key: both are refused."""
    topics = tmp_path / "topics.tsv"
    topics.write_text(lines, encoding="utf-8")
    result = CliRunner().invoke(main, ["batch", str(topics), "--index", str(seed_index)])
    assert result.exit_code == 2
    assert reason in one_error_line(result.stderr) and str(topics) in result.stderr
    assert result.stdout == ""


def test_an_unknown_id_is_echoed_shortened(seed_index):
    """A pasted page given as an id gets one short line, not the page back."""
    result = CliRunner().invoke(main, ["show", "A" * 100_000, "--index", str(seed_index)])
    assert result.exit_code == 1
    line = one_error_line(result.stderr)
    assert "'" + "A" * 40 + "...'" in line and len(line) < 120


@pytest.mark.parametrize("command", ["show", "similar", "refs", "cited-by"])
def test_a_blank_id_is_a_usage_error(seed_index, command):
    """`show ''` said there was no cable '' in the index and exited 1, as for an id the index lacks; a blank id names
    no cable at all, which is a usage error (exit 2)."""
    result = CliRunner().invoke(main, [command, "  ", "--index", str(seed_index)])
    assert result.exit_code == 2 and "an empty id names no cable" in one_error_line(result.stderr)


def test_an_output_encoding_without_a_character_escapes_it(seed_index):
    """Results on a Latin-1 terminal: the bars and ellipses it cannot encode come out as backslash escapes, not an error half-way.

    Before, `PYTHONIOENCODING=latin-1 cables search visa` printed part of the results and ended with an UnicodeEncodeError.
    """
    command = [sys.executable, "-m", "cables.search", "search", "visa", "--limit", "3", "--index", str(seed_index)]
    done = subprocess.run(command, capture_output=True, cwd=REPO, timeout=120, env={**os.environ, "PYTHONIOENCODING": "latin-1"})
    assert done.returncode == 0 and done.stderr == b""
    text = done.stdout.decode("latin-1")
    assert "cables match" in text and "\\u2588" in text


def test_a_full_disk_names_the_index_being_written(tmp_path, monkeypatch):
    """ENOSPC names no file; the one-line error says which index could not be written (before: "No space left on device" alone)."""
    import errno

    import cables.index.build

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(cables.index.build, "rebuild", full_disk)
    result = CliRunner().invoke(main, ["rebuild", str(REPO / "seeds"), "--index", str(tmp_path / "ix")])
    assert result.exit_code == 1
    assert one_error_line(result.stderr) == f"cables: error: writing the index {tmp_path / 'ix'}: {os.strerror(errno.ENOSPC)}"


def test_batch_takes_a_topics_file_with_a_byte_order_mark_and_a_one_word_run_name(seed_index, tmp_path):
    """A BOM (as some editors save UTF-8) is no part of the first qid; a run name with a space would add a column, so it is refused."""
    topics = tmp_path / "topics.tsv"
    topics.write_bytes("\ufeffq1\tvisa\n".encode())
    result = CliRunner().invoke(main, ["batch", str(topics), "--limit", "1", "--index", str(seed_index)])
    assert result.exit_code == 0 and result.stdout.startswith("q1 Q0 ") and len(result.stdout.split()) == 6
    result = CliRunner().invoke(main, ["batch", str(topics), "--run-name", "my run", "--index", str(seed_index)])
    assert result.exit_code == 2 and "'my run' must be one word" in one_error_line(result.stderr)
