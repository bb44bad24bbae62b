"""Run-together TAGS are split into the tags they stand for (issue 13, item 16).

Expected splits were read from the files (the Tags line, line 13); the corpus
check uses an independent test of "glued": a regular expression of glossary
tags repeated, rather than the reader's own splitter.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from cables.index.glossary import glossary
from cables.index.reader import read_file
from cables.index.tagsplit import split_tag
from cables.search.cli import main
from tests.conftest import CORPUS, read_seed


@pytest.mark.parametrize(
    ("cable_id", "tags"),
    [
        # line 13: "ETRD EAGR ECINECONCS"
        ("06SANJOSE2649", ("ETRD", "EAGR", "ECIN", "ECON", "CS")),
        # line 13: "KFRDCVISCMGTCASCKOCIASECPHUMSMIGEG" (KOCI is missing from the glossary: one unknown code)
        ("09CAIRO1054", ("KFRD", "CVIS", "CMGT", "CASC", "KOCI", "ASEC", "PHUM", "SMIG", "EG")),
    ],
)
def test_run_together_tags_in_seeds_are_split(cable_id: str, tags: tuple[str, ...]) -> None:
    assert read_seed(cable_id).tags == tags


@pytest.mark.parametrize(
    ("glued", "pieces"),
    [
        ("ETRDECONWTOCS", ("ETRD", "ECON", "WTO", "CS")),  # WTO: a three-letter organisation code
        ("EINVECONSENVCSJA", ("EINV", "ECON", "SENV", "CS", "JA")),
        ("PHUMBA", ("PHUM", "BA")),
        ("EUNCH", ("EUN", "CH")),
    ],
)
def test_split_shapes(glued: str, pieces: tuple[str, ...]) -> None:
    assert split_tag(glued) == pieces


@pytest.mark.parametrize(
    "word",
    # Person, place and English-word tags seen in the corpus; BRUSSELS and JOSEPH can be cut into
    # country codes (BR US SE LS, JO SE PH) and must not be.
    [
        "BRUSSELS",
        "JOSEPH",
        "CLINTON",
        "HILLARY",
        "MEETINGS",
        "DOMESTIC",
        "EXTERNAL",
        "POLITICS",
        "TURKEY",
        "PRELP",
        "PGOVE",
        "EINVETC",
        "CRIME",
        "MEDIA",
        "ORGANIZED",
    ],
)
def test_names_and_words_are_not_split(word: str) -> None:
    assert split_tag(word) == (word,)


def test_tag_filter_finds_a_cable_whose_tags_were_glued(seed_index) -> None:
    """--tag CS must find 06SANJOSE2649, whose only CS is inside ECINECONCS."""
    result = CliRunner().invoke(
        main,
        ["search", "bananas", "--tag", "CS", "--format", "json", "--limit", "50", "--index", str(seed_index)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    ids = [hit["id"] for hit in json.loads(result.output)["results"]]
    assert "06SANJOSE2649" in ids


def _glued_re() -> re.Pattern:
    """A tag made of two or more glossary tags, one of them a subject or organisation tag (3+ letters).

    A run of two-letter country codes alone (``ZANU`` = ZA NU, ``BRUSSELS``) is a real
    tag or a name, not a glued list.
    """
    codes = sorted(glossary(), key=len, reverse=True)
    every = "|".join(re.escape(code) for code in codes)
    long = "|".join(re.escape(code) for code in codes if len(code) >= 3)
    return re.compile(rf"^(?=(?:{every}){{2,}}$)(?:{every})*(?:{long})(?:{every})*$")


def _spelled_by(tags: tuple[str, ...], run: str) -> bool:
    """True when ``run`` is not itself a tag of the record and is spelled by its other tags (repeats are dropped)."""
    pieces = "|".join(re.escape(tag) for tag in sorted(tags, key=len, reverse=True) if tag != run)
    return run not in tags and bool(pieces) and re.fullmatch(rf"(?:{pieces})+", run) is not None


def _header_tags(path: Path) -> list[str]:
    """The tags of the file's Tags line (line 13) as written, split on spaces and no-break spaces."""
    line = path.read_text(encoding="utf-8-sig").split("\n")[12]
    return line[len("Tags:") :].replace("\u00a0", " ").split()


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"shared corpus not present at {CORPUS} (a fresh clone has none)")
def test_every_glued_tag_in_the_corpus_is_split() -> None:
    """Every corpus cable whose Tags line holds a string made only of glossary tags gets those tags, not the string.

    Only the files whose Tags line holds such a string are parsed (a tag can only come out
    glued from one), which keeps the check over all 5,000 files fast.
    """
    glued = _glued_re()
    known = glossary()
    checked, problems = 0, []
    for path in sorted(CORPUS.glob("cables/*.txt")):
        written = [tag.upper() for tag in _header_tags(path)]
        runs = [tag for tag in written if tag not in known and glued.match(tag)]
        if not runs:
            continue
        checked += 1
        tags = read_file(path).cable.tags
        for run in runs:
            if not _spelled_by(tags, run):
                problems.append(f"{path.name}: {run} read as {tags}")
        problems.extend(f"{path.name}: {tag} left glued" for tag in tags if tag not in known and glued.match(tag))
    assert checked >= 10, f"only {checked} cables with glued tags: the check would prove little"
    assert not problems, "\n".join(problems)
