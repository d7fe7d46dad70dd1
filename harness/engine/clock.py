"""Run clock. On the virtual lab a time scale N runs waits N times faster; a real bench always runs at 1."""

from __future__ import annotations

import time
from collections.abc import Callable


class Clock:
    def __init__(self, time_scale: float = 1.0, check: Callable[[], None] | None = None):
        if time_scale <= 0:
            raise ValueError("time scale must be positive")
        self.time_scale = time_scale
        self._t0 = time.monotonic()
        self._check = check or (lambda: None)

    def now(self) -> float:
        """Virtual seconds since the clock started."""
        return (time.monotonic() - self._t0) * self.time_scale

    def sleep(self, seconds: float) -> None:
        """Sleep ``seconds`` of virtual time in short slices, so an abort is noticed quickly."""
        end = time.monotonic() + max(seconds, 0.0) / self.time_scale
        while True:
            self._check()
            left = end - time.monotonic()
            if left <= 0:
                return
            time.sleep(min(left, 0.05))
