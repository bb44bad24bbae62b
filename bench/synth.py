"""Synthetic cable corpus generator for benchmarks at full Cablegate scale.

Usage::

    python bench/synth.py OUT_DIR [--count 251287] [--seed 1]
                          [--model-from FOLDER] [--jobs N]

Writes ``OUT_DIR/<ID>.txt`` files in the published cable layout (see
the shared corpus README, $CABLES_CORPUS/README.md).  A model is trained (in seconds) from a folder
of real cables: per-cable "templates" (origin, year/month, classification,
number of tags, paragraph markings, REF count, layout style), tag
frequencies, paragraph lengths, and word-level Markov chains for paragraph
text (order 2) and subjects (order 1).  Rare novel words (syllable-built names
and numbered identifiers) are sprinkled in at a rate that follows a Heaps'-law
fit of the source vocabulary, so vocabulary keeps growing with corpus size.

Output is deterministic for a seed: the cable plan (ids, dates, references) is
made sequentially in the parent process and each cable is rendered from its
own random generator seeded by (seed, index), so ``--jobs`` does not matter.
"""

from __future__ import annotations

import argparse
import bisect
import calendar
import itertools
import multiprocessing
import os
import random
import re
import sys
import time
from array import array
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
from corpus_location import shared_corpus  # bench/ is on sys.path when run as a script or from bench/conftest.py

NBSP = "\u00a0"
HEADER_KEYS = "Identifier\nCreated\nClassification\nOrigin\n"
PDF_LINE = "pdf" + NBSP + "how-to read a cable"
FOOTER = "Share this cable\n\n" + NBSP + "facebook" + NBSP + "-" + NBSP + NBSP + "bluesky" + NBSP + "-"
# Note: the published files have bare U+00A0 separators (no ASCII space after
# them), e.g. "Tags:\xa0\xa0PREL\xa0PGOV\xa0"; `cat -A` shows U+00A0 as "M-BM- ".
PARTIAL = "This record is a partial extract of the original cable. The full text of the original cable is not available."
MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
MAX_NOVEL_RATE = 0.03  # at most 3% of words replaced by novel words (tiny sources)
REPO = Path(__file__).resolve().parent.parent
FALLBACK_SOURCE = shared_corpus() / "cables"

PARA_RE = re.compile(r"^\s*¶?(\d{1,2})\.\s*(.*)$")
MARK_RE = re.compile(r"^(\([A-Z]{1,4}(?://?[A-Z]{1,4})?\)|[A-Z]{1,4}\))\s*")
NOISE_LINE_RE = re.compile(
    r"^\s*(?:SIPDIS|SENSITIVE|NOFORN|E\.O\.|TAGS:|SUBJECT:|SUBJ:|REF:|Classified By|CLASSIFIED BY"
    r"|C O N F|S E C R E T|UNCLAS|[A-Z .]+ \d{8} \d{3} OF \d{3})"
)
SUBJECT_RE = re.compile(r"^\s*SUBJ(?:ECT)?:\s*(.*)$")
REF_ITEM_RE = re.compile(r"(?:^|\s)¶?\(?[A-H]\)?[.)]\s")
CITY_RE = re.compile(r"^\d\d([A-Z]+)\d+$")
BANNER_RE = re.compile(r"^(?:C O N F I D E N T I A L|S E C R E T|UNCLAS(?:SIFIED)?)\s+(?:SECTION \d+ OF \d+\s+)?(.+?)\s+0*\d+\s*$")
SIGNATURE_RE = re.compile(r"^[A-Z][A-Z'\-]{1,20}(?: [A-Z][A-Z'\-]{1,20})?$")
# Tokens that could be mistaken for cable structure when they start a line.
BAD_TOKEN_RE = re.compile(
    r"^(?:¶.*|\d{1,3}\.|\d{1,3}\.[A-Za-z(].*|\d{8}|\(\w{1,4}(?://?\w{1,4})?\)|\w{1,4}\)|SIPDIS|SUBJECT:?|SUBJ:?|TAGS:?|REF\w*:?|By:"
    r"|E\.O\.|DECL:|.*\x00.*)$"
)
FIELD_START_RE = re.compile(r"^(?:E\.?\s?O\b|TAGS|SUBJ|REF|CLASSIFIED\s+BY|SIPDIS|NOFORN|SENSITIVE|STATE\s+FOR|PASS\s+TO)\b", re.IGNORECASE)
NORM_RE = re.compile(r"[a-z0-9]+")
SYLLABLE_RE = re.compile(r"[^aeiouy]*[aeiouy]+")


@dataclass
class Template:
    """Metadata skeleton of one source cable, resampled for synthetic cables."""

    origin: str
    city: str  # id token, e.g. OTTAWA
    year: int
    month: int
    classification: str
    n_tags: int
    markings: list  # marking per numbered paragraph, as written ("(C)") or None
    pilcrow: bool  # paragraphs written "¶1." rather than "1."
    routing: list | None  # routing lines FM.. (None: partial extract, no routing)
    wrapped: bool  # text wrapped at ~65 columns rather than one line per paragraph
    n_refs: int
    empty_title: bool
    summary: bool  # first paragraph is a SUMMARY
    signature: str | None


@dataclass
class Model:
    """Everything needed to render synthetic cables; trained from real ones."""

    templates: list
    tags: list
    tag_cum: list
    chain: Chain  # order-2 chain over paragraph words
    para_lengths: list
    subj_words: list
    subj_succ: dict  # word id -> list of next word ids (order-1 chain)
    subj_starts: list
    subj_lengths: list
    classifiers: list  # "Ambassador John Smith" etc.
    signatures: list
    syllables: list
    banner_city: dict  # origin -> city as written in banners/refs ("SAN JOSE")
    heaps_k: float
    heaps_beta: float
    source_tokens: int
    tokens_per_cable: float
    stats: dict = field(default_factory=dict)


# ---------------------------------------------------------------- training


def split_file(text: str) -> tuple[list, list]:
    """Split a cable file into header lines (up to the pdf line) and raw lines."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.startswith("pdf" + NBSP):
            raw = lines[i + 1 :]
            for j in range(len(raw) - 1, -1, -1):
                if raw[j] == "Share this cable":
                    raw = raw[:j]
                    break
            return lines[:i], raw
    raise ValueError("no pdf line")


def header_fields(head: list) -> dict:
    """Read id, created, classification, origin, title and tags from the header."""
    tags_line = next(line for line in head if line.startswith("Tags:"))
    tags = [t.strip() for t in tags_line[len("Tags:") :].split(NBSP) if t.strip()]
    return {
        "id": head[4].strip(),
        "created": head[5].strip(),
        "classification": head[6].strip(),
        "origin": head[7].strip(),
        "title": head[10].strip() if len(head) > 10 else "",
        "tags": tags,
    }


def extract_paragraphs(raw: list) -> tuple[list, list, bool]:
    """Return (paragraph texts, markings, pilcrow) of a raw cable body.

    Paragraphs start at lines "N." / "¶N." numbered 1, 2, 3 ... after the
    SUBJECT line; other numbered lines (sub-lists) stay inside the paragraph.
    Header-like noise lines are dropped.  Approximate by design.
    """
    start = next((i for i, line in enumerate(raw) if SUBJECT_RE.match(line)), 0)
    paras: list[list[str]] = []
    marks: list[str | None] = []
    cur: list[str] | None = None
    pilcrow = False
    prev = ""
    for line in raw[start + 1 :]:
        if line.startswith("Q") and line[1:].strip() and line[1:].strip() == prev.strip():
            continue  # transmission artefact: repeated line with a leading Q
        prev = line
        m = PARA_RE.match(line)
        if m and int(m.group(1)) == len(paras) + 1:
            pilcrow = pilcrow or "¶" in line.split(".")[0]
            rest = m.group(2)
            mm = MARK_RE.match(rest)
            marks.append(mm.group(1) if mm else None)
            cur = [rest[mm.end() :] if mm else rest]
            paras.append(cur)
        elif cur is not None and not NOISE_LINE_RE.match(line):
            cur.append(line)
    return [" ".join(p) for p in paras], marks, pilcrow


def extract_subject(raw: list) -> str:
    """Full subject: the SUBJECT: line plus wrapped continuation lines.

    A continuation is taken only when the SUBJECT line looks wrapped (long)
    and the next line is short upper-case text, not another field.
    """
    for i, line in enumerate(raw):
        m = SUBJECT_RE.match(line)
        if m:
            parts = [m.group(1)]
            for nxt in raw[i + 1 : i + 3]:
                s = nxt.strip()
                if (
                    len(parts[-1]) < 40
                    or not s
                    or len(s) > 70
                    or s != s.upper()
                    or re.match(r"(REF|Classified|CLASSIFIED|SUMMARY|¶|\d|\()", s)
                ):
                    break
                parts.append(s)
            text = " ".join(" ".join(parts).split())
            return re.split(
                r"\bREF(?:TEL)?S?:|Classified By|CLASSIFIED BY|\d{8} \d{3} OF|¶|\b\d{1,2}\.\s?\("
                r"|-{3,}|\bSUMMARY\b|SENSITIVE BUT|\bUNCLASSIFIED\b",
                text,
            )[0].strip()
    return ""


def extract_ref_count(raw: list) -> int:
    """Number of REF items (A., B., ...) in the first REF block; 0 if none."""
    for i, line in enumerate(raw):
        if line.startswith(("REF:", "REFS:")):
            block = [line]
            for nxt in raw[i + 1 : i + 8]:
                if nxt.lstrip().startswith(("Classified", "CLASSIFIED", "1.", "¶1")):
                    break
                block.append(nxt)
            text = " " + " ".join(block).split("Classified")[0]
            return min(max(1, len(REF_ITEM_RE.findall(text))), 8)
    return 0


def extract_routing(raw: list) -> list | None:
    """Routing lines from FM to the banner (None for a partial extract)."""
    if not raw or not raw[0].startswith("VZCZC"):
        return None
    out: list[str] = []
    for line in raw[1:40]:
        if BANNER_RE.match(line) or not line.strip():
            break
        if line.startswith(("FM ", "TO ", "INFO ")) or (out and "/" in line):
            out.append(line.rstrip())
    return out or None


def extract_classifier(raw: list) -> str | None:
    """Who classified the cable ("Ambassador Jane Doe"), without the reasons."""
    for line in raw:
        if line.startswith(("Classified By:", "CLASSIFIED BY:")):
            who = re.split(r",|;| for | FOR |\. [Rr]eason|\s+[Rr]easons?|\s+REASONS?|\(", line.split(":", 1)[1])[0].strip(" .")
            return who if 3 <= len(who) <= 60 else None
    return None


def signature_of(raw: list) -> str | None:
    """The last non-empty line if it looks like a signature ("BREESE")."""
    for line in reversed(raw):
        if line.strip():
            s = line.strip()
            ok = SIGNATURE_RE.match(s) and not set(s.split()) & {"END", "SUMMARY", "SIPDIS", "NOFORN", "COMMENT"}
            return s if ok else None
    return None


def clean_tokens(text: str) -> list:
    """Whitespace tokens of paragraph text, minus structure-like tokens."""
    return [t for t in text.split() if not BAD_TOKEN_RE.match(t)]


def fit_heaps(stream: np.ndarray) -> tuple[float, float]:
    """Fit V = K * n^beta to the vocabulary growth of a stream of token ids."""
    if len(stream) < 2000:
        return 10.0, 0.6
    _, first = np.unique(stream, return_index=True)
    first.sort()
    ns = np.unique(np.geomspace(1000, len(stream), 25).astype(np.int64))
    vs = np.searchsorted(first, ns, side="left")  # types whose first use is before n
    beta, _ = np.polyfit(np.log(ns), np.log(np.maximum(vs, 1)), 1)
    # Fits on small samples overestimate beta; natural text lies in 0.4-0.65.
    beta = float(min(max(beta, 0.4), 0.65))
    k = float(vs[-1] / ns[-1] ** beta)  # the curve passes through the final point
    return k, beta


def syllables_from(vocab: Counter) -> list:
    """Frequent syllables of alphabetic source words, for composing novel names."""
    counts: Counter = Counter()
    for word, c in vocab.items():
        if word.isalpha() and len(word) >= 5:
            for syl in SYLLABLE_RE.findall(word):
                if 2 <= len(syl) <= 4:
                    counts[syl] += c
    return [s for s, _ in counts.most_common(2000)] or ["ka", "lo", "ven", "mar", "ti"]


def model_source(path: str | None) -> Path:
    """The folder to train from: as given, else repo seeds/ if it has cables, else the shared corpus."""
    if path and path != "seeds":
        return Path(path)
    seeds = REPO / "seeds"
    if any(seeds.glob("*.txt")):
        return seeds
    return FALLBACK_SOURCE


class _Vocab:
    """Word <-> id table that drops structure-like tokens (id -1)."""

    def __init__(self) -> None:
        self.ids: dict = {}
        self.words: list = []

    def encode(self, text: str) -> list:
        """Ids of the kept whitespace tokens of text."""
        ids, out = self.ids, []
        for tok in text.split():
            i = ids.get(tok)
            if i is None:
                i = -1 if BAD_TOKEN_RE.match(tok) else len(self.words)
                if i >= 0:
                    self.words.append(tok)
                ids[tok] = i
            if i >= 0:
                out.append(i)
        return out


@dataclass
class Chain:
    """Order-2 word chain stored as the training text itself, walked by position.

    ``flat`` is every training word in order; at position p the state is the
    bigram (flat[p], flat[p+1]).  ``members[off[p]:off[p]+cnt[p]]`` are the
    positions where that bigram occurs with a following word in the same
    paragraph.  Choosing one of them uniformly and emitting the word after it
    is exactly sampling an order-2 Markov chain.  ``run_end[p]`` is the first
    position >= p whose bigram is not unique, so unique stretches are copied
    as one slice: this makes generation several times faster.
    """

    flat: list
    off: array
    cnt: array
    members: array
    run_end: array
    starts: array


def build_chain(paragraphs: list, words: list) -> Chain:
    """Build the position-walk order-2 chain with numpy (seconds for 5M words)."""
    lengths = np.array([len(p) for p in paragraphs], dtype=np.int64)
    ids = np.array(list(itertools.chain.from_iterable(paragraphs)), dtype=np.int64)
    n = len(ids)
    ends = np.cumsum(lengths)
    starts = ends - lengths
    para_end = np.repeat(ends, lengths)  # one past the last index of each position's paragraph
    pos = np.arange(n, dtype=np.int64)
    has_next = pos + 1 < para_end
    valid = pos + 2 < para_end  # a trigram starts here
    keys = np.full(n, -1, dtype=np.int64)
    vsize = len(words)
    keys[has_next] = ids[pos[has_next]] * vsize + ids[pos[has_next] + 1]
    vpos = pos[valid]
    order = np.argsort(keys[vpos], kind="stable")
    members = vpos[order]
    uniq, first, counts = np.unique(keys[members], return_index=True, return_counts=True)
    where = np.searchsorted(uniq, keys)
    where = np.minimum(where, len(uniq) - 1)
    found = has_next & (uniq[where] == keys)
    off = np.where(found, first[where], 0)
    cnt = np.where(found, counts[where], 0)
    mark = ~(valid & (cnt == 1))
    idx = np.where(mark, pos, n)
    run_end = np.minimum.accumulate(idx[::-1])[::-1]
    return Chain(
        flat=[words[i] for i in ids.tolist()],
        off=array("q", off.tolist()),
        cnt=array("q", cnt.tolist()),
        members=array("q", members.tolist()),
        run_end=array("q", run_end.tolist()),
        starts=array("q", starts.tolist()),
    )


def train(folder: Path, limit: int | None = None) -> Model:
    """Train the generator model from the *.txt cable files in folder (the first `limit`)."""
    files = sorted(Path(folder).glob("*.txt"))[:limit]
    if not files:
        raise SystemExit(f"no cable files in {folder}")
    templates: list[Template] = []
    tag_counts: Counter[str] = Counter()
    vocab = _Vocab()
    paragraphs = []
    subj_ids: dict[str, int] = {}
    subj_succ: dict[int, list[int]] = {}
    subj_starts: list[int] = []
    subj_lengths: list[int] = []
    classifiers: list[str] = []
    signatures: list[str] = []
    banner_cities: dict[str, Counter[str]] = {}
    for path in files:
        try:
            head, raw = split_file(path.read_text(encoding="utf-8", errors="replace"))
            h = header_fields(head)
            created = datetime.strptime(h["created"], "%Y-%m-%d %H:%M:%S")
        except (ValueError, StopIteration, IndexError):
            continue
        m = CITY_RE.match(h["id"])
        if not m:
            continue
        paras, marks, pilcrow = extract_paragraphs(raw)
        tag_counts.update(t for t in h["tags"] if t)
        for line in raw[:60]:
            bm = BANNER_RE.match(line)
            if bm:
                banner_cities.setdefault(h["origin"], Counter())[bm.group(1).strip()] += 1
                break
        body_lines = [len(x) for x in raw if x.strip()]
        templates.append(
            Template(
                origin=h["origin"],
                city=m.group(1),
                year=created.year,
                month=created.month,
                classification=h["classification"],
                n_tags=len(h["tags"]),
                markings=marks,
                pilcrow=pilcrow,
                routing=extract_routing(raw),
                wrapped=sorted(body_lines)[len(body_lines) // 2] < 90 if body_lines else True,
                n_refs=extract_ref_count(raw),
                empty_title=not h["title"],
                summary=bool(paras) and paras[0].lstrip().upper().startswith("SUMMARY"),
                signature=signature_of(raw),
            )
        )
        who = extract_classifier(raw)
        if who:
            classifiers.append(who)
        if templates[-1].signature:
            signatures.append(templates[-1].signature)
        for p in paras:
            toks = vocab.encode(p)
            if len(toks) >= 3:
                paragraphs.append(toks)
        stoks = [
            t for t in extract_subject(raw).upper().split() if not BAD_TOKEN_RE.match(t) and not t.endswith("-")
        ]  # "UNIT-" + wrap would join
        if stoks:
            ids = [subj_ids.setdefault(t, len(subj_ids)) for t in stoks]
            subj_lengths.append(len(ids))
            subj_starts.append(ids[0])
            for a, b in itertools.pairwise(ids):
                subj_succ.setdefault(a, []).append(b)
    if not paragraphs:
        raise SystemExit(f"no paragraph text found in {folder}")
    subj_words = [""] * len(subj_ids)
    for t, i in subj_ids.items():
        subj_words[i] = t
    words = vocab.words
    chain = build_chain(paragraphs, words)
    # Normalised (index-like) form of each word: its first lower-case alphanumeric run.
    norm_ids: dict = {}
    norm_of = np.array(
        [norm_ids.setdefault(f[0], len(norm_ids)) if (f := NORM_RE.findall(w.lower())) else -1 for w in words], dtype=np.int64
    )
    flat = np.array(list(itertools.chain.from_iterable(paragraphs)), dtype=np.int64)
    stream = norm_of[flat]
    stream = stream[stream >= 0]
    k, beta = fit_heaps(stream)
    counts = np.bincount(flat, minlength=len(words))
    tags = [t for t, _ in tag_counts.most_common()]
    tag_cum = list(np.cumsum([tag_counts[t] for t in tags]).tolist()) if tags else []
    return Model(
        templates=templates,
        tags=tags,
        tag_cum=tag_cum,
        chain=chain,
        para_lengths=[len(p) for p in paragraphs],
        subj_words=subj_words,
        subj_succ=subj_succ,
        subj_starts=subj_starts,
        subj_lengths=subj_lengths,
        classifiers=classifiers or ["Ambassador"],
        signatures=signatures or ["SMITH"],
        syllables=syllables_from(Counter(dict(zip(words, counts.tolist(), strict=True)))),
        banner_city={o: c.most_common(1)[0][0] for o, c in banner_cities.items()},
        heaps_k=k,
        heaps_beta=beta,
        source_tokens=len(stream),
        tokens_per_cable=len(stream) / len(templates),
        stats={"files": len(files), "templates": len(templates), "vocab": len(norm_ids)},
    )


# ---------------------------------------------------------------- planning


@dataclass
class Planned:
    """One synthetic cable's identity, fixed before rendering."""

    template: int
    cable_id: str
    number: int
    created: datetime
    refs: list  # indices of referenced (earlier) synthetic cables


def citable(model: Model, t: Template) -> bool:
    """Whether REF text "CITY N" names t's ids unambiguously.

    True when the city as written in banners is the id's city with spaces
    ("SAN JOSE" for 09SANJOSE...); not for e.g. banner KYIV with ids 09KIEV...
    """
    city = model.banner_city.get(t.origin)
    return city is not None and city.replace(" ", "") == t.city and all(len(w) > 1 for w in city.split())  # not "E F T O LONDON"


def plan(model: Model, count: int, seed: int) -> list:
    """Choose template, id, creation time and references for every cable.

    Sequential so that ids (unique per origin city and year) and the reference
    graph are the same whatever the number of worker processes.  References
    point at distinct, earlier-created synthetic cables, mostly of the same
    origin and recent, like real REF blocks.
    """
    rng = random.Random(f"plan-{seed}")
    counters: dict = {}
    out = []
    for _ in range(count):
        ti = rng.randrange(len(model.templates))
        t = model.templates[ti]
        key = (t.city, t.year)
        n = counters.get(key, rng.randint(1, 60)) + rng.randint(1, 12)
        counters[key] = n
        day = rng.randint(1, calendar.monthrange(t.year, t.month)[1])
        created = datetime(t.year, t.month, day, rng.randrange(24), rng.randrange(60))
        out.append(Planned(ti, f"{t.year % 100:02d}{t.city}{n}", n, created, []))
    chronological = sorted(range(count), key=lambda j: (out[j].created, j))
    by_origin: dict = {}
    for rank, i in enumerate(chronological):
        p = out[i]
        origin = model.templates[p.template].origin
        peers = by_origin.setdefault(origin, [])
        wanted = model.templates[p.template].n_refs if rank else 0
        for _ in range(wanted * 3):
            if len(p.refs) >= wanted:
                break
            if peers and rng.random() < 0.7:
                j = peers[max(0, len(peers) - 1 - int(rng.expovariate(1 / 30)))]
            else:
                j = chronological[rng.randrange(rank)]
            if j not in p.refs and citable(model, model.templates[out[j].template]):
                p.refs.append(j)
        peers.append(i)
    return out


# ---------------------------------------------------------------- rendering


def markov_words(model: Model, rng: random.Random, n: int) -> list:
    """n words from the order-2 paragraph chain (restart at a dead end)."""
    ch, rand = model.chain, rng.random
    flat, off, cnt, members, run_end, starts = ch.flat, ch.off, ch.cnt, ch.members, ch.run_end, ch.starts
    p = starts[int(rand() * len(starts))]
    out = flat[p : p + 2]
    while len(out) < n:
        e = min(run_end[p], p + n - len(out))
        if e > p:  # unique continuation: copy the stretch
            out.extend(flat[p + 2 : e + 2])
            p = e
            continue
        c = cnt[p]
        if c == 0:  # dead end: start a new paragraph opening
            p = starts[int(rand() * len(starts))]
            out.extend(flat[p : p + 2])
            continue
        q = members[off[p] + int(rand() * c)]
        out.append(flat[q + 2])
        p = q + 1
    del out[n:]
    return out


def subject_words(model: Model, rng: random.Random) -> list:
    """An upper-case subject from the order-1 subject chain."""
    n = rng.choice(model.subj_lengths)
    w = rng.choice(model.subj_starts)
    out = [w]
    while len(out) < n:
        lst = model.subj_succ.get(w)
        w = rng.choice(lst) if lst else rng.choice(model.subj_starts)
        out.append(w)
    return [model.subj_words[i] for i in out]


def novel_word(model: Model, rng: random.Random) -> str:
    """A word unlikely to exist yet: a syllable-built name or a numbered identifier."""
    if rng.random() < 0.8:
        syl = model.syllables
        return "".join(syl[int(rng.random() * len(syl))] for _ in range(rng.randint(2, 4))).capitalize()
    return f"{rng.choice(model.syllables).upper()}-{rng.randint(100, 999999)}"


def sprinkle(model: Model, rng: random.Random, words: list, rate: float, pool: list) -> None:
    """Replace about rate*len(words) words with novel words, reusing some per cable."""
    expected = rate * len(words)
    k = int(expected) + (rng.random() < expected - int(expected))
    for _ in range(k):
        if pool and rng.random() < 0.4:
            w = rng.choice(pool)
        else:
            w = novel_word(model, rng)
            pool.append(w)
        words[rng.randrange(len(words))] = w


def wrap(words: list, width: int, first: str = "") -> list:
    """Greedy line wrapping of words (the first line starts with `first`)."""
    lines, cur, length = [], [first] if first else [], len(first)
    for w in words:
        # A line must not start with "2005." (it would read as paragraph 2005).
        if cur and length + 1 + len(w) > width and not (w[-1:] == "." and w[:-1].isdigit()):
            lines.append(" ".join(cur))
            cur, length = [w], len(w)
        else:
            length += len(w) + (1 if cur else 0)
            cur.append(w)
    if cur:
        lines.append(" ".join(cur))
    return lines


def banner(classification: str) -> str:
    """The spaced-out banner word for a classification."""
    level = classification.split("//")[0]
    return {"SECRET": "S E C R E T", "CONFIDENTIAL": "C O N F I D E N T I A L", "TOP SECRET": "T O P S E C R E T"}.get(level, "UNCLAS")


def routing_lines(t: Template, p: Planned, rng: random.Random, classified: bool) -> list:
    """Transmission routing lines before the banner."""
    c = p.created
    station = "".join(rng.choice("ABCDEFGHIJKLMNOPRSTUVWXYZ") for _ in range(2))
    prec = rng.choice("PRO")
    return [
        f"VZCZCXRO{rng.randint(1000, 9999)}",
        f"{prec}{prec} RUEH{station}",
        f"DE RUEH{station} #{p.number % 10000:04d}/01 {c.timetuple().tm_yday:03d}{c:%H%M}",
        "ZNY CCCCC ZZH" if classified else "ZNR UUUUU ZZH",
        f"{prec} {c:%d%H%M}Z {MONTHS[c.month - 1]} {c:%y}",
    ] + (t.routing or [])


def reference_text(model: Model, plans: list, p: Planned, refs: list) -> str:
    """The REF line: "REF: A. OTTAWA 134 B. 08 STATE 12345"."""
    items = []
    for j in refs:
        q = plans[j]
        tq = model.templates[q.template]
        city = model.banner_city[tq.origin]
        year = "" if q.created.year == p.created.year else f"{q.created:%y} "
        items.append(f"{year}{city} {q.number}")
    if len(items) == 1:
        return "REF: " + items[0]
    return "REF: " + " ".join(f"{chr(65 + k)}. {it}" for k, it in enumerate(items))


def tags_for(model: Model, t: Template, rng: random.Random) -> list:
    """t.n_tags distinct tags drawn by source tag frequency."""
    chosen: list = []
    total = model.tag_cum[-1] if model.tag_cum else 0
    for _ in range(t.n_tags * 4):
        if len(chosen) >= min(t.n_tags, len(model.tags)):
            break
        tag = model.tags[bisect.bisect_right(model.tag_cum, rng.random() * total)]
        if tag not in chosen:
            chosen.append(tag)
    return chosen


def render(model: Model, plans: list, i: int, seed: int) -> str:
    """The full file text of synthetic cable i."""
    return render_cable(model, plans, i, seed)[0]


def render_cable(model: Model, plans: list, i: int, seed: int) -> tuple[str, dict]:
    """The file text of synthetic cable i and the facts it was built from.

    The facts (id, classification, tags, subject, numbered paragraph count,
    referenced ids, signature) let tests compare a reader's output with what
    was generated.
    """
    p = plans[i]
    t = model.templates[p.template]
    rng = random.Random(f"{seed}-{i}")
    classified = not t.classification.startswith("UNCLASSIFIED")
    tags = tags_for(model, t, rng)
    width = rng.randint(60, 68) if t.wrapped else 10**6
    for _ in range(5):  # a wrapped subject line must not look like a header field
        subject = subject_words(model, rng)
        subj_lines = wrap(subject, width, "SUBJECT:")
        if not any(FIELD_START_RE.match(line) for line in subj_lines[1:]):
            break
    title = "" if t.empty_title else subj_lines[0][len("SUBJECT:") :].strip()
    n_paras = len(t.markings)
    lengths = [model.para_lengths[int(rng.random() * len(model.para_lengths))] for _ in range(n_paras)]
    heaps_n = model.source_tokens + i * model.tokens_per_cable
    # dV/dn of the Heaps curve = share of new types at this point of the corpus;
    # /0.6 because sprinkle() reuses a cable-local novel word 40% of the time.
    rate = min(MAX_NOVEL_RATE, model.heaps_k * model.heaps_beta * heaps_n ** (model.heaps_beta - 1) / 0.6)

    out = [
        HEADER_KEYS + p.cable_id,
        f"{p.created:%Y-%m-%d %H:%M}:00",
        t.classification,
        t.origin,
        "Cable title:" + NBSP + NBSP,
        "",
        title,
        "",
        "Tags:" + NBSP + NBSP + "".join(tag + NBSP for tag in tags),
        PDF_LINE,
    ]
    if t.routing is None:
        out.append(PARTIAL)
    else:
        out.extend(routing_lines(t, p, rng, classified))
    city = model.banner_city.get(t.origin, t.city)
    sections = max(1, min(9, sum(lengths) // 900 + 1))
    section = f"SECTION 01 OF {sections:02d} " if sections > 1 else ""
    out += [f"{banner(t.classification)} {section}{city} {p.number:06d} ", "", "SIPDIS ", ""]
    if "NOFORN" in t.classification:
        out += ["NOFORN ", ""]
    elif t.classification.startswith("UNCLASSIFIED//"):
        out += ["SENSITIVE ", ""]
    if classified:
        c = p.created
        out.append(f"E.O. 12958: DECL: {c.month:02d}/{min(c.day, 28):02d}/{c.year + 10} ")
    else:
        out.append("E.O. 12958: N/A ")
    out.append("TAGS: " + " ".join(tags) + " ")
    out.extend(subj_lines)
    out.append("")
    if p.refs:
        out += [reference_text(model, plans, p, p.refs), ""]
    if classified:
        reason = rng.choice(["1.4 (b) and (d)", "1.4 (d)", "1.4 (b), (d)", "1.4 (c)", "1.4 (b/d)"])
        out += [f"Classified By: {rng.choice(model.classifiers)}, reasons {reason}.", ""]
    out.append("")
    pool: list = []
    for k in range(n_paras):
        words = markov_words(model, rng, lengths[k])
        sprinkle(model, rng, words, rate, pool)
        if k == 0 and t.summary:
            words = ["SUMMARY:"] + words + ["END", "SUMMARY."]
        mark = t.markings[k]
        lead = f"{'¶' if t.pilcrow else ''}{k + 1}. " + (f"{mark} " if mark else "")
        out.extend(wrap(words, width, lead.rstrip()))
        out.append("")
    if not n_paras:  # source cables without numbered paragraphs
        words = markov_words(model, rng, sum(rng.choice(model.para_lengths) for _ in range(3)))
        sprinkle(model, rng, words, rate, pool)
        out.extend(wrap(words, width))
        out.append("")
    signature = t.signature or rng.choice(model.signatures)
    out += [signature, "", FOOTER]
    facts = {
        "id": p.cable_id,
        "classification": t.classification,
        "tags": tuple(tags),
        "subject": " ".join(subject),
        "paragraphs": n_paras,
        "signature": signature,
        "references": tuple(plans[j].cable_id for j in p.refs),
        "created": p.created,
        "origin": t.origin,
    }
    return "\n".join(out), facts


# ---------------------------------------------------------------- driver

_STATE: dict = {}


def _write_range(bounds: tuple) -> int:
    """Worker: render and write cables [start, stop); returns bytes written."""
    start, stop = bounds
    model, plans, seed, out_dir = _STATE["model"], _STATE["plans"], _STATE["seed"], _STATE["out"]
    total = 0
    for i in range(start, stop):
        data = render(model, plans, i, seed).encode("utf-8")
        with open(os.path.join(out_dir, plans[i].cable_id + ".txt"), "wb") as fh:
            fh.write(data)
        total += len(data)
    return total


def write_corpus(model: Model, out_dir: Path, count: int, seed: int, jobs: int = 1, chunk: int = 500) -> int:
    """Plan and write count cables into out_dir with jobs processes; returns bytes written."""
    plans = plan(model, count, seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    _STATE.update(model=model, plans=plans, seed=seed, out=str(out_dir))
    ranges = [(s, min(s + chunk, count)) for s in range(0, count, chunk)]
    progress, since = sys.stderr.isatty(), time.perf_counter()
    written = 0
    try:
        if jobs > 1 and len(ranges) > 1:
            with multiprocessing.get_context("fork").Pool(jobs) as pool:
                for (_, done), n in zip(ranges, pool.imap(_write_range, ranges), strict=True):
                    written += n
                    _progress(progress, done, count, since)
        else:
            for r in ranges:
                written += _write_range(r)
                _progress(progress, r[1], count, since)
    finally:
        _STATE.clear()
    if progress:
        sys.stderr.write("\n")
    return written


def generate(out_dir: Path, count: int, seed: int, source: Path, jobs: int) -> dict:
    """Train, plan and write count cables into out_dir; return timing figures."""
    t0 = time.perf_counter()
    model = train(source)
    t1 = time.perf_counter()
    written = write_corpus(model, out_dir, count, seed, jobs)
    t2 = time.perf_counter()
    return {
        "train_s": t1 - t0,
        "write_s": t2 - t1,
        "bytes": written,
        "count": count,
        "source_vocab": model.stats["vocab"],
        "heaps_k": model.heaps_k,
        "heaps_beta": model.heaps_beta,
    }


def _progress(show: bool, done: int, count: int, since: float) -> None:
    """One carriage-return progress line on stderr (only on a terminal)."""
    if show:
        rate = done / max(1e-9, time.perf_counter() - since)
        sys.stderr.write(f"\r{done}/{count} cables, {rate:.0f}/s ")
        sys.stderr.flush()


def main(argv: list | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description="Write a synthetic cable corpus.")
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--count", type=int, default=251287)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--model-from", default="seeds", help="folder of real cables to learn from (default: repo seeds/, else $CABLES_CORPUS/cables)"
    )
    ap.add_argument("--jobs", type=int, default=1)
    args = ap.parse_args(argv)
    stats = generate(args.out_dir, args.count, args.seed, model_source(args.model_from), args.jobs)
    if sys.stderr.isatty():
        sys.stderr.write(
            f"trained in {stats['train_s']:.1f}s; wrote {stats['count']} cables "
            f"({stats['bytes'] / 1e6:.0f} MB) in {stats['write_s']:.1f}s\n"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
