"""The coupled virtual lab: one clock, one charger, one EV, one grid; the emulators read and drive it."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from .ac_charger import ChargerRatings, SimulatedAcCharger
from .clock import EventQueue, VirtualClock
from .dc_bus import DcBus
from .pilot import current_for_duty

POWER_FACTOR = 0.99
GRID_FREQUENCY_HZ = 50.0


@dataclass
class EvSide:
    """What the EV emulator sets: pilot state, diode, PP resistance, current demand per phase."""

    state: str = "A"
    diode: bool = True
    pp_ohms: float | None = 150.0
    demand_a: float = 0.0
    last_state_change: float = 0.0
    last_switch_time: float = math.nan


@dataclass
class GridSide:
    """The AC supply the charger's output follows: set by an AC source / grid simulator when the bench has
    one, otherwise a stiff grid at the charger's nominal voltage. A sag or swell holds ``event_v`` until
    ``event_until`` (virtual time)."""

    voltage_v: float
    frequency_hz: float = GRID_FREQUENCY_HZ
    on: bool = True
    harmonics: dict[int, float] = field(default_factory=dict)  # order -> % of the fundamental
    event_v: float = 0.0
    event_until: float = -1.0

    def voltage_at(self, t: float) -> float:
        if not self.on:
            return 0.0
        return self.event_v if t < self.event_until else self.voltage_v

    def thd_pct(self) -> float:
        return math.sqrt(sum(p * p for p in self.harmonics.values()))


@dataclass
class AcLoadSide:
    """What an AC electronic load on the charger's output draws (per phase)."""

    on: bool = False
    current_a: float = 0.0
    power_factor: float = 1.0
    crest_factor: float = 1.414


@dataclass
class VirtualLab:
    ratings: ChargerRatings
    defects: set[str] = field(default_factory=set)
    time_scale: float = 1.0
    seed: int = 1

    def __post_init__(self) -> None:
        self.clock = VirtualClock(self.time_scale)
        self.events = EventQueue()
        self.charger = SimulatedAcCharger(self.ratings, self.events, set(self.defects))
        self.charger.on_contactor.append(self._contactor_moved)
        self.ev = EvSide()
        self.rng = random.Random(self.seed)
        self.current_a = 0.0  # per phase, flowing now
        self._energy_wh = 0.0
        self._energy_t = 0.0
        self.integrating = False
        self.faults: dict[str, str] = {}  # emulator name -> injected fault
        self.notes: dict[str, str] = {}  # what the run record should know about this lab (ports file "notes")
        self.dc = DcBus()  # the DC side, used when the DUT is a DC charger
        self.dc_side = None  # set by sim.dc.charger.attach when the DUT profile's supply is DC
        self.grid = GridSide(self.ratings.voltage_v)  # the AC supply (an AC source emulator may drive it)
        self.ac_load = AcLoadSide()  # an AC load on the charger's output, when the bench has one

    # -- time ----------------------------------------------------------------------------------------------
    def now(self) -> float:
        """Advance the simulation to the present and return the virtual time."""
        t = self.clock.now()
        self.events.run_until(t)
        if self.dc_side is not None:
            self.dc_side.advance(t)
        return t

    # -- coupling ------------------------------------------------------------------------------------------
    def _contactor_moved(self, t: float, closed: bool) -> None:
        if not math.isnan(self.ev.last_state_change) and math.isnan(self.ev.last_switch_time):
            self.ev.last_switch_time = t - self.ev.last_state_change
        self._recompute(t)

    def _recompute(self, t: float) -> None:
        self._integrate(t)
        if self.charger.contactor and self.ev.state in ("C", "D"):
            offered = current_for_duty(self.charger.duty_pct())
            demand = self.ev.demand_a + (self.ac_load.current_a if self.ac_load.on else 0.0)
            self.current_a = min(demand, offered)
        else:
            self.current_a = 0.0

    def _integrate(self, t: float) -> None:
        if self.integrating:
            self._energy_wh += self.power_w() * (t - self._energy_t) / 3600.0
        self._energy_t = t

    # -- inputs from the EV emulator -------------------------------------------------------------------------
    def set_ev_state(self, state: str) -> None:
        t = self.now()
        self.ev.state = state
        self.ev.last_state_change = t
        self.ev.last_switch_time = math.nan
        self.charger.ev_changed(t, state, self.ev.diode)
        self._recompute(t)
        self.events.schedule(t, "recompute", self._recompute)

    def set_ev_diode(self, present: bool) -> None:
        t = self.now()
        self.ev.diode = present
        self.charger.ev_changed(t, self.ev.state, present)
        self._recompute(t)

    def set_ev_demand(self, current_a: float) -> None:
        t = self.now()
        self.ev.demand_a = current_a
        self._recompute(t)

    # -- inputs from the energy manager (the charger's Modbus control port) -----------------------------------
    def set_setpoint(self, current_a: float) -> None:
        t = self.now()
        self.charger.set_setpoint(t, current_a)
        self.events.schedule(t + 0.2 + 1e-9, "recompute", self._recompute)

    def set_available(self, available: bool) -> None:
        t = self.now()
        self.charger.set_available(t, available)
        self._recompute(t)

    # -- what instruments measure -----------------------------------------------------------------------------
    def noise(self, value: float, rel: float = 2e-4) -> float:
        return value * (1.0 + self.rng.uniform(-rel, rel))

    def phase_voltage(self) -> float:
        if self.dc_side is not None:
            return self.dc_side.voltage()
        return self.grid.voltage_at(self.clock.now()) if self.charger.contactor else 0.0

    def set_ac_load(self, **changes: float | bool) -> None:
        """An AC load emulator changed its input or setpoints: the current flowing follows."""
        t = self.now()
        for key, value in changes.items():
            setattr(self.ac_load, key, value)
        self._recompute(t)

    def power_w(self) -> float:
        return self.phase_voltage() * self.current_a * POWER_FACTOR * self.ratings.phases

    def energy_wh(self) -> float:
        self._integrate(self.now())
        return self._energy_wh

    def integration(self, action: str) -> None:
        t = self.now()
        self._integrate(t)
        if action == "start":
            self.integrating = True
        elif action == "stop":
            self.integrating = False
        elif action == "reset":
            self._energy_wh = 0.0
