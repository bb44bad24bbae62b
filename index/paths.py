"""File names as text that is always valid UTF-8 and one line, and back.

A file name on Linux is any bytes but ``/`` and NUL; Python keeps the bytes
that are not UTF-8 as lone surrogates, which cannot be printed, written as
JSON or stored in SQLite.  Every path ``cables`` prints, writes as JSON or
stores goes through :func:`printable`; :func:`real_path` turns the stored
text back into the name on disk.
"""

from __future__ import annotations

import os
import re

# A byte that is not UTF-8 (surrogateescape keeps it as U+DC80..U+DCFF) is \xNN;
# a character that does not print (a newline, a control or format character) is
# \uNNNN or \UNNNNNNNN; a backslash is doubled, so the escapes can be undone.
_ESCAPE_RE = re.compile(r"\\(\\|x[0-9a-f]{2}|u[0-9a-f]{4}|U[0-9a-f]{8})")


def printable(path: str | bytes | os.PathLike) -> str:
    """The path as one line of valid UTF-8, with backslash escapes for what is neither."""
    text = os.fsdecode(path)
    if text.isprintable() and "\\" not in text:
        return text
    return "".join(_escaped(character) for character in text)


def _escaped(character: str) -> str:
    """One character of a path as :func:`printable` writes it."""
    code = ord(character)
    if character == "\\":
        return "\\\\"
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"
    if character.isprintable():
        return character
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def real_path(text: str) -> str:
    """The file name that :func:`printable` turned into ``text``."""
    if "\\" not in text:
        return text
    return _ESCAPE_RE.sub(_unescaped, text)


def _unescaped(match: re.Match) -> str:
    """The character (or undecodable byte, as a surrogate) that one escape stands for."""
    code = match.group(1)
    if code == "\\":
        return "\\"
    if code[0] == "x":
        return chr(0xDC00 + int(code[1:], 16))
    return chr(int(code[1:], 16))
