"""Serve the virtual lab's simulated DC charger (sim/dc: power stage + SECC) on a real link: SDP multicast on
``--interface`` and V2G TCP on its IPv6 link-local address, for Josev's EV side to charge from.

The pilot is held in state C (Josev's EVCC cannot drive our EV emulator). Prints one JSON line per V2G
request the charger answered when it exits (SIGTERM / --seconds).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import socket
import sys
from pathlib import Path

from harness.loader import load
from harness.model import DutProfile
from sim.ac_charger import ChargerRatings
from sim.dc.charger import attach
from sim.dc.secc import start
from sim.lab import VirtualLab


def _link_local(interface: str) -> str:
    with open("/proc/net/if_inet6") as fh:
        for line in fh:
            addr, _idx, _plen, scope, _flags, name = line.split()
            if name == interface and scope == "20" and not int(_flags, 16) & 0x40:  # skip tentative (DAD)
                return socket.inet_ntop(socket.AF_INET6, bytes.fromhex(addr))
    raise SystemExit(f"{interface} has no IPv6 link-local address")


async def main(args: argparse.Namespace) -> None:
    dut = load(args.dut, DutProfile)
    lab = VirtualLab(ChargerRatings(max_current_a=dut.max_current_a, phases=1, voltage_v=dut.nominal_voltage_v),
                     set(args.defect))
    attach(lab, dut)
    lab.ev.state = "C"
    lab.secc_log = []
    host = f"{_link_local(args.interface)}%{args.interface}"
    addresses, stop = await start(lab, set(args.defect), host=host, interface=args.interface,
                                  pki_dir=Path(args.pki_dir) if args.pki_dir else None)
    print(json.dumps({"serving": addresses}), flush=True)
    done = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, done.set)
    try:
        await asyncio.wait_for(done.wait(), args.seconds)
    except TimeoutError:
        pass
    finally:
        await stop()
        for row in lab.secc_log:
            print(json.dumps(row), flush=True)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--interface", default="veth0")
    ap.add_argument("--dut", default="profiles/dut/ccs1_dc_150kw.yaml")
    ap.add_argument("--defect", action="append", default=[])
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--pki-dir", help="TLS and Plug & Charge material (josev_wallet.py --lab): serve TLS too")
    asyncio.run(main(ap.parse_args()))
    sys.exit(0)
