"""Driver keys used in bench files, mapped to driver classes (imported on demand)."""

from __future__ import annotations

import importlib
from typing import Any

from .base.instrument import Instrument
from .base.transport import Listener, VisaTransport

DRIVERS: dict[str, str] = {
    "yokogawa.wt": "instruments.yokogawa.wt:YokogawaWT",
    "chargebench.eve": "instruments.chargebench.eve:ChargebenchEve",
}


def driver_class(key: str) -> type[Instrument]:
    if key not in DRIVERS:
        raise KeyError(f"unknown driver {key!r}: expected one of {', '.join(sorted(DRIVERS))}")
    module, _, cls = DRIVERS[key].partition(":")
    return getattr(importlib.import_module(module), cls)


def open_instrument(driver: str, address: str, name: str | None = None, timeout_s: float = 2.0,
                    listener: Listener | None = None, **options: Any) -> Instrument:
    """Open a driver on a VISA address (``TCPIP::host::port::SOCKET`` for LAN instruments)."""
    cls = driver_class(driver)
    transport = VisaTransport(address, name=name or driver, timeout_s=timeout_s, listener=listener)
    try:
        return cls(transport, name=name, **options)
    except Exception:
        transport.close()
        raise
