"""Actions for instrument roles beyond the EV emulator."""

from __future__ import annotations
