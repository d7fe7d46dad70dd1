"""A generic SCPI-over-TCP device: IEEE 488.2 common commands, an error queue, ``*OPC?``, chained
messages, and faults a test can inject (no reply, dropped connection, an error in the queue, a reply
out of range)."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .parser import Node, ScpiError, compile_pattern, match, parse

log = logging.getLogger(__name__)
QUEUE_SIZE = 30

Handler = Callable[[list[int | None], list[str]], str | None]


@dataclass
class Command:
    pattern: str
    nodes: list[Node]
    query: Handler | None
    write: Handler | None


class ScpiDevice:
    """Subclasses register commands with :meth:`add` and provide ``identity``."""

    identity = "CHARGEBENCH,GENERIC,0,0"
    error_query = "SYSTem:ERRor[:NEXT]"

    def __init__(self, name: str, lab: Any):
        self.name = name
        self.lab = lab
        self.errors: deque[tuple[int, str]] = deque()
        self.esr = 0
        self.commands: list[Command] = []
        self.add(self.error_query, query=lambda s, a: self._pop_error())
        self.setup()

    def setup(self) -> None:
        """Register the device's commands."""

    def add(self, pattern: str, query: Handler | None = None, write: Handler | None = None) -> None:
        self.commands.append(Command(pattern, compile_pattern(pattern), query, write))

    def reset(self) -> None:
        """``*RST``: the device's defaults."""

    # -- error queue -------------------------------------------------------------------------------------
    def push_error(self, code: int, message: str) -> None:
        if len(self.errors) >= QUEUE_SIZE:
            self.errors[-1] = (-350, "Queue overflow")
            return
        self.errors.append((code, message))
        self.esr |= 0x20 if -199 <= code <= -100 else 0x10 if -299 <= code <= -200 else 0x04

    def _pop_error(self) -> str:
        code, message = self.errors.popleft() if self.errors else (0, "No error")
        return f'{code},"{message}"'

    # -- execution ---------------------------------------------------------------------------------------
    def _common(self, header: str, query: bool) -> str | None:
        if header == "*IDN" and query:
            return self.identity
        if header == "*RST" and not query:
            self.reset()
            return None
        if header == "*CLS" and not query:
            self.errors.clear()
            self.esr = 0
            return None
        if header == "*OPC":
            return "1" if query else None
        if header == "*ESR" and query:
            value, self.esr = self.esr, 0
            return str(value)
        if header == "*WAI" and not query:
            return None
        raise ScpiError(-113, "Undefined header")

    def execute(self, message: str) -> list[str]:
        """Run a program message; return the replies to its queries (errors go to the queue)."""
        replies: list[str] = []
        self.lab.now()  # bring the coupled physics up to the present before anything is read or set
        try:
            units = parse(message)
        except ScpiError as exc:
            self.push_error(exc.code, exc.message)
            return replies
        for unit in units:
            try:
                if unit.common:
                    reply = self._common(unit.tokens[0], unit.query)
                else:
                    reply = self._dispatch(unit.tokens, unit.query, unit.args)
            except ScpiError as exc:
                self.push_error(exc.code, exc.message)
                continue
            if unit.query and reply is not None:
                replies.append(reply)
        return replies

    def _dispatch(self, tokens: list[str], query: bool, args: list[str]) -> str | None:
        for cmd in self.commands:
            suffixes = match(cmd.nodes, tokens)
            if suffixes is None:
                continue
            handler = cmd.query if query else cmd.write
            if handler is None:
                raise ScpiError(-113, "Undefined header; " + ("not a query" if query else "query only"))
            return handler(suffixes, args)
        raise ScpiError(-113, "Undefined header")


def one_arg(args: list[str]) -> str:
    if not args:
        raise ScpiError(-109, "Missing parameter")
    if len(args) > 1:
        raise ScpiError(-108, "Parameter not allowed")
    return args[0]


def float_arg(args: list[str], low: float, high: float) -> float:
    text = one_arg(args)
    try:
        value = float(text)
    except ValueError:
        raise ScpiError(-104, "Data type error") from None
    if not low <= value <= high:
        raise ScpiError(-222, "Data out of range")
    return value


def bool_arg(args: list[str]) -> bool:
    text = one_arg(args).upper()
    if text in ("1", "ON"):
        return True
    if text in ("0", "OFF"):
        return False
    raise ScpiError(-224, "Illegal parameter value")


def fmt(value: float) -> str:
    """SCPI NR3; NaN as the SCPI not-a-number 9.91E+37."""
    if value != value:
        return "9.91E+37"
    return f"{value:.6E}"


async def serve_device(device: ScpiDevice, host: str = "127.0.0.1", port: int = 0) -> asyncio.base_events.Server:
    """Serve one device on a TCP socket (newline-terminated messages, as LAN SCPI instruments do)."""

    async def client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                line = await reader.readline()
                if not line:
                    break
                fault = device.lab.faults.get(device.name)
                if fault == "drop":
                    break
                text = line.decode("ascii", errors="replace").strip()
                if not text:
                    continue
                if fault == "error":
                    device.push_error(-200, "Execution error; injected fault")
                replies = device.execute(text)
                if fault == "timeout":
                    continue
                if fault == "out_of_range" and replies:
                    replies = [_out_of_range(r) for r in replies]
                if replies:
                    writer.write((";".join(replies) + "\n").encode("ascii"))
                    await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    return await asyncio.start_server(client, host, port)


def _out_of_range(reply: str) -> str:
    """A number becomes 9.0E+30 (as before); so do the decimal fields of a comma list (an analyzer's
    several items) and a number with a unit suffix (``400.00 V``), keeping the unit."""
    if _is_number(reply):
        return "9.0E+30"
    head, sep, unit = reply.partition(" ")
    if sep and _is_number(head) and unit.isalpha():
        return f"9.0E+30 {unit}"
    fields = reply.split(",")
    if len(fields) > 1:
        return ",".join("9.0E+30" if _is_number(f) and any(c in f for c in ".Ee") else f for f in fields)
    return reply


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False
