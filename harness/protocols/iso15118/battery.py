"""The emulated EV's traction battery: state of charge, open-circuit voltage, what the EV asks for.

Why a model at all: the EV's requests (PreCharge target voltage, CurrentDemand target current, SoC,
ChargingComplete) must stay consistent with what actually flowed, or the charger is judged against an
impossible vehicle. Linear OCV is enough for conformance work; a lab can replace the curve.

Bidirectional (ISO 15118-20 DC_BPT): a negative target current asks to discharge; currents follow the
-20 sign (positive: EVSE to EV), so what the charger reports as negative present current lowers the SoC.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Battery:
    capacity_kwh: float = 60.0
    soc_pct: float = 30.0
    v_empty: float = 320.0
    v_full: float = 420.0
    max_voltage_v: float = 450.0  # EVMaximumVoltageLimit
    max_current_a: float = 300.0  # EVMaximumCurrentLimit
    max_power_w: float = 150_000.0
    target_soc_pct: float = 100.0
    target_current_a: float = 100.0  # what the EV asks for in the charge loop (set by steps); < 0: discharge
    energy_wh: float = 0.0  # net energy into the battery
    max_discharge_current_a: float = 300.0  # EVMaximumDischargeCurrent
    max_discharge_power_w: float = 150_000.0  # EVMaximumDischargePower
    min_soc_pct: float = 10.0  # the EV stops discharging here

    def ocv(self) -> float:
        return self.v_empty + (self.v_full - self.v_empty) * max(0.0, min(self.soc_pct, 100.0)) / 100.0

    def target_voltage(self) -> float:
        """CV ceiling the EV asks for: the full-charge voltage, never above its maximum."""
        return min(self.v_full, self.max_voltage_v)

    def request_current(self) -> float:
        """The current the EV asks for now: the step-set target, capped by its limits and taper near full;
        negative while discharging, down to the EV's minimum SoC."""
        if self.target_current_a < 0:
            if self.soc_pct <= self.min_soc_pct:
                return 0.0
            return -min(-self.target_current_a, self.max_discharge_current_a,
                        self.max_discharge_power_w / max(self.ocv(), 1.0))
        i = min(self.target_current_a, self.max_current_a, self.max_power_w / max(self.ocv(), 1.0))
        if self.soc_pct >= self.target_soc_pct:
            return 0.0
        if self.soc_pct > 95.0:
            i = min(i, self.max_current_a * (100.0 - self.soc_pct) / 5.0)
        return max(i, 0.0)

    def charge(self, voltage_v: float, current_a: float, dt_s: float) -> None:
        """Integrate what the charger says flowed over ``dt_s`` virtual seconds (negative: discharged)."""
        if dt_s <= 0 or current_a == 0:
            return
        wh = voltage_v * current_a * dt_s / 3600.0
        self.energy_wh += wh
        self.soc_pct = max(0.0, min(100.0, self.soc_pct + 100.0 * wh / (self.capacity_kwh * 1000.0)))

    def discharging(self) -> bool:
        return self.target_current_a < 0

    def complete(self) -> bool:
        return not self.discharging() and self.soc_pct >= self.target_soc_pct
