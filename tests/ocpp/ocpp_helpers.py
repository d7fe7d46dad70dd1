"""Helpers shared by the OCPP tests: a raw WebSocket client that sends exactly the frames a test gives it."""

from __future__ import annotations

import asyncio
import json

from websockets.asyncio.client import connect

from harness.protocols.ocpp import Csms


class Raw:
    """A scripted charger that sends exactly the frames a test gives it."""

    def __init__(self, url: str, subprotocol: str = "ocpp1.6", **kw):
        self.url, self.subprotocol, self.kw = url, subprotocol, kw

    async def __aenter__(self):
        self.ws = await connect(self.url, subprotocols=[self.subprotocol], **self.kw)
        return self

    async def __aexit__(self, *exc):
        await self.ws.close()

    async def send(self, frame) -> None:
        await self.ws.send(frame if isinstance(frame, str) else json.dumps(frame))

    async def recv(self, timeout: float = 2.0):
        return json.loads(await asyncio.wait_for(self.ws.recv(), timeout))

    async def call(self, uid: str, action: str, payload: dict):
        await self.send([2, uid, action, payload])
        return await self.recv()


def url(csms: Csms, cp: str = "CP1", scheme: str = "ws") -> str:
    return f"{scheme}://127.0.0.1:{csms.port}/ocpp/{cp}"
