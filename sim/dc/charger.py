"""The simulated DC charger as the lab sees it: the pilot (5 % duty: high-level communication required),
the power stage on the shared DC bus, and a stand-in for the EV's battery on the bus's load side.

The battery stand-in is here only because the bench has no DC load / battery emulator driver yet: on a
real bench the harness programs a battery emulator from its own EV battery model. Here the stand-in
closes the 'EV contactor' when the charger accepts PowerDelivery(start) and sits at the voltage the EV
asked to be precharged to, which is what that programming would do.
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
            if stage.mode in ("cable_check", "precharge", "charge"):
                stage.stop(t, error=True)  # the EV left state C/D (S2 opened, unplugged): no DC energy without it
            side = getattr(self, "side", None)
            if side is not None and side.bus.load_on:
                side.ev_contactor(t, False)  # and the EV has opened its contactor
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

    def advance(self, t: float) -> None:
        self.stage.advance(t)
        if self.release_pending and self.stage.i_out < 1.0:
            self.release_pending = False
            self.bus.load_on = False
            self.stage.advance(t)
        self.lab.current_a = self.stage.i_out

    def voltage(self) -> float:
        return self.stage.v_out

    # -- the EV battery stand-in (load side) -----------------------------------------------------------------
    def ev_contactor(self, t: float, closed: bool, ocv: float | None = None) -> None:
        self.advance(t)
        bus = self.bus
        if closed:
            bus.load_mode, bus.battery_voltage_v = "BATT", ocv or bus.battery_voltage_v
        bus.load_on = closed


def attach(lab: Any, dut: Any) -> DcSide:
    """Make the lab a DC charger for a DC DUT profile (called by the lab when the supply is DC)."""
    hlc = getattr(dut, "hlc", None)
    ratings = DcRatings(max_voltage_v=dut.nominal_voltage_v, max_current_a=dut.max_current_a,
                        max_power_w=(dut.max_power_kw or dut.nominal_voltage_v * dut.max_current_a / 1000) * 1000,
                        min_voltage_v=getattr(hlc, "min_voltage_v", 150.0) if hlc else 150.0,
                        current_tolerance_a=getattr(hlc, "current_tolerance_a", 5.0) if hlc else 5.0)
    events: EventQueue = lab.events
    defects = set(lab.defects)  # one set shared by pilot, stage and SECC, so it can be switched at run time
    lab.charger = SimulatedDcCharger(ChargerRatings(max_current_a=dut.max_current_a, phases=1,
                                                    voltage_v=dut.nominal_voltage_v), events, defects)
    side = DcSide(DcPowerStage(ratings, lab.dc, defects), lab.dc, lab, defects)
    lab.charger.stage = side.stage
    lab.charger.side = side
    lab.dc_side = side
    return side
