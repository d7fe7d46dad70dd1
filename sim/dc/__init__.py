"""The virtual lab's DC charger: power stage, pilot, and the charger side (SECC) of DIN SPEC 70121 /
ISO 15118 on the project's EXI codec. Importing this module registers its lab service."""

from __future__ import annotations

from typing import Any

from ..services import SIM_SERVICES
from . import defects as _defects  # noqa: F401 - registers the DC defects


async def start_dc(lab: Any, bench: Any, dut: Any, options: dict[str, str]):
    """For a DC DUT profile: make the lab's charger a DC charger and serve its SECC (sim://secc, sim://sdp)."""
    if getattr(dut.supply, "value", dut.supply) != "DC":
        async def nothing() -> None:
            return None
        return {}, nothing
    from .charger import attach
    from .secc import start

    attach(lab, dut)
    return await start(lab, set(lab.defects), host=options.get("secc_host", "127.0.0.1"))


SIM_SERVICES.append(start_dc)
