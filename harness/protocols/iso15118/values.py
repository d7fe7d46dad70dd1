"""PhysicalValue conversion (DIN SPEC 70121 / ISO 15118-2 / -20 RationalNumber): value x 10^multiplier.

Values are 16-bit signed on the wire; the multiplier is chosen to keep one decimal where it fits.
"""

from __future__ import annotations


def pv(value: float, unit: str | None = None, exp_key: str = "Multiplier") -> dict:
    """A PhysicalValueType dict for ``value`` (DIN/-2 form; ``exp_key='Exponent'`` for -20)."""
    for mult in (-1, 0, 1, 2, 3):
        scaled = round(value / 10.0**mult)
        if -32768 <= scaled <= 32767:
            out = {exp_key: mult, "Value": int(scaled)}
            if unit is not None:
                out["Unit"] = unit
            return out
    raise ValueError(f"{value} does not fit a physical value")


def num(obj: object) -> float | None:
    """The number in a PhysicalValue / RationalNumber dict, or None if it is absent or malformed."""
    if not isinstance(obj, dict):
        return None
    value = obj.get("Value")
    exp = obj.get("Multiplier", obj.get("Exponent", 0))
    if not isinstance(value, int) or not isinstance(exp, int):
        return None
    return value * 10.0**exp
