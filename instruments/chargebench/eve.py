"""chargebench EVE-1: an EV emulator for control pilot and proximity, with a command set we define.

No EV emulator vendor publishes its remote command set, so this one is ours and documented in
docs/instruments/chargebench-eve.md (SCPI syntax, IEEE 488.2 common commands). A lab can build the
hardware from that document (a pilot resistor/diode network with relays, a PP resistor decade, an
isolated inlet voltage sense and a pilot scope channel) or map another emulator onto this driver.
"""

from __future__ import annotations

from typing import ClassVar

from ..base.instrument import Quantity, ScpiInstrument
from ..base.properties import control, measurement, strict_discrete_set, strict_range
from ..base.roles import EvEmulator

_BOOL = {True: "ON", False: "OFF"}


def _bool(reply: str) -> bool:
    return reply.strip().upper() in {"1", "ON"}


class ChargebenchEve(EvEmulator, ScpiInstrument):
    QUANTITIES: ClassVar[dict[str, Quantity]] = {
        "pilot_high_v": Quantity("V", -15, 15, gain=0.002, offset=0.02),
        "pilot_low_v": Quantity("V", -15, 15, gain=0.002, offset=0.02),
        "pwm_frequency_hz": Quantity("Hz", 0, 10_000, gain=0.0005, offset=0.5),
        "duty_cycle_pct": Quantity("%", 0, 100, offset=0.05),
        "inlet_voltage_v": Quantity("V", 0, 500, gain=0.005, offset=0.5),
        "current_a": Quantity("A", 0, 200, gain=0.005, offset=0.05),
        "switch_time_s": Quantity("s", 0, 3600, offset=0.001),
    }

    state = control("PIL:STAT?", "PIL:STAT {}", "Control the pilot circuit state (A-E).",
                    validator=strict_discrete_set(["A", "B", "C", "D", "E"]), cast=str)
    diode = control("PIL:DIOD?", "PIL:DIOD {}", "Control whether the pilot diode is fitted.",
                    map_values=_BOOL, cast=_bool)
    proximity_ohms = control("PROX:RES?", "PROX:RES {:g}", "Control the PP-PE resistance in ohms.",
                             validator=strict_range(0, 100_000))
    demand_a = control("LOAD:CURR?", "LOAD:CURR {:g}", "Control the current the EV draws per phase (A).",
                       validator=strict_range(0, 80))
    pilot_high_v = measurement("MEAS:PIL:HIGH?", "Measure the pilot's positive level (V).")
    pilot_low_v = measurement("MEAS:PIL:LOW?", "Measure the pilot's negative level (V).")
    pwm_frequency_hz = measurement("MEAS:PIL:FREQ?", "Measure the pilot PWM frequency (Hz).")
    duty_cycle_pct = measurement("MEAS:PIL:DUTY?", "Measure the pilot duty cycle (%).")
    inlet_voltage_v = measurement("MEAS:INL:VOLT?", "Measure the AC voltage at the EV inlet, L1-N (V).")
    current_a = measurement("MEAS:CURR?", "Measure the current the EV draws on L1 (A).")
    switch_time_s = measurement("MEAS:TIME:SWIT?",
                                "Measure seconds from the last state change to the next inlet voltage edge.")

    _QUERY = {name: name for name in QUANTITIES}

    def set_state(self, state: str) -> None:
        self.state = state

    def set_diode(self, present: bool) -> None:
        self.diode = present

    def set_proximity(self, ohms: float | None) -> None:
        if ohms is None:
            self.send("PROX:RES OPEN")
        else:
            self.proximity_ohms = ohms

    def set_demand(self, current_a: float) -> None:
        self.demand_a = current_a

    def _read_raw(self, quantity: str, element: int | str | None) -> float:
        return getattr(self, self._QUERY[quantity])

    def safe_state(self) -> None:
        """Disconnect the EV (state A) and stop drawing current: the charger must de-energise."""
        self.send("LOAD:CURR 0;:PIL:STAT A")
