"""What a search asks for: a query, option filters, sort order and page.

The ``--from`` and ``--to`` dates are parsed once, when the request is made,
so a bad date is refused before any index is opened and the engine, the
filters and the empty-result notes all read the same parsed span.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from cables.search.query import QuerySyntaxError, parse_date, visible


class BadDate(QuerySyntaxError):
    """A ``--from`` or ``--to`` value that is not a date; ``option`` names the option, ``reason`` says why."""

    def __init__(self, option: str, value: str) -> None:
        self.option = option
        self.reason = f"{value!r} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)"
        super().__init__(f"{option}: {self.reason}", 1)


@dataclass
class SearchRequest:
    """What the user asked: a query, filters, sort order and page.

    ``date_from`` and ``date_to`` keep the dates as written (for headlines and
    notes); ``start`` and ``end`` hold them parsed as the half-open span
    ``[start, end)`` (None: unbounded).  Making a request with a bad date
    raises :class:`BadDate`.
    """

    query: str = ""
    classification: list[str] = field(default_factory=list)
    origin: list[str] = field(default_factory=list)
    tag: list[str] = field(default_factory=list)
    marking: list[str] = field(default_factory=list)
    date_from: str | None = None
    date_to: str | None = None
    sort: str = "relevance"
    limit: int = 10
    page: int = 1
    explain: bool = False
    start: date | None = field(init=False, default=None)
    end: date | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        """Drop the query's invisible characters (as parsing does, so it is echoed as searched); parse ``--from`` and ``--to``.

        ``--from`` is read as its first day and ``--to`` as the day after it, in that order.
        """
        self.query = visible(self.query)
        self.start = _option_date("--from", self.date_from, 0)
        self.end = _option_date("--to", self.date_to, 1)

    def described_filters(self) -> list[str]:
        """The option filters as the user wrote them (``--origin Cairo``), for headlines."""
        options = [("--classification", self.classification), ("--origin", self.origin), ("--tag", self.tag), ("--marking", self.marking)]
        described = [f"{option} {value}" for option, values in options for value in values]
        described += [f"{option} {value}" for option, value in (("--from", self.date_from), ("--to", self.date_to)) if value]
        return described


def _option_date(option: str, value: str | None, end: int) -> date | None:
    """One end (0: first day, 1: day after) of a date option's span, or None when the option is not given."""
    if not value:
        return None
    try:
        return parse_date(value)[end]
    except QuerySyntaxError:
        raise BadDate(option, value) from None
