"""Readings held for one update interval, as real instruments hold their display/numeric data: every query
within the same interval (virtual time) sees the same values; a new interval computes fresh ones."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any


class Held:
    def __init__(self, lab: Any, interval_s: float):
        self.lab = lab
        self.interval_s = interval_s
        self._index = -1
        self._values: dict[Any, float] = {}

    def get(self, key: Any, compute: Callable[[], float]) -> float:
        index = math.floor(self.lab.now() / self.interval_s)
        if index != self._index:
            self._index, self._values = index, {}
        if key not in self._values:
            self._values[key] = compute()
        return self._values[key]
