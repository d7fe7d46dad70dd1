"""CAN transport (python-can), its recorded-exchange twin, and DBC helpers (cantools).

Addresses: ``socketcand://host:port/channel`` (a socketcand daemon in front of a real CAN interface; the
virtual lab serves this protocol), ``socketcan://can0`` (Linux, real benches), ``virtual://channel``
(in-process, unit tests) and ``udp_multicast://239.x.y.z`` (across processes inside a private network
namespace only: python-can cannot pick the multicast interface).

Exchanges are text lines so a transcript reads like a bus log: ``send 300#1100...`` (no reply) and
``request 3F0#1003000000000000 -> 310`` with the reply frame's data as hex.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol

from .errors import InstrumentLost, InstrumentTimeout
from .transport import Listener, TranscriptTransport


class FrameTransport(Protocol):
    name: str

    def send(self, arbitration_id: int, data: bytes) -> None: ...
    def request(self, arbitration_id: int, data: bytes, reply_id: int) -> bytes: ...
    def close(self) -> None: ...


def frame_text(arbitration_id: int, data: bytes) -> str:
    return f"{arbitration_id:03X}#{data.hex().upper()}"


def open_bus(address: str) -> Any:
    """Build a python-can bus from one of the address forms above."""
    import can

    scheme, sep, rest = address.partition("://")
    if not sep:
        raise ValueError(f"CAN address {address!r} has no scheme (socketcand://, socketcan://, virtual://, "
                         f"udp_multicast://)")
    if scheme == "socketcand":
        hostport, _, channel = rest.partition("/")
        host, _, port = hostport.rpartition(":")
        if not host or not port.isdigit():
            raise ValueError(f"socketcand address {address!r} is not socketcand://host:port/channel")
        return can.Bus(interface="socketcand", host=host, port=int(port), channel=channel or "can0",
                       tcp_tune=True)
    if scheme in ("socketcan", "virtual", "udp_multicast"):
        return can.Bus(interface=scheme, channel=rest, receive_own_messages=False)
    raise ValueError(f"CAN address {address!r}: unknown scheme {scheme!r}")


class CanTransport:
    """Send frames and wait for answers with a bounded timeout; python-can errors become typed errors."""

    def __init__(self, address: str, name: str = "instrument", timeout_s: float = 2.0,
                 listener: Listener | None = None, bus: Any = None):
        self.name, self.address, self.timeout_s, self.listener = name, address, timeout_s, listener
        if bus is None:
            try:
                bus = open_bus(address)
            except ValueError as exc:
                raise InstrumentLost(name, str(exc)) from None
            except Exception as exc:  # python-can raises CanError, OSError, TimeoutError on open
                raise InstrumentLost(name, f"cannot open CAN {address}: {exc}") from None
        self.bus = bus

    def _note(self, direction: str, text: str) -> None:
        if self.listener is not None:
            self.listener(direction, text, time.monotonic())

    def send(self, arbitration_id: int, data: bytes) -> None:
        import can

        self._note("w", "send " + frame_text(arbitration_id, data))
        try:
            self.bus.send(can.Message(arbitration_id=arbitration_id, data=data, is_extended_id=False))
        except Exception as exc:
            raise InstrumentLost(self.name, f"cannot send {frame_text(arbitration_id, data)}: {exc}") from None

    def request(self, arbitration_id: int, data: bytes, reply_id: int) -> bytes:
        self._drain()  # a late answer to an earlier, timed-out request must not pass for this one's
        self.send(arbitration_id, data)
        deadline = time.monotonic() + self.timeout_s
        while (left := deadline - time.monotonic()) > 0:
            try:
                msg = self.bus.recv(timeout=left)
            except Exception as exc:
                raise InstrumentLost(self.name, f"CAN receive failed: {exc}") from None
            if msg is None:
                break
            if msg.arbitration_id == reply_id and not msg.is_error_frame:
                self._note("r", frame_text(reply_id, bytes(msg.data)))
                return bytes(msg.data)
        if self._peer_closed():
            raise InstrumentLost(self.name, f"socketcand connection closed while waiting for 0x{reply_id:03X}")
        raise InstrumentTimeout(self.name, f"no frame 0x{reply_id:03X} within {self.timeout_s:g} s after "
                                           f"{frame_text(arbitration_id, data)}")

    def _drain(self) -> None:
        try:
            while self.bus.recv(timeout=0) is not None:
                pass
        except Exception as exc:
            raise InstrumentLost(self.name, f"CAN receive failed: {exc}") from None

    def _peer_closed(self) -> bool:
        """python-can's socketcand bus reports a closed TCP peer as silence; look at the socket itself."""
        sock = getattr(self.bus, "_SocketCanDaemonBus__socket", None)
        if sock is None:
            return False
        try:
            return sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
        except BlockingIOError:
            return False
        except OSError:
            return True

    def close(self) -> None:
        try:
            self.bus.shutdown()
        except Exception:  # a dead bus must not mask the real error
            pass


class CanTranscript:
    """Replays ``[(line, reply_or_None), ...]`` for CAN drivers, like TranscriptTransport."""

    def __init__(self, pairs: Iterable[tuple[str, str | None]], name: str = "transcript"):
        self.name = name
        self._t = TranscriptTransport(pairs, name)

    def send(self, arbitration_id: int, data: bytes) -> None:
        self._t.write("send " + frame_text(arbitration_id, data))

    def request(self, arbitration_id: int, data: bytes, reply_id: int) -> bytes:
        reply = self._t.query(f"request {frame_text(arbitration_id, data)} -> {reply_id:03X}")
        if reply == "timeout":
            raise InstrumentTimeout(self.name, f"no frame 0x{reply_id:03X}")
        return bytes.fromhex(reply)

    def close(self) -> None:
        pass

    @property
    def finished(self) -> bool:
        return self._t.finished


_DBS: dict[str, Any] = {}


def load_dbc(path: Path) -> Any:
    """cantools database, cached per file (parsing takes milliseconds; drivers open often in tests)."""
    key = str(path)
    if key not in _DBS:
        import cantools

        _DBS[key] = cantools.database.load_file(key)
    return _DBS[key]
