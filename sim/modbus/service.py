"""Serve the bench's Modbus meters (``sim://`` addresses, drivers in sim.modbus.meters.EMULATORS)."""

from __future__ import annotations

from typing import Any

from ..services import SIM_SERVICES
from .meters import EMULATORS as METERS
from .psb import PsbModbusEmulator

EMULATORS = {**METERS, "ea.psb_modbus": PsbModbusEmulator}


async def start_meters(lab: Any, bench: Any, dut: Any, options: dict[str, str]):
    servers, addresses = [], {}
    for inst in bench.instruments:
        factory = EMULATORS.get(inst.driver)
        if factory is None or not inst.address.startswith("sim://"):
            continue
        server = factory(inst.name, lab).build()
        await server.listen()
        port = server.transport.sockets[0].getsockname()[1]
        addresses[inst.address] = f"127.0.0.1:{port}/1"
        servers.append(server)

    async def stop() -> None:
        for server in servers:
            await server.shutdown()

    return addresses, stop


SIM_SERVICES.append(start_meters)
