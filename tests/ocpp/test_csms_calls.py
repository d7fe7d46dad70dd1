"""Every CSMS-initiated message of OCPP 1.6 (all feature profiles and the security whitepaper) and of 2.0.1
(functional blocks A to P) can be sent by the CSMS: a minimal payload built from the OCA schema passes the
CSMS's own validation, goes over a real WebSocket, and the charger's answer is returned to the test."""

from __future__ import annotations

import asyncio
import json
import os
import threading

import ocpp
import pytest
from ocpp_helpers import url
from websockets.asyncio.client import connect

CSMS_TO_CP_16 = [
    "CancelReservation", "CertificateSigned", "ChangeAvailability", "ChangeConfiguration", "ClearCache",
    "ClearChargingProfile", "DataTransfer", "DeleteCertificate", "ExtendedTriggerMessage", "GetCompositeSchedule",
    "GetConfiguration", "GetDiagnostics", "GetInstalledCertificateIds", "GetLocalListVersion", "GetLog",
    "InstallCertificate", "RemoteStartTransaction", "RemoteStopTransaction", "ReserveNow", "Reset", "SendLocalList",
    "SetChargingProfile", "SignedUpdateFirmware", "TriggerMessage", "UnlockConnector", "UpdateFirmware"]
CSMS_TO_CS_201 = [
    "CancelReservation", "CertificateSigned", "ChangeAvailability", "ClearCache", "ClearChargingProfile",
    "ClearDisplayMessage", "ClearVariableMonitoring", "CostUpdated", "CustomerInformation", "DataTransfer",
    "DeleteCertificate", "GetBaseReport", "GetChargingProfiles", "GetCompositeSchedule", "GetDisplayMessages",
    "GetInstalledCertificateIds", "GetLocalListVersion", "GetLog", "GetMonitoringReport", "GetReport",
    "GetTransactionStatus", "GetVariables", "InstallCertificate", "PublishFirmware", "RequestStartTransaction",
    "RequestStopTransaction", "ReserveNow", "Reset", "SendLocalList", "SetChargingProfile", "SetDisplayMessage",
    "SetMonitoringBase", "SetMonitoringLevel", "SetNetworkProfile", "SetVariableMonitoring", "SetVariables",
    "TriggerMessage", "UnlockConnector", "UnpublishFirmware", "UpdateFirmware"]


def _schema(version: str, action: str) -> dict:
    name = action + ("Request" if version != "1.6" else "")
    path = os.path.join(os.path.dirname(ocpp.__file__), "v" + version.replace(".", ""), "schemas", name + ".json")
    with open(path, encoding="utf-8-sig") as fh:
        return json.load(fh)


def minimal(schema: dict, root: dict) -> object:
    """The smallest instance of a schema: required properties only, first enum value, minimum sizes."""
    if "$ref" in schema:
        node = root
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        return minimal(node, root)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type", "object")
    if kind == "object":
        return {k: minimal(schema["properties"][k], root) for k in schema.get("required", [])}
    if kind == "array":
        return [minimal(schema.get("items", {}), root) for _ in range(max(1, schema.get("minItems", 1)))]
    if kind == "integer":
        return max(1, int(schema.get("minimum", 1)))
    if kind == "number":
        return float(max(1, schema.get("minimum", 1)))
    if kind == "boolean":
        return True
    if schema.get("format") == "date-time":
        return "2026-01-01T00:00:00Z"
    if schema.get("format") == "uri":
        return "ftp://example.org/x"
    return "x"


@pytest.mark.parametrize("version,actions", [("1.6", CSMS_TO_CP_16), ("2.0.1", CSMS_TO_CS_201)])
def test_every_csms_initiated_message_goes_out_and_back(csms, version, actions):
    cp = f"ALL{version.replace('.', '')}"
    seen: list[str] = []
    ready = threading.Event()
    done = threading.Event()

    async def charger() -> None:  # answers every CALL with NotImplemented, as a minimal charger may
        async with connect(url(csms, cp), subprotocols=["ocpp" + version]) as ws:
            ready.set()
            while not done.is_set():
                try:
                    msg = json.loads(await asyncio.wait_for(ws.recv(), 0.2))
                except TimeoutError:
                    continue
                seen.append(msg[2])
                await ws.send(json.dumps([4, msg[1], "NotImplemented", "", {}]))

    thread = threading.Thread(target=lambda: asyncio.run(charger()))
    thread.start()
    try:
        assert ready.wait(5)
        for _ in range(50):
            if csms.chargers.get(cp) and csms.chargers[cp].session:
                break
            threading.Event().wait(0.05)
        for action in actions:
            schema = _schema(version, action)
            out = csms.call(cp, action, minimal(schema, schema), 5)  # validated by the CSMS before sending
            assert out.error_code == "NotImplemented", (action, out)
    finally:
        done.set()
        thread.join(5)
    assert seen == actions
    assert not csms.charger(cp).findings
