"""Which emulator serves a bench instrument with a ``sim://`` address, by driver key.

SCPI emulators are served by sim/server.py directly; Modbus meters (sim/modbus) and CAN devices (sim/can)
append their starters to sim/services.py's SIM_SERVICES when imported here (server.py imports this module
before it starts the services)."""

from __future__ import annotations

from .can import service as _can_service  # noqa: F401 - registers the CAN starter
from .modbus import service as _modbus_service  # noqa: F401 - registers the Modbus meter starter
from .scpi.acload import Chroma63800Emulator
from .scpi.acsource import EMULATORS as AC_SOURCES
from .scpi.dcload import EMULATORS as DC_LOADS
from .scpi.eve import EveEmulator
from .scpi.hioki import HiokiPW3390Emulator
from .scpi.server import ScpiDevice
from .scpi.wt import WtAnalyzer

# driver key (instruments.registry.DRIVERS) -> SCPI emulator class
SCPI_EMULATORS: dict[str, type[ScpiDevice]] = {
    "yokogawa.wt": WtAnalyzer, "chargebench.eve": EveEmulator, "hioki.pw": HiokiPW3390Emulator,
    "chroma.63800": Chroma63800Emulator, **DC_LOADS, **AC_SOURCES,
}
