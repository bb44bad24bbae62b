"""The cable record: what the reader makes of one cable file.

Everything downstream (the index, facets, snippets, ``cables show``) works on
these frozen dataclasses, never on raw text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


def classification_level(classification: str) -> str:
    """The level of a published classification: what comes before its first ``//`` caveat.

    ``SECRET//NOFORN`` is ``SECRET``; the ``--classification`` filter matches a
    bare level against it, so ``SECRET`` finds both.
    """
    return classification.partition("//")[0].strip()


@dataclass(frozen=True)
class Paragraph:
    """One numbered paragraph (or unnumbered text block) of a cable body.

    ``number`` is None for unnumbered text such as a signature line;
    ``marking`` is the paragraph's own classification, normalised
    (``C``, ``SBU``, ``S//NF``), or None where the paragraph has none.
    """

    number: int | None
    marking: str | None
    text: str


@dataclass(frozen=True)
class Reference:
    """One item of a cable's REF block.

    ``text`` is the item as written (``A. OTTAWA 134``); ``id`` is the
    canonical reference id it names (``09OTTAWA134``), or None where the item
    is not a cable (an email, a manual, a date-time group).
    """

    text: str
    id: str | None


@dataclass(frozen=True)
class Cable:
    """A parsed cable: header fields, raw-text fields and paragraphs.

    The fields after ``paragraphs`` hold the header words searchers remember
    beside the subject and body: ``classified_by_name`` and
    ``classified_by_title`` split ``classified_by`` (``Gene A. Cretz`` and
    ``Ambassador, US Embassy Tripoli``); ``reference_text`` is the REF block as
    written; ``addressees`` and ``info_addressees`` are the TO and INFO offices
    of the routing block (``SECSTATE WASHDC``); ``distribution`` holds the
    office lines after the banner (``COMMERCE FOR ITA/MAC``); ``subject_tail``
    is text cut from the end of the subject line that no other field keeps
    (``SENSITIVE BUT UNCLASSIFIED - PLEASE PROTECT ACCORDINGLY``).
    """

    id: str
    created: datetime
    classification: str
    origin: str
    title: str
    tags: tuple[str, ...]
    subject: str
    references: tuple[Reference, ...]
    classified_by: str | None
    reasons: tuple[str, ...]
    declassify_on: date | str | None
    summary: str | None
    paragraphs: tuple[Paragraph, ...]
    classified_by_name: str | None = None
    classified_by_title: str | None = None
    reference_text: str = ""
    addressees: tuple[str, ...] = ()
    info_addressees: tuple[str, ...] = ()
    distribution: tuple[str, ...] = ()
    subject_tail: str = ""

    @property
    def level(self) -> str:
        """The classification's level, without caveats (``SECRET`` for ``SECRET//NOFORN``)."""
        return classification_level(self.classification)

    def header_text(self) -> str:
        """Every header word kept above, as one text (what a header search field indexes)."""
        parts = [
            self.classified_by or "",
            self.reference_text,
            *self.addressees,
            *self.info_addressees,
            *self.distribution,
            self.subject_tail,
        ]
        return " ".join(part for part in parts if part)


def record_json(cable: Cable) -> dict:
    """A cable as the JSON shape of ``cables show --format json``."""
    declassify = cable.declassify_on
    return {
        "id": cable.id,
        "created": cable.created.isoformat(timespec="seconds"),
        "classification": cable.classification,
        "origin": cable.origin,
        "title": cable.title,
        "subject": cable.subject,
        "tags": list(cable.tags),
        "references": [{"text": ref.text, "id": ref.id} for ref in cable.references],
        "classified_by": cable.classified_by,
        "reasons": list(cable.reasons),
        "declassify_on": declassify.isoformat() if isinstance(declassify, date) else declassify,
        "summary": cable.summary,
        "paragraphs": [{"number": p.number, "marking": p.marking, "text": p.text} for p in cable.paragraphs],
        "classified_by_name": cable.classified_by_name,
        "classified_by_title": cable.classified_by_title,
        "reference_text": cable.reference_text,
        "addressees": list(cable.addressees),
        "info_addressees": list(cable.info_addressees),
        "distribution": list(cable.distribution),
        "subject_tail": cable.subject_tail,
    }


def created_of(record: dict) -> datetime:
    """The creation time of a stored record."""
    return datetime.fromisoformat(record["created"])
