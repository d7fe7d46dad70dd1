"""A charger that breaks the framing rules is recorded as a finding; the CSMS answers what it can and keeps
serving (the next valid CALL on the same connection is answered)."""

from __future__ import annotations

import asyncio

import pytest
from ocpp_helpers import Raw, url

CASES = [
    ("not json", "invalid_json", None),
    ("[2, \"a\", \"Heartbeat\"", "invalid_json", None),
    ("{\"a\": 1}", "not_an_array", None),
    ("[]", "not_an_array", None),
    ("[9, \"u9\", \"Heartbeat\", {}]", "bad_message_type", "GenericError"),
    ("[\"2\", \"u1\", \"Heartbeat\", {}]", "bad_message_type", "GenericError"),
    ("[2.0, \"u0\", \"Heartbeat\", {}]", "bad_message_type", "GenericError"),
    ("[2, \"uN\", \"MeterValues\", {\"connectorId\": NaN, \"meterValue\": []}]", "invalid_json", None),
    ("[2, 17, \"Heartbeat\", {}]", "bad_unique_id", None),
    ("[2, \"u2\", \"Heartbeat\"]", "bad_call", "FormationViolation"),
    ("[2, \"u3\", \"Heartbeat\", []]", "bad_call", "FormationViolation"),
    ("[2, \"u3b\", 42, {}]", "bad_call", "FormationViolation"),
    ("[2, \"u3c\", \"Heartbeat\", null]", "bad_call", "FormationViolation"),
    ("[2, \"u4\", \"FlyToTheMoon\", {}]", "unknown_action", "NotSupported"),
    ("[2, \"u5\", \"StatusNotification\", {\"connectorId\": 1}]", "schema_violation", "ProtocolError"),
    ("[2, \"u6\", \"Heartbeat\", {\"extra\": 1}]", "schema_violation", "FormationViolation"),
    ("[2, \"u7\", \"BootNotification\", {\"chargePointVendor\": 5, \"chargePointModel\": \"M\"}]",
     "schema_violation", "TypeConstraintViolation"),
    ("[3, \"nobody\", {}]", "unknown_reply", None),
    ("[4, \"nobody\", \"GenericError\", \"x\", {}]", "unknown_reply", None),
    ("[3, \"x\"]", "bad_callresult", None),
    ("[2, \"" + "x" * 40 + "\", \"Heartbeat\", {}]", "bad_unique_id", None),
    ("[" * 90 + "]" * 90, "bad_message_type", None),
    ("[" * 5000 + "]" * 5000, "too_deep", None),
    ("[2, \"deep2\", \"DataTransfer\", " + "[" * 5000 + "]" * 5000 + "]", "too_deep", "GenericError"),
    ("[2, \"deep\", \"DataTransfer\", {\"vendorId\": \"v\", \"data\": " + "[" * 950 + "]" * 950 + "}]",
     "schema_violation", "TypeConstraintViolation"),
    ("[2, \"u8\", \"Heartbeat\", {}, \"extra\"]", "bad_call", "FormationViolation"),
    ("[4, \"nobody\", 17, \"x\", {}]", "bad_callerror", None),
    ("[3, \"nobody\", {}, 1]", "bad_callresult", None),
    ("\"\\ud800\"", "not_an_array", None),
]


@pytest.mark.parametrize("frame,kind,code", CASES, ids=[f"{i}-{c[1]}" for i, c in enumerate(CASES)])
def test_malformed_frame_is_a_finding_and_csms_keeps_serving(csms, frame, kind, code):
    async def go():
        async with Raw(url(csms, "BAD")) as cp:
            await cp.send(frame)
            reply = await cp.recv(1.0) if code else None
            hb = await cp.call("ok-1", "Heartbeat", {})
            return reply, hb

    reply, hb = asyncio.run(go())
    if code:
        assert reply[0] == 4 and reply[2] == code
    assert hb[0] == 3 and hb[1] == "ok-1"
    kinds = [f.kind for f in csms.charger("BAD").findings]
    assert kind in kinds, kinds


def test_binary_frame_and_record_only_mode(csms):
    ch = csms.charger("REC", "1.6")
    ch.strict_schema = False

    async def go():
        async with Raw(url(csms, "REC")) as cp:
            await cp.ws.send(b"\x00\x01")
            loose = await cp.call("a", "Heartbeat", {"vendorExtra": 1})
            return loose

    loose = asyncio.run(go())
    assert loose[0] == 3  # record only: answered normally
    kinds = [f.kind for f in ch.findings]
    assert "binary_frame" in kinds and "schema_violation" in kinds


def test_late_reply_is_a_finding(csms):
    import threading

    async def charger():
        async with Raw(url(csms, "LATE")) as cp:
            await cp.call("b", "Heartbeat", {})
            msg = await cp.recv(5)
            await asyncio.sleep(0.6)
            await cp.send([3, msg[1], {"status": "Accepted"}])
            await asyncio.sleep(0.3)

    t = threading.Thread(target=lambda: asyncio.run(charger()))
    t.start()
    from harness.protocols.ocpp.expect import wait_for

    assert wait_for(csms.charger("LATE"), "Heartbeat", None, 5, 0).message
    out = csms.call("LATE", "Reset", {"type": "Soft"}, 0.3)
    t.join()
    assert out.payload is None
    kinds = [f.kind for f in csms.charger("LATE").findings]
    assert "no_reply" in kinds and "late_reply" in kinds


def test_201_rpc_error_codes_and_oversized_frame(csms):
    async def go():
        async with Raw(url(csms, "R201"), "ocpp2.0.1", max_size=None) as cp:
            await cp.send("[7, \"m1\", \"Heartbeat\", {}]")
            bad_type = await cp.recv()
            await cp.send("[2, \"m2\", \"Heartbeat\"]")
            bad_call = await cp.recv()
            await cp.send("[2, \"m3\", \"Heartbeat\", {\"x\": 1}]")
            extra = await cp.recv()
            ok = await cp.call("m4", "Heartbeat", {})
            return bad_type, bad_call, extra, ok

    bad_type, bad_call, extra, ok = asyncio.run(go())
    assert bad_type[2] == "MessageTypeNotSupported" and bad_call[2] == "RpcFrameworkError"
    assert extra[2] == "FormatViolation" and ok[0] == 3

    async def big():
        async with Raw(url(csms, "BIG"), max_size=None) as cp:
            await cp.send("[2, \"b\", \"DataTransfer\", {\"vendorId\": \"" + "x" * (2 ** 20 + 10) + "\"}]")
            await asyncio.sleep(0.3)
        async with Raw(url(csms, "BIG")) as cp:  # the CSMS still serves the charger after closing on it
            return await cp.call("after", "Heartbeat", {})

    assert asyncio.run(big())[0] == 3
    assert "transport_violation" in [f.kind for f in csms.charger("BIG").findings]


def test_deeply_nested_valid_201_payload_is_served(csms):
    async def go():
        async with Raw(url(csms, "DEEP"), "ocpp2.0.1") as cp:
            await cp.send('[2, "d", "DataTransfer", {"vendorId": "v", "data": ' + "[" * 990 + "]" * 990 + "}]")
            first = await cp.recv()
            return first, await cp.call("ok", "Heartbeat", {})

    first, hb = asyncio.run(go())
    assert first[1] == "d" and first[0] in (3, 4) and hb[0] == 3  # answered either way, and still serving
