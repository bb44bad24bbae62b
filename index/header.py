"""The header lines people search by: addressees, distribution lines, the classifying official.

A cable's routing block names who it went to (``TO RUEHC/SECSTATE WASHDC
PRIORITY 5011``, ``INFO`` lines and their continuations), the lines after the
classification banner say which offices should see it (``STATE FOR
NEA/MAG``, ``COMMERCE FOR ITA``, ``AMEMBASSY ATHENS PASS TO AMCONSUL
THESSALONIKI``), and ``Classified By:`` names an official with a title.
Searchers remember these words, so the reader keeps them as fields rather than
dropping them as header noise.
"""

from __future__ import annotations

import re
from collections.abc import Callable

ROUTING_START_RE = re.compile(r"^\s*(?P<kind>TO|INFO)\s+(?P<rest>\S.*)$")
# An addressee continuation line: capitals, digits and the punctuation of office names only.
ROUTING_LINE_RE = re.compile(r"^\s*[A-Z0-9][A-Z0-9 /.,&'()\-]*$")
ROUTING_CODE_RE = re.compile(r"^[A-Z0-9]{4,}/")
# Precedence and serial number after an addressee (``PRIORITY 5011``, ``IMMEDIATE``, ``0146``).
ROUTING_TAIL_RE = re.compile(r"(?:\s+(?:FLASH|IMMEDIATE|PRIORITY|ROUTINE))?(?:\s+\d{1,5})?\s*$")
# A distribution line: an upper-case office (or nothing), then FOR / PASS TO / PLEASE PASS.
DISTRIBUTION_RE = re.compile(r"^\s*(?:[A-Z][A-Z0-9/&.,'\- ]*\s)?(?:ALSO\s+)?(?:FOR|PASS|PLEASE\s+PASS)\b(?=\s|$)")
MAX_LOWER_NOTE = 80
SENTENCE_END_RE = re.compile(r"[.!?](?:\s|$)")
# Where the name part of a Classified By text ends: a sentence on reasons or the E.O.,
# "per" / "under" / "by" / "based" what, a trailing "for" whose reasons were cut off
# (also split: ``fo r``), a trailing remark in parentheses or a cut-off word (``Politi..``).
NAME_END_RE = re.compile(
    r"(?:\.\s+(?:re|e\.?\s?o|for|per|based|derived)"
    r"|\s+(?:per|under|based|upon)\b|\s+by\s*$"
    r"|\s+(?:f\s?o\s?r|f\s?or)\s*$"
    r"|\s*\([^()]*\)\s*$"
    r"|\s*\S*\.\.$).*$",
    re.IGNORECASE,
)
NAME_SUFFIXES = {"JR", "JR.", "SR", "SR.", "II", "III", "IV"}
# Words of titles and offices in Classified By lines (upper case), counted on the corpus.
TITLE_WORDS = frozenset(
    """
    AMBASSADOR AMB AMB. AMBASADOR COUNSELOR COUNSELLOR POLITICAL POL POLCOUNS POLMINCOUNS POLOFF
    POL/ECON POL/E POL-ECON POLECON ECON ECONOMIC ECONOFF ECONCOUNS ECOPOL ECPO ECON/POL
    ECONOMIC-POLITICAL POLITICAL-ECONOMIC POLITICAL/ECONOMIC POLITICO-MILITARY POL-MIL
    CHARGE CHARGÉ D'AFFAIRES D’AFFAIRES D'AFFAIRS A.I. A.I AI CDA DCM A/DCM ADCM MINISTER
    MINISTER-COUNSELOR MINISTER-COUNSELLOR MINCOUNS M/C CHIEF DEPUTY ACTING MISSION OF THE
    AND AFFAIRS GENERAL CONSUL CONSUL-GENERAL CG CONGEN PRINCIPAL OFFICER OFFICE DIRECTOR
    SECRETARY EXEC EXECUTIVE SECTION HEAD COUNSEL ATTACHE ATTACHÉ MANAGEMENT REGIONAL
    PUBLIC DIPLOMACY PRESS ASSISTANT SENIOR ADVISOR ADVISER COORDINATOR COM EMBASSY
    DEPARTMENT DEPT STATE DOS U.S. US USG INTERIM TEMPORARY CONSULATE ESTH NP RSO LEGATT
    DAO DATT DEFENSE MILITARY LABOR ENVIRONMENT SCIENCE HEALTH COMMERCIAL AGRICULTURAL
    CONSULAR CONS INL NAS USAID MISSION-DIRECTOR ECON/COMMERCIAL ENERGY REFUGEE
    COORD A/S S/E ASST PRINCIPLE LEGAL ADVISER FOR DAS PDAS EAP ISN EUR IO WHA NEA SCA AF
    MC CHG CHG: ECONMIN ECONMINCOUNS POLCOUNSELOR COORDINATOR COORDINATING INTERAGENCY
    PROVINCIAL DEVELOPMENT MINSTER WATCH (U) CLASSIFIED BY -
    """.split()
)


def addressees(lines: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The TO and the INFO addressees of the routing block, as office names.

    Routing codes (``RUEHC/``), precedence and serial numbers are dropped:
    ``TO RUEHC/SECSTATE WASHDC PRIORITY 5011`` gives ``SECSTATE WASHDC``.
    Continuation lines belong to the TO or INFO line above them; the block
    ends at the first line that is not an addressee (the banner, a blank).
    """
    found: dict[str, list[str]] = {"TO": [], "INFO": []}
    kind = None
    for line in lines:
        start = ROUTING_START_RE.match(line)
        if start and ROUTING_LINE_RE.match(start.group("rest")):
            kind, text = start.group("kind"), start.group("rest")
        elif kind and line.strip() and ROUTING_LINE_RE.match(line) and not _is_banner_like(line):
            text = line
        else:
            if kind and found["TO"]:
                break
            kind = None
            continue
        name = _addressee(text)
        if name and name not in found[kind]:
            found[kind].append(name)
    return tuple(found["TO"]), tuple(found["INFO"])


def _addressee(text: str) -> str:
    """One addressee without routing code, precedence or serial number."""
    name = ROUTING_CODE_RE.sub("", text.strip())
    return " ".join(ROUTING_TAIL_RE.sub("", name).split())


def _is_banner_like(line: str) -> bool:
    """True for a classification banner (``C O N F I D E N T I A L ...``, ``UNCLAS ...``)."""
    return bool(re.match(r"^\s*(?:(?:[A-Z] ){3,}|UNCLAS\b|CONFIDENTIAL\b|SECRET\b)", line))


def is_distribution_start(line: str) -> bool:
    """True for a line that opens a distribution note (``STATE FOR NEA/MAG``, ``PASS TO USTR``)."""
    return bool(DISTRIBUTION_RE.match(line))


def _is_note_line(line: str, shape: re.Pattern) -> bool:
    """True when ``line`` has ``shape`` as written, or upper-cased when it is short and ends no sentence."""
    if shape.match(line):
        return True
    text = line.strip()
    return len(text) <= MAX_LOWER_NOTE and not SENTENCE_END_RE.search(text) and bool(shape.match(text.upper()))


def classifier(who: str | None) -> tuple[str | None, str | None]:
    """Split a Classified By text into the official's name and title.

    Two shapes occur: ``Ambassador Margaret Scobey`` (title, then name) and
    ``Gene A. Cretz, Ambassador, US Embassy Tripoli`` (name, then title).  In
    each comma-separated part the name is the run of trailing words that are
    not title or office words; the first part with such a run holds the name,
    and everything else is the title.  Returns (None, None) for no text.
    """
    if not who:
        return None, None
    text = NAME_END_RE.sub("", who).strip(" ,;:")
    parts = _name_parts(text)
    for position, part in enumerate(parts):
        words = part.split()
        start = len(words)
        while start > 0 and not _is_title_word(words[start - 1]):
            start -= 1
        if start < len(words):
            name = " ".join(words[start:])
            rest = parts[:position] + ([" ".join(words[:start])] if start else []) + parts[position + 1 :]
            title = ", ".join(piece for piece in rest if piece)
            return name, title or None
    return None, text or None


def _name_parts(text: str) -> list[str]:
    """Comma-separated parts, with a name suffix (``Jr.``) kept on the part before it."""
    parts: list[str] = []
    for piece in (piece.strip() for piece in text.split(",")):
        if not piece:
            continue
        if parts and piece.upper() in NAME_SUFFIXES:
            parts[-1] = f"{parts[-1]}, {piece}"
        else:
            parts.append(piece)
    return parts


def _is_title_word(word: str) -> bool:
    """True for a title or office word (an office path such as ``ESTH/NP`` counts as one)."""
    bare = word.strip(",;:").upper()
    return bare in TITLE_WORDS or "/" in bare or bare.startswith("(")


def distribution(lines: list[str], is_other: Callable[[str], bool]) -> tuple[str, ...]:
    """The distribution notes among header lines (``STATE FOR NEA/MAG, AF/FO``), one per note.

    A note repeated by a section break is kept once.

    A note is a line of the ``OFFICE FOR ...`` / ``PASS TO ...`` shape and the
    upper-case lines that continue it (``WHA/CEN`` under ``DEPT FOR``); it ends
    at a blank line or a line ``is_other`` says belongs to another field.  A
    few cables write notes in lower case (``state pass to ustr (laurie-ann
    agama)``); a short lower-case line without a sentence end counts too.
    """
    notes: list[str] = []
    current: list[str] | None = None
    for line in lines:
        if _is_note_line(line, DISTRIBUTION_RE) and not is_other(line) and not ROUTING_CODE_RE.match(line.strip()):
            current = [line.strip()]
            notes.append("")
        elif current and line.strip() and _is_note_line(line, ROUTING_LINE_RE) and not is_other(line):
            current.append(line.strip())
        else:
            current = None
            continue
        notes[-1] = " ".join(" ".join(current).split())
    return tuple(dict.fromkeys(note for note in notes if note))
