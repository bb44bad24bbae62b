"""Errors the library raises for what a user asked, which the command line prints as one line each.

Kept free of heavy imports, so the command line can catch them without loading the engine.
"""

from __future__ import annotations


class UnknownCable(KeyError):
    """An id the index holds no cable for, as the user wrote it."""

    def __init__(self, cable_id: str) -> None:
        super().__init__(cable_id)
        self.cable_id = cable_id

    def __str__(self) -> str:
        return f"no cable {self.cable_id!r} in the index"


class BadTopicLine(ValueError):
    """A line of a topics file that cannot be run, named by file and line number."""


class UnreadableSource(Exception):
    """A cable's own file that cannot be read back (``cables show --raw``); the message names the file and why."""
