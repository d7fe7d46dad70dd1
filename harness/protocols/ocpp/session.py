"""One charge point as the CSMS sees it: history of every message, findings against the charger, and the
receive loop of its current WebSocket connection.

The receive loop answers every CALL (a reply from the ``ReplyBook``, or a CallError) and never raises on
the charger's input; whatever breaks the rules becomes a ``Finding`` with the offending frame.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from websockets.exceptions import ConnectionClosed

from . import frames
from .replies import ReplyBook
from .trace import Tracer, redact_frame, redact_payload

CONNECT, DISCONNECT, REJECTED = "<connect>", "<disconnect>", "<rejected>"


@dataclass
class Message:
    """A message in the history: ``kind`` 2/3/4, or 0 for connection events (``action`` <connect> ...)."""

    seq: int
    t: float  # wall clock, taken at the socket
    mono: float
    direction: str  # "rx" from the charger, "tx" to it, "--" connection events
    kind: int
    unique_id: str | None
    action: str | None
    payload: Any
    error_code: str | None = None


@dataclass
class Finding:
    """A rule the charger broke, with the frame that broke it (secrets redacted)."""

    kind: str
    detail: str
    frame: str
    t: float
    cp_id: str
    seq: int = 0

    def summary(self) -> str:
        return f"{self.kind}: {self.detail} (frame {self.frame[:160]})"


@dataclass
class CallOutcome:
    action: str
    unique_id: str
    payload: dict | None = None
    error_code: str | None = None
    error_description: str | None = None
    elapsed_s: float | None = None  # real seconds from send to reply; None on timeout
    schema_error: str | None = None


AfterHook = Callable[["Session", dict, dict], Awaitable[None] | None]


@dataclass
class Charger:
    """State kept per charge point id across reconnects (history, findings, replies, credentials)."""

    cp_id: str
    version: str
    replies: ReplyBook
    history: list[Message] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    forbidden: set[str] = field(default_factory=set)
    strict_schema: bool = True
    forbid_until_accepted: bool = False
    session: Session | None = None
    cond: threading.Condition = field(default_factory=threading.Condition)
    _seq: itertools.count = field(default_factory=lambda: itertools.count(1))

    def add(self, direction: str, kind: int, uid: str | None, action: str | None, payload: Any,
            t: float, error_code: str | None = None) -> Message:
        msg = Message(next(self._seq), t, time.monotonic(), direction, kind, uid, action, payload, error_code)
        with self.cond:
            self.history.append(msg)
            self.cond.notify_all()
        return msg

    def find(self, kind: str, detail: str, frame: str | bytes, t: float) -> None:
        if isinstance(frame, bytes):
            frame = frame.decode("utf-8", errors="replace")
        f = Finding(kind, detail, redact_frame(frame[:2000]), t, self.cp_id, len(self.history))
        with self.cond:
            self.findings.append(f)
            self.cond.notify_all()


class Session:
    """The receive loop and CSMS-initiated calls over one WebSocket connection."""

    def __init__(self, charger: Charger, ws: Any, tracer: Tracer, after: dict[str, AfterHook],
                 on_result: Callable[[Session, str, dict, dict], None] | None = None):
        self.charger = charger
        self.ws = ws
        self.tracer = tracer
        self.after = after
        self.on_result = on_result
        self.version = charger.version
        self._pending: dict[str, tuple[str, asyncio.Future]] = {}
        self._timed_out: dict[str, str] = {}
        self._lock = asyncio.Lock()  # OCPP-J: one outstanding CALL per direction

    async def _send(self, text: str) -> None:
        t = time.time()
        await self.ws.send(text)
        self.tracer.write(self.charger.cp_id, "tx", text, t)

    async def run(self) -> None:
        try:
            async for raw in self.ws:
                t = time.time()
                try:
                    self.tracer.write(self.charger.cp_id, "rx", raw, t)
                    await self._handle(raw, t)
                except ConnectionClosed:
                    raise
                except Exception as exc:  # never let one frame stop the CSMS; say what happened
                    self.charger.find("csms_internal", f"{type(exc).__name__}: {exc}", raw, t)
        except ConnectionClosed as exc:
            code = exc.sent.code if exc.sent is not None else None
            if code in (1007, 1009):  # our side closed: invalid UTF-8 text, or a frame over the size limit
                what = "invalid UTF-8 in a text frame" if code == 1007 else "frame larger than the CSMS accepts"
                self.charger.find("transport_violation", f"{what} (closed with {code})", "", time.time())
        finally:
            for _, fut in self._pending.values():
                if not fut.done():
                    fut.cancel()

    async def _handle(self, raw: str | bytes, t: float) -> None:
        ch = self.charger
        frame = frames.parse(raw)
        if isinstance(frame, frames.FrameError):
            ch.find(frame.kind, frame.detail, raw, t)
            if frame.unique_id and frame.error_code:
                await self._send(frames.pack_error(frame.unique_id, frames.rpc_error(self.version, frame.kind),
                                                   frame.detail))
            return
        if frame.kind == frames.CALL:
            await self._on_call(frame, raw, t)
        else:
            self._on_reply(frame, raw, t)

    async def _on_call(self, frame: frames.Frame, raw: str | bytes, t: float) -> None:
        ch = self.charger
        action, payload = frame.action or "", frame.payload
        ch.add("rx", frames.CALL, frame.unique_id, action, payload, t)
        if action in ch.forbidden:
            ch.find("forbidden_action", f"{action} is not allowed here", raw, t)
        problem = frames.check_schema(self.version, frames.CALL, action, payload)
        if problem is not None:
            code, cause = problem
            if code == "NotSupported":
                ch.find("unknown_action", cause, raw, t)
                await self._send(frames.pack_error(frame.unique_id, code, cause))
                return
            ch.find("schema_violation", f"{action}: {code}: {cause}", raw, t)
            if ch.strict_schema:
                await self._send(frames.pack_error(frame.unique_id, code, cause))
                return
        reply = ch.replies.reply(action, payload)
        if reply is None:
            await self._send(frames.pack_error(frame.unique_id, "NotImplemented",
                                               f"the test CSMS does not handle {action}"))
            return
        text = frames.pack_result(frame.unique_id, reply)
        await self._send(text)
        ch.add("tx", frames.CALLRESULT, frame.unique_id, action, reply, time.time())
        if action == "BootNotification" and reply.get("status") == "Accepted" and ch.forbid_until_accepted:
            ch.forbidden.clear()
        hook = self.after.get(action)
        if hook is not None:
            res = hook(self, payload, reply)
            if asyncio.iscoroutine(res):
                asyncio.ensure_future(res)

    def _on_reply(self, frame: frames.Frame, raw: str | bytes, t: float) -> None:
        ch = self.charger
        pending = self._pending.pop(frame.unique_id, None)
        if pending is None:
            late = self._timed_out.pop(frame.unique_id, None)
            if late:
                ch.find("late_reply", f"reply to {late} {frame.unique_id} came after the timeout", raw, t)
            else:
                ch.find("unknown_reply", f"no CALL {frame.unique_id} is outstanding", raw, t)
            return
        action, fut = pending
        ch.add("rx", frame.kind, frame.unique_id, action, frame.payload, t, frame.error_code)
        if not fut.done():
            fut.set_result((frame, t))

    async def call(self, action: str, payload: dict, timeout_s: float, validate: bool = True) -> CallOutcome:
        """Send a CSMS-initiated CALL and wait for its reply. A missing or late reply is a finding."""
        if validate:
            problem = frames.check_schema(self.version, frames.CALL, action, payload)
            if problem is not None:
                raise ValueError(f"the test's own {action} payload is invalid: {problem[1]}")
        async with self._lock:
            uid = str(uuid.uuid4())
            fut: asyncio.Future = asyncio.get_running_loop().create_future()
            self._pending[uid] = (action, fut)
            text = frames.pack_call(uid, action, payload)
            t0 = time.monotonic()
            await self._send(text)
            self.charger.add("tx", frames.CALL, uid, action, payload, time.time())
            try:
                frame, _t = await asyncio.wait_for(fut, timeout_s)
            except (TimeoutError, asyncio.CancelledError):
                self._pending.pop(uid, None)
                self._timed_out[uid] = action
                self.charger.find("no_reply", f"no reply to {action} within {timeout_s:g} s",
                                  redact_frame(text), time.time())
                return CallOutcome(action, uid)
        out = CallOutcome(action, uid, elapsed_s=time.monotonic() - t0)
        if frame.kind == frames.CALLERROR:
            out.error_code, out.error_description = frame.error_code, frame.error_description
            return out
        out.payload = frame.payload
        problem = frames.check_schema(self.version, frames.CALLRESULT, action, frame.payload)
        if problem is not None:
            out.schema_error = f"{problem[0]}: {problem[1]}"
            self.charger.find("schema_violation", f"{action} reply: {out.schema_error}",
                              frames.pack_result(uid, redact_payload(frame.payload)), time.time())
        if self.on_result is not None:
            self.on_result(self, action, payload, frame.payload)
        return out

    async def close(self, code: int = 1000) -> None:
        await self.ws.close(code)
