"""Run a suite on the virtual lab through the engine, as the command line does but without writing the HTML/PDF
reports (a real lab process, real sockets, the real CSMS; only the report step is left out for speed)."""

from __future__ import annotations

import json
from pathlib import Path

from harness.engine.runner import Run
from harness.engine.virtual_lab import VirtualLabProcess
from harness.loader import load, load_suite
from harness.model import BenchConfig, DutProfile

REPO = Path(__file__).resolve().parents[2]
BENCH = REPO / "profiles/bench/sim.yaml"


def run_suite(suite: str, dut: str, out: Path, defects: list[str] = (), time_scale: float = 20) -> dict:  # type: ignore[assignment]
    loaded = load_suite(REPO / suite)
    profile = load(REPO / dut, DutProfile)
    bench = load(BENCH, BenchConfig)
    with VirtualLabProcess(BENCH, REPO / dut, list(defects), time_scale) as lab:
        run = Run(loaded, profile, bench, out, time_scale=time_scale, defects=list(defects),
                  resolve=lab.resolve, virtual_lab={"pid": lab.pid})
        with run:
            run.run_all()
    return json.loads((out / "record.json").read_text())


def verdicts(record: dict) -> dict[str, str]:
    return {t["id"]: t["verdict"] for t in record["tests"]}
