"""The simulated 2.0.1 station's device model (Part 1 §3, Part 2 B05-B08): the variables the suites use,
with their types and mutability, and the NotifyReport items built from them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Variable:
    value: str
    data_type: str = "string"  # integer, boolean, string
    mutability: str = "ReadWrite"  # ReadOnly, WriteOnly, ReadWrite


def build(sp: int, heartbeat_s: int) -> dict[tuple[str, str], Variable]:
    return {
        ("OCPPCommCtrlr", "HeartbeatInterval"): Variable(str(heartbeat_s), "integer"),
        ("SecurityCtrlr", "SecurityProfile"): Variable(str(sp), "integer"),
        ("SecurityCtrlr", "BasicAuthPassword"): Variable("", "string", "WriteOnly"),
        ("SecurityCtrlr", "OrganizationName"): Variable("ChargeBench Test CPO"),
        ("SampledDataCtrlr", "TxUpdatedInterval"): Variable("0", "integer"),
        ("SampledDataCtrlr", "SignReadings"): Variable("false", "boolean"),
        ("AuthCtrlr", "AuthorizeRemoteStart"): Variable("false", "boolean"),
        ("AuthCacheCtrlr", "Enabled"): Variable("true", "boolean"),
        ("SmartChargingCtrlr", "Enabled"): Variable("true", "boolean"),
        ("DeviceDataCtrlr", "ItemsPerMessage"): Variable("50", "integer", "ReadOnly"),
        ("TxCtrlr", "EVConnectionTimeOut"): Variable("60", "integer"),
        ("ChargingStation", "AvailabilityState"): Variable("Available", "string", "ReadOnly"),
    }


def valid(var: Variable, value: str) -> bool:
    if var.data_type == "integer":
        return value.lstrip("-").isdigit()
    if var.data_type == "boolean":
        return value in ("true", "false")
    return len(value) <= 1000


def report_item(component: str, name: str, var: Variable) -> dict:
    attr: dict = {"type": "Actual", "mutability": var.mutability}
    if var.mutability != "WriteOnly":
        attr["value"] = var.value
    return {"component": {"name": component}, "variable": {"name": name}, "variableAttribute": [attr],
            "variableCharacteristics": {"dataType": var.data_type, "supportsMonitoring": False}}
