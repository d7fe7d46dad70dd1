"""V2GTP framing (ISO 15118-2 clause 7.8.3, DIN SPEC 70121 clause 8.7.3): an 8-byte header in front of
every SDP and V2G payload.

Why its own module: the EV side must be able to *send* malformed headers on purpose (a wrong version,
a length that lies) and must turn a malformed header from the charger into a recorded charger fault,
never into a harness crash.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

VERSION = 0x01
HEADER_LEN = 8
MAX_PAYLOAD = 1 << 20  # nothing in V2G comes close; a larger length means a broken peer

EXI = 0x8001  # DIN / -2, and supportedAppProtocol for -20
ISO20_MAIN = 0x8002
ISO20_AC = 0x8003
ISO20_DC = 0x8004
SDP_REQ = 0x9000
SDP_RES = 0x9001

_HDR = struct.Struct(">BBHI")


class V2gtpError(Exception):
    """A header that breaks the framing rules (the peer's fault)."""


@dataclass(frozen=True)
class Header:
    version: int
    inverse: int
    payload_type: int
    length: int


def pack(payload_type: int, payload: bytes, version: int = VERSION, inverse: int | None = None,
         length: int | None = None) -> bytes:
    """Frame ``payload``; ``version``/``inverse``/``length`` may be set wrong on purpose for negative tests."""
    inv = (version ^ 0xFF) if inverse is None else inverse
    return _HDR.pack(version, inv, payload_type, len(payload) if length is None else length) + payload


def parse_header(data: bytes) -> Header:
    """Check and unpack the 8 header bytes; raise V2gtpError on a framing fault."""
    if len(data) < HEADER_LEN:
        raise V2gtpError(f"header is {len(data)} bytes, expected {HEADER_LEN}")
    version, inverse, ptype, length = _HDR.unpack_from(data)
    if version != VERSION or inverse != VERSION ^ 0xFF:
        raise V2gtpError(f"protocol version {version:#04x}/{inverse:#04x}, expected 0x01/0xfe")
    if length > MAX_PAYLOAD:
        raise V2gtpError(f"payload length {length} is implausible")
    return Header(version, inverse, ptype, length)


def unpack(data: bytes) -> tuple[int, bytes]:
    """A whole datagram (SDP): (payload type, payload)."""
    header = parse_header(data)
    payload = data[HEADER_LEN:]
    if len(payload) != header.length:
        raise V2gtpError(f"header says {header.length} payload bytes, datagram has {len(payload)}")
    return header.payload_type, payload
