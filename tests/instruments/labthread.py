"""An in-process virtual lab on a background event loop, for driver-against-emulator tests: the same
emulators and the same wire protocols as ``python -m sim``, without a subprocess per test."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any

from sim.ac_charger import ChargerRatings
from sim.can.bev import BevDevice
from sim.can.socketcand import serve_socketcand
from sim.emulators import SCPI_EMULATORS
from sim.lab import VirtualLab
from sim.modbus.service import EMULATORS as METERS
from sim.scpi.server import serve_device


class LabThread:
    def __init__(self, phases: int = 3, current_a: float = 32.0, voltage_v: float = 230.0, time_scale: float = 1.0):
        self.lab = VirtualLab(ChargerRatings(max_current_a=current_a, phases=phases, voltage_v=voltage_v),
                              time_scale=time_scale)
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        self._servers: list[Any] = []

    def _run(self, coro: Coroutine) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=10)

    def serve(self, driver: str, name: str) -> str:
        """Start the emulator for ``driver``; return the address its driver opens."""
        if driver in SCPI_EMULATORS:
            server = self._run(serve_device(SCPI_EMULATORS[driver](name, self.lab)))
            self._servers.append(server)
            return f"TCPIP::127.0.0.1::{server.sockets[0].getsockname()[1]}::SOCKET"
        if driver in METERS:
            async def start() -> Any:
                server = METERS[driver](name, self.lab).build()
                await server.listen()
                return server
            server = self._run(start())
            self._servers.append(server)
            return f"127.0.0.1:{server.transport.sockets[0].getsockname()[1]}/1"
        if driver == "chargebench.bev":
            server = self._run(serve_socketcand(BevDevice(name, self.lab)))
            self._servers.append(server)
            return f"socketcand://127.0.0.1:{server.sockets[0].getsockname()[1]}/can0"
        raise KeyError(driver)

    def call(self, fn: Any, *args: Any) -> Any:
        """Run ``fn`` on the lab's loop (the emulators' thread), so the physics is never touched concurrently."""
        async def wrapped() -> Any:
            return fn(*args)
        return self._run(wrapped())

    def close(self) -> None:
        async def stop() -> None:
            for server in self._servers:
                if hasattr(server, "shutdown"):
                    await server.shutdown()
                else:
                    server.close()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        self._run(stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=5)
