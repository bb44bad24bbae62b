"""Tests for the synthetic corpus generator (bench/synth.py).

They train on the repo's seeds/ folder (a fresh clone may have no shared corpus),
write a few dozen cables into tmp_path and check determinism, the published
layout and, once index/reader.py exists, that the reader reads back what was
generated.  SYNTH_TEST_SOURCE may point at another folder of cables.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

from cables.index.reader import read_file

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))  # for cables.index.reader under plain `pytest` too

import synth  # noqa: E402

NBSP = "\u00a0"
COUNT = 30
SEED = 7
KNOWN_CLASSIFICATIONS = {
    "UNCLASSIFIED",
    "UNCLASSIFIED//FOR OFFICIAL USE ONLY",
    "CONFIDENTIAL",
    "CONFIDENTIAL//NOFORN",
    "SECRET",
    "SECRET//NOFORN",
}


def _source() -> Path:
    """Folder of real cables to train on: SYNTH_TEST_SOURCE or the repo's seeds/."""
    folder = Path(os.environ.get("SYNTH_TEST_SOURCE", REPO / "seeds"))
    if not any(folder.glob("*.txt")):
        pytest.skip(f"no cable files in {folder}")
    return folder


@pytest.fixture(scope="module")
def model() -> synth.Model:
    """The generator model, trained once for the module on up to 300 cables (speed)."""
    return synth.train(_source(), limit=300)


@pytest.fixture(scope="module")
def corpus(model, tmp_path_factory) -> tuple[Path, list]:
    """COUNT cables written to a temporary folder, with their generation facts."""
    out = tmp_path_factory.mktemp("synth")
    synth.write_corpus(model, out, COUNT, SEED, jobs=1)
    plans = synth.plan(model, COUNT, SEED)
    facts = [synth.render_cable(model, plans, i, SEED)[1] for i in range(COUNT)]
    return out, facts


def _contents(folder: Path) -> dict:
    """File name -> bytes for every file in folder."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_same_seed_same_bytes_whatever_jobs(model, corpus, tmp_path):
    first, _ = corpus
    synth.write_corpus(model, tmp_path / "again", COUNT, SEED, jobs=2, chunk=7)
    assert _contents(first) == _contents(tmp_path / "again")


def test_other_seed_other_corpus(model, corpus, tmp_path):
    synth.write_corpus(model, tmp_path / "other", COUNT, SEED + 1, jobs=1)
    assert _contents(corpus[0]) != _contents(tmp_path / "other")


def test_ids_unique_and_file_names(corpus):
    out, facts = corpus
    ids = [f["id"] for f in facts]
    assert len(set(ids)) == COUNT
    assert sorted(p.name for p in out.iterdir()) == sorted(i + ".txt" for i in ids)
    for f in facts:
        assert re.fullmatch(r"\d\d[A-Z]+\d+", f["id"])
        assert f["id"].startswith(f"{f['created']:%y}")


def test_layout(corpus):
    out, facts = corpus
    for f in facts:
        text = (out / f"{f['id']}.txt").read_text(encoding="utf-8")
        lines = text.split("\n")
        assert lines[:4] == ["Identifier", "Created", "Classification", "Origin"]
        assert lines[4] == f["id"]
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", lines[5])
        assert lines[6] == f["classification"]
        assert lines[7] == f["origin"]
        assert lines[8] == "Cable title:" + NBSP + NBSP
        assert lines[9] == "" and lines[11] == ""
        assert f["subject"].startswith(lines[10])
        assert lines[12] == "Tags:" + NBSP + NBSP + "".join(t + NBSP for t in f["tags"])
        assert lines[13] == "pdf" + NBSP + "how-to read a cable"
        assert lines[14].startswith(("VZCZC", "This record is a partial extract"))
        assert "TAGS: " + " ".join(f["tags"]) in [line.rstrip() for line in lines]
        assert any(line.startswith("SUBJECT: ") for line in lines)
        assert any(line.startswith("E.O. 12958: ") for line in lines)
        has_classified_by = any(line.startswith("Classified By: ") for line in lines)
        assert has_classified_by == (not f["classification"].startswith("UNCLASSIFIED"))
        numbered = [line for line in lines if re.match(r"¶?\d+\. ", line)]
        assert len(numbered) == f["paragraphs"]
        footer = NBSP + "facebook" + NBSP + "-" + NBSP + NBSP + "bluesky" + NBSP + "-"
        assert lines[-5:] == [f["signature"], "", "Share this cable", "", footer]
        assert not text.endswith("\n")


def test_classifications_from_source(model, corpus):
    real = {t.classification for t in model.templates}
    for f in corpus[1]:
        assert f["classification"] in real
        assert f["classification"] in KNOWN_CLASSIFICATIONS


def test_references_point_at_earlier_synthetic_cables(corpus):
    facts = corpus[1]
    by_id = {f["id"]: f for f in facts}
    for f in facts:
        for ref in f["references"]:
            assert ref in by_id and ref != f["id"]
            assert by_id[ref]["created"] <= f["created"]


def test_reader_reads_generated_cables(corpus):
    out, facts = corpus
    for f in facts:
        cable = read_file(out / f"{f['id']}.txt").cable
        assert cable.id == f["id"]
        assert cable.classification == f["classification"]
        assert tuple(cable.tags) == tuple(t.upper() for t in f["tags"])
        numbered = [p for p in cable.paragraphs if p.number is not None]
        assert len(numbered) == f["paragraphs"]
        assert [p.number for p in numbered] == list(range(1, f["paragraphs"] + 1))


def test_reader_gets_subject_and_reference_graph(corpus):
    out, facts = corpus
    for f in facts:
        cable = read_file(out / f"{f['id']}.txt").cable
        # The reader reads the transmitted comma-apostrophe ("BUSH,S") as "'".
        assert cable.subject == re.sub(r"(?<=[A-Za-z]),(?=[Ss]\b)", "'", f["subject"])
        assert tuple(r.id for r in cable.references) == f["references"]
