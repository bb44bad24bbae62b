"""The library behind the thin CLI, called directly: bars, reports, summaries, topics files and unknown ids.

The command-line behaviour of the same code is tested through click's
CliRunner in test_cli.py, test_cli_errors.py and test_terminal.py.
"""

from __future__ import annotations

import json

import pytest

from cables.index.build import rebuild, update
from cables.search.batch import run_topics
from cables.search.engine import SearchRequest
from cables.search.errors import BadTopicLine, UnknownCable
from cables.search.relations import reference_graph, similar, timeline
from cables.search.render import BAR_WIDTH, bar, facets_text
from cables.search.reports import build_summary, timeline_report


def test_one_bar_rule():
    """The largest count fills the width, others their rounded share, but never less than one block; 0 has none."""
    assert bar(529, 529) == "█" * BAR_WIDTH == "█" * 20
    assert bar(91, 529) == "█" * 3  # 20 x 91/529 = 3.44
    assert bar(1, 529) == "█"  # 0.04 rounds to nothing, but a cable is there
    assert bar(0, 529) == ""


def test_timeline_and_facets_draw_the_same_bars(engine):
    """The seed cables per year, as ``cables timeline`` and as the year facet of ``cables stats`` draw them."""
    counts = timeline(engine, SearchRequest(), "year")
    top = max(counts.values())
    lines = timeline_report("", "year", counts, "text")
    assert [line.split()[0] for line in lines] == list(counts)
    for line, count in zip(lines, counts.values(), strict=True):
        assert line.count("█") == bar(count, top).count("█")
        assert line.endswith(f" {count:,}")
    years = facets_text({"year": {year: count for year, count in counts.items() if count}}, 80)
    assert [line.count("█") for line in years[1:]] == [bar(count, top).count("█") for count in counts.values() if count]
    assert max(line.count("█") for line in lines) == BAR_WIDTH


@pytest.fixture(scope="module")
def built(tmp_path_factory, seeds_dir):
    """A rebuild of two seed cables and a broken file, then an update adding a third cable."""
    root = tmp_path_factory.mktemp("small")
    source, more = root / "source", root / "more"
    source.mkdir()
    more.mkdir()
    for cable_id in ("09OTTAWA265", "09QUITO177"):
        (source / f"{cable_id}.txt").write_bytes((seeds_dir / f"{cable_id}.txt").read_bytes())
    (source / "broken.txt").write_text("not a cable", encoding="utf-8")
    (more / "09QUITO103.txt").write_bytes((seeds_dir / "09QUITO103.txt").read_bytes())
    first = rebuild(root / "index", [source])
    second = update(root / "index", [more])
    return first, second


def test_rebuild_summary(built):
    report = built[0]
    data = json.loads(build_summary(report, "json")[0])
    assert list(data) == ["cables", "paragraphs", "skipped", "seconds", "index"]
    assert data["cables"] == 2 and data["index"] == report.index
    assert [(item["path"].endswith("broken.txt"), item["reason"]) for item in data["skipped"]] == [(True, report.skipped[0].reason)]
    text = " ".join(" ".join(build_summary(report, "text")).split())
    assert text.startswith(f"skipped {report.skipped[0].path}: {report.skipped[0].reason}")
    assert f"Indexed 2 cables ({report.paragraphs:,} paragraphs) in" in text and "skipped 1 files" in text


def test_skipped_file_is_one_line_at_any_width(built, monkeypatch):
    # A script greps the summary for "skipped" and counts lines: a path wrapped
    # onto two lines would be cut, so each skipped file stays whole, as an error does.
    monkeypatch.setenv("COLUMNS", "40")
    report = built[0]
    lines = build_summary(report, "text")
    expected = f"skipped {report.skipped[0].path}: {report.skipped[0].reason}"
    assert len(expected) > 40 and lines[0] == expected
    assert len(lines) > 2, "the totals line is still wrapped to the width"


def test_update_summary(built):
    report = built[1]
    data = json.loads(build_summary(report, "json", update=True)[0])
    assert list(data) == ["cables", "added", "replaced", "removed", "unchanged", "seconds", "index", "skipped"]
    assert (data["cables"], data["added"], data["replaced"], data["removed"], data["skipped"]) == (3, 1, 0, 0, [])
    text = " ".join(" ".join(build_summary(report, "text", update=True)).split())
    assert text.startswith(f"Updated {report.index}: 1 added, 0 replaced, 0 removed, 0 unchanged, skipped 0 files; 3 cables in")


def test_topics_run_in_order_and_a_bad_line_stops_the_batch_before_any_runs(engine):
    """The bad fourth line is named before the first query runs, so no partial run is written."""
    lines = [b"q1\tvisa fraud\n", b"\n", b"q2\ticesave\n", b"q3 has no tab\n", b"q4\toil\n"]
    topics = run_topics(engine, lines, "topics.tsv", 5)
    with pytest.raises(BadTopicLine, match=r"^topics.tsv:4: expected 'qid<TAB>query'$"):
        next(topics)
    ran = run_topics(engine, [*lines[:3], b"# q3 left out\n", lines[4]], "topics.tsv", 5)
    for (qid, result), (expected, query) in zip(ran, (("q1", "visa fraud"), ("q2", "icesave"), ("q4", "oil")), strict=True):
        assert qid == expected
        assert [hit.id for hit in result.hits] == [hit.id for hit in engine.search(SearchRequest(query=query, limit=5)).hits]


@pytest.mark.parametrize(
    "line, message",
    [
        (b"q1\t(visa\n", r"^t:1: bad query: "),
        (b"q1\tvisa \xff\n", r"^t:1: not UTF-8 text \(byte 0xff at column 9\)$"),
    ],
)
def test_a_bad_topic_line_says_why(engine, line, message):
    with pytest.raises(BadTopicLine, match=message):
        list(run_topics(engine, [line], "t", 5))


def test_an_unknown_id_is_named_as_written(engine):
    with pytest.raises(UnknownCable) as raised:
        reference_graph(engine, " 09NOWHERE1 ", 1)
    assert str(raised.value) == "no cable ' 09NOWHERE1 ' in the index"
    with pytest.raises(UnknownCable):
        similar(engine, "09NOWHERE1")


def test_spaces_around_an_id_are_ignored(engine):
    assert similar(engine, " 09OTTAWA265 ", 3)[0] == similar(engine, "09OTTAWA265", 3)[0]
    assert [node.id for node in reference_graph(engine, " 09QUITO177", 1)] == [node.id for node in reference_graph(engine, "09QUITO177", 1)]


def test_results_streams_every_match_when_the_limit_is_0(engine):
    result, hits = engine.results(SearchRequest(query="icesave", limit=0))
    every = engine.search(SearchRequest(query="icesave", limit=1000))
    assert result.total == every.total > 1
    assert [hit.id for hit in hits] == [hit.id for hit in every.hits]
    page, page_hits = engine.results(SearchRequest(query="icesave", limit=2))
    assert page_hits == page.hits and len(page_hits) == 2
