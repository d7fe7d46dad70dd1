"""The simulated AC charger (the DUT): pilot generator, state machine, contactor, offered current.

Nominal behaviour follows IEC 61851-1 Annex A; each defect in :mod:`sim.defects` bends one rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .clock import EventQueue
from .pilot import PilotLevels, duty_for_current, loaded_level, sensed_state

ENERGISE_DELAY_S = 0.5
DEENERGISE_DELAY_S = 0.03
SETPOINT_DELAY_S = 0.2


@dataclass
class ChargerRatings:
    max_current_a: float = 32.0
    phases: int = 1
    voltage_v: float = 230.0


@dataclass
class SimulatedAcCharger:
    ratings: ChargerRatings
    events: EventQueue
    defects: set[str] = field(default_factory=set)
    available: bool = True
    setpoint_a: float = 0.0
    offered_a: float = 0.0  # what the PWM currently advertises
    contactor: bool = False
    ev_state: str = "A"
    ev_diode: bool = True
    on_contactor: list = field(default_factory=list)  # callbacks(t, closed)

    def __post_init__(self) -> None:
        self.setpoint_a = self.offered_a = self.ratings.max_current_a

    # -- generator ---------------------------------------------------------------------------------------
    @property
    def source_high(self) -> float:
        return 11.0 if "pilot_high_level_low" in self.defects else 12.0

    @property
    def source_low(self) -> float:
        return -12.0

    @property
    def pwm_low(self) -> float:
        """The negative half during PWM: a slew-limited driver never reaches -12 V within 1 ms."""
        return -10.5 if "pwm_low_level_wrong" in self.defects else self.source_low

    @property
    def r1(self) -> float:
        return 1600.0 if "pilot_source_resistance_high" in self.defects else 1000.0

    @property
    def frequency_hz(self) -> float:
        return 1050.0 if "pwm_frequency_high" in self.defects else 1000.0

    def _unavailable(self) -> bool:
        return not self.available and "no_state_f_when_unavailable" not in self.defects

    def _diode_fault(self) -> bool:
        return (not self.ev_diode and self.ev_state in "BCD"
                and "ignores_diode_fault" not in self.defects)

    def duty_pct(self) -> float:
        """0 = constant low (state F), 100 = constant high (no PWM, state A or error)."""
        if self._unavailable() or self._diode_fault():
            return 0.0
        if self.ev_state in ("A", "E") and "ignores_state_e" not in self.defects:
            return 100.0
        if self.ev_state == "A":
            return 100.0
        current = self.offered_a
        if current <= 51:
            duty = current / 0.6 + (2.0 if "duty_offset" in self.defects else 0.0)
        elif "duty_high_range_wrong" in self.defects:
            duty = current / 2.5 + 60
        else:
            duty = duty_for_current(current)
        return min(duty, 97.0)

    def pilot(self) -> PilotLevels:
        """Positive and negative CP levels as loaded by the EV."""
        duty = self.duty_pct()
        if duty <= 0.0:
            level = loaded_level(self.source_low, self.r1, self.ev_state, self.ev_diode)
            return PilotLevels(level, level)
        high = loaded_level(self.source_high, self.r1, self.ev_state, self.ev_diode)
        if duty >= 100.0:
            return PilotLevels(high, high)
        return PilotLevels(high, loaded_level(self.pwm_low, self.r1, self.ev_state, self.ev_diode))

    # -- state machine -------------------------------------------------------------------------------------
    def _set_contactor(self, t: float, closed: bool) -> None:
        if self.contactor != closed:
            self.contactor = closed
            for cb in self.on_contactor:
                cb(t, closed)

    def _may_energise(self) -> bool:
        state = sensed_state(self.pilot().high)
        pwm = 0.0 < self.duty_pct() < 100.0
        return state in ("C", "D") and pwm and not self._unavailable() and not self._diode_fault()

    def _must_deenergise(self) -> bool:
        if self.ev_state == "E" and "ignores_state_e" in self.defects:
            return False
        return not self._may_energise()

    def reevaluate(self, t: float) -> None:
        """Schedule contactor moves after anything on the pilot or the offer changed."""
        if not self.contactor and self._may_energise():
            self.events.cancel("open")
            if not self.events.pending("close"):
                delay = 4.0 if "slow_energise" in self.defects else ENERGISE_DELAY_S
                self.events.schedule(t + delay, "close", self._close)
        elif self.contactor and self._must_deenergise():
            self.events.cancel("close")
            if not self.events.pending("open"):
                slow = "slow_deenergise" in self.defects and self.ev_state == "B"
                delay = 0.3 if slow else DEENERGISE_DELAY_S
                self.events.schedule(t + delay, "open", self._open)
        elif not self._may_energise():
            self.events.cancel("close")
        elif self.contactor:
            self.events.cancel("open")

    def _close(self, t: float) -> None:
        if self._may_energise():
            self._set_contactor(t, True)

    def _open(self, t: float) -> None:
        if self._must_deenergise():
            self._set_contactor(t, False)

    # -- inputs ------------------------------------------------------------------------------------------
    def ev_changed(self, t: float, state: str, diode: bool) -> None:
        self.ev_state, self.ev_diode = state, diode
        self.reevaluate(t)

    def set_setpoint(self, t: float, current_a: float) -> None:
        """The energy manager's limit; the PWM follows after the charger's processing delay."""
        self.setpoint_a = max(0.0, min(current_a, self.ratings.max_current_a))
        if "ignores_current_change" in self.defects and self.contactor and self.setpoint_a < self.offered_a:
            return
        self.events.schedule(t + SETPOINT_DELAY_S, "setpoint", self._apply_setpoint)

    def _apply_setpoint(self, t: float) -> None:
        self.offered_a = self.setpoint_a
        self.reevaluate(t)

    def set_available(self, t: float, available: bool) -> None:
        self.available = available
        self.reevaluate(t)
