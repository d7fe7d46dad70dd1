"""SECC Discovery Protocol, EV side (ISO 15118-2 clause 7.10.1, DIN SPEC 70121 clause 8.7.2).

On a real bench the request goes to [ff02::1]:15118 on the PLC modem's link-local interface. On the
virtual lab (and anywhere multicast is unavailable) the same datagram goes unicast to a configured
address: the bytes on the wire are identical, only the destination differs.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass

from . import v2gtp

SDP_PORT = 15118
MULTICAST = "ff02::1"
SECURITY_TLS = 0x00
SECURITY_NONE = 0x10
TRANSPORT_TCP = 0x00


@dataclass(frozen=True)
class SdpResponse:
    address: str  # the SECC's IP (IPv6 text, or an IPv4-mapped address shown as IPv4)
    port: int
    security: int
    transport: int
    response_time_s: float  # request sent -> response received, at the socket
    attempts: int


class SdpError(Exception):
    pass


def request(security: int = SECURITY_NONE, transport: int = TRANSPORT_TCP) -> bytes:
    return v2gtp.pack(v2gtp.SDP_REQ, bytes([security, transport]))


def parse_response(data: bytes) -> tuple[str, int, int, int]:
    """(address, port, security, transport) from an SDP response datagram; SdpError when malformed."""
    try:
        ptype, payload = v2gtp.unpack(data)
    except v2gtp.V2gtpError as exc:
        raise SdpError(f"malformed SDP response: {exc}") from None
    if ptype != v2gtp.SDP_RES or len(payload) != 20:
        raise SdpError(f"not an SDP response (type {ptype:#06x}, {len(payload)} bytes)")
    ip = ipaddress.IPv6Address(payload[:16])
    address = str(ip.ipv4_mapped) if ip.ipv4_mapped else str(ip)
    return address, int.from_bytes(payload[16:18], "big"), payload[18], payload[19]


def discover(target: tuple[str, int] | None = None, interface: str | None = None,
             security: int = SECURITY_NONE, timeout_s: float = 0.25, attempts: int = 50) -> SdpResponse:
    """Send SDP requests until one is answered (0.25 s x 50 by default, ISO 15118-2 [V2G2-160/161]).

    ``target`` sends unicast (virtual lab); otherwise multicast to ff02::1 on ``interface``.
    """
    if target is None and interface is None:
        raise SdpError("SDP needs an interface (multicast) or a target address")
    if target is not None:
        family = socket.AF_INET6 if ":" in target[0] else socket.AF_INET
        dest: tuple = (target[0], target[1])
    else:
        family = socket.AF_INET6
        dest = (MULTICAST, SDP_PORT, 0, socket.if_nametoindex(interface))
    with socket.socket(family, socket.SOCK_DGRAM) as sock:
        if target is None:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, socket.if_nametoindex(interface))
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 1)
        sock.settimeout(timeout_s)
        data = request(security)
        last_error = "no response"
        for attempt in range(1, attempts + 1):
            sent = time.perf_counter()
            sock.sendto(data, dest)
            try:
                while True:
                    reply, _peer = sock.recvfrom(2048)
                    got = time.perf_counter()
                    try:
                        address, port, sec, transport = parse_response(reply)
                    except SdpError as exc:
                        last_error = str(exc)
                        continue
                    if address.startswith("fe80") and interface:
                        address = f"{address}%{interface}"
                    return SdpResponse(address, port, sec, transport, got - sent, attempt)
            except TimeoutError:
                continue
        raise SdpError(f"no valid SDP response after {attempts} requests ({last_error})")
