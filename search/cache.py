"""A cache of numpy results held to a byte budget, the least recently used dropped first.

A search reads each query word's whole posting list once and asks for it
again while matching, scoring and checking phrases, so the lists are kept.
An :class:`cables.search.engine.Engine` may live for many searches (a
script, a notebook, the benchmarks), and a common word's list at full
Cablegate size is several megabytes: kept for the engine's life, every
distinct word ever searched would stay in memory.  The budget bounds that;
a list dropped is read again when next asked for.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

Value = TypeVar("Value")


class BoundedCache(Generic[Value]):
    """Values made on first request and kept until their sizes pass ``budget`` bytes.

    ``size`` gives a value's bytes.  The value just made is always kept,
    however large, so a search never reads a list twice because of its own
    size; older values are dropped until the rest fit beside it.
    """

    def __init__(self, budget: int, size: Callable[[Value], int]) -> None:
        self.budget = budget
        self._size = size
        self._values: OrderedDict[Hashable, Value] = OrderedDict()
        self._held = 0

    def get(self, key: Hashable, make: Callable[[], Value]) -> Value:
        """The value kept for ``key``, else ``make()``'s, kept."""
        if key in self._values:
            self._values.move_to_end(key)
            return self._values[key]
        value = make()
        self._values[key] = value
        self._held += self._size(value)
        while self._held > self.budget and len(self._values) > 1:
            _, dropped = self._values.popitem(last=False)
            self._held -= self._size(dropped)
        return value

    @property
    def held(self) -> int:
        """The bytes of the values kept now."""
        return self._held

    def __len__(self) -> int:
        """How many values are kept."""
        return len(self._values)
