"""No body text is swallowed by header parsing (issue 13, item 15).

The invariant: every word of a cable's body region (from its first SUBJECT,
TAGS or E.O. line to the end of the text) appears in the record's paragraphs,
subject or header fields, except the documented noise below.  It is checked on
every seed cable and on every cable of the shared corpus.

The body region starts after a truncated preview that the file repeats the
cable after (see ``reader._skip_preview``).  The documented noise: routing lines (``VZCZC``, ``DE RUEH...``, ``FM``/``TO``/
``INFO`` and addressee lines of a repeated routing block), classification
banners, page markers, ``SIPDIS``, the E.O./DECL and TAGS lines (kept as
``declassify_on`` and ``tags``; the header's tag list is the record's, so a
TAGS line wrapped onto a second line is not compared), classification marking
lines (``SECRET//FGI//NOFORN//MR``, ``Declassify on: ...``), field labels (``SUBJECT``, ``REF``,
``Classified By``, ``Reasons``), paragraph markings, the words of handling
notices (``SENSITIVE BUT UNCLASSIFIED``, ``NOT FOR INTERNET DISTRIBUTION``, ``ENTIRE
TEXT``) and the words they are made of, a ``SUMMARY`` heading, the partial-extract
notice, a database row of the publishing site, a line resent with a leading ``Q``, and words under three letters.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cables.index import reader
from cables.index.reader import read_file
from tests.conftest import CORPUS, SEEDS, read_seed

WORD_RE = re.compile(r"[A-Za-z]{3,}")
# The tolerance: at most 3 words or 0.5% of a cable's region.  What remains on the corpus
# (214 of 5.8 million words, measured) is fragments of preview lines cut off mid-word
# (``ALLIE...``), REF items whose REF line the file lacks, and header lines glued into routing.
MAX_LOST_WORDS = 3
MAX_LOST_SHARE = 0.005
REGION_START_RE = re.compile(r"^\s*(?:SUBJ(?:ECT)?\s*:|TAGS\b|E\.?\s?O\.?\s*1\d{4})", re.IGNORECASE)
ROUTING_RE = re.compile(r"^\s*(?:VZCZC|[A-Z]{2} RUE|DE RUE|ZN[YR] |[OPRZ] \d{6}Z|FM |TO |INFO |R[A-Z]{4,}/|BT\s*$)")
TAGS_LINE_RE = re.compile(r"^\s*TAGS?\b", re.IGNORECASE)
# A TAGS line wrapped onto the next line: tag codes only.
TAG_LIST_RE = re.compile(r"^\s*(?:[A-Z]{2,6}[\s,;]*)+$")
# A classification marking line (``SECRET//FGI//NOFORN//MR``) or a Declassify-on line.
MARKING_LINE_RE = re.compile(r"^\s*(?:(?:TOP\s+)?SECRET|CONFIDENTIAL|UNCLASSIFIED)//|^\s*Declassify\s+on\b", re.IGNORECASE)
# A database row of the publishing site (number, date, time, cable id, origin, ...), as in
# 09CAIRO211 line 42, which holds another cable's record and routing: not this cable's text.
RECORD_ROW_RE = re.compile(r"^\s*\d+,?\s*\d{1,2}/\d{1,2}/\d{4},?\s*\d{1,2}:\d{2},?\s*\d{2}[A-Z]+\d+")
LABEL_WORDS = {
    "subject",
    "subj",
    "ref",
    "refs",
    "reftel",
    "reftels",
    "classified",
    "reason",
    "reasons",
    "tags",
    "decl",
    "sipdis",
    "unclas",
    "confidential",
    "secret",
    "section",
    "page",
    "noforn",
    "sensitive",
    "sbu",
    "rel",
    "orcon",
    "please",
    "accordingly",
    "protect",
    "handle",
    "unclassified",
    "cable",
    "internet",
    "distribution",
    "ubject",
    "entire",
    "text",
    "summary",
    "but",
    "not",
    "for",
    "and",
    "this",
}


def _region_words(path: Path, cable_id: str) -> list[str]:
    """The words of the body region of a cable file, documented noise removed."""
    lines = [line.rstrip("\r") for line in path.read_text(encoding="utf-8-sig").split("\n")]
    raw = reader._skip_preview(reader._raw_lines(lines, str(path)), reader._read_header(lines, str(path)))
    start = next((index for index, line in enumerate(raw) if REGION_START_RE.match(line)), None)
    if start is None:
        return []
    city = reader._marker_city(cable_id)
    words: list[str] = []
    in_tags = False
    for line in raw[start:]:
        line = reader._strip_inline_noise(line, city)
        in_tags = bool(TAGS_LINE_RE.match(line) or (in_tags and TAG_LIST_RE.match(line)))
        if (
            in_tags
            or reader._is_noise(line)
            or reader.EO_LINE_RE.match(line)
            or ROUTING_RE.match(line)
            or line.startswith(reader.PARTIAL_EXTRACT)
            or MARKING_LINE_RE.match(line)
            or RECORD_ROW_RE.match(line)
        ):
            continue
        words.extend(WORD_RE.findall(line))
    return words


def _record_words(cable) -> set[str]:
    """Every word (lower case) the record keeps: paragraphs and their markings, subject, title, tags,
    the declassification value and the header fields."""
    fields = [cable.subject, cable.title, cable.header_text(), " ".join(cable.tags), str(cable.declassify_on)]
    text = " ".join(fields + [p.text for p in cable.paragraphs] + [p.marking or "" for p in cable.paragraphs])
    return {word.lower() for word in WORD_RE.findall(text)}


def lost_words(path: Path) -> tuple[list[str], int]:
    """Words of the file's body region that its record does not keep (documented noise excepted), and the region's size."""
    cable = read_file(path).cable
    kept = _record_words(cable)
    region = _region_words(path, cable.id)
    lost = []
    for word in region:
        lower = word.lower()
        resent = word[0] == "Q" and (lower[1:] in kept or len(word) <= 3)
        if lower not in kept and lower not in LABEL_WORDS and not resent:
            lost.append(word)
    return lost, len(region)


def _corpus_files() -> list[Path]:
    return sorted(CORPUS.glob("cables/*.txt"))


def _report(files: list[Path]) -> list[str]:
    """One line per file that loses more than the tolerance: its name, how many and the first few."""
    problems = []
    for path in files:
        lost, region = lost_words(path)
        allowed = max(MAX_LOST_WORDS, MAX_LOST_SHARE * region)
        if len(lost) > allowed:
            problems.append(f"{path.name}: {len(lost)} words lost, e.g. {' '.join(lost[:10])}")
    return problems


def test_paragraph_one_on_the_classified_by_line_is_kept() -> None:
    """09TRIPOLI555 line 46: 'CLASSIFIED BY: Gene A. Cretz ... REASON: 1.4 (b), (d) 1.(C) In a brief meeting ...'."""
    cable = read_seed("09TRIPOLI555")
    first = cable.paragraphs[0]
    assert (first.number, first.marking) == (1, "C")
    assert first.text.startswith("In a brief meeting on July 2 on the sidelines of the African Union (AU) Summit")
    assert "proxy war in Somalia" in first.text
    assert cable.reasons == ("1.4(b)", "1.4(d)")  # not the (C) marking of paragraph 1


def test_paragraph_one_glued_after_ref_without_a_marking() -> None:
    """05BRASILIA1714: 'REF: A. BRASILIA 1494 B. BRASILIA 1544 1. Summary. The IV Global Forum ...' on one line."""
    path = CORPUS / "cables" / "05BRASILIA1714.txt"
    if not path.is_file():
        pytest.skip(f"shared corpus not present at {CORPUS}")
    cable = read_file(path).cable
    assert cable.reference_text == "A. BRASILIA 1494 B. BRASILIA 1544"
    assert cable.paragraphs[0].number == 1
    assert cable.paragraphs[0].text.startswith("Summary. The IV Global Forum on Fighting Corruption")


def test_text_between_the_header_and_paragraph_one_is_kept() -> None:
    """05CAIRO8938 line 18 'Director Mueller,' and 04BOGOTA8900 line 33 'THIS IS AN ACTION REQUEST. PLEASE SEE
    PARAGRAPH 9.' come before paragraph 1: unnumbered text, kept."""
    salutation = read_seed("05CAIRO8938").paragraphs[0]
    assert (salutation.number, salutation.text) == (None, "Director Mueller,")
    request = read_seed("04BOGOTA8900").paragraphs[0]
    assert request.number is None and request.text.startswith("THIS IS AN ACTION REQUEST. PLEASE SEE PARAGRAPH 9.")


def test_declassify_on_line_is_not_body_text() -> None:
    """08STATE116943 lines 44-45: 'Declassify on: Source marked 25X1-human, ...' is a header field."""
    cable = read_seed("08STATE116943")
    assert all("Declassify on" not in paragraph.text for paragraph in cable.paragraphs)
    assert cable.paragraphs[0].number == 1


def test_no_seed_cable_loses_body_words() -> None:
    """Seeds that the corpus test below does not read already (all of them without the corpus)."""
    in_corpus = {path.name for path in _corpus_files()}
    problems = _report([path for path in sorted(SEEDS.glob("*.txt")) if path.name not in in_corpus])
    assert not problems, f"{len(problems)} seed cables lose words:\n" + "\n".join(problems[:40])


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"shared corpus not present at {CORPUS} (a fresh clone has none)")
def test_no_corpus_cable_loses_body_words() -> None:
    problems = _report(_corpus_files())
    assert not problems, f"{len(problems)} corpus cables lose words:\n" + "\n".join(problems[:40])


def test_a_comma_for_a_missing_space_is_not_taken_for_an_apostrophe():
    """The reader turns a transmitted comma-apostrophe back into one (``Shi,a``); it also turned the comma of a
    missing space into one, making one unsearchable word of two (``case,the`` -> ``case'the``)."""
    madrid = " ".join(paragraph.text for paragraph in read_seed("07MADRID545").paragraphs)
    assert "case,the fact" in madrid and "case'the" not in madrid
    baghdad = " ".join(paragraph.text for paragraph in read_seed("09BAGHDAD2569").paragraphs)
    assert "Shi'a" in baghdad and "Shi,a" not in baghdad
