"""Reading meter values out of OCPP payloads (1.6 SampledValue strings, 2.0.1 numbers with unitOfMeasure)."""

from __future__ import annotations


def _dicts(value: object) -> list[dict]:
    """The dict items of a list; a charger's malformed structure yields nothing rather than an exception."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def energy_register_wh(payload: dict) -> float | None:
    """The first plain (unsigned) Energy.Active.Import.Register reading of a MeterValues payload, in Wh."""
    for mv in _dicts(payload.get("meterValue")):
        for sv in _dicts(mv.get("sampledValue")):
            if sv.get("measurand", "Energy.Active.Import.Register") == "Energy.Active.Import.Register" \
                    and sv.get("format", "Raw") == "Raw" and "signedMeterValue" not in sv:
                try:
                    value = float(sv["value"])
                except (KeyError, TypeError, ValueError):
                    continue
                unit = sv.get("unit") or (sv.get("unitOfMeasure") or {}).get("unit", "Wh")
                return value * 1000 if unit == "kWh" else value
    return None


def signed_values(payload: dict) -> list[str]:
    """Signed meter data: 1.6 SampledValue with format SignedData, 2.0.1 signedMeterValue.signedMeterData."""
    out = []
    for key in ("meterValue", "transactionData"):
        for mv in _dicts(payload.get(key)):
            for sv in _dicts(mv.get("sampledValue")):
                if sv.get("format") == "SignedData":
                    out.append(sv.get("value", ""))
                elif isinstance(sv.get("signedMeterValue"), dict):
                    out.append(sv["signedMeterValue"].get("signedMeterData", ""))
    return out
