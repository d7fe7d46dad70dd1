"""Harness time per SCPI query against raw pyvisa on the same emulator, measured in one run.

    python benchmarks/scpi_overhead.py [--queries 2000] [--rounds 5]

Both paths query the EV emulator's pilot level over pyvisa-py TCPIP SOCKET on loopback: 'raw' is a bare
``resource.query`` plus ``float()``; 'harness' is ``ChargebenchEve.read('pilot_high_v')`` (declared
property, reply parsing, range check, uncertainty, transcript listener). Rounds alternate so both see
the same machine load; the ratio of medians is what to quote (this machine is shared and noisy).
"""

from __future__ import annotations

import argparse
import platform
import time

from _lab import BENCH, DUT, median_us

from harness.engine.virtual_lab import VirtualLabProcess
from instruments import open_instrument


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--queries", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    import pyvisa

    with VirtualLabProcess(BENCH, DUT, [], 1.0) as lab:
        address = lab.resolve("sim://ev")
        raw = pyvisa.ResourceManager("@py").open_resource(address, read_termination="\n",
                                                          write_termination="\n", timeout=2000)
        ev = open_instrument("chargebench.eve", address, name="ev", listener=lambda *a: None)
        raw_t, ours_t = [], []
        for _ in range(args.rounds):
            for _ in range(args.queries):
                t0 = time.perf_counter()
                float(raw.query("MEAS:PIL:HIGH?"))
                raw_t.append(time.perf_counter() - t0)
            for _ in range(args.queries):
                t0 = time.perf_counter()
                ev.read("pilot_high_v")
                ours_t.append(time.perf_counter() - t0)
        raw.close()
        ev.close()
    r, o = median_us(raw_t), median_us(ours_t)
    print(f"machine: {platform.machine()} {platform.python_version()}, {args.rounds} x {args.queries} queries each")
    print(f"raw pyvisa query      median {r:8.1f} us")
    print(f"harness read()        median {o:8.1f} us")
    print(f"ratio harness/raw     {o / r:8.3f}   (overhead {o - r:+.1f} us per query)")


if __name__ == "__main__":
    main()
