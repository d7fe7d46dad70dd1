"""Chroma 63800 series programmable AC/DC electronic loads (63802, 63803, 63804), SCPI over LAN, for
on-board-charger behaviour on an AC charger's output.

Commands follow Chroma's "63800 Series AC&DC Electronic Load Operating & Programming Manual": ``MODE CC``
(rms constant current), ``CURR:STAT:L1 <A>``, power factor ``PF <pf>``, crest factor ``CFAC <cf>``,
``LOAD ON|OFF``, ``MEAS:VOLT?``, ``MEAS:CURR?``, ``MEAS:POW?``, ``MEAS:PF?``, ``SYST:ERR?``.
Unconfirmed: the ``PF`` / ``CFAC`` spellings and the model ratings table below (from the datasheet's
summary: 350 V rms, 18/36/45 A rms) could not be checked against a unit.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ..base.errors import InstrumentError, InstrumentReplyError
from ..base.instrument import Identity, Quantity, ScpiInstrument
from ..base.properties import control, measurement, strict_range
from ..base.roles import AcLoad

RATINGS = {"63802": 18.0, "63803": 36.0, "63804": 45.0}
_BOOL = {True: "ON", False: "OFF"}


class Chroma63800(AcLoad, ScpiInstrument):
    QUANTITIES: ClassVar[dict[str, Quantity]] = {
        "voltage": Quantity("V", 0, 450, gain=0.001, offset=0.2),
        "current": Quantity("A", 0, 60, gain=0.002, offset=0.02),
        "power": Quantity("W", 0, 20_000, gain=0.003, offset=2),
        "power_factor": Quantity("1", -1, 1, offset=0.005),
    }

    power_factor = control("PF?", "PF {:g}", "Control the power factor (0 to 1, lagging).",
                           validator=strict_range(0.0, 1.0))
    crest_factor = control("CFAC?", "CFAC {:g}", "Control the current crest factor (1.414 to 5).",
                           validator=strict_range(1.414, 5.0))
    voltage = measurement("MEAS:VOLT?", "Measure the rms input voltage (V).")
    current = measurement("MEAS:CURR?", "Measure the rms input current (A).")
    power = measurement("MEAS:POW?", "Measure the input active power (W).")
    measured_pf = measurement("MEAS:PF?", "Measure the power factor.")

    def __init__(self, transport: Any, name: str | None = None):
        super().__init__(transport, name)
        self.current_setpoint = control("CURR:STAT:L1?", "CURR:STAT:L1 {:g}", "Control the rms current (A).",
                                        validator=strict_range(0, 18.0))
        self.current_setpoint.name = "current"

    def identify(self) -> Identity:
        ident = super().identify()
        model = ident.model.upper()[:5]
        if ident.manufacturer.upper() != "CHROMA" or model not in RATINGS:
            raise InstrumentReplyError(self.name, f"*IDN? says {ident}: not a Chroma 63800")
        self.current_setpoint.validator = strict_range(0, RATINGS[model])
        return ident

    def set_current(self, amps: float) -> None:
        try:
            command = self.current_setpoint._encode(amps)
        except ValueError as exc:
            raise self.value_error("current", exc) from None
        self.send("MODE CC")
        self.send(command)

    def set_power_factor(self, pf: float) -> None:
        self.power_factor = pf

    def set_crest_factor(self, cf: float) -> None:
        self.crest_factor = cf

    def set_input(self, on: bool) -> None:
        self.send(f"LOAD {_BOOL[bool(on)]}")

    def _read_raw(self, quantity: str, element: int | str | None) -> float:
        attr = "measured_pf" if quantity == "power_factor" else quantity
        if attr not in ("voltage", "current", "power", "measured_pf"):
            raise InstrumentError(self.name, f"has no quantity {quantity!r}")
        return getattr(self, attr)

    def update_interval_s(self) -> float:
        return 0.1

    def safe_state(self) -> None:
        """Load off: the charger's output is no longer loaded."""
        self.send("LOAD OFF")

    def confirm_safe(self) -> None:
        """All commands executed (*OPC?) and the load reads back off."""
        super().confirm_safe()
        if self.ask("LOAD?").strip().upper() in ("1", "ON"):
            raise InstrumentError(self.name, "LOAD? still reports the load on after the safe state")
