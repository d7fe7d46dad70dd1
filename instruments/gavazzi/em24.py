"""Carlo Gavazzi EM24 DIN three-phase energy analyzer, over Modbus TCP (EM24-...-E variants, or RTU via a
gateway).

Register map from Carlo Gavazzi's "EM24 DIN communication protocol" document: INT32 values with the
least significant word first ("little" word order), INT16 for power factor and frequency, fixed scale
factors (V x10, A x1000, W/VA/var x10, PF x1000, Hz x10, kWh x10). Both FC03 and FC04 read the same map;
we use FC04. Unconfirmed here (no meter to hand): the identification code register 0x000B and the
accepted codes 1648-1653 (EM24 DIN AV/AV2/AV5/AV9/IS/AV53, per third-party register lists), the
7-register ASCII serial number at 0x5000 and the firmware register 0x0302.
"""

from __future__ import annotations

from typing import ClassVar

from ..base.errors import InstrumentReplyError
from ..base.instrument import Identity, Quantity
from ..base.meter import COMMON_QUANTITIES, Key, ModbusMeter
from ..base.modbus import register


def _i32(address: int, scale: float, doc: str) -> register:
    return register("input", address, "int32", doc, scale=scale, word_order="little")


def _i16(address: int, scale: float, doc: str) -> register:
    return register("input", address, "int16", doc, scale=scale)


_MAP: dict[Key, register] = {}
for _ph in (1, 2, 3):
    _o = 2 * (_ph - 1)
    _MAP[("urms", _ph)] = _i32(0x0000 + _o, 0.1, f"V L{_ph}-N (V x10).")
    _MAP[("irms", _ph)] = _i32(0x000C + _o, 0.001, f"A L{_ph} (A x1000).")
    _MAP[("p", _ph)] = _i32(0x0012 + _o, 0.1, f"W L{_ph} (W x10).")
    _MAP[("s", _ph)] = _i32(0x0018 + _o, 0.1, f"VA L{_ph} (VA x10).")
    _MAP[("q", _ph)] = _i32(0x001E + _o, 0.1, f"var L{_ph} (var x10).")
    _MAP[("lambda", _ph)] = _i16(0x0031 + _ph, 0.001, f"PF L{_ph} (x1000).")
_MAP.update({
    ("p", None): _i32(0x0028, 0.1, "W sys (W x10)."),
    ("s", None): _i32(0x002A, 0.1, "VA sys (VA x10)."),
    ("q", None): _i32(0x002C, 0.1, "var sys (var x10)."),
    ("lambda", None): _i16(0x0035, 0.001, "PF sys (x1000)."),
    ("fu", None): _i16(0x0037, 0.1, "Hz (x10)."),
    ("energy_import_kwh", None): _i32(0x003E, 0.1, "kWh (+) TOT (kWh x10)."),
    ("energy_export_kwh", None): _i32(0x005C, 0.1, "kWh (-) TOT (kWh x10)."),
})

ID_CODE = register("input", 0x000B, "uint16", "Carlo Gavazzi identification code.")
MODELS = {1648: "EM24DINAV", 1649: "EM24DINAV2", 1650: "EM24DINAV5", 1651: "EM24DINAV9",
          1652: "EM24DINIS", 1653: "EM24DINAV53"}
SERIAL_REG, SERIAL_WORDS = 0x5000, 7
FIRMWARE = register("input", 0x0302, "uint16", "Firmware version and revision (high/low byte).")


class GavazziEM24(ModbusMeter):
    QUANTITIES: ClassVar[dict[str, Quantity]] = COMMON_QUANTITIES
    MAP: ClassVar[dict[Key, register]] = _MAP
    UPDATE_INTERVAL_S = 0.5  # "refresh time" in the datasheet is 500 ms for the instantaneous variables

    id_code = ID_CODE
    firmware = FIRMWARE

    def identify(self) -> Identity:
        code = int(self.id_code)
        if code not in MODELS:
            raise InstrumentReplyError(self.name, f"identification code {code} is not an EM24 DIN")
        words = self.transport.read("input", SERIAL_REG, SERIAL_WORDS)
        serial = b"".join(w.to_bytes(2, "big") for w in words).rstrip(b"\x00 ").decode("ascii", "replace")
        fw = int(self.firmware)
        return Identity("CARLO GAVAZZI", MODELS[code], serial, f"{fw >> 8}.{fw & 0xFF}")
