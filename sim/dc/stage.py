"""The simulated DC charger's power stage (IEC 61851-23 behaviour): output contactors, voltage and current
regulation with ramp rates and ripple, cable check with isolation monitoring, precharge, controlled and
emergency shutdown, output discharge for welding detection.

Bidirectional (ISO 15118-20 DC_BPT): a negative current target discharges the battery within the
declared discharge limits, with the same ramps and ripple; the current is then negative (EV to EVSE).
Advanced lazily on the lab's virtual clock in small steps, so ramp timings are exact at any time scale.
Each defect in :mod:`sim.dc.defects` bends one rule.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..dc_bus import DcBus

STEP_S = 0.005
VOLTAGE_RAMP_V_S = 400.0
CURRENT_RAMP_A_S = 200.0  # rise; IEC 61851-23 101.2.1.3 asks for at least 20 A/s
STOP_RAMP_A_S = 400.0  # descent; 101.2.1.4 asks for at least 100 A/s
EMERGENCY_RAMP_A_S = 5000.0
DISCHARGE_TAU_S = 0.3
CABLE_CHECK_S = 2.0
RIPPLE_A = 0.4  # peak current ripple, declared as EVSEPeakCurrentRipple
RIPPLE_HZ = 7.0
ISOLATION_OHM = 5e6


@dataclass
class DcRatings:
    max_voltage_v: float = 500.0
    max_current_a: float = 300.0
    max_power_w: float = 150_000.0
    min_voltage_v: float = 150.0
    min_current_a: float = 0.0
    current_tolerance_a: float = 5.0  # declared EVSECurrentRegulationTolerance
    max_discharge_current_a: float = 0.0  # DC_BPT: EVSEMaximumDischargeCurrent (0: not bidirectional)
    max_discharge_power_w: float = 0.0  # DC_BPT: EVSEMaximumDischargePower
    min_discharge_current_a: float = 0.0  # DC_BPT: EVSEMinimumDischargeCurrent


@dataclass
class DcPowerStage:
    ratings: DcRatings
    bus: DcBus
    defects: set[str] = field(default_factory=set)
    mode: str = "off"  # off, cable_check, precharge, charge, stopping, emergency
    contactor: bool = False
    v_set: float = 0.0
    i_lim: float = 0.0
    v_target: float = 0.0
    i_target: float = 0.0
    v_out: float = 0.0
    i_out: float = 0.0
    cable_check_started: float = math.nan
    cable_check_voltage: float = 0.0
    isolation_ohm: float = ISOLATION_OHM
    t: float = 0.0

    # -- commands from the SECC ------------------------------------------------------------------------------
    def cable_check_done(self, t: float) -> bool:
        self.advance(t)
        if self.mode != "cable_check":
            return not math.isnan(self.cable_check_started)
        duration = 38.6 if "dc_slow_cable_check" in self.defects else CABLE_CHECK_S
        if t - self.cable_check_started >= duration and self.v_out >= 0.95 * self.cable_check_voltage:
            self.v_target = 0.0  # discharge below 60 V before precharge
            self.mode = "idle"
            return True
        return False

    def leak(self, t: float) -> None:
        """Defect only: output on at a fixed voltage without any session."""
        self.advance(t)
        if self.mode == "off":
            self.mode, self.contactor, self.v_target, self.i_target = "idle", True, 400.0, 0.0

    def start_cable_check(self, t: float, ev_max_v: float) -> None:
        """Formula CC.1 of IEC 61851-23 (secondary source): the test voltage depends on the EV's maximum."""
        self.advance(t)
        if self.mode == "cable_check":
            return
        r = self.ratings
        if "dc_ignores_ev_max_voltage" in self.defects:
            v = r.max_voltage_v
        elif ev_max_v <= 500:
            v = min(ev_max_v + 50.0, 500.0, r.max_voltage_v)
        else:
            v = min(1.1 * ev_max_v, r.max_voltage_v)
        self.mode, self.contactor = "cable_check", True
        self.cable_check_started, self.cable_check_voltage = t, v
        self.v_target, self.i_target = v, 2.0

    def isolation_ok(self) -> bool:
        return self.isolation_ohm >= 100e3  # IEC 61851-23 CC.4.1.5 via standards.md A2.1 [S]

    def precharge(self, t: float, target_v: float, current_a: float) -> None:
        self.advance(t)
        offset = 30.0 if "dc_precharge_offset" in self.defects else 0.0
        self.mode, self.contactor = "precharge", True
        self.v_target = min(target_v, self.ratings.max_voltage_v) + offset
        self.i_target = min(current_a, 2.0)

    def demand(self, t: float, target_v: float, current_a: float, bidirectional: bool = False) -> None:
        """Regulate to the EV's target current; a negative target discharges, in a bidirectional session only."""
        self.advance(t)
        if self.mode == "emergency":
            return
        r = self.ratings
        if bidirectional and current_a < 0:
            i = -self._discharge(-current_a)
        else:
            power_cap = r.max_power_w / max(self.v_out, 1.0)
            i = max(0.0, min(current_a, r.max_current_a, power_cap))
            if "dc_current_overshoot" in self.defects:
                i *= 1.10
        self.mode, self.contactor = "charge", True
        self.v_target, self.i_target = min(target_v, r.max_voltage_v), i

    def _discharge(self, asked_a: float) -> float:
        """The discharge current (magnitude) for an EV asking ``asked_a``: within the declared maximum current
        and power, and not below the declared minimum."""
        r = self.ratings
        if "dc_bpt_discharge_over_limit" in self.defects:
            return min(asked_a, r.max_current_a)
        if "dc_bpt_discharge_overshoot" in self.defects:
            asked_a *= 1.10  # regulates 10 % past the request, still inside its limits
        i = min(asked_a, r.max_discharge_current_a, r.max_discharge_power_w / max(self.v_out, 1.0))
        return i if i >= r.min_discharge_current_a else 0.0

    def stop(self, t: float, error: bool = False) -> None:
        """Controlled shutdown (PowerDelivery stop), or an error shutdown (communication lost, EV left state
        C): ramp the current down, then open the contactors."""
        self.advance(t)
        if self.mode not in ("off", "emergency"):
            self.mode = "shutdown" if error else "stopping"
            self.i_target = 0.0

    def ev_left_c(self, t: float) -> None:
        """The EV opened S2 (pilot C -> B) or was unplugged. During energy transfer this is the EV's emergency
        stop where its messages carry no error code (ISO 15118-20): cut the current at the emergency rate
        (IEC 61851-23 CC.3.5, EV-initiated emergency shutdown); before it, an error shutdown."""
        self.advance(t)
        if self.mode != "charge":
            if self.mode in ("cable_check", "precharge"):
                self.stop(t, error=True)
            return
        if "dc_ignores_state_b" in self.defects:
            return
        self.mode, self.i_target = "emergency", 0.0

    def emergency(self, t: float) -> None:
        self.advance(t)
        if "dc_ignores_emergency_stop" in self.defects:
            return
        self.mode, self.i_target = "emergency", 0.0

    def off(self, t: float) -> None:
        self.advance(t)
        self.mode, self.contactor, self.i_target, self.v_target = "off", False, 0.0, 0.0

    # -- physics ---------------------------------------------------------------------------------------------
    def advance(self, t: float) -> None:
        while self.t < t:
            dt = min(STEP_S, t - self.t)
            self.t += dt
            self._step(dt)

    def _step(self, dt: float) -> None:
        rv = VOLTAGE_RAMP_V_S * dt
        self.v_set += max(-rv, min(rv, self.v_target - self.v_set))
        rate = CURRENT_RAMP_A_S
        if self.mode == "stopping":
            rate = 5.0 if "dc_slow_current_rampdown" in self.defects else STOP_RAMP_A_S
        elif self.mode == "emergency":
            rate = EMERGENCY_RAMP_A_S
        if abs(self.i_target) < abs(self.i_lim):  # reducing the current, in either direction
            rate = max(rate, STOP_RAMP_A_S) if self.mode == "charge" else rate
        ri = rate * dt
        self.i_lim += max(-ri, min(ri, self.i_target - self.i_lim))
        if self.mode in ("stopping", "shutdown", "emergency") and abs(self.i_lim) <= 0.5 and abs(self.i_out) <= 0.5:
            self.contactor = False
            self.mode = "off"
        bus = self.bus
        bus.output_on = self.contactor
        bus.source_voltage_v = self.v_set
        bus.source_current_limit_a = max(self.i_lim, 0.0)
        bus.sink_current_a = max(-self.i_lim, 0.0)
        bus.sink_min_voltage_v = self.ratings.min_voltage_v
        v, i = bus.operating_point()
        if not self.contactor and not (bus.load_on and bus.load_mode == "BATT"):
            v = self.v_out * math.exp(-dt / DISCHARGE_TAU_S)  # output capacitor through the discharge resistor
            self.v_set = min(self.v_set, v)
        if abs(i) > 0.5:
            i += RIPPLE_A * math.sin(2 * math.pi * RIPPLE_HZ * self.t)
        self.v_out, self.i_out = v, (i if i < -0.5 else max(i, 0.0))
