"""Emulated EA PSB 10000 on ModBus TCP (the same unit as sim/scpi/dcload.py's EA dialect, through the
ModBus interface), on the lab's DC bus. Register map transcribed from EA's programming guide as the driver
docstring lists it (percent-of-nominal set and actual values, 0xCCCC = 100 %), independently of the
driver's code. Remote control (coil 402) must be taken before set values or the output are accepted."""

from __future__ import annotations

import asyncio
import struct
from typing import Any

from pymodbus.constants import ExcCodes
from pymodbus.server import ModbusTcpServer
from pymodbus.simulator import DataType, SimData, SimDevice

FULL, CEILING = 0xCCCC, 0xD0E5
NOMINAL = (1000.0, 80.0, 30_000.0)  # PSB 11000-80: 1000 V, 80 A, 30 kW
MODEL, SERIAL = "PSB 11000-80", "2000010002"


def _string(text: str, words: int) -> list[int]:
    raw = text.encode("ascii").ljust(2 * words, b"\x00")
    return [int.from_bytes(raw[i:i + 2], "big") for i in range(0, 2 * words, 2)]


def _float(value: float) -> list[int]:
    packed = struct.pack(">f", value)
    return [int.from_bytes(packed[0:2], "big"), int.from_bytes(packed[2:4], "big")]


class PsbModbusEmulator:
    def __init__(self, name: str, lab: Any, unit: int = 1):
        self.name, self.lab, self.unit = name, lab, unit
        self.remote = False
        self.set = {498: 0, 499: 0, 500: 0, 501: FULL, 502: FULL}
        self.sink = "CC"
        self.server: ModbusTcpServer | None = None

    def _apply(self) -> None:
        v_nom, i_nom, p_nom = NOMINAL
        dc = self.lab.dc
        if self.set[500] > 0:
            dc.load_mode, dc.load_setpoint = "CV", self.set[500] / FULL * v_nom
        elif self.sink == "CP":
            dc.load_mode, dc.load_setpoint = "CP", self.set[498] / FULL * p_nom
        else:
            dc.load_mode, dc.load_setpoint = "CC", self.set[499] / FULL * i_nom

    def _holding(self, regs: list[int], start: int, fault: str | None) -> None:
        v_nom, i_nom, p_nom = NOMINAL
        v, i = self.lab.dc.operating_point()
        v, i = self.lab.noise(v), self.lab.noise(i)
        state = (1 << 7 if self.lab.dc.load_on else 0) | (1 << 10 if self.remote else 0)
        actual = [round(v / v_nom * FULL), round(i / i_nom * FULL), round(v * i / p_nom * FULL)]
        if fault == "out_of_range":
            actual = [0xFFFF] * 3
        for addr, words in ((1, _string(MODEL, 20)), (121, _float(v_nom) + _float(i_nom) + _float(p_nom)),
                            (151, _string(SERIAL, 20)), (505, [state >> 16, state & 0xFFFF]), (507, actual),
                            (498, [self.set[a] for a in (498, 499, 500, 501, 502)])):
            if start <= addr and addr + len(words) - start <= len(regs):
                regs[addr - start: addr - start + len(words)] = words

    async def _action(self, fc: int, start: int, address: int, count: int, regs: list[int],
                      set_values: list[int] | list[bool] | None) -> ExcCodes | None:
        fault = self.lab.faults.get(self.name)
        if fault == "drop" and self.server is not None:
            for conn in list(self.server.active_connections.values()):
                conn.close()
            return None
        if fault == "timeout":
            for _ in range(600):
                if self.lab.faults.get(self.name) != "timeout":
                    break
                await asyncio.sleep(0.05)
            return ExcCodes.GATEWAY_NO_RESPONSE
        if fault == "error":
            return ExcCodes.DEVICE_FAILURE
        self.lab.now()
        if fc == 5 and set_values is not None:  # write single coil
            if address == 402:
                self.remote = bool(set_values[0])
            elif address == 405:
                if not self.remote:
                    return ExcCodes.ILLEGAL_VALUE  # the output cannot be switched without remote control
                self.lab.dc.load_on = bool(set_values[0])
            return None
        if fc in (6, 16) and set_values is not None:
            if not self.remote:
                return ExcCodes.ILLEGAL_VALUE
            for offset, value in enumerate(set_values):
                reg = address + offset
                if reg not in self.set or not 0 <= int(value) <= CEILING:
                    return ExcCodes.ILLEGAL_VALUE
                self.set[reg] = int(value)
                if reg in (498, 499):
                    self.sink = "CP" if reg == 498 else "CC"
            self._apply()
            return None
        if fc == 3:
            self._holding(regs, start, fault)
        return None

    def build(self, host: str = "127.0.0.1", port: int = 0) -> ModbusTcpServer:
        device = SimDevice(id=self.unit, action=self._action, simdata=(
            [SimData(400, count=16, values=False, datatype=DataType.BITS)],
            [SimData(0, values=False, datatype=DataType.BITS)],
            [SimData(0, count=172, values=0, datatype=DataType.UINT16),
             SimData(490, count=30, values=0, datatype=DataType.UINT16)],
            [SimData(0xFFF0, values=0, datatype=DataType.UINT16)]))
        self.server = ModbusTcpServer(device, address=(host, port))
        return self.server
