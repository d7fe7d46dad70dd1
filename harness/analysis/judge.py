"""Judging a measured value against a limit, with the measurement's uncertainty and calibration status.

Decision rule (ILAC-G8 style guarded acceptance): PASS when the value is inside the limits by more than
its expanded uncertainty, FAIL when it is outside by more than its uncertainty, INCONCLUSIVE when the
uncertainty interval straddles a limit. An instrument whose calibration has expired makes the
measurement INCONCLUSIVE whatever the value.
"""

from __future__ import annotations

from ..model import Limit, Measurement, Verdict


def judge(name: str, value: float | None, unit: str, limit: Limit, nominal: float | None = None,
          uncertainty: float = 0.0, instrument: str | None = None, calibration_valid: bool = True,
          t: float | None = None, missing_reason: str = "no value was measured") -> Measurement:
    low, high = limit.bounds(nominal)
    base = dict(name=name, value=value, unit=unit, low=low, high=high, nominal=nominal,
                uncertainty=uncertainty, limit_id=limit.id, source=limit.source, instrument=instrument, t=t)
    if unit != limit.unit:
        return Measurement(**base, verdict=Verdict.ERROR,
                           reason=f"unit {unit!r} does not match the limit's unit {limit.unit!r}")
    if value is None:
        return Measurement(**base, verdict=Verdict.FAIL, reason=missing_reason)
    below = low is not None and value < low - uncertainty
    above = high is not None and value > high + uncertainty
    if below or above:
        verdict, reason = Verdict.FAIL, f"{value:g} {unit} is {'below' if below else 'above'} the limit"
    else:
        near_low = low is not None and value < low + uncertainty
        near_high = high is not None and value > high - uncertainty
        if near_low or near_high:
            verdict = Verdict.INCONCLUSIVE
            reason = f"{value:g} +/- {uncertainty:g} {unit} straddles the limit"
        else:
            verdict, reason = Verdict.PASS, None
    if not calibration_valid and verdict in (Verdict.PASS, Verdict.FAIL):
        reason = f"calibration of {instrument} has expired; measured verdict would be {verdict.value}"
        verdict = Verdict.INCONCLUSIVE
    return Measurement(**base, verdict=verdict, reason=reason)
