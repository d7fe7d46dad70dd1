"""Control-pilot circuit physics (IEC 61851-1 Annex A equivalent circuit).

The duty-cycle maths here is written independently of harness.protocols.iec61851 on purpose: the
simulated charger must not share the code that judges it, or a bug in one would hide in the other.

Generator +/-V through R1 (1 kOhm); EV side: diode, then R2 (2.74 kOhm) with R3 switched in for state C
(1.3 kOhm) or D (270 Ohm); state E shorts CP to PE.
"""

from __future__ import annotations

from dataclasses import dataclass

R2 = 2740.0
R3 = {"C": 1300.0, "D": 270.0}
DIODE_DROP = 0.7


@dataclass(frozen=True)
class PilotLevels:
    high: float
    low: float


def ev_resistance(state: str) -> float | None:
    """EV-side load between CP and PE, or None when no EV is connected (state A)."""
    if state == "A":
        return None
    if state == "E":
        return 0.0
    if state in R3:
        return R2 * R3[state] / (R2 + R3[state])
    return R2


def loaded_level(source_v: float, r1: float, state: str, diode: bool) -> float:
    """The CP voltage for one generator level, as the EVSE and the EV both see it."""
    r = ev_resistance(state)
    if r is None:
        return source_v
    if r == 0.0:
        return 0.0
    if source_v > 0:
        if source_v <= DIODE_DROP:
            return source_v
        current = (source_v - DIODE_DROP) / (r1 + r) if diode else source_v / (r1 + r)
        return source_v - current * r1
    # negative half: the diode blocks; a shorted diode lets the EV load the generator
    if diode:
        return source_v
    return source_v * r / (r1 + r)


def sensed_state(high_level: float) -> str:
    """How a charger classifies the positive level (detection windows around 12/9/6/3/0 V)."""
    if high_level > 10.5:
        return "A"
    if high_level > 7.5:
        return "B"
    if high_level > 4.5:
        return "C"
    if high_level > 1.5:
        return "D"
    return "E"


def duty_for_current(current_a: float) -> float:
    """IEC 61851-1 Table A.8 / SAE J1772: the duty cycle (%) that advertises ``current_a``."""
    if current_a <= 51:
        return current_a / 0.6
    return current_a / 2.5 + 64


def current_for_duty(duty_pct: float) -> float:
    """The current (A) an EV may draw for a duty cycle, 0 where the duty means 'no charging'."""
    if duty_pct < 8:
        return 0.0
    if duty_pct < 10:
        return 6.0
    if duty_pct <= 85:
        return duty_pct * 0.6
    if duty_pct <= 96:
        return (duty_pct - 64) * 2.5
    if duty_pct <= 97:
        return 80.0
    return 0.0
