"""Relations between cables on the seed index: REF chains, citations, tags, timelines, similar cables.

Expected values were worked out by reading the seed cables' REF lines:
09QUITO177 cites "A. 08 QUITO 783" and "B. QUITO 103"; 09QUITO103 cites
"QUITO 100"; 09QUITO100 cites "A. QUITO 57" and "B. QUITO 10" (neither in
the seeds); 08QUITO783 is not in the seeds either.
"""

from __future__ import annotations

import json

from click.testing import CliRunner

from cables.index.analysis import SnowballStem, analyse, words
from cables.search.cli import main
from cables.search.engine import SearchRequest
from cables.search.query import Meta, Or, parse
from cables.search.relations import reference_graph, similar, tag_table, timeline


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_reference_chain_read_by_hand(engine):
    nodes = reference_graph(engine, "09QUITO177", depth=3)
    found = {(n.id, n.depth, n.via, n.in_index) for n in nodes}
    assert found == {
        ("09QUITO177", 0, None, True),
        ("08QUITO783", 1, "09QUITO177", False),
        ("09QUITO103", 1, "09QUITO177", True),
        ("09QUITO100", 2, "09QUITO103", True),
        ("09QUITO57", 3, "09QUITO100", False),
        ("09QUITO10", 3, "09QUITO100", False),
    }


def test_depth_limits_the_chain(engine):
    assert {n.id for n in reference_graph(engine, "09QUITO177", depth=1)} == {"09QUITO177", "08QUITO783", "09QUITO103"}


def test_cited_by_is_the_reverse(engine):
    nodes = reference_graph(engine, "09QUITO100", depth=2, cited_by=True)
    assert {(n.id, n.depth) for n in nodes} >= {("09QUITO100", 0), ("09QUITO103", 1), ("09QUITO177", 2)}


def test_cited_by_a_cable_not_in_the_index_lists_the_cables_citing_it(engine):
    """09OTTAWA134 is not among the seeds, but 09OTTAWA265 cites it: `cited-by` lists it, as `search ref:09OTTAWA134` does.

    Before, it refused the id as "no cable in the index"; `refs` still does (it needs the cable's own REF block).
    """
    assert engine.cable("09OTTAWA134") is None
    nodes = reference_graph(engine, "09ottawa134", 1, cited_by=True)
    assert [(node.id, node.depth) for node in nodes] == [("09OTTAWA134", 0), ("09OTTAWA265", 1)] and nodes[0].created is None
    assert {node.id for node in nodes[1:]} == {hit.id for hit in engine.search(SearchRequest(query="ref:09OTTAWA134")).hits}
    result = CliRunner().invoke(main, ["cited-by", "99NOWHERE1", "--index", str(engine.location)])
    assert result.exit_code == 1 and "no cable '99NOWHERE1'" in result.output


def test_ref_query_field_finds_citing_cables(engine):
    result = engine.search(SearchRequest(query="ref:09QUITO103"))
    assert "09QUITO177" in {hit.id for hit in result.hits}


def test_a_pasted_cable_id_finds_the_cable_first_then_the_cables_citing_it(engine, seed_index):
    """A journalist pastes `07SANJOSE1106`, as the press cites cables: the cable itself comes first (no cable's
    text holds its id as one word, so it found nothing before), then the three seed cables whose REF lines cite
    it ("SAN JOSE 1106"), newest first; typed in lower case, or as `id:` OR `ref:`, the same."""
    citing = {"07SANJOSE1194", "08SANJOSE629", "09SANJOSE225"}
    for query in ("07SANJOSE1106", "07sanjose1106", "id:07SANJOSE1106 OR ref:07SANJOSE1106", "ref:07SANJOSE1106 OR id:07SANJOSE1106"):
        result = engine.search(SearchRequest(query=query, explain=True))
        ids = [hit.id for hit in result.hits]
        assert ids[0] == "07SANJOSE1106" and set(ids[1:]) == citing, query
        assert result.hits[0].explanation["tier"]["reason"] == "the cable the query names by id"
    assert [hit.id for hit in engine.search(SearchRequest(query="09OTTAWA265")).hits] == ["09OTTAWA265"]
    json_run = run("search", "07SANJOSE1106", "--format", "json", "--index", str(seed_index))
    assert json_run.exit_code == 0 and json.loads(json_run.output)["results"][0]["id"] == "07SANJOSE1106"
    assert engine.search(SearchRequest(query="99NOWHERE1")).total == 0


def test_words_with_digits_are_not_taken_for_cable_ids():
    """Only year, office and number make an id: `G20`, `2009`, `10km` and `1540` stay words."""
    assert parse("09OTTAWA265") == Or((Meta("id", "09OTTAWA265"), Meta("ref", "09OTTAWA265")))
    for word in ("G20", "2009", "10km", "1540", "A400M", "09OTTAWA"):
        assert not isinstance(parse(word), Or), word


def test_refs_cli_json(seed_index):
    result = run("refs", "09QUITO177", "--depth", "2", "--format", "json", "--index", str(seed_index))
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data[0]["id"] == "09QUITO177" and {d["id"] for d in data} == {"09QUITO177", "08QUITO783", "09QUITO103", "09QUITO100"}
    assert run("refs", "99NONE1", "--index", str(seed_index)).exit_code == 1


def test_tags_have_meanings_and_counts(engine, seed_records):
    rows = {row["tag"]: row for row in tag_table(engine, "SN")}
    assert rows["SNAR"]["cables"] == sum("SNAR" in r.tags for r in seed_records.values())
    assert "narcotic" in rows["SNAR"]["meaning"].lower()
    assert all(tag.startswith("SN") for tag in rows)


def test_tags_are_found_by_the_name_or_meaning_word_typed(engine, seed_index):
    """`cables tags Iceland` and `tags narcotics` printed nothing and exited 0, though `--tag Iceland` searches IC."""
    assert [row["tag"] for row in tag_table(engine, "Iceland")] == ["IC"]
    assert "SNAR" in {row["tag"] for row in tag_table(engine, "narcotics")}
    none = run("tags", "ZZZZ", "--index", str(seed_index))
    assert none.exit_code == 0 and "No tag in the index" in none.output


def test_meaning_word_matches_tagged_cables_below_text_matches(engine, seed_records):
    """'narcotics' names SNAR's meaning: SNAR cables without the word match.

    They rank after cables with the word (in subject, paragraphs or header words).
    """
    result = engine.search(SearchRequest(query="narcotics", limit=1000))
    found = {hit.id for hit in result.hits}
    snar = {r.id for r in seed_records.values() if "SNAR" in r.tags}
    assert snar <= found
    stem = SnowballStem()
    wanted = analyse("narcotics", stem)[0]

    def says_it(cable_id: str) -> bool:
        record = seed_records[cable_id]
        return wanted in analyse(" ".join([record.subject, record.header_text(), *(p.text for p in record.paragraphs)]), stem)

    text_ids = [hit.id for hit in result.hits if says_it(hit.id)]
    tag_only = [hit.id for hit in result.hits if hit.id not in text_ids]
    ranks = {hit.id: i for i, hit in enumerate(result.hits)}
    assert tag_only and text_ids
    assert max(ranks[i] for i in text_ids) < min(ranks[i] for i in tag_only)


def test_timeline_by_year_and_month(engine, seed_records):
    expected: dict[str, int] = {}
    for record in seed_records.values():
        text = (record.subject + " " + " ".join(p.text for p in record.paragraphs)).lower()
        if "icesave" in text:
            key = f"{record.created.year}-{record.created.month:02d}"
            expected[key] = expected.get(key, 0) + 1
    months = timeline(engine, SearchRequest(query="icesave"), by="month")
    assert {k: v for k, v in months.items() if v} == expected
    assert sum(timeline(engine, SearchRequest(query="icesave"), by="year").values()) == sum(expected.values())


def test_a_timeline_counts_only_the_cables_holding_every_word(engine, seed_records):
    """By year, a timeline counted the cables a search lists, which below a page of matches adds those with some of
    the words: ``Icesave dispute`` drew cables holding only "dispute" (by month it counted every word already)."""
    wanted = {SnowballStem()(word) for word in ("icesave", "dispute")}
    holding = [record.created.year for record in seed_records.values() if wanted <= _stems_of(record)]
    years = timeline(engine, SearchRequest(query="Icesave dispute"), by="year")
    assert holding and sum(years.values()) == len(holding) and min(years) == str(min(holding))


def test_timeline_cli_json(seed_index):
    data = json.loads(run("timeline", "icesave", "--format", "json", "--index", str(seed_index)).output)
    assert data["by"] == "year" and sum(data["counts"].values()) > 0


def test_a_timeline_counts_the_dates_asked_for(seed_index, seed_records):
    """`timeline` had no --from/--to: a historian tracing a matter over two years had to read the whole span."""
    wanted = [record.created.year for record in seed_records.values() if SnowballStem()("icesave") in _stems_of(record)]
    first, last = min(wanted), max(wanted)
    assert first < last
    command = ("timeline", "icesave", "--from", str(last), "--to", str(last), "--format", "json", "--index", str(seed_index))
    assert json.loads(run(*command).output)["counts"] == {str(last): wanted.count(last)}


def test_an_empty_timeline_names_the_filter_that_matched_nothing(seed_index):
    """`timeline --from 2010 --to 2001` and `--origin Nowhere` said only "No cables match", where `search` names the filter."""
    reversed_range = run("timeline", "embassy", "--from", "2010", "--to", "2001", "--index", str(seed_index))
    assert reversed_range.exit_code == 0 and "note: --from 2010 --to 2001 is an empty range" in reversed_range.output
    command = ("timeline", "embassy", "--origin", "Nowhere", "--format", "json", "--index", str(seed_index))
    data = json.loads(run(*command).output)
    assert data["counts"] == {} and data["notes"][0].startswith("--origin Nowhere matches no cable")
    assert "notes" not in json.loads(run("timeline", "icesave", "--format", "json", "--index", str(seed_index)).output)


def _stems_of(cable) -> set[str]:
    """The stems of a cable's subject and paragraphs as the reader read them (not as the index holds them)."""
    stem = SnowballStem()
    text = " ".join([cable.subject, *(paragraph.text for paragraph in cable.paragraphs)])
    return {stem(word) for word, _, _ in words(text)}


def test_a_cable_is_named_as_people_write_its_id(engine, seed_index):
    """`show "#08TRIPOLI577"`, `show 08TRIPOLI577.txt` and `show "TRIPOLI 577"` said no such cable, though a search
    reads all three as the id; a citation naming no single indexed cable names none."""
    for written in ("#09OTTAWA265", "09ottawa265.txt", "OTTAWA 265", "09 OTTAWA 265", " 09OTTAWA265 "):
        assert (engine.cable(written) or {}).get("id") == "09OTTAWA265", written
    assert engine.cable("OTTAWA 266") is None and engine.cable("") is None
    shown = run("show", "#09OTTAWA265", "--format", "json", "--index", str(seed_index))
    assert shown.exit_code == 0 and json.loads(shown.output)["id"] == "09OTTAWA265"


def test_similar_names_the_cable_by_its_id_however_it_was_typed(seed_index):
    """`cables similar 09ottawa265` reports on 09OTTAWA265, as `show` and `refs` do, and leaves the cable itself out."""
    result = run("similar", "09ottawa265", "--limit", "3", "--format", "json", "--index", str(seed_index))
    data = json.loads(result.output)
    assert result.exit_code == 0 and data["id"] == "09OTTAWA265"
    assert len(data["results"]) == 3 and "09OTTAWA265" not in {hit["id"] for hit in data["results"]}


def test_similar_shares_key_terms(engine, seed_records):
    """Key terms are the cable's own words; each similar cable really holds the terms listed as shared, and no other."""
    stem = SnowballStem()
    terms, found = similar(engine, "09OTTAWA265", limit=5)
    assert {"cisen", "rcmp"} <= set(terms)
    assert all(stem(term.lower()) in _stems_of(seed_records["09OTTAWA265"]) for term in terms)
    assert len(found) == 5 and all(hit.id != "09OTTAWA265" for hit, _ in found)
    for hit, shared in found:
        held = {term for term in terms if stem(term.lower()) in _stems_of(seed_records[hit.id])}
        assert shared and set(shared) == held, hit.id
