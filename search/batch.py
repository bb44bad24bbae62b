"""Many queries at once (``cables batch``): a topics file of ``qid<TAB>query`` lines run one by one."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from cables.search.engine import Engine, SearchRequest, SearchResult
from cables.search.errors import BadTopicLine
from cables.search.query import QuerySyntaxError, parse


def one_word(text: str) -> bool:
    """Whether ``text`` can be one column of a TREC run line: not empty, no spaces (a qid, a run name)."""
    return bool(text) and not any(char.isspace() for char in text)


def run_topics(engine: Engine, lines: Iterable[bytes], name: str, limit: int) -> Iterator[tuple[str, SearchResult]]:
    """Each topic's qid and first ``limit`` results, in file order.

    Every line is checked before the first query runs (see :func:`read_topics`), so a bad line stops the batch
    before it writes a partial run a script could mistake for a whole one.
    """
    for qid, query in read_topics(lines, name):
        yield qid, engine.search(SearchRequest(query=query, limit=limit))


def read_topics(lines: Iterable[bytes], name: str) -> list[tuple[str, str]]:
    """The ``(qid, query)`` topics of a topics file; blank lines and ``#`` comment lines are skipped.

    A line that is not UTF-8, has no tab, a qid that is empty, holds a space
    or repeats an earlier one (a TREC run's columns are split at spaces, and
    its qids are keys), or a query that does not parse raises
    :class:`BadTopicLine` naming the file and line.
    """
    topics: list[tuple[str, str]] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(lines, start=1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise BadTopicLine(f"{name}:{number}: not UTF-8 text (byte 0x{raw[error.start]:02x} at column {error.start + 1})") from None
        if number == 1:
            line = line.removeprefix("\ufeff")  # a byte-order mark is no part of the first qid
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        qid, tab, query = line.rstrip("\n").partition("\t")
        if not tab:
            raise BadTopicLine(f"{name}:{number}: expected 'qid<TAB>query'")
        if not one_word(qid):
            raise BadTopicLine(f"{name}:{number}: the qid {qid!r} must be one word, without spaces")
        if not query.strip():
            raise BadTopicLine(f"{name}:{number}: the query of {qid!r} is empty")
        if qid in seen:
            raise BadTopicLine(f"{name}:{number}: the qid {qid!r} is already used on line {seen[qid]}")
        try:
            parse(query)
        except QuerySyntaxError as error:
            raise BadTopicLine(f"{name}:{number}: bad query: {error}") from None
        seen[qid] = number
        topics.append((qid, query))
    return topics
