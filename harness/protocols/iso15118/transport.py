"""One V2G TCP (or TLS) connection with socket-level timestamps.

Response times run from just before ``sendall`` to the kernel's receive timestamp of the first answer
segment (SO_TIMESTAMPNS, CLOCK_REALTIME), so neither codec time nor this process's wake-up latency enters
the charger's figure; the only error is loopback/link transit and the send call, both making the
measured time longer, never shorter (benchmarks/hlc_timing.py). Where the kernel stamp is unavailable
(TLS sockets, other OSes) the stamp is taken when the first byte is read.
"""

from __future__ import annotations

import select
import socket
import ssl
import struct
import time
from dataclasses import dataclass

from . import v2gtp

SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)  # Linux value; SCM_TIMESTAMPNS is the same
_TIMESPEC = struct.Struct("@qq")


class ConnectionClosed(Exception):
    """The charger closed the TCP connection (or it broke)."""


class ReceiveTimeout(Exception):
    """No complete message within the timeout."""


@dataclass
class Received:
    payload_type: int
    payload: bytes
    t_first: float  # CLOCK_REALTIME seconds: kernel arrival of the first answer segment
    t_done: float
    kernel_stamp: bool = False


class V2gConnection:
    def __init__(self, sock: socket.socket | ssl.SSLSocket):
        self.sock = sock
        self.sock.setblocking(True)
        self._buf = b""
        self.closed = False
        self.kernel_stamps = False
        if not isinstance(sock, ssl.SSLSocket):
            try:
                sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
                self.kernel_stamps = True
            except OSError:
                pass
        self._kernel_stamped = False

    @classmethod
    def connect(cls, host: str, port: int, timeout_s: float = 5.0,
                tls: ssl.SSLContext | None = None) -> V2gConnection:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.settimeout(timeout_s)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        addr = socket.getaddrinfo(host, port, family, socket.SOCK_STREAM)[0][4]
        sock.connect(addr)
        if tls is not None:
            sock = tls.wrap_socket(sock, server_hostname=None)
        return cls(sock)

    def send_raw(self, data: bytes) -> float:
        """Send bytes as they are; returns the CLOCK_REALTIME stamp taken just before the send."""
        stamp = time.time()
        try:
            self.sock.sendall(data)
        except OSError as exc:
            self.closed = True
            raise ConnectionClosed(str(exc)) from None
        return stamp

    def send(self, payload_type: int, payload: bytes) -> float:
        return self.send_raw(v2gtp.pack(payload_type, payload))

    def _fill(self, deadline: float) -> float | None:
        """Read more bytes; returns the stamp of this read. Raises on timeout or close."""
        pending = isinstance(self.sock, ssl.SSLSocket) and self.sock.pending()
        if not pending:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise ReceiveTimeout()
            ready, _, _ = select.select([self.sock], [], [], left)
            if not ready:
                raise ReceiveTimeout()
        stamp = time.time()
        self._kernel_stamped = False
        try:
            if self.kernel_stamps:
                chunk, ancdata, _flags, _addr = self.sock.recvmsg(65536, socket.CMSG_SPACE(_TIMESPEC.size))
                for level, kind, cdata in ancdata:
                    if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(cdata) >= _TIMESPEC.size:
                        sec, nsec = _TIMESPEC.unpack_from(cdata)
                        stamp, self._kernel_stamped = sec + nsec * 1e-9, True
            else:
                chunk = self.sock.recv(65536)
        except (TimeoutError, ssl.SSLWantReadError):
            return None
        except OSError as exc:
            self.closed = True
            raise ConnectionClosed(str(exc)) from None
        if not chunk:
            self.closed = True
            raise ConnectionClosed("closed by the charger")
        self._buf += chunk
        return stamp

    def receive(self, timeout_s: float) -> Received:
        """One framed message. V2gtpError when the header is malformed (the charger's fault)."""
        deadline = time.perf_counter() + timeout_s
        t_first = time.time() if self._buf else None
        kernel = False
        while len(self._buf) < v2gtp.HEADER_LEN:
            stamp = self._fill(deadline)
            if t_first is None and stamp is not None:
                t_first, kernel = stamp, self._kernel_stamped
        header = v2gtp.parse_header(self._buf)
        total = v2gtp.HEADER_LEN + header.length
        while len(self._buf) < total:
            self._fill(deadline)
        payload, self._buf = self._buf[v2gtp.HEADER_LEN:total], self._buf[total:]
        return Received(header.payload_type, payload, t_first or time.time(), time.time(), kernel)

    def wait_closed(self, timeout_s: float) -> float | None:
        """Wait for the charger to close the connection; the perf_counter stamp, or None if it did not."""
        deadline = time.perf_counter() + timeout_s
        while True:
            try:
                self._fill(deadline)
                self._buf = b""  # anything it still sends is ignored here
            except ConnectionClosed:
                return time.perf_counter()
            except ReceiveTimeout:
                return None

    def close(self) -> None:
        self.closed = True
        try:
            self.sock.close()
        except OSError:
            pass
