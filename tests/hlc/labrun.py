"""Run HLC suites on the virtual lab (its own process, reached over loopback TCP/UDP as a real bench would be).

The defect matrix reuses one lab per suite: the DC charger's defects are switched between runs through the
lab's sim://dc-control port, which saves a lab start (about 2 s with the EXI tables) per defect.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

from harness.engine.runner import Run
from harness.engine.virtual_lab import VirtualLabProcess
from harness.loader import load, load_suite
from harness.model import BenchConfig, DutProfile, RunRecord, Verdict
from sim.defects import all_defects

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "profiles" / "bench" / "sim.yaml"
DC_BENCH = ROOT / "profiles" / "bench" / "sim_dc.yaml"  # with the battery emulator the EV's model drives
SUITES = ROOT / "suites"
DUTS = ROOT / "profiles" / "dut"
SCALE = 25.0
FULL = os.environ.get("CHARGEBENCH_FULL_MATRIX") == "1"  # every defect against the whole suite (slower)


def _run(lab: VirtualLabProcess, suite: Path, dut: Path, defects: list[str], only: set[str] | None,
         scale: float = SCALE, bench: Path = BENCH) -> RunRecord:
    loaded = load_suite(suite)
    if only is not None:
        loaded.suite.tests = [t for t in loaded.suite.tests if t.id in only]
    with tempfile.TemporaryDirectory(prefix="hlc-run-") as tmp:
        run = Run(loaded, load(dut, DutProfile), load(bench, BenchConfig), Path(tmp), time_scale=scale,
                  defects=defects, resolve=lab.resolve, virtual_lab=lab.record())
        with run:
            return run.run_all()


def run_suite(suite: Path, dut: Path, defects: list[str] | None = None, scale: float = SCALE,
              only: set[str] | None = None, bench: Path = BENCH) -> RunRecord:
    """A fresh lab started with ``defects`` (as ``chargebench run --defect`` does)."""
    with VirtualLabProcess(bench, dut, defects or [], scale) as lab:
        return _run(lab, suite, dut, defects or [], only, scale, bench)


def set_dc_defects(lab: VirtualLabProcess, names: list[str]) -> None:
    host, _, port = lab.resolve("sim://dc-control").rpartition(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall((json.dumps({"defects": names}) + "\n").encode())
        reply = json.loads(sock.makefile().readline())
    if not reply.get("ok"):
        raise RuntimeError(reply)


def catches(suite_id: str) -> dict[str, str]:
    """defect name -> the test id it is meant to fail in ``suite_id``."""
    out = {}
    for name, d in all_defects().items():
        for target in d.catches.split(", "):
            if target.startswith(suite_id + ":"):
                out[name] = target.split(":", 1)[1]
    return out


def listed(suite_id: str, defect: str) -> set[str]:
    """Every test of ``suite_id`` the defect's ``catches`` names (it may fail them all; the matrix targets the last)."""
    return {c.split(":", 1)[1] for c in all_defects()[defect].catches.split(", ") if c.startswith(suite_id + ":")}


def assert_fails_only_listed(matrix: dict[str, RunRecord], suite_id: str, defect: str, target: str) -> None:
    """The defect's run FAILs ``target``; every test its ``catches`` does not list keeps its clean verdict."""
    record = matrix[defect]
    verdicts = {t.id: t.verdict for t in record.tests}
    assert verdicts[target] is Verdict.FAIL, next(t.reason for t in record.tests if t.id == target)
    clean = {t.id: t.verdict for t in matrix[""].tests}
    also = listed(suite_id, defect) | {target}  # e.g. an expired TLS certificate stops Plug & Charge too
    assert not [(t.id, t.verdict, t.reason) for t in record.tests if t.id not in also and t.verdict is not clean[t.id]]


@functools.cache
def namespaces_unavailable(*tools: str) -> str | None:
    """Why a private network namespace with a veth pair cannot be made here (None: it can); probed once."""
    for tool in ("unshare", "ip", *tools):
        if not shutil.which(tool):
            return f"{tool} is missing ({' / '.join(('util-linux', 'iproute2', *tools))})"
    probe = subprocess.run(["unshare", "-rn", "true"], capture_output=True)
    if probe.returncode != 0 and os.geteuid() != 0:
        return f"network namespaces unavailable (unshare -rn: {probe.stderr.decode().strip()})"
    return None


SPECS = {  # suite key -> (suite, DUT profile, suite id, canary tests run with every defect)
    "din70121-dc": (SUITES / "din70121_dc.yaml", DUTS / "ccs1_dc_150kw.yaml", {"DIN-03"}),
    "iso15118-2": (SUITES / "iso15118_2.yaml", DUTS / "ccs2_dc_350kw.yaml", {"ISO2-DC-03"}),
    "iso15118-20": (SUITES / "iso15118_20.yaml", DUTS / "ccs1_dc_150kw.yaml", {"ISO20-DC-03"}),
    "j3400": (SUITES / "j3400.yaml", DUTS / "j3400_dc_250kw.yaml", {"J3400-DC-01"}),
}


def run_all_matrices() -> dict[str, dict[str, RunRecord]]:
    """Every suite's matrix at once, one process each: the runs mostly wait on virtual time, so they overlap
    well, and separate processes keep one harness's timing free of the others' GIL."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(len(SPECS), mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = {key: pool.submit(run_matrix, suite, dut, dc_targets(key), canaries)
                   for key, (suite, dut, canaries) in SPECS.items()}
        return {key: f.result() for key, f in futures.items()}


def dc_targets(suite_id: str) -> dict[str, str]:
    """The defects whose target test runs on the suite's DC profile (AC tests have their own runs; SLAC needs a
    raw interface, so its defects are shown in a network namespace by tests/hlc/test_slac.py)."""
    return {d: t for d, t in catches(suite_id).items() if "-AC-" not in t and not d.startswith("slac_")}


def run_matrix(suite: Path, dut: Path, targets: dict[str, str], canaries: set[str]) -> dict[str, RunRecord]:
    """Clean run of the whole suite (key ''), then each defect against its target test plus canaries."""
    out = {}
    with VirtualLabProcess(DC_BENCH, dut, [], SCALE) as lab:
        out[""] = _run(lab, suite, dut, [], None, bench=DC_BENCH)
        for defect, target in targets.items():
            set_dc_defects(lab, [defect])
            out[defect] = _run(lab, suite, dut, [defect], None if FULL else canaries | {target}, bench=DC_BENCH)
        set_dc_defects(lab, [])
    return out
