"""The stem table: every word the indexer stemmed, stored in the index.

Queries look their words up here so that a search process need not import
nltk (over a second at start-up) for words the index has seen.  The table is
a sorted text file searched by bisection through a memory map, so opening it
costs nothing whatever its size.
"""

from __future__ import annotations

import mmap
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

TABLE_FILE = "stems.tsv"
OFFSETS_FILE = "stems.offsets.npy"
MEMO_LIMIT = 1 << 17
"""How many words a :class:`StemTable` remembers the stems of before it forgets them all (snippets stem every word they show)."""


def write_stem_table(folder: Path, stems: dict[str, str]) -> None:
    """Write ``word -> stem`` as the sorted table and its line offsets."""
    offsets = []
    position = 0
    with open(folder / TABLE_FILE, "wb") as handle:
        for word in sorted(stems):
            line = f"{word}\t{stems[word]}\n".encode()
            offsets.append(position)
            handle.write(line)
            position += len(line)
    np.save(folder / OFFSETS_FILE, np.asarray(offsets, dtype=np.int64))


def read_stem_table(folder: Path) -> dict[str, str]:
    """The whole table as a dict (an update extends it)."""
    table: dict[str, str] = {}
    with open(folder / TABLE_FILE, encoding="utf-8") as handle:
        for line in handle:
            word, _, stem = line.rstrip("\n").partition("\t")
            table[word] = stem
    return table


class StemTable:
    """Stems from the index's table, falling back to a stemmer for new words."""

    def __init__(self, folder: Path, fallback: Callable[[str], str]) -> None:
        self._fallback = fallback
        self._memo: dict[str, str] = {}
        self._offsets = np.asarray(np.load(folder / OFFSETS_FILE, mmap_mode="r"))  # a plain array: faster to index than np.memmap
        size = (folder / TABLE_FILE).stat().st_size
        self._data: mmap.mmap | bytes = b""
        if size:
            with open(folder / TABLE_FILE, "rb") as handle:
                self._data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)

    def lookup(self, word: str) -> str | None:
        """The stored stem of ``word``, or None if the indexer never saw it.

        Bisects the lines against ``word`` and a tab: a tab sorts below every
        character a word holds, so a line's first ``len(probe)`` bytes order
        it against the probe as its word orders against ``word``, and equal
        them only when the words are equal.  One slice a step, not a line
        split (a search looks up dozens of words, each in about 20 steps).
        """
        probe = word.encode("utf-8") + b"\t"
        size, data, offsets = len(probe), self._data, self._offsets
        low, high = 0, len(offsets)
        while low < high:
            middle = (low + high) // 2
            start = offsets.item(middle)
            if data[start : start + size] < probe:
                low = middle + 1
            else:
                high = middle
        if low == len(offsets):
            return None
        start = offsets.item(low) + size
        if data[start - size : start] != probe:
            return None
        return data[start : data.find(b"\n", start)].decode("utf-8")

    def words_from(self, start: str) -> Iterator[tuple[str, str]]:
        """Every ``(word, stem)`` of the table whose word begins with ``start``, in order.

        A wildcard is matched against the words as written, not only their
        stems: ``negotiat*`` means negotiation, filed under ``negoti``.
        """
        probe = start.encode("utf-8")
        data, offsets = self._data, self._offsets
        low, high = 0, len(offsets)
        while low < high:
            middle = (low + high) // 2
            if data[offsets.item(middle) : offsets.item(middle) + len(probe)] < probe:
                low = middle + 1
            else:
                high = middle
        for index in range(low, len(offsets)):
            line_start = offsets.item(index)
            if data[line_start : line_start + len(probe)] != probe:
                return
            word, _, stem = data[line_start : data.find(b"\n", line_start)].decode("utf-8").partition("\t")
            yield word, stem

    def __call__(self, word: str) -> str:
        """The stem of ``word``, memoised: snippets ask for the same words again and again."""
        stem = self._memo.get(word)
        if stem is None:
            if len(self._memo) >= MEMO_LIMIT:
                self._memo.clear()
            found = self.lookup(word)
            stem = self._memo[word] = found if found is not None else self._fallback(word)
        return stem
