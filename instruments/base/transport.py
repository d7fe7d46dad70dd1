"""Line-based message transports for SCPI-style instruments.

``VisaTransport`` talks to real instruments (and to the virtual lab) through pyvisa with the pyvisa-py
backend. ``TranscriptTransport`` replays a recorded exchange for driver tests without hardware: it checks
that the driver writes exactly the recorded commands and feeds back the recorded replies.
"""

from __future__ import annotations

import select
import socket
import time
from collections.abc import Callable, Iterable
from typing import Protocol

from .errors import InstrumentLost, InstrumentTimeout

Listener = Callable[[str, str, float], None]  # direction ("w" or "r"), text, monotonic time


class Transport(Protocol):
    name: str

    def write(self, command: str) -> None: ...
    def query(self, command: str) -> str: ...
    def close(self) -> None: ...


class VisaTransport:
    """pyvisa resource with line terminations set (a missing read_termination turns every query into a
    timeout) and pyvisa errors mapped to typed instrument errors.

    An exchange cut short (a timeout, or a signal raising in the middle of a read) may leave half a
    command on the wire or a late reply in the socket; the next exchange then reconnects first, so a
    safe-state command is never glued to a stale fragment and a query never reads an old reply.
    """

    def __init__(self, address: str, name: str = "instrument", timeout_s: float = 2.0,
                 termination: str = "\n", listener: Listener | None = None):
        import pyvisa  # local: keeps 'import instruments' cheap

        self.name = name
        self.address = address
        self.listener = listener
        self._pyvisa = pyvisa
        self._termination = termination
        self._timeout_ms = int(timeout_s * 1000)
        self._busy = False
        self._res = self._open()

    def _open(self):
        try:
            rm = self._pyvisa.ResourceManager("@py")
            return rm.open_resource(self.address, read_termination=self._termination,
                                    write_termination=self._termination, timeout=self._timeout_ms)
        except Exception as exc:  # pyvisa raises many kinds of errors on open
            raise InstrumentLost(self.name, f"cannot open {self.address}: {exc}") from None

    def _begin(self) -> None:
        if self._busy:
            self.close()
            self._res = self._open()
        self._busy = True

    def _note(self, direction: str, text: str) -> None:
        if self.listener is not None:
            self.listener(direction, text, time.monotonic())

    def write(self, command: str) -> None:
        self._note("w", command)
        self._begin()
        try:
            self._res.write(command)
        except Exception as exc:
            raise self._map(exc, command) from None
        self._busy = False

    def query(self, command: str) -> str:
        self._note("w", command)
        self._begin()
        try:
            reply = self._res.query(command)
        except Exception as exc:
            raise self._map(exc, command) from None
        self._busy = False
        reply = reply.strip()
        self._note("r", reply)
        return reply

    def _peer_closed(self) -> bool:
        """pyvisa-py reads an orderly close (EOF) as 'no data yet' and times out; look at the socket."""
        try:
            sock = self._res.visalib.sessions[self._res.session].interface
            readable, _, _ = select.select([sock], [], [], 0)
            return bool(readable) and sock.recv(1, socket.MSG_PEEK) == b""
        except Exception:  # not a raw socket session (GPIB, USB...): no way to tell
            return False

    def _map(self, exc: Exception, command: str) -> Exception:
        errors = self._pyvisa.errors
        if isinstance(exc, errors.VisaIOError) and exc.error_code == self._pyvisa.constants.StatusCode.error_timeout:
            if self._peer_closed():
                return InstrumentLost(self.name, f"the instrument closed the connection during {command!r}")
            return InstrumentTimeout(self.name, f"no reply to {command!r} within the timeout")
        return InstrumentLost(self.name, f"connection failed during {command!r}: {exc}")

    def close(self) -> None:
        try:
            self._res.close()
        except Exception:  # closing a dead socket must not mask the real error
            pass


class TranscriptMismatch(AssertionError):
    pass


class TranscriptTransport:
    """Replays ``[(command, reply_or_None), ...]``; raises on the first deviation."""

    def __init__(self, pairs: Iterable[tuple[str, str | None]], name: str = "transcript"):
        self.name = name
        self._pairs = list(pairs)
        self._pos = 0

    def _next(self, command: str, want_reply: bool) -> str | None:
        if self._pos >= len(self._pairs):
            raise TranscriptMismatch(f"unexpected extra command {command!r}")
        expected, reply = self._pairs[self._pos]
        self._pos += 1
        if command != expected:
            raise TranscriptMismatch(f"wrote {command!r}, transcript expects {expected!r} (pair {self._pos})")
        if want_reply and reply is None:
            raise TranscriptMismatch(f"{command!r} was queried but the transcript has no reply")
        if not want_reply and reply is not None:
            raise TranscriptMismatch(f"{command!r} was written but the transcript has a reply {reply!r}")
        return reply

    def write(self, command: str) -> None:
        self._next(command, want_reply=False)

    def query(self, command: str) -> str:
        reply = self._next(command, want_reply=True)
        assert reply is not None
        return reply

    def close(self) -> None:
        pass

    @property
    def finished(self) -> bool:
        return self._pos == len(self._pairs)
