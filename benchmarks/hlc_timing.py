"""Two figures that decide whether the EV side can judge a charger's 25 ms CurrentDemandRes deadline.

    python benchmarks/hlc_timing.py [--repeat 2000] [--delays 0,5,10,20,25] [--out benchmarks/results/hlc.md]

1. Processing time per message on our EV side: building the request body, wrapping, EXI-encoding and
   V2GTP-framing it, then un-framing, EXI-decoding and reading the answer (everything the EV does per
   exchange except waiting), per protocol and message, median and p99.
2. Accuracy of the response times it measures: a charger stand-in in its own process answers every
   CurrentDemandReq after a known delay (busy-wait, stamped on its side from request read to answer
   written); our EV measures the same exchange at its socket (V2gConnection, as in a session). The
   difference (measured - charger's own stamp) is the measurement error: loopback transit plus both
   processes' wake-up; its p99 and maximum are the margin to state next to a 25 ms limit. Both sides use the
   kernel's receive timestamps (SO_TIMESTAMPNS) and stamp sends just before the call, so the error is
   transit and send-call time: it can only make the measured time longer than the charger's own.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import platform
import socket
import statistics
import struct
import time
from pathlib import Path

from harness.protocols.iso15118 import v2gtp
from harness.protocols.iso15118.battery import Battery
from harness.protocols.iso15118.dialect_din import DinDialect
from harness.protocols.iso15118.dialect_iso2 import Iso2Dialect
from harness.protocols.iso15118.dialect_iso20 import Iso20Dialect
from harness.protocols.iso15118.transport import SO_TIMESTAMPNS, V2gConnection

ROOT = Path(__file__).resolve().parents[1]


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


# -- 1. processing time -----------------------------------------------------------------------------------
def _answers(d) -> dict[str, tuple[str, dict]]:
    """A typical charger answer per request (what the EV must decode)."""
    from sim.dc.secc_din import DinSecc
    from sim.dc.secc_iso2 import Iso2Secc
    from sim.dc.secc_iso20 import Iso20Secc
    from sim.dc.stage import DcPowerStage, DcRatings
    from sim.dc_bus import DcBus

    class S:
        defects: set = set()
        session_id = "0102030405060708"
        lax = False
        stage = DcPowerStage(DcRatings(), DcBus())

    cls = {"din70121": DinSecc, "iso15118-2": Iso2Secc, "iso15118-20": Iso20Secc}[d.name]
    secc = cls(S())
    out = {}
    for name in (d.cpd_req, d.pre_charge_req, d.loop_req, d.welding_req):
        (res, body), = secc.failed(name, "OK").items()
        out[name] = (res, secc.wrap(res, body))
    return out


def processing(repeat: int) -> list[tuple[str, str, float, float]]:
    rows = []
    bat = Battery()
    for d in (DinDialect(), Iso2Dialect(), Iso20Dialect()):
        d.preload()
        answers = _answers(d)
        builders = {d.cpd_req: lambda d=d: d.charge_parameters(bat), d.pre_charge_req: lambda d=d: d.pre_charge(bat, 2),
                    d.loop_req: lambda d=d: d.current_demand(bat, 100), d.welding_req: lambda d=d: d.welding(bat)}
        for name, build in builders.items():
            _res, answer = answers[name]
            answer_bytes = d.encode(answer)
            ptype = d.payload_type_for(name)
            times = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                frame = v2gtp.pack(ptype, d.encode(d.wrap("0102030405060708", name, build())))
                _rt, payload = v2gtp.unpack(v2gtp.pack(ptype, answer_bytes))
                _n, body, _sid = d.unwrap(d.decode(payload, ptype))
                d.present_voltage(body)
                times.append(time.perf_counter() - t0)
                assert frame
            rows.append((d.name, name, statistics.median(times) * 1e6, _pct(times, 99) * 1e6))
    return rows


# -- 2. response-time accuracy ------------------------------------------------------------------------------
def _charger(port_q: multiprocessing.Queue, stamps_q: multiprocessing.Queue, delay_s: float, count: int,
             answer: bytes) -> None:
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    port_q.put(srv.getsockname()[1])
    conn, _ = srv.accept()
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    conn.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    frame = v2gtp.pack(v2gtp.EXI, answer)
    stamps = []
    for _ in range(count):
        header, t_in = b"", None
        while len(header) < 8:
            chunk, anc, _f, _a = conn.recvmsg(8 - len(header), socket.CMSG_SPACE(16))
            for level, kind, data in anc:
                if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and t_in is None:
                    sec, nsec = struct.unpack_from("@qq", data)
                    t_in = sec + nsec * 1e-9  # kernel arrival of the request (CLOCK_REALTIME)
            header += chunk
        t_in = t_in or time.time()  # no kernel stamp delivered: fall back to the read time
        length = struct.unpack(">I", header[4:8])[0]
        body = b""
        while len(body) < length:
            body += conn.recv(length - len(body))
        while time.time() - t_in < delay_s:  # busy-wait: the delay itself must be exact
            pass
        t_out = time.time()  # before the send: the answer cannot leave earlier
        conn.sendall(frame)
        stamps.append(t_out - t_in)
    stamps_q.put(stamps)
    conn.close()
    srv.close()


def accuracy(delays_ms: list[float], count: int) -> list[tuple[float, float, float, float, float]]:
    d = DinDialect()
    d.preload()
    bat = Battery()
    (_res, answer), = [_answers(d)[d.loop_req]]
    answer_bytes = d.encode(answer)
    ctx = multiprocessing.get_context("spawn")
    rows = []
    for delay in delays_ms:
        port_q, stamps_q = ctx.Queue(), ctx.Queue()
        proc = ctx.Process(target=_charger, args=(port_q, stamps_q, delay / 1e3, count, answer_bytes))
        proc.start()
        conn = V2gConnection.connect("127.0.0.1", port_q.get(timeout=20))
        measured = []
        for _ in range(count):
            data = d.encode(d.wrap("0102030405060708", d.loop_req, d.current_demand(bat, 100)))
            sent = conn.send(v2gtp.EXI, data)
            got = conn.receive(2.0)
            measured.append(got.t_first - sent)
            time.sleep(0.002)
        truth = stamps_q.get(timeout=20)
        proc.join(10)
        conn.close()
        err = [(m - s) * 1e3 for m, s in zip(measured, truth, strict=True)]
        rows.append((delay, statistics.median(truth) * 1e3, statistics.median(err), _pct(err, 99), max(err)))
    return rows


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=2000)
    ap.add_argument("--count", type=int, default=500, help="exchanges per known delay")
    ap.add_argument("--delays", default="0,5,10,20,25")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "hlc.md")
    args = ap.parse_args()
    proc_rows = processing(args.repeat)
    acc_rows = accuracy([float(x) for x in args.delays.split(",")], args.count)
    worst = max(r[4] for r in acc_rows)
    p99 = max(r[3] for r in acc_rows)
    lines = [
        "# HLC timing: EV-side processing and response-time accuracy",
        "",
        f"Command: `python benchmarks/hlc_timing.py --repeat {args.repeat} --count {args.count} "
        f"--delays {args.delays}`",
        f"Run: {dt.datetime.now(dt.UTC).isoformat(timespec='seconds')}, {platform.python_version()}, "
        f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}",
        "",
        "## 1. EV-side processing time per exchange",
        "",
        "Build + wrap + EXI-encode + V2GTP-frame the request, then un-frame + EXI-decode + read the answer "
        "(our pure-Python codec), per message. This is CPU time spent outside the timed window.",
        "",
        "| Protocol | Request | median (us) | p99 (us) |",
        "|---|---|---|---|",
        *[f"| {p} | {n} | {m:.0f} | {q:.0f} |" for p, n, m, q in proc_rows],
        "",
        "## 2. Accuracy of measured response times",
        "",
        "A charger stand-in (own process, loopback TCP) answers each CurrentDemandReq after a known busy-wait "
        "delay, stamping from the kernel's arrival time of the request to just before its send; our EV's "
        "V2gConnection measures from just before its send to the kernel's arrival time of the answer "
        "(SO_TIMESTAMPNS). Error = EV-measured - charger-stamped (ms).",
        "",
        "| Known delay (ms) | charger-stamped median (ms) | error median (ms) | error p99 (ms) | error max (ms) |",
        "|---|---|---|---|---|",
        *[f"| {d:g} | {t:.3f} | {m:.3f} | {q:.3f} | {x:.3f} |" for d, t, m, q, x in acc_rows],
        "",
        f"**Judging a 25 ms deadline:** the error only ever lengthens the measured time (transit, the send "
        f"call, and a rare preemption between the EV's stamp and its send): median about "
        f"{statistics.median(r[2] for r in acc_rows):.3f} ms, p99 at most {p99:.3f} ms, worst {worst:.3f} ms "
        "in this run. So a measured response time <= 25 ms is a PASS without doubt; one above "
        f"{25 + p99:.2f} ms (25 ms + p99) is a FAIL with 99 % confidence; in between, the FAIL may be "
        "conservative and the report should carry that margin (it is within the judge's uncertainty band "
        "when the step passes one).",
        "",
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
