"""The simulated DC charger as the lab sees it: the pilot (5 % duty: high-level communication required),
the power stage on the shared DC bus, and - only on a bench without a battery emulator - a stand-in for the
EV's battery on the bus's load side.

With a battery emulator on the bench (its first ``dc_load``), the harness programs it from its own EV
battery model, as on a real bench, and the load side of the bus is that emulator's alone. Without one,
the stand-in closes the 'EV contactor' when the charger accepts PowerDelivery(start) and sits at the
voltage the EV asked to be precharged to; the lab says so in its notes (the run record's virtual_lab).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..ac_charger import ChargerRatings, SimulatedAcCharger
from ..clock import EventQueue
from ..dc_bus import DcBus
from .stage import DcPowerStage, DcRatings

HLC_DUTY_PCT = 5.0  # IEC 61851-1 Table A.8 / ISO 15118-3: 5 % = digital communication required


@dataclass
class SimulatedDcCharger(SimulatedAcCharger):
    """Pilot generator and availability as the AC charger, but 5 % duty and no AC contactor."""

    def duty_pct(self) -> float:
        duty = super().duty_pct()
        if 0.0 < duty < 100.0:
            return 10.0 if "dc_pilot_duty_wrong" in self.defects else HLC_DUTY_PCT
        return duty

    def _may_energise(self) -> bool:
        return False  # DC energy flows through the power stage, switched by the SECC

    def reevaluate(self, t: float) -> None:
        super().reevaluate(t)
        stage = getattr(self, "stage", None)
        if stage is not None and self.ev_state not in ("C", "D"):
            stage.ev_left_c(t)  # the EV left state C/D (S2 opened, unplugged): no DC energy without it
            side = getattr(self, "side", None)
            if side is not None and side.bus.load_on:
                side.release_pending = True  # and the EV opens its contactor once the current has fallen
        if stage is not None and "dc_output_before_hlc" in self.defects and self.ev_state in ("B", "C", "D"):
            stage.leak(t)  # energises the shared pins on plug-in, before any DC mode was negotiated


@dataclass
class DcSide:
    """Everything DC in the lab; the SECC drives it, the lab advances it and reads it."""

    stage: DcPowerStage
    bus: DcBus
    lab: Any
    defects: set[str] = field(default_factory=set)

    release_pending: bool = False  # the EV opens its contactor once the current has fallen
    stand_in: bool = True  # False: a battery emulator on the bench plays the EV battery; hands off the load

    def advance(self, t: float) -> None:
        self.stage.advance(t)
        if self.release_pending and not self.stand_in:
            self.release_pending = False
        if self.release_pending and abs(self.stage.i_out) < 1.0:
            self.release_pending = False
            self.bus.load_on = False
            self.stage.advance(t)
        self.lab.current_a = self.stage.i_out

    def voltage(self) -> float:
        return self.stage.v_out

    # -- the EV battery stand-in (load side) -----------------------------------------------------------------
    def ev_contactor(self, t: float, closed: bool, ocv: float | None = None) -> None:
        """The SECC's cue for the stand-in; a no-op when the harness drives a battery emulator."""
        self.advance(t)
        if not self.stand_in:
            return
        bus = self.bus
        if closed:
            bus.load_mode, bus.battery_voltage_v = "BATT", ocv or bus.battery_voltage_v
        bus.load_on = closed


STAND_IN_NOTE = ("EV battery: the lab's stand-in (the bench has no battery emulator, role dc_load); it closes on "
                 "PowerDelivery(start) at the precharge voltage")


def ev_battery_emulator(bench: Any) -> str | None:
    """The bench instrument that plays the EV battery: its first dc_load (the harness uses the same rule)."""
    return next((i.name for i in getattr(bench, "instruments", []) if i.role == "dc_load"), None)


def attach(lab: Any, dut: Any, bench: Any = None) -> DcSide:
    """Make the lab a DC charger for a DC DUT profile (called by the lab when the supply is DC)."""
    hlc = getattr(dut, "hlc", None)
    ratings = DcRatings(max_voltage_v=dut.nominal_voltage_v, max_current_a=dut.max_current_a,
                        max_power_w=(dut.max_power_kw or dut.nominal_voltage_v * dut.max_current_a / 1000) * 1000,
                        min_voltage_v=getattr(hlc, "min_voltage_v", 150.0) if hlc else 150.0,
                        current_tolerance_a=getattr(hlc, "current_tolerance_a", 5.0) if hlc else 5.0)
    if hlc is not None and "DC_BPT" in getattr(hlc, "energy_modes", []):  # what a bidirectional charger declares
        ratings.max_discharge_current_a = getattr(hlc, "max_discharge_current_a", None) or ratings.max_current_a
        discharge_kw = getattr(hlc, "max_discharge_power_kw", None)
        ratings.max_discharge_power_w = discharge_kw * 1000 if discharge_kw else ratings.max_power_w
    events: EventQueue = lab.events
    defects = set(lab.defects)  # one set shared by pilot, stage and SECC, so it can be switched at run time
    lab.charger = SimulatedDcCharger(ChargerRatings(max_current_a=dut.max_current_a, phases=1,
                                                    voltage_v=dut.nominal_voltage_v), events, defects)
    side = DcSide(DcPowerStage(ratings, lab.dc, defects), lab.dc, lab, defects)
    emulator = ev_battery_emulator(bench)
    side.stand_in = emulator is None
    lab.notes["ev_battery"] = STAND_IN_NOTE if emulator is None else f"battery emulator {emulator!r} (the harness)"
    lab.charger.stage = side.stage
    lab.charger.side = side
    lab.dc_side = side
    return side
