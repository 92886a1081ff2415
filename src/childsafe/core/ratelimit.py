"""Short-lived in-memory counters for throttling; nothing is written to disk, entries expire by themselves."""

from __future__ import annotations

import threading
from collections import deque

from childsafe.core.clock import Clock, SystemClock


class SlidingWindowLimiter:
    """At most `limit` events per key within `window` seconds.

    Keys are kept only while they have events inside the window, so the limiter holds no history.
    Per-process: behind several web processes each keeps its own counts (documented in docs/operations.md).
    """

    def __init__(self, limit: int, window: float, clock: Clock | None = None) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock or SystemClock()
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _now(self) -> float:
        return self._clock.now().timestamp()

    def _prune(self, key: str, now: float) -> deque[float]:
        events = self._events.get(key)
        if events is None:
            return deque()
        while events and events[0] <= now - self.window:
            events.popleft()
        if not events:
            del self._events[key]
        return events

    def retry_after(self, key: str) -> int:
        """Seconds until `key` may act again; 0 when it may act now."""
        with self._lock:
            now = self._now()
            events = self._prune(key, now)
            if len(events) < self.limit:
                return 0
            return max(1, int(events[0] + self.window - now + 0.999))

    def hit(self, key: str) -> None:
        with self._lock:
            now = self._now()
            self._prune(key, now)
            self._events.setdefault(key, deque()).append(now)

    def reset(self, key: str) -> None:
        with self._lock:
            self._events.pop(key, None)

    def __len__(self) -> int:
        return len(self._events)
