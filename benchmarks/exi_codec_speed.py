"""Timings of the pure-Python EXI codec (harness.protocols.iso15118.exi), per message type.

Run:  python benchmarks/exi_codec_speed.py [--repeat 300] [--number 50] [--json]

For each message: `repeat` samples, each the mean of `number` back-to-back calls;
reported are the median and the 95th percentile of the samples, in microseconds.
The goal (issue 3) is <= 250 us per CurrentDemandReq/Res (DIN, -2) and -20
DC_ChargeLoopReq/Res encode and decode, i.e. < 1/100 of Josev's Java bridge (13-17 ms).
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness.protocols.iso15118.exi import APP_PROTOCOL, DIN, ISO2, ISO20_DC, decode, encode  # noqa: E402


def pv(multiplier: int, unit: str, value: int) -> dict:
    return {"Multiplier": multiplier, "Unit": unit, "Value": value}


def rn(exponent: int, value: int) -> dict:
    return {"Exponent": exponent, "Value": value}


HEADER = {"SessionID": "0102030405060708"}
HEADER20 = {"SessionID": "0102030405060708", "TimeStamp": 1700000000}

MESSAGES: list[tuple[str, str, dict]] = [
    ("SAP supportedAppProtocolReq", APP_PROTOCOL, {"supportedAppProtocolReq": {"AppProtocol": [
        {"ProtocolNamespace": "urn:iso:15118:2:2013:MsgDef", "VersionNumberMajor": 2, "VersionNumberMinor": 0,
         "SchemaID": 1, "Priority": 1},
        {"ProtocolNamespace": "urn:din:70121:2012:MsgDef", "VersionNumberMajor": 2, "VersionNumberMinor": 0,
         "SchemaID": 2, "Priority": 2}]}}),
    ("DIN CurrentDemandReq", DIN, {"V2G_Message": {"Header": HEADER, "Body": {"CurrentDemandReq": {
        "DC_EVStatus": {"EVReady": True, "EVCabinConditioning": False, "EVRESSConditioning": False,
                        "EVErrorCode": "NO_ERROR", "EVRESSSOC": 55},
        "EVTargetCurrent": pv(0, "A", 120), "EVMaximumVoltageLimit": pv(0, "V", 450),
        "EVMaximumCurrentLimit": pv(0, "A", 200), "EVMaximumPowerLimit": pv(3, "W", 90),
        "BulkChargingComplete": False, "ChargingComplete": False,
        "RemainingTimeToFullSoC": pv(0, "s", 1800), "RemainingTimeToBulkSoC": pv(0, "s", 1200),
        "EVTargetVoltage": pv(0, "V", 400)}}}}),
    ("DIN CurrentDemandRes", DIN, {"V2G_Message": {"Header": HEADER, "Body": {"CurrentDemandRes": {
        "ResponseCode": "OK",
        "DC_EVSEStatus": {"EVSEIsolationStatus": "Valid", "EVSEStatusCode": "EVSE_Ready",
                          "NotificationMaxDelay": 0, "EVSENotification": "None"},
        "EVSEPresentVoltage": pv(0, "V", 398), "EVSEPresentCurrent": pv(0, "A", 119),
        "EVSECurrentLimitAchieved": False, "EVSEVoltageLimitAchieved": False, "EVSEPowerLimitAchieved": False,
        "EVSEMaximumVoltageLimit": pv(0, "V", 500), "EVSEMaximumCurrentLimit": pv(0, "A", 250),
        "EVSEMaximumPowerLimit": pv(3, "W", 150)}}}}),
    ("ISO-2 CurrentDemandReq", ISO2, {"V2G_Message": {"Header": HEADER, "Body": {"CurrentDemandReq": {
        "DC_EVStatus": {"EVReady": True, "EVErrorCode": "NO_ERROR", "EVRESSSOC": 55},
        "EVTargetCurrent": pv(0, "A", 120), "EVMaximumVoltageLimit": pv(0, "V", 450),
        "EVMaximumCurrentLimit": pv(0, "A", 200), "EVMaximumPowerLimit": pv(3, "W", 90),
        "BulkChargingComplete": False, "ChargingComplete": False,
        "RemainingTimeToFullSoC": pv(0, "s", 1800), "RemainingTimeToBulkSoC": pv(0, "s", 1200),
        "EVTargetVoltage": pv(0, "V", 400)}}}}),
    ("ISO-2 CurrentDemandRes", ISO2, {"V2G_Message": {"Header": HEADER, "Body": {"CurrentDemandRes": {
        "ResponseCode": "OK",
        "DC_EVSEStatus": {"NotificationMaxDelay": 0, "EVSENotification": "None",
                          "EVSEIsolationStatus": "Valid", "EVSEStatusCode": "EVSE_Ready"},
        "EVSEPresentVoltage": pv(0, "V", 398), "EVSEPresentCurrent": pv(0, "A", 119),
        "EVSECurrentLimitAchieved": False, "EVSEVoltageLimitAchieved": False, "EVSEPowerLimitAchieved": False,
        "EVSEMaximumVoltageLimit": pv(0, "V", 500), "EVSEMaximumCurrentLimit": pv(0, "A", 250),
        "EVSEMaximumPowerLimit": pv(3, "W", 150), "EVSEID": "DE*ABC*E123456789",
        "SAScheduleTupleID": 1, "ReceiptRequired": False}}}}),
    ("-20 DC_ChargeLoopReq (scheduled)", ISO20_DC, {"DC_ChargeLoopReq": {
        "Header": HEADER20, "DisplayParameters": {"PresentSOC": 55, "TargetSOC": 80},
        "MeterInfoRequested": False, "EVPresentVoltage": rn(0, 398),
        "Scheduled_DC_CLReqControlMode": {"EVTargetCurrent": rn(0, 120), "EVTargetVoltage": rn(0, 400),
                                          "EVMaximumChargePower": rn(3, 90), "EVMaximumChargeCurrent": rn(0, 200),
                                          "EVMaximumVoltage": rn(0, 450)}}}),
    ("-20 DC_ChargeLoopReq (dynamic BPT)", ISO20_DC, {"DC_ChargeLoopReq": {
        "Header": HEADER20, "MeterInfoRequested": True, "EVPresentVoltage": rn(0, 398),
        "BPT_Dynamic_DC_CLReqControlMode": {
            "EVTargetEnergyRequest": rn(3, 40), "EVMaximumEnergyRequest": rn(3, 60),
            "EVMinimumEnergyRequest": rn(3, -20), "EVMaximumChargePower": rn(3, 90),
            "EVMinimumChargePower": rn(0, 0), "EVMaximumChargeCurrent": rn(0, 200),
            "EVMaximumVoltage": rn(0, 450), "EVMinimumVoltage": rn(0, 200),
            "EVMaximumDischargePower": rn(3, 11), "EVMinimumDischargePower": rn(0, 0),
            "EVMaximumDischargeCurrent": rn(0, 30)}}}),
    ("-20 DC_ChargeLoopRes (scheduled)", ISO20_DC, {"DC_ChargeLoopRes": {
        "Header": HEADER20, "ResponseCode": "OK",
        "EVSEStatus": {"NotificationMaxDelay": 0, "EVSENotification": "Terminate"},
        "EVSEPresentCurrent": rn(0, 119), "EVSEPresentVoltage": rn(0, 398),
        "EVSEPowerLimitAchieved": False, "EVSECurrentLimitAchieved": False, "EVSEVoltageLimitAchieved": False,
        "Scheduled_DC_CLResControlMode": {"EVSEMaximumChargePower": rn(3, 150),
                                          "EVSEMaximumChargeCurrent": rn(0, 250),
                                          "EVSEMaximumVoltage": rn(0, 500)}}}),
]


def _time(fn, repeat: int, number: int) -> tuple[float, float, float]:
    """(median wall, p95 wall, median CPU) microseconds per call.

    CPU time (thread_time) is what the codec costs; wall time also counts waiting for a
    busy machine, so on a loaded CI box look at the CPU column.
    """
    wall = []
    cpu = []
    for _ in range(repeat):
        start = time.perf_counter()
        start_cpu = time.thread_time()
        for _ in range(number):
            fn()
        cpu.append((time.thread_time() - start_cpu) / number * 1e6)
        wall.append((time.perf_counter() - start) / number * 1e6)
    wall.sort()
    return statistics.median(wall), wall[int(0.95 * (len(wall) - 1))], statistics.median(cpu)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=300)
    parser.add_argument("--number", type=int, default=50)
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    rows = []
    for label, ns, message in MESSAGES:
        data = encode(message, ns)
        assert decode(data, ns) == message, label
        enc = _time(lambda m=message, n=ns: encode(m, n), args.repeat, args.number)
        dec = _time(lambda d=data, n=ns: decode(d, n), args.repeat, args.number)
        rows.append({"message": label, "bytes": len(data), "encode_median_us": round(enc[0], 1),
                     "encode_p95_us": round(enc[1], 1), "encode_cpu_us": round(enc[2], 1),
                     "decode_median_us": round(dec[0], 1), "decode_p95_us": round(dec[1], 1),
                     "decode_cpu_us": round(dec[2], 1)})
    if args.json:
        print(json.dumps({"python": platform.python_version(), "machine": platform.machine(), "rows": rows},
                         indent=2))
        return 0
    print(f"Python {platform.python_version()} on {platform.machine()}, "
          f"{args.repeat} samples x {args.number} calls; microseconds per call")
    print(f"{'message':36s} {'bytes':>5s} {'enc med':>8s} {'enc p95':>8s} {'enc cpu':>8s} "
          f"{'dec med':>8s} {'dec p95':>8s} {'dec cpu':>8s}")
    for r in rows:
        print(f"{r['message']:36s} {r['bytes']:5d} {r['encode_median_us']:8.1f} {r['encode_p95_us']:8.1f} "
              f"{r['encode_cpu_us']:8.1f} {r['decode_median_us']:8.1f} {r['decode_p95_us']:8.1f} "
              f"{r['decode_cpu_us']:8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
