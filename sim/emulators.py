"""Which emulator serves a bench instrument with a ``sim://`` address, by driver key."""

from __future__ import annotations

from .scpi.eve import EveEmulator
from .scpi.server import ScpiDevice
from .scpi.wt import WtAnalyzer

# driver key (instruments.registry.DRIVERS) -> SCPI emulator class
SCPI_EMULATORS: dict[str, type[ScpiDevice]] = {"yokogawa.wt": WtAnalyzer, "chargebench.eve": EveEmulator}
