"""One interface per role. Suites name roles and bench names, never instrument models.

Every role method validates its arguments against the instrument's declared limits before anything is
written (the declared properties do it); a role never silently clips a value.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import ClassVar

from .instrument import Instrument


class PowerAnalyzer(Instrument):
    """Several elements; U, I, P, S, Q, power factor, frequency, THD and harmonics, integrated energy.
    Readings change once per update interval, so acquisition samples at that rate."""

    ROLE = "power_analyzer"

    @abstractmethod
    def integration_start(self) -> None: ...

    @abstractmethod
    def integration_stop(self) -> None: ...

    @abstractmethod
    def integration_reset(self) -> None: ...

    @abstractmethod
    def update_interval_s(self) -> float:
        """The instrument's data update interval: a new reading is available this often."""

    @abstractmethod
    def harmonics(self, signal: str, element: int | str | None, max_order: int) -> list[float]:
        """Harmonic amplitudes of ``signal`` ('u' or 'i') for orders 1..max_order (V or A rms)."""


class EvEmulator(Instrument):
    """Plays the EV's pilot and proximity circuits and reads back what the charger does on the pilot."""

    ROLE = "ev_emulator"

    @abstractmethod
    def set_state(self, state: str) -> None: ...

    @abstractmethod
    def set_diode(self, present: bool) -> None: ...

    @abstractmethod
    def set_proximity(self, ohms: float | None) -> None: ...

    @abstractmethod
    def set_demand(self, current_a: float) -> None: ...


LOAD_MODES = ("CC", "CV", "CP", "CR")


class DcLoad(Instrument):
    """A DC electronic load, a regenerative load or a bidirectional supply in sink / battery mode.
    Modes: CC (A), CV (V), CP (W), CR (Ohm). ``REGENERATIVE`` says whether absorbed energy goes back to
    the grid (it matters for long full-power tests, not for the interface)."""

    ROLE = "dc_load"
    REGENERATIVE: ClassVar[bool] = False

    @abstractmethod
    def set_mode(self, mode: str, value: float) -> None:
        """Select a mode (one of LOAD_MODES) and its setpoint; range-checked against the model."""

    @abstractmethod
    def set_input(self, on: bool) -> None:
        """Connect or disconnect the load (input on/off)."""

    @abstractmethod
    def set_slew_rate(self, a_per_ms: float) -> None:
        """Current slew rate for setpoint changes, in A/ms (each driver converts to its unit)."""

    @abstractmethod
    def set_protection(self, ovp_v: float | None = None, ocp_a: float | None = None,
                       opp_w: float | None = None) -> None:
        """Protection limits; None leaves a limit unchanged."""

    def set_current(self, amps: float) -> None:
        self.set_mode("CC", amps)


class AcLoad(Instrument):
    """An AC electronic load (on-board-charger behaviour): rms current, power factor, crest factor."""

    ROLE = "ac_load"

    @abstractmethod
    def set_current(self, amps: float) -> None: ...

    @abstractmethod
    def set_power_factor(self, pf: float) -> None: ...

    @abstractmethod
    def set_crest_factor(self, cf: float) -> None: ...

    @abstractmethod
    def set_input(self, on: bool) -> None: ...


class AcSource(Instrument):
    """An AC source or grid simulator feeding the charger: voltage, frequency, sags and swells,
    harmonic injection."""

    ROLE = "ac_source"

    @abstractmethod
    def set_voltage(self, volts: float) -> None: ...

    @abstractmethod
    def set_frequency(self, hertz: float) -> None: ...

    @abstractmethod
    def set_output(self, on: bool) -> None: ...

    @abstractmethod
    def voltage_event(self, volts: float, duration_s: float) -> None:
        """A sag (volts below nominal) or swell (above) for ``duration_s``, then back to the setting.
        Timed by the instrument, not by the harness, so its duration does not depend on our latency."""

    @abstractmethod
    def set_harmonic(self, order: int, percent: float) -> None:
        """Add a voltage harmonic of ``order`` at ``percent`` of the fundamental (0 removes it)."""


class EnergyMeter(Instrument):
    """A revenue-grade meter read over Modbus: energy, power, voltage, current."""

    ROLE = "energy_meter"

    def safe_state(self) -> None:
        """A meter drives nothing: there is nothing to make safe, and the call must not fail."""
