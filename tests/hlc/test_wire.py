"""The EV side's wire handling on its own: V2GTP framing, SDP parsing, and a charger that answers garbage.
A malformed answer must end the session as the charger's fault, never as a harness crash."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from harness.protocols.iso15118 import sdp, v2gtp
from harness.protocols.iso15118.battery import Battery
from harness.protocols.iso15118.dialect_din import DinDialect
from harness.protocols.iso15118.evcc import Evcc, Target


class Clock:
    def now(self) -> float:
        return time.monotonic()


def test_v2gtp_round_trip_and_faults() -> None:
    frame = v2gtp.pack(v2gtp.EXI, b"\x80\x01")
    assert v2gtp.unpack(frame) == (v2gtp.EXI, b"\x80\x01")
    with pytest.raises(v2gtp.V2gtpError):
        v2gtp.parse_header(v2gtp.pack(v2gtp.EXI, b"", version=2))
    with pytest.raises(v2gtp.V2gtpError):
        v2gtp.unpack(v2gtp.pack(v2gtp.EXI, b"ab", length=5))


def test_sdp_response_parsing() -> None:
    payload = bytes(15) + b"\x01" + (50000).to_bytes(2, "big") + bytes([sdp.SECURITY_NONE, sdp.TRANSPORT_TCP])
    assert sdp.parse_response(v2gtp.pack(v2gtp.SDP_RES, payload)) == ("::1", 50000, 0x10, 0x00)
    with pytest.raises(sdp.SdpError):
        sdp.parse_response(v2gtp.pack(v2gtp.SDP_RES, payload[:10]))


def _charger(reply: bytes) -> tuple[tuple[str, int], threading.Thread]:
    """SDP on UDP plus one TCP session that answers the first request with ``reply``."""
    tcp = socket.create_server(("127.0.0.1", 0))
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    port = tcp.getsockname()[1]

    def serve() -> None:
        data, peer = udp.recvfrom(64)
        answer = bytes(10) + b"\xff\xff" + socket.inet_aton("127.0.0.1")
        udp.sendto(v2gtp.pack(v2gtp.SDP_RES, answer + port.to_bytes(2, "big") + b"\x10\x00"), peer)
        conn, _ = tcp.accept()
        conn.recv(4096)
        conn.sendall(reply)
        time.sleep(0.5)
        conn.close()
        tcp.close()
        udp.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return udp.getsockname(), thread


@pytest.mark.parametrize(("reply", "fault"), [
    (b"\x02\xfd\x80\x01\x00\x00\x00\x02\x80\x00", "malformed V2GTP header"),
    (v2gtp.pack(v2gtp.EXI, b"\xff\xff\xff"), "undecodable"),
])
def test_malformed_answer_is_the_chargers_fault(reply: bytes, fault: str) -> None:
    address, thread = _charger(reply)
    evcc = Evcc(DinDialect(), Battery(), Target(sdp_address=address), Clock())
    evcc.start()
    assert evcc.join(10)
    assert evcc.record.outcome.startswith("charger_fault"), evcc.record.outcome
    assert fault in evcc.record.charger_fault
    thread.join(5)
