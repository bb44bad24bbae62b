"""Read one cable file in the published layout into a :class:`Cable` record.

The published layout is a fixed header (id, created, classification, origin,
title, tags) followed by the raw telegram text and a share footer.  The raw
text is irregular (routing lines, banners, repeated header blocks, page
markers, transmission artefacts); this module turns it into clean fields and
paragraphs.  The only exception it lets escape is :class:`CableError`.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import stat
from collections.abc import Callable
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from cables.index.cable import Cable, Paragraph
from cables.index.header import addressees, classifier, distribution, is_distribution_start
from cables.index.paths import printable
from cables.index.references import parse_references
from cables.index.tagsplit import split_tags

HEADER_LABELS = ("Identifier", "Created", "Classification", "Origin")
NBSP = "\u00a0"
FOOTER = "Share this cable"
MAX_BYTES = 64 * 1024 * 1024
NOT_REGULAR = {
    stat.S_IFDIR: "a directory",
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}

CSV_RECORD_RE = re.compile(r"^\d+,\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2},(?P<id>\w+),")
HEADER_ENDS_RE = re.compile(r"^\s*-+\s*header ends\s*-+\s*$")
RECORD_DATE_RE = re.compile(r"^\s*\d{4}-\d{2}-\d{2}\s*$")
ID_RE = re.compile(r"^\d{2}[A-Z0-9]+$")
PARA_START_RE = re.compile(
    r"^\s*(?P<pilcrow>¶)?\s*(?P<number>\d{1,3})\s*\.(?!\d)\s*"
    r"(?P<marking>\(\s*[A-Za-z][A-Za-z/ ,\-]{0,30}\)|[A-Z]{1,3}\))?[\s:]*(?P<rest>.*)$"
)
# A paragraph start glued after a sentence end or a heading underline.
GLUED_START_RE = re.compile(r"[.!?\"”)\-=_*]\s+(?P<start>¶?\s*(?P<number>\d{1,3})\s*\.\s*(?P<marking>\(\s*[A-Za-z][A-Za-z/ ,\-]{0,30}\)))")
# Paragraph 1 glued after header text on one line (``... REASON: 1.4 (b), (d) 1.(C) In a brief ...``);
# ``1.4`` (a reason) is not a paragraph number.
GLUED_FIRST_RE = re.compile(r"(?:(?<=\s)|^)¶?\s*1\s*\.(?!\d)")
# An unmarked paragraph 1 counts only before a mixed-case word (REF items are upper case).
UNMARKED_FIRST_RE = re.compile(r"1\s*\.\s*[A-Z][a-z]")
# An unnumbered paragraph's marking before a mixed-case word: ``(U) Embassy London has ...``.
MARKED_TEXT_RE = re.compile(r"\((?:U|C|S|SBU|TS|LOU)(?:\s*/+\s*[A-Z]+)*\)\s*[A-Z][a-z]")
# A heading underline that paragraph 1 can follow on the same line (``-------- 1.  Ambassador visited``).
LEADING_DIVIDER_RE = re.compile(r"^\s*[\-=_*]{3,}")
PAGE_MARKER_RE = re.compile(r"^\s*[A-Z][A-Z .'-]*\s+\d{8}\s+\d{3}(?:\.\d)?\s+OF\s+\d{3}\s*$")
OLD_PAGE_RE = re.compile(r"^\s*PAGE\s+\d{2,3}\s+[A-Z]")
OLD_PAGE_HEADER_RE = re.compile(r"^\s*PAGE\s+\d{2,3}\s+[A-Z][A-Z ]*?\s+\d+\s+\d{2}\s+OF\s+\d{2}\s+\d{6}Z\s*")
# A page marker inside a line: up to three place-name words, then the numbers.
# ``\d\d{7}``, not ``\d{8}``: a pattern that starts with a character class is searched for by
# scanning in C; one that starts with a repeat is tried at every position (a third slower here).
MARKER_NUMBERS_RE = re.compile(r"\d\d{7}\s+\d{3}")
# A forwarded message's subject: place, serial, precedence, classification and date before the title, a number after.
FORWARDED_ROUTING_RE = re.compile(r"^\s*[A-Z][A-Z ]*\s\d{8}\s+[A-Z]{1,2}\s+[A-Z]{1,2}\s+\d{1,2}-[A-Z]{3}-\d{2}\s+|\s*\[\d{6,}\]\s*$")
# What a page marker leaves at the end of a wrapped subject: the first word of "CLASSIFIED BY" on the next line.
MARKER_LEFTOVER_RE = re.compile(r"\s+CLASSIFIED\s*$")
INLINE_MARKER_RE = re.compile(r"(?<![A-Za-z.'-])((?:[A-Za-z][A-Za-z.'-]*\s+){0,3})\d{8}\s+\d{3}(?:\.\d)?\s+[Oo][Ff]\s+\d{3}\b")
OLD_ROUTING_RE = re.compile(
    r"^\s*(?:ACTION\s+[A-Z]+-\d+|INFO\s+LOG-\d+|[A-Z]+-\d{2}(?:\s+[A-Z]+-\d{2})+|/\d{3}W|-{6,}[0-9A-F]{6}\s+\d{6}Z|@@@OASYS@@@)"
)
CABLE_ENDS_RE = re.compile(r"=+\s*CABLE ENDS\s*=+")
SPACED_BANNER_RE = re.compile(r"^\s*(?:[A-Z] ){3,}[A-Z]\b")
BANNER_RE = re.compile(
    r"^\s*(?:UNCLAS(?:SIFIED)?|CONFIDENTIAL|SECRET|LIMITED OFFICIAL USE)(?://[A-Z][A-Z0-9 ,/-]*)?"
    r"(?:\s+(?:SECTION\s+\d+\s+OF\s+\d+|E F T O|EFTO|PTQ\d+|[A-Z ]+\d{6}))*\s*$"
)
SIPDIS_RE = re.compile(r"^\s*SIPDIS\s*$")
# Every whole-line noise pattern in one, so a line is tested in one call (the reader tests every line).
NOISE_LINE_RE = re.compile(
    "|".join(f"(?:{noise.pattern})" for noise in (PAGE_MARKER_RE, OLD_ROUTING_RE, SPACED_BANNER_RE, BANNER_RE, SIPDIS_RE))
)
REDACTED_DIVIDER_RE = re.compile(r"^[\s\-=_*.]*$")
MAX_FIELD_LINE = 100  # a wrapped header field line is at most about 70 characters
DIVIDER_RUN_RE = re.compile(r"[\-=_*]{3,}")
DIVIDER_RE = re.compile(r"^\s*[\-=_*]{3,}[\s\-=_*]*$")
REASONS_LINE = r"(?:FOR\s+)?REASONS?\b\s*:?\s*(?:SECTION\s*)?1\s*\.\s*[4-6]"
REASONS_LINE_RE = re.compile(r"^\s*" + REASONS_LINE, re.IGNORECASE)
HEADER_FIELD_RE = re.compile(
    r"^\s*(?:E\.?\s?O\.?\s*1\d{4}|TAGS\b|TAG\s*:|S?UBJ(?:ECT)?\s*:|REF(?:S|TEL|TELS)?\b|"
    r"CLASSIFIED\s+BY|DECLASSIFY\s+ON\b|SIPDIS|NOFORN|SENSITIVE\b|STATE\s+FOR\b|PASS\s+TO\b|" + REASONS_LINE + ")",
    re.IGNORECASE,
)
DISTRIBUTION_FIELD_RE = re.compile(r"^\s*(?:STATE\s+FOR|PASS\s+TO)\b", re.IGNORECASE)
ONE_LINE_FIELD_RE = re.compile(r"\bE\.?\s?O\.?\s*1\d{4}|^\s*(?:TAGS\b|TAG\s*:)", re.IGNORECASE)
# ``UBJECT:`` is a SUBJECT label that lost its first letter.
SUBJECT_RE = re.compile(r"^\s*S?UBJ(?:ECT)?\s*:\s*(?P<rest>.*)$", re.IGNORECASE)
MAX_UNLABELLED_SUBJECT = 200
# REF: glued to the word before it (``VISIT TO EGYPTREF: CAIRO 493``), and Classified By
# glued to a number (``MANAMA 510Classified By:``).
GLUED_REF = r"(?<=[A-Z0-9]{2})REF(?:S|TEL|TELS)?\s*:"
CLASSIFIED_BY = r"(?:\b|(?<=\d))CLASSIFIED\s+BY"
CASE_BLIND_LETTERS = frozenset("\u0130\u0131\u017f\u212a")  # İ ı ſ and the Kelvin sign
"""The letters outside ASCII that a case-blind pattern matches to ASCII ones (``ſ`` to ``s``, the Kelvin sign to ``k``).

A line holding none of them matches a case-blind word only where its
lower-cased text holds the word (``tests/test_reader_fields.py`` checks the list).
"""
CASE_BLIND_RE = re.compile("[" + "".join(sorted(CASE_BLIND_LETTERS)) + "]")
# Where a subject runs on into other header text; a time (``14:25``) glued
# before that text belongs to the transmission line, not the subject.
SUBJECT_CUT_RE = re.compile(
    r"\s*(?:\b\d{1,2}:\d{2}\s+)?(?:\bREF(?:S|TEL|TELS|\(S\))?\s*[:.]|"
    + GLUED_REF
    + r"|\bREFERENCES?\s*:|"
    + CLASSIFIED_BY
    + r"\b|\bUNCLAS\b|"
    r"\b(?:[A-Z] ){4,}|\b(?:CONFIDENTIAL|SECRET)\s+SECTION\b|\bSIPDIS\b|\bE\.O\.\s*1\d{4}|"
    r"\bTAGS:|-{4,}|¶|\s\d{1,2}\.\s+\(?[A-Z]|\b(?:THIS CABLE IS\s+)?SENSITIVE BUT UNCLASSIFIED\b).*$",
    re.IGNORECASE,
)
# Where a subject tail stops being tail: Classified By, paragraph 1 or more header fields.
TAIL_END_RE = re.compile(r"(?:\bCLASSIFIED\s+BY\b|¶|(?:^|\s)¶?\d{1,2}\s*\.\s*\(?[A-Z]|\bTAGS:|\bE\.O\.\s*1\d{4}).*$", re.IGNORECASE)
# Transmission noise inside a subject tail: times, banners, section and serial numbers, SIPDIS, dashes.
TAIL_NOISE_RE = re.compile(
    r"\b\d{1,2}:\d{2}\b|\bUNCLAS\b|\bUNCLASSIFIED\b(?=\s+SECTION)|(?:\b[A-Z] ){4,}(?:[A-Z]\b)?|\bSECTION\s+\d+\s+OF\s+\d+|"
    r"\b[A-Z][A-Z ]*\s\d{6}\b|\bSIPDIS\b|-{2,}|\b(?:CONFIDENTIAL|SECRET)\b(?=\s+(?:SECTION|[A-Z ]+\d{6}))"
)
LEADING_MARKING_RE = re.compile(r"^\(\s*(?:U|C|S|SBU|TS|LOU)(?:\s*/+\s*[A-Z]+)*\s*\)\s*")
INLINE_REF_RE = re.compile(r"(?:\bREF(?:S|TEL|TELS)?\s*:|" + GLUED_REF + r")\s*(?P<rest>.*)$")
# Where body text runs on into a REF block that lost its line breaks: paragraph 1,
# an (SBU) marking, the SBU handling notice or a summary.
REF_RUN_ON_RE = re.compile(
    r"\s(?:¶?1\s*\.\s*(?:\(\s*[A-Z]|[A-Z]{2})|\(SBU\)|(?:THIS CABLE IS\s+)?SENSITIVE BUT UNCLASSIFIED\b|SUMMARY\s*[:.]).*$",
    re.IGNORECASE,
)
REF_START_RE = re.compile(r"^\s*REF(?:S|TEL|TELS|ERENCES?|\(S\))?(?![A-Za-z])\s*[:.]?\s*(?P<rest>.*)$", re.IGNORECASE)
REF_ITEM_LINE_RE = re.compile(r"^\s*¶?\s*(?:\(?[A-Z]\)|[A-Z]\.|REF\b)", re.IGNORECASE)
CLASSIFIED_BY_RE = re.compile(CLASSIFIED_BY + r"\s*:?\s*(?P<rest>.*)$", re.IGNORECASE)
REASONS_SPLIT_RE = re.compile(r"\s*\b(?:for\s+)?reasons?\b\s*(?:section\s*)?:?\s*", re.IGNORECASE)
# A line left holding only E.O. reason letters (``(d).``, ``1.4 (b) and (d).``, ``4 (b,d).``).
REASONS_FRAGMENT_RE = re.compile(r"^\s*(?:1\s*\.\s*)?\d?\s*(?:\(?\s*[a-hA-H]\s*\)?\s*(?:,|and|&)?\s*)+[.)]*\s*$")
# The end of the reason letters after ``1.4``: ``(b) and (d).``, ``b,d;``, ``(B, D)``.
REASONS_END_RE = re.compile(
    r"(?:\s*(?:\(\s*[a-hA-H](?:\s*,\s*[a-hA-H])*\s*\)|[a-hA-H](?![A-Za-z])|,|&|and\b|or\b))*\s*[.;]?", re.IGNORECASE
)
WORD_RE = re.compile(r"[A-Za-z]{2,}")
REASONS_RUN_ON_RE = re.compile(r"(?:[,(&]|\band|\bor)\s*$", re.IGNORECASE)
SECTION_RE = re.compile(r"1\s*\.\s*([4-6])")
REASON_LETTER_RE = re.compile(r"(?<![A-Za-z])([a-hA-H])(?![A-Za-z])")
EO_LINE_RE = re.compile(r"^\s*E\.?\s?O\.?\s*1\d{4}\s*[:.]?\s*(?P<rest>.*)$", re.IGNORECASE)
DECL_RE = re.compile(r"\bDECL\b\s*[:.]?\s*(?P<rest>.*)$", re.IGNORECASE)
RAW_TAGS_RE = re.compile(r"^\s*(?:TAGS\b\s*:?|TAG\s*:)\s*(?P<rest>.*)$", re.IGNORECASE)
# The label a summary's text follows; the text runs to END SUMMARY (:data:`END_SUMMARY_RE`) or the paragraph's end.
SUMMARY_RE = re.compile(
    r"\bSUMMARY(?<!END SUMMARY)(?<!END OF SUMMARY)\s*"
    r"(?:(?:AND|&|/)\s*(?:COMMENTS?|INTRODUCTION|BACKGROUND|RECOMMENDATIONS?|KEY\s+POINTS|ACTION(?:\s+REQUESTS?)?)\s*)?"
    r"[:.\-]+\s*",
    re.IGNORECASE,
)
SUMMARY_LEAD_RE = re.compile(r"^\s*SUMMARY\b[\s:.\-]*(?:\([A-Z/]+\)\s*)?", re.IGNORECASE)
SUMMARY_HEADING_RE = re.compile(r"\bSUMMARY\s*[-=_]*$", re.IGNORECASE)
END_SUMMARY_RE = re.compile(r"\(?\bEND\s+(?:OF\s+)?SUMMARY\b", re.IGNORECASE)
# A comma transmitted for an apostrophe: a contraction's or possessive's tail (BUSH,S), or a short tail inside a
# word (Shi,a, Sana,a, Qur,an); not a missing space before a word (al-Megrahi,the; seats,and).
COMMA_APOSTROPHE_RE = re.compile(
    r",(?:(?<=[A-Za-z],)(?=(?:s|S|t|T|re|ve|ll)\b)|(?<=[a-z],)(?!(?:and|the|but|for|etc|yet|or|if|as|at|in|on|to|of|by)\b)(?=[a-z]{1,3}\b))"
)
MARKING_LEVELS = {"U", "C", "S", "SBU", "TS", "LOU"}
CAVEAT_ABBREVIATIONS = {"NOFORN": "NF", "NF": "NF", "REL": "REL", "ORCON": "OC", "OC": "OC"}
SIGNATURE_RE = re.compile(r"^[A-Z][A-Za-z'-]+(?: [A-Z][A-Za-z.'-]+){0,2}$")
PARTIAL_EXTRACT = "This record is a partial extract of the original cable."


class CableError(ValueError):
    """A file that is not a readable cable; the message names the line and why."""

    def __init__(self, source: str, line: int | None, reason: str) -> None:
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {reason}")
        self.source = source
        self.line = line
        self.reason = reason


class CableFile(NamedTuple):
    """A cable file as read: its cable, its name as :func:`printable` writes it, and the SHA-1 of its bytes.

    The digest is an update's test for a changed file.
    """

    cable: Cable
    source: str
    digest: str


def read_file(path: str | Path) -> CableFile:
    """Read and parse the cable file at ``path`` (at most :data:`MAX_BYTES`); the one read path of builds, tests and benchmarks."""
    source = printable(path)
    data = read_bytes(path)
    return CableFile(read_cable(decode(data, source), source), source, content_digest(data))


def content_digest(data: bytes) -> str:
    """The digest recorded for a cable file's bytes: an update's test, and ``show --raw``'s, for a changed file."""
    return hashlib.sha1(data).hexdigest()


def read_bytes(path: str | Path) -> bytes:
    """The bytes of the regular file at ``path``, at most :data:`MAX_BYTES`; else :class:`CableError`.

    Only a regular file is read: a FIFO would block forever and ``/dev/zero``
    never ends, so anything else is refused before it is opened.  The open does
    not block either (``O_NONBLOCK``), and the open file is checked again, in
    case the name was swapped between the two looks.  The first read asks
    for the size the file has (asking for the cap would allocate the cap each
    time); only a file that grew meanwhile is read on, up to the cap.
    """
    source = printable(path)
    try:
        _check_regular(os.stat(path).st_mode, source)
        with open(os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY), "rb") as handle:
            info = os.fstat(handle.fileno())
            _check_regular(info.st_mode, source)
            data = handle.read(min(info.st_size, MAX_BYTES) + 1)
            if info.st_size < len(data) <= MAX_BYTES:
                data += handle.read(MAX_BYTES + 1 - len(data))
    except OSError as error:
        raise CableError(source, None, f"cannot be read ({error.strerror or type(error).__name__})") from None
    if len(data) > MAX_BYTES:
        raise CableError(source, None, f"larger than {MAX_BYTES // (1024 * 1024)} MiB; not a cable")
    return data


def _check_regular(mode: int, source: str) -> None:
    """Raise :class:`CableError` saying what the file is, unless it is a regular file."""
    if not stat.S_ISREG(mode):
        kind = NOT_REGULAR.get(stat.S_IFMT(mode), "a special file")
        raise CableError(source, None, f"is {kind}, not a cable file")


def decode(data: bytes, source: str = "<bytes>") -> str:
    """Decode cable bytes: UTF-8 (a BOM is dropped), or UTF-16 where a BOM says so."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise CableError(source, None, "has a UTF-16 byte-order mark but is not valid UTF-16") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise CableError(source, line, "is not UTF-8; convert it to UTF-8") from None


def read_cable(text: str, source: str = "<text>") -> Cable:
    """Parse the text of one cable file; raise :class:`CableError` if it is not one."""
    try:
        return _parse(text, source)
    except CableError:
        raise
    except (ValueError, IndexError, TypeError, AttributeError, RecursionError) as error:
        raise CableError(source, None, f"unreadable cable ({type(error).__name__})") from None


FIRST_YEAR = 1900
LAST_YEAR = 2099
"""The years a cable's created date may fall in (the published cables run from 1966 to 2010; a year 0001 or 9999
is a damaged header, and would stretch every timeline over millennia)."""


def _parse(text: str, source: str) -> Cable:
    """Split the file into header, raw text and footer, and read each."""
    if "\x00" in text:
        raise CableError(source, text.count("\n", 0, text.index("\x00")) + 1, "contains a NUL byte; not a text file")
    if "\n" not in text:
        text = text.replace("\r", "\n")  # classic Mac line ends: carriage returns alone
    lines = [line.rstrip("\r") for line in text.split("\n")]
    header = _read_header(lines, source)
    raw = _skip_preview(_raw_lines(lines, source), header)
    year = header["created"].year
    return _build_record(header, raw, year)


def _read_header(lines: list[str], source: str) -> dict:
    """Read the fixed published header (lines 1 to 14)."""
    if len(lines) < 14:
        raise CableError(source, len(lines), "ends inside the header; the published layout has 14 header lines")
    for number, label in enumerate(HEADER_LABELS, start=1):
        if lines[number - 1].strip() != label:
            raise CableError(source, number, f"expected the header label {label!r}")
    cable_id = lines[4].strip()
    if not ID_RE.match(cable_id):
        raise CableError(source, 5, "the identifier is not a cable reference id")
    try:
        created = datetime.strptime(lines[5].strip(), "%Y-%m-%d %H:%M:%S")
    except ValueError:
        raise CableError(source, 6, "the created date is not 'YYYY-MM-DD HH:MM:SS'") from None
    if not FIRST_YEAR <= created.year <= LAST_YEAR:
        raise CableError(source, 6, f"the created date's year {created.year} is not a telegram's ({FIRST_YEAR}-{LAST_YEAR})")
    classification = _clean(lines[6])
    if not classification:
        raise CableError(source, 7, "the classification is empty")
    origin = _clean(lines[7])
    if not origin:
        raise CableError(source, 8, "the origin is empty")
    if not lines[8].startswith("Cable title:"):
        raise CableError(source, 9, "expected 'Cable title:'")
    if not lines[12].startswith("Tags:"):
        raise CableError(source, 13, "expected 'Tags:'")
    if not lines[13].startswith("pdf"):
        raise CableError(source, 14, "expected the 'pdf how-to read a cable' line")
    tags = split_tags(tuple(tag.upper() for tag in _split_tags(lines[12][len("Tags:") :])))
    return {
        "id": cable_id,
        "created": created,
        "classification": classification,
        "origin": origin,
        "title": _clean(lines[10]),
        "tags": tags,
    }


def _split_tags(text: str) -> list[str]:
    """Split a tag list; the site separates tags with a no-break space."""
    return [tag for tag in re.split(r"[\s,;]+", text.replace(NBSP, " ")) if tag]


def _raw_lines(lines: list[str], source: str) -> list[str]:
    """The raw telegram text: after the header, before the share footer."""
    for index in range(len(lines) - 1, 13, -1):
        if lines[index].strip() == FOOTER:
            text = "\n".join(lines[14:index]).replace("\u2028", " ").replace("\u2029", " ").replace("\t", " ")
            return text.split("\n") if index > 14 else []
    raise CableError(source, len(lines), f"no {FOOTER!r} footer; the file looks truncated")


def _skip_preview(raw: list[str], header: dict) -> list[str]:
    """Drop a truncated preview that the published text repeats the cable after.

    Some files hold the start of the cable cut off with ``...``, then a record
    of the cable and the whole cable again.  The record is a block of lines
    (number, ``YYYY-MM-DD`` date, the cable id, origin, classification), a
    labelled block (``refid: 06LIMA748`` ... ``--- header ends ---``) or a CSV
    row (``21950,10/22/2004 15:09,04THEHAGUE2735,...``); the cable is the text
    after it.
    """
    for index, line in enumerate(raw):
        if header["id"] not in line:
            continue
        if line.strip() == header["id"] and any(RECORD_DATE_RE.match(before) for before in raw[max(0, index - 3) : index]):
            return _after_record_block(raw[index + 1 :], header)
        if line.startswith("refid:") and line[len("refid:") :].strip() == header["id"]:
            rest = raw[index + 1 :]
            end = next((position for position, text in enumerate(rest) if HEADER_ENDS_RE.match(text)), -1)
            return rest[end + 1 :]
        csv = CSV_RECORD_RE.match(line)
        if csv and csv.group("id") == header["id"]:
            return _csv_text(raw[index:])
    return raw


def _after_record_block(rest: list[str], header: dict) -> list[str]:
    """The lines after a record block's id line, past its origin and classification lines."""
    for value in (header["origin"], header["classification"]):
        first = next((position for position, text in enumerate(rest) if text.strip()), None)
        if first is not None and _clean(rest[first]) == value:
            rest = rest[first + 1 :]
    return rest


def _csv_text(lines: list[str]) -> list[str]:
    """The cable text field of a CSV record: after the first ``","``, quotes un-doubled."""
    for index, line in enumerate(lines):
        if '","' in line:
            text = [line.split('","', 1)[1]] + lines[index + 1 :]
            return [part.replace('""', '"') for part in text]
    return lines


def _build_record(header: dict, raw: list[str], year: int) -> Cable:
    """Read the raw-text fields and paragraphs and assemble the record."""
    raw = _split_glued_first_paragraph(raw)
    body_start = _body_start(raw)
    preamble = raw[:body_start]
    body = _lead_lines(raw, body_start) + raw[body_start:]
    paragraphs = _paragraphs(body, header["id"]) or _paragraphs(raw[_header_anchor(raw) or 0 :], header["id"])
    subject, subject_tail = _subject(preamble) or _subject(raw) or (header["title"], "")
    subject = _subject_without_transmission(subject, _marker_city(header["id"])) or header["title"]
    tags = header["tags"] or _raw_tags(raw)
    classified_by, reasons = _classified_by(raw)
    name, title = classifier(classified_by)
    reference_text = _clean(_strip_markers(_ref_text(preamble), _marker_city(header["id"])))
    to, info = addressees(preamble)
    return Cable(
        id=header["id"],
        created=header["created"],
        classification=header["classification"],
        origin=header["origin"],
        title=header["title"],
        tags=tags,
        subject=subject,
        references=tuple(parse_references(reference_text, year)),
        classified_by=classified_by,
        reasons=reasons,
        declassify_on=_declassify_on(preamble or raw),
        summary=_summary(paragraphs),
        paragraphs=tuple(paragraphs),
        classified_by_name=name,
        classified_by_title=title,
        reference_text=reference_text,
        addressees=to,
        info_addressees=info,
        distribution=distribution(_without_subjects(preamble), _is_other_field),
        subject_tail=subject_tail,
    )


def _clean(text: str) -> str:
    """Collapse whitespace (no-break spaces included) and strip."""
    return " ".join(text.split())


def _classified_by_search(line: str) -> re.Match | None:
    """:data:`CLASSIFIED_BY_RE` searched in ``line``, skipping the search where it cannot match.

    The reader asks this of nearly every line, and few hold the words.
    """
    return CLASSIFIED_BY_RE.search(line) if _may_hold(line, "classified") else None


def _may_hold(text: str, word: str) -> bool:
    """False where a case-blind pattern cannot find ``word`` (lower case) in ``text``, so its search can be skipped.

    That is a text whose lower-cased form lacks the word and that holds none
    of the :data:`CASE_BLIND_LETTERS` (a text with one is always searched).
    An ASCII text holds none of them (Python knows that without reading it); any other is looked through once.
    """
    return word in text.lower() or not (text.isascii() or CASE_BLIND_RE.search(text) is None)


def _inline_ref_search(line: str) -> re.Match | None:
    """:data:`INLINE_REF_RE` searched in ``line``; a line without ``REF`` (the pattern is case-sensitive) cannot match."""
    return INLINE_REF_RE.search(line) if "REF" in line else None


def _split_glued_first_paragraph(raw: list[str]) -> list[str]:
    """Break the first header line that body text runs on after, so no header field swallows it.

    Some published texts lost the line breaks after the header
    (``CLASSIFIED BY: Gene A. Cretz ... REASON: 1.4 (b), (d) 1.(C) In a brief
    meeting ...``); the line is split there, with a blank line between.
    """
    for index, line in enumerate(raw):
        cut = _glued_body_start(line)
        if cut is not None:
            return raw[:index] + [line[:cut], "", line[cut:]] + raw[index + 1 :]
    return raw


def _glued_body_start(line: str) -> int | None:
    """Where body text starts inside a header line (or a line holding REF or Classified By,
    or after a heading underline), or None.

    Paragraph 1's number counts with a marking or a pilcrow, or before a
    mixed-case word; an unnumbered paragraph counts by its marking before a
    mixed-case word (``REF: SECSTATE 72078 (U) Embassy London has ...``) when
    field text comes before it; after a Classified By line's complete reasons
    (``... per 1.4 (b) and (d). -- (C) During a November 3 meeting ...``),
    three or more further words are body text too.  Each of these starts
    holds a ``1`` or a ``(``, so a line with neither is passed over at once
    (this runs on every line of every cable).
    """
    if "1" not in line and "(" not in line:
        return None
    host = HEADER_FIELD_RE.match(line) or LEADING_DIVIDER_RE.match(line)
    classified = _classified_by_search(line)
    inline_ref = _inline_ref_search(line)
    starts = [
        found
        for found in (host and host.end(), classified and classified.start("rest"), inline_ref and inline_ref.start("rest"))
        if found is not None
    ]
    if not starts:
        return None
    for glued in GLUED_FIRST_RE.finditer(line, min(starts)):
        rest = line[glued.start() :]
        match = PARA_START_RE.match(rest)
        if match and (match.group("pilcrow") or _normalise_marking(match.group("marking")) or UNMARKED_FIRST_RE.match(rest)):
            return glued.start()
    marked = MARKED_TEXT_RE.search(line, min(starts))
    if marked and line[min(starts) : marked.start()].strip():
        return marked.start()
    section = SECTION_RE.search(line, classified.start("rest")) if classified else None
    if section:
        reasons = REASONS_END_RE.match(line, section.end())
        assert reasons is not None  # the pattern matches the empty string too
        end = reasons.end()
        if len(WORD_RE.findall(line[end:])) >= 3:
            return end
    return None


def _body_start(raw: list[str]) -> int:
    """Index of the first body line: paragraph 1, else the end of the header fields."""
    for index, line in enumerate(raw):
        match = PARA_START_RE.match(line)
        if match and int(match.group("number")) == 1 and (match.group("pilcrow") or match.group("marking") or _after_blank(raw, index)):
            return index
    return _header_end(raw)


def _lead_lines(raw: list[str], body_start: int) -> list[str]:
    """Text between the header fields and paragraph 1, which would otherwise be lost.

    Key points, a salutation or a summary often come before paragraph 1
    (``Summary: (C) In a January 20 meeting ...``); they are body text.  Header
    fields met on the way (a section's repeated header, a Classified By line)
    and leftover reason letters (``(d).``) are skipped, and a heading keeps its
    words but not its underline dashes.  Without a header anchor
    there is no header end to start from, so nothing is taken.
    """
    if _header_anchor(raw) is None:
        return []
    kept: list[str] = []
    index = _header_end(raw)
    while index < body_start:
        line = raw[index]
        if HEADER_FIELD_RE.match(line) or _classified_by_search(line) or is_distribution_start(line):
            index = _fields_end(raw, index)
            continue
        if not REASONS_FRAGMENT_RE.match(line):
            kept.append(DIVIDER_RUN_RE.sub(" ", line))
        index += 1
    return kept


def _header_end(raw: list[str]) -> int:
    """Index just past the header fields (SUBJECT, REF, Classified By...) for unnumbered cables."""
    anchor = _header_anchor(raw)
    if anchor is None:
        return _first_content(raw)
    return _fields_end(raw, anchor)


def _fields_end(raw: list[str], field: int) -> int:
    """Index just past the header field at ``field`` and the fields, REF items and noise after it."""
    index = _field_end(raw, field)
    while index < len(raw):
        line = raw[index]
        if not line.strip() or _is_noise(line):
            index += 1
        elif _is_ref_item(line, raw[field]):
            field = index if REF_START_RE.match(line) else field
            index += 1
        elif HEADER_FIELD_RE.match(line):
            field, index = index, _field_end(raw, index)
        else:
            break
    return index


def _holds_field(line: str) -> bool:
    """True for a line with an E.O., TAGS, REF or Classified By field inside it."""
    return bool(ONE_LINE_FIELD_RE.search(line) or _inline_ref_search(line) or _classified_by_search(line))


def _is_ref_item(line: str, field: str) -> bool:
    """True for a short line naming a cable (``REF: STATE 40380``, ``B. OTTAWA 263``) in a REF field.

    ``field`` is the header field the line follows; letter items count only there,
    so a body line such as ``(C) 1. In a visit ...`` is not taken for one.
    """
    in_ref = REF_START_RE.match(line) or (REF_START_RE.match(field) and REF_ITEM_LINE_RE.match(line))
    return bool(in_ref) and len(line.strip()) <= 80 and bool(re.search(r"\d", line))


def _header_anchor(raw: list[str]) -> int | None:
    """Index of the SUBJECT line (else TAGS or DECL line) that anchors the header fields."""
    anchor = next(iter(_subject_starts(raw)), None)
    if anchor is None:
        anchor = next((i for i, line in enumerate(raw) if RAW_TAGS_RE.match(line) or DECL_RE.search(line)), None)
    return anchor


def _after_blank(raw: list[str], index: int) -> bool:
    """True when the line at ``index`` follows a blank line (or starts the text)."""
    return index == 0 or not raw[index - 1].strip()


def _first_content(raw: list[str]) -> int:
    """Index of the first line that is not routing, banner or blank."""
    for index, line in enumerate(raw):
        if line.strip() and not _is_noise(line) and not line.startswith(PARTIAL_EXTRACT):
            return index
    return len(raw)


def _field_end(raw: list[str], index: int) -> int:
    """Index just past a header field and its continuation lines.

    E.O. and TAGS lines never wrap, so a line after one (also after an office
    line with the E.O. glued on) is not a continuation: in old cables whose
    repeated header has no blank line after it, it is already the text.  The
    same holds after a Classified By line whose reasons are complete.  A
    field wraps at telegram width, so a longer line is text, not continuation,
    unless header fields were glued into it.
    """
    end = index
    while not ONE_LINE_FIELD_RE.search(raw[end]) and not _reasons_complete(raw[end]):
        end += 1
        if end >= len(raw) or not raw[end].strip() or HEADER_FIELD_RE.match(raw[end]) or PARA_START_RE.match(raw[end]):
            return end
        if len(raw[end].strip()) > MAX_FIELD_LINE and not _holds_field(raw[end]):
            return end
    return end + 1


def _is_noise(line: str) -> bool:
    """True for transmission lines that are never content."""
    return bool(NOISE_LINE_RE.match(line) or (_old_page(line) and not OLD_PAGE_HEADER_RE.sub("", line).strip()))


def _is_q_duplicate(line: str, previous: str) -> bool:
    """True for a line resent with a leading ``Q`` right after the original."""
    stripped = line.strip()
    return len(stripped) > 10 and stripped[0] == "Q" and stripped[1:].replace("¶", "").strip() == previous.replace("¶", "").strip()


def _marker_city(cable_id: str) -> str:
    """The place name of the cable id (``09NEWDELHI265`` -> ``NEWDELHI``), as page markers spell it."""
    return re.sub(r"^\d{2}|\d+$", "", cable_id).upper()


def _strip_markers(line: str, city: str) -> str:
    """Remove page markers (``NEW DELHI 00006983 002 OF 003``) embedded in a line.

    The site cuts the place name to ten characters (``USUN NEW Y``, ``Kuala lump``)
    and may drop a prefix (``Dubai`` for RPODUBAI), so the words before the numbers
    are dropped when, run together, they start or end the cable's place name; words
    of another post are dropped when upper-case.  The numbers are never text.
    """

    def replace(match: re.Match) -> str:
        words = match.group(1).split()
        for start in range(len(words)):
            name = "".join(words[start:]).upper().replace("'", "")
            if len(name) >= 3 and (city.startswith(name) or city.endswith(name)):
                return " ".join(words[:start] + [""])
        while words and len(words[-1]) >= 3 and words[-1].isupper() and words[-1].isalpha():
            words.pop()
        return " ".join(words + [""])

    return INLINE_MARKER_RE.sub(replace, line)


def _subject_without_transmission(subject: str, city: str) -> str:
    """A subject without the transmission text a wrapped SUBJECT line took in: a page marker and the ``CLASSIFIED``
    that follows it (``... TO LIBYA TRIPOLI 00000939 001.2 OF 003 CLASSIFIED``), and a forwarded message's
    routing prefix and serial (``TRIPOLI 00000198 P CO 03-MAR-09 BLACK SHEEP ... [8590535]``)."""
    cleaned = FORWARDED_ROUTING_RE.sub("", subject)
    if MARKER_NUMBERS_RE.search(cleaned):
        cleaned = MARKER_LEFTOVER_RE.sub("", _strip_markers(cleaned, city))
    return subject if cleaned == subject else " ".join(cleaned.split())


def _strip_old_page_header(line: str) -> str:
    """Drop an old-format page header (``PAGE 02 ROME 01196 01 OF 02 082030Z``), keeping text glued after it."""
    return OLD_PAGE_HEADER_RE.sub("", line) if _old_page(line) else line


def _old_page(line: str) -> bool:
    """True for a line opening with an old-format page header; only a line holding ``PAGE`` is matched (most lines lack it)."""
    return "PAGE" in line and OLD_PAGE_RE.match(line) is not None


def _strip_inline_noise(line: str, city: str) -> str:
    """Remove page markers, old page headers and end banners embedded in a line."""
    line = _strip_old_page_header(line)
    if "CABLE ENDS" in line:
        line = CABLE_ENDS_RE.sub(" ", line)
    if MARKER_NUMBERS_RE.search(line):
        line = _strip_markers(line, city)
    return line


def _clean_body(lines: list[str], city: str) -> list[str]:
    """Drop noise lines, Q duplicates and header blocks repeated after a banner."""
    kept: list[str] = []
    previous = ""
    index = 0
    while index < len(lines):
        line = _strip_inline_noise(lines[index], city)
        if _is_noise(line):
            if SPACED_BANNER_RE.match(line) or "SECTION" in line:
                index = _skip_repeated_header(lines, index + 1)
                continue
            index += 1
            continue
        if (line.strip() and _is_q_duplicate(line, previous)) or DIVIDER_RE.match(line):
            index += 1
            continue
        if line.strip():
            previous = line
        kept.append(line)
        index += 1
    return kept


def _skip_repeated_header(lines: list[str], index: int) -> int:
    """Skip the header block a section break repeats (SIPDIS, E.O., TAGS, SUBJECT...)."""
    probe = index
    while probe < len(lines) and not lines[probe].strip():
        probe += 1
    if probe >= len(lines) or not HEADER_FIELD_RE.match(lines[probe]):
        return index
    while probe < len(lines):
        if not lines[probe].strip():
            probe += 1
        elif HEADER_FIELD_RE.match(lines[probe]):
            probe = _field_end(lines, probe)
        else:
            break
    return probe


def _paragraphs(body: list[str], cable_id: str) -> list[Paragraph]:
    """Split the cleaned body into numbered paragraphs (sub-paragraphs stay with their parent)."""
    paragraphs: list[Paragraph] = []
    number: int | None = None
    marking: str | None = None
    buffer: list[str] = []
    last_number = 0
    lines = _clean_body(body, _marker_city(cable_id))
    tail = _last_lines(lines)
    index = 0
    while index < len(lines):
        match = PARA_START_RE.match(lines[index])
        opens = bool(match and _starts_paragraph(match, last_number, lines, index))
        if _split_glued_start(lines, index, int(match.group("number")) + 1 if match and opens else last_number + 1):
            tail = _last_lines(lines)
            match = PARA_START_RE.match(lines[index])
        if opens:
            assert match is not None  # opens is only true for a line PARA_START_RE matched
            _flush(paragraphs, number, marking, buffer)
            number = int(match.group("number"))
            last_number = number
            marking = _normalise_marking(match.group("marking"))
            buffer = (
                [match.group("rest")]
                if marking is not None or match.group("marking") is None
                else [match.group("marking") + " " + match.group("rest")]
            )
        else:
            if number is not None and index in tail and _is_signature_start(lines, index, tail):
                _flush(paragraphs, number, marking, buffer)
                number, marking, buffer = None, None, []
            buffer.append(lines[index])
        index += 1
    _flush(paragraphs, number, marking, buffer)
    return paragraphs


def _last_lines(lines: list[str]) -> list[int]:
    """Indexes of the last two non-blank lines (where a signature can start)."""
    found: list[int] = []
    for index in range(len(lines) - 1, -1, -1):
        if lines[index].strip():
            found.insert(0, index)
            if len(found) == 2:
                break
    return found


def _split_glued_start(lines: list[str], index: int, expected: int) -> bool:
    """Split a line where paragraph ``expected`` starts mid-line.

    Some cables lose the line break before a paragraph (``... meeting. 28. (SBU)
    Strengthening ...``, or after a heading's dashes); only the next number with
    a marking, after a sentence end or a dash, counts, so numbers inside the text
    (``para 2.``) are left alone.  Returns True if it split.
    """
    line = lines[index]
    if str(expected) not in line:
        return False
    for glued in GLUED_START_RE.finditer(line):
        if int(glued.group("number")) == expected and _normalise_marking(glued.group("marking")):
            lines[index : index + 1] = [line[: glued.start("start")], line[glued.start("start") :]]
            return True
    return False


def _starts_paragraph(match: re.Match, last_number: int, lines: list[str], index: int) -> bool:
    """Decide whether a line beginning ``N.`` opens paragraph N or is wrapped text."""
    number = int(match.group("number"))
    if number == 0 or number > last_number + 10:
        return False
    if match.group("pilcrow") or match.group("marking"):
        return True
    return _after_blank(lines, index) and number > last_number


def _is_signature_start(lines: list[str], index: int, tail: list[int]) -> bool:
    """True for the last short block of the body after a blank line: the signature.

    ``tail`` holds the indexes of the last two non-blank lines; a signature is one
    or two short upper-case lines (``BREESE``) or a single name line (``Watson``).
    """
    rest = [lines[position].strip() for position in tail if position >= index]
    if not _after_blank(lines, index):
        previous = lines[index - 1].rstrip()
        return len(rest) == 1 and bool(SIGNATURE_RE.match(rest[0])) and previous.endswith((".", '"', "”", ")"))
    if len(rest) == 1 and SIGNATURE_RE.match(rest[0]):
        return True
    return all(len(line) <= 40 and line.upper() == line for line in rest)


def _flush(paragraphs: list[Paragraph], number: int | None, marking: str | None, buffer: list[str]) -> None:
    """Close the paragraph being read, if it has any text."""
    text = _join_lines(buffer)
    if text and not REDACTED_DIVIDER_RE.match(text):
        paragraphs.append(Paragraph(number, marking, text))


def _join_lines(lines: list[str]) -> str:
    """Unwrap lines into one string: hyphenated line ends joined, apostrophes restored."""
    pieces: list[str] = []
    for line in lines:
        stripped = _clean(line)
        if not stripped:
            continue
        if pieces and pieces[-1].endswith("-") and len(pieces[-1]) > 1 and pieces[-1][-2].isalpha() and stripped[0].isalpha():
            pieces[-1] = pieces[-1] + stripped
        else:
            pieces.append(stripped)
    return COMMA_APOSTROPHE_RE.sub("'", " ".join(pieces))


def _normalise_marking(raw: str | None) -> str | None:
    """Normalise a paragraph marking: ``(S/NF)`` -> ``S//NF``; None if it is not one."""
    if not raw:
        return None
    parts = [part.strip().upper() for part in re.split(r"[/\-]+", raw.strip("() \t")) if part.strip()]
    if not parts or parts[0] not in MARKING_LEVELS:
        return None
    caveats = [CAVEAT_ABBREVIATIONS.get(part, part) for part in parts[1:]]
    return "//".join([parts[0], *caveats])


def _subject(lines: list[str]) -> tuple[str, str] | None:
    """The full subject and its tail, or None without a SUBJECT line (or with an empty one).

    The subject is the SUBJECT line and its continuation, cut before REF,
    Classified By, a banner or a handling notice; the tail is what was cut
    that no other field keeps (see :func:`_subject_tail`).
    """
    for index in _complete_first(_subject_starts(lines), lambda start: " ".join(_subject_lines(lines, start)))[:1]:
        text = _join_lines(_subject_lines(lines, index))
        cut = SUBJECT_CUT_RE.search(text)
        subject = LEADING_MARKING_RE.sub("", text[: cut.start()] if cut else text).strip()
        return (subject, _subject_tail(cut.group() if cut else "")) if subject else None
    return None


def _complete_first(indexes: list[int], text_of: Callable[[int], str]) -> list[int]:
    """Field line indexes with the ones whose text a truncated preview cut off (ending ``...``) last.

    A preview of the cable before its full text repeats the header with its
    values cut (``SAAKASHVILI, ALLIE...``); the full field later is the value.
    """
    return sorted(indexes, key=lambda index: text_of(index).rstrip().endswith("..."))


def _subject_tail(cut: str) -> str:
    """The words of text cut from a subject line that no other field keeps.

    A REF block, the Classified By text and a paragraph that run on into the
    subject are read as those fields; banners, SIPDIS and transmission times
    are noise.  What remains is typically a handling notice (``SENSITIVE BUT
    UNCLASSIFIED``).
    """
    ref = _inline_ref_search(cut) or REF_START_RE.match(cut)
    if ref:
        run_on = REF_RUN_ON_RE.search(ref.group("rest"))
        cut = cut[: ref.start()] + (run_on.group() if run_on else "")
    cut = TAIL_END_RE.sub("", cut)
    return _clean(TAIL_NOISE_RE.sub(" ", cut)).strip(" .,;:-")


def _subject_starts(lines: list[str]) -> list[int]:
    """Indexes of the SUBJECT lines, or of the unlabelled subject line when no line is labelled."""
    starts = [index for index, line in enumerate(lines) if ":" in line and SUBJECT_RE.match(line)]
    unlabelled = None if starts else _unlabelled_subject(lines)
    return starts if unlabelled is None else [unlabelled]


def _unlabelled_subject(lines: list[str]) -> int | None:
    """The index of a subject line that lost its ``SUBJECT:`` label, or None.

    It is the first line after the first TAGS line (a blank line between
    allowed): a short line of capitals (``54th`` allowed) with three or more
    words before any REF or other run-on text, that is no other header field,
    paragraph start or noise
    (``BRAZIL: CHAOS IN AIRPORTS NATIONWIDE AS AIR TRAFFIC CONTROLLERS ...``).
    """
    tags = next((index for index, line in enumerate(lines) if RAW_TAGS_RE.match(line)), None)
    if tags is None:
        return None
    following = next((index for index in range(tags + 1, min(tags + 3, len(lines))) if lines[index].strip()), None)
    if following is None:
        return None
    line = lines[following]
    words = SUBJECT_CUT_RE.sub("", line).split()
    if (
        len(words) < 3
        or len(" ".join(words)) > MAX_UNLABELLED_SUBJECT
        or not all(word.upper() == word or word[0].isdigit() for word in words)
    ):
        return None
    if HEADER_FIELD_RE.match(line) or PARA_START_RE.match(line) or _classified_by_search(line) or _is_noise(line):
        return None
    return None if is_distribution_start(line) else following


def _subject_lines(lines: list[str], index: int) -> list[str]:
    """The text of the SUBJECT line at ``index`` (label dropped) and its continuation lines."""
    labelled = SUBJECT_RE.match(lines[index])
    parts = [labelled.group("rest") if labelled else lines[index]]
    for follow in lines[index + 1 :]:
        if not follow.strip() or HEADER_FIELD_RE.match(follow) or PARA_START_RE.match(follow) or _is_noise(follow):
            break
        parts.append(follow)
    return parts


def _without_subjects(lines: list[str]) -> list[str]:
    """The lines with every SUBJECT line and its continuation blanked, so they are not read as other fields."""
    kept = list(lines)
    for index in _subject_starts(lines):
        count = len(_subject_lines(lines, index))
        kept[index : index + count] = [""] * count
    return kept


def _is_other_field(line: str) -> bool:
    """True for a header line that belongs to a field other than distribution (or is noise)."""
    if DISTRIBUTION_FIELD_RE.match(line):
        return False
    return bool(HEADER_FIELD_RE.match(line) or _classified_by_search(line) or PARA_START_RE.match(line) or _is_noise(line))


def _raw_tags(raw: list[str]) -> tuple[str, ...]:
    """Tags from the raw ``TAGS:`` line, for cables whose header list is empty."""
    for line in raw:
        match = RAW_TAGS_RE.match(line)
        if match:
            return split_tags(tuple(tag.upper() for tag in _split_tags(match.group("rest"))))
    return ()


def _ref_text(preamble: list[str]) -> str:
    """The REF block of the header: the REF line and the item lines that follow it
    (up to a Classified By glued after the last item)."""
    start, first = _ref_start(preamble)
    if start is None:
        return ""
    parts = [first]
    for follow in preamble[start + 1 :]:
        follow = _strip_old_page_header(follow)
        if not follow.strip() or _is_noise(follow):
            continue
        classified = _classified_by_search(follow)
        if classified and REF_ITEM_LINE_RE.match(follow):
            parts.append(follow[: classified.start()])
        if classified or PARA_START_RE.match(follow) or (HEADER_FIELD_RE.match(follow) and not REF_START_RE.match(follow)):
            break
        if not REF_ITEM_LINE_RE.match(follow) and not parts[-1].rstrip().endswith((",", ";", "AND")):
            break
        parts.append(follow)
    text = CLASSIFIED_BY_RE.sub("", _clean(" ".join(parts)))
    return REF_RUN_ON_RE.sub("", text).strip()


def _ref_start(preamble: list[str]) -> tuple[int | None, str]:
    """Where the REF block starts and its first text: a REF line, or a REF: run on
    into the SUBJECT line or one of its continuation lines."""
    subjects = _subject_starts(preamble)
    for index, line in enumerate(preamble):
        if index in subjects:
            for offset, part in enumerate(_subject_lines(preamble, index)):
                inline = _inline_ref_search(part)
                if inline:
                    return index + offset, inline.group("rest")
        match = REF_START_RE.match(line)
        if match:
            return index, match.group("rest")
    return None, ""


def _classified_by(raw: list[str]) -> tuple[str | None, tuple[str, ...]]:
    """Who classified the cable and under which E.O. reasons (``1.4(b)``...)."""
    found = [index for index, line in enumerate(raw) if _classified_by_search(line)]
    for index in _complete_first(found, raw.__getitem__):
        match = _classified_by_search(raw[index])
        assert match is not None  # found holds only lines it matched
        repeated = CLASSIFIED_BY_RE.match(match.group("rest"))
        text = _clean(" ".join(_classified_by_lines(raw, index, (repeated or match).group("rest"))))
        split = REASONS_SPLIT_RE.split(text, maxsplit=1)
        if len(split) == 1:
            section = SECTION_RE.search(text)
            name, reasons_text = (text[: section.start()], text[section.start() :]) if section else (text, "")
        else:
            name, reasons_text = split
        name = name.strip(" ,;:-")
        if name.endswith(".") and not re.search(r"(?:^|[\s,.])(?:Jr|Sr|[A-Z])\.$", name):
            name = name[:-1].rstrip()
        return (name or None), _reasons(reasons_text)
    return None, ()


def _classified_by_lines(raw: list[str], index: int, first: str) -> list[str]:
    """The Classified By text and its continuation lines.

    A ``Reasons: 1.4 (b) and (d)`` line belongs to it even after a blank line,
    when the lines before it gave no reasons; a line that gave complete reasons
    has no continuation (the text after it is the body).
    """
    parts = [first]
    for follow in [] if _reasons_complete(raw[index]) else raw[index + 1 : index + 3]:
        if not follow.strip() or PARA_START_RE.match(follow) or _is_noise(follow):
            break
        parts.append(follow)
    if not SECTION_RE.search(" ".join(parts)):
        end = index + len(parts)
        following = next((line for line in raw[end : end + 3] if line.strip()), "")
        if REASONS_LINE_RE.match(following):
            parts.append(following)
    return parts


def _reasons_complete(line: str) -> bool:
    """True for a Classified By line that gives its reasons and does not run on (no trailing ``,``, ``and``, ``(``)."""
    return bool(_classified_by_search(line) and _reasons(line) and not REASONS_RUN_ON_RE.search(line))


def _reasons(text: str) -> tuple[str, ...]:
    """Normalise E.O. reasons: ``1.4 (b) and (d)`` -> ``("1.4(b)", "1.4(d)")``."""
    section = SECTION_RE.search(text)
    if not section:
        return ()
    rest = text[section.end() :]
    end = re.search(r"\)\s*[.;]|\.\s|$", rest)
    letters: list[str] = []
    for letter in REASON_LETTER_RE.findall(rest[: end.end()] if end else rest):
        reason = f"1.{section.group(1)}({letter.lower()})"
        if reason not in letters:
            letters.append(reason)
    return tuple(letters)


def _declassify_on(lines: list[str]) -> date | str | None:
    """The DECL: value: a date where it is one, else the text as written."""
    for line in lines:
        match = DECL_RE.search(line) or EO_LINE_RE.search(line)
        if match and (EO_LINE_RE.search(line) or "DECL" in line.upper()):
            value = _clean(match.group("rest"))
            if not value:
                continue
            value = re.split(r"\s*TAGS\b", value)[0].strip(" .,;")
            return _parse_date(value) or value or None
    return None


@lru_cache(maxsize=1 << 12)
def _parse_date(text: str) -> date | None:
    """Parse the date formats DECL lines use; None when it is not a date.

    Memoised: ``strptime`` is slow, a value often fails several formats
    before one fits, and the same DECL values recur from cable to cable.
    """
    token = text.split(" ")[0] if text else ""
    for pattern in ("%m/%d/%Y", "%Y/%m/%d", "%Y-%m-%d", "%m/%d/%y", "%m-%d-%Y", "%m-%d-%y", "%d %B %Y", "%B %d, %Y"):
        try:
            candidate = token if " " not in pattern else text
            return datetime.strptime(candidate, pattern).date()
        except ValueError:
            continue
    return None


def _summary(paragraphs: list[Paragraph]) -> str | None:
    """The text from ``SUMMARY:`` (or a SUMMARY heading) to ``END SUMMARY``, where the cable has one."""
    for position, paragraph in enumerate(paragraphs):
        label = SUMMARY_RE.search(paragraph.text) if _may_hold(paragraph.text, "summary") else None
        if not label or END_SUMMARY_RE.search(paragraph.text, 0, label.start()):
            continue
        end = END_SUMMARY_RE.search(paragraph.text, label.end())
        if end:
            return _clean(paragraph.text[label.end() : end.start()]) or None
        return _clean(_summary_across(paragraphs[position:], paragraph.text[label.end() :])) or None
    return _headed_summary(paragraphs)


def _headed_summary(paragraphs: list[Paragraph]) -> str | None:
    """The summary under a ``SUMMARY`` heading line (no colon), up to END SUMMARY.

    The heading sits in the header block or at the end of the paragraph before
    the summary; END SUMMARY must come within the first four paragraphs.
    """
    parts: list[str] = []
    for paragraph in paragraphs[:4]:
        named = _may_hold(paragraph.text, "summary")  # both patterns need the word; most paragraphs lack it
        end = END_SUMMARY_RE.search(paragraph.text) if named else None
        if end:
            parts.append(paragraph.text[: end.start()])
            return _clean(SUMMARY_LEAD_RE.sub("", " ".join(parts))) or None
        parts = [] if named and SUMMARY_HEADING_RE.search(paragraph.text) else parts + [paragraph.text]
    return None


def _summary_across(paragraphs: list[Paragraph], first: str) -> str:
    """Extend a summary over following paragraphs when END SUMMARY comes later."""
    parts = [first]
    for paragraph in paragraphs[1:4]:
        end = END_SUMMARY_RE.search(paragraph.text)
        if end:
            parts.append(paragraph.text[: end.start()])
            return " ".join(parts)
    return first
