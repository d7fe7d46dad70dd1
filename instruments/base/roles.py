"""One interface per role. Suites name roles and bench names, never instrument models."""

from __future__ import annotations

from abc import abstractmethod

from .instrument import Instrument


class PowerAnalyzer(Instrument):
    """Several elements; U, I, P, S, Q, power factor, frequency, THD, integrated energy."""

    ROLE = "power_analyzer"

    @abstractmethod
    def integration_start(self) -> None: ...

    @abstractmethod
    def integration_stop(self) -> None: ...

    @abstractmethod
    def integration_reset(self) -> None: ...


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


class DcLoad(Instrument):
    ROLE = "dc_load"


class AcLoad(Instrument):
    ROLE = "ac_load"


class AcSource(Instrument):
    ROLE = "ac_source"


class EnergyMeter(Instrument):
    ROLE = "energy_meter"
