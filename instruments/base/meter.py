"""Modbus energy meters: a register map per model, read in as few requests as the map allows.

Meters have no error queue; a Modbus exception reply is their error, raised at once (ModbusException)
and also kept so that ``check_errors()`` reports what happened since the last call.
"""

from __future__ import annotations

from typing import Any, ClassVar

from .errors import InstrumentError
from .instrument import Identity, Quantity
from .modbus import ModbusException, register
from .roles import EnergyMeter

MAX_SPAN = 120  # registers per read request (the protocol allows 125)

Key = tuple[str, int | str | None]  # (quantity, phase 1..3 or None for the total)


class ModbusMeter(EnergyMeter):
    TRANSPORT = "modbus"
    MAP: ClassVar[dict[Key, register]] = {}
    UPDATE_INTERVAL_S: ClassVar[float] = 1.0

    def __init__(self, transport: Any, name: str | None = None):
        super().__init__(transport, name)
        self._errors: list[str] = []

    def _register(self, quantity: str, element: int | str | None) -> register:
        key = (quantity, None if element in (None, "sigma") else element)
        reg = self.MAP.get(key)
        if reg is None and element is None:
            reg = self.MAP.get((quantity, 1))  # no total for this quantity: phase 1, as for an analyzer
        if reg is None:
            have = sorted({f"{q}{'' if e is None else '@' + str(e)}" for q, e in self.MAP})
            raise InstrumentError(self.name, f"has no register for {quantity} element {element}: "
                                             f"expected one of {', '.join(have)}")
        return reg

    def _read_block(self, regs: list[register]) -> dict[int, float]:
        """Read registers of one table in contiguous spans; {address: value}."""
        out: dict[int, float] = {}
        regs = sorted(regs, key=lambda r: r.address)
        i = 0
        while i < len(regs):
            start = regs[i].address
            j = i
            while j + 1 < len(regs) and regs[j + 1].address + regs[j + 1].words - start <= MAX_SPAN:
                j += 1
            end = regs[j].address + regs[j].words
            try:
                words = self.transport.read(regs[i].table, start, end - start)
            except ModbusException as exc:
                self._errors.append(exc.what)
                raise
            for r in regs[i:j + 1]:
                out[r.address] = r.value(words, start)
            i = j + 1
        return out

    def sample(self, items: list[Key]) -> list[float]:
        for q, _ in items:
            if q not in self.QUANTITIES:
                raise InstrumentError(self.name, f"has no quantity {q!r}")
        regs = [self._register(q, el) for q, el in items]
        values: dict[tuple[str, int], float] = {}
        for table in ("input", "holding"):
            group = [r for r in regs if r.table == table]
            if group:
                values.update({(table, a): v for a, v in self._read_block(group).items()})
        return [self.check(q, values[(r.table, r.address)]) for (q, _), r in zip(items, regs, strict=True)]

    def _read_raw(self, quantity: str, element: int | str | None) -> float:
        return self.sample([(quantity, element)])[0]

    def check_errors(self) -> list[str]:
        errors, self._errors = self._errors, []
        return errors

    def update_interval_s(self) -> float:
        return self.UPDATE_INTERVAL_S

    def identify(self) -> Identity:  # pragma: no cover - every meter overrides
        raise NotImplementedError


COMMON_QUANTITIES: dict[str, Quantity] = {
    "urms": Quantity("V", 0, 1000, gain=0.005, offset=0.1),
    "irms": Quantity("A", 0, 10000, gain=0.005, offset=0.01),
    "p": Quantity("W", -1e7, 1e7, gain=0.01, offset=1.0),
    "s": Quantity("VA", 0, 1e7, gain=0.01, offset=1.0),
    "q": Quantity("var", -1e7, 1e7, gain=0.02, offset=1.0),
    "lambda": Quantity("1", -1, 1, offset=0.01),
    "fu": Quantity("Hz", 40, 70, offset=0.1),
    "energy_import_kwh": Quantity("kWh", 0, 1e8, gain=0.01),
    "energy_export_kwh": Quantity("kWh", 0, 1e8, gain=0.01),
}
