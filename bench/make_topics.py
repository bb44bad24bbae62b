"""Simulated known-item topics for the seed and corpus cables, reproducible from a fixed seed.

The method follows Azzopardi, de Rijke & Balog, "Building simulated queries
for known-item topics" (SIGIR 2007): pick a target cable, pick a query
length, then draw that many distinct terms from the target, each with
probability proportional to its tf-idf (term frequency in the target field
times inverse cable frequency over seeds/).  Rare, repeated words are the
ones a user who has read the cable tends to remember.

Two kinds of user are simulated:

* subject-remembered (``known_subject.tsv``): terms come from the cable's
  full subject line;
* body-remembered (``known_body.tsv``): terms come from its paragraphs and,
  for the corpus, its header words as well (the addressee and office
  lines, the REF text and the Classified By name: see
  :func:`bench.documents.header_text`), since a searcher may remember who
  wrote or received a cable.

Two collections have topics (see :mod:`bench.documents`):

* ``seeds`` (``bench/topics``): 250 topics of each kind, ids ``KS001`` and
  ``KB001``...; made before header words were considered, so their body
  terms come from the paragraphs only.  They are kept as they are because
  ``tests/test_ranking.py`` pins the engine's scores on them.
* ``corpus`` (``bench/topics/corpus``): 500 of each kind over the 5,000
  shared-corpus cables, ids ``CKS001`` and ``CKB001``..., header words
  included and routing words (``SECSTATE``, ``WASHDC``, ``PRIORITY``,
  ``COLLECTIVE``...) left out.
* ``fresh`` (``bench/topics/fresh``): 300 of each kind over the corpus,
  ids ``FKS001`` and ``FKB001``..., made as the corpus topics but with
  another random seed (``FRESH_SEED``) and never targeting a cable that is
  already the target of a seeds or corpus topic.  They were made after the
  older held-out half had been looked at many times, and are all held out:
  no ranking change is chosen on them.

Terms are found with the project's own reader and analysis
(:func:`cables.index.reader.read_file`, :func:`cables.index.analysis.words`), so stop words
and redaction runs never appear; a query holds surface words (the target's
most frequent spelling of the chosen stem), not stems, as a user would type.
Numbers, one- and two-letter words and cable boilerplate (SIPDIS, REFTEL,
...) are left out as well.  ``known.qrels`` names the target of each topic.

Run ``python -m bench.make_topics --collection seeds|corpus|fresh`` to regenerate
(the output only changes when the cables, the reader or the analysis
change).

The written information needs (``needs.tsv``) are not simulated; their
judgments were made by reading cables.  ``python -m bench.make_topics --pool
INDEX`` prints the judging pool of each need: the union of the top ``--depth``
(20) of every system :func:`bench.evaluate.build_systems` runs (the engine and
each peer configuration), plus up to ``--grep`` (25) cables matching the
need's regular expression in ``needs_grep.tsv`` (most matches first), each
shown with its subject and the passages that match.  ``--needs`` limits the
sheet to some needs and ``--unjudged`` to the cables ``needs.qrels`` has no
judgment for, which is how the pools are completed after a system changes.
"""

from __future__ import annotations

import argparse
import math
import random
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

from bench.documents import SEEDS, Document, corpus_folder, load_cables, load_documents
from cables.index.analysis import SnowballStem, words
from cables.index.cable import Cable

TOPICS = Path(__file__).resolve().parent / "topics"
SEED = 20070723
FRESH_SEED = 20261201
PER_KIND = 250
CORPUS_PER_KIND = 500
FRESH_PER_KIND = 300
MORE_SEED = 20261204
MORE_PER_KIND = 500
LENGTHS = (2, 3, 3, 4, 5)
BOILERPLATE = frozenset(
    "sipdis noforn nodis exdis limdis sbu reftel septel ref refs para paras classified reasons "
    "amembassy secstate usmission embassy comment summary end subject".split()
)
ROUTING_WORDS = frozenset(
    "washdc washington info collective amconsul usdel immediate priority routine niact dept department pass "
    "secdef cia dia nsc jcs joint staff posts".split()
)


@dataclass(frozen=True)
class Recipe:
    """How one collection's known-item topics are made."""

    folder: Path
    out: Path
    prefix: str
    count: int
    header: bool
    seed: int = SEED
    avoid: tuple[Path, ...] = ()

    def eligible(self, word: str) -> bool:
        """Whether a normalised word could be a remembered query term of this collection."""
        return eligible(word) and not (self.header and word in ROUTING_WORDS)


def recipes() -> dict[str, Recipe]:
    """The seeds' recipe (as the stored topics were made), the corpus's (header words included), the fresh one and more.

    The fresh topics are corpus topics drawn with another seed, avoiding every
    cable that is the target of a stored seeds or corpus topic.  The ``more``
    topics are drawn with a third seed, avoiding those targets, the fresh
    ones and those of the scratch topics a ranking change was chosen on
    (``more/scratch.qrels``); they are split between the halves like the
    corpus topics.
    """
    corpus = Recipe(corpus_folder(), TOPICS / "corpus", "C", CORPUS_PER_KIND, header=True)
    stored = (TOPICS / "known.qrels", corpus.out / "known.qrels")
    return {
        "seeds": Recipe(SEEDS, TOPICS, "", PER_KIND, header=False),
        "corpus": corpus,
        "fresh": replace(corpus, out=TOPICS / "fresh", prefix="F", count=FRESH_PER_KIND, seed=FRESH_SEED, avoid=stored),
        "more": replace(
            corpus,
            out=TOPICS / "more",
            prefix="M",
            count=MORE_PER_KIND,
            seed=MORE_SEED,
            avoid=(*stored, TOPICS / "fresh" / "known.qrels", TOPICS / "more" / "scratch.qrels"),
        ),
    }


def avoided_targets(recipe: Recipe) -> set[str]:
    """The cables already targeted by the topics in the recipe's ``avoid`` qrels files."""
    return {line.split()[2] for path in recipe.avoid for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}


def eligible(word: str) -> bool:
    """Whether a normalised word could be a remembered query term."""
    return len(word) >= 3 and word.isalpha() and word not in BOILERPLATE and set(word) != {"x"}


def field_terms(text: str, stem: SnowballStem, allowed=eligible) -> tuple[Counter, dict[str, str]]:
    """Stem frequencies of a text's ``allowed`` words, and each stem's most frequent surface word."""
    counts: Counter = Counter()
    spellings: dict[str, Counter] = defaultdict(Counter)
    for word, _, _ in words(text):
        if allowed(word):
            term = stem(word)
            counts[term] += 1
            spellings[term][word] += 1
    surface = {term: spelled.most_common(1)[0][0] for term, spelled in spellings.items()}
    return counts, surface


def body_text(cable: Cable) -> str:
    """The paragraphs of a cable as one text."""
    return "\n".join(paragraph.text for paragraph in cable.paragraphs)


def remembered_body(document: Document, recipe: Recipe) -> str:
    """The text body terms are drawn from: the paragraphs, after the header words when the recipe says so."""
    return document.body if recipe.header else document.paragraphs


def cable_frequencies(documents: list[Document], stem: SnowballStem, recipe: Recipe) -> Counter:
    """In how many cables (subject or remembered body) each stem occurs."""
    frequencies: Counter = Counter()
    for document in documents:
        counts, _ = field_terms(document.cable.subject + "\n" + remembered_body(document, recipe), stem, recipe.eligible)
        frequencies.update(counts.keys())
    return frequencies


def draw_terms(counts: Counter, idf: dict[str, float], length: int, rng: random.Random) -> list[str]:
    """``length`` distinct stems drawn without replacement with probability ∝ tf·idf."""
    pool = {term: count * idf[term] for term, count in counts.items()}
    chosen: list[str] = []
    while pool and len(chosen) < length:
        terms = sorted(pool)
        term = rng.choices(terms, weights=[pool[t] for t in terms])[0]
        chosen.append(term)
        del pool[term]
    return chosen


def make_kind(
    documents: list[Document], kind: str, idf: dict[str, float], stem: SnowballStem, rng: random.Random, recipe: Recipe
) -> list[tuple[str, str, str]]:
    """``(qid, query, target id)`` for the recipe's count of simulated topics of one kind."""
    prefix = recipe.prefix + ("KS" if kind == "subject" else "KB")
    subjects = Counter(document.cable.subject.upper() for document in documents)
    order = list(range(len(documents)))
    rng.shuffle(order)
    avoided = avoided_targets(recipe)
    topics: list[tuple[str, str, str]] = []
    for ordinal in order:
        if len(topics) == recipe.count:
            break
        cable = documents[ordinal].cable
        if cable.id in avoided:
            continue
        if kind == "subject":
            if subjects[cable.subject.upper()] > 1:
                continue  # a subject shared by several cables names no single known item
            counts, surface = field_terms(cable.subject, stem, recipe.eligible)
        else:
            counts, surface = field_terms(remembered_body(documents[ordinal], recipe), stem, recipe.eligible)
        if len(counts) < 2:
            continue
        length = min(rng.choice(LENGTHS), len(counts))
        terms = draw_terms(counts, idf, length, rng)
        query = " ".join(surface[term] for term in terms)
        topics.append((f"{prefix}{len(topics) + 1:03d}", query, cable.id))
    return topics


def make_topics(recipe: Recipe, seed: int | None = None) -> dict[str, list[tuple[str, str, str]]]:
    """Both kinds of known-item topics for the recipe's cables (from the recipe's seed unless one is given)."""
    documents = load_documents(recipe.folder)
    stem = SnowballStem()
    frequencies = cable_frequencies(documents, stem, recipe)
    idf = {term: math.log(len(documents) / frequency) for term, frequency in frequencies.items()}
    rng = random.Random(recipe.seed if seed is None else seed)
    return {kind: make_kind(documents, kind, idf, stem, rng, recipe) for kind in ("subject", "body")}


def write_topics(topics: dict[str, list[tuple[str, str, str]]], folder: Path = TOPICS) -> None:
    """Write ``known_subject.tsv``, ``known_body.tsv`` and ``known.qrels``."""
    folder.mkdir(parents=True, exist_ok=True)
    qrels: list[str] = []
    for kind, rows in topics.items():
        lines = [f"{qid}\t{query}" for qid, query, _ in rows]
        (folder / f"known_{kind}.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        qrels.extend(f"{qid} 0 {target} 1" for qid, _, target in rows)
    (folder / "known.qrels").write_text("\n".join(qrels) + "\n", encoding="utf-8")


POOL_DEPTH = 20
GREP_CAP = 25


def grep_hits(cables: list[Cable], pattern: str, cap: int = GREP_CAP) -> list[str]:
    """Ids of up to ``cap`` cables whose subject or paragraphs match ``pattern``, most matches first."""
    expression = re.compile(pattern, re.IGNORECASE)
    counted = []
    for cable in cables:
        matches = len(expression.findall(cable.subject + "\n" + body_text(cable)))
        if matches:
            counted.append((-matches, cable.id))
    return [cable_id for _, cable_id in sorted(counted)[:cap]]


def judging_pool(
    index: Path,
    recipe: Recipe,
    depth: int = POOL_DEPTH,
    grep_cap: int = GREP_CAP,
    chosen: set[str] | None = None,
    unjudged: bool = False,
) -> dict[str, list[str]]:
    """Each need's pool: the top ``depth`` of every evaluated system, then up to ``grep_cap`` grep hits.

    ``chosen`` limits the pools to those needs; with ``unjudged`` a pool keeps
    only the cables ``needs.qrels`` has no judgment for, so completing the
    judgments after a system changes means reading just the new cables.
    """
    from bench.baselines import read_topics
    from bench.evaluate import build_systems
    from bench.metrics import read_qrels
    from cables.search.engine import Engine

    cables = load_cables(recipe.folder)
    needs = [(qid, query) for qid, query in read_topics(recipe.out / "needs.tsv") if chosen is None or qid in chosen]
    qrels_file = recipe.out / "needs.qrels"
    judged = read_qrels(qrels_file) if unjudged and qrels_file.exists() else {}
    patterns = dict(read_topics(recipe.out / "needs_grep.tsv"))
    engine = Engine(index)
    runs = [system.run(needs) for system in build_systems(engine, recipe.folder)]
    engine.close()
    pools = {}
    for qid, _ in needs:
        pooled = [cable_id for run in runs for cable_id in run.get(qid, [])[:depth]]
        pooled += grep_hits(cables, patterns[qid], grep_cap)
        pools[qid] = [cable_id for cable_id in dict.fromkeys(pooled) if cable_id not in judged.get(qid, {})]
    return pools


def judging_sheet(pools: dict[str, list[str]], recipe: Recipe, width: int = 170) -> str:
    """A text sheet for reading each pooled cable.

    Each cable shows its id, how often the need's expression matches it, its
    subject, and up to two passages: paragraphs matching the expression
    first, then those holding the most query words.
    """
    from bench.baselines import read_topics

    cables = {cable.id: cable for cable in load_cables(recipe.folder)}
    needs = dict(read_topics(recipe.out / "needs.tsv"))
    patterns = dict(read_topics(recipe.out / "needs_grep.tsv"))
    lines = []
    for qid, pooled in pools.items():
        expression = re.compile(patterns[qid], re.IGNORECASE)
        query_words = [re.compile(r"\b" + re.escape(word), re.IGNORECASE) for word in needs[qid].split()]
        lines.append(f"=== {qid} {needs[qid]} ({len(pooled)} cables)")
        for cable_id in pooled:
            cable = cables[cable_id]
            matches = len(expression.findall(cable.subject + "\n" + body_text(cable)))
            lines.append(f"{cable_id} [{matches}] | {cable.subject[:150]}")
            ranked = sorted(
                cable.paragraphs, key=lambda p: (-len(expression.findall(p.text)), -sum(bool(w.search(p.text)) for w in query_words))
            )
            for paragraph in ranked[:2]:
                found = expression.search(paragraph.text) or next((m for m in (w.search(paragraph.text) for w in query_words) if m), None)
                if found is None:
                    continue
                start = max(0, found.start() - width // 3)
                lines.append("    ... " + paragraph.text[start : start + width])
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Command line: regenerate a collection's known-item topic files, or print its needs' judging sheet."""
    parser = argparse.ArgumentParser(description="Generate simulated known-item topics for the seeds or the shared corpus.")
    parser.add_argument("--collection", choices=("seeds", "corpus", "fresh", "more"), default="seeds")
    parser.add_argument("--seed", type=int, help="random seed (default: the collection's recipe's)")
    parser.add_argument(
        "--pool", type=Path, metavar="INDEX", help="print the needs' judging sheet instead (needs an index of the collection)"
    )
    parser.add_argument("--depth", type=int, default=POOL_DEPTH, help="how many of each system's top cables to pool")
    parser.add_argument("--grep", type=int, default=GREP_CAP, help="how many cables matching the need's expression to pool")
    parser.add_argument("--needs", help="comma-separated need ids to pool (default: every need of the collection)")
    parser.add_argument("--unjudged", action="store_true", help="pool only the cables needs.qrels does not judge yet")
    args = parser.parse_args(argv)
    recipe = recipes()[args.collection]
    if args.pool:
        chosen = {qid.strip() for qid in args.needs.split(",")} if args.needs else None
        pools = judging_pool(args.pool, recipe, args.depth, args.grep, chosen, args.unjudged)
        print(judging_sheet(pools, recipe))
        return
    topics = make_topics(recipe, args.seed)
    write_topics(topics, recipe.out)
    print(", ".join(f"{len(rows)} {kind} topics" for kind, rows in topics.items()), "written to", recipe.out)


if __name__ == "__main__":
    main()
