"""Helpers for the core tests: run a suite on the virtual lab in-process (the lab is its own
process, reached over the wire as on a real bench)."""

from __future__ import annotations

from pathlib import Path

from harness.engine.runner import Run
from harness.engine.virtual_lab import VirtualLabProcess
from harness.loader import load, load_suite
from harness.model import BenchConfig, DutProfile, RunRecord

ROOT = Path(__file__).resolve().parents[2]
SUITE = ROOT / "suites" / "iec61851_ac_pilot.yaml"
BENCH = ROOT / "profiles" / "bench" / "sim.yaml"
DEFAULT_DUT = ROOT / "profiles" / "dut" / "j1772_80a.yaml"
SCALE = 50.0


def run_suite(out: Path, defects: list[str] | None = None, dut: Path = DEFAULT_DUT, suite: Path = SUITE,
              scale: float = SCALE) -> RunRecord:
    loaded = load_suite(suite)
    with VirtualLabProcess(BENCH, dut, defects or [], scale) as lab:
        run = Run(loaded, load(dut, DutProfile), load(BENCH, BenchConfig), out, time_scale=scale,
                  defects=defects or [], resolve=lab.resolve)
        with run:
            return run.run_all()
