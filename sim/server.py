"""Run the virtual lab: emulators for the bench's ``sim://`` instruments, the charger's Modbus port, and
a small JSON-lines control port for fault injection. Addresses are written to ``--ports-file``."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
from pathlib import Path
from typing import Any

from harness.loader import LoadError, load
from harness.model import BenchConfig, DutProfile

from .ac_charger import ChargerRatings
from .defects import all_defects, check
from .emulators import SCPI_EMULATORS
from .lab import VirtualLab
from .modbus_dut import build_server
from .scpi.server import serve_device
from .services import load as load_services

FAULTS = ("drop", "timeout", "error", "out_of_range")


def _sockname(server: Any) -> int:
    return server.sockets[0].getsockname()[1]


async def _control(lab: VirtualLab, stop: asyncio.Event):
    """``{"fault": "drop", "instrument": "ev"}``, ``{"clear": "ev"}``, ``{"status": true}``, ``{"stop": true}``."""

    async def client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while line := await reader.readline():
            try:
                msg = json.loads(line)
                if "fault" in msg:
                    if msg["fault"] not in FAULTS:
                        raise ValueError(f"fault must be one of {FAULTS}")
                    lab.faults[msg["instrument"]] = msg["fault"]
                    reply: dict = {"ok": True}
                elif "clear" in msg:
                    lab.faults.pop(msg["clear"], None)
                    reply = {"ok": True}
                elif "status" in msg:
                    t = lab.now()
                    reply = {"t": t, "contactor": lab.charger.contactor, "ev_state": lab.ev.state,
                             "current_a": lab.current_a, "duty": lab.charger.duty_pct()}
                elif "stop" in msg:
                    stop.set()
                    reply = {"ok": True}
                else:
                    raise ValueError("unknown control message")
            except Exception as exc:  # a bad control line must not stop the lab
                reply = {"error": str(exc)}
            writer.write((json.dumps(reply) + "\n").encode())
            await writer.drain()
        writer.close()

    return await asyncio.start_server(client, "127.0.0.1", 0)


async def run(bench: BenchConfig, dut: DutProfile, defects: list[str], time_scale: float,
              ports_file: Path | None, watch_stdin: bool, options: dict[str, str] | None = None) -> None:
    ratings = ChargerRatings(max_current_a=dut.max_current_a, phases=dut.phases,
                             voltage_v=dut.nominal_voltage_v)
    lab = VirtualLab(ratings, set(defects), time_scale=time_scale,
                     seed=bench.virtual_lab.seed if bench.virtual_lab else 1)
    stop = asyncio.Event()
    addresses: dict[str, str] = {}
    servers = []
    for inst in bench.instruments:
        if not inst.address.startswith("sim://"):
            continue
        emulator = SCPI_EMULATORS.get(inst.driver)
        if emulator is None:
            continue  # served by a non-SCPI starter in SIM_SERVICES (or missing: the run will say so)
        server = await serve_device(emulator(inst.name, lab))
        servers.append(server)
        addresses[inst.address] = f"TCPIP::127.0.0.1::{_sockname(server)}::SOCKET"
    modbus = None
    if dut.control is not None and dut.control.address.startswith("sim://"):
        modbus = build_server(lab, dut.control)
        await modbus.listen()
        addresses[dut.control.address] = f"127.0.0.1:{modbus.transport.sockets[0].getsockname()[1]}"
    stoppers = []
    for starter in load_services():
        served, stopper = await starter(lab, bench, dut, options or {})
        addresses.update(served)
        stoppers.append(stopper)
    control = await _control(lab, stop)
    addresses["control"] = f"127.0.0.1:{_sockname(control)}"
    payload = json.dumps({"pid": os.getpid(), "addresses": addresses, "notes": lab.notes})
    if ports_file:
        tmp = ports_file.with_suffix(".tmp")
        tmp.write_text(payload)
        tmp.replace(ports_file)
    else:
        print(payload, flush=True)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    if watch_stdin:  # exit when the parent goes away (its end of our stdin closes)
        reader = asyncio.StreamReader()
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)

        async def watch() -> None:
            while await reader.read(1024):
                pass
            stop.set()

        asyncio.ensure_future(watch())
    await stop.wait()
    for server in servers + [control]:
        server.close()
    if modbus is not None:
        await modbus.shutdown()
    for stopper in stoppers:
        await stopper()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim", description="Run the chargebench virtual lab.")
    parser.add_argument("--bench", default="profiles/bench/sim.yaml")
    parser.add_argument("--dut", default="profiles/dut/j1772_80a.yaml")
    parser.add_argument("--defect", action="append", default=[], metavar="NAME")
    parser.add_argument("--time-scale", type=float, default=1.0)
    parser.add_argument("--ports-file", type=Path)
    parser.add_argument("--watch-stdin", action="store_true", help="exit when stdin closes")
    parser.add_argument("--list-defects", action="store_true")
    parser.add_argument("--option", action="append", default=[], metavar="KEY=VALUE",
                        help="passed to the lab's extra services (e.g. csms_url=ws://...)")
    args = parser.parse_args(argv)
    if args.list_defects:
        for d in all_defects().values():
            print(f"{d.name}: {d.sentence}")
        return 0
    try:
        check(args.defect)
        bench = load(args.bench, BenchConfig)
        dut = load(args.dut, DutProfile)
    except (LoadError, ValueError) as exc:
        print(exc, file=sys.stderr)
        return 2
    if not 0 < args.time_scale <= 1000:
        print("--time-scale must be in (0, 1000]", file=sys.stderr)
        return 2
    options = dict(opt.split("=", 1) for opt in args.option if "=" in opt)
    asyncio.run(run(bench, dut, args.defect, args.time_scale, args.ports_file, args.watch_stdin, options))
    return 0
