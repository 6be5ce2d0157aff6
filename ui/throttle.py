"""Failed sign-ins counted per client address, with a lockout that grows.

After ``max_failures`` failures within ``window`` seconds an address is refused for
``lockout`` seconds. Once locked, each further failure locks it again at once, for twice
as long as the time before (up to ``max_lockout``), until a whole ``window`` has passed
after its lock ended without a failure. A good sign-in starts the address afresh. The
clock is injected, so tests need no waiting.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

_PRUNE_AT = 10_000  # addresses remembered before stale ones are forgotten


@dataclass
class _Address:
    failures: deque[float] = field(default_factory=deque)
    locked_until: float = 0.0
    lockouts: int = 0


class LoginThrottle:
    """Per-address counts of failed sign-ins (thread-safe)."""

    def __init__(
        self,
        max_failures: int = 5,
        window: float = 900.0,
        lockout: float = 30.0,
        max_lockout: float = 3600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_failures < 1 or window <= 0 or lockout <= 0:
            raise ValueError("max_failures, window and lockout must be positive")
        self.max_failures = max_failures
        self.window = window
        self.lockout = lockout
        self.max_lockout = max(max_lockout, lockout)
        self._clock = clock
        self._lock = threading.Lock()
        self._addresses: dict[str, _Address] = {}

    def retry_after(self, address: str) -> float:
        """Seconds before ``address`` may try to sign in again (0: it may now)."""
        with self._lock:
            state = self._addresses.get(address)
            if state is None:
                return 0.0
            return max(0.0, state.locked_until - self._clock())

    def failed(self, address: str) -> float:
        """Count a failed sign-in; the seconds the address is now locked for (0: not locked)."""
        with self._lock:
            now = self._clock()
            state = self._addresses.setdefault(address, _Address())
            self._expire(state, now)
            state.failures.append(now)
            if not state.lockouts and len(state.failures) < self.max_failures:
                return 0.0
            delay = min(self.lockout * 2**state.lockouts, self.max_lockout)
            state.lockouts += 1
            state.locked_until = now + delay
            if len(self._addresses) > _PRUNE_AT:
                self._prune(now)
            return delay

    def succeeded(self, address: str) -> None:
        """A good sign-in: forget the address's failures."""
        with self._lock:
            self._addresses.pop(address, None)

    def _expire(self, state: _Address, now: float) -> None:
        while state.failures and state.failures[0] <= now - self.window:
            state.failures.popleft()
        if state.lockouts and now >= state.locked_until + self.window:
            state.lockouts = 0  # a quiet window after the lock: forgiven

    def _prune(self, now: float) -> None:
        for address in list(self._addresses):
            state = self._addresses[address]
            self._expire(state, now)
            if not state.failures and not state.lockouts:
                del self._addresses[address]
