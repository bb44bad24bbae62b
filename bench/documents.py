"""The cable collections of the ranking evaluation and the text every peer indexes.

Two collections are measured:

* ``seeds``: the 1,400 bundled cables (``seeds/``), so a fresh clone can
  repeat everything;
* ``corpus``: the 5,000 shared-corpus cables, in ``$CABLES_CORPUS/cables``
  (the project's one corpus setting, :mod:`bench.corpus_location`; default
  ``../shared/corpus`` beside the repository).

A peer (plain BM25, FTS5, whoosh, tantivy) indexes each cable as three
fields: subject, body and tags.  The body is the cable's paragraphs preceded
by its header words (:func:`header_text`): the addressee and office lines
(``TO``, ``INFO``, ``DEPARTMENT FOR EUR/WE``), the text of the REF block and
the ``Classified By`` line.  People search for the people and offices named
there, and a developer indexing these cables with an off-the-shelf engine
would index that text too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bench.corpus_location import shared_corpus
from cables.index.cable import Cable
from cables.index.reader import CableError, decode, read_cable

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"

PREVIEW_END = "how-to read a cable"
HEADER_STOP_RE = re.compile(r"^\s*(?:SUBJ(?:ECT)?\b|E\.\s?O\.|TAGS\b|REF\b|Classified By)", re.IGNORECASE)
BANNER_RE = re.compile(r"^\s*(?:(?:[A-Z] ){3,}|(?:UNCLAS|UNCLASSIFIED|CONFIDENTIAL|SECRET)\b)|\bSECTION \d+ OF \d+")
MARKING_RE = re.compile(r"^\s*(?:SIPDIS|SENSITIVE|NOFORN|NODIS|EXDIS|LIMDIS|STADIS|CORRECTED COPY|C O R R E C T E D)\b")
ROUTING_RE = re.compile(r"\b[A-Z]{4,}\d*/")  # RUEHC/SECSTATE WASHDC: the routing indicator before an address
PRECEDENCE_RE = re.compile(r"\b(?:IMMEDIATE|PRIORITY|ROUTINE|FLASH|NIACT)\b|\b\d+\b")


def corpus_folder() -> Path:
    """The shared corpus's cable folder: ``$CABLES_CORPUS/cables`` (default ``../shared/corpus/cables``)."""
    return shared_corpus() / "cables"


@dataclass(frozen=True)
class Document:
    """One cable as the evaluation sees it: the parsed record and its header words."""

    cable: Cable
    header: str

    @property
    def id(self) -> str:
        """The cable's reference id."""
        return self.cable.id

    @property
    def paragraphs(self) -> str:
        """The cable's paragraphs as one text."""
        return "\n".join(paragraph.text for paragraph in self.cable.paragraphs)

    @property
    def body(self) -> str:
        """What a peer indexes as the body: header words, then the paragraphs."""
        return self.header + "\n" + self.paragraphs

    @property
    def tags(self) -> str:
        """The cable's tags, space-separated."""
        return " ".join(self.cable.tags)


def address_lines(text: str) -> list[str]:
    """The addressee and office lines of a cable file's raw header, routing codes removed.

    Collecting starts at the ``FM`` line (or at the top when there is none)
    and stops at the first SUBJECT, E.O., TAGS, REF or Classified By line;
    classification banners and caveat lines are skipped.
    """
    raw = text.split(PREVIEW_END, 1)[-1].splitlines()
    start = next((i for i, line in enumerate(raw) if line.startswith("FM ")), 0)
    kept = []
    for line in raw[start:]:
        if HEADER_STOP_RE.match(line):
            break
        if not line.strip() or BANNER_RE.search(line) or MARKING_RE.match(line):
            continue
        cleaned = " ".join(PRECEDENCE_RE.sub(" ", ROUTING_RE.sub(" ", line)).split())
        if cleaned:
            kept.append(cleaned)
    return kept


def header_text(cable: Cable, text: str) -> str:
    """A cable's header words: addressee and office lines, REF text and the classifying official."""
    parts = address_lines(text)
    parts.extend(reference.text for reference in cable.references)
    if cable.classified_by:
        parts.append(cable.classified_by)
    return "\n".join(parts)


_DOCUMENTS: dict[Path, list[Document]] = {}


def load_documents(folder: Path = SEEDS) -> list[Document]:
    """Every readable cable in ``folder`` (sorted by file name) with its header, read once per process."""
    folder = folder.resolve()
    if folder not in _DOCUMENTS:
        documents = []
        for path in sorted(folder.glob("*.txt")):
            text = decode(path.read_bytes(), str(path))
            try:
                cable = read_cable(text, str(path))
            except CableError:
                continue
            documents.append(Document(cable, header_text(cable, text)))
        _DOCUMENTS[folder] = documents
    return _DOCUMENTS[folder]


def load_cables(folder: Path = SEEDS) -> list[Cable]:
    """Every readable cable in ``folder``, sorted by file name."""
    return [document.cable for document in load_documents(folder)]
