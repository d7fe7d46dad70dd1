"""Shared behaviour of SCPI DC loads and bidirectional supplies: each family gives its command templates
and its ratings; this class validates every value against the ratings before anything is written."""

from __future__ import annotations

from typing import Any, ClassVar

from .errors import InstrumentError
from .instrument import Quantity, ScpiInstrument
from .measure_chain import ChainedMeasurements
from .properties import Validator, control, strict_range
from .roles import DcLoad

LOAD_QUANTITIES: dict[str, Quantity] = {
    "voltage": Quantity("V", -1, 2100, gain=0.001, offset=0.1),
    "current": Quantity("A", -2100, 2100, gain=0.001, offset=0.05),
    "power": Quantity("W", -500_000, 500_000, gain=0.002, offset=5),
}


class ScpiDcLoad(ChainedMeasurements, DcLoad, ScpiInstrument):
    QUANTITIES: ClassVar[dict[str, Quantity]] = LOAD_QUANTITIES
    # family command templates ({:g} takes the value); None: the family has no such command
    MODE_COMMAND: ClassVar[str | None] = None  # e.g. "MODE {}"
    MODE_WORDS: ClassVar[dict[str, str]] = {}  # our mode -> the family's word
    SETPOINTS: ClassVar[dict[str, tuple[str, str]]] = {}  # mode -> (query, command)
    SLEW_COMMAND: ClassVar[str | None] = None
    SLEW_UNIT_PER_MS: ClassVar[float] = 1.0  # family slew unit per (A/ms): 1e-3 for A/us
    PROTECTION: ClassVar[dict[str, str]] = {}  # ovp/ocp/opp -> command
    INPUT_COMMAND: ClassVar[str] = "INP {}"
    INPUT_QUERY: ClassVar[str] = "INP?"
    MEASURE: ClassVar[dict[str, str]] = {"voltage": "MEAS:VOLT?", "current": "MEAS:CURR?", "power": "MEAS:POW?"}
    UPDATE_INTERVAL_S: ClassVar[float] = 0.02

    def __init__(self, transport: Any, name: str | None = None, ratings: tuple[float, float, float] | None = None):
        super().__init__(transport, name)
        self.configure_limits(*(ratings or self.DEFAULT_RATINGS))

    DEFAULT_RATINGS: ClassVar[tuple[float, float, float]] = (600.0, 420.0, 6000.0)

    def configure_limits(self, volts: float, amps: float, watts: float) -> None:
        """Per-instance setpoint limits from the model's ratings (read from *IDN? by identify())."""
        self.ratings = (volts, amps, watts)
        limits: dict[str, Validator] = {"CC": strict_range(0, amps), "CV": strict_range(0, volts),
                                        "CP": strict_range(0, watts), "CR": strict_range(0.01, 10_000)}
        self.setpoints: dict[str, control] = {}
        for mode, (query, command) in self.SETPOINTS.items():
            prop = control(query, command, f"Control the {mode} setpoint.", validator=limits[mode])
            prop.name = f"{mode} setpoint"
            self.setpoints[mode] = prop
        self.slew_check = strict_range(0.01, amps * 100)  # A/ms: full scale in 10 us at the fastest
        self.protection_checks = {"ovp": strict_range(0, volts * 1.1), "ocp": strict_range(0, amps * 1.1),
                                  "opp": strict_range(0, watts * 1.1)}

    def set_mode(self, mode: str, value: float) -> None:
        prop = self.setpoints.get(mode)
        if prop is None:
            raise InstrumentError(self.name, f"mode {mode!r}: expected one of {', '.join(self.setpoints)}")
        try:
            command = prop._encode(value)  # validated before anything is written
        except ValueError as exc:
            raise self.value_error(prop.name, exc) from None
        if self.MODE_COMMAND is not None:
            self.send(self.MODE_COMMAND.format(self.MODE_WORDS.get(mode, mode)))
        self.send(command)

    def setpoint(self, mode: str) -> float:
        return self.setpoints[mode].__get__(self)

    def set_input(self, on: bool) -> None:
        self.send(self.INPUT_COMMAND.format("ON" if on else "OFF"))

    def set_slew_rate(self, a_per_ms: float) -> None:
        if self.SLEW_COMMAND is None:
            raise InstrumentError(self.name, "this model has no remote slew-rate setting")
        try:
            rate = self.slew_check(a_per_ms)
        except ValueError as exc:
            raise self.value_error("slew rate (A/ms)", exc) from None
        self.send(self.SLEW_COMMAND.format(rate * self.SLEW_UNIT_PER_MS))

    def set_protection(self, ovp_v: float | None = None, ocp_a: float | None = None,
                       opp_w: float | None = None) -> None:
        parts = []
        for key, value in (("ovp", ovp_v), ("ocp", ocp_a), ("opp", opp_w)):
            if value is None:
                continue
            if key not in self.PROTECTION:
                raise InstrumentError(self.name, f"this model has no remote {key.upper()} setting")
            try:
                parts.append(self.PROTECTION[key].format(self.protection_checks[key](value)))
            except ValueError as exc:
                raise self.value_error(key, exc) from None
        if parts:
            self.send(";".join(parts))

    @staticmethod
    def parse_number(text: str) -> float:
        """A number, possibly followed by a unit (some families answer ``400.00 V``)."""
        return float(text.strip().split()[0])

    def safe_state(self) -> None:
        """Input off: nothing is drawn from (or fed into) the charger's output."""
        self.set_input(False)

    def confirm_safe(self) -> None:
        """All commands executed (*OPC?) and the input reads back off."""
        super().confirm_safe()
        if self.ask(self.INPUT_QUERY).strip().upper() in ("1", "ON"):
            raise InstrumentError(self.name, f"{self.INPUT_QUERY} still reports the input on after the safe state")
