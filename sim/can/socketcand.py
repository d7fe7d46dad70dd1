"""An emulated socketcand daemon: the CAN bus of the virtual lab reached over TCP, in socketcand's ASCII
protocol (``< hi >``, ``< open can0 >``, ``< rawmode >``, ``< send ID LEN B0 B1 ... >``,
``< frame ID SEC.USEC HEXDATA >``), which python-can's ``socketcand`` interface speaks. Real benches put
the same daemon in front of a CAN adapter, so drivers use one code path for the lab and the bench.
SocketCAN itself is unavailable here (no CONFIG_CAN) and udp_multicast needs a network namespace."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from .bev import BevDevice


def _frame(arbitration_id: int, data: bytes) -> bytes:
    ident = f"{arbitration_id:03X}" if arbitration_id < 0x800 else f"{arbitration_id:08X}"
    return f"< frame {ident} {time.time():.6f} {data.hex().upper()} >".encode("ascii")


async def serve_socketcand(device: BevDevice, host: str = "127.0.0.1", port: int = 0) -> asyncio.base_events.Server:
    lab: Any = device.lab

    async def client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        async def expect_token(word: str) -> bool:
            data = await reader.readuntil(b">")
            text = data.decode("ascii", "replace").strip()
            return text.startswith(f"< {word}")

        try:
            writer.write(b"< hi >")
            await writer.drain()
            if not await expect_token("open"):
                return
            writer.write(b"< ok >")
            await writer.drain()
            if not await expect_token("rawmode"):
                return
            writer.write(b"< ok >")
            await writer.drain()
            while True:
                data = await reader.readuntil(b">")
                if lab.faults.get(device.name) == "drop":
                    break
                parts = data.decode("ascii", "replace").strip().strip("<>").split()
                if len(parts) < 3 or parts[0] != "send":
                    continue
                arbitration_id, length = int(parts[1], 16), int(parts[2], 16)
                payload = bytes(int(b, 16) for b in parts[3:3 + length])
                lab.now()
                for reply_id, reply in device.handle(arbitration_id, payload):
                    writer.write(_frame(reply_id, reply))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError, ValueError):
            pass
        finally:
            writer.close()

    return await asyncio.start_server(client, host, port)
