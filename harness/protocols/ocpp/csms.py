"""The CSMS: a WebSocket server (ws:// or wss://) speaking OCPP 1.6J and 2.0.1 to chargers, run on its
own event loop thread so synchronous test steps can drive it.

Security profiles (OCPP 1.6 security whitepaper; OCPP 2.0.1 Part 2 A00): 0 none, 1 HTTP Basic over ws://,
2 TLS (1.2+) plus Basic, 3 mutual TLS. Credentials are checked in the HTTP upgrade and never logged.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hmac
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from websockets.asyncio.server import ServerConnection, serve

from . import frames
from .replies import ReplyBook
from .session import CONNECT, DISCONNECT, REJECTED, CallOutcome, Charger, Session
from .trace import Tracer

SUBPROTOCOLS = ["ocpp2.0.1", "ocpp1.6"]


@dataclass
class CsmsConfig:
    host: str = "127.0.0.1"
    port: int = 0
    path_prefix: str = "/"
    security_profile: int = 0
    passwords: dict[str, str] = field(default_factory=dict)  # cp id -> Basic auth password (SP1/SP2)
    ssl_context: ssl.SSLContext | None = None  # SP2/SP3
    heartbeat_interval: int = 300
    strict_schema: bool = True
    versions: list[str] = field(default_factory=lambda: list(SUBPROTOCOLS))


def parse_basic(header: str | None) -> tuple[str, str] | None:
    if not header or not header.lower().startswith("basic "):
        return None
    try:
        user, _, password = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return user, password


class Csms:
    """Start with ``start()``; the sync methods (``call``, ``charger``) are safe from any thread."""

    def __init__(self, config: CsmsConfig, tracer: Tracer | None = None):
        self.config = config
        self.tracer = tracer or Tracer(None)
        for pw in config.passwords.values():
            self.tracer.add_secret(pw)
        self.chargers: dict[str, Charger] = {}
        self.after: dict[str, Callable] = {}
        self.on_result_hooks: list[Callable[[Session, str, dict, dict], None]] = []
        self.loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: Any = None
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._error: BaseException | None = None
        self.port = 0
        self._lock = threading.Lock()

    # -- chargers -------------------------------------------------------------------------------------------
    def charger(self, cp_id: str, version: str | None = None) -> Charger:
        with self._lock:
            ch = self.chargers.get(cp_id)
            if ch is None or (version is not None and ch.version != version):
                ver = version or "1.6"
                ch = Charger(cp_id, ver, ReplyBook(ver, self.config.heartbeat_interval),
                             strict_schema=self.config.strict_schema)
                old = self.chargers.get(cp_id)
                if old is not None:  # a version change keeps what the test already set up
                    ch.history, ch.findings, ch.forbidden, ch.cond = old.history, old.findings, old.forbidden, old.cond
                    ch.forbid_until_accepted = old.forbid_until_accepted
                    ch.strict_schema = old.strict_schema
                self.chargers[cp_id] = ch
            return ch

    def set_password(self, cp_id: str, password: str) -> None:
        self.tracer.add_secret(password)
        self.config.passwords[cp_id] = password

    # -- HTTP upgrade: path, subprotocol, Basic auth ----------------------------------------------------------
    def _cp_id(self, path: str) -> str:
        return path.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]

    def _reject(self, conn: ServerConnection, cp_id: str, status: HTTPStatus, reason: str) -> Any:
        self.charger(cp_id).add("--", 0, None, REJECTED, {"status": int(status), "reason": reason}, time.time())
        self.tracer.write(cp_id, "--", f"rejected {int(status)}: {reason}")
        return conn.respond(status, reason + "\n")

    def _process_request(self, conn: ServerConnection, request: Any) -> Any:
        cp_id = self._cp_id(request.path)
        if not request.path.startswith(self.config.path_prefix) or not cp_id:
            return self._reject(conn, cp_id or "unknown", HTTPStatus.NOT_FOUND, "unknown path")
        offered = [p.strip() for p in request.headers.get("Sec-WebSocket-Protocol", "").split(",") if p.strip()]
        if not set(offered) & set(self.config.versions):
            return self._reject(conn, cp_id, HTTPStatus.BAD_REQUEST,
                                f"no supported OCPP subprotocol offered ({', '.join(offered) or 'none'})")
        if self.config.security_profile == 3:
            cn = self._client_cn(conn)
            if cn != cp_id:
                return self._reject(conn, cp_id, HTTPStatus.FORBIDDEN,
                                    "no client certificate" if cn is None else f"client certificate names {cn!r}")
        if self.config.security_profile in (1, 2):
            creds = parse_basic(request.headers.get("Authorization"))
            expected = self.config.passwords.get(cp_id)
            if creds is None:
                return self._reject(conn, cp_id, HTTPStatus.UNAUTHORIZED, "no Basic authorization header")
            user, password = creds
            if user != cp_id:
                return self._reject(conn, cp_id, HTTPStatus.UNAUTHORIZED, "Basic auth user is not the cp id")
            if expected is None or not hmac.compare_digest(password.encode(), expected.encode()):
                return self._reject(conn, cp_id, HTTPStatus.UNAUTHORIZED, "wrong password")
        return None

    @staticmethod
    def _client_cn(conn: ServerConnection) -> str | None:
        sslobj = conn.transport.get_extra_info("ssl_object") if conn.transport else None
        cert = sslobj.getpeercert() if sslobj is not None else None
        if not cert:
            return None
        subject = {k: v for rdn in cert.get("subject", ()) for k, v in rdn}
        return subject.get("commonName")

    def _select_subprotocol(self, conn: ServerConnection, offered: Any) -> Any:
        for p in self.config.versions:  # the CSMS's preference order
            if p in offered:
                return p
        return None

    async def _handler(self, ws: ServerConnection) -> None:
        cp_id = self._cp_id(ws.request.path)
        version = frames.VERSIONS.get(ws.subprotocol or "")
        if version is None:
            await ws.close(1002, "no OCPP subprotocol")
            return
        info: dict[str, Any] = {"subprotocol": ws.subprotocol, "security_profile": self.config.security_profile}
        sslobj = ws.transport.get_extra_info("ssl_object")
        if sslobj is not None:
            info["tls_version"] = sslobj.version()
            info["cipher"] = (sslobj.cipher() or ("",))[0]
            cert = sslobj.getpeercert()
            if cert:
                subject = {k: v for rdn in cert.get("subject", ()) for k, v in rdn}
                info["client_cert"] = {"cn": subject.get("commonName"), "o": subject.get("organizationName")}
        ch = self.charger(cp_id, version)
        session = Session(ch, ws, self.tracer, self.after, self._on_result)
        old = ch.session
        ch.session = session
        ch.add("--", 0, None, CONNECT, info, time.time())
        self.tracer.write(cp_id, "--", "connected", **info)
        if old is not None:
            asyncio.ensure_future(old.close(1000))
        try:
            await session.run()
        finally:
            if ch.session is session:
                ch.session = None
            ch.add("--", 0, None, DISCONNECT, {"code": ws.close_code}, time.time())
            self.tracer.write(cp_id, "--", f"disconnected {ws.close_code}")

    def _on_result(self, session: Session, action: str, request: dict, result: dict) -> None:
        for hook in self.on_result_hooks:
            hook(session, action, request, result)

    # -- life cycle -----------------------------------------------------------------------------------------
    async def _main(self) -> None:
        self._stop = asyncio.Event()
        try:
            async with serve(self._handler, self.config.host, self.config.port, subprotocols=self.config.versions,
                             select_subprotocol=self._select_subprotocol,
                             process_request=self._process_request, ssl=self.config.ssl_context,
                             ping_interval=None, max_size=2 ** 20, compression=None) as server:
                self._server = server
                self.port = server.sockets[0].getsockname()[1]
                self._ready.set()
                await self._stop.wait()
        except BaseException as exc:  # report start-up failures to the starting thread
            self._error = exc
            self._ready.set()

    def start(self, timeout_s: float = 10.0) -> Csms:
        def runner() -> None:
            self.loop = asyncio.new_event_loop()
            self.loop.run_until_complete(self._main())
            self.loop.close()

        self._thread = threading.Thread(target=runner, name="csms", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout_s) or self._error is not None:
            raise RuntimeError(f"the CSMS could not start: {self._error}")
        return self

    def stop(self) -> None:
        if self.loop is not None and self._stop is not None and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(10)
        self.tracer.close()

    def run(self, coro: Any, timeout_s: float) -> Any:
        """Run a coroutine on the CSMS loop from another thread and wait for it."""
        assert self.loop is not None
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout_s)

    # -- sync API for steps ---------------------------------------------------------------------------------
    def call(self, cp_id: str, action: str, payload: dict, timeout_s: float, validate: bool = True) -> CallOutcome:
        ch = self.chargers.get(cp_id)
        session = ch.session if ch else None
        if session is None:
            raise ConnectionError(f"charge point {cp_id!r} is not connected")
        return self.run(session.call(action, payload, timeout_s, validate), timeout_s + 10)

    def disconnect(self, cp_id: str) -> None:
        ch = self.chargers.get(cp_id)
        if ch is not None and ch.session is not None:
            self.run(ch.session.close(1000), 10)

    def disconnect_all(self) -> None:
        for cp_id in list(self.chargers):
            try:
                self.disconnect(cp_id)
            except Exception:  # a dead connection is already what we want
                pass
