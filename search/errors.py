"""Errors the library raises for what a user asked, which the command line prints as one line each.

Kept free of heavy imports, so the command line can catch them without loading the engine.
"""

from __future__ import annotations

SHOWN_ID = 40
"""An unknown id is echoed up to this many characters (a cable id has about 20; a pasted page should not fill the error)."""


class UnknownCable(KeyError):
    """An id the index holds no cable for, as the user wrote it."""

    def __init__(self, cable_id: str) -> None:
        super().__init__(cable_id)
        self.cable_id = cable_id

    def __str__(self) -> str:
        shown = self.cable_id if len(self.cable_id) <= SHOWN_ID else self.cable_id[:SHOWN_ID] + "..."
        return f"no cable {shown!r} in the index"


class BadTopicLine(ValueError):
    """A line of a topics file that cannot be run, named by file and line number."""


class UnreadableSource(Exception):
    """A cable's own file that cannot be read back (``cables show --raw``); the message names the file and why."""
