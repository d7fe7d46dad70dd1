"""The simulated charger's OCPP-J RPC layer: its own small implementation (not the harness's), so the
CSMS is tested against frames it did not produce."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

Handler = Callable[[dict], Awaitable[tuple[dict, Callable[[], Awaitable[None]] | None]]]


class CallError(Exception):
    def __init__(self, code: str, description: str = ""):
        super().__init__(f"{code}: {description}")
        self.code = code


class Rpc:
    """Send CALLs one at a time; answer the CSMS's CALLs with ``handlers[action](payload)`` which returns the
    reply and an optional follow-up coroutine run after the reply is on the wire."""

    def __init__(self, ws: Any, handlers: dict[str, Handler], timeout_s: float = 10.0):
        self.ws = ws
        self.handlers = handlers
        self.timeout_s = timeout_s
        self._pending: dict[str, asyncio.Future] = {}
        self._lock = asyncio.Lock()
        self.silent: set[str] = set()  # actions deliberately left unanswered (defects)
        self.delay_s: dict[str, float] = {}

    async def call(self, action: str, payload: dict) -> dict:
        async with self._lock:
            uid = uuid.uuid4().hex[:16]
            fut = asyncio.get_running_loop().create_future()
            self._pending[uid] = fut
            await self.ws.send(json.dumps([2, uid, action, payload]))
            try:
                return await asyncio.wait_for(fut, self.timeout_s)
            finally:
                self._pending.pop(uid, None)

    async def send_raw(self, text: str) -> None:
        await self.ws.send(text)

    async def serve(self) -> None:
        async for raw in self.ws:
            try:
                msg = json.loads(raw)
            except ValueError:
                continue
            if not isinstance(msg, list) or len(msg) < 3:
                continue
            if msg[0] == 2:
                asyncio.ensure_future(self._answer(msg[1], msg[2], msg[3] if len(msg) > 3 else {}))
            elif msg[0] == 3 and msg[1] in self._pending:
                self._pending[msg[1]].set_result(msg[2])
            elif msg[0] == 4 and msg[1] in self._pending:
                self._pending[msg[1]].set_exception(CallError(msg[2], msg[3] if len(msg) > 3 else ""))

    async def _answer(self, uid: str, action: str, payload: dict) -> None:
        if action in self.silent:
            return
        handler = self.handlers.get(action)
        if handler is None:
            await self.ws.send(json.dumps([4, uid, "NotImplemented", f"{action} is not implemented", {}]))
            return
        try:
            reply, then = await handler(payload)
        except CallError as exc:
            await self.ws.send(json.dumps([4, uid, exc.code, str(exc), {}]))
            return
        if action in self.delay_s:
            await asyncio.sleep(self.delay_s[action])
        await self.ws.send(json.dumps([3, uid, reply]))
        if then is not None:
            asyncio.ensure_future(then())
