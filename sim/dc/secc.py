"""The simulated charger's communication controller (SECC): SDP on UDP, V2G on TCP, the
supportedAppProtocol handshake, then one protocol's message set (DIN SPEC 70121 / ISO 15118-2 / -20).

Sequence rules (ISO 15118-2 [V2G2-538..540], DIN SPEC 70121 alike): a request out of order gets
FAILED_SequenceError, a wrong session id FAILED_UnknownSession, and the charger then closes TCP; with no
request for V2G_SECC_Sequence_Timeout (60 s, virtual time) it closes TCP too.
Message response delays are real time; process durations (cable check, ramps) are virtual.
"""

from __future__ import annotations

import asyncio
import secrets
import socket
import ssl
import sys
from pathlib import Path
from typing import Any

from harness.protocols.iso15118 import exi, pki, pki_contract
from harness.protocols.iso15118.exi.schema import load_schema

from . import frames
from .secc_din import DinSecc
from .secc_iso2 import Iso2Secc
from .secc_iso2_ac import Iso2AcSecc, Iso20AcSecc
from .secc_iso20 import Iso20Secc

SEQUENCE_TIMEOUT_S = 60.0
LATE_CURRENT_DEMAND_S = 0.060
LATE_CHARGE_LOOP_S = 0.600  # past the -20 EV's 0.5 s DC_ChargeLoop timeout (Josev)
APP_PROTOCOLS: dict[str, type] = {DinSecc.namespace: DinSecc, Iso2Secc.namespace: Iso2Secc,
                                 Iso20Secc.namespace: Iso20Secc, Iso20AcSecc.namespace: Iso20AcSecc}
AC_PROTOCOLS: dict[type, type] = {Iso2Secc: Iso2AcSecc, Iso20AcSecc: Iso20AcSecc}  # on an AC charger


class SeccSession:
    def __init__(self, lab: Any, defects: set[str], reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.lab, self.defects, self.reader, self.writer = lab, defects, reader, writer
        self.dc = lab.dc_side  # None on an AC charger (ISO 15118-2 AC)
        self.stage = self.dc.stage if self.dc is not None else None
        self.session_id = "00"
        self.precharge_v: float | None = None
        self.lax = "dc_accepts_wrong_parameter" in defects
        self.last_t = self.now()
        self.proto: Any = None
        self.tls = False  # this connection runs over TLS (Plug & Charge is offered only then)
        self.pnc_dir: Path | None = None  # Plug & Charge material (pki_contract.generate), None: EIM only

    def now(self) -> float:
        return self.lab.now()

    def cp_state(self) -> str:
        return self.lab.ev.state

    async def _next(self) -> tuple[int, bytes] | None:
        """The next frame, or None when the sequence timeout expired (checked on the virtual clock)."""
        task = asyncio.ensure_future(frames.read_frame(self.reader, "dc_ignores_bad_header" in self.defects))
        try:
            while True:
                done, _ = await asyncio.wait({task}, timeout=0.02)
                if done:
                    return task.result()
                if (self.now() - self.last_t > SEQUENCE_TIMEOUT_S
                        and "dc_no_sequence_timeout" not in self.defects):
                    return None
        finally:
            if not task.done():
                task.cancel()

    async def send(self, payload: bytes, delay_s: float = 0.0, payload_type: int = frames.EXI) -> None:
        if delay_s:
            await asyncio.sleep(delay_s)
        self.writer.write(frames.frame(payload_type, payload))
        await self.writer.drain()

    async def fail(self, name: str, code: str) -> None:
        (res_name, body), = self.proto.failed(name, code).items()
        ptype, data = self.proto.encode(self.proto.wrap(res_name, body))
        await self.send(data, payload_type=ptype)

    async def run(self) -> None:
        try:
            got = await self._next()
            if got is None or not await self._sap(got[1]):
                return
            self.last_t = self.now()
            allowed = set(self.proto.first)
            while True:
                got = await self._next()
                if got is None:
                    return
                allowed = await self._one(got, allowed)
                self.last_t = self.now()  # [V2G2-443]: the sequence timer runs from the response sent
                if allowed is None:
                    return
        except (asyncio.IncompleteReadError, ConnectionError, frames.FrameError) as exc:
            print(f"secc: connection ended ({type(exc).__name__}: {exc})", file=sys.stderr, flush=True)
            return
        finally:
            if self.dc is not None and "dc_ignores_connection_loss" not in self.defects:
                self.stage.stop(self.now(), error=True)  # loss of communication: error shutdown
            elif hasattr(self.lab.charger, "hlc"):
                self.lab.charger.hlc(self.now(), authorized=False, power=False)
            self.writer.close()

    def _client_cert(self) -> bool:
        """The EV presented a certificate in the TLS handshake (verified against the OEM root by the context)."""
        ssl_object = self.writer.get_extra_info("ssl_object")
        return bool(ssl_object is not None and ssl_object.getpeercert(binary_form=True))

    async def _sap(self, payload: bytes) -> bool:
        req = exi.decode(payload, exi.APP_PROTOCOL)["supportedAppProtocolReq"]
        offered = sorted(req.get("AppProtocol", []), key=lambda p: p.get("Priority", 99))
        chosen = next((p for p in offered if p.get("ProtocolNamespace") in APP_PROTOCOLS), None)
        if chosen is None:
            res = {"supportedAppProtocolRes": {"ResponseCode": "Failed_NoNegotiation"}}
            await self.send(exi.encode(res, exi.APP_PROTOCOL))
            return False
        cls = APP_PROTOCOLS[chosen["ProtocolNamespace"]]
        usable = AC_PROTOCOLS.get(cls) if self.dc is None else (None if cls is Iso20AcSecc else cls)
        if usable is None:  # an AC protocol on a DC charger or the reverse
            res = {"supportedAppProtocolRes": {"ResponseCode": "Failed_NoNegotiation"}}
            await self.send(exi.encode(res, exi.APP_PROTOCOL))
            return False
        if (self.tls and cls in (Iso20Secc, Iso20AcSecc) and not self._client_cert()
                and "dc_tls_accepts_missing_client_cert" not in self.defects):
            # ISO 15118-20 needs mutual TLS: no vehicle certificate in the handshake, no -20 session
            print("secc: ISO 15118-20 over TLS without a client certificate; refused", file=sys.stderr, flush=True)
            res = {"supportedAppProtocolRes": {"ResponseCode": "Failed_NoNegotiation"}}
            await self.send(exi.encode(res, exi.APP_PROTOCOL))
            return False
        self.proto = usable(self)
        res = {"supportedAppProtocolRes": {"ResponseCode": "OK_SuccessfulNegotiation",
                                           "SchemaID": chosen["SchemaID"]}}
        await self.send(exi.encode(res, exi.APP_PROTOCOL))
        return True

    async def _one(self, frame: tuple[int, bytes], allowed: set[str]) -> set[str] | None:
        """Answer one request; the next allowed set, or None to close the connection."""
        p = self.proto
        try:
            name, body, sid = p.unwrap(p.decode(*frame))
        except Exception as exc:  # noqa: BLE001 - an undecodable request ends the session
            print(f"secc: undecodable request ({exc}); closing", file=sys.stderr, flush=True)
            return None
        if name == "SessionSetupReq" and "SessionSetupReq" in allowed:
            self.session_id = secrets.token_hex(8).upper()
        elif sid != self.session_id and "dc_ignores_session_id" not in self.defects:
            await self.fail(name, "FAILED_UnknownSession")
            return None
        if name not in allowed and "dc_no_sequence_check" not in self.defects:
            await self.fail(name, "FAILED_SequenceError")
            return None
        try:
            res, nxt = p.handle(name, body)
        except KeyError:
            await self.fail(name, "FAILED_SequenceError")
            return None
        res_name = name[:-3] + "Res"
        log = getattr(self.lab, "secc_log", None)
        if log is not None:
            log.append({"protocol": p.namespace, "request": name, "code": res.get("ResponseCode")})
        message = res if res_name in res and len(res) == 1 else p.wrap(res_name, res)
        late = name in ("CurrentDemandReq", "DC_ChargeLoopReq") and "dc_late_current_demand" in self.defects
        delay = (LATE_CURRENT_DEMAND_S if name == "CurrentDemandReq" else LATE_CHARGE_LOOP_S) if late else 0.0
        delay, p.reply_delay_s = max(delay, getattr(p, "reply_delay_s", 0.0)), 0.0  # a handler's slow answer
        ptype, data = p.encode(message)
        await self.send(data, delay, ptype)
        if str(res.get("ResponseCode", "OK")).startswith("FAILED") or not nxt:
            return None
        return nxt


async def _listen(client: Any, host: str) -> asyncio.Server:
    """A TCP server on a port from the dynamic range 49152-65535 (ISO 15118-2 SDP: the SECC's port)."""
    for _ in range(50):
        try:
            return await asyncio.start_server(client, host, secrets.randbelow(65536 - 49152) + 49152)
        except OSError:
            continue
    raise OSError("no free TCP port in 49152-65535")


def _multicast_socket(interface: str) -> socket.socket:
    index = socket.if_nametoindex(interface)
    sock = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("::", 15118, 0, index))
    group = socket.inet_pton(socket.AF_INET6, "ff02::1") + index.to_bytes(4, "little")
    sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP, group)
    sock.setblocking(False)
    return sock


def _tls_contexts(folder: Path) -> dict[str, ssl.SSLContext]:
    """Server contexts for the good charger and for the TLS defects (expired leaf, TLS 1.2 only); also the
    Plug & Charge material (folder/pnc: ev/ for the EV, secc/ for the charger)."""
    good = pki.generate(folder / "good")
    pki_contract.generate(folder / "pnc", good)
    oem = folder / "pnc" / "secc" / "oem_root.pem"  # vehicle certificates (ISO 15118-20 mutual TLS) chain to it
    return {"good": pki.secc_context(good, client_roots=oem),
            "expired": pki.secc_context(good, expired=True, client_roots=oem),
            "tls12": pki.secc_context(good, versions=("1.2",), client_roots=oem)}


async def start(lab: Any, defects: set[str], host: str = "127.0.0.1",
                interface: str | None = None, pki_dir: Path | None = None) -> tuple[dict[str, str], Any]:
    """TCP server plus SDP responder; returns ({'sim://secc': 'host:port', 'sim://sdp': ...}, stop)."""
    # Grammar tables load lazily (about 2 s for all): load them before serving, so no answer pays for it
    for ns in (exi.APP_PROTOCOL, exi.DIN, exi.ISO2, exi.ISO20_COMMON, exi.ISO20_DC, exi.ISO20_AC):
        load_schema(ns)
    loop = asyncio.get_running_loop()
    sessions: set[asyncio.Task] = set()

    tls = _tls_contexts(pki_dir) if pki_dir is not None else None

    async def client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, secure: bool = False) -> None:
        sock = writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        task = asyncio.current_task()
        sessions.add(task)
        try:
            if secure:
                which = ("expired" if "dc_tls_expired_cert" in defects else
                         "tls12" if "dc_tls_1_2_only" in defects else "good")
                try:
                    await writer.start_tls(tls[which])
                except (ssl.SSLError, ConnectionError, OSError) as exc:
                    print(f"secc: TLS handshake failed ({exc})", file=sys.stderr, flush=True)
                    writer.close()
                    return
            session = SeccSession(lab, defects, reader, writer)
            session.tls, session.pnc_dir = secure, (pki_dir / "pnc" if tls else None)
            await session.run()
        finally:
            sessions.discard(task)

    server = await _listen(client, host)
    tls_server = await _listen(lambda r, w: client(r, w, secure=True), host) if tls else None
    tls_port = tls_server.sockets[0].getsockname()[1] if tls_server else None
    port = server.sockets[0].getsockname()[1]

    class Sdp(asyncio.DatagramProtocol):
        def connection_made(self, transport: Any) -> None:
            self.transport = transport

        def datagram_received(self, data: bytes, addr: Any) -> None:
            wants_tls = len(data) == 10 and data[8] == frames.SECURITY_TLS
            if wants_tls and tls_port is not None:
                answer = frames.sdp_answer(data, host, tls_port, frames.SECURITY_TLS)
            else:
                security = frames.SECURITY_TLS if "dc_sdp_offers_tls" in defects else frames.SECURITY_NONE
                answer = frames.sdp_answer(data, host, port, security)
            if answer is not None:
                self.transport.sendto(answer, addr)

    if interface is None:  # virtual lab: SDP unicast on loopback
        sdp_transport, _ = await loop.create_datagram_endpoint(Sdp, local_addr=(host, 0))
    else:  # a real link: SDP multicast to ff02::1 port 15118 on the interface
        sdp_transport, _ = await loop.create_datagram_endpoint(Sdp, sock=_multicast_socket(interface))
    sdp_port = sdp_transport.get_extra_info("sockname")[1]

    async def stop() -> None:
        server.close()
        if tls_server is not None:
            tls_server.close()
        sdp_transport.close()
        for task in list(sessions):
            task.cancel()

    return {"sim://secc": f"{host}:{port}", "sim://sdp": f"{host}:{sdp_port}"}, stop
