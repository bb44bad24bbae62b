"""Tests for cables.index.glossary (the TAGS glossary shipped as index/data/tags.tsv) and cables.search.tagmeanings (its lookups)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cables.index import glossary
from cables.search import tagmeanings

REPO = Path(__file__).resolve().parent.parent
TSV = REPO / "index" / "data" / "tags.tsv"


def _raw_rows() -> list[list[str]]:
    """Read the TSV directly, without the module, so its checks can't hide a bad row."""
    lines = TSV.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "tag\tkind\tmeaning"
    return [line.split("\t") for line in lines[1:] if line.strip()]


def test_every_row_has_three_columns_valid_kind_and_meaning() -> None:
    rows = _raw_rows()
    assert len(rows) > 300
    for row in rows:
        assert len(row) == 3, row
        tag, kind, meaning = row
        assert tag and tag == tag.strip() and tag == tag.upper(), row
        assert kind in {"subject", "country", "org"}, row
        assert meaning.strip(), row


def test_tags_are_unique() -> None:
    tags = [row[0] for row in _raw_rows()]
    assert len(tags) == len(set(tags))


def test_glossary_matches_file() -> None:
    table = glossary.glossary()
    assert len(table) == len(_raw_rows())
    for _tag, (kind, meaning) in table.items():
        assert kind in glossary.KINDS
        assert meaning


@pytest.mark.parametrize(
    "tag, words",
    [
        ("PREL", ["external", "political", "relations"]),
        ("PGOV", ["internal", "governmental"]),
        ("SNAR", ["narcotics"]),
        ("KCRM", ["criminal"]),
        ("PHUM", ["human rights"]),
        ("PTER", ["terrorism"]),
        ("ECON", ["economic"]),
        ("EFIN", ["financial", "monetary"]),
        ("ETRD", ["trade"]),
        ("MARR", ["military", "defense"]),
        ("KDEM", ["democratization"]),
        ("ENRG", ["energy"]),
        ("CVIS", ["visas"]),
    ],
)
def test_subject_meanings(tag: str, words: list[str]) -> None:
    text = tagmeanings.meaning(tag)
    assert text is not None
    for word in words:
        assert word in text.lower()
    assert tagmeanings.kind(tag) == "subject"


@pytest.mark.parametrize(
    "tag, country",
    [
        ("MX", "Mexico"),
        ("CA", "Canada"),
        ("IC", "Iceland"),
        ("SP", "Spain"),
        ("GM", "Germany"),
        ("UK", "United Kingdom"),
        ("CH", "China"),
        ("RS", "Russia"),
        ("BR", "Brazil"),
        ("EG", "Egypt"),
        ("LY", "Libya"),
        ("BA", "Bahrain"),
        ("CS", "Costa Rica"),
        ("AS", "Australia"),
        ("IS", "Israel"),
        ("IZ", "Iraq"),
        ("US", "United States"),
    ],
)
def test_country_codes_are_fips_style_not_iso(tag: str, country: str) -> None:
    assert tagmeanings.meaning(tag) == country
    assert tagmeanings.kind(tag) == "country"


def test_au_names_austria_and_the_african_union() -> None:
    """FIPS gives AU to Austria, but 22 of the corpus's 33 AU cables are Tripoli's on African Union summits."""
    assert tagmeanings.meaning("AU") == "Austria; African Union"
    assert tagmeanings.tags_named("Austria") == tagmeanings.tags_named("african union") == ["AU"]
    assert tagmeanings.meaning_names("Austria; African Union") == ["Austria", "African Union"]


def test_org_tags() -> None:
    assert tagmeanings.meaning("NATO") == "North Atlantic Treaty Organization"
    assert tagmeanings.kind("UNSC") == "org"
    assert "Security Council" in (tagmeanings.meaning("UNSC") or "")


def test_meaning_is_case_insensitive_and_unknown_is_none() -> None:
    assert tagmeanings.meaning("prel") == tagmeanings.meaning("PREL")
    assert tagmeanings.meaning(" Mx ") == "Mexico"
    assert tagmeanings.meaning("ZZZZ") is None
    assert tagmeanings.meaning("") is None
    assert tagmeanings.kind("nope") is None


def test_glossary_returns_a_copy() -> None:
    table = glossary.glossary()
    table["PREL"] = ("subject", "changed")
    del table["MX"]
    assert tagmeanings.meaning("PREL") != "changed"
    assert tagmeanings.meaning("MX") == "Mexico"


def test_word_map_sends_narcotics_to_snar() -> None:
    assert "SNAR" in tagmeanings.tags_for_word("narcotics")
    assert tagmeanings.tags_for_word("mexico") == ["MX"]
    assert "KCRM" in tagmeanings.tags_for_word("criminal")
    assert "PHUM" in tagmeanings.tags_for_word("human")
    assert "PTER" in tagmeanings.tags_for_word("terrorism")
    assert tagmeanings.tags_for_word(" Narcotics ") == tagmeanings.tags_for_word("narcotics")
    assert tagmeanings.tags_for_word("unheard-of-word") == []


def test_word_map_drops_trivial_words_and_holds_every_meaning_word() -> None:
    for trivial in ("and", "of", "the", "affairs", "a", "to", "in"):
        assert tagmeanings.tags_for_word(trivial) == []
    for tag, (_kind, text) in glossary.glossary().items():
        for word in tagmeanings.meaning_words(text):
            tags = tagmeanings.tags_for_word(word)
            assert tag in tags and tags == sorted(set(tags)), (tag, word)


def test_word_map_returns_fresh_lists() -> None:
    tagmeanings.tags_for_word("narcotics").append("XXXX")
    assert "XXXX" not in tagmeanings.tags_for_word("narcotics")


def test_meaning_words_splits_and_filters() -> None:
    assert tagmeanings.meaning_words("Women's issues and the economy of Mexico") == [
        "women",
        "economy",
        "mexico",
    ]


def test_import_does_not_read_the_data_file() -> None:
    """The CLI imports this module; loading must wait for the first lookup."""
    code = (
        "import cables.index.glossary as g, cables.search.tagmeanings as t; "
        "print(g._load.cache_info().currsize); "
        "t.meaning('PREL'); "
        "print(g._load.cache_info().currsize)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == ["0", "1"]
