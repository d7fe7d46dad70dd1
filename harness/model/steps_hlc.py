"""Step models for high-level communication as the EV (SLAC, SDP, DIN 70121, ISO 15118)."""

from __future__ import annotations

HLC_STEPS: tuple[type, ...] = ()
