"""A watchdog for tests of pathological input: fail on a hang, never on speed.

``with no_hang():`` raises ``Hung`` if its body is still running after a generous
limit (SIGALRM; Python's regex engine checks signals while it backtracks, so a
super-linear pattern is interrupted). It is not a timing assertion: linear code
finishes in milliseconds, the patterns it guards against take hours or years.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager

LIMIT_S = 120.0


class Hung(AssertionError):
    """The body did not finish within the watchdog's limit (super-linear work?)."""


@contextmanager
def no_hang(limit_s: float = LIMIT_S) -> Iterator[None]:
    """Run the body; raise ``Hung`` if it runs longer than ``limit_s`` seconds."""

    def _expired(signum, frame):
        raise Hung(f"still running after {limit_s:.0f} s: super-linear work on this input?")

    previous = signal.signal(signal.SIGALRM, _expired)
    signal.setitimer(signal.ITIMER_REAL, limit_s)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
