"""The query language: parse a query string into a small tree.

    words            stemmed like the index; adjacent words must all occur
    F-16, 9/11       a word in pieces is a phrase of its pieces (with its joined form, through expansion)
    "exact phrase"   the words in this order, in one paragraph (no variants)
    =word, "word"    the word as typed (after folding), without its variants
    a AND b, a OR b, NOT a, -a, -"a b", -( ... ), ( ... )
    a NEAR/5 b       both words in one paragraph, at most 5 words apart (NEAR alone: 10)
    embass*          prefix (a capped number of expansions)
    field:value      subject, body, by, tag, origin, classification, id, ref, marking
    created:[2008-01 TO 2009-06], created:>2009-03-01, created:<=2010

A syntax error raises :class:`QuerySyntaxError` naming the column and what is
wrong; the CLI prints it on one line and exits 2.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from cables.index.analysis import LONGEST_WORD, fold, overlong, words

TEXT_FIELDS = ("subject", "body", "by")
META_FIELDS = ("tag", "origin", "classification", "id", "ref", "marking")
DATE_FIELDS = ("created",)
FIELDS = TEXT_FIELDS + META_FIELDS + DATE_FIELDS
FIELD_ALIASES = {"tags": "tag", "subj": "subject", "text": "body", "class": "classification", "date": "created", "cites": "ref"}
MAX_QUERY_LENGTH = 10_000
NEAR_DISTANCE = 10
"""How many words may stand between the two words of a bare ``NEAR`` (as SQLite FTS5's ``NEAR``)."""
MAX_NEAR_DISTANCE = 10_000
NEAR_RE = re.compile(r"NEAR(?:/(.*))?", re.DOTALL)
MAX_NESTING = 100

TOKEN_RE = re.compile(
    r"""(?P<space>(?:\s|;|(?<!\d),|,(?!\d)|\.{2,}|…)+)
      | (?P<lparen>\()
      | (?P<rparen>\))
      | (?P<phrase>"[^"]*"?)
      | (?P<word>(?:(?!\.\.)[^\s()";,…]|(?<=\d),(?=\d))+)""",
    re.VERBOSE,
)
DATE_RE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")
PASTED_DAY_RE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2})?)?")
"""A query that is one day as the published layout dates a cable (``2009-11-03 08:42:00``) means the cables of that
day, as ``created:2009-11-03`` does: the cables' text never writes a date so."""
CABLE_ID_RE = re.compile(r"\d{2}[A-Za-z]{3,}[A-Za-z0-9]*\d")
"""A cable's reference id, as journalists cite it: year, office, number (``09OTTAWA265``, ``06BEIJING10909``)."""


QUOTES = str.maketrans({**dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\uff02", '"'), **dict.fromkeys("\u2013\u2014\u2212", "-")})
"""Curly and other double quotes, as a word processor or a web page writes them, are the query's quote: a pasted
“visa fraud” is the phrase; and its dashes are the hyphen (``Hamas –Fatah`` negates).  Each is one character, so
columns stay where they were."""


class QuerySyntaxError(ValueError):
    """A query that cannot be parsed; ``column`` is 1-based."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(f"column {column}: {message}")
        self.column = column


@dataclass(frozen=True)
class Words:
    """Free text (one word or a phrase) searched in ``field`` (None: body and subject).

    ``exact``: a quoted word or ``=word``, matched as typed (after folding),
    without its spellings, other names or family.
    """

    text: str
    field: str | None = None
    phrase: bool = False
    exact: bool = False


@dataclass(frozen=True)
class Prefix:
    """Words starting with ``prefix`` (``embass*``) or matching a ``*``/``?`` pattern."""

    pattern: str
    field: str | None = None


@dataclass(frozen=True)
class Meta:
    """An exact metadata value: ``tag:PREL``, ``origin:Ottawa``, ``ref:09OTTAWA134``."""

    field: str
    value: str


@dataclass(frozen=True)
class DateRange:
    """Cables created in ``[start, end)`` (either side may be open)."""

    start: date | None
    end: date | None


@dataclass(frozen=True)
class Near:
    """Two words in one field of one document (a paragraph, the subject...), at most ``distance`` words apart, in either order."""

    first: Words
    second: Words
    distance: int


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class MatchAll:
    """The empty query: every cable (filters narrow it)."""


Node = Words | Prefix | Meta | DateRange | Near | And | Or | Not | MatchAll


@dataclass
class _Token:
    kind: str
    text: str
    column: int


def visible(text: str) -> str:
    """``text`` without invisible format characters: zero-width spaces (read as spaces), bidi marks and overrides, soft hyphens.

    They come with text pasted from web pages and PDFs and mean nothing to a
    search; echoed back, a bidi override would reorder the user's terminal line.
    """
    if text.isascii():
        return text
    spaced = text.replace("\u200b", " ")
    return "".join(character for character in spaced if unicodedata.category(character) != "Cf")


def parse(text: str) -> Node:
    """Parse a query string into a tree; raise :class:`QuerySyntaxError` when it is malformed."""
    if len(text) > MAX_QUERY_LENGTH:
        raise QuerySyntaxError(f"query is {len(text):,} characters; the limit is {MAX_QUERY_LENGTH:,}", MAX_QUERY_LENGTH)
    text = visible(text)
    bad = next((i for i, ch in enumerate(text) if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r"), None)
    if bad is not None:
        raise QuerySyntaxError(f"control character U+{ord(text[bad]):04X} is not allowed", bad + 1)
    day = PASTED_DAY_RE.fullmatch(text.strip())
    span = _calendar_day(day.group(1)) if day else None
    if span is not None:
        return DateRange(*span)
    tokens = _tokens(text.translate(QUOTES))
    if not tokens:
        return MatchAll()
    if _pasted_capitals(text, tokens):
        tokens = [_Token(token.kind, token.text.lower(), token.column) if _is_operator_word(token) else token for token in tokens]
    parser = _Parser(tokens)
    node = parser.expression()
    token = parser.peek()
    if token is not None:
        message = "unbalanced ')': no '(' opens it" if token.kind == "rparen" else f"unexpected {token.text!r}"
        raise QuerySyntaxError(message, token.column)
    return node


def _tokens(text: str) -> list[_Token]:
    """Split the query into parentheses, phrases and words (with their columns).

    Commas, semicolons and ellipses part words as spaces do (``visa,fraud``
    and ``Mubarak...succession`` are two words, not the phrase that
    ``visa-fraud`` is), but for a comma between digits (``1,000``).
    """
    tokens = []
    for match in TOKEN_RE.finditer(text):
        kind = match.lastgroup or ""
        if kind == "space":
            continue
        value = match.group()
        if kind == "phrase" and (len(value) < 2 or not value.endswith('"')):
            raise QuerySyntaxError("unbalanced '\"': the phrase is never closed", match.start() + 1)
        tokens.append(_Token(kind, value, match.start() + 1))
    return _join_field_values(_pasted_punctuation_dropped(tokens))


def _negates_group(token: _Token, following: _Token | None) -> bool:
    """True for a ``-`` written against a phrase or a parenthesis (``-"visa fraud"``, ``-(oil OR gas)``): their negation."""
    return (
        token.kind == "word"
        and token.text == "-"
        and following is not None
        and following.kind in ("phrase", "lparen", "field_phrase")
        and following.column == token.column + 1
    )


MARKINGS = frozenset({"U", "C", "S", "SBU", "TS", "LOU", "S/NF", "C/NF", "S//NF", "C//NF", "SBU/NF", "U//FOUO"})
"""A paragraph's classification marking, as a pasted paragraph begins: ``(U)``, ``(C)``, ``(S/NF)``."""
MAIL_LABELS = frozenset({"re:", "fw:", "fwd:"})
"""The labels of a pasted e-mail subject (``Re: Megrahi``), which are no words of the cables."""
PARAGRAPH_NUMBER_RE = re.compile(r"¶?\d{1,3}\.(?:\(\w{1,3}(?:/+\w{1,3})?\))?")


def _pasted_punctuation_dropped(tokens: list[_Token]) -> list[_Token]:
    """The tokens without what a passage pasted from a cable holds that is no word: a dash of two or more (``the
    market -- and``, read as a negation that excluded nothing but turned partial matches off), a lone ``-`` that
    negates nothing after it, a paragraph marking in parentheses (``(U)``, ``(S/NF)``), a paragraph number
    opening the query (``¶11.``, ``4.(C)``), an e-mail label (``Re:``) and a list item's closing parenthesis that no
    ``(`` opens (``A) TRIPOLI 182``, ``1) HOW IS``)."""
    kept: list[_Token] = []
    index = depth = 0
    while index < len(tokens):
        token = tokens[index]
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        closing = tokens[index + 2] if index + 2 < len(tokens) else None
        if (
            token.kind == "lparen"
            and following is not None
            and following.text in MARKINGS
            and closing is not None
            and closing.kind == "rparen"
        ):
            index += 3
            continue
        dashes = token.kind == "word" and set(token.text) == {"-"} and not _negates_group(token, following)
        number = not kept and token.kind == "word" and PARAGRAPH_NUMBER_RE.fullmatch(token.text)
        label = token.kind == "word" and token.text.lower() in MAIL_LABELS
        unopened = token.kind == "rparen" and depth == 0
        if not (dashes or number or label or unopened):
            kept.append(token)
            depth += (token.kind == "lparen") - (token.kind == "rparen")
        index += 1
    return kept


PASTED_WORDS = 5
"""A query of at least this many words and no lower-case letter is cable text pasted (a subject line): its AND, OR,
NOT and NEAR are words (``INFLUENCE NOT POWER``), not operators that would exclude the cable it comes from."""


def _pasted_capitals(text: str, tokens: list[_Token]) -> bool:
    """Whether the query is capitals-only cable text (see :data:`PASTED_WORDS`)."""
    return not any(character.islower() for character in text) and sum(token.kind == "word" for token in tokens) >= PASTED_WORDS


def _is_operator_word(token: _Token) -> bool:
    """An operator as written: ``AND``, ``OR``, ``NOT``, ``NEAR`` or ``NEAR/k``."""
    return token.kind == "word" and (token.text in ("AND", "OR", "NOT") or bool(NEAR_RE.fullmatch(token.text)))


def _field_label(token: _Token) -> bool:
    """A field's name and colon standing alone (``subject: visa``, ``SUBJECT: ICELAND ...`` pasted from a cable)."""
    name = token.text[:-1].lower()
    return token.kind == "word" and token.text.endswith(":") and FIELD_ALIASES.get(name, name) in FIELDS


def _join_field_values(tokens: list[_Token]) -> list[_Token]:
    """Glue ``field:"a phrase"``, ``created:[a TO b]`` and ``field: value`` (a space after the colon) into single tokens."""
    joined: list[_Token] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if _field_label(token) and following is not None and following.kind == "word" and not _is_operator_word(following):
            # The glued token takes the next one's place, so the rules below see it (``created: [2008 TO 2009]``).
            tokens[index + 1] = _Token("word", token.text + following.text, token.column)
            index += 1
            continue
        if token.kind == "word" and token.text.endswith(":") and index + 1 < len(tokens) and tokens[index + 1].kind == "phrase":
            joined.append(_Token("field_phrase", token.text + tokens[index + 1].text, token.column))
            index += 2
            continue
        if token.kind == "word" and re.match(r"^[A-Za-z_]+:[\[{]", token.text):
            parts = [token.text]
            while not re.search(r"[\]}]$", parts[-1]) and index + 1 < len(tokens) and tokens[index + 1].kind == "word":
                index += 1
                parts.append(tokens[index].text)
            if not re.search(r"[\]}]$", parts[-1]):
                raise QuerySyntaxError("date range is never closed with ']'", token.column)
            joined.append(_Token("word", " ".join(parts), token.column))
            index += 1
            continue
        joined.append(token)
        index += 1
    return joined


class _Parser:
    """Recursive descent over the tokens: OR binds loosest, then AND, then NOT."""

    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.position = 0
        self.depth = 0

    def _nested(self, token: _Token, parse: Callable[[], Node]) -> Node:
        """Parse one level deeper (inside '(' or after NOT), refusing queries nested too deep to evaluate."""
        if self.depth >= MAX_NESTING:
            raise QuerySyntaxError(f"nested more than {MAX_NESTING} levels deep (parentheses and NOT)", token.column)
        self.depth += 1
        try:
            return parse()
        finally:
            self.depth -= 1

    def peek(self) -> _Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def _ends_group(self) -> bool:
        """No token is left, or the next one is ')': the end of a group."""
        token = self.peek()
        return token is None or token.kind == "rparen"

    def take(self) -> _Token:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def _is_operator(self, name: str) -> bool:
        token = self.peek()
        return token is not None and token.kind == "word" and token.text == name

    def expression(self) -> Node:
        children = [self.conjunction()]
        while self._is_operator("OR"):
            operator = self.take()
            if self._ends_group():
                raise QuerySyntaxError("OR needs something on its right", operator.column)
            children.append(self.conjunction())
        return children[0] if len(children) == 1 else Or(tuple(children))

    def conjunction(self) -> Node:
        children = [self.proximity()]
        while True:
            token = self.peek()
            if token is None or token.kind == "rparen" or self._is_operator("OR"):
                break
            if self._is_operator("AND"):
                operator = self.take()
                if self._ends_group() or self._is_operator("OR"):
                    raise QuerySyntaxError("AND needs something on its right", operator.column)
            children.append(self.proximity())
        return children[0] if len(children) == 1 else And(tuple(children))

    def _is_near(self) -> bool:
        token = self.peek()
        return token is not None and token.kind == "word" and NEAR_RE.fullmatch(token.text) is not None

    def proximity(self) -> Node:
        """A word, or words joined by ``NEAR``: ``a NEAR/3 b NEAR c`` asks for a near b and b near c."""
        left = self.unary()
        pairs = []
        while self._is_near():
            operator = self.take()
            distance = _near_distance(operator)
            following = self.peek()
            if following is None or following.kind == "rparen" or self._is_operator("OR") or self._is_operator("AND") or self._is_near():
                raise QuerySyntaxError(f"{operator.text} needs a word on its right", operator.column)
            word_column = following.column
            right = self.unary()
            if isinstance(left, Words) and isinstance(right, Words) and left.field != right.field:
                raise QuerySyntaxError(
                    f"{operator.text} joins words of one field; {left.field or 'any text'} and {right.field or 'any text'} differ",
                    operator.column,
                )
            pairs.append(Near(_near_word(left, operator), _near_word(right, _Token("word", "", word_column)), distance))
            left = right
        if not pairs:
            return left
        return pairs[0] if len(pairs) == 1 else And(tuple(pairs))

    def unary(self) -> Node:
        token = self.peek()
        if token is None:
            raise QuerySyntaxError("the query ends where a word was expected", self.tokens[-1].column + len(self.tokens[-1].text))
        if token.kind == "word" and (token.text in ("AND", "OR") or NEAR_RE.fullmatch(token.text)):
            raise QuerySyntaxError(f"{token.text} needs something on its left", token.column)
        if self._is_operator("NOT"):
            self.take()
            if self._ends_group():
                raise QuerySyntaxError("NOT needs something on its right", token.column)
            return Not(self._nested(token, self.unary))
        if self._minus_before_group(token):
            self.take()
            return Not(self._nested(token, self.unary))
        if token.kind in ("word", "field_phrase") and token.text.startswith("-") and len(token.text) > 1:
            self.take()
            return Not(_leaf(_Token(token.kind, token.text[1:], token.column + 1)))
        return self.primary()

    def _minus_before_group(self, token: _Token) -> bool:
        """True for a ``-`` written against a phrase or a parenthesis: their negation (see :func:`_negates_group`)."""
        return _negates_group(token, self.tokens[self.position + 1] if self.position + 1 < len(self.tokens) else None)

    def primary(self) -> Node:
        token = self.take()
        if token.kind == "lparen":
            if self.peek() is None:
                raise QuerySyntaxError("unbalanced '(': it is never closed", token.column)
            if self._ends_group():
                raise QuerySyntaxError("empty parentheses", token.column)
            node = self._nested(token, self.expression)
            if self.peek() is None or not self._ends_group():
                raise QuerySyntaxError("unbalanced '(': it is never closed", token.column)
            self.take()
            return node
        if token.kind == "rparen":
            raise QuerySyntaxError("unbalanced ')': no '(' opens it", token.column)
        return _leaf(token)


def _near_distance(operator: _Token) -> int:
    """The number of words a ``NEAR`` or ``NEAR/k`` operator allows between its words."""
    near = NEAR_RE.fullmatch(operator.text)
    assert near is not None  # the parser takes only tokens _is_near() matched
    written = near.group(1)
    if written is None:
        return NEAR_DISTANCE
    if not (written.isascii() and written.isdigit()):
        raise QuerySyntaxError(f"{operator.text}: the distance after NEAR/ must be a whole number of words, as in NEAR/5", operator.column)
    if int(written) > MAX_NEAR_DISTANCE:
        raise QuerySyntaxError(f"{operator.text}: the distance is at most {MAX_NEAR_DISTANCE:,} words", operator.column)
    return int(written)


def _near_word(node: Node, where: _Token) -> Words:
    """A ``NEAR`` operand, which must be one searchable word (``subject:visa`` and ``=visa`` too)."""
    if not isinstance(node, Words) or node.phrase:
        raise QuerySyntaxError("NEAR joins two words, not a phrase, prefix, field value, negation or group", where.column)
    found = list(words(node.text))
    if len(found) != 1:
        reason = "a common word, which is not searched" if not found else "several words"
        raise QuerySyntaxError(f"NEAR joins two words; {node.text!r} is {reason}", where.column)
    return node


def _leaf(token: _Token) -> Node:
    """A word, phrase, prefix or field:value token as a node."""
    if token.kind == "phrase":
        return _text_node(token.text[1:-1], None, phrase=True, column=token.column)
    field, value = _split_field(token)
    if field is None and value.startswith("=") and len(value) > 1:
        return _text_node(value[1:], None, phrase=True, column=token.column + 1)
    if field is None and CABLE_ID_RE.fullmatch(value.lstrip("#")):
        return _cable_id(value.lstrip("#"))
    if field is None:
        return _text_node(value, None, phrase=False, column=token.column)
    value_column = token.column + len(token.text) - len(value)
    if not value:
        raise QuerySyntaxError(f"{field}: needs a word or a quoted phrase right after it (no space, no parentheses)", token.column)
    if field in TEXT_FIELDS:
        quoted = value.startswith('"') and value.endswith('"') and len(value) >= 2
        return _text_node(value.strip('"'), field, phrase=quoted, column=value_column)
    if field in DATE_FIELDS:
        return _date_range(value, value_column)
    value = value.strip('"')
    if field == "marking":
        value = value.upper().strip("()")
    return Meta(field, value)


def _split_field(token: _Token) -> tuple[str | None, str]:
    """(field, value) for ``field:value`` tokens, else (None, text).

    A word before a colon that names no field is text: a pasted subject line
    (``ICELAND: GOVT BUYS ...``) or a label (``note:``); but a name one or two
    letters from a field's (``subjet:visa``) is a mistyped field, and an error.
    """
    match = re.match(r"^([A-Za-z_]+):(.*)$", token.text, re.DOTALL)
    if not match:
        return None, token.text
    name = match.group(1).lower()
    name = FIELD_ALIASES.get(name, name)
    if name in FIELDS:
        return name, match.group(2)
    near = [field for field in (*FIELDS, *FIELD_ALIASES) if _mistyped(name, field)]
    if near:
        raise QuerySyntaxError(f"unknown field {match.group(1)!r}; did you mean {near[0]}? (fields are {', '.join(FIELDS)})", token.column)
    return None, match.group(1) if not match.group(2) else token.text


def _mistyped(name: str, field: str) -> bool:
    """Whether ``name`` is ``field`` mistyped: one edit away for a name of 3 to 5 letters, two from 6 letters on."""
    from cables.index.editdistance import edit_distance

    allowed = 1 if len(name) < 6 else 2
    return len(name) >= 3 and abs(len(name) - len(field)) <= allowed and edit_distance(name, field, swaps=True) <= allowed


def cable_ids(ids: list[str]) -> Node:
    """The query for cables named by id (a citation read as ids): each cable or the cables citing it, as
    :func:`_cable_id` reads one; built as a tree, since a query string of many ids in capitals would read its ORs as
    words (:data:`PASTED_WORDS`)."""
    return Or(tuple(node for cable_id in ids for node in _cable_id(cable_id).children))


def _cable_id(text: str) -> Or:
    """A bare cable id (``#09OTTAWA265`` too, as written online): the cable itself (``id:``) or the cables citing it
    (``ref:``).

    Cable text never holds an id as one word (a REF line writes ``09 OTTAWA
    265``), so a searcher who pastes one means that cable and its replies;
    the ranking puts the cable itself first (:mod:`cables.search.tiers`).
    """
    value = text.upper()
    return Or((Meta("id", value), Meta("ref", value)))


def _text_node(text: str, field: str | None, phrase: bool, column: int) -> Node:
    """A Words or Prefix node; a phrase with one word is just that word.

    A ``?`` ending a word ends a question (``who released Megrahi?``, with
    any ``!`` or ``.`` after it); only inside a word does it stand for one
    letter (``terror?st``).
    """
    if not phrase and re.search(r"\?[?!.]*$", text):
        text = re.sub(r"[?!.]+$", "", text) or text
    if not phrase and text.strip("?") and ("*" in text or "?" in text):
        stripped = text.strip("*?")
        if len(stripped.replace("*", "").replace("?", "")) < 2:
            raise QuerySyntaxError(f"{text!r} matches too much: a wildcard needs at least 2 letters", column)
        return Prefix(fold(text), field)
    if not text.strip():
        raise QuerySyntaxError("empty phrase", column)
    long_token = overlong(text)
    if long_token is not None:
        raise QuerySyntaxError(f"{long_token[:20]!r}... is longer than any word the index keeps ({LONGEST_WORD} letters at most)", column)
    return Words(text, field, phrase and len(text.split()) > 1, exact=phrase)


def _date_range(value: str, column: int) -> DateRange:
    """``[a TO b]``, ``>a``, ``>=a``, ``<b``, ``<=b`` or a single date (a whole day, month or year)."""
    inclusive = re.match(r"^[\[{]\s*(\S+)\s+TO\s+(\S+)\s*[\]}]$", value, re.IGNORECASE)
    if inclusive:
        start = None if inclusive.group(1) == "*" else parse_date(inclusive.group(1), column)[0]
        end = None if inclusive.group(2) == "*" else parse_date(inclusive.group(2), column)[1]
        return DateRange(start, end)
    comparison = re.match(r"^(>=|<=|>|<)(.+)$", value)
    if comparison:
        operator, when = comparison.groups()
        first, after = parse_date(when, column)
        return {">": DateRange(after, None), ">=": DateRange(first, None), "<": DateRange(None, first), "<=": DateRange(None, after)}[
            operator
        ]
    first, after = parse_date(value, column)
    return DateRange(first, after)


def _calendar_day(text: str) -> tuple[date, date] | None:
    """A YYYY-MM-DD's span, or None when it is no day of the calendar (``2009-13-45``, then searched as text)."""
    try:
        return parse_date(text)
    except QuerySyntaxError:
        return None


def parse_date(text: str, column: int = 1) -> tuple[date, date]:
    """A YYYY, YYYY-MM or YYYY-MM-DD as the half-open span [first day, day after].

    The day after 9999-12-31 is past what a date holds, so a span ending the
    year 9999 ends at its last day instead (no cable is dated so).
    """
    match = DATE_RE.match(text.strip())
    if not match:
        raise QuerySyntaxError(f"{text!r} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)", column)
    year_text, month_text, day_text = match.groups()
    year = int(year_text)
    try:
        if day_text:
            first = date(year, int(month_text), int(day_text))
            return first, _day_after(first)
        if month_text:
            month = int(month_text)
            last = date(year + (month == 12), month % 12 + 1, 1) if (year, month) != (date.max.year, 12) else date.max
            return date(year, month, 1), last
        return date(year, 1, 1), date(year + 1, 1, 1) if year < date.max.year else date.max
    except ValueError as error:
        raise QuerySyntaxError(f"{text!r} is not a valid date ({error})", column) from None


def _day_after(day: date) -> date:
    """The next day, or the last day a date holds (see :func:`parse_date`)."""
    return date.fromordinal(day.toordinal() + 1) if day < date.max else date.max
