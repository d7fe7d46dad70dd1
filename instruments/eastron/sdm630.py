"""Eastron SDM630 (Modbus, MID) three-phase energy meter, over Modbus TCP (via a gateway or the -TCP model).

Register map from Eastron's "SDM630 Modbus protocol" document: measurements are input registers (FC04),
IEEE 754 float32, high word first ("big" word order), at 0-based addresses (30001 -> 0x0000).
Unconfirmed here (no meter to hand): the serial number at holding 0xFC00 (uint32) and the meter code at
holding 0xFC02 (uint16) come from the same document's later revisions; the code value we accept for an
SDM630 (0x0070) could not be checked against a real unit, so identify() reports what it reads.
"""

from __future__ import annotations

from typing import ClassVar

from ..base.errors import InstrumentReplyError
from ..base.instrument import Identity, Quantity
from ..base.meter import COMMON_QUANTITIES, Key, ModbusMeter
from ..base.modbus import register


def _f(address: int, doc: str) -> register:
    return register("input", address, "float32", doc)


_MAP: dict[Key, register] = {}
for _ph in (1, 2, 3):
    _o = 2 * (_ph - 1)
    _MAP[("urms", _ph)] = _f(0x0000 + _o, f"Phase {_ph} line to neutral volts (V).")
    _MAP[("irms", _ph)] = _f(0x0006 + _o, f"Phase {_ph} current (A).")
    _MAP[("p", _ph)] = _f(0x000C + _o, f"Phase {_ph} active power (W).")
    _MAP[("s", _ph)] = _f(0x0012 + _o, f"Phase {_ph} apparent power (VA).")
    _MAP[("q", _ph)] = _f(0x0018 + _o, f"Phase {_ph} reactive power (var).")
    _MAP[("lambda", _ph)] = _f(0x001E + _o, f"Phase {_ph} power factor.")
_MAP.update({
    ("p", None): _f(0x0034, "Total system power (W)."),
    ("s", None): _f(0x0038, "Total system volt-amps (VA)."),
    ("q", None): _f(0x003C, "Total system var."),
    ("lambda", None): _f(0x003E, "Total system power factor."),
    ("fu", None): _f(0x0046, "Frequency of supply voltages (Hz)."),
    ("energy_import_kwh", None): _f(0x0048, "Import active energy (kWh)."),
    ("energy_export_kwh", None): _f(0x004A, "Export active energy (kWh)."),
})

SERIAL = register("holding", 0xFC00, "uint32", "Serial number.")
METER_CODE = register("holding", 0xFC02, "uint16", "Meter code (model).")
MODELS = {0x0070: "SDM630"}


class EastronSDM630(ModbusMeter):
    QUANTITIES: ClassVar[dict[str, Quantity]] = COMMON_QUANTITIES
    MAP: ClassVar[dict[Key, register]] = _MAP
    UPDATE_INTERVAL_S = 1.0  # the SDM630 refreshes its registers about once a second (datasheet)

    serial = SERIAL
    meter_code = METER_CODE

    def identify(self) -> Identity:
        code = int(self.meter_code)
        model = MODELS.get(code)
        if model is None:
            raise InstrumentReplyError(self.name, f"meter code 0x{code:04X} is not an SDM630")
        return Identity("EASTRON", model, str(int(self.serial)), "n/a")
