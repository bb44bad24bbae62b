"""The terminal a journalist expects (issue 18): honest counts, notes that help, everything fits, results to take away."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from cables.search.cli import main
from cables.search.console import Progress
from cables.search.tagmeanings import meaning
from tests.conftest import REPO, SEEDS


def run(*args: str, columns: int = 80):
    """Run `cables` in-process at a fixed terminal width."""
    return CliRunner(env={"COLUMNS": str(columns)}).invoke(main, list(args), catch_exceptions=False)


def search_json(index, *args: str) -> dict:
    result = run("search", *args, "--format", "json", "--index", str(index))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def ids(index, *args: str) -> list[str]:
    result = run("search", *args, "--format", "ids", "--index", str(index))
    assert result.exit_code == 0, result.output
    return result.stdout.split()


# ---------------------------------------------------------------- 1-2: counts and partial matches


@pytest.mark.parametrize("query", ["Chavez arms Russia", "Gaddafi nurse"])
def test_total_and_facets_do_not_depend_on_the_page(seed_index, query):
    pages = [
        search_json(seed_index, query, *extra)
        for extra in (["--limit", "3"], ["--limit", "10"], ["--limit", "3", "--page", "2"], ["--limit", "50"])
    ]
    assert len({page["total"] for page in pages}) == 1
    assert all(page["facets"] == pages[0]["facets"] for page in pages)
    assert len(ids(seed_index, query, "--all")) == pages[0]["total"]


def test_partial_matches_are_announced_in_the_header_and_json(seed_index):
    """No seed has both words (Gaddafi as written: `=` turns off its other spellings); the cables with either one
    are the partial matches, counted exactly."""
    either = set(ids(seed_index, "=Gaddafi", "--all")) | set(ids(seed_index, "nurse", "--all"))
    assert not set(ids(seed_index, "=Gaddafi", "--all")) & set(ids(seed_index, "nurse", "--all"))
    note = f"no cable has every word; {len(either)} have some of them"
    assert note in search_json(seed_index, "=Gaddafi nurse")["notes"]
    text = run("search", "=Gaddafi nurse", "--index", str(seed_index)).stdout
    head = " ".join(text.split("\n\n")[0].split())
    assert head.startswith(f'{len(either)} cables match "=Gaddafi nurse": {note}')
    assert text.count(note.split(";")[0]) == 1
    assert set(ids(seed_index, "=Gaddafi nurse", "--all")) == either


# ---------------------------------------------------------------- 3-4: filters and odd queries


def index_dates(index) -> tuple[str, str]:
    data = json.loads(run("stats", "--format", "json", "--index", str(index)).stdout)
    return data["first"][:10], data["last"][:10]


def test_browsing_by_filter_names_the_filter(seed_index):
    total = search_json(seed_index, "--classification", "SECRET")["total"]
    assert run("search", "--classification", "SECRET", "--index", str(seed_index)).stdout.startswith(
        f"{total:,} cables match --classification SECRET ·"
    )


@pytest.mark.parametrize(
    "args, expected",
    [
        (["--from", "2099"], "--from 2099 matches no cable; the index's cables run from {first} to {last}"),
        (["--origin", "Atlantis"], "--origin Atlantis matches no cable; closest: "),
        (["--classification", "TOPSECRET"], "--classification TOPSECRET matches no cable; closest: SECRET"),
        (["--tag", "QQQQ"], "--tag QQQQ matches no cable"),
        (["--from", "2010", "--to", "2008"], "--from 2010 --to 2008 is an empty range: it starts after it ends"),
        (["created:[2010 TO 2001]"], "created:[2010-01-01 TO 2001-12-31] is an empty range: it starts after it ends"),
        (["origin:Atlantis visa"], "origin:Atlantis matches no cable; closest: "),
    ],
)
def test_a_filter_that_matches_nothing_is_named(seed_index, args, expected):
    first, last = index_dates(seed_index)
    expected = expected.format(first=first, last=last)
    data = search_json(seed_index, *args)
    assert data["total"] == 0
    assert any(note.startswith(expected) for note in data["notes"]), data["notes"]
    text = " ".join(run("search", *args, "--index", str(seed_index)).stdout.split())
    assert text.startswith("No cables match") and f"note: {expected}" in text


def test_filters_that_each_match_say_nothing_false(seed_index):
    """A search with no hits whose filters all match cables gets no filter note."""
    data = search_json(seed_index, "zzyzxqq", "--origin", "Ottawa")
    assert data["total"] == 0 and not any("--origin" in note for note in data.get("notes", []))


def test_a_query_of_common_words_says_so(seed_index):
    data = search_json(seed_index, "the of and")
    assert data["total"] == len(list(SEEDS.glob("*.txt")))
    assert data["notes"] == ["the query has only common words (the, of, and), which are not searched: it narrows nothing"]
    assert "note: the query has only common words" in run("search", "the of and", "--index", str(seed_index)).stdout


def test_a_query_of_marks_alone_says_it_holds_no_word(seed_index):
    """An emoji was called a common word ("only common words (😀)"); it is no word at all."""
    assert search_json(seed_index, "😀")["notes"] == ["the query holds no word that can be searched (😀): it narrows nothing"]


def test_a_query_starting_with_a_dash(seed_index):
    failed = run("search", "-gas", "--index", str(seed_index))
    assert failed.exit_code == 2
    assert "put -- before the query: cables search -- -gas" in failed.stderr
    assert "goes after --: cables search -- -gas" in " ".join(run("search", "--help").stdout.split())
    plain = search_json(seed_index, "gas")["total"]
    negated = json.loads(run("search", "--format", "json", "--index", str(seed_index), "--", "-gas").stdout)
    assert negated["total"] == len(list(SEEDS.glob("*.txt"))) - plain


# ---------------------------------------------------------------- 5, 7: facets and timelines


def test_every_year_in_time_order_everywhere(seed_index, seed_records):
    years = sorted({str(record.created.year) for record in seed_records.values()})
    stats = json.loads(run("stats", "--format", "json", "--index", str(seed_index)).stdout)
    assert list(stats["facets"]["year"]) == years
    text = run("stats", "--index", str(seed_index)).stdout
    shown = [line.split()[0] for line in text.split("Year\n")[1].splitlines()]
    assert shown == years
    browse = run("search", "--index", str(seed_index)).stdout
    assert [line.split()[0] for line in browse.split("Year\n")[1].splitlines()] == years


def test_timeline_by_year_shows_empty_years(seed_index):
    counts = json.loads(run("timeline", "--format", "json", "--index", str(seed_index)).stdout)["counts"]
    numbers = [int(year) for year in counts]
    assert numbers == list(range(numbers[0], numbers[-1] + 1))
    assert 0 in counts.values()
    assert counts == {**dict.fromkeys(counts, 0), **search_json(seed_index)["facets"]["year"]}


@pytest.mark.parametrize("command", [["search", "visa"], ["stats"]])
def test_facets_option_shows_n_or_every_value(seed_index, command):
    every = search_json(seed_index, "visa") if command[0] == "search" else search_json(seed_index)
    tags = every["facets"]["tag"]
    two = run(*command, "--facets", "2", "--index", str(seed_index)).stdout.split("Tag\n")[1].split("Year\n")[0].splitlines()
    assert len(two) == 3 and two[2].strip() == f"… {len(tags) - 2:,} more (--facets all shows every value)"
    full = run(*command, "--facets", "all", "--index", str(seed_index)).stdout.split("Tag\n")[1].split("Year\n")[0].splitlines()
    assert [line.split()[0] for line in full] == list(tags)


@pytest.mark.parametrize("tag, cable", [("VT", "01VATICAN5693"), ("KFLU", "09CAIRO1215"), ("AMED", "08TRIPOLI970")])
def test_tag_meanings_are_whole_in_results(seed_index, tag, cable):
    label = f"{tag} ({meaning(tag)})"
    for args in (["show", cable], ["search", f"id:{cable}"]):
        text = " ".join(run(*args, "--index", str(seed_index)).stdout.split())
        assert label in text


def test_facet_labels_are_cut_visibly(seed_index):
    """At 80 columns a tag's meaning is shown whole, or cut with '…' at the end (never an open bracket without it)."""
    lines = run("stats", "--facets", "all", "--index", str(seed_index)).stdout.split("Tag\n")[1].split("Year\n")[0].splitlines()
    cut = 0
    for line in lines:
        label = line[2:].split(" █")[0].rstrip()
        whole = f"{label.split(' ')[0]} ({meaning(label.split(' ')[0])})"
        if meaning(label.split(" ")[0]):
            assert label == whole or (label.endswith("…") and whole.startswith(label[:-1])), line
            cut += label != whole
    assert cut > 0


# ---------------------------------------------------------------- 6: everything fits


COMMANDS_AT_80 = [
    ["search", "Icesave"],
    ["search", "security cooperation", "--explain"],
    ["search", "--classification", "SECRET"],
    ["search", "Gaddafi nurse"],
    ["search", "embasy"],
    ["search", "--origin", "Atlantis", "--from", "2099"],
    ["search", "visa", "--facets", "all"],
    ["search", "Icesave", "--all"],
    ["show", "09OTTAWA265"],
    ["show", "07BRASILIA1006"],
    ["stats"],
    ["stats", "--facets", "all"],
    ["tags"],
    ["timeline", "visa"],
    ["timeline", "visa", "--by", "month"],
    ["similar", "09OTTAWA265"],
    ["refs", "09QUITO177", "--depth", "3"],
    ["cited-by", "09QUITO100", "--depth", "3"],
]
HELP_AT_80 = [
    [],
    ["search"],
    ["show"],
    ["rebuild"],
    ["update"],
    ["batch"],
    ["stats"],
    ["refs"],
    ["cited-by"],
    ["tags"],
    ["timeline"],
    ["similar"],
]


def test_every_command_fits_80_columns(seed_index, tmp_path):
    """Every command's output at COLUMNS=80 in a real process: no line longer than 80 characters."""
    env = dict(os.environ, COLUMNS="80")
    for command in (
        COMMANDS_AT_80
        + [[*c, "--help"] for c in HELP_AT_80]
        + [["rebuild", str(SEEDS / "09OTTAWA265.txt"), "--index", str(tmp_path / "one")]]
    ):
        extra = [] if command[-1] == "--help" or command[0] == "rebuild" else ["--index", str(seed_index)]
        done = subprocess.run(
            [sys.executable, "-m", "cables.search", *command, *extra], capture_output=True, text=True, cwd=REPO, env=env, timeout=300
        )
        assert done.returncode == 0, (command, done.stderr)
        for line in (done.stdout + done.stderr).splitlines():
            assert len(line) <= 80, (command, line)


def test_help_never_splits_a_date_format():
    for command in HELP_AT_80:
        text = run(*command, "--help").stdout
        assert not any(line.rstrip().endswith(("YYYY-", "MM-", "cited-")) for line in text.splitlines()), command


def test_wrapping_follows_the_terminal_width(seed_index):
    wide = run("search", "Icesave", "--index", str(seed_index), columns=100).stdout.splitlines()
    narrow = run("search", "Icesave", "--index", str(seed_index), columns=60).stdout.splitlines()
    assert max(map(len, narrow)) <= 60 < max(map(len, wide)) <= 100


# ---------------------------------------------------------------- 8: progress, suggestion, title


def test_progress_shows_the_writing_phase(capsys):
    progress = Progress(enabled=True)
    progress(3, 5)
    assert "ETA" in capsys.readouterr().err
    progress(5, 5)
    assert "5/5 files read" in (last := capsys.readouterr().err) and "writing the index" in last


def test_spelling_suggestion_has_no_stray_space(seed_index):
    assert "Did you mean: parliament?" in run("search", "parliment", "--index", str(seed_index)).stdout


def test_show_prints_title_only_when_it_adds(seed_index):
    cut_short = run("show", "09OTTAWA265", "--format", "json", "--index", str(seed_index))
    record = json.loads(cut_short.stdout)
    assert record["title"] and record["subject"].startswith(record["title"])
    assert "Title:" not in run("show", "09OTTAWA265", "--index", str(seed_index)).stdout
    longer = json.loads(run("show", "07BRASILIA1006", "--format", "json", "--index", str(seed_index)).stdout)
    assert not longer["subject"].startswith(longer["title"])
    assert "Title: Update on GOL-Legacy Crash Legal Case Ref:" in run("show", "07BRASILIA1006", "--index", str(seed_index)).stdout


# ---------------------------------------------------------------- 9-10: results to take away


def test_csv_has_one_row_per_cable(seed_index):
    data = search_json(seed_index, "visa fraud", "--limit", "5")
    rows = list(csv.reader(io.StringIO(run("search", "visa fraud", "--limit", "5", "--format", "csv", "--index", str(seed_index)).stdout)))
    assert rows[0] == ["id", "date", "classification", "origin", "subject", "tags", "score", "paragraphs"]
    assert [row[0] for row in rows[1:]] == [hit["id"] for hit in data["results"]]
    for row, hit in zip(rows[1:], data["results"], strict=True):
        assert row[1] == hit["created"][:10] and row[3] == hit["origin"] and row[4] == hit["subject"]
        assert row[5].split() == hit["tags"] and float(row[6]) == pytest.approx(hit["score"], abs=1e-4)
        assert row[7].split() == [str(p["number"]) for p in hit["paragraphs"] if p["number"] is not None]


def test_ids_are_one_a_line_in_rank_order(seed_index):
    data = search_json(seed_index, "oil", "--limit", "20")
    assert ids(seed_index, "oil", "--limit", "20") == [hit["id"] for hit in data["results"]]


def test_show_raw_prints_the_file_and_show_names_it(seed_index):
    raw = run("show", "09OTTAWA265", "--raw", "--index", str(seed_index))
    assert raw.exit_code == 0 and raw.stdout_bytes == (SEEDS / "09OTTAWA265.txt").read_bytes()
    assert "File: " in run("show", "09OTTAWA265", "--index", str(seed_index)).stdout
    named = json.loads(run("show", "09OTTAWA265", "--format", "json", "--index", str(seed_index)).stdout)["file"]
    assert os.path.samefile(named, SEEDS / "09OTTAWA265.txt")


@pytest.mark.parametrize("how", [["--all"], ["--limit", "0"]])
def test_all_streams_every_match(seed_index, how):
    paged = [
        hit["id"] for page in (1, 2, 3) for hit in search_json(seed_index, "embassy", "--limit", "250", "--page", str(page))["results"]
    ]
    total = search_json(seed_index, "embassy")["total"]
    assert 500 < total < 750
    every = search_json(seed_index, "embassy", *how)
    assert every["total"] == total and [hit["id"] for hit in every["results"]] == paged[:total]
    assert ids(seed_index, "embassy", *how) == paged[:total]
    text = run("search", "embassy", *how, "--index", str(seed_index)).stdout
    assert text.splitlines()[0].endswith("· showing all") and f"{total:>2}. " in text


def test_all_makes_hits_one_at_a_time(engine):
    """--all reads the engine's hits lazily, so memory holds one hit, not every match."""
    from cables.search.engine import SearchRequest

    result, hits = engine.search_all(SearchRequest(query="embassy", limit=0))
    assert result.hits == [] and result.total > 100
    assert iter(hits) is hits
    first = next(hits)
    assert first.id == engine.search(SearchRequest(query="embassy", limit=1)).hits[0].id


def test_a_huge_word_wraps_into_lines_that_hold_all_of_it():
    """A word of more than a thousand letters (a hostile file's one-token paragraph) is cut into lines no wider than asked,
    in order, nothing lost; shorter words wrap as textwrap wraps them."""
    import textwrap

    from cables.search.render import wrap

    word = "".join(chr(ord("a") + index % 26) for index in range(5000))
    lines = wrap(f"before {word} after", 60, "  ")
    assert all(len(line) <= 60 for line in lines) and lines[0] == "  before"
    assert "".join(line.replace(" ", "") for line in lines) == f"before{word}after" and len(lines) > 5000 // 60
    assert wrap("a " + "x" * 90 + " b", 40) == textwrap.wrap("a " + "x" * 90 + " b", 40, break_on_hyphens=False)
