"""The DC side of the virtual lab: what a DC charger's output and a DC load / battery emulator share.

The simulated DC charger sets what it can deliver (voltage and current limits, output on/off); the DC
load or battery emulator sets what it draws (mode and setpoint); ``operating_point`` resolves both into
the voltage and current that flow, which the power analyzer and meters then measure.

Reverse flow (bidirectional DC, ISO 15118-20 DC_BPT): a charger that discharges the battery sinks current
(``sink_current_a``) and the current comes out negative, the sign ISO 15118-20 uses for power from the EV to
the EVSE. Only a source on the load side can be discharged (BATT, or CV as a battery stand-in); an electronic
load in CC/CR/CP has nothing to give.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class DcBus:
    # charger side (set by the simulated DC charger)
    output_on: bool = False
    source_voltage_v: float = 0.0  # voltage target in CV, or open-circuit voltage
    source_current_limit_a: float = 0.0
    sink_current_a: float = 0.0  # discharge: current the charger draws from the load side (magnitude)
    sink_min_voltage_v: float = 0.0  # discharge: the charger stops sinking at this bus voltage
    # load side (set by the DC load or battery emulator)
    load_on: bool = False
    load_mode: str = "CC"  # CC, CV, CP, CR, BATT
    load_setpoint: float = 0.0  # A, V, W or Ohm by mode
    battery_voltage_v: float = 400.0  # open-circuit voltage in BATT (battery emulation) mode
    battery_resistance_ohm: float = 0.05

    def operating_point(self) -> tuple[float, float]:
        """(voltage V, current A) flowing from the charger into the load right now (negative: discharge)."""
        if not self.output_on:
            v = self.battery_voltage_v if (self.load_on and self.load_mode == "BATT") else 0.0
            return v, 0.0
        if not self.load_on:
            return self.source_voltage_v, 0.0
        vs, ilim = self.source_voltage_v, self.source_current_limit_a
        if self.load_mode == "CC":
            i = min(self.load_setpoint, ilim)
            return vs, i
        if self.load_mode == "CR":
            i = min(vs / self.load_setpoint if self.load_setpoint > 0 else ilim, ilim)
            return i * self.load_setpoint, i
        if self.load_mode == "CP":
            i = min(self.load_setpoint / vs if vs > 0 else 0.0, ilim)
            return vs, i
        if self.load_mode in ("CV", "BATT"):
            v0 = self.load_setpoint if self.load_mode == "CV" else self.battery_voltage_v
            if self.sink_current_a > 0:
                i = min(self.sink_current_a, max((v0 - self.sink_min_voltage_v) / self.battery_resistance_ohm, 0.0))
                return v0 - i * self.battery_resistance_ohm, -i
            if vs <= v0:
                return v0, 0.0
            i = min((vs - v0) / self.battery_resistance_ohm, ilim)
            return v0 + i * self.battery_resistance_ohm, i
        raise ValueError(f"unknown load mode {self.load_mode!r}")
