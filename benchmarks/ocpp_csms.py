"""CSMS throughput: chargebench's CSMS (tracing to disk, schema validation) against a bare CSMS built on the
`ocpp` package's ChargePoint over websockets (as in shared/reference/ecosystem.md 1e), in the same run.

Each server runs in its own process; the charge points are raw websockets clients in this process sending
OCPP 2.0.1 Heartbeat or MeterValues CALLs back to back. Reported: medians over repeats of messages per second
with 1 and with 100 charge points, the time to connect and boot 500 charge points, and the ratio ours/bare.

    python benchmarks/ocpp_csms.py [--seconds 2] [--repeats 3] [--out benchmarks/results/ocpp.md]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import multiprocessing as mp
import platform
import statistics
import tempfile
import time
from pathlib import Path

BOOT = {"reason": "PowerUp", "chargingStation": {"model": "bench", "vendorName": "chargebench"}}
METER = {"evseId": 1, "meterValue": [{"timestamp": "2026-01-01T00:00:00Z", "sampledValue": [
    {"value": 1234.5, "measurand": "Energy.Active.Import.Register"},
    {"value": 7200.0, "measurand": "Power.Active.Import"},
    {"value": 230.1, "measurand": "Voltage"}, {"value": 31.2, "measurand": "Current.Import"}]}]}
MESSAGES = {"Heartbeat": {}, "MeterValues": METER}


# -- servers (child processes) --------------------------------------------------------------------------------
def _bare_server(port_q: mp.Queue, stop: mp.Event) -> None:
    from ocpp.routing import on
    from ocpp.v201 import ChargePoint, call_result
    from websockets.asyncio.server import serve

    class Bare(ChargePoint):
        @on("BootNotification")
        async def boot(self, charging_station, reason, **kw):
            return call_result.BootNotification(current_time="2026-01-01T00:00:00Z", interval=300,
                                                status="Accepted")

        @on("Heartbeat")
        async def heartbeat(self, **kw):
            return call_result.Heartbeat(current_time="2026-01-01T00:00:00Z")

        @on("MeterValues")
        async def meter(self, evse_id, meter_value, **kw):
            return call_result.MeterValues()

    async def handler(ws):
        if ws.subprotocol is None:
            return await ws.close()
        try:
            await Bare(ws.request.path.strip("/").rsplit("/", 1)[-1], ws).start()
        except Exception:
            pass

    async def main() -> None:
        async with serve(handler, "127.0.0.1", 0, subprotocols=["ocpp2.0.1"], ping_interval=None,
                         compression=None) as srv:
            port_q.put(srv.sockets[0].getsockname()[1])
            while not stop.is_set():
                await asyncio.sleep(0.1)

    asyncio.run(main())


def _our_server(port_q: mp.Queue, stop: mp.Event) -> None:
    from harness.protocols.ocpp import Csms, CsmsConfig
    from harness.protocols.ocpp.trace import Tracer

    with tempfile.TemporaryDirectory(prefix="csms-bench-") as tmp:
        csms = Csms(CsmsConfig(heartbeat_interval=300, strict_schema=True), Tracer(Path(tmp) / "traces")).start()
        port_q.put(csms.port)
        stop.wait()
        csms.stop()


# -- clients (this process) -----------------------------------------------------------------------------------
async def _charge_point(port: int, cp: str, action: str, seconds: float, counts: list[int]) -> None:
    from websockets.asyncio.client import connect

    async with connect(f"ws://127.0.0.1:{port}/ocpp/{cp}", subprotocols=["ocpp2.0.1"], ping_interval=None,
                       compression=None, max_queue=None) as ws:
        await ws.send(json.dumps([2, "b", "BootNotification", BOOT]))
        await ws.recv()
        frame_payload = MESSAGES[action]
        end = time.monotonic() + seconds
        n = 0
        while time.monotonic() < end:
            await ws.send(json.dumps([2, str(n), action, frame_payload]))
            reply = json.loads(await ws.recv())
            if reply[0] == 3:
                n += 1
        counts.append(n)


async def _throughput(port: int, cps: int, action: str, seconds: float) -> float:
    counts: list[int] = []
    await asyncio.gather(*(_charge_point(port, f"CP{i:04d}", action, seconds, counts) for i in range(cps)))
    return sum(counts) / seconds


async def _connect_many(port: int, cps: int) -> tuple[float, int]:
    from websockets.asyncio.client import connect

    async def one(i: int):
        ws = await connect(f"ws://127.0.0.1:{port}/ocpp/C{i:04d}", subprotocols=["ocpp2.0.1"], ping_interval=None,
                           open_timeout=60)
        await ws.send(json.dumps([2, "b", "BootNotification", BOOT]))
        ok = json.loads(await ws.recv())[0] == 3
        return ws, ok

    t0 = time.monotonic()
    results = await asyncio.gather(*(one(i) for i in range(cps)), return_exceptions=True)
    elapsed = time.monotonic() - t0
    booted = sum(1 for r in results if isinstance(r, tuple) and r[1])
    for r in results:
        if isinstance(r, tuple):
            await r[0].close()
    return elapsed, booted


def _with_server(kind: str, fn):
    ctx = mp.get_context("spawn")
    port_q, stop = ctx.Queue(), ctx.Event()
    proc = ctx.Process(target=_bare_server if kind == "bare" else _our_server, args=(port_q, stop), daemon=True)
    proc.start()
    try:
        port = port_q.get(timeout=30)
        return asyncio.run(fn(port))
    finally:
        stop.set()
        proc.join(10)
        if proc.is_alive():
            proc.kill()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--connect", type=int, default=500)
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results/ocpp.md"))
    args = ap.parse_args()
    rows = []
    for action in ("Heartbeat", "MeterValues"):
        for cps in (1, 100):
            runs: dict[str, list[float]] = {"bare": [], "ours": []}
            for _ in range(args.repeats):  # interleaved, so a noisy neighbour hits both alike
                for kind in ("bare", "ours"):
                    runs[kind].append(_with_server(kind, lambda p, c=cps, a=action: _throughput(p, c, a,
                                                                                                 args.seconds)))
            ratio = statistics.median(o / b for b, o in zip(runs["bare"], runs["ours"], strict=True))
            bare, ours = statistics.median(runs["bare"]), statistics.median(runs["ours"])
            rows.append((action, cps, bare, ours, ratio))
            print(f"{action:12} {cps:4} CPs: bare {bare:8.0f}/s  ours {ours:8.0f}/s  ratio {ratio:.2f}", flush=True)
    conn = {}
    conn_runs: dict[str, list] = {"bare": [], "ours": []}
    for _ in range(args.repeats):
        for kind in ("bare", "ours"):
            conn_runs[kind].append(_with_server(kind, lambda p: _connect_many(p, args.connect)))
    for kind, runs_ in conn_runs.items():
        conn[kind] = (statistics.median(r[0] for r in runs_), min(r[1] for r in runs_))
        print(f"connect+boot {args.connect} CPs {kind}: {conn[kind][0]:.2f} s, booted {conn[kind][1]}", flush=True)
    lines = [
        "# OCPP CSMS benchmark", "",
        f"`python benchmarks/ocpp_csms.py --seconds {args.seconds:g} --repeats {args.repeats}` on "
        f"{dt.date.today().isoformat()}, Python {platform.python_version()}, {mp.cpu_count()} cores.", "",
        "bare: `ocpp` 2.1.0 `v201.ChargePoint` handlers over websockets (validation in its executor, no tracing).",
        "ours: chargebench `harness.protocols.ocpp.Csms` with every frame traced to disk (JSON lines, flushed)",
        "and strict schema validation. Servers run in their own process; the charge points are raw websockets",
        "clients in the benchmark process, each sending the next CALL when the previous reply arrives.",
        f"Medians of {args.repeats} interleaved runs of {args.seconds:g} s (bare, ours, bare, ours ...); the ratio",
        "column is the median of the per-pair ratios. The machine is shared, so absolute numbers are noisy.", "",
        "| message | charge points | bare msg/s | ours msg/s | ours / bare |", "|---|---|---|---|---|",
        *[f"| {a} | {c} | {b:.0f} | {o:.0f} | {r:.2f} |" for a, c, b, o, r in rows], "",
        f"| connect + BootNotification of {args.connect} charge points | bare | ours |", "|---|---|---|",
        f"| seconds (median) | {conn['bare'][0]:.2f} | {conn['ours'][0]:.2f} |",
        f"| booted (worst run) | {conn['bare'][1]} | {conn['ours'][1]} |", "",
        "Target: ours keeps at least 0.8 of the bare throughput "
        f"({'met' if all(r[4] >= 0.8 for r in rows) else 'NOT met'} in this run).", ""]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines))
    print(f"written {args.out}")


if __name__ == "__main__":
    main()
