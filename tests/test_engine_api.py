"""The Engine's questions besides search, on the seed index, checked against the seed files read by the reader."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from cables.index.analysis import SnowballStem, analyse
from cables.search.engine import SearchRequest

STEM = SnowballStem()


def test_stats_count_the_seed_cables_and_their_dates(engine, seed_records):
    stats = engine.stats()
    records = seed_records.values()
    assert stats.cables == len(seed_records) == 1400
    assert stats.paragraphs == sum(max(1, len(record.paragraphs)) for record in records)
    assert stats.first == min(record.created for record in records).isoformat()
    assert stats.last == max(record.created for record in records).isoformat()
    assert sum(stats.facets["year"].values()) == stats.cables
    assert stats.facets["tag"]["IC"] == sum("IC" in record.tags for record in records)
    assert stats.size_bytes == sum(path.stat().st_size for path in Path(engine.folder).rglob("*") if path.is_file())


def test_source_names_the_file_a_cable_came_from(engine, seeds_dir):
    assert Path(engine.source("09OTTAWA265")) == (seeds_dir / "09OTTAWA265.txt").resolve()
    assert engine.source("09NOWHERE1") is None


def test_held_keeps_only_the_ids_in_the_index(engine):
    """09QUITO177 cites 08QUITO783 (not a seed) and 09QUITO103 (a seed)."""
    assert engine.held(["08QUITO783", "09QUITO103", None, "", "09OTTAWA265"]) == {"09QUITO103", "09OTTAWA265"}


def test_citing_lists_the_cables_whose_refs_name_the_id(engine, seed_records):
    for cited in ("09QUITO100", "09QUITO103", "09OTTAWA265"):
        expected = {record.id for record in seed_records.values() if any(ref.id == cited for ref in record.references)}
        assert set(engine.citing(cited)) == expected
    assert set(engine.citing("09QUITO100")) == {"09QUITO103"}


def test_created_gives_the_dates_of_the_matching_cables(engine, seed_records):
    request = SearchRequest(query="icesave", limit=1000)
    matched = {hit.id for hit in engine.search(request).hits}
    expected = sorted(np.datetime64(seed_records[cable_id].created, "s") for cable_id in matched)
    assert sorted(engine.created(request).tolist()) == [date.tolist() for date in expected]


def test_vocabulary_and_paragraph_frequency_agree_with_the_seed_paragraphs(engine, seed_records):
    vocabulary = set(engine.vocabulary())
    assert {"icesave", "parliament", "security"} <= vocabulary
    assert "secuirty" not in vocabulary
    stem = engine.stem_of("parliament")
    assert stem == STEM("parliament")
    held = sum(stem in analyse(paragraph.text, STEM) for record in seed_records.values() for paragraph in record.paragraphs)
    assert held > 0
    assert engine.paragraph_frequency(stem) == held
