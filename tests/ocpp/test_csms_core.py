"""CSMS core over a real WebSocket: replies, CSMS-initiated calls, traces, expectations."""

from __future__ import annotations

import asyncio
import json
import threading

from ocpp_helpers import Raw, url

from harness.protocols.ocpp.expect import matches, wait_for

BOOT16 = {"chargePointVendor": "V", "chargePointModel": "M"}


def test_boot_default_and_overridden_replies(csms):
    ch = csms.charger("CP1", "1.6")
    ch.replies.set("BootNotification", [{"status": "Pending", "interval": 5}])

    async def go():
        async with Raw(url(csms)) as cp:
            first = await cp.call("1", "BootNotification", BOOT16)
            second = await cp.call("2", "BootNotification", BOOT16)
            hb = await cp.call("3", "Heartbeat", {})
            return first, second, hb

    first, second, hb = asyncio.run(go())
    assert first[2]["status"] == "Pending" and first[2]["interval"] == 5 and "currentTime" in first[2]
    assert second[2]["status"] == "Accepted" and second[2]["interval"] == 60
    assert hb[0] == 3 and "currentTime" in hb[2]


def test_subprotocol_201_and_csms_call(csms):
    results = {}

    async def charger():
        async with Raw(url(csms, "CS201"), "ocpp2.0.1") as cp:
            assert cp.ws.subprotocol == "ocpp2.0.1"
            await cp.call("b", "BootNotification", {"reason": "PowerUp",
                                                    "chargingStation": {"model": "M", "vendorName": "V"}})
            msg = await cp.recv(5)
            assert msg[0] == 2 and msg[2] == "GetVariables"
            await cp.send([3, msg[1], {"getVariableResult": [
                {"attributeStatus": "Accepted", "attributeValue": "1",
                 "component": {"name": "SecurityCtrlr"}, "variable": {"name": "SecurityProfile"}}]}])
            await asyncio.sleep(0.3)

    t = threading.Thread(target=lambda: asyncio.run(charger()))
    t.start()
    ch = csms.charger("CS201", "2.0.1")
    seen = wait_for(ch, "BootNotification", {"reason": "PowerUp"}, 5, 0)
    assert seen.message is not None
    out = csms.call("CS201", "GetVariables", {"getVariableData": [
        {"component": {"name": "SecurityCtrlr"}, "variable": {"name": "SecurityProfile"}}]}, 5)
    results["out"] = out
    t.join()
    assert out.payload["getVariableResult"][0]["attributeValue"] == "1"
    assert out.schema_error is None and out.elapsed_s is not None


def test_trace_has_socket_timestamps_and_directions(csms, tmp_path):
    async def go():
        async with Raw(url(csms, "TR1")) as cp:
            await cp.call("1", "Heartbeat", {})

    asyncio.run(go())
    lines = [json.loads(x) for x in (tmp_path / "traces" / "ocpp.jsonl").read_text().splitlines()]
    frames = [x for x in lines if x["dir"] in ("rx", "tx")]
    assert [f["dir"] for f in frames] == ["rx", "tx"]
    assert frames[0]["t"] <= frames[1]["t"] and json.loads(frames[0]["frame"])[2] == "Heartbeat"


def test_strict_order_mismatch_and_lenient_match(csms):
    async def go():
        async with Raw(url(csms, "ORD")) as cp:
            for i, status in enumerate(["Available", "Preparing", "Charging"]):
                await cp.call(str(i), "StatusNotification", {"connectorId": 1, "errorCode": "NoError",
                                                             "status": status})

    asyncio.run(go())
    ch = csms.charger("ORD")
    assert wait_for(ch, "StatusNotification", {"status": "Charging"}, 0.5, 0).message is not None
    strict = wait_for(ch, "StatusNotification", {"status": "Charging"}, 0.5, 0, strict=True)
    assert strict.message is None and strict.mismatch.payload["status"] == "Available"


def test_matches_subset_rules():
    assert matches({"a": 1}, {"a": 1.0, "b": 2})
    assert not matches({"a": 1}, {"b": 1})
    assert matches({"x": {"$any": [{"k": 2}]}}, {"x": [{"k": 1}, {"k": 2}]})
    assert matches({"s": {"$oneof": ["Rejected", "Accepted"]}}, {"s": "Accepted"})
    assert not matches({"a": True}, {"a": 1})


def test_subprotocol_negotiation_refuses_unknown_and_missing(csms):
    from websockets.asyncio.client import connect
    from websockets.exceptions import InvalidStatus

    async def attempt(protocols):
        try:
            async with connect(url(csms, "NEG"), subprotocols=protocols) as ws:
                return ws.subprotocol
        except InvalidStatus as exc:
            return exc.response.status_code

    assert asyncio.run(attempt(["ocpp1.5"])) == 400
    assert asyncio.run(attempt(None)) == 400
    assert asyncio.run(attempt(["ocpp1.6", "ocpp2.0.1"])) == "ocpp2.0.1"  # the CSMS's preference order
    reasons = [m.payload["reason"] for m in csms.charger("NEG").history if m.action == "<rejected>"]
    assert len(reasons) == 2 and all("subprotocol" in r for r in reasons)
