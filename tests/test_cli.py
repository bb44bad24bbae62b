"""The ``cables`` command through click's CliRunner and through real subprocesses."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from cables.search.cli import main

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

RESULT_KEYS = {"query", "total", "page", "limit", "results", "facets"}
HIT_KEYS = {"id", "score", "created", "classification", "origin", "subject", "tags", "paragraphs"}
SHOW_KEYS = {
    "id",
    "created",
    "classification",
    "origin",
    "title",
    "subject",
    "tags",
    "references",
    "classified_by",
    "reasons",
    "declassify_on",
    "summary",
    "paragraphs",
    "classified_by_name",
    "classified_by_title",
    "reference_text",
    "addressees",
    "info_addressees",
    "distribution",
    "subject_tail",
}


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def check_result_shape(data: dict) -> None:
    """Validate the stable JSON shape of ``cables search --format json``."""
    assert set(data) >= RESULT_KEYS
    assert isinstance(data["query"], str) and isinstance(data["total"], int)
    assert isinstance(data["page"], int) and isinstance(data["limit"], int)
    for hit in data["results"]:
        assert set(hit) >= HIT_KEYS
        assert isinstance(hit["score"], float)
        assert len(hit["created"]) == 19 and hit["created"][10] == "T"
        assert all(isinstance(tag, str) for tag in hit["tags"])
        assert 1 <= len(hit["paragraphs"]) <= 3
        for paragraph in hit["paragraphs"]:
            assert set(paragraph) == {"number", "marking", "snippet"}
            assert paragraph["number"] is None or isinstance(paragraph["number"], int)
            assert paragraph["marking"] is None or isinstance(paragraph["marking"], str)
            assert isinstance(paragraph["snippet"], str)
    assert set(data["facets"]) == {"classification", "origin", "tag", "year"}
    for counts in data["facets"].values():
        assert all(isinstance(k, str) and isinstance(v, int) for k, v in counts.items())


def test_search_json_shape(seed_index):
    result = run("search", "security cooperation", "--format", "json", "--index", str(seed_index))
    assert result.exit_code == 0
    data = json.loads(result.output)
    check_result_shape(data)
    assert data["total"] >= len(data["results"]) > 0
    assert "**" in data["results"][0]["paragraphs"][0]["snippet"]


def test_search_text_has_no_markup_when_piped(seed_index):
    result = run("search", "oil", "--index", str(seed_index), "--limit", "3")
    assert result.exit_code == 0
    assert "\x1b[" not in result.output and "\x01" not in result.output
    assert "cables match" in result.output
    assert max(len(line) for line in result.output.splitlines()) <= 100


def test_show_json_shape(seed_index):
    result = run("show", "09OTTAWA265", "--format", "json", "--index", str(seed_index))
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert set(data) >= SHOW_KEYS and set(data) - SHOW_KEYS <= {"file"}
    assert data["subject"] == "CANADA-MEXICO SECURITY DIALOGUE SHARES BEST PRACTICES"
    assert [r["id"] for r in data["references"]] == ["09OTTAWA134", "09OTTAWA263"]
    assert [p["number"] for p in data["paragraphs"] if p["number"]] == [1, 2, 3, 4, 5, 6]


def test_show_text_marks_references_outside_the_index(seed_index):
    result = run("show", "09ottawa265", "--index", str(seed_index))
    assert result.exit_code == 0
    assert "09OTTAWA134" in result.output and "not in index" in result.output


def test_unknown_id_exits_1(seed_index):
    result = run("show", "99NOWHERE1", "--index", str(seed_index))
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0 and "no cable" in result.output


@pytest.mark.parametrize("query", ['"unclosed', "(a OR b", "orign:field", "visa NEAR/x fraud", "visa NEAR/"])
def test_bad_query_exits_2_with_one_line(seed_index, query):
    result = run("search", query, "--index", str(seed_index))
    assert result.exit_code == 2
    assert result.output.startswith("cables: error: bad query: column ")
    assert result.output.strip().count("\n") == 0


def test_bad_option_exits_2(seed_index):
    assert run("search", "x", "--from", "2009-13", "--index", str(seed_index)).exit_code == 2
    assert run("search", "x", "--limit", "-1", "--index", str(seed_index)).exit_code == 2
    assert run("search", "x", "--facets", "none", "--index", str(seed_index)).exit_code == 2


def test_missing_index_exits_1(tmp_path):
    result = run("search", "oil", "--index", str(tmp_path / "none"))
    assert result.exit_code == 1
    assert "no index" in result.output and "cables rebuild" in result.output


def test_foreign_folder_is_refused(tmp_path):
    (tmp_path / "foreign").mkdir()
    (tmp_path / "foreign" / "_MAIN_1.toc").write_bytes(b"not ours")
    result = run("search", "oil", "--index", str(tmp_path / "foreign"))
    assert result.exit_code == 1
    assert "not a cables index" in result.output


def test_a_folder_whose_marker_gives_no_schema_version_is_not_an_index(tmp_path):
    """A user's folder holding a `cables-index.json` of `{}` is said not to be an index, not told to rebuild (which refuses it)."""
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "cables-index.json").write_text("{}", encoding="utf-8")
    result = CliRunner().invoke(main, ["search", "oil", "--index", str(tmp_path / "mine")])
    assert result.exit_code == 1 and "is not a cables index" in result.stderr and "rebuild" not in result.stderr


def test_cables_alone_shows_its_help():
    """`cables` with no command prints click's help (exit 2), not the help inside a one-line error."""
    result = CliRunner().invoke(main, [])
    assert result.exit_code == 2 and "cables: error" not in result.output and "Commands:" in result.output


def test_batch_writes_a_trec_run(seed_index, tmp_path):
    topics = tmp_path / "topics.tsv"
    topics.write_text("q1\tcanada mexico security\nq2\ticeland banking\n", encoding="utf-8")
    result = run("batch", str(topics), "--index", str(seed_index), "--limit", "5")
    assert result.exit_code == 0
    lines = [line.split() for line in result.output.splitlines()]
    assert lines[0][:4] == ["q1", "Q0", "09OTTAWA265", "1"]
    assert all(len(line) == 6 and line[1] == "Q0" for line in lines)
    assert [int(line[3]) for line in lines if line[0] == "q1"] == list(range(1, 6))


def test_batch_jsonl(seed_index, tmp_path):
    topics = tmp_path / "topics.tsv"
    topics.write_text("a\toil\n", encoding="utf-8")
    result = run("batch", str(topics), "--format", "jsonl", "--index", str(seed_index))
    data = json.loads(result.output.splitlines()[0])
    assert data["qid"] == "a"
    check_result_shape(data)


def test_stats(seed_index, seed_records):
    data = json.loads(run("stats", "--format", "json", "--index", str(seed_index)).output)
    assert data["cables"] == len(seed_records)
    from cables.index.store import SCHEMA_VERSION

    assert data["schema_version"] == SCHEMA_VERSION


def test_rebuild_json_summary_counts_skips(tmp_path, seeds_dir):
    source = tmp_path / "src"
    source.mkdir()
    (source / "good.txt").write_bytes((seeds_dir / "09OTTAWA265.txt").read_bytes())
    (source / "bad.txt").write_text("not a cable", encoding="utf-8")
    result = run("rebuild", str(source), "--index", str(tmp_path / "ix"), "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["cables"] == 1 and data["paragraphs"] == 7
    assert [s["path"].endswith("bad.txt") for s in data["skipped"]] == [True]
    assert "line 1" in data["skipped"][0]["reason"]
    assert set(data) == {"cables", "paragraphs", "skipped", "seconds", "index"}


def test_show_raw_finds_a_cable_indexed_from_a_relative_path_from_any_folder(tmp_path, seeds_dir, monkeypatch):
    """A rebuild given `src` (relative) records where the file is, so `show --raw` works from another folder.

    Before, the index kept `src/09OTTAWA265.txt` and `show --raw` failed anywhere but the rebuild's folder.
    """
    (tmp_path / "work" / "src").mkdir(parents=True)
    cable = (seeds_dir / "09OTTAWA265.txt").read_bytes()
    (tmp_path / "work" / "src" / "09OTTAWA265.txt").write_bytes(cable)
    monkeypatch.chdir(tmp_path / "work")
    assert run("rebuild", "src", "--index", str(tmp_path / "ix")).exit_code == 0
    monkeypatch.chdir(tmp_path)
    shown = CliRunner().invoke(main, ["show", "09OTTAWA265", "--raw", "--index", str(tmp_path / "ix")])
    assert shown.exit_code == 0 and shown.stdout_bytes == cable


def test_rebuild_with_nothing_readable_exits_1(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    (source / "bad.txt").write_text("nope", encoding="utf-8")
    result = run("rebuild", str(source), "--index", str(tmp_path / "ix"))
    assert result.exit_code == 1
    assert "no cable could be indexed" in result.output


def test_subprocess_search_and_module_entry(seed_index):
    completed = subprocess.run(
        [sys.executable, "-m", "cables.search", "search", "canada mexico", "--format", "json", "--index", str(seed_index)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    check_result_shape(json.loads(completed.stdout))
    failed = subprocess.run(
        [sys.executable, "-m", "cables.search", "search", "(", "--index", str(seed_index)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert failed.returncode == 2 and "Traceback" not in failed.stderr
    assert failed.stderr.count("\n") == 1


def test_help_and_version():
    assert run("--version").exit_code == 0
    for command in ("search", "show", "rebuild", "update", "batch", "stats", "refs", "cited-by", "tags", "timeline", "similar"):
        result = run(command, "--help")
        assert result.exit_code == 0 and "Example" in result.output


def test_first_search_builds_the_bundled_cables_once(tmp_path, seeds_dir, monkeypatch):
    """With no --index and no $CABLES_INDEX, the first search indexes ./seeds at the default location, saying so
    on stderr; the next search uses that index; a named index that is missing is never built."""
    work = tmp_path / "work"
    (work / "seeds").mkdir(parents=True)
    for cable_id in ("09OTTAWA265", "09QUITO177", "09QUITO103"):
        (work / "seeds" / f"{cable_id}.txt").write_bytes((seeds_dir / f"{cable_id}.txt").read_bytes())
    monkeypatch.chdir(work)
    monkeypatch.delenv("CABLES_INDEX", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    default = tmp_path / "data" / "cables" / "index"
    first = run("search", "quito", "--format", "ids")
    assert first.exit_code == 0
    assert " ".join(first.stderr.split()).startswith(
        f"No index yet at {default}: building it from the bundled cables in {work / 'seeds'} (once)."
    )
    assert "Indexed 3 cables" in first.stderr
    assert set(first.stdout.split()) == {"09QUITO177", "09QUITO103"}
    again = run("search", "quito", "--format", "ids")
    assert (again.stdout, again.stderr) == (first.stdout, "")
    named = tmp_path / "named"
    monkeypatch.setenv("CABLES_INDEX", str(named))
    missing = run("search", "quito")
    assert missing.exit_code == 1 and not named.exists()
    monkeypatch.delenv("CABLES_INDEX")
    assert run("search", "quito", "--index", str(named)).exit_code == 1 and not named.exists()


# The cable reader compiles dozens of patterns on import; a search never reads a cable file.
HEAVY = ("whoosh", "nltk", "sqlite3", "numpy", "cables.index.reader")
LOADED = "print(sorted(({name.split('.')[0] for name in sys.modules} | set(sys.modules)) & set(sys.argv[1:])), file=sys.stderr)"


def test_importing_the_cli_does_not_load_whoosh() -> None:
    """``cables --help`` and argument errors stay fast: whoosh, nltk, sqlite3, numpy and the cable reader are imported
    only by a command that needs them."""
    code = f"import sys, cables.search.cli; {LOADED}"
    result = subprocess.run([sys.executable, "-c", code, *HEAVY], cwd=REPO, capture_output=True, text=True, check=True)
    assert result.stderr.strip() == "[]"


SEARCH_AND_LIST_MODULES = f"""
import sys
from cables.search.cli import main
arguments = sys.argv[1 : sys.argv.index("--")]
del sys.argv[1 : sys.argv.index("--") + 1]
try:
    main(arguments)
except SystemExit as end:
    assert not end.code, end.code
{LOADED}
"""


@pytest.mark.parametrize(
    ("query", "options", "loaded"),
    [
        ('"has the power" OR visa NEAR/5 fraud OR embass*', [], ["numpy", "sqlite3"]),
        ("visa fraud", ["--page", "1000"], ["numpy"]),
    ],
    ids=["records shown", "no record shown"],
)
def test_a_search_imports_no_whoosh_no_nltk_and_sqlite_only_to_show_records(seed_index, query, options, loaded):
    """A search process reads the arrays only: whoosh and the cable reader are never imported, nor nltk for indexed
    words, and sqlite3 (the record store) only when a record is shown.  A page past the last match still counts the
    matches and their facets."""
    arguments = ["search", query, *options, "--index", str(seed_index), "--format", "json"]
    done = subprocess.run(
        [sys.executable, "-c", SEARCH_AND_LIST_MODULES, *arguments, "--", *HEAVY], cwd=REPO, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1] == str(loaded)
    data = json.loads(done.stdout)
    assert data["total"] > 0 and data["facets"]["year"]
    assert bool(data["results"]) == ("sqlite3" in loaded)


THREADS_AFTER_SEARCH = """
import os, sys
from cables.search.cli import main
try:
    main(sys.argv[1:])
except SystemExit as end:
    assert not end.code, end.code
print(len(os.listdir("/proc/self/task")), file=sys.stderr)
"""


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="threads are counted in /proc/self/task (Linux)")
def test_a_search_process_starts_no_blas_threads(seed_index):
    """numpy's OpenBLAS would start a thread per core on import, which no command uses and a cold search pays for:
    the command sets one BLAS thread before numpy loads, so the search process has its main thread alone."""
    arguments = ["search", "visa fraud", "--index", str(seed_index), "--format", "ids"]
    environment = {name: value for name, value in os.environ.items() if name != "OPENBLAS_NUM_THREADS"}
    done = subprocess.run(
        [sys.executable, "-c", THREADS_AFTER_SEARCH, *arguments], cwd=REPO, env=environment, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() and done.stderr.strip() == "1"


def test_explain_names_header_words_in_the_whole_cable_score(seed_index):
    """``--explain`` text shows each score part with its weight, and that the whole-cable part counts header words.

    02ROME1725 holds "countryman" only in its header (its classifying
    official); the word is scored in the whole-cable part, so the header's
    own part is 0 and the line says how much a header word counts.
    """
    result = run("search", "countryman berlusconi putin", "--explain", "--limit", "1", "--index", str(seed_index))
    assert result.exit_code == 0, result.output
    assert "02ROME1725" in result.output
    text = " ".join(result.output.split())  # the parts line wraps at the terminal's width
    assert "header 0.0 x 0.2" in text
    assert "(the whole cable counts header words x 0.5)" in text
    data = json.loads(
        run("search", "countryman berlusconi putin", "--explain", "--limit", "1", "--format", "json", "--index", str(seed_index)).output
    )
    explanation = data["results"][0]["explanation"]
    assert explanation["weights"]["header words in whole cable"] == 0.5
    assert explanation["parts"]["whole cable"] > 0 and explanation["parts"]["header"] == 0.0


@pytest.mark.parametrize("name", ["bad\udcff\udcfebyte.txt", "new\nline.txt", "back\\slash.txt", "tab\there.txt"])
def test_show_raw_reads_a_file_whose_name_is_stored_escaped(tmp_path, seeds_dir, name):
    """A name with undecodable bytes, a newline, a tab or a backslash is stored escaped, and read back by its real name."""
    source = tmp_path / "src"
    source.mkdir()
    cable = (seeds_dir / "09OTTAWA265.txt").read_bytes()
    (source / name).write_bytes(cable)
    assert run("rebuild", str(source), "--index", str(tmp_path / "ix")).exit_code == 0
    shown = CliRunner().invoke(main, ["show", "09OTTAWA265", "--raw", "--index", str(tmp_path / "ix")])
    assert shown.exit_code == 0 and shown.stdout_bytes == cable


def test_a_missing_source_changes_nothing(tmp_path, seeds_dir):
    """A source that does not exist (a typo, an unmounted drive) is an error before any work: `update --prune` must not
    take it for a folder emptied and remove its cables, nor `rebuild` publish an index without them."""
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
    (tmp_path / "a" / "09OTTAWA265.txt").write_bytes((seeds_dir / "09OTTAWA265.txt").read_bytes())
    (tmp_path / "b" / "09QUITO100.txt").write_bytes((seeds_dir / "09QUITO100.txt").read_bytes())
    index = str(tmp_path / "ix")
    assert run("rebuild", str(tmp_path / "a"), str(tmp_path / "b"), "--index", index).exit_code == 0
    (tmp_path / "b" / "09QUITO100.txt").unlink()
    (tmp_path / "b").rmdir()
    for command in (["update", str(tmp_path / "b"), "--prune"], ["rebuild", str(tmp_path / "a"), str(tmp_path / "b")]):
        result = CliRunner().invoke(main, [*command, "--index", index])
        assert result.exit_code == 1
        assert result.stderr == f"cables: error: no such file or folder: {tmp_path / 'b'}; the index was not changed\n"
    assert json.loads(run("stats", "--index", index, "--format", "json").output)["cables"] == 2


def test_a_rebuild_that_indexes_nothing_says_why(tmp_path):
    """With nothing indexable the error names the first file skipped and its reason, or says no cable file was found."""
    (tmp_path / "text").mkdir()
    (tmp_path / "text" / "notes.txt").write_text("not a cable\n", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(main, ["rebuild", str(tmp_path / "text"), "--index", str(tmp_path / "ix")])
    assert result.exit_code == 1 and f"the first, {tmp_path / 'text' / 'notes.txt'}: line " in result.stderr
    result = CliRunner().invoke(main, ["rebuild", str(tmp_path / "empty"), "--index", str(tmp_path / "ix")])
    assert result.exit_code == 1 and "hold no cable file" in result.stderr


def test_a_source_that_is_empty_or_a_link_to_nowhere_changes_nothing(tmp_path, seeds_dir):
    """A link whose target went away (an unmounted drive) is a missing source, not an emptied folder, and `""` is no source
    (as a path it is the current folder): both stop the command before any work."""
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "09OTTAWA265.txt").write_bytes((seeds_dir / "09OTTAWA265.txt").read_bytes())
    (tmp_path / "drive").mkdir()
    (tmp_path / "drive" / "09QUITO100.txt").write_bytes((seeds_dir / "09QUITO100.txt").read_bytes())
    (tmp_path / "mounted").symlink_to(tmp_path / "drive")
    index = str(tmp_path / "ix")
    assert run("rebuild", str(tmp_path / "a"), str(tmp_path / "mounted"), "--index", index).exit_code == 0
    shutil.rmtree(tmp_path / "drive")
    result = CliRunner().invoke(main, ["update", str(tmp_path / "mounted"), "--prune", "--index", index])
    assert result.exit_code == 1 and "a link that leads nowhere" in result.stderr
    for command in (["rebuild", ""], ["update", str(tmp_path / "a"), ""]):
        result = CliRunner().invoke(main, [*command, "--index", index])
        assert result.exit_code == 2 and "an empty source names no file or folder" in result.stderr
    assert json.loads(run("stats", "--index", index, "--format", "json").output)["cables"] == 2


def test_show_raw_of_a_file_replaced_by_a_fifo_or_a_device_refuses_it(tmp_path, seeds_dir):
    """The file a cable was indexed from, replaced by a FIFO or a link to /dev/zero: one line saying what it is, not a hang."""
    (tmp_path / "src").mkdir()
    cable = tmp_path / "src" / "09OTTAWA265.txt"
    cable.write_bytes((seeds_dir / "09OTTAWA265.txt").read_bytes())
    assert run("rebuild", str(tmp_path / "src"), "--index", str(tmp_path / "ix")).exit_code == 0
    cable.unlink()
    os.mkfifo(cable)
    result = CliRunner().invoke(main, ["show", "09OTTAWA265", "--raw", "--index", str(tmp_path / "ix")])
    assert result.exit_code == 1 and "it is a FIFO" in result.stderr
    cable.unlink()
    cable.symlink_to("/dev/zero")
    result = CliRunner().invoke(main, ["show", "09OTTAWA265", "--raw", "--index", str(tmp_path / "ix")])
    assert result.exit_code == 1 and "it is a character device" in result.stderr


def test_show_raw_of_a_file_changed_since_it_was_indexed_says_so(tmp_path, seeds_dir):
    """`show --raw` printed whatever the recorded path held now (a link to another file, an edited cable) as the cable."""
    (tmp_path / "src").mkdir()
    cable = tmp_path / "src" / "09OTTAWA265.txt"
    original = (seeds_dir / "09OTTAWA265.txt").read_bytes()
    cable.write_bytes(original)
    assert run("rebuild", str(tmp_path / "src"), "--index", str(tmp_path / "ix")).exit_code == 0
    shown = CliRunner().invoke(main, ["show", "09OTTAWA265", "--raw", "--index", str(tmp_path / "ix")])
    assert shown.exit_code == 0 and shown.stdout_bytes == original
    cable.write_bytes(original + b"edited\n")
    result = CliRunner().invoke(main, ["show", "09OTTAWA265", "--raw", "--index", str(tmp_path / "ix")])
    assert result.exit_code == 1 and "has changed since" in result.stderr and result.stdout == ""
    assert result.stderr.count("\n") == 1


def test_a_json_page_past_the_end_says_so(seed_index):
    """`--page 999 --format json` gave no results and no note, which a script reads as "nothing matched"; the text
    output said the page was past the last result."""
    data = json.loads(run("search", "visa", "--page", "999", "--format", "json", "--index", str(seed_index)).output)
    check_result_shape(data)
    assert data["results"] == [] and data["total"] > 0
    assert any("past the last result" in note for note in data["notes"])
    assert "notes" not in json.loads(run("search", "visa", "--format", "json", "--index", str(seed_index)).output)
