"""SIGTERM and SIGHUP end a build the way Ctrl-C does.

Their default action kills the process on the spot: its worker processes
lived on and the new generation was left half-written.  While a build runs
they raise :class:`Terminated` (a ``KeyboardInterrupt``), so the same cleanup
as for Ctrl-C runs: workers are ended, the unfinished generation is removed
and the writer lock is released.  Worker processes restore the default
action, so ending them stays immediate.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

SIGNALS = (signal.SIGTERM, signal.SIGHUP)


class Terminated(KeyboardInterrupt):
    """A build was asked to end by SIGTERM or SIGHUP."""


def _raise_terminated(number: int, _frame) -> None:
    raise Terminated(f"interrupted by {signal.Signals(number).name}")


@contextmanager
def ending_like_ctrl_c() -> Iterator[None]:
    """Within the block, SIGTERM and SIGHUP raise :class:`Terminated` (only the main thread can set handlers)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {number: signal.signal(number, _raise_terminated) for number in SIGNALS}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def default_signals() -> None:
    """In a forked worker: SIGTERM and SIGHUP end it at once again (its parent does the cleanup)."""
    for number in SIGNALS:
        signal.signal(number, signal.SIG_DFL)
