"""Select a representative sample of cables for the bundled ``seeds/`` folder.

The full corpus (5,000 cables) is not part of the repository, so tests and
examples rely on a smaller bundled sample.  This script picks that sample
deterministically (fixed random seed, standard library only) and copies the
chosen files byte-for-byte into ``seeds/``.

Selection order:

1. the original seed cable (09OTTAWA265);
2. a handful of cables showing each layout oddity listed in the corpus
   README (partial extracts, multi-section cables, ``SUBJ:``, tabs, ...),
   detected with simple regular expressions on the raw text;
3. coverage: every classification value, every year, every origin;
4. stratified random fill so that classification/origin/year are spread
   roughly as in the whole corpus.

Files already in the output folder are never deleted or overwritten; they
count towards every quota, and the script only adds files until the target
count is reached.  Running it twice therefore adds nothing the second time.

Usage::

    python bench/select_seeds.py [--corpus DIR] [--out seeds] [--count 1400]
    python bench/select_seeds.py --report   # markdown tables for seeds/README.md
"""

from __future__ import annotations

import argparse
import itertools
import random
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from corpus_location import shared_corpus  # bench/ is on sys.path when run as a script or from bench/conftest.py

RANDOM_SEED = 20090402
DEFAULT_CORPUS = shared_corpus() / "cables"
DEFAULT_SEED_CABLE = shared_corpus() / "seed" / "09OTTAWA265.txt"
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "seeds"
DEFAULT_COUNT = 1400
PER_ODDITY = 15
PER_CLASSIFICATION = 10
PER_YEAR = 3
MIN_ORIGIN_SIZE = 1  # origins with at least this many cables get one seed
MAX_BYTES = 25 * 1024 * 1024

NBSP = "\u00a0"

# Header line positions (0-based) in the published layout; see corpus README.
LINE_ID, LINE_CREATED, LINE_CLASSIFICATION, LINE_ORIGIN = 4, 5, 6, 7
LINE_TITLE, LINE_TAGS = 10, 12


@dataclass
class Info:
    """What the selector needs to know about one cable file."""

    path: Path
    size: int
    cable_id: str
    year: int
    classification: str
    origin: str
    oddities: frozenset[str] = field(default_factory=frozenset)

    @property
    def stratum(self) -> tuple[str, str, int]:
        """Key used for stratified sampling."""
        return (self.classification, self.origin, self.year)


# --------------------------------------------------------------------------
# Header access
# --------------------------------------------------------------------------


def header_line(lines: list[str], index: int) -> str:
    """Return header line ``index`` stripped, or "" when the file is short."""
    return lines[index].strip() if index < len(lines) else ""


def header_tags(lines: list[str]) -> list[str]:
    """Split the header ``Tags:`` line (tags end in a no-break space)."""
    line = lines[LINE_TAGS] if len(lines) > LINE_TAGS else ""
    if not line.startswith("Tags:"):
        return []
    return [t.strip() for t in line[len("Tags:") :].split(NBSP) if t.strip()]


def header_year(lines: list[str]) -> int:
    """Year of the ``Created`` header line, 0 when unreadable."""
    match = re.match(r"(\d{4})-", header_line(lines, LINE_CREATED))
    return int(match.group(1)) if match else 0


# --------------------------------------------------------------------------
# Oddity detectors: each takes (raw text, lines split on "\n") -> bool.
# Lines are split on "\n" only, because some cables contain U+2028.
# --------------------------------------------------------------------------

SUBJECT_RE = re.compile(r"^\s*SUBJ(?:ECT)?\s*:", re.MULTILINE)
NUMBERED_RE = re.compile(r"^¶?\s*\d{1,2}\s*\.\s", re.MULTILINE)
MARKED_RE = re.compile(r"^¶?\s*\d{1,2}\s*\.\s*\(?[A-Za-z/ ]{1,12}\)", re.MULTILINE)
PAREN_MISSING_RE = re.compile(r"^¶?\s*\d{1,2}\s*\.\s*[A-Z]{1,3}(?:/[A-Z]{1,3})?\)\s", re.MULTILINE)
PAREN_MARKING_RE = re.compile(r"^¶?\s*\d{1,2}\s*\.\s*\(([^)\n]{1,8})\)", re.MULTILINE)
ODD_MARKINGS = {"c", "u", "s", "sbu", "C ", " C ", "SBU ", "S NF", "SE", "NC", "SU", "SB", "N/SF", "C/F"}
DECL_RE = re.compile(r"DECL\s*:\s*(\S*)")
DECL_NORMAL_RE = re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$")
PAGE_MARKER_RE = re.compile(r"\b\d{8} \d{3} OF \d{3}\b")
WHOLE_LINE_PAGE_MARKER_RE = re.compile(r"^[A-Z][A-Z .'-]* \d{8} \d{3} OF \d{3}$")
SECTION_RE = re.compile(r"SECTION 0?1 OF 0?\d")
REF_LINE_RE = re.compile(r"^\s*REF(?:S|TEL|TELS)?\b[^\n]*", re.MULTILINE)
MULTI_REF_RE = re.compile(r"(?:\bA[.)]|\(A\))\s*\S.*|[;,]\s*[A-Z]{3,}[A-Z ]* \d")
REF_YEAR_PREFIX_RE = re.compile(r"\b\d{2}\s+[A-Z]{3,}[A-Z ]*\s+\d{2,6}\b")
COMMA_APOSTROPHE_RE = re.compile(r"[A-Za-z]{2},(?:s|t|re|ll|ve|d)\b")
FOUR_LETTER_TAGS = {
    "PREL",
    "PGOV",
    "ECON",
    "ETRD",
    "EINV",
    "EFIN",
    "KCRM",
    "SNAR",
    "PHUM",
    "MARR",
    "MOPS",
    "PTER",
    "KDEM",
    "ENRG",
    "EPET",
    "PINR",
    "SOCI",
    "KJUS",
    "KCOR",
    "CASC",
    "CVIS",
    "CMGT",
    "KFRD",
    "KIRF",
    "KOCI",
    "ASEC",
    "SMIG",
    "ELAB",
    "EAID",
    "SENV",
    "TBIO",
    "KPAO",
    "MASS",
    "MNUC",
    "PARM",
    "OVIP",
    "EIND",
    "ECIN",
    "KTFN",
    "KWMN",
    "OREP",
    "AMGT",
    "KPKO",
    "KISL",
    "PINS",
}


def find_subject_line(text: str) -> re.Match | None:
    """First raw SUBJECT:/SUBJ: line, if any."""
    return SUBJECT_RE.search(text)


def subject_line(text: str) -> str:
    """Whole text of the first raw subject line, "" when absent."""
    match = find_subject_line(text)
    if not match:
        return ""
    end = text.find("\n", match.start())
    return text[match.start() : end if end >= 0 else len(text)]


def is_partial_extract(text: str, lines: list[str]) -> bool:
    """Cable without routing, flagged as a partial extract."""
    return "This record is a partial extract" in text


def is_multi_section(text: str, lines: list[str]) -> bool:
    """Banner says SECTION 01 OF nn: the header block repeats later."""
    return bool(SECTION_RE.search(text))


def has_page_markers(text: str, lines: list[str]) -> bool:
    """Page markers such as 'OTTAWA 00000265 002 OF 002' inside the text."""
    return bool(PAGE_MARKER_RE.search(text))


def has_inline_page_marker(text: str, lines: list[str]) -> bool:
    """A page marker sharing its line with paragraph text."""
    return any(PAGE_MARKER_RE.search(line) and not WHOLE_LINE_PAGE_MARKER_RE.match(line.strip()) for line in lines)


def uses_subj(text: str, lines: list[str]) -> bool:
    """Subject written as SUBJ: instead of SUBJECT:."""
    return bool(re.search(r"^\s*SUBJ\s*:", text, re.MULTILINE))


def has_wrapped_subject(text: str, lines: list[str]) -> bool:
    """Raw subject continues on the next line (header title is cut)."""
    for i, line in enumerate(lines):
        if SUBJECT_RE.match(line):
            nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
            if not nxt:
                return False
            stops = r"(REF|CLASSIFIED|E\.O\.|TAGS|¶|\d{1,2}\s*\.)"
            return not re.match(stops, nxt, re.IGNORECASE)
    return False


def has_multi_item_ref(text: str, lines: list[str]) -> bool:
    """A REF: line listing several references (A. ... B. ...)."""
    return any(MULTI_REF_RE.search(m.group(0)) for m in REF_LINE_RE.finditer(text))


def has_ref_year_prefix(text: str, lines: list[str]) -> bool:
    """A reference with the year in front, e.g. 'REF: 08 STATE 12345'."""
    return any(REF_YEAR_PREFIX_RE.search(m.group(0)) for m in REF_LINE_RE.finditer(text))


def has_ref_on_subject(text: str, lines: list[str]) -> bool:
    """REF: runs on within the subject line."""
    return bool(re.search(r"\bREFS?\s*:", subject_line(text)[5:]))


def has_classified_by_on_subject(text: str, lines: list[str]) -> bool:
    """'Classified By' runs into the subject line."""
    return "classified by" in subject_line(text).lower()


def has_classified_by_on_ref(text: str, lines: list[str]) -> bool:
    """'Classified By' runs on in a REF: line."""
    return any("classified by" in m.group(0).lower() for m in REF_LINE_RE.finditer(text))


def has_no_subject_line(text: str, lines: list[str]) -> bool:
    """No raw SUBJECT:/SUBJ: line in any letter case."""
    return not re.search(r"^\s*SUBJ(?:ECT)?\s*:", text, re.MULTILINE | re.IGNORECASE)


def has_mixed_case_subject(text: str, lines: list[str]) -> bool:
    """Subject key written 'Subject:' rather than upper case."""
    return bool(re.search(r"^\s*Subj(?:ect)?\s*:", text, re.MULTILINE))


def has_misspelled_subject(text: str, lines: list[str]) -> bool:
    """Subject key with a dropped letter, e.g. 'UBJECT:'."""
    return bool(re.search(r"^\s*UBJECT\s*:", text, re.MULTILINE))


def has_odd_id(text: str, lines: list[str]) -> bool:
    """Reference id not of the usual form '09OTTAWA265' (e.g. '08SECTION01GF02BISHIEK21')."""
    cable_id = header_line(lines, LINE_ID)
    usual = re.match(r"^\d{2}[A-Z]+\d+$", cable_id)
    return not usual or bool(re.search(r"\d{2}[OG]F\d{2}", cable_id))


def has_no_tags(text: str, lines: list[str]) -> bool:
    """Empty header Tags: line."""
    return not header_tags(lines)


def has_empty_title(text: str, lines: list[str]) -> bool:
    """Empty header title line."""
    return header_line(lines, LINE_TITLE) == ""


def uses_pilcrow(text: str, lines: list[str]) -> bool:
    """Paragraph numbers written with a pilcrow: '¶1.'."""
    return "¶" in text


def has_malformed_marking(text: str, lines: list[str]) -> bool:
    """Paragraph marking such as '1. C)', '(c)', '(SE)' or '(C )'."""
    if PAREN_MISSING_RE.search(text):
        return True
    return any(m.group(1) in ODD_MARKINGS for m in PAREN_MARKING_RE.finditer(text))


def has_unmarked_paragraphs(text: str, lines: list[str]) -> bool:
    """Numbered paragraphs, none carrying a (C)/(SBU)/... marking."""
    return bool(NUMBERED_RE.search(text)) and not MARKED_RE.search(text)


def has_no_numbered_paragraphs(text: str, lines: list[str]) -> bool:
    """No numbered paragraphs at all."""
    return not NUMBERED_RE.search(text)


def has_q_duplicates(text: str, lines: list[str]) -> bool:
    """A line repeated with a leading 'Q' right after the original."""
    for prev, line in itertools.pairwise(lines):
        if line.startswith("Q") and len(line.strip()) > 6:
            copy, orig = line[1:].strip(), prev.strip()
            if orig and (copy == orig or orig.endswith(copy) or copy.startswith(orig)):
                return True
    return False


def has_comma_apostrophe(text: str, lines: list[str]) -> bool:
    """Apostrophe transmitted as a comma: 'Canada,s', 'don,t'."""
    return bool(COMMA_APOSTROPHE_RE.search(text))


def has_redaction_runs(text: str, lines: list[str]) -> bool:
    """Redactions as runs of X: 'XXXXXXXXXXXX'."""
    return bool(re.search(r"X{6,}", text))


def has_glued_redaction(text: str, lines: list[str]) -> bool:
    """A redaction run glued to a word, e.g. 'XXXXXXXXXXXXsaid'."""
    return bool(re.search(r"[a-z]X{6,}|X{6,}[a-z]", text))


def has_line_separator(text: str, lines: list[str]) -> bool:
    """U+2028 LINE SEPARATOR inside a line."""
    return "\u2028" in text


def has_cyrillic(text: str, lines: list[str]) -> bool:
    """Some Cyrillic text."""
    return bool(re.search("[\u0400-\u04ff]", text))


def has_curly_quotes(text: str, lines: list[str]) -> bool:
    """Typographic quotes or apostrophes."""
    return bool(re.search("[\u2018\u2019\u201c\u201d]", text))


def has_tabs(text: str, lines: list[str]) -> bool:
    """Tab characters."""
    return "\t" in text


def has_person_tag(text: str, lines: list[str]) -> bool:
    """Person tag after OVIP, e.g. 'OVIP CLINTON, HILLARY' or 'OVIP (RICE ...)'."""
    tags = header_tags(lines)
    for i, tag in enumerate(tags[:-2]):
        if tag == "OVIP":
            first, second = tags[i + 1].strip("()"), tags[i + 2].strip("().,")
            if tags[i + 1].startswith("(") or (len(first) >= 4 and len(second) >= 5):
                return True
    return False


def has_run_together_tags(text: str, lines: list[str]) -> bool:
    """Several tags glued into one, e.g. 'KFRDKIRFCVISCMGT...'."""
    return any(len(t) >= 8 and t[:4] in FOUR_LETTER_TAGS and t[4:8] in FOUR_LETTER_TAGS for t in header_tags(lines))


def decl_values(text: str) -> list[str]:
    """The first token after every 'DECL:' in the text."""
    return [m.group(1) for m in DECL_RE.finditer(text)]


def has_odd_decl(text: str, lines: list[str]) -> bool:
    """DECL date not written as M/D/YYYY: '2019/04/02', '04/02/19', 'TWENTY YEARS', ..."""
    values = decl_values(text)
    return bool(values) and not DECL_NORMAL_RE.match(values[0]) and values[0] != "N/A"


def has_decl_na(text: str, lines: list[str]) -> bool:
    """Declassification given as N/A ('E.O. 12958: N/A' or 'DECL: N/A')."""
    return bool(re.search(r"E\.\s?O\.\s*\d+\s*:?\s*(?:DECL\s*:\s*)?N/A", text))


def has_no_decl(text: str, lines: list[str]) -> bool:
    """No E.O. / DECL line at all."""
    return not re.search(r"E\.\s?O\.\s*\d{5}|DECL\s*:", text)


def is_before_2004(text: str, lines: list[str]) -> bool:
    """Cable created before 2004."""
    return 0 < header_year(lines) < 2004


Detector = Callable[[str, list[str]], bool]

# (key, human description, detector), in the order they are served.
ODDITIES: list[tuple[str, str, Detector]] = [
    ("before-2004", "created before 2004", is_before_2004),
    ("cyrillic", "Cyrillic text", has_cyrillic),
    ("u2028", "U+2028 line separator inside a line", has_line_separator),
    ("subj", "`SUBJ:` instead of `SUBJECT:`", uses_subj),
    ("person-tag", "person tag (`OVIP CLINTON, HILLARY`)", has_person_tag),
    ("run-together-tags", "tags run together (`KFRDKIRFCVIS...`)", has_run_together_tags),
    ("malformed-marking", "malformed paragraph marking (`1. C)`, `(c)`, `(SE)`)", has_malformed_marking),
    ("no-tags", "no tags in the header", has_no_tags),
    ("empty-title", "empty header title", has_empty_title),
    ("partial-extract", "partial extract (no routing lines)", is_partial_extract),
    ("multi-section", "multi-section (`SECTION 01 OF 02`)", is_multi_section),
    ("page-marker", "page markers (`OTTAWA 00000265 002 OF 002`)", has_page_markers),
    ("inline-page-marker", "page marker in the middle of a text line", has_inline_page_marker),
    ("wrapped-subject", "subject wrapped over several lines", has_wrapped_subject),
    ("no-subject-line", "no raw `SUBJECT:`/`SUBJ:` line (any case)", has_no_subject_line),
    ("mixed-case-subject", "`Subject:` in mixed case", has_mixed_case_subject),
    ("misspelled-subject", "misspelled subject key (`UBJECT:`)", has_misspelled_subject),
    ("odd-id", "odd reference id (`08SECTION01GF02BISHIEK21`)", has_odd_id),
    ("multi-ref", "`REF:` with several items", has_multi_item_ref),
    ("ref-year-prefix", "reference with a year prefix (`REF: 08 STATE 123`)", has_ref_year_prefix),
    ("ref-on-subject", "`REF:` running on in the subject line", has_ref_on_subject),
    ("classified-by-on-subject", "`Classified By` running into the subject line", has_classified_by_on_subject),
    ("classified-by-on-ref", "`Classified By` running on in a `REF:` line", has_classified_by_on_ref),
    ("pilcrow", "`¶` paragraph numbers", uses_pilcrow),
    ("unmarked-paragraphs", "numbered paragraphs without markings", has_unmarked_paragraphs),
    ("no-numbered-paragraphs", "no numbered paragraphs", has_no_numbered_paragraphs),
    ("q-duplicate", "`Q`-prefixed duplicate lines", has_q_duplicates),
    ("comma-apostrophe", "comma for apostrophe (`Canada,s`)", has_comma_apostrophe),
    ("redaction", "redactions as runs of `X`", has_redaction_runs),
    ("glued-redaction", "redaction glued to a word", has_glued_redaction),
    ("curly-quotes", "curly quotes", has_curly_quotes),
    ("tabs", "tab characters", has_tabs),
    ("odd-decl", "`DECL:` date in an odd format", has_odd_decl),
    ("decl-na", "declassification `N/A`", has_decl_na),
    ("no-decl", "no `E.O.`/`DECL` line", has_no_decl),
]


# --------------------------------------------------------------------------
# Reading files
# --------------------------------------------------------------------------


def describe(path: Path) -> Info | None:
    """Read one cable file and describe it; None if it is not a cable."""
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    lines = text.split("\n")
    cable_id = header_line(lines, LINE_ID)
    if not cable_id or header_line(lines, 0) != "Identifier":
        return None
    found = frozenset(key for key, _, detect in ODDITIES if detect(text, lines))
    return Info(
        path=path,
        size=len(raw),
        cable_id=cable_id,
        year=header_year(lines),
        classification=header_line(lines, LINE_CLASSIFICATION),
        origin=header_line(lines, LINE_ORIGIN),
        oddities=found,
    )


def describe_folder(folder: Path) -> list[Info]:
    """Describe every readable ``*.txt`` cable in ``folder``, sorted by name."""
    infos = (describe(p) for p in sorted(folder.glob("*.txt")))
    return [info for info in infos if info is not None]


# --------------------------------------------------------------------------
# Selection
# --------------------------------------------------------------------------


class Selection:
    """Selected cables: those already in the output folder plus new picks."""

    def __init__(self, existing: list[Info], existing_names: set[str], existing_bytes: int, count: int, max_bytes: int) -> None:
        self.chosen: list[Info] = list(existing)
        self.names: set[str] = set(existing_names)
        self.new: list[Info] = []
        self.total_files = len(existing_names)
        self.total_bytes = existing_bytes
        self.count = count
        self.max_bytes = max_bytes

    def full(self) -> bool:
        """True when the target count is reached."""
        return self.total_files >= self.count

    def add(self, info: Info) -> bool:
        """Add ``info`` unless already present, full, or over the size cap."""
        if info.path.name in self.names or self.full():
            return False
        if self.total_bytes + info.size > self.max_bytes:
            return False
        self.chosen.append(info)
        self.new.append(info)
        self.names.add(info.path.name)
        self.total_files += 1
        self.total_bytes += info.size
        return True

    def tally(self, key: Callable[[Info], object]) -> Counter:
        """Count chosen cables by ``key``."""
        return Counter(key(info) for info in self.chosen)


def top_up(selection: Selection, pool: list[Info], want: int, match: Callable[[Info], bool], rng: random.Random) -> None:
    """Add random cables satisfying ``match`` until ``want`` are chosen."""
    have = sum(1 for info in selection.chosen if match(info))
    candidates = [info for info in pool if match(info) and info.path.name not in selection.names]
    rng.shuffle(candidates)
    for info in candidates:
        if have >= want or selection.full():
            return
        if selection.add(info):
            have += 1


def _has_oddity(key: str) -> Callable[[Info], bool]:
    """A predicate: the cable shows oddity ``key``."""
    return lambda info: key in info.oddities


def _where(field_name: str, value: object) -> Callable[[Info], bool]:
    """A predicate: the cable's ``field_name`` equals ``value``."""
    return lambda info: getattr(info, field_name) == value


def cover_oddities(selection: Selection, pool: list[Info], rng: random.Random) -> None:
    """Step 2: up to PER_ODDITY cables for each oddity."""
    for key, _, _ in ODDITIES:
        top_up(selection, pool, PER_ODDITY, _has_oddity(key), rng)


def cover_values(selection: Selection, pool: list[Info], rng: random.Random) -> None:
    """Step 3: every classification, year and origin at least a little."""
    for classification in sorted({i.classification for i in pool}):
        top_up(selection, pool, PER_CLASSIFICATION, _where("classification", classification), rng)
    for year in sorted({i.year for i in pool}):
        top_up(selection, pool, PER_YEAR, _where("year", year), rng)
    origins = Counter(i.origin for i in pool)
    for origin in sorted(o for o, n in origins.items() if n >= MIN_ORIGIN_SIZE):
        top_up(selection, pool, 1, _where("origin", origin), rng)


def fill_stratified(selection: Selection, pool: list[Info], rng: random.Random) -> None:
    """Step 4: fill by (classification, origin, year) with the largest deficit.

    Each stratum's target is its corpus share of the target count; the next
    pick always comes from the stratum furthest below its target, so the
    final mix tracks the corpus even after the hand-picked cables.
    """
    scale = selection.count / max(len(pool), 1)
    corpus = Counter(i.stratum for i in pool)
    chosen = selection.tally(lambda i: i.stratum)
    remaining: dict[tuple, list[Info]] = {}
    for info in pool:
        if info.path.name not in selection.names:
            remaining.setdefault(info.stratum, []).append(info)
    for items in remaining.values():
        rng.shuffle(items)
    order = sorted(remaining)
    rng.shuffle(order)  # random tie-break between equal deficits
    while not selection.full() and any(remaining.values()):
        stratum = max((s for s in order if remaining[s]), key=lambda s: corpus[s] * scale - chosen[s])
        info = remaining[stratum].pop()
        if selection.add(info):
            chosen[stratum] += 1


def select(pool: list[Info], seed_cable: Info | None, selection: Selection) -> None:
    """Run all selection steps in order with a fixed random seed."""
    rng = random.Random(RANDOM_SEED)
    if seed_cable is not None:
        selection.add(seed_cable)
    cover_oddities(selection, pool, rng)
    cover_values(selection, pool, rng)
    fill_stratified(selection, pool, rng)


def copy_new(selection: Selection, out: Path) -> int:
    """Copy newly selected files byte-for-byte; never overwrite. Returns count."""
    out.mkdir(parents=True, exist_ok=True)
    copied = 0
    for info in selection.new:
        target = out / info.path.name
        try:
            with open(target, "xb") as handle:  # "x": fail if the file exists
                handle.write(info.path.read_bytes())
        except FileExistsError:
            continue
        copied += 1
    return copied


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------


def table(title: str, label: str, rows: Iterable[object], seeds: Counter, corpus: Counter | None) -> str:
    """Render a markdown table of seed counts (and corpus counts if known)."""
    head = f"| {label} | Seeds |" + (" Corpus |" if corpus is not None else "")
    rule = "|---|---:|" + ("---:|" if corpus is not None else "")
    lines = [f"### {title}", "", head, rule]
    for row in rows:
        name, key = row if isinstance(row, tuple) else (row, row)
        cells = f"| {name} | {seeds[key]:,} |"
        if corpus is not None:
            cells += f" {corpus[key]:,} |"
        lines.append(cells)
    return "\n".join(lines)


def report(infos: list[Info], corpus: list[Info] | None = None, top: int = 25) -> str:
    """Markdown summary of the seeds: classification, origins, years, oddities.

    With ``corpus`` given, each table gets a second column with the counts
    in the whole corpus for comparison.
    """

    def count(items: list[Info], key: Callable[[Info], Iterable]) -> Counter:
        return Counter(k for info in items for k in key(info))

    def in_corpus(key: Callable[[Info], Iterable]) -> Counter | None:
        return None if corpus is None else count(corpus, key)

    size = sum(i.size for i in infos)
    classes = count(infos, lambda i: [i.classification])
    origins = count(infos, lambda i: [i.origin])
    years = count(infos, lambda i: [i.year])
    odd = count(infos, lambda i: i.oddities)
    summary = f"{len(infos):,} cables, {size / 1e6:.1f} MB, {len(origins)} origins, years {min(years, default=0)}-{max(years, default=0)}."
    if corpus is not None:
        summary += f" Corpus: {len(corpus):,} cables."
    parts = [
        summary,
        table(
            "By classification", "Classification", [k for k, _ in classes.most_common()], classes, in_corpus(lambda i: [i.classification])
        ),
        table(f"Top {top} origins", "Origin", [k for k, _ in origins.most_common(top)], origins, in_corpus(lambda i: [i.origin])),
        table("By year", "Year", sorted(years), years, in_corpus(lambda i: [i.year])),
        table(
            "Oddities (a cable may show several)",
            "Oddity",
            [(desc, key) for key, desc, _ in ODDITIES],
            odd,
            in_corpus(lambda i: i.oddities),
        ),
    ]
    return "\n\n".join(parts) + "\n"


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="folder of <ID>.txt cables to sample from")
    parser.add_argument("--seed-cable", type=Path, default=DEFAULT_SEED_CABLE, help="cable always included (skipped if missing)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (files there are never touched)")
    parser.add_argument("--count", type=int, default=DEFAULT_COUNT, help="target number of .txt files in the output folder")
    parser.add_argument(
        "--max-mb", type=float, default=MAX_BYTES / 1024 / 1024, help="never let the output folder's cables exceed this size"
    )
    parser.add_argument(
        "--report",
        action="store_true",
        help="only print markdown tables describing the output folder (with corpus counts when --corpus exists)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Select and copy cables, or print the report."""
    args = parse_args(argv)
    if args.report:
        corpus = describe_folder(args.corpus) if args.corpus.is_dir() else None
        sys.stdout.write(report(describe_folder(args.out), corpus))
        return 0
    if not args.corpus.is_dir():
        print(f"corpus folder not found: {args.corpus}", file=sys.stderr)
        return 1
    pool = describe_folder(args.corpus)
    existing_paths = sorted(args.out.glob("*.txt")) if args.out.is_dir() else []
    existing = [i for i in (describe(p) for p in existing_paths) if i is not None]
    selection = Selection(
        existing,
        {p.name for p in existing_paths},
        sum(p.stat().st_size for p in existing_paths),
        args.count,
        int(args.max_mb * 1024 * 1024),
    )
    seed_cable = describe(args.seed_cable) if args.seed_cable.is_file() else None
    select(pool, seed_cable, selection)
    copied = copy_new(selection, args.out)
    print(
        f"corpus: {len(pool)} cables; already in {args.out}: {len(existing_paths)}; "
        f"added: {copied}; now: {selection.total_files} files, "
        f"{selection.total_bytes / 1e6:.1f} MB",
        file=sys.stderr,
    )
    sys.stdout.write(report(describe_folder(args.out), pool))
    return 0


if __name__ == "__main__":
    sys.exit(main())
