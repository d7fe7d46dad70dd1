"""Shared behaviour of SCPI AC sources / grid simulators: setpoints checked against the model's ranges,
one-message measurements, output off as the safe state."""

from __future__ import annotations

from typing import Any, ClassVar

from .errors import InstrumentError
from .instrument import Quantity, ScpiInstrument
from .measure_chain import ChainedMeasurements
from .properties import Validator, control, strict_range
from .roles import AcSource

SOURCE_QUANTITIES: dict[str, Quantity] = {
    "voltage": Quantity("V", 0, 600, gain=0.001, offset=0.2),
    "current": Quantity("A", 0, 2000, gain=0.002, offset=0.05),
    "power": Quantity("W", -500_000, 500_000, gain=0.003, offset=5),
    "frequency": Quantity("Hz", 0, 1000, gain=0.0001, offset=0.01),
}


class ScpiAcSource(ChainedMeasurements, AcSource, ScpiInstrument):
    QUANTITIES: ClassVar[dict[str, Quantity]] = SOURCE_QUANTITIES
    VOLTAGE_COMMAND: ClassVar[str] = "VOLT {:g}"
    VOLTAGE_QUERY: ClassVar[str] = "VOLT?"
    FREQUENCY_COMMAND: ClassVar[str] = "FREQ {:g}"
    FREQUENCY_QUERY: ClassVar[str] = "FREQ?"
    OUTPUT_COMMAND: ClassVar[str] = "OUTP {}"
    MEASURE: ClassVar[dict[str, str]] = {}
    VOLTAGE_RANGE: ClassVar[tuple[float, float]] = (0.0, 350.0)
    FREQUENCY_RANGE: ClassVar[tuple[float, float]] = (40.0, 70.0)
    MAX_HARMONIC_ORDER: ClassVar[int] = 0  # 0: no harmonic injection
    UPDATE_INTERVAL_S: ClassVar[float] = 0.1

    def __init__(self, transport: Any, name: str | None = None):
        super().__init__(transport, name)
        self.volts: Validator = strict_range(*self.VOLTAGE_RANGE)
        self.hertz: Validator = strict_range(*self.FREQUENCY_RANGE)
        # declared per instance: the command spelling is the family's, the range the model's
        self.voltage_setpoint = control(self.VOLTAGE_QUERY, self.VOLTAGE_COMMAND,
                                        "Control the output voltage (V rms).", validator=self.volts)
        self.voltage_setpoint.name = "voltage"
        self.frequency_setpoint = control(self.FREQUENCY_QUERY, self.FREQUENCY_COMMAND,
                                          "Control the output frequency (Hz).", validator=self.hertz)
        self.frequency_setpoint.name = "frequency"

    def _checked(self, check: Validator, what: str, value: float) -> float:
        try:
            return check(value)
        except ValueError as exc:
            raise self.value_error(what, exc) from None

    def set_voltage(self, volts: float) -> None:
        self.voltage_setpoint.__set__(self, volts)

    def set_frequency(self, hertz: float) -> None:
        self.frequency_setpoint.__set__(self, hertz)

    def set_output(self, on: bool) -> None:
        self.send(self.OUTPUT_COMMAND.format("ON" if on else "OFF"))

    def check_harmonic(self, order: int, percent: float) -> tuple[int, float]:
        if self.MAX_HARMONIC_ORDER == 0:
            raise InstrumentError(self.name, "this driver has no harmonic injection for this model")
        if not isinstance(order, int) or not 2 <= order <= self.MAX_HARMONIC_ORDER:
            raise InstrumentError(self.name, f"harmonic order {order!r} is outside 2..{self.MAX_HARMONIC_ORDER}")
        return order, self._checked(strict_range(0, 30), "harmonic percent", percent)

    def safe_state(self) -> None:
        """Output off: the charger's supply is disconnected (it must then open its contactor)."""
        self.set_output(False)

    def confirm_safe(self) -> None:
        """All commands executed (*OPC?) and the output reads back off."""
        super().confirm_safe()
        if self.ask("OUTP?").strip().upper() in ("1", "ON"):
            raise InstrumentError(self.name, "OUTP? still reports the output on after the safe state")
