"""Off-the-shelf search engines the engine is measured against: stock whoosh and tantivy.

Each peer indexes every cable as three fields (subject, body, tags; the body
is the header words followed by the paragraphs, see :mod:`bench.documents`)
with its own stock analysis, and answers the query as typed (lower-cased so
that a word such as ``and`` is never read as an operator):

* **whoosh 2.7.5** (the whoosh-reloaded release the project depends on):
  ``StemmingAnalyzer`` on subject and body, a lower-cased ``KEYWORD`` tags
  field, ``MultifieldParser`` over the three fields and whoosh's default
  BM25F scoring.  Configurations: every word required (``AndGroup``, the
  parser's default) or any word (``OrGroup``), each with field boosts
  (subject x3, tags x2) or none.
* **tantivy** (Python bindings of the Rust engine): ``en_stem`` tokenizer on
  the three fields, ``Index.parse_query`` over them, BM25.
  Configurations: any word (its default) or every word
  (``conjunction_by_default``), each with the same boosts or none.

Every configuration is a :class:`Peer`: a name and a ``search(query, limit)``
returning ranked ``(cable_id, score)`` pairs, as the baselines do.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from bench.documents import Document

BOOSTS = {"subject": 3.0, "body": 1.0, "tags": 2.0}
NO_BOOSTS = {"subject": 1.0, "body": 1.0, "tags": 1.0}
FIELDS = ("subject", "body", "tags")
Search = Callable[[str, int], list[tuple[str, float]]]


@dataclass(frozen=True)
class Peer:
    """One peer configuration: its table label and its search function."""

    name: str
    label: str
    search: Search


def query_text(query: str) -> str:
    """The query's words, lower-cased, without the syntax characters either parser would act on."""
    return " ".join(re.findall(r"\w+", query.lower()))


class WhooshPeer:
    """A stock whoosh index of the cables in a private temporary folder.

    Not whoosh's ``RamStorage``: its writer keeps temporary files in a folder
    named after the index in the system's temporary directory, which two
    processes building at once share and delete under each other.
    """

    def __init__(self, documents: list[Document]) -> None:
        from whoosh.analysis import StemmingAnalyzer
        from whoosh.fields import ID, KEYWORD, TEXT, Schema
        from whoosh.filedb.filestore import FileStorage

        self.schema = Schema(
            id=ID(stored=True),
            subject=TEXT(analyzer=StemmingAnalyzer()),
            body=TEXT(analyzer=StemmingAnalyzer()),
            tags=KEYWORD(lowercase=True, scorable=True),
        )
        self.folder = tempfile.TemporaryDirectory(prefix="cables-whoosh-peer-")
        self.index = FileStorage(self.folder.name).create_index(self.schema)
        writer = self.index.writer()
        for document in documents:
            writer.add_document(id=document.id, subject=document.cable.subject, body=document.body, tags=document.tags)
        writer.commit()
        self.searcher = self.index.searcher()

    def search(self, query: str, limit: int, every_word: bool, boosts: dict[str, float]) -> list[tuple[str, float]]:
        """The top ``limit`` cables for the query, parsed over the three fields with these boosts."""
        from whoosh.qparser import AndGroup, MultifieldParser, OrGroup

        parser = MultifieldParser(list(FIELDS), self.schema, fieldboosts=boosts, group=AndGroup if every_word else OrGroup)
        hits = self.searcher.search(parser.parse(query_text(query)), limit=limit)
        return [(hit["id"], float(hit.score)) for hit in hits]

    def configurations(self) -> list[Peer]:
        """The four whoosh configurations: AND or OR grouping, with or without boosts."""
        return configurations("whoosh", "whoosh 2.7.5", self.search, every_word_first=True)


class TantivyPeer:
    """A stock tantivy index of the cables in memory."""

    def __init__(self, documents: list[Document]) -> None:
        import tantivy

        builder = tantivy.SchemaBuilder()
        builder.add_text_field("id", stored=True, tokenizer_name="raw")
        for field in FIELDS:
            builder.add_text_field(field, tokenizer_name="en_stem")
        self.index = tantivy.Index(builder.build())
        writer = self.index.writer(num_threads=1)
        for document in documents:
            writer.add_document(tantivy.Document(id=document.id, subject=document.cable.subject, body=document.body, tags=document.tags))
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self.searcher = self.index.searcher()

    def search(self, query: str, limit: int, every_word: bool, boosts: dict[str, float]) -> list[tuple[str, float]]:
        """The top ``limit`` cables for the query, parsed over the three fields with these boosts."""
        text = query_text(query)
        if not text:
            return []
        parsed = self.index.parse_query(text, list(FIELDS), field_boosts=boosts, conjunction_by_default=every_word)
        hits = self.searcher.search(parsed, limit).hits
        return [(self.searcher.doc(address)["id"][0], float(score)) for score, address in hits]

    def configurations(self) -> list[Peer]:
        """The four tantivy configurations: any or every word, with or without boosts."""
        return configurations("tantivy", "tantivy", self.search, every_word_first=False)


def _configured(search: Callable, every_word: bool, boosts: dict[str, float], query: str, limit: int) -> list[tuple[str, float]]:
    """``search`` with one configuration's grouping and boosts fixed (a Peer's search function)."""
    return search(query, limit, every_word, boosts)


def configurations(name: str, label: str, search, every_word_first: bool) -> list[Peer]:
    """A peer's four configurations: every word or any word, each without and with boosts.

    ``search(query, limit, every_word, boosts)`` is the peer's search; the
    configurations are listed with its default grouping first.
    """
    groupings = [(True, "AND"), (False, "OR")]
    peers = []
    for every_word, grouping in groupings if every_word_first else groupings[::-1]:
        for boosts, boost_label, suffix in ((NO_BOOSTS, "no boosts", ""), (BOOSTS, "subject x3, tags x2", "-boost")):
            peers.append(
                Peer(
                    f"{name}-{grouping.lower()}{suffix}",
                    f"{label}, {grouping}, {boost_label}",
                    partial(_configured, search, every_word, boosts),
                )
            )
    return peers
