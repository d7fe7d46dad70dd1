"""One V2G TCP (or TLS) connection with socket-level timestamps.

Response times are measured from the moment ``sendall`` returns (the request is in the kernel) to the
moment the first byte of the answer is read from the socket; both on ``time.perf_counter``. Nothing
between the socket and these stamps parses EXI, so codec time never inflates the charger's figures.
"""

from __future__ import annotations

import select
import socket
import ssl
import time
from dataclasses import dataclass

from . import v2gtp


class ConnectionClosed(Exception):
    """The charger closed the TCP connection (or it broke)."""


class ReceiveTimeout(Exception):
    """No complete message within the timeout."""


@dataclass
class Received:
    payload_type: int
    payload: bytes
    t_first: float  # perf_counter when the first header byte was available
    t_done: float


class V2gConnection:
    def __init__(self, sock: socket.socket | ssl.SSLSocket):
        self.sock = sock
        self.sock.setblocking(True)
        self._buf = b""
        self.closed = False

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
        """Send bytes as they are; returns the perf_counter stamp after the kernel took them."""
        try:
            self.sock.sendall(data)
        except OSError as exc:
            self.closed = True
            raise ConnectionClosed(str(exc)) from None
        return time.perf_counter()

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
        stamp = time.perf_counter()
        try:
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
        t_first = time.perf_counter() if self._buf else None
        while len(self._buf) < v2gtp.HEADER_LEN:
            stamp = self._fill(deadline)
            t_first = t_first or stamp
        header = v2gtp.parse_header(self._buf)
        total = v2gtp.HEADER_LEN + header.length
        while len(self._buf) < total:
            self._fill(deadline)
        payload, self._buf = self._buf[v2gtp.HEADER_LEN:total], self._buf[total:]
        return Received(header.payload_type, payload, t_first or time.perf_counter(), time.perf_counter())

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
