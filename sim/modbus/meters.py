"""Emulated Modbus energy meters (Eastron SDM630, Carlo Gavazzi EM24) on the charger's AC supply.

Each register map is transcribed here from the maker's document, independently of the drivers' own
declarations, so that a driver reading the wrong address or word order fails against its emulator.
Readings are recomputed once per update interval (the meter's refresh time) in the SimDevice access
callback; the meter counts its own energy. Faults from the lab's control port: drop (close the
connection), timeout (no reply), error
(exception 4, server device failure), out_of_range (an absurd value in every register read).
"""

from __future__ import annotations

import asyncio
import math
import struct
from dataclasses import dataclass
from typing import Any

from pymodbus.constants import ExcCodes
from pymodbus.server import ModbusTcpServer
from pymodbus.simulator import DataType, SimData, SimDevice

Key = tuple[str, int | None]


@dataclass(frozen=True)
class Reg:
    table: str
    address: int
    dtype: str  # float32, int32, int16
    scale: float = 1.0  # value = raw * scale
    word_order: str = "big"

    @property
    def words(self) -> int:
        return 1 if self.dtype == "int16" else 2


def encode(value: float, dtype: str, word_order: str = "big") -> list[int]:
    fmt = {"float32": ">f", "int32": ">i", "uint32": ">I", "int16": ">h"}[dtype]
    raw = value if dtype == "float32" else int(round(value))
    if dtype != "float32":
        lim = 2**15 - 1 if dtype == "int16" else 2**31 - 1
        raw = max(-lim - 1, min(lim, raw))
    packed = struct.pack(fmt, raw)
    words = [int.from_bytes(packed[i:i + 2], "big") for i in range(0, len(packed), 2)]
    return words[::-1] if word_order == "little" else words


def _sdm630_map() -> dict[Key, Reg]:
    """Eastron SDM630 Modbus protocol: input registers, float32, high word first."""
    m: dict[Key, Reg] = {}
    for ph in (1, 2, 3):
        o = 2 * (ph - 1)
        for q, base in (("urms", 0x00), ("irms", 0x06), ("p", 0x0C), ("s", 0x12), ("q", 0x18), ("lambda", 0x1E)):
            m[(q, ph)] = Reg("input", base + o, "float32")
    for q, a in (("p", 0x34), ("s", 0x38), ("q", 0x3C), ("lambda", 0x3E), ("fu", 0x46),
                 ("energy_import_kwh", 0x48), ("energy_export_kwh", 0x4A)):
        m[(q, None)] = Reg("input", a, "float32")
    return m


def _em24_map() -> dict[Key, Reg]:
    """Carlo Gavazzi EM24 DIN protocol: INT32 least significant word first, fixed weights."""
    m: dict[Key, Reg] = {}
    for ph in (1, 2, 3):
        o = 2 * (ph - 1)
        m[("urms", ph)] = Reg("input", 0x00 + o, "int32", 0.1, "little")
        m[("irms", ph)] = Reg("input", 0x0C + o, "int32", 0.001, "little")
        m[("p", ph)] = Reg("input", 0x12 + o, "int32", 0.1, "little")
        m[("s", ph)] = Reg("input", 0x18 + o, "int32", 0.1, "little")
        m[("q", ph)] = Reg("input", 0x1E + o, "int32", 0.1, "little")
        m[("lambda", ph)] = Reg("input", 0x31 + ph, "int16", 0.001)
    m[("p", None)] = Reg("input", 0x28, "int32", 0.1, "little")
    m[("s", None)] = Reg("input", 0x2A, "int32", 0.1, "little")
    m[("q", None)] = Reg("input", 0x2C, "int32", 0.1, "little")
    m[("lambda", None)] = Reg("input", 0x35, "int16", 0.001)
    m[("fu", None)] = Reg("input", 0x37, "int16", 0.1)
    m[("energy_import_kwh", None)] = Reg("input", 0x3E, "int32", 0.1, "little")
    m[("energy_export_kwh", None)] = Reg("input", 0x5C, "int32", 0.1, "little")
    return m


class MeterModel:
    """The measured side: the charger's supply per phase, and the meter's own energy register."""

    def __init__(self, lab: Any, interval_s: float):
        self.lab, self.interval_s = lab, interval_s
        self.energy_kwh = 0.0
        self._t = lab.now()
        self._index = -1
        self.values: dict[tuple[str, int | None], float] = {}

    def refresh(self) -> None:
        t = self.lab.now()
        index = math.floor(t / self.interval_s)
        if index == self._index:
            return
        self._index = index
        lab = self.lab
        u = lab.noise(lab.grid.voltage_at(t))
        i_now = lab.current_a
        pf = 0.99 if i_now > 0 else 1.0
        v: dict[tuple[str, int | None], float] = {}
        total_p = 0.0
        for ph in (1, 2, 3):
            i = lab.noise(i_now) if ph <= lab.ratings.phases else 0.0
            p = u * i * pf
            total_p += p
            v.update({("urms", ph): u, ("irms", ph): i, ("p", ph): p, ("s", ph): u * i,
                      ("q", ph): u * i * math.sqrt(1 - pf * pf), ("lambda", ph): pf})
        self.energy_kwh += total_p * (t - self._t) / 3.6e6
        self._t = t
        v.update({("p", None): total_p, ("s", None): total_p / pf, ("q", None): 0.0, ("lambda", None): pf,
                  ("fu", None): lab.grid.frequency_hz, ("energy_import_kwh", None): self.energy_kwh,
                  ("energy_export_kwh", None): 0.0})
        self.values = v


def _words(reg: Reg, value: float) -> list[int]:
    return encode(value / reg.scale, reg.dtype, reg.word_order)


class MeterEmulator:
    """One meter on one TCP port. ``static``: {address: [words]} for identity registers per table."""

    def __init__(self, name: str, lab: Any, regmap: dict[Key, Reg], interval_s: float,
                 static: dict[str, dict[int, list[int]]], unit: int = 1):
        self.name, self.lab, self.unit = name, lab, unit
        self.model = MeterModel(lab, interval_s)
        self.static = static
        self.server: ModbusTcpServer | None = None
        self.by_table: dict[str, list[tuple[Reg, Key]]] = {"input": [], "holding": []}
        for key, reg in regmap.items():
            self.by_table[reg.table].append((reg, key))

    def _blocks(self, table: str) -> list[SimData]:
        spans = [(r.address, r.words) for r, _ in self.by_table[table]]
        spans += [(a, len(w)) for a, w in self.static.get(table, {}).items()]
        if not spans:
            return []
        spans.sort()
        blocks, (start, end) = [], (spans[0][0], spans[0][0] + spans[0][1])
        for a, n in spans[1:]:
            if a <= end + 32:  # gaps inside the documented map read as zeros (the real maps are dense there)
                end = max(end, a + n)
            else:
                blocks.append((start, end))
                start, end = a, a + n
        blocks.append((start, end))
        return [SimData(s, count=e - s, values=0, datatype=DataType.UINT16) for s, e in blocks]

    async def _action(self, fc: int, start: int, address: int, count: int, regs: list[int],
                      set_values: list[int] | None) -> ExcCodes | None:
        fault = self.lab.faults.get(self.name)
        if fault == "drop" and self.server is not None:
            for conn in list(self.server.active_connections.values()):
                conn.close()
            return None
        if fault == "timeout":  # no reply while the fault lasts (bounded, so the lab can always stop)
            for _ in range(600):
                if self.lab.faults.get(self.name) != "timeout":
                    break
                await asyncio.sleep(0.05)
            return ExcCodes.GATEWAY_NO_RESPONSE
        if fault == "error":
            return ExcCodes.DEVICE_FAILURE
        if set_values is not None:
            return ExcCodes.ILLEGAL_FUNCTION  # the emulated map is read-only
        table = "input" if fc == 4 else "holding"
        self.model.refresh()
        for addr, words in self.static.get(table, {}).items():
            regs[addr - start: addr - start + len(words)] = words
        for reg, key in self.by_table[table]:
            if address <= reg.address < address + count:
                value = 9.0e30 if fault == "out_of_range" else self.model.values.get(key, 0.0)
                words = _words(reg, value)
                regs[reg.address - start: reg.address - start + reg.words] = words
        return None

    def build(self, host: str = "127.0.0.1", port: int = 0) -> ModbusTcpServer:
        def nonempty(blocks: list[SimData], bits: bool = False) -> list[SimData]:
            # SimDevice wants every table non-empty; a lone register far up the map stands in
            return blocks or [SimData(0xFFF0, values=0, datatype=DataType.BITS if bits else DataType.UINT16)]

        device = SimDevice(id=self.unit, action=self._action,
                           simdata=(nonempty([], True), nonempty([], True), nonempty(self._blocks("holding")),
                                    nonempty(self._blocks("input"))))
        self.server = ModbusTcpServer(device, address=(host, port))
        return self.server


def sdm630(name: str, lab: Any) -> MeterEmulator:
    """Serial number 20230101 at holding 0xFC00 (uint32), meter code 0x0070 at 0xFC02."""
    static = {"holding": {0xFC00: encode(20_230_101, "uint32"), 0xFC02: [0x0070]}}
    return MeterEmulator(name, lab, _sdm630_map(), 1.0, static)


def em24(name: str, lab: Any) -> MeterEmulator:
    """Identification code 1648 (EM24 DIN AV) at 0x000B, ASCII serial at 0x5000, firmware 2.3 at 0x0302."""
    serial = b"KZ123456789AB\x00"
    serial_words = [int.from_bytes(serial[i:i + 2], "big") for i in range(0, 14, 2)]
    static = {"input": {0x000B: [1648], 0x5000: serial_words, 0x0302: [0x0203]}}
    return MeterEmulator(name, lab, _em24_map(), 0.5, static)


EMULATORS = {"eastron.sdm630": sdm630, "gavazzi.em24": em24}
