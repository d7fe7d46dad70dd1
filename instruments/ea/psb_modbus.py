"""EA Elektro-Automatik PSB 10000 over ModBus TCP: the same unit as ``ea.psb``, through its ModBus
interface (labs that integrate it in a PLC world often use this one).

Register map from EA's "Programming Guide ModBus & SCPI" (PSB 10000), 0-based addresses, holding registers
(FC03/FC16) and coils (FC05): remote control coil 402, DC output coil 405; set values as uint16 in
percent of the nominal value, 0xCCCC = 100 % (0xD0E5 = 102 % is the ceiling): voltage 500, current 501,
source power 502, sink power 498, sink current 499; actual values 507 (U), 508 (I), 509 (P) on the same
scale; device state 505-506 (uint32) with the output bit, the remote bit and the alarm bits; the device
type string at 1 (20 registers) and the nominal values as float32 at 121 (U), 123 (I), 125 (P).
Unconfirmed (the map was read from secondary sources, not checked against the guide or a unit): the sink
current register 499, the nominal-value and serial-number addresses (151, 20 registers), and the
device-state bit positions (bit 7 output, 10 remote, 11 OVP, 12 OCP, 13 OPP, 14 OT). Modes: CC sinks
register 499 with the source voltage at 0, CV sets 500 with the sink current at 100 %, CP sinks 498; CR
and slew are not available over this interface in this driver.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ..base.errors import InstrumentError, InstrumentReplyError
from ..base.instrument import Identity, Quantity
from ..base.modbus import ModbusException, decode
from ..base.properties import strict_range
from ..base.roles import LOAD_MODES, DcLoad

FULL = 0xCCCC  # 100 % of nominal
CEILING = 0xD0E5  # 102 %
REMOTE, OUTPUT = 402, 405
SET = {"CV": 500, "I": 501, "P": 502, "CP": 498, "CC": 499}
ACTUAL = {"voltage": 507, "current": 508, "power": 509}
STATE, DEVICE_TYPE, NOMINAL, SERIAL = 505, 1, 121, 151
ALARMS = {11: "over-voltage protection", 12: "over-current protection", 13: "over-power protection",
          14: "over-temperature"}


def _text(words: list[int]) -> str:
    return b"".join(w.to_bytes(2, "big") for w in words).rstrip(b"\x00 ").decode("ascii", "replace")


class EaPsb10000Modbus(DcLoad):
    TRANSPORT = "modbus"
    REGENERATIVE = True
    QUANTITIES: ClassVar[dict[str, Quantity]] = {
        "voltage": Quantity("V", -1, 2100, gain=0.001, offset=0.2),
        "current": Quantity("A", -2100, 2100, gain=0.002, offset=0.1),
        "power": Quantity("W", -500_000, 500_000, gain=0.003, offset=10),
    }

    def __init__(self, transport: Any, name: str | None = None, remote: bool = True):
        super().__init__(transport, name)
        self.nominal = {"U": 1000.0, "I": 80.0, "P": 30_000.0}
        self._errors: list[str] = []
        if remote:
            self.transport.write_coil(REMOTE, True)

    def _call(self, fn: Any, *args: Any) -> Any:
        try:
            return fn(*args)
        except ModbusException as exc:
            self._errors.append(exc.what)
            raise

    def identify(self) -> Identity:
        model = _text(self._call(self.transport.read, "holding", DEVICE_TYPE, 20))
        if not model.upper().startswith("PSB 1"):
            raise InstrumentReplyError(self.name, f"device type {model!r} is not a PSB 10000")
        words = self._call(self.transport.read, "holding", NOMINAL, 6)
        self.nominal = {k: decode(words[i:i + 2], "float32") for k, i in (("U", 0), ("I", 2), ("P", 4))}
        serial = _text(self._call(self.transport.read, "holding", SERIAL, 20))
        return Identity("EA Elektro-Automatik", model, serial, "n/a")

    def _percent(self, value: float, nominal: float) -> int:
        return round(value / nominal * FULL)

    def _set(self, register: int, value: float, nominal: float) -> None:
        self._call(self.transport.write, register, [self._percent(value, nominal)])

    def set_mode(self, mode: str, value: float) -> None:
        if mode not in LOAD_MODES or mode == "CR":
            raise InstrumentError(self.name, f"mode {mode!r}: over ModBus this driver offers CC, CV and CP")
        nominal = {"CC": self.nominal["I"], "CV": self.nominal["U"], "CP": self.nominal["P"]}[mode]
        try:
            value = strict_range(0, nominal)(value)
        except ValueError as exc:
            raise self.value_error(f"{mode} setpoint", exc) from None
        self._set(SET[mode], value, nominal)
        if mode == "CV":
            self._call(self.transport.write, SET["CC"], [FULL])
        else:
            self._call(self.transport.write, SET["CV"], [0])

    def set_input(self, on: bool) -> None:
        self._call(self.transport.write_coil, OUTPUT, bool(on))

    def set_slew_rate(self, a_per_ms: float) -> None:
        raise InstrumentError(self.name, "the PSB 10000 has no current slew setting over ModBus")

    def set_protection(self, ovp_v: float | None = None, ocp_a: float | None = None,
                       opp_w: float | None = None) -> None:
        raise InstrumentError(self.name, "protection limits over ModBus are not implemented in this driver; "
                                         "use ea.psb (SCPI)")

    def _state(self) -> int:
        words = self._call(self.transport.read, "holding", STATE, 2)
        return (words[0] << 16) | words[1]

    def check_errors(self) -> list[str]:
        state = self._state()
        errors, self._errors = self._errors, []
        return errors + [f"alarm: {text}" for bit, text in ALARMS.items() if state & (1 << bit)]

    def confirm_safe(self) -> None:
        if self._state() & (1 << 7):
            raise InstrumentError(self.name, "device state still reports the DC output on")

    def safe_state(self) -> None:
        """DC output off (coil 405)."""
        self._call(self.transport.write_coil, OUTPUT, False)

    def sample(self, items: list[tuple[str, int | str | None]]) -> list[float]:
        for q, _ in items:
            if q not in ACTUAL:
                raise InstrumentError(self.name, f"has no quantity {q!r}")
        words = self._call(self.transport.read, "holding", ACTUAL["voltage"], 3)
        raw = {"voltage": words[0], "current": words[1], "power": words[2]}
        nominal = {"voltage": self.nominal["U"], "current": self.nominal["I"], "power": self.nominal["P"]}
        out = []
        for q, _ in items:
            value = raw[q] / FULL * nominal[q]
            if raw[q] > CEILING:
                raise InstrumentReplyError(self.name, f"{q} register {raw[q]} is beyond 102 % of nominal")
            out.append(self.check(q, value))
        return out

    def _read_raw(self, quantity: str, element: int | str | None) -> float:
        return self.sample([(quantity, element)])[0]

    def update_interval_s(self) -> float:
        return 0.05
