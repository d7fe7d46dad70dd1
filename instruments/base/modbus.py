"""Modbus TCP transport, its recorded-exchange twin, and declared registers for Modbus instruments.

Exchanges are written as text lines so that a transcript reads like a bus monitor:
``read input 0x0000 2`` -> ``0x4366 0x0000``; ``write holding 0x0010 0x0001`` (no reply);
a Modbus exception reply is ``exception 2``.
"""

from __future__ import annotations

import struct
import time
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from .errors import InstrumentError, InstrumentLost, InstrumentReplyError, InstrumentTimeout
from .transport import Listener, TranscriptTransport

EXCEPTIONS = {1: "illegal function", 2: "illegal data address", 3: "illegal data value",
              4: "server device failure", 5: "acknowledge", 6: "server device busy",
              10: "gateway path unavailable", 11: "gateway target failed to respond"}


class ModbusException(InstrumentError):
    """The instrument answered with a Modbus exception (its equivalent of an error-queue entry)."""

    def __init__(self, instrument: str, request: str, code: int):
        self.code = code
        super().__init__(instrument, f"Modbus exception {code} ({EXCEPTIONS.get(code, 'unknown')}) "
                                     f"to '{request}'")


class RegisterTransport(Protocol):
    name: str

    def read(self, table: str, address: int, count: int) -> list[int]: ...
    def write(self, address: int, values: list[int]) -> None: ...
    def write_coil(self, address: int, on: bool) -> None: ...
    def close(self) -> None: ...


def request_text(op: str, table: str, address: int, values: Iterable[int] | int) -> str:
    if op == "read":
        return f"read {table} 0x{address:04X} {values}"
    return f"write {table} 0x{address:04X} " + " ".join(f"0x{v:04X}" for v in values)  # type: ignore[union-attr]


def parse_address(address: str) -> tuple[str, int, int]:
    """``host:port[/unit]`` or ``modbus-tcp://host:port[/unit]`` -> (host, port, unit id)."""
    text = address.removeprefix("modbus-tcp://").removeprefix("modbus://")
    hostport, _, unit = text.partition("/")
    host, _, port = hostport.rpartition(":")
    if not host or not port.isdigit() or (unit and not unit.isdigit()):
        raise ValueError(f"Modbus address {address!r} is not host:port[/unit]")
    return host, int(port), int(unit or 1)


class ModbusTransport:
    """pymodbus synchronous TCP client with errors mapped to typed instrument errors. An exchange cut
    short (a timeout, an interrupt) may leave a late reply in the socket: the next exchange reconnects
    first, so it can never read an old answer (as VisaTransport does)."""

    def __init__(self, address: str, name: str = "instrument", timeout_s: float = 2.0,
                 listener: Listener | None = None):
        from pymodbus.client import ModbusTcpClient  # local: keeps 'import instruments' cheap

        self.name, self.address, self.listener = name, address, listener
        try:
            host, port, self.unit = parse_address(address)
        except ValueError as exc:
            raise InstrumentLost(name, str(exc)) from None
        self.client = ModbusTcpClient(host, port=port, timeout=timeout_s, retries=0)
        self._busy = False
        if not self.client.connect():
            raise InstrumentLost(name, f"cannot open Modbus TCP {address}")

    def _note(self, direction: str, text: str) -> None:
        if self.listener is not None:
            self.listener(direction, text, time.monotonic())

    def _call(self, text: str, fn: Callable[[], Any]) -> Any:
        from pymodbus.exceptions import ConnectionException, ModbusIOException

        self._note("w", text)
        if self._busy:  # the previous exchange never finished: start from a clean connection
            self.client.close()
            if not self.client.connect():
                raise InstrumentLost(self.name, f"cannot reconnect to Modbus TCP {self.address}")
        self._busy = True
        try:
            reply = fn()
        except ConnectionException as exc:
            raise InstrumentLost(self.name, f"connection failed during '{text}': {exc}") from None
        except ModbusIOException as exc:
            if not self.client.connected:
                raise InstrumentLost(self.name, f"connection dropped during '{text}'") from None
            raise InstrumentTimeout(self.name, f"no reply to '{text}' within the timeout ({exc})") from None
        except Exception as exc:  # pymodbus raises several kinds on broken sockets
            raise InstrumentLost(self.name, f"connection failed during '{text}': {exc}") from None
        self._busy = False
        if reply.isError():
            code = getattr(reply, "exception_code", 0)
            self._note("r", f"exception {code}")
            raise ModbusException(self.name, text, code)
        return reply

    def read(self, table: str, address: int, count: int) -> list[int]:
        text = request_text("read", table, address, count)
        fn = self.client.read_input_registers if table == "input" else self.client.read_holding_registers
        reply = self._call(text, lambda: fn(address, count=count, device_id=self.unit))
        regs = list(reply.registers)
        self._note("r", " ".join(f"0x{v:04X}" for v in regs))
        return regs

    def write(self, address: int, values: list[int]) -> None:
        text = request_text("write", "holding", address, values)
        self._call(text, lambda: self.client.write_registers(address, values, device_id=self.unit))

    def write_coil(self, address: int, on: bool) -> None:
        text = f"write coil 0x{address:04X} {'ON' if on else 'OFF'}"
        self._call(text, lambda: self.client.write_coil(address, on, device_id=self.unit))

    def close(self) -> None:
        try:
            self.client.close()
        except Exception:  # closing a dead socket must not mask the real error
            pass


class ModbusTranscript:
    """Replays ``[(request_line, reply_line_or_None), ...]`` for Modbus drivers, like TranscriptTransport."""

    def __init__(self, pairs: Iterable[tuple[str, str | None]], name: str = "transcript"):
        self.name = name
        self._t = TranscriptTransport(pairs, name)

    def read(self, table: str, address: int, count: int) -> list[int]:
        text = request_text("read", table, address, count)
        reply = self._t.query(text)
        if reply.startswith("exception"):
            raise ModbusException(self.name, text, int(reply.split()[1]))
        return [int(v, 16) for v in reply.split()]

    def write(self, address: int, values: list[int]) -> None:
        self._t.write(request_text("write", "holding", address, values))

    def write_coil(self, address: int, on: bool) -> None:
        self._t.write(f"write coil 0x{address:04X} {'ON' if on else 'OFF'}")

    def close(self) -> None:
        pass

    @property
    def finished(self) -> bool:
        return self._t.finished


# -- register data types -------------------------------------------------------------------------------
FORMATS = {"float32": (">f", 2), "int32": (">i", 2), "uint32": (">I", 2), "int16": (">h", 1),
           "uint16": (">H", 1)}


def decode(words: list[int], dtype: str, word_order: str = "big") -> float:
    fmt, n = FORMATS[dtype]
    ws = list(words[:n])
    if word_order == "little":
        ws.reverse()
    return float(struct.unpack(fmt, b"".join(w.to_bytes(2, "big") for w in ws))[0])


def encode(value: float, dtype: str, word_order: str = "big") -> list[int]:
    fmt, n = FORMATS[dtype]
    packed = struct.pack(fmt, value if dtype == "float32" else int(round(value)))
    ws = [int.from_bytes(packed[i:i + 2], "big") for i in range(0, 2 * n, 2)]
    if word_order == "little":
        ws.reverse()
    return ws


class register:
    """A declared Modbus quantity: table, address, type, scale (value = raw * scale), word order."""

    def __init__(self, table: str, address: int, dtype: str, doc: str, scale: float = 1.0,
                 word_order: str = "big"):
        if table not in ("input", "holding") or dtype not in FORMATS:
            raise ValueError(f"bad register declaration {table} {dtype}")
        self.table, self.address, self.dtype, self.scale, self.word_order = table, address, dtype, scale, word_order
        self.__doc__ = doc

    @property
    def words(self) -> int:
        return FORMATS[self.dtype][1]

    def value(self, block: list[int], start: int) -> float:
        off = self.address - start
        return decode(block[off:off + self.words], self.dtype, self.word_order) * self.scale

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, inst: Any, owner: type | None = None) -> Any:
        if inst is None:
            return self
        words = inst.transport.read(self.table, self.address, self.words)
        if len(words) != self.words:
            raise InstrumentReplyError(inst.name, f"{self.name}: expected {self.words} registers, got {len(words)}")
        return self.value(words, self.address)
