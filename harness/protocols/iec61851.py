"""IEC 61851-1 Annex A / SAE J1772 pilot maths (Table A.8 duty cycle <-> current)."""

from __future__ import annotations


def duty_for_current(current_a: float) -> float:
    """Duty cycle (%) advertising ``current_a``: I/0.6 for 6-51 A, I/2.5 + 64 above 51 A (to 80 A).

    The table has a seam: the high range decodes only above 85 % (52.5 A), so 51-52.5 A cannot be
    advertised exactly; the formula's value is returned and the EV reads it with the low range.
    """
    if not 6 <= current_a <= 80:
        raise ValueError(f"{current_a:g} A cannot be advertised by PWM: expected 6-80 A")
    if current_a <= 51:
        return current_a / 0.6
    return current_a / 2.5 + 64


def current_for_duty(duty_pct: float) -> float:
    """Current (A) an EV may draw at a duty cycle; 0 where the duty means no charging or digital comms."""
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


NOMINAL_FUNCTIONS = {"duty_for_current": duty_for_current, "current_for_duty": current_for_duty}
