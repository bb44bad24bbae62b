"""A year, or a month and year, typed among a query's words: searched as words, with a note on asking for the dates.

``Honduras coup 2009`` finds the cables whose text holds 2009, not the
cables dated 2009 (many of which never write their own year).  Reading the
year as a filter would drop a cable about 2009 written in 2010, so the
words are searched as typed and the note says how to ask for the dates
(``--from``/``--to`` or ``created:``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december")


def date_hint(words: set[str], dated: Callable[[], tuple[date, date] | None]) -> list[str]:
    """A note for a year among a query's folded plain ``words`` (with a month name, that month), or []: one of the
    years the index's cables are ``dated`` in, asked for only when a word is a number of four digits."""
    numbers = sorted(word for word in words if len(word) == 4 and word.isdigit())
    span = dated() if numbers else None
    typed = [word for word in numbers if span and span[0].year <= int(word) <= span[1].year]
    if not typed:
        return []
    year = typed[0]
    months = [number for number, name in enumerate(MONTHS, start=1) if name in words]
    when = f"{year}-{months[0]:02d}" if len(typed) == 1 and len(months) == 1 else year
    return [f"{year} is searched as a word; for the cables dated {when}, add --from {when} --to {when} (or created:{when})"]
