"""Actions driving the EV side of high-level communication."""

from __future__ import annotations
