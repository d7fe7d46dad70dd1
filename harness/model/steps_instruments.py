"""Step models for instrument roles beyond the EV emulator (loads, sources, analyzers, meters)."""

from __future__ import annotations

INSTRUMENT_STEPS: tuple[type, ...] = ()
