"""Run the DIN 70121 suite's SLAC case (DIN-19) on the virtual lab with SLAC on a veth pair: the lab serves the
charger's SLAC on veth0 (``--option slac_interface=veth0``), the DUT profile names veth1 as the EV's PLC
interface. Runs the case clean and with each SLAC defect (switched on one lab), and prints one JSON line:
{defect: {verdict, reason, measurements, slac event, nmk_leaked}}. Must run inside tools/josev_peer/netns.sh.

    tools/josev_peer/netns.sh python tools/josev_peer/slac_suite.py
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from harness.engine.runner import Run  # noqa: E402
from harness.engine.virtual_lab import VirtualLabProcess  # noqa: E402
from harness.loader import load, load_suite  # noqa: E402
from harness.model import BenchConfig, DutProfile  # noqa: E402
from harness.protocols.slac import ev as slac_ev  # noqa: E402

BENCH = ROOT / "profiles" / "bench" / "sim_dc.yaml"
SUITE = ROOT / "suites" / "din70121_dc.yaml"
CASE = "DIN-19"
DEFECTS = ["", "slac_late_parm_cnf", "slac_no_match_cnf"]

NMKS: list[str] = []  # what the EV received: must appear in no file of the run directory
_run = slac_ev.EvSlac.run


def _keep_nmk(self: slac_ev.EvSlac) -> slac_ev.SlacResult:
    result = _run(self)
    if result.nmk:
        NMKS.append(result.nmk)
    return result


def main() -> int:
    slac_ev.EvSlac.run = _keep_nmk
    with tempfile.TemporaryDirectory(prefix="slac-suite-") as tmp:
        raw = yaml.safe_load((ROOT / "profiles" / "dut" / "ccs1_dc_150kw.yaml").read_text())
        raw["hlc"]["interface"] = "veth1"
        dut_path = Path(tmp) / "dut.yaml"
        dut_path.write_text(yaml.safe_dump(raw))
        out = {}
        with VirtualLabProcess(BENCH, dut_path, [], 25.0, options={"slac_interface": "veth0"}) as lab:
            for defect in DEFECTS:
                control = lab.resolve("sim://dc-control")
                _switch(control, [defect] if defect else [])
                loaded = load_suite(SUITE)
                loaded.suite.tests = [t for t in loaded.suite.tests if t.id == CASE]
                run_dir = Path(tmp) / (defect or "clean")
                run = Run(loaded, load(dut_path, DutProfile), load(BENCH, BenchConfig), run_dir, time_scale=25.0,
                          defects=[defect] if defect else [], resolve=lab.resolve, virtual_lab=lab.record())
                with run:
                    record = run.run_all()
                test = record.tests[0]
                events = [json.loads(line) for line in (run_dir / "events.jsonl").read_text().splitlines()]
                files = "".join(p.read_text(errors="replace") for p in run_dir.rglob("*") if p.is_file())
                out[defect] = {"verdict": test.verdict.value, "reason": test.reason,
                               "measurements": {m.name: [m.value, m.verdict.value] for m in test.measurements},
                               "slac": next((e for e in events if e["event"] == "hlc_slac"), None),
                               "nmk_leaked": any(n in files or n.upper() in files for n in NMKS),
                               "notes": record.virtual_lab.get("notes")}
            _switch(lab.resolve("sim://dc-control"), [])
    print(json.dumps(out))
    return 0


def _switch(address: str, names: list[str]) -> None:
    import socket

    host, _, port = address.rpartition(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall((json.dumps({"defects": names}) + "\n").encode())
        reply = json.loads(sock.makefile().readline())
    if not reply.get("ok"):
        raise RuntimeError(reply)


if __name__ == "__main__":
    sys.exit(main())
