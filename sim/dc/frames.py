"""V2GTP framing and SDP answers on the charger side (written apart from the harness's EV side on
purpose: the simulated charger must not share the code that judges it)."""

from __future__ import annotations

import asyncio
import ipaddress
import struct

EXI = 0x8001
SDP_REQ = 0x9000
SDP_RES = 0x9001
SECURITY_TLS = 0x00
SECURITY_NONE = 0x10


class FrameError(Exception):
    pass


def frame(payload_type: int, payload: bytes) -> bytes:
    return struct.pack(">BBHI", 1, 0xFE, payload_type, len(payload)) + payload


async def read_frame(reader: asyncio.StreamReader, lax: bool = False) -> tuple[int, bytes]:
    """One V2GTP frame; FrameError on a wrong version (``lax``: the dc_ignores_bad_header defect)."""
    header = await reader.readexactly(8)
    version, inverse, ptype, length = struct.unpack(">BBHI", header)
    if (version != 1 or inverse != 0xFE) and not lax:
        raise FrameError(f"V2GTP version {version:#04x}/{inverse:#04x}")
    if length > 1 << 20:
        raise FrameError(f"V2GTP length {length}")
    return ptype, await reader.readexactly(length)


def sdp_answer(request: bytes, host: str, port: int, security: int | None = None) -> bytes | None:
    """The SDP response datagram for a valid request (None to stay silent)."""
    if len(request) != 10:
        return None
    version, inverse, ptype, length = struct.unpack(">BBHI", request[:8])
    if (version, inverse, ptype, length) != (1, 0xFE, SDP_REQ, 2):
        return None
    wanted = request[8]
    ip = ipaddress.ip_address(host.split("%")[0])
    raw = (ipaddress.IPv6Address(f"::ffff:{ip}") if ip.version == 4 else ip).packed
    sec = wanted if security is None else security
    return frame(SDP_RES, raw + port.to_bytes(2, "big") + bytes([sec, 0x00]))
