"""Virtual time and an exact event queue.

The lab's state is advanced lazily: before any reading, every event due by 'now' runs at its own
scheduled virtual time. Timings the emulators report (a contactor's switching time) are therefore exact
whatever the time scale and however late the asyncio loop wakes up.
"""

from __future__ import annotations

import heapq
import itertools
import time
from collections.abc import Callable


class VirtualClock:
    def __init__(self, time_scale: float = 1.0):
        self.time_scale = time_scale
        self._t0 = time.monotonic()

    def now(self) -> float:
        return (time.monotonic() - self._t0) * self.time_scale


class EventQueue:
    def __init__(self) -> None:
        self._heap: list[tuple[float, int, str, Callable[[float], None]]] = []
        self._seq = itertools.count()

    def schedule(self, at: float, key: str, fn: Callable[[float], None]) -> None:
        """Schedule ``fn(at)``; a later schedule with the same key replaces the pending one."""
        self.cancel(key)
        heapq.heappush(self._heap, (at, next(self._seq), key, fn))

    def cancel(self, key: str) -> None:
        if any(k == key for _, _, k, _ in self._heap):
            self._heap = [e for e in self._heap if e[2] != key]
            heapq.heapify(self._heap)

    def pending(self, key: str) -> bool:
        return any(k == key for _, _, k, _ in self._heap)

    def run_until(self, now: float) -> None:
        while self._heap and self._heap[0][0] <= now:
            at, _, _, fn = heapq.heappop(self._heap)
            fn(at)
