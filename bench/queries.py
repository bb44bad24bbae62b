"""Fixed query sets for the benchmarks, drawn deterministically from the seeds.

The words come from the bundled seed cables (``seeds/``) as the reader sees
them (subjects and paragraph text), so the same repository state always gives
the same queries, whatever corpus is being benchmarked: the synthetic corpora
of ``bench/synth.py`` are trained on the seeds and share their vocabulary.

Words are split into document-frequency strata over the seed cables:

* ``high``: in at least 5% of cables (``embassy``, ``government``),
* ``mid``: in 0.5% to 5%,
* ``low``: in at least 3 cables but under 0.5%.

One-word queries take a word from a stratum; two- and three-word queries take
their words from one paragraph of a randomly chosen cable (strata permitting),
so that most of them match something under the engine's AND semantics, as
real queries do.  Phrases are consecutive word pairs that recur in several
cables.  Filters pair queries with the commonest tags, the classification
levels and start years of the seeds.

Run ``python bench/queries.py`` to print the sets.
"""

from __future__ import annotations

import itertools
import random
import re
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
SEED = 20100228  # fixed: the queries must not change between runs
WORD_RE = re.compile(r"[a-z]{3,}")
TOKEN_RE = re.compile(r"[a-z0-9]+")
HIGH, MID, MIN_LOW = 0.05, 0.005, 3
SHAPES = (  # (count, strata of the words) for the 200 word queries
    (24, ("high",)),
    (28, ("mid",)),
    (28, ("low",)),
    (20, ("high", "high")),
    (20, ("high", "mid")),
    (15, ("mid", "mid")),
    (15, ("mid", "low")),
    (15, ("high", "high", "mid")),
    (15, ("high", "mid", "mid")),
    (10, ("mid", "mid", "low")),
    (10, ("high", "mid", "low")),
)
PHRASES = 20


@dataclass
class Filter:
    """Search options that narrow a query (the CLI's --tag, --classification, --from)."""

    tag: list[str] = field(default_factory=list)
    classification: list[str] = field(default_factory=list)
    date_from: str | None = None

    def label(self) -> str:
        """A short readable form such as ``--tag PREL --from 2008``."""
        parts = [f"--tag {t}" for t in self.tag] + [f"--classification {c}" for c in self.classification]
        return " ".join(parts + ([f"--from {self.date_from}"] if self.date_from else []))


@dataclass
class QuerySet:
    """Every fixed input of the benchmarks."""

    words: list[str]  # 200 queries of 1-3 words
    phrases: list[str]  # quoted two-word phrases, e.g. '"human rights"'
    filtered: list[tuple[str, Filter]]  # word queries paired with filters
    ids: list[str]  # cable ids for `show`
    strata: dict[str, str]  # query -> shape, e.g. "high+mid"


def _stop_words() -> frozenset[str]:
    """The engine's stop list, so no query is only common words."""
    from cables.index.analysis import STOP_WORDS

    return STOP_WORDS


def _paragraph_words(cable, stop: frozenset[str]) -> list[list[str]]:
    """Lower-case non-stop words of the subject and of each paragraph, in order."""
    texts = [cable.subject] + [p.text for p in cable.paragraphs]
    return [[w for w in WORD_RE.findall(text.lower()) if w not in stop] for text in texts]


def _stratum(df: int, cables: int) -> str | None:
    """The document-frequency stratum of a word (None when it is in fewer than 3 cables)."""
    if df >= HIGH * cables:
        return "high"
    if df >= MID * cables:
        return "mid"
    return "low" if df >= MIN_LOW else None


def build(cables: list) -> QuerySet:
    """Draw the query sets from parsed cables (sorted by id first, so order does not matter)."""
    cables = sorted(cables, key=lambda c: c.id)
    stop = _stop_words()
    words_of = [_paragraph_words(c, stop) for c in cables]
    df = Counter(w for paragraphs in words_of for w in {w for p in paragraphs for w in p})
    stratum = {w: _stratum(n, len(cables)) for w, n in df.items() if "xxx" not in w}
    pools = {name: sorted(w for w, s in stratum.items() if s == name) for name in ("high", "mid", "low")}
    rng = random.Random(SEED)
    queries: list[str] = []
    strata: dict[str, str] = {}
    for count, shape in SHAPES:
        made = 0
        while made < count:
            words = _draw(rng, shape, pools, words_of, stratum)
            query = " ".join(words)
            if query not in strata:
                queries.append(query)
                strata[query] = "+".join(shape)
                made += 1
    phrases = _phrases(rng, cables, stratum)
    for phrase in phrases:
        strata[phrase] = "phrase"
    return QuerySet(queries, phrases, _filtered(rng, queries, cables), _ids(rng, cables), strata)


def _draw(rng: random.Random, shape: tuple[str, ...], pools: dict[str, list[str]], words_of: list, stratum: dict) -> list[str]:
    """Words for one query: from one paragraph of a random cable when several, else from the pool."""
    if len(shape) == 1:
        return [rng.choice(pools[shape[0]])]
    for _ in range(50):
        paragraph = rng.choice(rng.choice(words_of) or [[]])
        chosen: list[str] = []
        for name in shape:
            options = sorted({w for w in paragraph if stratum.get(w) == name} - set(chosen))
            if not options:
                break
            chosen.append(rng.choice(options))
        if len(chosen) == len(shape):
            return chosen
    return [rng.choice(pools[name]) for name in shape]


def _phrases(rng: random.Random, cables: list, stratum: dict) -> list[str]:
    """Quoted pairs of (non-stop) words that stand next to each other in the text of at least 3 cables."""
    pairs: Counter = Counter()
    for cable in cables:
        found: set[tuple[str, str]] = set()
        for text in [cable.subject] + [p.text for p in cable.paragraphs]:
            tokens = TOKEN_RE.findall(text.lower())
            found.update((a, b) for a, b in itertools.pairwise(tokens) if a != b and stratum.get(a) and stratum.get(b))
        pairs.update(found)
    frequent = sorted(pair for pair, n in pairs.items() if n >= MIN_LOW)
    return [f'"{a} {b}"' for a, b in rng.sample(frequent, min(PHRASES, len(frequent)))]


def _filtered(rng: random.Random, queries: list[str], cables: list) -> list[tuple[str, Filter]]:
    """Every word query with one of a fixed cycle of filters (tags, levels, years, combined)."""
    tags = [t for t, _ in Counter(t for c in cables for t in c.tags).most_common(4)]
    filters = [Filter(tag=[t]) for t in tags] + [
        Filter(classification=["CONFIDENTIAL"]),
        Filter(classification=["SECRET"]),
        Filter(classification=["UNCLASSIFIED"]),
        Filter(date_from="2008"),
        Filter(date_from="2006"),
        Filter(tag=[tags[0]], date_from="2007") if tags else Filter(date_from="2007"),
        Filter(tag=tags[1:3], classification=["CONFIDENTIAL"]) if len(tags) > 2 else Filter(classification=["SECRET"]),
    ]
    order = list(range(len(queries)))
    rng.shuffle(order)
    return [(queries[i], filters[n % len(filters)]) for n, i in enumerate(order)]


def _ids(rng: random.Random, cables: list, count: int = 200) -> list[str]:
    """Cable ids for `show`, sampled without replacement (all of them when fewer)."""
    ids = [c.id for c in cables]
    return rng.sample(ids, min(count, len(ids)))


@cache
def seed_queries() -> QuerySet:
    """The query sets of the bundled seeds (read once per process)."""
    from bench.documents import load_cables

    return build(load_cables(SEEDS))


def engine_request(query: str, option: Filter | None = None, limit: int = 10):
    """The engine's SearchRequest for a query and optional filter."""
    from cables.search.engine import SearchRequest

    option = option or Filter()
    return SearchRequest(
        query=query, tag=list(option.tag), classification=list(option.classification), date_from=option.date_from, limit=limit
    )


def fts5_options(option: Filter | None = None, limit: int = 10):
    """The FTS5 baseline's Options for an optional filter."""
    import fts5

    option = option or Filter()
    return fts5.Options(tag=list(option.tag), classification=list(option.classification), date_from=option.date_from, limit=limit)


def main(argv: Iterable[str] = ()) -> int:
    """Print the query sets, one per line, with their strata."""
    queries = seed_queries()
    for query in queries.words + queries.phrases:
        print(f"{queries.strata[query]:16} {query}")
    for query, option in queries.filtered[:20]:
        print(f"{'filtered':16} {query}  {option.label()}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    sys.exit(main(sys.argv[1:]))
