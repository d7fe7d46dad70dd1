"""Drivers for real instruments, by role. Independent of the engine: usable alone from a notebook.

    from instruments import open_instrument
    wt = open_instrument("yokogawa.wt", "TCPIP::192.168.1.20::10001::SOCKET")
    print(wt.identify(), wt.read("p", element=1))
"""

from .base.errors import InstrumentError, InstrumentLost, InstrumentReplyError, InstrumentTimeout
from .registry import DRIVERS, driver_class, open_instrument

__all__ = [
    "DRIVERS", "InstrumentError", "InstrumentLost", "InstrumentReplyError", "InstrumentTimeout",
    "driver_class", "open_instrument",
]
