"""Serve the bench's CAN instruments (``sim://`` addresses) through emulated socketcand daemons."""

from __future__ import annotations

from typing import Any

from ..services import SIM_SERVICES
from .bev import BevDevice
from .socketcand import serve_socketcand

EMULATORS = {"chargebench.bev": BevDevice}


async def start_can(lab: Any, bench: Any, dut: Any, options: dict[str, str]):
    servers, addresses = [], {}
    for inst in bench.instruments:
        cls = EMULATORS.get(inst.driver)
        if cls is None or not inst.address.startswith("sim://"):
            continue
        server = await serve_socketcand(cls(inst.name, lab))
        addresses[inst.address] = f"socketcand://127.0.0.1:{server.sockets[0].getsockname()[1]}/can0"
        servers.append(server)

    async def stop() -> None:
        for server in servers:
            server.close()

    return addresses, stop


SIM_SERVICES.append(start_can)
