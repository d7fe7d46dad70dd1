"""Extra servers of the virtual lab beyond the SCPI emulators (Modbus devices, the charger's OCPP client,
its ISO 15118 side...). Each starter is awaited once at lab start-up and returns the addresses it serves
(``{"sim://name": "host:port"}``) and an async stop function."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

# starter(lab, bench, dut, options) -> (addresses, stop)
Starter = Callable[[Any, Any, Any, dict[str, str]], Awaitable[tuple[dict[str, str], Callable[[], Awaitable[None]]]]]
SIM_SERVICES: list[Starter] = []

# Modules whose import appends their starters to SIM_SERVICES (one line per area).
AREAS: list[str] = [
    "sim.ocpp",  # the charger's OCPP client (1.6J / 2.0.1), when the DUT profile has an ocpp: section
    "sim.dc",  # the DC charger: power stage and SECC (DIN 70121 / ISO 15118)
    "sim.dc.slac_evse",  # SLAC on a raw interface, with --option slac_interface=IFACE (after sim.dc)
]


def load() -> list[Starter]:
    import importlib

    for module in AREAS:
        importlib.import_module(module)
    return SIM_SERVICES
